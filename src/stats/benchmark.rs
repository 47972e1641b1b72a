//! Models compared over many data sets (Demšar 2006, "Statistical comparisons of classifiers
//! over multiple data sets", JMLR 7): each data set ranks the models, the Friedman test asks
//! whether the average ranks differ, the Nemenyi critical difference says which differ, Holm's
//! step-down adjusts the pairwise tests, and the Bayesian signed-rank test (Benavoli et al.
//! 2017, "Time for a change", JMLR 18) gives P(A better), P(practically equal), P(B better).

use super::dist::{chi2_sf, f_sf, normal_cdf};
use super::{holm, Maybe};
use crate::rng::{stream, unit, Purpose};
use serde::{Deserialize, Serialize};

/// The cross-data-set comparison of one metric.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Benchmark {
    /// The metric.
    pub metric: String,
    /// Its direction.
    pub higher_is_better: bool,
    /// The data sets (rows of `scores`).
    pub datasets: Vec<String>,
    /// The models (columns of `scores`).
    pub models: Vec<String>,
    /// Per data set, per model: the mean over split seeds of the seed means.
    pub scores: Vec<Vec<f64>>,
    /// Per model: its rank averaged over data sets (1 = best; ties share the mean rank).
    pub average_ranks: Vec<f64>,
    /// Do the average ranks differ more than chance would make them?
    pub friedman: Maybe<Friedman>,
    /// Iman & Davenport's (1980) F form of the Friedman statistic, less conservative.
    pub iman_davenport: Maybe<ImanDavenport>,
    /// The Nemenyi test's critical difference of average ranks.
    pub nemenyi: Maybe<Nemenyi>,
    /// Every pair of models: z of their rank difference, p-value and Holm-adjusted p-value.
    pub holm: Vec<RankPair>,
    /// Every pair of models: the Bayesian signed-rank test (when asked for).
    pub bayesian_signed_rank: Vec<SignedRank>,
}

/// Friedman's (1937) test on the ranks, with scipy's correction for ties.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Friedman {
    /// χ²_F.
    pub statistic: f64,
    /// k − 1.
    pub df: f64,
    /// P(χ²(k − 1) ≥ χ²_F).
    pub p_value: f64,
}

/// F_F = (N − 1) χ²_F / (N (k − 1) − χ²_F) on (k − 1, (k − 1)(N − 1)) degrees of freedom.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImanDavenport {
    #[allow(missing_docs)]
    pub statistic: f64,
    #[allow(missing_docs)]
    pub df1: f64,
    #[allow(missing_docs)]
    pub df2: f64,
    #[allow(missing_docs)]
    pub p_value: f64,
}

/// Two models whose average ranks differ by at least `critical_difference` differ at `alpha`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Nemenyi {
    /// Family-wise error rate.
    pub alpha: f64,
    /// The studentized range quantile q(1 − α; k, ∞) divided by √2.
    pub q_alpha: f64,
    /// CD = q_α √(k (k + 1) / (6 N)).
    pub critical_difference: f64,
}

/// One pair of models by their ranks; `a` has the better (lower) average rank.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RankPair {
    #[allow(missing_docs)]
    pub a: String,
    #[allow(missing_docs)]
    pub b: String,
    /// (R̄_b − R̄_a) / √(k (k + 1) / (6 N)).
    pub z: f64,
    /// Two-sided normal p-value of `z`.
    pub p_value: f64,
    /// Holm-adjusted over every pair of this metric.
    pub p_adjusted: f64,
    /// Whether the adjusted p-value is below α.
    pub significant: bool,
}

/// The Bayesian signed-rank test of one pair over data sets.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SignedRank {
    #[allow(missing_docs)]
    pub a: String,
    #[allow(missing_docs)]
    pub b: String,
    /// Half-width of the region of practical equivalence, on the metric's scale.
    pub rope: f64,
    /// Share of posterior draws in which A better (beyond the ROPE) is the most probable.
    pub p_a_better: f64,
    /// … in which practical equivalence is.
    pub p_rope: f64,
    /// … in which B better is.
    pub p_b_better: f64,
    /// Posterior draws.
    pub samples: usize,
}

/// How to run the Bayesian signed-rank test.
#[derive(Debug, Clone, PartialEq)]
pub struct SignedRankOptions {
    /// ROPE half-width per metric.
    pub rope: f64,
    /// Posterior draws.
    pub samples: usize,
    /// Seed of the draws.
    pub seed: u64,
}

