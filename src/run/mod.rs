//! The runner: every model on every fold of every split seed (and model seed), scored by every
//! metric, in parallel, with results in canonical order whatever the thread count.
//!
//! Work is cut into (split seed, fold) tasks: a task gathers its fold's rows once and fits
//! each model on them. Seeds are processed in batches so that only a batch's folds are held.
//! Before a batch's fold tasks, its split seeds fit their least-squares models on every fold
//! at once when their folds allow (`seed_fits`): two passes over the rows for a few seeds, not
//! one gather per fold.

mod coverage;
mod experiment;
mod manifest;
mod ncv;
mod permutation;
mod progress;
mod seed_fits;
mod stop;
mod timeout;
mod tune;

use crate::record::UNSEEN_CATEGORY;
pub use crate::record::{FoldPredictions, FoldRecord, Status};
pub use coverage::{coverage_problems, Coverage};
pub use experiment::{
    AutoSeeds, DataSection, Experiment, ExperimentFile, ExtraInterval, ModelSet, OutputSection,
    PreprocessSection, SeedSpec, Shard, SplitSection, StatsSection, AUTO_FIRST_SEEDS,
};
pub use manifest::{
    file_hashes, now_unix, source_sha256, split_hash, BudgetAdvice, DataSummary, Manifest,
    RunStatus, REPORT_FILES,
};
pub use ncv::nested_reps;
pub use permutation::permutation_scores;
pub use progress::{Observer, Silent};
pub use stop::request_stop;
pub(crate) use stop::{clear_stop, stop_requested};
pub use tune::inner_folds;

use crate::data::{Table, Target, Task};
use crate::metric::{default_metrics, score, Metric, Predictions, Truth};
use crate::model::least_squares::GramSystem;
use crate::model::{spare, FoldData, FoldTrain, Model};
use crate::preprocess::{FeatureKind, Scaling};
use crate::rng::{self, Purpose};
use crate::split::{Fold, Splitter};
use crate::{Error, Result};
use linfa::DatasetBase;
use ndarray::{Array2, Axis};
use rayon::prelude::*;
use seed_fits::SeedFits;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Most split seeds handled per batch: enough tasks to keep every core busy.
const SEEDS_PER_BATCH: usize = 32;
/// Fold row indices held at once at most (per batch), so large data sets stay lean: 64 MB,
/// eight 200,000-row 5-fold seeds, whose least-squares passes two threads share four at a
/// time (`seed_fits`).
const INDICES_PER_BATCH: usize = 8_000_000;

/// What to run.
#[derive(Clone)]
pub struct RunPlan<'a> {
    /// The data.
    pub table: &'a Table,
    /// The checked splitter.
    pub splitter: &'a Splitter,
    /// The models.
    pub models: &'a [Arc<dyn Model>],
    /// Metrics per model (see [`metrics_for`]).
    pub metrics: Vec<Vec<Metric>>,
    /// Split seeds.
    pub split_seeds: &'a [u64],
    /// Model seeds for stochastic models (deterministic ones run once, under the first).
    pub model_seeds: &'a [u64],
    /// Keep out-of-fold predictions.
    pub keep_predictions: bool,
    /// Stop at the first failed fold.
    pub fail_fast: bool,
    /// Worker threads; `None` = all cores. Results do not depend on it.
    pub threads: Option<usize>,
    /// Fit every model through its linfa path, never the exact fast paths (for comparison).
    pub exact_linfa: bool,
    /// Wall-clock limit of one fit; an overrunning fit becomes a failed fold ([`FIT_TIMEOUT`]
    /// by default). `None`: no limit, fits run on the worker itself.
    pub fit_timeout: Option<Duration>,
    /// Shares of each fold's training rows to fit on, ascending, ending with 1 (`&[1.0]`: no
    /// learning curve). Every share is scored on the fold's whole test part.
    pub train_fractions: &'a [f64],
}

