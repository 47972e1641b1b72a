//! Assembling the statistics into the summary contract: one [`Summary`] per (model, metric),
//! one [`Comparison`] per pair of models on a metric, one [`Ranking`] per metric.

use super::anova::{nested_components, one_way, NestedComponents, OneWay};
use super::aso::{aso, Aso};
use super::bootstrap::{bootstrap_mean, Bootstrap};
use super::budget::{seed_budget, SeedBudget};
use super::decision::Decision;
use super::effect::{effect_size, EffectSize};
use super::ncv::NcvInterval;
use super::paired::{
    bayesian_correlated, corrected_t, five_by_two, probability_of_beating, sign_test, Bayesian,
    CorrectedT, FiveByTwo, Share, SignTest,
};
use super::permutation::PermutationTest;
use super::seed_effect::{seed_effect, SeedEffect};
use super::seeds::{corrected_interval, quantile, seeds_for_halfwidth, t_interval};
use super::settle::Settle;
use super::wilcoxon::{wilcoxon, Wilcoxon};
use super::{mean, std_dev, variance, Interval, Maybe, Scale, Scores};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Settings of the statistics.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Options {
    /// Interval coverage.
    pub confidence: f64,
    /// Bootstrap resamples.
    pub resamples: usize,
    /// Seed of the bootstrap stream.
    pub bootstrap_seed: u64,
    /// Region of practical equivalence for the Bayesian test, on each metric's scale.
    pub rope: Rope,
    /// Target interval half-width for "seeds needed"; default half the current one.
    pub target_halfwidth: Option<f64>,
    /// Test share of the rows, for records that do not carry n_train and n_test.
    pub test_fraction: Option<f64>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            confidence: 0.95,
            resamples: 10_000,
            bootstrap_seed: 0,
            rope: Rope::default(),
            target_halfwidth: None,
            test_fraction: None,
        }
    }
}

/// Half-width of the region of practical equivalence: one for every metric, or per metric
/// (metrics not named get the default: ±0.01 for shares and correlations such as accuracy,
/// r2 or AUC, ±1 % of the two models' mean score for metrics with units such as rmse).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Rope {
    /// The same half-width for every metric.
    Every(f64),
    /// Half-widths by metric name.
    PerMetric(BTreeMap<String, f64>),
}

impl Default for Rope {
    fn default() -> Self {
        Rope::PerMetric(BTreeMap::new())
    }
}

impl Rope {
    /// The half-width for `metric` of `scale`, where A and B score `a` and `b` on average.
    pub fn for_metric(&self, metric: &str, scale: Scale, a: f64, b: f64) -> f64 {
        self.given(metric).unwrap_or(if scale.unitless {
            0.01
        } else {
            0.01 * (a.abs() + b.abs()) / 2.0
        })
    }

    /// The half-width the user gave for `metric`, if any.
    pub fn given(&self, metric: &str) -> Option<f64> {
        match self {
            Rope::Every(v) => Some(*v),
            Rope::PerMetric(map) => map.get(metric).copied(),
        }
    }

    /// Every half-width given, for checking.
    pub fn values(&self) -> Vec<(String, f64)> {
        match self {
            Rope::Every(v) => vec![("every metric".into(), *v)],
            Rope::PerMetric(map) => map.iter().map(|(k, v)| (k.clone(), *v)).collect(),
        }
    }
}

impl std::str::FromStr for Rope {
    type Err = String;
    /// `0.01` (every metric) or `r2=0.005,mae=0.5`.
    fn from_str(text: &str) -> Result<Rope, String> {
        if let Ok(v) = text.trim().parse::<f64>() {
            return Ok(Rope::Every(v));
        }
        text.split(',')
            .map(|pair| {
                let (k, v) = pair.split_once('=').ok_or_else(|| {
                    format!("'{pair}' is not METRIC=VALUE; write e.g. --rope r2=0.005,mae=0.5 or --rope 0.01")
                })?;
                let v = v.trim().parse::<f64>().map_err(|_| {
                    format!("the ROPE of {} must be a number, got '{}'", k.trim(), v.trim())
                })?;
                Ok((k.trim().to_string(), v))
            })
            .collect::<Result<BTreeMap<_, _>, String>>()
            .map(Rope::PerMetric)
    }
}

