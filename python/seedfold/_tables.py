"""Python data as seedfold's table: features, target, groups and records."""

from __future__ import annotations

from typing import Optional

import numpy as np


def as_features(X):
    """Feature names and a C-contiguous float64 matrix from numpy, pandas or polars."""
    if hasattr(X, "columns") and hasattr(X, "to_numpy"):
        names = [str(c) for c in X.columns]
        values = X.to_numpy()
    else:
        values = np.asarray(X)
        names = None
    if values.ndim != 2:
        raise ValueError(f"X must be two-dimensional (rows × features), got shape {values.shape}")
    try:
        values = np.ascontiguousarray(values, dtype=np.float64)
    except (TypeError, ValueError) as e:
        raise ValueError(
            f"X must hold numbers only ({e}); encode text columns first, e.g. with a scikit-learn "
            "OneHotEncoder inside a Pipeline, or pass seedfold a CSV with --categorical"
        ) from None
    if names is None:
        names = [f"x{i}" for i in range(values.shape[1])]
    return names, values


def as_target(y, task: Optional[str] = None):
    """Real values (float64) for regression; for classes, numpy's class codes (np.unique order,
    as scikit-learn sorts classes) with the class names."""
    values = np.asarray(y.to_numpy() if hasattr(y, "to_numpy") else y)
    if values.ndim != 1:
        raise ValueError(f"y must be one-dimensional, got shape {values.shape}")
    if task is None:
        task = "regression" if values.dtype.kind in "fc" else "classification"
    if task == "regression":
        values = np.ascontiguousarray(values, dtype=np.float64)
        if not np.isfinite(values).all():
            raise ValueError("y holds NaN or infinite values; drop those rows first")
        return values
    if task != "classification":
        raise ValueError(f"task must be 'classification' or 'regression', got {task!r}")
    classes, codes = np.unique(values, return_inverse=True)
    if len(classes) < 2:
        raise ValueError(f"y has only one class ({classes[0]!r}); a classifier needs at least two")
    return np.ascontiguousarray(codes.reshape(-1), dtype=np.int64), [str(c) for c in classes]


def as_groups(groups):
    """Group codes in sorted group order, or None."""
    if groups is None:
        return None
    values = np.asarray(groups.to_numpy() if hasattr(groups, "to_numpy") else groups)
    return np.unique(values, return_inverse=True)[1].reshape(-1).tolist()
