"""Write the comparison workloads as CSV files (fixed seeds, so every machine gets the same data).

W1 diabetes (442 x 10, regression)   W2 synthetic 200,000 x 32 regression
W3 synthetic 20,000 x 20 binary      W4 iris (150 x 4, three classes)
W9 synthetic 20,000 x 50 regression (sparse truth, for lasso)
W16 and trees.py: reg20k, synthetic 20,000 x 20 regression (linear plus an interaction)
cancer.csv and digits.csv are the built-in breast_cancer and digits tables.
"""
import pathlib, shutil, sys
import numpy as np

out = pathlib.Path(sys.argv[1])
out.mkdir(parents=True, exist_ok=True)
datasets = pathlib.Path(__file__).resolve().parents[2] / "datasets"

def rename_target(src, dst, target):
    lines = (datasets / src).read_text().splitlines()
    header = lines[0].split(",")
    header[-1] = target
    (out / dst).write_text(",".join(header) + "\n" + "\n".join(lines[1:]) + "\n")

rename_target("diabetes.csv", "w1.csv", "y")
rename_target("iris.csv", "w4.csv", "y")
shutil.copy(datasets / "breast_cancer.csv", out / "cancer.csv")
shutil.copy(datasets / "digits.csv", out / "digits.csv")

rng = np.random.default_rng(2026)
x = rng.normal(size=(200_000, 32))
y = x @ rng.normal(size=32) + rng.normal(scale=2.0, size=200_000)
np.savetxt(out / "w2.csv", np.column_stack([x, y]), delimiter=",", fmt="%.9g",
           header=",".join([f"x{i}" for i in range(32)] + ["y"]), comments="")

x = rng.normal(size=(20_000, 20))
p = 1 / (1 + np.exp(-(x @ rng.normal(scale=0.5, size=20))))
y = (rng.random(20_000) < p).astype(int)
np.savetxt(out / "w3.csv", np.column_stack([x, y]), delimiter=",", fmt=["%.9g"] * 20 + ["%d"],
           header=",".join([f"x{i}" for i in range(20)] + ["y"]), comments="")
x = rng.normal(size=(20_000, 50))
beta = np.where(np.arange(50) < 10, rng.normal(size=50), 0.0)
y = x @ beta + rng.normal(size=20_000)
np.savetxt(out / "w9.csv", np.column_stack([x, y]), delimiter=",", fmt="%.9g",
           header=",".join([f"x{i}" for i in range(50)] + ["y"]), comments="")

rng = np.random.default_rng(2026)
x = rng.normal(size=(20_000, 20))
y = x @ rng.normal(size=20) + 2 * np.sin(2 * x[:, 0]) * x[:, 1] + rng.normal(size=20_000)
np.savetxt(out / "reg20k.csv", np.column_stack([x, y]), delimiter=",", fmt="%.9g",
           header=",".join([f"x{i}" for i in range(20)] + ["y"]), comments="")
print("wrote workloads to", out)
