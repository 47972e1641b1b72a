//! A study over many data sets: the top report folder's summary.json, report.md and
//! report.html, which compare the models across data sets (each data set's own report sits in
//! its sub-folder). Pure renderers of a [`Study`].

use super::verdict::against_the_rest;
use super::{html, markdown, svg};
use crate::stats::{Benchmark, Maybe};
use serde::Serialize;
use std::fmt::Write;

/// What a study's top report says.
#[derive(Debug, Clone, Serialize)]
pub struct Study {
    /// The data sets, in the study's order.
    pub datasets: Vec<StudyDataset>,
    /// One comparison over data sets per metric every data set scored.
    pub benchmark: Vec<Benchmark>,
    /// What was left out and why.
    pub notes: Vec<String>,
}

/// One data set of a study.
#[derive(Debug, Clone, Serialize)]
pub struct StudyDataset {
    /// Its name (and its sub-folder's).
    pub name: String,
    /// regression or classification.
    pub task: String,
    /// Rows used.
    pub rows: usize,
    /// Its report, relative to the study's folder.
    pub report: String,
}

/// The study as pretty JSON (`summary.json` of the study's folder).
pub fn write_study_json(study: &Study, mut out: impl std::io::Write) -> std::io::Result<()> {
    #[derive(Serialize)]
    struct Document<'a> {
        seedfold_version: &'static str,
        #[serde(flatten)]
        study: &'a Study,
    }
    let document = Document {
        seedfold_version: env!("CARGO_PKG_VERSION"),
        study,
    };
    serde_json::to_writer_pretty(&mut out, &document)?;
    out.write_all(b"\n")
}

/// The study's answer, one line per metric: which model ranks first over the data sets, by
/// how much, whether the rank tests separate it from the second, and from each of the others.
fn answer_lines(study: &Study) -> Vec<String> {
    study
        .benchmark
        .iter()
        .map(|b| {
            let mut order: Vec<usize> = (0..b.models.len()).collect();
            order.sort_by(|&x, &y| b.average_ranks[x].total_cmp(&b.average_ranks[y]));
            let [first, second, ..] = order[..] else {
                return format!("{}: only {} was compared.", b.metric, b.models.join(", "));
            };
            let (m1, m2) = (&b.models[first], &b.models[second]);
            let mut line = format!(
                "{}: {m1} ranks first over {} data sets (average rank {:.2}), {m2} second ({:.2}).",
                b.metric,
                b.datasets.len(),
                b.average_ranks[first],
                b.average_ranks[second]
            );
            if let Maybe::Value(f) = &b.friedman {
                line += &if f.p_value < 0.05 {
                    format!(" The ranks differ (Friedman p = {:.4});", f.p_value)
                } else {
                    format!(" No rank difference is shown (Friedman p = {:.4});", f.p_value)
                };
            }
            let pair = b
                .holm
                .iter()
                .find(|p| (&p.a, &p.b) == (m1, m2) || (&p.a, &p.b) == (m2, m1));
            line += &match pair {
                Some(p) if p.significant => format!(
                    " {m1} is ahead of {m2} beyond chance (Holm-adjusted p = {:.4}).",
                    p.p_adjusted
                ),
                Some(p) => format!(
                    " {m1} and {m2} are not told apart (Holm-adjusted p = {:.4}): more data sets would be needed.",
                    p.p_adjusted
                ),
                None => " The pair was not tested.".into(),
            };
            let rest: Vec<&str> = order[2..].iter().map(|&i| b.models[i].as_str()).collect();
            line + &rest_sentence(b, m1, &rest)
        })
        .collect()
}

/// " Against the rest, logistic is ahead beyond chance of tree; not told apart from knn." —
/// the rank tests of `first` against each model of `rest`; nothing when `rest` is empty.
fn rest_sentence(b: &Benchmark, first: &str, rest: &[&str]) -> String {
    let mut groups: [(&str, Vec<&str>); 3] = [
        ("ahead beyond chance of", Vec::new()),
        ("not told apart from", Vec::new()),
        ("not tested against", Vec::new()),
    ];
    for &other in rest {
        let pair = b.holm.iter().find(|p| {
            (p.a.as_str(), p.b.as_str()) == (first, other)
                || (p.a.as_str(), p.b.as_str()) == (other, first)
        });
        let group = match pair {
            Some(p) if p.significant => 0,
            Some(_) => 1,
            None => 2,
        };
        groups[group].1.push(other);
    }
    against_the_rest(first, &groups)
}

