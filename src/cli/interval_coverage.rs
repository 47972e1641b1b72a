//! `seedfold coverage`: how often each interval seedfold prints covers what it should, measured
//! on data like the user's. From a larger table it draws many subsets of N rows; on each it runs
//! seedfold as a user with N rows would, and fits the model on the whole subset to score it on
//! rows outside it (the error of the model this user would ship, Err_XY); an interval covers
//! when it holds that score.

use super::args::DataArgs;
use anyhow::{bail, Result};
use clap::Args;
use rayon::prelude::*;
use seedfold::data::{Table, Task};
use seedfold::metric::{score, Metric};
use seedfold::model::{build_models, FoldData, ModelSpec};
use seedfold::rng::{self, Purpose};
use seedfold::run::{gather, nested_reps, run, ExperimentFile, RunPlan, Silent, TestTruth};
use seedfold::split::{Fold, SplitConfig, Splitter, SplitterKind};
use seedfold::stats::{group_scores, ncv_interval, summarize, wilson, Interval, Options};

/// Options of `seedfold coverage`.
#[derive(Debug, Args)]
pub struct CoverageArgs {
    #[command(flatten)]
    data: DataArgs,
    /// The model, e.g. `ols` or `logistic:alpha=0.1`.
    #[arg(long)]
    model: String,
    /// Rows per subset: the size of the data set whose intervals are checked.
    #[arg(long)]
    rows: usize,
    /// Subsets drawn (disjoint while the table holds enough rows).
    #[arg(long, default_value_t = 200)]
    subsets: usize,
    /// Split seeds of each subset's run.
    #[arg(long, default_value_t = 10)]
    seeds: u64,
    /// Folds of each subset's run (k-fold; stratified for classes).
    #[arg(long, default_value_t = 5)]
    folds: usize,
    /// The metric [default: mse, or accuracy for classes].
    #[arg(long)]
    metric: Option<String>,
    /// Also the nested cross-validation interval (K(K − 1)/2 more fits per split seed).
    #[arg(long)]
    ncv: bool,
    /// Rows outside a subset that score its model (at most).
    #[arg(long, default_value_t = 20_000)]
    holdout: usize,
    /// Seed of the subsets.
    #[arg(long, default_value_t = 0)]
    seed: u64,
}

/// The intervals checked, in the table's order.
const INTERVALS: [&str; 4] = [
    "t over split seeds",
    "Nadeau–Bengio",
    "BCa over split seeds",
    "nested CV",
];

pub fn run_coverage(args: &CoverageArgs) -> Result<()> {
    let file = ExperimentFile {
        data: args.data.section(),
        preprocess: args.data.preprocess_section(),
        ..ExperimentFile::default()
    };
    let table = super::load(&file.data_spec()?)?;
    let n = table.n_rows();
    if args.rows < 2 * args.folds || args.rows * 2 > n {
        bail!(
            "--rows {} must be at least 2 × --folds ({}) and at most half the table's {n} rows, so rows outside each subset can score its model",
            args.rows,
            2 * args.folds
        );
    }
    if args.subsets < 2 || args.seeds < 2 {
        bail!("give at least 2 --subsets and 2 --seeds");
    }
    let task = table.y.task();
    let n_classes = table.y.classes().map_or(0, |(_, c)| c.len());
    let metric: Metric = match &args.metric {
        Some(m) => m.parse()?,
        // losses with a value per row, so the nested interval applies too
        None => match task {
            Task::Regression => Metric::Mse,
            Task::Classification => Metric::Accuracy,
        },
    };
    metric.check(task, n_classes)?;
    let models = build_models(&ModelSpec::parse(&args.model)?, task, false)?;
    if models.len() != 1 {
        bail!("give one model, not a grid");
    }
    let subsets = draw_subsets(n, args.rows, args.subsets, args.seed);
    let outcomes: Vec<Result<[Option<bool>; 4]>> = subsets
        .par_iter()
        .map(|(subset, holdout)| {
            check_one(
                &table,
                args,
                metric,
                &models,
                subset,
                &holdout[..holdout.len().min(args.holdout)],
            )
        })
        .collect();
    let mut covered = [0usize; 4];
    let mut counted = [0usize; 4];
    for outcome in outcomes {
        for (i, hit) in outcome?.iter().enumerate() {
            if let Some(hit) = hit {
                counted[i] += 1;
                covered[i] += usize::from(*hit);
            }
        }
    }
    println!(
        "{} on {} ({} subsets of {} rows, {} split seeds × {} folds each; 95 % intervals; truth: the model fitted on the subset, scored on up to {} other rows)",
        args.model, metric, args.subsets, args.rows, args.seeds, args.folds, args.holdout
    );
    println!("interval                  covered  coverage  its 95 % interval");
    for (i, name) in INTERVALS.iter().enumerate() {
        if counted[i] == 0 {
            continue;
        }
        let share = covered[i] as f64 / counted[i] as f64;
        let Interval { lower, upper, .. } = wilson(covered[i] as f64, counted[i] as f64, 0.95);
        println!(
            "{name:<24}  {:>4}/{:<4} {:>6.1} %  [{:.1} %, {:.1} %]",
            covered[i],
            counted[i],
            100.0 * share,
            100.0 * lower,
            100.0 * upper
        );
    }
    Ok(())
}

