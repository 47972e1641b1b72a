"""Tree models side by side with scikit-learn, whole processes, alternating on the same machine.

    python benches/compare/trees.py SEEDFOLD DATA_DIR [REPEATS]

Workloads (the same splitter and metric on both sides; scikit-learn with n_jobs=1 for forests,
HistGradientBoosting with its default OpenMP threads and early_stopping=False, seedfold with
its default threads):
  forest-cancer    breast_cancer, RandomForestClassifier(100 trees), stratified 5 folds x 10 seeds
  forest-20k       20,000 x 20 regression, RandomForestRegressor(20 trees), 5 folds x 2 seeds
  boosting-cancer  breast_cancer, HistGradientBoostingClassifier, stratified 5 folds x 10 seeds
  boosting-20k     20,000 x 20 regression, HistGradientBoostingRegressor, 5 folds x 2 seeds
Prints a Markdown table: each side's median time, the ratio, and each side's mean score.

Called with --sklearn WORKLOAD DATA_DIR it is the scikit-learn side of one workload and prints
its mean score.
"""
import csv, pathlib, statistics, subprocess, sys, tempfile, time

root = pathlib.Path(__file__).resolve().parents[2]
WORKLOADS = {
    # name: (data, target, seedfold model, splitter, seeds, metric)
    "forest-cancer": ("cancer", "diagnosis", "forest", "stratified", 10, "accuracy"),
    "forest-20k": ("reg20k", "y", "forest:trees=20", "kfold", 2, "r2"),
    "boosting-cancer": ("cancer", "diagnosis", "boosting", "stratified", 10, "accuracy"),
    "boosting-20k": ("reg20k", "y", "boosting", "kfold", 2, "r2"),
}


def data_path(data_dir, name):
    if name == "cancer":
        return root / "datasets" / "breast_cancer.csv"
    path = pathlib.Path(data_dir) / "reg20k.csv"
    if not path.exists():
        sys.exit(f"{path} is missing: write the workloads first "
                 f"(python benches/compare/make_workloads.py {data_dir})")
    return path


def sklearn_side(workload, data_dir):
    import numpy as np, pandas as pd
    from sklearn.ensemble import (RandomForestClassifier, RandomForestRegressor,
                                  HistGradientBoostingClassifier, HistGradientBoostingRegressor)
    from sklearn.model_selection import RepeatedStratifiedKFold, RepeatedKFold, cross_validate
    data, target, _, splitter, seeds, metric = WORKLOADS[workload]
    d = pd.read_csv(data_path(data_dir, data))
    X, y = d.drop(columns=[target]).to_numpy(float), d[target].to_numpy()
    model = {
        "forest-cancer": lambda: RandomForestClassifier(n_estimators=100, n_jobs=1, random_state=0),
        "forest-20k": lambda: RandomForestRegressor(n_estimators=20, n_jobs=1, random_state=0),
        "boosting-cancer": lambda: HistGradientBoostingClassifier(early_stopping=False),
        "boosting-20k": lambda: HistGradientBoostingRegressor(early_stopping=False),
    }[workload]()
    cv = (RepeatedStratifiedKFold if splitter == "stratified" else RepeatedKFold)(
        n_splits=5, n_repeats=seeds, random_state=0)
    print(np.mean(cross_validate(model, X, y, cv=cv, scoring=metric)["test_score"]))


def timed(command):
    start = time.perf_counter()
    out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    return time.perf_counter() - start, out


def main(seedfold, data_dir, repeats):
    rows = ["| workload | scikit-learn | seedfold | ratio | score scikit-learn | score seedfold |",
            "|---|---|---|---|---|---|"]
    for workload, (data, target, model, splitter, seeds, metric) in WORKLOADS.items():
        path = data_path(data_dir, data)
        ours, theirs = [], []
        with tempfile.TemporaryDirectory() as tmp:
            run = [seedfold, "run", "--data", str(path), "--target", target, "--model", model,
                   "--splitter", splitter, "--folds", "5", "--seeds", str(seeds),
                   "--metrics", metric, "--out", f"{tmp}/out", "--overwrite", "--quiet"]
            for _ in range(repeats):
                t, out = timed([sys.executable, __file__, "--sklearn", workload, data_dir])
                theirs.append(t)
                sklearn_score = float(out.split()[-1])
                t, _ = timed(run)
                ours.append(t)
            with open(f"{tmp}/out/records.csv") as f:
                values = [float(r["value"]) for r in csv.DictReader(f)]
        a, b = statistics.median(theirs), statistics.median(ours)
        rows.append(f"| {workload} | {a:.2f} s | {b:.2f} s | {a / b:.1f}x | {sklearn_score:.4f} | "
                    f"{sum(values) / len(values):.4f} |")
        print(rows[-1], flush=True)
    print("\n".join(rows))


if __name__ == "__main__":
    if sys.argv[1] == "--sklearn":
        sklearn_side(sys.argv[2], sys.argv[3])
    else:
        main(sys.argv[1], sys.argv[2], int(sys.argv[3]) if len(sys.argv) > 3 else 2)
