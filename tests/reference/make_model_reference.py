"""Reference predictions from scikit-learn for seedfold's catalogue models.

Run:  python tests/reference/make_model_reference.py  (needs scikit-learn, numpy)
Writes tests/reference/models.json and tests/reference/classes.csv. Each case fits on the
first rows of a data set and predicts the rest, so seedfold can fit the same rows and compare.
scikit-learn's LogisticRegression(C=1/alpha) minimises the same objective as linfa-logistic
with penalty alpha (sum of log losses + alpha/2 ||w||^2, intercept unpenalised).
"""
import json, pathlib, sys
import numpy as np
import sklearn
from sklearn.linear_model import LinearRegression, Ridge, Lasso, ElasticNet, LogisticRegression
from sklearn.naive_bayes import GaussianNB

here = pathlib.Path(__file__).parent
data = np.loadtxt(here.parent.parent / "datasets" / "diabetes.csv", delimiter=",", skiprows=1)
X, y = data[:, :-1], data[:, -1]
cut = 353
out = {"generated_by": f"scikit-learn {sklearn.__version__}, numpy {np.__version__}, python {sys.version.split()[0]}",
       "diabetes_train_rows": cut, "regression": {}}
for name, model in [("ols", LinearRegression()), ("ridge", Ridge(alpha=1.0)), ("ridge:alpha=100", Ridge(alpha=100.0)),
                    ("lasso", Lasso(alpha=1.0, tol=1e-10, max_iter=100000)),
                    ("elasticnet:alpha=0.5,l1_ratio=0.3", ElasticNet(alpha=0.5, l1_ratio=0.3, tol=1e-10, max_iter=100000))]:
    out["regression"][name] = model.fit(X[:cut], y[:cut]).predict(X[cut:]).tolist()

# a well-conditioned classification set: 3 standardised features, 3 classes
rng = np.random.default_rng(7)
n = 240
Z = rng.normal(size=(n, 3))
logits = Z @ np.array([[1.5, -1.0, 0.0], [0.5, 1.0, -1.5], [-1.0, 0.2, 1.0]])
cls = np.array([rng.choice(3, p=np.exp(l) / np.exp(l).sum()) for l in logits])
np.savetxt(here / "classes.csv", np.column_stack([Z, cls]), delimiter=",", header="a,b,c,label", comments="", fmt=["%.17g"] * 3 + ["%d"])
cut_c = 180
binary = (cls == 2).astype(int)
out["classification_train_rows"] = cut_c
out["logistic_binary_p1"] = LogisticRegression(C=1.0, tol=1e-12, max_iter=10000).fit(Z[:cut_c], binary[:cut_c]).predict_proba(Z[cut_c:])[:, 1].tolist()
out["logistic_multinomial"] = LogisticRegression(C=1.0, tol=1e-12, max_iter=10000).fit(Z[:cut_c], cls[:cut_c]).predict_proba(Z[cut_c:]).tolist()
# Gaussian naive Bayes on every built-in classification data set: every fifth row is a test row
out["naive_bayes"] = {}
for name in ["breast_cancer", "iris", "wine", "digits"]:
    d = np.loadtxt(here.parent.parent / "datasets" / f"{name}.csv", delimiter=",", skiprows=1, dtype=str)
    Xd = d[:, :-1].astype(float)
    yd = np.unique(d[:, -1], return_inverse=True)[1]
    test = np.arange(len(yd)) % 5 == 0
    nb = GaussianNB().fit(Xd[~test], yd[~test])
    out["naive_bayes"][name] = {"labels": nb.predict(Xd[test]).tolist(), "probabilities": nb.predict_proba(Xd[test]).ravel().tolist()}
(here / "models.json").write_text(json.dumps(out, indent=1) + "\n")
print("wrote", here / "models.json")
