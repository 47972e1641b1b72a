//! Turning a run's checkpoint into the finished report folder: the records in the contract's
//! order, the statistics and reports, and what the run measured beside them (failures, the
//! fits' costs behind the budget advice).

use super::extras::{nested_intervals, Nested};
use crate::data::{Table, Task};
use crate::report::files::{
    about, hard_rows, known_scale, write_rendered, write_report, Extras, PerModel,
};
use crate::report::folder::{close_folder, write_manifest, Held, PREDICTIONS_PARTIAL};
use crate::report::{assemble_records, write_splits};
use crate::run::{file_hashes, now_unix, BudgetAdvice, FoldRecord, Manifest, RunStatus};
use crate::split::Splitter;
use crate::stats::{model_seeds_for, Analysis, Maybe, PermutationTest, ScoreBook, Scores};
use anyhow::{anyhow, Context, Result};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Turn the checkpoint (or `held`, its rows kept in memory) into the final report folder: its
/// records are read once, in the contract's order, into records.csv, records.parquet and the
/// score tables of the analysis.
pub(super) fn finish(
    out: &Path,
    manifest: &mut Manifest,
    table: &Table,
    (splitter, seeds, held): (&Splitter, &[u64], Option<&Held>),
    (nested, permutation, split_seconds): (&Nested, PerModel<Maybe<PermutationTest>>, Option<f64>),
) -> Result<()> {
    // splits.csv, records.csv and records.parquet are written beside the analysis
    std::thread::scope(|scope| {
        let splits = manifest.experiment.save_splits.then(|| {
            scope.spawn(move || {
                // splits are derived again and written one seed at a time, never all held
                write_rendered(
                    out,
                    (
                        "splits.csv",
                        Box::new(|w| {
                            write_splits(w, seeds.iter().map(|&s| (s, splitter.split(s))))
                        }),
                    ),
                )
            })
        });
        let mut book = ScoreBook::default();
        let mut failures = Failures::default();
        let mut fits = FitCosts::default();
        let mut row_sums: BTreeMap<(String, String), (f64, f64)> = BTreeMap::new();
        let (n_records, records) = assemble_records(scope, out, held.map(Held::text), |r| {
            book.add(r);
            failures.add(r);
            fits.add(r);
            if let (false, Some(v), 1.0) = (nested.is_empty(), r.value, r.train_fraction) {
                let sums = row_sums
                    .entry((r.model.clone(), r.metric.clone()))
                    .or_default();
                sums.0 += v * r.n_test as f64;
                sums.1 += r.n_test as f64;
            }
        })
        .with_context(|| format!("assembling the records in {}", out.display()))?;
        let level = manifest.experiment.stats.confidence;
        let extras = Extras {
            ncv: nested_intervals(nested, &row_sums, table.n_rows(), level),
            permutation,
        };
        let analysis = finish_reports(out, manifest, table, (seeds, &extras), &book.finish())?;
        if let Some(split_seconds) = split_seconds {
            manifest.seed_budget = budget_advice(&analysis, split_seconds, &fits.per_run());
        }
        failures.warn(n_records);
        records
            .wait()
            .with_context(|| format!("writing the records in {}", out.display()))?;
        match splits {
            Some(handle) => handle
                .join()
                .map_err(|_| anyhow!("writing splits.csv panicked"))?,
            None => Ok(()),
        }
    })?;
    manifest.status = RunStatus::Complete;
    manifest.finished_unix = Some(now_unix());
    manifest.files = file_hashes(out)?;
    manifest.experiment_sha256 = manifest.experiment_hash();
    write_manifest(out, manifest)?;
    close_folder(out);
    eprintln!("wrote {}", PathBuf::from(out).display());
    Ok(())
}

/// Per model, the fit seconds of its runs (split seed × model seed: every fold's fit), added
/// up as the records stream past (each fit once: from its first metric's records).
#[derive(Default)]
struct FitCosts(BTreeMap<String, ModelFits>);

