"""OLS on rank-deficient designs against scikit-learn's LinearRegression on seedfold's folds.

Run by hand from the repository root, after `cargo build --release`:

    python tests/reference/make_rank_deficient_reference.py [path/to/seedfold]

(needs scikit-learn, numpy, pandas). It writes the designs that once scored wrong with
status ok into tests/reference/rank_deficient/ — diabetes with a constant column, with a
two-level text column, with a duplicated column, and penguins' body mass (every level of
species, island and sex one-hot beside the intercept) — asks seedfold for its folds
(`seedfold splits`, 5-fold k-fold, split seeds 0..2), fits LinearRegression on exactly those
rows (text columns one-hot encoded on the fold's training rows with every level, unseen
levels all zeros, as seedfold does; optionally standardised with the training rows' mean and
population sd) and writes every fold's r2 to tests/reference/rank_deficient.json, which
tests/rank_deficient.rs holds seedfold's `ols` (and `ridge:alpha=0`, and `--exact-linfa`) to
within 1e-8.
"""
import io, json, pathlib, subprocess, sys
import numpy as np
import pandas as pd
import sklearn
from sklearn.linear_model import LinearRegression
from sklearn.metrics import r2_score

here = pathlib.Path(__file__).parent
root = here.parent.parent
seedfold = sys.argv[1] if len(sys.argv) > 1 else str(root / "target" / "release" / "seedfold")
SEEDS, FOLDS = 3, 5
files = here / "rank_deficient"
files.mkdir(exist_ok=True)

diabetes = pd.read_csv(root / "datasets" / "diabetes.csv")
target = diabetes.columns[-1]
features = diabetes.drop(columns=[target])
designs = {}
constant = features.assign(constant=1.5)
designs["diabetes_constant"] = constant.assign(**{target: diabetes[target]})
text = features.assign(group=np.where(np.arange(len(features)) % 3 == 0, "left", "right"))
designs["diabetes_text"] = text.assign(**{target: diabetes[target]})
duplicated = features.assign(bmi_again=features["bmi"])
designs["diabetes_duplicated"] = duplicated.assign(**{target: diabetes[target]})
for name, frame in designs.items():
    frame.to_csv(files / f"{name}.csv", index=False)

# (case name, data flags for seedfold, target, scale, frame as seedfold reads it)
penguins = pd.read_csv(root / "datasets" / "penguins.csv", na_values=["NA"]).dropna().reset_index(drop=True)
cases = [(name, ["--data", str(files / f"{name}.csv")], target, False, frame) for name, frame in designs.items()]
cases.append(("diabetes_constant_scaled", ["--data", str(files / "diabetes_constant.csv"), "--scale", "standard"],
              target, True, designs["diabetes_constant"]))
cases.append(("penguins_body_mass", ["--dataset", "penguins", "--impute", "drop-rows"], "body_mass_g", False, penguins))


def folds(flags, target):
    flags = [f for f in flags if f not in ("--scale", "standard")]
    out = subprocess.run([seedfold, "splits", *flags, "--target", target, "--splitter", "kfold", "--folds", str(FOLDS),
                          "--seeds", str(SEEDS)], check=True, capture_output=True, text=True).stdout
    s = pd.read_csv(io.StringIO(out))
    for (seed, fold), g in s.groupby(["split_seed", "fold"], sort=True):
        yield int(seed), int(fold), g[g.role == "train"].row.to_numpy(), g[g.role == "test"].row.to_numpy()


def design(frame, target, train, test, scale):
    X = frame.drop(columns=[target])
    text = [c for c in X.columns if not pd.api.types.is_numeric_dtype(X[c])]
    parts_train, parts_test = [X.iloc[train].drop(columns=text).to_numpy(float)], [X.iloc[test].drop(columns=text).to_numpy(float)]
    if scale:
        mean, sd = parts_train[0].mean(0), parts_train[0].std(0)
        sd[sd == 0] = 1.0
        parts_train, parts_test = [(parts_train[0] - mean) / sd], [(parts_test[0] - mean) / sd]
    for c in text:
        levels = sorted(X[c].iloc[train].unique())
        parts_train.append(np.stack([(X[c].iloc[train] == l).to_numpy(float) for l in levels], 1))
        parts_test.append(np.stack([(X[c].iloc[test] == l).to_numpy(float) for l in levels], 1))
    return np.hstack(parts_train), np.hstack(parts_test)


out = {"generated_by": f"scikit-learn {sklearn.__version__}, numpy {np.__version__}, python {sys.version.split()[0]}",
       "splitter": "kfold", "folds": FOLDS, "seeds": SEEDS, "cases": {}}
for name, flags, target_column, scale, frame in cases:
    y = frame[target_column].to_numpy(float)
    scores = []
    for seed, fold, train, test in folds(flags, target_column):
        Xtr, Xte = design(frame, target_column, train, test, scale)
        model = LinearRegression().fit(Xtr, y[train])
        scores.append({"split_seed": seed, "fold": fold, "r2": r2_score(y[test], model.predict(Xte)),
                       "rank": int(model.rank_), "columns": Xtr.shape[1]})
    out["cases"][name] = {"flags": [f.replace(str(root) + "/", "") for f in flags], "target": target_column, "folds": scores}
    print(name, "mean r2", np.mean([s["r2"] for s in scores]), "rank", scores[0]["rank"], "of", scores[0]["columns"])
(here / "rank_deficient.json").write_text(json.dumps(out, indent=1) + "\n")
