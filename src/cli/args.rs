//! Command-line options shared by several subcommands. Every option is optional here: the
//! flags become an experiment of their own, laid over the experiment file with
//! `ExperimentFile::overlay` (flags win), and the library fills in defaults.

use clap::Args;
use seedfold::data::Task;
use seedfold::preprocess::{CategoryFill, Impute, Scaling};
use seedfold::run::{DataSection, PreprocessSection, SeedSpec, SplitSection};
use seedfold::split::{SplitSource, SplitterKind, TestSize};
use std::path::PathBuf;

/// Where the data comes from and which columns play which role.
#[derive(Debug, Args)]
#[command(next_help_heading = "Data")]
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
    /// Columns to leave out, comma-separated.
    #[arg(long, value_delimiter = ',', help_heading = "Preprocessing")]
    pub drop: Option<Vec<String>>,
    /// Columns of integer codes to treat as categories (text columns always are).
    #[arg(long, value_delimiter = ',', help_heading = "Preprocessing")]
    pub categorical: Option<Vec<String>>,
    /// Cell texts that mark a missing cell, comma-separated [default: "",NA,NaN,null,N/A].
    #[arg(long, value_delimiter = ',', help_heading = "Preprocessing")]
    pub na_values: Option<Vec<String>>,
    /// Fill missing numeric cells with the training fold's mean, median or most frequent value,
    /// or drop rows with a missing cell [default: missing cells are an error].
    #[arg(long, value_enum, help_heading = "Preprocessing")]
    pub impute: Option<Impute>,
    /// Fill missing categorical cells, once --impute is on, with the training rows' most frequent
    /// category or a category of their own [default: most-frequent].
    #[arg(long, value_enum, help_heading = "Preprocessing")]
    pub impute_categorical: Option<CategoryFill>,
    /// Scale numeric features with the training fold's statistics [default: none].
    #[arg(long, value_enum, help_heading = "Preprocessing")]
    pub scale: Option<Scaling>,
    /// A row with a missing target is an error instead of being dropped.
    #[arg(long, help_heading = "Preprocessing")]
    pub strict: bool,
}

/// How rows are split into folds.
#[derive(Debug, Args)]
#[command(next_help_heading = "Splits")]
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
    /// Where the shuffles come from: seedfold's own streams; numpy's RandomState so that
    /// split seed s gives scikit-learn's KFold, StratifiedKFold, ShuffleSplit,
    /// StratifiedShuffleSplit or GroupShuffleSplit folds with random_state=s exactly
    /// (sklearn); or split seed r gives repeat r of RepeatedKFold / RepeatedStratifiedKFold
    /// with --random-state (sklearn-repeated) [default: seedfold].
    #[arg(long, value_enum)]
    pub splits: Option<SplitSource>,
    /// The random_state of --splits sklearn-repeated [default: 0].
    #[arg(long)]
    pub random_state: Option<u32>,
}

/// Which split seeds to use.
#[derive(Debug, Args)]
#[command(next_help_heading = "Seeds")]
pub struct SeedArgs {
    /// N (seeds 0..N-1), a range A..B (A to B-1) or A..=B, or `auto` (run: split seeds added
    /// in doubling batches from 10 until every mean over seeds is pinned to
    /// --target-halfwidth, at most --max-seeds) [default: 10].
    #[arg(long, conflicts_with = "seed_list")]
    pub seeds: Option<SeedSpec>,
    /// Explicit seeds, comma-separated.
    #[arg(long, value_delimiter = ',')]
    pub seed_list: Option<Vec<u64>>,
}

impl DataArgs {
    /// These options as the `[data]` section they override.
    pub fn section(&self) -> DataSection {
        DataSection {
            name: None,
            dataset: self.dataset.clone(),
            file: self.data.clone(),
            target: self.target.clone(),
            features: self.features.clone(),
            groups: self.groups.clone(),
            task: self.task,
        }
    }

    /// The preprocessing options as the `[preprocess]` section they override.
    pub fn preprocess_section(&self) -> PreprocessSection {
        PreprocessSection {
            drop: self.drop.clone(),
            categorical: self.categorical.clone(),
            na_values: self.na_values.clone(),
            impute: self.impute,
            impute_categorical: self.impute_categorical,
            scale: self.scale,
            strict: self.strict.then_some(true),
        }
    }
}

impl SplitArgs {
    /// These options as the `[split]` section they override.
    pub fn section(&self) -> SplitSection {
        SplitSection {
            splitter: self.splitter,
            folds: self.folds,
            test_size: self.test_size,
            gap: self.gap,
            max_train_size: self.max_train_size,
            bins: self.bins,
            splits: self.splits,
            random_state: self.random_state,
        }
    }
}

impl SeedArgs {
    /// The seeds these options name, if any.
    pub fn spec(&self) -> Option<SeedSpec> {
        match &self.seed_list {
            Some(list) => Some(SeedSpec::List(list.clone())),
            None => self.seeds.clone(),
        }
    }
}
