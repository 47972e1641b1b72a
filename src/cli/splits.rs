//! `seedfold splits`: show which rows each fold trains and tests on.

use super::args::{DataArgs, SeedArgs, SplitArgs};
use anyhow::Result;
use clap::Args;
use seedfold::run::ExperimentFile;
use seedfold::split::Splitter;
use std::io::Write;
use std::path::PathBuf;

/// Options of `seedfold splits`. The data flags that cannot change a fold (how columns are
/// encoded, imputed or scaled) are accepted, so a run's flags can be pasted here, but not
/// listed; `--impute drop-rows`, `--na-values` and `--strict` decide which rows there are,
/// and stay.
#[derive(Debug, Args)]
#[command(
    mut_arg("categorical", |a| a.hide(true)),
    mut_arg("impute_categorical", |a| a.hide(true)),
    mut_arg("scale", |a| a.hide(true)),
    mut_arg("drop", |a| a.hide(true))
)]
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
    let file = ExperimentFile {
        data: args.data.section(),
        preprocess: args.data.preprocess_section(),
        split: args.split.section(),
        seeds: args.seeds.spec(),
        ..ExperimentFile::default()
    };
    let table = super::load(&file.data_spec()?)?;
    let experiment = file.resolve(table.y.task())?;
    let splitter = Splitter::new(&experiment.split, &table)?;
    super::warn(splitter.warnings());
    let seeds = &experiment.split_seeds;
    splitter.check_seeds(seeds)?;
    let csv = seedfold::report::render_splits(seeds.iter().map(|&s| (s, splitter.split(s))));
    match &args.out {
        Some(path) => seedfold::report::write_atomic(path, csv.as_bytes())?,
        None => std::io::stdout().lock().write_all(csv.as_bytes())?,
    }
    Ok(())
}
