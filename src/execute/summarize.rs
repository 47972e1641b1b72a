//! The robustness report from any long-format records file (seedfold's records.csv, a
//! scikit-learn `cross_validate` table or `GridSearchCV.cv_results_`), as `seedfold
//! summarize` and `seedfold.summarize` from Python write it.

use crate::metric::Metric;
use crate::report::files::{claim, replacing, write_report};
use crate::run::StatsSection;
use crate::stats::Scale;
use anyhow::{bail, Result};
use std::path::{Path, PathBuf};

/// What to summarize and where.
#[derive(Debug, Clone, Default)]
pub struct Summary {
    /// The records file.
    pub records: PathBuf,
    /// Folds per seed of a table without seed and fold columns.
    pub folds: Option<usize>,
    /// Report folder (`None`: reports/summary, replaced every time).
    pub out: Option<PathBuf>,
    /// Replace the report already in `out`.
    pub overwrite: bool,
    /// Each test fold's share of the rows, when the records do not say.
    pub test_fraction: Option<f64>,
    /// Metrics seedfold does not know for which higher is better.
    pub higher_is_better: Vec<String>,
    /// Metrics seedfold does not know for which lower is better.
    pub lower_is_better: Vec<String>,
    /// The statistics' settings.
    pub stats: StatsSection,
}

/// The manifest of a summary's folder: the files it wrote there with their SHA-256, so a
/// later `--overwrite` knows what it may replace. Written first with no files and status
/// `running` (`done` false), so a summary stopped midway leaves a folder `--overwrite` replaces.
fn write_summarize_manifest(out: &Path, records: &Path, done: bool) -> Result<()> {
    let manifest = serde_json::json!({
        "seedfold_version": env!("CARGO_PKG_VERSION"),
        "source": "summarize",
        "status": if done { "complete" } else { "running" },
        "records": records.display().to_string(),
        "files": if done { crate::run::file_hashes(out)? } else { Default::default() },
    });
    crate::report::write_atomic(
        &out.join("manifest.json"),
        serde_json::to_string_pretty(&manifest)?.as_bytes(),
    )?;
    Ok(())
}

/// Build the robustness report of `args.records` into `args.out`.
pub fn summarize(args: &Summary) -> Result<()> {
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
    let options = args.stats.options(test_fraction)?;
    let records = crate::data::read_records(&args.records, test_fraction.is_some(), args.folds)?;
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
        write_summarize_manifest(&out, &args.records, false)?;
        write_report(
            &out,
            &crate::stats::group_scores(&records),
            &|m| scale(m).unwrap_or(Scale::unknown(true)),
            &options,
            &title,
            &about,
            (&[], &Default::default()),
        )?;
        write_summarize_manifest(&out, &args.records, true)
    })?;
    eprintln!("wrote {}", out.display());
    Ok(())
}
