//! The records contract: one row per (model, split seed, model seed, fold, metric). It sits
//! below every stage that reads or writes records (data, run, stats, report), so all of them
//! import it downward.

use crate::metric::Predictions;
use serde::{Deserialize, Serialize};

/// Whether a fold's score exists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Scored.
    Ok,
    /// The fit, prediction or metric failed; `error` says why.
    Failed,
}

impl Status {
    /// The name written in records files: `ok` or `failed`.
    pub fn name(self) -> &'static str {
        match self {
            Status::Ok => "ok",
            Status::Failed => "failed",
        }
    }
}

/// One score of one fold (a row of `records.csv`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FoldRecord {
    /// Model name.
    pub model: String,
    /// Seed that chose the folds.
    pub split_seed: u64,
    /// Seed of the model's own randomness (the first model seed for deterministic models).
    pub model_seed: u64,
    /// Fold number within the split seed.
    pub fold: usize,
    /// Metric name.
    pub metric: String,
    /// The score; `None` when failed.
    pub value: Option<f64>,
    /// Training rows.
    pub n_train: usize,
    /// Test rows.
    pub n_test: usize,
    /// Wall time of fit + predict (the only field that varies between identical runs).
    pub fit_seconds: f64,
    /// `ok` or `failed`.
    pub status: Status,
    /// Why it failed.
    pub error: Option<String>,
    /// Why an `ok` score is suspect (e.g. the solver did not converge); optional in files.
    pub warning: Option<String>,
    /// Share of the fold's training rows the model was fitted on (a learning curve's step);
    /// 1 = all, and absent in files means 1.
    pub train_fraction: f64,
    /// For a tuned model: the grid point its inner cross-validation chose on this fold's
    /// training rows (then refitted on them); optional in files.
    pub chosen: Option<String>,
}

/// How a warning of a solver that stopped at its iteration cap begins.
pub const NOT_CONVERGED: &str = "not converged";

/// What a warning says when test rows held a category that the fold's training rows never had.
pub const UNSEEN_CATEGORY: &str = "a category the training rows never had";

impl FoldRecord {
    /// The sort key of the records contract: a model's learning-curve steps in increasing
    /// fraction (a positive float's bits order as the float does).
    pub fn key(&self) -> (&str, u64, u64, u64, usize, &str) {
        (
            &self.model,
            self.train_fraction.to_bits(),
            self.split_seed,
            self.model_seed,
            self.fold,
            &self.metric,
        )
    }
}

#[cfg(test)]
impl FoldRecord {
    /// A scored record for tests: 8 training and 2 test rows, the whole training fold.
    pub(crate) fn example(
        model: &str,
        split_seed: u64,
        model_seed: u64,
        fold: usize,
        metric: &str,
    ) -> FoldRecord {
        FoldRecord {
            model: model.into(),
            split_seed,
            model_seed,
            fold,
            metric: metric.into(),
            value: Some(0.5),
            n_train: 8,
            n_test: 2,
            fit_seconds: 0.0,
            status: Status::Ok,
            error: None,
            warning: None,
            train_fraction: 1.0,
            chosen: None,
        }
    }
}

/// Out-of-fold predictions of one fit, kept when `--save-predictions` asks for them.
/// Sorted seed first, so that a checkpoint can append them seed by seed.
#[derive(Debug, Clone, PartialEq)]
pub struct FoldPredictions {
    /// Model name.
    pub model: String,
    /// Split seed.
    pub split_seed: u64,
    /// Model seed.
    pub model_seed: u64,
    /// Fold number.
    pub fold: usize,
    /// The test rows (0-based input rows), in the order of `predictions`.
    pub rows: Vec<usize>,
    /// What the model predicted for them.
    pub predictions: Predictions,
}

impl FoldPredictions {
    /// The sort key of `predictions.csv`: split seed, model, model seed, fold.
    pub fn key(&self) -> (u64, &str, u64, usize) {
        (self.split_seed, &self.model, self.model_seed, self.fold)
    }
}
