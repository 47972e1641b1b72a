"""Refit scikit-learn on seedfold's own folds and print both scores, fold by fold.

Usage: python same_folds.py DATA.csv OUT_FOLDER {classification|regression}
where OUT_FOLDER is a `seedfold run --save-splits` folder on DATA.csv (target column `y`) with
any of the models knn:k=5, boosting, ols, ridge (α = 1), svm, svm:kernel=linear, tree and the
metric accuracy or r2. Make such a file from any table with awkward.py.

A tree's twin breaks ties between equally good features by its random_state (in a small node
many features separate the same rows), so for `tree` scikit-learn's score is the mean over
random_state 0 … 9 and the line ends with their range. A fold scikit-learn cannot fit (e.g. one
class in its training rows) prints whether seedfold failed it too.

The last lines judge each model as tests/twins.rs does: its mean score over the folds both
tools scored, against the twin tolerance (1e-9 for ols and ridge, 1e-6 for svm, 0.01 for knn,
whose tied neighbours either tool may take, and for boosting, which scikit-learn sums in
float32; for tree max(0.01, 2.5 × the standard deviation of the ten random states' means)).
Single folds of boosting and tree may differ by more: a near-tie that goes the other way
changes every split after it.
"""
import statistics
import sys

import pandas as pd
from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor
from sklearn.linear_model import LinearRegression, Ridge
from sklearn.metrics import accuracy_score, r2_score
from sklearn.neighbors import KNeighborsClassifier, KNeighborsRegressor
from sklearn.svm import SVC, SVR
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor

csv, out, task = sys.argv[1], sys.argv[2], sys.argv[3]
classes = task == "classification"
data = pd.read_csv(csv)
y = data.pop("y").to_numpy()
X = data.to_numpy()
splits = pd.read_csv(f"{out}/splits.csv")
records = pd.read_csv(f"{out}/records.csv")
twins = {
    "knn:k=5": (KNeighborsClassifier if classes else KNeighborsRegressor)(n_neighbors=5, algorithm="brute"),
    "boosting": (HistGradientBoostingClassifier if classes else HistGradientBoostingRegressor)(early_stopping=False),
    "ols": LinearRegression(),
    "ridge": Ridge(alpha=1.0),
    "svm": (SVC if classes else SVR)(C=1.0, gamma="scale"),
    "svm:kernel=linear": (SVC if classes else SVR)(C=1.0, kernel="linear"),
}
tie_broken = {"tree": DecisionTreeClassifier if classes else DecisionTreeRegressor}
tolerance = {"knn:k=5": 0.01, "boosting": 0.01, "ols": 1e-9, "ridge": 1e-9, "svm": 1e-6,
             "svm:kernel=linear": 1e-6}
score, metric = (accuracy_score, "accuracy") if classes else (r2_score, "r2")
if metric not in set(records.metric):
    sys.exit(f"records.csv has no {metric} scores to compare with scikit-learn's; run seedfold "
             f"with --metrics {metric}")
records = records[records.metric == metric]
unknown = sorted(set(records.model) - set(twins) - set(tie_broken))
if unknown:
    sys.exit(f"no scikit-learn twin for {', '.join(unknown)}: this script refits "
             f"{', '.join(list(twins) + list(tie_broken))}; run seedfold with those models")
# per model: seedfold's score and scikit-learn's (one per random_state for tree) on each fold
scored = {}
for (seed, fold), rows in splits.groupby(["split_seed", "fold"]):
    train = rows[rows.role == "train"].row.to_numpy()
    test = rows[rows.role == "test"].row.to_numpy()
    for name in records.model.unique():
        fitted = [twins[name]] if name in twins else [tie_broken[name](random_state=s) for s in range(10)]
        ours = records[(records.model == name) & (records.split_seed == seed) & (records.fold == fold)]
        value, status = float(ours.value.iloc[0]), ours.status.iloc[0]
        try:
            scores = [score(y[test], m.fit(X[train], y[train]).predict(X[test])) for m in fitted]
        except ValueError as e:
            # a fold neither tool can fit (one class in its training rows) fails on both sides
            agree = "both failed" if status == "failed" else "MISMATCH: only scikit-learn failed"
            print(f"{name} seed {seed} fold {fold} seedfold {status} scikit-learn failed "
                  f"({e}): {agree}")
            continue
        theirs = sum(scores) / len(scores)
        scored.setdefault(name, []).append((value, scores))
        spread = f" range {min(scores):.12f} {max(scores):.12f}" if len(scores) > 1 else ""
        print(f"{name} seed {seed} fold {fold} seedfold {value:.12f} (status {status}) "
              f"scikit-learn {theirs:.12f} diff {abs(value - theirs):.1e}{spread}")

print()
for name, folds in scored.items():
    ours = statistics.fmean(value for value, _ in folds)
    # per random_state (one for a twin without one), its mean over the folds
    states = [statistics.fmean(scores[k] for _, scores in folds) for k in range(len(folds[0][1]))]
    theirs = statistics.fmean(states)
    allowed = tolerance.get(name) or max(0.01, 2.5 * statistics.stdev(states))
    verdict = "agrees" if abs(ours - theirs) <= allowed else "DIFFERS"
    print(f"{name}: mean over {len(folds)} folds seedfold {ours:.12f} scikit-learn {theirs:.12f} "
          f"diff {abs(ours - theirs):.1e}: {verdict} (tolerance {allowed:.1e})")
