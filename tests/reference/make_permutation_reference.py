"""The permutation test against chance, from scikit-learn's permutation_test_score on seedfold's
own folds and with the same permutations.

Run by hand from the repository root, after `cargo build --release`:

    python tests/reference/make_permutation_reference.py [path/to/seedfold]

(needs scikit-learn, numpy, pandas). For each case it asks seedfold for one split seed's folds
(`seedfold splits --seed-list S`) and runs `permutation_test_score(estimator, X, y, cv=<those
folds>, n_permutations=N, random_state=S)`: scikit-learn draws permutation i as the i-th
`RandomState(S).permutation(n)`, as seedfold does. Writes tests/reference/permutation.json.
"""
import io, json, pathlib, subprocess, sys, tempfile
import numpy as np
import pandas as pd
import sklearn
from sklearn.linear_model import Ridge, LogisticRegression
from sklearn.model_selection import permutation_test_score

here = pathlib.Path(__file__).parent
root = here.parent.parent
seedfold = sys.argv[1] if len(sys.argv) > 1 else str(root / "target" / "release" / "seedfold")
N = 40

CASES = [
    ("diabetes", "kfold", 3, "ridge", Ridge(alpha=1.0), "r2", "r2"),
    ("breast_cancer", "stratified", 2, "logistic",
     LogisticRegression(C=1.0, solver="newton-cholesky", tol=1e-12, max_iter=10000), "neg_log_loss", "log_loss"),
    # grouped: permutations within groups (scikit-learn's `groups=`), group k-fold folds
    ("diabetes-grouped", "group", 4, "ridge", Ridge(alpha=1.0), "r2", "r2"),
]


def grouped_diabetes(path):
    """diabetes.csv with a first column g = (7 * row) % 45: 45 groups of rows spread through
    the file, labels whose text order is not their numeric order. tests/permutation.rs writes
    the same file."""
    lines = (root / "datasets" / "diabetes.csv").read_text().splitlines()
    rows = [f"{(7 * r) % 45},{line}" for r, line in enumerate(lines[1:])]
    path.write_text("\n".join([f"g,{lines[0]}", *rows]) + "\n")

out = {"generated_by": f"scikit-learn {sklearn.__version__}, numpy {np.__version__}, python {sys.version.split()[0]}",
       "permutations": N, "cases": []}
work = pathlib.Path(tempfile.mkdtemp())
for dataset, splitter, seed, model, estimator, scoring, metric in CASES:
    if dataset == "diabetes-grouped":
        path = work / "grouped.csv"
        grouped_diabetes(path)
        data = pd.read_csv(path)
        groups = data.pop("g").to_numpy()
        source = ["--data", str(path), "--target", "progression", "--groups", "g"]
    else:
        data = pd.read_csv(root / "datasets" / f"{dataset}.csv")
        groups = None
        source = ["--dataset", dataset]
    X, y = data.iloc[:, :-1].to_numpy(float), data.iloc[:, -1].to_numpy()
    text = subprocess.run([seedfold, "splits", *source, "--splitter", splitter, "--folds", "5",
                           "--seed-list", str(seed)], check=True, capture_output=True, text=True).stdout
    s = pd.read_csv(io.StringIO(text))
    folds = [(s[(s.fold == f) & (s.role == "train")].row.to_numpy(), s[(s.fold == f) & (s.role == "test")].row.to_numpy())
             for f in sorted(s.fold.unique())]
    score, null, p = permutation_test_score(estimator, X, y, groups=groups, cv=folds, n_permutations=N,
                                            random_state=seed, scoring=scoring)
    sign = -1.0 if scoring.startswith("neg_") else 1.0
    out["cases"].append({"dataset": dataset, "splitter": splitter, "seed": seed, "model": model, "metric": metric,
                         "observed": sign * score, "null": [sign * v for v in null], "p_value": p})
    print(dataset, model, metric, sign * score, p)
(here / "permutation.json").write_text(json.dumps(out, indent=1) + "\n")
