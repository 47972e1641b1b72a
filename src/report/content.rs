//! What the reports say, independent of format: table rows, headlines, verdicts and method
//! notes, shared by the Markdown and HTML renderers.

use super::verdict::{
    comparison_sentence, data_and_seed_interval, decision_rule, mean_with_interval, percent,
    seed_effect_sentence, seed_range, seed_sds, shares, verdict_word, warning_sentence,
};
use crate::stats::{Analysis, Maybe, RowHardness, Summary, NEARLY_ALWAYS};

/// Metrics in the analysis, sorted.
pub fn metrics(analysis: &Analysis) -> Vec<&str> {
    let mut m: Vec<&str> = analysis
        .summaries
        .iter()
        .map(|s| s.metric.as_str())
        .collect();
    m.sort_unstable();
    m.dedup();
    m
}

/// Columns of the per-metric summary table.
pub const SUMMARY_HEADER: [&str; 10] = [
    "model",
    "mean",
    "data + seed interval",
    "seed sd",
    "uncertainty: split · model · data",
    "worst – best seed",
    "mean over seeds [t CI]",
    "BCa CI",
    "seeds for half the interval",
    "failed",
];

fn interval(ci: Option<(f64, f64)>) -> String {
    ci.map_or("–".into(), |(lo, hi)| format!("[{lo:.4}, {hi:.4}]"))
}

/// One summary table row.
pub fn summary_row(s: &Summary) -> Vec<String> {
    let seeds = match &s.seeds_for_target {
        Maybe::Value(t) => t.seeds.value().map_or("–".into(), |n| n.to_string()),
        Maybe::Absent { .. } => "–".into(),
    };
    vec![
        s.model.clone(),
        format!("{:.4}", s.across_seeds.mean),
        data_and_seed_interval(s),
        seed_sds(s),
        shares(s),
        seed_range(s),
        mean_with_interval(s),
        interval(s.bootstrap_ci.value().map(|c| (c.lower, c.upper))),
        seeds,
        s.n_failed.to_string(),
    ]
}

/// The headline sentences for one model on one metric.
pub fn headline(s: &Summary, level: f64) -> String {
    let mut text = format!(
        "{} scores {:.4} on {} ({} split seeds{}); one seeded CV score lands in {} ({:.0} %, data and seed). {}",
        s.model,
        s.across_seeds.mean,
        s.metric,
        s.n_seeds,
        left_out(s, |text| format!("; {text}")),
        data_and_seed_interval(s),
        100.0 * level,
        seed_effect_sentence(s)
    );
    text += &format!(
        " Worst seed {} ({:.4}), best seed {} ({:.4}).",
        s.worst_seed.seed, s.worst_seed.mean, s.best_seed.seed, s.best_seed.mean
    );
    if let Some(w) = warning_sentence(s) {
        text += " Warning: ";
        text += &w;
    }
    text
}

/// `wrap("its 5 failed score(s) left out")`, or nothing: the mean of a model that fails on
/// its hardest folds is over its easier ones.
fn left_out(s: &Summary, wrap: impl Fn(String) -> String) -> String {
    match s.n_failed {
        0 => String::new(),
        n => wrap(format!("its {n} failed score(s) left out")),
    }
}

/// Columns of the comparison table.
pub const COMPARISON_HEADER: [&str; 7] = [
    "metric",
    "A",
    "B",
    "A − B",
    "over seeds: Cohen's d · Cliff's δ",
    "verdict",
    "in words",
];

/// Comparison table rows.
pub fn comparison_rows(analysis: &Analysis) -> Vec<Vec<String>> {
    let alpha = 1.0 - analysis.options.confidence;
    analysis
        .comparisons
        .iter()
        .map(|c| {
            vec![
                c.metric.clone(),
                c.model_a.clone(),
                c.model_b.clone(),
                format!("{:.4}", c.mean_difference + 0.0),
                c.effect_size.value().map_or("–".into(), |e| {
                    format!("{:.2} · {:.2}", e.cohens_d + 0.0, e.cliffs_delta + 0.0)
                }),
                verdict_word(c).to_string(),
                comparison_sentence(c, alpha),
            ]
        })
        .collect()
}

/// One sentence per metric on how often the top model changes.
pub fn ranking_lines(analysis: &Analysis) -> Vec<String> {
    analysis
        .rankings
        .iter()
        .map(|r| {
            let shares: Vec<String> = r.top_share.iter().map(|(m, s)| format!("{m} {}", percent(Some(*s)))).collect();
            let best = analysis
                .summaries
                .iter()
                .find(|s| s.metric == r.metric && s.model == r.overall_best);
            format!(
                "{}: {} is first by mean over seeds{}; another model is on top for {} of {} seeds (first place: {}).",
                r.metric,
                r.overall_best,
                best.map_or(String::new(), |s| left_out(s, |text| format!(" ({text})"))),
                r.top_changes,
                r.per_seed.len(),
                shares.join(", ")
            )
        })
        .collect()
}

