//! Running an experiment into a report folder, with a checkpoint so that an interrupted run
//! can resume. Finished split seeds collect in memory; at most once every [`SYNC_EVERY`] (or
//! [`MAX_UNSAVED`] bytes), and at the end, their rows are appended to `records.partial.csv`
//! (`predictions.partial.csv`), fsynced, and indexed in `seeds.done` by a line
//! `seed records_bytes predictions_bytes split_hash` each. So a crash costs at most that much
//! work, and a fast run is not paced by the disk. On resume the partial files are cut back to
//! the last indexed seed, so a torn or unsynced write is never read.

use super::progress::Bar;
use super::report::{about, known_scale, write, write_report, write_side_by_side, Render};
use anyhow::{anyhow, bail, Context, Result};
use seedfold::data::{Table, Target};
use seedfold::report::{
    append, predictions_header, render_prediction_rows, render_record_rows, render_records,
    render_records_parquet, render_splits, sync, RECORDS_HEADER,
};
use seedfold::run::{
    file_hashes, now_unix, run, split_hash, DataSummary, Experiment, FoldPredictions, FoldRecord,
    Manifest, ModelSet, Observer, RunPlan, RunStatus,
};
use seedfold::split::{Fold, Splitter};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant};

const RECORDS_PARTIAL: &str = "records.partial.csv";
const PREDICTIONS_PARTIAL: &str = "predictions.partial.csv";
const SEEDS_DONE: &str = "seeds.done";

/// How often finished seeds are saved (see the module documentation).
const SYNC_EVERY: Duration = Duration::from_secs(1);
/// Rows held unsaved at most, so a fast run on large data stays lean.
const MAX_UNSAVED: usize = 8 << 20;

/// Saves finished seeds, and shows progress.
struct Checkpoint<'a> {
    dir: &'a Path,
    table: &'a Table,
    probability: bool,
    bar: Bar,
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
    last_save: Instant,
    error: Option<anyhow::Error>,
}

