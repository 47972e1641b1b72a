"""The scikit-learn side of the comparison: read the CSV, repeated (stratified) k-fold with
cross_validate(n_jobs=1), the same metrics as seedfold. Usage: sklearn_cv.py WORKLOAD CSV"""
import sys
import numpy as np
import pandas as pd
from sklearn.model_selection import RepeatedKFold, RepeatedStratifiedKFold, cross_validate
from sklearn.linear_model import LinearRegression, Ridge, LogisticRegression
from sklearn.tree import DecisionTreeClassifier

workload, path = sys.argv[1], sys.argv[2]
frame = pd.read_csv(path)
y = frame.pop("y").to_numpy()
x = frame.to_numpy(dtype=float)
setups = {
    "W1": (LinearRegression(), RepeatedKFold(n_splits=5, n_repeats=100, random_state=0), ["r2", "neg_mean_squared_error"]),
    "W2": (Ridge(alpha=1.0), RepeatedKFold(n_splits=5, n_repeats=20, random_state=0), ["r2", "neg_mean_squared_error"]),
    "W3": (LogisticRegression(C=1.0), RepeatedStratifiedKFold(n_splits=5, n_repeats=20, random_state=0), ["accuracy", "roc_auc"]),
    "W4": (DecisionTreeClassifier(random_state=0), RepeatedStratifiedKFold(n_splits=5, n_repeats=200, random_state=0), ["accuracy"]),
}
model, cv, scoring = setups[workload]
scores = cross_validate(model, x, y, cv=cv, scoring=scoring, n_jobs=1)
print(workload, {k: float(np.mean(v)) for k, v in scores.items() if k.startswith("test_")})
