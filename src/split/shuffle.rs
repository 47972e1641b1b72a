//! Shuffle splitters: independent random train/test splits, plain, stratified or by group,
//! sized and drawn as scikit-learn's `ShuffleSplit` / `StratifiedShuffleSplit` /
//! `GroupShuffleSplit` draw them, from either source of shuffles ([`Shuffles`]).

use super::numpy::RandomState;
use super::{Fold, TestSize};
use crate::rng;
use crate::{Error, Result};
use rand::RngCore;

/// scikit-learn's default test share when none is given.
const DEFAULT_TEST_FRACTION: f64 = 0.1;

/// `GroupShuffleSplit`'s default test share of the groups.
pub(super) const DEFAULT_GROUP_TEST_FRACTION: f64 = 0.2;

/// Where a splitter's shuffles come from: a seedfold stream, or numpy's `RandomState` (for
/// `--splits sklearn`), so one splitter's code serves both.
pub(super) trait Shuffles {
    /// Shuffle `values` in place (a backward Fisher–Yates).
    fn shuffle(&mut self, values: &mut [usize]);

    /// `0..n` in a random order.
    fn permutation(&mut self, n: usize) -> Vec<usize> {
        let mut order: Vec<usize> = (0..n).collect();
        self.shuffle(&mut order);
        order
    }
}

impl<R: RngCore> Shuffles for R {
    fn shuffle(&mut self, values: &mut [usize]) {
        rng::shuffle(values, self);
    }
}

impl Shuffles for RandomState {
    fn shuffle(&mut self, values: &mut [usize]) {
        RandomState::shuffle(self, values);
    }
}

/// (train, test) row counts: test = ⌈f · n⌉ for a fraction f, else the count; train = the rest.
pub(super) fn sizes(n: usize, test_size: Option<TestSize>) -> Result<(usize, usize)> {
    sizes_or(n, test_size, DEFAULT_TEST_FRACTION)
}

/// [`sizes`] with `default` as the test share when none is given.
pub(super) fn sizes_or(
    n: usize,
    test_size: Option<TestSize>,
    default: f64,
) -> Result<(usize, usize)> {
    let n_test = match test_size.unwrap_or(TestSize::Fraction(default)) {
        TestSize::Fraction(f) => (f * n as f64).ceil() as usize,
        TestSize::Count(c) => c,
    };
    if n_test == 0 || n_test >= n {
        return Err(Error::Config(format!(
            "test size {n_test} leaves no rows to {} out of {n}; choose a test size between 1 and {}",
            if n_test == 0 { "test" } else { "train" },
            n.saturating_sub(1)
        )));
    }
    Ok((n - n_test, n_test))
}

/// Per split a fresh permutation of the rows: its first `n_test` test, the rest train.
pub(super) fn shuffle_split(
    n: usize,
    splits: usize,
    n_test: usize,
    rng: &mut impl Shuffles,
) -> Vec<Fold> {
    (0..splits)
        .map(|_| {
            let order = rng.permutation(n);
            sorted_fold(order[n_test..].to_vec(), order[..n_test].to_vec())
        })
        .collect()
}

/// [`shuffle_split`] over the groups (`groups`: each row's group, numbered in sorted group
/// order as scikit-learn's `np.unique` numbers them), each row going where its group goes.
pub(super) fn group_shuffle_split(
    groups: &[usize],
    splits: usize,
    n_test_groups: usize,
    rng: &mut impl Shuffles,
) -> Vec<Fold> {
    let n_groups = super::count_groups(groups);
    shuffle_split(n_groups, splits, n_test_groups, rng)
        .into_iter()
        .map(|by_group| {
            let mut tested = vec![false; n_groups];
            by_group.test.iter().for_each(|&g| tested[g] = true);
            let (test, train) = (0..groups.len()).partition(|&r| tested[groups[r]]);
            Fold { train, test }
        })
        .collect()
}

pub(super) fn sorted_fold(mut train: Vec<usize>, mut test: Vec<usize>) -> Fold {
    train.sort_unstable();
    test.sort_unstable();
    Fold { train, test }
}

