//! CSV exporters: records and out-of-fold predictions, as pure functions of their inputs.

use crate::data::{Table, Target};
use crate::metric::Predictions;
use crate::run::{FoldPredictions, FoldRecord, Status};
use std::borrow::Cow;
use std::fmt::Write;

/// The records contract's header.
pub const RECORDS_HEADER: &str =
    "model,split_seed,model_seed,fold,metric,value,n_train,n_test,fit_seconds,status,error";

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
    let mut out = String::with_capacity(64 * (records.len() + 1));
    out.push_str(RECORDS_HEADER);
    out.push('\n');
    for r in records {
        let value = r.value.map(|v| v.to_string()).unwrap_or_default();
        let status = match r.status {
            Status::Ok => "ok",
            Status::Failed => "failed",
        };
        let _ = writeln!(
            out,
            "{},{},{},{},{},{value},{},{},{:.6},{status},{}",
            field(&r.model),
            r.split_seed,
            r.model_seed,
            r.fold,
            field(&r.metric),
            r.n_train,
            r.n_test,
            r.fit_seconds,
            field(r.error.as_deref().unwrap_or(""))
        );
    }
    out
}

/// `predictions.csv`: header `model,split_seed,model_seed,fold,row,truth,prediction`, plus
/// `probability` (of the second class) for binary targets when any model gives one. Class
/// predictions are written as the labels in the data.
pub fn render_predictions(table: &Table, predictions: &[FoldPredictions]) -> String {
    let binary_probabilities = matches!(&table.y, Target::Classification { classes, .. } if classes.len() == 2)
        && predictions.iter().any(|p| {
            matches!(
                p.predictions,
                Predictions::Classes {
                    probabilities: Some(_),
                    ..
                }
            )
        });
    let mut out = String::from("model,split_seed,model_seed,fold,row,truth,prediction");
    out.push_str(if binary_probabilities {
        ",probability\n"
    } else {
        "\n"
    });
    for p in predictions {
        for (i, &row) in p.rows.iter().enumerate() {
            let (truth, predicted, probability) = match (&table.y, &p.predictions) {
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
                        .map(|pr| pr[i * classes.len() + 1].to_string()),
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
            if binary_probabilities {
                let _ = write!(out, ",{}", probability.unwrap_or_default());
            }
            out.push('\n');
        }
    }
    out
}
