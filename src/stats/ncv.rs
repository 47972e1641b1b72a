//! The nested cross-validation interval of Bates, Hastie & Tibshirani ("Cross-validation: what
//! does it estimate and how well does it do it?", JASA 119:1434, 2024), as their R package
//! `nestedcv` computes it (`nested_cv` and `nested_cv_helper`), for a decomposable loss (one
//! loss per row: squared error, absolute error, 0–1 loss, log loss).
//!
//! The naive interval of cross-validation, mean ± z · sd/√n over the rows' losses, treats the
//! n losses as independent; they are not (every row also trains the models that score the
//! others), and it under-covers. Nested cross-validation measures how much wider it must be:
//! per repetition, every pair of folds (a, b) is left out of one fit and both are scored; for
//! each fold a, the mean error of the inner cross-validation on the other folds (ē) minus the
//! error on fold a of a model that also left out one random other fold (f̄) is a pivot whose
//! variance, against the rows' variance, gives the inflation of the naive variance:
//! infl = (var(pivots) / var(errors) · n / K − 1) · (K − 1), clamped to [1, K]. The point
//! estimate, the mean of the nested errors (models fitted on K − 2 folds), is moved to the
//! error of a model fitted on all rows by the bias correction
//! (ē_nested − ē_cv) · (1 + ((K − 2)/(K − 1))^1.5), with ē_cv the ordinary cross-validation's.

use super::{dist, mean, std_dev, variance, Maybe};
use serde::{Deserialize, Serialize};

/// One repetition of nested cross-validation (one split seed's K folds).
#[derive(Debug, Clone, PartialEq)]
pub struct NestedRep {
    /// `errors[a][b]`: the losses of fold a's rows from the model fitted without folds a and
    /// b (empty for a = b).
    pub errors: Vec<Vec<Vec<f64>>>,
    /// Per fold a, the other fold b whose `errors[a][b]` is its f̄ (drawn at random).
    pub other: Vec<usize>,
}

/// The nested cross-validation interval of the expected loss.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NcvInterval {
    /// Coverage, e.g. 0.95.
    pub level: f64,
    /// Lower end (of the loss; of the score for a score such as accuracy = 1 − 0–1 loss).
    pub lower: f64,
    /// Upper end.
    pub upper: f64,
    /// `"ncv"`.
    pub method: String,
    /// The bias-corrected point estimate.
    pub estimate: f64,
    /// The nested errors' mean before the correction.
    pub raw_mean: f64,
    /// The bias correction subtracted.
    pub bias: f64,
    /// √infl: how many times wider than the naive interval.
    pub sd_inflation: f64,
    /// Repetitions (split seeds).
    pub reps: usize,
}

/// The interval at `level` from `reps` of K-fold nested cross-validation of `n` rows and the
/// ordinary cross-validation's mean loss `cv_mean` (over the same kind of folds).
pub fn ncv_interval(reps: &[NestedRep], cv_mean: f64, n: usize, level: f64) -> Maybe<NcvInterval> {
    let k = reps.first().map_or(0, |r| r.errors.len());
    if k < 3 || n < 2 {
        return Maybe::absent("needs k-fold cross-validation with at least 3 folds");
    }
    let mut pivots = Vec::with_capacity(reps.len() * k);
    let mut all = Vec::new();
    for rep in reps {
        for a in 0..k {
            // ē: the inner cross-validation on the folds other than a (their rows' losses from
            // the models that left a out)
            let inner: Vec<f64> = (0..k)
                .filter(|&b| b != a)
                .flat_map(|b| rep.errors[b][a].iter().copied())
                .collect();
            let f = &rep.errors[a][rep.other[a]];
            match (mean(&inner), mean(f)) {
                (Some(e), Some(f)) => pivots.push(e - f),
                _ => return Maybe::absent("a fold without rows"),
            }
        }
        for a in 0..k {
            for b in (a + 1)..k {
                all.extend_from_slice(&rep.errors[a][b]);
                all.extend_from_slice(&rep.errors[b][a]);
            }
        }
    }
    let (Some(var_pivots), Some(var_errors), Some(sd), Some(raw_mean)) =
        (variance(&pivots), variance(&all), std_dev(&all), mean(&all))
    else {
        return Maybe::absent("needs at least 2 repetitions' pivots");
    };
    let k_f = k as f64;
    let inflation = if var_errors > 0.0 {
        ((var_pivots / var_errors * n as f64 / k_f - 1.0) * (k_f - 1.0)).clamp(1.0, k_f)
    } else {
        1.0
    };
    let bias = (raw_mean - cv_mean) * (1.0 + ((k_f - 2.0) / (k_f - 1.0)).powf(1.5));
    let estimate = raw_mean - bias;
    let half = dist::normal_quantile(0.5 + level / 2.0) * sd / (n as f64).sqrt() * inflation.sqrt();
    Maybe::Value(NcvInterval {
        level,
        lower: estimate - half,
        upper: estimate + half,
        method: "ncv".into(),
        estimate,
        raw_mean,
        bias,
        sd_inflation: inflation.sqrt(),
        reps: reps.len(),
    })
}
