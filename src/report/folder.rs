//! A report folder on disk while a run writes it: an exclusive lock, a fresh state (a new run
//! never mixes its files with an old report's), and the checkpoint of finished seeds that
//! lets an interrupted run resume.
//!
//! Finished split seeds collect in memory; at most once every [`SYNC_EVERY`] (or
//! [`MAX_UNSAVED`] bytes), and at the end, their rows are appended to `records.partial.csv`
//! (`predictions.partial.csv`), fsynced, and indexed in `seeds.done` by a line
//! `seed records_bytes predictions_bytes split_hash` each. So a crash costs at most that much
//! work, and a fast run is not paced by the disk. On resume the partial files are cut back to
//! the last indexed seed, so a torn or unsynced write is never read.
//!
//! By the same rule, a run whose fits all finished before its first save (a small run) keeps
//! its rows in memory to the end ([`Checkpoint::close_held`]): its report is assembled from
//! them as from the file, and a crash meanwhile costs less than [`SYNC_EVERY`] of fits.

use super::{
    append, render_prediction_rows, render_record_rows, sync, write_atomic, RECORDS_HEADER,
};
use crate::data::Table;
use crate::record::{FoldPredictions, FoldRecord};
use crate::run::{split_hash, Manifest, Observer, REPORT_FILES};
use crate::split::Fold;
use crate::{Error, Result};
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Mutex;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// The checkpoint's records, appended seed by seed.
pub const RECORDS_PARTIAL: &str = "records.partial.csv";
/// The checkpoint's out-of-fold predictions (moved into place as predictions.csv).
pub const PREDICTIONS_PARTIAL: &str = "predictions.partial.csv";
/// The checkpoint's index of saved seeds.
pub const SEEDS_DONE: &str = "seeds.done";

/// How often finished seeds are saved (see the module documentation).
pub const SYNC_EVERY: Duration = Duration::from_secs(1);
/// Rows held unsaved at most, so a fast run on large data stays lean.
pub const MAX_UNSAVED: usize = 8 << 20;

/// Saves finished seeds (an [`Observer`] for the runner), passing progress on to `progress`.
pub struct Checkpoint<'a> {
    dir: &'a Path,
    table: &'a Table,
    probability: bool,
    progress: &'a dyn Observer,
    /// The run's manifest being written while the first seeds are fitted: in place before
    /// anything is saved (a checkpoint is resumable only beside its manifest).
    manifest: Mutex<Option<JoinHandle<Result<()>>>>,
    state: Mutex<CheckpointState>,
}

/// Seeds finished but not yet saved, and the first error met.
struct CheckpointState {
    /// Their rows for `records.partial.csv` and `predictions.partial.csv`.
    records: String,
    predictions: String,
    /// Their `seeds.done` lines, with offsets as if the rows above were already appended.
    index: String,
    /// Lengths of the two partial files as last saved.
    saved: (u64, u64),
    /// Split hash of every seed finished in this run.
    hashes: BTreeMap<u64, String>,
    /// Split hashes of seeds whose folds are made and which are not finished yet.
    made: BTreeMap<u64, String>,
    last_save: Instant,
    error: Option<Error>,
}

