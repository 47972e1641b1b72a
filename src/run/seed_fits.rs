//! Least-squares fits done for a whole split seed at once, before its fold tasks: the Gram
//! path's two passes over the rows serve every fold and every `ols`/`ridge` of the plan
//! ([`GramSystem::fit_predict_folds`]), where fold by fold each fold gathers its own rows.

use super::{gram_scales, RunPlan};
use crate::data::Target;
use crate::model::least_squares::{FoldRows, GramSystem, LeftOut};
use crate::split::Fold;
use std::time::Instant;

/// One split seed's least-squares predictions, per model of the plan and fold.
pub(super) struct SeedFits {
    /// Per model: `None` for a model not fitted here; per fold, its test rows' predictions, or
    /// `None` where the fold's system is ill-conditioned (the model's own fit then runs).
    by_model: Vec<Option<Vec<Option<Vec<f64>>>>>,
    /// Each fit's share of the time the passes and solves took, in seconds.
    seconds: f64,
}

impl SeedFits {
    /// The split seed's fits for `plan` with `folds` (training on the whole of each fold's
    /// training rows), when its folds and models allow: untuned least-squares models, folds
    /// that each leave out exactly their test rows ([`LeftOut`]). `parts`: how many threads
    /// may share the seed's work.
    pub(super) fn of(
        plan: &RunPlan,
        gram: &GramSystem,
        folds: &[Fold],
        parts: usize,
    ) -> Option<SeedFits> {
        let Target::Regression(y) = &plan.table.y else {
            return None;
        };
        // per model: its penalty when it is fitted here
        let penalties: Vec<Option<f64>> = plan
            .models
            .iter()
            .map(|m| {
                m.tuned()
                    .is_none()
                    .then(|| m.least_squares_penalty())
                    .flatten()
            })
            .collect();
        let alphas: Vec<f64> = penalties.iter().flatten().copied().collect();
        if alphas.is_empty() {
            return None;
        }
        let pairs: Vec<FoldRows> = folds
            .iter()
            .map(|f| (f.train.as_slice(), f.test.as_slice()))
            .collect();
        let left_out = LeftOut::of(&pairs, plan.table.n_rows())?;
        let started = Instant::now();
        let table = plan.table;
        let scales: Option<Vec<Vec<f64>>> = folds
            .iter()
            .map(|fold| gram_scales(table, &fold.train))
            .collect();
        let mut predicted = gram
            .fit_predict_folds(
                &table.x,
                y.view(),
                &pairs,
                &left_out,
                &alphas,
                scales.as_deref(),
                parts,
            )
            .into_iter();
        let by_model = penalties
            .iter()
            .map(|alpha| alpha.and_then(|_| predicted.next()))
            .collect();
        let fits = alphas.len() * folds.len();
        Some(SeedFits {
            by_model,
            seconds: started.elapsed().as_secs_f64() / fits as f64,
        })
    }

    /// Model `model`'s predictions on fold `fold` (`None` inside when its system was
    /// ill-conditioned) and the fit's share of the time, if it was fitted here.
    pub(super) fn get(&self, model: usize, fold: usize) -> Option<(Option<Vec<f64>>, f64)> {
        let per_fold = self.by_model[model].as_ref()?;
        Some((per_fold[fold].clone(), self.seconds))
    }
}
