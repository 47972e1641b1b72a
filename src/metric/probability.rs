//! Probability metrics: ROC AUC (binary), log loss, Brier score (binary).

use super::Metric;

/// ROC AUC as the Mann–Whitney U statistic with average ranks for tied scores
/// (Hanley & McNeil 1982), equal to scikit-learn's trapezoidal `roc_auc_score`.
fn roc_auc(y: &[usize], score: &[f64]) -> Result<f64, String> {
    let positives = y.iter().filter(|&&c| c == 1).count();
    let negatives = y.len() - positives;
    if positives == 0 || negatives == 0 {
        return Err("roc_auc is undefined: the fold's test rows hold only one class".into());
    }
    let mut order: Vec<usize> = (0..y.len()).collect();
    order.sort_by(|&a, &b| score[a].total_cmp(&score[b]));
    let mut rank_sum = 0.0;
    let mut i = 0;
    while i < order.len() {
        let mut j = i;
        while j + 1 < order.len() && score[order[j + 1]] == score[order[i]] {
            j += 1;
        }
        let average_rank = (i + j) as f64 / 2.0 + 1.0;
        rank_sum += order[i..=j].iter().filter(|&&r| y[r] == 1).count() as f64 * average_rank;
        i = j + 1;
    }
    let (p, n) = (positives as f64, negatives as f64);
    Ok((rank_sum - p * (p + 1.0) / 2.0) / (p * n))
}

pub(super) fn score(metric: Metric, y: &[usize], k: usize, proba: &[f64]) -> Result<f64, String> {
    let n = y.len() as f64;
    match metric {
        Metric::RocAuc => {
            let positive: Vec<f64> = (0..y.len()).map(|r| proba[r * k + 1]).collect();
            roc_auc(y, &positive)
        }
        Metric::LogLoss => {
            // probabilities clipped to [eps, 1 - eps] as scikit-learn does
            let eps = f64::EPSILON;
            let loss: f64 = y
                .iter()
                .enumerate()
                .map(|(r, &c)| -proba[r * k + c].clamp(eps, 1.0 - eps).ln())
                .sum();
            Ok(loss / n)
        }
        Metric::Brier => {
            let sq: f64 = y
                .iter()
                .enumerate()
                .map(|(r, &c)| (proba[r * k + 1] - (c == 1) as u8 as f64).powi(2))
                .sum();
            Ok(sq / n)
        }
        _ => unreachable!("{metric} is not a probability metric"),
    }
}
