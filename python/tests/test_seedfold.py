"""seedfold from Python, checked against scikit-learn on the same folds."""

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import load_breast_cancer, load_diabetes
from sklearn.ensemble import RandomForestClassifier
from sklearn.linear_model import LinearRegression, LogisticRegression, Ridge
from sklearn.model_selection import GridSearchCV, KFold, StratifiedKFold, cross_validate

import seedfold

ROOT = Path(__file__).resolve().parents[2]


def test_sklearn_folds_are_scikit_learns():
    for n, k, seed in [(10, 3, 0), (97, 5, 1), (1000, 10, 4294967295)]:
        ours = seedfold.splits(n, folds=k, seeds=[seed], splitter="kfold", splits_from="sklearn")[seed]
        theirs = list(KFold(k, shuffle=True, random_state=seed).split(np.zeros(n)))
        for (train, test), (t_train, t_test) in zip(ours, theirs):
            assert list(test) == sorted(t_test) and list(train) == sorted(t_train)
    y = np.random.RandomState(0).randint(0, 3, 200)
    ours = seedfold.splits(200, y=y, folds=5, seeds=[7], splitter="stratified", splits_from="sklearn")[7]
    theirs = StratifiedKFold(5, shuffle=True, random_state=7).split(np.zeros(200), y)
    assert [list(t) for _, t in ours] == [sorted(t) for _, t in theirs]


def test_splits_are_the_runs_folds(tmp_path):
    X, y = load_diabetes(return_X_y=True)
    listed = seedfold.splits(len(y), seeds=2, folds=4)
    seedfold.evaluate({"ols": "ols"}, X, y, seeds=2, folds=4, out=tmp_path / "r", save_splits=True)
    saved = pd.read_csv(tmp_path / "r" / "splits.csv")
    for seed, folds in listed.items():
        for fold, (train, test) in enumerate(folds):
            rows = saved[(saved.split_seed == seed) & (saved.fold == fold)]
            assert list(rows[rows.role == "test"].row) == list(test)
            assert list(rows[rows.role == "train"].row) == list(train)


def test_diabetes_ols_equals_cross_validate_on_sklearn_folds(tmp_path):
    X, y = load_diabetes(return_X_y=True)
    result = seedfold.evaluate({"ols": "ols"}, X, y, seeds=3, splits_from="sklearn", metrics=["r2"], out=tmp_path / "r")
    records = result.records
    for s in range(3):
        theirs = cross_validate(LinearRegression(), X, y, cv=KFold(5, shuffle=True, random_state=s))["test_score"]
        ours = records[records.split_seed == s].sort_values("fold").value.to_numpy()
        np.testing.assert_allclose(ours, theirs, rtol=0, atol=1e-10)


def breast_cancer_run(out, estimators, **options):
    X, y = load_breast_cancer(return_X_y=True)
    return seedfold.evaluate(estimators, X, y, seeds=5, metrics=["accuracy", "log_loss"], out=out, **options)


def test_scikit_learn_estimators_beside_the_catalogue(tmp_path):
    result = breast_cancer_run(
        tmp_path / "r",
        {
            "forest": RandomForestClassifier(n_estimators=20),
            # seedfold's logistic: the L2 penalty alpha = 1 (C = 1), solved to the optimum
            "sk_logistic": LogisticRegression(C=1.0, solver="newton-cholesky", tol=1e-12, max_iter=10000),
            "logistic": "logistic",
        },
    )
    records = result.records
    assert set(records.model) == {"forest", "sk_logistic", "logistic"}
    assert (records.status == "ok").all()
    key = ["split_seed", "fold", "metric"]
    ours = records[records.model == "logistic"].sort_values(key).value.to_numpy()
    theirs = records[records.model == "sk_logistic"].sort_values(key).value.to_numpy()
    np.testing.assert_allclose(ours, theirs, rtol=0, atol=1e-6)
    # the forest takes a random_state, so it is stochastic: its model seed is recorded
    assert records[records.model == "forest"].model_seed.notna().all()
    forest = next(s for s in result.summary["summaries"] if s["model"] == "forest" and s["metric"] == "accuracy")
    shares = forest["seed_effect"]["share"]
    assert set(shares) == {"split_seed", "model_seed", "data"}
    assert abs(sum(shares.values()) - 1) < 1e-9
    # the report's Models line names the Python estimators beside the catalogue's
    models_line = next(l for l in (result.folder / "report.md").read_text().splitlines() if "Models:" in l)
    assert "logistic" in models_line and "forest (from Python: RandomForestClassifier(n_estimators=20))" in models_line


