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
///
/// scikit-learn's `cross_validate` table is read too (one row per split, a `test_<scorer>`
/// column per scorer, see `from_cross_validate`); `folds` (K) numbers its rows when it has
/// no seed and fold columns.
pub fn read_records(
    path: &Path,
    has_test_fraction: bool,
    folds: Option<usize>,
) -> Result<Vec<FoldRecord>> {
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
    // polars' further lines advise on options of its own API, which seedfold users cannot set
    .map_err(|e| malformed(path, e.to_string().lines().next().unwrap_or("").into()))?;
    let frame = from_cross_validate(path, from_cv_results(path, frame, folds)?, folds)?;
    let names = column_names(&frame);
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
    let text = |c: &str| text_column(path, &frame, c);
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
    let chosen = optional_text("chosen")?;
    // a learning curve's step; absent = the whole training fold
    let fractions: Vec<f64> = optional_text("train_fraction")?
        .iter()
        .enumerate()
        .map(|(row, v)| match v.as_deref().map(str::trim) {
            None | Some("") => Ok(1.0),
            Some(v) => v
                .parse::<f64>()
                .ok()
                .filter(|f| *f > 0.0 && *f <= 1.0)
                .ok_or_else(|| {
                    malformed(
                        path,
                        format!("row {row}: train_fraction '{v}' is not a share in (0, 1]"),
                    )
                }),
        })
        .collect::<Result<_>>()?;
    let mut seen: HashMap<(String, u64, u64, u64, u64, String), usize> = HashMap::new();
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
            fractions[row].to_bits(),
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
        if has("n_test") && (n_test[row] == 0 || has("n_train") && n_train[row] == 0) {
            return Err(malformed(
                path,
                format!(
                    "row {row}: n_train {} and n_test {}: a fold has training and test rows; fix the counts or drop the columns and pass --test-fraction",
                    n_train[row], n_test[row]
                ),
            ));
        }
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
            train_fraction: fractions[row],
            chosen: chosen[row].clone().filter(|c| !c.is_empty()),
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

/// scikit-learn scorer names (without `test_`) → seedfold metric names, and whether the scorer
/// reports the metric negated (scikit-learn makes every scorer "higher is better").
fn sklearn_metric(scorer: &str) -> (String, bool) {
    let known = [
        ("neg_mean_squared_error", "mse", true),
        ("neg_root_mean_squared_error", "rmse", true),
        ("neg_mean_absolute_error", "mae", true),
        ("neg_mean_absolute_percentage_error", "mape", true),
        ("neg_median_absolute_error", "median_ae", true),
        ("neg_log_loss", "log_loss", true),
        ("neg_brier_score", "brier", true),
        ("max_error", "max_error", true),
        ("matthews_corrcoef", "mcc", false),
    ];
    match known.iter().find(|(name, ..)| *name == scorer) {
        Some((_, metric, negated)) => (metric.to_string(), *negated),
        None => match scorer.strip_prefix("neg_") {
            Some(rest) => (rest.to_string(), true),
            None => (scorer.to_string(), false),
        },
    }
}

/// scikit-learn's `GridSearchCV.cv_results_` saved as a table (one row per parameter setting,
/// `split<i>_test_<scorer>` columns) turned into a `cross_validate` table: a row per setting
/// and split, the setting (its `param_*` columns, else `params`) as the model, split i as
/// seed i / K and fold i % K for `folds` = K (`RepeatedKFold`'s order), else seed 0, fold i.
/// Any other table is returned as it is.
fn from_cv_results(path: &Path, frame: DataFrame, folds: Option<usize>) -> Result<DataFrame> {
    let names = column_names(&frame);
    // (split, scorer, column)
    let mut splits: Vec<(usize, &str, &str)> = names
        .iter()
        .filter_map(|n| {
            let rest = n.strip_prefix("split")?;
            let (i, scorer) = rest.split_once("_test_")?;
            Some((i.parse().ok()?, scorer, n.as_str()))
        })
        .collect();
    if splits.is_empty() {
        return Ok(frame);
    }
    splits.sort_unstable();
    let text = |c: &str| -> Result<Vec<String>> {
        Ok(text_column(path, &frame, c)?
            .into_iter()
            .map(Option::unwrap_or_default)
            .collect())
    };
    let params: Vec<&String> = names.iter().filter(|n| n.starts_with("param_")).collect();
    let settings: Vec<String> = if params.is_empty() {
        match names.iter().any(|n| n == "params") {
            true => text("params")?,
            false => (0..frame.height())
                .map(|i| format!("setting {i}"))
                .collect(),
        }
    } else {
        let columns = params.iter().map(|p| text(p)).collect::<Result<Vec<_>>>()?;
        (0..frame.height())
            .map(|row| {
                params
                    .iter()
                    .zip(&columns)
                    .map(|(p, values)| format!("{}={}", &p["param_".len()..], values[row]))
                    .collect::<Vec<_>>()
                    .join(", ")
            })
            .collect()
    };
    let mut scorers: Vec<&str> = splits.iter().map(|(_, s, _)| *s).collect();
    scorers.sort_unstable();
    scorers.dedup();
    let values = splits
        .iter()
        .map(|(.., c)| text(c))
        .collect::<Result<Vec<_>>>()?;
    let (mut model, mut seed, mut fold) = (Vec::new(), Vec::new(), Vec::new());
    let mut by_scorer: Vec<Vec<String>> = vec![Vec::new(); scorers.len()];
    for (row, setting) in settings.iter().enumerate() {
        let mut last = None;
        for ((i, scorer, _), column) in splits.iter().zip(&values) {
            if last != Some(*i) {
                model.push(setting.clone());
                let (s, f) = match folds.filter(|&k| k > 0) {
                    Some(k) => (i / k, i % k),
                    None => (0, *i),
                };
                seed.push(s.to_string());
                fold.push(f.to_string());
                for list in &mut by_scorer {
                    list.push(String::new());
                }
                last = Some(*i);
            }
            let k = scorers.iter().position(|s| s == scorer).unwrap_or(0);
            if let Some(cell) = by_scorer[k].last_mut() {
                cell.clone_from(&column[row]);
            }
        }
    }
    let rows = model.len();
    let columns = [("model", model), ("seed", seed), ("fold", fold)]
        .into_iter()
        .map(|(name, v)| Column::new(name.into(), v))
        .chain(
            scorers
                .iter()
                .zip(by_scorer)
                .map(|(s, v)| Column::new(format!("test_{s}").into(), v)),
        )
        .collect();
    DataFrame::new(rows, columns).map_err(|e| malformed(path, e.to_string()))
}

/// scikit-learn's `cross_validate` results as a wide table — `test_<scorer>` columns, one row
/// per split, optionally `fit_time`, `model`, a `seed` (or `split_seed`, `repeat`) and a
/// `fold` column — turned into seedfold's long records (all text, as read). Without seed and
/// fold columns, row i is seed i / K, fold i % K (`RepeatedKFold`'s order) for `folds` = K.
/// Negated scorers (`neg_*`, `max_error`) are negated back under seedfold's names, so their
/// direction is known. A table with a `metric` column is returned as it is.
fn from_cross_validate(path: &Path, frame: DataFrame, folds: Option<usize>) -> Result<DataFrame> {
    let names = column_names(&frame);
    let scorers: Vec<&String> = names.iter().filter(|n| n.starts_with("test_")).collect();
    if names.iter().any(|n| n == "metric") || scorers.is_empty() {
        return Ok(frame);
    }
    let text = |c: &str| text_column(path, &frame, c);
    let has = |c: &str| names.iter().any(|n| n == c);
    let n = frame.height();
    let seed_name = ["seed", "split_seed", "repeat"]
        .into_iter()
        .find(|c| has(c));
    let (seeds, fold_numbers): (Vec<String>, Vec<String>) = match (seed_name, has("fold"), folds) {
        (Some(seed), true, _) => (
            text(seed)?.into_iter().map(Option::unwrap_or_default).collect(),
            text("fold")?.into_iter().map(Option::unwrap_or_default).collect(),
        ),
        (_, _, Some(k)) if k > 0 => (
            (0..n).map(|i| (i / k).to_string()).collect(),
            (0..n).map(|i| (i % k).to_string()).collect(),
        ),
        _ => {
            return Err(malformed(
                path,
                "a cross_validate table (test_* columns) needs seed and fold columns, or --folds K to number its rows (row i = seed i / K, fold i % K, as RepeatedKFold orders them)".into(),
            ))
        }
    };
    let models = if has("model") {
        text("model")?
    } else {
        vec![Some("model".to_string()); n]
    };
    let fit_time = if has("fit_time") {
        text("fit_time")?
    } else {
        vec![None; n]
    };
    let rows = scorers.len() * n;
    let mut long: [Vec<Option<String>>; 6] = Default::default();
    for scorer in scorers {
        let (metric, negated) = sklearn_metric(&scorer["test_".len()..]);
        for (row, value) in text(scorer)?.into_iter().enumerate() {
            let value = match (value, negated) {
                (Some(v), true) => Some(match v.trim().parse::<f64>() {
                    Ok(x) => (-x).to_string(),
                    Err(_) => v,
                }),
                (v, _) => v,
            };
            let cells = [
                models[row].clone(),
                Some(seeds[row].clone()),
                Some(fold_numbers[row].clone()),
                Some(metric.clone()),
                value,
                fit_time[row].clone(),
            ];
            for (column, cell) in long.iter_mut().zip(cells) {
                column.push(cell);
            }
        }
    }
    let columns = ["model", "seed", "fold", "metric", "value", "fit_seconds"]
        .into_iter()
        .zip(long)
        .map(|(name, values)| Column::new(name.into(), values))
        .collect();
    DataFrame::new(rows, columns).map_err(|e| malformed(path, e.to_string()))
}

/// The frame's column names.
fn column_names(frame: &DataFrame) -> Vec<String> {
    frame
        .get_column_names()
        .iter()
        .map(|c| c.to_string())
        .collect()
}

/// Column `c` of `frame` as text (`None` for an empty cell).
fn text_column(path: &Path, frame: &DataFrame, c: &str) -> Result<Vec<Option<String>>> {
    let column = frame
        .column(c)
        .and_then(|s| s.cast(&DataType::String))
        .map_err(|e| malformed(path, e.to_string()))?;
    let ca = column.str().map_err(|e| malformed(path, e.to_string()))?;
    Ok(ca.iter().map(|v| v.map(str::to_string)).collect())
}
