//! Regressors that need more than the generic adapter: least squares (ols and ridge, with an
//! exact fast path the runner can take), the elastic-net family (features centred, since
//! linfa-elasticnet 0.8.1 centres only the target and so misplaces the intercept), Tweedie
//! regression (solved to its optimum, see [`glm`](super::glm)) and support vector regression
//! (kernel width from the training rows). Solvers that stop at their iteration cap say so.

use super::adapter::{fit_predict, fit_predict_checked};
use super::glm::{tweedie, Solver};
use super::{guard, regression_rows, Fitted, FoldData, Model, TrainSet};
use crate::data::Task;
use crate::metric::Predictions;
use linfa::Dataset;
use linfa_elasticnet::{ElasticNet, ElasticNetError};
use linfa_linear::{LinearError, LinearRegression};
use linfa_svm::{Svm, SvmError};
use ndarray::{concatenate, Array1, Array2, Axis};
use rand_chacha::ChaCha8Rng;

/// Least squares with an unpenalised intercept and penalty α‖w‖² (α = 0: ordinary least
/// squares), fitted by linfa-linear. Ridge is solved exactly as least squares on the centred
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
        if self.alpha == 0.0 {
            let p = fit_predict::<_, LinearError<f64>, f64>(
                &LinearRegression::new(),
                train,
                &data.x_test,
            )?;
            return Ok(Predictions::Values(p.to_vec()).into());
        }
        let means = train.records.mean_axis(Axis(0)).ok_or("no training rows")?;
        let y_mean = train.targets.mean().ok_or("no training rows")?;
        let d = train.records.ncols();
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

/// Elastic net and lasso by coordinate descent (linfa-elasticnet) on centred features.
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
        let centred = Dataset::new(&train.records - &means, train.targets.clone());
        let params = ElasticNet::params()
            .penalty(self.alpha)
            .l1_ratio(self.l1_ratio)
            .tolerance(self.tolerance)
            .max_iterations(self.max_iterations);
        // linfa (like scikit-learn) stops when the duality gap falls below tol · ‖y − ȳ‖²
        let y_mean = train.targets.mean().unwrap_or(0.0);
        let gap_tolerance = self.tolerance * train.targets.mapv(|v| (v - y_mean).powi(2)).sum();
        let (p, warning) = fit_predict_checked::<_, ElasticNetError, f64>(
            &params,
            &centred,
            &(&data.x_test - &means),
            |model| {
                (model.duality_gap() > gap_tolerance).then(|| {
                    format!(
                        "not converged: duality gap {:.2e} > tol · ‖y − ȳ‖² = {gap_tolerance:.2e} after {} of max_iter {} iterations",
                        model.duality_gap(),
                        model.n_steps(),
                        self.max_iterations
                    )
                })
            },
        )?;
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

/// The Gaussian kernel width linfa expects (K = exp(−‖a−b‖² / width)) for scikit-learn's
/// `gamma="scale"`, γ = 1 / (n_features · Var(X)): width = n_features · Var(X).
pub(crate) fn scale_width(x: &Array2<f64>) -> f64 {
    let width = x.ncols() as f64 * x.var(0.0);
    if width > 0.0 {
        width
    } else {
        1.0
    }
}

/// ε-support vector regression (linfa-svm).
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
        let params = Svm::<f64, f64>::params().c_svr(self.c, Some(self.epsilon));
        let params = if self.linear {
            params.linear_kernel()
        } else {
            params.gaussian_kernel(self.width.unwrap_or_else(|| scale_width(&train.records)))
        };
        let (p, warning) =
            fit_predict_checked::<_, SvmError, f64>(&params, train, &data.x_test, svm_warning)?;
        Ok(Fitted {
            predictions: Predictions::Values(p.to_vec()),
            warning,
        })
    }
}

/// linfa-svm's SMO says in its description whether it stopped at its iteration cap.
pub(crate) fn svm_warning<T>(model: &Svm<f64, T>) -> Option<String> {
    let summary = model.to_string();
    summary
        .starts_with("Reached maximal iterations")
        .then(|| format!("not converged: {summary}"))
}
