"""Reference numbers for seedfold's almost stochastic order test from deepsig's aso().

Run:  python tests/reference/make_aso_reference.py  (needs deepsig, numpy)
Writes tests/reference/aso.json: for each case, two sets of seed means (higher is better),
deepsig's violation ratio (deterministic) and the mean and standard deviation of its
epsilon_min over 20 bootstrap seeds (its Monte-Carlo noise; 1000 bootstrap iterations,
confidence 0.95, dt 0.005, one comparison). deepsig seeds iteration i with seed + i, so the
seeds are 10,000 apart: consecutive seeds would share 999 of their 1000 resamples and hide
the noise.
"""
import json, pathlib, sys
import numpy as np
import deepsig
from deepsig.aso import compute_violation_ratio
from importlib.metadata import version

here = pathlib.Path(__file__).parent
rng = np.random.default_rng(11)
cases = []
for name, n_a, n_b, shift, sd_a, sd_b in [
    ("clearly better", 20, 20, 0.02, 0.01, 0.01),
    ("slightly better", 30, 30, 0.003, 0.01, 0.01),
    ("equal", 25, 25, 0.0, 0.01, 0.01),
    ("better but noisier", 15, 40, 0.005, 0.02, 0.005),
    ("worse", 10, 10, -0.01, 0.01, 0.01),
]:
    a = (0.9 + shift + sd_a * rng.standard_normal(n_a)).tolist()
    b = (0.9 + sd_b * rng.standard_normal(n_b)).tolist()
    eps = [deepsig.aso(a, b, confidence_level=0.95, num_bootstrap_iterations=1000, dt=0.005, seed=s, show_progress=False)
           for s in range(0, 200_000, 10_000)]
    cases.append({"name": name, "a": a, "b": b,
                  "violation_ratio": compute_violation_ratio(np.array(a), np.array(b), dt=0.005),
                  "epsilon_min_mean": float(np.mean(eps)), "epsilon_min_sd": float(np.std(eps, ddof=1))})
out = {"generated_by": f"deepsig {version('deepsig')}, numpy {np.__version__}, python {sys.version.split()[0]}", "cases": cases}
(here / "aso.json").write_text(json.dumps(out, indent=1) + "\n")
for c in cases:
    print(c["name"], c["violation_ratio"], c["epsilon_min_mean"], c["epsilon_min_sd"])