/// The sentences on one metric's comparison over data sets.
fn lines(b: &Benchmark) -> Vec<String> {
    let mut lines = vec![format!(
        "{} models over {} data sets; each data set ranks them by {} ({} is better), ties sharing their mean rank.",
        b.models.len(),
        b.datasets.len(),
        b.metric,
        if b.higher_is_better { "higher" } else { "lower" }
    )];
    match (&b.friedman, &b.iman_davenport) {
        (Maybe::Value(f), id) => {
            let id = match id {
                Maybe::Value(id) => format!(
                    "; Iman–Davenport F = {:.3} on ({}, {}) df, p = {:.4}",
                    id.statistic, id.df1, id.df2, id.p_value
                ),
                Maybe::Absent { absent } => format!("; Iman–Davenport F absent: {absent}"),
            };
            lines.push(format!(
                "Friedman test: χ²_F = {:.3} on {} df, p = {:.4}{id}.",
                f.statistic, f.df, f.p_value
            ));
        }
        (Maybe::Absent { absent }, _) => lines.push(format!("Friedman test absent: {absent}.")),
    }
    if let Maybe::Value(n) = &b.nemenyi {
        let apart: Vec<String> = b
            .holm
            .iter()
            .filter(|p| p.significant)
            .map(|p| format!("{} ahead of {}", p.a, p.b))
            .collect();
        lines.push(format!(
            "Nemenyi critical difference at α = {}: {:.3} (q_α = {:.3}); models whose average ranks differ by more are told apart. Holm-adjusted rank tests at α = {}: {}.",
            n.alpha,
            n.critical_difference,
            n.q_alpha,
            n.alpha,
            if apart.is_empty() {
                "no pair differs".to_string()
            } else {
                apart.join("; ")
            }
        ));
    }
    lines
}

fn score_rows(b: &Benchmark) -> (Vec<String>, Vec<Vec<String>>) {
    let header: Vec<String> = std::iter::once("data set".to_string())
        .chain(b.models.iter().cloned())
        .collect();
    let mut rows: Vec<Vec<String>> = b
        .datasets
        .iter()
        .zip(&b.scores)
        .map(|(d, row)| {
            std::iter::once(d.clone())
                .chain(row.iter().map(|v| format!("{v:.4}")))
                .collect()
        })
        .collect();
    rows.push(
        std::iter::once("average rank".to_string())
            .chain(b.average_ranks.iter().map(|r| format!("{r:.2}")))
            .collect(),
    );
    (header, rows)
}

const PAIR_HEADER: [&str; 5] = ["better rank", "other", "z", "p", "p (Holm)"];

fn pair_rows(b: &Benchmark) -> Vec<Vec<String>> {
    b.holm
        .iter()
        .map(|p| {
            vec![
                p.a.clone(),
                p.b.clone(),
                format!("{:.3}", p.z),
                format!("{:.4}", p.p_value),
                format!("{:.4}", p.p_adjusted),
            ]
        })
        .collect()
}

const BAYES_HEADER: [&str; 6] = [
    "A",
    "B",
    "ROPE",
    "P(A better)",
    "P(equivalent)",
    "P(B better)",
];

fn bayes_rows(b: &Benchmark) -> Vec<Vec<String>> {
    b.bayesian_signed_rank
        .iter()
        .map(|s| {
            vec![
                s.a.clone(),
                s.b.clone(),
                format!("±{}", s.rope),
                format!("{:.3}", s.p_a_better),
                format!("{:.3}", s.p_rope),
                format!("{:.3}", s.p_b_better),
            ]
        })
        .collect()
}

fn dataset_rows(study: &Study) -> Vec<Vec<String>> {
    study
        .datasets
        .iter()
        .map(|d| {
            vec![
                d.name.clone(),
                d.task.clone(),
                d.rows.to_string(),
                d.report.clone(),
            ]
        })
        .collect()
}

const DATASET_HEADER: [&str; 4] = ["data set", "task", "rows", "report"];

const BAYES_NOTE: &str = "Bayesian signed-rank test over data sets (Benavoli et al. 2017): the share of posterior draws in which each outcome is the most probable.";

