//! The models the command line knows by name, their tasks and parameters with defaults.

use super::classifiers::{ForestModel, LogisticModel, NaiveBayesModel, SvcModel};
use super::params::{ModelSpec, Params};
use super::regressors::{ElasticNetModel, LeastSquaresModel, SvrModel};
use super::{Classifier, Model, Regressor};
use crate::data::Task;
use crate::{Error, Result};
use linfa_linear::{LinearError, TweedieRegressor};
use linfa_trees::{DecisionTree, SplitQuality};
use std::collections::BTreeMap;

/// A catalogue entry, as `seedfold models` lists it.
#[derive(Debug)]
pub struct ModelInfo {
    /// The name used with `--model`.
    pub name: &'static str,
    /// Tasks it fits.
    pub tasks: &'static [Task],
    /// Whether it uses the model seed.
    pub stochastic: bool,
    /// One line on what it is.
    pub about: &'static str,
    /// (parameter, default, meaning).
    pub params: &'static [(&'static str, &'static str, &'static str)],
}

const REG: &[Task] = &[Task::Regression];
const CLS: &[Task] = &[Task::Classification];
const BOTH: &[Task] = &[Task::Regression, Task::Classification];
const ITER: (&str, &str, &str) = ("max_iter", "1000", "coordinate-descent iterations");

/// Every model `--model` accepts.
pub const CATALOGUE: &[ModelInfo] = &[
    ModelInfo {
        name: "ols",
        tasks: REG,
        stochastic: false,
        about: "ordinary least squares with intercept (linfa-linear)",
        params: &[],
    },
    ModelInfo {
        name: "ridge",
        tasks: REG,
        stochastic: false,
        about: "L2-penalised least squares, alpha on scikit-learn's scale (linfa-linear, exact)",
        params: &[("alpha", "1", "penalty on ||w||^2")],
    },
    ModelInfo {
        name: "lasso",
        tasks: REG,
        stochastic: false,
        about: "L1-penalised least squares (linfa-elasticnet)",
        params: &[
            ("alpha", "1", "penalty on ||w||_1"),
            ("tol", "1e-4", "convergence tolerance"),
            ITER,
        ],
    },
    ModelInfo {
        name: "elasticnet",
        tasks: REG,
        stochastic: false,
        about: "L1+L2-penalised least squares (linfa-elasticnet)",
        params: &[
            ("alpha", "1", "overall penalty"),
            ("l1_ratio", "0.5", "share of L1 in the penalty"),
            ("tol", "1e-4", "convergence tolerance"),
            ITER,
        ],
    },
    ModelInfo {
        name: "tweedie",
        tasks: REG,
        stochastic: false,
        about: "generalised linear model with Tweedie deviance (linfa-linear)",
        params: &[
            (
                "power",
                "0",
                "0 normal, 1 Poisson, (1,2) compound, 2 gamma, 3 inverse Gaussian",
            ),
            ("alpha", "1", "L2 penalty"),
            ("max_iter", "100", "solver iterations"),
        ],
    },
    ModelInfo {
        name: "logistic",
        tasks: CLS,
        stochastic: false,
        about: "L2-penalised logistic regression, binary or multinomial (linfa-logistic)",
        params: &[
            ("alpha", "1", "L2 penalty"),
            ("max_iter", "100", "L-BFGS iterations"),
        ],
    },
    ModelInfo {
        name: "tree",
        tasks: CLS,
        stochastic: false,
        about: "decision tree (linfa-trees)",
        params: &[
            ("max_depth", "0", "largest depth, 0 = unlimited"),
            ("min_weight_split", "2", "rows needed to split"),
            ("min_weight_leaf", "1", "rows needed in a leaf"),
            ("criterion", "gini", "gini or entropy"),
        ],
    },
    ModelInfo {
        name: "forest",
        tasks: CLS,
        stochastic: true,
        about: "random forest of bagged trees, seeded by the model seed (linfa-ensemble)",
        params: &[
            ("trees", "100", "number of trees"),
            ("max_depth", "0", "largest depth, 0 = unlimited"),
            ("bootstrap", "1", "bootstrap sample size as a share of rows"),
            ("feature_fraction", "0.5", "share of features per tree"),
        ],
    },
    ModelInfo {
        name: "naive_bayes",
        tasks: CLS,
        stochastic: false,
        about: "Gaussian naive Bayes (linfa-bayes)",
        params: &[(
            "var_smoothing",
            "1e-9",
            "share of the largest variance added to all",
        )],
    },
    ModelInfo {
        name: "svm",
        tasks: BOTH,
        stochastic: false,
        about: "support vector machine: binary classifier or epsilon-regressor (linfa-svm)",
        params: &[
            ("c", "1", "penalty on margin violations"),
            ("kernel", "gaussian", "gaussian or linear"),
            (
                "width",
                "scale",
                "gaussian width, or scale = n_features * Var(X)",
            ),
            ("epsilon", "0.1", "regression tube half-width"),
        ],
    },
];

fn names(tasks: impl Fn(&ModelInfo) -> bool) -> String {
    CATALOGUE
        .iter()
        .filter(|m| tasks(m))
        .map(|m| m.name)
        .collect::<Vec<_>>()
        .join(", ")
}

