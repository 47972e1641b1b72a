//! How to spend a budget of compute between split seeds and model seeds.
//!
//! The mean over S split seeds with M model seeds each has variance σ²_split / S +
//! σ²_model / (S·M) (each run's finite-data error is shared by every seed and cannot be
//! averaged away). A split seed costs c_split once (drawing and gathering its folds, shared by
//! its model seeds) plus c_model per model seed (fitting every fold). For a fixed total cost
//! S·(c_split + M·c_model), the variance is smallest at
//! M* = √(c_split σ²_model / (c_model σ²_split)) = (σ_model / σ_split) · √(c_split / c_model):
//! the optimum subsample size of two-stage sampling (Cochran, *Sampling Techniques*, 3rd ed.,
//! 1977, ch. 10). The ratio of the spreads is a property of the scores, reproducible to the
//! bit ([`seed_budget`]); the costs are timings, so the M* they give ([`model_seeds_for`]) is
//! kept apart from the report, in the run's manifest.

use super::{Maybe, SeedEffect};
use serde::{Deserialize, Serialize};

/// The most model seeds per split seed the advice names.
pub const MAX_MODEL_SEEDS: usize = 100;

/// The scores' side of the advice for one model and metric.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SeedBudget {
    /// σ_model / σ_split: M* is this times √(c_split / c_model).
    pub sd_ratio: f64,
}

/// The ratio of the model seed's spread to the split seed's, or why there is none (the
/// model-seed variance was not measured, or the split seed does not move the score).
pub fn seed_budget(effect: &SeedEffect) -> Maybe<SeedBudget> {
    if effect.model_seed.absent.is_some() || effect.n_model_seeds < 2 {
        return Maybe::absent(
            "the model-seed variance was not measured (one model seed): run a random model with --model-seeds 2 or more",
        );
    }
    if effect.split_seed.sd <= 0.0 {
        return Maybe::absent(
            "the split seed does not move the score: spend a budget on model seeds",
        );
    }
    Maybe::Value(SeedBudget {
        sd_ratio: effect.model_seed.sd / effect.split_seed.sd,
    })
}

/// M* for costs `split_seconds` (c_split) and `model_seconds` (c_model): unrounded, and
/// rounded within 1 … [`MAX_MODEL_SEEDS`].
pub fn model_seeds_for(
    budget: &SeedBudget,
    split_seconds: f64,
    model_seconds: f64,
) -> (f64, usize) {
    let optimum = budget.sd_ratio * (split_seconds / model_seconds).sqrt();
    let rounded = if optimum.is_nan() {
        1.0
    } else {
        optimum.round()
    };
    (optimum, rounded.clamp(1.0, MAX_MODEL_SEEDS as f64) as usize)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::{Component, Shares};

    fn effect(split: f64, model: f64, model_seeds: usize) -> SeedEffect {
        let c = |v: f64| Component {
            variance: v,
            sd: v.sqrt(),
            absent: None,
        };
        SeedEffect {
            split_seed: c(split),
            model_seed: c(model),
            data: c(1.0),
            share: Shares {
                split_seed: 0.0,
                model_seed: 0.0,
                data: 1.0,
            },
            n_split_seeds: 10,
            n_model_seeds: model_seeds,
            n_folds: 5,
            n_incomplete_runs: 0,
        }
    }

    #[test]
    fn the_optimum_is_cochrans_square_root() {
        // σ²_model 9 × σ²_split, c_split 4 s, c_model 1 s: M* = √(4 · 9) = 6
        let b = seed_budget(&effect(1.0, 9.0, 3));
        let b = b.value().unwrap();
        assert!((b.sd_ratio - 3.0).abs() < 1e-12);
        let (optimum, m) = model_seeds_for(b, 4.0, 1.0);
        assert!((optimum - 6.0).abs() < 1e-12);
        assert_eq!(m, 6);
        // cheap split seeds: one model seed each
        assert_eq!(model_seeds_for(b, 0.0001, 1.0).1, 1);
        // dear split seeds: capped
        assert_eq!(model_seeds_for(b, 1e6, 1.0).1, MAX_MODEL_SEEDS);
    }

    #[test]
    fn no_ratio_without_a_measured_model_seed_variance_or_a_split_spread() {
        assert!(seed_budget(&effect(1.0, 1.0, 1)).value().is_none());
        assert!(seed_budget(&effect(0.0, 1.0, 3)).value().is_none());
    }
}