fn class_counts(strata: &[usize]) -> Vec<usize> {
    let mut counts = vec![0; strata.iter().max().map_or(0, |m| m + 1)];
    strata.iter().for_each(|&s| counts[s] += 1);
    counts
}

pub(super) fn check_stratified(strata: &[usize], test_size: Option<TestSize>) -> Result<()> {
    let (n_train, n_test) = sizes(strata.len(), test_size)?;
    let counts = class_counts(strata);
    let smallest = counts.iter().copied().min().unwrap_or(0);
    if smallest < 2 {
        return Err(Error::Config(
            "the least populated class has only 1 member, too few for a stratified shuffle split"
                .into(),
        ));
    }
    if n_train < counts.len() || n_test < counts.len() {
        return Err(Error::Config(format!(
            "train ({n_train}) and test ({n_test}) sizes must each be at least the number of classes ({})",
            counts.len()
        )));
    }
    Ok(())
}

/// scikit-learn's `_approximate_mode`: split `draws` over classes in proportion to `counts`,
/// flooring, then handing the leftover draws to the largest remainders (ties broken at random).
fn approximate_mode(counts: &[usize], draws: usize, rng: &mut impl Shuffles) -> Vec<usize> {
    let total: usize = counts.iter().sum();
    let exact: Vec<f64> = counts
        .iter()
        .map(|&c| c as f64 / total as f64 * draws as f64)
        .collect();
    let mut taken: Vec<usize> = exact.iter().map(|e| e.floor() as usize).collect();
    let mut left = draws - taken.iter().sum::<usize>();
    let remainder: Vec<f64> = exact
        .iter()
        .zip(&taken)
        .map(|(e, &t)| e - t as f64)
        .collect();
    let mut levels = remainder.clone();
    levels.sort_by(|a, b| b.total_cmp(a));
    levels.dedup();
    for level in levels {
        if left == 0 {
            break;
        }
        let mut tied: Vec<usize> = (0..counts.len())
            .filter(|&c| remainder[c] == level)
            .collect();
        rng.shuffle(&mut tied);
        for &c in tied.iter().take(left) {
            taken[c] += 1;
        }
        left -= tied.len().min(left);
    }
    taken
}

/// Per split: rows per class for train then test by [`approximate_mode`], then per class a
/// permutation of its rows (in row order) dealt to train and test. `as_numpy` also draws the
/// two permutations scikit-learn shuffles each split's train and test rows with (their order
/// does not matter here, but the draws move numpy's generator).
pub(super) fn stratified_shuffle_split(
    strata: &[usize],
    splits: usize,
    test_size: Option<TestSize>,
    rng: &mut impl Shuffles,
    as_numpy: bool,
) -> Vec<Fold> {
    let (n_train, n_test) = sizes(strata.len(), test_size).expect("checked in Splitter::new");
    let counts = class_counts(strata);
    let rows_of: Vec<Vec<usize>> = (0..counts.len())
        .map(|c| (0..strata.len()).filter(|&r| strata[r] == c).collect())
        .collect();
    (0..splits)
        .map(|_| {
            let train_per_class = approximate_mode(&counts, n_train, rng);
            let remaining: Vec<usize> = counts
                .iter()
                .zip(&train_per_class)
                .map(|(c, t)| c - t)
                .collect();
            let test_per_class = approximate_mode(&remaining, n_test, rng);
            let (mut train, mut test) = (Vec::with_capacity(n_train), Vec::with_capacity(n_test));
            for (c, rows) in rows_of.iter().enumerate() {
                let order = rng.permutation(rows.len());
                let (tr, te) = (train_per_class[c], test_per_class[c]);
                train.extend(order[..tr].iter().map(|&i| rows[i]));
                test.extend(order[tr..tr + te].iter().map(|&i| rows[i]));
            }
            if as_numpy {
                rng.shuffle(&mut train);
                rng.shuffle(&mut test);
            }
            sorted_fold(train, test)
        })
        .collect()
}
