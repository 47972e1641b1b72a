//! Probability metrics: ROC AUC (binary, and multiclass one-vs-rest and one-vs-one), log loss,
//! Brier score (binary).

use super::{Average, Metric};

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

/// Multiclass ROC AUC as scikit-learn's `roc_auc_score(multi_class="ovr")`: each class
/// against the rest on its probability column, averaged over classes (macro) or by their
/// frequency in the truth (weighted). Every class must occur in the fold's truth. Two classes
/// are the binary AUC on class 1's column, as there: 1 − P(1) rounds distinct probabilities
/// near 1 to ties in class 0's column, so the two columns need not rank alike.
fn roc_auc_ovr(y: &[usize], k: usize, proba: &[f64], weighted: bool) -> Result<f64, String> {
    if k == 2 {
        return score(Metric::RocAuc, y, k, proba);
    }
    let mut total = 0.0;
    for class in 0..k {
        let is_class: Vec<usize> = y.iter().map(|&c| usize::from(c == class)).collect();
        let column: Vec<f64> = (0..y.len()).map(|r| proba[r * k + class]).collect();
        let auc = roc_auc(&is_class, &column).map_err(|_| every_class_needed(y, k))?;
        let count = is_class.iter().sum::<usize>() as f64;
        total += auc
            * if weighted {
                count / y.len() as f64
            } else {
                1.0 / k as f64
            };
    }
    Ok(total)
}

/// Multiclass ROC AUC over pairs of classes (Hand & Till 2001), as scikit-learn's
/// `roc_auc_score(multi_class="ovo", average="macro")`: for each pair (a, b), on the rows of
/// either class, the mean of AUC(a vs b on P(a)) and AUC(b vs a on P(b)); then the mean over
/// pairs.
fn roc_auc_ovo(y: &[usize], k: usize, proba: &[f64]) -> Result<f64, String> {
    let mut total = 0.0;
    let mut pairs = 0;
    for a in 0..k {
        for b in a + 1..k {
            let rows: Vec<usize> = (0..y.len()).filter(|&r| y[r] == a || y[r] == b).collect();
            let mut pair = 0.0;
            for (positive, _) in [(a, b), (b, a)] {
                let truth: Vec<usize> = rows
                    .iter()
                    .map(|&r| usize::from(y[r] == positive))
                    .collect();
                let column: Vec<f64> = rows.iter().map(|&r| proba[r * k + positive]).collect();
                pair += roc_auc(&truth, &column).map_err(|_| every_class_needed(y, k))? / 2.0;
            }
            total += pair;
            pairs += 1;
        }
    }
    Ok(total / pairs as f64)
}

fn every_class_needed(y: &[usize], k: usize) -> String {
    let missing: Vec<String> = (0..k)
        .filter(|c| !y.contains(c))
        .map(|c| c.to_string())
        .collect();
    format!(
        "multiclass roc_auc needs every class in the fold's test rows; class(es) {} are missing (use a stratified splitter)",
        missing.join(", ")
    )
}

pub(super) fn score(metric: Metric, y: &[usize], k: usize, proba: &[f64]) -> Result<f64, String> {
    let n = y.len() as f64;
    match metric {
        Metric::RocAuc => {
            let positive: Vec<f64> = (0..y.len()).map(|r| proba[r * k + 1]).collect();
            roc_auc(y, &positive)
        }
        Metric::RocAucOvr(average) => roc_auc_ovr(y, k, proba, average == Average::Weighted),
        Metric::RocAucOvo => roc_auc_ovo(y, k, proba),
        Metric::LogLoss => {
            // probabilities clipped to [eps, 1 - eps] as scikit-learn does
            let eps = f64::EPSILON;
            let loss: f64 = y
                .iter()
                .enumerate()
                .map(|(r, &c)| -libm::log(proba[r * k + c].clamp(eps, 1.0 - eps)))
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
