//! Experiments: everything that defines a run, as a TOML file, command-line flags, or both
//! (flags win). The resolved [`Experiment`] is what the manifest records and what `--resume`
//! and `merge` compare.

use crate::data::{DataSource, DataSpec, Table, Task};
use crate::metric::Metric;
use crate::model::{build_models, Model, ModelSpec, TuneSpec, Tuned};
use crate::preprocess::{CategoryFill, Impute, Preprocess, Scaling, Steps};
use crate::split::{SplitConfig, SplitSource, SplitterKind, TestSize};
use crate::stats::{Options, Rope};
use crate::{Error, Result};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Seeds as written: a count N (seeds 0..N), `"auto"`, a range `"A..B"` / `"A..=B"`, or a
/// list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum SeedSpec {
    /// Seeds 0..N.
    Count(u64),
    /// `"auto"`: split seeds added in batches until every interval is as narrow as asked.
    Auto(AutoWord),
    /// `"A..B"` (B excluded) or `"A..=B"`.
    Range(String),
    /// Explicit seeds.
    List(Vec<u64>),
}

/// The word `auto`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AutoWord {
    /// `auto`.
    Auto,
}

/// `--seeds auto`: the split seeds grow from [`AUTO_FIRST_SEEDS`], doubling, until the t
/// interval of every model's mean over seeds has a half-width ≤ `target_halfwidth`, or
/// `max_seeds` is reached. It stops on precision, never on a verdict, so the verdict's error
/// rate is the fixed-sample one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AutoSeeds {
    /// The half-width every interval must reach.
    pub target_halfwidth: f64,
    /// The most split seeds it may take.
    pub max_seeds: u64,
}

/// Most permutations of the test against chance.
pub const MAX_PERMUTATIONS: usize = 100_000;

/// Split seeds of `--seeds auto`'s first batch.
pub const AUTO_FIRST_SEEDS: u64 = 10;

/// Most seeds one study may ask for: each costs a run of every fold, and the list is held.
pub const MAX_SEEDS: u64 = 1_000_000;

impl SeedSpec {
    /// The seeds, sorted, without repeats; an error when there are none, or more than
    /// `MAX_SEEDS` (1,000,000) (checked before any list is made).
    pub fn seeds(&self) -> Result<Vec<u64>> {
        let number = |s: &str, text: &str| -> Result<u64> {
            s.trim().parse().map_err(|_| {
                Error::Config(format!("'{s}' in seeds '{text}' is not a whole number"))
            })
        };
        let range = |from: u64, to: u64| -> Result<std::ops::Range<u64>> {
            if to.saturating_sub(from) > MAX_SEEDS {
                return Err(Error::Config(format!(
                    "{} seeds asked for; a study runs at most {MAX_SEEDS} (every seed refits every fold): ask for fewer",
                    to as u128 - from as u128
                )));
            }
            Ok(from..to)
        };
        let mut seeds: Vec<u64> = match self {
            SeedSpec::Count(n) => range(0, *n)?.collect(),
            SeedSpec::Auto(_) => range(0, AUTO_FIRST_SEEDS)?.collect(),
            SeedSpec::List(list) => {
                range(0, list.len() as u64)?;
                list.clone()
            }
            SeedSpec::Range(text) => match (text.split_once("..="), text.split_once("..")) {
                (Some((a, b)), _) => {
                    let (a, b) = (number(a, text)?, number(b, text)?);
                    let mut seeds: Vec<u64> = range(a, b)?.collect();
                    seeds.extend((a <= b).then_some(b));
                    seeds
                }
                (None, Some((a, b))) => range(number(a, text)?, number(b, text)?)?.collect(),
                (None, None) => range(0, number(text, text)?)?.collect(),
            },
        };
        seeds.sort_unstable();
        seeds.dedup();
        if seeds.is_empty() {
            return Err(Error::Config(
                "no seeds: give a count N ≥ 1, a range A..B or a list".into(),
            ));
        }
        Ok(seeds)
    }
}

