//! The end of a run: the checkpoint's records (saved seed by seed, in the order seeds finished)
//! become `records.csv` and `records.parquet` in the records contract's order, one record at a
//! time, so a run of any number of seeds never holds its records in memory.
//!
//! Within one seed the checkpoint's rows are in contract order, so each (model, share, seed)
//! is one contiguous piece of it. A first pass notes where each piece lies, reading only that
//! much of each row; a second reads the pieces in contract order into `records.csv`,
//! `records.parquet` and the caller.
//! [`write_records`] is the second pass for any ordered stream of records (merge uses it).

use super::folder::RECORDS_PARTIAL;
use super::parquet::RecordsParquet;
use super::{render_record_rows, AtomicFile, RECORDS_HEADER};
use crate::data::{for_each_place, records_in};
use crate::record::FoldRecord;
use crate::{Error, Result};
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Cursor, Seek, Write};
use std::ops::Range;
use std::path::Path;
use std::thread::{Scope, ScopedJoinHandle};

/// Bytes of the checkpoint read at a time by the second pass.
const READ_AHEAD: usize = 1 << 20;

/// Where one (model, share, split seed)'s rows lie in the checkpoint, and the line they start on.
type Pieces = BTreeMap<(String, u64, u64), (Range<u64>, usize)>;

/// Write `records.csv` and `records.parquet` in `dir` from its checkpoint (or `held`, the
/// checkpoint's text kept in memory), handing every record to `each` in the contract's order;
/// returns how many there were, and the files, still being written on a thread of `scope`
/// (see [`write_records`]).
pub fn assemble_records<'scope>(
    scope: &'scope Scope<'scope, '_>,
    dir: &'scope Path,
    held: Option<&str>,
    each: impl FnMut(&FoldRecord),
) -> Result<(u64, RecordsWriting<'scope>)> {
    let partial = dir.join(RECORDS_PARTIAL);
    match held {
        Some(text) => read_back(scope, dir, &partial, Cursor::new(text.as_bytes()), each),
        None => {
            let file = std::fs::File::open(&partial).map_err(|e| Error::Read {
                path: partial.clone(),
                reason: e.to_string(),
            })?;
            // pieces mostly follow one another in the file: a buffer reads them in a few calls
            let source = BufReader::with_capacity(READ_AHEAD, file);
            read_back(scope, dir, &partial, source, each)
        }
    }
}

/// [`assemble_records`] from `source`, the checkpoint's text (named `partial` in errors): a
/// pass that finds the pieces, then one that reads them in the contract's order.
fn read_back<'scope>(
    scope: &'scope Scope<'scope, '_>,
    dir: &'scope Path,
    partial: &Path,
    mut source: impl BufRead + Seek,
    each: impl FnMut(&FoldRecord),
) -> Result<(u64, RecordsWriting<'scope>)> {
    let read_error = |e: std::io::Error| Error::Read {
        path: partial.to_path_buf(),
        reason: e.to_string(),
    };
    let pieces = find_pieces(partial, &mut source)?;
    source.rewind().map_err(read_error)?;
    let mut at = 0;
    let mut piece = Vec::new();
    let records = pieces.into_values().flat_map(|(bytes, line)| {
        piece.resize((bytes.end - bytes.start) as usize, 0);
        let read = source
            .seek_relative(bytes.start as i64 - at as i64)
            .and_then(|()| source.read_exact(&mut piece))
            .inspect(|()| at = bytes.end)
            .map_err(read_error)
            .and_then(|()| records_in(partial, &piece, bytes.start, line));
        match read {
            Ok(records) => records.into_iter().map(Ok).collect::<Vec<_>>(),
            Err(e) => vec![Err(e)],
        }
    });
    write_records(scope, dir, records, each)
}

/// `records.csv` and `records.parquet` being written on a thread of their own.
#[must_use = "the records files are in place only once `wait` says so"]
pub struct RecordsWriting<'scope>(ScopedJoinHandle<'scope, Result<()>>);

