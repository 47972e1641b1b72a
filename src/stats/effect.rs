//! Effect sizes of a pair of models over their split seeds' means, next to the tests: how big
//! the difference is, where the tests say how sure.

use super::{mean, variance, Maybe};
use serde::{Deserialize, Serialize};

/// Two effect sizes of A over B, both positive when A is ahead.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EffectSize {
    /// Cohen's d: the difference of the seed means' means over their pooled standard deviation
    /// √((s²_A + s²_B) / 2) (Cohen 1988, §2.2): how many seed-to-seed spreads apart they are.
    pub cohens_d: f64,
    /// Cliff's δ (Cliff 1993): P(a seed mean of A beats one of B) − P(the reverse), over every
    /// pair of seed means, in [−1, 1]; = 2U / (n_A n_B) − 1 with U the Mann–Whitney statistic.
    pub cliffs_delta: f64,
}

/// The effect sizes of `a` over `b` (seed means oriented so that higher is better).
pub fn effect_size(a: &[f64], b: &[f64]) -> Maybe<EffectSize> {
    let (Some(mean_a), Some(mean_b), Some(var_a), Some(var_b)) =
        (mean(a), mean(b), variance(a), variance(b))
    else {
        return Maybe::absent("needs at least 2 seeds");
    };
    let pooled = ((var_a + var_b) / 2.0).sqrt();
    if pooled == 0.0 {
        return Maybe::absent("every seed mean is the same on both sides: no spread to scale by");
    }
    // ties count for neither side (f64::signum would count +0 as a win)
    let wins: f64 = a
        .iter()
        .flat_map(|x| {
            b.iter()
                .map(move |y| f64::from(i8::from(x > y) - i8::from(x < y)))
        })
        .sum();
    Maybe::Value(EffectSize {
        cohens_d: (mean_a - mean_b) / pooled,
        cliffs_delta: wins / (a.len() * b.len()) as f64,
    })
}
