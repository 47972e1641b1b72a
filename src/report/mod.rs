//! Report: pure renderers from results to text or bytes (CSV, Parquet, JSON, Markdown, HTML,
//! tables) and the one writer that puts bytes on disk atomically.

mod assemble;
mod content;
mod csv;
pub mod files;
pub mod folder;
mod html;
mod markdown;
mod parquet;
mod splits;
mod study;
mod summary;
mod svg;
mod table;
mod verdict;
mod write;

pub use assemble::{assemble_records, write_records, RecordsWriting};
pub use content::{hard_row_lines, Section};
pub use csv::{
    field, predictions_header, render_hardness, render_prediction_rows, render_record_rows,
    render_records, RECORDS_HEADER,
};
pub use html::render_html;
pub use markdown::render_markdown;
pub use parquet::{render_records_parquet, RecordsParquet};
pub use splits::{render_splits, write_splits};
pub use study::{render_study_html, render_study_markdown, write_study_json, Study, StudyDataset};
pub use summary::{render_summary_json, write_summary_json};
pub use table::render_table;
pub use write::{append, sync, write_atomic, AtomicFile};
