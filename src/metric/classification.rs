//! Label metrics from the confusion matrix, with scikit-learn's conventions: averages run
//! over the classes present in truth or prediction, and a 0/0 precision or recall is 0.

use super::{Average, Metric};

/// `matrix[t][p]`: rows whose true class is t and predicted class p.
fn confusion(y: &[usize], p: &[usize], k: usize) -> Vec<Vec<f64>> {
    let mut m = vec![vec![0.0; k]; k];
    for (&t, &q) in y.iter().zip(p) {
        m[t][q] += 1.0;
    }
    m
}

fn ratio(num: f64, den: f64) -> f64 {
    if den == 0.0 {
        0.0
    } else {
        num / den
    }
}

/// Per class: (true positives, predicted count, true count).
fn per_class(m: &[Vec<f64>]) -> Vec<(f64, f64, f64)> {
    (0..m.len())
        .map(|c| (m[c][c], m.iter().map(|row| row[c]).sum(), m[c].iter().sum()))
        .collect()
}

fn class_score(metric: Metric, (tp, predicted, truth): (f64, f64, f64)) -> f64 {
    match metric {
        Metric::Precision(_) => ratio(tp, predicted),
        Metric::Recall(_) => ratio(tp, truth),
        // F1 = 2·TP / (predicted + true), which is 0 when both are 0 (scikit-learn ≥ 1.3)
        _ => ratio(2.0 * tp, predicted + truth),
    }
}

fn averaged(metric: Metric, avg: Average, classes: &[(f64, f64, f64)]) -> f64 {
    match avg {
        Average::Binary => class_score(metric, classes[1]),
        Average::Macro => {
            let present: Vec<_> = classes.iter().filter(|c| c.1 + c.2 > 0.0).collect();
            present
                .iter()
                .map(|&&c| class_score(metric, c))
                .sum::<f64>()
                / present.len() as f64
        }
        Average::Weighted => {
            let total: f64 = classes.iter().map(|c| c.2).sum();
            ratio(
                classes.iter().map(|&c| class_score(metric, c) * c.2).sum(),
                total,
            )
        }
    }
}

/// Matthews correlation for k classes (Gorodkin 2004), as scikit-learn computes it.
fn mcc(m: &[Vec<f64>]) -> f64 {
    let classes = per_class(m);
    let s: f64 = classes.iter().map(|c| c.2).sum();
    let c: f64 = classes.iter().map(|c| c.0).sum();
    let pk: f64 = classes.iter().map(|c| c.1 * c.2).sum();
    let pp: f64 = classes.iter().map(|c| c.1 * c.1).sum();
    let tt: f64 = classes.iter().map(|c| c.2 * c.2).sum();
    let den = ((s * s - pp) * (s * s - tt)).sqrt();
    ratio(c * s - pk, den)
}

pub(super) fn score(metric: Metric, y: &[usize], p: &[usize], k: usize) -> f64 {
    let m = confusion(y, p, k);
    match metric {
        Metric::Accuracy => ratio(per_class(&m).iter().map(|c| c.0).sum(), y.len() as f64),
        Metric::BalancedAccuracy => {
            let recalls: Vec<f64> = per_class(&m)
                .iter()
                .filter(|c| c.2 > 0.0)
                .map(|c| c.0 / c.2)
                .collect();
            recalls.iter().sum::<f64>() / recalls.len() as f64
        }
        Metric::Precision(a) | Metric::Recall(a) | Metric::F1(a) => {
            averaged(metric, a, &per_class(&m))
        }
        Metric::Mcc => mcc(&m),
        _ => unreachable!("{metric} is not a label metric"),
    }
}
