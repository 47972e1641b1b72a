//! The whole analysis of a run's records: every summary, comparison and ranking.

use super::decision::adjust_and_decide;
use super::summary::{compare, rank, summarize, Comparison, Options, Ranking, Summary};
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
    /// What was left out and why.
    pub notes: Vec<String>,
}

/// Analyse `records`; `scale(metric)` tells each metric's direction and range.
pub fn analyse(
    records: &[FoldRecord],
    scale: &(dyn Fn(&str) -> Scale + Sync),
    options: &Options,
) -> Analysis {
    analyse_scores(&group_scores(records), scale, options)
}

/// [`analyse`] for records already grouped by [`group_scores`] (a caller that also plots the
/// scores groups them once).
pub fn analyse_scores(
    scores: &[Scores],
    scale: &(dyn Fn(&str) -> Scale + Sync),
    options: &Options,
) -> Analysis {
    let mut notes = Vec::new();
    // summaries are independent (each bootstrap has its own seeded stream): compute them in
    // parallel, keep them in order
    let computed: Vec<Option<Summary>> = scores
        .par_iter()
        .map(|s| summarize(s, scale(&s.metric), options))
        .collect();
    let summaries: Vec<Summary> = scores
        .iter()
        .zip(computed)
        .filter_map(|(s, summary)| {
            if summary.is_none() {
                notes.push(format!(
                    "{} has no scored fold on {}: every fit failed",
                    s.model, s.metric
                ));
            }
            summary
        })
        .collect();
    let mut metrics: Vec<&str> = scores.iter().map(|s| s.metric.as_str()).collect();
    metrics.sort_unstable();
    metrics.dedup();
    let mut comparisons = Vec::new();
    let mut rankings = Vec::new();
    for metric in metrics {
        let metric_scale = scale(metric);
        let group: Vec<&Scores> = scores
            .iter()
            .filter(|s| s.metric == metric && !s.seeds.is_empty())
            .collect();
        let first = comparisons.len();
        for (i, a) in group.iter().enumerate() {
            for b in &group[i + 1..] {
                match compare(a, b, metric_scale, options) {
                    Ok(c) if c.mean_difference < 0.0 => {
                        comparisons.extend(compare(b, a, metric_scale, options))
                    }
                    Ok(c) => comparisons.push(c),
                    Err(reason) => notes.push(format!("not compared: {reason}")),
                }
            }
        }
        adjust_and_decide(&mut comparisons[first..], 1.0 - options.confidence);
        rankings.extend(rank(&group, metric_scale.higher_is_better));
    }
    Analysis {
        options: options.clone(),
        summaries,
        comparisons,
        rankings,
        notes,
    }
}
