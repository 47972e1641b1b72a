"""Write the awkward designs same_folds.py is run on: the first 3,000 rows of a table with a
constant column, a duplicated column and a three-level one-hot group added.

Usage: python awkward.py SOURCE.csv TARGET OUT.csv
The target is renamed `y` (same_folds.py reads it under that name); the one-hot levels come
from a fixed generator, so the file is the same on every run.
"""
import sys

import numpy as np
import pandas as pd

source, target, out = sys.argv[1:4]
data = pd.read_csv(source, nrows=3000)
y = data.pop(target)
data["constant"] = 1.0
data["duplicate"] = data.iloc[:, 0]
level = np.random.default_rng(7).integers(0, 3, size=len(data))
for k in range(3):
    data[f"level_{k}"] = (level == k).astype(float)
data["y"] = y
data.to_csv(out, index=False)
