//! `splits.csv`: which rows each fold of each split seed trains and tests on.

use crate::split::Fold;
use std::fmt::Write;

/// CSV with header `split_seed,fold,row,role`, sorted by split seed, fold, role (`test`
/// before `train`), row. `splits` pairs each seed with its folds, in seed order.
pub fn render_splits<'a>(splits: impl IntoIterator<Item = (u64, &'a [Fold])>) -> String {
    let mut out = String::from("split_seed,fold,row,role\n");
    for (seed, folds) in splits {
        for (f, fold) in folds.iter().enumerate() {
            for (rows, role) in [(&fold.test, "test"), (&fold.train, "train")] {
                for row in rows {
                    let _ = writeln!(out, "{seed},{f},{row},{role}");
                }
            }
        }
    }
    out
}
