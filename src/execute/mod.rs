//! Running an experiment into a report folder: the folder is locked and made fresh (or its
//! checkpoint recovered with `--resume`) by `report::folder`, the runner saves each
//! finished seed there, and the finished folder gets its reports and manifest.

mod extras;
mod finish;
mod progress;
mod summarize;

use extras::{nested_fits, permutation_tests};
use finish::finish;
pub use progress::Bar;
pub use summarize::{summarize, Summary};

use crate::data::for_each_record;
use crate::data::{Table, Target};
use crate::model::Model;
use crate::report::folder::{
    clear_for_new_run, lock, read_manifest, recover, restore_previous, start_fresh, sweep_litter,
    write_manifest, Checkpoint, PREVIOUS, RECORDS_PARTIAL,
};
use crate::report::predictions_header;
use crate::run::{
    now_unix, run, AutoSeeds, DataSummary, Experiment, ExtraInterval, Manifest, ModelSet, RunPlan,
    RunStatus,
};
use crate::split::Splitter;
use crate::stats::{t_interval, ScoreBook};
use anyhow::{anyhow, bail, Context, Result};
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

/// How a run treats what is already in its report folder.
#[derive(Debug, Clone, Copy)]
pub struct Mode {
    /// Finish the interrupted run there.
    pub resume: bool,
    /// Replace the report there.
    pub overwrite: bool,
}

/// How a run executes: its report folder, worker threads, output, what to do with what is
/// there and how long one fit may take.
#[derive(Clone, Copy)]
pub struct Execution<'a> {
    /// The report folder.
    pub out: &'a Path,
    /// Worker threads (`None`: one per core).
    pub threads: Option<usize>,
    /// No progress bar.
    pub quiet: bool,
    /// What to do with what is in the folder.
    pub mode: Mode,
    /// Longest a fit may take before it is recorded as failed.
    pub fit_timeout: Duration,
    /// Models built outside the catalogue, run after the experiment's own (their descriptions
    /// are the experiment's `plugged`).
    pub plugged: &'a [Arc<dyn Model>],
}

/// Run `experiment` on `table` into `how.out`; `how.mode` says what to do with what is there.
/// A report that `--overwrite` replaces is kept aside until the new one is complete, and put
/// back if the new run fails; an interrupted run ([`crate::Error::Interrupted`]) is left to
/// resume instead, as a killed one is.
pub fn execute(experiment: &Experiment, table: Table, how: &Execution) -> Result<()> {
    let (out, mode) = (how.out, how.mode);
    let _lock = lock(out)?;
    let ran = execute_locked(experiment, table, how);
    // a stop no run took (asked for while the reports were written) ends with this run
    crate::run::clear_stop();
    // an interrupted run stays resumable, as a killed one does: its seeds are not thrown away
    let interrupted =
        matches!(&ran, Err(e) if matches!(e.downcast_ref(), Some(crate::Error::Interrupted)));
    if ran.is_err() && !interrupted && mode.overwrite && !mode.resume && out.join(PREVIOUS).is_dir()
    {
        restore_previous(out).with_context(|| {
            format!(
                "putting the replaced report back from {}",
                out.join(PREVIOUS).display()
            )
        })?;
        eprintln!(
            "the run failed: the report it was replacing is back in {}",
            out.display()
        );
    }
    ran
}

