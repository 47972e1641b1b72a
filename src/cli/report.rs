//! Statistics options and the report folder, shared by `run` and `summarize`.

use anyhow::{Context, Result};
use clap::Args;
use seedfold::report::{
    render_html, render_markdown, render_summary_json, render_table, write_atomic,
};
use seedfold::run::FoldRecord;
use seedfold::stats::{analyse, group_scores, Options};
use std::path::Path;

/// Options of the statistics.
#[derive(Debug, Args)]
pub struct StatsArgs {
    /// Interval coverage.
    #[arg(long, default_value_t = 0.95)]
    confidence: f64,
    /// Region of practical equivalence for the Bayesian test, on the metric's scale.
    #[arg(long, default_value_t = 0.01)]
    rope: f64,
    /// Bootstrap resamples.
    #[arg(long, default_value_t = 10_000)]
    resamples: usize,
    /// Seed of the bootstrap.
    #[arg(long, default_value_t = 0)]
    bootstrap_seed: u64,
    /// Interval half-width to plan seeds for (default: half the current one).
    #[arg(long)]
    target_halfwidth: Option<f64>,
}

impl StatsArgs {
    pub fn options(&self, test_fraction: Option<f64>) -> Result<Options> {
        anyhow::ensure!(
            self.confidence > 0.0 && self.confidence < 1.0,
            "--confidence must be between 0 and 1, e.g. 0.95; got {}",
            self.confidence
        );
        anyhow::ensure!(self.rope >= 0.0, "--rope must be ≥ 0, got {}", self.rope);
        anyhow::ensure!(
            self.resamples >= 100,
            "--resamples must be at least 100, got {}",
            self.resamples
        );
        if let Some(f) = test_fraction {
            anyhow::ensure!(
                f > 0.0 && f < 1.0,
                "--test-fraction must be between 0 and 1, got {f}"
            );
        }
        Ok(Options {
            confidence: self.confidence,
            resamples: self.resamples,
            bootstrap_seed: self.bootstrap_seed,
            rope: self.rope,
            target_halfwidth: self.target_halfwidth,
            test_fraction,
        })
    }
}

pub fn write(dir: &Path, name: &str, bytes: &[u8]) -> Result<()> {
    write_atomic(&dir.join(name), bytes)
        .with_context(|| format!("writing the report to {}", dir.display()))
}

/// Analyse the records, write summary.json, report.md and report.html, print the table.
pub fn write_report(
    out: &Path,
    records: &[FoldRecord],
    higher_is_better: &dyn Fn(&str) -> bool,
    options: &Options,
    title: &str,
    about: &[String],
) -> Result<()> {
    let analysis = analyse(records, higher_is_better, options);
    write(
        out,
        "summary.json",
        render_summary_json(&analysis).as_bytes(),
    )?;
    write(
        out,
        "report.md",
        render_markdown(&analysis, title, about).as_bytes(),
    )?;
    write(
        out,
        "report.html",
        render_html(&analysis, &group_scores(records), title, about).as_bytes(),
    )?;
    print!("{}", render_table(&analysis));
    for note in &analysis.notes {
        eprintln!("note: {note}");
    }
    Ok(())
}