/// Compare `models` over `datasets` on `metric`; `scores[d][m]` is model m's mean score on
/// data set d. Needs at least 2 data sets and 2 models for the tests.
pub fn benchmark(
    metric: &str,
    higher_is_better: bool,
    datasets: Vec<String>,
    models: Vec<String>,
    scores: Vec<Vec<f64>>,
    alpha: f64,
    signed_rank: Option<&SignedRankOptions>,
) -> Benchmark {
    let (n, k) = (scores.len(), models.len());
    let ranks: Vec<Vec<f64>> = scores
        .iter()
        .map(|row| rank_row(row, higher_is_better))
        .collect();
    let average_ranks: Vec<f64> = (0..k)
        .map(|j| ranks.iter().map(|r| r[j]).sum::<f64>() / n.max(1) as f64)
        .collect();
    let enough = if n < 2 || k < 2 {
        Err("needs at least 2 data sets and 2 models")
    } else {
        Ok(())
    };
    let friedman = match enough {
        Err(reason) => Maybe::absent(reason),
        Ok(()) => friedman(&ranks, k),
    };
    let iman_davenport = match &friedman {
        Maybe::Value(f) => iman_davenport(f.statistic, n, k),
        Maybe::Absent { absent } => Maybe::absent(absent.clone()),
    };
    let spread = (k as f64 * (k as f64 + 1.0) / (6.0 * n as f64)).sqrt();
    let nemenyi = match enough {
        Err(reason) => Maybe::absent(reason),
        Ok(()) => {
            let q_alpha = studentized_range_quantile(1.0 - alpha, k) / 2f64.sqrt();
            Maybe::Value(Nemenyi {
                alpha,
                q_alpha,
                critical_difference: q_alpha * spread,
            })
        }
    };
    let holm = if enough.is_ok() {
        rank_pairs(&models, &average_ranks, spread, alpha)
    } else {
        Vec::new()
    };
    let bayesian_signed_rank = match (signed_rank, enough) {
        (Some(options), Ok(())) => signed_rank_pairs(&models, &scores, higher_is_better, options),
        _ => Vec::new(),
    };
    Benchmark {
        metric: metric.into(),
        higher_is_better,
        datasets,
        models,
        scores,
        average_ranks,
        friedman,
        iman_davenport,
        nemenyi,
        holm,
        bayesian_signed_rank,
    }
}

/// Ranks of one data set's scores, 1 = best, ties given the mean of the ranks they span.
fn rank_row(row: &[f64], higher_is_better: bool) -> Vec<f64> {
    let key = |v: f64| if higher_is_better { -v } else { v };
    let mut order: Vec<usize> = (0..row.len()).collect();
    order.sort_by(|&a, &b| key(row[a]).total_cmp(&key(row[b])));
    let mut ranks = vec![0.0; row.len()];
    let mut start = 0;
    while start < order.len() {
        let mut end = start + 1;
        while end < order.len() && row[order[end]] == row[order[start]] {
            end += 1;
        }
        // positions start..end (0-based) share the mean of ranks start+1..=end
        let shared = (start + 1 + end) as f64 / 2.0;
        for &i in &order[start..end] {
            ranks[i] = shared;
        }
        start = end;
    }
    ranks
}

/// χ²_F = [12 / (N k (k + 1)) Σ R_j² − 3 N (k + 1)] / C with R_j the rank sums and the tie
/// correction C = 1 − Σ (t³ − t) / (N k (k² − 1)) over groups of t tied models (as
/// `scipy.stats.friedmanchisquare`).
fn friedman(ranks: &[Vec<f64>], k: usize) -> Maybe<Friedman> {
    let (n, kf) = (ranks.len() as f64, k as f64);
    let sums: Vec<f64> = (0..k).map(|j| ranks.iter().map(|r| r[j]).sum()).collect();
    let ties: f64 = ranks.iter().map(|r| tie_sum(r)).sum();
    let correction = 1.0 - ties / (kf * (kf * kf - 1.0) * n);
    if correction <= 0.0 {
        return Maybe::absent("every data set ties every model");
    }
    let ss: f64 = sums.iter().map(|s| s * s).sum();
    let statistic = (12.0 / (kf * n * (kf + 1.0)) * ss - 3.0 * n * (kf + 1.0)) / correction;
    Maybe::Value(Friedman {
        statistic,
        df: kf - 1.0,
        p_value: chi2_sf(statistic, kf - 1.0),
    })
}