impl Checkpoint<'_> {
    /// A checkpoint appending to the partial files in `dir` as they are now, once `manifest`
    /// (the folder's manifest being written) is done; `probability`: predictions carry the
    /// second class's probability.
    pub fn new<'a>(
        dir: &'a Path,
        table: &'a Table,
        probability: bool,
        progress: &'a dyn Observer,
        manifest: JoinHandle<Result<()>>,
    ) -> Checkpoint<'a> {
        let len = |name| std::fs::metadata(dir.join(name)).map_or(0, |m| m.len());
        Checkpoint {
            dir,
            table,
            probability,
            progress,
            manifest: Mutex::new(Some(manifest)),
            state: Mutex::new(CheckpointState {
                records: String::new(),
                predictions: String::new(),
                index: String::new(),
                saved: (len(RECORDS_PARTIAL), len(PREDICTIONS_PARTIAL)),
                hashes: BTreeMap::new(),
                made: BTreeMap::new(),
                last_save: Instant::now(),
                error: None,
            }),
        }
    }

    fn keep(
        &self,
        state: &mut CheckpointState,
        seed: u64,
        folds: &[Fold],
        records: &[FoldRecord],
        predictions: &[FoldPredictions],
    ) {
        state.records += &render_record_rows(records);
        if !predictions.is_empty() {
            state.predictions += &render_prediction_rows(self.table, predictions, self.probability);
        }
        let made = state.made.remove(&seed);
        let hash = made.unwrap_or_else(|| split_hash(folds, self.table.n_rows()));
        let line = format!(
            "{seed} {} {} {hash}\n",
            state.saved.0 + state.records.len() as u64,
            state.saved.1 + state.predictions.len() as u64,
        );
        state.index += &line;
        state.hashes.insert(seed, hash);
    }

    /// Wait until the manifest is in place; its error, if it could not be written.
    fn manifest_written(&self) -> Result<()> {
        let writing = self
            .manifest
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take();
        writing.map_or(Ok(()), |handle| {
            handle.join().unwrap_or_else(|_| {
                Err(Error::Write {
                    path: self.dir.join("manifest.json"),
                    reason: "writing the manifest panicked".into(),
                })
            })
        })
    }

    /// Append the kept rows and sync them, then index their seeds.
    fn save(&self, state: &mut CheckpointState) -> Result<()> {
        self.manifest_written()?;
        save_rows(
            self.dir,
            [
                (RECORDS_PARTIAL, &mut state.records, &mut state.saved.0),
                (
                    PREDICTIONS_PARTIAL,
                    &mut state.predictions,
                    &mut state.saved.1,
                ),
            ],
            &mut state.index,
        )?;
        state.last_save = Instant::now();
        Ok(())
    }

    /// Commit what is left (once the manifest is in place, as every save waits for it) and
    /// return the split hashes of the seeds saved, or the first error met.
    pub fn close(&self) -> Result<BTreeMap<u64, String>> {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        match state.error.take() {
            Some(e) => Err(e),
            None => self
                .save(&mut state)
                .map(|()| std::mem::take(&mut state.hashes)),
        }
    }

    /// As [`close`](Self::close), except that rows of records only (no predictions) that
    /// would be the records file's first are not saved but returned, for the end of the run
    /// to read in place of the file.
    pub fn close_held(&self) -> Result<(BTreeMap<u64, String>, Option<Held>)> {
        self.manifest_written()?;
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let header_only = state.saved.0 == RECORDS_HEADER.len() as u64 + 1;
        if !header_only || !state.predictions.is_empty() || state.error.is_some() {
            drop(state);
            return self.close().map(|hashes| (hashes, None));
        }
        let held = Held {
            text: format!("{RECORDS_HEADER}\n{}", std::mem::take(&mut state.records)),
            index: std::mem::take(&mut state.index),
        };
        Ok((std::mem::take(&mut state.hashes), Some(held)))
    }
}

/// Append each file's `rows` and sync them (`saved`: the file's length, kept up to date), then
/// append the `index` lines of their seeds. The index itself needs no sync: a lost line only
/// means that seed runs again.
fn save_rows<'a>(
    dir: &Path,
    files: impl IntoIterator<Item = (&'a str, &'a mut String, &'a mut u64)>,
    index: &mut String,
) -> Result<()> {
    for (name, rows, saved) in files {
        if !rows.is_empty() {
            let path = dir.join(name);
            append(&path, rows.as_bytes())?;
            sync(&path)?;
            *saved += rows.len() as u64;
            rows.clear();
        }
    }
    append(&dir.join(SEEDS_DONE), index.as_bytes())?;
    index.clear();
    Ok(())
}

/// A closed checkpoint's rows kept in memory ([`Checkpoint::close_held`]): the records file's
/// text as saving would have made it, and its seeds' index lines.
pub struct Held {
    text: String,
    index: String,
}

impl Held {
    /// The records file's text: its header, then the rows.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Save the rows in the checkpoint of `dir` after all (the report could not be written),
    /// so `--resume` fits none of their seeds again.
    pub fn save(self, dir: &Path) -> Result<()> {
        let Held {
            mut text,
            mut index,
        } = self;
        let mut rows = text.split_off(RECORDS_HEADER.len() + 1);
        let mut saved = 0;
        save_rows(dir, [(RECORDS_PARTIAL, &mut rows, &mut saved)], &mut index)
    }
}

