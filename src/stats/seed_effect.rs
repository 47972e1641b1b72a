//! Where the uncertainty of one seeded cross-validation score comes from.
//!
//! The quantity a user reports is the CV estimate of one run: the mean over its J folds,
//! c_sm for split seed s and model seed m. Its spread has three sources (Bouthillier et al.
//! 2021, MLSys, on variance sources in ML benchmarks):
//!
//! - **model seed**: c_sm across model seeds with the split fixed, the mean over split seeds
//!   of the within-split variance of c_s· (a random-effects component, method of moments);
//! - **split seed**: the variance of the split means c̄_s across split seeds, net of the
//!   model-seed noise averaged into each (σ²_model / M), truncated at 0;
//! - **data**: the finite data set itself, the Nadeau & Bengio (2003) estimate of the variance
//!   of a k-fold estimate around the generalisation error, (1/J + n_test/n_train) × the mean
//!   within-run variance of fold scores.
//!
//! Unlike a one-way ANOVA of fold scores by seed, which is 0 by construction under k-fold (a
//! seed's folds partition the data, so their scores are negatively correlated), each component
//! here is a variance of the run-level score itself.

use super::{mean, variance, Maybe, Scores};
use serde::{Deserialize, Serialize};

/// Why a model run under one model seed has no model-seed component: it is deterministic, or
/// a random model was given one model seed (the records cannot tell which).
pub const DETERMINISTIC: &str =
    "the model ran under one model seed (a deterministic model, or a random one run with --model-seeds 1)";

/// A variance component of one run's CV estimate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Component {
    /// The variance.
    pub variance: f64,
    /// Its square root.
    pub sd: f64,
    /// Why it is 0 without being estimated (e.g. a deterministic model has no model seed).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub absent: Option<String>,
}

impl Component {
    fn of(variance: f64) -> Component {
        Component {
            variance,
            sd: variance.sqrt(),
            absent: None,
        }
    }
}

/// Each source's share of the total variance of one run's CV estimate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Shares {
    /// Share of the split seed.
    pub split_seed: f64,
    /// Share of the model seed.
    pub model_seed: f64,
    /// Share of the finite data.
    pub data: f64,
}

/// The decomposition of one run's CV estimate (see the module documentation).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SeedEffect {
    /// Across split seeds.
    pub split_seed: Component,
    /// Across model seeds, the split fixed.
    pub model_seed: Component,
    /// The finite data (Nadeau–Bengio).
    pub data: Component,
    /// Each over their sum.
    pub share: Shares,
    /// Split seeds, the most complete runs (model seeds) of a split seed, and folds per run
    /// behind the estimates.
    pub n_split_seeds: usize,
    #[allow(missing_docs)]
    pub n_model_seeds: usize,
    #[allow(missing_docs)]
    pub n_folds: usize,
    /// Runs (split seed × model seed) left out because a fold of theirs failed.
    #[serde(default)]
    pub n_incomplete_runs: usize,
}