impl RecordsWriting<'_> {
    /// Wait until both files are in place; the error of either, if one could not be written.
    pub fn wait(self) -> Result<()> {
        self.0.join().unwrap_or_else(|_| {
            Err(Error::Write {
                path: "records.csv".into(),
                reason: "writing the records panicked".into(),
            })
        })
    }
}

/// What the reading side hands the writing side: records in the contract's order, then word
/// that every record was read (without it, neither file is put in place).
enum Batch {
    Records(Vec<FoldRecord>),
    Complete,
}

/// Records per [`Batch`]: large enough that handing them over costs nothing next to writing,
/// small enough that a small run's writer starts while its records are still being read
/// rather than beside the statistics that follow (W1: 0.5 ms less than with 1,024).
const BATCH_RECORDS: usize = 256;

/// Write `records.csv` and `records.parquet` in `dir` from `records` (in the contract's
/// order), handing each to `each` as it is read; returns how many there were. The files are
/// rendered and synced on a thread of `scope` while the caller goes on with the records it
/// was handed (the analysis); [`RecordsWriting::wait`] says when they are in place. Neither
/// file is put in place unless every record was read.
pub fn write_records<'scope>(
    scope: &'scope Scope<'scope, '_>,
    dir: &'scope Path,
    records: impl Iterator<Item = Result<FoldRecord>>,
    mut each: impl FnMut(&FoldRecord),
) -> Result<(u64, RecordsWriting<'scope>)> {
    let csv = AtomicFile::create(&dir.join("records.csv"))?;
    let parquet = AtomicFile::create(&dir.join("records.parquet"))?;
    let (sender, receiver) = std::sync::mpsc::sync_channel(4);
    let writing = RecordsWriting(scope.spawn(move || write_files(dir, receiver, csv, parquet)));
    let mut count = 0;
    let mut batch = Vec::with_capacity(BATCH_RECORDS);
    for record in records {
        let record = record?;
        each(&record);
        count += 1;
        batch.push(record);
        if batch.len() == BATCH_RECORDS {
            let full = std::mem::replace(&mut batch, Vec::with_capacity(BATCH_RECORDS));
            if sender.send(Batch::Records(full)).is_err() {
                // the writer stopped: its error is the one to report
                return Err(writing.wait().err().unwrap_or_else(writer_gone));
            }
        }
    }
    let sent = sender
        .send(Batch::Records(batch))
        .and_then(|()| sender.send(Batch::Complete));
    if sent.is_err() {
        return Err(writing.wait().err().unwrap_or_else(writer_gone));
    }
    Ok((count, writing))
}

/// The writer hung up without an error of its own.
fn writer_gone() -> Error {
    Error::Write {
        path: "records.csv".into(),
        reason: "the records writer stopped early".into(),
    }
}

/// The writing side of [`write_records`]: both files from the batches, put in place once the
/// last batch is followed by [`Batch::Complete`].
fn write_files(
    dir: &Path,
    batches: std::sync::mpsc::Receiver<Batch>,
    mut csv: AtomicFile,
    mut parquet_file: AtomicFile,
) -> Result<()> {
    let mut parquet = RecordsParquet::new(&mut parquet_file)?;
    let csv_error = |e: std::io::Error| Error::Write {
        path: dir.join("records.csv"),
        reason: e.to_string(),
    };
    writeln!(csv, "{RECORDS_HEADER}").map_err(csv_error)?;
    let mut complete = false;
    for batch in batches {
        match batch {
            Batch::Records(records) => {
                csv.write_all(render_record_rows(&records).as_bytes())
                    .map_err(csv_error)?;
                records.into_iter().try_for_each(|r| parquet.push(r))?;
            }
            Batch::Complete => complete = true,
        }
    }
    if !complete {
        // the reading side failed and says why; the temporary files go
        return Ok(());
    }
    parquet.finish()?;
    csv.commit()?;
    parquet_file.commit()
}

