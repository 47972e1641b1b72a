//! Reading seedfold's own records CSV (the records contract, as the checkpoint and
//! `records.csv` hold it) a record at a time, so a run never holds all its records.

use super::csv_rows::{CsvRow, CsvRows};
use crate::record::{FoldRecord, Status};
use crate::report::RECORDS_HEADER;
use crate::{Error, Result};
use std::io::BufRead;
use std::ops::Range;
use std::path::Path;

/// Call `each` with every record of the records CSV at `path`, the bytes it spans and the line
/// it starts on, in file order; the file must have the records contract's header.
pub fn for_each_record(
    path: &Path,
    each: impl FnMut(FoldRecord, Range<u64>, usize) -> Result<()>,
) -> Result<()> {
    let file = std::fs::File::open(path).map_err(|e| Error::Read {
        path: path.to_path_buf(),
        reason: e.to_string(),
    })?;
    let (header, rows) = CsvRows::with_header(std::io::BufReader::with_capacity(1 << 16, file))
        .map_err(|e| malformed(path, e.to_string()))?;
    if header.as_deref() != Some(RECORDS_HEADER) {
        return Err(malformed(
            path,
            format!("its header is not seedfold's records header {RECORDS_HEADER}"),
        ));
    }
    read_rows(path, rows, each)
}

/// The records of `piece`, a run of whole rows of the records CSV at `path` that begins at
/// byte `offset` and line `line` of the file.
pub fn records_in(path: &Path, piece: &[u8], offset: u64, line: usize) -> Result<Vec<FoldRecord>> {
    let mut records = Vec::new();
    read_rows(path, CsvRows::at(piece, offset, line), |record, _, _| {
        records.push(record);
        Ok(())
    })?;
    Ok(records)
}

fn read_rows<R: BufRead>(
    path: &Path,
    rows: CsvRows<R>,
    mut each: impl FnMut(FoldRecord, Range<u64>, usize) -> Result<()>,
) -> Result<()> {
    for row in rows {
        let row = row.map_err(|e| malformed(path, e.to_string()))?;
        let (line, bytes) = (row.line, row.bytes.clone());
        let record =
            parse(row).map_err(|reason| malformed(path, format!("line {line}: {reason}")))?;
        each(record, bytes, line)?;
    }
    Ok(())
}

/// One row of the records contract.
fn parse(row: CsvRow) -> std::result::Result<FoldRecord, String> {
    let Ok::<[String; 13], _>(
        [model, split_seed, model_seed, fold, metric, value, n_train, n_test, fit_seconds, status, error, warning, train_fraction],
    ) = row.fields.try_into()
    else {
        return Err("a records row has 13 fields".into());
    };
    fn number<T: std::str::FromStr>(name: &str, text: &str) -> std::result::Result<T, String> {
        text.parse()
            .map_err(|_| format!("{name} '{text}' is not a number of the right kind"))
    }
    let status = match status.as_str() {
        "ok" => Status::Ok,
        "failed" => Status::Failed,
        other => return Err(format!("status '{other}' is neither ok nor failed")),
    };
    let optional = |text: String| (!text.is_empty()).then_some(text);
    Ok(FoldRecord {
        model,
        split_seed: number("split_seed", &split_seed)?,
        model_seed: number("model_seed", &model_seed)?,
        fold: number("fold", &fold)?,
        metric,
        value: if value.is_empty() {
            None
        } else {
            Some(number("value", &value)?)
        },
        n_train: number("n_train", &n_train)?,
        n_test: number("n_test", &n_test)?,
        fit_seconds: number("fit_seconds", &fit_seconds)?,
        status,
        error: optional(error),
        warning: optional(warning),
        train_fraction: number("train_fraction", &train_fraction)?,
    })
}

fn malformed(path: &Path, reason: String) -> Error {
    Error::Malformed {
        path: path.to_path_buf(),
        format: "records CSV",
        reason,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::render_records;

    #[test]
    fn reads_back_exactly_what_is_written_with_each_rows_place() {
        let record = |model: &str, fold, value: Option<f64>, error: Option<&str>| FoldRecord {
            model: model.into(),
            split_seed: 3,
            model_seed: 1,
            fold,
            metric: "r2".into(),
            value,
            n_train: 8,
            n_test: 2,
            fit_seconds: 0.25,
            status: if value.is_some() {
                Status::Ok
            } else {
                Status::Failed
            },
            error: error.map(str::to_string),
            warning: None,
            train_fraction: 0.5,
        };
        let records = vec![
            record("ridge:alpha=1", 0, Some(16742699912795939000.0), None),
            record("a,\"b\"", 1, None, Some("line one\nline two, with a comma")),
            record("m", 2, Some(-0.1 - 0.2), None),
        ];
        let text = render_records(&records);
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("records.csv");
        std::fs::write(&path, &text).unwrap();
        let mut read = Vec::new();
        for_each_record(&path, |r, bytes, _| {
            read.push((r, bytes));
            Ok(())
        })
        .unwrap();
        let again: Vec<FoldRecord> = read.iter().map(|(r, _)| r.clone()).collect();
        assert_eq!(again, records);
        let (start, end) = (read[1].1.start, read[2].1.end);
        let piece = &text.as_bytes()[start as usize..end as usize];
        assert_eq!(records_in(&path, piece, start, 3).unwrap(), records[1..]);
    }

    #[test]
    fn a_foreign_header_or_a_bad_row_names_the_file_and_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("records.csv");
        std::fs::write(&path, "model,seed\nm,0\n").unwrap();
        let e = for_each_record(&path, |_, _, _| Ok(()))
            .unwrap_err()
            .to_string();
        assert!(e.contains("records.csv") && e.contains("header"), "{e}");
        std::fs::write(
            &path,
            format!("{RECORDS_HEADER}\nm,0,0,0,r2,x,8,2,0,ok,,,1\n"),
        )
        .unwrap();
        let e = for_each_record(&path, |_, _, _| Ok(()))
            .unwrap_err()
            .to_string();
        assert!(e.contains("line 2") && e.contains("value 'x'"), "{e}");
    }
}
