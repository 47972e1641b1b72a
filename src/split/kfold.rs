//! Partition splitters: every row is tested exactly once (k-fold, group k-fold, leave-one-out,
//! leave-one-group-out).

use super::Fold;
use crate::rng;
use crate::{Error, Result};
use rand::RngCore;

pub(super) fn check(n: usize, k: usize) -> Result<()> {
    if k > n {
        return Err(Error::Config(format!(
            "cannot split {n} rows into {k} folds: folds must not exceed the number of rows"
        )));
    }
    Ok(())
}

pub(super) fn check_groups(groups: &[usize], k: usize) -> Result<()> {
    let n_groups = super::count_groups(groups);
    if k > n_groups {
        return Err(Error::Config(format!(
            "cannot split {n_groups} groups into {k} folds: folds must not exceed the number of groups"
        )));
    }
    Ok(())
}

/// Folds from a test-fold number per row: fold f tests the rows assigned f, trains on the rest.
pub(super) fn from_assignment<T: Copy + Into<usize>>(assignment: &[T], k: usize) -> Vec<Fold> {
    let n = assignment.len();
    let mut sizes = vec![0; k];
    assignment.iter().for_each(|&f| sizes[f.into()] += 1);
    let mut tests: Vec<Vec<usize>> = sizes.into_iter().map(Vec::with_capacity).collect();
    for (row, &f) in assignment.iter().enumerate() {
        tests[f.into()].push(row);
    }
    let folds = tests.into_iter().enumerate();
    folds
        .map(|(f, test)| {
            // every row is written and kept only if it trains: no branch to mispredict on a
            // shuffled assignment (one spare slot for the last write)
            let mut train = vec![0; n - test.len() + 1];
            let mut kept = 0;
            for (row, &of) in assignment.iter().enumerate() {
                train[kept] = row;
                kept += usize::from(of.into() != f);
            }
            train.truncate(kept);
            Fold { train, test }
        })
        .collect()
}

/// Sizes of k near-equal consecutive blocks of n items: the first n % k get one more
/// (scikit-learn's `KFold` and `numpy.array_split`).
pub(super) fn block_sizes(n: usize, k: usize) -> impl Iterator<Item = usize> {
    (0..k).map(move |f| n / k + usize::from(f < n % k))
}

/// Fold number per item when `order` (a permutation of the items) is cut into k blocks by
/// [`block_sizes`]: item `order[p]` takes the number of the block holding position p.
fn fold_per_item<T>(order: &[usize], k: usize) -> Vec<T>
where
    T: Copy + Default + TryFrom<usize>,
    T::Error: std::fmt::Debug,
{
    let mut fold_of = vec![T::default(); order.len()];
    let mut start = 0;
    for (f, size) in block_sizes(order.len(), k).enumerate() {
        let f = T::try_from(f).expect("the caller's type holds every fold number");
        order[start..start + size]
            .iter()
            .for_each(|&item| fold_of[item] = f);
        start += size;
    }
    fold_of
}

/// k-fold from a given permutation of the rows: its consecutive blocks are the test folds.
pub(super) fn kfold_from_order(order: &[usize], k: usize) -> Vec<Fold> {
    // a byte a row where the fold numbers fit one: the shuffled writes stay in the core's
    // cache (200,000 rows: 0.2 MB, not 1.6)
    if k <= usize::from(u8::MAX) + 1 {
        from_assignment(&fold_per_item::<u8>(order, k), k)
    } else {
        from_assignment(&fold_per_item::<usize>(order, k), k)
    }
}

/// Group k-fold, as scikit-learn's `GroupKFold(shuffle=True)`: permute the distinct groups and
/// cut them into k blocks of near-equal group counts; a group's rows always share a fold.
pub(super) fn group_kfold(groups: &[usize], k: usize, rng: &mut impl RngCore) -> Vec<Fold> {
    let n_groups = super::count_groups(groups);
    let order = rng::permutation(n_groups, rng);
    let fold_of_group: Vec<usize> = fold_per_item(&order, k);
    let assignment: Vec<usize> = groups.iter().map(|&g| fold_of_group[g]).collect();
    from_assignment(&assignment, k)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kfold_tests_each_block_of_the_order_and_trains_on_the_rest() {
        let n = 600;
        let order = rng::permutation(n, &mut rng::stream(3, rng::Purpose::Split));
        // fold numbers in a byte (up to 256 folds) and in a word
        for k in [1, 2, 5, 256, 257, 600] {
            let folds = kfold_from_order(&order, k);
            assert_eq!(folds.len(), k);
            let mut start = 0;
            for (fold, size) in folds.iter().zip(block_sizes(n, k)) {
                let mut test = order[start..start + size].to_vec();
                test.sort_unstable();
                assert_eq!(fold.test, test, "k = {k}");
                let train: Vec<usize> = (0..n).filter(|r| test.binary_search(r).is_err()).collect();
                assert_eq!(fold.train, train, "k = {k}");
                start += size;
            }
        }
    }
}
