//! Running an experiment into a report folder, with a checkpoint so that an interrupted run
//! can resume: after each split seed, its records (and predictions) are appended to
//! `records.partial.csv` (`predictions.partial.csv`) and fsynced, then a line
//! `seed records_bytes predictions_bytes` is appended to `seeds.done` (not synced itself: a lost
//! line only means that seed runs again). On resume
//! the partial files are cut back to the last complete seed, so a torn write is never read.

use super::progress::Bar;
use super::report::{about, known_direction, write, write_report};
use anyhow::{anyhow, bail, Context, Result};
use seedfold::data::{source_bytes, Table, Target};
use seedfold::report::{
    append, append_durably, predictions_header, render_prediction_rows, render_record_rows,
    render_records, render_records_parquet, render_splits, RECORDS_HEADER,
};
use seedfold::run::{
    now_unix, run, split_hash, DataSummary, Experiment, FoldPredictions, FoldRecord, Manifest,
    ModelSet, Observer, RunPlan, RunStatus,
};
use seedfold::split::Splitter;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

const RECORDS_PARTIAL: &str = "records.partial.csv";
const PREDICTIONS_PARTIAL: &str = "predictions.partial.csv";
const SEEDS_DONE: &str = "seeds.done";

/// Saves each finished seed durably, and shows progress.
struct Checkpoint<'a> {
    dir: &'a Path,
    table: &'a Table,
    probability: bool,
    bar: Bar,
    error: Mutex<Option<anyhow::Error>>,
}

impl Checkpoint<'_> {
    fn save(
        &self,
        seed: u64,
        records: &[FoldRecord],
        predictions: &[FoldPredictions],
    ) -> Result<()> {
        let records_path = self.dir.join(RECORDS_PARTIAL);
        append_durably(&records_path, render_record_rows(records).as_bytes())?;
        let predictions_path = self.dir.join(PREDICTIONS_PARTIAL);
        if !predictions.is_empty() {
            append_durably(
                &predictions_path,
                render_prediction_rows(self.table, predictions, self.probability).as_bytes(),
            )?;
        }
        let len = |p: &Path| std::fs::metadata(p).map_or(0, |m| m.len());
        let line = format!("{seed} {} {}\n", len(&records_path), len(&predictions_path));
        // the index line needs no sync of its own: the rows it points at are synced already
        append(&self.dir.join(SEEDS_DONE), line.as_bytes())?;
        Ok(())
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
    fn seed_done(&self, seed: u64, records: &[FoldRecord], predictions: &[FoldPredictions]) {
        let mut error = self.error.lock().unwrap_or_else(|e| e.into_inner());
        if error.is_none() {
            if let Err(e) = self.save(seed, records, predictions) {
                *error = Some(e);
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

fn write_manifest(dir: &Path, manifest: &Manifest) -> Result<()> {
    write(
        dir,
        "manifest.json",
        serde_json::to_string_pretty(manifest)?.as_bytes(),
    )
}

/// Seeds recorded in `seeds.done`, and the partial files cut back to the last of them.
fn recover(dir: &Path) -> Result<Vec<u64>> {
    let text = std::fs::read_to_string(dir.join(SEEDS_DONE)).unwrap_or_default();
    let complete = text.rsplit_once('\n').map_or("", |(done, _)| done);
    let mut seeds = Vec::new();
    let mut ends = (RECORDS_HEADER.len() as u64 + 1, 0u64);
    for line in complete.lines() {
        let f: Vec<u64> = line.split(' ').filter_map(|v| v.parse().ok()).collect();
        if let [seed, records, predictions] = f[..] {
            seeds.push(seed);
            ends = (records, predictions);
        }
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
    append_durably(
        &dir.join(RECORDS_PARTIAL),
        format!("{RECORDS_HEADER}\n").as_bytes(),
    )?;
    if let Some(h) = header {
        append_durably(&dir.join(PREDICTIONS_PARTIAL), h.as_bytes())?;
    }
    Ok(())
}

/// Run `experiment` on `table` into `out`, resuming from its checkpoint when `resume`.
pub fn execute(
    experiment: &Experiment,
    table: Table,
    out: &Path,
    threads: Option<usize>,
    quiet: bool,
    resume: bool,
) -> Result<()> {
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
    let data = DataSummary::new(&table, &source_bytes(&experiment.data)?);
    let probability = matches!(&table.y, Target::Classification { classes, .. } if classes.len() == 2)
        && models.iter().any(|m| m.gives_probabilities());
    let header = experiment
        .save_predictions
        .then(|| predictions_header(probability));
    let my_seeds = experiment.my_seeds();

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
        (false, Ok(previous)) if previous.status == RunStatus::Running => bail!(
            "{} holds an interrupted run; pass --resume to finish it, or choose another --out",
            out.display()
        ),
        (false, _) => {
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
            }
        }
    };
    let done = if resume { recover(out)? } else { Vec::new() };
    write_manifest(out, &manifest)?;
    let todo: Vec<u64> = my_seeds
        .iter()
        .copied()
        .filter(|s| !done.contains(s))
        .collect();
    if resume {
        eprintln!(
            "resuming: {} of {} seeds done, {} to go",
            done.len(),
            my_seeds.len(),
            todo.len()
        );
    }

    let checkpoint = Checkpoint {
        dir: out,
        table: &table,
        probability,
        bar: Bar::new(quiet),
        error: Mutex::new(None),
    };
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
    };
    seedfold::model::quiet_model_panics();
    run(&plan, &checkpoint)?;
    if let Some(e) = checkpoint
        .error
        .into_inner()
        .unwrap_or_else(|e| e.into_inner())
    {
        return Err(e.context("saving the checkpoint"));
    }
    finish(out, &mut manifest, &table, &splitter, &my_seeds)
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
) -> Result<()> {
    let partial = out.join(RECORDS_PARTIAL);
    // read_records returns the records in the contract's order
    let records = seedfold::data::read_records(&partial, true)
        .map_err(|e| anyhow!("reading the checkpoint {}: {e}", partial.display()))?;
    let experiment = &manifest.experiment;
    write(out, "records.csv", render_records(&records).as_bytes())?;
    write(out, "records.parquet", &render_records_parquet(&records)?)?;
    // splits are derived again one seed at a time, never all held at once
    if experiment.save_splits {
        let splits = render_splits(seeds.iter().map(|&s| (s, splitter.split(s))));
        write(out, "splits.csv", splits.as_bytes())?;
    }
    if experiment.save_predictions {
        // the checkpoint already holds predictions.csv, synced seed by seed: move it into place
        std::fs::rename(out.join(PREDICTIONS_PARTIAL), out.join("predictions.csv"))?;
    }
    manifest.split_hashes = seeds
        .iter()
        .map(|&s| (s, split_hash(&splitter.split(s), table.n_rows())))
        .collect();
    manifest.seeds_done = seeds.to_vec();
    let failed = records
        .iter()
        .filter(|r| r.status == seedfold::run::Status::Failed)
        .collect::<Vec<_>>();
    write_report(
        out,
        &records,
        &known_direction,
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
    manifest.status = RunStatus::Complete;
    manifest.finished_unix = Some(now_unix());
    write_manifest(out, manifest)?;
    for name in [RECORDS_PARTIAL, PREDICTIONS_PARTIAL, SEEDS_DONE] {
        let _ = std::fs::remove_file(out.join(name));
    }
    eprintln!("wrote {}", PathBuf::from(out).display());
    Ok(())
}