/// The ROPE each compared metric used, e.g. "r2 ±0.01, rmse ±0.5312".
fn ropes(analysis: &Analysis) -> String {
    let mut seen: Vec<String> = Vec::new();
    for c in &analysis.comparisons {
        if let Some(b) = c.bayesian.value() {
            let text = format!("{} ±{:.4}", c.metric, b.rope);
            if !seen
                .iter()
                .any(|t| t.starts_with(&format!("{} ", c.metric)))
            {
                seen.push(text);
            }
        }
    }
    if seen.is_empty() {
        "none compared".into()
    } else {
        seen.join(", ")
    }
}

/// How every number was computed, with sources.
pub fn method_lines(analysis: &Analysis) -> Vec<String> {
    let o = &analysis.options;
    vec![
        format!(
            "Seed mean: the mean over a split seed's folds (one run's CV score). Data + seed interval ({:.0} %): Nadeau & Bengio (2003) \
             corrected resampled interval over all folds (variance × (1/J + n_test/n_train)), where one seeded CV score lands given \
             the finite data and the seeds; it is clipped to the metric's range. Mean over seeds: Student t interval of the mean of \
             seed means and its BCa bootstrap (Efron 1987; {} resamples, seed {}), which shrink as seeds are added and say how \
             precisely the study pins the expected score, not where one run lands.",
            100.0 * o.confidence,
            o.resamples,
            o.bootstrap_seed
        ),
        "Uncertainty split · model · data: the variance of one run's CV score (the mean over its J folds) decomposed into the \
         split seed (variance of split means across split seeds, net of the model-seed noise averaged into each), the model seed \
         (variance across model seeds with the split fixed; 0 for deterministic models) and the finite data (Nadeau & Bengio's \
         (1/J + n_test/n_train) × the within-run fold variance), each over their sum (Bouthillier et al. 2021 on variance sources). \
         summary.json keeps the one-way ANOVA of fold scores by seed under variance_components; it is near 0 under k-fold by \
         construction (a seed's folds partition the data) and is not a measure of the seed's effect. \
         \"Seeds for half the interval\": seeds whose t interval would be half as wide."
            .into(),
        format!(
            "Comparisons pair folds by split seed and fold; \"A better than B by d\" is oriented by the metric's direction. Tests: \
             corrected resampled t-test (Nadeau & Bengio 2003; Bouckaert & Frank 2004) with Holm's (1979) adjustment over the \
             pairs of each metric, Wilcoxon signed-rank and sign tests over seed-mean differences, P(A beats B) over seeds \
             (Bouthillier et al. 2021), the Bayesian correlated t-test (Benavoli et al. 2017) with a region of practical \
             equivalence (ROPE) per metric ({}; default ±0.01 for shares and correlations, ±1 % of the two models' mean score for \
             metrics with units), and almost stochastic order over seed means (del Barrio et al. 2018; Dror et al. 2019; deepsig's \
             conventions, ε_min < 0.5: A is stochastically larger; {} bootstrap resamples). Effect sizes over seed means, \
             beside the tests (they say how big, the tests how sure): Cohen's d, the difference over the pooled sd \
             √((s²_A + s²_B)/2) (Cohen 1988), and Cliff's δ, P(a seed of A beats one of B) − P(the reverse) (Cliff 1993). \
             Both measure the difference against the seed-to-seed spread only, not the finite data: a large d beside an open \
             verdict means the seeds agree on the sign while the data cannot confirm it.",
            ropes(analysis),
            analysis
                .comparisons
                .iter()
                .find_map(|c| c.aso.value().map(|a| a.resamples))
                .unwrap_or(0)
        ),
        decision_rule(1.0 - o.confidence),
    ]
}

/// A report section of its own: heading and lines.
pub type Section = (String, Vec<String>);

/// The heading of the report's opening block.
pub const ANSWER: &str = "The answer";
/// The heading of the data and design lines.
pub const DESIGN: &str = "Data and design";
/// The heading of the per-metric summaries and plots.
pub const SEED: &str = "How much of the score is the seed?";
/// The heading of the pairwise comparisons.
pub const COMPARE: &str = "Does one model really beat another?";

