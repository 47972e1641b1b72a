//! Reading seedfold's own records CSV (the records contract, as the checkpoint and
//! `records.csv` hold it) a record at a time, so a run never holds all its records.

use super::csv_rows::{CsvRow, CsvRows};
use crate::record::{FoldRecord, Status};
use crate::report::RECORDS_HEADER;
use crate::{Error, Result};
use std::fs::File;
use std::io::{BufRead, BufReader};
use std::ops::Range;
use std::path::{Path, PathBuf};

/// The records of a records CSV, read as they are asked for, each with the bytes it spans in
/// the file and the line it starts on.
pub struct RecordRows<R> {
    path: PathBuf,
    rows: CsvRows<R>,
}

/// A record with its place in the file: bytes and first line.
pub type PlacedRecord = (FoldRecord, Range<u64>, usize);

impl<R: BufRead> Iterator for RecordRows<R> {
    type Item = Result<PlacedRecord>;

    fn next(&mut self) -> Option<Self::Item> {
        let row = match self.rows.next()? {
            Ok(row) => row,
            Err(e) => return Some(Err(malformed(&self.path, e.to_string()))),
        };
        let (line, bytes) = (row.line, row.bytes.clone());
        Some(
            parse(row)
                .map(|record| (record, bytes, line))
                .map_err(|reason| malformed(&self.path, format!("line {line}: {reason}"))),
        )
    }
}

/// The records of the records CSV at `path`, in file order; the file must have the records
/// contract's header.
pub fn record_rows(path: &Path) -> Result<RecordRows<BufReader<File>>> {
    let file = File::open(path).map_err(|e| Error::Read {
        path: path.to_path_buf(),
        reason: e.to_string(),
    })?;
    record_rows_in(path, BufReader::with_capacity(1 << 16, file))
}

/// The records of the records CSV `source` holds (named `path` in errors), as
/// [`record_rows`] reads a file.
fn record_rows_in<R: BufRead>(path: &Path, source: R) -> Result<RecordRows<R>> {
    let (header, rows) =
        CsvRows::with_header(source).map_err(|e| malformed(path, e.to_string()))?;
    if header.as_deref() != Some(RECORDS_HEADER) {
        return Err(malformed(
            path,
            format!("its header is not seedfold's records header {RECORDS_HEADER}"),
        ));
    }
    Ok(RecordRows {
        path: path.to_path_buf(),
        rows,
    })
}

/// Call `each` with every record of the records CSV at `path`, the bytes it spans and the line
/// it starts on, in file order; the file must have the records contract's header.
pub fn for_each_record(
    path: &Path,
    mut each: impl FnMut(FoldRecord, Range<u64>, usize) -> Result<()>,
) -> Result<()> {
    for placed in record_rows(path)? {
        let (record, bytes, line) = placed?;
        each(record, bytes, line)?;
    }
    Ok(())
}

/// Call `each` with every record's place in the contract's order (model, train fraction, split
/// seed), the bytes it spans and the line it starts on, in the order `source` holds them (a
/// records CSV, named `path` in errors): all a pass that only places the records needs,
/// without reading the rest (reading whole records, such a pass was half of the reading back
/// at the end of a run). The rest is checked when it is read.
pub fn for_each_place(
    path: &Path,
    source: impl BufRead,
    mut each: impl FnMut((&str, f64, u64), Range<u64>, usize) -> Result<()>,
) -> Result<()> {
    for row in record_rows_in(path, source)?.rows {
        let row = row.map_err(|e| malformed(path, e.to_string()))?;
        let place = fields_of(&row).and_then(|[model, split_seed, .., train_fraction, _]| {
            let share = number("train_fraction", train_fraction)?;
            Ok((model, share, number("split_seed", split_seed)?))
        });
        let place =
            place.map_err(|reason| malformed(path, format!("line {}: {reason}", row.line)))?;
        each(place, row.bytes.clone(), row.line)?;
    }
    Ok(())
}

