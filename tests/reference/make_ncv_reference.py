"""The nested cross-validation interval, ported from Bates, Hastie & Tibshirani's R package
`nestedcv` (functions `nested_cv` and `nested_cv_helper`, github.com/stephenbates19/nestedcv),
on fixed losses.

Run by hand from the repository root:

    python tests/reference/make_ncv_reference.py

(needs numpy and scipy). The R code's random parts (fold assignment, the random other fold per
fold, the ordinary cross-validation runs of the bias correction) are inputs here, drawn once
with numpy and stored, so seedfold's `stats::ncv_interval` can be held to the port's numbers to
1e-9. Writes tests/reference/ncv.json.
"""
import json, pathlib, sys
import numpy as np
import scipy
from scipy.stats import norm

here = pathlib.Path(__file__).parent


def nested_cv(ho_errors, others, cv_means, n, alpha):
    """ho_errors[r][f1][f2]: losses of fold f1's rows when folds f1 and f2 were left out."""
    reps = len(ho_errors)
    k = len(ho_errors[0])
    pivots, errs = [], []
    for r in range(reps):
        e = ho_errors[r]
        for f1 in range(k):
            inner = np.concatenate([e[j][f1] for j in range(k) if j != f1])
            # sum(ho_errors[, f1, ]) / (nrow(X) * (n_folds - 1) / n_folds) - mean(ho_errors[f1, i, ])
            pivots.append(inner.sum() / (n * (k - 1) / k) - np.mean(e[f1][others[r][f1]]))
        for f1 in range(k - 1):
            for f2 in range(f1 + 1, k):
                errs.extend(e[f1][f2])
                errs.extend(e[f2][f1])
    pivots, errs = np.array(pivots), np.array(errs)
    infl = (np.var(pivots, ddof=1) / np.var(errs, ddof=1) * n / k - 1) * (k - 1)
    infl = max(1, min(infl, k))
    bias = (errs.mean() - np.mean(cv_means)) * (1 + ((k - 2) / (k - 1)) ** 1.5)
    est = errs.mean() - bias
    half = norm.ppf(1 - alpha / 2) * np.std(errs, ddof=1) / np.sqrt(n) * np.sqrt(infl)
    return {"lower": est - half, "upper": est + half, "estimate": est, "raw_mean": errs.mean(),
            "bias": bias, "sd_inflation": float(np.sqrt(infl))}


rng = np.random.default_rng(20261203)
cases = []
for k, size, reps, kind in [(5, 6, 4, "squared"), (4, 10, 6, "zero_one"), (10, 3, 3, "squared"), (5, 8, 2, "log")]:
    n = k * size
    ho = []
    others = []
    for r in range(reps):
        e = [[[] for _ in range(k)] for _ in range(k)]
        for f1 in range(k):
            for f2 in range(k):
                if f1 != f2:
                    if kind == "squared":
                        e[f1][f2] = list((rng.normal(size=size) * (1 + 0.3 * f2)) ** 2)
                    elif kind == "zero_one":
                        e[f1][f2] = list((rng.random(size) < 0.2 + 0.05 * f2).astype(float))
                    else:
                        e[f1][f2] = list(-np.log(rng.uniform(0.05, 1.0, size)))
        ho.append(e)
        others.append([int((f1 + 1 + rng.integers(k - 1)) % k) for f1 in range(k)])
    cv_means = list(rng.normal(1.0, 0.1, 3))
    out = nested_cv(ho, others, cv_means, n, 0.05)
    cases.append({"folds": k, "n": n, "errors": ho, "other": others, "cv_mean": float(np.mean(cv_means)),
                  "level": 0.95, "expected": {k2: float(v) for k2, v in out.items()}})

(here / "ncv.json").write_text(json.dumps({
    "generated_by": f"numpy {np.__version__}, scipy {scipy.__version__}, python {sys.version.split()[0]}",
    "cases": cases}) + "\n")
print(len(cases), "cases")
