"""Simulated tables for benches/coverage/run.sh (standard library only): Gaussian features,
y = xβ + N(0, 1) for OLS, and a logistic model's classes; 20,000 rows each, seeded."""
import math, pathlib, random, sys

out = pathlib.Path(sys.argv[1])
rng = random.Random(2026)


def write(name, rows, p, classes):
    beta = [1.0 / (1 + j) for j in range(p)]
    with open(out / name, "w") as f:
        f.write(",".join(f"x{j}" for j in range(p)) + ",y\n")
        for _ in range(rows):
            x = [rng.gauss(0, 1) for _ in range(p)]
            eta = sum(b * v for b, v in zip(beta, x))
            if classes:
                y = int(rng.random() < 1 / (1 + math.exp(-eta)))
            else:
                y = eta + rng.gauss(0, 1)
            f.write(",".join(f"{v:.6f}" for v in x) + f",{y}\n")


for name, p, classes in [("ols_p10.csv", 10, False), ("ols_p30.csv", 30, False),
                         ("logistic_p5.csv", 5, True), ("logistic_p40.csv", 40, True)]:
    if not (out / name).exists():
        write(name, 20_000, p, classes)
