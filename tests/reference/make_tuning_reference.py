"""Tuned models (nested cross-validation) against scikit-learn's GridSearchCV on seedfold's folds.

Run by hand from the repository root, after `cargo build --release`:

    python tests/reference/make_tuning_reference.py [path/to/seedfold]

(needs scikit-learn, numpy, pandas). For each case it asks seedfold for its outer folds
(`seedfold splits`) and for the inner folds of every outer fold (`seedfold splits
--tune-folds K`), then on every outer fold fits `GridSearchCV(estimator, grid, cv=<those inner
folds>, scoring=..., refit=True)` on the outer training rows and scores the refitted best point
on the outer test rows: scikit-learn's nested cross-validation (GridSearchCV inside
cross_validate), fold by fold. The one-standard-error case picks from GridSearchCV's own
per-split inner scores (the simplest point whose mean is within one standard error, ddof = 1
over √k, of the best mean) and refits it. Writes tests/reference/tuning.json: per case, per
outer fold, the chosen grid point and the outer scores.
"""
import io, json, pathlib, subprocess, sys
import numpy as np
import pandas as pd
import sklearn
from sklearn.base import clone
from sklearn.linear_model import Ridge, LogisticRegression
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.metrics import r2_score, accuracy_score, log_loss, mean_squared_error

here = pathlib.Path(__file__).parent
root = here.parent.parent
seedfold = sys.argv[1] if len(sys.argv) > 1 else str(root / "target" / "release" / "seedfold")
SEEDS, OUTER, INNER = 3, 5, 3


def splits(dataset, splitter, extra=()):
    out = subprocess.run([seedfold, "splits", "--dataset", dataset, "--splitter", splitter, "--folds", str(OUTER),
                          "--seeds", str(SEEDS), *extra], check=True, capture_output=True, text=True).stdout
    return pd.read_csv(io.StringIO(out))


def rows(frame, role, **keys):
    mask = frame["role"] == role
    for k, v in keys.items():
        mask &= frame[k] == v
    return frame.loc[mask, "row"].to_numpy()


CASES = [
    # name, dataset, splitter, estimator, parameter, seedfold values, sklearn values, scoring, rule, metrics
    # (ridge-scaled: seedfold's --scale standard is fitted on each inner training fold, as a
    # scikit-learn Pipeline inside GridSearchCV is)
    ("ridge", "diabetes", "kfold", Ridge(), "alpha", ["0.01", "1", "10", "100"], [0.01, 1.0, 10.0, 100.0],
     "r2", "best", ["r2", "mse"]),
    ("ridge-one-se", "diabetes", "kfold", Ridge(), "alpha", ["0.01", "1", "10", "100"], [0.01, 1.0, 10.0, 100.0],
     "r2", "one-se", ["r2", "mse"]),
    ("ridge-scaled", "diabetes", "kfold", make_pipeline(StandardScaler(), Ridge()), "ridge__alpha",
     ["1", "10", "100", "1000"], [1.0, 10.0, 100.0, 1000.0], "r2", "best", ["r2", "mse"]),
    ("logistic", "breast_cancer", "stratified",
     LogisticRegression(solver="newton-cholesky", tol=1e-12, max_iter=10000), "C",
     ["0.1", "1", "10", "100"], [10.0, 1.0, 0.1, 0.01], "neg_log_loss", "best", ["accuracy", "log_loss"]),
]

out = {"generated_by": f"scikit-learn {sklearn.__version__}, numpy {np.__version__}, python {sys.version.split()[0]}",
       "seeds": SEEDS, "outer_folds": OUTER, "inner_folds": INNER, "cases": {}}
for name, dataset, splitter, estimator, parameter, ours, theirs, scoring, rule, metrics in CASES:
    data = pd.read_csv(root / "datasets" / f"{dataset}.csv")
    X, y = data.iloc[:, :-1].to_numpy(float), data.iloc[:, -1].to_numpy()
    outer = splits(dataset, splitter)
    inner = splits(dataset, splitter, ["--tune-folds", str(INNER)])
    kind = "logistic" if parameter == "C" else "ridge"
    folds = []
    for seed in range(SEEDS):
        for f in range(OUTER):
            train, test = rows(outer, "train", split_seed=seed, fold=f), rows(outer, "test", split_seed=seed, fold=f)
            position = {row: i for i, row in enumerate(train)}
            cv = [(np.array([position[r] for r in rows(inner, "train", split_seed=seed, fold=f, inner_fold=i)]),
                   np.array([position[r] for r in rows(inner, "test", split_seed=seed, fold=f, inner_fold=i)]))
                  for i in range(INNER)]
            search = GridSearchCV(clone(estimator), {parameter: theirs}, cv=cv, scoring=scoring, refit=True)
            search.fit(X[train], y[train])
            best = int(search.best_index_)
            model = search.best_estimator_
            if rule == "one-se":
                # larger alpha is simpler
                split_scores = np.array([search.cv_results_[f"split{i}_test_score"] for i in range(INNER)])
                means = split_scores.mean(axis=0)
                se = split_scores[:, best].std(ddof=1) / np.sqrt(INNER)
                within = [i for i in range(len(theirs)) if means[i] >= means[best] - se]
                best = max(within, key=lambda i: theirs[i])
                model = clone(estimator).set_params(**{parameter: theirs[best]}).fit(X[train], y[train])
            scores = {}
            for metric in metrics:
                if metric == "r2":
                    scores[metric] = r2_score(y[test], model.predict(X[test]))
                elif metric == "mse":
                    scores[metric] = mean_squared_error(y[test], model.predict(X[test]))
                elif metric == "accuracy":
                    scores[metric] = accuracy_score(y[test], model.predict(X[test]))
                elif metric == "log_loss":
                    scores[metric] = log_loss(y[test], model.predict_proba(X[test]), labels=model.classes_)
            folds.append({"split_seed": seed, "fold": f, "chosen": f"{kind}:alpha={ours[best]}", "scores": scores})
    out["cases"][name] = {
        "dataset": dataset, "splitter": splitter, "grid": f"{kind}:alpha={'|'.join(ours)}",
        "scale": "standard" if name == "ridge-scaled" else None,
        "rule": rule, "tune_metric": {"r2": "r2", "neg_log_loss": "log_loss"}[scoring],
        "metrics": metrics, "folds": folds,
    }
    chosen = pd.Series([f["chosen"] for f in folds]).value_counts().to_dict()
    print(name, "chosen:", chosen)

(here / "tuning.json").write_text(json.dumps(out, indent=1) + "\n")
