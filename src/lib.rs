//! seedfold: how much of a model's score is the random seed?
//!
//! seedfold cross-validates linfa models over many split seeds and keeps every fold's score.
//! The pipeline is `data` → `split` → `model` → `metric` → `run` → `stats` → `report`.
//!
//! ```
//! use seedfold::data::{load, DataSpec};
//! use seedfold::model::{build_models, ModelSpec};
//! use seedfold::run::{metrics_for, run, RunPlan, Silent};
//! use seedfold::split::{SplitConfig, Splitter};
//! use seedfold::stats::{group_scores, std_dev};
//!
//! let table = load(&DataSpec::builtin("diabetes"))?.table;
//! let splitter = Splitter::new(&SplitConfig::default(), &table)?; // shuffled 5-fold
//! let models = build_models(&ModelSpec::parse("ols")?, table.y.task(), false)?;
//! let seeds: Vec<u64> = (0..10).collect();
//! let plan = RunPlan {
//!     table: &table,
//!     splitter: &splitter,
//!     metrics: metrics_for(None, &models, table.y.task(), 0)?,
//!     models: &models,
//!     split_seeds: &seeds,
//!     model_seeds: &[0],
//!     keep_predictions: false,
//!     fail_fast: false,
//!     threads: None,
//!     exact_linfa: false,
//!     fit_timeout: None,
//!     train_fractions: &[1.0],
//! };
//! let output = run(&plan, &Silent)?;
//! for scores in group_scores(&output.records) {
//!     let spread = std_dev(&scores.seed_means()).unwrap();
//!     println!("{} {}: spread across seeds {spread:.4}", scores.model, scores.metric);
//!     assert!(spread > 0.0, "different seeds give different fold assignments");
//! }
//! # Ok::<(), seedfold::Error>(())
//! ```
#![deny(missing_docs)]

pub mod data;
mod error;
pub mod metric;
pub mod model;
pub mod panic;
pub mod preprocess;
pub mod record;
pub mod report;
pub mod rng;
pub mod run;
pub mod split;
pub mod stats;

pub use error::{Error, Result};
