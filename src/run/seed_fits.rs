//! Least-squares fits done for a batch of split seeds at once, before their fold tasks: the
//! Gram path's two passes over the rows serve every fold of a few seeds and every
//! `ols`/`ridge` of the plan ([`GramSystem::fit_predict_seeds`]), where fold by fold each fold
//! gathers its own rows.

use super::{gram_scales, RunPlan};
use crate::data::Target;
use crate::model::least_squares::{FoldRows, GramSystem, LeftOut, SeedFolds, SeedPredictions};
use crate::split::Fold;
use rayon::prelude::*;
use std::time::Instant;

/// Split seeds sharing one pair of passes at most: each row is read and standardised once
/// for all of them, while their folds' tiles still fit in the core's cache.
const SEEDS_PER_PASS: usize = 4;

/// The folds' sums one pass holds at most, in bytes: seeds of a wide table share fewer passes.
const PASS_SUMS_BYTES: usize = 4 << 20;

/// One split seed's least-squares predictions, per model of the plan and fold.
pub(super) struct SeedFits {
    /// Per model: `None` for a model not fitted here; per fold, its test rows' predictions, or
    /// `None` where the fold's system is ill-conditioned (the model's own fit then runs).
    by_model: Vec<Option<Vec<Option<Vec<f64>>>>>,
    /// Each fit's share of the time the passes and solves took, in seconds.
    seconds: f64,
}

impl SeedFits {
    /// Each seed's fits for `plan` with its folds (training on the whole of each fold's
    /// training rows), when its folds and the models allow: untuned least-squares models,
    /// folds that each leave out exactly their test rows ([`LeftOut`]). `threads`: how many
    /// threads share the work.
    pub(super) fn of_seeds(
        plan: &RunPlan,
        gram: &GramSystem,
        batch: &[(u64, Vec<Fold>)],
        threads: usize,
    ) -> Vec<Option<SeedFits>> {
        let none = || batch.iter().map(|_| None).collect();
        let Target::Regression(y) = &plan.table.y else {
            return none();
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
            return none();
        }
        let table = plan.table;
        // per seed: its folds, the rows they leave out (if the passes may take them), and
        // their scales
        let prepared: Vec<_> = batch
            .par_iter()
            .map(|(_, folds)| {
                let pairs: Vec<FoldRows> = folds
                    .iter()
                    .map(|f| (f.train.as_slice(), f.test.as_slice()))
                    .collect();
                let left_out = LeftOut::of(&pairs, table.n_rows());
                let scales: Option<Vec<Vec<f64>>> = left_out.as_ref().and_then(|_| {
                    let scales = folds.iter().map(|fold| gram_scales(table, &fold.train));
                    scales.collect()
                });
                (pairs, left_out, scales)
            })
            .collect();
        let seeds: Vec<(usize, SeedFolds)> = prepared
            .iter()
            .enumerate()
            .filter_map(|(s, (folds, left_out, scales))| {
                let seed = SeedFolds {
                    folds,
                    left_out: left_out.as_ref()?,
                    scales: scales.as_deref(),
                };
                Some((s, seed))
            })
            .collect();
        // the seeds shared between the threads a few at a time, the threads left over sharing
        // each few's work
        let width = table.x.ncols() + 2;
        let seed_bytes = plan.splitter.fold_count() * width * width * std::mem::size_of::<f64>();
        let most = SEEDS_PER_PASS
            .min(PASS_SUMS_BYTES / seed_bytes.max(1))
            .max(1);
        let per_pass = seeds.len().div_ceil(threads).clamp(1, most);
        let parts = threads.div_ceil(seeds.len().div_ceil(per_pass).max(1));
        let passes: Vec<Vec<(usize, SeedFits)>> = seeds
            .par_chunks(per_pass)
            .map(|few| {
                let started = Instant::now();
                let folds: Vec<SeedFolds> = few.iter().map(|(_, seed)| *seed).collect();
                let predicted = gram.fit_predict_seeds(&table.x, y.view(), &folds, &alphas, parts);
                let fits: usize = folds
                    .iter()
                    .map(|seed| alphas.len() * seed.folds.len())
                    .sum();
                let seconds = started.elapsed().as_secs_f64() / fits as f64;
                let seeds = few.iter().map(|(s, _)| *s);
                seeds
                    .zip(predicted)
                    .map(|(s, predicted)| (s, SeedFits::new(&penalties, predicted, seconds)))
                    .collect()
            })
            .collect();
        let mut fits: Vec<Option<SeedFits>> = none();
        for (s, seed_fits) in passes.into_iter().flatten() {
            fits[s] = Some(seed_fits);
        }
        fits
    }

    /// A seed's fits from its `predicted` (per α of the models with a `penalty`, per fold).
    fn new(penalties: &[Option<f64>], predicted: SeedPredictions, seconds: f64) -> SeedFits {
        let mut predicted = predicted.into_iter();
        let by_model = penalties
            .iter()
            .map(|alpha| alpha.and_then(|_| predicted.next()))
            .collect();
        SeedFits { by_model, seconds }
    }

    /// Model `model`'s predictions on fold `fold` (`None` inside when its system was
    /// ill-conditioned) and the fit's share of the time, if it was fitted here.
    pub(super) fn get(&self, model: usize, fold: usize) -> Option<(Option<Vec<f64>>, f64)> {
        let per_fold = self.by_model[model].as_ref()?;
        Some((per_fold[fold].clone(), self.seconds))
    }
}
