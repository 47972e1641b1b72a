//! The library's one error type. Every variant names what went wrong and what to do about it,
//! because most errors here are a user's input, not a bug.

use std::path::PathBuf;

/// Everything that can go wrong in seedfold's library.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// An input file could not be opened or read.
    #[error("cannot read {path}: {reason}. Check that the file exists and is readable.")]
    Read {
        /// The file.
        path: PathBuf,
        /// What the operating system or parser said.
        reason: String,
    },
    /// An input file was read but its contents are not a usable table.
    #[error("{path} is not a valid {format} file: {reason}")]
    Malformed {
        /// The file.
        path: PathBuf,
        /// `CSV` or `Parquet`.
        format: &'static str,
        /// What the parser said.
        reason: String,
    },
    /// A named column is not in the data.
    #[error("column '{column}' not found (used as {role}). Available columns: {available}")]
    MissingColumn {
        /// The name asked for.
        column: String,
        /// `target`, `feature` or `groups`.
        role: &'static str,
        /// The columns the data has, comma-separated.
        available: String,
    },
    /// A numeric column holds text that is not a number.
    #[error("column '{column}' is not numeric: data row {} (line {} of the file) holds '{value}'. If that marks a missing cell, add it with --na-values; if the column holds categories, pass --categorical {column} (for a target: --task classification); otherwise leave it out with --drop {column}.", row + 1, row + 2)]
    NonNumeric {
        /// The column.
        column: String,
        /// 0-based data row of the first bad value.
        row: usize,
        /// The first bad value.
        value: String,
    },
    /// A column has infinite values.
    #[error("column '{column}' has {count} infinite value(s), the first in data row {} (line {} of the file). Replace them, or leave the column out with --drop {column}.", first_row + 1, first_row + 2)]
    NotFinite {
        /// The column.
        column: String,
        /// How many bad cells.
        count: usize,
        /// 0-based data row of the first one.
        first_row: usize,
    },
    /// A feature column has missing cells and no imputation was asked for.
    #[error("column '{column}' has {count} missing cell(s), the first in data row {} (line {} of the file). {}", first_row + 1, first_row + 2, fill_advice(column, *text))]
    Missing {
        /// The column.
        column: String,
        /// How many bad cells.
        count: usize,
        /// 0-based data row of the first one.
        first_row: usize,
        /// Whether the column holds text (categories).
        text: bool,
    },
    /// The data has no rows or no feature columns.
    #[error("the data is empty: {what}. seedfold needs at least one feature column and two rows.")]
    Empty {
        /// What is missing.
        what: String,
    },
    /// A classification target with fewer than two classes.
    #[error("the classification target '{column}' has only one class ('{class}'); a classifier needs at least two.")]
    SingleClass {
        /// The target column.
        column: String,
        /// The only label.
        class: String,
    },
    /// An unknown name was given (data set, splitter, model, metric, parameter).
    #[error("unknown {kind} '{name}'. Known: {known}")]
    Unknown {
        /// What kind of name.
        kind: &'static str,
        /// The name given.
        name: String,
        /// The names that exist.
        known: String,
    },
    /// A configuration that cannot work, e.g. more folds than rows.
    #[error("invalid configuration: {0}")]
    Config(String),
    /// The run stopped on request ([`crate::run::request_stop`]) before all its seeds were done.
    #[error("interrupted: the finished split seeds are saved; resume to fit the rest")]
    Interrupted,
    /// Writing an output file failed.
    #[error("cannot write {path}: {reason}")]
    Write {
        /// The file.
        path: PathBuf,
        /// What went wrong.
        reason: String,
    },
}

/// The library's result type.
pub type Result<T> = std::result::Result<T, Error>;

/// How to fill missing cells of a number column or a text (category) column.
fn fill_advice(column: &str, text: bool) -> String {
    let how = if text {
        "It holds text: fill them inside each fold with --impute most-frequent, or --impute median|mean with --impute-categorical most-frequent|category (--impute-categorical alone says how text cells are filled once --impute is on)"
    } else {
        "Fill them inside each fold with --impute mean|median|most-frequent (or [preprocess] impute = \"median\")"
    };
    format!("{how}, drop those rows with --impute drop-rows, or leave the column out with --drop {column}.")
}
