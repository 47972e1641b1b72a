//! Selection stability of a parameter grid (`--model 'ridge:alpha=0.01|1|100'`): how often
//! each grid point wins on a split seed, the best point on average, and the one-standard-error
//! choice — the simplest point whose mean is within one standard error of the best (Breiman et
//! al. 1984, §3.4.3; Hastie, Tibshirani & Friedman 2009, §7.10).

use super::summary::common_fold_means;
use super::{mean, Scale, Scores};
use crate::model::larger_is_simpler;
use serde::{Deserialize, Serialize};

/// One grid point on one metric.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GridPoint {
    /// The model name, e.g. `ridge:alpha=1`.
    pub model: String,
    /// The varied parameter's value.
    pub value: f64,
    /// Mean over split seeds of the seed means, each over the folds every point scored.
    pub mean: f64,
    /// Smallest and largest seed mean (the band of the validation curve).
    pub seed_min: f64,
    /// See `seed_min`.
    pub seed_max: f64,
    /// Split seeds on which this point had the best seed mean.
    pub chosen: usize,
}

/// A grid's selection on one metric.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Selection {
    /// The metric.
    pub metric: String,
    /// The grid, with the varied parameter as `*`, e.g. `ridge:alpha=*`.
    pub grid: String,
    /// The varied parameter.
    pub parameter: String,
    /// Points in increasing parameter value.
    pub points: Vec<GridPoint>,
    /// Split seeds every point was scored on (those the counts are over).
    pub n_seeds: usize,
    /// The point with the best mean.
    pub best: String,
    /// The simplest point within one standard error of the best mean, when the parameter has
    /// a known direction of simplicity.
    pub one_se_choice: Option<String>,
    /// The standard error used: the best point's sd of fold scores over √(folds per seed),
    /// the standard error one cross-validation run would report.
    pub one_se: f64,
    /// Which way is simpler, e.g. "larger alpha is simpler".
    pub simpler: Option<String>,
}

/// How often a tuned model's inner cross-validation chose each grid point, over every outer
/// fold of every seed: a choice that moves from fold to fold says the grid's points are close
/// and the tuned score averages over several of them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Tuning {
    /// The tuned model, e.g. `ridge(tuned)`.
    pub model: String,
    /// Outer fits that made a choice.
    pub fits: usize,
    /// The points chosen at least once, most often first (grid points never chosen are absent).
    pub points: Vec<TunedPoint>,
}

/// One grid point of a [`Tuning`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TunedPoint {
    /// The grid point, e.g. `ridge:alpha=1`.
    pub point: String,
    /// Outer fits that chose it.
    pub chosen: usize,
    /// Its share of the fits.
    pub share: f64,
}

/// Every tuned model's choices among `scores` (whole training folds; one metric's table per
/// model, since every metric of a fit records the same choice).
pub fn tunings(scores: &[&Scores]) -> Vec<Tuning> {
    let mut out: Vec<Tuning> = Vec::new();
    for s in scores.iter().filter(|s| !s.chosen.is_empty()) {
        if out.iter().any(|t| t.model == s.model) {
            continue;
        }
        let fits: usize = s.chosen.values().sum();
        let mut points: Vec<TunedPoint> = s
            .chosen
            .iter()
            .map(|(point, &chosen)| TunedPoint {
                point: point.clone(),
                chosen,
                share: chosen as f64 / fits as f64,
            })
            .collect();
        points.sort_by_key(|p| std::cmp::Reverse(p.chosen));
        out.push(Tuning {
            model: s.model.clone(),
            fits,
            points,
        });
    }
    out
}

/// `kind:a=1,b=2` → (kind, [(a, 1), (b, 2)]).
fn parts(name: &str) -> (&str, Vec<(&str, &str)>) {
    let (kind, rest) = name.split_once(':').unwrap_or((name, ""));
    let params = rest.split(',').filter_map(|p| p.split_once('=')).collect();
    (kind, params)
}

/// Every grid among `scores` of one metric: models of one kind whose names differ in exactly
/// one numeric parameter, two or more of them.
pub fn selections(group: &[&Scores], scale: Scale) -> Vec<Selection> {
    // (grid name, varied parameter, its points with their values)
    type Grid<'a> = (String, String, Vec<(&'a Scores, f64)>);
    let mut grids: Vec<Grid> = Vec::new();
    for s in group {
        let (kind, params) = parts(&s.model);
        for (i, (key, value)) in params.iter().enumerate() {
            let Ok(value) = value.parse::<f64>() else {
                continue;
            };
            // max_depth 0 is unlimited: the deepest
            let value = if *key == "max_depth" && value == 0.0 {
                f64::INFINITY
            } else {
                value
            };
            let rest: Vec<String> = params
                .iter()
                .enumerate()
                .map(|(j, (k, v))| {
                    if i == j {
                        format!("{k}=*")
                    } else {
                        format!("{k}={v}")
                    }
                })
                .collect();
            let grid = format!("{kind}:{}", rest.join(","));
            match grids.iter_mut().find(|g| g.0 == grid) {
                Some(g) => g.2.push((s, value)),
                None => grids.push((grid, key.to_string(), vec![(s, value)])),
            }
        }
    }
    grids
        .into_iter()
        .filter(|g| g.2.len() >= 2)
        .filter_map(|(grid, parameter, members)| select(grid, parameter, members, scale))
        .collect()
}

