//! Grouping records into per-(model, metric) score tables indexed by split seed and fold.

use crate::record::{FoldRecord, Status};
use std::collections::BTreeMap;

/// The scores of one model on one metric: `folds[i]` holds split seed `seeds[i]`'s fold
/// scores (each averaged over model seeds when the model has several), failed folds left out.
#[derive(Debug, Clone, PartialEq)]
pub struct Scores {
    /// Model name.
    pub model: String,
    /// Metric name.
    pub metric: String,
    /// Split seeds with at least one scored fold, ascending.
    pub seeds: Vec<u64>,
    /// Per seed, per scored fold: the score.
    pub folds: Vec<Vec<f64>>,
    /// Per seed: the fold numbers of `folds`' entries.
    pub fold_ids: Vec<Vec<usize>>,
    /// Per seed, per fold: the model-seed scores behind each fold score.
    pub model_seed_scores: Vec<Vec<Vec<f64>>>,
    /// Per seed, per fold: test rows / all rows (n_test / (n_train + n_test)).
    pub test_fraction: Vec<Vec<f64>>,
    /// Records that failed.
    pub n_failed: usize,
    /// Scored records with a warning (e.g. the solver did not converge).
    pub n_warnings: usize,
}

impl Scores {
    /// Mean over folds per split seed, in seed order.
    pub fn seed_means(&self) -> Vec<f64> {
        self.folds
            .iter()
            .map(|f| super::mean(f).unwrap_or(f64::NAN))
            .collect()
    }

    /// All fold scores, seed by seed.
    pub fn all_folds(&self) -> Vec<f64> {
        self.folds.iter().flatten().copied().collect()
    }
}

type Key = (String, String);
/// Model-seed scores of one fold, with its n_train and n_test.
type Cell = (Vec<f64>, usize, usize);
/// Per split seed, per fold.
type BySeed = BTreeMap<u64, BTreeMap<usize, Cell>>;
/// Scores, failed records, warned records.
type Group = (BySeed, usize, usize);

/// Group records by (model, metric), in that sorted order.
pub fn group_scores(records: &[FoldRecord]) -> Vec<Scores> {
    let mut cells: BTreeMap<Key, Group> = BTreeMap::new();
    // a learning curve's smaller shares are analysed apart (see learning_curve)
    for r in records.iter().filter(|r| r.train_fraction == 1.0) {
        let entry = cells
            .entry((r.model.clone(), r.metric.clone()))
            .or_default();
        match (r.status, r.value) {
            (Status::Ok, Some(v)) => {
                let cell = entry
                    .0
                    .entry(r.split_seed)
                    .or_default()
                    .entry(r.fold)
                    .or_insert((Vec::new(), r.n_train, r.n_test));
                cell.0.push(v);
                entry.2 += usize::from(r.warning.is_some());
            }
            _ => entry.1 += 1,
        }
    }
    cells
        .into_iter()
        .map(|((model, metric), (by_seed, n_failed, n_warnings))| {
            let seeds: Vec<u64> = by_seed.keys().copied().collect();
            let folds = by_seed
                .values()
                .map(|f| {
                    f.values()
                        .map(|c| super::mean(&c.0).unwrap_or(f64::NAN))
                        .collect()
                })
                .collect();
            let fold_ids = by_seed
                .values()
                .map(|f| f.keys().copied().collect())
                .collect();
            let model_seed_scores = by_seed
                .values()
                .map(|f| f.values().map(|c| c.0.clone()).collect())
                .collect();
            let test_fraction = by_seed
                .values()
                .map(|f| {
                    f.values()
                        .map(|c| c.2 as f64 / (c.1 + c.2) as f64)
                        .collect()
                })
                .collect();
            Scores {
                model,
                metric,
                seeds,
                folds,
                fold_ids,
                model_seed_scores,
                test_fraction,
                n_failed,
                n_warnings,
            }
        })
        .collect()
}
