"""scikit-learn's own folds, for `--splits sklearn` (tests/sklearn_splits.rs).

Run by hand from the repository root (needs scikit-learn, numpy, pandas):

    python tests/reference/make_sklearn_splits_reference.py

Writes tests/reference/sklearn_splits.json with
- `kfold`: 1,200 generated cases of `KFold(folds, shuffle=True, random_state=seed)` on n rows
  (n log-uniform in 2 … 10,000, folds 2 … min(n, 20), seeds from 0 … 2^32 − 1 with the edges),
  each with the SHA-256 of its test folds written as "i,i,i;i,i;…" (each fold's rows in
  ascending order, folds in order), and three cases written out in full;
- `stratified`: 1,000 cases of `StratifiedKFold(folds, shuffle=True, random_state=seed)` on
  labels 0 … 5 written as one digit each (2 … 6 classes, uneven shares, every class at least
  `folds` rows), and the digest as above;
- `shuffle_split`: 1,000 cases of `ShuffleSplit(splits, test_size=…, random_state=seed)` (a
  fraction or a count), the digest over every split's test rows then train rows;
- `stratified_shuffle_split`: 1,000 cases of `StratifiedShuffleSplit(splits, test_size=…,
  random_state=seed)` on digit labels (every class at least 2 rows), digest as shuffle_split;
- `group_shuffle_split`: 1,000 cases of `GroupShuffleSplit(splits, test_size=…,
  random_state=seed)` (test size a share or count of the groups, or the default 0.2) on group
  codes 0 … g − 1 written as "g,g,…", digest as shuffle_split;
- `repeated_kfold` / `repeated_stratified`: 1,000 cases each of `RepeatedKFold(n_splits=k,
  n_repeats=r, random_state=state)` / `RepeatedStratifiedKFold`, the digest of every repeat's
  test folds ("…;…" per repeat, repeats joined by "|");
- `diabetes_ols`: `cross_validate(LinearRegression(), X, y, cv=KFold(5, shuffle=True,
  random_state=s), scoring="r2")` fold scores for s = 0, 1, 2 on datasets/diabetes.csv.
"""
import hashlib, json, pathlib, platform
import numpy as np
import pandas as pd
import sklearn
from sklearn.linear_model import LinearRegression
from sklearn.model_selection import (GroupShuffleSplit, KFold, RepeatedKFold, RepeatedStratifiedKFold,
                                     ShuffleSplit, StratifiedKFold, StratifiedShuffleSplit, cross_validate)

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
for i in range(1000):
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
for i in range(1000):
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



def split_digest(splitter, n, *args):
    return digest("|".join(",".join(map(str, sorted(test))) + ";" + ",".join(map(str, sorted(train)))
                           for train, test in splitter.split(np.zeros(n), *args)))


stratified_shuffle = []
while len(stratified_shuffle) < 1000:
    classes = int(rng.integers(2, 7))
    counts = 2 + rng.integers(0, int(rng.choice([5, 30, 200])), size=classes)
    labels = np.repeat(rng.permutation(classes), counts)
    rng.shuffle(labels)
    n = len(labels)
    splits = int(rng.integers(1, 11))
    test_size = float(rng.choice([0.1, 0.2, 0.25, 0.5])) if rng.random() < 0.5 else int(rng.integers(1, n))
    n_test = int(np.ceil(test_size * n)) if isinstance(test_size, float) else test_size
    if n_test < classes or n - n_test < classes:
        continue
    seed = seed_at(len(stratified_shuffle))
    sss = StratifiedShuffleSplit(splits, test_size=test_size, random_state=seed)
    stratified_shuffle.append({"labels": "".join(map(str, labels)), "splits": splits, "test_size": test_size,
                               "seed": seed, "sha256": split_digest(sss, n, labels)})

group_shuffle = []
for i in range(1000):
    g = int(rng.integers(2, 60))
    groups = np.concatenate([np.arange(g), rng.integers(0, g, size=int(rng.integers(0, 300)))])
    rng.shuffle(groups)
    splits = int(rng.integers(1, 11))
    pick = rng.random()
    test_size = None if pick < 0.2 else float(rng.choice([0.1, 0.25, 0.5])) if pick < 0.6 else int(rng.integers(1, g))
    n_test = int(np.ceil((0.2 if test_size is None else test_size) * g)) if not isinstance(test_size, int) else test_size
    if n_test >= g:
        test_size = 1
    seed = seed_at(i)
    gss = GroupShuffleSplit(splits, test_size=test_size, random_state=seed)
    group_shuffle.append({"groups": ",".join(map(str, groups)), "splits": splits, "test_size": test_size,
                          "seed": seed, "sha256": split_digest(gss, len(groups), None, groups)})


def repeats_digest(splitter, n, k, labels=None):
    tests = [",".join(map(str, sorted(test))) for _, test in splitter.split(np.zeros(n), labels)]
    return digest("|".join(";".join(tests[r:r + k]) for r in range(0, len(tests), k)))


repeated = []
for i in range(1000):
    n = int(round(np.exp(rng.uniform(np.log(2), np.log(3_000)))))
    k = int(rng.integers(2, min(n, 12) + 1))
    r = int(rng.integers(1, 7))
    state = seed_at(i)
    repeated.append({"n": n, "folds": k, "repeats": r, "random_state": state,
                     "sha256": repeats_digest(RepeatedKFold(n_splits=k, n_repeats=r, random_state=state), n, k)})

repeated_stratified = []
for i in range(1000):
    k = int(rng.integers(2, 8))
    classes = int(rng.integers(2, 6))
    counts = k + rng.integers(0, int(rng.choice([5, 30, 200])), size=classes)
    labels = np.repeat(rng.permutation(classes), counts)
    rng.shuffle(labels)
    r = int(rng.integers(1, 7))
    state = seed_at(i)
    rskf = RepeatedStratifiedKFold(n_splits=k, n_repeats=r, random_state=state)
    repeated_stratified.append({"labels": "".join(map(str, labels)), "folds": k, "repeats": r, "random_state": state,
                                "sha256": repeats_digest(rskf, len(labels), k, labels)})

(here / "sklearn_splits.json").write_text(json.dumps({
    "versions": {"scikit-learn": sklearn.__version__, "numpy": np.__version__, "python": platform.python_version()},
    "kfold": cases, "kfold_full": full, "stratified": stratified, "shuffle_split": shuffle_split,
    "diabetes_ols": ols, "stratified_shuffle_split": stratified_shuffle, "group_shuffle_split": group_shuffle,
    "repeated_kfold": repeated, "repeated_stratified": repeated_stratified}, indent=1) + "\n")
print("wrote", len(cases), "cases")
