"""In-fold preprocessing against scikit-learn pipelines on seedfold's own folds.

Run by hand from the repository root, after `cargo build --release`:

    python tests/reference/make_preprocess_reference.py [path/to/seedfold]

(needs scikit-learn, numpy, pandas). For each case it asks seedfold for its folds
(`seedfold splits`, 5-fold, split seeds 0..2, with the case's preprocessing flags so rows
with a missing target are dropped the same way), fits the scikit-learn pipeline on each
fold's training rows and scores its test rows. Writes tests/reference/preprocess.json: per
case the seedfold options and the score of every (seed, fold); tests/preprocess.rs holds
seedfold's fast and generic paths to 1e-9 (least squares) or 1e-6 (logistic, Newton to
tol 1e-12 on both sides).

Pipelines: numeric columns SimpleImputer(strategy) → scaler; categorical (text) columns
SimpleImputer(most_frequent) → OneHotEncoder(handle_unknown="ignore"), unscaled, as
seedfold does.
"""
import io, json, pathlib, subprocess, sys
import numpy as np
import pandas as pd
import sklearn
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression, Ridge, LinearRegression
from sklearn.metrics import log_loss, r2_score, accuracy_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import MinMaxScaler, OneHotEncoder, RobustScaler, StandardScaler

here = pathlib.Path(__file__).parent
root = here.parent.parent
seedfold = sys.argv[1] if len(sys.argv) > 1 else str(root / "target" / "release" / "seedfold")
SEEDS, FOLDS = 3, 5
SCALERS = {"standard": StandardScaler, "minmax": MinMaxScaler, "robust": RobustScaler}


def logistic():
    return LogisticRegression(C=1.0, solver="newton-cholesky", tol=1e-12, max_iter=10000)


# name: (data set, target, seedfold model, seedfold flags, scikit-learn estimator, metric)
CASES = {
    "diabetes-ridge-standard": ("diabetes", "progression", "ridge", ["--scale", "standard"], lambda: Ridge(1.0), "r2"),
    "diabetes-ridge-minmax": ("diabetes", "progression", "ridge:alpha=0.1", ["--scale", "minmax"], lambda: Ridge(0.1), "r2"),
    "diabetes-ridge-robust": ("diabetes", "progression", "ridge", ["--scale", "robust"], lambda: Ridge(1.0), "r2"),
    "diabetes-ols-standard": ("diabetes", "progression", "ols", ["--scale", "standard"], LinearRegression, "r2"),
    "breast_cancer-logistic-standard": ("breast_cancer", "diagnosis", "logistic", ["--scale", "standard"], logistic, "log_loss"),
    "penguins-logistic-median-standard": ("penguins", "species", "logistic", ["--impute", "median", "--scale", "standard"], logistic, "log_loss"),
    "penguins-ridge-mean-standard": ("penguins", "body_mass_g", "ridge", ["--impute", "mean", "--scale", "standard"], lambda: Ridge(1.0), "r2"),
}


def folds(dataset, target, flags):
    out = subprocess.run([seedfold, "splits", "--dataset", dataset, "--target", target, "--splitter", "kfold",
                          "--folds", str(FOLDS), "--seeds", str(SEEDS)] + flags,
                         check=True, capture_output=True, text=True).stdout
    s = pd.read_csv(io.StringIO(out))
    for (seed, fold), g in s.groupby(["split_seed", "fold"], sort=True):
        yield int(seed), int(fold), g[g.role == "train"].row.to_numpy(), g[g.role == "test"].row.to_numpy()


def pipeline(frame, flags, estimator):
    impute = flags[flags.index("--impute") + 1] if "--impute" in flags else None
    scale = SCALERS[flags[flags.index("--scale") + 1]]
    text = [c for c in frame.columns if not pd.api.types.is_numeric_dtype(frame[c])]
    numbers = [c for c in frame.columns if c not in text]
    numeric_steps = ([SimpleImputer(strategy=impute)] if impute else []) + [scale()]
    return make_pipeline(ColumnTransformer([
        ("numbers", make_pipeline(*numeric_steps), numbers),
        ("categories", make_pipeline(SimpleImputer(strategy="most_frequent"),
                                     OneHotEncoder(handle_unknown="ignore")), text),
    ]), estimator())


cases = {"generated_by": f"scikit-learn {sklearn.__version__}, numpy {np.__version__}, pandas {pd.__version__}, "
                         f"python {sys.version.split()[0]}", "seeds": SEEDS, "folds": FOLDS, "cases": {}}
for name, (dataset, target, model, flags, estimator, metric) in CASES.items():
    data = pd.read_csv(root / "datasets" / f"{dataset}.csv", na_values=["NA"], keep_default_na=True)
    data = data[data[target].notna()].reset_index(drop=True)
    X, y = data.drop(columns=[target]), data[target].to_numpy()
    classes = np.unique(y)
    scores = {}
    for seed, fold, train, test in folds(dataset, target, flags):
        m = pipeline(X, flags, estimator).fit(X.iloc[train], y[train])
        if metric == "log_loss":
            p = np.zeros((len(test), len(classes)))
            p[:, np.searchsorted(classes, m.classes_)] = m.predict_proba(X.iloc[test])
            scores[f"{seed}/{fold}"] = log_loss(y[test], p, labels=classes)
        else:
            scores[f"{seed}/{fold}"] = r2_score(y[test], m.predict(X.iloc[test]))
    cases["cases"][name] = {"dataset": dataset, "target": target, "model": model, "flags": flags,
                            "metric": metric, "scores": scores}
    print(name, "mean", np.mean(list(scores.values())), flush=True)
(here / "preprocess.json").write_text(json.dumps(cases, indent=1) + "\n")
