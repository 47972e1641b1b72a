//! Regressors that need more than the generic adapter: least squares (ols and ridge, with an
//! exact fast path the runner can take), the elastic-net family (features centred, since
//! linfa-elasticnet 0.8.1 centres only the target and so misplaces the intercept) and support
//! vector regression (kernel width from the training rows).

use super::adapter::fit_predict;
use super::{regression_rows, FoldData, Model, TrainSet};
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
    fn fit_predict(&self, data: &FoldData, _rng: ChaCha8Rng) -> Result<Predictions, String> {
        let train = regression_rows(&self.name, data)?;
        if self.alpha == 0.0 {
            let p = fit_predict::<_, LinearError<f64>, f64>(
                &LinearRegression::new(),
                train,
                &data.x_test,
            )?;
            return Ok(Predictions::Values(p.to_vec()));
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
        Ok(Predictions::Values(p.iter().map(|v| v + y_mean).collect()))
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
    fn fit_predict(&self, data: &FoldData, _rng: ChaCha8Rng) -> Result<Predictions, String> {
        let train = regression_rows(&self.name, data)?;
        let means = train.records.mean_axis(Axis(0)).ok_or("no training rows")?;
        let centred = Dataset::new(&train.records - &means, train.targets.clone());
        let params = ElasticNet::params()
            .penalty(self.alpha)
            .l1_ratio(self.l1_ratio)
            .tolerance(self.tolerance)
            .max_iterations(self.max_iterations);
        let p =
            fit_predict::<_, ElasticNetError, f64>(&params, &centred, &(&data.x_test - &means))?;
        Ok(Predictions::Values(p.to_vec()))
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
    fn fit_predict(&self, data: &FoldData, _rng: ChaCha8Rng) -> Result<Predictions, String> {
        let train = regression_rows(&self.name, data)?;
        let params = Svm::<f64, f64>::params().c_svr(self.c, Some(self.epsilon));
        let params = if self.linear {
            params.linear_kernel()
        } else {
            params.gaussian_kernel(self.width.unwrap_or_else(|| scale_width(&train.records)))
        };
        let p = fit_predict::<_, SvmError, f64>(&params, train, &data.x_test)?;
        Ok(Predictions::Values(p.to_vec()))
    }
}