impl std::str::FromStr for SeedSpec {
    type Err = Error;
    fn from_str(s: &str) -> Result<SeedSpec> {
        if s.trim() == "auto" {
            Ok(SeedSpec::Auto(AutoWord::Auto))
        } else if s.contains("..") {
            Ok(SeedSpec::Range(s.to_string()))
        } else if s.contains(',') {
            let list = s
                .split(',')
                .map(|v| v.trim().parse::<u64>())
                .collect::<std::result::Result<_, _>>();
            list.map(SeedSpec::List)
                .map_err(|_| Error::Config(format!("'{s}' is not a list of whole numbers")))
        } else {
            s.trim()
                .parse()
                .map(SeedSpec::Count)
                .map_err(|_| Error::Config(format!("'{s}' in --seeds '{s}' is not a whole number")))
        }
    }
}

/// An interval beyond those every run reports, at the cost of more fits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum ExtraInterval {
    /// Bates, Hastie & Tibshirani's nested cross-validation interval, for metrics that are a
    /// mean over rows (mse, mae, accuracy, log loss, Brier): K(K − 1)/2 more fits per split
    /// seed.
    Ncv,
}

/// One slice of the split seeds: those whose index i in the seed list has i % count == index.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shard {
    /// This shard, 0-based.
    pub index: usize,
    /// Number of shards.
    pub count: usize,
}

impl std::str::FromStr for Shard {
    type Err = Error;
    fn from_str(s: &str) -> Result<Shard> {
        let bad = || {
            Error::Config(format!(
                "--shard '{s}' must be I/N with 0 ≤ I < N, e.g. 0/4"
            ))
        };
        let (i, n) = s.split_once('/').ok_or_else(bad)?;
        let (index, count) = (
            i.trim().parse().map_err(|_| bad())?,
            n.trim().parse().map_err(|_| bad())?,
        );
        if index >= count {
            return Err(bad());
        }
        Ok(Shard { index, count })
    }
}

/// `[data]`, or one entry of `[[data]]` (a study over many data sets).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)]
pub struct DataSection {
    /// The data set's name in a study's reports and its sub-report's folder (default: the
    /// built-in's name or the file's stem).
    pub name: Option<String>,
    pub dataset: Option<String>,
    pub file: Option<PathBuf>,
    pub target: Option<String>,
    pub features: Option<Vec<String>>,
    pub groups: Option<String>,
    pub task: Option<Task>,
}

/// `[preprocess]`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)]
pub struct PreprocessSection {
    pub drop: Option<Vec<String>>,
    pub categorical: Option<Vec<String>>,
    pub na_values: Option<Vec<String>>,
    pub impute: Option<Impute>,
    pub impute_categorical: Option<CategoryFill>,
    pub scale: Option<Scaling>,
    pub strict: Option<bool>,
}

impl PreprocessSection {
    fn resolve(&self) -> Preprocess {
        Preprocess {
            drop: self.drop.clone().unwrap_or_default(),
            categorical: self.categorical.clone().unwrap_or_default(),
            na_values: self.na_values.clone(),
            steps: Steps {
                impute: self.impute,
                categories: self.impute_categorical.unwrap_or_default(),
                scale: self.scale.unwrap_or_default(),
            },
            strict: self.strict.unwrap_or(false),
        }
    }
}

/// `[split]`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)]
pub struct SplitSection {
    pub splitter: Option<SplitterKind>,
    pub folds: Option<usize>,
    pub test_size: Option<TestSize>,
    pub gap: Option<usize>,
    pub max_train_size: Option<usize>,
    pub bins: Option<usize>,
    pub splits: Option<SplitSource>,
    pub random_state: Option<u32>,
}

/// `[stats]`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)]
pub struct StatsSection {
    pub confidence: Option<f64>,
    pub rope: Option<Rope>,
    pub resamples: Option<usize>,
    pub bootstrap_seed: Option<u64>,
    pub target_halfwidth: Option<f64>,
    /// In a study over many data sets: also run the Bayesian signed-rank test per pair.
    pub signed_rank: Option<bool>,
}

/// `[output]`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)]
pub struct OutputSection {
    pub out: Option<PathBuf>,
    pub save_splits: Option<bool>,
    pub save_predictions: Option<bool>,
    pub fail_fast: Option<bool>,
}