/// Spread of seed means.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AcrossSeeds {
    /// Mean of seed means.
    pub mean: f64,
    /// Variance of seed means (ddof 1).
    pub variance: Maybe<f64>,
    /// Standard deviation of seed means.
    pub std: Maybe<f64>,
    /// Standard error of the mean of seed means.
    pub std_error: Maybe<f64>,
    /// Student-t interval.
    pub ci: Maybe<Interval>,
}

/// Spread of all fold scores.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Folds {
    /// Mean of all fold scores.
    pub mean: f64,
    /// Their variance (ddof 1).
    pub variance: Maybe<f64>,
    /// Their standard deviation.
    pub std: Maybe<f64>,
    /// Nadeau–Bengio corrected interval.
    pub corrected_ci: Maybe<Interval>,
    /// The nested cross-validation interval, when the run asked for it (`--interval ncv`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ncv_ci: Option<Maybe<NcvInterval>>,
}

/// A seed and its mean.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SeedMean {
    /// Split seed.
    pub seed: u64,
    /// Its mean over folds.
    pub mean: f64,
}

/// Quantiles of seed means.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Quantiles {
    #[allow(missing_docs)]
    pub p5: f64,
    #[allow(missing_docs)]
    pub p25: f64,
    #[allow(missing_docs)]
    pub p50: f64,
    #[allow(missing_docs)]
    pub p75: f64,
    #[allow(missing_docs)]
    pub p95: f64,
}

/// How many seeds a target interval half-width needs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SeedsNeeded {
    /// The target half-width.
    pub target_halfwidth: f64,
    /// Seeds needed.
    pub seeds: Maybe<usize>,
}

/// Everything about one model on one metric.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    /// Model name.
    pub model: String,
    /// Metric name.
    pub metric: String,
    /// Direction of the metric.
    pub higher_is_better: bool,
    /// Split seeds with a score.
    pub n_seeds: usize,
    /// Most folds of any seed.
    pub n_folds: usize,
    /// Failed records.
    pub n_failed: usize,
    /// Scored records whose fit warned (e.g. stopped at its iteration cap unconverged).
    #[serde(default)]
    pub n_warnings: usize,
    /// Of those, the fits that stopped at their iteration cap before their tolerance.
    #[serde(default)]
    pub n_unconverged: usize,
    /// The split seeds, in order.
    pub seeds: Vec<u64>,
    /// Mean over folds per split seed (seed order).
    pub seed_means: Vec<f64>,
    /// Spread across seeds.
    pub across_seeds: AcrossSeeds,
    /// Spread across all folds.
    pub folds: Folds,
    /// BCa interval of the mean of seed means.
    pub bootstrap_ci: Maybe<Bootstrap>,
    /// Between/within-seed variance.
    pub variance_components: Maybe<OneWay>,
    /// Split-seed / model-seed / residual variance of fold scores, for models run under
    /// several model seeds.
    pub model_seed_components: Maybe<NestedComponents>,
    /// Where the uncertainty of one run's CV estimate comes from: split seed, model seed,
    /// finite data (the headline "how much is the seed").
    pub seed_effect: Maybe<SeedEffect>,
    /// The seed with the worst mean.
    pub worst_seed: SeedMean,
    /// The seed with the best mean.
    pub best_seed: SeedMean,
    /// Quantiles of seed means.
    pub quantiles: Quantiles,
    /// Seeds needed for a target half-width.
    pub seeds_for_target: Maybe<SeedsNeeded>,
    /// The permutation test against chance, when the run asked for it (`--permutations`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub permutation_test: Option<Maybe<PermutationTest>>,
    /// For a model run under several model seeds: the ratio of its model seed's spread to the
    /// split seed's, which with the costs gives the model seeds per split seed that make the
    /// narrowest interval for the compute (the run's manifest holds that number).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seed_budget: Option<Maybe<SeedBudget>>,
}

fn from_option<T>(v: Option<T>, reason: &str) -> Maybe<T> {
    v.map_or_else(|| Maybe::absent(reason), Maybe::Value)
}

/// Mean test share of the folds (n_test / n_total), or the given fraction.
pub(crate) fn test_share(scores: &Scores, options: &Options) -> f64 {
    options
        .test_fraction
        .or_else(|| scores.mean_test_fraction())
        .unwrap_or(0.0)
}

