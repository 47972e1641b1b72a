//! Regressors that need more than the generic adapter: least squares (ols and ridge, with an
//! exact fast path the runner can take), the elastic-net family (coordinate descent on centred
//! features, see [`coordinate_descent`](super::coordinate_descent)), Tweedie
//! regression (solved to its optimum, see [`glm`](super::glm)) and support vector regression
//! (kernel width from the training rows). Solvers that stop at their iteration cap say so.

use super::adapter::fit_predict;
use super::coordinate_descent::elastic_net;
use super::dense::{cholesky, solve_cholesky, StripedMatrix};
use super::glm::{tweedie, Solver};
use super::least_squares::min_norm_least_squares;
use super::svm;
use super::{guard, regression_rows, Fitted, FoldData, Model, TrainSet};
use crate::data::Task;
use crate::metric::Predictions;
use linfa_linear::{LinearError, LinearRegression};
use ndarray::{concatenate, Array1, Array2, Axis};
use rand_chacha::ChaCha8Rng;

/// Least squares with an unpenalised intercept and penalty α‖w‖². α = 0 (ordinary least
/// squares) is the minimum-norm solution, as scikit-learn's `LinearRegression`, so a
/// rank-deficient design scores as it does there; α > 0 is fitted by linfa-linear. Ridge is solved exactly as least squares on the centred
/// data stacked with √α·I (Hoerl & Kennard 1970), so α is on scikit-learn's `Ridge` scale.
pub(crate) struct LeastSquaresModel {
    pub name: String,
    pub alpha: f64,
}

impl Model for LeastSquaresModel {
    super::basics!(Task::Regression);
    fn least_squares_penalty(&self) -> Option<f64> {
        Some(self.alpha)
    }
    fn fit_predict(&self, data: &FoldData, _rng: ChaCha8Rng) -> Result<Fitted, String> {
        let train = regression_rows(&self.name, data)?;
        let means = train.records.mean_axis(Axis(0)).ok_or("no training rows")?;
        let y_mean = train.targets.mean().ok_or("no training rows")?;
        if self.alpha == 0.0 {
            let centred = &train.records - &means;
            let w =
                guard(|| min_norm_least_squares(centred.view(), (&train.targets - y_mean).view()))?;
            let p = (&data.x_test - &means).dot(&w) + y_mean;
            return Ok(Predictions::Values(p.to_vec()).into());
        }
        let d = train.records.ncols();
        if d > train.records.nrows() {
            return dual_ridge(train, &data.x_test, &means, y_mean, self.alpha)
                .map(|p| Predictions::Values(p).into());
        }
        let penalty = Array2::from_diag_elem(d, self.alpha.sqrt());
        let stacked = concatenate(Axis(0), &[(&train.records - &means).view(), penalty.view()])
            .map_err(|e| e.to_string())?;
        let targets = concatenate(
            Axis(0),
            &[(&train.targets - y_mean).view(), Array1::zeros(d).view()],
        )
        .map_err(|e| e.to_string())?;
        let params = LinearRegression::new().with_intercept(false);
        let p = fit_predict::<_, LinearError<f64>, f64>(
            &params,
            &TrainSet::new(stacked, targets),
            &(&data.x_test - &means),
        )?;
        Ok(Predictions::Values(p.iter().map(|v| v + y_mean).collect()).into())
    }
}

/// Ridge through its dual when features outnumber rows (Hastie, Tibshirani & Friedman 2009,
/// §18.3.5): w = X̃ᵀ(X̃X̃ᵀ + αI)⁻¹ỹ on centred data needs an n × n system instead of d × d, so
/// 20 rows × 10,000 features cost milliseconds, not a 10,000² Gram matrix.
fn dual_ridge(
    train: &TrainSet<f64>,
    x_test: &Array2<f64>,
    means: &Array1<f64>,
    y_mean: f64,
    alpha: f64,
) -> Result<Vec<f64>, String> {
    let centred = &train.records - means;
    let mut kernel = StripedMatrix::new(centred.t()).gram(None);
    kernel.diag_mut().iter_mut().for_each(|v| *v += alpha);
    let factor = cholesky(&kernel).ok_or("the ridge system is singular")?;
    let mut coef = &train.targets - y_mean;
    solve_cholesky(&factor, &mut coef);
    let weights = centred.t().dot(&coef);
    Ok(((x_test - means).dot(&weights) + y_mean).to_vec())
}

/// Elastic net and lasso by coordinate descent ([`elastic_net`]) on centred features.
pub(crate) struct ElasticNetModel {
    pub name: String,
    /// scikit-learn's alpha (linfa's 1/(2n)-scaled objective uses the same scale).
    pub alpha: f64,
    pub l1_ratio: f64,
    pub tolerance: f64,
    pub max_iterations: u32,
}

