//! How much more evidence would settle an open verdict.
//!
//! Both tests of the decision rule ([`decide`](super::decide)) read the fold differences
//! through one standard error, the Nadeau & Bengio (2003) corrected one:
//! se² = (1/J + n_test/n_train)·s², with J paired folds and s² their variance. More split
//! seeds raise J and shrink only the 1/J term; the n_test/n_train term is the finite data's and
//! stays. If the mean difference d̄ and s² stay as measured, the rule decides once se falls
//! below the largest standard error at which it would: towards "better" when d̄ lies beyond the
//! ROPE, towards "practically equivalent" when it lies inside. s² of a mean over n test rows
//! falls as 1/n, so at a fixed J the rows would have to grow by the factor se² / se*².

use super::dist::{t_cdf, t_quantile};
use super::{Comparison, Decision, POSTERIOR};
use serde::{Deserialize, Serialize};

/// What would settle an undecided comparison, if its mean difference and the spread of its
/// fold differences held.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Settle {
    /// The verdict more evidence would lead to: `a_better` or `equivalent`.
    pub towards: Decision,
    /// Split seeds in all (as many folds each) after which the rule would decide; `None` when
    /// no number of split seeds can, because the finite data's term alone keeps it open.
    pub split_seeds: Option<u64>,
    /// How many times the rows, at today's seeds, after which the rule would decide.
    pub rows_factor: f64,
}

/// The settling estimate for an undecided comparison whose corrected t-test exists;
/// `test_share` is the test rows' share of the data (ρ), `alpha` the rule's level.
pub fn settle(c: &Comparison, test_share: f64, alpha: f64) -> Option<Settle> {
    let t = c.corrected_t.value()?;
    let rope = c.bayesian.value()?.rope;
    let m = c.mean_difference;
    if c.decision != Decision::Undecided || m <= 0.0 || m == rope || t.t == 0.0 {
        return None;
    }
    let se = m / t.t;
    // the Holm factor of today's p-value, kept for the larger study
    let holm = (t.p_adjusted? / t.p_value).max(1.0);
    let towards = if m > rope {
        Decision::ABetter
    } else {
        Decision::Equivalent
    };
    let se_needed = |df: f64| match towards {
        Decision::ABetter => (m / t_quantile(1.0 - alpha / (2.0 * holm), df))
            .min((m - rope) / t_quantile(POSTERIOR, df)),
        _ => equivalence_se(m, rope, df),
    };
    let today = se_needed(t.df);
    if !(today > 0.0 && today.is_finite() && se.is_finite()) {
        return None;
    }
    let j = c.n_pairs as f64;
    let ratio = test_share / (1.0 - test_share);
    let variance = se * se / (1.0 / j + ratio);
    let folds_per_seed = j / c.n_seeds as f64;
    // folds needed at a given df; the quantiles fall as J grows, so iterate to the fixed point
    let folds_needed = |df: f64| {
        let room = se_needed(df).powi(2) / variance - ratio;
        (room > 0.0).then(|| (1.0 / room / folds_per_seed).ceil() * folds_per_seed)
    };
    let mut folds = folds_needed(t.df);
    for _ in 0..20 {
        match folds {
            Some(f) if f.is_finite() => folds = folds_needed(f - 1.0).or(folds),
            _ => break,
        }
    }
    let split_seeds = folds
        .map(|f| (f / folds_per_seed).round())
        .filter(|s| s.is_finite() && *s < u64::MAX as f64)
        .map(|s| (s as u64).max(c.n_seeds as u64 + 1));
    Some(Settle {
        towards,
        split_seeds,
        rows_factor: (se / today).powi(2),
    })
}

