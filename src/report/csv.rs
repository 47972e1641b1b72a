//! CSV exporters: records and out-of-fold predictions, as pure functions of their inputs.

use crate::data::{Table, Target};
use crate::metric::Predictions;
use crate::record::{FoldPredictions, FoldRecord};
use crate::stats::RowHardness;
use std::borrow::Cow;
use std::fmt::Write;

/// The records contract's header.
pub const RECORDS_HEADER: &str =
    "model,split_seed,model_seed,fold,metric,value,n_train,n_test,fit_seconds,status,error,warning,train_fraction,chosen";

/// A CSV field, quoted when it holds a comma, quote or line break (RFC 4180).
pub fn field(text: &str) -> Cow<'_, str> {
    if text.contains([',', '"', '\n', '\r']) {
        Cow::Owned(format!("\"{}\"", text.replace('"', "\"\"")))
    } else {
        Cow::Borrowed(text)
    }
}

/// `records.csv`: values in Rust's shortest round-trip form, so the file pins every bit.
pub fn render_records(records: &[FoldRecord]) -> String {
    format!("{RECORDS_HEADER}\n{}", render_record_rows(records))
}

/// Records as CSV rows without the header (for appending to a checkpoint).
pub fn render_record_rows(records: &[FoldRecord]) -> String {
    let mut out = String::with_capacity(64 * records.len());
    for r in records {
        let value = r.value.map(|v| v.to_string()).unwrap_or_default();
        let status = r.status.name();
        let _ = writeln!(
            out,
            "{},{},{},{},{},{value},{},{},{:.6},{status},{},{},{},{}",
            field(&r.model),
            r.split_seed,
            r.model_seed,
            r.fold,
            field(&r.metric),
            r.n_train,
            r.n_test,
            r.fit_seconds,
            field(r.error.as_deref().unwrap_or("")),
            field(r.warning.as_deref().unwrap_or("")),
            r.train_fraction,
            field(r.chosen.as_deref().unwrap_or(""))
        );
    }
    out
}

/// The header of `predictions.csv`: `model,split_seed,model_seed,fold,row,truth,prediction`,
/// plus one `proba_<class label>` column per class when `probabilities` is asked for (class
/// targets with some model that gives probabilities), so log loss, AUC and hardness can be
/// recomputed from the file for any number of classes.
pub fn predictions_header(table: &Table, probabilities: bool) -> String {
    let mut out = String::from("model,split_seed,model_seed,fold,row,truth,prediction");
    if let (true, Target::Classification { classes, .. }) = (probabilities, &table.y) {
        for class in classes {
            out.push(',');
            out += &field(&format!("proba_{class}"));
        }
    }
    out.push('\n');
    out
}

/// Out-of-fold predictions as CSV rows without the header; class predictions are written as
/// the labels in the data, with every class's probability when `probabilities` (empty for a
/// model that gives none).
pub fn render_prediction_rows(
    table: &Table,
    predictions: &[FoldPredictions],
    probabilities: bool,
) -> String {
    let mut out = String::new();
    for p in predictions {
        for (i, &row) in p.rows.iter().enumerate() {
            let (truth, predicted, chance) = match (&table.y, &p.predictions) {
                (Target::Regression(y), Predictions::Values(v)) => {
                    (y[row].to_string(), v[i].to_string(), None)
                }
                (
                    Target::Classification { labels, classes },
                    Predictions::Classes {
                        labels: l,
                        probabilities,
                    },
                ) => (
                    classes[labels[row]].clone(),
                    classes[l[i]].clone(),
                    probabilities
                        .as_ref()
                        .map(|pr| &pr[i * classes.len()..(i + 1) * classes.len()]),
                ),
                _ => continue,
            };
            let _ = write!(
                out,
                "{},{},{},{},{row},{},{}",
                field(&p.model),
                p.split_seed,
                p.model_seed,
                p.fold,
                field(&truth),
                field(&predicted)
            );
            if let (true, Target::Classification { classes, .. }) = (probabilities, &table.y) {
                match chance {
                    Some(shares) => shares.iter().for_each(|p| {
                        let _ = write!(out, ",{p}");
                    }),
                    None => out += &",".repeat(classes.len()),
                }
            }
            out.push('\n');
        }
    }
    out
}

/// `hardness.csv`: per model and row (as in `predictions.csv`, with its `truth`), how many
/// out-of-fold predictions it had and how often they were wrong (classes: `error_rate`) or how
/// far off (values: `mean_abs_error`, and `sd_error` across split and model seeds).
pub fn render_hardness(rows: &[RowHardness], truth: &[String], classes: bool) -> String {
    let mut out = String::from(if classes {
        "model,row,truth,n_predictions,error_rate\n"
    } else {
        "model,row,truth,n_predictions,mean_abs_error,sd_error\n"
    });
    for h in rows {
        let _ = write!(
            out,
            "{},{},{},{}",
            field(&h.model),
            h.row,
            field(truth.get(h.row).map_or("", String::as_str)),
            h.n_predictions
        );
        let _ = if classes {
            writeln!(out, ",{}", h.error_rate)
        } else {
            writeln!(out, ",{},{}", h.mean_abs_error, h.sd_error)
        };
    }
    out
}