/// `count` subsets of `rows` rows of an `n`-row table with the other rows (shuffled) beside
/// each: consecutive blocks of one permutation while they fit, a fresh permutation each after.
fn draw_subsets(n: usize, rows: usize, count: usize, seed: u64) -> Vec<(Vec<usize>, Vec<usize>)> {
    let mut rng = rng::stream(seed, Purpose::Split);
    let mut order = rng::permutation(n, &mut rng);
    let mut next = 0;
    (0..count)
        .map(|_| {
            if next + rows > n {
                order = rng::permutation(n, &mut rng);
                next = 0;
            }
            let subset = order[next..next + rows].to_vec();
            let others = order[..next]
                .iter()
                .chain(&order[next + rows..])
                .copied()
                .collect();
            next += rows;
            (subset, others)
        })
        .collect()
}

/// Whether each interval covered on one subset (`None`: that interval does not exist there).
fn check_one(
    table: &Table,
    args: &CoverageArgs,
    metric: Metric,
    models: &[std::sync::Arc<dyn seedfold::model::Model>],
    subset: &[usize],
    holdout: &[usize],
) -> Result<[Option<bool>; 4]> {
    let sub = table.rows(subset);
    let split = SplitConfig {
        kind: match sub.y.task() {
            Task::Classification => SplitterKind::Stratified,
            Task::Regression => SplitterKind::Kfold,
        },
        folds: args.folds,
        ..SplitConfig::default()
    };
    let splitter = Splitter::new(&split, &sub)?;
    let seeds: Vec<u64> = (0..args.seeds).collect();
    let mut plan = RunPlan::new(&sub, &splitter, models, &seeds)?;
    plan.metrics = vec![vec![metric]];
    plan.threads = Some(1);
    let records = run(&plan, &Silent)?.records;
    let scores = group_scores(&records);
    let Some(summary) = scores
        .first()
        .and_then(|s| summarize(s, metric.scale(), &Options::default()))
    else {
        bail!("every fit failed on a subset of {} rows", args.rows);
    };
    // the truth: the model fitted on the whole subset, scored on rows outside it
    let (data, _): (FoldData, usize) = gather(
        table,
        &Fold {
            train: subset.to_vec(),
            test: holdout.to_vec(),
        },
    );
    let fitted = models[0]
        .fit_predict(
            &data,
            rng::stream(
                0,
                Purpose::Model {
                    split_seed: 0,
                    fold: 0,
                },
            ),
        )
        .map_err(|e| anyhow::anyhow!("the model failed on a whole subset: {e}"))?;
    let truth = score(
        metric,
        TestTruth::of(table, holdout).view(),
        &fitted.predictions,
    )
    .map_err(|e| anyhow::anyhow!("{e}"))?;
    let holds = |i: Option<(f64, f64)>| i.map(|(lo, hi)| lo <= truth && truth <= hi);
    let ncv = if args.ncv && metric.is_row_mean() {
        let (sum, rows) = records.iter().fold((0.0, 0.0), |(s, r), rec| {
            let v = rec.value.unwrap_or(f64::NAN);
            (s + v * rec.n_test as f64, r + rec.n_test as f64)
        });
        nested_reps(&plan, models[0].as_ref(), &[metric], &seeds)
            .ok()
            .and_then(|reps| {
                ncv_interval(&reps[0].1, sum / rows, args.rows, 0.95)
                    .value()
                    .map(|i| (i.lower, i.upper))
            })
    } else {
        None
    };
    let ends = |i: Option<&Interval>| i.map(|i| (i.lower, i.upper));
    Ok([
        holds(ends(summary.across_seeds.ci.value())),
        holds(ends(summary.folds.corrected_ci.value())),
        holds(summary.bootstrap_ci.value().map(|b| (b.lower, b.upper))),
        holds(ncv),
    ])
}
