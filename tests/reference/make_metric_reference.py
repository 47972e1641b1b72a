"""Reference metric values from scikit-learn for seedfold's metric tests.

Run:  python tests/reference/make_metric_reference.py  (needs scikit-learn, numpy)
Writes tests/reference/metrics.json: inputs (truth, predictions, probabilities) and the value
scikit-learn gives for every metric seedfold implements, including edge cases.
"""
import json, pathlib, sys
import numpy as np
import sklearn
from sklearn import metrics as M

here = pathlib.Path(__file__).parent
rng = np.random.default_rng(20261129)
out = {"generated_by": f"scikit-learn {sklearn.__version__}, numpy {np.__version__}, python {sys.version.split()[0]}"}

def reg_case(name, y, p):
    y, p = np.asarray(y, float), np.asarray(p, float)
    return {"name": name, "truth": y.tolist(), "prediction": p.tolist(), "values": {
        "r2": M.r2_score(y, p), "mse": M.mean_squared_error(y, p), "rmse": M.root_mean_squared_error(y, p),
        "mae": M.mean_absolute_error(y, p), "mape": M.mean_absolute_percentage_error(y, p),
        "median_ae": M.median_absolute_error(y, p), "explained_variance": M.explained_variance_score(y, p),
        "max_error": M.max_error(y, p)}}

y = rng.normal(150, 70, 89)
out["regression"] = [
    reg_case("random", y, y + rng.normal(0, 40, 89)),
    reg_case("constant truth", [3.0] * 6, [3.0, 2.5, 3.5, 3.0, 4.0, 1.0]),
    reg_case("perfect", y[:10], y[:10]),
    reg_case("constant truth, perfect", [2.0] * 5, [2.0] * 5),
    reg_case("zeros in truth", [0.0, 1.0, -2.0, 0.0, 5.0, 3.0], [0.5, 1.2, -1.0, 0.0, 4.0, 3.3]),
    reg_case("even count", [1.0, 2.0, 3.0, 4.0], [1.5, 2.0, 2.0, 8.0]),
]

def cls_case(name, y, p, proba, k):
    y, p = np.asarray(y), np.asarray(p)
    labels = list(range(k))
    v = {"accuracy": M.accuracy_score(y, p), "balanced_accuracy": M.balanced_accuracy_score(y, p),
         "mcc": M.matthews_corrcoef(y, p)}
    for avg in ["macro", "weighted"]:
        v[f"precision_{avg}"] = M.precision_score(y, p, average=avg, zero_division=0)
        v[f"recall_{avg}"] = M.recall_score(y, p, average=avg, zero_division=0)
        v[f"f1_{avg}"] = M.f1_score(y, p, average=avg, zero_division=0)
    if k == 2:
        v["precision"] = M.precision_score(y, p, zero_division=0)
        v["recall"] = M.recall_score(y, p, zero_division=0)
        v["f1"] = M.f1_score(y, p, zero_division=0)
    if proba is not None:
        proba = np.asarray(proba)
        v["log_loss"] = M.log_loss(y, proba, labels=labels)
        if k > 2 and len(set(y.tolist())) == k:
            v["roc_auc_ovr"] = M.roc_auc_score(y, proba, multi_class="ovr", average="macro")
            v["roc_auc_ovr_weighted"] = M.roc_auc_score(y, proba, multi_class="ovr", average="weighted")
            v["roc_auc_ovo"] = M.roc_auc_score(y, proba, multi_class="ovo", average="macro")
        if k == 2:
            if len(set(y.tolist())) == 2:
                v["roc_auc"] = M.roc_auc_score(y, proba[:, 1])
            v["brier"] = M.brier_score_loss(y, proba[:, 1], pos_label=1)
    return {"name": name, "classes": k, "truth": y.tolist(), "prediction": p.tolist(),
            "probabilities": None if proba is None else proba.tolist(), "values": v}

def random_proba(n, k):
    raw = rng.random((n, k)) ** 2
    return raw / raw.sum(axis=1, keepdims=True)

cases = []
y = rng.integers(0, 2, 60); pr = random_proba(60, 2); pr[:, 1] = np.where(y == 1, pr[:, 1] * 0.5 + 0.4, pr[:, 1] * 0.7)
pr[:, 0] = 1 - pr[:, 1]
cases.append(cls_case("binary", y, (pr[:, 1] >= 0.5).astype(int), pr, 2))
# tied scores for AUC, a probability of exactly 0 and 1 for log loss clipping
y = np.array([0, 0, 1, 1, 0, 1, 1, 0, 1, 0])
p1 = np.array([0.2, 0.5, 0.5, 0.9, 0.5, 1.0, 0.2, 0.0, 0.7, 0.3])
cases.append(cls_case("binary ties and extremes", y, (p1 >= 0.5).astype(int), np.stack([1 - p1, p1], 1), 2))
cases.append(cls_case("binary never predicts positive", [0, 1, 0, 1, 0], [0, 0, 0, 0, 0], None, 2))
cases.append(cls_case("binary perfect", [0, 1, 1, 0], [0, 1, 1, 0], np.array([[0.9, 0.1], [0.2, 0.8], [0.4, 0.6], [0.6, 0.4]]), 2))
y = rng.integers(0, 3, 50); pr = random_proba(50, 3); pr[np.arange(50), y] += 0.5; pr /= pr.sum(1, keepdims=True)
cases.append(cls_case("three classes", y, pr.argmax(1), pr, 3))
# four classes of unequal size, probabilities rounded to one decimal so that scores tie
y = np.repeat([0, 1, 2, 3], [5, 9, 14, 22]); pr = random_proba(50, 4); pr[np.arange(50), y] += 0.3
pr = np.round(pr / pr.sum(1, keepdims=True), 1); pr[:, 3] = 1 - pr[:, :3].sum(1)
cases.append(cls_case("four classes, tied probabilities", y, pr.argmax(1), pr, 4))
y = rng.integers(0, 4, 40); p = np.where(rng.random(40) < 0.6, y, rng.integers(0, 3, 40))
cases.append(cls_case("class 3 never predicted", y, p, None, 4))
y = rng.integers(0, 3, 30); p = rng.integers(0, 4, 30)
cases.append(cls_case("class 3 predicted but absent from truth", y, p, None, 4))
cases.append(cls_case("one class in truth", [2, 2, 2, 2], [2, 1, 2, 0], None, 3))
out["classification"] = cases

def clean(o):
    if isinstance(o, dict): return {k: clean(v) for k, v in o.items()}
    if isinstance(o, list): return [clean(v) for v in o]
    if isinstance(o, (np.floating,)): return float(o)
    if isinstance(o, (np.integer,)): return int(o)
    return o

(here / "metrics.json").write_text(json.dumps(clean(out), indent=1) + "\n")
print("wrote", here / "metrics.json")
