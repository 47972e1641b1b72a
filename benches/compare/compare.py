"""Run seedfold and scikit-learn on the same CSV files as whole processes, several times,
alternating, and print median wall time, peak memory (max RSS) and the ratio per workload.
Usage: compare.py SEEDFOLD_BINARY WORKLOAD_DIR PYTHON [REPEATS]"""
import os, statistics, subprocess, sys, tempfile, time

seedfold, data, python = sys.argv[1], sys.argv[2], sys.argv[3]
repeats = int(sys.argv[4]) if len(sys.argv) > 4 else 5
here = os.path.dirname(os.path.abspath(__file__))
out = tempfile.mkdtemp(prefix="seedfold-compare-")

def seedfold_args(w, extra=()):
    common = ["--quiet", "--out", os.path.join(out, w), "--threads", "2", *extra]
    return {
        "W1": ["run", "--data", f"{data}/w1.csv", "--target", "y", "--model", "ols", "--splitter", "kfold", "--folds", "5", "--seeds", "100", "--metrics", "r2,mse"],
        "W2": ["run", "--data", f"{data}/w2.csv", "--target", "y", "--model", "ridge:alpha=1", "--splitter", "kfold", "--folds", "5", "--seeds", "20", "--metrics", "r2,mse"],
        "W3": ["run", "--data", f"{data}/w3.csv", "--target", "y", "--task", "classification", "--model", "logistic", "--splitter", "stratified", "--folds", "5", "--seeds", "20", "--metrics", "accuracy,roc_auc"],
        "W4": ["run", "--data", f"{data}/w4.csv", "--target", "y", "--model", "tree", "--splitter", "stratified", "--folds", "5", "--seeds", "200", "--metrics", "accuracy"],
    }[w] + common

def measure(argv):
    """Wall seconds and peak RSS (MiB) of one whole process."""
    start = time.perf_counter()
    child = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - start
    if status != 0:
        sys.exit(f"failed: {' '.join(argv)}\n{child.stderr.read().decode()}")
    return seconds, usage.ru_maxrss / 1024

rows = []
for w in ["W1", "W2", "W3", "W4"]:
    sides = {
        "seedfold": [seedfold, *seedfold_args(w)],
        "scikit-learn": [python, os.path.join(here, "sklearn_cv.py"), w, f"{data}/{w.lower()}.csv"],
    }
    if w in ("W2", "W3"):
        sides["seedfold --exact-linfa"] = [seedfold, *seedfold_args(w, ["--exact-linfa"])]
    times = {k: [] for k in sides}
    memory = {k: [] for k in sides}
    for _ in range(repeats):  # alternate the tools so machine noise hits both alike
        for name, argv in sides.items():
            t, m = measure(argv)
            times[name].append(t)
            memory[name].append(m)
    med = {k: statistics.median(v) for k, v in times.items()}
    mem = {k: max(v) for k, v in memory.items()}
    rows.append((w, med, mem))
    line = f"{w}: seedfold {med['seedfold']:.3f} s ({mem['seedfold']:.0f} MiB), scikit-learn {med['scikit-learn']:.3f} s ({mem['scikit-learn']:.0f} MiB), ratio {med['scikit-learn'] / med['seedfold']:.1f}x"
    if "seedfold --exact-linfa" in med:
        line += f"; generic linfa path {med['seedfold --exact-linfa']:.3f} s ({med['seedfold --exact-linfa'] / med['seedfold']:.1f}x the fast path)"
    print(line, flush=True)

print()
print("| workload | seedfold s | scikit-learn s | speed-up | seedfold MiB | scikit-learn MiB | memory ratio | generic linfa path s |")
print("|---|---|---|---|---|---|---|---|")
for w, med, mem in rows:
    generic = f"{med['seedfold --exact-linfa']:.3f}" if "seedfold --exact-linfa" in med else "–"
    print(f"| {w} | {med['seedfold']:.3f} | {med['scikit-learn']:.3f} | {med['scikit-learn'] / med['seedfold']:.1f}× | "
          f"{mem['seedfold']:.0f} | {mem['scikit-learn']:.0f} | {mem['seedfold'] / mem['scikit-learn']:.2f} | {generic} |")
