"""seedfold from Python: how much of a model's score is the random seed.

Run any scikit-learn-compatible estimator (and seedfold's own catalogue models, by name) over
many seeded cross-validation splits, and get seedfold's report folder: records, summary.json,
report.html, manifest, resume and shards, all from the Rust library.

>>> import seedfold
>>> from sklearn.datasets import load_diabetes
>>> from sklearn.linear_model import Ridge
>>> X, y = load_diabetes(return_X_y=True)
>>> result = seedfold.evaluate({"ridge": Ridge(alpha=1.0)}, X, y, seeds=5, out="reports/py")
>>> sorted({s["model"] for s in result.summary["summaries"]})
['ridge']
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping, Optional, Sequence, Union

import numpy as np

from . import _seedfold
from ._estimators import describe, fold_function, gives_probabilities, takes_random_state
from ._settings import experiment_json, stats_json
from ._tables import as_features, as_groups, as_target

__version__ = _seedfold.__version__
__all__ = ["splits", "evaluate", "summarize", "Evaluation"]


def splits(
    n_rows: int,
    *,
    y=None,
    groups=None,
    splitter: Optional[str] = None,
    folds: int = 5,
    seeds: Union[int, Sequence[int]] = 10,
    splits_from: str = "seedfold",
    test_size: Optional[float] = None,
    task: Optional[str] = None,
    **split_options,
) -> dict:
    """The folds of every split seed, as ``seedfold splits`` lists them.

    Returns ``{split_seed: [(train_rows, test_rows), ...]}`` with numpy index arrays; one
    seed's list is a valid ``cv=`` argument for scikit-learn. ``splits_from="sklearn"`` gives
    scikit-learn's own folds for ``random_state=split_seed``.
    """
    target = None if y is None else as_target(y, task)
    settings = experiment_json(
        splitter=splitter,
        folds=folds,
        seeds=seeds,
        splits_from=splits_from,
        test_size=test_size,
        **split_options,
    )
    listed = _seedfold.split_rows(int(n_rows), target, as_groups(groups), settings)
    return {seed: folds_of_seed for seed, folds_of_seed in listed}


@dataclass
class Evaluation:
    """A finished run: its report folder and what is in it."""

    folder: Path
    summary: dict = field(repr=False)

    @property
    def report(self) -> Path:
        """report.html, the report to hand to a reader."""
        return self.folder / "report.html"

    @property
    def records(self):
        """Every fold's score (records.csv) as a pandas DataFrame, or polars if pandas is missing."""
        path = self.folder / "records.csv"
        try:
            import pandas

            return pandas.read_csv(path, keep_default_na=False, na_values=[""])
        except ImportError:
            import polars

            return polars.read_csv(path)


def evaluate(
    estimators: Mapping[str, Any],
    X,
    y,
    *,
    seeds: Union[int, Sequence[int]] = 10,
    model_seeds: Union[int, Sequence[int]] = 1,
    splitter: Optional[str] = None,
    folds: int = 5,
    splits_from: str = "seedfold",
    metrics: Optional[Sequence[str]] = None,
    groups=None,
    task: Optional[str] = None,
    out: Union[str, os.PathLike] = "reports/python",
    resume: bool = False,
    overwrite: bool = False,
    shard: Optional[str] = None,
    threads: Optional[int] = None,
    name: str = "data",
    **options,
) -> Evaluation:
    """Cross-validate every estimator over the split seeds into the report folder ``out``.

    ``estimators`` maps a name to a scikit-learn-compatible estimator (cloned for every fold,
    its ``random_state`` set from seedfold's model-seed stream when it has one) or to a
    catalogue model spec such as ``"ridge:alpha=1"`` (fitted in Rust; named by seedfold). X
    and y may be numpy arrays or pandas/polars frames; y of floats is a regression target and
    anything else classes, unless ``task=`` says. Python estimators fit one at a time
    (the GIL); catalogue models fit on the other cores beside them. Further keyword options
    are the experiment file's: ``test_size``, ``tune``, ``interval``, ``permutations``,
    ``stats={"confidence": 0.9}``, ...
    """
    features, x = as_features(X)
    target = as_target(y, task)
    n_classes = len(target[1]) if isinstance(target, tuple) else 0
    catalogue = [spec for spec in estimators.values() if isinstance(spec, str)]
    plugged = []
    for label, estimator in estimators.items():
        if isinstance(estimator, str):
            continue
        probabilities = n_classes > 0 and gives_probabilities(estimator)
        plugged.append(
            (
                str(label),
                describe(estimator),
                fold_function(estimator, n_classes, probabilities),
                takes_random_state(estimator),
                probabilities,
            )
        )
    settings = experiment_json(
        splitter=splitter,
        folds=folds,
        seeds=seeds,
        model_seeds=model_seeds,
        splits_from=splits_from,
        metrics=metrics,
        models=catalogue,
        shard=shard,
        **options,
    )
    folder = Path(out)
    _seedfold.run(
        settings,
        name,
        x,
        features,
        target,
        as_groups(groups),
        plugged,
        folder,
        resume,
        overwrite,
        threads,
    )
    return Evaluation(folder=folder, summary=json.loads((folder / "summary.json").read_text()))


