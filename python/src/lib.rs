//! seedfold from Python: the library's splits, runs and summaries behind `seedfold`'s Python
//! functions (python/seedfold/__init__.py turns their keyword arguments into an experiment and
//! the results into Python objects). Python estimators are models like the catalogue's:
//! each fold calls back into Python with the fold's rows.

mod estimator;

use estimator::{Interruption, PyEstimator};
use numpy::{PyArray1, PyReadonlyArray1, PyReadonlyArray2};
use pyo3::exceptions::{PyKeyboardInterrupt, PyRuntimeError, PyValueError};
use pyo3::prelude::*;
use seedfold::data::{DataSource, DataSpec, Table, Target};
use seedfold::execute::{execute, summarize, Execution, Mode, Summary};
use seedfold::model::Model;
use seedfold::run::{request_stop, Experiment, ExperimentFile};
use seedfold::split::Splitter;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

/// A seedfold error as a Python `ValueError` (bad input) with seedfold's message.
fn value_error(e: impl std::fmt::Display) -> PyErr {
    PyValueError::new_err(format!("{e:#}"))
}

/// The target as Python hands it over: class codes (numpy's `np.unique` order) with the class
/// names, or real values.
#[derive(FromPyObject)]
enum PyTarget<'py> {
    Classes(PyReadonlyArray1<'py, i64>, Vec<String>),
    Values(PyReadonlyArray1<'py, f64>),
}

impl PyTarget<'_> {
    fn target(&self) -> PyResult<Target> {
        Ok(match self {
            PyTarget::Values(v) => Target::Regression(v.as_array().to_owned()),
            PyTarget::Classes(codes, classes) => Target::Classification {
                labels: codes
                    .as_array()
                    .iter()
                    .map(|&c| usize::try_from(c).map_err(|_| value_error("negative class code")))
                    .collect::<PyResult<_>>()?,
                classes: classes.clone(),
            },
        })
    }
}

/// A table of `x` (every value finite), the target and the group codes.
fn table(
    name: &str,
    x: PyReadonlyArray2<f64>,
    features: Vec<String>,
    y: &PyTarget,
    groups: Option<Vec<usize>>,
) -> PyResult<Table> {
    let x = x.as_array().to_owned();
    if let Some(((row, col), v)) = x.indexed_iter().find(|(_, v)| !v.is_finite()) {
        return Err(value_error(format!(
            "X holds {v} in row {row}, column '{}'; seedfold needs finite numbers: impute or drop them first (for your own estimators, a scikit-learn Pipeline with SimpleImputer is one estimator)",
            features[col]
        )));
    }
    let mut table = Table::numeric(name, x, y.target()?, features);
    table.target_name = "y".into();
    table.groups = groups;
    Ok(table)
}

/// An experiment from JSON settings (the experiment file's keys, without `[data]`)
/// on `table`, described by its name and fingerprint.
fn experiment(settings: &str, table: &Table) -> PyResult<Experiment> {
    let file: ExperimentFile = serde_json::from_str(settings).map_err(value_error)?;
    let data = DataSpec {
        source: DataSource::Arrays {
            name: table.name.clone(),
            sha256: table.sha256(),
        },
        ..DataSpec::builtin("")
    };
    file.resolve_with(table.y.task(), data).map_err(value_error)
}

/// Per split seed, per fold: the train and test rows, as `seedfold splits` lists them.
#[pyfunction]
#[pyo3(signature = (n_rows, y, groups, settings))]
#[allow(clippy::type_complexity)]
fn split_rows<'py>(
    py: Python<'py>,
    n_rows: usize,
    y: Option<PyTarget>,
    groups: Option<Vec<usize>>,
    settings: &str,
) -> PyResult<
    Vec<(
        u64,
        Vec<(Bound<'py, PyArray1<usize>>, Bound<'py, PyArray1<usize>>)>,
    )>,