impl Model for ElasticNetModel {
    super::basics!(Task::Regression);
    fn fit_predict(&self, data: &FoldData, _rng: ChaCha8Rng) -> Result<Fitted, String> {
        let train = regression_rows(&self.name, data)?;
        let means = train.records.mean_axis(Axis(0)).ok_or("no training rows")?;
        let y_mean = train.targets.mean().unwrap_or(0.0);
        let (p, warning) = guard(|| {
            let centred = &train.records - &means;
            let y = train.targets.mapv(|v| v - y_mean);
            let fit = elastic_net(
                centred.view(),
                y.view(),
                self.alpha,
                self.l1_ratio,
                self.tolerance,
                self.max_iterations,
            );
            let warning = (fit.gap > fit.gap_tolerance).then(|| {
                format!(
                    "not converged: duality gap {:.2e} > tol · ‖y − ȳ‖² = {:.2e} after {} of max_iter {} iterations",
                    fit.gap, fit.gap_tolerance, fit.steps, self.max_iterations
                )
            });
            Ok(((&data.x_test - &means).dot(&fit.w) + y_mean, warning))
        })?;
        Ok(Fitted {
            predictions: Predictions::Values(p.to_vec()),
            warning,
        })
    }
}

/// Tweedie regression with α on scikit-learn's scale (per row), solved by L-BFGS.
pub(crate) struct TweedieModel {
    pub name: String,
    pub power: f64,
    pub alpha: f64,
    pub solver: Solver,
}

impl Model for TweedieModel {
    super::basics!(Task::Regression);
    fn fit_predict(&self, data: &FoldData, _rng: ChaCha8Rng) -> Result<Fitted, String> {
        let train = regression_rows(&self.name, data)?;
        let (values, warning) = guard(|| {
            tweedie(
                &train.records,
                train.targets.view(),
                &data.x_test,
                self.power,
                self.alpha,
                self.solver,
            )
        })?;
        Ok(Fitted {
            predictions: Predictions::Values(values),
            warning,
        })
    }
}

/// ε-support vector regression (libsvm's solver, [`svm`](super::svm)).
pub(crate) struct SvrModel {
    pub name: String,
    pub c: f64,
    pub epsilon: f64,
    /// Gaussian kernel width; `None` = scikit-learn's "scale"; linear kernel when `linear`.
    pub width: Option<f64>,
    pub linear: bool,
}

impl Model for SvrModel {
    super::basics!(Task::Regression);
    fn fit_predict(&self, data: &FoldData, _rng: ChaCha8Rng) -> Result<Fitted, String> {
        let train = regression_rows(&self.name, data)?;
        let kernel = svm::Kernel::new(self.linear, self.width, &train.records);
        let x = train.records.view();
        let (machine, values) = guard(|| {
            let y = train.targets.as_standard_layout();
            let y = y.as_slice().expect("standard layout");
            let machine = svm::regress(x, y, self.c, self.epsilon, kernel)?;
            let values = svm::decisions(x, std::slice::from_ref(&machine), &data.x_test, kernel);
            Ok((machine, values))
        })?;
        Ok(Fitted {
            predictions: Predictions::Values(values),
            warning: machine.warning,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dual_ridge_equals_the_primal_solution() {
        // 12 rows × 30 features: the dual (12 × 12) against the primal normal equations (30 × 30)
        let x = Array2::from_shape_fn((12, 30), |(i, j)| ((i * 31 + j * 17) % 23) as f64 / 7.0);
        let y = Array1::from_shape_fn(12, |i| (i * 5 % 7) as f64);
        let x_test = Array2::from_shape_fn((4, 30), |(i, j)| ((i * 13 + j * 3) % 11) as f64);
        let alpha = 0.7;
        let means = x.mean_axis(Axis(0)).unwrap();
        let y_mean = y.mean().unwrap();
        let train = TrainSet::new(x.clone(), y.clone());
        let dual = dual_ridge(&train, &x_test, &means, y_mean, alpha).unwrap();
        let centred = &x - &means;
        let mut normal = centred.t().dot(&centred);
        normal.diag_mut().iter_mut().for_each(|v| *v += alpha);
        let mut w = centred.t().dot(&(&y - y_mean));
        solve_cholesky(&cholesky(&normal).unwrap(), &mut w);
        let primal = (&x_test - &means).dot(&w) + y_mean;
        for (a, b) in dual.iter().zip(&primal) {
            assert!(
                (a - b).abs() < 1e-9 * b.abs().max(1.0),
                "{dual:?} vs {primal}"
            );
        }
    }
}
