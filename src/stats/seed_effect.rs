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
    /// Split seeds, model seeds per split seed and folds per run behind the estimates.
    pub n_split_seeds: usize,
    #[allow(missing_docs)]
    pub n_model_seeds: usize,
    #[allow(missing_docs)]
    pub n_folds: usize,
}

/// Decompose `scores` (fold scores per split seed, per fold, per model seed); `ratio` is
/// n_test / n_train of a fold. Runs are the model seeds present in every fold of their split.
pub fn seed_effect(scores: &Scores, ratio: f64) -> Maybe<SeedEffect> {
    // per split seed, over its runs (the fold scores under one model seed): each run's mean
    // (its estimate) and variance across folds, gathered seed by seed into flat lists
    let (mut within, mut split_means, mut runs_per_split) = (Vec::new(), Vec::new(), Vec::new());
    let mut fold_variances = Vec::new();
    let (mut n_model, mut n_folds) = (usize::MAX, usize::MAX);
    let (mut folds, mut run, mut estimates) = (Vec::new(), Vec::new(), Vec::new());
    for s in 0..scores.seeds.len() {
        folds.clear();
        folds.extend((0..scores.folds(s).len()).map(|f| scores.model_seed_scores(s, f)));
        let m = folds.iter().map(|f| f.len()).min().unwrap_or(0);
        if m == 0 {
            continue;
        }
        estimates.clear();
        for i in 0..m {
            run.clear();
            run.extend(folds.iter().map(|f| f[i]));
            n_folds = n_folds.min(run.len());
            estimates.extend(mean(&run));
            fold_variances.extend(variance(&run));
        }
        n_model = n_model.min(m);
        within.extend(variance(&estimates));
        split_means.extend(mean(&estimates));
        runs_per_split.push(estimates.len());
    }
    let n_split = runs_per_split.len();
    if n_split < 2 {
        return Maybe::absent("needs at least 2 split seeds");
    }
    if n_folds < 2 {
        return Maybe::absent("needs at least 2 folds per run");
    }
    let model = if n_model >= 2 {
        Component::of(mean(&within).unwrap_or(0.0))
    } else {
        Component {
            absent: Some("the model ran under one model seed (deterministic)".into()),
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
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::{stream, Purpose};
    use crate::stats::ScoresBuilder;
    use rand::RngCore;

    /// A standard normal draw (Box–Muller).
    fn normal(rng: &mut impl RngCore) -> f64 {
        let u = (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
        let v = (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
        (-2.0 * (1.0 - u).ln()).sqrt() * (2.0 * std::f64::consts::PI * v).cos()
    }

    #[test]
    fn recovers_known_components_of_simulated_scores() {
        // value = μ + a_s + b_sm + c_sf + e_smf, 200 split seeds × 10 model seeds × 5 folds
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
        let mut builder = ScoresBuilder::new("m", "accuracy", 1.0);
        for (seed, folds) in cells.iter().enumerate() {
            for (fold, runs) in folds.iter().enumerate() {
                for &v in runs {
                    builder.push(seed as u64, fold, v, 4, 1);
                }
            }
        }
        let scores = builder.finish();
        let effect = seed_effect(&scores, 0.25).value().unwrap().clone();
        let j = n_f as f64;
        let truth_model = (sb * sb + se * se / j).sqrt();
        let truth_split = (sa * sa + sc * sc / j).sqrt();
        let truth_data = ((1.0 / j + 0.25) * (sc * sc + se * se)).sqrt();
        for (name, got, want) in [
            ("model", effect.model_seed.sd, truth_model),
            ("split", effect.split_seed.sd, truth_split),
            ("data", effect.data.sd, truth_data),
        ] {
            assert!(
                (got / want - 1.0).abs() < 0.1,
                "{name}: {got} vs {want} ({effect:?})"
            );
        }
        let shares = effect.share.split_seed + effect.share.model_seed + effect.share.data;
        assert!((shares - 1.0).abs() < 1e-12);
    }

    #[test]
    fn a_deterministic_model_has_no_model_seed_component() {
        let mut builder = ScoresBuilder::new("m", "r2", 1.0);
        for (seed, folds) in [[0.5, 0.6], [0.55, 0.7], [0.4, 0.5]].iter().enumerate() {
            for (fold, &v) in folds.iter().enumerate() {
                builder.push(seed as u64, fold, v, 1, 1);
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
