"""scikit-learn side of the forest comparison in BENCHMARKS.md: RandomForestClassifier(100 trees,
n_jobs=1) over RepeatedStratifiedKFold(5, 10) on breast_cancer, accuracy and roc_auc.
The seedfold side: seedfold run --dataset breast_cancer --model forest --splitter stratified
--seeds 10 --metrics accuracy,roc_auc."""
import numpy as np, pandas as pd
from sklearn.ensemble import RandomForestClassifier
from sklearn.model_selection import RepeatedStratifiedKFold, cross_validate
d = pd.read_csv(__import__("pathlib").Path(__file__).resolve().parents[2] / "datasets" / "breast_cancer.csv")
X, y = d.iloc[:, :-1].to_numpy(float), d.iloc[:, -1].to_numpy()
cv = RepeatedStratifiedKFold(n_splits=5, n_repeats=10, random_state=0)
r = cross_validate(RandomForestClassifier(n_estimators=100, n_jobs=1, random_state=0), X, y, cv=cv, scoring=["accuracy", "roc_auc"])
print(np.mean(r["test_accuracy"]))
