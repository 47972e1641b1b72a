//! Intervals and descriptive statistics of seed means and fold scores.

use super::dist::t_quantile;
use super::{mean, variance, Interval, Maybe, TOO_LARGE};

/// Student-t interval for the mean of `x`: mean ± t₍₁₊ₗ₎/₂,ₙ₋₁ · s/√n (needs n ≥ 2).
pub fn t_interval(x: &[f64], level: f64) -> Maybe<Interval> {
    let (Some(m), Some(v)) = (mean(x), variance(x)) else {
        return Maybe::absent("needs at least 2 seeds");
    };
    if !(m.is_finite() && v.is_finite()) {
        return Maybe::absent(TOO_LARGE);
    }
    let half = t_quantile((1.0 + level) / 2.0, (x.len() - 1) as f64) * (v / x.len() as f64).sqrt();
    Maybe::Value(Interval {
        level,
        lower: m - half,
        upper: m + half,
        method: "t".into(),
    })
}

/// Nadeau & Bengio (2003) corrected resampled interval for the mean of J = R·K fold scores:
/// variance factor 1/J + n_test/n_train instead of 1/J, because folds share training rows;
/// t with J − 1 degrees of freedom (Bouckaert & Frank 2004).
pub fn corrected_interval(x: &[f64], test_train_ratio: f64, level: f64) -> Maybe<Interval> {
    let (Some(m), Some(v)) = (mean(x), variance(x)) else {
        return Maybe::absent("needs at least 2 fold scores");
    };
    if !(m.is_finite() && v.is_finite()) {
        return Maybe::absent(TOO_LARGE);
    }
    let j = x.len() as f64;
    let half = t_quantile((1.0 + level) / 2.0, j - 1.0) * ((1.0 / j + test_train_ratio) * v).sqrt();
    Maybe::Value(Interval {
        level,
        lower: m - half,
        upper: m + half,
        method: "nadeau-bengio".into(),
    })
}

/// The p-quantile of `sorted` by linear interpolation between order statistics (Hyndman &
/// Fan 1996, type 7; numpy's default).
pub fn quantile(sorted: &[f64], p: f64) -> Option<f64> {
    let last = sorted.len().checked_sub(1)?;
    let h = last as f64 * p;
    let lo = h.floor() as usize;
    let hi = (lo + 1).min(last);
    Some(sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo]))
}

/// [`quantile`] of `values` sorted (by `f64::total_cmp`), from the two order statistics it
/// reads, found in linear time instead of sorting; `values` is reordered.
pub fn quantile_unsorted(values: &mut [f64], p: f64) -> Option<f64> {
    let last = values.len().checked_sub(1)?;
    let h = last as f64 * p;
    let lo = h.floor() as usize;
    let (_, &mut at_lo, above) = values.select_nth_unstable_by(lo, f64::total_cmp);
    // the next order statistic is the least above it, or itself at the end
    let at_hi = above
        .iter()
        .copied()
        .min_by(f64::total_cmp)
        .unwrap_or(at_lo);
    Some(at_lo + (h - lo as f64) * (at_hi - at_lo))
}

/// Fewest seeds n ≥ 2 whose t interval half-width t₍₁₊ₗ₎/₂,ₙ₋₁ · s/√n is at most `target`,
/// taking the current seed-mean standard deviation `s` as known.
pub fn seeds_for_halfwidth(std: f64, target: f64, level: f64) -> Maybe<usize> {
    const LIMIT: usize = 10_000_000;
    if target.is_nan() || target <= 0.0 {
        return Maybe::absent("the target half-width must be positive");
    }
    let half = |n: usize| t_quantile((1.0 + level) / 2.0, (n - 1) as f64) * std / (n as f64).sqrt();
    if half(LIMIT) > target {
        return Maybe::absent("more than 10 million seeds");
    }
    // half-width falls as n grows: find the first n that meets the target by bisection
    let (mut lo, mut hi) = (2, LIMIT);
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        if half(mid) <= target {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    Maybe::Value(lo)
}

/// One point of the running estimate: the mean of the first `n_seeds` seed means with its t
/// interval (absent below 2 seeds).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct RunningPoint {
    /// Seeds used.
    pub n_seeds: usize,
    /// Mean of their seed means.
    pub mean: f64,
    /// t interval, once there are 2 seeds.
    pub ci: Option<(f64, f64)>,
}

