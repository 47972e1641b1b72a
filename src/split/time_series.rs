//! Time-series splits, as scikit-learn's `TimeSeriesSplit`: rows stay in order, each test
//! window follows its training window (after `gap` rows), and windows move forward.

use super::{Fold, SplitConfig, TestSize};
use crate::{Error, Result};

/// (test window length, first test row), checked so that every training window is non-empty.
pub(super) fn sizes(n: usize, config: &SplitConfig) -> Result<(usize, usize)> {
    let splits = config.folds;
    if splits + 1 > n {
        return Err(Error::Config(format!(
            "cannot make {splits} time-series splits of {n} rows: needs at least {} rows",
            splits + 1
        )));
    }
    let test_size = match config.test_size {
        None => n / (splits + 1),
        Some(TestSize::Count(c)) => c,
        Some(TestSize::Fraction(f)) => {
            return Err(Error::Config(format!(
                "time-series test size must be a row count, got the fraction {f}"
            )))
        }
    };
    if config.max_train_size == Some(0) {
        return Err(Error::Config(
            "max_train_size 0 leaves every training window empty; give at least 1 row, or leave it out for windows that grow".into(),
        ));
    }
    let needed = config.gap + test_size * splits;
    if test_size == 0 || needed >= n {
        return Err(Error::Config(format!(
            "too many splits ({splits}) for {n} rows with test size {test_size} and gap {}: \
             reduce folds, test size or gap",
            config.gap
        )));
    }
    Ok((test_size, n - splits * test_size))
}

pub(super) fn time_series(n: usize, config: &SplitConfig) -> Vec<Fold> {
    let (test_size, first_test) = sizes(n, config).expect("checked in Splitter::new");
    (0..config.folds)
        .map(|i| {
            let test_start = first_test + i * test_size;
            let train_end = test_start - config.gap;
            let train_start = config
                .max_train_size
                .map_or(0, |m| train_end.saturating_sub(m));
            Fold {
                train: (train_start..train_end).collect(),
                test: (test_start..test_start + test_size).collect(),
            }
        })
        .collect()
}
