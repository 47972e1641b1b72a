//! The permutation test against chance (Ojala & Garriga 2010, test 1; scikit-learn's
//! `permutation_test_score`): the cross-validated score of the real target against the scores
//! of the same cross-validation on permuted targets, where no feature can predict the target.

use super::{mean, std_dev, Maybe};
use serde::{Deserialize, Serialize};

/// A permutation test of one model on one metric.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PermutationTest {
    /// The cross-validated score on the real target (one split seed's folds).
    pub observed: f64,
    /// (1 + permutations scoring at least as well) / (1 + permutations): the chance of a score
    /// this good from a model that learned nothing, never 0.
    pub p_value: f64,
    /// Permutations run.
    pub permutations: usize,
    /// Mean of the permuted scores: the chance level.
    pub null_mean: f64,
    /// Their standard deviation.
    pub null_sd: f64,
    /// The split seed whose folds were used; permutation i is drawn as scikit-learn draws it
    /// from `numpy.random.RandomState(split seed)`: the i-th `permutation(n)`, or with groups
    /// each group's rows shuffled in turn.
    pub split_seed: u64,
    /// Whether the target was permuted within each group (a run with `--groups`), so the
    /// chance level keeps the grouping the folds respect; absent in older summaries.
    #[serde(default)]
    pub within_groups: bool,
}

/// The test from the real score `observed` and the permuted ones `null`.
pub fn permutation_test(
    observed: f64,
    null: &[f64],
    higher_is_better: bool,
    split_seed: u64,
    within_groups: bool,
) -> Maybe<PermutationTest> {
    let (Some(null_mean), Some(null_sd)) = (mean(null), std_dev(null)) else {
        return Maybe::absent("needs at least 2 permutations");
    };
    let as_good = null
        .iter()
        .filter(|&&s| {
            if higher_is_better {
                s >= observed
            } else {
                s <= observed
            }
        })
        .count();
    Maybe::Value(PermutationTest {
        observed,
        p_value: (as_good + 1) as f64 / (null.len() + 1) as f64,
        permutations: null.len(),
        null_mean,
        null_sd,
        split_seed,
        within_groups,
    })
}