/// An experiment as written: every field optional, so a file and flags can be layered.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)]
pub struct ExperimentFile {
    #[serde(default)]
    pub data: DataSection,
    #[serde(default)]
    pub preprocess: PreprocessSection,
    #[serde(default)]
    pub split: SplitSection,
    pub seeds: Option<SeedSpec>,
    /// With `seeds = "auto"`: the most split seeds it may take (default 1,000).
    pub max_seeds: Option<u64>,
    pub model_seeds: Option<SeedSpec>,
    pub models: Option<Vec<String>>,
    /// `[[tune]]`: grids evaluated as tuned models (nested cross-validation).
    pub tune: Option<Vec<TuneSpec>>,
    /// `interval = "ncv"`: also the nested cross-validation interval.
    pub interval: Option<ExtraInterval>,
    /// `permutations = N`: also the permutation test against chance, with N permutations.
    pub permutations: Option<usize>,
    pub metrics: Option<Vec<String>>,
    pub shard: Option<String>,
    pub exact_linfa: Option<bool>,
    pub learning_curve: Option<Vec<f64>>,
    #[serde(default)]
    pub stats: StatsSection,
    #[serde(default)]
    pub output: OutputSection,
    /// `[[data]]`: the data sets of a study (empty for one `[data]`).
    #[serde(skip)]
    pub datasets: Vec<DataSection>,
}

impl StatsSection {
    /// The statistics options, defaults filled in and ranges checked.
    pub fn options(&self, test_fraction: Option<f64>) -> Result<Options> {
        let o = Options::default();
        let options = Options {
            confidence: self.confidence.unwrap_or(o.confidence),
            resamples: self.resamples.unwrap_or(o.resamples),
            bootstrap_seed: self.bootstrap_seed.unwrap_or(o.bootstrap_seed),
            rope: self.rope.clone().unwrap_or(o.rope),
            target_halfwidth: self.target_halfwidth,
            test_fraction,
        };
        if !(options.confidence > 0.0 && options.confidence < 1.0) {
            return Err(Error::Config(format!(
                "confidence must be between 0 and 1, e.g. 0.95; got {}",
                options.confidence
            )));
        }
        if let Some((metric, v)) = options
            .rope
            .values()
            .into_iter()
            .find(|(_, v)| !(v.is_finite() && *v >= 0.0))
        {
            return Err(Error::Config(format!(
                "the ROPE for {metric} must be a finite number ≥ 0, got {v}; e.g. --rope r2=0.005 or rope = {{ r2 = 0.005 }}"
            )));
        }
        if !(100..=MAX_RESAMPLES).contains(&options.resamples) {
            return Err(Error::Config(format!(
                "resamples must be from 100 to {MAX_RESAMPLES} (each interval holds one mean per resample, 8 MB at the limit; the default 10000 is plenty for 95 % BCa limits), got {}",
                options.resamples
            )));
        }
        if test_fraction.is_some_and(|f| !(f > 0.0 && f < 1.0)) {
            return Err(Error::Config(
                "the test fraction must be between 0 and 1, e.g. 0.2 for 5 folds".into(),
            ));
        }
        Ok(options)
    }
}

/// Most bootstrap resamples a run may ask for.
pub const MAX_RESAMPLES: usize = 1_000_000;

macro_rules! overlay {
    ($base:expr, $over:expr, $($field:ident),+) => { $( if $over.$field.is_some() { $base.$field = $over.$field; } )+ };
}

