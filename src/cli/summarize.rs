//! `seedfold summarize`: the robustness report from any long-format records CSV.

use super::report::{claim, write_report, StatsArgs};
use anyhow::{bail, Result};
use clap::Args;
use seedfold::metric::Metric;
use seedfold::stats::Scale;
use std::path::PathBuf;

/// Options of `seedfold summarize`.
#[derive(Debug, Args)]
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
    let test_fraction = args
        .test_fraction
        .or(args.folds.filter(|&k| k > 1).map(|k| 1.0 / k as f64));
    let options = args.stats.section().options(test_fraction)?;
    let records = seedfold::data::read_records(&args.records, test_fraction.is_some(), args.folds)?;
    let scale = |metric: &str| -> Option<Scale> {
        if args.higher_is_better.iter().any(|m| m == metric) {
            Some(Scale::unknown(true))
        } else if args.lower_is_better.iter().any(|m| m == metric) {
            Some(Scale::unknown(false))
        } else {
            metric.parse::<Metric>().ok().map(Metric::scale)
        }
    };
    let mut unknown: Vec<&str> = records
        .iter()
        .map(|r| r.metric.as_str())
        .filter(|m| scale(m).is_none())
        .collect();
    unknown.dedup();
    if !unknown.is_empty() {
        bail!(
            "cannot tell whether higher is better for metric(s) {}; pass --higher-is-better NAME or --lower-is-better NAME",
            unknown.join(", ")
        );
    }
    let title = args.records.display().to_string();
    let about = vec![format!(
        "Records: {} ({} scores)",
        args.records.display(),
        records.len()
    )];
    let (out, overwrite) = match &args.out {
        Some(out) => (out.clone(), args.overwrite),
        None => (PathBuf::from("reports/summary"), true),
    };
    let _lock = claim(&out, overwrite)?;
    write_report(
        &out,
        &seedfold::stats::group_scores(&records),
        &|m| scale(m).unwrap_or(Scale::unknown(true)),
        &options,
        &title,
        &about,
        &[],
    )?;
    seedfold::report::folder::close_folder(&out);
    eprintln!("wrote {}", out.display());
    Ok(())
}
