//! Splitters: which rows train and which test, for every fold of one split seed.
//!
//! A [`SplitConfig`] is checked against the data once ([`Splitter::new`], which also reports
//! scikit-learn-style warnings); after that [`Splitter::split`] cannot fail. Fold sizes follow
//! scikit-learn's rules (see each module); train and test indices are sorted.

mod kfold;
pub(crate) mod numpy;
mod shuffle;
mod sklearn;
mod stratified;
mod subsample;
mod time_series;

use crate::data::{Table, Target};
use crate::rng::{self, Purpose};
use crate::{Error, Result};
use numpy::RandomState;
use serde::{Deserialize, Serialize};
use shuffle::Shuffles;

/// One train/test partition (row indices into the table, both sorted).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fold {
    /// Rows used to fit.
    pub train: Vec<usize>,
    /// Rows used to score.
    pub test: Vec<usize>,
}

/// The splitting strategies seedfold offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum SplitterKind {
    /// Shuffled k-fold (scikit-learn `KFold(shuffle=True)`).
    Kfold,
    /// k-fold keeping class proportions (regression: target quantile bins).
    Stratified,
    /// k-fold keeping every group in one fold.
    Group,
    /// Group k-fold that also balances class proportions.
    StratifiedGroup,
    /// Repeated random train/test splits.
    ShuffleSplit,
    /// Random train/test splits keeping class proportions.
    StratifiedShuffleSplit,
    /// Random train/test splits of whole groups (test size: a share or count of the groups).
    GroupShuffleSplit,
    /// Expanding (or sliding) windows over rows in order; no shuffling.
    TimeSeries,
    /// Leave one row out.
    Loo,
    /// Leave one group out.
    LeaveOneGroupOut,
}

impl SplitterKind {
    /// Whether the split seed changes the folds (time-series, loo, leave-one-group-out do not).
    pub fn is_seeded(self) -> bool {
        !matches!(self, Self::TimeSeries | Self::Loo | Self::LeaveOneGroupOut)
    }

    /// The name used on the command line.
    pub fn name(self) -> String {
        clap::ValueEnum::to_possible_value(&self)
            .map_or_else(String::new, |v| v.get_name().to_string())
    }

    fn uses_strata(self) -> bool {
        matches!(
            self,
            Self::Stratified | Self::StratifiedGroup | Self::StratifiedShuffleSplit
        )
    }

    fn uses_groups(self) -> bool {
        matches!(
            self,
            Self::Group | Self::StratifiedGroup | Self::GroupShuffleSplit | Self::LeaveOneGroupOut
        )
    }
}

/// Where a split seed's shuffles come from.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum SplitSource {
    /// seedfold's own ChaCha8 stream per split seed.
    #[default]
    Seedfold,
    /// numpy's legacy `RandomState(seed)`, so split seed s gives scikit-learn's
    /// `KFold`, `StratifiedKFold` (shuffle=True), `ShuffleSplit`, `StratifiedShuffleSplit`
    /// and `GroupShuffleSplit` folds with `random_state=s` exactly.
    Sklearn,
    /// numpy's `RandomState(random_state)` drawn on from one repeat to the next, so split
    /// seed r gives repeat r of scikit-learn's `RepeatedKFold` / `RepeatedStratifiedKFold`
    /// with that `random_state` (kfold / stratified splitters).
    SklearnRepeated,
}

impl SplitSource {
    fn is_seedfold(&self) -> bool {
        *self == SplitSource::Seedfold
    }
}

/// A test-set size: a fraction of the rows (0 < f < 1) or a row count.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum TestSize {
    /// A row count.
    Count(usize),
    /// A fraction of all rows.
    Fraction(f64),
}

impl std::str::FromStr for TestSize {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        if let Ok(n) = s.parse::<usize>() {
            return Ok(TestSize::Count(n));
        }
        match s.parse::<f64>() {
            Ok(f) if f > 0.0 && f < 1.0 => Ok(TestSize::Fraction(f)),
            _ => Err(format!(
                "'{s}' is neither a fraction in (0, 1) nor a row count"
            )),
        }
    }
}

