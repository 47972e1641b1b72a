//! Models: anything that fits on a fold's training rows and predicts its test rows.
//!
//! Any linfa model plugs in through the generic adapters [`Regressor`] and [`Classifier`];
//! the command line's models come from the [`catalogue`] by name.

mod adapter;
mod boosting;
pub(crate) mod cancel;
pub mod cart;
pub mod catalogue;
mod classifiers;
mod coordinate_descent;
mod dense;
mod distances;
mod glm;
mod knn;
pub mod least_squares;
mod naive_bayes;
mod newton;
pub mod newton_logistic;
mod params;
mod regressors;
pub(crate) mod spare;
mod svm;
mod trees;
mod tuned;

pub use adapter::{Classifier, Regressor};
pub use catalogue::{build_models, ModelInfo, CATALOGUE};
pub use classifiers::NEWTON_MAX_FEATURES;
pub use params::{larger_is_simpler, ModelSpec};
pub use tuned::{TuneRule, TuneSpec, Tuned};

use crate::data::{Table, Task};
use crate::metric::Predictions;
use linfa::DatasetBase;
use ndarray::{Array1, Array2};
use rand_chacha::ChaCha8Rng;

/// A fold's training rows: features and a one-dimensional target.
pub type TrainSet<L> = DatasetBase<Array2<f64>, Array1<L>>;

/// One fold's training rows as a linfa data set, so linfa models fit them without a copy.
#[derive(Debug, Clone)]
pub enum FoldTrain {
    /// Features and real-valued target.
    Values(TrainSet<f64>),
    /// Features, class indices, and the number of classes in the whole data set.
    Classes(TrainSet<usize>, usize),
}

/// One fold's data as a model sees it: training rows with their target, and test rows.
#[derive(Debug, Clone)]
pub struct FoldData {
    /// Training rows.
    pub train: FoldTrain,
    /// Test features.
    pub x_test: Array2<f64>,
}

/// A fold's training rows with a real-valued target, or why `name` cannot fit them.
pub(crate) fn regression_rows<'a>(
    name: &str,
    data: &'a FoldData,
) -> Result<&'a TrainSet<f64>, String> {
    match &data.train {
        FoldTrain::Values(train) => Ok(train),
        FoldTrain::Classes(..) => Err(format!("{name} is a regressor but the target is classes")),
    }
}

/// A fold's training rows with classes (and the class count), or why `name` cannot fit them.
pub(crate) fn class_rows<'a>(
    name: &str,
    data: &'a FoldData,
) -> Result<(&'a TrainSet<usize>, usize), String> {
    match &data.train {
        FoldTrain::Classes(train, k) => Ok((train, *k)),
        FoldTrain::Values(_) => Err(format!(
            "{name} is a classifier but the target is real-valued"
        )),
    }
}

/// What one fit gives: predictions for the test rows, and a warning when they are usable but
/// suspect (the solver stopped at its iteration cap before its tolerance, like scikit-learn's
/// `ConvergenceWarning`). The warning reaches the records' `warning` column and the report.
#[derive(Debug, Clone, PartialEq)]
pub struct Fitted {
    /// The test rows' predictions.
    pub predictions: Predictions,
    /// Why the fit is suspect, if it is.
    pub warning: Option<String>,
}

impl From<Predictions> for Fitted {
    fn from(predictions: Predictions) -> Fitted {
        Fitted {
            predictions,
            warning: None,
        }
    }
}

/// A model seedfold can evaluate: fit on a fold's training rows, predict its test rows.
pub trait Model: Send + Sync {
    /// The name used in records and reports.
    fn name(&self) -> &str;
    /// The task it fits.
    fn task(&self) -> Task;
    /// Whether its fit is random (then it runs once per model seed).
    fn is_stochastic(&self) -> bool {
        false
    }
    /// Whether its classification predictions include probabilities.
    fn gives_probabilities(&self) -> bool {
        false
    }
    /// For exact least squares (ols, ridge): the penalty α on ‖w‖², so the runner can solve
    /// every fold from one Gram matrix ([`least_squares::GramSystem`]) instead of calling
    /// `fit_predict`.
    fn least_squares_penalty(&self) -> Option<f64> {
        None
    }
    /// Called once with the whole data set before any fold is fitted, for work every fold can
    /// share (the logistic fast path fits all rows once and starts each fold's Newton steps
    /// there). It may save time, never change a fold's result beyond the solver's tolerance.
    fn prepare(&self, _table: &Table) {}
    /// For a tuned model: its grid and rule, so the runner runs the inner cross-validation.
    fn tuned(&self) -> Option<&Tuned> {
        None
    }
    /// Fit and predict; an error (or a panic inside the model) becomes a failed fold with this
    /// reason, never a crash. `rng` is the fold's model-seed stream.
    fn fit_predict(&self, data: &FoldData, rng: ChaCha8Rng) -> Result<Fitted, String>;
}

/// `name` and `task` for a model struct with a `name` field: a fixed task, or `task_field` for
/// one that keeps its task in a `task` field.
macro_rules! basics {
    (task_field) => {
        fn name(&self) -> &str {
            &self.name
        }
        fn task(&self) -> Task {
            self.task
        }
    };
    ($task:expr) => {
        fn name(&self) -> &str {
            &self.name
        }
        fn task(&self) -> Task {
            $task
        }
    };
}
pub(crate) use basics;

/// Run `f`, turning a panic inside a model into an error message.
pub(crate) fn guard<T>(f: impl FnOnce() -> Result<T, String>) -> Result<T, String> {
    crate::panic::caught(f).unwrap_or_else(|text| Err(format!("the model panicked: {text}")))
}

/// Index of the largest value in each row of a row-major matrix (first on ties).
pub(crate) fn argmax_rows(values: &[f64], k: usize) -> Vec<usize> {
    values
        .chunks(k)
        .map(|row| {
            row.iter()
                .enumerate()
                .fold(0, |best, (c, &v)| if v > row[best] { c } else { best })
        })
        .collect()
}
