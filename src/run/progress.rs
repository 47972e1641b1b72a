//! Progress reporting without printing from the library: the runner tells an observer, the
//! caller decides what to show or save.

use super::{FoldPredictions, FoldRecord};
use crate::split::Fold;

/// Told about progress as a run goes; every method may be called from several threads.
pub trait Observer: Sync {
    /// The run is about to do `fits` fits.
    fn start(&self, _fits: u64) {}
    /// One fit (and its scoring) finished.
    fn fit_done(&self) {}
    /// A batch of split seeds has its folds, and none of their fits has started: work on the
    /// folds alone (a checkpoint's split hashes) may run here, on the worker threads, rather
    /// than in `seed_done`, which hands the seeds over one at a time.
    fn folds_made(&self, _batch: &[(u64, Vec<Fold>)]) {}
    /// Every fit of split seed `seed` finished: its folds, and its records and (when kept)
    /// predictions in canonical order. Called one seed at a time, in seed order, as soon as
    /// the seed and every seed before it are finished (from the worker that finished it); a
    /// checkpoint can save them.
    fn seed_done(
        &self,
        _seed: u64,
        _folds: &[Fold],
        _records: &[FoldRecord],
        _predictions: &[FoldPredictions],
    ) {
    }
    /// Whether this observer stores the records and predictions it is given in `seed_done`;
    /// then the run does not also hold them all for its output.
    fn stores_results(&self) -> bool {
        false
    }
    /// The run finished.
    fn finish(&self) {}
}

/// An observer that shows nothing.
pub struct Silent;

impl Observer for Silent {}
