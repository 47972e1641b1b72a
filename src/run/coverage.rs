//! Whether a set of records is exactly what a run of its manifest writes: every split seed
//! done, each model on every fold of it (under every model seed of a stochastic model),
//! scored on the same metrics everywhere, each once and nothing else.

use super::FoldRecord;
use std::collections::{BTreeMap, BTreeSet};

/// A model at one learning-curve step, as coverage counts it.
fn label(model: &str, train_fraction: f64) -> String {
    if train_fraction == 1.0 {
        model.to_string()
    } else {
        format!("{model} at train fraction {train_fraction}")
    }
}

/// What `records` (in any order) lack or hold too much of for a run of `seeds` with
/// `model_seeds`, in sentences (empty when they are complete).
pub fn coverage_problems(
    records: &[FoldRecord],
    seeds: &[u64],
    model_seeds: &[u64],
) -> Vec<String> {
    let mut order: Vec<&FoldRecord> = records.iter().collect();
    order.sort_by_key(|r| r.key());
    let mut coverage = Coverage::new(seeds, model_seeds);
    for r in order {
        coverage.add(r);
    }
    coverage.problems()
}

/// A record's key in the contract's order, owned.
type Key = (String, u64, u64, u64, usize, String);

/// (split seed, model seed, fold).
type Cell = (u64, u64, usize);

/// The coverage check fed one record at a time, in the records contract's order (a stream
/// out of that order is itself a problem), holding one small entry per (model, seed, model
/// seed, fold) rather than the records.
pub struct Coverage {
    expected: BTreeSet<u64>,
    model_seeds: Vec<u64>,
    /// Per model label, per cell: the index of its metric set in `metric_sets`.
    cells: BTreeMap<String, BTreeMap<Cell, usize>>,
    metric_sets: Vec<BTreeSet<String>>,
    /// The cell being read: model, share, cell, its metrics.
    current: Option<(String, u64, Cell, BTreeSet<String>)>,
    last: Option<Key>,
    records: usize,
    repeated: usize,
    out_of_order: usize,
    foreign: BTreeSet<u64>,
}

impl Coverage {
    /// An empty check for a run of `seeds` with `model_seeds`.
    pub fn new(seeds: &[u64], model_seeds: &[u64]) -> Coverage {
        Coverage {
            expected: seeds.iter().copied().collect(),
            model_seeds: model_seeds.to_vec(),
            cells: BTreeMap::new(),
            metric_sets: Vec::new(),
            current: None,
            last: None,
            records: 0,
            repeated: 0,
            out_of_order: 0,
            foreign: BTreeSet::new(),
        }
    }

    /// Take the next record.
    pub fn add(&mut self, r: &FoldRecord) {
        self.records += 1;
        let (model, share, seed, model_seed, fold, metric) = r.key();
        let key: Key = (model.into(), share, seed, model_seed, fold, metric.into());
        match &self.last {
            Some(last) if *last == key => self.repeated += 1,
            Some(last) if *last > key => self.out_of_order += 1,
            _ => {}
        }
        self.last = Some(key);
        if !self.expected.contains(&seed) {
            self.foreign.insert(seed);
        }
        let cell = (seed, model_seed, fold);
        match &mut self.current {
            Some((m, s, c, metrics)) if m == model && *s == share && *c == cell => {
                metrics.insert(metric.into());
            }
            _ => {
                self.close_cell();
                self.current = Some((model.into(), share, cell, BTreeSet::from([metric.into()])));
            }
        }
    }

    fn close_cell(&mut self) {
        let Some((model, share, cell, metrics)) = self.current.take() else {
            return;
        };
        let id = match self.metric_sets.iter().position(|m| *m == metrics) {
            Some(id) => id,
            None => {
                self.metric_sets.push(metrics);
                self.metric_sets.len() - 1
            }
        };
        let by_cell = self
            .cells
            .entry(label(&model, f64::from_bits(share)))
            .or_default();
        if by_cell.insert(cell, id).is_some() {
            // a cell met again later: the stream left the contract's order
            self.out_of_order += 1;
        }
    }

    /// What the records lack or hold too much of, in sentences (empty when complete).
    pub fn problems(mut self) -> Vec<String> {
        self.close_cell();
        let mut problems = Vec::new();
        if self.repeated > 0 {
            problems.push(format!(
                "{} record(s) repeat a (model, train fraction, seed, model seed, fold, metric)",
                self.repeated
            ));
        }
        if self.out_of_order > 0 {
            problems.push(format!(
                "{} record(s) out of the records contract's order (model, train fraction, seed, model seed, fold, metric)",
                self.out_of_order
            ));
        }
        if !self.foreign.is_empty() {
            problems.push(format!(
                "records of split seed(s) {} that the manifest does not list",
                list(&self.foreign)
            ));
        }
        let folds: BTreeSet<usize> = self
            .cells
            .values()
            .flat_map(|c| c.keys().map(|k| k.2))
            .collect();
        let first_model_seed = self.model_seeds.first().copied().unwrap_or(0);
        for (model, by_cell) in &self.cells {
            let ids: BTreeSet<usize> = by_cell.values().copied().collect();
            let metrics: BTreeSet<&String> =
                ids.iter().flat_map(|&i| &self.metric_sets[i]).collect();
            let complete: BTreeSet<usize> = ids
                .into_iter()
                .filter(|&i| self.metric_sets[i].iter().collect::<BTreeSet<_>>() == metrics)
                .collect();
            let runs: BTreeSet<u64> = by_cell.keys().map(|k| k.1).collect();
            let wanted_runs: BTreeSet<u64> = if runs.len() > 1 {
                self.model_seeds.iter().copied().collect()
            } else {
                BTreeSet::from([first_model_seed])
            };
            let mut missing = 0;
            let mut seeds_short = BTreeSet::new();
            for &seed in &self.expected {
                for &run in &wanted_runs {
                    for &fold in &folds {
                        match by_cell.get(&(seed, run, fold)) {
                            Some(id) if complete.contains(id) => {}
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
        if self.records == 0 && !self.expected.is_empty() {
            problems.push("there are no records".into());
        }
        problems
    }
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

    fn record(model: &str, seed: u64, run: u64, fold: usize, metric: &str) -> FoldRecord {
        FoldRecord::example(model, seed, run, fold, metric)
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

    #[test]
    fn a_stream_out_of_the_contracts_order_is_named() {
        let records = complete();
        let mut sorted: Vec<&FoldRecord> = records.iter().collect();
        sorted.sort_by_key(|r| r.key());
        let mut in_order = Coverage::new(&[0, 1], &[0, 1]);
        sorted.iter().for_each(|r| in_order.add(r));
        assert!(in_order.problems().is_empty());
        let mut reversed = Coverage::new(&[0, 1], &[0, 1]);
        sorted.iter().rev().for_each(|r| reversed.add(r));
        let problems = reversed.problems();
        assert!(
            problems[0].contains("out of the records contract's order"),
            "{problems:?}"
        );
    }
}