/// Σ (t³ − t) over the groups of equal ranks in one row.
fn tie_sum(row: &[f64]) -> f64 {
    let mut sorted = row.to_vec();
    sorted.sort_by(f64::total_cmp);
    let mut total = 0.0;
    let mut start = 0;
    while start < sorted.len() {
        let end = start
            + sorted[start..]
                .iter()
                .take_while(|&&r| r == sorted[start])
                .count();
        let t = (end - start) as f64;
        total += t * t * t - t;
        start = end;
    }
    total
}

fn iman_davenport(chi2: f64, n: usize, k: usize) -> Maybe<ImanDavenport> {
    let (n, k) = (n as f64, k as f64);
    let denominator = n * (k - 1.0) - chi2;
    if denominator <= 0.0 {
        return Maybe::absent("the ranks agree on every data set, so F is unbounded");
    }
    let statistic = (n - 1.0) * chi2 / denominator;
    let (df1, df2) = (k - 1.0, (k - 1.0) * (n - 1.0));
    Maybe::Value(ImanDavenport {
        statistic,
        df1,
        df2,
        p_value: f_sf(statistic, df1, df2),
    })
}

/// Every pair, oriented best rank first, with Holm's adjustment (Demšar 2006, §3.2.2).
fn rank_pairs(models: &[String], ranks: &[f64], spread: f64, alpha: f64) -> Vec<RankPair> {
    let mut pairs = Vec::new();
    for i in 0..models.len() {
        for j in i + 1..models.len() {
            let (a, b) = if ranks[i] <= ranks[j] { (i, j) } else { (j, i) };
            let z = (ranks[b] - ranks[a]) / spread;
            pairs.push(RankPair {
                a: models[a].clone(),
                b: models[b].clone(),
                z,
                p_value: (2.0 * normal_cdf(-z.abs())).min(1.0),
                p_adjusted: f64::NAN,
                significant: false,
            });
        }
    }
    let p: Vec<f64> = pairs.iter().map(|p| p.p_value).collect();
    for (pair, adjusted) in pairs.iter_mut().zip(holm(&p)) {
        pair.p_adjusted = adjusted;
        pair.significant = adjusted < alpha;
    }
    pairs
}

/// The studentized range distribution with infinite degrees of freedom (the range of k
/// standard normals): P(R ≤ q) = k ∫ φ(z) [Φ(z) − Φ(z − q)]^(k−1) dz, by Simpson's rule.
fn studentized_range_cdf(q: f64, k: usize) -> f64 {
    const STEPS: usize = 4000;
    let (lo, hi) = (-12.0, 12.0 + q);
    let h = (hi - lo) / STEPS as f64;
    let f = |z: f64| {
        let density = (-0.5 * z * z).exp() / (2.0 * std::f64::consts::PI).sqrt();
        density * (normal_cdf(z) - normal_cdf(z - q)).powi(k as i32 - 1)
    };
    let inner: f64 = (1..STEPS)
        .map(|i| f(lo + i as f64 * h) * if i % 2 == 1 { 4.0 } else { 2.0 })
        .sum();
    k as f64 * h / 3.0 * (f(lo) + inner + f(hi))
}

