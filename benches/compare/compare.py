"""Run seedfold and scikit-learn on the same CSV files as whole processes, several times,
alternating, and print median wall time, peak memory (max RSS) and the ratio per workload.
Usage: compare.py SEEDFOLD_BINARY WORKLOAD_DIR PYTHON [REPEATS] [W1,W2,...]
seedfold runs with its defaults (all cores), scikit-learn with cross_validate's defaults
(n_jobs=None) and its own OpenMP/BLAS threads."""
import os, statistics, subprocess, sys, tempfile, time

seedfold, data, python = sys.argv[1], sys.argv[2], sys.argv[3]
repeats = int(sys.argv[4]) if len(sys.argv) > 4 else 5
here = os.path.dirname(os.path.abspath(__file__))
out = tempfile.mkdtemp(prefix="seedfold-compare-")

# name: (what, CSV, target, seedfold model, splitter, seeds, metrics, goal ratio)
WORKLOADS = {
    "W1": ("diabetes 442×10, ols, 5 × 100", "w1.csv", "y", "ols", "kfold", 100, "r2,mse", 100),
    "W2": ("200,000×32, ridge α=1, 5 × 20", "w2.csv", "y", "ridge:alpha=1", "kfold", 20, "r2,mse", 20),
    "W3": ("20,000×20 binary, logistic, stratified 5 × 20", "w3.csv", "y", "logistic", "stratified", 20, "accuracy,roc_auc", 5),
    "W4": ("iris, tree, stratified 5 × 200", "w4.csv", "y", "tree", "stratified", 200, "accuracy", 5),
    "W5": ("breast_cancer, forest 100 trees, stratified 5 × 10", "cancer.csv", "diagnosis", "forest", "stratified", 10, "accuracy", 5),
    "W6": ("breast_cancer, boosting, stratified 5 × 10", "cancer.csv", "diagnosis", "boosting", "stratified", 10, "accuracy", 5),
    "W7": ("digits, naive Bayes, stratified 5 × 100", "digits.csv", "digit", "naive_bayes", "stratified", 100, "accuracy", 5),
    "W8": ("breast_cancer, svm, stratified 5 × 20", "cancer.csv", "diagnosis", "svm", "stratified", 20, "accuracy", 5),
    "W9": ("20,000×50 regression, lasso α=0.1, 5 × 10", "w9.csv", "y", "lasso:alpha=0.1", "kfold", 10, "r2", 5),
    "W10": ("digits, multinomial logistic, stratified 5 × 10", "digits.csv", "digit", "logistic", "stratified", 10, "accuracy", 5),
    "W11": ("digits, knn k=5, stratified 5 × 20", "digits.csv", "digit", "knn:k=5", "stratified", 20, "accuracy", 5),
    "W12": ("20,000×20 binary, knn k=5, stratified 5 × 2", "w3.csv", "y", "knn:k=5", "stratified", 2, "accuracy", 5),
    "W13": ("20,000×20 binary, naive Bayes, stratified 5 × 20", "w3.csv", "y", "naive_bayes", "stratified", 20, "accuracy", 5),
    "W14": ("20,000×20 binary, tree, stratified 5 × 5", "w3.csv", "y", "tree", "stratified", 5, "accuracy", 5),
    "W15": ("20,000×20 binary, svm, stratified 5 × 1", "w3.csv", "y", "svm", "stratified", 1, "accuracy", 5),
    "W16": ("20,000×20 regression, svm, 5 × 1", "reg20k.csv", "y", "svm", "kfold", 1, "r2", 5),
}
only = sys.argv[5].split(",") if len(sys.argv) > 5 else list(WORKLOADS)


def seedfold_args(w, extra=()):
    _, csv, target, model, splitter, seeds, metrics, _ = WORKLOADS[w]
    return ["run", "--data", f"{data}/{csv}", "--target", target, "--model", model,
            "--splitter", splitter, "--folds", "5", "--seeds", str(seeds), "--metrics", metrics,
            *(["--task", "classification"] if splitter == "stratified" else []),
            "--quiet", "--overwrite", "--out", os.path.join(out, w), *extra]

def measure(argv):
    """Wall seconds and peak RSS (MiB) of one whole process."""
    start = time.perf_counter()
    child = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - start
    if status != 0:
        sys.exit(f"failed: {' '.join(argv)}\n{child.stderr.read().decode()}")
    return seconds, usage.ru_maxrss / 1024

def sides_of(w):
    csv, target = WORKLOADS[w][1:3]
    return {
        "seedfold": [seedfold, *seedfold_args(w)],
        "scikit-learn": [python, os.path.join(here, "sklearn_cv.py"), w, f"{data}/{csv}", target],
    }

# one untimed run of each tool first: the first workload's times would otherwise include
# reading a freshly built binary or Python's modules from disk (W1 once took 31 ms against
# its 20 ms)
for argv in sides_of(only[0]).values():
    measure(argv)

rows = []
for w in only:
    sides = sides_of(w)
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
    print(f"{w}: seedfold {med['seedfold']:.3f} s ({mem['seedfold']:.0f} MiB), scikit-learn "
          f"{med['scikit-learn']:.3f} s ({mem['scikit-learn']:.0f} MiB), ratio "
          f"{med['scikit-learn'] / med['seedfold']:.1f}x", flush=True)

print()
print("| workload | seedfold s | scikit-learn s | speed-up | goal | seedfold MiB | scikit-learn MiB |")
print("|---|---|---|---|---|---|---|")
for w, med, mem in rows:
    ratio = med["scikit-learn"] / med["seedfold"]
    goal = WORKLOADS[w][7]
    print(f"| {w} {WORKLOADS[w][0]} | {med['seedfold']:.3f} | {med['scikit-learn']:.3f} | {ratio:.1f}× | "
          f"≥ {goal}× ({'met' if ratio >= goal else 'not met'}) | {mem['seedfold']:.0f} | {mem['scikit-learn']:.0f} |")
