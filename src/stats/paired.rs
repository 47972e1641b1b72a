//! Paired comparisons of two models on the same splits. Differences are oriented so that a
//! positive value favours model A.

use super::dist::{binomial_cdf, f_sf, normal_quantile, t_cdf, t_quantile, t_two_sided};
use super::{mean, variance, Interval, Maybe, TOO_LARGE};
use serde::{Deserialize, Serialize};

/// Corrected resampled t-test.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CorrectedT {
    /// t statistic.
    pub t: f64,
    /// Degrees of freedom (J − 1).
    pub df: f64,
    /// Two-sided p-value.
    pub p_value: f64,
    /// Holm-adjusted p-value over every pair of models on the metric (set by the analysis).
    #[serde(default)]
    pub p_adjusted: Option<f64>,
    /// Interval for the mean difference.
    pub ci: Interval,
}

/// Nadeau & Bengio (2003) corrected resampled t-test over the J = R·K fold differences, as
/// Bouckaert & Frank (2004) apply it to repeated k-fold: t = d̄ / √((1/J + n_test/n_train)·s²),
/// df = J − 1.
pub fn corrected_t(d: &[f64], test_train_ratio: f64, level: f64) -> Maybe<CorrectedT> {
    let (Some(m), Some(v)) = (mean(d), variance(d)) else {
        return Maybe::absent("needs at least 2 paired folds");
    };
    if !(m.is_finite() && v.is_finite()) {
        return Maybe::absent(TOO_LARGE);
    }
    if v == 0.0 {
        return Maybe::absent("the fold differences do not vary");
    }
    let df = (d.len() - 1) as f64;
    let se = ((1.0 / d.len() as f64 + test_train_ratio) * v).sqrt();
    let half = t_quantile((1.0 + level) / 2.0, df) * se;
    Maybe::Value(CorrectedT {
        t: m / se,
        df,
        p_value: t_two_sided(m / se, df),
        p_adjusted: None,
        ci: Interval {
            level,
            lower: m - half,
            upper: m + half,
            method: "nadeau-bengio".into(),
        },
    })
}

/// Sign test over seed-mean differences.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SignTest {
    /// Seeds where A is better.
    pub positive: usize,
    /// Seeds where B is better.
    pub negative: usize,
    /// Two-sided exact binomial p-value (ties dropped).
    pub p_value: f64,
}

/// Two-sided sign test (Dixon & Mood 1946): P = min(1, 2·P(X ≤ min(n⁺, n⁻))), X ~ Bin(n⁺+n⁻, ½).
pub fn sign_test(d: &[f64]) -> SignTest {
    let positive = d.iter().filter(|&&x| x > 0.0).count();
    let negative = d.iter().filter(|&&x| x < 0.0).count();
    let n = (positive + negative) as u64;
    let p_value = if n == 0 {
        1.0
    } else {
        (2.0 * binomial_cdf(positive.min(negative) as u64, n, 0.5)).min(1.0)
    };
    SignTest {
        positive,
        negative,
        p_value,
    }
}

/// A share with its interval.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Share {
    /// The share.
    pub estimate: f64,
    /// Its interval.
    pub ci: Interval,
}

/// P(A beats B) over seeds (Bouthillier et al. 2021): the share of seeds whose seed-mean
/// difference favours A, ties counting one half, with a Wilson (1927) score interval.
pub fn probability_of_beating(d: &[f64], level: f64) -> Maybe<Share> {
    if d.is_empty() {
        return Maybe::absent("no paired seeds");
    }
    let n = d.len() as f64;
    let wins: f64 = d
        .iter()
        .map(|&x| {
            if x > 0.0 {
                1.0
            } else if x == 0.0 {
                0.5
            } else {
                0.0
            }
        })
        .sum();
    Maybe::Value(Share {
        estimate: wins / n,
        ci: wilson(wins, n, level),
    })
}