impl Checkpoint<'_> {
    /// A checkpoint appending to the partial files in `dir` as they are now.
    fn new<'a>(dir: &'a Path, table: &'a Table, probability: bool, quiet: bool) -> Checkpoint<'a> {
        let len = |name| std::fs::metadata(dir.join(name)).map_or(0, |m| m.len());
        Checkpoint {
            dir,
            table,
            probability,
            bar: Bar::new(quiet),
            state: Mutex::new(CheckpointState {
                records: String::new(),
                predictions: String::new(),
                index: String::new(),
                saved: (len(RECORDS_PARTIAL), len(PREDICTIONS_PARTIAL)),
                hashes: BTreeMap::new(),
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
        let hash = split_hash(folds, self.table.n_rows());
        let line = format!(
            "{seed} {} {} {hash}\n",
            state.saved.0 + state.records.len() as u64,
            state.saved.1 + state.predictions.len() as u64,
        );
        state.index += &line;
        state.hashes.insert(seed, hash);
    }

    /// Append the kept rows and sync them, then index their seeds. The index itself needs no
    /// sync: a lost line only means that seed runs again.
    fn save(&self, state: &mut CheckpointState) -> Result<()> {
        for (name, rows, saved) in [
            (RECORDS_PARTIAL, &mut state.records, &mut state.saved.0),
            (
                PREDICTIONS_PARTIAL,
                &mut state.predictions,
                &mut state.saved.1,
            ),
        ] {
            if !rows.is_empty() {
                let path = self.dir.join(name);
                append(&path, rows.as_bytes())?;
                sync(&path)?;
                *saved += rows.len() as u64;
                rows.clear();
            }
        }
        append(&self.dir.join(SEEDS_DONE), state.index.as_bytes())?;
        state.index.clear();
        state.last_save = Instant::now();
        Ok(())
    }

    /// Commit what is left and return the split hashes of the seeds saved, or the first error
    /// met.
    fn close(&self) -> Result<BTreeMap<u64, String>> {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        match state.error.take() {
            Some(e) => Err(e),
            None => self
                .save(&mut state)
                .map(|()| std::mem::take(&mut state.hashes)),
        }
    }
}

impl Observer for Checkpoint<'_> {
    fn start(&self, fits: u64) {
        self.bar.start(fits);
    }
    fn fit_done(&self) {
        self.bar.fit_done();
    }
    fn finish(&self) {
        self.bar.finish();
    }
    fn stores_predictions(&self) -> bool {
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

pub fn read_manifest(dir: &Path) -> Result<Manifest> {
    let path = dir.join("manifest.json");
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("no manifest in {}", dir.display()))?;
    serde_json::from_str(&text)
        .with_context(|| format!("{} is not a seedfold manifest", path.display()))
}

pub fn write_manifest(dir: &Path, manifest: &Manifest) -> Result<()> {
    write(
        dir,
        "manifest.json",
        serde_json::to_string_pretty(manifest)?.as_bytes(),
    )
}

/// Seeds recorded in `seeds.done` with their split hashes, and the partial files cut back to
/// the last of them (or begun again, with `header` for the predictions, when none was
/// recorded).
fn recover(dir: &Path, header: Option<&str>) -> Result<BTreeMap<u64, String>> {
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
    for (name, end) in [(RECORDS_PARTIAL, ends.0), (PREDICTIONS_PARTIAL, ends.1)] {
        let path = dir.join(name);
        if path.exists() && end > 0 {
            std::fs::OpenOptions::new()
                .write(true)
                .open(&path)?
                .set_len(end)?;
        }
    }
    Ok(seeds)
}

fn start_fresh(dir: &Path, header: Option<&str>) -> Result<()> {
    for name in [RECORDS_PARTIAL, PREDICTIONS_PARTIAL, SEEDS_DONE] {
        let _ = std::fs::remove_file(dir.join(name));
    }
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    append(
        &dir.join(RECORDS_PARTIAL),
        format!("{RECORDS_HEADER}\n").as_bytes(),
    )?;
    if let Some(h) = header {
        append(&dir.join(PREDICTIONS_PARTIAL), h.as_bytes())?;
    }
    Ok(())
}

/// How a run treats what is already in its report folder.
#[derive(Debug, Clone, Copy)]
pub struct Mode {
    /// Finish the interrupted run there.
    pub resume: bool,
    /// Replace the report there.
    pub overwrite: bool,
}

/// The files a run writes into its report folder; with --overwrite they are removed before a
/// new run starts, so old and new never mix.
const OUTPUTS: [&str; 11] = [
    "manifest.json",
    "records.csv",
    "records.parquet",
    "summary.json",
    "report.md",
    "report.html",
    "splits.csv",
    "predictions.csv",
    RECORDS_PARTIAL,
    PREDICTIONS_PARTIAL,
    SEEDS_DONE,
];
/// The lock file that keeps a second run out of a report folder while one writes it.
const LOCK: &str = ".seedfold.lock";

/// Hold the report folder for this process: an exclusive `flock` on its lock file, released
/// by the system when the process ends however it ends (so a killed run leaves no stale lock).
fn lock(out: &Path) -> Result<std::fs::File> {
    std::fs::create_dir_all(out).with_context(|| format!("creating {}", out.display()))?;
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(out.join(LOCK))
        .with_context(|| format!("opening the lock file in {}", out.display()))?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(std::fs::TryLockError::WouldBlock) => bail!(
            "another seedfold run is writing to {}; wait for it to finish or choose another --out",
            out.display()
        ),
        Err(std::fs::TryLockError::Error(e)) => {
            Err(e).with_context(|| format!("locking {}", out.display()))
        }
    }
}

/// Temporary files of an interrupted atomic write (`.NAME.tmpPID`).
fn is_litter(name: &str) -> bool {
    name.starts_with('.') && name.contains(".tmp")
}

/// Remove interrupted writes' temporary files from `out`.
fn sweep_litter(out: &Path) {
    for entry in std::fs::read_dir(out).into_iter().flatten().flatten() {
        if is_litter(&entry.file_name().to_string_lossy()) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// Make `out` ready for a new run: empty, or emptied of seedfold's files with `overwrite`;
/// anything else there is the user's and refused.
fn clear_for_new_run(out: &Path, overwrite: bool) -> Result<()> {
    let mut names: Vec<String> = std::fs::read_dir(out)
        .with_context(|| format!("reading {}", out.display()))?
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n != LOCK && !is_litter(n))
        .collect();
    names.sort();
    if names.is_empty() {
        return Ok(());
    }
    let foreign: Vec<&String> = names
        .iter()
        .filter(|n| !OUTPUTS.contains(&n.as_str()))
        .collect();
    if !overwrite {
        bail!(
            "{} already holds {}{}; pass --overwrite to replace seedfold's report there, or choose another --out",
            out.display(),
            names.iter().take(4).cloned().collect::<Vec<_>>().join(", "),
            if names.len() > 4 { ", …" } else { "" }
        );
    }
    if !foreign.is_empty() {
        bail!(
            "{} holds files seedfold did not write ({}); --overwrite only replaces a report, so choose another --out",
            out.display(),
            foreign.iter().take(4).map(|s| s.as_str()).collect::<Vec<_>>().join(", ")
        );
    }
    for name in OUTPUTS {
        let path = out.join(name);
        if path.exists() {
            std::fs::remove_file(&path)
                .with_context(|| format!("removing the old {}", path.display()))?;
        }
    }
    Ok(())
}

/// Run `experiment` on `table` into `out`; `mode` says what to do with what is there.
pub fn execute(
    experiment: &Experiment,
    table: Table,
    out: &Path,
    threads: Option<usize>,
    quiet: bool,
    mode: Mode,
    fit_timeout: Duration,
) -> Result<()> {
    let resume = mode.resume;
    let _lock = lock(out)?;
    sweep_litter(out);
    let splitter = Splitter::new(&experiment.split, &table)?;
    super::warn(splitter.warnings());
    if experiment.split_seeds.len() > 1 && !experiment.split.kind.is_seeded() {
        super::warn(&[format!(
            "the {} splitter ignores the split seed: every seed gives the same folds",
            experiment.split.kind.name()
        )]);
    }
    let ModelSet { models, metrics } = experiment.models_and_metrics(&table)?;
    for (model, scored) in models.iter().zip(&metrics) {
        let skipped: Vec<&str> = experiment
            .metrics
            .iter()
            .flatten()
            .filter(|m| !scored.iter().any(|s| &s.name() == *m))
            .map(String::as_str)
            .collect();
        if !skipped.is_empty() {
            super::warn(&[format!(
                "{} gives no probabilities: not scored on {}",
                model.name(),
                skipped.join(", ")
            )]);
        }
    }
    let data = DataSummary::new(&table, &experiment.data)?;
    let probability = matches!(&table.y, Target::Classification { classes, .. } if classes.len() == 2)
        && models.iter().any(|m| m.gives_probabilities());
    let header = experiment
        .save_predictions
        .then(|| predictions_header(probability));
    let my_seeds = experiment.my_seeds();
    warn_if_large(
        &my_seeds,
        &splitter,
        &models,
        &metrics,
        &experiment.model_seeds,
    );

    let mut manifest = match (resume, read_manifest(out)) {
        (true, Ok(previous)) if previous.status == RunStatus::Complete => {
            eprintln!("{} is already complete: nothing to resume", out.display());
            return Ok(());
        }
        (true, Ok(previous)) => check_resumable(&previous, experiment, &data, out)?,
        (true, Err(_)) => bail!(
            "nothing to resume in {}: it has no manifest.json; run without --resume",
            out.display()
        ),
        (false, Ok(previous)) if previous.status == RunStatus::Running && !mode.overwrite => bail!(
            "{} holds an interrupted run; pass --resume to finish it, --overwrite to start over, or choose another --out",
            out.display()
        ),
        (false, _) => {
            clear_for_new_run(out, mode.overwrite)?;
            start_fresh(out, header)?;
            Manifest {
                seedfold_version: env!("CARGO_PKG_VERSION").into(),
                status: RunStatus::Running,
                experiment: experiment.clone(),
                data,
                split_hashes: Default::default(),
                seeds_done: Vec::new(),
                started_unix: now_unix(),
                finished_unix: None,
                threads: threads.unwrap_or_else(rayon::current_num_threads),
                files: Default::default(),
            }
        }
    };
    let mut done = if resume {
        recover(out, header)?
    } else {
        BTreeMap::new()
    };
    write_manifest(out, &manifest)?;
    let todo: Vec<u64> = my_seeds
        .iter()
        .copied()
        .filter(|s| !done.contains_key(s))
        .collect();
    if resume {
        eprintln!(
            "resuming: {} of {} seeds done, {} to go",
            done.len(),
            my_seeds.len(),
            todo.len()
        );
    }

    let checkpoint = Checkpoint::new(out, &table, probability, quiet);
    let plan = RunPlan {
        table: &table,
        splitter: &splitter,
        models: &models,
        metrics,
        split_seeds: &todo,
        model_seeds: &experiment.model_seeds,
        keep_predictions: experiment.save_predictions,
        fail_fast: experiment.fail_fast,
        threads,
        exact_linfa: experiment.exact_linfa,
        fit_timeout: Some(fit_timeout),
    };
    let ran = run(&plan, &checkpoint);
    // seeds finished before a failure stay saved, so --resume can skip them
    let saved = checkpoint.close().context("saving the checkpoint");
    let output = ran?;
    let resumed = !done.is_empty();
    done.extend(saved?);
    let records = if resumed {
        // earlier seeds exist only in the checkpoint; it returns records in the contract's order
        let partial = out.join(RECORDS_PARTIAL);
        seedfold::data::read_records(&partial, true)
            .map_err(|e| anyhow!("reading the checkpoint {}: {e}", partial.display()))?
    } else {
        output.records
    };
    manifest.split_hashes = done;
    finish(out, &mut manifest, &table, &splitter, &my_seeds, &records)
}

/// Records held in memory above which a run warns before it starts.
const LARGE_RUN_RECORDS: u64 = 2_000_000;

/// Warn when the study asks for more records than fit comfortably in memory: every record is
/// held until the report is written (about 200 bytes each, measured on diabetes/ols).
fn warn_if_large(
    seeds: &[u64],
    splitter: &Splitter,
    models: &[std::sync::Arc<dyn seedfold::model::Model>],
    metrics: &[Vec<seedfold::metric::Metric>],
    model_seeds: &[u64],
) {
    let folds = seeds.first().map_or(0, |&s| splitter.split(s).len()) as u64;
    let per_fold: u64 = models
        .iter()
        .zip(metrics)
        .map(|(m, scored)| {
            let runs = if m.is_stochastic() {
                model_seeds.len()
            } else {
                1
            };
            (runs * scored.len()) as u64
        })
        .sum();
    let records = seeds.len() as u64 * folds * per_fold;
    if records > LARGE_RUN_RECORDS {
        super::warn(&[format!(
            "this study writes {records} records (~{} MB held in memory until the report is written); consider fewer seeds or --shard",
            records * 200 / 1_000_000
        )]);
    }
}

/// Refuse to resume a run with another configuration or other data.
fn check_resumable(
    previous: &Manifest,
    experiment: &Experiment,
    data: &DataSummary,
    out: &Path,
) -> Result<Manifest> {
    let differences = previous.experiment.differences(experiment);
    if !differences.is_empty() {
        bail!(
            "cannot resume {}: the configuration differs from the interrupted run in {}",
            out.display(),
            differences.join(", ")
        );
    }
    if previous.data.sha256 != data.sha256 {
        bail!(
            "cannot resume {}: the data changed since the interrupted run (sha256 {} then, {} now)",
            out.display(),
            previous.data.sha256,
            data.sha256
        );
    }
    let mut manifest = previous.clone();
    manifest.status = RunStatus::Running;
    Ok(manifest)
}

/// Turn the checkpoint into the final report folder.
fn finish(
    out: &Path,
    manifest: &mut Manifest,
    table: &Table,
    splitter: &Splitter,
    seeds: &[u64],
    records: &[FoldRecord],
) -> Result<()> {
    // the records' files are written beside the analysis and its reports
    std::thread::scope(|scope| {
        let save_splits = manifest.experiment.save_splits;
        let records_files = scope.spawn(move || {
            let mut files: Vec<Render> = vec![
                (
                    "records.csv",
                    Box::new(|| Ok(render_records(records).into_bytes())),
                ),
                (
                    "records.parquet",
                    Box::new(|| Ok(render_records_parquet(records)?)),
                ),
            ];
            if save_splits {
                // splits are derived again one seed at a time, never all held at once
                files.push((
                    "splits.csv",
                    Box::new(|| {
                        Ok(render_splits(seeds.iter().map(|&s| (s, splitter.split(s))))
                            .into_bytes())
                    }),
                ));
            }
            write_side_by_side(out, files)
        });
        let reports = finish_reports(out, manifest, table, seeds, records);
        records_files
            .join()
            .map_err(|_| anyhow!("writing the records panicked"))??;
        reports
    })?;
    manifest.status = RunStatus::Complete;
    manifest.finished_unix = Some(now_unix());
    manifest.files = file_hashes(out)?;
    write_manifest(out, manifest)?;
    for name in [RECORDS_PARTIAL, PREDICTIONS_PARTIAL, SEEDS_DONE] {
        let _ = std::fs::remove_file(out.join(name));
    }
    sweep_litter(out);
    // the folder is finished: the lock file goes (the lock itself is released at exit)
    let _ = std::fs::remove_file(out.join(LOCK));
    eprintln!("wrote {}", PathBuf::from(out).display());
    Ok(())
}

/// The predictions, summary and reports of the report folder.
fn finish_reports(
    out: &Path,
    manifest: &mut Manifest,
    table: &Table,
    seeds: &[u64],
    records: &[FoldRecord],
) -> Result<()> {
    let experiment = &manifest.experiment;
    if experiment.save_predictions {
        // the checkpoint already holds predictions.csv, synced by its last commit: move it into place
        std::fs::rename(out.join(PREDICTIONS_PARTIAL), out.join("predictions.csv"))?;
    }
    manifest.seeds_done = seeds.to_vec();
    let failed = records
        .iter()
        .filter(|r| r.status == seedfold::run::Status::Failed)
        .collect::<Vec<_>>();
    write_report(
        out,
        records,
        &known_scale,
        &experiment.stats,
        &table.name,
        &about(manifest),
    )?;
    if let Some(first) = failed.first() {
        eprintln!(
            "warning: {} of {} scores failed (first: {}); see records.csv",
            failed.len(),
            records.len(),
            first.error.as_deref().unwrap_or("")
        );
    }
    Ok(())
}