/// Everything that defines a splitter, as given by the user.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SplitConfig {
    /// The strategy.
    pub kind: SplitterKind,
    /// Folds (k) or, for shuffle and time-series splitters, the number of splits.
    pub folds: usize,
    /// Test size for shuffle splitters (default 0.1) and time-series (default n / (folds + 1)).
    pub test_size: Option<TestSize>,
    /// Rows left out between train and test in time-series splits.
    pub gap: usize,
    /// Largest training window in time-series splits.
    pub max_train_size: Option<usize>,
    /// Quantile bins used to stratify a regression target.
    pub bins: usize,
    /// Where the shuffles come from (left out of the experiment's record when seedfold's own).
    #[serde(default, skip_serializing_if = "SplitSource::is_seedfold")]
    pub source: SplitSource,
    /// The `random_state` of `--splits sklearn-repeated` (default 0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub random_state: Option<u32>,
}

impl Default for SplitConfig {
    fn default() -> Self {
        SplitConfig {
            kind: SplitterKind::Kfold,
            folds: 5,
            test_size: None,
            gap: 0,
            max_train_size: None,
            bins: 5,
            source: SplitSource::Seedfold,
            random_state: None,
        }
    }
}

/// A splitter checked against one table; [`Splitter::split`] then always succeeds.
#[derive(Debug, Clone)]
pub struct Splitter {
    config: SplitConfig,
    n: usize,
    strata: Vec<usize>,
    groups: Vec<usize>,
    /// Whether the target is classes (scikit-learn's stratification needs them).
    classes: bool,
    warnings: Vec<String>,
    /// Under `--splits sklearn-repeated`: numpy's generator as it stood before some repeats.
    repeats: RepeatStates,
}

/// numpy's generator before every [`REPEAT_CHECKPOINT`]-th repeat of `--splits
/// sklearn-repeated`, kept as repeats are drawn: repeat r is drawn on from the nearest state
/// below it, not from repeat 0 (which made a run of R repeats cost R² / 2 repeats' draws).
#[derive(Clone, Default)]
struct RepeatStates(std::sync::Arc<std::sync::Mutex<std::collections::BTreeMap<u64, RandomState>>>);

/// How often [`RepeatStates`] keeps the generator (about 2.5 KB each).
const REPEAT_CHECKPOINT: u64 = 32;

impl std::fmt::Debug for RepeatStates {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RepeatStates")
    }
}

impl RepeatStates {
    /// The latest kept state at or before `repeat`, with its repeat.
    fn before(&self, repeat: u64) -> Option<(u64, RandomState)> {
        let kept = self.0.lock().unwrap_or_else(|e| e.into_inner());
        kept.range(..=repeat)
            .next_back()
            .map(|(&r, s)| (r, s.clone()))
    }

    fn keep(&self, repeat: u64, state: &RandomState) {
        let mut kept = self.0.lock().unwrap_or_else(|e| e.into_inner());
        kept.entry(repeat).or_insert_with(|| state.clone());
    }
}

impl Splitter {
    /// Check `config` against `table`: impossible settings are errors naming the numbers.
    pub fn new(config: &SplitConfig, table: &Table) -> Result<Splitter> {
        if let Some(TestSize::Fraction(f)) = config.test_size {
            if !(f > 0.0 && f < 1.0) {
                return Err(Error::Config(format!(
                    "test size {f} is neither a fraction in (0, 1) nor a whole row count; write e.g. test_size = 0.2 or 30"
                )));
            }
        }
        let n = table.n_rows();
        let kind = config.kind;
        let strata = if kind.uses_strata() {
            match &table.y {
                Target::Classification { labels, .. } => labels.to_vec(),
                Target::Regression(y) => {
                    stratified::quantile_bins(y.as_slice().unwrap_or(&y.to_vec()), config.bins)?
                }
            }
        } else {
            Vec::new()
        };
        let groups = if kind.uses_groups() {
            table.groups.clone().ok_or_else(|| {
                Error::Config(format!(
                    "the {} splitter needs a groups column; pass --groups COLUMN",
                    kind.name()
                ))
            })?
        } else {
            Vec::new()
        };
        let mut splitter = Splitter {
            config: config.clone(),
            n,
            strata,
            groups,
            classes: matches!(table.y, Target::Classification { .. }),
            warnings: Vec::new(),
            repeats: RepeatStates::default(),
        };
        splitter.check()?;
        Ok(splitter)
    }

