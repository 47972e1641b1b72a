//! `seedfold run`: options and experiment file in, resolved experiment out to `execute`.

use super::args::{DataArgs, SeedArgs, SplitArgs};
use super::report::StatsArgs;
use anyhow::Result;
use clap::Args;
use seedfold::run::{ExperimentFile, SeedSpec};
use std::path::PathBuf;

/// Options of `seedfold run`.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// An experiment file (TOML); flags given here override it.
    experiment: Option<PathBuf>,
    #[command(flatten)]
    data: DataArgs,
    /// A model, e.g. `ridge`, `ridge:alpha=0.5`, `ridge:alpha=0.1|1|10` (repeatable; see `seedfold models`).
    #[arg(long = "model")]
    models: Vec<String>,
    #[command(flatten)]
    split: SplitArgs,
    #[command(flatten)]
    seeds: SeedArgs,
    /// Model seeds for stochastic models: N (0..N-1), a range A..B, or a list [default: 1].
    #[arg(long)]
    model_seeds: Option<SeedSpec>,
    /// Metrics, comma-separated (default: r2,rmse,mae or accuracy,f1_macro[,roc_auc]).
    #[arg(long, value_delimiter = ',')]
    metrics: Option<Vec<String>>,
    /// Report folder [default: reports/latest].
    #[arg(long)]
    out: Option<PathBuf>,
    /// Run only the split seeds whose index i has i % N == I, written I/N (for cluster job arrays).
    #[arg(long)]
    shard: Option<String>,
    /// Finish an interrupted run in --out (same configuration) from its completed seeds.
    #[arg(long)]
    resume: bool,
    /// Worker threads (default: all cores); results do not depend on it.
    #[arg(long)]
    threads: Option<usize>,
    /// No progress bar.
    #[arg(long)]
    quiet: bool,
    /// Also write splits.csv.
    #[arg(long)]
    save_splits: bool,
    /// Also write predictions.csv (out-of-fold predictions).
    #[arg(long)]
    save_predictions: bool,
    /// Stop at the first failed fold instead of recording it.
    #[arg(long)]
    fail_fast: bool,
    /// Fit every model through linfa, without seedfold's exact fast paths (for comparison).
    #[arg(long)]
    exact_linfa: bool,
    #[command(flatten)]
    stats: StatsArgs,
}

pub fn run_command(args: &RunArgs) -> Result<()> {
    let mut file = match &args.experiment {
        Some(path) => ExperimentFile::load(path)?,
        None => ExperimentFile::default(),
    };
    args.data.apply(&mut file);
    args.split.apply(&mut file);
    args.seeds.apply(&mut file);
    args.stats.apply(&mut file.stats);
    if !args.models.is_empty() {
        file.models = Some(args.models.clone());
    }
    file.model_seeds = args.model_seeds.clone().or(file.model_seeds.take());
    file.metrics = args.metrics.clone().or(file.metrics.take());
    file.shard = args.shard.clone().or(file.shard.take());
    if args.exact_linfa {
        file.exact_linfa = Some(true);
    }
    let out = args
        .out
        .clone()
        .or(file.output.out.take())
        .unwrap_or_else(|| PathBuf::from("reports/latest"));
    for (flag, field) in [
        (args.save_splits, &mut file.output.save_splits),
        (args.save_predictions, &mut file.output.save_predictions),
        (args.fail_fast, &mut file.output.fail_fast),
    ] {
        if flag {
            *field = Some(true);
        }
    }
    let table = super::load(&file.data_spec()?)?;
    let experiment = file.resolve(table.y.task())?;
    super::execute::execute(
        &experiment,
        table,
        &out,
        args.threads,
        args.quiet,
        args.resume,
    )
}
