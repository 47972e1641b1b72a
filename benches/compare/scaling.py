"""Scaling sweeps, one linear and one tree model, each with 1 and 2 worker threads:
  seeds: ols on W1 (diabetes) and tree on W4 (iris), 1 to 10,000 split seeds of 5 folds;
  rows:  ridge on 1,000 to 1,000,000 rows of W2 (5 folds x 20 seeds) and tree on 1,000 to
         50,000 rows of W3 (stratified 5 folds x 5 seeds); beyond a file's own rows (200,000
         and 20,000) its rows are repeated, which times the same work.
Median wall time of REPEATS whole processes each, then the fixed and per-seed (per-1,000-rows)
costs from a least-squares line through each sweep.
Usage: scaling.py SEEDFOLD_BINARY WORKLOAD_DIR [REPEATS]"""
import os, statistics, subprocess, sys, tempfile, time
import numpy as np

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


def run(csv, model, seeds, threads, stratified=False):
    return [seedfold, "run", "--data", csv, "--target", "y", "--model", model,
            "--splitter", "stratified" if stratified else "kfold", "--folds", "5",
            *(["--task", "classification"] if stratified else []),
            "--seeds", str(seeds), "--metrics", "accuracy" if stratified else "r2,mse",
            "--quiet", "--overwrite", "--threads", str(threads), "--out", os.path.join(out, "r")]


def table(title, xs, unit, rows):
    """rows: label -> seconds per x; prints the sweep and the fitted line."""
    print(f"| {title} | " + " | ".join(f"{x:,}" for x in xs) + f" | fixed s | s per {unit} |")
    print("|---" * (len(xs) + 3) + "|")
    for label, seconds in rows.items():
        scale = 1000 if unit == "1,000 rows" else 1
        slope, intercept = np.polyfit(np.array(xs) / scale, seconds, 1)
        print(f"| {label} | " + " | ".join(f"{t:.3f}" for t in seconds)
              + f" | {intercept:.3f} | {slope:.5f} |")
    print(flush=True)


seeds = [1, 10, 100, 1000, 10000]
for name, csv, model, stratified in [("ols, diabetes", "w1.csv", "ols", False),
                                     ("tree, iris", "w4.csv", "tree", True)]:
    table(f"{name}: split seeds", seeds, "seed", {
        f"{t} thread{'s' if t > 1 else ''}": [median_seconds(run(f"{data}/{csv}", model, s, t, stratified)) for s in seeds]
        for t in (1, 2)})


def prefix(csv, n):
    """The file's header and its first n rows, its rows repeated when it has fewer."""
    path = os.path.join(out, f"{os.path.basename(csv)}_{n}.csv")
    with open(csv) as source:
        header, *lines = source.read().splitlines(keepends=True)
    with open(path, "w") as target:
        target.write(header)
        for start in range(0, n, len(lines)):
            target.writelines(lines[:min(len(lines), n - start)])
    return path


for name, csv, model, seeds_, sizes, stratified in [
        ("ridge, W2 (5 × 20)", "w2.csv", "ridge:alpha=1", 20, [1000, 10000, 100000, 200000, 1000000], False),
        ("tree, W3 (5 × 5)", "w3.csv", "tree", 5, [1000, 5000, 10000, 20000, 50000], True)]:
    paths = [prefix(f"{data}/{csv}", n) for n in sizes]
    table(f"{name}: rows", sizes, "1,000 rows", {
        f"{t} thread{'s' if t > 1 else ''}": [median_seconds(run(p, model, seeds_, t, stratified)) for p in paths]
        for t in (1, 2)})
