//! `seedfold summarize`: the robustness report from any long-format records CSV.

use super::report::StatsArgs;
use anyhow::Result;
use clap::Args;
use seedfold::execute::{summarize, Summary};
use std::path::PathBuf;

/// Options of `seedfold summarize`.
#[derive(Debug, Args)]
// one records file is one data set: the signed-rank test over data sets does not apply
#[command(mut_arg("signed_rank", |a| a.hide(true)))]
pub struct SummarizeArgs {
    /// Records CSV with at least model,seed,fold,metric,value (seedfold's records.csv works),
    /// or scikit-learn's cross_validate table (test_<scorer> columns, one row per split).
    records: PathBuf,
    /// Folds per seed of a cross_validate table without seed and fold columns: row i is seed
    /// i / K, fold i % K (RepeatedKFold's order); also the test fraction 1/K when not given.
    #[arg(long)]
    folds: Option<usize>,
    /// Report folder [default: reports/summary, replaced by every summary]. A folder given
    /// here must be empty unless --overwrite.
    #[arg(long)]
    out: Option<PathBuf>,
    /// Replace the report already in --out.
    #[arg(long)]
    overwrite: bool,
    /// Each test fold's share of the rows, when the records have no n_train,n_test.
    #[arg(long)]
    test_fraction: Option<f64>,
    /// Metrics not known to seedfold for which higher is better.
    #[arg(long, value_delimiter = ',')]
    higher_is_better: Vec<String>,
    /// Metrics not known to seedfold for which lower is better.
    #[arg(long, value_delimiter = ',')]
    lower_is_better: Vec<String>,
    #[command(flatten)]
    stats: StatsArgs,
}

pub fn run(args: &SummarizeArgs) -> Result<()> {
    summarize(&Summary {
        records: args.records.clone(),
        folds: args.folds,
        out: args.out.clone(),
        overwrite: args.overwrite,
        test_fraction: args.test_fraction,
        higher_is_better: args.higher_is_better.clone(),
        lower_is_better: args.lower_is_better.clone(),
        stats: args.stats.section(),
    })
}
