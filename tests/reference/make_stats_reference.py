"""Reference values from scipy, numpy and baycomp for seedfold's statistics tests.

Run:  python tests/reference/make_stats_reference.py  (needs scipy, numpy, baycomp)
Writes tests/reference/stats.json: inputs and the values the reference libraries give.
Formulas without a library implementation (Nadeau-Bengio, 5x2cv, variance components) are
evaluated with numpy arithmetic and scipy distributions, from their papers.
"""
import json, pathlib, sys
import numpy as np
import scipy
from scipy import stats
import baycomp

here = pathlib.Path(__file__).parent
rng = np.random.default_rng(1129)
out = {"generated_by": f"scipy {scipy.__version__}, numpy {np.__version__}, baycomp (PyPI), python {sys.version.split()[0]}"}

x = rng.normal(0.8, 0.03, 25)
lo, hi = stats.t.interval(0.95, len(x) - 1, loc=x.mean(), scale=stats.sem(x))
lo90, hi90 = stats.t.interval(0.90, len(x) - 1, loc=x.mean(), scale=stats.sem(x))
out["t_interval"] = {"x": x.tolist(), "95": [lo, hi], "90": [lo90, hi90]}
out["quantiles"] = {"x": x.tolist(), "p": [0.05, 0.25, 0.5, 0.75, 0.95],
                    "values": np.percentile(x, [5, 25, 50, 75, 95]).tolist()}

folds = rng.normal(0.7, 0.05, 40)
ratio = 0.25
J = len(folds)
half = stats.t.ppf(0.975, J - 1) * np.sqrt((1 / J + ratio) * folds.var(ddof=1))
out["corrected_interval"] = {"x": folds.tolist(), "ratio": ratio, "lower": folds.mean() - half, "upper": folds.mean() + half}

def one_way(groups):
    F, p = stats.f_oneway(*groups)
    n = sum(len(g) for g in groups); r = len(groups)
    grand = np.concatenate(groups).mean()
    msb = sum(len(g) * (np.mean(g) - grand) ** 2 for g in groups) / (r - 1)
    msw = sum(((np.asarray(g) - np.mean(g)) ** 2).sum() for g in groups) / (n - r)
    n0 = (n - sum(len(g) ** 2 for g in groups) / n) / (r - 1)
    raw = (msb - msw) / n0
    between = max(raw, 0.0)
    return {"groups": [list(map(float, g)) for g in groups], "f": F, "p_value": p, "between_raw": raw,
            "between": between, "within": msw, "icc": between / (between + msw)}

seed_effect = rng.normal(0, 0.02, 8)
balanced = [list(0.8 + s + rng.normal(0, 0.03, 5)) for s in seed_effect]
unbalanced = [list(0.8 + s + rng.normal(0, 0.03, k)) for s, k in zip(seed_effect, [5, 4, 5, 3, 5, 5, 2, 5])]
# seeds whose means agree better than their folds would make them: between < 0 before truncation
base = rng.normal(0, 0.05, 5)
negative = [list(0.8 + base + rng.normal(0, 0.001, 5) - 0.0) for _ in range(6)]
for g in negative:
    g[:] = list(np.asarray(g) - np.mean(g) + 0.8 + rng.normal(0, 0.0005))
out["one_way"] = [one_way(balanced), one_way(unbalanced), one_way(negative)]

# nested split seed > model seed > fold, cells[r][k][m]
R, K, M = 6, 4, 3
cells = 0.8 + rng.normal(0, 0.02, (R, 1, 1)) + rng.normal(0, 0.01, (R, 1, M)) + rng.normal(0, 0.03, (R, K, M))
run = cells.mean(axis=1)              # (R, M)
seedm = cells.mean(axis=(1, 2))       # (R,)
grand = cells.mean()
ms_a = M * K * ((seedm - grand) ** 2).sum() / (R - 1)
ms_b = K * ((run - seedm[:, None]) ** 2).sum() / (R * (M - 1))
ms_e = ((cells - run[:, None, :]) ** 2).sum() / (R * M * (K - 1))
out["nested"] = {"cells": cells.tolist(), "split_seed": max((ms_a - ms_b) / (M * K), 0), "model_seed": max((ms_b - ms_e) / K, 0), "residual": ms_e}

