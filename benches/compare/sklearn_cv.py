"""The scikit-learn side of the comparison: read the CSV, repeated (stratified) k-fold with
cross_validate(n_jobs=None), the same model and metrics as seedfold.
Usage: sklearn_cv.py WORKLOAD CSV TARGET"""
import sys
import numpy as np
import pandas as pd
from sklearn.model_selection import RepeatedKFold, RepeatedStratifiedKFold, cross_validate
from sklearn.linear_model import LinearRegression, Ridge, Lasso, LogisticRegression
from sklearn.tree import DecisionTreeClassifier
from sklearn.ensemble import RandomForestClassifier, HistGradientBoostingClassifier
from sklearn.naive_bayes import GaussianNB
from sklearn.svm import SVC, SVR
from sklearn.neighbors import KNeighborsClassifier

workload, path, target = sys.argv[1], sys.argv[2], sys.argv[3]
frame = pd.read_csv(path)
y = frame.pop(target).to_numpy()
x = frame.to_numpy(dtype=float)


def kfold(seeds):
    return RepeatedKFold(n_splits=5, n_repeats=seeds, random_state=0)


def stratified(seeds):
    return RepeatedStratifiedKFold(n_splits=5, n_repeats=seeds, random_state=0)


setups = {
    "W1": (LinearRegression(), kfold(100), ["r2", "neg_mean_squared_error"]),
    "W2": (Ridge(alpha=1.0), kfold(20), ["r2", "neg_mean_squared_error"]),
    "W3": (LogisticRegression(C=1.0), stratified(20), ["accuracy", "roc_auc"]),
    "W4": (DecisionTreeClassifier(random_state=0), stratified(200), ["accuracy"]),
    "W5": (RandomForestClassifier(n_estimators=100, random_state=0), stratified(10), ["accuracy"]),
    "W6": (HistGradientBoostingClassifier(early_stopping=False), stratified(10), ["accuracy"]),
    "W7": (GaussianNB(), stratified(100), ["accuracy"]),
    "W8": (SVC(C=1.0, gamma="scale"), stratified(20), ["accuracy"]),
    "W9": (Lasso(alpha=0.1), kfold(10), ["r2"]),
    "W10": (LogisticRegression(C=1.0, solver="newton-cholesky"), stratified(10), ["accuracy"]),
    "W11": (KNeighborsClassifier(n_neighbors=5), stratified(20), ["accuracy"]),
    "W12": (KNeighborsClassifier(n_neighbors=5), stratified(2), ["accuracy"]),
    "W13": (GaussianNB(), stratified(20), ["accuracy"]),
    "W14": (DecisionTreeClassifier(random_state=0), stratified(5), ["accuracy"]),
    "W15": (SVC(C=1.0, gamma="scale"), stratified(1), ["accuracy"]),
    "W16": (SVR(C=1.0, gamma="scale"), kfold(1), ["r2"]),
}
model, cv, scoring = setups[workload]
scores = cross_validate(model, x, y, cv=cv, scoring=scoring)
print(workload, {k: float(np.mean(v)) for k, v in scores.items() if k.startswith("test_")})
