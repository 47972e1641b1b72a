//! Stratified splitters: class proportions kept in every fold (regression targets are
//! stratified on quantile bins).

use super::kfold::{self, from_assignment};
use super::Fold;
use crate::rng;
use crate::{Error, Result};
use rand::RngCore;

/// Quantile bins of a regression target: rows ranked by value (ties in row order), rank r of n
/// goes to bin ⌊r · bins / n⌋, so bins hold n / bins rows each, within one.
pub(crate) fn quantile_bins(y: &[f64], bins: usize) -> Result<Vec<usize>> {
    if bins < 2 || bins > y.len() {
        return Err(Error::Config(format!(
            "bins must be between 2 and the number of rows ({}), got {bins}",
            y.len()
        )));
    }
    let mut order: Vec<usize> = (0..y.len()).collect();
    order.sort_by(|&a, &b| y[a].total_cmp(&y[b]));
    let mut bin = vec![0; y.len()];
    for (rank, &row) in order.iter().enumerate() {
        bin[row] = rank * bins / y.len();
    }
    Ok(bin)
}

/// Rows per class, classes numbered by first appearance (scikit-learn's encoding, which fixes
/// how rows are allocated to folds).
fn classes_by_first_appearance(strata: &[usize]) -> (Vec<usize>, Vec<usize>) {
    let mut code = vec![usize::MAX; strata.iter().max().map_or(0, |m| m + 1)];
    let mut counts = Vec::new();
    let encoded = strata
        .iter()
        .map(|&s| {
            if code[s] == usize::MAX {
                code[s] = counts.len();
                counts.push(0);
            }
            counts[code[s]] += 1;
            code[s]
        })
        .collect();
    (encoded, counts)
}

pub(super) fn warn_small_classes(strata: &[usize], k: usize, warnings: &mut Vec<String>) {
    let (_, counts) = classes_by_first_appearance(strata);
    let smallest = counts.iter().copied().min().unwrap_or(0);
    if smallest < k {
        warnings.push(format!(
            "the least populated class has only {smallest} members, which is less than folds={k}; some folds will miss it"
        ));
    }
}

pub(super) fn check(strata: &[usize], k: usize, warnings: &mut Vec<String>) -> Result<()> {
    kfold::check(strata.len(), k)?;
    let (_, counts) = classes_by_first_appearance(strata);
    let largest = counts.iter().copied().max().unwrap_or(0);
    if largest < k {
        return Err(Error::Config(format!(
            "folds={k} is greater than the number of members in every class (the largest has {largest}); use fewer folds"
        )));
    }
    warn_small_classes(strata, k, warnings);
    Ok(())
}

/// Stratified k-fold, as scikit-learn's `StratifiedKFold(shuffle=True)`: rows sorted by class
/// are dealt round-robin to folds to fix how many of each class every fold gets; then, within
/// each class, those fold numbers are shuffled over the class's rows.
pub(super) fn stratified_kfold(strata: &[usize], k: usize, rng: &mut impl RngCore) -> Vec<Fold> {
    let (encoded, counts) = classes_by_first_appearance(strata);
    let mut allocation = vec![vec![0usize; k]; counts.len()];
    let mut position = 0;
    for (class, &count) in counts.iter().enumerate() {
        for _ in 0..count {
            allocation[class][position % k] += 1;
            position += 1;
        }
    }
    let mut assignment = vec![0; strata.len()];
    for (class, per_fold) in allocation.iter().enumerate() {
        let mut folds: Vec<usize> = (0..k)
            .flat_map(|f| std::iter::repeat_n(f, per_fold[f]))
            .collect();
        rng::shuffle(&mut folds, rng);
        let rows = (0..strata.len()).filter(|&r| encoded[r] == class);
        for (row, fold) in rows.zip(folds) {
            assignment[row] = fold;
        }
    }
    from_assignment(&assignment, k)
}

/// Population standard deviation.
fn std_dev(values: impl Iterator<Item = f64> + Clone) -> f64 {
    let n = values.clone().count() as f64;
    let mean = values.clone().sum::<f64>() / n;
    (values.map(|v| (v - mean).powi(2)).sum::<f64>() / n).sqrt()
}

/// Stratified group k-fold, after scikit-learn's `StratifiedGroupKFold(shuffle=True)`: groups
/// in a random order, then stably sorted by how unevenly their rows spread over classes (most
/// uneven first); each goes to the fold where the spread of class shares across folds stays
/// smallest, ties to the fold with fewest rows.
pub(super) fn stratified_group_kfold(
    strata: &[usize],
    groups: &[usize],
    k: usize,
    rng: &mut impl RngCore,
) -> Vec<Fold> {
    let n_classes = strata.iter().max().map_or(0, |m| m + 1);
    let n_groups = super::count_groups(groups);
    let mut per_group = vec![vec![0.0; n_classes]; n_groups];
    let mut per_class = vec![0.0; n_classes];
    for (&s, &g) in strata.iter().zip(groups) {
        per_group[g][s] += 1.0;
        per_class[s] += 1.0;
    }
    let mut order = rng::permutation(n_groups, rng);
    let spread: Vec<f64> = per_group
        .iter()
        .map(|c| std_dev(c.iter().copied()))
        .collect();
    order.sort_by(|&a, &b| spread[b].total_cmp(&spread[a]));
    let mut per_fold = vec![vec![0.0; n_classes]; k];
    let mut fold_of_group = vec![0; n_groups];
    for group in order {
        let mut best = (f64::INFINITY, f64::INFINITY, 0);
        for f in 0..k {
            let score: f64 = (0..n_classes)
                .map(|c| {
                    let shares = (0..k).map(|g| {
                        let add = if g == f { per_group[group][c] } else { 0.0 };
                        (per_fold[g][c] + add) / per_class[c]
                    });
                    std_dev(shares)
                })
                .sum::<f64>()
                / n_classes as f64;
            let size: f64 = per_fold[f].iter().sum();
            let close = (score - best.0).abs() <= 1e-8 + 1e-5 * best.0.abs();
            if score < best.0 && !close || close && size < best.1 {
                best = (score, size, f);
            }
        }
        fold_of_group[group] = best.2;
        for c in 0..n_classes {
            per_fold[best.2][c] += per_group[group][c];
        }
    }
    let assignment: Vec<usize> = groups.iter().map(|&g| fold_of_group[g]).collect();
    from_assignment(&assignment, k)
}