def summarize(
    records,
    *,
    out: Union[str, os.PathLike, None] = None,
    overwrite: bool = False,
    folds: Optional[int] = None,
    test_fraction: Optional[float] = None,
    higher_is_better: Sequence[str] = (),
    lower_is_better: Sequence[str] = (),
    **stats,
) -> Evaluation:
    """The robustness report of fold scores made elsewhere, as ``seedfold summarize``.

    ``records`` is a path to a records CSV, a pandas/polars DataFrame in seedfold's long format
    (model, seed, fold, metric, value), the dict ``cross_validate`` returns (``test_<scorer>``
    entries, one per split; ``folds`` numbers them as RepeatedKFold does), or a fitted
    ``GridSearchCV``'s ``cv_results_`` (each parameter setting a model, its
    ``split<i>_test_<scorer>`` entries its fold scores).
    """
    import tempfile

    if folds is None and isinstance(records, Mapping) and "params" in records:
        # cv_results_ of one cross-validation: its splits are one seed's folds
        folds = sum(1 for k in records if re.fullmatch(r"split\d+_test_.+", str(k))) // max(
            1, sum(1 for k in records if re.fullmatch(r"split0_test_.+", str(k)))
        )
    with tempfile.TemporaryDirectory() as scratch:
        path = _records_file(records, Path(scratch))
        target = Path(out) if out is not None else None
        _seedfold.summarize_file(
            path,
            target,
            overwrite,
            folds,
            test_fraction,
            list(higher_is_better) + _scorer_names(records),
            list(lower_is_better),
            stats_json(stats),
        )
    folder = target if target is not None else Path("reports/summary")
    return Evaluation(folder=folder, summary=json.loads((folder / "summary.json").read_text()))


def _records_file(records, scratch: Path) -> str:
    """A CSV path seedfold's records reader takes, written to ``scratch`` when needed."""
    if isinstance(records, (str, os.PathLike)):
        return os.fspath(records)
    path = scratch / "records.csv"
    if isinstance(records, Mapping):
        import pandas

        # cross_validate's dict or cv_results_: the columns seedfold reads, as a table
        records = pandas.DataFrame(
            {
                k: [str(p) for p in v] if k == "params" else np.asarray(v)
                for k, v in records.items()
                if k not in ("estimator", "indices")
            }
        )
    if hasattr(records, "to_csv"):
        records.to_csv(path, index=False)
    else:
        records.write_csv(path)
    return os.fspath(path)


def _scorer_names(records) -> list:
    """scikit-learn's default scorer name ("score", higher is better like every scorer) when
    the records use it."""
    columns = records.keys() if isinstance(records, Mapping) else getattr(records, "columns", [])
    used = any(str(c) == "test_score" or str(c).endswith("_test_score") for c in columns)
    return ["score"] if used else []
