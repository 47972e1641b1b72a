//! k-nearest neighbours by exhaustive search (scikit-learn's `KNeighbors*` with
//! `algorithm="brute"`, Euclidean distance, uniform weights): the k training rows nearest to a
//! test row, ties in distance broken by training-row order so the neighbours are always the
//! same; classes get the neighbours' shares as probabilities, values their mean.

use super::{argmax_rows, guard, Fitted, FoldData, FoldTrain, Model};
use crate::data::Task;
use crate::metric::Predictions;
use ndarray::ArrayView1;
use rand_chacha::ChaCha8Rng;

/// k-nearest neighbours for classes or values.
pub(crate) struct KnnModel {
    pub name: String,
    pub task: Task,
    pub k: usize,
}

/// Squared Euclidean distance, summed in feature order (contiguous rows as slices, which the
/// compiler turns into a tight loop; the same sum either way).
fn distance(a: ArrayView1<f64>, b: ArrayView1<f64>) -> f64 {
    match (a.as_slice(), b.as_slice()) {
        (Some(a), Some(b)) => a.iter().zip(b).map(|(x, y)| (x - y) * (x - y)).sum(),
        _ => a.iter().zip(b).map(|(x, y)| (x - y) * (x - y)).sum(),
    }
}

/// A power of two that brings the largest feature magnitude of the fold to about 1 when it is
/// beyond 2^500 (else 1): squared distances of features near 1e160 would overflow to
/// infinity and tie every row, while a power of two scales every value exactly and so keeps
/// every order of distances.
fn overflow_scale(x: &ndarray::Array2<f64>, x_test: &ndarray::Array2<f64>) -> f64 {
    let largest = x.iter().chain(x_test).fold(0.0f64, |m, v| m.max(v.abs()));
    if largest.is_finite() && largest > 2f64.powi(500) {
        2f64.powi(-largest.log2().ceil() as i32)
    } else {
        1.0
    }
}

impl Model for KnnModel {
    super::basics!(task_field);
    fn gives_probabilities(&self) -> bool {
        true
    }
    fn fit_predict(&self, data: &FoldData, _rng: ChaCha8Rng) -> Result<Fitted, String> {
        let x = match &data.train {
            FoldTrain::Values(t) => &t.records,
            FoldTrain::Classes(t, _) => &t.records,
        };
        if x.nrows() < self.k {
            return Err(format!(
                "k = {} neighbours but only {} training rows; lower k",
                self.k,
                x.nrows()
            ));
        }
        // features beyond 2^500 are scaled (exactly) in a copy; the usual fold is not copied
        let scale = overflow_scale(x, &data.x_test);
        let scaled = (scale != 1.0).then(|| (x * scale, &data.x_test * scale));
        let (x, x_test) = match &scaled {
            Some((x, x_test)) => (x, x_test),
            None => (x, &data.x_test),
        };
        guard(|| {
            let mut order: Vec<(f64, usize)> = Vec::with_capacity(x.nrows());
            let neighbours = |row: ArrayView1<f64>, order: &mut Vec<(f64, usize)>| {
                order.clear();
                order.extend(
                    x.outer_iter()
                        .enumerate()
                        .map(|(i, t)| (distance(row, t), i)),
                );
                order.select_nth_unstable_by(self.k - 1, |a, b| {
                    a.0.total_cmp(&b.0).then(a.1.cmp(&b.1))
                });
                order[..self.k]
                    .iter()
                    .map(|&(_, i)| i)
                    .collect::<Vec<usize>>()
            };
            Ok(match &data.train {
                FoldTrain::Values(t) => Predictions::Values(
                    x_test
                        .outer_iter()
                        .map(|row| {
                            super::cancel::check()?;
                            let near = neighbours(row, &mut order);
                            Ok(near.iter().map(|&i| t.targets[i]).sum::<f64>() / self.k as f64)
                        })
                        .collect::<Result<_, String>>()?,
                ),
                FoldTrain::Classes(t, k) => {
                    let mut shares = vec![0.0; x_test.nrows() * k];
                    for (row, out) in x_test.outer_iter().zip(shares.chunks_mut(*k)) {
                        super::cancel::check()?;
                        for i in neighbours(row, &mut order) {
                            out[t.targets[i]] += 1.0;
                        }
                        out.iter_mut().for_each(|v| *v /= self.k as f64);
                    }
                    Predictions::Classes {
                        labels: argmax_rows(&shares, *k),
                        probabilities: Some(shares),
                    }
                }
            }
            .into())
        })
    }
}
