//! `report.html`: the same report as one self-contained page (inline CSS and SVG; no
//! scripts, fonts or network).

use super::content::{anchor, contents, ANSWER, COMPARE, DESIGN, SEED};
use super::content::{
    chance_lines, comparison_rows, headline, learning_curve_lines, method_lines, metrics,
    nested_lines, ranking_lines, selection_lines, summary_row, tuning_lines, Section, CHANCE,
    COMPARISON_HEADER, NESTED, SUMMARY_HEADER, TUNED,
};
use super::svg::{self, escape, Mark, Palette};
use super::verdict::{answer_lines, leader_lines};
use crate::metric::Metric;
use crate::stats::{paired_seeds, running_interval, Analysis, Comparison, Scores, MAX_ALL_PAIRS};
use rayon::prelude::*;
use std::fmt::Write;

pub(super) const STYLE: &str = "body{font-family:sans-serif;max-width:980px;margin:2em auto;padding:0 1em;color:#222;line-height:1.45}\
table{border-collapse:collapse;margin:1em 0;font-size:13px}th,td{border:1px solid #ddd;padding:4px 8px;text-align:left}\
th{background:#f4f4f4}figure{margin:1em 0;max-width:720px}figcaption{font-size:13px;color:#444}h3{margin-top:2em}\
.plots{display:flex;flex-wrap:wrap;gap:8px}.answer{background:#f3f7fb;border-left:4px solid #1f77b4;padding:0.2em 1em;margin:1em 0}\
nav{font-size:14px;margin:1em 0}";