/// The mean and t interval as seeds are added in seed order: does the conclusion settle? The
/// interval is clipped to the metric's `range`, as every reported interval is. At most
/// `max_points` evenly spaced seed counts (and the last) are evaluated, so the work stays
/// linear in the seeds however many there are.
pub fn running_interval(
    seed_means: &[f64],
    level: f64,
    range: (f64, f64),
    max_points: usize,
) -> Vec<RunningPoint> {
    let step = seed_means.len().div_ceil(max_points.max(1)).max(1);
    (1..=seed_means.len())
        .filter(|n| (n - 1) % step == 0 || *n == seed_means.len())
        .map(|n| {
            let prefix = &seed_means[..n];
            RunningPoint {
                n_seeds: n,
                mean: mean(prefix).unwrap_or(f64::NAN),
                ci: t_interval(prefix, level)
                    .value()
                    .map(|i| i.clone().clipped(range))
                    .map(|i| (i.lower, i.upper)),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_of_unsorted_values_are_those_of_the_sorted() {
        // ties, both zeros, infinities, one and two values; ends and points between ranks
        let awkward = [
            3.5,
            -0.0,
            0.0,
            f64::INFINITY,
            -1e300,
            3.5,
            2.0,
            f64::NEG_INFINITY,
        ];
        let sets: Vec<Vec<f64>> = vec![
            vec![7.0],
            vec![2.0, -1.0],
            awkward.to_vec(),
            (0..1001)
                .map(|i| ((i * 7919) % 1009) as f64 / 3.0 - 100.0)
                .collect(),
            (0..500)
                .map(|i| (f64::from(i) * 0.61).sin().round())
                .collect(),
        ];
        for values in &sets {
            let mut sorted = values.clone();
            sorted.sort_by(f64::total_cmp);
            for p in [0.0, 1.0, 0.025, 0.5, 0.975, 0.3333, 1.0 - 1e-12, 1e-12] {
                let mut unsorted = values.clone();
                let got = quantile_unsorted(&mut unsorted, p).map(f64::to_bits);
                let expected = quantile(&sorted, p).map(f64::to_bits);
                assert_eq!(got, expected, "{} values, p = {p}", values.len());
            }
        }
        assert_eq!(quantile_unsorted(&mut [], 0.5), None);
    }

    #[test]
    fn running_interval_evaluates_evenly_spaced_seed_counts_and_the_last() {
        let means: Vec<f64> = (0..1003).map(|i| (i as f64 * 0.37).sin()).collect();
        let points = running_interval(&means, 0.95, (f64::NEG_INFINITY, f64::INFINITY), 100);
        let counts: Vec<usize> = points.iter().map(|p| p.n_seeds).collect();
        // 1003 seeds in steps of 11: 1, 12, 23, …, 1002, then 1003
        assert_eq!(counts.len(), 93);
        assert_eq!(
            (counts[0], counts[1], counts[91], counts[92]),
            (1, 12, 1002, 1003)
        );
        let last = t_interval(&means, 0.95).value().cloned().unwrap();
        assert_eq!(points[92].ci, Some((last.lower, last.upper)));
        assert_eq!(points[0].ci, None, "one seed has no interval");
        let all = running_interval(&means[..5], 0.95, (0.0, 1.0), 100);
        assert_eq!(
            all.iter().map(|p| p.n_seeds).collect::<Vec<_>>(),
            [1, 2, 3, 4, 5]
        );
    }
}
