//! Classifiers that need more than the generic adapter: logistic regression (binary by
//! Newton's method, multinomial by damped Newton to its optimum; linfa-logistic under
//! `--exact-linfa`, with the class mapping fixed, since linfa-logistic 0.8.1 picks its positive
//! class per fold) and the SVM classifier (one-vs-one beyond two classes, kernel width from
//! the training rows).

use super::glm::{multinomial_logistic, Solver};
use super::newton_logistic::NewtonLogistic;
use super::svm;
use super::{argmax_rows, class_rows, guard, Fitted, FoldData, Model, TrainSet};
use crate::data::{Table, Target, Task};
use crate::metric::Predictions;
use linfa::prelude::*;
use linfa_logistic::{LogisticRegression, MultiLogisticRegression};
use ndarray::{Array1, Array2, Axis};
use rand_chacha::ChaCha8Rng;
use std::sync::RwLock;

/// Predictions from a row-major probability matrix: the most probable class per row.
pub(crate) fn from_probabilities(probabilities: Vec<f64>, k: usize) -> Predictions {
    Predictions::Classes {
        labels: argmax_rows(&probabilities, k),
        probabilities: Some(probabilities),
    }
}

/// Fit a model that gives class probabilities: `fit` turns the fold's class rows (and the
/// number of classes) into a row-major probability matrix for the test rows; panics become
/// errors and each row's label is its most probable class.
fn with_probabilities(
    name: &str,
    data: &FoldData,
    fit: impl FnOnce(&TrainSet<usize>, usize) -> Result<(Vec<f64>, Option<String>), String>,
) -> Result<Fitted, String> {
    let (train, k) = class_rows(name, data)?;
    let (probabilities, warning) = guard(|| fit(train, k))?;
    Ok(Fitted {
        predictions: from_probabilities(probabilities, k),
        warning,
    })
}

/// Spread a model's probability columns (for the classes it saw) into all `k` classes.
fn widen(proba: &Array2<f64>, seen: &[usize], k: usize) -> Vec<f64> {
    let mut out = vec![0.0; proba.nrows() * k];
    for (r, row) in proba.outer_iter().enumerate() {
        for (&class, &p) in seen.iter().zip(row) {
            out[r * k + class] = p;
        }
    }
    out
}

/// L2-penalised logistic regression: binary for two classes, else multinomial.
pub(crate) struct LogisticModel {
    pub name: String,
    pub alpha: f64,
    pub max_iterations: u64,
    /// Gradient tolerance of the multinomial Newton solver.
    pub tolerance: f64,
    /// Use seedfold's solvers: Newton for two classes and at most [`NEWTON_MAX_FEATURES`]
    /// features, [`multinomial_logistic`] for more classes; linfa's solver otherwise (and
    /// when the binary Newton fit fails).
    pub newton: bool,
    /// The fast path's fit on all rows (see [`Model::prepare`]), where every fold starts.
    pub start: RwLock<Option<(Array1<f64>, f64)>>,
}

/// Most features for the Newton fast path: a step costs n·d² for the Hessian and d³/3 for its
/// factor, so beyond this linfa's L-BFGS (n·d a step) is the better solver.
pub const NEWTON_MAX_FEATURES: usize = 256;

/// linfa-logistic's default gradient tolerance, where its L-BFGS counts as converged.
const LINFA_GRADIENT_TOLERANCE: f64 = 1e-4;

impl LogisticModel {
    /// Whether the Newton fast path fits `classes` classes on `features` features.
    fn uses_newton(&self, classes: usize, features: usize) -> bool {
        self.newton && classes == 2 && features <= NEWTON_MAX_FEATURES
    }

