//! The inner cross-validation of a tuned model ([`Tuned`]) on one outer fold: inner folds
//! over the outer training rows only, each grid point fitted and scored on every inner fold
//! (preprocessing fitted on the inner training rows, as in the outer loop), and the rule's
//! choice. The runner then refits the chosen point on the whole outer training part.

use super::{gather_as, TestTruth};
use crate::data::Table;
use crate::metric::score;
use crate::model::Tuned;
use crate::rng::{self, Purpose};
use crate::split::{Fold, Splitter};
use crate::Result;
use rand::RngCore;

/// The inner folds of outer fold `fold` of split seed `split_seed` (rows of the table): the
/// outer splitter's inner form ([`Splitter::inner`]) over `outer_train`, split with a seed
/// drawn from the `(split_seed, tune)` stream of that fold, so that every outer fold of every
/// split seed has its own inner folds and no other randomness moves them.
pub fn inner_folds(
    splitter: &Splitter,
    folds: usize,
    (split_seed, fold): (u64, usize),
    outer_train: &[usize],
) -> Result<(Vec<Fold>, Vec<String>)> {
    let inner = splitter.inner(outer_train, folds)?;
    let seed = rng::stream(split_seed, Purpose::Tune { fold }).next_u64();
    let to_rows = |positions: &[usize]| positions.iter().map(|&p| outer_train[p]).collect();
    let folds = inner
        .split(seed)
        .iter()
        .map(|f| Fold {
            train: to_rows(&f.train),
            test: to_rows(&f.test),
        })
        .collect();
    Ok((folds, inner.warnings().to_vec()))
}

/// What the inner cross-validation chose: the grid point's index, and a warning for the
/// record when the inner folds were suspect (a class smaller than the inner folds).
pub(super) struct Choice {
    pub index: usize,
    pub warning: Option<String>,
}

/// Run `tuned`'s inner cross-validation on the training rows of `outer` and pick a point; an
/// error (recorded as the outer fold's failure) when the inner folds cannot be made or every
/// grid point failed on some inner fold.
pub(super) fn choose(
    table: &Table,
    splitter: &Splitter,
    preprocess: bool,
    tuned: &Tuned,
    (split_seed, fold, model_seed): (u64, usize, u64),
    outer: &Fold,
) -> std::result::Result<Choice, String> {
    let (folds, warnings) = inner_folds(splitter, tuned.folds, (split_seed, fold), &outer.train)
        .map_err(|e| format!("the inner cross-validation cannot split the training rows: {e}"))?;
    let candidates = tuned.candidates();
    let mut scores: Vec<Option<Vec<f64>>> = vec![Some(Vec::new()); candidates.len()];
    let mut first_error = None;
    for inner in &folds {
        let (data, _) = gather_as(table, inner, preprocess);
        let owned_truth = TestTruth::of(table, &inner.test);
        let truth = owned_truth.view();
        for (candidate, scored) in candidates.iter().zip(&mut scores) {
            let Some(list) = scored else { continue };
            let rng = rng::stream(model_seed, Purpose::Model { split_seed, fold });
            let value = candidate
                .fit_predict(&data, rng)
                .and_then(|f| score(tuned.metric, truth, &f.predictions))
                .and_then(|v| {
                    v.is_finite()
                        .then_some(v)
                        .ok_or_else(|| format!("{} is not finite ({v})", tuned.metric))
                });
            match value {
                Ok(v) => list.push(v),
                Err(e) => {
                    first_error.get_or_insert_with(|| format!("{}: {e}", candidate.name()));
                    *scored = None;
                }
            }
        }
    }
    let index = tuned.choose(&scores).ok_or_else(|| {
        format!(
            "every grid point failed in the inner cross-validation (first: {})",
            first_error.unwrap_or_default()
        )
    })?;
    Ok(Choice {
        index,
        warning: warnings
            .first()
            .map(|w| format!("inner cross-validation: {w}")),
    })
}
