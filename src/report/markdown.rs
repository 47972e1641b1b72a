//! `report.md`: the robustness report a reader can hand to a reviewer.

use super::content::{anchor, contents, ANSWER, COMPARE, DESIGN, SEED};
use super::content::{
    chance_lines, comparison_rows, headline, learning_curve_lines, method_lines, metrics,
    nested_lines, ranking_lines, selection_lines, summary_row, tuning_lines, Section, CHANCE,
    COMPARISON_HEADER, NESTED, SUMMARY_HEADER, TUNED,
};
use super::verdict::{answer_lines, leader_lines};
use crate::stats::Analysis;
use std::fmt::Write;

/// Text safe in one Markdown line or table cell: no line breaks or control characters (a
/// name could forge a heading); `|` and `\\` escaped; every character that could start a
/// link, image, emphasis, code span or strike-through escaped (`*`, `` ` ``, `~`; `_` unless
/// inside a word, where CommonMark never reads it as emphasis; `]` before `(` or `[`), so a
/// name such as `[x](javascript:…)` shows as written while `[0.41, 0.52]` and `roc_auc` stay
/// as they are; and `<` before a tag name written as `&lt;` (a name could carry HTML, which
/// Markdown renderers pass through).
pub(super) fn md(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    let mut previous = ' ';
    while let Some(c) = chars.next() {
        let next = chars.peek().copied().unwrap_or(' ');
        let escaped = match c {
            '|' | '\\' | '*' | '`' | '~' => true,
            '_' => !(previous.is_alphanumeric() && next.is_alphanumeric()),
            ']' => matches!(next, '(' | '['),
            _ => false,
        };
        previous = c;
        match c {
            '\n' | '\r' | '\t' => out.push(' '),
            c if c.is_control() => {}
            c if escaped => {
                out.push('\\');
                out.push(c);
            }
            '<' if chars
                .peek()
                .is_some_and(|n| n.is_alphabetic() || matches!(n, '/' | '!' | '?')) =>
            {
                out.push_str("&lt;")
            }
            c => out.push(c),
        }
    }
    out
}

pub(super) fn table(out: &mut String, header: &[&str], rows: &[Vec<String>]) {
    let _ = writeln!(
        out,
        "| {} |\n|{}",
        header.join(" | "),
        "---|".repeat(header.len())
    );
    for r in rows {
        let cells: Vec<String> = r.iter().map(|c| md(c)).collect();
        let _ = writeln!(out, "| {} |", cells.join(" | "));
    }
}

/// A second-level heading with its anchor (see [`anchor`]).
fn heading(out: &mut String, text: &str) {
    let _ = writeln!(
        out,
        "\n<a id=\"{}\"></a>\n\n## {}\n",
        anchor(text),
        md(text)
    );
}

pub(super) fn list(out: &mut String, title: &str, lines: &[String]) {
    if !lines.is_empty() {
        heading(out, title);
        for l in lines {
            let _ = writeln!(out, "- {}", md(l));
        }
    }
}

/// The report as Markdown. `title` names the study; `about` lines describe data and design;
/// `sections` (heading, lines) come after the comparisons (e.g. hard rows).
pub fn render_markdown(
    analysis: &Analysis,
    title: &str,
    about: &[String],
    sections: &[Section],
) -> String {
    let mut out = format!("# seedfold report: {}\n", md(title));
    list(&mut out, ANSWER, &answer_lines(analysis));
    out += "\n**Contents:** ";
    let links: Vec<String> = contents(analysis, sections)
        .iter()
        .map(|h| format!("[{}](#{})", md(h), anchor(h)))
        .collect();
    out += &links.join(" · ");
    out.push('\n');
    list(&mut out, DESIGN, about);
    heading(&mut out, SEED);
    for metric in metrics(analysis) {
        let summaries: Vec<_> = analysis
            .summaries
            .iter()
            .filter(|s| s.metric == metric)
            .collect();
        let _ = writeln!(out, "\n### {}\n", md(metric));
        for s in &summaries {
            let _ = writeln!(out, "- {}", md(&headline(s, analysis.options.confidence)));
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
        heading(&mut out, COMPARE);
        for line in leader_lines(analysis) {
            let _ = writeln!(out, "- {}", md(&line));
        }
        out.push('\n');
        table(&mut out, &COMPARISON_HEADER, &comparisons);
    }
    list(&mut out, "Ranking stability", &ranking_lines(analysis));
    list(&mut out, "Selection stability", &selection_lines(analysis));
    list(&mut out, TUNED, &tuning_lines(analysis));
    list(&mut out, NESTED, &nested_lines(analysis));
    list(&mut out, CHANCE, &chance_lines(analysis));
    list(&mut out, "Learning curve", &learning_curve_lines(analysis));
    for (heading, lines) in sections {
        list(&mut out, heading, lines);
    }
    list(&mut out, "Notes", &analysis.notes);
    list(&mut out, "Methods", &method_lines(analysis));
    out
}
