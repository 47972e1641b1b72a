//! Grouping records into per-(model, metric) score tables indexed by split seed and fold.
//!
//! The tables are flat (one vector of fold scores with per-seed offsets), so a study of tens of
//! thousands of seeds holds a few dozen bytes per fold, and they are built from a stream of
//! records, so the records themselves never need to be held.

use crate::record::{FoldRecord, Status, NOT_CONVERGED};
use std::collections::BTreeMap;

/// The scores of one model on one metric at one share of the training rows: seed `seeds[i]`'s
/// fold scores are [`Scores::folds`]`(i)` (each averaged over model seeds when the model has
/// several), failed folds left out.
#[derive(Debug, Clone, PartialEq)]
pub struct Scores {
    /// Model name.
    pub model: String,
    /// Metric name.
    pub metric: String,
    /// Share of the fold's training rows the model was fitted on (1 outside a learning curve).
    pub train_fraction: f64,
    /// Split seeds with at least one scored fold, ascending.
    pub seeds: Vec<u64>,
    /// Records that failed.
    pub n_failed: usize,
    /// Scored records with a warning (e.g. the solver did not converge).
    pub n_warnings: usize,
    /// Of those, the ones whose solver stopped at its iteration cap.
    pub n_unconverged: usize,
    /// A tuned model's fits per grid point its inner cross-validation chose (empty for
    /// other models).
    pub chosen: BTreeMap<String, usize>,
    /// Sum of n_train over every record (failed ones too) and their count.
    n_train_sum: f64,
    n_records: usize,
    /// Seed i's folds are entries `starts[i]..starts[i + 1]` of the per-fold vectors.
    starts: Vec<usize>,
    /// Per fold: its score.
    values: Vec<f64>,
    /// Per fold: its number; empty while every seed's folds are numbered 0, 1, … in order
    /// (then `identity` holds 0, 1, … as far as the most folds a seed has).
    fold_ids: Vec<u32>,
    identity: Vec<u32>,
    /// Sum and count of the folds' test shares (n_test / (n_train + n_test)), finite ones.
    test_share_sum: f64,
    test_shares: usize,
    /// Fold k's model-seed scores are `model_values[model_starts[k]..model_starts[k + 1]]`,
    /// under the model seeds `model_ids[…]`; all empty while every fold has one score, under
    /// the model seed `uniform_model_seed` (its score is then `values[k]`).
    model_starts: Vec<usize>,
    model_values: Vec<f64>,
    model_ids: Vec<u64>,
    uniform_model_seed: Option<u64>,
    /// Runs (a split seed index, a model seed) that lack a score in some fold of their split
    /// that other runs or failed records show, ascending.
    incomplete: Vec<(usize, u64)>,
    /// Every run that was tried but lacks a fold, including those of split seeds with no
    /// scored fold at all.
    n_incomplete_runs: usize,
}

impl Scores {
    /// Seed `i`'s fold scores.
    pub fn folds(&self, i: usize) -> &[f64] {
        &self.values[self.starts[i]..self.starts[i + 1]]
    }

    /// Seed `i`'s fold numbers, in the order of [`Scores::folds`].
    pub fn fold_ids(&self, i: usize) -> &[u32] {
        if self.fold_ids.is_empty() {
            &self.identity[..self.starts[i + 1] - self.starts[i]]
        } else {
            &self.fold_ids[self.starts[i]..self.starts[i + 1]]
        }
    }

    /// Every seed's fold scores, in seed order.
    pub fn per_seed(&self) -> impl Iterator<Item = &[f64]> + '_ {
        (0..self.seeds.len()).map(|i| self.folds(i))
    }

    /// The model-seed scores behind fold `j` of seed `i`.
    pub fn model_seed_scores(&self, i: usize, j: usize) -> &[f64] {
        let k = self.starts[i] + j;
        if self.model_starts.is_empty() {
            std::slice::from_ref(&self.values[k])
        } else {
            &self.model_values[self.model_starts[k]..self.model_starts[k + 1]]
        }
    }

    /// Whether some fold was scored under more than one model seed.
    pub fn has_model_seeds(&self) -> bool {
        !self.model_starts.is_empty()
    }

    /// Seed `i`'s complete runs: each model seed scored in every fold of the split (a run
    /// that failed in some fold is left out whole, never lined up with another run's scores),
    /// with its fold scores in fold order.
    pub fn complete_runs(&self, i: usize) -> Vec<(u64, Vec<f64>)> {
        let folds = self.starts[i + 1] - self.starts[i];
        let incomplete = |m: u64| self.incomplete.binary_search(&(i, m)).is_ok();
        if self.model_starts.is_empty() {
            let m = self.uniform_model_seed.unwrap_or(0);
            return if folds == 0 || incomplete(m) {
                Vec::new()
            } else {
                vec![(m, self.folds(i).to_vec())]
            };
        }
        let run_of = |k: usize| {
            let range = self.model_starts[k]..self.model_starts[k + 1];
            self.model_ids[range.clone()]
                .iter()
                .zip(&self.model_values[range])
        };
        let first = self.starts[i];
        let mut runs: Vec<(u64, Vec<f64>)> = run_of(first)
            .filter(|(&m, _)| !incomplete(m))
            .map(|(&m, _)| (m, Vec::with_capacity(folds)))
            .collect();
        for k in first..first + folds {
            for (m, scores) in &mut runs {
                if let Some((_, &v)) = run_of(k).find(|(id, _)| **id == *m) {
                    scores.push(v);
                }
            }
        }
        runs.retain(|(_, scores)| scores.len() == folds);
        runs
    }

    /// Runs (split seed, model seed) that were tried but lack some fold's score.
    pub fn n_incomplete_runs(&self) -> usize {
        self.n_incomplete_runs
    }

    /// Mean test share of the folds (n_test / (n_train + n_test)); `None` without one.
    pub fn mean_test_fraction(&self) -> Option<f64> {
        (self.test_shares > 0).then(|| self.test_share_sum / self.test_shares as f64)
    }

    /// Mean training rows over the records (failed ones too), 0 without records.
    pub fn mean_n_train(&self) -> f64 {
        if self.n_records == 0 {
            0.0
        } else {
            self.n_train_sum / self.n_records as f64
        }
    }

    /// Mean over folds per split seed, in seed order.
    pub fn seed_means(&self) -> Vec<f64> {
        self.per_seed()
            .map(|f| super::mean(f).unwrap_or(f64::NAN))
            .collect()
    }

    /// All fold scores, seed by seed.
    pub fn all_folds(&self) -> &[f64] {
        &self.values
    }
}