/// Decompose `scores` (fold scores per split seed, per fold, per model seed); `ratio` is
/// n_test / n_train of a fold. Runs are keyed by (split seed, model seed): a run missing some
/// fold (a failed fit) is left out whole and counted in `n_incomplete_runs`, so a failure never
/// lines one run's folds up with another's.
pub fn seed_effect(scores: &Scores, ratio: f64) -> Maybe<SeedEffect> {
    // per split seed, over its complete runs: each run's mean (its estimate) and variance
    // across folds, gathered seed by seed into flat lists
    let (mut within, mut split_means, mut runs_per_split) = (Vec::new(), Vec::new(), Vec::new());
    let mut fold_variances = Vec::new();
    let (mut n_model, mut n_folds) = (0, usize::MAX);
    let mut estimates = Vec::new();
    for s in 0..scores.seeds.len() {
        let runs = scores.complete_runs(s);
        if runs.is_empty() {
            continue;
        }
        estimates.clear();
        for (_, run) in &runs {
            n_folds = n_folds.min(run.len());
            estimates.extend(mean(run));
            fold_variances.extend(variance(run));
        }
        n_model = n_model.max(runs.len());
        within.extend(variance(&estimates));
        split_means.extend(mean(&estimates));
        runs_per_split.push(estimates.len());
    }
    let n_split = runs_per_split.len();
    if n_split < 2 && scores.seeds.len() >= 2 {
        return Maybe::absent(format!(
            "needs at least 2 split seeds with a complete run (a run that lost a fold to a failed fit is left out); only {n_split} of the {} split seeds have one",
            scores.seeds.len()
        ));
    }
    if n_split < 2 {
        return Maybe::absent("needs at least 2 split seeds");
    }
    if n_folds < 2 {
        return Maybe::absent("needs at least 2 folds per run");
    }
    let n_incomplete_runs = scores.n_incomplete_runs();
    let model = if n_model >= 2 {
        Component::of(mean(&within).unwrap_or(0.0))
    } else if scores.has_model_seeds() {
        Component {
            absent: Some(format!(
                "no split seed kept two complete runs ({n_incomplete_runs} run(s) lost a fold)"
            )),
            ..Component::of(0.0)
        }
    } else {
        Component {
            absent: Some(DETERMINISTIC.into()),
            ..Component::of(0.0)
        }
    };
    let per_split_cell: f64 =
        runs_per_split.iter().map(|&n| 1.0 / n as f64).sum::<f64>() / n_split as f64;
    let split = Component::of(
        (variance(&split_means).unwrap_or(0.0) - model.variance * per_split_cell).max(0.0),
    );
    let data = Component::of((1.0 / n_folds as f64 + ratio) * mean(&fold_variances).unwrap_or(0.0));
    let total = split.variance + model.variance + data.variance;
    if !(total.is_finite() && total > 0.0) {
        return Maybe::absent("the scores do not vary (or are not finite)");
    }
    Maybe::Value(SeedEffect {
        share: Shares {
            split_seed: split.variance / total,
            model_seed: model.variance / total,
            data: data.variance / total,
        },
        split_seed: split,
        model_seed: model,
        data,
        n_split_seeds: n_split,
        n_model_seeds: n_model,
        n_folds,
        n_incomplete_runs,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::{FoldRecord, Status};
    use crate::rng::{stream, Purpose};
    use crate::stats::ScoresBuilder;
    use rand::RngCore;

    /// A standard normal draw (Box–Muller).
    fn normal(rng: &mut impl RngCore) -> f64 {
        let u = (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
        let v = (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
        (-2.0 * (1.0 - u).ln()).sqrt() * (2.0 * std::f64::consts::PI * v).cos()
    }

    /// Fold scores as `cells[split][fold][model]`.
    type Cells = Vec<Vec<Vec<f64>>>;
    /// Standard deviations of the split, model, split × fold and residual terms.
    type Sds = (f64, f64, f64, f64);

    /// Simulated fold scores μ + a_s + b_sm + c_sf + e_smf, 200 split seeds × 10 model seeds ×
    /// 5 folds, as `cells[split][fold][model]`, with the true sds (a, b, c, e).
    fn simulated() -> (Cells, Sds) {
        let (sa, sb, sc, se) = (0.02, 0.015, 0.03, 0.01);
        let (n_s, n_m, n_f) = (200, 10, 5);
        let mut rng = stream(42, Purpose::Bootstrap);
        let mut cells = Vec::new();
        for _ in 0..n_s {
            let a = sa * normal(&mut rng);
            let c: Vec<f64> = (0..n_f).map(|_| sc * normal(&mut rng)).collect();
            let b: Vec<f64> = (0..n_m).map(|_| sb * normal(&mut rng)).collect();
            let folds: Vec<Vec<f64>> = (0..n_f)
                .map(|f| {
                    (0..n_m)
                        .map(|m| 0.8 + a + b[m] + c[f] + se * normal(&mut rng))
                        .collect()
                })
                .collect();
            cells.push(folds);
        }
        (cells, (sa, sb, sc, se))
    }

    /// The simulated scores as records in the contract's order (split seed, model seed, fold),
    /// the ones `failed` picks (split, model, fold) failed.
    fn book(cells: &[Vec<Vec<f64>>], failed: impl Fn(usize, usize, usize) -> bool) -> Scores {
        let mut builder = ScoresBuilder::new("m", "accuracy", 1.0);
        for (seed, folds) in cells.iter().enumerate() {
            for m in 0..folds[0].len() {
                for (fold, runs) in folds.iter().enumerate() {
                    let mut r = FoldRecord::example("m", seed as u64, m as u64, fold, "accuracy");
                    (r.n_train, r.n_test, r.value) = (4, 1, Some(runs[m]));
                    if failed(seed, m, fold) {
                        (r.status, r.value) = (Status::Failed, None);
                    }
                    builder.add(&r);
                }
            }
        }
        builder.finish()
    }

    /// The true sds of the model-seed, split-seed and data components of a 5-fold run.
    fn truth((sa, sb, sc, se): Sds) -> [(&'static str, f64); 3] {
        let j = 5.0;
        [
            ("model", (sb * sb + se * se / j).sqrt()),
            ("split", (sa * sa + sc * sc / j).sqrt()),
            ("data", ((1.0 / j + 0.25) * (sc * sc + se * se)).sqrt()),
        ]
    }

    fn assert_recovers(effect: &SeedEffect, sds: Sds) {
        let got = [effect.model_seed.sd, effect.split_seed.sd, effect.data.sd];
        for ((name, want), got) in truth(sds).into_iter().zip(got) {
            assert!(
                (got / want - 1.0).abs() < 0.1,
                "{name}: {got} vs {want} ({effect:?})"
            );
        }
        let shares = effect.share.split_seed + effect.share.model_seed + effect.share.data;
        assert!((shares - 1.0).abs() < 1e-12);
    }

    #[test]
    fn recovers_known_components_of_simulated_scores() {
        let (cells, sds) = simulated();
        let scores = book(&cells, |_, _, _| false);
        let effect = seed_effect(&scores, 0.25).value().unwrap().clone();
        assert_recovers(&effect, sds);
        assert_eq!((effect.n_model_seeds, effect.n_incomplete_runs), (10, 0));
    }

    #[test]
    fn failed_folds_leave_their_runs_out_instead_of_shifting_the_others() {
        // one failed fold per split seed, in a different model seed and fold each time: the
        // positions of the surviving scores no longer say which run they belong to
        let (cells, sds) = simulated();
        let scores = book(&cells, |s, m, f| m == s % 10 && f == (s / 10) % 5);
        let effect = seed_effect(&scores, 0.25).value().unwrap().clone();
        assert_recovers(&effect, sds);
        assert_eq!(effect.n_incomplete_runs, 200);
        assert_eq!(
            effect.n_model_seeds, 9,
            "each split seed keeps 9 complete runs"
        );
    }

    #[test]
    fn three_failed_records_keep_the_model_seed_component_estimated() {
        let (cells, sds) = simulated();
        let lost = [(3, 0, 1), (77, 9, 4), (150, 4, 0)];
        let scores = book(&cells, |s, m, f| lost.contains(&(s, m, f)));
        let effect = seed_effect(&scores, 0.25).value().unwrap().clone();
        assert!(effect.model_seed.absent.is_none(), "{effect:?}");
        assert_recovers(&effect, sds);
        assert_eq!(effect.n_incomplete_runs, 3);
    }

    #[test]
    fn the_old_positional_pairing_is_gone() {
        // split seed 0: run 0 = (0.1, 0.2), run 1 = (0.9, 1.0) but run 0's fold 0 failed; runs
        // lined up by position would pair 0.9 (run 1) with 0.2 (run 0)
        let (cells, _) = simulated();
        let mut cells = cells[..3].to_vec();
        for folds in &mut cells {
            folds.truncate(2);
            for runs in folds.iter_mut() {
                runs.truncate(2);
            }
        }
        cells[0] = vec![vec![0.1, 0.9], vec![0.2, 1.0]];
        let scores = book(&cells, |s, m, f| (s, m, f) == (0, 0, 0));
        assert_eq!(scores.complete_runs(0), vec![(1, vec![0.9, 1.0])]);
        assert_eq!(scores.complete_runs(1).len(), 2);
    }

    #[test]
    fn a_deterministic_model_has_no_model_seed_component() {
        let mut builder = ScoresBuilder::new("m", "r2", 1.0);
        for (seed, folds) in [[0.5, 0.6], [0.55, 0.7], [0.4, 0.5]].iter().enumerate() {
            for (fold, &v) in folds.iter().enumerate() {
                builder.push((seed as u64, 0), fold, v, 1, 1);
            }
        }
        let scores = builder.finish();
        let e = seed_effect(&scores, 1.0).value().unwrap().clone();
        assert_eq!(e.model_seed.variance, 0.0);
        assert!(e.model_seed.absent.is_some());
        // split means 0.55, 0.625, 0.45: variance 0.007708…
        assert!((e.split_seed.variance - 0.0077083333333333).abs() < 1e-12);
        assert!(e.share.split_seed > 0.0 && e.share.data > 0.0);
    }
}
