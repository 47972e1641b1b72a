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
pub(super) fn from_assignment(assignment: &[usize], k: usize) -> Vec<Fold> {
    let n = assignment.len();
    let mut sizes = vec![0; k];
    assignment.iter().for_each(|&f| sizes[f] += 1);
    (0..k)
        .map(|f| {
            // every row is written to both lists and kept in the one it belongs to: no branch
            // to mispredict on a shuffled assignment (one spare slot for the last write)
            let mut train = vec![0; n - sizes[f] + 1];
            let mut test = vec![0; sizes[f] + 1];
            let (mut a, mut b) = (0, 0);
            for (row, &of) in assignment.iter().enumerate() {
                train[a] = row;
                test[b] = row;
                let tested = usize::from(of == f);
                a += 1 - tested;
                b += tested;
            }
            train.truncate(a);
            test.truncate(b);
            Fold { train, test }
        })
        .collect()
}

/// Sizes of k near-equal consecutive blocks of n items: the first n % k get one more
/// (scikit-learn's `KFold` and `numpy.array_split`).
pub(super) fn block_sizes(n: usize, k: usize) -> impl Iterator<Item = usize> {
    (0..k).map(move |f| n / k + usize::from(f < n % k))
}

/// Fold number per position when n positions are cut into k blocks by [`block_sizes`].
fn block_assignment(n: usize, k: usize) -> Vec<usize> {
    block_sizes(n, k)
        .enumerate()
        .flat_map(|(f, size)| std::iter::repeat_n(f, size))
        .collect()
}

/// k-fold from a given permutation of the rows: its consecutive blocks are the test folds.
pub(super) fn kfold_from_order(order: &[usize], k: usize) -> Vec<Fold> {
    let n = order.len();
    let blocks = block_assignment(n, k);
    let mut assignment = vec![0; n];
    for (position, &row) in order.iter().enumerate() {
        assignment[row] = blocks[position];
    }
    from_assignment(&assignment, k)
}

/// Group k-fold, as scikit-learn's `GroupKFold(shuffle=True)`: permute the distinct groups and
/// cut them into k blocks of near-equal group counts; a group's rows always share a fold.
pub(super) fn group_kfold(groups: &[usize], k: usize, rng: &mut impl RngCore) -> Vec<Fold> {
    let n_groups = super::count_groups(groups);
    let order = rng::permutation(n_groups, rng);
    let blocks = block_assignment(n_groups, k);
    let mut fold_of_group = vec![0; n_groups];
    for (position, &group) in order.iter().enumerate() {
        fold_of_group[group] = blocks[position];
    }
    let assignment: Vec<usize> = groups.iter().map(|&g| fold_of_group[g]).collect();
    from_assignment(&assignment, k)
}