/// The records of `piece`, a run of whole rows of the records CSV at `path` that begins at
/// byte `offset` and line `line` of the file.
pub fn records_in(path: &Path, piece: &[u8], offset: u64, line: usize) -> Result<Vec<FoldRecord>> {
    RecordRows {
        path: path.to_path_buf(),
        rows: CsvRows::at(piece, offset, line),
    }
    .map(|placed| placed.map(|(record, _, _)| record))
    .collect()
}

/// A record's key in the records contract's order, owned.
type Key = (String, u64, u64, u64, usize, String);

fn owned_key(r: &FoldRecord) -> Key {
    let (model, share, seed, model_seed, fold, metric) = r.key();
    (model.into(), share, seed, model_seed, fold, metric.into())
}

/// The records of several records CSVs, each in the records contract's order, merged into that
/// order one record at a time (the shards of one study); a file out of order, or repeating a
/// record, is an error rather than a silently misordered merge.
pub struct MergeSorted<R> {
    sources: Vec<RecordRows<R>>,
    /// Each source's next record and its key.
    heads: Vec<Option<(Key, FoldRecord)>>,
    /// An error met while reading ahead, reported next.
    failed: Option<Error>,
}

impl<R: BufRead> MergeSorted<R> {
    /// Merge `sources`.
    pub fn new(mut sources: Vec<RecordRows<R>>) -> MergeSorted<R> {
        let mut failed = None;
        let heads = sources
            .iter_mut()
            .map(|source| match source.next().transpose() {
                Ok(head) => head.map(|(r, _, _)| (owned_key(&r), r)),
                Err(e) => {
                    failed.get_or_insert(e);
                    None
                }
            })
            .collect();
        MergeSorted {
            sources,
            heads,
            failed,
        }
    }
}

impl<R: BufRead> Iterator for MergeSorted<R> {
    type Item = Result<FoldRecord>;

    fn next(&mut self) -> Option<Self::Item> {
        if let Some(e) = self.failed.take() {
            self.heads.clear();
            return Some(Err(e));
        }
        let i = (0..self.heads.len())
            .filter_map(|i| self.heads[i].as_ref().map(|h| (&h.0, i)))
            .min()?
            .1;
        let (key, record) = self.heads[i].take()?;
        match self.sources[i].next().transpose() {
            Ok(Some((next, _, line))) => {
                let next_key = owned_key(&next);
                if next_key <= key {
                    self.failed = Some(malformed(
                        &self.sources[i].path,
                        format!("line {line} is out of the records contract's order (model, train fraction, split seed, model seed, fold, metric) or repeats the record before it"),
                    ));
                } else {
                    self.heads[i] = Some((next_key, next));
                }
            }
            Ok(None) => {}
            Err(e) => self.failed = Some(e),
        }
        Some(Ok(record))
    }
}

/// The 14 fields of a row of the records contract.
fn fields_of(row: &CsvRow) -> std::result::Result<[&str; 14], String> {
    let fields = &row.fields;
    if fields.len() != 14 {
        return Err("a records row has 14 fields".into());
    }
    Ok(std::array::from_fn(|i| fields.get(i).unwrap_or_default()))
}

fn number<T: std::str::FromStr>(name: &str, text: &str) -> std::result::Result<T, String> {
    text.parse()
        .map_err(|_| format!("{name} '{text}' is not a number of the right kind"))
}

