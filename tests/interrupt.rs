//! A stop asked for before a run starts (Ctrl-C while the data loads, a Python
//! `KeyboardInterrupt` before the fits) stops the run at once, and the run that stopped
//! forgets it. One test only: the stop flag is the process's, and tests run side by side.

mod common;

use seedfold::metric::Metric;
use seedfold::model::{build_models, ModelSpec};
use seedfold::run::{request_stop, run, RunPlan, Silent};
use seedfold::split::{SplitConfig, Splitter};
use seedfold::Error;

#[test]
fn a_stop_asked_for_before_the_run_stops_it_at_once_and_only_it() {
    let y: Vec<f64> = (0..40).map(|i| (i * 7 % 11) as f64).collect();
    let table = common::regression_table(y, None);
    let splitter = Splitter::new(&SplitConfig::default(), &table).unwrap();
    let models = build_models(
        &ModelSpec::parse("ols").unwrap(),
        seedfold::data::Task::Regression,
        false,
    )
    .unwrap();
    let metrics = vec![vec![Metric::R2]];
    let plan = RunPlan {
        table: &table,
        splitter: &splitter,
        metrics,
        models: &models,
        split_seeds: &[0, 1, 2],
        model_seeds: &[0],
        keep_predictions: false,
        fail_fast: false,
        threads: Some(1),
        exact_linfa: false,
        fit_timeout: None,
        train_fractions: &[1.0],
    };
    request_stop();
    let stopped = run(&plan, &Silent);
    assert!(
        matches!(stopped, Err(Error::Interrupted)),
        "a pending stop must stop the run: {:?}",
        stopped.map(|o| o.records.len())
    );
    // the stop was the stopped run's: the next one runs every fold
    let out = run(&plan, &Silent).expect("a run after the stopped one");
    assert_eq!(out.records.len(), 3 * 5);
}
