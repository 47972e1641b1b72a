//! Reading records written by seedfold or another tool, for `seedfold summarize`.

use crate::record::{FoldRecord, Status};
use crate::{Error, Result};
use polars::prelude::*;
use std::collections::HashMap;
use std::path::Path;

fn malformed(path: &Path, reason: String) -> Error {
    Error::Malformed {
        path: path.to_path_buf(),
        format: "records CSV",
        reason,
    }
}

/// The columns the records need: `model, seed (or split_seed), fold, metric, value`; the rest of
/// the records contract is optional. Without `n_train,n_test` the caller must supply a test
/// fraction. Repeated (model, seed, model_seed, fold, metric) rows are an error.
pub fn read_records(path: &Path, has_test_fraction: bool) -> Result<Vec<FoldRecord>> {
    let file = std::fs::File::open(path).map_err(|e| Error::Read {
        path: path.to_path_buf(),
        reason: e.to_string(),
    })?;
    // every column as text, parsed here: a score that prints as a whole number (an mse of
    // 16742699912795939000) must not be typed as an integer and overflow
    let frame = crate::panic::caught_in_any_thread(|| {
        CsvReadOptions::default()
            .with_has_header(true)
            .with_infer_schema_length(Some(0))
            .into_reader_with_file_handle(file)
            .finish()
    })
    .map_err(|panic| malformed(path, format!("the reader gave up ({panic})")))?
    .map_err(|e| malformed(path, e.to_string()))?;
    let names: Vec<String> = frame
        .get_column_names()
        .iter()
        .map(|c| c.to_string())
        .collect();
    let has = |c: &str| names.iter().any(|n| n == c);
    let seed_column = if has("split_seed") {
        "split_seed"
    } else {
        "seed"
    };
    let missing: Vec<&str> = ["model", seed_column, "fold", "metric", "value"]
        .into_iter()
        .filter(|c| !has(c))
        .collect();
    if !missing.is_empty() {
        return Err(malformed(
            path,
            format!(
                "missing column(s) {}; records need model,seed,fold,metric,value (found {})",
                missing.join(", "),
                names.join(",")
            ),
        ));
    }
    if !(has_test_fraction || has("n_train") && has("n_test")) {
        return Err(malformed(
            path,
            "no n_train,n_test columns: pass --test-fraction (each test fold's share of the rows, e.g. 0.2 for 5 folds)".into(),
        ));
    }
    let text = |c: &str| -> Result<Vec<Option<String>>> {
        let col = frame
            .column(c)
            .and_then(|s| s.cast(&DataType::String))
            .map_err(|e| malformed(path, e.to_string()))?;
        let ca = col.str().map_err(|e| malformed(path, e.to_string()))?;
        Ok(ca.iter().map(|v| v.map(str::to_string)).collect())
    };
    let whole = |c: &str| -> Result<Vec<u64>> {
        if !has(c) {
            return Ok(vec![0; frame.height()]);
        }
        let values = text(c)?;
        values
            .iter()
            .enumerate()
            .map(|(row, v)| {
                v.as_deref()
                    .and_then(|v| v.trim().parse().ok())
                    .ok_or_else(|| {
                        malformed(
                            path,
                            format!(
                                "column {c}, row {row}: '{}' is not a whole number ≥ 0",
                                v.clone().unwrap_or_default()
                            ),
                        )
                    })
            })
            .collect()
    };
    let (models, metrics, values) = (text("model")?, text("metric")?, text("value")?);
    let (seeds, model_seeds, folds) = (whole(seed_column)?, whole("model_seed")?, whole("fold")?);
    let (n_train, n_test) = (whole("n_train")?, whole("n_test")?);
    let seconds: Vec<f64> = if has("fit_seconds") {
        text("fit_seconds")?
            .iter()
            .map(|v| v.as_deref().and_then(|v| v.parse().ok()).unwrap_or(0.0))
            .collect()
    } else {
        vec![0.0; frame.height()]
    };
    let statuses = if has("status") {
        text("status")?
    } else {
        vec![None; frame.height()]
    };
    let optional_text = |c: &str| -> Result<Vec<Option<String>>> {
        if has(c) {
            text(c)
        } else {
            Ok(vec![None; frame.height()])
        }
    };
    let (errors, warnings) = (optional_text("error")?, optional_text("warning")?);
    let mut seen: HashMap<(String, u64, u64, u64, String), usize> = HashMap::new();
    let mut records = Vec::with_capacity(frame.height());
    for row in 0..frame.height() {
        let model = models[row]
            .clone()
            .ok_or_else(|| malformed(path, format!("row {row} has no model")))?;
        let metric = metrics[row]
            .clone()
            .ok_or_else(|| malformed(path, format!("row {row} has no metric")))?;
        let key = (
            model.clone(),
            seeds[row],
            model_seeds[row],
            folds[row],
            metric.clone(),
        );
        if let Some(first) = seen.insert(key, row) {
            return Err(malformed(
                path,
                format!("rows {first} and {row} repeat model {model}, seed {}, fold {}, metric {metric}", seeds[row], folds[row]),
            ));
        }
        let value =
            match values[row].as_deref().map(str::trim) {
                None | Some("") => None,
                Some(v) => Some(v.parse::<f64>().ok().filter(|v| v.is_finite()).ok_or_else(
                    || {
                        malformed(
                            path,
                            format!("row {row}: value '{v}' is not a finite number"),
                        )
                    },
                )?),
            };
        let failed = value.is_none() || statuses[row].as_deref() == Some(Status::Failed.name());
        records.push(FoldRecord {
            model,
            split_seed: seeds[row],
            model_seed: model_seeds[row],
            fold: folds[row] as usize,
            metric,
            value: if failed { None } else { value },
            n_train: n_train[row] as usize,
            n_test: n_test[row] as usize,
            fit_seconds: seconds[row],
            status: if failed { Status::Failed } else { Status::Ok },
            error: errors[row]
                .clone()
                .or_else(|| failed.then(|| "no value".to_string())),
            warning: warnings[row].clone().filter(|_| !failed),
        });
    }
    if records.is_empty() {
        return Err(Error::Empty {
            what: format!("{} has no records", path.display()),
        });
    }
    records.sort_by(|a, b| a.key().cmp(&b.key()));
    Ok(records)
}