impl<'a> RunPlan<'a> {
    /// A plan with the defaults the command line uses: every model scored on its task's
    /// default metrics, deterministic models under model seed 0 and stochastic ones under model
    /// seed 0 only, no predictions kept, every core, seedfold's fast paths, the default fit
    /// timeout, whole training folds. Change a field afterwards for anything else, e.g.
    /// `RunPlan { model_seeds: &[0, 1, 2], ..RunPlan::new(…)? }`.
    pub fn new(
        table: &'a Table,
        splitter: &'a Splitter,
        models: &'a [Arc<dyn Model>],
        split_seeds: &'a [u64],
    ) -> Result<RunPlan<'a>> {
        let n_classes = table.y.classes().map_or(0, |(_, classes)| classes.len());
        Ok(RunPlan {
            table,
            splitter,
            models,
            metrics: metrics_for(None, models, table.y.task(), n_classes)?,
            split_seeds,
            model_seeds: &[0],
            keep_predictions: false,
            fail_fast: false,
            threads: None,
            exact_linfa: false,
            fit_timeout: Some(FIT_TIMEOUT),
            train_fractions: &[1.0],
        })
    }
}

/// The default limit of one fit: generous, it only ends fits that would never end.
pub const FIT_TIMEOUT: Duration = Duration::from_secs(600);

/// What a run produced, unless its observer stores it instead ([`Observer::stores_results`]).
#[derive(Debug, Default)]
pub struct RunOutput {
    /// Every score, sorted by the records contract's key ([`FoldRecord::key`]).
    pub records: Vec<FoldRecord>,
    /// Out-of-fold predictions sorted by (split seed, model, model seed, fold), when kept.
    pub predictions: Vec<FoldPredictions>,
    /// Seconds spent gathering (and preprocessing) folds' rows, which every model and model
    /// seed of a fold share: a split seed's own cost, apart from the fits' `fit_seconds`.
    pub gather_seconds: f64,
}

/// The metrics each model is scored on: the requested ones (checked against the task), or the
/// task's defaults. Probability metrics are scored only for models that give probabilities; it
/// is an error to ask for one that no model can give. `n_classes` is the number of classes of
/// a classification target (0 for regression): metrics for two classes only (`roc_auc`,
/// `brier`, binary `f1`) are refused, or left out of the defaults, when it is not 2.
pub fn metrics_for(
    requested: Option<&[Metric]>,
    models: &[Arc<dyn Model>],
    task: Task,
    n_classes: usize,
) -> Result<Vec<Vec<Metric>>> {
    let chosen = match requested {
        Some(list) if !list.is_empty() => {
            for m in list {
                m.check(task, n_classes)?;
                if m.needs_probabilities()
                    && !models.iter().any(|model| model.gives_probabilities())
                {
                    let names: Vec<&str> = models.iter().map(|model| model.name()).collect();
                    return Err(Error::Config(format!(
                        "metric '{m}' needs probabilities, which none of {} gives; drop the metric or add a model such as logistic",
                        names.join(", ")
                    )));
                }
            }
            list.to_vec()
        }
        _ => default_metrics(task, n_classes),
    };
    Ok(models
        .iter()
        .map(|model| {
            chosen
                .iter()
                .copied()
                .filter(|m| !m.needs_probabilities() || model.gives_probabilities())
                .collect()
        })
        .collect())
}

/// Run the plan. Failed fits are recorded, not fatal (unless `fail_fast`). A stop asked for
/// ([`request_stop`], before or during the run) ends it after the fits in progress with
/// [`Error::Interrupted`], the seeds finished by then handed to `observer`.
pub fn run(plan: &RunPlan, observer: &dyn Observer) -> Result<RunOutput> {
    plan.splitter.check_seeds(plan.split_seeds)?;
    let pool = Workers::new(plan.threads)?;
    // driven from one of the pool's threads, which takes part in each step it starts where
    // this thread would hand it over and sleep until woken (W1 16.2 -> 15.5 ms). No step
    // waits here on a thread outside the pool that needs the pool, so one worker is enough
    // (driving the report files too deadlocked it: BENCHMARKS, "W1's end of run, again")
    pool.install(|| run_batches(plan, observer, &pool))
}

