"""Effect sizes (Cohen's d with the pooled sd, Cliff's δ) from scipy, for tests/stats.rs.

Run by hand from the repository root:

    python tests/reference/make_effect_reference.py

(needs numpy and scipy). Cliff's δ comes from scipy's Mann–Whitney U (δ = 2U / (n_a n_b) − 1,
ties counting one half in U), Cohen's d from numpy (ddof = 1). Writes tests/reference/effect.json.
"""
import json, pathlib, sys
import numpy as np
import scipy
from scipy.stats import mannwhitneyu

rng = np.random.default_rng(7)
cases = []
for n, shift, rounding in [(5, 0.3, None), (12, -0.1, None), (20, 0.0, 1), (8, 1.5, 2)]:
    a = rng.normal(shift, 1.0, n)
    b = rng.normal(0.0, 1.2, n)
    if rounding is not None:  # ties between the sides
        a, b = np.round(a, rounding), np.round(b, rounding)
    u = mannwhitneyu(a, b, alternative="two-sided").statistic
    pooled = np.sqrt((a.var(ddof=1) + b.var(ddof=1)) / 2)
    cases.append({"a": a.tolist(), "b": b.tolist(), "cohens_d": float((a.mean() - b.mean()) / pooled),
                  "cliffs_delta": float(2 * u / (n * n) - 1)})
out = {"generated_by": f"numpy {np.__version__}, scipy {scipy.__version__}, python {sys.version.split()[0]}",
       "cases": cases}
(pathlib.Path(__file__).parent / "effect.json").write_text(json.dumps(out, indent=1) + "\n")
