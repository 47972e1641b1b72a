"""Reference fold sizes from scikit-learn for seedfold's splitter tests.

Run:  python tests/reference/make_split_reference.py  (needs scikit-learn, numpy)
Writes tests/reference/split_sizes.json. Only seed-independent facts are recorded (fold
sizes, per-class allocation, time-series windows), because seedfold's shuffles use its own
RNG by design.
"""
import json, pathlib, sys
import numpy as np
import sklearn
from sklearn.model_selection import (KFold, StratifiedKFold, ShuffleSplit,
    StratifiedShuffleSplit, TimeSeriesSplit, GroupKFold)

here = pathlib.Path(__file__).parent
data = here.parent.parent / "datasets"

def labels(name):
    rows = (data / f"{name}.csv").read_text().strip().splitlines()[1:]
    return [r.rsplit(",", 1)[1] for r in rows]

out = {"generated_by": f"scikit-learn {sklearn.__version__}, numpy {np.__version__}, python {sys.version.split()[0]}"}

out["kfold"] = [
    {"n": n, "k": k, "test_sizes": [len(t) for _, t in KFold(k, shuffle=True, random_state=0).split(np.zeros(n))]}
    for n, k in [(10, 3), (442, 5), (150, 10), (7, 7), (101, 4)]
]

def per_class(y, idx, classes):
    y = np.asarray(y)
    return [int((y[idx] == c).sum()) for c in classes]

strat = []
for name, k in [("iris", 5), ("wine", 5), ("breast_cancer", 10), ("digits", 7)]:
    y = labels(name)
    classes = sorted(set(y), key=lambda v: (float(v), v) if v.replace('.', '').isdigit() else (0, v))
    folds = [per_class(y, t, classes) for _, t in StratifiedKFold(k, shuffle=True, random_state=0).split(np.zeros(len(y)), y)]
    strat.append({"dataset": name, "k": k, "classes": classes, "test_counts": folds})
# an uneven hand-made case, classes appearing out of sorted order
y = ["b"] * 7 + ["a"] * 3 + ["c"] * 11
folds = [per_class(y, t, ["a", "b", "c"]) for _, t in StratifiedKFold(3, shuffle=True, random_state=0).split(np.zeros(len(y)), y)]
strat.append({"labels": y, "k": 3, "classes": ["a", "b", "c"], "test_counts": folds})
out["stratified"] = strat

out["shuffle_split"] = [
    {"n": n, "test_size": ts, "sizes": [[len(a), len(b)] for a, b in ShuffleSplit(3, test_size=ts, random_state=0).split(np.zeros(n))]}
    for n, ts in [(100, 0.25), (442, 0.1), (10, 3), (33, 0.33)]
]

sss = []
for name, ts in [("wine", 0.2), ("breast_cancer", 0.3), ("iris", 0.2)]:
    y = labels(name)
    classes = sorted(set(y))
    tr, te = next(StratifiedShuffleSplit(1, test_size=ts, random_state=0).split(np.zeros(len(y)), y))
    sss.append({"dataset": name, "test_size": ts, "classes": classes,
                "train_counts": per_class(y, tr, classes), "test_counts": per_class(y, te, classes)})
out["stratified_shuffle_split"] = sss

ts = []
for n, k, test_size, gap, mts in [(20, 4, None, 0, None), (20, 3, 4, 2, None), (23, 5, None, 1, 6), (100, 5, 10, 0, 30)]:
    folds = TimeSeriesSplit(k, test_size=test_size, gap=gap, max_train_size=mts).split(np.zeros(n))
    ts.append({"n": n, "k": k, "test_size": test_size, "gap": gap, "max_train_size": mts,
               "folds": [[tr.tolist(), te.tolist()] for tr, te in folds]})
out["time_series"] = ts

groups = np.repeat(np.arange(13), 3)
out["group_kfold"] = [{"n_groups": 13, "k": 4, "groups_per_fold": [len(set(groups[t])) for _, t in
    GroupKFold(4, shuffle=True, random_state=0).split(np.zeros(len(groups)), groups=groups)]}]

(here / "split_sizes.json").write_text(json.dumps(out, indent=1) + "\n")
print("wrote", here / "split_sizes.json")
