"""scikit-learn-compatible estimators as seedfold models: what seedfold needs to know about
one, and the function each fold calls."""

from __future__ import annotations

import copy

import numpy as np


def _clone(estimator):
    """A fresh unfitted copy: scikit-learn's clone when it applies, else a deep copy."""
    try:
        from sklearn.base import clone

        return clone(estimator)
    except (ImportError, TypeError):
        return copy.deepcopy(estimator)


def takes_random_state(estimator) -> bool:
    """Whether the estimator has a random_state parameter (then it runs once per model seed)."""
    get_params = getattr(estimator, "get_params", None)
    return get_params is not None and "random_state" in get_params(deep=False)


def gives_probabilities(estimator) -> bool:
    """Whether it predicts class probabilities (for log loss, Brier and AUC)."""
    return hasattr(estimator, "predict_proba")


def describe(estimator) -> str:
    """The estimator as its repr shows it (parameters that differ from the defaults), which
    the manifest keeps so a resume with another estimator is refused."""
    return " ".join(repr(estimator).split())


def fold_function(estimator, n_classes: int, probabilities: bool):
    """``fit_predict(X_train, y_train, X_test, random_state)`` for one fold: a clone of
    ``estimator`` (its random_state set when given) fitted on the training rows; returns the
    test rows' predictions (class codes for classes) and, when asked for, the probabilities of
    every class of the data (zero for a class the fold's training rows lack)."""

    def fit_predict(X_train, y_train, X_test, random_state):
        model = _clone(estimator)
        if random_state is not None:
            model.set_params(random_state=int(random_state))
        model.fit(X_train, y_train)
        predicted = np.asarray(model.predict(X_test))
        if n_classes == 0:
            return np.ascontiguousarray(predicted, dtype=np.float64).reshape(-1), None
        predicted = np.ascontiguousarray(predicted, dtype=np.int64).reshape(-1)
        if not probabilities:
            return predicted, None
        seen = np.asarray(model.classes_, dtype=np.int64)
        full = np.zeros((len(X_test), n_classes))
        full[:, seen] = model.predict_proba(X_test)
        return predicted, full

    return fit_predict
