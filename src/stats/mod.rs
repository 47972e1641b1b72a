//! Statistics: pure functions over fold scores. No I/O, no printing, no panics on any input;
//! a statistic that needs more data than it has is `None`.

mod scores;

pub use scores::{group_scores, Scores};

/// Arithmetic mean; `None` for no values.
pub fn mean(x: &[f64]) -> Option<f64> {
    (!x.is_empty()).then(|| x.iter().sum::<f64>() / x.len() as f64)
}

/// Sample variance with ddof = 1 (two-pass); `None` for fewer than two values.
pub fn variance(x: &[f64]) -> Option<f64> {
    let m = mean(x)?;
    (x.len() >= 2).then(|| x.iter().map(|v| (v - m).powi(2)).sum::<f64>() / (x.len() - 1) as f64)
}

/// Sample standard deviation (ddof = 1).
pub fn std_dev(x: &[f64]) -> Option<f64> {
    variance(x).map(f64::sqrt)
}