/// [`run`] on one of `pool`'s threads.
fn run_batches(plan: &RunPlan, observer: &dyn Observer, pool: &Workers) -> Result<RunOutput> {
    let folds = plan.splitter.fold_count();
    observer.start(count_fits(plan, folds));
    let table = plan.table;
    // the Gram system needs every fold to see the same columns: numbers (their in-fold scaling
    // is folded into the penalty) without missing cells (it declines those itself)
    let numbers = table.kinds.iter().all(|k| *k == FeatureKind::Numeric);
    let gram = match &plan.table.y {
        // more features than rows: the d × d system would dwarf the data (ridge goes dual)
        Target::Regression(y)
            if !plan.exact_linfa
                && numbers
                && plan.table.x.ncols() < plan.table.x.nrows()
                && plan
                    .models
                    .iter()
                    .any(|m| m.least_squares_penalty().is_some()) =>
        {
            pool.install(|| GramSystem::new(&plan.table.x, y.view()))
        }
        _ => None,
    };
    let shared = Shared {
        gram: gram.as_ref(),
        preprocess: table.needs_preprocessing(),
    };
    // work shared across folds is done on the features as the models see them
    if !shared.preprocess {
        pool.install(|| plan.models.par_iter().for_each(|m| m.prepare(table)));
    }
    let mut out = RunOutput::default();
    let batch_size =
        (INDICES_PER_BATCH / (plan.table.n_rows() * folds).max(1)).clamp(1, SEEDS_PER_BATCH);
    for seeds in plan.split_seeds.chunks(batch_size) {
        let batch: Vec<(u64, Vec<Fold>)> = pool.install(|| {
            seeds
                .par_iter()
                .map(|&s| (s, plan.splitter.split(s)))
                .collect()
        });
        pool.install(|| observer.folds_made(&batch));
        let fits: Vec<Option<SeedFits>> = match shared.gram {
            Some(gram) if !stop::stop_requested() => {
                let threads = pool.count();
                pool.install(|| SeedFits::of_seeds(plan, gram, &batch, threads))
            }
            _ => batch.iter().map(|_| None).collect(),
        };
        let tasks: Vec<(u64, usize, &Fold, Option<&SeedFits>)> = batch
            .iter()
            .zip(&fits)
            .flat_map(|((seed, folds), fits)| {
                folds
                    .iter()
                    .enumerate()
                    .map(move |(f, fold)| (*seed, f, fold, fits.as_ref()))
            })
            .collect();
        let release = Release::new(&batch, std::mem::take(&mut out));
        let batch_fits = spare::Fits::new(tasks.len());
        // a worker with no fold left to start is lent to those still running, only from the
        // global pool: a fit on a thread of its own offers work there, and a pool of fewer
        // threads is a limit to keep
        let lend = matches!(pool, Workers::Global);
        pool.install(|| {
            tasks
                .par_iter()
                .enumerate()
                .for_each(|(t, &(seed, f, fold, fits))| {
                    batch_fits.run(lend, || {
                        // after a stop, folds not yet started are not fitted, and no seed is
                        // saved
                        let result = if stop::stop_requested() {
                            RunOutput::default()
                        } else {
                            run_fold(plan, &shared, (seed, f, fold), fits, observer)
                        };
                        release.store(t, result);
                        release.hand_over(observer, false);
                    })
                })
        });
        release.hand_over(observer, true);
        let released = release
            .released
            .into_inner()
            .unwrap_or_else(|e| e.into_inner());
        out = released.out;
        if stop::stop_requested() {
            observer.finish();
            stop::clear_stop();
            return Err(Error::Interrupted);
        }
        if plan.fail_fast {
            if let Some(failed) = released.failed {
                return Err(Error::Config(format!(
                    "--fail-fast: model {} failed on split seed {}, fold {}: {}",
                    failed.model,
                    failed.split_seed,
                    failed.fold,
                    failed.error.as_deref().unwrap_or("")
                )));
            }
        }
    }
    observer.finish();
    out.records.sort_by(|a, b| a.key().cmp(&b.key()));
    out.predictions.sort_by(|a, b| a.key().cmp(&b.key()));
    Ok(out)
}

