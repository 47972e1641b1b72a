//! BCa bootstrap interval of the mean of seed means (Efron 1987; DiCiccio & Efron 1996).

use super::dist::{normal_cdf, normal_quantile};
use super::seeds::quantile;
use super::Maybe;
use crate::rng::{self, Purpose};
use rand::Rng;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

/// A bootstrap interval with what is needed to reproduce it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Bootstrap {
    /// Coverage.
    pub level: f64,
    /// Lower end.
    pub lower: f64,
    /// Upper end.
    pub upper: f64,
    /// Always "bca".
    pub method: String,
    /// Number of resamples.
    pub resamples: usize,
    /// Seed of the resampling stream.
    pub seed: u64,
}

/// BCa interval from the estimate, its bootstrap replicates and its jackknife (leave-one-out)
/// values: bias correction z₀ = Φ⁻¹(share of replicates below the estimate), acceleration
/// a = Σ(θ̄₍.₎ − θ₍ᵢ₎)³ / (6 [Σ(θ̄₍.₎ − θ₍ᵢ₎)²]^{3/2}), then the replicate quantiles at
/// Φ(z₀ + (z₀ + z_α)/(1 − a(z₀ + z_α))) for z_α at both tails.
pub fn bca_interval(
    estimate: f64,
    replicates: &[f64],
    jackknife: &[f64],
    level: f64,
) -> Maybe<(f64, f64)> {
    let below =
        replicates.iter().filter(|&&b| b < estimate).count() as f64 / replicates.len() as f64;
    if below <= 0.0 || below >= 1.0 {
        return Maybe::absent("the bootstrap distribution lies on one side of the estimate");
    }
    let z0 = normal_quantile(below);
    let centre = jackknife.iter().sum::<f64>() / jackknife.len() as f64;
    let squares: f64 = jackknife.iter().map(|t| (centre - t).powi(2)).sum();
    let cubes: f64 = jackknife.iter().map(|t| (centre - t).powi(3)).sum();
    let a = if squares > 0.0 {
        cubes / (6.0 * squares.powf(1.5))
    } else {
        0.0
    };
    let adjusted = |alpha: f64| {
        let z = normal_quantile(alpha);
        normal_cdf(z0 + (z0 + z) / (1.0 - a * (z0 + z)))
    };
    let mut sorted = replicates.to_vec();
    sorted.sort_by(f64::total_cmp);
    let tail = (1.0 - level) / 2.0;
    match (
        quantile(&sorted, adjusted(tail)),
        quantile(&sorted, adjusted(1.0 - tail)),
    ) {
        (Some(lo), Some(hi)) => Maybe::Value((lo, hi)),
        _ => Maybe::absent("no bootstrap replicates"),
    }
}

/// A uniform index below `n` from a random u32 by Lemire's multiply-shift (2019), without the
/// rejection step: its bias is below n / 2³², far under resampling noise for any number of
/// seeds a run holds, and it avoids a division per draw. One 32-bit word per draw, not two:
/// generating the draws was a fifth of a small run.
fn pick(draw: u32, n: usize) -> usize {
    ((u64::from(draw) * n as u64) >> 32) as usize
}

/// Resamples summed side by side: independent additions overlap in the CPU, where one sum
/// after another would wait on each addition in turn.
const LANES: usize = 8;

/// Resamples per parallel task.
const RESAMPLES_PER_TASK: usize = 1024;

/// Means of `resamples` resamples of `values` from the `(seed, bootstrap)` stream. Resample r
/// takes the stream's draws r·n … r·n + n − 1 and adds them in order. Tasks of
/// [`RESAMPLES_PER_TASK`] run in parallel, each seeking the stream to its first draw; drawing
/// in bulk and summing [`LANES`] resamples at once change nothing either: the result is the
/// same bits as one resample after another.
fn resample_means(values: &[f64], resamples: usize, seed: u64) -> Vec<f64> {
    let n = values.len();
    let firsts: Vec<usize> = (0..resamples).step_by(RESAMPLES_PER_TASK).collect();
    let tasks: Vec<Vec<f64>> = firsts
        .par_iter()
        .map(|&first| {
            let mut rng = rng::stream(seed, Purpose::Bootstrap);
            // a draw is one of ChaCha's 32-bit words
            rng.set_word_pos((first as u128) * (n as u128));
            let count = (resamples - first).min(RESAMPLES_PER_TASK);
            let mut draws = vec![0u32; LANES * n];
            let mut means = Vec::with_capacity(count);
            while means.len() < count {
                let lanes = (count - means.len()).min(LANES);
                let draws = &mut draws[..lanes * n];
                rng.fill(draws);
                let mut sums = [0.0; LANES];
                for i in 0..n {
                    for (lane, sum) in sums[..lanes].iter_mut().enumerate() {
                        *sum += values[pick(draws[lane * n + i], n)];
                    }
                }
                means.extend(sums[..lanes].iter().map(|s| s / n as f64));
            }
            means
        })
        .collect();
    tasks.concat()
}

/// BCa interval of the mean of `values` from `resamples` resamples drawn from the
/// `(seed, bootstrap)` stream.
pub fn bootstrap_mean(values: &[f64], resamples: usize, seed: u64, level: f64) -> Maybe<Bootstrap> {
    let n = values.len();
    if n < 2 || resamples < 2 {
        return Maybe::absent("needs at least 2 seeds");
    }
    let total: f64 = values.iter().sum();
    let estimate = total / n as f64;
    let replicates = resample_means(values, resamples, seed);
    let jackknife: Vec<f64> = values
        .iter()
        .map(|v| (total - v) / (n - 1) as f64)
        .collect();
    match bca_interval(estimate, &replicates, &jackknife, level) {
        Maybe::Value((lower, upper)) => Maybe::Value(Bootstrap {
            level,
            lower,
            upper,
            method: "bca".into(),
            resamples,
            seed,
        }),
        Maybe::Absent { absent } => Maybe::Absent { absent },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::RngCore;

    #[test]
    fn parallel_bulk_resampling_gives_the_sequential_bits() {
        let values: Vec<f64> = (0..7).map(|i| (i as f64).sin() * 10.0).collect();
        let resamples = 3 * RESAMPLES_PER_TASK + 5;
        let mut rng = rng::stream(9, Purpose::Bootstrap);
        let sequential: Vec<f64> = (0..resamples)
            .map(|_| {
                (0..values.len())
                    .map(|_| values[pick(rng.next_u32(), values.len())])
                    .sum::<f64>()
                    / values.len() as f64
            })
            .collect();
        let ours = resample_means(&values, resamples, 9);
        assert!(ours
            .iter()
            .zip(&sequential)
            .all(|(a, b)| a.to_bits() == b.to_bits()));
        assert_eq!(ours.len(), resamples);
    }
}