class Interrupting(RandomForestClassifier):
    """A forest whose fit raises KeyboardInterrupt on its 7th call while `armed`."""

    armed = False
    calls = 0

    def fit(self, X, y, sample_weight=None):
        if Interrupting.armed:
            Interrupting.calls += 1
            if Interrupting.calls == 7:
                raise KeyboardInterrupt
        return super().fit(X, y, sample_weight)


def test_resume_after_an_interrupted_fit_gives_the_uninterrupted_records(tmp_path):
    models = {"forest": Interrupting(n_estimators=10), "logistic": "logistic"}
    whole = breast_cancer_run(tmp_path / "whole", models, threads=1).records
    Interrupting.armed = True
    with pytest.raises(KeyboardInterrupt):
        breast_cancer_run(tmp_path / "cut", models, threads=1)
    Interrupting.armed = False
    assert not (tmp_path / "cut" / "summary.json").exists()
    with pytest.raises(ValueError, match="resume"):
        breast_cancer_run(tmp_path / "cut", models, threads=1)
    resumed = breast_cancer_run(tmp_path / "cut", models, threads=1, resume=True).records
    columns = [c for c in whole.columns if c != "fit_seconds"]
    pd.testing.assert_frame_equal(whole[columns], resumed[columns])


def test_summarize_cross_validate_and_grid_search(tmp_path):
    X, y = load_diabetes(return_X_y=True)
    cv = KFold(5, shuffle=True, random_state=0)
    scores = cross_validate(Ridge(), X, y, cv=cv, scoring=["r2", "neg_mean_absolute_error"])
    summary = seedfold.summarize(scores, folds=5, out=tmp_path / "cv").summary
    r2 = next(s for s in summary["summaries"] if s["metric"] == "r2")
    assert r2["across_seeds"]["mean"] == pytest.approx(scores["test_r2"].mean(), abs=1e-12)
    mae = next(s for s in summary["summaries"] if s["metric"] == "mae")
    assert mae["across_seeds"]["mean"] == pytest.approx(-scores["test_neg_mean_absolute_error"].mean(), abs=1e-9)
    search = GridSearchCV(Ridge(), {"alpha": [0.1, 10.0]}, cv=cv).fit(X, y)
    summary = seedfold.summarize(search.cv_results_, out=tmp_path / "grid").summary
    means = {s["model"]: s["across_seeds"]["mean"] for s in summary["summaries"]}
    assert means == pytest.approx(
        {f"alpha={a}": m for a, m in zip([0.1, 10.0], search.cv_results_["mean_test_score"])}, abs=1e-12
    )


def test_bad_input_is_a_clear_error(tmp_path):
    X, y = load_diabetes(return_X_y=True)
    X = X.copy()
    X[3, 2] = np.nan
    with pytest.raises(ValueError, match="row 3, column 'x2'"):
        seedfold.evaluate({"ols": "ols"}, X, y, out=tmp_path / "a")
    with pytest.raises(ValueError, match="unknown model"):
        seedfold.evaluate({"m": "no_such_model"}, load_diabetes(return_X_y=True)[0], y, out=tmp_path / "b")
    with pytest.raises(ValueError, match="unknown field"):
        seedfold.evaluate({"ols": "ols"}, load_diabetes(return_X_y=True)[0], y, out=tmp_path / "c", sedes=3)
    with pytest.raises(ValueError, match="folds"):
        seedfold.splits(3, folds=5)