/// A fold of the seed being built: (model seed, score) of each scored record, n_train, n_test.
type PendingFold = (Vec<(u64, f64)>, usize, usize);

/// Builds one [`Scores`] from its records, given split seed by split seed in ascending order
/// (any order within a seed).
#[derive(Debug)]
pub struct ScoresBuilder {
    scores: Scores,
    /// The current seed's folds; a fold whose records all failed is here with no scores.
    pending: BTreeMap<usize, PendingFold>,
    /// The model seeds the current seed's records were run under, failed ones too.
    tried: Vec<u64>,
    current: Option<u64>,
}

impl ScoresBuilder {
    /// An empty table of `model` on `metric` at share `train_fraction`.
    pub fn new(model: &str, metric: &str, train_fraction: f64) -> ScoresBuilder {
        ScoresBuilder {
            scores: Scores {
                model: model.into(),
                metric: metric.into(),
                train_fraction,
                seeds: Vec::new(),
                n_failed: 0,
                n_warnings: 0,
                n_unconverged: 0,
                chosen: BTreeMap::new(),
                n_train_sum: 0.0,
                n_records: 0,
                starts: vec![0],
                values: Vec::new(),
                fold_ids: Vec::new(),
                identity: Vec::new(),
                test_share_sum: 0.0,
                test_shares: 0,
                model_starts: Vec::new(),
                model_values: Vec::new(),
                model_ids: Vec::new(),
                uniform_model_seed: None,
                incomplete: Vec::new(),
                n_incomplete_runs: 0,
            },
            pending: BTreeMap::new(),
            tried: Vec::new(),
            current: None,
        }
    }

    /// Take one record of this model, metric and share.
    pub fn add(&mut self, r: &FoldRecord) {
        self.scores.n_train_sum += r.n_train as f64;
        self.scores.n_records += 1;
        if let Some(point) = &r.chosen {
            *self.scores.chosen.entry(point.clone()).or_default() += 1;
        }
        let run = (r.split_seed, r.model_seed);
        match (r.status, r.value) {
            (Status::Ok, Some(v)) => {
                self.push(run, r.fold, v, r.n_train, r.n_test);
                if let Some(w) = &r.warning {
                    self.scores.n_warnings += 1;
                    self.scores.n_unconverged += usize::from(w.contains(NOT_CONVERGED));
                }
            }
            _ => {
                self.fold_of(run, r.fold, r.n_train, r.n_test);
                self.scores.n_failed += 1;
            }
        }
    }

    /// The score of fold `fold` of `run` = (split seed, model seed).
    pub fn push(
        &mut self,
        run: (u64, u64),
        fold: usize,
        value: f64,
        n_train: usize,
        n_test: usize,
    ) {
        self.fold_of(run, fold, n_train, n_test)
            .push((run.1, value));
    }

    /// The current seed's fold `fold`, noting that `run` was tried there.
    fn fold_of(
        &mut self,
        (seed, model_seed): (u64, u64),
        fold: usize,
        n_train: usize,
        n_test: usize,
    ) -> &mut Vec<(u64, f64)> {
        if self.current != Some(seed) {
            self.close_seed();
            self.current = Some(seed);
        }
        if let Err(at) = self.tried.binary_search(&model_seed) {
            self.tried.insert(at, model_seed);
        }
        &mut self
            .pending
            .entry(fold)
            .or_insert((Vec::new(), n_train, n_test))
            .0
    }