impl ExperimentFile {
    /// Read a TOML experiment; unknown keys and wrong types are errors naming key and line.
    /// Relative data paths are taken relative to the file's folder.
    pub fn load(path: &Path) -> Result<ExperimentFile> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::Read {
            path: path.to_path_buf(),
            reason: e.to_string(),
        })?;
        let malformed = |reason: String| Error::Malformed {
            path: path.to_path_buf(),
            format: "experiment TOML",
            reason,
        };
        let mut table: toml::Table = toml::from_str(&text).map_err(|e| malformed(e.to_string()))?;
        let mut file: ExperimentFile = match table.remove("data") {
            // [[data]]: a study; each entry is a [data] section
            Some(toml::Value::Array(entries)) => {
                let datasets = entries
                    .into_iter()
                    .enumerate()
                    .map(|(i, entry)| {
                        entry
                            .try_into::<DataSection>()
                            .map_err(|e| malformed(format!("[[data]] entry {}: {e}", i + 1)))
                    })
                    .collect::<Result<Vec<_>>>()?;
                let mut file: ExperimentFile = table
                    .try_into()
                    .map_err(|e: toml::de::Error| malformed(e.to_string()))?;
                file.datasets = datasets;
                file
            }
            // parsed again from the text, so that errors name their line
            _ => toml::from_str(&text).map_err(|e| malformed(e.to_string()))?,
        };
        let dir = path.parent();
        for data in std::iter::once(&mut file.data).chain(&mut file.datasets) {
            if let (Some(file), Some(dir)) = (&data.file, dir) {
                if file.is_relative() {
                    data.file = Some(dir.join(file));
                }
            }
        }
        Ok(file)
    }

    /// This experiment with every field that `over` sets replaced by `over`'s value.
    pub fn overlay(mut self, over: ExperimentFile) -> ExperimentFile {
        overlay!(self.data, over.data, name);
        if over.data.dataset.is_some() || over.data.file.is_some() {
            self.data.dataset = over.data.dataset.clone();
            self.data.file = over.data.file.clone();
        }
        overlay!(self.data, over.data, target, features, groups, task);
        overlay!(
            self.preprocess,
            over.preprocess,
            drop,
            categorical,
            na_values,
            impute,
            impute_categorical,
            scale,
            strict
        );
        overlay!(
            self.split,
            over.split,
            splitter,
            folds,
            test_size,
            gap,
            max_train_size,
            bins,
            splits,
            random_state
        );
        overlay!(
            self,
            over,
            seeds,
            max_seeds,
            model_seeds,
            models,
            tune,
            interval,
            permutations,
            metrics,
            shard,
            exact_linfa,
            learning_curve
        );
        overlay!(
            self.stats,
            over.stats,
            confidence,
            rope,
            resamples,
            bootstrap_seed,
            target_halfwidth,
            signed_rank
        );
        overlay!(
            self.output,
            over.output,
            out,
            save_splits,
            save_predictions,
            fail_fast
        );
        self
    }

    /// The data to load.
    pub fn data_spec(&self) -> Result<DataSpec> {
        let source = match (&self.data.dataset, &self.data.file) {
            (Some(name), None) => DataSource::Builtin(name.clone()),
            (None, Some(path)) => DataSource::File(path.clone()),
            (Some(_), Some(_)) => return Err(Error::Config("give either a built-in dataset or a data file, not both".into())),
            (None, None) => {
                return Err(Error::Config(
                    "name the data: --dataset NAME (see `seedfold datasets`), --data FILE.csv, or [data] in the experiment file".into(),
                ))
            }
        };
        let d = &self.data;
        Ok(DataSpec {
            source,
            target: d.target.clone(),
            features: d.features.clone(),
            groups: d.groups.clone(),
            task: d.task,
            preprocess: self.preprocess.resolve(),
        })
    }

    /// `--seeds auto`'s stopping rule, checked; `None` for a fixed list of seeds.
    fn auto_seeds(&self, stats: &Options) -> Result<Option<AutoSeeds>> {
        if !matches!(self.seeds, Some(SeedSpec::Auto(_))) {
            return Ok(None);
        }
        let target_halfwidth = stats.target_halfwidth.ok_or_else(|| {
            Error::Config("--seeds auto adds split seeds until every interval of a mean over seeds is that narrow: give --target-halfwidth, e.g. 0.005".into())
        })?;
        if !(target_halfwidth.is_finite() && target_halfwidth > 0.0) {
            return Err(Error::Config(format!(
                "--target-halfwidth must be a number > 0, got {target_halfwidth}"
            )));
        }
        let max_seeds = self.max_seeds.unwrap_or(1_000);
        if !(AUTO_FIRST_SEEDS..=MAX_SEEDS).contains(&max_seeds) {
            return Err(Error::Config(format!(
                "--max-seeds must be from {AUTO_FIRST_SEEDS} (the first batch) to {MAX_SEEDS}, got {max_seeds}"
            )));
        }
        if self.shard.is_some() {
            return Err(Error::Config(
                "--seeds auto decides the seeds as it goes, so it cannot be split into shards: give a seed count with --shard".into(),
            ));
        }
        Ok(Some(AutoSeeds {
            target_halfwidth,
            max_seeds,
        }))
    }

    /// Fill in defaults for a target of `task`.
    pub fn resolve(&self, task: Task) -> Result<Experiment> {
        self.resolve_with(task, self.data_spec()?)
    }

    /// As [`resolve`](Self::resolve), on `data` in place of the file's `[data]` (arrays handed
    /// over from Python).
    pub fn resolve_with(&self, task: Task, data: DataSpec) -> Result<Experiment> {
        let s = &self.split;
        let default_kind = match task {
            Task::Classification => SplitterKind::Stratified,
            Task::Regression => SplitterKind::Kfold,
        };
        let defaults = SplitConfig::default();
        let stats = self.stats.options(None)?;
        Ok(Experiment {
            data,
            split: SplitConfig {
                kind: s.splitter.unwrap_or(default_kind),
                folds: s.folds.unwrap_or(defaults.folds),
                test_size: s.test_size,
                gap: s.gap.unwrap_or(defaults.gap),
                max_train_size: s.max_train_size,
                bins: s.bins.unwrap_or(defaults.bins),
                source: s.splits.unwrap_or_default(),
                random_state: s.random_state,
            },
            split_seeds: self.seeds.clone().unwrap_or(SeedSpec::Count(10)).seeds()?,
            seeds_auto: self.auto_seeds(&stats)?,
            plugged: Vec::new(),
            model_seeds: self
                .model_seeds
                .clone()
                .unwrap_or(SeedSpec::Count(1))
                .seeds()?,
            models: self.models.clone().unwrap_or_default(),
            tune: self.tune.clone().unwrap_or_default(),
            interval: self.interval,
            permutations: match self.permutations {
                Some(n) if !(2..=MAX_PERMUTATIONS).contains(&n) => {
                    return Err(Error::Config(format!(
                        "permutations must be from 2 to {MAX_PERMUTATIONS} (each refits every fold of one split seed; 1000 gives p-values down to 0.001), got {n}"
                    )))
                }
                n => n,
            },
            metrics: self.metrics.clone(),
            stats,
            save_splits: self.output.save_splits.unwrap_or(false),
            save_predictions: self.output.save_predictions.unwrap_or(false),
            fail_fast: self.output.fail_fast.unwrap_or(false),
            shard: self.shard.as_deref().map(str::parse).transpose()?,
            exact_linfa: self.exact_linfa.unwrap_or(false),
            learning_curve: learning_curve(self.learning_curve.as_deref().unwrap_or(&[]))?,
        })
    }
}

