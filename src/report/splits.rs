//! `splits.csv`: which rows each fold of each split seed trains and tests on.

use crate::split::Fold;
use std::io::Write;

/// CSV with header `split_seed,fold,row,role`, sorted by split seed, fold, role (`test`
/// before `train`), row. `splits` pairs each seed with its folds, in seed order; it may
/// produce them lazily, so that only one seed's folds exist at a time.
pub fn render_splits<F: AsRef<[Fold]>>(splits: impl IntoIterator<Item = (u64, F)>) -> String {
    let mut out = Vec::new();
    write_splits(&mut out, splits).expect("writing to memory does not fail");
    String::from_utf8(out).expect("the rows are ASCII")
}

/// [`render_splits`] written to `out` seed by seed, so a study's splits are never all held.
pub fn write_splits<F: AsRef<[Fold]>>(
    mut out: impl Write,
    splits: impl IntoIterator<Item = (u64, F)>,
) -> std::io::Result<()> {
    out.write_all(b"split_seed,fold,row,role\n")?;
    for (seed, folds) in splits {
        for (f, fold) in folds.as_ref().iter().enumerate() {
            for (rows, role) in [(&fold.test, "test"), (&fold.train, "train")] {
                for row in rows {
                    writeln!(out, "{seed},{f},{row},{role}")?;
                }
            }
        }
    }
    Ok(())
}
