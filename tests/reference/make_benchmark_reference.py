"""Comparisons over many data sets against scipy and baycomp.

Run by hand from the repository root:

    python tests/reference/make_benchmark_reference.py

(needs numpy, scipy, baycomp). For a few score tables (data sets × models, some with tied
scores, one lower-is-better) it computes what seedfold's `stats::benchmark` reports:
average ranks (scipy.stats.rankdata per data set, 1 = best), the Friedman statistic and
p-value (scipy.stats.friedmanchisquare, tie-corrected), Iman-Davenport's F and p
(scipy.stats.f), the Nemenyi q_alpha (scipy.stats.studentized_range.ppf(1 - alpha, k, inf)
/ sqrt(2)) and critical difference q_alpha * sqrt(k (k + 1) / (6 N)) (Demsar 2006), the
pairwise z of average ranks with two-sided normal p-values and Holm's adjustment, and the
Bayesian signed-rank test's probabilities (baycomp.SignedRankTest, 50,000 draws; seedfold
draws its own, so tests/benchmark.rs holds these to 0.015). Writes
tests/reference/benchmark.json.
"""
import json, pathlib
import numpy as np
import scipy
from scipy import stats
import baycomp

here = pathlib.Path(__file__).parent
rng = np.random.default_rng(20261129)

def case(name, scores, higher_is_better, alpha, rope):
    scores = np.asarray(scores, dtype=float)
    n, k = scores.shape
    oriented = -scores if higher_is_better else scores
    ranks = np.vstack([stats.rankdata(row) for row in oriented])
    average = ranks.mean(axis=0)
    out = {"name": name, "scores": scores.tolist(), "higher_is_better": higher_is_better,
           "alpha": alpha, "rope": rope, "average_ranks": average.tolist()}
    if k >= 3:
        chi2, p = stats.friedmanchisquare(*scores.T)
        f = (n - 1) * chi2 / (n * (k - 1) - chi2)
        df1, df2 = k - 1, (k - 1) * (n - 1)
        out["friedman"] = {"statistic": chi2, "p_value": p}
        out["iman_davenport"] = {"statistic": f, "p_value": stats.f.sf(f, df1, df2)}
    q = stats.studentized_range.ppf(1 - alpha, k, np.inf) / np.sqrt(2)
    spread = np.sqrt(k * (k + 1) / (6 * n))
    out["nemenyi"] = {"q_alpha": q, "critical_difference": q * spread}
    pairs = []
    for i in range(k):
        for j in range(i + 1, k):
            z = abs(average[i] - average[j]) / spread
            pairs.append({"i": i, "j": j, "z": z, "p_value": 2 * stats.norm.sf(z)})
    order = np.argsort([p["p_value"] for p in pairs], kind="stable")
    m, running = len(pairs), 0.0
    for rank, idx in enumerate(order):
        running = max(running, min(1.0, (m - rank) * pairs[idx]["p_value"]))
        pairs[idx]["p_adjusted"] = running
    out["holm"] = pairs
    signed = []
    for i in range(k):
        for j in range(i + 1, k):
            a, b = scores[:, i], scores[:, j]
            if not higher_is_better:
                a, b = -a, -b
            # baycomp's left: the first argument better
            left, rope_p, right = baycomp.SignedRankTest.probs(a, b, rope=rope, nsamples=50000,
                                                              random_state=7)
            signed.append({"i": i, "j": j, "p_a_better": left, "p_rope": rope_p,
                           "p_b_better": right})
    out["bayesian_signed_rank"] = signed
    return out

cases = [
    case("five models, twelve data sets", rng.normal(0.8, 0.05, (12, 5)) + [0, 0.02, 0.03, -0.01, 0.05],
         True, 0.05, 0.01),
    case("ties", [[0.9, 0.9, 0.8], [0.7, 0.75, 0.75], [0.6, 0.6, 0.6], [0.95, 0.9, 0.85],
                  [0.8, 0.82, 0.81], [0.5, 0.55, 0.5]], True, 0.05, 0.01),
    case("lower is better, alpha 0.1", rng.gamma(4.0, 10.0, (8, 4)) * [1.0, 0.9, 1.1, 0.95],
         False, 0.10, 1.0),
]
versions = {"scipy": scipy.__version__, "numpy": np.__version__,
            "baycomp": getattr(baycomp, "__version__", "1.0.3")}
(here / "benchmark.json").write_text(json.dumps({"versions": versions, "cases": cases}, indent=1) + "\n")
print("wrote", here / "benchmark.json")