/// The report's sections in order, those with something to show, for its table of contents.
pub fn contents(analysis: &Analysis, sections: &[Section]) -> Vec<String> {
    let mut headings = vec![DESIGN.to_string(), SEED.to_string()];
    if !analysis.comparisons.is_empty() {
        headings.push(COMPARE.into());
    }
    for (heading, present) in [
        ("Ranking stability", !analysis.rankings.is_empty()),
        ("Selection stability", !analysis.selections.is_empty()),
        (TUNED, !analysis.tuning.is_empty()),
        (
            NESTED,
            analysis.summaries.iter().any(|s| s.folds.ncv_ci.is_some()),
        ),
        (
            CHANCE,
            analysis
                .summaries
                .iter()
                .any(|s| s.permutation_test.is_some()),
        ),
        ("Learning curve", !analysis.learning_curve.is_empty()),
    ] {
        if present {
            headings.push(heading.into());
        }
    }
    headings.extend(
        sections
            .iter()
            .filter(|(_, lines)| !lines.is_empty())
            .map(|(h, _)| h.clone()),
    );
    if !analysis.notes.is_empty() {
        headings.push("Notes".into());
    }
    headings.push("Methods".into());
    headings
}

/// A heading's anchor: its letters and digits, lower case, words joined by '-'.
pub fn anchor(heading: &str) -> String {
    heading
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join("-")
}

/// Rows listed per kind in the report (all are in hardness.csv).
const LISTED_ROWS: usize = 10;

