//! Data: reading a table (CSV, Parquet or a built-in data set) into dense `f64` features
//! (numbers or category codes, NaN where a cell is missing) and a regression or classification
//! target.
//!
//! polars is used here for reading only (a plain numeric CSV file is parsed without it, into
//! the same frame); columns are converted to ndarray and the frame is dropped before anything
//! else runs.

mod builtin;
mod columns;
mod csv_rows;
mod cut_short;
mod load;
mod numeric_csv;
mod predictions;
mod record_rows;
mod records;

pub use builtin::{builtin, Builtin, BUILTINS};
pub use csv_rows::{CsvRow, CsvRows, Fields};
pub use load::{load, source_reader, DataSource, DataSpec, Loaded};
pub use predictions::{for_each_prediction, PredictionLine};
pub use record_rows::{
    for_each_place, for_each_record, record_rows, records_in, MergeSorted, PlacedRecord, RecordRows,
};
pub use records::read_records;

use crate::preprocess::{FeatureKind, Steps};
use ndarray::{Array1, Array2};
use serde::{Deserialize, Serialize};

/// What kind of prediction the target asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Task {
    /// A real-valued target.
    Regression,
    /// A categorical target.
    Classification,
}

impl std::fmt::Display for Task {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Task::Regression => "regression",
            Task::Classification => "classification",
        })
    }
}

/// The column a model predicts.
#[derive(Debug, Clone, PartialEq)]
pub enum Target {
    /// Real values.
    Regression(Array1<f64>),
    /// Class indices into `classes`; `classes` is sorted (numerically when every label is a
    /// number, else as text), so index order is stable across files and runs.
    Classification {
        /// One class index per row.
        labels: Array1<usize>,
        /// The label text of each class index.
        classes: Vec<String>,
    },
}

impl Target {
    /// The task this target belongs to.
    pub fn task(&self) -> Task {
        match self {
            Target::Regression(_) => Task::Regression,
            Target::Classification { .. } => Task::Classification,
        }
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        match self {
            Target::Regression(y) => y.len(),
            Target::Classification { labels, .. } => labels.len(),
        }
    }

    /// True when there are no rows.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The target of `rows`, in that order.
    pub fn select(&self, rows: &[usize]) -> Target {
        match self {
            Target::Regression(y) => Target::Regression(rows.iter().map(|&r| y[r]).collect()),
            Target::Classification { labels, classes } => Target::Classification {
                labels: rows.iter().map(|&r| labels[r]).collect(),
                classes: classes.clone(),
            },
        }
    }

    /// Class labels and class names when this is a classification target.
    pub fn classes(&self) -> Option<(&Array1<usize>, &[String])> {
        match self {
            Target::Classification { labels, classes } => Some((labels, classes)),
            Target::Regression(_) => None,
        }
    }
}

/// A loaded data set: features, target and optional groups, all row-aligned.
#[derive(Debug, Clone)]
pub struct Table {
    /// A short name for reports (the built-in name or the file name).
    pub name: String,
    /// Features, one row per observation.
    pub x: Array2<f64>,
    /// The target.
    pub y: Target,
    /// Group index per row (sorted group order), when a groups column was given.
    pub groups: Option<Vec<usize>>,
    /// Feature column names, in `x`'s column order.
    pub feature_names: Vec<String>,
    /// What each feature column holds (numbers, or category codes), in `x`'s column order.
    pub kinds: Vec<FeatureKind>,
    /// What is fitted on each fold's training rows before a model sees them.
    pub steps: Steps,
    /// The target column's name.
    pub target_name: String,
    /// Text columns left out because every row holds the same text ("Region (always 'Anvers')").
    pub left_out: Vec<String>,
    /// SHA-256 (lowercase hex) of the file's bytes as they were read, when read from a CSV
    /// file: the fingerprint of exactly what was parsed, without reading the file again.
    pub source_sha256: Option<String>,
}

impl Table {
    /// A table of numeric features used as they are.
    pub fn numeric(name: &str, x: Array2<f64>, y: Target, feature_names: Vec<String>) -> Table {
        Table {
            name: name.to_string(),
            kinds: vec![FeatureKind::Numeric; x.ncols()],
            x,
            y,
            groups: None,
            feature_names,
            target_name: "target".into(),
            steps: Steps::default(),
            left_out: Vec::new(),
            source_sha256: None,
        }
    }

    /// The table of `rows` only, in that order (a subset for measuring coverage).
    pub fn rows(&self, rows: &[usize]) -> Table {
        Table {
            name: self.name.clone(),
            x: self.x.select(ndarray::Axis(0), rows),
            y: self.y.select(rows),
            groups: self
                .groups
                .as_ref()
                .map(|g| rows.iter().map(|&r| g[r]).collect()),
            feature_names: self.feature_names.clone(),
            kinds: self.kinds.clone(),
            steps: self.steps,
            target_name: self.target_name.clone(),
            left_out: self.left_out.clone(),
            source_sha256: None,
        }
    }

    /// Number of rows.
    pub fn n_rows(&self) -> usize {
        self.x.nrows()
    }

    /// SHA-256 (lowercase hex) of the table's contents, for data that has no file to hash
    /// (arrays from Python): the feature names, the shape, every feature value (row-major,
    /// little-endian f64), the target (values, or class names and each row's class) and the
    /// groups, each length-prefixed so no two tables share the bytes.
    pub fn sha256(&self) -> String {
        use sha2::{Digest, Sha256};
        fn text(h: &mut Sha256, t: &str) {
            h.update((t.len() as u64).to_le_bytes());
            h.update(t.as_bytes());
        }
        let mut h = Sha256::new();
        for name in self.feature_names.iter().chain([&self.target_name]) {
            text(&mut h, name);
        }
        h.update((self.x.nrows() as u64).to_le_bytes());
        h.update((self.x.ncols() as u64).to_le_bytes());
        for v in self.x.iter() {
            h.update(v.to_le_bytes());
        }
        match &self.y {
            Target::Regression(y) => y.iter().for_each(|v| h.update(v.to_le_bytes())),
            Target::Classification { labels, classes } => {
                for c in classes {
                    text(&mut h, c);
                }
                labels
                    .iter()
                    .for_each(|&l| h.update((l as u64).to_le_bytes()));
            }
        }
        for &g in self.groups.iter().flatten() {
            h.update((g as u64).to_le_bytes());
        }
        h.finalize().iter().map(|b| format!("{b:02x}")).collect()
    }

    /// Whether folds need preprocessing fitted on their training rows (missing cells,
    /// categories or scaling); if not, models see `x` as it is.
    pub fn needs_preprocessing(&self) -> bool {
        self.steps.needed(&self.x, &self.kinds)
    }
}
