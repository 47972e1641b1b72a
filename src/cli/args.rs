//! Command-line options shared by several subcommands. Every option is optional here: it is
//! laid over an experiment file (flags win) and defaults are filled in by the library.

use clap::Args;
use seedfold::data::Task;
use seedfold::run::{ExperimentFile, SeedSpec};
use seedfold::split::{SplitterKind, TestSize};
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

/// How rows are split into folds.
#[derive(Debug, Args)]
pub struct SplitArgs {
    /// Splitting strategy (default: stratified for classification, kfold for regression).
    #[arg(long, value_enum)]
    pub splitter: Option<SplitterKind>,
    /// Folds (k), or the number of splits for shuffle and time-series splitters [default: 5].
    #[arg(long)]
    pub folds: Option<usize>,
    /// Test size: a fraction in (0, 1) or a row count (shuffle and time-series splitters).
    #[arg(long)]
    pub test_size: Option<TestSize>,
    /// Rows dropped between train and test windows (time-series) [default: 0].
    #[arg(long)]
    pub gap: Option<usize>,
    /// Largest training window (time-series).
    #[arg(long)]
    pub max_train_size: Option<usize>,
    /// Quantile bins for stratifying a regression target [default: 5].
    #[arg(long)]
    pub bins: Option<usize>,
}

/// Which split seeds to use.
#[derive(Debug, Args)]
pub struct SeedArgs {
    /// N (seeds 0..N-1), a range A..B (A to B-1) or A..=B [default: 10].
    #[arg(long, conflicts_with = "seed_list")]
    pub seeds: Option<SeedSpec>,
    /// Explicit seeds, comma-separated.
    #[arg(long, value_delimiter = ',')]
    pub seed_list: Option<Vec<u64>>,
}

impl DataArgs {
    /// Lay these options over `file`.
    pub fn apply(&self, file: &mut ExperimentFile) {
        if self.dataset.is_some() || self.data.is_some() {
            file.data.dataset = self.dataset.clone();
            file.data.file = self.data.clone();
        }
        let d = &mut file.data;
        d.target = self.target.clone().or(d.target.take());
        d.features = self.features.clone().or(d.features.take());
        d.groups = self.groups.clone().or(d.groups.take());
        d.task = self.task.or(d.task);
    }
}

impl SplitArgs {
    /// Lay these options over `file`.
    pub fn apply(&self, file: &mut ExperimentFile) {
        let s = &mut file.split;
        s.splitter = self.splitter.or(s.splitter);
        s.folds = self.folds.or(s.folds);
        s.test_size = self.test_size.or(s.test_size);
        s.gap = self.gap.or(s.gap);
        s.max_train_size = self.max_train_size.or(s.max_train_size);
        s.bins = self.bins.or(s.bins);
    }
}

impl SeedArgs {
    /// Lay these options over `file`.
    pub fn apply(&self, file: &mut ExperimentFile) {
        if let Some(list) = &self.seed_list {
            file.seeds = Some(SeedSpec::List(list.clone()));
        } else if let Some(seeds) = &self.seeds {
            file.seeds = Some(seeds.clone());
        }
    }
}
