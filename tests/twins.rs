//! Every catalogue model scores like its scikit-learn twin on seedfold's own folds.
//! Reference: tests/reference/twins.json from make_twin_reference.py (5-fold k-fold, split
//! seeds 0..4, every built-in data set where the model applies). Deterministic models must
//! match to 1e-6 and converge by default; trees and forests must stay within the twin's own
//! random_state noise (at least 0.01). No fold may fail.

mod common;

use common::reference;
use seedfold::data::{load, DataSpec};
use seedfold::metric::Metric;
use seedfold::model::{build_models, ModelSpec};
use seedfold::run::{metrics_for, run, RunPlan, Silent, Status};
use seedfold::split::{SplitConfig, Splitter, SplitterKind};
use std::collections::BTreeMap;

#[test]
fn every_catalogue_model_matches_its_scikit_learn_twin_on_the_same_folds() {
    let r = reference("twins.json");
    let seeds: Vec<u64> = (0..r["seeds"].as_u64().unwrap()).collect();
    let mut problems = Vec::new();
    let mut compared = 0;
    for (dataset, entries) in r["datasets"].as_object().unwrap() {
        let table = load(&DataSpec::builtin(dataset)).unwrap().table;
        let splitter = Splitter::new(
            &SplitConfig {
                kind: SplitterKind::Kfold,
                folds: r["folds"].as_u64().unwrap() as usize,
                ..Default::default()
            },
            &table,
        )
        .unwrap();
        let task = table.y.task();
        let k = table.y.classes().map_or(0, |(_, c)| c.len());
        for (spec, entry) in entries.as_object().unwrap() {
            let models = build_models(&ModelSpec::parse(spec).unwrap(), task, k, false).unwrap();
            let metrics: Vec<Metric> = entry["sklearn"]
                .as_object()
                .unwrap()
                .keys()
                .map(|m| m.parse().unwrap())
                .collect();
            let plan = RunPlan {
                table: &table,
                splitter: &splitter,
                metrics: metrics_for(Some(&metrics), &models, task, k).unwrap(),
                models: &models,
                split_seeds: &seeds,
                model_seeds: &[0],
                keep_predictions: false,
                fail_fast: false,
                threads: None,
                exact_linfa: false,
                fit_timeout: None,
            };
            let records = run(&plan, &Silent).unwrap().records;
            let mut sums: BTreeMap<&str, (f64, usize)> = BTreeMap::new();
            for rec in &records {
                if rec.status == Status::Failed {
                    problems.push(format!("{dataset} {spec}: failed fold: {:?}", rec.error));
                }
                if let Some(w) = &rec.warning {
                    problems.push(format!("{dataset} {spec}: {w}"));
                }
                let s = sums.entry(&rec.metric).or_default();
                s.0 += rec.value.unwrap_or(f64::NAN);
                s.1 += 1;
            }
            for (metric, (sum, n)) in sums {
                let got = sum / n as f64;
                let want = entry["sklearn"][metric].as_f64().unwrap();
                let tolerance = entry["tolerance"][metric].as_f64().unwrap();
                compared += 1;
                if (got - want).abs().is_nan() || (got - want).abs() > tolerance {
                    problems.push(format!(
                        "{dataset} {spec} {metric}: seedfold {got:.8} vs scikit-learn {want:.8} (tolerance {tolerance:e})"
                    ));
                }
            }
        }
    }
    assert!(compared >= 30, "only {compared} comparisons");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