/// Per seed, per fold: the model-seed scores behind each fold score.
fn model_seed_cells(scores: &Scores) -> Vec<Vec<Vec<f64>>> {
    (0..scores.seeds.len())
        .map(|i| {
            (0..scores.folds(i).len())
                .map(|j| scores.model_seed_scores(i, j).to_vec())
                .collect()
        })
        .collect()
}

/// Summarise one model on one metric; `None` when it has no scored fold at all.
pub fn summarize(scores: &Scores, scale: Scale, options: &Options) -> Option<Summary> {
    let bootstrap = bootstrap_mean(
        &scores.seed_means(),
        options.resamples,
        options.bootstrap_seed,
        options.confidence,
    );
    summarize_with(scores, scale, options, bootstrap)
}

/// [`summarize`] with the bootstrap interval of the seed means already drawn (a run's
/// summaries share their draws: [`bootstrap_means`](super::bootstrap::bootstrap_means)).
pub(super) fn summarize_with(
    scores: &Scores,
    scale: Scale,
    options: &Options,
    bootstrap_ci: Maybe<Bootstrap>,
) -> Option<Summary> {
    let higher_is_better = scale.higher_is_better;
    let level = options.confidence;
    let clip = |ci: Maybe<Interval>| match ci {
        Maybe::Value(i) => Maybe::Value(i.clipped(scale.range)),
        absent => absent,
    };
    let seed_means = scores.seed_means();
    let all = scores.all_folds();
    let m = mean(&seed_means)?;
    let sd = std_dev(&seed_means);
    let share = test_share(scores, options);
    let ci = clip(t_interval(&seed_means, level));
    let mut order: Vec<usize> = (0..seed_means.len()).collect();
    order.sort_by(|&a, &b| seed_means[a].total_cmp(&seed_means[b]).then(a.cmp(&b)));
    let (low, high) = (order[0], order[order.len() - 1]);
    let seed_mean = |i: usize| SeedMean {
        seed: scores.seeds[i],
        mean: seed_means[i],
    };
    let sorted: Vec<f64> = order.iter().map(|&i| seed_means[i]).collect();
    let q = |p| quantile(&sorted, p).unwrap_or(m);
    let seeds_for_target = match (&ci, sd) {
        (Maybe::Value(i), Some(sd)) => {
            let target = options
                .target_halfwidth
                .unwrap_or((i.upper - i.lower) / 4.0);
            Maybe::Value(SeedsNeeded {
                target_halfwidth: target,
                seeds: seeds_for_halfwidth(sd, target, level),
            })
        }
        _ => Maybe::absent("needs at least 2 seeds"),
    };
    let effect = seed_effect(scores, share / (1.0 - share));
    Some(Summary {
        model: scores.model.clone(),
        metric: scores.metric.clone(),
        higher_is_better,
        n_seeds: seed_means.len(),
        n_folds: scores.per_seed().map(<[f64]>::len).max().unwrap_or(0),
        n_failed: scores.n_failed,
        n_warnings: scores.n_warnings,
        n_unconverged: scores.n_unconverged,
        seeds: scores.seeds.clone(),
        seed_means: seed_means.clone(),
        across_seeds: AcrossSeeds {
            mean: m,
            variance: from_option(variance(&seed_means), "needs at least 2 seeds"),
            std: from_option(sd, "needs at least 2 seeds"),
            std_error: from_option(
                sd.map(|s| s / (seed_means.len() as f64).sqrt()),
                "needs at least 2 seeds",
            ),
            ci,
        },
        folds: Folds {
            mean: mean(all).unwrap_or(m),
            variance: from_option(variance(all), "needs at least 2 fold scores"),
            std: from_option(std_dev(all), "needs at least 2 fold scores"),
            corrected_ci: clip(corrected_interval(all, share / (1.0 - share), level)),
            ncv_ci: None,
        },
        bootstrap_ci,
        variance_components: one_way(&scores.per_seed().collect::<Vec<_>>()),
        model_seed_components: if scores.has_model_seeds() {
            nested_components(&model_seed_cells(scores))
        } else {
            Maybe::absent("the model ran under one model seed")
        },
        seed_budget: match &effect {
            Maybe::Value(e) if e.n_model_seeds > 1 => Some(seed_budget(e)),
            _ => None,
        },
        seed_effect: effect,
        worst_seed: seed_mean(if higher_is_better { low } else { high }),
        best_seed: seed_mean(if higher_is_better { high } else { low }),
        quantiles: Quantiles {
            p5: q(0.05),
            p25: q(0.25),
            p50: q(0.5),
            p75: q(0.75),
            p95: q(0.95),
        },
        seeds_for_target,
        permutation_test: None,
    })
}