/// The study's report as Markdown.
pub fn render_study_markdown(study: &Study, about: &[String]) -> String {
    let mut out = String::from("# seedfold study over many data sets\n");
    markdown::list(&mut out, "The answer", &answer_lines(study));
    out.push('\n');
    for line in about {
        let _ = writeln!(out, "- {}", markdown::md(line));
    }
    out.push_str("\n## Data sets\n\n");
    markdown::table(&mut out, &DATASET_HEADER, &dataset_rows(study));
    for b in &study.benchmark {
        let _ = writeln!(out, "\n## {} over data sets\n", markdown::md(&b.metric));
        for line in lines(b) {
            let _ = writeln!(out, "- {}", markdown::md(&line));
        }
        out.push('\n');
        let (header, rows) = score_rows(b);
        let header: Vec<String> = header.iter().map(|h| markdown::md(h)).collect();
        let header: Vec<&str> = header.iter().map(String::as_str).collect();
        markdown::table(&mut out, &header, &rows);
        if !b.holm.is_empty() {
            out.push('\n');
            markdown::table(&mut out, &PAIR_HEADER, &pair_rows(b));
        }
        if !b.bayesian_signed_rank.is_empty() {
            let _ = writeln!(out, "\n{BAYES_NOTE}\n");
            markdown::table(&mut out, &BAYES_HEADER, &bayes_rows(b));
        }
    }
    markdown::list(&mut out, "Notes", &study.notes);
    out
}

/// The study's report as one self-contained HTML page, with a critical-difference diagram per
/// metric.
pub fn render_study_html(study: &Study, about: &[String]) -> String {
    // one colour per model across every diagram of the study
    let palette = svg::Palette::new(
        study
            .benchmark
            .iter()
            .flat_map(|b| b.models.iter().map(String::as_str)),
    );
    let mut out = format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>seedfold study</title>\
         <style>{}</style></head><body>\n<h1>seedfold study over many data sets</h1>",
        html::STYLE
    );
    out.push_str("<div class=\"answer\">");
    html::list(&mut out, "The answer", &answer_lines(study));
    out.push_str("</div><ul>");
    for line in about {
        let _ = write!(out, "<li>{}</li>", svg::escape(line));
    }
    out.push_str("</ul>\n<h2>Data sets</h2><table><tr>");
    for h in DATASET_HEADER {
        let _ = write!(out, "<th>{h}</th>");
    }
    out.push_str("</tr>");
    for d in &study.datasets {
        let _ = write!(
            out,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td><a href=\"{}\">{}</a></td></tr>",
            svg::escape(&d.name),
            svg::escape(&d.task),
            d.rows,
            svg::escape(&d.report),
            svg::escape(&d.report)
        );
    }
    out.push_str("</table>\n");
    for b in &study.benchmark {
        let _ = write!(
            out,
            "<h2>{} over data sets</h2><ul>",
            svg::escape(&b.metric)
        );
        for line in lines(b) {
            let _ = write!(out, "<li>{}</li>", svg::escape(&line));
        }
        out.push_str("</ul>");
        let (header, rows) = score_rows(b);
        let header: Vec<&str> = header.iter().map(String::as_str).collect();
        html::table(&mut out, &header, &rows);
        if let Maybe::Value(n) = &b.nemenyi {
            html::figure(
                &mut out,
                svg::critical_difference(
                    &format!("{}: average ranks over data sets (critical difference diagram)", b.metric),
                    &b.models,
                    &b.average_ranks,
                    n.critical_difference,
                    &palette,
                ),
                "Each model sits at its average rank (1 = best, left). The bar above the axis is the critical difference: models joined by a thick line differ by less than it, so the Nemenyi test does not tell them apart.",
            );
        }
        if !b.holm.is_empty() {
            html::table(&mut out, &PAIR_HEADER, &pair_rows(b));
        }
        if !b.bayesian_signed_rank.is_empty() {
            let _ = write!(out, "<p>{}</p>", svg::escape(BAYES_NOTE));
            html::table(&mut out, &BAYES_HEADER, &bayes_rows(b));
        }
    }
    html::list(&mut out, "Notes", &study.notes);
    out.push_str("</body></html>\n");
    out
}
