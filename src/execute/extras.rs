//! The fits a run makes beside its records: the nested cross-validation interval's
//! (`--interval ncv`) and the permutation test's (`--permutations`).

use crate::metric::Metric;
use crate::report::files::PerModel;
use crate::run::{nested_reps, permutation_scores, RunPlan};
use crate::stats::{
    ncv_interval, permutation_test, Maybe, NcvInterval, NestedRep, PermutationTest,
};
use std::collections::BTreeMap;

/// Every model's permutation test against chance on split seed `seed`'s folds.
pub(super) fn permutation_tests(
    plan: &RunPlan,
    seed: u64,
    n: usize,
) -> PerModel<Maybe<PermutationTest>> {
    let mut out = Vec::new();
    let within_groups = plan.table.groups.is_some();
    for (model, metrics) in plan.models.iter().zip(&plan.metrics) {
        let scores = permutation_scores(plan, model.as_ref(), metrics, seed, n);
        for (m, &metric) in metrics.iter().enumerate() {
            let test = match &scores {
                Ok(scores) => {
                    let (observed, null) = &scores[m];
                    permutation_test(
                        *observed,
                        null,
                        metric.higher_is_better(),
                        seed,
                        within_groups,
                    )
                }
                Err(e) => Maybe::absent(e.clone()),
            };
            out.push((model.name().to_string(), metric.name(), test));
        }
    }
    out
}

/// Per model and metric, the nested cross-validation's repetitions over the plan's split
/// seeds, or why the interval does not exist.
pub(super) type Nested = Vec<(String, Metric, std::result::Result<Vec<NestedRep>, String>)>;

/// The fits of the nested cross-validation interval for every model of `plan`.
pub(super) fn nested_fits(plan: &RunPlan) -> Nested {
    let mut out = Vec::new();
    for (model, metrics) in plan.models.iter().zip(&plan.metrics) {
        let name = model.name().to_string();
        let fitted = nested_reps(plan, model.as_ref(), metrics, plan.split_seeds);
        for &metric in metrics {
            let reps = if !metric.is_row_mean() {
                Err(format!("{metric} is not a mean of one value per row, which the nested interval needs (mse, mae, accuracy, log_loss or brier are)"))
            } else {
                match &fitted {
                    Ok(list) => Ok(list
                        .iter()
                        .find(|(m, _)| *m == metric)
                        .map(|(_, reps)| reps.clone())
                        .unwrap_or_default()),
                    Err(e) => Err(e.clone()),
                }
            };
            out.push((name.clone(), metric, reps));
        }
    }
    out
}

/// The nested cross-validation intervals from the fits in `nested` and each model's ordinary
/// cross-validation loss (`row_sums`: per model and metric, the test rows' summed values and
/// their count over every fold of every split seed).
pub(super) fn nested_intervals(
    nested: &Nested,
    row_sums: &BTreeMap<(String, String), (f64, f64)>,
    n: usize,
    level: f64,
) -> PerModel<Maybe<NcvInterval>> {
    nested
        .iter()
        .map(|(model, metric, reps)| {
            let key = (model.clone(), metric.name());
            let interval = match (reps, row_sums.get(&key)) {
                (Err(e), _) => Maybe::absent(e.clone()),
                (Ok(_), None) => Maybe::absent("no scored fold"),
                // a score cannot leave its range, however wide the interval (as for the others)
                (Ok(reps), Some((sum, rows))) => {
                    let (least, most) = metric.scale().range;
                    ncv_interval(reps, sum / rows, n, level).map(|i| NcvInterval {
                        lower: i.lower.max(least),
                        upper: i.upper.min(most),
                        ..i
                    })
                }
            };
            (key.0, key.1, interval)
        })
        .collect()
}