/// An experiment's models, and the metrics each one is scored on (same order).
pub struct ModelSet {
    /// The models.
    pub models: Vec<Arc<dyn Model>>,
    /// Metrics per model.
    pub metrics: Vec<Vec<Metric>>,
}

/// A fully resolved experiment: what defines a run's results.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Experiment {
    /// The data and its columns.
    pub data: DataSpec,
    /// The splitter.
    pub split: SplitConfig,
    /// Every split seed of the study (a shard runs a slice of them); under `--seeds auto`,
    /// those decided so far.
    pub split_seeds: Vec<u64>,
    /// `--seeds auto`'s stopping rule.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seeds_auto: Option<AutoSeeds>,
    /// Model seeds for stochastic models.
    pub model_seeds: Vec<u64>,
    /// Model specifications as written.
    pub models: Vec<String>,
    /// Models from outside the catalogue (scikit-learn estimators from Python), as their
    /// caller describes them (`"forest = RandomForestClassifier(n_estimators=50)"`), so the
    /// manifest says what ran and a resume with other estimators is refused.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub plugged: Vec<String>,
    /// Grids evaluated as tuned models.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tune: Vec<TuneSpec>,
    /// An interval beyond the usual ones.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interval: Option<ExtraInterval>,
    /// Permutations of the test against chance.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub permutations: Option<usize>,
    /// Metric names; `None` = the task's defaults.
    pub metrics: Option<Vec<String>>,
    /// Statistics settings.
    pub stats: Options,
    /// Write splits.csv.
    pub save_splits: bool,
    /// Write predictions.csv.
    pub save_predictions: bool,
    /// Stop at the first failed fit.
    pub fail_fast: bool,
    /// The slice of seeds this run does.
    pub shard: Option<Shard>,
    /// Fit through linfa only, without the exact fast paths (for comparison).
    pub exact_linfa: bool,
    /// Shares of the training rows below 1 a learning curve also fits, ascending.
    #[serde(default)]
    pub learning_curve: Vec<f64>,
}