fn select(
    grid: String,
    parameter: String,
    mut members: Vec<(&Scores, f64)>,
    scale: Scale,
) -> Option<Selection> {
    members.sort_by(|a, b| a.1.total_cmp(&b.1));
    let better = |a: f64, b: f64| if scale.higher_is_better { a > b } else { a < b };
    // per split seed every point was scored on, each point's mean over the folds of it every
    // point scored: a point that fails on a seed's hardest folds is not favoured for it
    let points: Vec<&Scores> = members.iter().map(|(s, _)| *s).collect();
    let by_seed: Vec<Vec<f64>> = points[0]
        .seeds
        .iter()
        .filter_map(|&seed| common_fold_means(&points, seed))
        .collect();
    if by_seed.is_empty() {
        return None;
    }
    let seed_means: Vec<Vec<f64>> = (0..members.len())
        .map(|i| by_seed.iter().map(|means| means[i]).collect())
        .collect();
    let kind = parts(&members[0].0.model).0.to_string();
    let simpler = larger_is_simpler(&kind, &parameter);
    // the simplest first: ties go to the simpler point
    let mut by_simplicity: Vec<usize> = (0..members.len()).collect();
    if simpler == Some(true) {
        by_simplicity.reverse();
    }
    let mut chosen = vec![0; members.len()];
    for on_seed in &by_seed {
        let winner = by_simplicity
            .iter()
            .copied()
            .reduce(|w, i| if better(on_seed[i], on_seed[w]) { i } else { w })
            .expect("two points at least");
        chosen[winner] += 1;
    }
    let means: Vec<f64> = seed_means
        .iter()
        .map(|m| mean(m).unwrap_or(f64::NAN))
        .collect();
    let best = by_simplicity
        .iter()
        .copied()
        .reduce(|w, i| if better(means[i], means[w]) { i } else { w })
        .expect("two points at least");
    let folds = members[best].0.all_folds();
    let per_seed = folds.len() as f64 / members[best].0.seeds.len().max(1) as f64;
    let one_se = super::std_dev(folds).unwrap_or(0.0) / per_seed.max(1.0).sqrt();
    let within = |i: usize| {
        if scale.higher_is_better {
            means[i] >= means[best] - one_se
        } else {
            means[i] <= means[best] + one_se
        }
    };
    let one_se_choice = simpler.map(|_| {
        let i = by_simplicity
            .iter()
            .copied()
            .find(|&i| within(i))
            .unwrap_or(best);
        members[i].0.model.clone()
    });
    Some(Selection {
        metric: members[0].0.metric.clone(),
        points: members
            .iter()
            .zip(&seed_means)
            .zip(&chosen)
            .zip(&means)
            .map(|((((s, value), m), &chosen), &mean)| GridPoint {
                model: s.model.clone(),
                value: *value,
                mean,
                seed_min: m.iter().copied().fold(f64::INFINITY, f64::min),
                seed_max: m.iter().copied().fold(f64::NEG_INFINITY, f64::max),
                chosen,
            })
            .collect(),
        grid,
        n_seeds: by_seed.len(),
        best: members[best].0.model.clone(),
        one_se_choice,
        one_se,
        simpler: simpler.map(|larger| {
            format!(
                "{} {parameter} is simpler",
                if larger { "larger" } else { "smaller" }
            )
        }),
        parameter,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::ScoresBuilder;

    /// Scores of `model` with two folds per seed, each fold `base + shift[seed] ± spread`.
    fn scores(model: &str, base: f64, shifts: &[f64], spread: f64) -> Scores {
        let mut builder = ScoresBuilder::new(model, "r2", 1.0);
        for (seed, shift) in shifts.iter().enumerate() {
            builder.push((seed as u64, 0), 0, base + shift - spread, 1, 1);
            builder.push((seed as u64, 0), 1, base + shift + spread, 1, 1);
        }
        builder.finish()
    }

    #[test]
    fn counts_wins_per_seed_and_takes_the_simplest_point_within_one_standard_error() {
        let scale = Scale {
            higher_is_better: true,
            range: (f64::NEG_INFINITY, 1.0),
            unitless: true,
        };
        // alpha=1 is best on average and wins seeds 0 and 1; alpha=0.1 wins seed 2;
        // alpha=10 is 0.01 below the best, within one SE (fold sd 0.1 / √2 ≈ 0.07)
        let a = scores("ridge:alpha=0.1", 0.50, &[0.0, 0.0, 0.05], 0.1);
        let b = scores("ridge:alpha=1", 0.52, &[0.0, 0.0, 0.0], 0.1);
        let c = scores("ridge:alpha=10", 0.51, &[0.0, 0.0, 0.0], 0.1);
        let other = scores("tree", 0.9, &[0.0, 0.0, 0.0], 0.1);
        let found = selections(&[&c, &other, &a, &b], scale);
        assert_eq!(found.len(), 1, "one grid: tree is no grid point");
        let s = &found[0];
        assert_eq!(s.grid, "ridge:alpha=*");
        let values: Vec<f64> = s.points.iter().map(|p| p.value).collect();
        assert_eq!(values, [0.1, 1.0, 10.0]);
        let chosen: Vec<usize> = s.points.iter().map(|p| p.chosen).collect();
        assert_eq!(chosen, [1, 2, 0]);
        assert_eq!(s.best, "ridge:alpha=1");
        // sample sd of the best's folds (0.42, 0.62 three times) is 0.1095; per seed 2 folds
        let folds = [0.42, 0.62, 0.42, 0.62, 0.42, 0.62];
        let sd = super::super::std_dev(&folds).unwrap();
        assert!((s.one_se - sd / 2f64.sqrt()).abs() < 1e-12);
        assert_eq!(s.one_se_choice.as_deref(), Some("ridge:alpha=10"));
        assert_eq!(s.simpler.as_deref(), Some("larger alpha is simpler"));
    }
}
