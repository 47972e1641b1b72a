//! Distribution functions, all from statrs (no hand-written special functions). statrs panics
//! on a NaN argument, so every function answers NaN for one first (and the limit for ±∞).

use statrs::distribution::{
    Binomial, ChiSquared, ContinuousCDF, DiscreteCDF, FisherSnedecor, Normal, StudentsT,
};
use std::collections::BTreeMap;
use std::sync::Mutex;

/// Student t with `df` degrees of freedom: upper quantile t such that P(T ≤ t) = p.
pub(crate) fn t_quantile(p: f64, df: f64) -> f64 {
    if !(0.0..=1.0).contains(&p) || df.is_nan() {
        return f64::NAN;
    }
    let key = (p.to_bits(), df.to_bits());
    let known = T_QUANTILES.lock().map(|cache| cache.get(&key).copied());
    if let Ok(Some(t)) = known {
        return t;
    }
    let t = StudentsT::new(0.0, 1.0, df).map_or(f64::NAN, |t| t.inverse_cdf(p));
    if let Ok(mut cache) = T_QUANTILES.lock() {
        if cache.len() >= MAX_T_QUANTILES {
            cache.clear();
        }
        cache.insert(key, t);
    }
    t
}

/// t quantiles computed so far, by the bits of (p, df): a report asks for the same ones again
/// and again (the running interval of every model and metric, the search for the seeds a
/// target needs), and statrs inverts the incomplete beta function for each, about 4 µs.
static T_QUANTILES: Mutex<BTreeMap<(u64, u64), f64>> = Mutex::new(BTreeMap::new());

/// Quantiles kept at most (about 2 MB).
const MAX_T_QUANTILES: usize = 1 << 16;

/// `cdf(x)`, with NaN for NaN and the limits 0 and 1 for ±∞.
fn guarded(x: f64, cdf: impl FnOnce(f64) -> f64) -> f64 {
    if x.is_nan() {
        f64::NAN
    } else if x.is_infinite() {
        if x > 0.0 {
            1.0
        } else {
            0.0
        }
    } else {
        cdf(x)
    }
}

/// Student t cdf (location 0, scale 1).
pub(crate) fn t_cdf(x: f64, df: f64) -> f64 {
    StudentsT::new(0.0, 1.0, df).map_or(f64::NAN, |t| guarded(x, |x| t.cdf(x)))
}

/// Two-sided p-value of a t statistic.
pub(crate) fn t_two_sided(t: f64, df: f64) -> f64 {
    match t {
        t if t.is_nan() => f64::NAN,
        t if t.is_infinite() => 0.0,
        // the survival function keeps its precision deep in the tail, where 1 − cdf loses it
        t => StudentsT::new(0.0, 1.0, df).map_or(f64::NAN, |d| (2.0 * d.sf(t.abs())).min(1.0)),
    }
}

/// Upper tail P(F > f) of the F distribution.
pub(crate) fn f_sf(f: f64, d1: f64, d2: f64) -> f64 {
    match f {
        f if f.is_nan() => f64::NAN,
        f if f == f64::INFINITY => 0.0,
        f => FisherSnedecor::new(d1, d2).map_or(f64::NAN, |d| d.sf(f)),
    }
}

/// Upper tail P(X > x) of the chi-squared distribution with `df` degrees of freedom.
pub(crate) fn chi2_sf(x: f64, df: f64) -> f64 {
    match x {
        x if x.is_nan() => f64::NAN,
        x if x == f64::INFINITY => 0.0,
        x => ChiSquared::new(df).map_or(f64::NAN, |d| d.sf(x)),
    }
}

/// Standard normal cdf.
pub(crate) fn normal_cdf(z: f64) -> f64 {
    guarded(z, |z| Normal::standard().cdf(z))
}

/// Standard normal quantile.
pub(crate) fn normal_quantile(p: f64) -> f64 {
    if !(0.0..=1.0).contains(&p) {
        return f64::NAN;
    }
    Normal::standard().inverse_cdf(p)
}

/// P(X ≤ k) for X ~ Binomial(n, p).
pub(crate) fn binomial_cdf(k: u64, n: u64, p: f64) -> f64 {
    Binomial::new(p, n).map_or(f64::NAN, |b| b.cdf(k))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remembered_t_quantiles_are_the_ones_computed() {
        let direct = |p: f64, df: f64| StudentsT::new(0.0, 1.0, df).unwrap().inverse_cdf(p);
        // one df at two levels, one level at two dfs; each asked for again once remembered
        let checked = [(0.975, 3.0), (0.5, 3.0), (0.975, 1e6), (0.995, 1e6)];
        let check = || {
            for _ in 0..2 {
                for (p, df) in checked {
                    assert_eq!(t_quantile(p, df).to_bits(), direct(p, df).to_bits());
                }
            }
        };
        check();
        // more quantiles than the cache keeps
        for i in 0..MAX_T_QUANTILES + 10 {
            t_quantile(0.975, 1.0 + i as f64 / 7.0);
        }
        let cached = T_QUANTILES.lock().unwrap().len();
        assert!((1..=MAX_T_QUANTILES).contains(&cached), "{cached}");
        check();
    }
}