/// The threads a run's work goes to: the global pool when the run takes every core it has,
/// else a pool of its own (starting two more threads cost a 100-seed diabetes run 1.5 ms of
/// its 20).
enum Workers {
    Global,
    Own(rayon::ThreadPool),
}

impl Workers {
    fn new(threads: Option<usize>) -> Result<Workers> {
        match threads {
            Some(t) if t != rayon::current_num_threads() => rayon::ThreadPoolBuilder::new()
                .num_threads(t)
                .build()
                .map(Workers::Own)
                .map_err(|e| Error::Config(format!("cannot start worker threads: {e}"))),
            _ => Ok(Workers::Global),
        }
    }

    /// `work` on one of the threads, its parallel parts shared among them.
    fn install<R: Send>(&self, work: impl FnOnce() -> R + Send) -> R {
        match self {
            Workers::Global => rayon::scope(|_| work()),
            Workers::Own(pool) => pool.install(work),
        }
    }

    fn count(&self) -> usize {
        match self {
            Workers::Global => rayon::current_num_threads(),
            Workers::Own(pool) => pool.current_num_threads(),
        }
    }
}

/// What every fold of a run shares, prepared or decided once before the first fold.
struct Shared<'a> {
    /// The Gram system of the least-squares fast path, when it applies.
    gram: Option<&'a GramSystem>,
    /// Whether folds are preprocessed ([`Table::needs_preprocessing`]).
    preprocess: bool,
}

/// A batch's fold results on their way to the observer, seed by seed in order (the order
/// keeps the checkpoint's files the same on any thread count). A fold's result is stored under
/// one lock; whichever thread then finds the hand-over free gives the observer every seed that
/// is finished, so no thread waits while another writes the checkpoint.
struct Release<'b> {
    batch: &'b [(u64, Vec<Fold>)],
    /// Per seed of the batch, its first task; then the number of tasks.
    first_task: Vec<usize>,
    pending: std::sync::Mutex<Pending>,
    released: std::sync::Mutex<Released>,
}

/// Fold results not yet handed over.
struct Pending {
    /// Per task (seed-major, fold order): its result until its seed is handed over.
    results: Vec<Option<RunOutput>>,
    /// Per seed of the batch: folds still running.
    remaining: Vec<usize>,
}

/// What the observer has been given.
struct Released {
    /// The first seed not yet handed over.
    next: usize,
    /// Everything handed over so far (the run's output).
    out: RunOutput,
    /// The batch's first failed record (in seed order), for --fail-fast.
    failed: Option<FoldRecord>,
}

impl<'b> Release<'b> {
    fn new(batch: &'b [(u64, Vec<Fold>)], out: RunOutput) -> Self {
        let mut first_task = Vec::with_capacity(batch.len() + 1);
        first_task.push(0);
        for (_, folds) in batch {
            first_task.push(first_task.last().copied().unwrap_or(0) + folds.len());
        }
        Release {
            batch,
            pending: std::sync::Mutex::new(Pending {
                results: (0..first_task[batch.len()]).map(|_| None).collect(),
                remaining: batch.iter().map(|(_, folds)| folds.len()).collect(),
            }),
            first_task,
            released: std::sync::Mutex::new(Released {
                next: 0,
                out,
                failed: None,
            }),
        }
    }

    /// Keep task `task`'s result until its seed is handed over.
    fn store(&self, task: usize, result: RunOutput) {
        let seed = self.first_task.partition_point(|&start| start <= task) - 1;
        let mut pending = self.pending.lock().unwrap_or_else(|e| e.into_inner());
        pending.results[task] = Some(result);
        pending.remaining[seed] -= 1;
    }

