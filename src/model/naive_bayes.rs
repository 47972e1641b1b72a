//! Gaussian naive Bayes with scikit-learn's `GaussianNB` estimates, normalised in log space.
//!
//! Per class c present in the training rows: prior n_c/n, feature means and variances (ddof 0,
//! two-pass) plus ε = var_smoothing · the largest feature variance of all training rows. The
//! joint log-likelihood jll_c(x) = ln prior_c − ½ Σⱼ [ln(2π σ²_cj) + (xⱼ − μ_cj)² / σ²_cj] is
//! normalised by log-sum-exp with the row's maximum subtracted first, so digits' very negative
//! log-likelihoods give probabilities instead of underflowing to NaN.

use super::{class_rows, guard, Fitted, FoldData, Model};
use crate::data::Task;
use ndarray::{Array2, Axis};
use rand_chacha::ChaCha8Rng;
use std::f64::consts::PI;

/// Gaussian naive Bayes.
pub(crate) struct NaiveBayesModel {
    pub name: String,
    pub var_smoothing: f64,
}

/// Class-conditional means and variances of the classes seen in training.
struct Fit {
    classes: Vec<usize>,
    log_prior: Vec<f64>,
    means: Array2<f64>,
    variances: Array2<f64>,
}

fn fit(x: &Array2<f64>, y: &[usize], k: usize, var_smoothing: f64) -> Result<Fit, String> {
    if x.nrows() == 0 {
        return Err("no training rows".into());
    }
    let epsilon = var_smoothing * x.var_axis(Axis(0), 0.0).fold(0.0f64, |m, &v| m.max(v));
    let classes: Vec<usize> = (0..k).filter(|c| y.contains(c)).collect();
    let d = x.ncols();
    let (mut means, mut variances) = (
        Array2::zeros((classes.len(), d)),
        Array2::zeros((classes.len(), d)),
    );
    let mut log_prior = Vec::with_capacity(classes.len());
    for (i, &c) in classes.iter().enumerate() {
        let rows: Vec<usize> = (0..y.len()).filter(|&r| y[r] == c).collect();
        let xc = x.select(Axis(0), &rows);
        means
            .row_mut(i)
            .assign(&xc.mean_axis(Axis(0)).expect("rows of the class"));
        variances
            .row_mut(i)
            .assign(&(xc.var_axis(Axis(0), 0.0) + epsilon));
        log_prior.push(libm::log(rows.len() as f64 / y.len() as f64));
    }
    if variances.iter().any(|&v| v <= 0.0) {
        return Err(
            "a feature is constant within a class and var_smoothing is 0; set var_smoothing > 0"
                .into(),
        );
    }
    Ok(Fit {
        classes,
        log_prior,
        means,
        variances,
    })
}

impl Fit {
    /// Probabilities over all `k` classes, row-major.
    fn probabilities(&self, x: &Array2<f64>, k: usize) -> Vec<f64> {
        let log_norm: Vec<f64> = self
            .variances
            .outer_iter()
            .map(|v| -0.5 * v.iter().map(|s| libm::log(2.0 * PI * s)).sum::<f64>())
            .collect();
        let mut out = vec![0.0; x.nrows() * k];
        let mut jll = vec![0.0; self.classes.len()];
        for (row, target) in x.outer_iter().zip(out.chunks_mut(k)) {
            for (i, j) in jll.iter_mut().enumerate() {
                let (mu, var) = (self.means.row(i), self.variances.row(i));
                let quad: f64 = row
                    .iter()
                    .zip(mu)
                    .zip(var)
                    .map(|((x, m), v)| (x - m) * (x - m) / v)
                    .sum();
                *j = self.log_prior[i] + log_norm[i] - 0.5 * quad;
            }
            let top = jll.iter().fold(f64::NEG_INFINITY, |a, &v| a.max(v));
            let log_sum = top + libm::log(jll.iter().map(|v| libm::exp(v - top)).sum::<f64>());
            for (&c, v) in self.classes.iter().zip(&jll) {
                target[c] = libm::exp(v - log_sum);
            }
        }
        out
    }
}

impl Model for NaiveBayesModel {
    super::basics!(Task::Classification);
    fn gives_probabilities(&self) -> bool {
        true
    }
    fn fit_predict(&self, data: &FoldData, _rng: ChaCha8Rng) -> Result<Fitted, String> {
        let (train, k) = class_rows(&self.name, data)?;
        let y = train.targets.as_slice().ok_or("targets not contiguous")?;
        let probabilities = guard(|| {
            let model = fit(&train.records, y, k, self.var_smoothing)?;
            Ok(model.probabilities(&data.x_test, k))
        })?;
        Ok(super::classifiers::from_probabilities(probabilities, k).into())
    }
}