impl Observer for Checkpoint<'_> {
    fn start(&self, fits: u64) {
        self.progress.start(fits);
    }
    fn fit_done(&self) {
        self.progress.fit_done();
    }
    fn folds_made(&self, batch: &[(u64, Vec<Fold>)]) {
        let n_rows = self.table.n_rows();
        let hashes: Vec<(u64, String)> = batch
            .par_iter()
            .map(|(seed, folds)| (*seed, split_hash(folds, n_rows)))
            .collect();
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        state.made.extend(hashes);
    }
    fn finish(&self) {
        self.progress.finish();
    }
    fn stores_results(&self) -> bool {
        true
    }
    fn seed_done(
        &self,
        seed: u64,
        folds: &[Fold],
        records: &[FoldRecord],
        predictions: &[FoldPredictions],
    ) {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        if state.error.is_some() {
            return;
        }
        self.keep(&mut state, seed, folds, records, predictions);
        let unsaved = state.records.len() + state.predictions.len();
        if state.last_save.elapsed() >= SYNC_EVERY || unsaved >= MAX_UNSAVED {
            if let Err(e) = self.save(&mut state) {
                state.error = Some(e);
            }
        }
    }
}

/// The manifest of the report folder `dir`.
pub fn read_manifest(dir: &Path) -> Result<Manifest> {
    let path = dir.join("manifest.json");
    let text = std::fs::read_to_string(&path).map_err(|e| Error::Read {
        path: path.clone(),
        reason: format!("no manifest in {} ({e})", dir.display()),
    })?;
    serde_json::from_str(&text).map_err(|e| Error::Malformed {
        path,
        format: "seedfold manifest",
        reason: e.to_string(),
    })
}

/// Write the manifest of the report folder `dir` (atomically).
pub fn write_manifest(dir: &Path, manifest: &Manifest) -> Result<()> {
    let text = serde_json::to_string_pretty(manifest).map_err(|e| Error::Write {
        path: dir.join("manifest.json"),
        reason: e.to_string(),
    })?;
    write_atomic(&dir.join("manifest.json"), text.as_bytes())
}

/// Seeds recorded in `seeds.done` with their split hashes, and the partial files cut back to
/// the last of them (or begun again, with `header` for the predictions, when none was
/// recorded).
pub fn recover(dir: &Path, header: Option<&str>) -> Result<BTreeMap<u64, String>> {
    let text = std::fs::read_to_string(dir.join(SEEDS_DONE)).unwrap_or_default();
    let complete = text.rsplit_once('\n').map_or("", |(done, _)| done);
    let mut seeds = BTreeMap::new();
    let mut ends = (0, 0);
    for line in complete.lines() {
        let fields: Vec<&str> = line.split(' ').collect();
        if let [seed, records, predictions, hash] = fields[..] {
            if let (Ok(seed), Ok(records), Ok(predictions)) =
                (seed.parse(), records.parse(), predictions.parse())
            {
                seeds.insert(seed, hash.to_string());
                ends = (records, predictions);
            }
        }
    }
    if seeds.is_empty() {
        start_fresh(dir, header)?;
        return Ok(seeds);
    }
    // a finish that failed after moving the checkpoint's predictions into place (the disk
    // filled while the reports were written): they are the checkpoint's again
    let (partial, moved) = (dir.join(PREDICTIONS_PARTIAL), dir.join("predictions.csv"));
    if header.is_some() && !partial.exists() && moved.exists() {
        std::fs::rename(&moved, &partial).map_err(|e| write_error(&partial, e))?;
    }
    for (name, end) in [(RECORDS_PARTIAL, ends.0), (PREDICTIONS_PARTIAL, ends.1)] {
        let path = dir.join(name);
        if path.exists() && end > 0 {
            std::fs::OpenOptions::new()
                .write(true)
                .open(&path)
                .and_then(|file| file.set_len(end))
                .map_err(|e| write_error(&path, e))?;
        }
    }
    Ok(seeds)
}

/// Begin the checkpoint's files in `dir` (the predictions with `header`).
pub fn start_fresh(dir: &Path, header: Option<&str>) -> Result<()> {
    for name in [RECORDS_PARTIAL, PREDICTIONS_PARTIAL, SEEDS_DONE] {
        let _ = std::fs::remove_file(dir.join(name));
    }
    std::fs::create_dir_all(dir).map_err(|e| write_error(dir, e))?;
    append(
        &dir.join(RECORDS_PARTIAL),
        format!("{RECORDS_HEADER}\n").as_bytes(),
    )?;
    if let Some(h) = header {
        append(&dir.join(PREDICTIONS_PARTIAL), h.as_bytes())?;
    }
    Ok(())
}

