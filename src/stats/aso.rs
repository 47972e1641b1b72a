//! Almost stochastic order (del Barrio, Cuesta-Albertos & Matrán 2018; Dror, Shlomov & Reichart
//! 2019, ACL), with the conventions of deepsig's `aso()` (Ulmer et al. 2022): scores oriented
//! so that higher is better; ε_min < 0.5 means A is stochastically larger than B.
//!
//! The violation ratio is the share of the squared Wasserstein-2 distance between the two
//! empirical quantile functions where A's quantile lies below B's, integrated on the grid
//! t = dt, 2dt, … < 1 (dt = 0.005). Its bootstrap standard deviation σ̂ (resampling each set
//! of scores with replacement) gives the upper confidence bound
//! ε_min = clip(ratio + σ̂/√(nm/(n+m)) · Φ⁻¹(confidence), 0, 1).

use super::dist::normal_quantile;
use super::Maybe;
use crate::rng::{below, stream, Purpose};
use serde::{Deserialize, Serialize};

/// Grid step of the quantile integral (deepsig's default).
const DT: f64 = 0.005;

/// The result of the test.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Aso {
    /// Upper bound on the violation ratio; below 0.5, A is almost stochastically larger.
    pub epsilon_min: f64,
    /// The violation ratio of the observed scores.
    pub violation_ratio: f64,
    /// Confidence of the bound.
    pub confidence: f64,
    /// Bootstrap resamples.
    pub resamples: usize,
    /// Seed of the bootstrap stream.
    pub seed: u64,
}

/// The empirical quantile function at `t` of ascending `sorted` (deepsig's
/// `get_quantile_function`: the ⌈n·t⌉-th smallest value).
fn quantile(sorted: &[f64], t: f64) -> f64 {
    let n = sorted.len();
    let index = (n as f64 * t).ceil() as i64 - 1;
    sorted[index.clamp(0, n as i64 - 1) as usize]
}

/// The share of the squared Wasserstein distance where A's quantiles are below B's.
pub fn violation_ratio(a: &[f64], b: &[f64]) -> f64 {
    let sort = |x: &[f64]| {
        let mut s = x.to_vec();
        s.sort_by(f64::total_cmp);
        s
    };
    let (a, b) = (sort(a), sort(b));
    let (mut distance, mut violation) = (0.0, 0.0);
    let steps = (1.0 / DT).round() as usize;
    for i in 0..steps - 1 {
        // numpy's arange(dt, 1, dt): start + i·step
        let t = DT + i as f64 * DT;
        let (f, g) = (quantile(&a, t), quantile(&b, t));
        let d2 = (g - f) * (g - f) * DT;
        distance += d2;
        if f < g && i > 0 {
            violation += d2;
        }
    }
    if distance == 0.0 {
        0.5
    } else {
        violation / distance
    }
}

/// ASO of `a` over `b` (higher is better) with `resamples` bootstrap draws from the seeded
/// stream `seed`.
pub fn aso(a: &[f64], b: &[f64], confidence: f64, resamples: usize, seed: u64) -> Maybe<Aso> {
    if a.len() < 2 || b.len() < 2 {
        return Maybe::absent("needs at least 2 seeds per model");
    }
    if a.iter().chain(b).any(|v| !v.is_finite()) {
        return Maybe::absent("the seed means are not all finite");
    }
    let ratio = violation_ratio(a, b);
    let mut rng = stream(seed, Purpose::Bootstrap);
    let mut draw = |x: &[f64]| -> Vec<f64> {
        (0..x.len())
            .map(|_| x[below(&mut rng, x.len() as u64) as usize])
            .collect()
    };
    let samples: Vec<f64> = (0..resamples)
        .map(|_| {
            let (ra, rb) = (draw(a), draw(b));
            violation_ratio(&ra, &rb)
        })
        .collect();
    let (n, m) = (a.len() as f64, b.len() as f64);
    let c = (n * m / (n + m)).sqrt();
    // np.std (ddof 0) of c·(sample − ratio)
    let scaled: Vec<f64> = samples.iter().map(|s| c * (s - ratio)).collect();
    let centre = scaled.iter().sum::<f64>() / scaled.len() as f64;
    let sigma =
        (scaled.iter().map(|v| (v - centre).powi(2)).sum::<f64>() / scaled.len() as f64).sqrt();
    let epsilon_min = (ratio - sigma / c * normal_quantile(1.0 - confidence)).clamp(0.0, 1.0);
    Maybe::Value(Aso {
        epsilon_min,
        violation_ratio: ratio,
        confidence,
        resamples,
        seed,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_dominating_set_has_no_violation_and_its_mirror_has_all() {
        let a = [0.9, 0.91, 0.92, 0.95];
        let b = [0.8, 0.81, 0.85, 0.86];
        assert_eq!(violation_ratio(&a, &b), 0.0);
        // deepsig leaves the first grid point out of the violation, not out of the distance
        assert!(violation_ratio(&b, &a) > 0.99);
        let r = aso(&a, &b, 0.95, 200, 0).value().unwrap().clone();
        assert_eq!(r.epsilon_min, 0.0);
        assert!(aso(&b, &a, 0.95, 200, 0).value().unwrap().epsilon_min > 0.99);
    }
}
