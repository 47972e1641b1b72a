//! `seedfold summarize`: the robustness report from any long-format records CSV.

use super::report::{claim, replacing, write_report, StatsArgs};
use anyhow::{bail, Result};
use clap::Args;
use seedfold::metric::Metric;
use seedfold::stats::Scale;
use std::path::{Path, PathBuf};

/// The manifest of a summary's folder: the files it wrote there with their SHA-256, so a
/// later `--overwrite` knows what it may replace.
fn write_summarize_manifest(out: &Path, records: &Path) -> Result<()> {
    let manifest = serde_json::json!({
        "seedfold_version": env!("CARGO_PKG_VERSION"),
        "source": "summarize",
        "records": records.display().to_string(),
        "files": seedfold::run::file_hashes(out)?,
    });
    seedfold::report::write_atomic(
        &out.join("manifest.json"),
        serde_json::to_string_pretty(&manifest)?.as_bytes(),
    )?;
    Ok(())
}

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
    if let Some(m) = args
        .higher_is_better
        .iter()
        .find(|m| args.lower_is_better.contains(m))
    {
        bail!("metric {m} is named by both --higher-is-better and --lower-is-better; keep one");
    }
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
    if let Some(r) = records.iter().find(|r| {
        let (lo, hi) = scale(&r.metric).map_or((f64::NEG_INFINITY, f64::INFINITY), |s| s.range);
        r.value.is_some_and(|v| v < lo || v > hi)
    }) {
        let range = scale(&r.metric).map_or((0.0, 0.0), |s| s.range);
        bail!(
            "{}: {} {} of model {} (seed {}, fold {}) is outside the metric's range [{}, {}]; is the column the metric it names?",
            args.records.display(),
            r.metric,
            r.value.unwrap_or(f64::NAN),
            r.model,
            r.split_seed,
            r.fold,
            range.0,
            range.1
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
    replacing(&out, || {
        write_report(
            &out,
            &seedfold::stats::group_scores(&records),
            &|m| scale(m).unwrap_or(Scale::unknown(true)),
            &options,
            &title,
            &about,
            (&[], &Default::default()),
        )?;
        write_summarize_manifest(&out, &args.records)
    })?;
    eprintln!("wrote {}", out.display());
    Ok(())
}