/// The files a run writes into its report folder (the manifest, the report files, the
/// checkpoint's); with --overwrite they are removed before a new run starts, so old and new
/// never mix.
pub fn outputs() -> impl Iterator<Item = &'static str> {
    ["manifest.json"].into_iter().chain(REPORT_FILES).chain([
        RECORDS_PARTIAL,
        PREDICTIONS_PARTIAL,
        SEEDS_DONE,
    ])
}

/// The lock file that keeps a second run out of a report folder while one writes it.
pub const LOCK: &str = ".seedfold.lock";

/// A held report folder: its lock file is removed when this is dropped, and the folder too
/// when the lock made it and nothing was written there, so a run that is refused or fails
/// leaves nothing of seedfold's behind.
#[derive(Debug)]
pub struct FolderLock {
    _file: std::fs::File,
    path: std::path::PathBuf,
    /// The folder, when this lock created it.
    created: Option<std::path::PathBuf>,
}

impl Drop for FolderLock {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
        if let Some(folder) = &self.created {
            // only an empty folder is removed
            let _ = std::fs::remove_dir(folder);
        }
    }
}

/// Hold the report folder for this process: an exclusive `flock` on its lock file, released
/// by the system when the process ends however it ends (so a killed run leaves no stale lock).
pub fn lock(out: &Path) -> Result<FolderLock> {
    let created = (!out.exists()).then(|| out.to_path_buf());
    std::fs::create_dir_all(out).map_err(|e| write_error(out, e))?;
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(out.join(LOCK))
        .map_err(|e| write_error(&out.join(LOCK), e))?;
    match file.try_lock() {
        Ok(()) => Ok(FolderLock {
            _file: file,
            path: out.join(LOCK),
            created,
        }),
        Err(std::fs::TryLockError::WouldBlock) => Err(Error::Config(format!(
            "another seedfold run is writing to {}; wait for it to finish or choose another --out",
            out.display()
        ))),
        Err(std::fs::TryLockError::Error(e)) => Err(write_error(&out.join(LOCK), e)),
    }
}

/// Temporary files of an interrupted atomic write (`.NAME.tmpPID`).
fn is_litter(name: &str) -> bool {
    name.starts_with('.') && name.contains(".tmp")
}

