//! scikit-learn's `StratifiedKFold(shuffle=True)`, drawn from numpy's `RandomState` as
//! scikit-learn draws it (`--splits sklearn`, `sklearn-repeated`). The other scikit-learn
//! splitters share their code with seedfold's own (`Splitter::split_from`).

use super::shuffle::Shuffles;
use super::Fold;

/// `StratifiedKFold(k, shuffle=True, random_state=seed)` (scikit-learn ≥ 0.22): classes
/// numbered in order of first appearance, the rows of the sorted labels dealt round-robin to
/// the k folds to get each fold's count per class, then per class (in that order) the fold
/// numbers shuffled by the one generator and given to the class's rows in row order.
pub(super) fn stratified_kfold(labels: &[usize], k: usize, rng: &mut impl Shuffles) -> Vec<Fold> {
    let n_labels = labels.iter().max().map_or(0, |m| m + 1);
    let mut first_seen = vec![usize::MAX; n_labels];
    for (row, &label) in labels.iter().enumerate() {
        first_seen[label] = first_seen[label].min(row);
    }
    let mut by_appearance: Vec<usize> = (0..n_labels)
        .filter(|&l| first_seen[l] != usize::MAX)
        .collect();
    by_appearance.sort_by_key(|&l| first_seen[l]);
    let mut encoded_of = vec![0; n_labels];
    for (code, &label) in by_appearance.iter().enumerate() {
        encoded_of[label] = code;
    }
    let encoded: Vec<usize> = labels.iter().map(|&l| encoded_of[l]).collect();
    let classes = by_appearance.len();
    let mut sorted = encoded.clone();
    sorted.sort_unstable();
    // per class, its rows per fold: np.bincount(y_order[fold::k]) for every fold
    let mut allocation = vec![vec![0usize; k]; classes];
    for (position, &class) in sorted.iter().enumerate() {
        allocation[class][position % k] += 1;
    }
    let mut assignment = vec![0; labels.len()];
    for (class, per_fold) in allocation.iter().enumerate() {
        let mut folds_for_class: Vec<usize> = per_fold
            .iter()
            .enumerate()
            .flat_map(|(fold, &count)| std::iter::repeat_n(fold, count))
            .collect();
        rng.shuffle(&mut folds_for_class);
        let rows = (0..labels.len()).filter(|&r| encoded[r] == class);
        for (row, fold) in rows.zip(folds_for_class) {
            assignment[row] = fold;
        }
    }
    super::kfold::from_assignment(&assignment, k)
}