/// Wilson's (1927) score interval of a share of `successes` out of `n` trials.
pub fn wilson(successes: f64, n: f64, level: f64) -> Interval {
    let p = successes / n;
    let z = normal_quantile((1.0 + level) / 2.0);
    let centre = (p + z * z / (2.0 * n)) / (1.0 + z * z / n);
    let half = z * (p * (1.0 - p) / n + z * z / (4.0 * n * n)).sqrt() / (1.0 + z * z / n);
    Interval {
        level,
        lower: centre - half,
        upper: centre + half,
        method: "wilson".into(),
    }
}

/// Posterior probabilities of the Bayesian correlated t-test.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Bayesian {
    /// Half-width of the region of practical equivalence, on the metric's scale.
    pub rope: f64,
    /// P(difference > rope).
    pub p_a_better: f64,
    /// P(|difference| ≤ rope).
    pub p_equivalent: f64,
    /// P(difference < −rope).
    pub p_b_better: f64,
}

/// Bayesian correlated t-test (Corani & Benavoli 2015; Benavoli et al. 2017, JMLR 18:77):
/// the mean difference has a Student posterior with J − 1 degrees of freedom, location d̄ and
/// scale √((1/J + ρ/(1−ρ))·s²), where ρ = n_test/n_total is the correlation between folds.
pub fn bayesian_correlated(d: &[f64], rho: f64, rope: f64) -> Maybe<Bayesian> {
    let (Some(m), Some(v)) = (mean(d), variance(d)) else {
        return Maybe::absent("needs at least 2 paired folds");
    };
    if !(m.is_finite() && v.is_finite()) {
        return Maybe::absent(TOO_LARGE);
    }
    if v == 0.0 {
        return Maybe::absent("the fold differences do not vary");
    }
    let df = (d.len() - 1) as f64;
    let scale = ((1.0 / d.len() as f64 + rho / (1.0 - rho)) * v).sqrt();
    let p_b_better = t_cdf((-rope - m) / scale, df);
    let below_rope = t_cdf((rope - m) / scale, df);
    Maybe::Value(Bayesian {
        rope,
        p_a_better: 1.0 - below_rope,
        p_equivalent: below_rope - p_b_better,
        p_b_better,
    })
}

/// The 5×2cv tests.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FiveByTwo {
    /// Dietterich's t.
    pub t: f64,
    /// Its two-sided p-value (t with 5 df).
    pub t_p_value: f64,
    /// Alpaydın's combined F.
    pub f: f64,
    /// Its p-value (F with 10 and 5 df).
    pub f_p_value: f64,
}

/// Dietterich (1998) 5×2cv paired t-test, t = d₁⁽¹⁾ / √(Σᵢ sᵢ² / 5), and Alpaydın (1999)
/// combined F = Σᵢⱼ (dᵢ⁽ʲ⁾)² / (2 Σᵢ sᵢ²), where sᵢ² = Σⱼ (dᵢ⁽ʲ⁾ − d̄ᵢ)² for replication i.
pub fn five_by_two(d: &[[f64; 2]]) -> Maybe<FiveByTwo> {
    if d.len() != 5 {
        return Maybe::absent("needs exactly 5 seeds of 2 folds");
    }
    let s2: f64 = d
        .iter()
        .map(|[a, b]| {
            let m = (a + b) / 2.0;
            (a - m).powi(2) + (b - m).powi(2)
        })
        .sum();
    if s2 == 0.0 {
        return Maybe::absent("the fold differences do not vary within seeds");
    }
    let t = d[0][0] / (s2 / 5.0).sqrt();
    let f = d.iter().map(|[a, b]| a * a + b * b).sum::<f64>() / (2.0 * s2);
    Maybe::Value(FiveByTwo {
        t,
        t_p_value: t_two_sided(t, 5.0),
        f,
        f_p_value: f_sf(f, 10.0, 5.0),
    })
}