    /// Give `observer` every finished seed after the last one given, in seed order. Unless
    /// `wait`, a thread that finds another handing over leaves it at that: a seed finished
    /// meanwhile goes with the next hand-over, at the latest the one (waiting) after the batch.
    fn hand_over(&self, observer: &dyn Observer, wait: bool) {
        let mut released = match self.released.try_lock() {
            Ok(released) => released,
            Err(std::sync::TryLockError::Poisoned(e)) => e.into_inner(),
            Err(std::sync::TryLockError::WouldBlock) if wait => {
                self.released.lock().unwrap_or_else(|e| e.into_inner())
            }
            Err(std::sync::TryLockError::WouldBlock) => return,
        };
        while released.next < self.batch.len() && !stop::stop_requested() {
            let i = released.next;
            let results: Vec<RunOutput> = {
                let mut pending = self.pending.lock().unwrap_or_else(|e| e.into_inner());
                if pending.remaining[i] > 0 {
                    break;
                }
                pending.results[self.first_task[i]..self.first_task[i + 1]]
                    .iter_mut()
                    .map(|slot| slot.take().unwrap_or_default())
                    .collect()
            };
            let (mut records, mut predictions) = (Vec::new(), Vec::new());
            for result in results {
                records.extend(result.records);
                predictions.extend(result.predictions);
                released.out.gather_seconds += result.gather_seconds;
            }
            records.sort_by(|a, b| a.key().cmp(&b.key()));
            predictions.sort_by(|a, b| a.key().cmp(&b.key()));
            let (seed, folds) = &self.batch[i];
            observer.seed_done(*seed, folds, &records, &predictions);
            if released.failed.is_none() {
                released.failed = records.iter().find(|r| r.status == Status::Failed).cloned();
            }
            if !observer.stores_results() {
                released.out.records.extend(records);
                released.out.predictions.extend(predictions);
            }
            released.next += 1;
        }
    }
}

/// The model seeds a model runs under.
fn model_seeds_of<'a>(model: &dyn Model, seeds: &'a [u64]) -> &'a [u64] {
    if model.is_stochastic() {
        seeds
    } else {
        &seeds[..1.min(seeds.len())]
    }
}

/// Fits the plan will do, with `folds` folds per split seed.
fn count_fits(plan: &RunPlan, folds: usize) -> u64 {
    let per_fold: u64 = plan
        .models
        .iter()
        .map(|m| model_seeds_of(m.as_ref(), plan.model_seeds).len() as u64)
        .sum();
    plan.split_seeds.len() as u64 * folds as u64 * per_fold * plan.train_fractions.len() as u64
}

/// The given rows of `x` in one allocation, a row's values copied at a time (ndarray's
/// `select` goes through a general concatenation, several times slower here).
fn rows_of(x: &Array2<f64>, rows: &[usize]) -> Array2<f64> {
    let mut values = Vec::with_capacity(rows.len() * x.ncols());
    for &r in rows {
        let row = x.row(r);
        match row.as_slice() {
            Some(contiguous) => values.extend_from_slice(contiguous),
            None => values.extend(row.iter()),
        }
    }
    Array2::from_shape_vec((rows.len(), x.ncols()), values).expect("rows × columns values")
}

/// A fold's training rows and test features, gathered for models that need them (the runner
/// does it at most once per fold, whatever the number of models), preprocessed when the table
/// asks for it with steps fitted on the training rows; also the number of test rows holding a
/// category the training rows never had.
pub fn gather(table: &Table, fold: &Fold) -> (FoldData, usize) {
    gather_as(table, fold, table.needs_preprocessing())
}

/// [`gather`] with the table's need for preprocessing decided once by the caller (deciding
/// scans every cell for a missing one).
fn gather_as(table: &Table, fold: &Fold, preprocess: bool) -> (FoldData, usize) {
    let (x_train, x_test, unseen) = if preprocess {
        let fitted = table.steps.fit(&table.x, &table.kinds, &fold.train);
        let (x_train, _) = fitted.transform(&table.x, &fold.train);
        let (x_test, unseen) = fitted.transform(&table.x, &fold.test);
        (x_train, x_test, unseen)
    } else {
        (
            rows_of(&table.x, &fold.train),
            rows_of(&table.x, &fold.test),
            0,
        )
    };
    let train = match &table.y {
        Target::Regression(y) => {
            FoldTrain::Values(DatasetBase::new(x_train, y.select(Axis(0), &fold.train)))
        }
        Target::Classification { labels, classes } => FoldTrain::Classes(
            DatasetBase::new(x_train, labels.select(Axis(0), &fold.train)),
            classes.len(),
        ),
    };
    (FoldData { train, x_test }, unseen)
}

