//! Plain-language readings of the statistics, shared by the console table and the Markdown and
//! HTML reports.

use crate::record::UNSEEN_CATEGORY;
use crate::stats::{
    Analysis, Comparison, Decision, Maybe, SeedEffect, Summary, DETERMINISTIC, POSTERIOR,
};

/// A score with 4 decimals, or in scientific notation when that would hide it (|v| ≥ 10⁶ or
/// below 10⁻⁴).
pub fn score(v: f64) -> String {
    if v != 0.0 && !(1e-4..1e6).contains(&v.abs()) {
        format!("{v:.4e}")
    } else {
        format!("{v:.4}")
    }
}

/// A named probability: "p = 0.035", "p < 0.001".
pub fn named_prob(name: &str, p: f64) -> String {
    if p < 0.001 {
        format!("{name} < 0.001")
    } else {
        format!("{name} = {p:.3}")
    }
}

/// A share as a percentage.
pub fn percent(v: Option<f64>) -> String {
    v.map_or_else(|| "–".into(), |v| format!("{:.0} %", 100.0 * v))
}

/// "0.4838 [0.4817, 0.4859]" — mean with its t interval across seeds.
pub fn mean_with_interval(s: &Summary) -> String {
    match s.across_seeds.ci.value() {
        Some(ci) => format!(
            "{:.4} [{:.4}, {:.4}]",
            s.across_seeds.mean, ci.lower, ci.upper
        ),
        None => format!("{:.4}", s.across_seeds.mean),
    }
}

/// "[0.418, 0.550]" — where one seeded CV score of the model lands (Nadeau–Bengio interval
/// over all folds: the finite data and the seeds).
pub fn data_and_seed_interval(s: &Summary) -> String {
    s.folds.corrected_ci.value().map_or("–".into(), |ci| {
        format!("[{:.4}, {:.4}]", ci.lower, ci.upper)
    })
}

/// "split 0.0051 · model 0.0020" — the seed components' standard deviations.
pub fn seed_sds(s: &Summary) -> String {
    match s.seed_effect.value() {
        Some(e) if e.model_seed.absent.is_some() => format!("split {}", score(e.split_seed.sd)),
        Some(e) => format!(
            "split {} · model {}",
            score(e.split_seed.sd),
            score(e.model_seed.sd)
        ),
        None => "–".into(),
    }
}

/// "42 % · 0 % · 58 %" — the split seed's, model seed's and data's shares.
pub fn shares(s: &Summary) -> String {
    s.seed_effect.value().map_or("–".into(), |e| {
        format!(
            "{} · {} · {}",
            percent(Some(e.share.split_seed)),
            percent(Some(e.share.model_seed)),
            percent(Some(e.share.data))
        )
    })
}

/// "0.4712 – 0.4990" — the worst and best seed means.
pub fn seed_range(s: &Summary) -> String {
    format!("{} – {}", score(s.worst_seed.mean), score(s.best_seed.mean))
}

/// One sentence on where the uncertainty of one seeded CV score comes from.
pub fn seed_effect_sentence(s: &Summary) -> String {
    match &s.seed_effect {
        Maybe::Value(e) => format!(
            "Of the uncertainty in one seeded CV score, {} is the split seed (sd {:.4}), {} the model seed ({}), {} the finite data (sd {:.4}).",
            percent(Some(e.share.split_seed)),
            e.split_seed.sd,
            percent(Some(e.share.model_seed)),
            match e.model_seed.absent.as_deref() {
                None => format!("sd {:.4}", e.model_seed.sd),
                Some(DETERMINISTIC) => "deterministic model".into(),
                Some(why) => why.into(),
            },
            percent(Some(e.share.data)),
            e.data.sd
        ) + &incomplete_runs(e),
        Maybe::Absent { absent } => format!("Where the uncertainty comes from is not known: {absent}."),
    }
}

/// What the warned scores of `s` are, by kind ("3 of its scores come from fits that did not
/// converge …"), or `None` without warnings.
pub fn warning_sentence(s: &Summary) -> Option<String> {
    let other = s.n_warnings.checked_sub(s.n_unconverged)?;
    let mut parts = Vec::new();
    if s.n_unconverged > 0 {
        parts.push(format!(
            "{} of its scores come from fits that did not converge (the solver stopped at max_iter; raise max_iter or tol)",
            s.n_unconverged
        ));
    }
    if other > 0 {
        parts.push(format!(
            "{other} of its scores carry another warning, such as test rows holding {UNSEEN_CATEGORY} (see the records' warning column)"
        ));
    }
    (!parts.is_empty()).then(|| parts.join("; ") + ".")
}