> {
    let y = y.map_or(
        Ok(Target::Regression(ndarray::Array1::zeros(n_rows))),
        |y| y.target(),
    )?;
    let mut table = Table::numeric("rows", ndarray::Array2::zeros((n_rows, 0)), y, Vec::new());
    table.groups = groups;
    let experiment = experiment(settings, &table)?;
    let splitter = Splitter::new(&experiment.split, &table).map_err(value_error)?;
    let seeds = experiment.my_seeds();
    splitter.check_seeds(&seeds).map_err(value_error)?;
    Ok(seeds
        .into_iter()
        .map(|seed| {
            let folds = splitter
                .split(seed)
                .into_iter()
                .map(|f| {
                    (
                        PyArray1::from_vec(py, f.train),
                        PyArray1::from_vec(py, f.test),
                    )
                })
                .collect();
            (seed, folds)
        })
        .collect())
}

/// Run an experiment into the report folder `out`: the catalogue models its settings name and
/// the Python estimators in `plugged` (name, description, fold function, whether it takes a
/// random_state, whether it gives probabilities).
#[pyfunction]
#[pyo3(signature = (settings, name, x, features, y, groups, plugged, out, resume, overwrite, threads))]
#[allow(clippy::too_many_arguments)]
fn run(
    py: Python<'_>,
    settings: &str,
    name: &str,
    x: PyReadonlyArray2<f64>,
    features: Vec<String>,
    y: PyTarget,
    groups: Option<Vec<usize>>,
    plugged: Vec<(String, String, Py<PyAny>, bool, bool)>,
    out: PathBuf,
    resume: bool,
    overwrite: bool,
    threads: Option<usize>,
) -> PyResult<()> {
    let table = table(name, x, features, &y, groups)?;
    let mut experiment = experiment(settings, &table)?;
    experiment.plugged = plugged
        .iter()
        .map(|(name, description, ..)| format!("{name} = {description}"))
        .collect();
    let interruption = Interruption::default();
    let models: Vec<Arc<dyn Model>> = plugged
        .into_iter()
        .map(|(name, _, fold, stochastic, probabilities)| {
            Arc::new(PyEstimator {
                name,
                task: table.y.task(),
                fold,
                stochastic,
                probabilities,
                interruption: interruption.clone(),
            }) as Arc<dyn Model>
        })
        .collect();
    // the run goes on its own thread, without the GIL, so Python fits on the workers can take
    // it and Ctrl-C here stops the run between fits
    let worker = std::thread::spawn(move || {
        let how = Execution {
            out: &out,
            threads,
            quiet: true,
            mode: Mode { resume, overwrite },
            fit_timeout: seedfold::run::FIT_TIMEOUT,
            plugged: &models,
        };
        execute(&experiment, table, &how)
    });
    let mut signal = None;
    while !worker.is_finished() {
        py.detach(|| std::thread::sleep(Duration::from_millis(50)));
        if let Err(e) = py.check_signals() {
            request_stop();
            signal.get_or_insert(e);
        }
    }
    let ran = py.detach(|| worker.join());
    let ran = ran.map_err(|_| PyRuntimeError::new_err("the seedfold run panicked"))?;
    if let Some(e) = signal.or_else(|| interruption.take()) {
        return Err(e);
    }
    match ran {
        Ok(()) => Ok(()),
        Err(e) if matches!(e.downcast_ref(), Some(seedfold::Error::Interrupted)) => Err(
            PyKeyboardInterrupt::new_err("seedfold run interrupted; pass resume=True to finish it"),
        ),
        Err(e) => Err(value_error(e)),
    }
}

/// `seedfold summarize`: the report of a records file.
#[pyfunction]
#[pyo3(signature = (records, out, overwrite, folds, test_fraction, higher_is_better, lower_is_better, stats))]
#[allow(clippy::too_many_arguments)]
fn summarize_file(
    py: Python<'_>,
    records: PathBuf,
    out: Option<PathBuf>,
    overwrite: bool,
    folds: Option<usize>,
    test_fraction: Option<f64>,
    higher_is_better: Vec<String>,
    lower_is_better: Vec<String>,
    stats: &str,
) -> PyResult<()> {
    let summary = Summary {
        records,
        folds,
        out,
        overwrite,
        test_fraction,
        higher_is_better,
        lower_is_better,
        stats: serde_json::from_str(stats).map_err(value_error)?,
    };
    py.detach(|| summarize(&summary)).map_err(value_error)
}

/// The compiled part of the `seedfold` Python package.
#[pymodule]
fn _seedfold(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(split_rows, m)?)?;
    m.add_function(wrap_pyfunction!(run, m)?)?;
    m.add_function(wrap_pyfunction!(summarize_file, m)?)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
