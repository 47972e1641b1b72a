//! Every catalogue model scores like its scikit-learn twin on seedfold's own folds.
//! Reference: tests/reference/twins.json from make_twin_reference.py (5-fold k-fold, split
//! seeds 0..4, every built-in data set where the model applies). Deterministic models must
//! match to 1e-6 and converge by default; trees and forests must stay within the twin's own
//! random_state noise (at least 0.01). No fold may fail.

mod common;

use common::reference;
use seedfold::data::{load, DataSpec};
use seedfold::run::Status;
use seedfold::split::{SplitConfig, SplitterKind};
use std::collections::BTreeMap;

#[test]
fn every_catalogue_model_matches_its_scikit_learn_twin_on_the_same_folds() {
    let r = reference("twins.json");
    let seeds: Vec<u64> = (0..r["seeds"].as_u64().unwrap()).collect();
    let mut problems = Vec::new();
    let mut compared = 0;
    let split = SplitConfig {
        kind: SplitterKind::Kfold,
        folds: r["folds"].as_u64().unwrap() as usize,
        ..Default::default()
    };
    for (dataset, entries) in r["datasets"].as_object().unwrap() {
        let table = load(&DataSpec::builtin(dataset)).unwrap().table;
        for (spec, entry) in entries.as_object().unwrap() {
            let metrics: Vec<&str> = entry["sklearn"]
                .as_object()
                .unwrap()
                .keys()
                .map(String::as_str)
                .collect();
            let records = common::study(&table, spec, &split, &seeds, &[0], &metrics);
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