def test_readme_example_runs(tmp_path, monkeypatch):
    readme = (ROOT / "README.md").read_text()
    block = re.search(r"## From Python.*?```python\n(.*?)```", readme, re.S)
    assert block, "README has a From Python section with a python example"
    monkeypatch.chdir(tmp_path)
    exec(compile(block.group(1), "README.md", "exec"), {})
    assert (tmp_path / "reports").is_dir()


def test_repeated_and_group_shuffle_splits_are_scikit_learns():
    from sklearn.model_selection import GroupShuffleSplit, RepeatedStratifiedKFold

    y = np.random.RandomState(1).randint(0, 3, 90)
    ours = seedfold.splits(90, y=y, folds=3, seeds=4, splitter="stratified", splits_from="sklearn-repeated", random_state=11)
    theirs = [sorted(t) for _, t in RepeatedStratifiedKFold(n_splits=3, n_repeats=4, random_state=11).split(np.zeros(90), y)]
    assert [list(t) for r in range(4) for _, t in ours[r]] == theirs
    groups = np.arange(60) % 13
    ours = seedfold.splits(60, groups=groups, folds=3, seeds=[5], splitter="group-shuffle-split", splits_from="sklearn")[5]
    theirs = GroupShuffleSplit(3, random_state=5).split(np.zeros(60), groups=groups)
    assert [list(t) for _, t in ours] == [sorted(t) for _, t in theirs]


def test_pandas_frames_and_a_shard(tmp_path):
    X, y = load_diabetes(return_X_y=True, as_frame=True)
    result = seedfold.evaluate({"ols": "ols"}, X, y, seeds=4, shard="1/2", metrics=["r2"], out=tmp_path / "s")
    assert sorted(result.records.split_seed.unique()) == [1, 3]
    holed = X.copy()
    holed.iloc[5, 2] = np.nan
    with pytest.raises(ValueError, match="row 5, column 'bmi'"):
        seedfold.evaluate({"ols": "ols"}, holed, y, out=tmp_path / "n")


def test_an_interrupted_overwrite_stays_resumable(tmp_path):
    models = {"forest": Interrupting(n_estimators=10), "logistic": "logistic"}
    whole = breast_cancer_run(tmp_path / "whole", models, threads=1).records
    breast_cancer_run(tmp_path / "r", {"logistic": "logistic"}, threads=1)
    Interrupting.armed, Interrupting.calls = True, 0
    try:
        with pytest.raises(KeyboardInterrupt):
            breast_cancer_run(tmp_path / "r", models, threads=1, overwrite=True)
    finally:
        Interrupting.armed = False
    # the interrupted run is there to resume, not the report it was replacing
    resumed = breast_cancer_run(tmp_path / "r", models, threads=1, resume=True).records
    columns = [c for c in whole.columns if c != "fit_seconds"]
    pd.testing.assert_frame_equal(whole[columns], resumed[columns])


class Broken(Ridge):
    """A ridge whose fit fails on every fold of split seed 1 (its training rows start there)."""

    def fit(self, X, y):
        if X.shape[0] == 353 and X[0, 0] == Broken.poison:
            raise ValueError("singular design on this fold")
        return super().fit(X, y)


def test_a_failing_estimator_fit_is_recorded_not_fatal(tmp_path):
    X, y = load_diabetes(return_X_y=True)
    folds = seedfold.splits(len(y), seeds=2)
    Broken.poison = X[folds[1][0][0][0], 0]
    result = seedfold.evaluate({"broken": Broken()}, X, y, seeds=2, metrics=["r2"], out=tmp_path / "r")
    records = result.records
    failed = records[records.status == "failed"]
    assert len(failed) >= 1
    assert failed.error.str.contains("ValueError: singular design on this fold").all()
    assert (records[records.status == "ok"].value.notna()).all()