#[allow(clippy::too_many_arguments)]
fn execute_locked(experiment: &Experiment, table: Table, how: &Execution) -> Result<()> {
    let Execution {
        out,
        threads,
        quiet,
        mode,
        fit_timeout,
        plugged: _,
    } = *how;
    let resume = mode.resume;
    sweep_litter(out);
    let splitter = Splitter::new(&experiment.split, &table)?;
    splitter.check_seeds(&experiment.split_seeds)?;
    warn(splitter.warnings());
    if experiment.split_seeds.len() > 1 && !experiment.split.kind.is_seeded() {
        warn(&[format!(
            "the {} splitter ignores the split seed: every seed gives the same folds",
            experiment.split.kind.name()
        )]);
    }
    let ModelSet { models, metrics } = experiment.models_and_metrics(&table, how.plugged)?;
    for (model, scored) in models.iter().zip(&metrics) {
        let skipped: Vec<&str> = experiment
            .metrics
            .iter()
            .flatten()
            .filter(|m| !scored.iter().any(|s| &s.name() == *m))
            .map(String::as_str)
            .collect();
        if !skipped.is_empty() {
            warn(&[format!(
                "{} gives no probabilities: not scored on {}",
                model.name(),
                skipped.join(", ")
            )]);
        }
    }
    let data = DataSummary::new(&table, &experiment.data)?;
    let probability = matches!(&table.y, Target::Classification { .. })
        && models.iter().any(|m| m.gives_probabilities());
    let header = experiment
        .save_predictions
        .then(|| predictions_header(&table, probability));
    warn_if_large(
        &experiment.my_seeds(),
        &splitter,
        &models,
        &metrics,
        &experiment.model_seeds,
        experiment.train_fractions().len(),
    );
    // --seeds auto resumes with the seeds it had decided on
    let adopt = |previous: &Manifest| {
        let mut e = experiment.clone();
        if e.seeds_auto.is_some() {
            e.split_seeds.clone_from(&previous.experiment.split_seeds);
        }
        e
    };

    let mut manifest = match (resume, read_manifest(out)) {
        (true, Ok(previous)) if previous.status == RunStatus::Complete => {
            // a finished report of another experiment is not this one's
            check_resumable(&previous, &adopt(&previous), &data, out)?;
            eprintln!("{} is already complete: nothing to resume", out.display());
            return Ok(());
        }
        (true, Ok(previous)) => check_resumable(&previous, &adopt(&previous), &data, out)?,
        (true, Err(e)) if out.join("manifest.json").exists() => {
            return Err(anyhow!(e).context(format!("cannot resume {}", out.display())))
        }
        (true, Err(_)) => bail!(
            "nothing to resume in {}: it has no manifest.json; run without --resume",
            out.display()
        ),
        (false, Ok(previous)) if previous.status == RunStatus::Running && !mode.overwrite => bail!(
            "{} holds an interrupted run; pass --resume to finish it, --overwrite to start over, or choose another --out{}",
            out.display(),
            if out.join(PREVIOUS).is_dir() {
                format!(
                    " (the report it replaces is kept in {} until it finishes)",
                    out.join(PREVIOUS).display()
                )
            } else {
                String::new()
            }
        ),
        (false, _) => {
            clear_for_new_run(out, mode.overwrite)?;
            start_fresh(out, header.as_deref())?;
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
                seeds_stop: None,
                seed_budget: Vec::new(),
                files: Default::default(),
                experiment_sha256: String::new(),
            }
        }
    };
    let mut done = if resume {
        recover(out, header.as_deref())?
    } else {
        BTreeMap::new()
    };
    // the manifest is written while the first seeds are fitted; the checkpoint waits for it
    let writing = {
        let (dir, manifest) = (out.to_path_buf(), manifest.clone());
        std::thread::spawn(move || write_manifest(&dir, &manifest))
    };
    let mut my_seeds = manifest.experiment.my_seeds();
    if resume {
        eprintln!(
            "resuming: {} of {} seeds done, {} to go",
            done.len(),
            my_seeds.len(),
            my_seeds.len() - done.len()
        );
    }

    let bar = Bar::new(quiet);
    let checkpoint = Checkpoint::new(out, &table, probability, &bar, writing);
    let fractions = experiment.train_fractions();
    let base = RunPlan {
        table: &table,
        splitter: &splitter,
        models: &models,
        metrics,
        split_seeds: &[],
        model_seeds: &experiment.model_seeds,
        keep_predictions: experiment.save_predictions,
        fail_fast: experiment.fail_fast,
        threads,
        exact_linfa: experiment.exact_linfa,
        fit_timeout: Some(fit_timeout),
        train_fractions: &fractions,
    };
    // the split seeds' shared cost, measured on the seeds this process runs
    let (mut gather_seconds, mut seeds_ran) = (0.0, 0);
    // rows the checkpoint holds in memory to the end (see `Checkpoint::close_held`): only when
    // nothing reads the checkpoint's file before then, and no long fits follow the last seed
    let mut held;
    let may_hold = experiment.seeds_auto.is_none()
        && experiment.interval.is_none()
        && experiment.permutations.is_none();
    loop {
        let todo: Vec<u64> = my_seeds
            .iter()
            .copied()
            .filter(|s| !done.contains_key(s))
            .collect();
        let batch = RunPlan {
            split_seeds: &todo,
            ..base.clone()
        };
        let ran = run(&batch, &checkpoint);
        // seeds finished before a failure stay saved, so --resume can skip them
        let saved = if ran.is_ok() && may_hold {
            checkpoint.close_held()
        } else {
            checkpoint.close().map(|saved| (saved, None))
        }
        .context("saving the checkpoint");
        gather_seconds += ran?.gather_seconds;
        seeds_ran += todo.len();
        let (saved, kept) = saved?;
        done.extend(saved);
        held = kept;
        let Some(auto) = &experiment.seeds_auto else {
            break;
        };
        let (widest, stop) = auto_seeds_stop(
            out,
            auto,
            my_seeds.len() as u64,
            experiment.stats.confidence,
        )?;
        if let Some(reason) = stop {
            manifest.seeds_stop = Some(reason);
            break;
        }
        let next = (2 * my_seeds.len() as u64).min(auto.max_seeds);
        eprintln!(
            "--seeds auto: the widest interval's half-width is {widest:.4} after {} split seeds, above {}: going on to {next}",
            my_seeds.len(),
            auto.target_halfwidth
        );
        manifest.experiment.split_seeds = (0..next).collect();
        write_manifest(out, &manifest)?;
        my_seeds = manifest.experiment.my_seeds();
    }
    let plan = RunPlan {
        split_seeds: &my_seeds,
        ..base
    };
    let nested = match experiment.interval {
        Some(ExtraInterval::Ncv) => nested_fits(&plan),
        None => Vec::new(),
    };
    let permutation = match (experiment.permutations, my_seeds.first()) {
        (Some(n), Some(&seed)) => permutation_tests(&plan, seed, n),
        _ => Vec::new(),
    };
    // a stop during those fits: their results are cut short, so no report is written from
    // them; every seed is saved and `--resume` fits them again
    if crate::run::stop_requested() {
        held.map_or(Ok(()), |h| h.save(out))?;
        return Err(crate::Error::Interrupted.into());
    }
    release_freed_memory();
    hand_back_large_blocks();
    manifest.split_hashes = done;
    let split_seconds = (seeds_ran > 0).then(|| gather_seconds / seeds_ran as f64);
    let finished = finish(
        out,
        &mut manifest,
        &table,
        (&splitter, &my_seeds, held.as_ref()),
        (&nested, permutation, split_seconds),
    );
    // no report: the held rows are saved after all, so --resume need not fit them again
    match (finished, held) {
        (Err(e), Some(held)) => {
            if let Err(s) = held.save(out) {
                eprintln!(
                    "warning: the finished seeds could not be saved for --resume either: {s}"
                );
            }
            Err(e)
        }
        (finished, _) => finished,
    }
}

