//! Plain-language readings of the statistics, shared by the Markdown and HTML reports.

use crate::stats::{Comparison, Maybe, Summary};

/// A number with 4 significant decimals, or "–".
pub fn num(v: Option<f64>) -> String {
    v.map_or_else(|| "–".into(), |v| format!("{v:.4}"))
}

/// A p-value or probability, compact.
pub fn prob(v: Option<f64>) -> String {
    match v {
        None => "–".into(),
        Some(p) if p < 0.001 => "< 0.001".into(),
        Some(p) => format!("{p:.3}"),
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

/// The seed's share of the fold-score variance (ICC), or why it is missing.
pub fn seed_share(s: &Summary) -> String {
    match &s.variance_components {
        Maybe::Value(v) => percent(Some(v.icc)),
        Maybe::Absent { .. } => "–".into(),
    }
}

/// "A beats B on 87 of 100 seeds; corrected p = 0.03; P(equivalent) = 0.12. Verdict."
pub fn comparison_sentence(c: &Comparison, alpha: f64) -> String {
    let beats = c.sign_test.positive;
    let p = c.corrected_t.value().map(|t| t.p_value);
    let bayes = c.bayesian.value();
    let mut text = format!(
        "{} beats {} on {} of {} seeds",
        c.model_a, c.model_b, beats, c.n_seeds
    );
    if let Some(p) = p {
        text += &format!("; corrected p = {}", prob(Some(p)));
    }
    if let Some(b) = bayes {
        text += &format!("; P(equivalent) = {}", prob(Some(b.p_equivalent)));
    }
    let verdict = match (p, bayes) {
        (Some(p), Some(b)) if p < alpha && b.p_a_better >= 0.95 => {
            format!("{} is reliably better.", c.model_a)
        }
        (_, Some(b)) if b.p_equivalent >= 0.95 => {
            format!("Practically equivalent (within ±{}).", b.rope)
        }
        _ if beats * 2 > c.n_seeds => {
            format!(
                "{} is ahead on most seeds, but the evidence is not conclusive.",
                c.model_a
            )
        }
        _ => "No clear difference: which model wins depends on the seed.".into(),
    };
    format!("{text}. {verdict}")
}
