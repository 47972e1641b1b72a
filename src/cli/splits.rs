//! `seedfold splits`: show which rows each fold trains and tests on.

use super::args::{DataArgs, SeedArgs, SplitArgs};
use anyhow::Result;
use clap::Args;
use seedfold::run::ExperimentFile;
use seedfold::split::Splitter;
use std::io::Write;
use std::path::PathBuf;

/// Options of `seedfold splits`.
#[derive(Debug, Args)]
pub struct SplitsArgs {
    #[command(flatten)]
    data: DataArgs,
    #[command(flatten)]
    split: SplitArgs,
    #[command(flatten)]
    seeds: SeedArgs,
    /// Write the CSV here instead of stdout.
    #[arg(long)]
    out: Option<PathBuf>,
}

pub fn run(args: &SplitsArgs) -> Result<()> {
    let mut file = ExperimentFile::default();
    args.data.apply(&mut file);
    args.split.apply(&mut file);
    args.seeds.apply(&mut file);
    let table = super::load(&file.data_spec()?)?;
    let experiment = file.resolve(table.y.task())?;
    let splitter = Splitter::new(&experiment.split, &table)?;
    super::warn(splitter.warnings());
    let folds: Vec<_> = experiment
        .split_seeds
        .iter()
        .map(|&s| (s, splitter.split(s)))
        .collect();
    let csv = seedfold::report::render_splits(folds.iter().map(|(s, f)| (*s, f.as_slice())));
    match &args.out {
        Some(path) => seedfold::report::write_atomic(path, csv.as_bytes())?,
        None => std::io::stdout().lock().write_all(csv.as_bytes())?,
    }
    Ok(())
}
