//! Binary logistic regression by Newton's method (iteratively reweighted least squares): the
//! fast path for `logistic` on two classes. It minimises exactly linfa-logistic's objective,
//!
//!   −Σᵢ log σ(yᵢ(xᵢᵀw + b)) + α/2 ‖w‖²   (yᵢ = ±1, intercept b unpenalised),
//!
//! but with a d×d Cholesky solve per step, so it converges quadratically to a tight gradient
//! tolerance in a handful of passes over the rows (Hastie, Tibshirani & Friedman 2009, §4.4.1).
//! Features are standardised internally (the penalty rescaled to match), which leaves the
//! objective unchanged and keeps the Hessian well conditioned. While steps shrink the gradient
//! fast, the last Hessian's factor is reused (the chord method; Kelley 1995, *Iterative Methods
//! for Linear and Nonlinear Equations*, §5.4), which changes the path, not the optimum or the
//! stopping rule. Each pass over the rows computes the objective, gradient and probabilities
//! together.

use super::dense::{cholesky, solve_cholesky, StripedMatrix};
use super::least_squares::column_moments;
use super::svm::exponentiate;
use linfa::dataset::AsSingleTargets;
use linfa::prelude::*;
use linfa::traits::PredictInplace;
use ndarray::{s, Array1, Array2, Axis};

/// Parameters of [`NewtonLogistic`] (linfa-style: fit with `Fit`, predict with `Predict`).
#[derive(Debug, Clone, PartialEq)]
pub struct NewtonLogistic {
    /// L2 penalty α, as in linfa-logistic.
    pub alpha: f64,
    /// Newton steps at most.
    pub max_iterations: usize,
    /// Stop when the gradient's Euclidean norm is below this (linfa-logistic's meaning, and
    /// its default of 1e-4).
    pub gradient_tolerance: f64,
    /// Where Newton's method starts: weights and intercept on the original feature scale
    /// (zeros when `None`), like linfa-logistic's `initial_params`. The optimum does not
    /// depend on it; a start near it saves steps.
    pub start: Option<(Array1<f64>, f64)>,
}

impl Default for NewtonLogistic {
    fn default() -> Self {
        NewtonLogistic {
            alpha: 1.0,
            max_iterations: 100,
            gradient_tolerance: 1e-4,
            start: None,
        }
    }
}

/// A fitted binary logistic regression; class 1 is the positive class.
#[derive(Debug, Clone, PartialEq)]
pub struct FittedNewtonLogistic {
    /// Coefficients on the original feature scale.
    pub weights: Array1<f64>,
    /// Intercept.
    pub intercept: f64,
    /// Newton steps taken.
    pub iterations: usize,
    /// Whether the gradient tolerance was reached (else the fit stopped at `max_iterations`
    /// and is scored with a warning, as scikit-learn's `ConvergenceWarning`).
    pub converged: bool,
    /// The gradient's Euclidean norm (original coordinates) where the fit stopped.
    pub gradient_norm: f64,
}

fn sigmoid(z: f64) -> f64 {
    if z >= 0.0 {
        1.0 / (1.0 + libm::exp(-z))
    } else {
        let e = libm::exp(z);
        e / (1.0 + e)
    }
}

impl FittedNewtonLogistic {
    /// P(class 1) for each row of `x`.
    pub fn predict_probabilities(&self, x: &Array2<f64>) -> Array1<f64> {
        (x.dot(&self.weights) + self.intercept).mapv(sigmoid)
    }
}

impl PredictInplace<Array2<f64>, Array1<usize>> for FittedNewtonLogistic {
    fn predict_inplace(&self, x: &Array2<f64>, y: &mut Array1<usize>) {
        for (out, p) in y.iter_mut().zip(self.predict_probabilities(x)) {
            *out = usize::from(p >= 0.5);
        }
    }

    fn default_target(&self, x: &Array2<f64>) -> Array1<usize> {
        Array1::zeros(x.nrows())
    }
}

/// How much a step must shrink the gradient for the next to reuse its Hessian.
const CHORD_RATE: f64 = 4.0;

/// The objective, its gradient and the probabilities at θ = (w′, b) on the standardised
/// rows `z` (row-major, d + 1 columns with the intercept's 1 last), in one pass over the rows.
struct Evaluation {
    value: f64,
    gradient: Array1<f64>,
    p: Vec<f64>,
}

fn evaluate(z: &[f64], t: &[f64], theta: &Array1<f64>, penalty: &Array1<f64>) -> Evaluation {
    let width = theta.len();
    let theta = theta.as_slice().expect("a new Array1 is contiguous");
    let mut gradient = vec![0.0; width];
    let eta: Vec<f64> = z
        .chunks_exact(width)
        .map(|row| row.iter().zip(theta).map(|(z, w)| z * w).sum())
        .collect();
    // one exponential per row gives both log(1 + e^η) and σ(η), each without overflow; all of
    // them at once, vectorised (`p` holds e^−|η| until the probability replaces it)
    let mut p: Vec<f64> = eta.iter().map(|v| -v.abs()).collect();
    exponentiate(&mut p);
    let mut loss = 0.0;
    for ((row, &t), (&eta, p)) in z.chunks_exact(width).zip(t).zip(eta.iter().zip(&mut p)) {
        let e = *p;
        loss += eta.max(0.0) + libm::log1p(e) - t * eta;
        *p = if eta >= 0.0 {
            1.0 / (1.0 + e)
        } else {
            e / (1.0 + e)
        };
        let residual = *p - t;
        for (g, z) in gradient.iter_mut().zip(row) {
            *g += residual * z;
        }
    }
    let mut value = loss;
    for ((g, w), a) in gradient.iter_mut().zip(theta).zip(penalty) {
        *g += a * w;
        value += 0.5 * a * w * w;
    }
    Evaluation {
        value,
        gradient: Array1::from(gradient),
        p,
    }
}

