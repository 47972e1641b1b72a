//! `seedfold run`: every model on every fold of every seed, then the report folder.

use super::args::{parse_seed_range, DataArgs, SeedArgs, SplitArgs};
use super::progress::Bar;
use super::report::{write, write_report, StatsArgs};
use anyhow::Result;
use clap::Args;
use seedfold::metric::Metric;
use seedfold::model::{build_models, ModelSpec};
use seedfold::report::{render_predictions, render_records, render_records_parquet, render_splits};
use seedfold::run::{metrics_for, run, RunPlan};
use seedfold::split::Splitter;
use std::path::PathBuf;

/// Options of `seedfold run`.
#[derive(Debug, Args)]
pub struct RunArgs {
    #[command(flatten)]
    data: DataArgs,
    /// A model, e.g. `ridge`, `ridge:alpha=0.5`, `ridge:alpha=0.1|1|10` (repeatable; see `seedfold models`).
    #[arg(long = "model", required = true)]
    models: Vec<String>,
    #[command(flatten)]
    split: SplitArgs,
    #[command(flatten)]
    seeds: SeedArgs,
    /// Model seeds for stochastic models: N (0..N-1) or a range A..B.
    #[arg(long, default_value = "1")]
    model_seeds: String,
    /// Metrics, comma-separated (default: r2,rmse,mae or accuracy,f1_macro[,roc_auc]).
    #[arg(long, value_delimiter = ',')]
    metrics: Option<Vec<String>>,
    /// Report folder.
    #[arg(long, default_value = "reports/latest")]
    out: PathBuf,
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
    #[command(flatten)]
    stats: StatsArgs,
}

pub fn run_command(args: &RunArgs) -> Result<()> {
    let options = args.stats.options(None)?;
    let table = args.data.load()?.table;
    let task = table.y.task();
    let n_classes = table.y.classes().map_or(0, |(_, c)| c.len());
    let splitter = Splitter::new(&args.split.config(task), &table)?;
    super::warn(splitter.warnings());
    let split_seeds = args.seeds.seeds()?;
    let model_seeds = parse_seed_range(&args.model_seeds)?;
    anyhow::ensure!(
        !model_seeds.is_empty(),
        "--model-seeds must name at least one seed"
    );
    if split_seeds.len() > 1 && !splitter.config().kind.is_seeded() {
        super::warn(&[format!(
            "the {} splitter ignores the split seed: every seed gives the same folds",
            splitter.config().kind.name()
        )]);
    }
    let specs: Vec<ModelSpec> = args
        .models
        .iter()
        .map(|m| ModelSpec::parse(m))
        .collect::<Result<Vec<_>, _>>()?
        .concat();
    let models = build_models(&specs, task, n_classes)?;
    let requested: Option<Vec<Metric>> = args
        .metrics
        .as_ref()
        .map(|m| m.iter().map(|s| s.parse()).collect::<Result<_, _>>())
        .transpose()?;
    let plan = RunPlan {
        table: &table,
        splitter: &splitter,
        models: &models,
        metrics: metrics_for(requested.as_deref(), &models, task, n_classes)?,
        split_seeds: &split_seeds,
        model_seeds: &model_seeds,
        keep_predictions: args.save_predictions,
        fail_fast: args.fail_fast,
        threads: args.threads,
    };
    seedfold::model::quiet_model_panics();
    let output = run(&plan, &Bar::new(args.quiet))?;
    let out = &args.out;
    write(
        out,
        "records.csv",
        render_records(&output.records).as_bytes(),
    )?;
    write(
        out,
        "records.parquet",
        &render_records_parquet(&output.records)?,
    )?;
    if args.save_splits {
        let folds: Vec<_> = split_seeds
            .iter()
            .map(|&s| (s, splitter.split(s)))
            .collect();
        write(
            out,
            "splits.csv",
            render_splits(folds.iter().map(|(s, f)| (*s, f.as_slice()))).as_bytes(),
        )?;
    }
    if args.save_predictions {
        write(
            out,
            "predictions.csv",
            render_predictions(&table, &output.predictions).as_bytes(),
        )?;
    }
    let kind = splitter.config().kind.name();
    let about = vec![
        format!(
            "Data: {} ({} rows × {} features, {task}, target {})",
            table.name,
            table.n_rows(),
            table.x.ncols(),
            table.target_name
        ),
        format!(
            "Splitter: {kind}, {} folds per seed; {}",
            args.split.folds,
            describe_seeds("split seeds", &split_seeds)
        ),
        format!(
            "Models: {}; {}",
            specs
                .iter()
                .map(ModelSpec::name)
                .collect::<Vec<_>>()
                .join(", "),
            describe_seeds("model seeds", &model_seeds)
        ),
    ];
    let direction = |m: &str| m.parse::<Metric>().is_ok_and(|m| m.higher_is_better());
    write_report(
        out,
        &output.records,
        &direction,
        &options,
        &table.name,
        &about,
    )?;
    let failed = output
        .records
        .iter()
        .filter(|r| r.status == seedfold::run::Status::Failed)
        .count();
    if failed > 0 {
        let first = output
            .records
            .iter()
            .find(|r| r.error.is_some())
            .and_then(|r| r.error.clone())
            .unwrap_or_default();
        eprintln!(
            "warning: {failed} of {} scores failed (first: {first}); see records.csv",
            output.records.len()
        );
    }
    eprintln!("wrote {}", out.display());
    Ok(())
}

/// "split seeds 0–99 (100)" or the list when it is not a range.
fn describe_seeds(what: &str, seeds: &[u64]) -> String {
    let (first, last) = (seeds[0], seeds[seeds.len() - 1]);
    if seeds.len() == 1 {
        format!("{what} {first}")
    } else if last - first + 1 == seeds.len() as u64 {
        format!("{what} {first}–{last} ({})", seeds.len())
    } else {
        let list: Vec<String> = seeds.iter().map(u64::to_string).collect();
        format!("{what} {} ({})", list.join(", "), seeds.len())
    }
}