/// Bootstrap resamples of the ASO test at most (deepsig's default; each costs a sort of both
/// sets of seed means).
const ASO_RESAMPLES: usize = 1000;

/// Two models compared on the same splits; positive differences favour `model_a`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Comparison {
    /// Metric name.
    pub metric: String,
    /// The model favoured by a positive difference.
    pub model_a: String,
    /// The other model.
    pub model_b: String,
    /// Paired split seeds.
    pub n_seeds: usize,
    /// Paired folds (J).
    pub n_pairs: usize,
    /// Mean of the fold differences (oriented).
    pub mean_difference: f64,
    /// Corrected resampled t-test.
    pub corrected_t: Maybe<CorrectedT>,
    /// Wilcoxon signed-rank test over seed-mean differences.
    pub wilcoxon: Maybe<Wilcoxon>,
    /// Sign test over seed-mean differences.
    pub sign_test: SignTest,
    /// Share of seeds where A's seed mean is better.
    pub p_a_beats_b: Maybe<Share>,
    /// Bayesian correlated t-test.
    pub bayesian: Maybe<Bayesian>,
    /// 5×2cv tests, for 5 seeds of 2 folds.
    pub five_by_two: Maybe<FiveByTwo>,
    /// Almost stochastic order of A's seed means over B's.
    pub aso: Maybe<Aso>,
    /// Cohen's d and Cliff's δ of A over B on the seed means.
    pub effect_size: Maybe<EffectSize>,
    /// What the comparison concludes (see [`decide`](super::decide)); set by the analysis.
    pub decision: Decision,
    /// What the two models' uncertainty is mostly made of, so what would settle a decision
    /// that is open: more split seeds, or more data; set by the analysis from their
    /// [`seed_effect`](Summary::seed_effect)s, absent when either has none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limiting_factor: Option<LimitingFactor>,
    /// For an undecided comparison: how many split seeds, or how many times the rows, would
    /// settle it if the difference held; set by the analysis.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub settle: Option<Settle>,
}

/// Which source dominates the uncertainty of two models' scores: the mean over the pair of the
/// seed's share (split and model seed) and the finite data's share of one run's variance.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LimitingFactor {
    /// `seed` when the seeds' share is the larger, else `data`.
    pub factor: Limit,
    /// Mean over the pair of the split and model seed's share.
    pub seed_share: f64,
    /// Mean over the pair of the finite data's share.
    pub data_share: f64,
}

/// What limits a comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Limit {
    /// The split and model seeds: more seeds narrow the decision.
    Seed,
    /// The finite data: more seeds cannot settle it; more rows (or a wider ROPE) would.
    Data,
}

impl LimitingFactor {
    /// From the seed effects of the pair's two summaries.
    pub fn of(a: &Summary, b: &Summary) -> Option<LimitingFactor> {
        let (a, b) = (a.seed_effect.value()?, b.seed_effect.value()?);
        let seed = |e: &super::SeedEffect| e.share.split_seed + e.share.model_seed;
        let seed_share = (seed(a) + seed(b)) / 2.0;
        let data_share = (a.share.data + b.share.data) / 2.0;
        Some(LimitingFactor {
            factor: if seed_share > data_share {
                Limit::Seed
            } else {
                Limit::Data
            },
            seed_share,
            data_share,
        })
    }
}

/// One split seed of two models, over the folds of it both scored: so that a model is not
/// favoured for failing on its hardest folds.
pub struct PairedSeed {
    /// A's score minus B's per common fold, oriented so that positive favours A.
    pub differences: Vec<f64>,
    /// Their mean.
    pub mean_difference: f64,
    /// A's mean over the common folds.
    pub mean_a: f64,
    /// B's mean over the common folds.
    pub mean_b: f64,
}

