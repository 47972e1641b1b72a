//! The fits behind the permutation test against chance (`--permutations N`; the statistic is
//! [`crate::stats::permutation_test`]): one split seed's folds refitted on N permutations of
//! the target, drawn as scikit-learn's `permutation_test_score` draws them (within groups when
//! the data has them).

use super::{gather_as, RunPlan, TestTruth};
use crate::data::Table;
use crate::metric::{score, Metric};
use crate::model::Model;
use crate::rng::{self, Purpose};
use crate::split::numpy::RandomState;
use crate::split::Fold;
use rayon::prelude::*;

/// Per metric, the cross-validated score on the real target and on each of `n` permuted
/// targets, over the folds of split seed `split_seed` (under the plan's first model seed).
/// Permutation i reorders the target by the i-th `RandomState(split_seed).permutation(n_rows)`,
/// or with groups by each group's rows permuted in turn (scikit-learn's `_shuffle`), so
/// `permutation_test_score(..., cv=<these folds>, groups=<the groups, if any>,
/// n_permutations=n, random_state=split_seed)` draws the same ones.
pub fn permutation_scores(
    plan: &RunPlan,
    model: &dyn Model,
    metrics: &[Metric],
    split_seed: u64,
    n: usize,
) -> Result<Vec<(f64, Vec<f64>)>, String> {
    if model.tuned().is_some() {
        return Err("not computed for tuned models".into());
    }
    let seed = u32::try_from(split_seed)
        .map_err(|_| format!("split seed {split_seed} is beyond numpy's 32-bit seeds"))?;
    let folds = plan.splitter.split(split_seed);
    let mut state = RandomState::new(seed);
    let groups = plan.table.groups.as_deref();
    let orders: Vec<Option<Vec<usize>>> = std::iter::once(None)
        .chain((0..n).map(|_| Some(shuffled(&mut state, plan.table.n_rows(), groups))))
        .collect();
    let model_seed = plan.model_seeds.first().copied().unwrap_or(0);
    let preprocess = plan.table.needs_preprocessing();
    let scores = orders
        .par_iter()
        .map(|order| {
            // after a stop the rest are skipped: `execute` ends the run interrupted, unreported
            if super::stop::stop_requested() {
                return Err("interrupted".to_string());
            }
            let permuted;
            let table = match order {
                None => plan.table,
                Some(order) => {
                    permuted = with_target_order(plan.table, order);
                    &permuted
                }
            };
            cv_scores(
                table,
                model,
                metrics,
                (split_seed, model_seed, preprocess),
                &folds,
            )
        })
        .collect::<Result<Vec<Vec<f64>>, String>>()?;
    Ok((0..metrics.len())
        .map(|m| (scores[0][m], scores[1..].iter().map(|s| s[m]).collect()))
        .collect())
}

/// One permutation's order of the `n` rows, as scikit-learn's `_shuffle` draws it: every row
/// permuted, or with groups each group's rows permuted among themselves, group after group in
/// label order (`np.unique`'s, which is seedfold's group order), so that the target only moves
/// within its group and the null keeps the data's grouping.
fn shuffled(state: &mut RandomState, n: usize, groups: Option<&[usize]>) -> Vec<usize> {
    let Some(groups) = groups else {
        return state.permutation(n);
    };
    let mut members = vec![Vec::new(); crate::split::count_groups(groups)];
    for (row, &g) in groups.iter().enumerate() {
        members[g].push(row);
    }
    let mut order: Vec<usize> = (0..n).collect();
    for rows in members {
        // numpy's permutation of an array: a shuffled copy, the draws of permutation(len)
        let mut moved = rows.clone();
        state.shuffle(&mut moved);
        for (row, from) in rows.into_iter().zip(moved) {
            order[row] = from;
        }
    }
    order
}

/// `table` with target row i replaced by row `order[i]`'s (scikit-learn's `y[indices]`).
fn with_target_order(table: &Table, order: &[usize]) -> Table {
    Table {
        y: table.y.select(order),
        ..table.clone()
    }
}

/// Per metric, the mean over `folds` of `model`'s scores on `table`.
fn cv_scores(
    table: &Table,
    model: &dyn Model,
    metrics: &[Metric],
    (split_seed, model_seed, preprocess): (u64, u64, bool),
    folds: &[Fold],
) -> Result<Vec<f64>, String> {
    let mut sums = vec![0.0; metrics.len()];
    for (f, fold) in folds.iter().enumerate() {
        let (data, _) = gather_as(table, fold, preprocess);
        let rng = rng::stream(
            model_seed,
            Purpose::Model {
                split_seed,
                fold: f,
            },
        );
        let predictions = model.fit_predict(&data, rng)?.predictions;
        let truth = TestTruth::of(table, &fold.test);
        for (sum, &metric) in sums.iter_mut().zip(metrics) {
            *sum += score(metric, truth.view(), &predictions)?;
        }
    }
    Ok(sums.iter().map(|s| s / folds.len() as f64).collect())
}
