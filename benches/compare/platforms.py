"""Do seedfold's records depend on the CPU? The same runs natively and under qemu's user-mode
emulator as a CPU without AVX or FMA (Westmere) and as one with everything (max, the control:
it should match the native run), then, per model, how many records differ and by how much.

    python benches/compare/platforms.py SEEDFOLD_BINARY

Needs `qemu-x86_64` (Debian: `apt-get install qemu-user`). Every run uses one thread, so only
the CPU differs.
"""
import csv, pathlib, subprocess, sys, tempfile

root = pathlib.Path(__file__).resolve().parents[2]
data = root / "datasets"
RUNS = {
    "regression": ["--data", data / "diabetes.csv", "--target", "progression", "--metrics", "r2,mse",
                   "--model", "ols", "--model", "ridge", "--model", "lasso", "--model", "elasticnet",
                   "--model", "tweedie", "--model", "knn", "--model", "svm", "--model", "tree",
                   "--model", "forest:trees=10", "--model", "boosting"],
    "binary": ["--data", data / "breast_cancer.csv", "--target", "diagnosis", "--splitter", "stratified",
               "--metrics", "accuracy,log_loss,roc_auc", "--model", "logistic", "--model", "naive_bayes",
               "--model", "knn", "--model", "svm", "--model", "boosting", "--model", "forest:trees=10"],
    "classes": ["--data", data / "wine.csv", "--target", "cultivar", "--splitter", "stratified",
                "--metrics", "accuracy,log_loss", "--model", "logistic", "--model", "naive_bayes",
                "--model", "boosting", "--model", "svm"],
}
CPUS = {"native": [], "Westmere (no AVX, no FMA)": ["qemu-x86_64", "-cpu", "Westmere"],
        "max (control)": ["qemu-x86_64", "-cpu", "max"]}


def records(prefix, binary, run, out):
    command = prefix + [binary, "run", *map(str, RUNS[run]), "--folds", "5", "--seeds", "2",
                        "--threads", "1", "--out", str(out), "--overwrite", "--quiet"]
    subprocess.run(command, check=True, capture_output=True)
    with open(out / "records.csv") as f:
        return {(r["model"], r["split_seed"], r["fold"], r["metric"]): r for r in csv.DictReader(f)}


def main(binary):
    with tempfile.TemporaryDirectory() as tmp:
        found = {cpu: {run: records(prefix, binary, run, pathlib.Path(tmp) / f"{i}-{run}")
                       for run in RUNS} for i, (cpu, prefix) in enumerate(CPUS.items())}
    print("| CPU | run | model | records differing from native | largest relative difference |")
    print("|---|---|---|---|---|")
    for cpu in list(CPUS)[1:]:
        for run in RUNS:
            ours, theirs = found["native"][run], found[cpu][run]
            models = {}
            for key, r in ours.items():
                o = theirs[key]
                count = models.setdefault(r["model"], [0, 0, 0.0])
                count[0] += 1
                if (r["value"], r["status"]) != (o["value"], o["status"]):
                    count[1] += 1
                    a, b = float(r["value"] or "nan"), float(o["value"] or "nan")
                    count[2] = max(count[2], abs(a - b) / max(abs(a), 1e-300))
            for model, (n, differ, rel) in models.items():
                print(f"| {cpu} | {run} | {model} | {differ} of {n} | {rel:.1e} |")


if __name__ == "__main__":
    main(sys.argv[1])
