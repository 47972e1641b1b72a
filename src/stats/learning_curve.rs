//! Learning curves with seed bands: per model and metric, the score at each share of the
//! training rows (mean over split seeds of the seed means, its t interval and the sd across
//! seeds), and whether the last step still gained: the mean per-seed gain from the
//! second-largest share to the whole training set with its t interval (paired by seed, since
//! both steps share each seed's folds and test rows).

use super::{mean, std_dev, t_interval, Interval, Maybe, Scale, Scores};
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

/// The learning curve of `scores` (every share; nothing when all are at share 1).
pub fn learning_curve(
    scores: &[Scores],
    scale: &dyn Fn(&str) -> Scale,
    level: f64,
) -> (Vec<CurvePoint>, Vec<LastStep>) {
    let mut shares: Vec<f64> = scores.iter().map(|s| s.train_fraction).collect();
    shares.sort_by(f64::total_cmp);
    shares.dedup();
    if shares.len() < 2 {
        return (Vec::new(), Vec::new());
    }
    let at = |share: f64| -> Vec<&Scores> {
        scores
            .iter()
            .filter(|s| s.train_fraction == share)
            .collect()
    };
    let mut points = Vec::new();
    for s in scores {
        let seed_means = s.seed_means();
        let range = scale(&s.metric).range;
        points.push(CurvePoint {
            model: s.model.clone(),
            metric: s.metric.clone(),
            train_fraction: s.train_fraction,
            n_train: s.mean_n_train(),
            n_seeds: seed_means.len(),
            mean: mean(&seed_means).unwrap_or(f64::NAN),
            ci: t_interval(&seed_means, level).map(|i| i.clipped(range)),
            sd_across_seeds: std_dev(&seed_means)
                .map_or_else(|| Maybe::absent("needs at least 2 seeds"), Maybe::Value),
        });
    }
    points.sort_by(|a, b| {
        (a.model.as_str(), a.metric.as_str())
            .cmp(&(b.model.as_str(), b.metric.as_str()))
            .then(a.train_fraction.total_cmp(&b.train_fraction))
    });
    let from = shares[shares.len() - 2];
    let before = at(from);
    let steps = at(shares[shares.len() - 1])
        .into_iter()
        .filter_map(|whole| {
            let part = before
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
                from,
                gain: mean(&gains).unwrap_or(f64::NAN),
                still_improving: ci.value().is_some_and(|i| i.lower > 0.0),
                ci,
            })
        })
        .collect();
    (points, steps)
}
