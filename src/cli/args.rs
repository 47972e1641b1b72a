//! Command-line options shared by several subcommands: data, splitter, seeds.

use anyhow::{bail, Result};
use clap::Args;
use seedfold::data::{DataSource, DataSpec, Loaded, Task};
use seedfold::split::{SplitConfig, SplitterKind, TestSize};
use std::path::PathBuf;

/// Where the data comes from and which columns play which role.
#[derive(Debug, Args)]
pub struct DataArgs {
    /// A built-in data set (see `seedfold datasets`).
    #[arg(long, conflicts_with = "data")]
    pub dataset: Option<String>,
    /// A CSV or Parquet file.
    #[arg(long)]
    pub data: Option<PathBuf>,
    /// Target column (default: the last column).
    #[arg(long)]
    pub target: Option<String>,
    /// Feature columns, comma-separated (default: every other column).
    #[arg(long, value_delimiter = ',')]
    pub features: Option<Vec<String>>,
    /// Column of group labels for group splitters.
    #[arg(long)]
    pub groups: Option<String>,
    /// The task (default: from the target's type).
    #[arg(long, value_enum)]
    pub task: Option<Task>,
}

impl DataArgs {
    /// The data spec these options describe.
    pub fn spec(&self) -> Result<DataSpec> {
        let source = match (&self.dataset, &self.data) {
            (Some(name), None) => DataSource::Builtin(name.clone()),
            (None, Some(path)) => DataSource::File(path.clone()),
            _ => {
                bail!("name the data: --dataset NAME (see `seedfold datasets`) or --data FILE.csv")
            }
        };
        Ok(DataSpec {
            source,
            target: self.target.clone(),
            features: self.features.clone(),
            groups: self.groups.clone(),
            task: self.task,
        })
    }

    /// Load the data, printing hints on stderr.
    pub fn load(&self) -> Result<Loaded> {
        let loaded = seedfold::data::load(&self.spec()?)?;
        for hint in &loaded.hints {
            eprintln!("note: {hint}");
        }
        Ok(loaded)
    }
}

/// How rows are split into folds.
#[derive(Debug, Args)]
pub struct SplitArgs {
    /// Splitting strategy (default: stratified for classification, kfold for regression).
    #[arg(long, value_enum)]
    pub splitter: Option<SplitterKind>,
    /// Folds (k), or the number of splits for shuffle and time-series splitters.
    #[arg(long, default_value_t = 5)]
    pub folds: usize,
    /// Test size: a fraction in (0, 1) or a row count (shuffle and time-series splitters).
    #[arg(long)]
    pub test_size: Option<TestSize>,
    /// Rows dropped between train and test windows (time-series).
    #[arg(long, default_value_t = 0)]
    pub gap: usize,
    /// Largest training window (time-series).
    #[arg(long)]
    pub max_train_size: Option<usize>,
    /// Quantile bins for stratifying a regression target.
    #[arg(long, default_value_t = 5)]
    pub bins: usize,
}

impl SplitArgs {
    /// The splitter configuration for a target of `task`.
    pub fn config(&self, task: Task) -> SplitConfig {
        let default = match task {
            Task::Classification => SplitterKind::Stratified,
            Task::Regression => SplitterKind::Kfold,
        };
        SplitConfig {
            kind: self.splitter.unwrap_or(default),
            folds: self.folds,
            test_size: self.test_size,
            gap: self.gap,
            max_train_size: self.max_train_size,
            bins: self.bins,
        }
    }
}

/// Which split seeds to use.
#[derive(Debug, Args)]
pub struct SeedArgs {
    /// N (seeds 0..N-1) or a range A..B (A to B-1) or A..=B.
    #[arg(long, default_value = "10", conflicts_with = "seed_list")]
    pub seeds: String,
    /// Explicit seeds, comma-separated.
    #[arg(long, value_delimiter = ',')]
    pub seed_list: Option<Vec<u64>>,
}

impl SeedArgs {
    /// The seeds, sorted and without repeats.
    pub fn seeds(&self) -> Result<Vec<u64>> {
        let mut seeds = match &self.seed_list {
            Some(list) => list.clone(),
            None => parse_seed_range(&self.seeds)?,
        };
        seeds.sort_unstable();
        seeds.dedup();
        if seeds.is_empty() {
            bail!("no seeds: pass --seeds N with N ≥ 1, a range A..B, or --seed-list");
        }
        Ok(seeds)
    }
}

/// `N` → 0..N, `A..B` → A..B, `A..=B` → A..=B.
pub fn parse_seed_range(text: &str) -> Result<Vec<u64>> {
    let number = |s: &str| -> Result<u64> {
        s.trim()
            .parse()
            .map_err(|_| anyhow::anyhow!("'{s}' in --seeds '{text}' is not a whole number"))
    };
    Ok(if let Some((a, b)) = text.split_once("..=") {
        (number(a)?..=number(b)?).collect()
    } else if let Some((a, b)) = text.split_once("..") {
        (number(a)?..number(b)?).collect()
    } else {
        (0..number(text)?).collect()
    })
}