    /// linfa-logistic's L-BFGS reports nothing when it stops at its iteration cap, so its
    /// objective's gradient (XᵀR + αW for the weights, the column sums of R for the
    /// intercepts, R = probabilities − one-hot truth) is checked at the returned fit against
    /// the tolerance its solver stops at.
    fn lbfgs_warning(
        &self,
        x: &Array2<f64>,
        residuals: &Array2<f64>,
        weights: &Array2<f64>,
    ) -> Option<String> {
        let weight_part = x.t().dot(residuals) + weights * self.alpha;
        let intercept_part = residuals.sum_axis(Axis(0));
        let norm = (weight_part.iter().chain(&intercept_part))
            .map(|g| g * g)
            .sum::<f64>()
            .sqrt();
        (norm > LINFA_GRADIENT_TOLERANCE).then(|| {
            format!(
                "not converged: linfa's L-BFGS stopped with gradient norm {norm:.2e} > {LINFA_GRADIENT_TOLERANCE:e} (max_iter {})",
                self.max_iterations
            )
        })
    }

    fn newton(&self) -> NewtonLogistic {
        NewtonLogistic {
            alpha: self.alpha,
            max_iterations: self.max_iterations as usize,
            ..NewtonLogistic::default()
        }
    }
}

impl Model for LogisticModel {
    super::basics!(Task::Classification);
    fn gives_probabilities(&self) -> bool {
        true
    }
    fn prepare(&self, table: &Table) {
        let start = match &table.y {
            Target::Classification { labels, classes }
                if self.uses_newton(classes.len(), table.x.ncols()) =>
            {
                // a failed fit only means the folds start from zero
                let all = DatasetBase::new(table.x.clone(), labels.clone());
                self.newton()
                    .fit(&all)
                    .ok()
                    .map(|m| (m.weights, m.intercept))
            }
            _ => None,
        };
        *self.start.write().unwrap_or_else(|e| e.into_inner()) = start;
    }
    fn fit_predict(&self, data: &FoldData, _rng: ChaCha8Rng) -> Result<Fitted, String> {
        with_probabilities(&self.name, data, |train, k| {
            if self.uses_newton(k, data.x_test.ncols()) {
                let params = NewtonLogistic {
                    start: self.start.read().unwrap_or_else(|e| e.into_inner()).clone(),
                    ..self.newton()
                };
                if let Ok(model) = params.fit(train) {
                    let p = model.predict_probabilities(&data.x_test);
                    let warning = (!model.converged).then(|| {
                        format!(
                            "not converged: Newton's method stopped at max_iter {} with gradient norm {:.2e} > {:e}",
                            self.max_iterations, model.gradient_norm, params.gradient_tolerance
                        )
                    });
                    return Ok((p.iter().flat_map(|&p| [1.0 - p, p]).collect(), warning));
                }
            }
            if self.newton && k > 2 {
                let solver = Solver {
                    tolerance: self.tolerance,
                    max_iterations: self.max_iterations as usize,
                };
                return multinomial_logistic(
                    &train.records,
                    train.targets.view(),
                    k,
                    &data.x_test,
                    self.alpha,
                    solver,
                );
            }
            if k == 2 {
                let params = LogisticRegression::default()
                    .alpha(self.alpha)
                    .max_iterations(self.max_iterations);
                let model = params.fit(train).map_err(|e| e.to_string())?;
                // linfa's "positive" class is whichever it chose for this fold; map it to class 1
                let positive = model.labels().pos.class;
                let flip = positive != 1;
                let fitted = model.predict_probabilities(&train.records);
                let residuals = Array2::from_shape_fn((fitted.len(), 1), |(r, _)| {
                    fitted[r] - (train.targets[r] == positive) as u8 as f64
                });
                let weights = model.params().clone().insert_axis(Axis(1));
                let warning = self.lbfgs_warning(&train.records, &residuals, &weights);
                let p = model.predict_probabilities(&data.x_test);
                Ok((
                    p.iter()
                        .flat_map(|&p| if flip { [p, 1.0 - p] } else { [1.0 - p, p] })
                        .collect(),
                    warning,
                ))
            } else {
                let params = MultiLogisticRegression::default()
                    .alpha(self.alpha)
                    .max_iterations(self.max_iterations);
                let model = params.fit(train).map_err(|e| e.to_string())?;
                let mut residuals = model.predict_probabilities(&train.records);
                for (mut row, class) in residuals.rows_mut().into_iter().zip(&train.targets) {
                    if let Some(c) = model.classes().iter().position(|c| c == class) {
                        row[c] -= 1.0;
                    }
                }
                let warning = self.lbfgs_warning(&train.records, &residuals, model.params());
                Ok((
                    widen(
                        &model.predict_probabilities(&data.x_test),
                        model.classes(),
                        k,
                    ),
                    warning,
                ))
            }
        })
    }
}

