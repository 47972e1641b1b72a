//! Regression metrics, defined as scikit-learn defines them (including its conventions for
//! a constant truth: R² and explained variance are 1 for a perfect fit, else 0).

use super::Metric;

fn mean(v: impl Iterator<Item = f64>) -> f64 {
    let (sum, n) = v.fold((0.0, 0usize), |(s, n), x| (s + x, n + 1));
    sum / n as f64
}

/// Median, averaging the two middle values for an even count (numpy's rule).
fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

/// `1 - num/den`, with scikit-learn's `force_finite` rule for a zero denominator.
fn one_minus_ratio(num: f64, den: f64) -> f64 {
    if den == 0.0 {
        if num == 0.0 {
            1.0
        } else {
            0.0
        }
    } else {
        1.0 - num / den
    }
}

pub(super) fn score(metric: Metric, y: &[f64], p: &[f64]) -> f64 {
    let errors = || y.iter().zip(p).map(|(t, q)| t - q);
    let y_mean = || mean(y.iter().copied());
    match metric {
        Metric::Mse => mean(errors().map(|e| e * e)),
        Metric::Rmse => mean(errors().map(|e| e * e)).sqrt(),
        Metric::Mae => mean(errors().map(f64::abs)),
        Metric::Mape => mean(
            y.iter()
                .zip(p)
                .map(|(t, q)| (t - q).abs() / t.abs().max(f64::EPSILON)),
        ),
        Metric::MedianAe => median(errors().map(f64::abs).collect()),
        Metric::MaxError => errors().map(f64::abs).fold(0.0, f64::max),
        Metric::R2 => {
            let y_mean = y_mean();
            // both sums in one pass, each still in row order: their adds wait on each other's
            // less than on their own
            let (ss_res, ss_tot) = errors().zip(y).fold((0.0, 0.0), |(res, tot), (e, t)| {
                (res + e * e, tot + (t - y_mean).powi(2))
            });
            one_minus_ratio(ss_res, ss_tot)
        }
        Metric::ExplainedVariance => {
            let (e_mean, y_mean) = (mean(errors()), y_mean());
            let var_e = mean(errors().map(|e| (e - e_mean).powi(2)));
            let var_y = mean(y.iter().map(|t| (t - y_mean).powi(2)));
            one_minus_ratio(var_e, var_y)
        }
        _ => unreachable!("{metric} is not a regression metric"),
    }
}
