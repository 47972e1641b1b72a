//! `seedfold splits`: show which rows each fold trains and tests on.

use super::args::{DataArgs, SeedArgs, SplitArgs};
use anyhow::Result;
use clap::Args;
use seedfold::run::{inner_folds, ExperimentFile};
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
    /// List instead the inner folds a tuned model's cross-validation makes of every outer
    /// fold's training rows, with this many inner folds (`seedfold run --tune-folds`):
    /// columns split_seed,fold,inner_fold,row,role.
    #[arg(long)]
    tune_folds: Option<usize>,
    /// Write the CSV here instead of stdout.
    #[arg(long)]
    out: Option<PathBuf>,
}

pub fn run(args: &SplitsArgs) -> Result<()> {
    if matches!(args.seeds.spec(), Some(seedfold::run::SeedSpec::Auto(_))) {
        anyhow::bail!("--seeds auto decides its seeds while a run goes; list the folds of the seeds it chose with --seed-list (see the run's manifest.json) or of a count, e.g. --seeds 10");
    }
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
    seedfold::execute::warn(splitter.warnings());
    let seeds = &experiment.split_seeds;
    splitter.check_seeds(seeds)?;
    let csv = match args.tune_folds {
        None => seedfold::report::render_splits(seeds.iter().map(|&s| (s, splitter.split(s)))),
        Some(k) => inner_splits(&splitter, seeds, k)?,
    };
    match &args.out {
        Some(path) => seedfold::report::write_atomic(path, csv.as_bytes())?,
        None => std::io::stdout().lock().write_all(csv.as_bytes())?,
    }
    Ok(())
}

/// The inner folds of every outer fold, as CSV rows `split_seed,fold,inner_fold,row,role`
/// (rows of the table, test before train).
fn inner_splits(splitter: &Splitter, seeds: &[u64], k: usize) -> Result<String> {
    use std::fmt::Write as _;
    let mut csv = String::from("split_seed,fold,inner_fold,row,role\n");
    for &seed in seeds {
        for (f, outer) in splitter.split(seed).iter().enumerate() {
            let (inner, _) = inner_folds(splitter, k, (seed, f), &outer.train)?;
            for (i, fold) in inner.iter().enumerate() {
                for (rows, role) in [(&fold.test, "test"), (&fold.train, "train")] {
                    for row in rows {
                        writeln!(csv, "{seed},{f},{i},{row},{role}")?;
                    }
                }
            }
        }
    }
    Ok(csv)
}