/// C-support vector classifier (libsvm's solver, [`svm`](super::svm)): one SVM for two
/// classes, one per pair beyond.
pub(crate) struct SvcModel {
    pub name: String,
    pub c: f64,
    pub width: Option<f64>,
    pub linear: bool,
}

impl Model for SvcModel {
    super::basics!(Task::Classification);
    /// Two classes: one SVM. More: one-vs-one as scikit-learn's `SVC` (an SVM per pair of
    /// classes on their rows, the lower class's rows first and positive, each test row to the
    /// class with the most votes, ties to the lower class), the kernel width taken from all
    /// training rows.
    fn fit_predict(&self, data: &FoldData, _rng: ChaCha8Rng) -> Result<Fitted, String> {
        let (train, k) = class_rows(&self.name, data)?;
        let kernel = svm::Kernel::new(self.linear, self.width, &train.records);
        let by_class: Vec<Vec<usize>> = (0..k)
            .map(|c| {
                (0..train.targets.len())
                    .filter(|&r| train.targets[r] == c)
                    .collect()
            })
            .collect();
        let seen: Vec<usize> = (0..k).filter(|&c| !by_class[c].is_empty()).collect();
        if seen.len() < 2 {
            // scikit-learn's SVC refuses such a fit too: there is no margin to find
            return Err(format!(
                "{} needs two classes among a fold's training rows, and this fold's hold one; \
                 use --splitter stratified so that every fold trains on every class",
                self.name
            ));
        }
        let x = train.records.view();
        let pairs: Vec<(usize, usize)> = seen
            .iter()
            .enumerate()
            .flat_map(|(i, &a)| seen[i + 1..].iter().map(move |&b| (a, b)))
            .collect();
        let (machines, values) = guard(|| {
            let machines = pairs
                .iter()
                .map(|&(a, b)| {
                    let rows: Vec<usize> =
                        by_class[a].iter().chain(&by_class[b]).copied().collect();
                    let positive: Vec<bool> = rows.iter().map(|&r| train.targets[r] == a).collect();
                    svm::classify(x, &rows, &positive, self.c, kernel)
                })
                .collect::<Result<Vec<_>, String>>()?;
            let values = svm::decisions(x, &machines, &data.x_test, kernel);
            Ok((machines, values))
        })?;
        let mut votes = vec![0.0; data.x_test.nrows() * k];
        for (row, values) in votes.chunks_mut(k).zip(values.chunks(pairs.len())) {
            for (&(a, b), &v) in pairs.iter().zip(values) {
                row[if v > 0.0 { a } else { b }] += 1.0;
            }
        }
        Ok(Fitted {
            predictions: Predictions::Classes {
                labels: argmax_rows(&votes, k),
                probabilities: None,
            },
            warning: machines.into_iter().find_map(|m| m.warning),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::FoldTrain;
    use rand::SeedableRng;

    #[test]
    fn an_svm_fold_with_one_class_fails_with_a_way_out() {
        let x = Array2::from_shape_fn((6, 2), |(i, j)| (i * 2 + j) as f64);
        let data = FoldData {
            train: FoldTrain::Classes(
                linfa::DatasetBase::new(x.clone(), Array1::from_elem(6, 1)),
                3,
            ),
            x_test: x,
        };
        let model = SvcModel {
            name: "svm".into(),
            c: 1.0,
            width: None,
            linear: false,
        };
        let error = model
            .fit_predict(&data, ChaCha8Rng::seed_from_u64(0))
            .unwrap_err();
        assert!(
            error.contains("hold one") && error.contains("--splitter stratified"),
            "{error}"
        );
    }
}
