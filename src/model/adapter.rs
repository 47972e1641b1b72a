//! The generic adapters: any linfa parameter set whose `Fit` gives a model implementing
//! `PredictInplace` on owned records becomes a seedfold [`Model`].

use super::{class_rows, regression_rows, Fitted, FoldData, Model, TrainSet};
use crate::data::Task;
use crate::metric::Predictions;
use linfa::prelude::*;
use linfa::traits::PredictInplace;
use ndarray::{Array1, Array2};
use rand_chacha::ChaCha8Rng;
use std::marker::PhantomData;

/// A linfa regressor. `build` makes the parameters from the fold's model-seed stream (ignore
/// it for deterministic models). `E` is the parameters' fit error type.
///
/// ```
/// use seedfold::model::{Model, Regressor};
/// let ols = Regressor::<_, linfa_linear::LinearError<f64>>::new("ols", |_rng| {
///     linfa_linear::LinearRegression::new()
/// });
/// assert_eq!(ols.name(), "ols");
/// ```
pub struct Regressor<B, E> {
    name: String,
    build: B,
    stochastic: bool,
    error: PhantomData<fn() -> E>,
}

/// A linfa classifier on class indices (`usize` targets); see [`Regressor`].
pub struct Classifier<B, E> {
    name: String,
    build: B,
    stochastic: bool,
    error: PhantomData<fn() -> E>,
}

macro_rules! builder {
    ($t:ident) => {
        impl<B, E> $t<B, E> {
            /// Wrap the parameter builder `build` under `name`.
            pub fn new(name: impl Into<String>, build: B) -> Self {
                $t {
                    name: name.into(),
                    build,
                    stochastic: false,
                    error: PhantomData,
                }
            }

            /// Mark the model as random, so it runs once per model seed.
            pub fn stochastic(mut self) -> Self {
                self.stochastic = true;
                self
            }
        }
    };
}
builder!(Regressor);
builder!(Classifier);

/// Fit on `train`, predict `x_test`, with linfa errors and panics as messages.
pub(crate) fn fit_predict<P, E, L>(
    params: &P,
    train: &TrainSet<L>,
    x_test: &Array2<f64>,
) -> Result<Array1<L>, String>
where
    P: Fit<Array2<f64>, Array1<L>, E>,
    E: std::error::Error + From<linfa::Error>,
    P::Object: PredictInplace<Array2<f64>, Array1<L>>,
{
    super::guard(|| {
        let model = params.fit(train).map_err(|e| e.to_string())?;
        let mut out = model.default_target(x_test);
        model.predict_inplace(x_test, &mut out);
        Ok(out)
    })
}

impl<B, P, E> Model for Regressor<B, E>
where
    B: Fn(ChaCha8Rng) -> P + Send + Sync,
    P: Fit<Array2<f64>, Array1<f64>, E>,
    E: std::error::Error + From<linfa::Error>,
    P::Object: PredictInplace<Array2<f64>, Array1<f64>>,
{
    fn name(&self) -> &str {
        &self.name
    }
    fn task(&self) -> Task {
        Task::Regression
    }
    fn is_stochastic(&self) -> bool {
        self.stochastic
    }
    fn fit_predict(&self, data: &FoldData, rng: ChaCha8Rng) -> Result<Fitted, String> {
        let train = regression_rows(&self.name, data)?;
        let p = fit_predict::<P, E, f64>(&(self.build)(rng), train, &data.x_test)?;
        Ok(Predictions::Values(p.to_vec()).into())
    }
}

impl<B, P, E> Model for Classifier<B, E>
where
    B: Fn(ChaCha8Rng) -> P + Send + Sync,
    P: Fit<Array2<f64>, Array1<usize>, E>,
    E: std::error::Error + From<linfa::Error>,
    P::Object: PredictInplace<Array2<f64>, Array1<usize>>,
{
    fn name(&self) -> &str {
        &self.name
    }
    fn task(&self) -> Task {
        Task::Classification
    }
    fn is_stochastic(&self) -> bool {
        self.stochastic
    }
    fn fit_predict(&self, data: &FoldData, rng: ChaCha8Rng) -> Result<Fitted, String> {
        let (train, _) = class_rows(&self.name, data)?;
        let p = fit_predict::<P, E, usize>(&(self.build)(rng), train, &data.x_test)?;
        Ok(Predictions::Classes {
            labels: p.to_vec(),
            probabilities: None,
        }
        .into())
    }
}
