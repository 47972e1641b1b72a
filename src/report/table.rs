//! The compact table `run` and `summarize` print: one row per model × metric.

use super::verdict::{mean_with_interval, num, seed_share};
use crate::stats::Analysis;
use std::fmt::Write;

/// Mean with its interval across seeds, std of seed means, the seed's share of the variance,
/// worst and best seed mean, failed records.
pub fn render_table(analysis: &Analysis) -> String {
    let level = format!("mean [{:.0} % CI]", 100.0 * analysis.options.confidence);
    let header = [
        "model",
        "metric",
        level.as_str(),
        "std(seeds)",
        "seed share",
        "worst seed",
        "best seed",
        "seeds",
        "failed",
    ];
    let rows: Vec<Vec<String>> = analysis
        .summaries
        .iter()
        .map(|s| {
            vec![
                s.model.clone(),
                s.metric.clone(),
                mean_with_interval(s),
                num(s.across_seeds.std.value().copied()),
                seed_share(s),
                num(Some(s.worst_seed.mean)),
                num(Some(s.best_seed.mean)),
                s.n_seeds.to_string(),
                s.n_failed.to_string(),
            ]
        })
        .collect();
    let widths: Vec<usize> = (0..header.len())
        .map(|c| {
            rows.iter()
                .map(|r| r[c].chars().count())
                .chain([header[c].chars().count()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    let mut line = |cells: Vec<&str>| {
        let text: Vec<String> = cells
            .iter()
            .enumerate()
            .map(|(c, v)| {
                if c < 2 {
                    format!("{v:<w$}", w = widths[c])
                } else {
                    format!("{v:>w$}", w = widths[c])
                }
            })
            .collect();
        let _ = writeln!(out, "{}", text.join("  ").trim_end());
    };
    line(header.to_vec());
    for r in &rows {
        line(r.iter().map(String::as_str).collect());
    }
    for s in analysis.summaries.iter().filter(|s| s.n_warnings > 0) {
        let _ = writeln!(
            out,
            "warning: {} {}: {} scores from fits that did not converge (see the records' warning column)",
            s.model, s.metric, s.n_warnings
        );
    }
    out
}
