//! seedfold: how much of a model's score is the random seed?
#![deny(missing_docs)]

pub mod data;
mod error;
pub mod rng;
pub mod split;

pub use error::{Error, Result};
pub mod metric;
pub mod report;