/// Every split seed `a` and `b` both scored on a common fold, in `a`'s seed order.
pub fn paired_seeds(a: &Scores, b: &Scores, higher_is_better: bool) -> Vec<PairedSeed> {
    let sign = if higher_is_better { 1.0 } else { -1.0 };
    a.seeds
        .iter()
        .filter_map(|&seed| {
            let [on_a, on_b]: [Vec<f64>; 2] = common_fold_scores(&[a, b], seed)?
                .try_into()
                .expect("two models");
            let differences: Vec<f64> = on_a
                .iter()
                .zip(&on_b)
                .map(|(va, vb)| sign * (va - vb))
                .collect();
            Some(PairedSeed {
                mean_difference: mean(&differences)?,
                mean_a: mean(&on_a)?,
                mean_b: mean(&on_b)?,
                differences,
            })
        })
        .collect()
}

/// The mean of the fold differences of `a` over `b` (oriented: positive favours `a`), as
/// [`compare`] gives it; `None` when they share no scored (seed, fold) pair.
pub fn mean_difference(a: &Scores, b: &Scores, higher_is_better: bool) -> Option<f64> {
    let fold_diffs: Vec<f64> = paired_seeds(a, b, higher_is_better)
        .into_iter()
        .flat_map(|seed| seed.differences)
        .collect();
    mean(&fold_diffs)
}

/// Compare `a` and `b` over their common (seed, fold) pairs; an error explains why they
/// cannot be paired.
pub fn compare(
    a: &Scores,
    b: &Scores,
    scale: Scale,
    options: &Options,
) -> Result<Comparison, String> {
    let sign = if scale.higher_is_better { 1.0 } else { -1.0 };
    // seed means oriented so that higher is better, for ASO and the effect sizes
    let (mut oriented_a, mut oriented_b) = (Vec::new(), Vec::new());
    let mut fold_diffs = Vec::new();
    let mut seed_diffs = Vec::new();
    let mut per_seed_pairs: Vec<Vec<f64>> = Vec::new();
    for seed in paired_seeds(a, b, scale.higher_is_better) {
        oriented_a.push(sign * seed.mean_a);
        oriented_b.push(sign * seed.mean_b);
        seed_diffs.push(seed.mean_difference);
        fold_diffs.extend(&seed.differences);
        per_seed_pairs.push(seed.differences);
    }
    if fold_diffs.is_empty() {
        return Err(format!(
            "{} and {} share no scored (seed, fold) pair on {}",
            a.model, b.model, a.metric
        ));
    }
    let level = options.confidence;
    let share = test_share(a, options);
    let two_folds: Vec<[f64; 2]> = per_seed_pairs
        .iter()
        .filter(|p| p.len() == 2)
        .map(|p| [p[0], p[1]])
        .collect();
    Ok(Comparison {
        metric: a.metric.clone(),
        model_a: a.model.clone(),
        model_b: b.model.clone(),
        n_seeds: seed_diffs.len(),
        n_pairs: fold_diffs.len(),
        mean_difference: mean(&fold_diffs).unwrap_or(0.0),
        corrected_t: corrected_t(&fold_diffs, share / (1.0 - share), level),
        wilcoxon: wilcoxon(&seed_diffs),
        sign_test: sign_test(&seed_diffs),
        p_a_beats_b: probability_of_beating(&seed_diffs, level),
        bayesian: bayesian_correlated(
            &fold_diffs,
            share,
            options.rope.for_metric(
                &a.metric,
                scale,
                mean(a.all_folds()).unwrap_or(0.0),
                mean(b.all_folds()).unwrap_or(0.0),
            ),
        ),
        five_by_two: if two_folds.len() == per_seed_pairs.len() {
            five_by_two(&two_folds)
        } else {
            Maybe::absent("needs exactly 5 seeds of 2 folds")
        },
        aso: aso(
            &oriented_a,
            &oriented_b,
            level,
            options.resamples.min(ASO_RESAMPLES),
            options.bootstrap_seed,
        ),
        effect_size: effect_size(&oriented_a, &oriented_b),
        decision: Decision::Undecided,
        limiting_factor: None,
        settle: None,
    })
}