/// One row of the records contract.
fn parse(row: CsvRow) -> std::result::Result<FoldRecord, String> {
    let [model, split_seed, model_seed, fold, metric, value, n_train, n_test, fit_seconds, status, error, warning, train_fraction, chosen] =
        fields_of(&row)?;
    let status = match status {
        "ok" => Status::Ok,
        "failed" => Status::Failed,
        other => return Err(format!("status '{other}' is neither ok nor failed")),
    };
    let optional = |text: &str| (!text.is_empty()).then(|| text.to_string());
    Ok(FoldRecord {
        model: model.to_string(),
        split_seed: number("split_seed", split_seed)?,
        model_seed: number("model_seed", model_seed)?,
        fold: number("fold", fold)?,
        metric: metric.to_string(),
        value: if value.is_empty() {
            None
        } else {
            Some(number("value", value)?)
        },
        n_train: number("n_train", n_train)?,
        n_test: number("n_test", n_test)?,
        fit_seconds: number("fit_seconds", fit_seconds)?,
        status,
        error: optional(error),
        warning: optional(warning),
        train_fraction: number("train_fraction", train_fraction)?,
        chosen: optional(chosen),
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
            value,
            fit_seconds: 0.25,
            status: if value.is_some() {
                Status::Ok
            } else {
                Status::Failed
            },
            error: error.map(str::to_string),
            train_fraction: 0.5,
            ..FoldRecord::example(model, 3, 1, fold, "r2")
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
        let mut places = Vec::new();
        for_each_place(&path, text.as_bytes(), |(model, share, seed), bytes, _| {
            places.push(((model.to_string(), share, seed), bytes));
            Ok(())
        })
        .unwrap();
        let expected: Vec<_> = read
            .iter()
            .map(|(r, bytes)| {
                (
                    (r.model.clone(), r.train_fraction, r.split_seed),
                    bytes.clone(),
                )
            })
            .collect();
        assert_eq!(places, expected);
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
            format!("{RECORDS_HEADER}\nm,0,0,0,r2,x,8,2,0,ok,,,1,\n"),
        )
        .unwrap();
        let e = for_each_record(&path, |_, _, _| Ok(()))
            .unwrap_err()
            .to_string();
        assert!(e.contains("line 2") && e.contains("value 'x'"), "{e}");
        // placing records reads their place only, and names the line of a bad one
        let row = "m,0,0,0,r2,x,8,2,0,ok,,,1,\n";
        std::fs::write(
            &path,
            format!("{RECORDS_HEADER}\n{row}m,z,0,0,r2,1,8,2,0,ok,,,1,\n"),
        )
        .unwrap();
        let start = RECORDS_HEADER.len() as u64 + 1;
        let mut placed = Vec::new();
        let text = std::fs::read(&path).unwrap();
        let e = for_each_place(&path, &text[..], |(model, share, seed), bytes, line| {
            placed.push((model.to_string(), share, seed, bytes, line));
            Ok(())
        })
        .unwrap_err()
        .to_string();
        let first = ("m".to_string(), 1.0, 0, start..start + row.len() as u64, 2);
        assert_eq!(placed, [first]);
        assert!(e.contains("line 3") && e.contains("split_seed 'z'"), "{e}");
    }

    #[test]
    fn sorted_files_merge_in_order_and_a_file_out_of_order_is_an_error() {
        let record = |model: &str, seed: u64, fold: usize| FoldRecord {
            value: Some(seed as f64),
            ..FoldRecord::example(model, seed, 0, fold, "r2")
        };
        let dir = tempfile::tempdir().unwrap();
        let write = |name: &str, records: &[FoldRecord]| {
            let path = dir.path().join(name);
            std::fs::write(&path, render_records(records)).unwrap();
            record_rows(&path).unwrap()
        };
        let even = [record("a", 0, 0), record("a", 2, 0), record("b", 0, 0)];
        let odd = [record("a", 1, 0), record("a", 1, 1), record("b", 1, 0)];
        let merged: Vec<FoldRecord> =
            MergeSorted::new(vec![write("even.csv", &even), write("odd.csv", &odd)])
                .collect::<Result<_>>()
                .unwrap();
        let mut expected: Vec<FoldRecord> = even.iter().chain(&odd).cloned().collect();
        expected.sort_by(|x, y| x.key().cmp(&y.key()));
        assert_eq!(merged, expected);
        let shuffled = [record("b", 0, 0), record("a", 2, 0)];
        let e = MergeSorted::new(vec![write("even.csv", &even), write("bad.csv", &shuffled)])
            .collect::<Result<Vec<_>>>()
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("bad.csv") && e.contains("line 3") && e.contains("order"),
            "{e}"
        );
    }
}
