"""scikit-learn's own folds, for `--splits sklearn` (tests/sklearn_splits.rs).

Run by hand from the repository root (needs scikit-learn, numpy, pandas):

    python tests/reference/make_sklearn_splits_reference.py

Writes tests/reference/sklearn_splits.json with
- `kfold`: 1,200 generated cases of `KFold(folds, shuffle=True, random_state=seed)` on n rows
  (n log-uniform in 2 … 10,000, folds 2 … min(n, 20), seeds from 0 … 2^32 − 1 with the edges),
  each with the SHA-256 of its test folds written as "i,i,i;i,i;…" (each fold's rows in
  ascending order, folds in order), and three cases written out in full;
- `stratified`: 600 cases of `StratifiedKFold(folds, shuffle=True, random_state=seed)` on
  labels 0 … 5 written as one digit each (2 … 6 classes, uneven shares, every class at least
  `folds` rows), and the digest as above;
- `shuffle_split`: 600 cases of `ShuffleSplit(splits, test_size=…, random_state=seed)` (a
  fraction or a count), the digest over every split's test rows then train rows;
- `diabetes_ols`: `cross_validate(LinearRegression(), X, y, cv=KFold(5, shuffle=True,
  random_state=s), scoring="r2")` fold scores for s = 0, 1, 2 on datasets/diabetes.csv.
"""
import hashlib, json, pathlib, platform
import numpy as np
import pandas as pd
import sklearn
from sklearn.linear_model import LinearRegression
from sklearn.model_selection import KFold, ShuffleSplit, StratifiedKFold, cross_validate

here = pathlib.Path(__file__).parent
root = here.parent.parent


def folds_text(n, k, seed):
    return ";".join(",".join(str(i) for i in sorted(test))
                    for _, test in KFold(k, shuffle=True, random_state=seed).split(np.zeros(n)))


rng = np.random.default_rng(2026)
cases = []
edge_seeds = [0, 1, 42, 2**31 - 1, 2**31, 2**32 - 1]
for i in range(1200):
    n = int(round(np.exp(rng.uniform(np.log(2), np.log(10_000)))))
    k = int(rng.integers(2, min(n, 20) + 1))
    seed = edge_seeds[i] if i < len(edge_seeds) else int(rng.integers(0, 2**32, dtype=np.uint64))
    text = folds_text(n, k, seed)
    cases.append({"n": n, "folds": k, "seed": seed, "sha256": hashlib.sha256(text.encode()).hexdigest()})

def digest(text):
    return hashlib.sha256(text.encode()).hexdigest()


def seed_at(i):
    return edge_seeds[i] if i < len(edge_seeds) else int(rng.integers(0, 2**32, dtype=np.uint64))


stratified = []
for i in range(600):
    k = int(rng.integers(2, 11))
    classes = int(rng.integers(2, 7))
    counts = k + rng.integers(0, int(rng.choice([5, 30, 200])), size=classes)
    labels = np.repeat(rng.permutation(classes), counts)
    rng.shuffle(labels)
    seed = seed_at(i)
    text = ";".join(",".join(str(j) for j in sorted(test))
                    for _, test in StratifiedKFold(k, shuffle=True, random_state=seed).split(np.zeros(len(labels)), labels))
    stratified.append({"labels": "".join(map(str, labels)), "folds": k, "seed": seed, "sha256": digest(text)})

shuffle_split = []
for i in range(600):
    n = int(round(np.exp(rng.uniform(np.log(3), np.log(5_000)))))
    splits = int(rng.integers(1, 11))
    test_size = float(rng.choice([0.1, 0.2, 0.25, 0.5])) if rng.random() < 0.5 else int(rng.integers(1, n))
    seed = seed_at(i)
    text = "|".join(",".join(map(str, sorted(test))) + ";" + ",".join(map(str, sorted(train)))
                    for train, test in ShuffleSplit(splits, test_size=test_size, random_state=seed).split(np.zeros(n)))
    shuffle_split.append({"n": n, "splits": splits, "test_size": test_size, "seed": seed, "sha256": digest(text)})

full = [{"n": n, "folds": k, "seed": s, "test": [list(map(int, f.split(","))) for f in folds_text(n, k, s).split(";")]}
        for n, k, s in [(10, 3, 0), (7, 7, 2**32 - 1), (101, 4, 12345)]]

data = pd.read_csv(root / "datasets" / "diabetes.csv")
y = data.pop(data.columns[-1]).to_numpy(float)
x = data.to_numpy(float)
ols = {str(s): cross_validate(LinearRegression(), x, y, cv=KFold(5, shuffle=True, random_state=s),
                              scoring="r2")["test_score"].tolist() for s in range(3)}

(here / "sklearn_splits.json").write_text(json.dumps({
    "versions": {"scikit-learn": sklearn.__version__, "numpy": np.__version__, "python": platform.python_version()},
    "kfold": cases, "kfold_full": full, "stratified": stratified, "shuffle_split": shuffle_split,
    "diabetes_ols": ols}, indent=1) + "\n")
print("wrote", len(cases), "cases")
