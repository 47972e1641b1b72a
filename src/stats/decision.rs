//! What a comparison concludes, by one documented rule, and the multiple-comparison adjustment
//! it uses.
//!
//! For models A (ahead on the mean) and B on one metric, with α = 1 − confidence:
//! 1. **A is better** when the corrected resampled t-test rejects "no difference" after Holm's
//!    adjustment over every pair of the metric (p_adjusted < α) *and* the Bayesian correlated
//!    t-test puts at least 95 % on A being better by more than the ROPE;
//! 2. otherwise **practically equivalent** when the Bayesian test puts at least 95 % inside
//!    the ROPE;
//! 3. otherwise **undecided**: the lead is within what the splits, seeds and finite data move
//!    the score by (seed luck).

use super::{Comparison, Maybe};
use serde::{Deserialize, Serialize};

/// Posterior probability a Bayesian reading needs.
pub const POSTERIOR: f64 = 0.95;

/// The conclusion of a comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    /// A is better beyond the ROPE (rule 1).
    ABetter,
    /// The difference is inside the ROPE (rule 2).
    Equivalent,
    /// Neither (rule 3).
    Undecided,
}

/// Apply the rule to `c` (whose `corrected_t.p_adjusted` is set) at `alpha`.
pub fn decide(c: &Comparison, alpha: f64) -> Decision {
    let p = c.corrected_t.value().and_then(|t| t.p_adjusted);
    match (p, c.bayesian.value()) {
        (Some(p), Some(b)) if p < alpha && b.p_a_better >= POSTERIOR => Decision::ABetter,
        (_, Some(b)) if b.p_equivalent >= POSTERIOR => Decision::Equivalent,
        _ => Decision::Undecided,
    }
}

/// Holm's (1979) step-down adjustment: the i-th smallest of m p-values becomes
/// max over j ≤ i of min(1, (m − j + 1)·p₍ⱼ₎); input order is kept.
pub fn holm(p: &[f64]) -> Vec<f64> {
    let m = p.len();
    let mut order: Vec<usize> = (0..m).collect();
    order.sort_by(|&a, &b| p[a].total_cmp(&p[b]).then(a.cmp(&b)));
    let mut adjusted = vec![0.0; m];
    let mut running = 0.0f64;
    for (rank, &i) in order.iter().enumerate() {
        running = running.max(((m - rank) as f64 * p[i]).min(1.0));
        adjusted[i] = running;
    }
    adjusted
}

/// Set `corrected_t.p_adjusted` on the comparisons of one metric (Holm over all of them) and
/// then their decisions.
pub fn adjust_and_decide(comparisons: &mut [Comparison], alpha: f64) {
    let tested: Vec<usize> = (0..comparisons.len())
        .filter(|&i| comparisons[i].corrected_t.value().is_some())
        .collect();
    let p: Vec<f64> = tested
        .iter()
        .filter_map(|&i| comparisons[i].corrected_t.value().map(|t| t.p_value))
        .collect();
    for (&i, adjusted) in tested.iter().zip(holm(&p)) {
        if let Maybe::Value(t) = &mut comparisons[i].corrected_t {
            t.p_adjusted = Some(adjusted);
        }
    }
    for c in comparisons.iter_mut() {
        c.decision = decide(c, alpha);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn holm_adjusts_step_down_and_keeps_order() {
        // worked by hand: sorted 0.005·4, 0.01·3, 0.03·2, 0.04·1 → 0.02, 0.03, 0.06, max(0.06, 0.04)
        let got = holm(&[0.01, 0.04, 0.03, 0.005]);
        let want = [0.03, 0.06, 0.06, 0.02];
        for (g, w) in got.iter().zip(want) {
            assert!((g - w).abs() < 1e-15, "{got:?}");
        }
    }
}