/// q such that P(R ≤ q) = p, by bisection.
fn studentized_range_quantile(p: f64, k: usize) -> f64 {
    let (mut lo, mut hi) = (0.0, 40.0);
    for _ in 0..80 {
        let mid = 0.5 * (lo + hi);
        if studentized_range_cdf(mid, k) < p {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    0.5 * (lo + hi)
}

/// The Bayesian signed-rank test of every pair.
fn signed_rank_pairs(
    models: &[String],
    scores: &[Vec<f64>],
    higher_is_better: bool,
    options: &SignedRankOptions,
) -> Vec<SignedRank> {
    let sign = if higher_is_better { 1.0 } else { -1.0 };
    let mut out = Vec::new();
    for i in 0..models.len() {
        for j in i + 1..models.len() {
            let differences: Vec<f64> = scores.iter().map(|r| sign * (r[i] - r[j])).collect();
            let [b, rope, a] =
                signed_rank(&differences, options.rope, options.samples, options.seed);
            out.push(SignedRank {
                a: models[i].clone(),
                b: models[j].clone(),
                rope: options.rope,
                p_a_better: a,
                p_rope: rope,
                p_b_better: b,
                samples: options.samples,
            });
        }
    }
    out
}

/// Posterior probabilities [left, rope, right] that each region is the most probable, for
/// differences `z` (A − B, higher is better) over data sets. The Dirichlet process posterior
/// has weights 0.5 on a pseudo-observation at 0 and 1 on each difference; for each draw w,
/// θ_right = Σᵢ Σⱼ wᵢ wⱼ H(zᵢ + zⱼ − 2r) and θ_left = Σᵢ Σⱼ wᵢ wⱼ H(−zᵢ − zⱼ − 2r) with H the
/// step function (½ at 0), θ_rope the rest (Benavoli et al. 2017, §4.2).
pub fn signed_rank(z: &[f64], rope: f64, samples: usize, seed: u64) -> [f64; 3] {
    let values: Vec<f64> = std::iter::once(0.0).chain(z.iter().copied()).collect();
    let m = values.len();
    let step = |x: f64| match x.partial_cmp(&0.0) {
        Some(std::cmp::Ordering::Greater) => 1.0,
        Some(std::cmp::Ordering::Equal) => 0.5,
        _ => 0.0,
    };
    let above: Vec<f64> = (0..m * m)
        .map(|c| step(values[c / m] + values[c % m] - 2.0 * rope))
        .collect();
    let below: Vec<f64> = (0..m * m)
        .map(|c| step(-values[c / m] - values[c % m] - 2.0 * rope))
        .collect();
    let mut rng = stream(seed, Purpose::Posterior);
    let mut wins = [0.0; 3];
    let mut w = vec![0.0; m];
    for _ in 0..samples {
        // Dirichlet(0.5, 1, …, 1) as normalised gammas: Gamma(½) = Z²/2, Gamma(1) = −ln U
        let z0 = standard_normal(&mut rng);
        w[0] = 0.5 * z0 * z0;
        for wi in &mut w[1..] {
            *wi = -(1.0 - unit(&mut rng)).ln();
        }
        let total: f64 = w.iter().sum();
        w.iter_mut().for_each(|wi| *wi /= total);
        let quadratic = |matrix: &[f64]| -> f64 {
            (0..m)
                .map(|i| w[i] * (0..m).map(|j| matrix[i * m + j] * w[j]).sum::<f64>())
                .sum()
        };
        let (left, right) = (quadratic(&below), quadratic(&above));
        let theta = [left, 1.0 - left - right, right];
        let best = theta.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let winners = theta.iter().filter(|&&t| t == best).count() as f64;
        for (win, t) in wins.iter_mut().zip(theta) {
            if t == best {
                *win += 1.0 / winners;
            }
        }
    }
    wins.map(|w| w / samples.max(1) as f64)
}

/// A standard normal draw (Box–Muller).
fn standard_normal(rng: &mut impl rand::RngCore) -> f64 {
    let u1 = 1.0 - unit(rng);
    let u2 = unit(rng);
    (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ties_share_the_mean_rank_and_direction_decides_best() {
        assert_eq!(rank_row(&[0.9, 0.8, 0.9, 0.7], true), [1.5, 3.0, 1.5, 4.0]);
        assert_eq!(rank_row(&[3.0, 1.0, 2.0], false), [3.0, 1.0, 2.0]);
        assert_eq!(tie_sum(&[1.5, 3.0, 1.5, 4.0]), 6.0);
    }

    #[test]
    fn the_studentized_range_quantile_matches_demsars_table() {
        // Demšar (2006), Table 5(a), α = 0.05: q for k = 2, 3, 4, 5, 10
        for (k, q) in [(2, 1.960), (3, 2.343), (4, 2.569), (5, 2.728), (10, 3.164)] {
            let got = studentized_range_quantile(0.95, k) / 2f64.sqrt();
            assert!((got - q).abs() < 1e-3, "k = {k}: {got}");
        }
    }

    #[test]
    fn one_model_or_one_data_set_has_no_tests() {
        let b = benchmark(
            "r2",
            true,
            vec!["d".into()],
            vec!["a".into(), "b".into()],
            vec![vec![0.5, 0.4]],
            0.05,
            None,
        );
        assert!(b.friedman.value().is_none() && b.nemenyi.value().is_none() && b.holm.is_empty());
        assert_eq!(b.average_ranks, [1.0, 2.0]);
    }
}