/// A learning curve's shares: each in (0, 1], sorted, without repeats, 1 left out (always run).
fn learning_curve(shares: &[f64]) -> Result<Vec<f64>> {
    if let Some(bad) = shares.iter().find(|f| !(**f > 0.0 && **f <= 1.0)) {
        return Err(Error::Config(format!(
            "learning-curve share {bad} is not in (0, 1]; give shares of the training rows, e.g. 0.1,0.25,0.5"
        )));
    }
    let mut shares: Vec<f64> = shares.iter().copied().filter(|f| *f < 1.0).collect();
    shares.sort_by(f64::total_cmp);
    shares.dedup();
    Ok(shares)
}

impl Experiment {
    /// Every share of the training rows a fold is fitted on: the learning curve's, then 1.
    pub fn train_fractions(&self) -> Vec<f64> {
        self.learning_curve.iter().copied().chain([1.0]).collect()
    }

    /// The split seeds this run (or shard) does.
    pub fn my_seeds(&self) -> Vec<u64> {
        match self.shard {
            None => self.split_seeds.clone(),
            Some(s) => self
                .split_seeds
                .iter()
                .enumerate()
                .filter(|(i, _)| i % s.count == s.index)
                .map(|(_, &v)| v)
                .collect(),
        }
    }

    /// The experiment's models for `table` (the catalogue's, the tuned ones, then `plugged`:
    /// models built outside the catalogue), and the metrics each is scored on.
    pub fn models_and_metrics(
        &self,
        table: &Table,
        plugged: &[Arc<dyn Model>],
    ) -> Result<ModelSet> {
        let task = table.y.task();
        let n_classes = table.y.classes().map_or(0, |(_, c)| c.len());
        let specs: Vec<ModelSpec> = self
            .models
            .iter()
            .map(|m| ModelSpec::parse(m))
            .collect::<Result<Vec<_>>>()?
            .concat();
        let requested: Option<Vec<Metric>> = self
            .metrics
            .as_ref()
            .map(|m| m.iter().map(|s| s.parse()).collect::<Result<_>>())
            .transpose()?;
        let mut models = if specs.is_empty() && !(self.tune.is_empty() && plugged.is_empty()) {
            Vec::new()
        } else {
            build_models(&specs, task, self.exact_linfa)?
        };
        // a tuned model compares its grid on the run's first metric unless told otherwise
        let first_metric = match requested.as_deref() {
            Some([first, ..]) => *first,
            _ => super::default_metrics(task, n_classes)[0],
        };
        for spec in &self.tune {
            let tuned = Tuned::new(spec, task, first_metric, self.exact_linfa)?;
            if models.iter().any(|m| m.name() == tuned.name()) {
                return Err(Error::Config(format!(
                    "two tuned {} models: give one grid per model kind (a grid may vary several parameters)",
                    tuned.name()
                )));
            }
            models.push(Arc::new(tuned));
        }
        for model in plugged {
            if models.iter().any(|m| m.name() == model.name()) {
                return Err(Error::Config(format!(
                    "two models are named {}; give each model its own name",
                    model.name()
                )));
            }
            models.push(model.clone());
        }
        if let Some(list) = &requested {
            if let Some((_, m)) = list
                .iter()
                .enumerate()
                .find(|(i, m)| list[..*i].contains(m))
            {
                return Err(Error::Config(format!(
                    "metric '{m}' is given twice in the metrics; list each once"
                )));
            }
        }
        let metrics = super::metrics_for(requested.as_deref(), &models, task, n_classes)?;
        Ok(ModelSet { models, metrics })
    }

    /// Dotted names of the settings that differ from `other` (empty when equal).
    pub fn differences(&self, other: &Experiment) -> Vec<String> {
        let (a, b) = (
            serde_json::to_value(self).unwrap_or_default(),
            serde_json::to_value(other).unwrap_or_default(),
        );
        let mut out = Vec::new();
        diff(&a, &b, String::new(), &mut out);
        out
    }
}

fn diff(a: &serde_json::Value, b: &serde_json::Value, path: String, out: &mut Vec<String>) {
    match (a, b) {
        (serde_json::Value::Object(x), serde_json::Value::Object(y)) => {
            let mut keys: Vec<&String> = x.keys().chain(y.keys()).collect();
            keys.sort();
            keys.dedup();
            for k in keys {
                let p = if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                };
                diff(
                    x.get(k).unwrap_or(&serde_json::Value::Null),
                    y.get(k).unwrap_or(&serde_json::Value::Null),
                    p,
                    out,
                );
            }
        }
        _ if a != b => out.push(path),
        _ => {}
    }
}
