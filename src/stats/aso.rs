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

/// Where the grid's quantiles sit in an ascending sample of `n` values: at t = dt, 2dt, … < 1
/// (numpy's `arange(dt, 1, dt)`: start + i·step), deepsig's `get_quantile_function`, the
/// ⌈n·t⌉-th smallest value. Non-decreasing, as t is.
fn grid_positions(n: usize) -> Vec<usize> {
    let steps = (1.0 / DT).round() as usize;
    (0..steps - 1)
        .map(|i| {
            let t = DT + i as f64 * DT;
            let index = (n as f64 * t).ceil() as i64 - 1;
            index.clamp(0, n as i64 - 1) as usize
        })
        .collect()
}

/// The share of the squared Wasserstein distance where A's quantiles `f` lie below B's `g`
/// (the first grid point counts in the distance only, as in deepsig).
fn ratio(f: impl Iterator<Item = f64>, g: impl Iterator<Item = f64>) -> f64 {
    let (mut distance, mut violation) = (0.0, 0.0);
    for (i, (f, g)) in f.zip(g).enumerate() {
        let d2 = (g - f) * (g - f) * DT;
        distance += d2;
        // adding +0 leaves the (never negative) sum's bits as they are: no branch to mispredict
        violation += if f < g && i > 0 { d2 } else { 0.0 };
    }
    if distance == 0.0 {
        0.5
    } else {
        violation / distance
    }
}

/// The share of the squared Wasserstein distance where A's quantiles are below B's.
pub fn violation_ratio(a: &[f64], b: &[f64]) -> f64 {
    let (a, b) = (Ranked::new(a), Ranked::new(b));
    ratio(a.quantiles(&a.sorted), b.quantiles(&b.sorted))
}

/// Copies of a value written at once when a resample is laid out: more than this many draws
/// of one score are rare (under 0.4 % of scores for a resample of 100).
const RUN: usize = 4;

/// A set of scores sorted once, for the quantiles of its bootstrap resamples: a resample,
/// sorted, is each sorted value repeated as often as it was drawn, so counting the draws by
/// rank lays it out without sorting it (the same values, so the same bits).
struct Ranked {
    sorted: Vec<f64>,
    /// Each score's place in `sorted`.
    rank: Vec<usize>,
    /// [`grid_positions`] of a sample of this size.
    grid: Vec<usize>,
}

impl Ranked {
    fn new(x: &[f64]) -> Ranked {
        let mut order: Vec<usize> = (0..x.len()).collect();
        order.sort_by(|&i, &j| x[i].total_cmp(&x[j]));
        let mut rank = vec![0; x.len()];
        order.iter().enumerate().for_each(|(r, &i)| rank[i] = r);
        Ranked {
            sorted: order.iter().map(|&i| x[i]).collect(),
            rank,
            grid: grid_positions(x.len()),
        }
    }

    /// The grid's quantiles of an ascending sample of this set's size.
    fn quantiles<'a>(&'a self, ascending: &'a [f64]) -> impl Iterator<Item = f64> + 'a {
        self.grid.iter().map(|&p| ascending[p])
    }

