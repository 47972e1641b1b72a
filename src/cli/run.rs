//! `seedfold run`: options and experiment file in, resolved experiment out to `execute`.

use super::args::{DataArgs, SeedArgs, SplitArgs};
use super::interrupt::stopping_on_ctrl_c;
use super::report::StatsArgs;
use anyhow::{bail, Result};
use clap::Args;
use seedfold::model::{TuneRule, TuneSpec};
use seedfold::run::{ExperimentFile, ExtraInterval, OutputSection, SeedSpec};
use std::path::PathBuf;

/// Options of `seedfold run`.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// An experiment file (TOML); flags given here override it. With `[[data]]` entries it is
    /// a study over many data sets: one report per data set, and the models compared over them.
    experiment: Option<PathBuf>,
    #[command(flatten)]
    data: DataArgs,
    /// A model, e.g. `ridge`, `ridge:alpha=0.5`, `ridge:alpha=0.1|1|10` (repeatable; see `seedfold models`).
    #[arg(long = "model", help_heading = "Models")]
    models: Vec<String>,
    /// A grid evaluated as one tuned model by nested cross-validation, e.g.
    /// `ridge:alpha=0.01|1|100` → `ridge(tuned)`: each outer fold picks its grid point by an
    /// inner cross-validation on its training rows only (repeatable).
    #[arg(long = "tune", help_heading = "Models")]
    tune: Vec<String>,
    /// How a tuned model picks: the best inner mean, or the simplest point within one
    /// standard error of it.
    #[arg(long, value_enum, default_value_t, help_heading = "Models")]
    tune_rule: TuneRule,
    /// Inner folds of a tuned model (k-fold; stratified or grouped as the outer splitter).
    #[arg(long, default_value_t = 5, help_heading = "Models")]
    tune_folds: usize,
    /// The metric a tuned model's inner cross-validation compares on [default: the first of
    /// --metrics].
    #[arg(long, help_heading = "Models")]
    tune_metric: Option<String>,
    #[command(flatten)]
    split: SplitArgs,
    #[command(flatten)]
    seeds: SeedArgs,
    /// Model seeds for stochastic models: N (0..N-1), a range A..B, or a list [default: 1].
    #[arg(long, help_heading = "Seeds")]
    model_seeds: Option<SeedSpec>,
    /// With --seeds auto: the most split seeds it may take [default: 1000].
    #[arg(long, help_heading = "Seeds")]
    max_seeds: Option<u64>,
    /// Metrics, comma-separated (default: r2,rmse,mae or accuracy,f1_macro[,roc_auc]).
    #[arg(long, value_delimiter = ',', help_heading = "Metrics")]
    metrics: Option<Vec<String>>,
    /// Report folder [default: reports/latest, replaced by every run]. A folder given here
    /// must be empty, or hold an interrupted run to --resume, unless --overwrite.
    #[arg(long, help_heading = "Output")]
    out: Option<PathBuf>,
    /// Replace the report already in --out (seedfold's files there are removed first).
    #[arg(long, help_heading = "Output")]
    overwrite: bool,
    /// Longest one fit may run, in seconds; a fit past it is recorded as failed and the run
    /// goes on [default: 600].
    #[arg(long, value_parser = parse_timeout, help_heading = "Running")]
    fit_timeout: Option<std::time::Duration>,
    /// Run only the split seeds whose index i has i % N == I, written I/N (for cluster job arrays).
    #[arg(long, help_heading = "Running")]
    shard: Option<String>,
    /// Finish an interrupted run in --out (same configuration) from its completed seeds.
    #[arg(long, help_heading = "Output")]
    resume: bool,
    /// Worker threads (default: all cores); results do not depend on it.
    #[arg(long, help_heading = "Running")]
    threads: Option<usize>,
    /// No progress bar.
    #[arg(long, help_heading = "Output")]
    quiet: bool,
    /// Also write splits.csv.
    #[arg(long, help_heading = "Output")]
    save_splits: bool,
    /// Also write predictions.csv (out-of-fold predictions).
    #[arg(long, help_heading = "Output")]
    save_predictions: bool,
    /// Stop at the first failed fold instead of recording it.
    #[arg(long, help_heading = "Running")]
    fail_fast: bool,
    /// Fit every model through linfa, without seedfold's exact fast paths (for comparison).
    #[arg(long, help_heading = "Models")]
    exact_linfa: bool,
    /// Learning curve: also fit each fold on these shares of its training rows (nested,
    /// seeded, stratified with a stratified splitter), scored on the same test rows, e.g.
    /// 0.1,0.25,0.5 (the whole share, 1, is always fitted).
    #[arg(long, value_delimiter = ',', help_heading = "Models")]
    learning_curve: Option<Vec<f64>>,
    /// Also report this interval: `ncv`, the nested cross-validation interval of Bates, Hastie
    /// & Tibshirani (2024), which widens the naive one by the folds' measured correlation
    /// (metrics that are a mean over rows; K(K − 1)/2 more fits per split seed).
    #[arg(long, value_enum, help_heading = "Statistics")]
    interval: Option<ExtraInterval>,
    /// Also test every model against chance: the first split seed's folds refitted on N
    /// permutations of the target (scikit-learn's permutation_test_score, same permutations;
    /// within each group with --groups), p = (1 + permutations scoring as well) / (1 + N).
    #[arg(long, help_heading = "Statistics")]
    permutations: Option<usize>,
    #[command(flatten)]
    stats: StatsArgs,
}

