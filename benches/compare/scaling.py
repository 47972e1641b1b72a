"""Scaling sweeps: seedfold on W1 with 10, 100 and 1,000 seeds, and the ridge fast path on the
first 25,000 to 200,000 rows of W2 (5 folds x 20 seeds). Median wall time of REPEATS whole
processes each; growth should be linear.
Usage: scaling.py SEEDFOLD_BINARY WORKLOAD_DIR [REPEATS]"""
import os, statistics, subprocess, sys, tempfile, time

seedfold, data = sys.argv[1], sys.argv[2]
repeats = int(sys.argv[3]) if len(sys.argv) > 3 else 3
out = tempfile.mkdtemp(prefix="seedfold-scaling-")

def median_seconds(argv):
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)

def run(csv, extra):
    return [seedfold, "run", "--data", csv, "--target", "y", "--splitter", "kfold", "--folds", "5",
            "--metrics", "r2,mse", "--quiet", "--threads", "2", "--out", os.path.join(out, "r"), *extra]

seeds = [10, 100, 1000]
w1 = [median_seconds(run(f"{data}/w1.csv", ["--model", "ols", "--seeds", str(s)])) for s in seeds]
print("| W1, seeds | " + " | ".join(f"{s:,}" for s in seeds) + " |")
print("|---" * (len(seeds) + 1) + "|")
print("| seconds | " + " | ".join(f"{t:.3f}" for t in w1) + " |")
print()

with open(f"{data}/w2.csv") as f:
    lines = f.readlines()
rows = [25_000, 50_000, 100_000, 200_000]
w2 = []
for n in rows:
    path = os.path.join(out, f"w2_{n}.csv")
    with open(path, "w") as f:
        f.writelines(lines[: n + 1])
    w2.append(median_seconds(run(path, ["--model", "ridge:alpha=1", "--seeds", "20"])))
print("| W2 fast path, rows (5 folds x 20 seeds) | " + " | ".join(f"{n:,}" for n in rows) + " |")
print("|---" * (len(rows) + 1) + "|")
print("| seconds | " + " | ".join(f"{t:.3f}" for t in w2) + " |")
