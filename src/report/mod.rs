//! Report: pure renderers from results to text or bytes (CSV, Parquet, tables) and the one
//! writer that puts bytes on disk atomically.

mod csv;
mod parquet;
mod splits;
mod table;
mod write;

pub use csv::{field, render_predictions, render_records, RECORDS_HEADER};
pub use parquet::render_records_parquet;
pub use splits::render_splits;
pub use table::render_table;
pub use write::write_atomic;
