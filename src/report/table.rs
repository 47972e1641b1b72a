//! The compact table `run` and `summarize` print: one row per model × metric, then one line
//! per metric on who leads and whether the lead is real.

use super::content::{learning_curve_lines, selection_lines};
use super::verdict::{
    answer_lines, data_and_seed_interval, score, seed_range, seed_sds, warning_sentence,
};
use crate::stats::Analysis;
use std::fmt::Write;

/// Per model and metric: the mean, where one seeded CV score lands (data + seed interval), the
/// seed standard deviations (split, model), the worst and best seed, failed records; then the
/// leader of each metric with the verdict on its lead, and convergence warnings.
pub fn render_table(analysis: &Analysis) -> String {
    let level = format!(
        "data + seed {:.0} % interval",
        100.0 * analysis.options.confidence
    );
    let header = [
        "model",
        "metric",
        "mean",
        level.as_str(),
        "seed sd",
        "worst – best seed",
        "seeds",
        "failed",
    ];
    let rows: Vec<Vec<String>> = analysis
        .summaries
        .iter()
        .map(|s| {
            vec![
                clean(&s.model),
                clean(&s.metric),
                score(s.across_seeds.mean),
                data_and_seed_interval(s),
                seed_sds(s),
                seed_range(s),
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
    // the report's opening answer, then what the grid and the learning curve concluded
    let closing = answer_lines(analysis)
        .into_iter()
        .chain(selection_lines(analysis))
        .chain(learning_curve_lines(analysis));
    for line in closing {
        let _ = writeln!(out, "{}", clean(&line));
    }
    for s in &analysis.summaries {
        if let Some(w) = warning_sentence(s) {
            let _ = writeln!(
                out,
                "warning: {} {}: {w}",
                clean(&s.model),
                clean(&s.metric)
            );
        }
    }
    out
}

/// Text without control characters (a name could carry terminal escapes).
fn clean(text: &str) -> String {
    text.chars().filter(|c| !c.is_control()).collect()
}
