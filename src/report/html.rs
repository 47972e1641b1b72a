//! `report.html`: the same report as one self-contained page (inline CSS and SVG; no
//! scripts, fonts or network).

use super::content::{
    comparison_rows, headline, method_lines, metrics, ranking_lines, summary_row,
    COMPARISON_HEADER, SUMMARY_HEADER,
};
use super::svg::{self, escape};
use crate::stats::{running_interval, Analysis, Scores};
use std::fmt::Write;

const STYLE: &str = "body{font-family:sans-serif;max-width:980px;margin:2em auto;padding:0 1em;color:#222;line-height:1.45}\
table{border-collapse:collapse;margin:1em 0;font-size:13px}th,td{border:1px solid #ddd;padding:4px 8px;text-align:left}\
th{background:#f4f4f4}figure{margin:1em 0}h3{margin-top:2em}.plots{display:flex;flex-wrap:wrap;gap:8px}";

fn table(out: &mut String, header: &[&str], rows: &[Vec<String>]) {
    out.push_str("<table><tr>");
    for h in header {
        let _ = write!(out, "<th>{}</th>", escape(h));
    }
    out.push_str("</tr>");
    for r in rows {
        out.push_str("<tr>");
        for c in r {
            let _ = write!(out, "<td>{}</td>", escape(c));
        }
        out.push_str("</tr>");
    }
    out.push_str("</table>\n");
}

fn list(out: &mut String, heading: &str, lines: &[String]) {
    if !lines.is_empty() {
        let _ = write!(out, "<h2>{}</h2><ul>", escape(heading));
        for l in lines {
            let _ = write!(out, "<li>{}</li>", escape(l));
        }
        out.push_str("</ul>\n");
    }
}

/// Plots of one metric: seed means, fold scores, the running interval, the variance split,
/// and the pairwise P(A beats B) matrix.
fn plots(out: &mut String, analysis: &Analysis, scores: &[Scores], metric: &str) {
    let summaries: Vec<_> = analysis
        .summaries
        .iter()
        .filter(|s| s.metric == metric)
        .collect();
    let models: Vec<String> = summaries.iter().map(|s| s.model.clone()).collect();
    let seed_rows: Vec<(String, Vec<f64>)> = summaries
        .iter()
        .map(|s| (s.model.clone(), s.seed_means.clone()))
        .collect();
    let fold_rows: Vec<(String, Vec<f64>)> = models
        .iter()
        .map(|m| {
            (
                m.clone(),
                scores
                    .iter()
                    .find(|s| &s.model == m && s.metric == metric)
                    .map_or_else(Vec::new, Scores::all_folds),
            )
        })
        .collect();
    let level = analysis.options.confidence;
    let runs: Vec<_> = summaries
        .iter()
        .map(|s| (s.model.clone(), running_interval(&s.seed_means, level)))
        .collect();
    let shares: Vec<(String, f64)> = summaries
        .iter()
        .filter_map(|s| {
            s.variance_components
                .value()
                .map(|v| (s.model.clone(), v.icc))
        })
        .collect();
    out.push_str("<div class=\"plots\">");
    let mut figure = |svg: String| {
        let _ = write!(out, "<figure>{svg}</figure>");
    };
    figure(svg::strip(
        &format!("{metric}: seed means (bar = mean)"),
        &seed_rows,
    ));
    figure(svg::strip(
        &format!("{metric}: all fold scores"),
        &fold_rows,
    ));
    figure(svg::running(
        &format!(
            "{metric}: mean and {:.0} % interval as seeds are added",
            100.0 * level
        ),
        &runs,
    ));
    if !shares.is_empty() {
        figure(svg::shares(
            &format!("{metric}: variance between seeds vs between folds"),
            &shares,
        ));
    }
    if models.len() > 1 {
        let cells: Vec<Vec<Option<f64>>> = models
            .iter()
            .map(|a| {
                models
                    .iter()
                    .map(|b| {
                        analysis
                            .comparisons
                            .iter()
                            .filter(|c| c.metric == metric)
                            .find_map(|c| {
                                let p = c.p_a_beats_b.value()?.estimate;
                                if &c.model_a == a && &c.model_b == b {
                                    Some(p)
                                } else if &c.model_a == b && &c.model_b == a {
                                    Some(1.0 - p)
                                } else {
                                    None
                                }
                            })
                    })
                    .collect()
            })
            .collect();
        figure(svg::matrix(
            &format!("{metric}: P(row beats column) over seeds"),
            &models,
            &cells,
        ));
    }
    out.push_str("</div>\n");
}

/// The report as a self-contained HTML page; `scores` supplies the fold scores for plots.
pub fn render_html(
    analysis: &Analysis,
    scores: &[Scores],
    title: &str,
    about: &[String],
) -> String {
    let mut out = format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>seedfold report: {0}</title>\
         <style>{STYLE}</style></head><body>\n<h1>seedfold report: {0}</h1><ul>",
        escape(title)
    );
    for line in about {
        let _ = write!(out, "<li>{}</li>", escape(line));
    }
    out.push_str("</ul>\n<h2>How much of the score is the seed?</h2>\n");
    for metric in metrics(analysis) {
        let summaries: Vec<_> = analysis
            .summaries
            .iter()
            .filter(|s| s.metric == metric)
            .collect();
        let _ = write!(out, "<h3>{}</h3><ul>", escape(metric));
        for s in &summaries {
            let _ = write!(
                out,
                "<li>{}</li>",
                escape(&headline(s, analysis.options.confidence))
            );
        }
        out.push_str("</ul>");
        table(
            &mut out,
            &SUMMARY_HEADER,
            &summaries.iter().map(|s| summary_row(s)).collect::<Vec<_>>(),
        );
        plots(&mut out, analysis, scores, metric);
    }
    let comparisons = comparison_rows(analysis);
    if !comparisons.is_empty() {
        out.push_str("<h2>Does one model really beat another?</h2>\n");
        table(&mut out, &COMPARISON_HEADER, &comparisons);
    }
    list(&mut out, "Ranking stability", &ranking_lines(analysis));
    list(&mut out, "Notes", &analysis.notes);
    list(&mut out, "Methods", &method_lines(analysis));
    out.push_str("</body></html>\n");
    out
}