    fn check(&mut self) -> Result<()> {
        let c = &self.config;
        let n = self.n;
        let min_folds = match c.kind {
            SplitterKind::Loo | SplitterKind::LeaveOneGroupOut => 0,
            SplitterKind::ShuffleSplit
            | SplitterKind::StratifiedShuffleSplit
            | SplitterKind::GroupShuffleSplit => 1,
            _ => 2,
        };
        let supported = match (c.source, c.kind) {
            (SplitSource::Seedfold, _) => true,
            (
                SplitSource::Sklearn,
                SplitterKind::Kfold | SplitterKind::ShuffleSplit | SplitterKind::GroupShuffleSplit,
            ) => true,
            (SplitSource::SklearnRepeated, SplitterKind::Kfold) => true,
            // scikit-learn stratifies classes only; seedfold's regression bins are its own
            (
                SplitSource::Sklearn,
                SplitterKind::Stratified | SplitterKind::StratifiedShuffleSplit,
            )
            | (SplitSource::SklearnRepeated, SplitterKind::Stratified) => self.classes,
            _ => false,
        };
        if !supported {
            return Err(Error::Config(format!(
                "--splits {} does not reproduce the {} splitter{}: it gives scikit-learn's {}; leave --splits out for seedfold's own",
                c.source.name(),
                c.kind.name(),
                if self.classes { "" } else { " on a regression target" },
                match c.source {
                    SplitSource::SklearnRepeated => "RepeatedKFold (kfold) and RepeatedStratifiedKFold (stratified, classes)",
                    _ => "KFold (kfold), StratifiedKFold (stratified, classes), ShuffleSplit, StratifiedShuffleSplit (classes) and GroupShuffleSplit",
                }
            )));
        }
        if c.random_state.is_some() && c.source != SplitSource::SklearnRepeated {
            return Err(Error::Config(
                "random_state sets scikit-learn's repeated splitters' seed: use it with --splits sklearn-repeated (under --splits sklearn the split seed is the random_state)".into(),
            ));
        }
        if !c.source.is_seedfold() && u32::try_from(n).is_err() {
            return Err(Error::Config(format!(
                "--splits {} shuffles at most 4294967295 rows, not {n}",
                c.source.name()
            )));
        }
        if c.folds < min_folds {
            return Err(Error::Config(format!(
                "the {} splitter needs at least {min_folds} folds/splits, got {}",
                c.kind.name(),
                c.folds
            )));
        }
        match c.kind {
            SplitterKind::Kfold => kfold::check(n, c.folds),
            SplitterKind::Stratified => {
                stratified::check(&self.strata, c.folds, &mut self.warnings)
            }
            SplitterKind::Group => kfold::check_groups(&self.groups, c.folds),
            SplitterKind::StratifiedGroup => {
                kfold::check_groups(&self.groups, c.folds)?;
                stratified::warn_small_classes(&self.strata, c.folds, &mut self.warnings);
                Ok(())
            }
            SplitterKind::ShuffleSplit => shuffle::sizes(n, c.test_size).map(|_| ()),
            SplitterKind::StratifiedShuffleSplit => {
                shuffle::check_stratified(&self.strata, c.test_size)
            }
            SplitterKind::GroupShuffleSplit => {
                let n_groups = count_groups(&self.groups);
                shuffle::sizes_or(n_groups, c.test_size, shuffle::DEFAULT_GROUP_TEST_FRACTION)
                    .map(|_| ())
                    .map_err(|e| Error::Config(format!("over the {n_groups} groups: {e}")))
            }
            SplitterKind::TimeSeries => time_series::sizes(n, c).map(|_| ()),
            SplitterKind::Loo => kfold::check(n, n.max(2)),
            SplitterKind::LeaveOneGroupOut => kfold::check_groups(&self.groups, 2),
        }
    }

