//! Whether a set of records is exactly what a run of its manifest writes: every split seed
//! done, each model on every fold of it (under every model seed of a stochastic model),
//! scored on the same metrics everywhere, each once and nothing else.

use super::FoldRecord;
use std::collections::{BTreeMap, BTreeSet};

/// One model's metrics per (split seed, model seed, fold).
type Cells<'a> = BTreeMap<(u64, u64, usize), BTreeSet<&'a str>>;

/// A model at one learning-curve step, as coverage counts it.
fn label(r: &FoldRecord) -> String {
    if r.train_fraction == 1.0 {
        r.model.clone()
    } else {
        format!("{} at train fraction {}", r.model, r.train_fraction)
    }
}

/// What `records` lack or hold too much of for a run of `seeds` with `model_seeds`, in
/// sentences (empty when they are complete).
pub fn coverage_problems(
    records: &[FoldRecord],
    seeds: &[u64],
    model_seeds: &[u64],
) -> Vec<String> {
    let mut problems = Vec::new();
    let expected: BTreeSet<u64> = seeds.iter().copied().collect();
    let mut keys = BTreeSet::new();
    let mut repeated = 0;
    let mut cells: BTreeMap<String, Cells> = BTreeMap::new();
    let mut foreign = BTreeSet::new();
    for r in records {
        if !keys.insert(r.key()) {
            repeated += 1;
        }
        if !expected.contains(&r.split_seed) {
            foreign.insert(r.split_seed);
        }
        cells
            .entry(label(r))
            .or_default()
            .entry((r.split_seed, r.model_seed, r.fold))
            .or_default()
            .insert(&r.metric);
    }
    if repeated > 0 {
        problems.push(format!(
            "{repeated} record(s) repeat a (model, train fraction, seed, model seed, fold, metric)"
        ));
    }
    if !foreign.is_empty() {
        problems.push(format!(
            "records of split seed(s) {} that the manifest does not list",
            list(&foreign)
        ));
    }
    let folds: BTreeSet<usize> = cells.values().flat_map(|c| c.keys().map(|k| k.2)).collect();
    let first_model_seed = model_seeds.first().copied().unwrap_or(0);
    for (model, by_cell) in &cells {
        let metrics: BTreeSet<&str> = by_cell.values().flatten().copied().collect();
        let runs: BTreeSet<u64> = by_cell.keys().map(|k| k.1).collect();
        let wanted_runs: BTreeSet<u64> = if runs.len() > 1 {
            model_seeds.iter().copied().collect()
        } else {
            BTreeSet::from([first_model_seed])
        };
        let mut missing = 0;
        let mut seeds_short = BTreeSet::new();
        for &seed in &expected {
            for &run in &wanted_runs {
                for &fold in &folds {
                    match by_cell.get(&(seed, run, fold)) {
                        Some(m) if *m == metrics => {}
                        _ => {
                            missing += 1;
                            seeds_short.insert(seed);
                        }
                    }
                }
            }
        }
        if missing > 0 {
            problems.push(format!(
                "model {model} lacks {missing} (seed, model seed, fold) cell(s) of its metrics, in split seed(s) {}",
                list(&seeds_short)
            ));
        }
        let extra_runs: BTreeSet<u64> = runs.difference(&wanted_runs).copied().collect();
        if !extra_runs.is_empty() {
            problems.push(format!(
                "model {model} has records of model seed(s) {} the manifest does not list",
                list(&extra_runs)
            ));
        }
    }
    if records.is_empty() && !seeds.is_empty() {
        problems.push("there are no records".into());
    }
    problems
}

/// "1, 2, 3" (the first ten, then "…").
fn list(values: &BTreeSet<u64>) -> String {
    let shown: Vec<String> = values.iter().take(10).map(u64::to_string).collect();
    format!(
        "{}{}",
        shown.join(", "),
        if values.len() > 10 { ", …" } else { "" }
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::run::Status;

    fn record(model: &str, seed: u64, run: u64, fold: usize, metric: &str) -> FoldRecord {
        FoldRecord {
            model: model.into(),
            split_seed: seed,
            model_seed: run,
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
        }
    }

    fn complete() -> Vec<FoldRecord> {
        let mut out = Vec::new();
        for seed in [0, 1] {
            for fold in 0..2 {
                for metric in ["r2", "mae"] {
                    out.push(record("ols", seed, 0, fold, metric));
                    for run in [0, 1] {
                        out.push(record("forest", seed, run, fold, metric));
                    }
                }
            }
        }
        out
    }

    #[test]
    fn a_complete_run_passes_and_every_gap_or_extra_is_named() {
        assert!(coverage_problems(&complete(), &[0, 1], &[0, 1]).is_empty());
        let mut lost = complete();
        lost.retain(|r| !(r.model == "ols" && r.split_seed == 1 && r.fold == 0));
        assert!(coverage_problems(&lost, &[0, 1], &[0, 1])[0].contains("model ols lacks 1"));
        let mut twice = complete();
        twice.push(record("ols", 0, 0, 0, "r2"));
        assert!(coverage_problems(&twice, &[0, 1], &[0, 1])[0].contains("1 record(s) repeat"));
        assert!(coverage_problems(&complete(), &[0], &[0, 1])[0].contains("split seed(s) 1"));
        let mut one_metric = complete();
        one_metric.retain(|r| !(r.model == "forest" && r.split_seed == 0 && r.metric == "mae"));
        assert!(!coverage_problems(&one_metric, &[0, 1], &[0, 1]).is_empty());
    }
}
