//! BCa bootstrap interval of the mean of seed means (Efron 1987; DiCiccio & Efron 1996).

use super::dist::{normal_cdf, normal_quantile};
use super::seeds::quantile_unsorted;
use super::Maybe;
use crate::rng::{self, Purpose};
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
    let mut replicates = replicates.to_vec();
    let tail = (1.0 - level) / 2.0;
    match (
        quantile_unsorted(&mut replicates, adjusted(tail)),
        quantile_unsorted(&mut replicates, adjusted(1.0 - tail)),
    ) {
        (Some(lo), Some(hi)) => Maybe::Value((lo, hi)),
        _ => Maybe::absent("no bootstrap replicates"),
    }
}

/// A uniform index below `n` (always: the draw is below 2³², so draw · n is below 2³² · n)
/// from a random u32 by Lemire's multiply-shift (2019), without the rejection step: its bias
/// is below n / 2³², far under resampling noise for any number of seeds a run holds, and it
/// avoids a division per draw. One 32-bit word per draw, not two: generating the draws was a
/// fifth of a small run.
fn pick(draw: u32, n: usize) -> usize {
    ((u64::from(draw) * n as u64) >> 32) as usize
}

/// Resamples summed side by side: independent additions overlap in the CPU, where one sum
/// after another would wait on each addition in turn.
const LANES: usize = 8;

/// Resamples per parallel task.
const RESAMPLES_PER_TASK: usize = 1024;

/// Means of `resamples` resamples of each of `sets` (all of one length n) from the
/// `(seed, bootstrap)` stream. Resample r takes the stream's draws r·n … r·n + n − 1 and adds
/// the values they pick in order; every set takes the same draws, so each gets the bits it
/// would get alone, and the draws (most of the cost) are made once. Tasks of
/// [`RESAMPLES_PER_TASK`] run in parallel, each seeking the stream to its first draw; drawing
/// in bulk and summing [`LANES`] resamples at once change nothing either: the result is the
/// same bits as one resample after another.
fn resample_means(sets: &[&[f64]], resamples: usize, seed: u64) -> Vec<Vec<f64>> {
    let n = sets[0].len();
    // the unchecked reads below rely on it
    assert!(
        sets.iter().all(|s| s.len() == n),
        "every set holds n values"
    );
    let firsts: Vec<usize> = (0..resamples).step_by(RESAMPLES_PER_TASK).collect();
    let tasks: Vec<Vec<Vec<f64>>> = firsts
        .par_iter()
        .map(|&first| {
            let mut rng = rng::stream(seed, Purpose::Bootstrap);
            // a draw is one of ChaCha's 32-bit words
            rng.set_word_pos((first as u128) * (n as u128));
            let count = (resamples - first).min(RESAMPLES_PER_TASK);
            // lane after lane, each lane's draws turned into its picks in place (a lane past
            // the last resample keeps earlier picks, or zeros, all below n, and its sum is
            // dropped)
            let mut picks = vec![0u32; LANES * n];
            let mut means = vec![Vec::with_capacity(count); sets.len()];
            let mut done = 0;
            while done < count {
                let lanes = (count - done).min(LANES);
                let drawn = &mut picks[..lanes * n];
                rng::fill_words(&mut rng, drawn);
                drawn.iter_mut().for_each(|d| *d = pick(*d, n) as u32);
                for (values, means) in sets.iter().zip(&mut means) {
                    let mut sums = [0.0; LANES];
                    for i in 0..n {
                        for (lane, sum) in sums.iter_mut().enumerate() {
                            // SAFETY: lane · n + i < LANES · n, the length of `picks`, and
                            // every pick is below n, the length of `values` (see `pick`):
                            // without the two bounds checks a resample takes a fifth less time
                            *sum += unsafe {
                                let p = *picks.get_unchecked(lane * n + i);
                                *values.get_unchecked(p as usize)
                            };
                        }
                    }
                    means.extend(sums[..lanes].iter().map(|s| s / n as f64));
                }
                done += lanes;
            }
            means
        })
        .collect();
    (0..sets.len())
        .map(|k| {
            tasks
                .iter()
                .flat_map(|task| task[k].iter().copied())
                .collect()
        })
        .collect()
}

