"""A scikit-learn cross_validate table for `seedfold summarize` to read.

Run:  python tests/reference/make_cross_validate_reference.py  (needs scikit-learn, pandas)
Writes tests/reference/cross_validate.csv exactly as `pd.DataFrame(cross_validate(...))`
saves it (Ridge on diabetes, RepeatedKFold(5 folds, 3 repeats), scorers r2,
neg_mean_squared_error, neg_mean_absolute_error, no seed or fold column) and
tests/reference/cross_validate.json with what seedfold must report: per metric, under
seedfold's name and sign, the mean over all splits and each repeat's mean.
"""
import json, pathlib, sys
import numpy as np
import pandas as pd
import sklearn
from sklearn.linear_model import Ridge
from sklearn.model_selection import RepeatedKFold, cross_validate

here = pathlib.Path(__file__).parent
d = pd.read_csv(here.parent.parent / "datasets" / "diabetes.csv")
X, y = d.iloc[:, :-1].to_numpy(float), d.iloc[:, -1].to_numpy(float)
scoring = ["r2", "neg_mean_squared_error", "neg_mean_absolute_error"]
cv = cross_validate(Ridge(alpha=1.0), X, y, cv=RepeatedKFold(n_splits=5, n_repeats=3, random_state=0),
                    scoring=scoring)
table = pd.DataFrame(cv)
table.to_csv(here / "cross_validate.csv", index=False)
names = {"r2": ("r2", 1), "neg_mean_squared_error": ("mse", -1), "neg_mean_absolute_error": ("mae", -1)}
expected = {"generated_by": f"scikit-learn {sklearn.__version__}, numpy {np.__version__}, pandas {pd.__version__}",
            "folds": 5, "repeats": 3, "metrics": {}}
for scorer, (metric, sign) in names.items():
    v = sign * table[f"test_{scorer}"].to_numpy()
    expected["metrics"][metric] = {"mean": float(v.mean()), "seed_means": [float(m) for m in v.reshape(3, 5).mean(axis=1)]}
(here / "cross_validate.json").write_text(json.dumps(expected, indent=1) + "\n")
print(json.dumps(expected, indent=1))
