//! Running an experiment into a report folder: the folder is locked and made fresh (or its
//! checkpoint recovered with `--resume`) by `seedfold::report::folder`, the runner saves each
//! finished seed there, and the finished folder gets its reports and manifest.

use super::progress::Bar;
use super::report::{about, hard_rows, known_scale, write_report, write_side_by_side, Render};
use anyhow::{anyhow, bail, Context, Result};
use seedfold::data::{Table, Target, Task};
use seedfold::report::folder::{
    clear_for_new_run, close_folder, lock, read_manifest, recover, start_fresh, sweep_litter,
    write_manifest, Checkpoint, PREDICTIONS_PARTIAL, RECORDS_PARTIAL,
};
use seedfold::report::{predictions_header, render_records, render_records_parquet, render_splits};
use seedfold::run::{
    file_hashes, now_unix, run, DataSummary, Experiment, FoldRecord, Manifest, ModelSet, RunPlan,
    RunStatus,
};
use seedfold::split::Splitter;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// How a run treats what is already in its report folder.
#[derive(Debug, Clone, Copy)]
pub struct Mode {
    /// Finish the interrupted run there.
    pub resume: bool,
    /// Replace the report there.
    pub overwrite: bool,
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
        (true, Err(e)) if out.join("manifest.json").exists() => {
            return Err(anyhow!(e).context(format!("cannot resume {}", out.display())))
        }
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

    let bar = Bar::new(quiet);
    let checkpoint = Checkpoint::new(out, &table, probability, &bar);
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
        train_fractions: &experiment.train_fractions(),
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
        seedfold::data::read_records(&partial, true, None)
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
    close_folder(out);
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
    let hard = hard_rows(out, table.n_rows(), table.y.task() == Task::Classification)?;
    write_report(
        out,
        records,
        &known_scale,
        &experiment.stats,
        &table.name,
        &about(manifest),
        hard.as_slice(),
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
