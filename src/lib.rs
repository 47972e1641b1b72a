//! seedfold: how much of a model's score is the random seed?
//!
//! seedfold cross-validates linfa models over many split seeds and keeps every fold's score.
//! The pipeline is `data` → `split` → `model` → `metric` → `run` → `stats` → `report`.
//!
//! Ten split seeds of 5-fold cross-validation of ridge on the built-in diabetes data, then the
//! mean r2 and how much it moves from one split seed to the next (the standard deviation of
//! the seed means: the command line's "seed sd"):
//!
//! ```
//! use seedfold::{data::*, model::*, run::*, split::*, stats::*};
//!
//! let table = load(&DataSpec::builtin("diabetes"))?.table;
//! let splitter = Splitter::new(&SplitConfig::default(), &table)?; // shuffled 5-fold
//! let models = build_models(&ModelSpec::parse("ridge")?, table.y.task(), false)?;
//! let seeds: Vec<u64> = (0..10).collect();
//! let output = run(&RunPlan::new(&table, &splitter, &models, &seeds)?, &Silent)?;
//! let r2 = group_scores(&output.records).into_iter().find(|s| s.metric == "r2").unwrap();
//! let (mean_r2, seed_sd) = (mean(&r2.seed_means()).unwrap(), std_dev(&r2.seed_means()).unwrap());
//! println!("ridge r2 {mean_r2:.4}, split-seed sd {seed_sd:.4}");
//! assert!(seed_sd > 0.0, "different seeds give different fold assignments");
//! # Ok::<(), seedfold::Error>(())
//! ```
//!
//! `RunPlan::new` takes the command line's defaults; set its fields for more (model seeds,
//! metrics, a learning curve). `stats::analyse` turns the records into the report's
//! statistics, `report` renders them.
#![deny(missing_docs)]

pub mod data;
mod error;
pub mod execute;
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
