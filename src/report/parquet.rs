//! `records.parquet`: the records contract as a typed Parquet table.

use crate::record::FoldRecord;
use crate::{Error, Result};
use polars::prelude::*;

/// The records as Parquet bytes (columns and order as in `records.csv`).
pub fn render_records_parquet(records: &[FoldRecord]) -> Result<Vec<u8>> {
    let fail = |e: PolarsError| Error::Write {
        path: "records.parquet".into(),
        reason: e.to_string(),
    };
    let text = |name: &str, f: &dyn Fn(&FoldRecord) -> Option<String>| {
        Column::new(name.into(), records.iter().map(f).collect::<Vec<_>>())
    };
    let int = |name: &str, f: &dyn Fn(&FoldRecord) -> u64| {
        Column::new(name.into(), records.iter().map(f).collect::<Vec<_>>())
    };
    let mut frame = DataFrame::new(
        records.len(),
        vec![
            text("model", &|r| Some(r.model.clone())),
            int("split_seed", &|r| r.split_seed),
            int("model_seed", &|r| r.model_seed),
            int("fold", &|r| r.fold as u64),
            text("metric", &|r| Some(r.metric.clone())),
            Column::new(
                "value".into(),
                records.iter().map(|r| r.value).collect::<Vec<_>>(),
            ),
            int("n_train", &|r| r.n_train as u64),
            int("n_test", &|r| r.n_test as u64),
            Column::new(
                "fit_seconds".into(),
                records.iter().map(|r| r.fit_seconds).collect::<Vec<_>>(),
            ),
            text("status", &|r| Some(r.status.name().to_string())),
            text("error", &|r| r.error.clone()),
            text("warning", &|r| r.warning.clone()),
            Column::new(
                "train_fraction".into(),
                records.iter().map(|r| r.train_fraction).collect::<Vec<_>>(),
            ),
        ],
    )
    .map_err(fail)?;
    let mut bytes = Vec::new();
    ParquetWriter::new(&mut bytes)
        .finish(&mut frame)
        .map_err(fail)?;
    Ok(bytes)
}