/// After a batch of `--seeds auto`: the widest half-width of a t interval of a mean over
/// seeds among every model and metric so far (read back from the checkpoint), and why to stop
/// (`None`: add seeds).
fn auto_seeds_stop(
    out: &Path,
    auto: &AutoSeeds,
    seeds: u64,
    level: f64,
) -> Result<(f64, Option<String>)> {
    let mut book = ScoreBook::default();
    for_each_record(&out.join(RECORDS_PARTIAL), |r, _, _| {
        book.add(&r);
        Ok(())
    })?;
    let mut widest: Option<(f64, String)> = None;
    for s in book.finish().iter().filter(|s| s.train_fraction == 1.0) {
        let half = match t_interval(&s.seed_means(), level).value() {
            Some(i) => (i.upper - i.lower) / 2.0,
            None => f64::INFINITY,
        };
        if widest.as_ref().is_none_or(|(w, _)| half > *w) {
            widest = Some((half, format!("{} on {}", s.model, s.metric)));
        }
    }
    let (half, which) = widest.unwrap_or((f64::INFINITY, "no model".into()));
    let stop = if half <= auto.target_halfwidth {
        Some(format!(
            "--seeds auto stopped at {seeds} split seeds: every interval of a mean over seeds is at most ±{} wide (the widest, {which}, ±{half:.4})",
            auto.target_halfwidth
        ))
    } else if seeds >= auto.max_seeds {
        Some(format!(
            "--seeds auto stopped at --max-seeds {seeds} before the target ±{}: {which} is still ±{half:.4} wide",
            auto.target_halfwidth
        ))
    } else {
        None
    };
    Ok((half, stop))
}