def wil(d, method):
    r = stats.wilcoxon(d, method=method, correction=False)
    return {"d": list(map(float, d)), "statistic": float(r.statistic), "p_value": float(r.pvalue), "method": "exact" if method == "exact" else "normal"}
out["wilcoxon"] = [
    wil(rng.normal(0.01, 0.02, 10), "exact"),
    wil(rng.normal(0.003, 0.02, 30), "exact"),
    wil(np.array([0.1, -0.2, 0.1, 0.3, 0.0, 0.2, -0.1, 0.3, 0.4, 0.0, 0.2, -0.3, 0.1, 0.5, 0.6, 0.2]), "asymptotic"),
    wil(rng.normal(0.005, 0.02, 80), "asymptotic"),
]

def sign(d):
    pos, neg = int((d > 0).sum()), int((d < 0).sum())
    return {"d": list(map(float, d)), "positive": pos, "negative": neg, "p_value": stats.binomtest(min(pos, neg), pos + neg, 0.5).pvalue}
out["sign_test"] = [sign(rng.normal(0.01, 0.02, 20)), sign(np.array([1.0, 2, -1, 0, 3, 4, 5, 6, 0.5, 7]))]

def wilson(k, n):
    ci = stats.binomtest(k, n).proportion_ci(0.95, method="wilson")
    return {"wins": k, "n": n, "lower": ci.low, "upper": ci.high}
out["wilson"] = [wilson(87, 100), wilson(3, 10), wilson(10, 10)]

diff = rng.normal(0.01, 0.03, 50)
ratio = 0.25
se = np.sqrt((1 / 50 + ratio) * diff.var(ddof=1))
t = diff.mean() / se
half = stats.t.ppf(0.975, 49) * se
out["corrected_t"] = {"d": diff.tolist(), "ratio": ratio, "t": t, "p_value": 2 * stats.t.sf(abs(t), 49), "lower": diff.mean() - half, "upper": diff.mean() + half}

K = 5; runs = 10
a = rng.normal(0.80, 0.03, K * runs)
b = a - rng.normal(0.005, 0.02, K * runs)
p_left, p_rope, p_right = baycomp.two_on_single(a, b, rope=0.01, runs=runs)
out["bayesian"] = {"a": a.tolist(), "b": b.tolist(), "rho": 1 / K, "rope": 0.01,
                   "p_a_better": p_left, "p_equivalent": p_rope, "p_b_better": p_right}

d52 = rng.normal(0.01, 0.02, (5, 2))
s2 = ((d52 - d52.mean(axis=1, keepdims=True)) ** 2).sum(axis=1)
t52 = d52[0, 0] / np.sqrt(s2.sum() / 5)
f52 = (d52 ** 2).sum() / (2 * s2.sum())
out["five_by_two"] = {"d": d52.tolist(), "t": t52, "t_p_value": 2 * stats.t.sf(abs(t52), 5), "f": f52, "f_p_value": stats.f.sf(f52, 10, 5)}

means = rng.gamma(2.0, 0.01, 30) + 0.7
boot = stats.bootstrap((means,), np.mean, n_resamples=200000, method="BCa", confidence_level=0.95, random_state=1)
out["bootstrap"] = {"x": means.tolist(), "lower": boot.confidence_interval.low, "upper": boot.confidence_interval.high,
                    "resamples": 200000, "note": "Monte Carlo: compare within a tolerance"}

sd, target = 0.02, 0.004
n = next(n for n in range(2, 100000) if stats.t.ppf(0.975, n - 1) * sd / np.sqrt(n) <= target)
out["seeds_for_halfwidth"] = {"std": sd, "target": target, "seeds": n}

def clean(o):
    if isinstance(o, dict): return {k: clean(v) for k, v in o.items()}
    if isinstance(o, (list, tuple)): return [clean(v) for v in o]
    if isinstance(o, np.floating): return float(o)
    if isinstance(o, np.integer): return int(o)
    return o
(here / "stats.json").write_text(json.dumps(clean(out), indent=1) + "\n")
print("wrote", here / "stats.json")
