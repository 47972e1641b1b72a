//! The compact table `run` prints: one row per model × metric.

use crate::stats::{mean, std_dev, Scores};
use std::fmt::Write;

fn number(v: Option<f64>) -> String {
    v.map_or_else(|| "-".into(), |v| format!("{v:.4}"))
}

/// Mean and std of seed means, worst and best seed mean, failed records.
pub fn render_table(scores: &[Scores]) -> String {
    let header = [
        "model",
        "metric",
        "mean",
        "std(seeds)",
        "min seed",
        "max seed",
        "seeds",
        "failed",
    ];
    let rows: Vec<[String; 8]> = scores
        .iter()
        .map(|s| {
            let means = s.seed_means();
            let min = means.iter().copied().reduce(f64::min);
            let max = means.iter().copied().reduce(f64::max);
            [
                s.model.clone(),
                s.metric.clone(),
                number(mean(&means)),
                number(std_dev(&means)),
                number(min),
                number(max),
                means.len().to_string(),
                s.n_failed.to_string(),
            ]
        })
        .collect();
    let widths: Vec<usize> = (0..header.len())
        .map(|c| {
            rows.iter()
                .map(|r| r[c].chars().count())
                .chain([header[c].len()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    let line = |cells: Vec<&str>, out: &mut String| {
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
    line(header.to_vec(), &mut out);
    for r in &rows {
        line(r.iter().map(String::as_str).collect(), &mut out);
    }
    out
}