    /// Lay out in `ascending` (n + [`RUN`] long) the resample that drew rank r `counts[r]`
    /// times, sorted: [`RUN`] copies of each value are written whatever its count, the next
    /// value starting where its count ends, so the loop has no branch but for a longer run.
    fn lay_out(&self, counts: &[usize], ascending: &mut [f64]) {
        let mut at = 0;
        for (&value, &count) in self.sorted.iter().zip(counts) {
            ascending[at..at + RUN].fill(value);
            if count > RUN {
                ascending[at..at + count].fill(value);
            }
            at += count;
        }
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
    let (ratio_ab, samples) = bootstrap_ratios(a, b, resamples, seed);
    let (n, m) = (a.len() as f64, b.len() as f64);
    let c = (n * m / (n + m)).sqrt();
    // np.std (ddof 0) of c·(sample − ratio)
    let scaled: Vec<f64> = samples.iter().map(|s| c * (s - ratio_ab)).collect();
    let centre = scaled.iter().sum::<f64>() / scaled.len() as f64;
    let sigma =
        (scaled.iter().map(|v| (v - centre).powi(2)).sum::<f64>() / scaled.len() as f64).sqrt();
    let epsilon_min = (ratio_ab - sigma / c * normal_quantile(1.0 - confidence)).clamp(0.0, 1.0);
    Maybe::Value(Aso {
        epsilon_min,
        violation_ratio: ratio_ab,
        confidence,
        resamples,
        seed,
    })
}

/// The violation ratio of `a` over `b` and of each of `resamples` bootstrap resamples, drawn
/// from the seeded stream `seed`: each resample draws n indices into `a`, then m into `b`.
fn bootstrap_ratios(a: &[f64], b: &[f64], resamples: usize, seed: u64) -> (f64, Vec<f64>) {
    let (ranked_a, ranked_b) = (Ranked::new(a), Ranked::new(b));
    let observed = ratio(
        ranked_a.quantiles(&ranked_a.sorted),
        ranked_b.quantiles(&ranked_b.sorted),
    );
    let mut rng = stream(seed, Purpose::Bootstrap);
    let mut resample = |set: &Ranked, counts: &mut [usize], ascending: &mut [f64]| {
        counts.fill(0);
        for _ in 0..counts.len() {
            counts[set.rank[below(&mut rng, counts.len() as u64) as usize]] += 1;
        }
        set.lay_out(counts, ascending);
    };
    let (mut counts_a, mut counts_b) = (vec![0; a.len()], vec![0; b.len()]);
    let (mut resample_a, mut resample_b) = (vec![0.0; a.len() + RUN], vec![0.0; b.len() + RUN]);
    let samples = (0..resamples)
        .map(|_| {
            resample(&ranked_a, &mut counts_a, &mut resample_a);
            resample(&ranked_b, &mut counts_b, &mut resample_b);
            ratio(
                ranked_a.quantiles(&resample_a),
                ranked_b.quantiles(&resample_b),
            )
        })
        .collect();
    (observed, samples)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The resamples' violation ratios as deepsig computes them: every resample drawn as
    /// values, then sorted.
    fn sorting_each_resample(a: &[f64], b: &[f64], resamples: usize, seed: u64) -> Vec<f64> {
        let sorted = |x: &[f64]| {
            let mut s = x.to_vec();
            s.sort_by(f64::total_cmp);
            s
        };
        let mut rng = stream(seed, Purpose::Bootstrap);
        let mut draw = |x: &[f64]| -> Vec<f64> {
            (0..x.len())
                .map(|_| x[below(&mut rng, x.len() as u64) as usize])
                .collect()
        };
        let grid = |x: &[f64]| {
            grid_positions(x.len())
                .into_iter()
                .map(|p| x[p])
                .collect::<Vec<_>>()
        };
        (0..resamples)
            .map(|_| {
                let (ra, rb) = (sorted(&draw(a)), sorted(&draw(b)));
                ratio(grid(&ra).into_iter(), grid(&rb).into_iter())
            })
            .collect()
    }

    #[test]
    fn counted_resamples_give_the_bits_of_sorted_ones() {
        // ties, a long run of one value (more draws of it than a written run), sizes that
        // are not the grid's, and sets of two sizes
        let a: Vec<f64> = (0..37).map(|i| ((i * 7) % 11) as f64 / 10.0).collect();
        let b: Vec<f64> = (0..23).map(|i| (i as f64 * 0.37).sin()).collect();
        let c = [0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.9];
        for (x, y) in [
            (&a[..], &b[..]),
            (&b, &a),
            (&c, &b),
            (&a, &c),
            (&c[..2], &c[6..]),
        ] {
            let (_, ours) = bootstrap_ratios(x, y, 300, 11);
            let theirs = sorting_each_resample(x, y, 300, 11);
            let bits = |v: &[f64]| v.iter().map(|r| r.to_bits()).collect::<Vec<_>>();
            assert_eq!(bits(&ours), bits(&theirs), "{x:?} {y:?}");
        }
    }

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