/// BCa interval of the mean of `values` from `resamples` resamples drawn from the
/// `(seed, bootstrap)` stream.
pub fn bootstrap_mean(values: &[f64], resamples: usize, seed: u64, level: f64) -> Maybe<Bootstrap> {
    bootstrap_means(&[values], resamples, seed, level).remove(0)
}

/// [`bootstrap_mean`] of each of `sets`, in order: sets of one length share the stream's
/// draws, made once (a run's models and metrics mostly have the same seeds).
pub fn bootstrap_means(
    sets: &[&[f64]],
    resamples: usize,
    seed: u64,
    level: f64,
) -> Vec<Maybe<Bootstrap>> {
    let mut intervals: Vec<Maybe<Bootstrap>> = sets
        .iter()
        .map(|_| Maybe::absent("needs at least 2 seeds"))
        .collect();
    if resamples < 2 {
        return intervals;
    }
    let mut lengths: Vec<usize> = sets.iter().map(|s| s.len()).filter(|&n| n >= 2).collect();
    lengths.sort_unstable();
    lengths.dedup();
    for n in lengths {
        let members: Vec<usize> = (0..sets.len()).filter(|&k| sets[k].len() == n).collect();
        let group: Vec<&[f64]> = members.iter().map(|&k| sets[k]).collect();
        let replicates = resample_means(&group, resamples, seed);
        for (&k, replicates) in members.iter().zip(&replicates) {
            intervals[k] = interval(sets[k], replicates, resamples, seed, level);
        }
    }
    intervals
}

/// The BCa interval of the mean of `values` from its bootstrap `replicates`.
fn interval(
    values: &[f64],
    replicates: &[f64],
    resamples: usize,
    seed: u64,
    level: f64,
) -> Maybe<Bootstrap> {
    let n = values.len();
    let total: f64 = values.iter().sum();
    let estimate = total / n as f64;
    let jackknife: Vec<f64> = values
        .iter()
        .map(|v| (total - v) / (n - 1) as f64)
        .collect();
    match bca_interval(estimate, replicates, &jackknife, level) {
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
        let other: Vec<f64> = (0..7).map(|i| (i as f64).cos() / 3.0).collect();
        let resamples = 3 * RESAMPLES_PER_TASK + 5;
        // one resample after another, each set from a stream of its own
        let sequential = |values: &[f64]| -> Vec<f64> {
            let mut rng = rng::stream(9, Purpose::Bootstrap);
            (0..resamples)
                .map(|_| {
                    (0..values.len())
                        .map(|_| values[pick(rng.next_u32(), values.len())])
                        .sum::<f64>()
                        / values.len() as f64
                })
                .collect()
        };
        let ours = resample_means(&[&values, &other], resamples, 9);
        for (ours, values) in ours.iter().zip([&values, &other]) {
            let expected = sequential(values);
            assert_eq!(ours.len(), resamples);
            assert!(ours
                .iter()
                .zip(&expected)
                .all(|(a, b)| a.to_bits() == b.to_bits()));
        }
    }

    #[test]
    fn sets_bootstrapped_together_get_their_intervals_alone() {
        let a: Vec<f64> = (0..12).map(|i| (i as f64 * 0.7).sin()).collect();
        let b: Vec<f64> = (0..12).map(|i| (i as f64 * 1.3).cos() * 4.0).collect();
        let c: Vec<f64> = (0..5).map(|i| i as f64 * i as f64).collect();
        let together = bootstrap_means(&[&a, &c, &[1.0], &b], 2000, 3, 0.9);
        let alone: Vec<Maybe<Bootstrap>> = [&a[..], &c, &[1.0], &b]
            .iter()
            .map(|set| bootstrap_mean(set, 2000, 3, 0.9))
            .collect();
        assert_eq!(together, alone);
        assert!(matches!(together[0], Maybe::Value(_)));
        assert!(matches!(together[2], Maybe::Absent { .. }));
        assert_ne!(together[0], together[3]);
    }
}
