//! The fits behind the nested cross-validation interval (`--interval ncv`; the statistic is
//! [`crate::stats::ncv_interval`]): for every split seed, each pair of folds (a, b) is left out
//! of one fit, and both folds' rows are scored one by one. K folds cost K(K − 1)/2 fits per
//! split seed on top of the run's K.

use super::{gather_as, RunPlan, TestTruth};
use crate::metric::{row_values, Metric};
use crate::model::Model;
use crate::rng::{self, Purpose};
use crate::split::{Fold, SplitterKind};
use crate::stats::NestedRep;
use rayon::prelude::*;

/// Per metric of `metrics` with a value per row, the nested repetitions of `model` over the
/// split seeds `seeds` (under the plan's first model seed), or why there are none.
pub fn nested_reps(
    plan: &RunPlan,
    model: &dyn Model,
    metrics: &[Metric],
    seeds: &[u64],
) -> Result<Vec<(Metric, Vec<NestedRep>)>, String> {
    let kind = plan.splitter.config().kind;
    if !matches!(
        kind,
        SplitterKind::Kfold
            | SplitterKind::Stratified
            | SplitterKind::Group
            | SplitterKind::StratifiedGroup
    ) {
        return Err(format!(
            "needs folds that partition the rows (kfold, stratified, group), not {}",
            kind.name()
        ));
    }
    if model.tuned().is_some() {
        return Err(
            "not computed for tuned models (every pair of folds would need its own inner search)"
                .into(),
        );
    }
    let metrics: Vec<Metric> = metrics
        .iter()
        .copied()
        .filter(|m| m.is_row_mean())
        .collect();
    let model_seed = plan.model_seeds.first().copied().unwrap_or(0);
    let preprocess = plan.table.needs_preprocessing();
    let per_seed: Vec<Vec<NestedRep>> = seeds
        .par_iter()
        .map(|&seed| {
            let folds = plan.splitter.split(seed);
            let k = folds.len();
            let pairs: Vec<(usize, usize)> = (0..k)
                .flat_map(|a| ((a + 1)..k).map(move |b| (a, b)))
                .collect();
            let fitted = pairs
                .par_iter()
                .map(|&pair| {
                    // after a stop the rest are skipped: `execute` ends the run interrupted, unreported
                    if super::stop::stop_requested() {
                        return Err("interrupted".to_string());
                    }
                    pair_losses(
                        plan,
                        model,
                        &metrics,
                        (seed, model_seed, preprocess),
                        &folds,
                        pair,
                    )
                })
                .collect::<Result<Vec<_>, String>>()?;
            let mut rng = rng::stream(seed, Purpose::Ncv);
            let other: Vec<usize> = (0..k)
                .map(|a| (a + 1 + rng::below(&mut rng, k as u64 - 1) as usize) % k)
                .collect();
            Ok(metrics
                .iter()
                .enumerate()
                .map(|(m, _)| {
                    let mut errors = vec![vec![Vec::new(); k]; k];
                    for (&(a, b), losses) in pairs.iter().zip(&fitted) {
                        errors[a][b].clone_from(&losses[m].0);
                        errors[b][a].clone_from(&losses[m].1);
                    }
                    NestedRep {
                        errors,
                        other: other.clone(),
                    }
                })
                .collect())
        })
        .collect::<Result<_, String>>()?;
    Ok(metrics
        .iter()
        .enumerate()
        .map(|(m, &metric)| {
            (
                metric,
                per_seed.iter().map(|reps| reps[m].clone()).collect(),
            )
        })
        .collect())
}

/// One metric's row values of folds a and b from the fit without both.
type PairValues = (Vec<f64>, Vec<f64>);

/// Per metric, the row values of folds `a` and `b` from one fit without both.
fn pair_losses(
    plan: &RunPlan,
    model: &dyn Model,
    metrics: &[Metric],
    (split_seed, model_seed, preprocess): (u64, u64, bool),
    folds: &[Fold],
    (a, b): (usize, usize),
) -> Result<Vec<PairValues>, String> {
    let n = plan.table.n_rows();
    let mut held = vec![false; n];
    let mut in_a = vec![false; n];
    folds[a].test.iter().for_each(|&r| {
        held[r] = true;
        in_a[r] = true;
    });
    folds[b].test.iter().for_each(|&r| held[r] = true);
    let pair = Fold {
        train: (0..n).filter(|&r| !held[r]).collect(),
        test: (0..n).filter(|&r| held[r]).collect(),
    };
    let (data, _) = gather_as(plan.table, &pair, preprocess);
    // a stream of its own per pair, after the K fold streams of the same split seed
    let k = folds.len();
    let rng = rng::stream(
        model_seed,
        Purpose::Model {
            split_seed,
            fold: k + a * k + b,
        },
    );
    let predictions = model
        .fit_predict(&data, rng)
        .map_err(|e| format!("a nested fit failed: {e}"))?
        .predictions;
    let owned_truth = TestTruth::of(plan.table, &pair.test);
    let truth = owned_truth.view();
    metrics
        .iter()
        .map(|&metric| {
            let rows = row_values(metric, truth, &predictions)
                .expect("only metrics with a value per row")?;
            let (mut of_a, mut of_b) = (Vec::new(), Vec::new());
            for (&r, v) in pair.test.iter().zip(rows) {
                if in_a[r] { &mut of_a } else { &mut of_b }.push(v);
            }
            Ok((of_a, of_b))
        })
        .collect()
}
