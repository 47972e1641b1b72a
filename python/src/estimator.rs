//! A Python estimator as a seedfold model: each fold calls the estimator's fold function
//! (made in python/seedfold/_estimators.py) with the fold's rows as numpy arrays. Python fits
//! take the GIL, so they run one at a time while catalogue models fit beside them.

use numpy::{PyReadonlyArray1, PyReadonlyArray2, ToPyArray};
use pyo3::exceptions::{PyKeyboardInterrupt, PySystemExit};
use pyo3::prelude::*;
use rand::RngCore;
use rand_chacha::ChaCha8Rng;
use seedfold::data::Task;
use seedfold::metric::Predictions;
use seedfold::model::{Fitted, FoldData, FoldTrain, Model};
use seedfold::run::request_stop;
use std::sync::{Arc, Mutex};

/// The first interruption raised inside a fit (`KeyboardInterrupt`, `SystemExit`), kept to be
/// raised again once the run has stopped.
#[derive(Clone, Default)]
pub struct Interruption(Arc<Mutex<Option<PyErr>>>);

impl Interruption {
    fn keep(&self, e: PyErr) {
        let mut slot = self.0.lock().unwrap_or_else(|p| p.into_inner());
        slot.get_or_insert(e);
    }

    /// The interruption, if one happened.
    pub fn take(&self) -> Option<PyErr> {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).take()
    }
}

/// An estimator from Python.
pub struct PyEstimator {
    /// Its name in records and reports.
    pub name: String,
    /// The data's task.
    pub task: Task,
    /// `fit_predict(X_train, y_train, X_test, random_state) -> (predictions, probabilities)`.
    pub fold: Py<PyAny>,
    /// Whether it takes a `random_state` (then it runs once per model seed).
    pub stochastic: bool,
    /// Whether it gives class probabilities.
    pub probabilities: bool,
    /// Where an interruption inside a fit is kept.
    pub interruption: Interruption,
}

impl Model for PyEstimator {
    fn name(&self) -> &str {
        &self.name
    }

    fn task(&self) -> Task {
        self.task
    }

    fn is_stochastic(&self) -> bool {
        self.stochastic
    }

    fn gives_probabilities(&self) -> bool {
        self.probabilities
    }

    fn fit_predict(&self, data: &FoldData, mut rng: ChaCha8Rng) -> Result<Fitted, String> {
        // numpy's random_state is 32-bit: the fold's model-seed stream gives one
        let random_state = self.stochastic.then(|| rng.next_u32());
        Python::attach(|py| {
            let (x_train, y_train) = match &data.train {
                FoldTrain::Values(train) => (
                    train.records().to_pyarray(py),
                    train.targets().to_pyarray(py).into_any(),
                ),
                FoldTrain::Classes(train, _) => (
                    train.records().to_pyarray(py),
                    train.targets().mapv(|c| c as i64).to_pyarray(py).into_any(),
                ),
            };
            let called = self.fold.call1(
                py,
                (x_train, y_train, data.x_test.to_pyarray(py), random_state),
            );
            let returned = called.map_err(|e| {
                if e.is_instance_of::<PyKeyboardInterrupt>(py)
                    || e.is_instance_of::<PySystemExit>(py)
                {
                    request_stop();
                    self.interruption.keep(e.clone_ref(py));
                }
                e.to_string()
            })?;
            self.predictions(returned.bind(py)).map_err(|e| {
                format!(
                    "{}'s fold function returned something seedfold cannot read: {e}",
                    self.name
                )
            })
        })
    }
}

impl PyEstimator {
    /// The fold function's `(predictions, probabilities or None)` as seedfold's predictions.
    fn predictions(&self, returned: &Bound<PyAny>) -> PyResult<Fitted> {
        let (predicted, probabilities): (Bound<PyAny>, Option<PyReadonlyArray2<f64>>) =
            returned.extract()?;
        let predictions = match self.task {
            Task::Regression => {
                let values: PyReadonlyArray1<f64> = predicted.extract()?;
                Predictions::Values(values.as_array().to_vec())
            }
            Task::Classification => {
                let codes: PyReadonlyArray1<i64> = predicted.extract()?;
                Predictions::Classes {
                    labels: codes
                        .as_array()
                        .iter()
                        .map(|&c| c.max(0) as usize)
                        .collect(),
                    probabilities: probabilities
                        .map(|p| p.as_array().iter().copied().collect::<Vec<f64>>()),
                }
            }
        };
        Ok(predictions.into())
    }
}