    fn close_seed(&mut self) {
        let tried = std::mem::take(&mut self.tried);
        let Some(seed) = self.current else {
            return;
        };
        let s = &mut self.scores;
        // a run is complete when it has a score in every fold its split seed's records name
        let index = s.seeds.len();
        for &m in &tried {
            if !self
                .pending
                .values()
                .all(|(runs, ..)| runs.iter().any(|r| r.0 == m))
            {
                s.n_incomplete_runs += 1;
                s.incomplete.push((index, m));
            }
        }
        self.pending.retain(|_, (runs, ..)| !runs.is_empty());
        if self.pending.is_empty() {
            // no scored fold: the seed is not a row of the table
            s.incomplete.retain(|&(i, _)| i < index);
            return;
        }
        let in_order = self.pending.keys().enumerate().all(|(i, &f)| i == f);
        if in_order && s.fold_ids.is_empty() {
            s.identity
                .extend(s.identity.len() as u32..self.pending.len() as u32);
        } else if s.fold_ids.is_empty() {
            // the first seed whose folds are not 0, 1, …: number every fold from here on
            s.fold_ids = (0..s.seeds.len())
                .flat_map(|i| 0..(s.starts[i + 1] - s.starts[i]) as u32)
                .collect();
        }
        for (fold, (runs, n_train, n_test)) in std::mem::take(&mut self.pending) {
            let uniform = *s.uniform_model_seed.get_or_insert(runs[0].0);
            if (runs.len() > 1 || runs[0].0 != uniform) && s.model_starts.is_empty() {
                // the first fold with several model seeds, or another one: every earlier fold
                // had one score, under the same model seed
                s.model_values = s.values.clone();
                s.model_ids = vec![uniform; s.values.len()];
                s.model_starts = (0..=s.values.len()).collect();
            }
            let values: Vec<f64> = runs.iter().map(|r| r.1).collect();
            s.values.push(super::mean(&values).unwrap_or(f64::NAN));
            if !s.fold_ids.is_empty() || !in_order {
                s.fold_ids.push(u32::try_from(fold).unwrap_or(u32::MAX));
            }
            let share = n_test as f64 / (n_train + n_test) as f64;
            if share.is_finite() {
                s.test_share_sum += share;
                s.test_shares += 1;
            }
            if !s.model_starts.is_empty() {
                s.model_values.extend(&values);
                s.model_ids.extend(runs.iter().map(|r| r.0));
                s.model_starts.push(s.model_values.len());
            }
        }
        s.seeds.push(seed);
        s.starts.push(s.values.len());
    }

    /// The finished table (without spare capacity: a study may hold many).
    pub fn finish(mut self) -> Scores {
        self.close_seed();
        let s = &mut self.scores;
        for v in [&mut s.values, &mut s.model_values] {
            v.shrink_to_fit();
        }
        for v in [&mut s.starts, &mut s.model_starts] {
            v.shrink_to_fit();
        }
        s.model_ids.shrink_to_fit();
        s.seeds.shrink_to_fit();
        s.fold_ids.shrink_to_fit();
        self.scores
    }
}

/// Collects the [`Scores`] of every (model, metric, share) from records given in the records
/// contract's order (or any order that has each model, share and metric's split seeds
/// ascending).
#[derive(Debug, Default)]
pub struct ScoreBook {
    /// Per model, per metric, per share (its bits); looked up by the record's names, so a
    /// record allocates nothing unless it opens a new table.
    tables: BTreeMap<String, BTreeMap<String, BTreeMap<u64, ScoresBuilder>>>,
}

impl ScoreBook {
    /// Take one record.
    pub fn add(&mut self, r: &FoldRecord) {
        if !self.tables.contains_key(r.model.as_str()) {
            self.tables.insert(r.model.clone(), BTreeMap::new());
        }
        let by_metric = self
            .tables
            .get_mut(r.model.as_str())
            .expect("inserted above");
        if !by_metric.contains_key(r.metric.as_str()) {
            by_metric.insert(r.metric.clone(), BTreeMap::new());
        }
        by_metric
            .get_mut(r.metric.as_str())
            .expect("inserted above")
            .entry(r.train_fraction.to_bits())
            .or_insert_with(|| ScoresBuilder::new(&r.model, &r.metric, r.train_fraction))
            .add(r);
    }

    /// Every table, sorted by model, metric and share.
    pub fn finish(self) -> Vec<Scores> {
        self.tables
            .into_values()
            .flat_map(BTreeMap::into_values)
            .flat_map(BTreeMap::into_values)
            .map(ScoresBuilder::finish)
            .collect()
    }
}

/// Group records (in any order) by (model, metric, share), in that sorted order.
pub fn group_scores(records: &[FoldRecord]) -> Vec<Scores> {
    let mut order: Vec<&FoldRecord> = records.iter().collect();
    order.sort_by_key(|r| r.key());
    let mut book = ScoreBook::default();
    for r in order {
        book.add(r);
    }
    book.finish()
}

/// The tables of whole training folds (share 1), which the main analysis uses.
pub fn whole(scores: &[Scores]) -> Vec<&Scores> {
    scores.iter().filter(|s| s.train_fraction == 1.0).collect()
}
