//! The command line: parses arguments with clap and drives the library.

mod args;
mod datasets;
mod execute;
mod merge;
mod models;
mod progress;
mod report;
mod run;
mod splits;
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
    Run(Box<run::RunArgs>),
    /// Merge the report folders of shards (--shard I/N) into the single run's report.
    Merge(merge::MergeArgs),
    /// Check a report folder against its manifest: data hash, split hashes, optionally a rerun.
    Verify(verify::VerifyArgs),
    /// Build the robustness report from a records CSV (seedfold's or another tool's).
    Summarize(Box<summarize::SummarizeArgs>),
    /// Print the folds of each split seed as CSV (split_seed,fold,row,role).
    Splits(Box<splits::SplitsArgs>),
    /// List the built-in data sets.
    Datasets,
    /// List the models with their tasks and parameters.
    Models,
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
        Command::Datasets => datasets::run(),
        Command::Models => {
            models::run();
            Ok(())
        }
    }
}

/// Load the data, printing hints on stderr.
fn load(spec: &seedfold::data::DataSpec) -> Result<seedfold::data::Table> {
    let loaded = seedfold::data::load(spec)?;
    release_freed_memory();
    for hint in &loaded.hints {
        eprintln!("note: {hint}");
    }
    Ok(loaded.table)
}

/// Hand back to the system the memory the data reader freed: glibc keeps freed heap pages for
/// reuse, so the reader's frame (as large as the data) would otherwise stay resident beside
/// the table for the whole run.
fn release_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only returns unused heap pages; no live allocation is touched.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// Show library warnings on stderr.
fn warn(warnings: &[String]) {
    for w in warnings {
        eprintln!("warning: {w}");
    }
}
