//! The command line: parses arguments with clap and drives the library.

mod args;
mod datasets;
mod interrupt;
mod interval_coverage;
mod merge;
mod metrics;
mod models;
mod report;
mod run;
mod splits;
mod study;
mod summarize;
mod verify;

use anyhow::Result;
use clap::{Parser, Subcommand};

/// How much of a model's score is the random seed? Repeated, seeded cross-validation of linfa
/// models with a robustness report.
#[derive(Debug, Parser)]
#[command(name = "seedfold", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Cross-validate models over many split seeds and write the report folder.
    #[command(after_help = "Examples:
  seedfold run --dataset diabetes --model ols --model ridge --seeds 100
  seedfold run --dataset penguins --model logistic --model boosting --impute median --scale standard
  seedfold run --data my.csv --target label --model 'ridge:alpha=0.1|1|10' --splitter kfold
  seedfold run examples/breast-cancer-binary.toml --seeds 20 --out reports/quick
  seedfold run examples/many-datasets.toml --signed-rank   # [[data]]: models over 5 data sets")]
    Run(Box<run::RunArgs>),
    /// Merge the report folders of shards (--shard I/N) into the single run's report.
    #[command(after_help = "Example:
  seedfold run study.toml --shard 0/2 --out shard0 && seedfold run study.toml --shard 1/2 --out shard1
  seedfold merge shard0 shard1 --out merged")]
    Merge(merge::MergeArgs),
    /// Check a report folder against its manifest: data hash, split hashes, optionally a rerun.
    #[command(after_help = "Examples:
  seedfold verify reports/latest
  seedfold verify reports/latest --rerun 5")]
    Verify(verify::VerifyArgs),
    /// Build the robustness report from a records CSV (seedfold's or another tool's).
    #[command(after_help = "Examples:
  seedfold summarize reports/latest/records.csv --out reports/again
  seedfold summarize cv_results.csv --folds 5   # scikit-learn's cross_validate table, saved with pandas
  seedfold summarize other.csv --test-fraction 0.2 --higher-is-better my_score")]
    Summarize(Box<summarize::SummarizeArgs>),
    /// Print the folds of each split seed as CSV (split_seed,fold,row,role).
    #[command(after_help = "Example:
  seedfold splits --dataset iris --splitter stratified --folds 5 --seeds 3 > splits.csv")]
    Splits(Box<splits::SplitsArgs>),
    /// Measure how often each interval seedfold prints covers the error of the model fitted on
    /// the data, on many subsets of N rows of a larger table.
    #[command(after_help = "Example:
  seedfold coverage --dataset digits --target digit --model naive_bayes --rows 300 --subsets 100")]
    Coverage(Box<interval_coverage::CoverageArgs>),
    /// List the built-in data sets.
    Datasets,
    /// List the models with their tasks and parameters.
    Models,
    /// List the metrics with their task, direction and range.
    Metrics,
    /// Read a data set described as JSON and exit (used by seedfold itself; see `load`).
    #[command(hide = true, name = "__read-check")]
    ReadCheck {
        /// The data spec as JSON.
        spec: String,
    },
}

/// Run the command line; errors are printed by the caller.
pub fn main() -> Result<()> {
    seedfold::panic::quiet_caught_panics();
    match Cli::parse().command {
        Command::Splits(args) => splits::run(&args),
        Command::Run(args) => run::run_command(&args),
        Command::Summarize(args) => summarize::run(&args),
        Command::Merge(args) => merge::run(&args),
        Command::Verify(args) => verify::run_verify(&args),
        Command::Coverage(args) => interval_coverage::run_coverage(&args),
        Command::Datasets => datasets::run(),
        Command::Models => {
            models::run();
            Ok(())
        }
        Command::Metrics => {
            metrics::run();
            Ok(())
        }
        Command::ReadCheck { spec } => {
            seedfold::data::load(&serde_json::from_str(&spec)?)?;
            Ok(())
        }
    }
}

/// Load the data, printing hints on stderr.
fn load(spec: &seedfold::data::DataSpec) -> Result<seedfold::data::Table> {
    survives_reading(spec)?;
    let loaded = seedfold::data::load(spec)?;
    seedfold::execute::release_freed_memory();
    for hint in &loaded.hints {
        eprintln!("note: {hint}");
    }
    Ok(loaded.table)
}

/// A Parquet file is read once in a child process first: a corrupt page can make the Parquet
/// reader ask for an impossible allocation, which aborts the process (no panic to catch), so
/// only a child can take that blow. A clean error or success in the child lets the real read go
/// ahead (which then reports the same clean error).
fn survives_reading(spec: &seedfold::data::DataSpec) -> Result<()> {
    let seedfold::data::DataSource::File(path) = &spec.source else {
        return Ok(());
    };
    if !path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("parquet"))
    {
        return Ok(());
    }
    let status = std::process::Command::new(std::env::current_exe()?)
        .arg("__read-check")
        .arg(serde_json::to_string(spec)?)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()?;
    // 0: read; 2: a clean error the real read repeats; anything else: the reader crashed
    if matches!(status.code(), Some(0 | 2)) {
        return Ok(());
    }
    Err(seedfold::Error::Malformed {
        path: path.clone(),
        format: "Parquet",
        reason: format!(
            "the Parquet reader crashed on it ({status}), as it does on a corrupt page; write the file again from its source"
        ),
    }
    .into())
}