    /// The rows of fold `fold`'s `train` a learning curve keeps at `fraction` under split seed
    /// `seed`: nested across fractions, stratified when the splitter is.
    pub fn subsample(&self, seed: u64, fold: usize, train: &[usize], fraction: f64) -> Vec<usize> {
        subsample::subsample(
            train,
            fraction,
            (!self.strata.is_empty()).then_some(self.strata.as_slice()),
            crate::rng::stream(seed, crate::rng::Purpose::Subsample { fold }),
        )
    }

    /// The splitter of a nested cross-validation's inner folds over `rows` (one outer fold's
    /// training rows), its folds indexing into `rows`: stratified on the same strata and
    /// grouped on the same groups as this splitter, time-series when this one is, k-fold
    /// otherwise; always seedfold's own shuffles.
    pub fn inner(&self, rows: &[usize], folds: usize) -> Result<Splitter> {
        let outer = self.config.kind;
        let kind = match (outer.uses_strata(), outer.uses_groups()) {
            _ if outer == SplitterKind::TimeSeries => SplitterKind::TimeSeries,
            (true, true) => SplitterKind::StratifiedGroup,
            (true, false) => SplitterKind::Stratified,
            (false, true) => SplitterKind::Group,
            (false, false) => SplitterKind::Kfold,
        };
        let strata = if self.strata.is_empty() {
            Vec::new()
        } else {
            rows.iter().map(|&r| self.strata[r]).collect()
        };
        // group numbers made dense again: the group splitters count groups as max + 1
        let mut dense = std::collections::HashMap::new();
        let groups = if self.groups.is_empty() {
            Vec::new()
        } else {
            rows.iter()
                .map(|&r| {
                    let next = dense.len();
                    *dense.entry(self.groups[r]).or_insert(next)
                })
                .collect()
        };
        let mut inner = Splitter {
            config: SplitConfig {
                kind,
                folds,
                gap: if kind == SplitterKind::TimeSeries {
                    self.config.gap
                } else {
                    0
                },
                ..SplitConfig::default()
            },
            n: rows.len(),
            strata,
            groups,
            classes: self.classes,
            warnings: Vec::new(),
            repeats: RepeatStates::default(),
        };
        inner.check()?;
        Ok(inner)
    }

    /// Warnings found while checking (e.g. a class smaller than k), for the caller to show.
    pub fn warnings(&self) -> &[String] {
        &self.warnings
    }

    /// The configuration this splitter was built from.
    pub fn config(&self) -> &SplitConfig {
        &self.config
    }

    /// Split seeds this splitter cannot use: numpy seeds are 32-bit, so under
    /// `--splits sklearn` a seed must be at most 2³² − 1.
    pub fn check_seeds(&self, seeds: &[u64]) -> Result<()> {
        let largest = seeds.iter().copied().max().unwrap_or(0);
        match self.config.source {
            SplitSource::Sklearn if largest > u64::from(u32::MAX) => Err(Error::Config(format!(
                "split seed {largest} is beyond scikit-learn's random_state range (0 to 4294967295); pick smaller seeds"
            ))),
            SplitSource::SklearnRepeated if largest >= MAX_REPEATS => Err(Error::Config(format!(
                "under --splits sklearn-repeated a split seed is a repeat number, drawn after every repeat before it: {largest} is beyond the {MAX_REPEATS} repeats seedfold draws; use seeds 0 to {}",
                MAX_REPEATS - 1
            ))),
            _ => Ok(()),
        }
    }

    /// How many folds [`Splitter::split`] gives for every seed, without drawing them (a
    /// large table's split costs a shuffle of its rows).
    pub fn fold_count(&self) -> usize {
        match self.config.kind {
            SplitterKind::Loo => self.n,
            SplitterKind::LeaveOneGroupOut => count_groups(&self.groups),
            _ => self.config.folds,
        }
    }