/// Remove interrupted writes' temporary files from `out`.
pub fn sweep_litter(out: &Path) {
    for entry in std::fs::read_dir(out).into_iter().flatten().flatten() {
        if is_litter(&entry.file_name().to_string_lossy()) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// Where `--overwrite` keeps the report it replaces until the new one is complete: a crash,
/// a full disk or a kill while the new run writes never costs the old report. A run that
/// completes removes it; one that fails puts the old report back ([`restore_previous`]).
pub const PREVIOUS: &str = ".seedfold-previous";

/// What a folder's `manifest.json` says seedfold wrote there: a run's manifest and the
/// manifest `summarize` writes both have these fields.
#[derive(serde::Deserialize)]
struct Owned {
    #[serde(default)]
    status: Option<crate::run::RunStatus>,
    #[serde(default)]
    files: BTreeMap<String, String>,
}

/// The files of `out` that seedfold may replace: the ones its manifest lists (a finished
/// report), or a run's checkpoint and report names while its manifest says it is running;
/// nothing without a readable manifest. The second value: whether the report is finished.
fn owned_files(out: &Path) -> (Vec<String>, bool) {
    let manifest = std::fs::read_to_string(out.join("manifest.json"))
        .ok()
        .and_then(|text| serde_json::from_str::<Owned>(&text).ok());
    match manifest {
        None => (Vec::new(), false),
        Some(m) if m.status == Some(crate::run::RunStatus::Running) => {
            (outputs().map(String::from).collect(), false)
        }
        Some(m) => {
            let mut names: Vec<String> = m.files.into_keys().collect();
            names.push("manifest.json".into());
            (names, true)
        }
    }
}

/// Make `out` ready for a new run: empty, or with `overwrite` holding only files its seedfold
/// manifest lists (anything else there is the user's and refused). A finished report there is
/// moved aside into [`PREVIOUS`] until the new run completes; an interrupted run's files go.
pub fn clear_for_new_run(out: &Path, overwrite: bool) -> Result<()> {
    let mut names: Vec<String> = std::fs::read_dir(out)
        .map_err(|e| Error::Read {
            path: out.to_path_buf(),
            reason: e.to_string(),
        })?
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n != LOCK && n != PREVIOUS && !is_litter(n))
        .collect();
    names.sort();
    if names.is_empty() {
        return Ok(());
    }
    if !overwrite {
        return Err(Error::Config(format!(
            "{} already holds {}{}; pass --overwrite to replace seedfold's report there, or choose another --out",
            out.display(),
            names.iter().take(4).cloned().collect::<Vec<_>>().join(", "),
            if names.len() > 4 { ", …" } else { "" }
        )));
    }
    let (owned, finished) = owned_files(out);
    let foreign: Vec<&String> = names.iter().filter(|n| !owned.contains(n)).collect();
    if !foreign.is_empty() {
        return Err(Error::Config(format!(
            "{} holds files no seedfold manifest there lists ({}); --overwrite only replaces a seedfold report, so move them or choose another --out",
            out.display(),
            foreign.iter().take(4).map(|s| s.as_str()).collect::<Vec<_>>().join(", ")
        )));
    }
    let previous = out.join(PREVIOUS);
    if finished {
        if previous.exists() {
            std::fs::remove_dir_all(&previous).map_err(|e| write_error(&previous, e))?;
        }
        std::fs::create_dir(&previous).map_err(|e| write_error(&previous, e))?;
    }
    for name in &names {
        let path = out.join(name);
        if finished {
            std::fs::rename(&path, previous.join(name)).map_err(|e| write_error(&path, e))?;
        } else {
            std::fs::remove_file(&path).map_err(|e| write_error(&path, e))?;
        }
    }
    Ok(())
}

/// After a run that failed: remove what it wrote and put the report it was replacing (kept in
/// [`PREVIOUS`]) back. Nothing happens when no report was kept.
pub fn restore_previous(out: &Path) -> Result<()> {
    let previous = out.join(PREVIOUS);
    let Ok(kept) = std::fs::read_dir(&previous) else {
        return Ok(());
    };
    for name in outputs() {
        let _ = std::fs::remove_file(out.join(name));
    }
    for entry in kept.flatten() {
        let path = entry.path();
        std::fs::rename(&path, out.join(entry.file_name())).map_err(|e| write_error(&path, e))?;
    }
    std::fs::remove_dir(&previous).map_err(|e| write_error(&previous, e))
}

fn write_error(path: &Path, e: std::io::Error) -> Error {
    Error::Write {
        path: path.to_path_buf(),
        reason: e.to_string(),
    }
}

/// The end of a run's writing: the checkpoint's files, the report it replaced, interrupted
/// writes' litter and the lock file go (the lock itself is released when its holder drops it).
pub fn close_folder(out: &Path) {
    for name in [RECORDS_PARTIAL, PREDICTIONS_PARTIAL, SEEDS_DONE] {
        let _ = std::fs::remove_file(out.join(name));
    }
    // the new report is complete: the one it replaced is no longer needed
    let _ = std::fs::remove_dir_all(out.join(PREVIOUS));
    sweep_litter(out);
    let _ = std::fs::remove_file(out.join(LOCK));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::Target;
    use crate::run::Silent;
    use ndarray::{Array1, Array2};

    /// A table of 10 rows, for checkpoints.
    fn ten_rows() -> Table {
        Table::numeric(
            "t",
            Array2::zeros((10, 1)),
            Target::Regression(Array1::zeros(10)),
            vec!["x".into()],
        )
    }

    /// A manifest written at once.
    fn written() -> JoinHandle<Result<()>> {
        std::thread::spawn(|| Ok(()))
    }

    /// Hand `checkpoint` seeds 3, 1 and 2 (10 rows, folds of 5), one record each.
    fn finish_seeds(checkpoint: &Checkpoint) {
        let folds = [Fold {
            train: (0..5).collect(),
            test: (5..10).collect(),
        }];
        for seed in [3, 1, 2] {
            let record = FoldRecord::example("m", seed, 0, 0, "r2");
            checkpoint.seed_done(seed, &folds, &[record], &[]);
        }
    }

    #[test]
    fn nothing_is_saved_before_the_manifest_is_in_place_nor_past_its_error() {
        let table = ten_rows();
        let dir = tempfile::tempdir().unwrap();
        start_fresh(dir.path(), None).unwrap();
        let manifest = dir.path().join("manifest.json");
        let slow = {
            let manifest = manifest.clone();
            std::thread::spawn(move || {
                std::thread::sleep(Duration::from_millis(50));
                write_atomic(&manifest, b"{}")
            })
        };
        let checkpoint = Checkpoint::new(dir.path(), &table, false, &Silent, slow);
        finish_seeds(&checkpoint);
        checkpoint.close().unwrap();
        assert!(
            manifest.exists(),
            "close returned before the manifest was in place"
        );
        let failed = std::thread::spawn(|| {
            Err(Error::Write {
                path: "manifest.json".into(),
                reason: "disk full".into(),
            })
        });
        let checkpoint = Checkpoint::new(dir.path(), &table, false, &Silent, failed);
        finish_seeds(&checkpoint);
        let e = checkpoint.close_held().err().expect("the manifest's error");
        assert!(e.to_string().contains("disk full"), "{e}");
    }

    #[test]
    fn held_rows_are_the_checkpoint_saving_them_would_have_written() {
        let table = ten_rows();
        let (saved, held) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        let files = |dir: &Path| {
            let read = |name| std::fs::read_to_string(dir.join(name)).unwrap();
            (read(RECORDS_PARTIAL), read(SEEDS_DONE))
        };
        start_fresh(saved.path(), None).unwrap();
        let checkpoint = Checkpoint::new(saved.path(), &table, false, &Silent, written());
        finish_seeds(&checkpoint);
        let hashes = checkpoint.close().unwrap();
        let (records, index) = files(saved.path());
        assert_eq!(index.lines().count(), 3, "{index}");

        start_fresh(held.path(), None).unwrap();
        let checkpoint = Checkpoint::new(held.path(), &table, false, &Silent, written());
        finish_seeds(&checkpoint);
        let (held_hashes, rows) = checkpoint.close_held().unwrap();
        let rows = rows.expect("a run that never saved holds its rows");
        assert_eq!(held_hashes, hashes);
        assert_eq!(rows.text(), records);
        assert!(!held.path().join(SEEDS_DONE).exists(), "nothing saved");
        rows.save(held.path()).unwrap();
        assert_eq!(files(held.path()), (records, index));

        // a checkpoint that saved rows before, or holds predictions, saves them as close does
        let checkpoint = Checkpoint::new(held.path(), &table, false, &Silent, written());
        finish_seeds(&checkpoint);
        assert!(checkpoint.close_held().unwrap().1.is_none());
        let again = tempfile::tempdir().unwrap();
        start_fresh(again.path(), Some("header\n")).unwrap();
        let checkpoint = Checkpoint::new(again.path(), &table, false, &Silent, written());
        let folds = [Fold {
            train: (0..5).collect(),
            test: (5..10).collect(),
        }];
        let predictions = FoldPredictions {
            model: "m".into(),
            split_seed: 0,
            model_seed: 0,
            fold: 0,
            rows: folds[0].test.clone(),
            predictions: crate::metric::Predictions::Values(vec![0.5; 5]),
        };
        let record = FoldRecord::example("m", 0, 0, 0, "r2");
        checkpoint.seed_done(0, &folds, &[record], &[predictions]);
        assert!(checkpoint.close_held().unwrap().1.is_none());
        assert_eq!(files(again.path()).1.lines().count(), 1);
    }

    #[test]
    fn predictions_a_failed_finish_moved_into_place_go_back_to_the_checkpoint() {
        let dir = tempfile::tempdir().unwrap();
        let header = "split_seed,fold,row,prediction\n";
        let predictions = format!("{header}0,0,3,1.5\n0,1,4,2.5\n");
        let records = format!("{RECORDS_HEADER}\n");
        let done = format!("0 {} {} hash\n", records.len(), predictions.len());
        std::fs::write(dir.path().join(RECORDS_PARTIAL), &records).unwrap();
        std::fs::write(dir.path().join(SEEDS_DONE), done).unwrap();
        std::fs::write(dir.path().join("predictions.csv"), &predictions).unwrap();
        let seeds = recover(dir.path(), Some(header)).unwrap();
        assert_eq!(seeds.keys().copied().collect::<Vec<u64>>(), [0]);
        let back = std::fs::read_to_string(dir.path().join(PREDICTIONS_PARTIAL)).unwrap();
        assert_eq!(back, predictions);
        assert!(!dir.path().join("predictions.csv").exists());
    }
}
