//! The tree models: one CART ([`cart`](super::cart)) and a random forest of them, for classes
//! and values, with scikit-learn's semantics (`DecisionTree*`, `RandomForest*`).

use super::cart::{Criterion, Features, Labels, MaxFeatures, Tree, TreeParams};
use super::{argmax_rows, guard, Fitted, FoldData, FoldTrain, Model};
use crate::data::Task;
use crate::metric::Predictions;
use crate::rng;
use rand::{RngCore, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// Tree settings with the criterion still to be resolved by the fold's task.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct TreeSettings {
    /// `None` = Gini for classes, squared error for values.
    pub criterion: Option<Criterion>,
    pub max_depth: Option<usize>,
    pub min_samples_split: usize,
    pub min_samples_leaf: usize,
    /// `None` = √d for classes, every feature for values (scikit-learn's forest defaults).
    pub max_features: Option<MaxFeatures>,
}

impl TreeSettings {
    fn for_task(&self, classes: bool) -> TreeParams {
        TreeParams {
            criterion: self.criterion.unwrap_or(if classes {
                Criterion::Gini
            } else {
                Criterion::SquaredError
            }),
            max_depth: self.max_depth,
            min_samples_split: self.min_samples_split,
            min_samples_leaf: self.min_samples_leaf,
            max_features: self.max_features.unwrap_or(if classes {
                MaxFeatures::Sqrt
            } else {
                MaxFeatures::All
            }),
        }
    }
}

/// Grow `trees` trees on the fold (each from its own stream, drawn in order from `rng`, on a
/// bootstrap of `bootstrap` × n rows unless it is 0) and average their leaf values over the
/// test rows: class shares for classes, means for values.
fn grow_and_average(
    settings: &TreeSettings,
    data: &FoldData,
    trees: usize,
    bootstrap: f64,
    mut rng: ChaCha8Rng,
) -> Result<Predictions, String> {
    let (x, labels) = match &data.train {
        FoldTrain::Values(t) => (
            &t.records,
            Labels::Values(t.targets.as_slice().ok_or("targets not contiguous")?),
        ),
        FoldTrain::Classes(t, k) => (
            &t.records,
            Labels::Classes(t.targets.as_slice().ok_or("targets not contiguous")?, *k),
        ),
    };
    if x.nrows() == 0 {
        return Err("no training rows".into());
    }
    let params = settings.for_task(matches!(labels, Labels::Classes(..)));
    let seeds: Vec<u64> = (0..trees).map(|_| rng.next_u64()).collect();
    let n = x.nrows();
    let draws = ((bootstrap * n as f64).round() as usize).max(1);
    let features = Features::new(x.view(), &params);
    // trees one after another: the runner already spreads fits over the cores, and a fit may
    // run on a helper thread outside its pool (see run::timeout)
    let grown: Vec<Tree> = seeds
        .iter()
        .map(|&seed| {
            super::cancel::check()?;
            let mut rng = ChaCha8Rng::seed_from_u64(seed);
            let weights = (bootstrap > 0.0).then(|| {
                let mut w = vec![0u32; n];
                for _ in 0..draws {
                    w[rng::below(&mut rng, n as u64) as usize] += 1;
                }
                w
            });
            Ok(Tree::grow(
                &params,
                &features,
                labels,
                weights.as_deref(),
                &mut rng,
            ))
        })
        .collect::<Result<_, String>>()?;
    let width = match labels {
        Labels::Classes(_, k) => k,
        Labels::Values(_) => 1,
    };
    let mut sums = vec![0.0; data.x_test.nrows() * width];
    for (row, out) in data.x_test.outer_iter().zip(sums.chunks_mut(width)) {
        let row = row.to_vec();
        for tree in &grown {
            for (o, v) in out.iter_mut().zip(tree.leaf(&row)) {
                *o += v;
            }
        }
    }
    let scale = 1.0 / grown.len() as f64;
    sums.iter_mut().for_each(|v| *v *= scale);
    Ok(match labels {
        Labels::Values(_) => Predictions::Values(sums),
        Labels::Classes(..) => Predictions::Classes {
            labels: argmax_rows(&sums, width),
            probabilities: Some(sums),
        },
    })
}

/// One decision tree (CART), deterministic: every feature at every split.
pub(crate) struct TreeModel {
    pub name: String,
    pub task: Task,
    pub settings: TreeSettings,
}

impl Model for TreeModel {
    super::basics!(task_field);
    fn gives_probabilities(&self) -> bool {
        true
    }
    fn fit_predict(&self, data: &FoldData, rng: ChaCha8Rng) -> Result<Fitted, String> {
        let settings = TreeSettings {
            max_features: Some(self.settings.max_features.unwrap_or(MaxFeatures::All)),
            ..self.settings
        };
        guard(|| grow_and_average(&settings, data, 1, 0.0, rng)).map(Fitted::from)
    }
}

/// Random forest: bootstrapped trees with features drawn per split, seeded by the model seed;
/// class shares (or values) averaged over trees, the most probable class as the label.
pub(crate) struct ForestModel {
    pub name: String,
    pub task: Task,
    pub settings: TreeSettings,
    pub trees: usize,
    /// Rows drawn with replacement per tree, as a share of the training rows; 0 = no bootstrap.
    pub bootstrap: f64,
}

impl Model for ForestModel {
    super::basics!(task_field);
    fn is_stochastic(&self) -> bool {
        true
    }
    fn gives_probabilities(&self) -> bool {
        true
    }
    fn fit_predict(&self, data: &FoldData, rng: ChaCha8Rng) -> Result<Fitted, String> {
        guard(|| grow_and_average(&self.settings, data, self.trees, self.bootstrap, rng))
            .map(Fitted::from)
    }
}
