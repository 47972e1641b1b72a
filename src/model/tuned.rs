//! Tuned models: a catalogue grid such as `ridge:alpha=0.01|1|100` turned into one model,
//! `ridge(tuned)`, whose every outer fit first picks a grid point by an inner cross-validation
//! on the outer training rows only, then refits that point on them (nested cross-validation:
//! Varma & Simon 2006; scikit-learn's `GridSearchCV` inside `cross_validate`). Picking the best
//! of several models evaluated as separate models is optimistic; the tuned model's outer score
//! is not, because its test rows never took part in the choice.
//!
//! This module holds what a tuned model is (its candidates and how it chooses); the inner
//! cross-validation runs in the runner, which has the table, so that preprocessing is fitted on
//! each inner training fold alone.

use super::{catalogue, Fitted, FoldData, Model, ModelSpec};
use crate::data::Task;
use crate::metric::Metric;
use crate::{Error, Result};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// How the inner cross-validation picks a grid point.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum TuneRule {
    /// The best inner mean (scikit-learn's `GridSearchCV`; the first in grid order on ties).
    #[default]
    Best,
    /// The simplest point whose inner mean is within one standard error of the best (Breiman
    /// et al. 1984, §3.4.3; Hastie, Tibshirani & Friedman 2009, §7.10).
    OneSe,
}

/// One tuned model as written: the grid, and how it is tuned.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TuneSpec {
    /// A catalogue grid, e.g. `ridge:alpha=0.01|1|100`.
    pub model: String,
    /// Best inner mean or the one-standard-error rule.
    #[serde(default)]
    pub rule: TuneRule,
    /// Inner folds (k-fold, stratified for classes, on the outer training rows).
    #[serde(default = "default_inner_folds")]
    pub folds: usize,
    /// The metric the inner cross-validation compares on (default: the run's first).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metric: Option<String>,
}

fn default_inner_folds() -> usize {
    5
}

/// A tuned model: its grid's candidates and the rule that picks among them.
pub struct Tuned {
    name: String,
    task: Task,
    candidates: Vec<Arc<dyn Model>>,
    /// Per candidate, the value of the one varied parameter (the one-SE rule's order).
    values: Vec<f64>,
    larger_is_simpler: Option<bool>,
    /// The rule.
    pub rule: TuneRule,
    /// Inner folds.
    pub folds: usize,
    /// The inner comparison's metric.
    pub metric: Metric,
}

impl Tuned {
    /// A tuned model from `spec` for `task`, comparing on `metric` unless the spec names one.
    pub fn new(spec: &TuneSpec, task: Task, metric: Metric, exact_linfa: bool) -> Result<Tuned> {
        let specs = ModelSpec::parse(&spec.model)?;
        if specs.len() < 2 {
            return Err(Error::Config(format!(
                "--tune '{}' is a single model; give a grid to choose from, e.g. ridge:alpha=0.01|1|100",
                spec.model
            )));
        }
        if spec.folds < 2 {
            return Err(Error::Config(format!(
                "a tuned model's inner cross-validation needs at least 2 folds, got {}",
                spec.folds
            )));
        }
        let metric = match &spec.metric {
            Some(name) => name.parse()?,
            None => metric,
        };
        let candidates = catalogue::build_models(&specs, task, exact_linfa)?;
        if metric.needs_probabilities() && !candidates.iter().all(|c| c.gives_probabilities()) {
            return Err(Error::Config(format!(
                "the tuning metric '{metric}' needs probabilities, which {} does not give; pick another with --tune-metric",
                specs[0].kind
            )));
        }
        // the one varied parameter, for the one-SE rule's order of simplicity
        let varied: Vec<usize> = (0..specs[0].params.len())
            .filter(|&i| specs.iter().any(|s| s.params[i].1 != specs[0].params[i].1))
            .collect();
        let (values, larger_is_simpler) = match varied.as_slice() {
            [i] => {
                let values: Option<Vec<f64>> =
                    specs.iter().map(|s| s.params[*i].1.parse().ok()).collect();
                let key = &specs[0].params[*i].0;
                (
                    values.unwrap_or_default(),
                    super::larger_is_simpler(&specs[0].kind, key),
                )
            }
            _ => (Vec::new(), None),
        };
        if spec.rule == TuneRule::OneSe && (values.is_empty() || larger_is_simpler.is_none()) {
            return Err(Error::Config(format!(
                "the one-SE rule needs a grid over one numeric parameter whose simpler direction seedfold knows (e.g. ridge's alpha); '{}' is not one: use --tune-rule best",
                spec.model
            )));
        }
        Ok(Tuned {
            name: format!("{}(tuned)", specs[0].kind),
            task,
            candidates,
            values,
            larger_is_simpler,
            rule: spec.rule,
            folds: spec.folds,
            metric,
        })
    }

    /// The grid's models, in grid order.
    pub fn candidates(&self) -> &[Arc<dyn Model>] {
        &self.candidates
    }

    /// The candidate the rule picks from each candidate's inner fold scores (`None` when
    /// every candidate failed on some inner fold).
    pub fn choose(&self, scores: &[Option<Vec<f64>>]) -> Option<usize> {
        let better = |a: f64, b: f64| {
            if self.metric.higher_is_better() {
                a > b
            } else {
                a < b
            }
        };
        let means: Vec<Option<f64>> = scores
            .iter()
            .map(|s| s.as_ref().map(|v| v.iter().sum::<f64>() / v.len() as f64))
            .collect();
        let best = (0..means.len()).filter(|&i| means[i].is_some()).fold(
            None,
            |best: Option<usize>, i| match best {
                Some(b) if !better(means[i]?, means[b]?) => Some(b),
                _ => Some(i),
            },
        )?;
        if self.rule == TuneRule::Best {
            return Some(best);
        }
        // one standard error of the best point's inner mean: sd of its fold scores / √k
        let folds = scores[best].as_ref()?;
        let se = crate::stats::std_dev(folds).unwrap_or(0.0) / (folds.len() as f64).sqrt();
        let bound = means[best]?
            + if self.metric.higher_is_better() {
                -se
            } else {
                se
            };
        let larger = self.larger_is_simpler?;
        (0..means.len())
            .filter(|&i| means[i].is_some_and(|m| !better(bound, m)))
            .max_by(|&a, &b| {
                let order = self.values[a].total_cmp(&self.values[b]);
                if larger {
                    order
                } else {
                    order.reverse()
                }
            })
    }
}

impl Model for Tuned {
    fn name(&self) -> &str {
        &self.name
    }
    fn task(&self) -> Task {
        self.task
    }
    fn is_stochastic(&self) -> bool {
        self.candidates.iter().any(|c| c.is_stochastic())
    }
    fn gives_probabilities(&self) -> bool {
        self.candidates.iter().all(|c| c.gives_probabilities())
    }
    fn tuned(&self) -> Option<&Tuned> {
        Some(self)
    }
    fn fit_predict(
        &self,
        _data: &FoldData,
        _rng: ChaCha8Rng,
    ) -> std::result::Result<Fitted, String> {
        Err(format!(
            "{} is tuned on the table's rows by seedfold's runner (the inner folds need the raw rows); run it through a RunPlan",
            self.name
        ))
    }
}
