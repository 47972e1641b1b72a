//! The models the command line knows by name, their tasks and parameters with defaults.

use super::boosting::{BoostingModel, BoostingSettings};
use super::cart::{Criterion, MaxFeatures};
use super::classifiers::{LogisticModel, SvcModel};
use super::glm::Solver;
use super::knn::KnnModel;
use super::naive_bayes::NaiveBayesModel;
use super::params::{ModelSpec, Params};
use super::regressors::{ElasticNetModel, LeastSquaresModel, SvrModel, TweedieModel};
use super::trees::{ForestModel, TreeModel, TreeSettings};
use super::Model;
use crate::data::Task;
use crate::{Error, Result};
use std::collections::BTreeMap;
use std::sync::Arc;

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
const CD: [(&str, &str, &str); 2] = [
    (
        "tol",
        "1e-4",
        "stop when the duality gap < tol·||y - mean(y)||^2",
    ),
    (
        "max_iter",
        "1000",
        "coordinate-descent sweeps; stopping here unconverged is flagged in the records",
    ),
];
const TREE: [(&str, &str, &str); 4] = [
    (
        "criterion",
        "auto",
        "gini or entropy (classes), squared_error (values); auto = gini / squared_error",
    ),
    ("max_depth", "0", "largest depth, 0 = unlimited"),
    ("min_samples_split", "2", "rows a node needs to be split"),
    ("min_samples_leaf", "1", "rows each leaf keeps"),
];
const NEWTON: [(&str, &str, &str); 2] = [
    (
        "tol",
        "1e-10",
        "Newton gradient tolerance (per-row objective, standardised features)",
    ),
    (
        "max_iter",
        "100",
        "Newton steps; stopping here unconverged is flagged in the records",
    ),
];

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
        about: "L1-penalised least squares by coordinate descent, scikit-learn's Lasso (Gram form when rows ≥ features)",
        params: &[
            ("alpha", "1", "penalty per row: (1/2n)·||y - Xw||^2 + alpha·||w||_1"),
            CD[0],
            CD[1],
        ],
    },
    ModelInfo {
        name: "elasticnet",
        tasks: REG,
        stochastic: false,
        about: "L1+L2-penalised least squares by coordinate descent, scikit-learn's ElasticNet (Gram form when rows ≥ features)",
        params: &[
            ("alpha", "1", "overall penalty per row, scikit-learn's scale"),
            ("l1_ratio", "0.5", "share of L1 in the penalty"),
            CD[0],
            CD[1],
        ],
    },
    ModelInfo {
        name: "tweedie",
        tasks: REG,
        stochastic: false,
        about: "GLM with Tweedie deviance, identity link for power 0, log link otherwise (Newton to the optimum)",
        params: &[
            (
                "power",
                "0",
                "0 normal, 1 Poisson, (1,2) compound, 2 gamma, 3 inverse Gaussian",
            ),
            (
                "alpha",
                "1",
                "L2 penalty per row, scikit-learn's scale: (1/2n)·deviance + alpha/2·||w||^2",
            ),
            NEWTON[0],
            NEWTON[1],
        ],
    },
    ModelInfo {
        name: "logistic",
        tasks: CLS,
        stochastic: false,
        about: "L2-penalised logistic regression, binary or multinomial, Newton to the optimum",
        params: &[
            (
                "alpha",
                "1",
                "L2 penalty on the summed log loss, = 1/C of scikit-learn",
            ),
            NEWTON[0],
            NEWTON[1],
        ],
    },
    ModelInfo {
        name: "tree",
        tasks: BOTH,
        stochastic: false,
        about: "CART decision tree, every distinct threshold considered (scikit-learn's DecisionTree*)",
        params: &[TREE[0], TREE[1], TREE[2], TREE[3]],
    },
    ModelInfo {
        name: "forest",
        tasks: BOTH,
        stochastic: true,
        about: "random forest, features drawn per split, seeded by the model seed (scikit-learn's RandomForest*)",
        params: &[
            ("trees", "100", "number of trees"),
            TREE[0],
            TREE[1],
            TREE[2],
            TREE[3],
            (
                "max_features",
                "auto",
                "features per split: sqrt, log2, all, a share in (0,1) or a count; auto = sqrt (classes), all (values)",
            ),
            (
                "bootstrap",
                "1",
                "rows drawn with replacement per tree, share of the training rows; 0 = no bootstrap",
            ),
        ],
    },
    ModelInfo {
        name: "boosting",
        tasks: BOTH,
        stochastic: false,
        about: "gradient-boosted trees on binned features, squared error or log loss, no early stopping (scikit-learn's HistGradientBoosting*)",
        params: &[
            ("rounds", "100", "boosting rounds (scikit-learn's max_iter)"),
            ("learning_rate", "0.1", "shrinkage of each tree's values"),
            ("max_leaf_nodes", "31", "leaves per tree, grown best-first"),
            ("max_depth", "0", "largest depth, 0 = unlimited"),
            ("min_samples_leaf", "20", "rows each leaf keeps"),
            ("l2", "0", "L2 penalty on leaf values (scikit-learn's l2_regularization)"),
            ("max_bins", "255", "bins per feature, 2 to 255"),
        ],
    },
    ModelInfo {
        name: "knn",
        tasks: BOTH,
        stochastic: false,
        about: "k-nearest neighbours, Euclidean, uniform weights, exhaustive search (scikit-learn's KNeighbors*)",
        params: &[("k", "5", "neighbours (scikit-learn's n_neighbors)")],
    },
    ModelInfo {
        name: "naive_bayes",
        tasks: CLS,
        stochastic: false,
        about: "Gaussian naive Bayes, log-sum-exp normalised (scikit-learn's GaussianNB)",
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
        about: "support vector machine: classifier (one-vs-one beyond two classes) or epsilon-regressor, solved as libsvm solves them",
        params: &[
            ("c", "1", "penalty on margin violations (scikit-learn's C)"),
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

/// Build the models `specs` name for a target of `task`. Unknown
/// models or parameters and models that do not fit the task are errors listing what exists.
/// With `exact_linfa`, models fit through linfa only, without seedfold's fast paths.
pub fn build_models(
    specs: &[ModelSpec],
    task: Task,
    exact_linfa: bool,
) -> Result<Vec<Arc<dyn Model>>> {
    let mut models: Vec<Arc<dyn Model>> = Vec::new();
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
        models.push(Arc::from(build(
            &resolve(spec, info)?,
            info.name,
            name,
            task,
            exact_linfa,
        )?));
    }
    if models.is_empty() {
        return Err(Error::Config(format!(
            "no model given; pass --model NAME with one of: {}",
            names(|m| m.tasks.contains(&task))
        )));
    }
    Ok(models)
}

fn solver(p: &Params) -> Result<Solver> {
    Ok(Solver {
        tolerance: p.positive("tol")?,
        max_iterations: p.at_least("max_iter", 1)?,
    })
}

/// The tree parameters shared by `tree` and `forest`, with the criterion checked against the task.
fn tree_settings(
    p: &Params,
    task: Task,
    max_features: Option<MaxFeatures>,
) -> Result<TreeSettings> {
    let criterion = match (
        task,
        p.choice("criterion", &["auto", "gini", "entropy", "squared_error"])?,
    ) {
        (_, "auto") => None,
        (Task::Classification, "gini") => Some(Criterion::Gini),
        (Task::Classification, "entropy") => Some(Criterion::Entropy),
        (Task::Regression, "squared_error") => Some(Criterion::SquaredError),
        (task, other) => {
            return Err(Error::Config(format!(
                "criterion {other} does not do {task}; use {}",
                match task {
                    Task::Classification => "gini or entropy",
                    Task::Regression => "squared_error",
                }
            )))
        }
    };
    Ok(TreeSettings {
        criterion,
        max_depth: Some(p.usize("max_depth")?).filter(|&d| d > 0),
        min_samples_split: p.at_least("min_samples_split", 2)?,
        min_samples_leaf: p.at_least("min_samples_leaf", 1)?,
        max_features,
    })
}

/// `max_features`: a name, a share in (0, 1), or a whole count ≥ 1; `None` for `auto`.
fn max_features(p: &Params) -> Result<Option<MaxFeatures>> {
    if let Ok(name) = p.choice("max_features", &["auto", "sqrt", "log2", "all"]) {
        return Ok(match name {
            "sqrt" => Some(MaxFeatures::Sqrt),
            "log2" => Some(MaxFeatures::Log2),
            "all" => Some(MaxFeatures::All),
            _ => None,
        });
    }
    let v = p.positive("max_features")?;
    Ok(Some(if v < 1.0 {
        MaxFeatures::Share(v)
    } else if v.fract() == 0.0 {
        MaxFeatures::Count(v as usize)
    } else {
        return Err(Error::Config(format!(
            "max_features {v} is neither a share in (0, 1) nor a whole count; use e.g. 0.3 or 5"
        )));
    }))
}

fn build(
    p: &Params,
    kind: &str,
    name: String,
    task: Task,
    exact_linfa: bool,
) -> Result<Box<dyn Model>> {
    let elastic = |l1_ratio: f64| -> Result<Box<dyn Model>> {
        Ok(Box::new(ElasticNetModel {
            name: name.clone(),
            alpha: p.non_negative("alpha")?,
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
        "elasticnet" => elastic(p.between("l1_ratio", 0.0, 1.0)?)?,
        "tweedie" => Box::new(TweedieModel {
            name,
            power: p.f64("power")?,
            alpha: p.non_negative("alpha")?,
            solver: solver(p)?,
        }),
        "logistic" => Box::new(LogisticModel {
            name,
            alpha: p.positive("alpha")?,
            max_iterations: p.at_least("max_iter", 1)? as u64,
            tolerance: p.positive("tol")?,
            newton: !exact_linfa,
            start: Default::default(),
        }),
        "tree" => Box::new(TreeModel {
            name,
            task,
            settings: tree_settings(p, task, None)?,
        }),
        "forest" => Box::new(ForestModel {
            name,
            task,
            settings: tree_settings(p, task, max_features(p)?)?,
            trees: p.at_least("trees", 1)?,
            bootstrap: p.non_negative("bootstrap")?,
        }),
        "boosting" => Box::new(BoostingModel {
            name,
            task,
            settings: BoostingSettings {
                rounds: p.at_least("rounds", 1)?,
                learning_rate: p.positive("learning_rate")?,
                max_leaf_nodes: p.at_least("max_leaf_nodes", 2)?,
                max_depth: Some(p.usize("max_depth")?).filter(|&d| d > 0),
                min_samples_leaf: p.at_least("min_samples_leaf", 1)?,
                l2: p.non_negative("l2")?,
                max_bins: p.within("max_bins", 2, 255)?,
            },
        }),
        "knn" => Box::new(KnnModel {
            name,
            task,
            k: p.at_least("k", 1)?,
        }),
        "naive_bayes" => Box::new(NaiveBayesModel {
            name,
            var_smoothing: p.non_negative("var_smoothing")?,
        }),
        "svm" => {
            let linear = p.choice("kernel", &["gaussian", "linear"])? == "linear";
            match task {
                Task::Regression => Box::new(SvrModel {
                    name,
                    c: p.positive("c")?,
                    epsilon: p.non_negative("epsilon")?,
                    width: width()?,
                    linear,
                }),
                Task::Classification => Box::new(SvcModel {
                    name,
                    c: p.positive("c")?,
                    width: width()?,
                    linear,
                }),
            }
        }
        other => unreachable!("{other} is in CATALOGUE but not built"),
    })
}
