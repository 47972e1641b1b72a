"""Do seedfold's records depend on the CPU? The same runs natively and under qemu's user-mode
emulator as a CPU without AVX or FMA (Westmere) and as one with everything (max, the control:
it should match the native run), then, per model, how many records differ and by how much,
and whether each run's summary.json (all but its times) is the same.

    python benches/compare/platforms.py SEEDFOLD_BINARY [AARCH64_BINARY]

Needs `qemu-x86_64` (Debian: `apt-get install qemu-user`). Every run uses one thread, so only
the CPU differs. With an aarch64 build of the same commit (`rustup target add
aarch64-unknown-linux-gnu`, `apt-get install gcc-aarch64-linux-gnu`, then `cargo build
--release --target aarch64-unknown-linux-gnu` with that linker), the runs are also made by it
under `qemu-aarch64`: another architecture, not only another x86-64 CPU.
"""
import csv, json, pathlib, subprocess, sys, tempfile

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
    # one-hot categories beside an intercept: least squares' rank-deficient (SVD) path
    "one-hot": ["--data", data / "penguins.csv", "--target", "body_mass_g", "--impute", "median",
                "--impute-categorical", "most-frequent", "--metrics", "r2", "--model", "ols",
                "--model", "ridge", "--model", "lasso"],
    # more features than training rows: ridge's dual path, least squares' SVD path
    "wide": ["--data", "WIDE", "--target", "y", "--metrics", "r2", "--model", "ols",
             "--model", "ridge", "--model", "elasticnet"],
}
CPUS = {"native": [], "Westmere (no AVX, no FMA)": ["qemu-x86_64", "-cpu", "Westmere"],
        "max (control)": ["qemu-x86_64", "-cpu", "max"]}


def wide_table(path):
    """30 rows × 60 features of small pseudo-random numbers and a target made from a few."""
    rows, state = [], 12345
    for _ in range(30):
        row = []
        for _ in range(60):
            state = (state * 1103515245 + 12345) % 2**31
            row.append(state % 1000 / 100)
        rows.append(row + [sum(row[:5]) + row[7] * 0.5])
    with open(path, "w") as f:
        f.write(",".join([f"x{j}" for j in range(60)] + ["y"]) + "\n")
        f.writelines(",".join(map(str, r)) + "\n" for r in rows)
    return path


def without_times(value):
    """summary.json without what depends on the clock."""
    if isinstance(value, dict):
        return {k: without_times(v) for k, v in value.items() if "seconds" not in k}
    if isinstance(value, list):
        return [without_times(v) for v in value]
    return value


def outputs(prefix, binary, run, out, wide):
    arguments = [wide if a == "WIDE" else a for a in RUNS[run]]
    command = prefix + [binary, "run", *map(str, arguments), "--folds", "5", "--seeds", "2",
                        "--threads", "1", "--out", str(out), "--overwrite", "--quiet"]
    subprocess.run(command, check=True, capture_output=True)
    with open(out / "records.csv") as f:
        records = {(r["model"], r["split_seed"], r["fold"], r["metric"]): r
                   for r in csv.DictReader(f)}
    return records, without_times(json.loads((out / "summary.json").read_text()))


def main(binary, arm=None):
    cpus = {cpu: (prefix, binary) for cpu, prefix in CPUS.items()}
    if arm:
        cpus["aarch64"] = (["qemu-aarch64", "-L", "/usr/aarch64-linux-gnu"], arm)
    with tempfile.TemporaryDirectory() as tmp:
        wide = wide_table(pathlib.Path(tmp) / "wide.csv")
        found = {cpu: {run: outputs(prefix, b, run, pathlib.Path(tmp) / f"{i}-{run}", wide)
                       for run in RUNS} for i, (cpu, (prefix, b)) in enumerate(cpus.items())}
    print("| CPU | run | model | records differing from native | largest relative difference |")
    print("|---|---|---|---|---|")
    same_summaries = []
    for cpu in list(cpus)[1:]:
        for run in RUNS:
            (ours, our_summary), (theirs, their_summary) = found["native"][run], found[cpu][run]
            same_summaries.append(f"{cpu}, {run}: summary.json "
                                  + ("same" if our_summary == their_summary else "DIFFERS"))
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
    print("\n".join(["", *same_summaries]))


if __name__ == "__main__":
    main(*sys.argv[1:3])