impl<T: AsSingleTargets<Elem = usize>> Fit<Array2<f64>, T, linfa::Error> for NewtonLogistic {
    type Object = FittedNewtonLogistic;

    fn fit(
        &self,
        dataset: &DatasetBase<Array2<f64>, T>,
    ) -> Result<FittedNewtonLogistic, linfa::Error> {
        let x = dataset.records();
        let labels = dataset.as_single_targets();
        if labels.iter().any(|&c| c > 1)
            || !labels.iter().any(|&c| c == 1)
            || !labels.iter().any(|&c| c == 0)
        {
            return Err(linfa::Error::Parameters(
                "binary logistic regression needs both class 0 and class 1 in the training rows"
                    .into(),
            ));
        }
        if self.alpha.is_nan() || self.alpha < 0.0 {
            return Err(linfa::Error::Parameters(format!(
                "alpha must be ≥ 0, got {}",
                self.alpha
            )));
        }
        let (n, d) = x.dim();
        let (mean, scale) = column_moments(x);
        // standardised rows with a trailing 1 for the intercept, row-major
        let inverse = scale.mapv(|s| 1.0 / s);
        let mut z = Vec::with_capacity(n * (d + 1));
        for row in x.rows() {
            z.extend(
                row.iter()
                    .zip(&mean)
                    .zip(&inverse)
                    .map(|((x, m), i)| (x - m) * i),
            );
            z.push(1.0);
        }
        let z = Array2::from_shape_vec((n, d + 1), z).expect("n rows of d + 1 values");
        let rows = z.as_slice().expect("built in standard layout");
        let t: Vec<f64> = labels.iter().map(|&c| c as f64).collect();
        let mut penalty: Array1<f64> = scale.mapv(|s| self.alpha / (s * s));
        penalty = ndarray::concatenate![Axis(0), penalty, Array1::zeros(1)];
        // the start in standardised coordinates: w′ = s·w, b′ = b + μ·w
        let mut theta = Array1::<f64>::zeros(d + 1);
        if let Some((w, b)) = &self.start {
            if w.len() != d {
                return Err(linfa::Error::Parameters(format!(
                    "the start has {} weights for {d} features",
                    w.len()
                )));
            }
            theta.slice_mut(s![..d]).assign(&(w * &scale));
            theta[d] = b + w.dot(&mean);
        }
        let mut current = evaluate(rows, &t, &theta, &penalty);
        let striped = StripedMatrix::new(z.view());
        // the last Hessian's Cholesky factor, and the gradient norm at the step that used it
        let mut factor: Option<Array2<f64>> = None;
        let mut last_norm = f64::INFINITY;
        let mut iterations = 0;
        let mut converged = true;
        let mut gradient_norm;
        loop {
            let gradient = &current.gradient;
            // the gradient in the original coordinates: ∂/∂wⱼ = sⱼ ∂/∂w′ⱼ + μⱼ ∂/∂b, ∂/∂b unchanged
            let intercept_gradient = gradient[d];
            let norm = ((0..d)
                .map(|j| (scale[j] * gradient[j] + mean[j] * intercept_gradient).powi(2))
                .sum::<f64>()
                + intercept_gradient.powi(2))
            .sqrt();
            gradient_norm = norm;
            if norm <= self.gradient_tolerance {
                break;
            }
            if iterations == self.max_iterations || super::cancel::abandoned() {
                converged = false;
                break;
            }
            // While steps keep cutting the gradient CHORD_RATE-fold, the last Hessian serves
            // again (a chord step: same optimum, no n·d² product); otherwise it is formed anew
            if norm > last_norm / CHORD_RATE {
                factor = None;
            }
            let l = match factor.take() {
                Some(l) => l,
                None => {
                    // Zᵀ diag(p(1 − p)) Z + diag(penalty)
                    let weights: Vec<f64> = current.p.iter().map(|p| p * (1.0 - p)).collect();
                    let mut hessian = striped.gram(Some(&weights));
                    for j in 0..=d {
                        hessian[[j, j]] += penalty[j];
                    }
                    match cholesky(&hessian) {
                        Some(l) => l,
                        // a start where every probability saturates: begin again from zero
                        None if self.start.is_some() => {
                            let from_zero = NewtonLogistic {
                                start: None,
                                ..self.clone()
                            };
                            return from_zero.fit(dataset);
                        }
                        None => {
                            return Err(linfa::Error::Parameters(
                                "the Hessian is singular (separable data with alpha = 0?)".into(),
                            ))
                        }
                    }
                }
            };
            let mut step = gradient.clone();
            solve_cholesky(&l, &mut step);
            factor = Some(l);
            last_norm = norm;
            // backtracking: halve the Newton step until the objective does not increase
            let mut size = 1.0;
            loop {
                let candidate = &theta - &(&step * size);
                let next = evaluate(rows, &t, &candidate, &penalty);
                // a full step may not lower a sum of n terms by more than its rounding error
                // near the optimum: accept changes within that error
                let value = current.value;
                if next.value <= value + 1e-12 * value.abs().max(1.0) || size < 1e-10 {
                    theta = candidate;
                    current = next;
                    break;
                }
                size /= 2.0;
            }
            iterations += 1;
        }
        let weights = &theta.slice(s![..d]) / &scale;
        let intercept = theta[d] - weights.dot(&mean);
        Ok(FittedNewtonLogistic {
            weights,
            intercept,
            iterations,
            converged,
            gradient_norm,
        })
    }
}