/// The target of some test rows, held for a metric to read.
pub enum TestTruth {
    /// Real values.
    Values(Vec<f64>),
    /// Class indices, and the number of classes.
    Classes(Vec<usize>, usize),
}

impl TestTruth {
    /// The target of `rows` of `table`.
    pub fn of(table: &Table, rows: &[usize]) -> TestTruth {
        match &table.y {
            Target::Regression(y) => TestTruth::Values(rows.iter().map(|&r| y[r]).collect()),
            Target::Classification { labels, classes } => {
                TestTruth::Classes(rows.iter().map(|&r| labels[r]).collect(), classes.len())
            }
        }
    }

    /// As a metric reads it.
    pub fn view(&self) -> Truth<'_> {
        match self {
            TestTruth::Values(v) => Truth::Values(v),
            TestTruth::Classes(c, k) => Truth::Classes(c, *k),
        }
    }
}

/// Fit every model on one fold at every training share of the plan (a nested, seeded subsample
/// of the training rows below 1; predictions are kept for the whole share only). `fits`: the
/// split seed's fits done at once, for the whole share.
fn run_fold(
    plan: &RunPlan,
    shared: &Shared,
    (split_seed, f, fold): (u64, usize, &Fold),
    fits: Option<&SeedFits>,
    observer: &dyn Observer,
) -> RunOutput {
    let mut out = RunOutput::default();
    for &fraction in plan.train_fractions {
        let part = (fraction < 1.0).then(|| Fold {
            train: plan
                .splitter
                .subsample(split_seed, f, &fold.train, fraction),
            test: fold.test.clone(),
        });
        let step = run_fold_at(
            plan,
            shared,
            (split_seed, f),
            part.as_ref().unwrap_or(fold),
            fraction,
            fits.filter(|_| part.is_none()),
            observer,
        );
        out.records.extend(step.records);
        out.predictions.extend(step.predictions);
        out.gather_seconds += step.gather_seconds;
    }
    out
}

