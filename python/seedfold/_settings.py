"""Keyword arguments as seedfold's experiment settings (the experiment file's keys, as JSON)."""

from __future__ import annotations

import json
from typing import Any, Optional

# keys of the experiment file's [output] section accepted as keyword arguments
_OUTPUT = ("save_splits", "save_predictions", "fail_fast")


def _seeds(seeds: Any) -> Any:
    if isinstance(seeds, (int, str)):
        return seeds
    return [int(s) for s in seeds]


def experiment_json(
    *,
    splitter: Optional[str] = None,
    folds: int = 5,
    seeds: Any = 10,
    model_seeds: Any = None,
    splits_from: str = "seedfold",
    test_size: Optional[float] = None,
    gap: Optional[int] = None,
    max_train_size: Optional[int] = None,
    bins: Optional[int] = None,
    random_state: Optional[int] = None,
    metrics=None,
    models=None,
    shard: Optional[str] = None,
    **options: Any,
) -> str:
    """The experiment settings seedfold's library reads (JSON with the experiment file's keys)."""
    split = {"folds": int(folds)}
    for key, value in (
        ("splitter", splitter and splitter.replace("_", "-")),
        ("splits", None if splits_from == "seedfold" else splits_from),
        ("test_size", test_size),
        ("gap", gap),
        ("max_train_size", max_train_size),
        ("bins", bins),
        ("random_state", random_state),
    ):
        if value is not None:
            split[key] = value
    experiment = {"split": split, "seeds": _seeds(seeds)}
    for key, value in (
        ("model_seeds", None if model_seeds is None else _seeds(model_seeds)),
        ("metrics", None if metrics is None else list(metrics)),
        ("models", models or None),
        ("shard", shard),
    ):
        if value is not None:
            experiment[key] = value
    output = {key: options.pop(key) for key in _OUTPUT if key in options}
    if output:
        experiment["output"] = output
    experiment.update(options)
    return json.dumps(experiment)


def stats_json(stats: dict) -> str:
    """The [stats] settings as the library reads them."""
    return json.dumps(stats)