/// The report's "Hard rows" lines, one or two per model: for classes the rows wrong in nearly
/// every run (label-error candidates) and the rows whose outcome flips with the seed; for
/// values the rows predicted worst and the rows whose error moves most with the seed.
pub fn hard_row_lines(rows: &[RowHardness], classes: bool) -> Vec<String> {
    let mut models: Vec<&str> = rows.iter().map(|h| h.model.as_str()).collect();
    models.dedup();
    let listed = |rows: Vec<&RowHardness>| -> String {
        let shown: Vec<String> = rows
            .iter()
            .take(LISTED_ROWS)
            .map(|h| h.row.to_string())
            .collect();
        let more = rows.len().saturating_sub(LISTED_ROWS);
        format!(
            "{}{}",
            shown.join(", "),
            if more > 0 {
                format!(" and {more} more")
            } else {
                String::new()
            }
        )
    };
    let mut lines = Vec::new();
    for model in models {
        let mine: Vec<&RowHardness> = rows.iter().filter(|h| h.model == model).collect();
        if classes {
            let always: Vec<&RowHardness> = mine
                .iter()
                .copied()
                .filter(|h| h.error_rate >= NEARLY_ALWAYS)
                .collect();
            let flips: Vec<&RowHardness> = mine
                .iter()
                .copied()
                .filter(|h| h.error_rate > 1.0 - NEARLY_ALWAYS && h.error_rate < NEARLY_ALWAYS)
                .collect();
            lines.push(format!(
                "{model}: {} row(s) wrong in at least {:.0} % of runs (label-error candidates){}; {} row(s) whose outcome flips with the seed (wrong in {:.0}–{:.0} % of runs){}.",
                always.len(),
                NEARLY_ALWAYS * 100.0,
                if always.is_empty() { String::new() } else { format!(": rows {}", listed(always.clone())) },
                flips.len(),
                (1.0 - NEARLY_ALWAYS) * 100.0,
                NEARLY_ALWAYS * 100.0,
                if flips.is_empty() { String::new() } else { format!(": rows {}", listed(flips.clone())) },
            ));
        } else {
            let mut worst = mine.clone();
            worst.sort_by(|a, b| b.mean_abs_error.total_cmp(&a.mean_abs_error));
            let mut moving = mine.clone();
            moving.sort_by(|a, b| b.sd_error.total_cmp(&a.sd_error));
            let describe = |rows: &[&RowHardness]| -> String {
                rows.iter()
                    .take(5)
                    .map(|h| {
                        format!(
                            "row {} (mean abs. error {:.4}, sd {:.4})",
                            h.row, h.mean_abs_error, h.sd_error
                        )
                    })
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            lines.push(format!("{model}: predicted worst: {}.", describe(&worst)));
            lines.push(format!(
                "{model}: error moves most with the seed: {}.",
                describe(&moving)
            ));
        }
    }
    lines
}

/// The heading of the permutation tests.
pub const CHANCE: &str = "Better than chance?";

/// One line per model and metric with a permutation test (`--permutations`).
pub fn chance_lines(analysis: &Analysis) -> Vec<String> {
    analysis
        .summaries
        .iter()
        .filter_map(|s| {
            let test = s.permutation_test.as_ref()?;
            Some(match test.value() {
                Some(t) => format!(
                    "{} on {}: {:.4} on split seed {}'s folds against {:.4} ± {:.4} with the target permuted{} (chance); p = {:.4} from {} permutations{}.",
                    s.model, s.metric, t.observed, t.split_seed, t.null_mean, t.null_sd,
                    if t.within_groups { " within each group" } else { "" },
                    t.p_value, t.permutations,
                    if t.p_value * (t.permutations + 1) as f64 <= 1.0 + 1e-9 {
                        " (no permutation scored as well: the smallest p this many permutations can give)"
                    } else {
                        ""
                    }
                ),
                None => format!("{} on {}: no test — {}.", s.model, s.metric, test.reason().unwrap_or_default()),
            })
        })
        .collect()
}

/// The heading of the nested cross-validation intervals.
pub const NESTED: &str = "Nested cross-validation interval";

/// One line per model and metric with a nested cross-validation interval (`--interval ncv`),
/// beside the Nadeau–Bengio interval it checks.
pub fn nested_lines(analysis: &Analysis) -> Vec<String> {
    analysis
        .summaries
        .iter()
        .filter_map(|s| {
            let ncv = s.folds.ncv_ci.as_ref()?;
            let corrected = s.folds.corrected_ci.value().map_or(String::new(), |c| {
                format!("; the Nadeau–Bengio interval is [{:.4}, {:.4}]", c.lower, c.upper)
            });
            Some(match ncv.value() {
                Some(i) => format!(
                    "{} on {}: [{:.4}, {:.4}] ({:.0} %), around {:.4} (the nested fits' mean {:.4}, moved by {:+.4} for their smaller training sets); {:.2}× as wide as the naive interval, from {} split seeds{corrected}.",
                    s.model, s.metric, i.lower, i.upper, 100.0 * i.level, i.estimate, i.raw_mean, -i.bias, i.sd_inflation, i.reps
                ),
                None => format!("{} on {}: none — {}.", s.model, s.metric, ncv.reason().unwrap_or_default()),
            })
        })
        .collect()
}

/// The heading of the tuned models' choices.
pub const TUNED: &str = "Tuned models";

/// One line per tuned model: how often each grid point was chosen, and what its score means.
pub fn tuning_lines(analysis: &Analysis) -> Vec<String> {
    analysis
        .tuning
        .iter()
        .map(|t| {
            let points: Vec<String> = t
                .points
                .iter()
                .map(|p| format!("{} in {} ({:.0} %)", p.point, p.chosen, 100.0 * p.share))
                .collect();
            format!(
                "{} chose {} of {} outer fits. Its scores are nested cross-validation: each outer fold chose its grid point by an inner cross-validation on its own training rows and refitted it there, so its test rows never took part in the choice and the score is not the optimistic best of the grid.",
                t.model,
                points.join(", "),
                t.fits
            )
        })
        .collect()
}

/// One line per grid and metric on how stably its points are selected across split seeds.
pub fn selection_lines(analysis: &Analysis) -> Vec<String> {
    analysis
        .selections
        .iter()
        .map(|s| {
            let counts: Vec<String> = s
                .points
                .iter()
                .map(|p| format!("{} {}", p.model, p.chosen))
                .collect();
            let best = s.points.iter().find(|p| p.model == s.best);
            format!(
                "{} on {}: wins per split seed ({} seeds): {}. Best mean: {} ({}).{}",
                s.grid,
                s.metric,
                s.n_seeds,
                counts.join(", "),
                s.best,
                best.map_or(String::new(), |p| format!("{:.4}", p.mean)),
                match (&s.one_se_choice, &s.simpler) {
                    (Some(choice), Some(simpler)) => format!(
                        " One-standard-error rule ({simpler}; SE {:.4}): {choice}.",
                        s.one_se
                    ),
                    _ => " No one-standard-error choice: which way is simpler is not known for this parameter.".into(),
                }
            )
        })
        .collect()
}

/// One line per model and metric of a learning curve: the score at each share, and whether the
/// last step still gained.
pub fn learning_curve_lines(analysis: &Analysis) -> Vec<String> {
    let mut lines = Vec::new();
    for step in &analysis.learning_curve_last_step {
        let points: Vec<String> = analysis
            .learning_curve
            .iter()
            .filter(|p| p.model == step.model && p.metric == step.metric)
            .map(|p| {
                format!(
                    "{} of the rows (n_train {:.0}): {:.4}",
                    p.train_fraction, p.n_train, p.mean
                )
            })
            .collect();
        let interval = step.ci.value().map_or(String::new(), |i| {
            format!(" [{:.4}, {:.4}]", i.lower, i.upper)
        });
        lines.push(format!(
            "{} on {}: {}. The last step ({} → all rows) changed the score by {:+.4}{interval} in the better direction: {}.",
            step.model,
            step.metric,
            points.join("; "),
            step.from,
            step.gain,
            if step.still_improving {
                "still improving, more data would likely help"
            } else {
                "no clear gain, more data may no longer help"
            }
        ));
    }
    lines
}
