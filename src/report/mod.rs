//! Report: pure renderers from results to text (CSV, tables) and the one writer that puts
//! bytes on disk atomically.

mod splits;
mod write;

pub use splits::render_splits;
pub use write::write_atomic;
