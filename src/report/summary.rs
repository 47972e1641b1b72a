//! `summary.json`: the analysis under the summary contract's key names.

use crate::stats::{
    Analysis, Comparison, CurvePoint, LastStep, Options, Ranking, Selection, Summary, Tuning,
};
use serde::Serialize;

/// The file's top level, fields in reading order.
#[derive(Serialize)]
struct Document<'a> {
    seedfold_version: &'static str,
    confidence: f64,
    options: &'a Options,
    summaries: &'a [Summary],
    comparisons: &'a [Comparison],
    rankings: &'a [Ranking],
    selection: &'a [Selection],
    /// Only when the run tuned a model.
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    tuning: &'a [Tuning],
    learning_curve: &'a [CurvePoint],
    learning_curve_last_step: &'a [LastStep],
    notes: &'a [String],
}

/// The analysis as pretty JSON, with the seedfold version that made it. Deterministic: the
/// same records and options give the same bytes.
pub fn render_summary_json(analysis: &Analysis) -> String {
    let mut out = Vec::new();
    write_summary_json(analysis, &mut out).expect("writing to memory does not fail");
    String::from_utf8(out).expect("serde_json writes UTF-8")
}

/// [`render_summary_json`] written to `out` as it is serialised (a study of many seeds lists
/// every seed's mean, so the text is not built in memory first).
pub fn write_summary_json(
    analysis: &Analysis,
    mut out: impl std::io::Write,
) -> std::io::Result<()> {
    let document = Document {
        seedfold_version: env!("CARGO_PKG_VERSION"),
        confidence: analysis.options.confidence,
        options: &analysis.options,
        summaries: &analysis.summaries,
        comparisons: &analysis.comparisons,
        rankings: &analysis.rankings,
        selection: &analysis.selections,
        tuning: &analysis.tuning,
        learning_curve: &analysis.learning_curve,
        learning_curve_last_step: &analysis.learning_curve_last_step,
        notes: &analysis.notes,
    };
    serde_json::to_writer_pretty(&mut out, &document)?;
    out.write_all(b"\n")
}