pub fn run_command(args: &RunArgs) -> Result<()> {
    let base = match &args.experiment {
        Some(path) => ExperimentFile::load(path)?,
        None => ExperimentFile::default(),
    };
    let flags = ExperimentFile {
        data: args.data.section(),
        preprocess: args.data.preprocess_section(),
        split: args.split.section(),
        seeds: args.seeds.spec(),
        max_seeds: args.max_seeds,
        model_seeds: args.model_seeds.clone(),
        models: (!args.models.is_empty()).then(|| args.models.clone()),
        tune: (!args.tune.is_empty()).then(|| {
            args.tune
                .iter()
                .map(|grid| TuneSpec {
                    model: grid.clone(),
                    rule: args.tune_rule,
                    folds: args.tune_folds,
                    metric: args.tune_metric.clone(),
                })
                .collect()
        }),
        interval: args.interval,
        permutations: args.permutations,
        metrics: args.metrics.clone(),
        shard: args.shard.clone(),
        exact_linfa: args.exact_linfa.then_some(true),
        learning_curve: args.learning_curve.clone(),
        stats: args.stats.section(),
        output: OutputSection {
            out: args.out.clone(),
            save_splits: args.save_splits.then_some(true),
            save_predictions: args.save_predictions.then_some(true),
            fail_fast: args.fail_fast.then_some(true),
        },
        datasets: Vec::new(),
    };
    let file = base.overlay(flags);
    // the default folder holds the latest run by name: a new run replaces it
    let (out, overwrite) = match file.output.out.clone() {
        Some(out) => (out, args.overwrite),
        None => (PathBuf::from("reports/latest"), true),
    };
    let mode = seedfold::execute::Mode {
        resume: args.resume,
        overwrite,
    };
    let how = seedfold::execute::Execution {
        out: &out,
        threads: args.threads,
        quiet: args.quiet,
        mode,
        fit_timeout: args.fit_timeout.unwrap_or(seedfold::run::FIT_TIMEOUT),
        plugged: &[],
    };
    if !file.datasets.is_empty() {
        if flags_name_data(&args.data.section()) {
            bail!("the experiment file lists its data sets in [[data]]: leave out --dataset, --data, --target, --features, --groups and --task, or use a file with one [data]");
        }
        return stopping_on_ctrl_c(|| super::study::run_study(&file, &how));
    }
    // from the load on: Ctrl-C while the data loads stops the run as soon as it starts
    stopping_on_ctrl_c(|| {
        let table = super::load(&file.data_spec()?)?;
        let experiment = file.resolve(table.y.task())?;
        seedfold::execute::execute(&experiment, table, &how)
    })
}

/// Whether the command line names data or its columns.
fn flags_name_data(d: &seedfold::run::DataSection) -> bool {
    d.dataset.is_some()
        || d.file.is_some()
        || d.target.is_some()
        || d.features.is_some()
        || d.groups.is_some()
        || d.task.is_some()
}

/// Longest fit timeout, in seconds (about 31 years: "no limit" in practice).
const MAX_TIMEOUT_SECONDS: f64 = 1e9;

/// Seconds from 0 (exclusive) to [`MAX_TIMEOUT_SECONDS`] as a duration.
fn parse_timeout(text: &str) -> std::result::Result<std::time::Duration, String> {
    let seconds = text
        .trim()
        .parse::<f64>()
        .ok()
        .filter(|s| s.is_finite() && *s > 0.0)
        .ok_or_else(|| format!("'{text}' is not a number of seconds > 0, e.g. 600"))?;
    if seconds > MAX_TIMEOUT_SECONDS {
        return Err(format!(
            "{text} seconds is longer than the longest fit timeout, {MAX_TIMEOUT_SECONDS:e} s (about 31 years); give e.g. 86400 for a day"
        ));
    }
    Ok(std::time::Duration::from_secs_f64(seconds))
}
