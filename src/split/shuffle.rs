//! Shuffle splitters: independent random train/test splits, plain or stratified, sized as
//! scikit-learn's `ShuffleSplit` / `StratifiedShuffleSplit`.

use super::{Fold, TestSize};
use crate::rng;
use crate::{Error, Result};
use rand::RngCore;

/// scikit-learn's default test share when none is given.
const DEFAULT_TEST_FRACTION: f64 = 0.1;

/// (train, test) row counts: test = ⌈f · n⌉ for a fraction f, else the count; train = the rest.
pub(super) fn sizes(n: usize, test_size: Option<TestSize>) -> Result<(usize, usize)> {
    let n_test = match test_size.unwrap_or(TestSize::Fraction(DEFAULT_TEST_FRACTION)) {
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

pub(super) fn shuffle_split(
    n: usize,
    splits: usize,
    test_size: Option<TestSize>,
    rng: &mut impl RngCore,
) -> Vec<Fold> {
    let (_, n_test) = sizes(n, test_size).expect("checked in Splitter::new");
    (0..splits)
        .map(|_| {
            let order = rng::permutation(n, rng);
            sorted_fold(order[n_test..].to_vec(), order[..n_test].to_vec())
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
fn approximate_mode(counts: &[usize], draws: usize, rng: &mut impl RngCore) -> Vec<usize> {
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
        rng::shuffle(&mut tied, rng);
        for &c in tied.iter().take(left) {
            taken[c] += 1;
        }
        left -= tied.len().min(left);
    }
    taken
}

pub(super) fn stratified_shuffle_split(
    strata: &[usize],
    splits: usize,
    test_size: Option<TestSize>,
    rng: &mut impl RngCore,
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
                let order = rng::permutation(rows.len(), rng);
                let (tr, te) = (train_per_class[c], test_per_class[c]);
                train.extend(order[..tr].iter().map(|&i| rows[i]));
                test.extend(order[tr..tr + te].iter().map(|&i| rows[i]));
            }
            sorted_fold(train, test)
        })
        .collect()
}