/// Records above which a run warns before it starts.
const LARGE_RUN_RECORDS: u64 = 20_000_000;

/// Warn when the study asks for a very large number of records: they stream to disk (about 60
/// bytes each in records.csv), and the analysis holds about 50 bytes of score tables per
/// record (0.84 KB per split seed on diabetes/ols with 3 metrics × 5 folds, BENCHMARKS.md).
fn warn_if_large(
    seeds: &[u64],
    splitter: &Splitter,
    models: &[Arc<dyn Model>],
    metrics: &[Vec<crate::metric::Metric>],
    model_seeds: &[u64],
    train_fractions: usize,
) {
    let folds = splitter.fold_count() as u64;
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
    // a learning curve scores every fold once per training fraction
    let records = seeds.len() as u64 * folds * per_fold * train_fractions as u64;
    if records > LARGE_RUN_RECORDS {
        warn(&[format!(
            "this study writes {records} records (records.csv ~{} MB, ~{} MB of scores held for the analysis); consider fewer seeds or --shard",
            records * 60 / 1_000_000,
            records * 50 / 1_000_000
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
            "cannot resume {}: the configuration differs from the run there in {}",
            out.display(),
            differences.join(", ")
        );
    }
    if previous.data.sha256 != data.sha256 {
        bail!(
            "cannot resume {}: the data changed since the run there (sha256 {} then, {} now)",
            out.display(),
            previous.data.sha256,
            data.sha256
        );
    }
    let mut manifest = previous.clone();
    manifest.status = RunStatus::Running;
    Ok(manifest)
}

/// Hand back to the system the memory a finished stage freed: glibc keeps freed heap pages for
/// reuse, so the reader's frame (as large as the data), or the fits' buffers in every worker's
/// arena, would otherwise stay resident through the stages that follow.
pub fn release_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only returns unused heap pages; no live allocation is touched.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// From here on, serve large blocks (score tables, rendered files, batches) from their own
/// mappings, so freeing one returns it to the system: glibc otherwise raises that threshold
/// each time such a block is freed and serves the next from the heap, where freed space stays
/// resident. Set once the fits are done (their large per-tree buffers would pay a mapping
/// each, 7 % of a forest run on 200,000 rows); then a run's peak memory grows by under a
/// kilobyte per split seed (BENCHMARKS.md).
fn hand_back_large_blocks() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only changes the allocator's tuning.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 128 << 10);
    }
}

/// Show warnings on stderr.
pub fn warn(warnings: &[String]) {
    for w in warnings {
        eprintln!("warning: {w}");
    }
}
