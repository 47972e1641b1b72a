//! Statistics: pure functions over fold scores. No I/O, no printing, no panics on any input;
//! a statistic that needs more data than it has is [`Maybe::Absent`] with the reason.
//! Each function names the source of its formula.

mod analysis;
mod anova;
mod aso;
mod benchmark;
mod bootstrap;
mod budget;
mod decision;
mod dist;
mod effect;
mod hardness;
mod learning_curve;
mod ncv;
mod paired;
mod permutation;
mod scores;
mod seed_effect;
mod seeds;
mod selection;
mod settle;
mod summary;
mod wilcoxon;

pub use analysis::{analyse, analyse_scores, Analysis, Unscored, MAX_ALL_PAIRS};
pub use anova::{nested_components, one_way, NestedComponents, OneWay};
pub use aso::{aso, violation_ratio, Aso};
pub use benchmark::{
    benchmark, signed_rank, Benchmark, Friedman, ImanDavenport, Nemenyi, RankPair, SignedRank,
    SignedRankOptions,
};
pub use bootstrap::{bca_interval, bootstrap_mean, bootstrap_means, Bootstrap};
pub use budget::{model_seeds_for, seed_budget, SeedBudget, MAX_MODEL_SEEDS};
pub use decision::{decide, holm, Decision, POSTERIOR};
pub use effect::{effect_size, EffectSize};
pub use hardness::{Hardness, RowHardness, NEARLY_ALWAYS};
pub use learning_curve::{learning_curve, CurvePoint, LastStep};
pub use ncv::{ncv_interval, NcvInterval, NestedRep};
pub use paired::{
    bayesian_correlated, corrected_t, five_by_two, probability_of_beating, sign_test, wilson,
    Bayesian, CorrectedT, FiveByTwo, Share, SignTest,
};
pub use permutation::{permutation_test, PermutationTest};
pub use scores::{group_scores, ScoreBook, Scores, ScoresBuilder};
pub use seed_effect::{seed_effect, Component, SeedEffect, Shares, DETERMINISTIC};
pub use seeds::{
    corrected_interval, quantile, running_interval, seeds_for_halfwidth, t_interval, RunningPoint,
};
pub use selection::{GridPoint, Selection, TunedPoint, Tuning};
pub use settle::{settle, Settle};
pub use summary::{
    compare, paired_seeds, rank, summarize, Comparison, Limit, LimitingFactor, Options, PairedSeed,
    Ranking, Rope, Summary,
};
pub use wilcoxon::{wilcoxon, Wilcoxon};

use serde::{Deserialize, Serialize};

/// A statistic, or the reason it does not exist for these data (never a silent NaN).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Maybe<T> {
    /// The value.
    Value(T),
    /// Why there is no value.
    Absent {
        /// The reason, e.g. "needs at least 2 seeds".
        absent: String,
    },
}

impl<T> Maybe<T> {
    /// Absent, with `reason`.
    pub fn absent(reason: impl Into<String>) -> Self {
        Maybe::Absent {
            absent: reason.into(),
        }
    }

    /// The value, if present.
    pub fn value(&self) -> Option<&T> {
        match self {
            Maybe::Value(v) => Some(v),
            Maybe::Absent { .. } => None,
        }
    }

    /// Why the value is absent, if it is.
    pub fn reason(&self) -> Option<&str> {
        match self {
            Maybe::Value(_) => None,
            Maybe::Absent { absent } => Some(absent),
        }
    }

    /// The value passed through `f`, or the same reason for its absence.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Maybe<U> {
        match self {
            Maybe::Value(v) => Maybe::Value(f(v)),
            Maybe::Absent { absent } => Maybe::Absent { absent },
        }
    }
}

/// What the statistics need to know of a metric.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Scale {
    /// Direction.
    pub higher_is_better: bool,
    /// The values it can take (intervals are clipped to them); infinite where unbounded.
    pub range: (f64, f64),
    /// Whether its values are shares or correlations, for which a difference of 0.01 means
    /// the same on any data (the default ROPE is then ±0.01, else ±1 % of the scores' size).
    pub unitless: bool,
}

impl Scale {
    /// An unknown metric of direction `higher_is_better`: unbounded, with units.
    pub fn unknown(higher_is_better: bool) -> Scale {
        Scale {
            higher_is_better,
            range: (f64::NEG_INFINITY, f64::INFINITY),
            unitless: false,
        }
    }
}

/// A confidence interval.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Interval {
    /// Coverage, e.g. 0.95.
    pub level: f64,
    /// Lower end.
    pub lower: f64,
    /// Upper end.
    pub upper: f64,
    /// How it was computed.
    pub method: String,
}

impl Interval {
    /// The interval with its ends moved into `range` (a score cannot leave its range, however
    /// wide the uncertainty).
    pub fn clipped(mut self, range: (f64, f64)) -> Interval {
        self.lower = self.lower.clamp(range.0, range.1);
        self.upper = self.upper.clamp(range.0, range.1);
        self
    }
}

/// Why a statistic of very large (or non-finite) scores is absent instead of NaN.
pub(crate) const TOO_LARGE: &str =
    "the scores are too large to compute with (their variance overflows) or not finite";

/// Arithmetic mean; `None` for no values.
pub fn mean(x: &[f64]) -> Option<f64> {
    (!x.is_empty()).then(|| x.iter().sum::<f64>() / x.len() as f64)
}

/// Sample variance with ddof = 1 (two-pass); `None` for fewer than two values.
pub fn variance(x: &[f64]) -> Option<f64> {
    let m = mean(x)?;
    (x.len() >= 2).then(|| x.iter().map(|v| (v - m).powi(2)).sum::<f64>() / (x.len() - 1) as f64)
}

/// Sample standard deviation (ddof = 1).
pub fn std_dev(x: &[f64]) -> Option<f64> {
    variance(x).map(f64::sqrt)
}