/// Fit every model on one fold's `train` rows: least squares from the Gram system when it is
/// there (and the system is well conditioned), taken from the split seed's `fits` when they
/// hold it, everything else on the fold's rows, gathered once when needed.
fn run_fold_at(
    plan: &RunPlan,
    shared: &Shared,
    (split_seed, f): (u64, usize),
    fold: &Fold,
    fraction: f64,
    fits: Option<&SeedFits>,
    observer: &dyn Observer,
) -> RunOutput {
    let owned_truth = TestTruth::of(plan.table, &fold.test);
    let truth = owned_truth.view();
    let mut data: Option<(Arc<FoldData>, usize)> = None;
    // the fold's feature scales for the Gram path, fitted once however many models use them
    let mut fold_scales: Option<Option<Vec<f64>>> = None;
    let mut note: Option<String> = None;
    let mut out = RunOutput::default();
    for (m, (model, metrics)) in plan.models.iter().zip(&plan.metrics).enumerate() {
        for &model_seed in model_seeds_of(model.as_ref(), plan.model_seeds) {
            let rng = rng::stream(
                model_seed,
                Purpose::Model {
                    split_seed,
                    fold: f,
                },
            );
            let started = Instant::now();
            // the fold's rows are gathered once for every model: not part of this fit's time
            let mut gathering = std::time::Duration::ZERO;
            // a tuned model fits the grid point its inner cross-validation chose
            let (fit_model, chosen, tuning) = match model.tuned() {
                None => (model, None, Ok(None)),
                Some(tuned) => match tune::choose(
                    plan.table,
                    plan.splitter,
                    shared.preprocess,
                    tuned,
                    (split_seed, f, model_seed),
                    fold,
                ) {
                    Ok(choice) => {
                        let candidate = &tuned.candidates()[choice.index];
                        (
                            candidate,
                            Some(candidate.name().to_string()),
                            Ok(choice.warning),
                        )
                    }
                    Err(e) => (model, None, Err(e)),
                },
            };
            // the split seed's share of the time its fits took together
            let mut fitted_with_seed = 0.0;
            let fast = match (
                fits.and_then(|fits| fits.get(m, f)),
                shared.gram,
                fit_model.least_squares_penalty(),
                &plan.table.y,
            ) {
                (Some((predicted, seconds)), ..) => {
                    fitted_with_seed = seconds;
                    predicted
                }
                (None, Some(g), Some(alpha), Target::Regression(y)) => {
                    let scales =
                        fold_scales.get_or_insert_with(|| gram_scales(plan.table, &fold.train));
                    g.fit_predict(
                        &plan.table.x,
                        y.view(),
                        (&fold.train, &fold.test),
                        alpha,
                        scales.as_deref(),
                    )
                }
                _ => None,
            };
            let fitted = match (fast, &tuning) {
                // nothing to learn from (e.g. a time-series window cut to nothing)
                _ if fold.train.is_empty() => Err("the fold has no training rows".to_string()),
                (_, Err(e)) => Err(e.clone()),
                (Some(values), _) => Ok(Predictions::Values(values).into()),
                (None, _) => {
                    let (data, unseen) = data.get_or_insert_with(|| {
                        let gathered = Instant::now();
                        let (data, unseen) = gather_as(plan.table, fold, shared.preprocess);
                        gathering = gathered.elapsed();
                        (Arc::new(data), unseen)
                    });
                    if *unseen > 0 {
                        note = Some(format!(
                            "{unseen} test row(s) hold {UNSEEN_CATEGORY} (encoded as all zeros)"
                        ));
                    }
                    let data = Arc::clone(data);
                    match plan.fit_timeout {
                        Some(limit) => {
                            let model = Arc::clone(fit_model);
                            timeout::with_limit(
                                limit,
                                Box::new(move || model.fit_predict(&data, rng)),
                            )
                        }
                        None => fit_model.fit_predict(&data, rng),
                    }
                }
            };
            let (predicted, warning) = match fitted {
                Ok(f) => {
                    let inner = tuning.ok().flatten();
                    let warning = [f.warning, note.clone(), inner]
                        .into_iter()
                        .flatten()
                        .reduce(|a, b| format!("{a}; {b}"));
                    (check_finite(f.predictions, fold.test.len()), warning)
                }
                Err(e) => (Err(e), None),
            };
            out.gather_seconds += gathering.as_secs_f64();
            // whole microseconds, as records.csv keeps them
            let seconds = (started.elapsed() - gathering).as_secs_f64() + fitted_with_seed;
            let seconds = (seconds * 1e6).round() / 1e6;
            let record = |metric: Metric, scored: std::result::Result<f64, String>| FoldRecord {
                model: model.name().to_string(),
                split_seed,
                model_seed,
                fold: f,
                metric: metric.name(),
                value: scored.as_ref().ok().copied(),
                n_train: fold.train.len(),
                n_test: fold.test.len(),
                fit_seconds: seconds,
                status: if scored.is_ok() {
                    Status::Ok
                } else {
                    Status::Failed
                },
                warning: warning.clone().filter(|_| scored.is_ok()),
                error: scored.err(),
                train_fraction: fraction,
                chosen: chosen.clone(),
            };
            for &metric in metrics {
                let scored = match &predicted {
                    Ok(p) => score(metric, truth, p).and_then(|v| {
                        if v.is_finite() {
                            Ok(v)
                        } else {
                            Err(format!("{metric} is not finite ({v})"))
                        }
                    }),
                    Err(e) => Err(e.clone()),
                };
                out.records.push(record(metric, scored));
            }
            if let (true, Ok(predictions)) = (plan.keep_predictions && fraction == 1.0, predicted) {
                out.predictions.push(FoldPredictions {
                    model: model.name().to_string(),
                    split_seed,
                    model_seed,
                    fold: f,
                    rows: fold.test.clone(),
                    predictions,
                });
            }
            observer.fit_done();
        }
    }
    out
}

/// The feature scales a fold fits on its `train` rows when the table scales its features, as
/// the Gram path folds them into ridge's penalty ([`GramSystem::fit_predict`]).
fn gram_scales(table: &Table, train: &[usize]) -> Option<Vec<f64>> {
    (table.steps.scale != Scaling::None).then(|| {
        let fitted = table.steps.fit(&table.x, &table.kinds, train);
        fitted
            .scales()
            .expect("a Gram system's columns are numbers")
    })
}

