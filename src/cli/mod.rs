//! The command line: parses arguments with clap and drives the library.

mod args;
mod datasets;
mod splits;

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
    /// Print the folds of each split seed as CSV (split_seed,fold,row,role).
    Splits(Box<splits::SplitsArgs>),
    /// List the built-in data sets.
    Datasets,
}

/// Run the command line; errors are printed by the caller.
pub fn main() -> Result<()> {
    match Cli::parse().command {
        Command::Splits(args) => splits::run(&args),
        Command::Datasets => datasets::run(),
    }
}

/// Show library warnings on stderr.
fn warn(warnings: &[String]) {
    for w in warnings {
        eprintln!("warning: {w}");
    }
}