/// How stable the order of models is across seeds, for one metric.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Ranking {
    /// Metric name.
    pub metric: String,
    /// The model with the best mean of seed means.
    pub overall_best: String,
    /// Per seed scored by every model: models from best to worst mean over the folds of the
    /// seed that every model scored.
    pub per_seed: Vec<SeedRanking>,
    /// Share of those seeds on which each model ranks first (a tie for first shared equally).
    pub top_share: BTreeMap<String, f64>,
    /// Seeds on which the overall best is not first (nor tied for first).
    pub top_changes: usize,
}

/// The order of models on one seed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SeedRanking {
    /// Split seed.
    pub seed: u64,
    /// Models, best first.
    pub order: Vec<String>,
}

/// On split seed `seed`, each model's scores on the folds every model scored, in the first
/// model's fold order (so that no model is credited for the hardest folds it failed), or
/// `None` when a model lacks the seed or no fold is common to all.
fn common_fold_scores(scores: &[&Scores], seed: u64) -> Option<Vec<Vec<f64>>> {
    let at: Vec<usize> = scores
        .iter()
        .map(|s| s.seeds.binary_search(&seed).ok())
        .collect::<Option<_>>()?;
    let mut out = vec![Vec::new(); scores.len()];
    for fold in scores[0].fold_ids(at[0]) {
        let values: Option<Vec<f64>> = scores
            .iter()
            .zip(&at)
            .map(|(s, &i)| {
                let k = s.fold_ids(i).iter().position(|f| f == fold)?;
                Some(s.folds(i)[k])
            })
            .collect();
        for (list, v) in out.iter_mut().zip(values.into_iter().flatten()) {
            list.push(v);
        }
    }
    (!out[0].is_empty()).then_some(out)
}

/// Each model's mean on split seed `seed` over the folds of it that every model scored
/// ([`common_fold_scores`]), or `None` when there is no such fold.
pub(super) fn common_fold_means(scores: &[&Scores], seed: u64) -> Option<Vec<f64>> {
    common_fold_scores(scores, seed)?
        .iter()
        .map(|v| mean(v))
        .collect()
}

/// Rank the models of one metric on every seed they all scored.
pub fn rank(scores: &[&Scores], higher_is_better: bool) -> Option<Ranking> {
    if scores.len() < 2 {
        return None;
    }
    let better = |a: f64, b: f64| {
        if higher_is_better {
            b.total_cmp(&a)
        } else {
            a.total_cmp(&b)
        }
    };
    let overall: Vec<f64> = scores
        .iter()
        .map(|s| mean(&s.seed_means()).unwrap_or(f64::NAN))
        .collect();
    let mut by_overall: Vec<usize> = (0..scores.len()).collect();
    by_overall.sort_by(|&i, &j| better(overall[i], overall[j]).then(i.cmp(&j)));
    let overall_best = scores[by_overall[0]].model.clone();
    // per seed, the order and the models tied for first place
    let ranked: Vec<(SeedRanking, Vec<usize>)> = scores[0]
        .seeds
        .iter()
        .filter_map(|&seed| {
            let means = common_fold_means(scores, seed)?;
            let mut order: Vec<usize> = (0..scores.len()).collect();
            order.sort_by(|&i, &j| better(means[i], means[j]).then(i.cmp(&j)));
            let first: Vec<usize> = order
                .iter()
                .copied()
                .take_while(|&i| means[i] == means[order[0]])
                .collect();
            let ranking = SeedRanking {
                seed,
                order: order.iter().map(|&i| scores[i].model.clone()).collect(),
            };
            Some((ranking, first))
        })
        .collect();
    // a tie for first place is shared: the first listed would otherwise take it
    let mut top_share: BTreeMap<String, f64> =
        scores.iter().map(|s| (s.model.clone(), 0.0)).collect();
    for (_, first) in &ranked {
        for &i in first {
            *top_share.entry(scores[i].model.clone()).or_default() +=
                1.0 / ranked.len() as f64 / first.len() as f64;
        }
    }
    let top_changes = ranked
        .iter()
        .filter(|(_, first)| first.iter().all(|&i| scores[i].model != overall_best))
        .count();
    let per_seed: Vec<SeedRanking> = ranked.into_iter().map(|(r, _)| r).collect();
    Some(Ranking {
        metric: scores[0].metric.clone(),
        overall_best,
        per_seed,
        top_share,
        top_changes,
    })
}
