//! `report.md`: the robustness report a reader can hand to a reviewer.

use super::content::{
    comparison_rows, headline, method_lines, metrics, ranking_lines, summary_row,
    COMPARISON_HEADER, SUMMARY_HEADER,
};
use crate::stats::Analysis;
use std::fmt::Write;

fn table(out: &mut String, header: &[&str], rows: &[Vec<String>]) {
    let _ = writeln!(
        out,
        "| {} |\n|{}",
        header.join(" | "),
        "---|".repeat(header.len())
    );
    for r in rows {
        let _ = writeln!(out, "| {} |", r.join(" | ").replace('\n', " "));
    }
}

fn list(out: &mut String, heading: &str, lines: &[String]) {
    if !lines.is_empty() {
        let _ = writeln!(out, "\n## {heading}\n");
        for l in lines {
            let _ = writeln!(out, "- {l}");
        }
    }
}

/// The report as Markdown. `title` names the study; `about` lines describe data and design.
pub fn render_markdown(analysis: &Analysis, title: &str, about: &[String]) -> String {
    let mut out = format!("# seedfold report: {title}\n\n");
    for line in about {
        let _ = writeln!(out, "- {line}");
    }
    out += "\n## How much of the score is the seed?\n";
    for metric in metrics(analysis) {
        let summaries: Vec<_> = analysis
            .summaries
            .iter()
            .filter(|s| s.metric == metric)
            .collect();
        let _ = writeln!(out, "\n### {metric}\n");
        for s in &summaries {
            let _ = writeln!(out, "- {}", headline(s, analysis.options.confidence));
        }
        out.push('\n');
        table(
            &mut out,
            &SUMMARY_HEADER,
            &summaries.iter().map(|s| summary_row(s)).collect::<Vec<_>>(),
        );
    }
    let comparisons = comparison_rows(analysis);
    if !comparisons.is_empty() {
        out += "\n## Does one model really beat another?\n\n";
        table(&mut out, &COMPARISON_HEADER, &comparisons);
    }
    list(&mut out, "Ranking stability", &ranking_lines(analysis));
    list(&mut out, "Notes", &analysis.notes);
    list(&mut out, "Methods", &method_lines(analysis));
    out
}
