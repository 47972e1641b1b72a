//! The whole analysis of a run's records: every summary, comparison and ranking.

use super::bootstrap::bootstrap_means;
use super::decision::adjust_and_decide;
use super::learning_curve::{learning_curve, CurvePoint, LastStep};
use super::scores::whole;
use super::selection::{selections as selections_of, tunings, Selection, Tuning};
use super::settle::settle;
use super::summary::{
    compare, mean_difference, rank, summarize_with, test_share, Comparison, LimitingFactor,
    Options, Ranking, Summary,
};
use super::{group_scores, Scale, Scores};
use crate::record::FoldRecord;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

/// Summaries per (model, metric), comparisons per pair of models, rankings per metric, and
/// notes on what could not be computed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Analysis {
    /// The settings used.
    pub options: Options,
    /// One per (model, metric) with scores, sorted by model then metric.
    pub summaries: Vec<Summary>,
    /// One per pair of models on each metric, oriented so that model A is ahead.
    pub comparisons: Vec<Comparison>,
    /// One per metric with two or more models.
    pub rankings: Vec<Ranking>,
    /// One per parameter grid and metric: how stably each grid point is selected.
    pub selections: Vec<Selection>,
    /// One per tuned model: how often its inner cross-validation chose each grid point.
    pub tuning: Vec<Tuning>,
    /// Per model, metric and share of the training rows (empty without a learning curve).
    pub learning_curve: Vec<CurvePoint>,
    /// Per model and metric, the gain of the learning curve's last step.
    pub learning_curve_last_step: Vec<LastStep>,
    /// Per (model, metric) without a single scored fold, so without a summary.
    pub unscored: Vec<Unscored>,
    /// What was left out and why.
    pub notes: Vec<String>,
}

/// A model with no scored fold on a metric (no fit succeeded, or the metric was undefined on
/// every fold it fitted), and how many of its scores failed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Unscored {
    /// Model name.
    pub model: String,
    /// Metric name.
    pub metric: String,
    /// Its failed scores on the metric: all of its records.
    pub failed: usize,
}

impl Unscored {
    /// What the notes say of it.
    fn note(&self) -> String {
        format!(
            "{} has no scored fold on {}: all its {} score(s) failed (see the records' status \
             and error columns)",
            self.model, self.metric, self.failed
        )
    }
}

/// Models above which a metric's models are compared with its leader only (m − 1 pairs instead
/// of m(m − 1)/2), so the analysis grows linearly with a large grid.
pub const MAX_ALL_PAIRS: usize = 30;

/// The pairs of `group` to compare: all of them, or each model with the leader (best mean of
/// seed means) when there are more than [`MAX_ALL_PAIRS`] models, with a note saying so.
fn pairs<'a>(
    group: &[&'a Scores],
    higher_is_better: bool,
    metric: &str,
    notes: &mut Vec<String>,
) -> Vec<(&'a Scores, &'a Scores)> {
    if group.len() <= MAX_ALL_PAIRS {
        return group
            .iter()
            .enumerate()
            .flat_map(|(i, a)| group[i + 1..].iter().map(move |b| (*a, *b)))
            .collect();
    }
    let score = |s: &Scores| {
        let m = super::mean(&s.seed_means()).unwrap_or(f64::NAN);
        if higher_is_better {
            m
        } else {
            -m
        }
    };
    let Some(leader) = group
        .iter()
        .copied()
        .max_by(|a, b| score(a).total_cmp(&score(b)))
    else {
        return Vec::new();
    };
    notes.push(format!(
        "{metric}: {} models, more than {MAX_ALL_PAIRS}: each is compared with the leader {} only",
        group.len(),
        leader.model
    ));
    group
        .iter()
        .filter(|s| s.model != leader.model)
        .map(|b| (leader, *b))
        .collect()
}