/// One model's fits so far: the metric whose records are counted, their seconds, and the runs
/// (split seed, model seed) they belong to.
type ModelFits = (String, f64, std::collections::BTreeSet<(u64, u64)>);

impl FitCosts {
    fn add(&mut self, r: &FoldRecord) {
        if r.train_fraction != 1.0 {
            return;
        }
        let (metric, seconds, runs) = self
            .0
            .entry(r.model.clone())
            .or_insert_with(|| (r.metric.clone(), 0.0, Default::default()));
        if *metric == r.metric {
            *seconds += r.fit_seconds;
            runs.insert((r.split_seed, r.model_seed));
        }
    }

    /// Per model, the mean seconds of one run.
    fn per_run(&self) -> Vec<(String, f64)> {
        self.0
            .iter()
            .map(|(model, (_, seconds, runs))| (model.clone(), seconds / runs.len().max(1) as f64))
            .collect()
    }
}

/// For every random model run under several model seeds, per metric: the model seeds per
/// split seed that make the narrowest interval for the compute, from the measured costs, each
/// also said on stderr for the first metric.
fn budget_advice(
    analysis: &Analysis,
    split_seconds: f64,
    model_seconds: &[(String, f64)],
) -> Vec<BudgetAdvice> {
    let mut advice = Vec::new();
    for s in &analysis.summaries {
        let Some(Maybe::Value(budget)) = &s.seed_budget else {
            continue;
        };
        let Some(&(_, seconds)) = model_seconds.iter().find(|(m, _)| *m == s.model) else {
            continue;
        };
        let (optimum, m) = model_seeds_for(budget, split_seconds, seconds);
        if !advice.iter().any(|a: &BudgetAdvice| a.model == s.model) {
            eprintln!(
                "note: {}: for the narrowest interval per second of compute, run {m} model seed(s) per split seed (M* = {optimum:.2} from this run's costs; manifest.json seed_budget)",
                s.model
            );
        }
        advice.push(BudgetAdvice {
            model: s.model.clone(),
            metric: s.metric.clone(),
            split_seconds,
            model_seconds: seconds,
            optimum,
            model_seeds_per_split_seed: m,
        });
    }
    advice
}

/// Failed scores of a run, counted as its records stream past, and the first one's reason.
#[derive(Default)]
struct Failures {
    count: u64,
    first: Option<String>,
}

impl Failures {
    fn add(&mut self, r: &FoldRecord) {
        if r.status == crate::run::Status::Failed {
            self.count += 1;
            if self.first.is_none() {
                self.first = Some(r.error.clone().unwrap_or_default());
            }
        }
    }

    fn warn(&self, n_records: u64) {
        if let Some(first) = &self.first {
            eprintln!(
                "warning: {} of {n_records} scores failed (first: {first}); see records.csv",
                self.count
            );
        }
    }
}

/// The predictions, summary and reports of the report folder.
fn finish_reports(
    out: &Path,
    manifest: &mut Manifest,
    table: &Table,
    (seeds, extras): (&[u64], &Extras),
    scores: &[Scores],
) -> Result<Analysis> {
    let experiment = &manifest.experiment;
    if experiment.save_predictions {
        // the checkpoint already holds predictions.csv, synced by its last commit: move it into place
        std::fs::rename(out.join(PREDICTIONS_PARTIAL), out.join("predictions.csv"))
            .with_context(|| {
                format!(
                    "moving the checkpoint's predictions ({PREDICTIONS_PARTIAL}) into place as predictions.csv in {}",
                    out.display()
                )
            })?;
    }
    manifest.seeds_done = seeds.to_vec();
    let hard = hard_rows(out, table.n_rows(), table.y.task() == Task::Classification)?;
    write_report(
        out,
        scores,
        &known_scale,
        &experiment.stats,
        &table.name,
        &about(manifest),
        (hard.as_slice(), extras),
    )
}