/// A model that returns the wrong number of predictions or non-finite values has failed.
fn check_finite(p: Predictions, n: usize) -> std::result::Result<Predictions, String> {
    let (len, finite) = match &p {
        Predictions::Values(v) => (v.len(), v.iter().all(|x| x.is_finite())),
        Predictions::Classes {
            labels,
            probabilities,
        } => (
            labels.len(),
            probabilities
                .as_ref()
                .is_none_or(|p| p.iter().all(|x| x.is_finite())),
        ),
    };
    if len != n {
        return Err(format!(
            "the model returned {len} predictions for {n} test rows"
        ));
    }
    if !finite {
        return Err("the model predicted NaN or infinite values".into());
    }
    Ok(p)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::{load, DataSpec};
    use crate::model::{build_models, ModelSpec};
    use crate::split::SplitConfig;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// Counts the predictions it is given, and says it stores them and the records.
    struct Storing(AtomicUsize);

    impl Observer for Storing {
        fn seed_done(&self, _: u64, _: &[Fold], _: &[FoldRecord], p: &[FoldPredictions]) {
            self.0.fetch_add(p.len(), Ordering::Relaxed);
        }
        fn stores_results(&self) -> bool {
            true
        }
    }

    /// Notes how many fits were done when each seed was handed over.
    #[derive(Default)]
    struct Timeline {
        fits: AtomicUsize,
        at_release: std::sync::Mutex<Vec<(u64, usize)>>,
    }

    impl Observer for Timeline {
        fn fit_done(&self) {
            self.fits.fetch_add(1, Ordering::SeqCst);
        }
        fn seed_done(&self, seed: u64, _: &[Fold], _: &[FoldRecord], _: &[FoldPredictions]) {
            let fits = self.fits.load(Ordering::SeqCst);
            self.at_release.lock().unwrap().push((seed, fits));
        }
    }

    /// Iris, one tree, 5-fold: everything but the seeds and whether predictions are kept.
    fn with_iris_tree(seeds: &[u64], keep_predictions: bool, check: impl FnOnce(&RunPlan)) {
        let table = load(&DataSpec::builtin("iris")).unwrap().table;
        let splitter = Splitter::new(&SplitConfig::default(), &table).unwrap();
        let models = build_models(
            &ModelSpec::parse("tree").unwrap(),
            Task::Classification,
            false,
        )
        .unwrap();
        check(&RunPlan {
            table: &table,
            splitter: &splitter,
            metrics: metrics_for(None, &models, Task::Classification, 3).unwrap(),
            models: &models,
            split_seeds: seeds,
            model_seeds: &[0],
            keep_predictions,
            fail_fast: false,
            threads: Some(2),
            exact_linfa: false,
            fit_timeout: None,
            train_fractions: &[1.0],
        });
    }

    #[test]
    fn seeds_are_handed_over_in_order_as_soon_as_they_finish() {
        let seeds: Vec<u64> = (0..16).collect();
        with_iris_tree(&seeds, false, |plan| {
            let timeline = Timeline::default();
            run(plan, &timeline).unwrap();
            let releases = timeline.at_release.into_inner().unwrap();
            assert_eq!(releases.iter().map(|r| r.0).collect::<Vec<_>>(), seeds);
            // 16 seeds × 5 folds are one batch; the first seed must not wait for all 80 fits
            assert!(releases[0].1 < 80, "{releases:?}");
        });
    }

    #[test]
    fn records_and_predictions_are_held_once_by_whoever_stores_them() {
        with_iris_tree(&[0, 1], true, |plan| {
            // 2 seeds × 5 folds × 1 model (× 2 metrics)
            let held = run(plan, &Silent).unwrap();
            assert_eq!((held.predictions.len(), held.records.len()), (10, 20));
            let storing = Storing(AtomicUsize::new(0));
            let held = run(plan, &storing).unwrap();
            assert!(held.predictions.is_empty() && held.records.is_empty());
            assert_eq!(storing.0.into_inner(), 10);
        });
    }
}
