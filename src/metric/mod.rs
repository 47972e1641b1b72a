//! Metrics: seedfold's own `f64` implementations, each checked against scikit-learn's value
//! on the same predictions (tests/metrics.rs).

mod classification;
mod probability;
mod regression;

use crate::data::Task;
use crate::{Error, Result};
use serde::{Deserialize, Serialize};

/// How per-class scores are combined.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Average {
    /// The positive class (class index 1) of a binary target.
    Binary,
    /// Unweighted mean over the classes present in truth or prediction.
    Macro,
    /// Mean over classes weighted by their number of true rows.
    Weighted,
}

/// A score of one fold's predictions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[allow(missing_docs)]
pub enum Metric {
    R2,
    Mse,
    Rmse,
    Mae,
    Mape,
    MedianAe,
    ExplainedVariance,
    MaxError,
    Accuracy,
    BalancedAccuracy,
    Precision(Average),
    Recall(Average),
    F1(Average),
    Mcc,
    RocAuc,
    /// Multiclass ROC AUC, one class against the rest, averaged over classes (`Average::Macro`)
    /// or by class frequency (`Average::Weighted`).
    RocAucOvr(Average),
    /// Multiclass ROC AUC over every pair of classes, macro average (Hand & Till 2001).
    RocAucOvo,
    LogLoss,
    Brier,
}

const REGRESSION: [Metric; 8] = [
    Metric::R2,
    Metric::Mse,
    Metric::Rmse,
    Metric::Mae,
    Metric::Mape,
    Metric::MedianAe,
    Metric::ExplainedVariance,
    Metric::MaxError,
];

/// Every metric seedfold knows.
pub fn all_metrics() -> Vec<Metric> {
    let mut all = REGRESSION.to_vec();
    all.extend([Metric::Accuracy, Metric::BalancedAccuracy]);
    for avg in [Average::Binary, Average::Macro, Average::Weighted] {
        all.extend([Metric::Precision(avg), Metric::Recall(avg), Metric::F1(avg)]);
    }
    all.extend([
        Metric::Mcc,
        Metric::RocAuc,
        Metric::RocAucOvr(Average::Macro),
        Metric::RocAucOvr(Average::Weighted),
        Metric::RocAucOvo,
        Metric::LogLoss,
        Metric::Brier,
    ]);
    all
}

impl Metric {
    /// The name used on the command line and in records.
    pub fn name(self) -> String {
        let averaged = |base: &str, avg: Average| match avg {
            Average::Binary => base.to_string(),
            Average::Macro => format!("{base}_macro"),
            Average::Weighted => format!("{base}_weighted"),
        };
        match self {
            Metric::R2 => "r2".into(),
            Metric::Mse => "mse".into(),
            Metric::Rmse => "rmse".into(),
            Metric::Mae => "mae".into(),
            Metric::Mape => "mape".into(),
            Metric::MedianAe => "median_ae".into(),
            Metric::ExplainedVariance => "explained_variance".into(),
            Metric::MaxError => "max_error".into(),
            Metric::Accuracy => "accuracy".into(),
            Metric::BalancedAccuracy => "balanced_accuracy".into(),
            Metric::Precision(a) => averaged("precision", a),
            Metric::Recall(a) => averaged("recall", a),
            Metric::F1(a) => averaged("f1", a),
            Metric::Mcc => "mcc".into(),
            Metric::RocAuc => "roc_auc".into(),
            Metric::RocAucOvr(Average::Weighted) => "roc_auc_ovr_weighted".into(),
            Metric::RocAucOvr(_) => "roc_auc_ovr".into(),
            Metric::RocAucOvo => "roc_auc_ovo".into(),
            Metric::LogLoss => "log_loss".into(),
            Metric::Brier => "brier".into(),
        }
    }

    /// Whether the metric is a mean of one value per test row (see [`row_values`]).
    pub fn is_row_mean(self) -> bool {
        matches!(
            self,
            Metric::Mse | Metric::Mae | Metric::Accuracy | Metric::LogLoss | Metric::Brier
        )
    }

    /// Whether a larger value is a better model.
    pub fn higher_is_better(self) -> bool {
        !matches!(
            self,
            Metric::Mse
                | Metric::Rmse
                | Metric::Mae
                | Metric::Mape
                | Metric::MedianAe
                | Metric::MaxError
                | Metric::LogLoss
                | Metric::Brier
        )
    }

    /// Direction, range and whether it is unitless, for the statistics.
    pub fn scale(self) -> crate::stats::Scale {
        let inf = f64::INFINITY;
        let (range, unitless) = match self {
            Metric::R2 | Metric::ExplainedVariance => ((-inf, 1.0), true),
            Metric::Mse | Metric::Rmse | Metric::Mae | Metric::MedianAe | Metric::MaxError => {
                ((0.0, inf), false)
            }
            Metric::Mape | Metric::LogLoss => ((0.0, inf), false),
            Metric::Mcc => ((-1.0, 1.0), true),
            _ => ((0.0, 1.0), true),
        };
        crate::stats::Scale {
            higher_is_better: self.higher_is_better(),
            range,
            unitless,
        }
    }

    /// The task the metric scores.
    pub fn task(self) -> Task {
        if REGRESSION.contains(&self) {
            Task::Regression
        } else {
            Task::Classification
        }
    }

    /// Whether the metric scores predicted probabilities rather than labels.
    pub fn needs_probabilities(self) -> bool {
        matches!(
            self,
            Metric::RocAuc
                | Metric::RocAucOvr(_)
                | Metric::RocAucOvo
                | Metric::LogLoss
                | Metric::Brier
        )
    }