fn resolve(spec: &ModelSpec, info: &ModelInfo) -> Result<Params> {
    let mut values: BTreeMap<&'static str, String> = info
        .params
        .iter()
        .map(|(k, d, _)| (*k, d.to_string()))
        .collect();
    for (key, value) in &spec.params {
        let known = info
            .params
            .iter()
            .find(|p| p.0 == key)
            .ok_or_else(|| Error::Unknown {
                kind: "parameter",
                name: format!("{key} (model {})", info.name),
                known: if info.params.is_empty() {
                    "none".into()
                } else {
                    info.params
                        .iter()
                        .map(|p| p.0)
                        .collect::<Vec<_>>()
                        .join(", ")
                },
            })?;
        values.insert(known.0, value.clone());
    }
    Ok(Params::new(spec.name(), values))
}

/// Build the models `specs` name for a target of `task` with `n_classes` classes. Unknown
/// models or parameters and models that do not fit the task are errors listing what exists.
/// With `exact_linfa`, models fit through linfa only, without seedfold's fast paths.
pub fn build_models(
    specs: &[ModelSpec],
    task: Task,
    n_classes: usize,
    exact_linfa: bool,
) -> Result<Vec<Box<dyn Model>>> {
    let mut models: Vec<Box<dyn Model>> = Vec::new();
    for spec in specs {
        let info = CATALOGUE
            .iter()
            .find(|m| m.name == spec.kind)
            .ok_or_else(|| Error::Unknown {
                kind: "model",
                name: spec.kind.clone(),
                known: names(|_| true),
            })?;
        if !info.tasks.contains(&task) {
            return Err(Error::Config(format!(
                "model '{}' does not do {task}; for {task} use one of: {}",
                info.name,
                names(|m| m.tasks.contains(&task))
            )));
        }
        let name = spec.name();
        if models.iter().any(|m| m.name() == name) {
            return Err(Error::Config(format!("model '{name}' is given twice")));
        }
        models.push(build(
            &resolve(spec, info)?,
            info.name,
            name,
            task,
            n_classes,
            exact_linfa,
        )?);
    }
    if models.is_empty() {
        return Err(Error::Config(format!(
            "no model given; pass --model NAME with one of: {}",
            names(|m| m.tasks.contains(&task))
        )));
    }
    Ok(models)
}

fn depth(p: &Params) -> Result<Option<usize>> {
    Ok(Some(p.usize("max_depth")?).filter(|&d| d > 0))
}

fn build(
    p: &Params,
    kind: &str,
    name: String,
    task: Task,
    n_classes: usize,
    exact_linfa: bool,
) -> Result<Box<dyn Model>> {
    let elastic = |l1_ratio: f64| -> Result<Box<dyn Model>> {
        Ok(Box::new(ElasticNetModel {
            name: name.clone(),
            alpha: p.f64("alpha")?,
            l1_ratio,
            tolerance: p.positive("tol")?,
            max_iterations: p.usize("max_iter")? as u32,
        }))
    };
    let width = || -> Result<Option<f64>> {
        Ok(if p.choice("width", &["scale"]).is_ok() {
            None
        } else {
            Some(p.positive("width")?)
        })
    };
    Ok(match kind {
        "ols" => Box::new(LeastSquaresModel { name, alpha: 0.0 }),
        "ridge" => Box::new(LeastSquaresModel {
            name,
            alpha: p.non_negative("alpha")?,
        }),
        "lasso" => elastic(1.0)?,
        "elasticnet" => elastic(p.f64("l1_ratio")?)?,
        "tweedie" => {
            let (power, alpha, iterations) =
                (p.f64("power")?, p.f64("alpha")?, p.usize("max_iter")?);
            Box::new(Regressor::<_, LinearError<f64>>::new(name, move |_| {
                TweedieRegressor::params()
                    .power(power)
                    .alpha(alpha)
                    .max_iter(iterations)
            }))
        }
        "logistic" => Box::new(LogisticModel {
            name,
            alpha: p.f64("alpha")?,
            max_iterations: p.usize("max_iter")? as u64,
            newton: !exact_linfa,
            start: Default::default(),
        }),
        "tree" => {
            let (max_depth, split, leaf) = (
                depth(p)?,
                p.positive("min_weight_split")? as f32,
                p.positive("min_weight_leaf")? as f32,
            );
            let quality = match p.choice("criterion", &["gini", "entropy"])? {
                "gini" => SplitQuality::Gini,
                _ => SplitQuality::Entropy,
            };
            Box::new(Classifier::<_, linfa::Error>::new(name, move |_| {
                DecisionTree::<f64, usize>::params()
                    .max_depth(max_depth)
                    .min_weight_split(split)
                    .min_weight_leaf(leaf)
                    .split_quality(quality)
            }))
        }
        "forest" => Box::new(ForestModel {
            name,
            trees: p.usize("trees")?.max(1),
            max_depth: depth(p)?,
            bootstrap: p.positive("bootstrap")?,
            feature_fraction: p.positive("feature_fraction")?,
        }),
        "naive_bayes" => Box::new(NaiveBayesModel {
            name,
            var_smoothing: p.positive("var_smoothing")?,
        }),
        "svm" => {
            let linear = p.choice("kernel", &["gaussian", "linear"])? == "linear";
            match task {
                Task::Regression => Box::new(SvrModel { name, c: p.positive("c")?, epsilon: p.f64("epsilon")?, width: width()?, linear }),
                Task::Classification if n_classes == 2 => Box::new(SvcModel { name, c: p.positive("c")?, width: width()?, linear }),
                Task::Classification => {
                    return Err(Error::Config(format!(
                        "svm classifies two classes only (linfa-svm 0.8.1), but the target has {n_classes}; use logistic, tree, forest or naive_bayes"
                    )))
                }
            }
        }
        other => unreachable!("{other} is in CATALOGUE but not built"),
    })
}