/// " 3 runs (split seed × model seed) lost a fold to a failed fit and are left out of this
/// decomposition." — or nothing when every run is complete.
fn incomplete_runs(e: &SeedEffect) -> String {
    match e.n_incomplete_runs {
        0 => String::new(),
        n => format!(
            " {n} run(s) (split seed × model seed) lost a fold to a failed fit and are left out of this decomposition."
        ),
    }
}

/// The rule's deciding numbers for `c`: the adjusted p and the Bayesian posteriors.
fn evidence(c: &Comparison, alpha: f64) -> String {
    let mut parts = Vec::new();
    if let Some(t) = c.corrected_t.value() {
        let p = t.p_adjusted.unwrap_or(t.p_value);
        let sign = if p < alpha { "<" } else { "≥" };
        parts.push(format!(
            "{} {sign} {}",
            named_prob("Holm-adjusted p", p),
            short(alpha)
        ));
    }
    if let Some(b) = c.bayesian.value() {
        parts.push(format!(
            "P({} better by more than ±{}) = {:.3}, P(equivalent) = {:.3}",
            c.model_a,
            short(b.rope),
            b.p_a_better,
            b.p_equivalent
        ));
    }
    if parts.is_empty() {
        "no test could be computed: see the comparison's reasons in summary.json".into()
    } else {
        parts.join("; ")
    }
}

/// A ROPE half-width, short: 0.01, 0.5, 3.21.
fn short(v: f64) -> String {
    let text = format!("{v:.4}");
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// "real", "practically equivalent" or "seed luck" with what decided it.
pub fn decision_sentence(c: &Comparison, alpha: f64) -> String {
    let reading = match c.decision {
        Decision::ABetter => format!("{} is better: the lead is real", c.model_a),
        Decision::Equivalent => "practically equivalent".into(),
        Decision::Undecided => format!("not conclusive: {}'s lead may be seed luck", c.model_a),
    };
    format!("{reading} ({})", evidence(c, alpha))
}

/// "ols better by 0.0104 on mae; ahead on 50 of 50 seeds; ASO ε_min = 0.00. Verdict (numbers)."
pub fn comparison_sentence(c: &Comparison, alpha: f64) -> String {
    let mut text = format!(
        "{} better by {:.4} on {}; ahead on {} of {} seeds",
        c.model_a,
        c.mean_difference.abs(),
        c.metric,
        c.sign_test.positive,
        c.n_seeds
    );
    if let Some(a) = c.aso.value() {
        text += &format!("; ASO ε_min = {:.2}", a.epsilon_min);
    }
    format!("{text}. {}.", capitalise(&decision_sentence(c, alpha)))
}

fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_uppercase().collect::<String>() + chars.as_str()
    })
}

/// One line per metric: the leader, and whether its lead over the runner-up is real,
/// practically equivalent, or seed luck.
pub fn leader_lines(analysis: &Analysis) -> Vec<String> {
    let alpha = 1.0 - analysis.options.confidence;
    analysis
        .rankings
        .iter()
        .map(|r| {
            let leader = &r.overall_best;
            let runner_up = analysis
                .summaries
                .iter()
                .filter(|s| s.metric == r.metric && &s.model != leader)
                .max_by(|a, b| {
                    let key = |s: &Summary| {
                        if s.higher_is_better {
                            s.across_seeds.mean
                        } else {
                            -s.across_seeds.mean
                        }
                    };
                    key(a).total_cmp(&key(b))
                });
            let pair = runner_up.and_then(|b| {
                analysis
                    .comparisons
                    .iter()
                    .find(|c| c.metric == r.metric && &c.model_a == leader && c.model_b == b.model)
            });
            match pair {
                Some(c) => format!(
                    "{}: {leader} leads {} by {:.4}; {}.",
                    r.metric,
                    c.model_b,
                    c.mean_difference.abs(),
                    decision_sentence(c, alpha)
                ),
                None => format!("{}: {leader} leads (no paired comparison).", r.metric),
            }
        })
        .collect()
}

/// The rule that decides every verdict, for the Methods section.
pub fn decision_rule(alpha: f64) -> String {
    let alpha = short(alpha);
    format!(
        "Verdicts follow one rule. A is better when the corrected resampled t-test, Holm-adjusted over every pair of models on \
         the metric, gives p < {alpha} and the Bayesian correlated t-test gives P(A better by more than the ROPE) ≥ {POSTERIOR}; \
         otherwise the two are practically equivalent when P(|difference| ≤ ROPE) ≥ {POSTERIOR}; otherwise the verdict is \
         \"not conclusive\": the lead is within what splits, seeds and the finite data move the score by."
    )
}