/// Each (model, share, split seed)'s piece of the checkpoint; a piece met twice (the same
/// seed saved twice, or a seed's rows out of order) is an error rather than a lost record.
fn find_pieces(partial: &Path, source: impl BufRead) -> Result<Pieces> {
    type Key = (String, u64, u64);
    let mut pieces = Pieces::new();
    let mut current: Option<(Key, Range<u64>, usize)> = None;
    let mut close = |(key, bytes, line): (Key, Range<u64>, usize)| {
        let (model, seed) = (key.0.clone(), key.2);
        match pieces.insert(key, (bytes, line)) {
            None => Ok(()),
            Some(_) => Err(Error::Malformed {
                path: partial.to_path_buf(),
                format: "seedfold checkpoint",
                reason: format!(
                    "model {model}'s rows of split seed {seed} appear twice (again on line {line}); run again without --resume"
                ),
            }),
        }
    };
    for_each_place(partial, source, |(model, share, seed), bytes, line| {
        let place = (model, share.to_bits(), seed);
        match &mut current {
            // the row continues the piece before it (its key compared without a copy)
            Some(((m, s, n), range, _))
                if (m.as_str(), *s, *n) == place && range.end == bytes.start =>
            {
                range.end = bytes.end;
            }
            _ => {
                let key = (model.to_string(), place.1, seed);
                if let Some(done) = current.replace((key, bytes, line)) {
                    close(done)?;
                }
            }
        }
        Ok(())
    })?;
    if let Some(done) = current {
        close(done)?;
    }
    Ok(pieces)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::{render_record_rows, render_records};

    fn record(model: &str, share: f64, seed: u64, fold: usize, metric: &str) -> FoldRecord {
        FoldRecord {
            value: Some(seed as f64 + fold as f64 / 10.0),
            fit_seconds: 0.5,
            train_fraction: share,
            ..FoldRecord::example(model, seed, 0, fold, metric)
        }
    }

    /// One seed's rows as the runner hands them over: in contract order within the seed.
    fn seed_rows(seed: u64) -> Vec<FoldRecord> {
        let mut rows = Vec::new();
        for model in ["b", "a,\"quoted\""] {
            for share in [0.5, 1.0] {
                for fold in 0..2 {
                    for metric in ["r2", "mae"] {
                        rows.push(record(model, share, seed, fold, metric));
                    }
                }
            }
        }
        rows.sort_by(|x, y| x.key().cmp(&y.key()));
        rows
    }

    #[test]
    fn seeds_saved_in_any_order_come_out_in_the_contracts_order() {
        let mut partial = format!("{RECORDS_HEADER}\n");
        for seed in [7, 2, 5] {
            partial += &render_record_rows(&seed_rows(seed));
        }
        // from the file, and from the same text held in memory (no file then)
        for held in [None, Some(partial.as_str())] {
            let dir = tempfile::tempdir().unwrap();
            if held.is_none() {
                std::fs::write(dir.path().join(RECORDS_PARTIAL), &partial).unwrap();
            }
            come_out_in_the_contracts_order(dir.path(), held);
        }
    }

    fn come_out_in_the_contracts_order(dir: &Path, held: Option<&str>) {
        let mut seen = Vec::new();
        let n = std::thread::scope(|scope| {
            let (n, writing) = assemble_records(scope, dir, held, |r| seen.push(r.clone()))?;
            writing.wait().map(|()| n)
        })
        .unwrap();
        let mut all: Vec<FoldRecord> = [7, 2, 5].into_iter().flat_map(seed_rows).collect();
        all.sort_by(|x, y| x.key().cmp(&y.key()));
        assert_eq!(n, all.len() as u64);
        assert_eq!(seen, all);
        let csv = std::fs::read_to_string(dir.join("records.csv")).unwrap();
        assert_eq!(csv, render_records(&all));
        use polars::prelude::{ParquetReader, SerReader};
        let file = std::fs::File::open(dir.join("records.parquet")).unwrap();
        let frame = ParquetReader::new(file).finish().unwrap();
        assert_eq!(frame.height(), all.len());
        let models: Vec<Option<&str>> = frame
            .column("model")
            .unwrap()
            .str()
            .unwrap()
            .iter()
            .collect();
        let expected: Vec<Option<&str>> = all.iter().map(|r| Some(r.model.as_str())).collect();
        assert_eq!(models, expected);
    }

    #[test]
    fn seeds_saved_far_out_of_order_come_out_whole_and_a_bad_row_is_named() {
        // several models and shares a seed, and one (each seed then one piece, next to the
        // next seed's)
        let one_model = |seed| {
            (0..4)
                .map(|fold| record("m", 1.0, seed, fold, "r2"))
                .collect()
        };
        let makers: [&dyn Fn(u64) -> Vec<FoldRecord>; 2] = [&seed_rows, &one_model];
        for rows in makers {
            let dir = tempfile::tempdir().unwrap();
            let mut partial = format!("{RECORDS_HEADER}\n");
            let seeds: Vec<u64> = (0..500).map(|i| (i * 7_919) % 500).collect();
            for &seed in &seeds {
                partial += &render_record_rows(&rows(seed));
            }
            std::fs::write(dir.path().join(RECORDS_PARTIAL), &partial).unwrap();
            let mut all: Vec<FoldRecord> = seeds.into_iter().flat_map(rows).collect();
            all.sort_by(|x, y| x.key().cmp(&y.key()));
            // the file's text held in memory reads back the same, as from the file
            for held in [Some(partial.as_str()), None] {
                let mut seen = Vec::new();
                std::thread::scope(|scope| {
                    let (_, writing) =
                        assemble_records(scope, dir.path(), held, |r| seen.push(r.clone()))?;
                    writing.wait()
                })
                .unwrap();
                assert!(seen == all, "{} records of {}", seen.len(), all.len());
            }
            let csv = std::fs::read_to_string(dir.path().join("records.csv")).unwrap();
            assert!(csv == render_records(&all));
            // a row that cannot be read deep in the file is named by its line
            let bad = partial.replacen(",150,0,1,r2,", ",150,0,1,r2,x", 1);
            std::fs::write(dir.path().join(RECORDS_PARTIAL), bad).unwrap();
            let e = std::thread::scope(|scope| {
                assemble_records(scope, dir.path(), None, |_| {}).map(|_| ())
            })
            .unwrap_err()
            .to_string();
            assert!(e.contains("value 'x") && e.contains("line "), "{e}");
        }
    }

    #[test]
    fn a_record_that_cannot_be_read_late_leaves_neither_file() {
        let dir = tempfile::tempdir().unwrap();
        // past several batches, so the writer has already written some of both files
        let good = (0..3 * BATCH_RECORDS as u64).map(|seed| Ok(record("m", 1.0, seed, 0, "r2")));
        let bad = std::iter::once(Err(Error::Config("line 9999 is not a record".into())));
        let mut handed = 0;
        let e = std::thread::scope(|scope| {
            write_records(scope, dir.path(), good.chain(bad), |_| handed += 1).map(|_| ())
        })
        .unwrap_err();
        assert!(e.to_string().contains("line 9999"), "{e}");
        assert_eq!(handed, 3 * BATCH_RECORDS);
        let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert!(left.is_empty(), "{left:?}");
    }

    #[test]
    fn a_seed_saved_twice_is_an_error_not_a_lost_or_doubled_record() {
        let dir = tempfile::tempdir().unwrap();
        let mut partial = format!("{RECORDS_HEADER}\n");
        for seed in [1, 2, 1] {
            partial += &render_record_rows(&seed_rows(seed));
        }
        std::fs::write(dir.path().join(RECORDS_PARTIAL), partial).unwrap();
        let e = std::thread::scope(|scope| {
            assemble_records(scope, dir.path(), None, |_| {}).map(|_| ())
        })
        .unwrap_err()
        .to_string();
        assert!(e.contains("split seed 1 appear twice"), "{e}");
        assert!(!dir.path().join("records.csv").exists());
    }
}