    /// The folds for `seed`. Unseeded splitters return the same folds for every seed.
    pub fn split(&self, seed: u64) -> Vec<Fold> {
        let c = &self.config;
        match c.source {
            SplitSource::Seedfold => {}
            // checked in Splitter::new and check_seeds: a supported splitter, 32-bit seeds
            SplitSource::Sklearn => {
                return self.split_from(&mut RandomState::new(seed as u32), true);
            }
            SplitSource::SklearnRepeated => {
                let (mut repeat, mut numpy) = self
                    .repeats
                    .before(seed)
                    .unwrap_or_else(|| (0, RandomState::new(c.random_state.unwrap_or(0))));
                while repeat < seed {
                    self.split_from(&mut numpy, true);
                    repeat += 1;
                    if repeat % REPEAT_CHECKPOINT == 0 {
                        self.repeats.keep(repeat, &numpy);
                    }
                }
                return self.split_from(&mut numpy, true);
            }
        }
        let mut rng = rng::stream(seed, Purpose::Split);
        match c.kind {
            SplitterKind::Kfold
            | SplitterKind::ShuffleSplit
            | SplitterKind::StratifiedShuffleSplit
            | SplitterKind::GroupShuffleSplit => self.split_from(&mut rng, false),
            SplitterKind::Stratified => {
                stratified::stratified_kfold(&self.strata, c.folds, &mut rng)
            }
            SplitterKind::Group => kfold::group_kfold(&self.groups, c.folds, &mut rng),
            SplitterKind::StratifiedGroup => {
                stratified::stratified_group_kfold(&self.strata, &self.groups, c.folds, &mut rng)
            }
            SplitterKind::TimeSeries => time_series::time_series(self.n, c),
            SplitterKind::Loo => kfold::from_assignment(&(0..self.n).collect::<Vec<_>>(), self.n),
            SplitterKind::LeaveOneGroupOut => {
                kfold::from_assignment(&self.groups, count_groups(&self.groups))
            }
        }
    }

    /// The folds of the splitters drawn the same way from either source of shuffles;
    /// `as_numpy` makes the draws scikit-learn makes that seedfold's own splitters skip.
    fn split_from(&self, rng: &mut impl Shuffles, as_numpy: bool) -> Vec<Fold> {
        let c = &self.config;
        match c.kind {
            SplitterKind::Stratified => sklearn::stratified_kfold(&self.strata, c.folds, rng),
            SplitterKind::ShuffleSplit => {
                let (_, n_test) = shuffle::sizes(self.n, c.test_size).expect("checked");
                shuffle::shuffle_split(self.n, c.folds, n_test, rng)
            }
            SplitterKind::StratifiedShuffleSplit => {
                shuffle::stratified_shuffle_split(&self.strata, c.folds, c.test_size, rng, as_numpy)
            }
            SplitterKind::GroupShuffleSplit => {
                let (_, n_test) = shuffle::sizes_or(
                    count_groups(&self.groups),
                    c.test_size,
                    shuffle::DEFAULT_GROUP_TEST_FRACTION,
                )
                .expect("checked");
                shuffle::group_shuffle_split(&self.groups, c.folds, n_test, rng)
            }
            _ => kfold::kfold_from_order(&rng.permutation(self.n), c.folds),
        }
    }
}

/// The number of groups, for groups numbered densely from 0.
pub(crate) fn count_groups(groups: &[usize]) -> usize {
    groups.iter().max().map_or(0, |g| g + 1)
}

/// Most repeats `--splits sklearn-repeated` draws (repeat r draws every repeat before it).
pub const MAX_REPEATS: u64 = 100_000;

impl SplitSource {
    /// The name used on the command line.
    pub fn name(self) -> String {
        clap::ValueEnum::to_possible_value(&self)
            .map_or_else(String::new, |v| v.get_name().to_string())
    }
}