    /// Check that the metric applies to a target of `task` with `n_classes` classes.
    pub fn check(self, task: Task, n_classes: usize) -> Result<()> {
        if self.task() != task {
            return Err(Error::Config(format!(
                "metric '{}' is for {}, but the target is {task}; use {}",
                self.name(),
                self.task(),
                default_metrics(task, n_classes)
                    .iter()
                    .map(|m| m.name())
                    .collect::<Vec<_>>()
                    .join(",")
            )));
        }
        let binary_only = matches!(
            self,
            Metric::Precision(Average::Binary)
                | Metric::Recall(Average::Binary)
                | Metric::F1(Average::Binary)
                | Metric::RocAuc
                | Metric::Brier
        );
        if binary_only && n_classes != 2 {
            let instead = match self {
                Metric::RocAuc => "roc_auc_ovr, roc_auc_ovr_weighted or roc_auc_ovo".to_string(),
                Metric::Brier => "log_loss".to_string(),
                other => format!("{}_macro or {}_weighted", other.name(), other.name()),
            };
            return Err(Error::Config(format!(
                "metric '{}' is for binary targets, but this one has {n_classes} classes; use {instead}",
                self.name()
            )));
        }
        Ok(())
    }
}

impl std::fmt::Display for Metric {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.name())
    }
}

impl std::str::FromStr for Metric {
    type Err = Error;
    fn from_str(s: &str) -> Result<Metric> {
        all_metrics()
            .into_iter()
            .find(|m| m.name() == s.trim())
            .ok_or_else(|| Error::Unknown {
                kind: "metric",
                name: s.to_string(),
                known: all_metrics()
                    .iter()
                    .map(|m| m.name())
                    .collect::<Vec<_>>()
                    .join(", "),
            })
    }
}

/// The metrics used when none are asked for: `r2,rmse,mae` for regression,
/// `accuracy,f1_macro` for classification plus `roc_auc` for binary targets (scored only for
/// models that give probabilities).
pub fn default_metrics(task: Task, n_classes: usize) -> Vec<Metric> {
    match task {
        Task::Regression => vec![Metric::R2, Metric::Rmse, Metric::Mae],
        Task::Classification if n_classes == 2 => {
            vec![Metric::Accuracy, Metric::F1(Average::Macro), Metric::RocAuc]
        }
        Task::Classification => vec![Metric::Accuracy, Metric::F1(Average::Macro)],
    }
}

/// What a model predicted for one fold's test rows.
#[derive(Debug, Clone, PartialEq)]
pub enum Predictions {
    /// Regression values.
    Values(Vec<f64>),
    /// Class indices, and optionally a row-major `rows × n_classes` probability matrix.
    Classes {
        /// Predicted class per row.
        labels: Vec<usize>,
        /// Class probabilities, row-major, when the model gives them.
        probabilities: Option<Vec<f64>>,
    },
}

/// The true target of one fold's test rows.
#[derive(Debug, Clone, Copy)]
pub enum Truth<'a> {
    /// Regression values.
    Values(&'a [f64]),
    /// Class indices out of `n_classes`.
    Classes(&'a [usize], usize),
}

/// Each test row's own value of a metric that is a mean over rows (mse, mae, accuracy, log
/// loss, Brier), in row order; `None` for a metric that is not (r2, rmse, AUC, F1, …). The
/// nested cross-validation interval needs a loss per row.
pub fn row_values(
    metric: Metric,
    truth: Truth,
    predictions: &Predictions,
) -> Option<std::result::Result<Vec<f64>, String>> {
    if !metric.is_row_mean() {
        return None;
    }
    let rows = match truth {
        Truth::Values(y) => y.len(),
        Truth::Classes(y, _) => y.len(),
    };
    Some(
        (0..rows)
            .map(|r| {
                let one = match (truth, predictions) {
                    (Truth::Values(y), Predictions::Values(p)) => {
                        (Truth::Values(&y[r..=r]), Predictions::Values(vec![p[r]]))
                    }
                    (
                        Truth::Classes(y, k),
                        Predictions::Classes {
                            labels,
                            probabilities,
                        },
                    ) => (
                        Truth::Classes(&y[r..=r], k),
                        Predictions::Classes {
                            labels: vec![labels[r]],
                            probabilities: probabilities
                                .as_ref()
                                .map(|p| p[r * k..(r + 1) * k].to_vec()),
                        },
                    ),
                    _ => return Err("the predictions do not match the target's kind".into()),
                };
                score(metric, one.0, &one.1)
            })
            .collect(),
    )
}

/// Score `predictions` against `truth`; an error says why the score does not exist
/// (e.g. ROC AUC of a fold whose test rows hold one class).
pub fn score(
    metric: Metric,
    truth: Truth,
    predictions: &Predictions,
) -> std::result::Result<f64, String> {
    match (truth, predictions) {
        (Truth::Values(y), Predictions::Values(p)) => {
            // scikit-learn returns NaN (UndefinedMetricWarning): a fraction of variance needs
            // at least two test rows
            if y.len() < 2 && matches!(metric, Metric::R2 | Metric::ExplainedVariance) {
                return Err(format!(
                    "{} is not defined on a test fold of {} row(s) (it needs the truth's variance); use mse or mae with one-row folds such as leave-one-out",
                    metric.name(),
                    y.len()
                ));
            }
            Ok(regression::score(metric, y, p))
        }
        (
            Truth::Classes(y, k),
            Predictions::Classes {
                labels,
                probabilities,
            },
        ) => {
            if metric.needs_probabilities() {
                let proba = probabilities.as_deref().ok_or_else(|| {
                    format!(
                        "{} needs probabilities and this model gives none",
                        metric.name()
                    )
                })?;
                probability::score(metric, y, k, proba)
            } else {
                Ok(classification::score(metric, y, labels, k))
            }
        }
        _ => Err(format!(
            "{} does not apply to these predictions",
            metric.name()
        )),
    }
}