/// The largest standard error at which P(|difference| ≤ rope) reaches [`POSTERIOR`] for a
/// posterior t centred on `m` (0 ≤ m < rope), by bisection: the probability falls as the
/// scale grows.
fn equivalence_se(m: f64, rope: f64, df: f64) -> f64 {
    let inside = |s: f64| t_cdf((rope - m) / s, df) - t_cdf((-rope - m) / s, df);
    let (mut low, mut high) = (0.0, rope);
    for _ in 0..100 {
        let mid = (low + high) / 2.0;
        if inside(mid) >= POSTERIOR {
            low = mid;
        } else {
            high = mid;
        }
    }
    low
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::{bayesian_correlated, corrected_t, decide, Maybe};

    /// A comparison of J fold differences with test share ρ, decided by the rule (no other
    /// pair, so the Holm adjustment is the identity).
    fn comparison(d: &[f64], seeds: usize, rho: f64, rope: f64) -> Comparison {
        let mut t = corrected_t(d, rho / (1.0 - rho), 0.95);
        if let Maybe::Value(t) = &mut t {
            t.p_adjusted = Some(t.p_value);
        }
        let mut c = Comparison {
            metric: "r2".into(),
            model_a: "a".into(),
            model_b: "b".into(),
            n_seeds: seeds,
            n_pairs: d.len(),
            mean_difference: d.iter().sum::<f64>() / d.len() as f64,
            corrected_t: t,
            wilcoxon: Maybe::absent("-"),
            sign_test: crate::stats::sign_test(&[]),
            p_a_beats_b: Maybe::absent("-"),
            bayesian: bayesian_correlated(d, rho, rope),
            five_by_two: Maybe::absent("-"),
            aso: Maybe::absent("-"),
            effect_size: Maybe::absent("-"),
            decision: Decision::Undecided,
            limiting_factor: None,
            settle: None,
        };
        c.decision = decide(&c, 0.05);
        c
    }

    /// Fold differences for `seeds` seeds of 5 folds with mean `m` and sample variance 2·10⁻⁴
    /// whatever the number of seeds, so that only J changes with the seeds.
    fn differences(m: f64, seeds: usize) -> Vec<f64> {
        let pattern: Vec<f64> = (0..seeds * 5).map(|i| (i % 5) as f64 - 2.0).collect();
        let ss: f64 = pattern.iter().map(|z| z * z).sum();
        let scale = (2e-4 * (pattern.len() - 1) as f64 / ss).sqrt();
        pattern.iter().map(|z| m + scale * z).collect()
    }

    /// The fewest seeds at which the rule decides, by trying every count.
    fn first_deciding(m: f64, rho: f64, rope: f64, from: usize) -> usize {
        (from..10_000)
            .find(|&n| comparison(&differences(m, n), n, rho, rope).decision != Decision::Undecided)
            .unwrap()
    }

    #[test]
    fn the_predicted_number_of_seeds_is_the_fewest_that_decide() {
        // a lead beyond the ROPE that 4 seeds leave open
        let (m, rope, rho) = (0.006, 0.002, 0.01);
        let c = comparison(&differences(m, 4), 4, rho, rope);
        assert_eq!(c.decision, Decision::Undecided);
        let s = settle(&c, rho, 0.05).unwrap();
        assert_eq!(s.towards, Decision::ABetter);
        let predicted = s.split_seeds.unwrap() as usize;
        let exact = first_deciding(m, rho, rope, 5);
        assert!(
            predicted == exact,
            "predicted {predicted}, first deciding {exact}"
        );
        let decided = comparison(&differences(m, predicted), predicted, rho, rope);
        assert_eq!(decided.decision, Decision::ABetter);
    }

    #[test]
    fn when_the_data_term_alone_keeps_it_open_no_number_of_seeds_is_promised() {
        // test share 0.5: the n_test/n_train term is as large as s² itself
        let c = comparison(&differences(0.012, 4), 4, 0.5, 0.002);
        assert_eq!(c.decision, Decision::Undecided);
        let s = settle(&c, 0.5, 0.05).unwrap();
        assert_eq!(s.split_seeds, None);
        assert!(s.rows_factor > 1.0);
    }

    #[test]
    fn a_difference_inside_the_rope_settles_towards_equivalence() {
        let c = comparison(&differences(0.001, 2), 2, 0.01, 0.004);
        assert_eq!(c.decision, Decision::Undecided);
        let s = settle(&c, 0.01, 0.05).unwrap();
        assert_eq!(s.towards, Decision::Equivalent);
        let predicted = s.split_seeds.unwrap() as usize;
        let exact = first_deciding(0.001, 0.01, 0.004, 3);
        assert!(
            predicted == exact,
            "predicted {predicted}, first deciding {exact}"
        );
    }

    #[test]
    fn decided_comparisons_need_nothing() {
        let c = comparison(&differences(0.05, 20), 20, 0.01, 0.002);
        assert_eq!(c.decision, Decision::ABetter);
        assert_eq!(settle(&c, 0.01, 0.05), None);
    }
}