/// Analyse `records`; `scale(metric)` tells each metric's direction and range.
pub fn analyse(
    records: &[FoldRecord],
    scale: &(dyn Fn(&str) -> Scale + Sync),
    options: &Options,
) -> Analysis {
    analyse_scores(&group_scores(records), scale, options)
}

/// [`analyse`] for records already grouped (by [`group_scores`] or a [`super::ScoreBook`] fed
/// a stream of records): the main analysis of whole training folds, and the learning curve
/// when there are smaller shares.
pub fn analyse_scores(
    all: &[Scores],
    scale: &(dyn Fn(&str) -> Scale + Sync),
    options: &Options,
) -> Analysis {
    let scores = whole(all);
    let mut notes = Vec::new();
    let mut unscored = Vec::new();
    // the bootstrap intervals first, sharing their draws; then the summaries in parallel,
    // kept in order
    let seed_means: Vec<Vec<f64>> = scores.iter().map(|s| s.seed_means()).collect();
    let sets: Vec<&[f64]> = seed_means.iter().map(Vec::as_slice).collect();
    let intervals = bootstrap_means(
        &sets,
        options.resamples,
        options.bootstrap_seed,
        options.confidence,
    );
    let computed: Vec<Option<Summary>> = scores
        .par_iter()
        .zip(intervals)
        .map(|(s, interval)| summarize_with(s, scale(&s.metric), options, interval))
        .collect();
    let summaries: Vec<Summary> = scores
        .iter()
        .zip(computed)
        .filter_map(|(s, summary)| {
            if summary.is_none() {
                let entry = Unscored {
                    model: s.model.clone(),
                    metric: s.metric.clone(),
                    failed: s.n_failed,
                };
                notes.push(entry.note());
                unscored.push(entry);
            }
            summary
        })
        .collect();
    let mut metrics: Vec<&str> = scores.iter().map(|s| s.metric.as_str()).collect();
    metrics.sort_unstable();
    metrics.dedup();
    let mut comparisons = Vec::new();
    let mut rankings = Vec::new();
    let mut selections = Vec::new();
    for metric in metrics {
        let metric_scale = scale(metric);
        let group: Vec<&Scores> = scores
            .iter()
            .copied()
            .filter(|s| s.metric == metric && !s.seeds.is_empty())
            .collect();
        let first = comparisons.len();
        for (a, b) in pairs(&group, metric_scale.higher_is_better, metric, &mut notes) {
            // the model the mean fold difference favours is compared over the other
            let (a, b) = match mean_difference(a, b, metric_scale.higher_is_better) {
                Some(d) if d < 0.0 => (b, a),
                _ => (a, b),
            };
            match compare(a, b, metric_scale, options) {
                Ok(c) => comparisons.push(c),
                Err(reason) => notes.push(format!("not compared: {reason}")),
            }
        }
        adjust_and_decide(&mut comparisons[first..], 1.0 - options.confidence);
        for c in &mut comparisons[first..] {
            let share = group
                .iter()
                .find(|s| s.model == c.model_a)
                .map(|a| test_share(a, options));
            c.settle = share.and_then(|share| settle(c, share, 1.0 - options.confidence));
        }
        rankings.extend(rank(&group, metric_scale.higher_is_better));
        selections.extend(selections_of(&group, metric_scale));
    }
    for c in &mut comparisons {
        let summary = |model: &str| {
            summaries
                .iter()
                .find(|s| s.model == model && s.metric == c.metric)
        };
        c.limiting_factor = summary(&c.model_a)
            .zip(summary(&c.model_b))
            .and_then(|(a, b)| LimitingFactor::of(a, b));
    }
    let (learning_curve, learning_curve_last_step) = learning_curve(all, scale, options.confidence);
    Analysis {
        options: options.clone(),
        summaries,
        comparisons,
        rankings,
        selections,
        tuning: tunings(&scores),
        learning_curve,
        learning_curve_last_step,
        unscored,
        notes,
    }
}
