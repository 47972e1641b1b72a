//! Learning curves with seed bands: per model and metric, the score at each share of the
//! training rows (mean over split seeds of the seed means, its t interval and the sd across
//! seeds), and whether the last step still gained: the mean per-seed gain from the
//! second-largest share to the whole training set with its t interval (paired by seed, since
//! both steps share each seed's folds and test rows).

use super::{group_scores, mean, std_dev, t_interval, Interval, Maybe, Scale};
use crate::record::FoldRecord;
use serde::{Deserialize, Serialize};

/// One step of one model's curve on one metric.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CurvePoint {
    /// The model.
    pub model: String,
    /// The metric.
    pub metric: String,
    /// Share of each fold's training rows fitted on.
    pub train_fraction: f64,
    /// Mean training rows at this share.
    pub n_train: f64,
    /// Split seeds scored.
    pub n_seeds: usize,
    /// Mean over split seeds of the seed means.
    pub mean: f64,
    /// t interval of that mean, clipped to the metric's range.
    pub ci: Maybe<Interval>,
    /// Standard deviation of the seed means.
    pub sd_across_seeds: Maybe<f64>,
}

/// The gain of a curve's last step (second-largest share → 1), oriented so that positive is
/// better.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LastStep {
    /// The model.
    pub model: String,
    /// The metric.
    pub metric: String,
    /// The share the step starts from.
    pub from: f64,
    /// Mean per-seed gain in the better direction.
    pub gain: f64,
    /// Its t interval over split seeds.
    pub ci: Maybe<Interval>,
    /// Whether the interval lies above 0: more training rows still helped.
    pub still_improving: bool,
}

/// The learning curve of `records` (all shares; nothing when every record is at share 1).
pub fn learning_curve(
    records: &[FoldRecord],
    scale: &dyn Fn(&str) -> Scale,
    level: f64,
) -> (Vec<CurvePoint>, Vec<LastStep>) {
    let mut shares: Vec<f64> = records.iter().map(|r| r.train_fraction).collect();
    shares.sort_by(f64::total_cmp);
    shares.dedup();
    if shares.len() < 2 {
        return (Vec::new(), Vec::new());
    }
    // each share's records grouped as the main analysis groups share 1
    let per_share: Vec<(f64, Vec<super::Scores>, Vec<&FoldRecord>)> = shares
        .iter()
        .map(|&share| {
            let mine: Vec<&FoldRecord> = records
                .iter()
                .filter(|r| r.train_fraction == share)
                .collect();
            let as_whole: Vec<FoldRecord> = mine
                .iter()
                .map(|r| FoldRecord {
                    train_fraction: 1.0,
                    ..(*r).clone()
                })
                .collect();
            (share, group_scores(&as_whole), mine)
        })
        .collect();
    let mut points = Vec::new();
    for (share, scores, mine) in &per_share {
        for s in scores {
            let seed_means = s.seed_means();
            let trained: Vec<f64> = mine
                .iter()
                .filter(|r| r.model == s.model && r.metric == s.metric)
                .map(|r| r.n_train as f64)
                .collect();
            let range = scale(&s.metric).range;
            points.push(CurvePoint {
                model: s.model.clone(),
                metric: s.metric.clone(),
                train_fraction: *share,
                n_train: mean(&trained).unwrap_or(0.0),
                n_seeds: seed_means.len(),
                mean: mean(&seed_means).unwrap_or(f64::NAN),
                ci: t_interval(&seed_means, level).map(|i| i.clipped(range)),
                sd_across_seeds: std_dev(&seed_means)
                    .map_or_else(|| Maybe::absent("needs at least 2 seeds"), Maybe::Value),
            });
        }
    }
    points.sort_by(|a, b| {
        (a.model.as_str(), a.metric.as_str())
            .cmp(&(b.model.as_str(), b.metric.as_str()))
            .then(a.train_fraction.total_cmp(&b.train_fraction))
    });
    let (before, last) = (
        &per_share[per_share.len() - 2],
        &per_share[per_share.len() - 1],
    );
    let steps = last
        .1
        .iter()
        .filter_map(|whole| {
            let part = before
                .1
                .iter()
                .find(|p| p.model == whole.model && p.metric == whole.metric)?;
            let sign = if scale(&whole.metric).higher_is_better {
                1.0
            } else {
                -1.0
            };
            let (a, b) = (whole.seed_means(), part.seed_means());
            let gains: Vec<f64> = whole
                .seeds
                .iter()
                .zip(&a)
                .filter_map(|(seed, x)| {
                    let i = part.seeds.binary_search(seed).ok()?;
                    Some(sign * (x - b[i]))
                })
                .collect();
            let ci = t_interval(&gains, level);
            Some(LastStep {
                model: whole.model.clone(),
                metric: whole.metric.clone(),
                from: before.0,
                gain: mean(&gains).unwrap_or(f64::NAN),
                still_improving: ci.value().is_some_and(|i| i.lower > 0.0),
                ci,
            })
        })
        .collect();
    (points, steps)
}