pub(super) fn table(out: &mut String, header: &[&str], rows: &[Vec<String>]) {
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

pub(super) fn list(out: &mut String, heading: &str, lines: &[String]) {
    if !lines.is_empty() {
        let _ = write!(
            out,
            "<h2 id=\"{}\">{}</h2><ul>",
            anchor(heading),
            escape(heading)
        );
        for l in lines {
            let _ = write!(out, "<li>{}</li>", escape(l));
        }
        out.push_str("</ul>\n");
    }
}

/// The metric's name with its direction, for axis titles.
fn axis_title(metric: &str, higher_is_better: bool) -> String {
    let direction = if higher_is_better { "↑" } else { "↓" };
    format!("{metric} ({direction} better)")
}

/// A figure: the plot and one sentence on how to read it.
pub(super) fn figure(out: &mut String, svg: String, how_to_read: &str) {
    let _ = write!(
        out,
        "<figure>{svg}<figcaption>{}</figcaption></figure>",
        escape(how_to_read)
    );
}

/// Dot strips of `rows`, one panel per group of models on comparable scales.
fn strips(
    out: &mut String,
    title: &str,
    rows: &[(String, Vec<f64>)],
    (axis, palette): (&str, &Palette),
    how: &str,
) {
    let groups = svg::panels(rows);
    for (k, group) in groups.iter().enumerate() {
        let panel: Vec<(String, Vec<f64>)> = group.iter().map(|&i| rows[i].clone()).collect();
        let heading = if groups.len() > 1 {
            format!("{title} (panel {} of {}, own scale)", k + 1, groups.len())
        } else {
            title.to_string()
        };
        figure(out, svg::strip(&heading, &panel, &[], axis, palette), how);
    }
}

/// One metric's section: each model's headline, the summary table and the plots.
fn metric_section(analysis: &Analysis, scores: &[Scores], metric: &str) -> String {
    let summaries: Vec<_> = analysis
        .summaries
        .iter()
        .filter(|s| s.metric == metric)
        .collect();
    let mut out = format!("<h3>{}</h3><ul>", escape(metric));
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
    out
}

/// Plots of one metric: seed means, fold scores, the running interval, where the
/// uncertainty comes from, per-pair seed-mean differences against the ROPE, and the pairwise
/// P(A beats B) matrix.
fn plots(out: &mut String, analysis: &Analysis, scores: &[Scores], metric: &str) {
    let palette = &palette(analysis);
    let summaries: Vec<_> = analysis
        .summaries
        .iter()
        .filter(|s| s.metric == metric)
        .collect();
    let Some(first) = summaries.first() else {
        return;
    };
    let axis = axis_title(metric, first.higher_is_better);
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
                    .find(|s| &s.model == m && s.metric == metric && s.train_fraction == 1.0)
                    .map_or_else(Vec::new, |s| s.all_folds().to_vec()),
            )
        })
        .collect();
    let level = analysis.options.confidence;
    out.push_str("<div class=\"plots\">");
    strips(
        out,
        &format!("{metric}: one dot per split seed (its CV score)"),
        &seed_rows,
        (&axis, palette),
        "Each dot is one run's cross-validated score (the mean over its folds) for one split seed; the bar is the mean over seeds. The width of a cloud is how much the seed alone moves the reported score.",
    );
    strips(
        out,
        &format!("{metric}: one dot per fold"),
        &fold_rows,
        (&axis, palette),
        "Each dot is one fold's test score; folds vary more than seeds because each fold tests on a small part of the data.",
    );
    // a metric seedfold knows has a range; another tool's is taken as unbounded
    let range = metric
        .parse::<Metric>()
        .map_or((f64::NEG_INFINITY, f64::INFINITY), |m| m.scale().range);
    let runs: Vec<_> = summaries
        .iter()
        .map(|s| {
            (
                s.model.clone(),
                running_interval(&s.seed_means, level, range, svg::MAX_LINE_POINTS),
            )
        })
        .collect();
    figure(
        out,
        svg::running(
            &format!(
                "{metric}: mean over seeds and its {:.0} % interval as seeds are added",
                100.0 * level
            ),
            &runs,
            &axis,
            palette,
        ),
        "The line is the mean of the first n seeds' scores and the band its t interval: where the band has stopped shrinking, more seeds no longer change the conclusion.",
    );
    let shares: Vec<(String, [f64; 3])> = summaries
        .iter()
        .filter_map(|s| {
            s.seed_effect.value().map(|e| {
                (
                    s.model.clone(),
                    [e.share.split_seed, e.share.model_seed, e.share.data],
                )
            })
        })
        .collect();
    if !shares.is_empty() {
        figure(
            out,
            svg::shares(
                &format!("{metric}: where the uncertainty of one seeded CV score comes from"),
                &shares,
                palette,
            ),
            "Each bar splits the variance of one run's CV score into the split seed (dark), the model's own seed (light; none for deterministic models) and the finite data (grey).",
        );
    }
    let pairs: Vec<_> = analysis
        .comparisons
        .iter()
        .filter(|c| c.metric == metric)
        .collect();
    if !pairs.is_empty() {
        let rows: Vec<(String, Vec<f64>)> = pairs
            .iter()
            .map(|c| {
                let differences = seed_differences(scores, c, first.higher_is_better);
                (format!("{} − {}", c.model_a, c.model_b), differences)
            })
            .collect();
        let bands: Vec<svg::Band> = pairs
            .iter()
            .map(|c| c.bayesian.value().map(|b| (-b.rope, b.rope)))
            .collect();
        figure(
            out,
            svg::strip(
                &format!("{metric}: per split seed, how much A beats B"),
                &rows,
                &bands,
                &format!("A − B ({metric}, oriented so > 0 favours A)"),
                palette,
            ),
            "Each dot is one split seed's score difference between the pair, over the folds both scored (right of the dashed zero line: A better); the green band is the region of practical equivalence. Dots mostly inside the band: equivalent; on both sides of zero: the winner depends on the seed.",
        );
    }
    if models.len() > 1 && models.len() <= MAX_ALL_PAIRS {
        let cells: Vec<Vec<Option<f64>>> = models
            .iter()
            .map(|a| {
                models
                    .iter()
                    .map(|b| {
                        pairs.iter().find_map(|c| {
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
        figure(
            out,
            svg::matrix(
                &format!("{metric}: share of split seeds on which the row beats the column"),
                &models,
                &cells,
            ),
            "Read across a row: 1.00 means the row model scored better on every split seed, 0.50 that the seed decides.",
        );
    }
    out.push_str("</div>\n");
}

/// Every model of the report, each with its one colour for every plot.
fn palette(analysis: &Analysis) -> Palette {
    Palette::new(analysis.summaries.iter().map(|s| s.model.as_str()))
}

/// Per split seed, `c`'s A minus B over the folds both scored (the comparison's own seed
/// differences), oriented so that positive favours A.
fn seed_differences(scores: &[Scores], c: &Comparison, higher_is_better: bool) -> Vec<f64> {
    let find = |m: &str| scores.iter().find(|s| s.model == m && s.metric == c.metric);
    let (Some(a), Some(b)) = (find(&c.model_a), find(&c.model_b)) else {
        return Vec::new();
    };
    paired_seeds(a, b, higher_is_better)
        .into_iter()
        .map(|seed| seed.mean_difference)
        .collect()
}

/// The report as a self-contained HTML page; `scores` supplies the fold scores for plots.
pub fn render_html(
    analysis: &Analysis,
    scores: &[Scores],
    title: &str,
    about: &[String],
    sections: &[Section],
) -> String {
    let mut out = format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>seedfold report: {0}</title>\
         <style>{STYLE}</style></head><body>\n<h1>seedfold report: {0}</h1>",
        escape(title)
    );
    out.push_str("<div class=\"answer\">");
    list(&mut out, ANSWER, &answer_lines(analysis));
    out.push_str("</div>\n<nav><b>Contents:</b> ");
    let links: Vec<String> = contents(analysis, sections)
        .iter()
        .map(|h| format!("<a href=\"#{}\">{}</a>", anchor(h), escape(h)))
        .collect();
    out += &links.join(" · ");
    out.push_str("</nav>\n");
    list(&mut out, DESIGN, about);
    let _ = writeln!(out, "<h2 id=\"{}\">{}</h2>", anchor(SEED), escape(SEED));
    // each metric's section (its plots are most of the page) on a core of its own, in order
    let metric_sections: Vec<String> = metrics(analysis)
        .par_iter()
        .map(|metric| metric_section(analysis, scores, metric))
        .collect();
    out.extend(metric_sections);
    let comparisons = comparison_rows(analysis);
    if !comparisons.is_empty() {
        let _ = write!(
            out,
            "<h2 id=\"{}\">{}</h2>\n<ul>",
            anchor(COMPARE),
            escape(COMPARE)
        );
        for line in leader_lines(analysis) {
            let _ = write!(out, "<li>{}</li>", escape(&line));
        }
        out.push_str("</ul>\n");
        table(&mut out, &COMPARISON_HEADER, &comparisons);
    }
    list(&mut out, "Ranking stability", &ranking_lines(analysis));
    list(&mut out, "Selection stability", &selection_lines(analysis));
    list(&mut out, TUNED, &tuning_lines(analysis));
    list(&mut out, NESTED, &nested_lines(analysis));
    list(&mut out, CHANCE, &chance_lines(analysis));
    list(&mut out, "Learning curve", &learning_curve_lines(analysis));
    for s in &analysis.selections {
        let steps: Vec<String> = s.points.iter().map(|p| tick_value(p.value)).collect();
        let line: Vec<(f64, Option<(f64, f64)>)> = s
            .points
            .iter()
            .map(|p| (p.mean, Some((p.mean - s.one_se, p.mean + s.one_se))))
            .collect();
        let marks: Vec<(usize, usize, Mark)> = s
            .points
            .iter()
            .enumerate()
            .flat_map(|(i, p)| {
                [
                    (p.model == s.best).then_some((0, i, Mark::Best)),
                    (s.one_se_choice.as_ref() == Some(&p.model)).then_some((0, i, Mark::OneSe)),
                ]
            })
            .flatten()
            .collect();
        let _ = writeln!(
            out,
            "<figure>{}<figcaption>Validation curve: {} on {}, the mean over split seeds (line) per value of {} and ± the one standard error the one-SE rule uses (band, {}); diamond: the best mean; square: the one-standard-error choice.</figcaption></figure>",
            svg::curves(
                &format!("{}: {} by {}", s.metric, s.grid, s.parameter),
                &steps,
                &[(s.grid.clone(), line)],
                &marks,
                &format!("{} (grid order) · {}", s.parameter, s.metric),
                &Palette::default()
            ),
            escape(&s.grid),
            escape(&s.metric),
            escape(&s.parameter),
            super::verdict::score(s.one_se)
        );
    }
    learning_curves(&mut out, analysis);
    for (heading, lines) in sections {
        list(&mut out, heading, lines);
    }
    list(&mut out, "Notes", &analysis.notes);
    list(&mut out, "Methods", &method_lines(analysis));
    out.push_str("</body></html>\n");
    out
}

/// A grid value as a short label (whole numbers without a decimal point, ∞ for unlimited).
fn tick_value(v: f64) -> String {
    if v.is_infinite() {
        "∞".into()
    } else {
        format!("{v}")
    }
}

/// One learning-curve plot per metric: each model's mean over split seeds per share of the
/// training rows, with its t interval as a band.
fn learning_curves(out: &mut String, analysis: &Analysis) {
    let palette = palette(analysis);
    let mut metrics: Vec<&str> = analysis
        .learning_curve
        .iter()
        .map(|p| p.metric.as_str())
        .collect();
    metrics.sort_unstable();
    metrics.dedup();
    for metric in metrics {
        let points: Vec<_> = analysis
            .learning_curve
            .iter()
            .filter(|p| p.metric == metric)
            .collect();
        let mut shares: Vec<f64> = points.iter().map(|p| p.train_fraction).collect();
        shares.sort_by(f64::total_cmp);
        shares.dedup();
        let mut models: Vec<&str> = points.iter().map(|p| p.model.as_str()).collect();
        models.dedup();
        let series: Vec<svg::Curve> = models
            .iter()
            .map(|m| {
                let line = points
                    .iter()
                    .filter(|p| p.model == *m)
                    .map(|p| (p.mean, p.ci.value().map(|i| (i.lower, i.upper))))
                    .collect();
                (m.to_string(), line)
            })
            .collect();
        // training rows at each share (the mean over folds), the share in brackets
        let steps: Vec<String> = shares
            .iter()
            .map(|share| {
                let rows = points
                    .iter()
                    .find(|p| p.train_fraction == *share)
                    .map_or(0.0, |p| p.n_train);
                format!("{rows:.0} ({})", tick_value(*share))
            })
            .collect();
        let _ = writeln!(
            out,
            "<figure>{}<figcaption>Learning curve on {}: the mean over split seeds (line) and its {:.0} % t interval (band) per number of training rows (a share of each fold's training rows), every share scored on the same test rows.</figcaption></figure>",
            svg::curves(
                &format!("{metric}: score by share of the training rows"),
                &steps,
                &series,
                &[],
                &format!("training rows (share of the fold's) · {metric}"),
                &palette
            ),
            escape(metric),
            analysis.options.confidence * 100.0
        );
    }
}
