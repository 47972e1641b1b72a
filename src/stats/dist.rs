//! Distribution functions, all from statrs (no hand-written special functions).

use statrs::distribution::{
    Binomial, ContinuousCDF, DiscreteCDF, FisherSnedecor, Normal, StudentsT,
};

/// Student t with `df` degrees of freedom: upper quantile t such that P(T ≤ t) = p.
pub(crate) fn t_quantile(p: f64, df: f64) -> f64 {
    StudentsT::new(0.0, 1.0, df).map_or(f64::NAN, |t| t.inverse_cdf(p))
}

/// Student t cdf (location 0, scale 1).
pub(crate) fn t_cdf(x: f64, df: f64) -> f64 {
    StudentsT::new(0.0, 1.0, df).map_or(f64::NAN, |t| t.cdf(x))
}

/// Two-sided p-value of a t statistic.
pub(crate) fn t_two_sided(t: f64, df: f64) -> f64 {
    StudentsT::new(0.0, 1.0, df).map_or(f64::NAN, |d| (2.0 * d.sf(t.abs())).min(1.0))
}

/// Upper tail P(F > f) of the F distribution.
pub(crate) fn f_sf(f: f64, d1: f64, d2: f64) -> f64 {
    FisherSnedecor::new(d1, d2).map_or(f64::NAN, |d| d.sf(f))
}

/// Standard normal cdf.
pub(crate) fn normal_cdf(z: f64) -> f64 {
    Normal::standard().cdf(z)
}

/// Standard normal quantile.
pub(crate) fn normal_quantile(p: f64) -> f64 {
    Normal::standard().inverse_cdf(p)
}

/// P(X ≤ k) for X ~ Binomial(n, p).
pub(crate) fn binomial_cdf(k: u64, n: u64, p: f64) -> f64 {
    Binomial::new(p, n).map_or(f64::NAN, |b| b.cdf(k))
}
