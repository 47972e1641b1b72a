//! What the reports say, independent of format: table rows, headlines, verdicts and method
//! notes, shared by the Markdown and HTML renderers.

use super::verdict::{comparison_sentence, mean_with_interval, num, percent, prob, seed_share};
use crate::stats::{Analysis, Maybe, Summary};

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
pub const SUMMARY_HEADER: [&str; 8] = [
    "model",
    "mean [t CI]",
    "std across seeds",
    "seed share",
    "corrected CI (folds)",
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
        mean_with_interval(s),
        num(s.across_seeds.std.value().copied()),
        seed_share(s),
        interval(s.folds.corrected_ci.value().map(|c| (c.lower, c.upper))),
        interval(s.bootstrap_ci.value().map(|c| (c.lower, c.upper))),
        seeds,
        s.n_failed.to_string(),
    ]
}

/// The headline sentence for one model on one metric.
pub fn headline(s: &Summary, level: f64) -> String {
    let mut text = format!(
        "{} scores {} ({:.0} % t interval over {} seeds)",
        s.model,
        mean_with_interval(s),
        100.0 * level,
        s.n_seeds
    );
    if let Maybe::Value(v) = &s.variance_components {
        text += &format!(
            "; the seed accounts for {} of the fold-score variance (between {:.3e}, within {:.3e}; F = {:.2}, p = {})",
            percent(Some(v.icc)),
            v.between_seed,
            v.within_seed,
            v.f,
            prob(Some(v.p_value))
        );
    }
    text += &format!(
        "; worst seed {} ({:.4}), best seed {} ({:.4}).",
        s.worst_seed.seed, s.worst_seed.mean, s.best_seed.seed, s.best_seed.mean
    );
    if s.n_warnings > 0 {
        text += &format!(
            " Warning: {} of its scores come from fits that did not converge (solver stopped at max_iter); raise max_iter or tol.",
            s.n_warnings
        );
    }
    if let Maybe::Value(c) = &s.model_seed_components {
        text += &format!(
            " Its own model seed adds variance too: split seed {:.3e}, model seed {:.3e}, folds {:.3e}.",
            c.split_seed, c.model_seed, c.residual
        );
    }
    text
}

/// Columns of the comparison table.
pub const COMPARISON_HEADER: [&str; 4] = ["metric", "A − B", "mean difference", "verdict"];

/// Comparison table rows.
pub fn comparison_rows(analysis: &Analysis) -> Vec<Vec<String>> {
    let alpha = 1.0 - analysis.options.confidence;
    analysis
        .comparisons
        .iter()
        .map(|c| {
            vec![
                c.metric.clone(),
                format!("{} − {}", c.model_a, c.model_b),
                format!("{:.4}", c.mean_difference),
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
            format!(
                "{}: {} is best overall; another model is on top for {} of {} seeds (first place: {}).",
                r.metric,
                r.overall_best,
                r.top_changes,
                r.per_seed.len(),
                shares.join(", ")
            )
        })
        .collect()
}

/// How every number was computed, with sources.
pub fn method_lines(analysis: &Analysis) -> Vec<String> {
    let o = &analysis.options;
    vec![
        format!(
            "Seed mean: the mean over a split seed's folds. Intervals are {:.0} %: Student t over seed means; Nadeau & Bengio (2003) \
             corrected resampled interval over all folds (variance × (1/J + n_test/n_train)); BCa bootstrap of the mean of seed means \
             (Efron 1987; {} resamples, seed {}).",
            100.0 * o.confidence,
            o.resamples,
            o.bootstrap_seed
        ),
        "Seed share: intraclass correlation from a one-way random-effects ANOVA of fold scores by seed (method of moments, \
         between-seed variance truncated at 0). The folds of one seed partition the data, so their scores are often negatively \
         correlated and the between-seed component comes out 0: the standard deviation across seeds is then the direct measure \
         of how much the split seed moves the score. \"Seeds for half the interval\": seeds whose t interval would be half as wide."
            .into(),
        format!(
            "Comparisons pair folds by split seed and fold, oriented so positive favours A: corrected resampled t-test (Nadeau & Bengio \
             2003; Bouckaert & Frank 2004), Wilcoxon signed-rank and sign tests over seed-mean differences, P(A beats B) over seeds \
             (Bouthillier et al. 2021) with a Wilson interval, and the Bayesian correlated t-test (Benavoli et al. 2017) with a region \
             of practical equivalence of ±{}.",
            o.rope
        ),
    ]
}
