//! k-nearest neighbours by exhaustive search (scikit-learn's `KNeighbors*` with
//! `algorithm="brute"`, Euclidean distance, uniform weights): the k training rows nearest to a
//! test row, ties in distance broken by training-row order so the neighbours are always the
//! same; classes get the neighbours' shares as probabilities, values their mean.

use super::dense::product_transposed_into;
use super::{argmax_rows, guard, Fitted, FoldData, FoldTrain, Model};
use crate::data::Task;
use crate::metric::Predictions;
use ndarray::{s, Array2, ArrayView1};
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

/// Test rows per block of the distance matrix: a block holds at most this many entries
/// (8 MiB) whatever the number of training rows, so it is mostly read back from the cache it
/// was written to (measured: 8 MiB beat 4 and 32 MiB on 20,000 rows).
const BLOCK_ENTRIES: usize = 1 << 20;

/// The k nearest training rows of every test row, nearest first (ties in distance by training
/// row order), handed to `each` in test-row order.
///
/// Distances come first from one matrix product per block of test rows,
/// ‖a‖² + ‖b‖² − 2a·b, which is fast but rounds: its error is at most
/// E = γ·2(‖a‖² + max ‖b‖²) with γ = (features + 2)·2u (Higham 2002, §3.1, doubled for
/// safety). Every training row whose product distance is within the k-th smallest plus that
/// margin is a candidate, and the candidates' distances are then summed exactly as
/// [`distance`] does, so the neighbours are those of the exhaustive search, bit for bit.
fn nearest(
    x: &Array2<f64>,
    x_test: &Array2<f64>,
    k: usize,
    mut each: impl FnMut(&[usize]) -> Result<(), String>,
) -> Result<(), String> {
    let norms: Vec<f64> = x.outer_iter().map(|r| r.dot(&r)).collect();
    let widest = norms.iter().fold(0.0f64, |m, &v| m.max(v));
    let gamma = (x.ncols() as f64 + 2.0) * f64::EPSILON;
    let block = (BLOCK_ENTRIES / x.nrows().max(1)).max(1);
    let mut smallest: Vec<f64> = Vec::with_capacity(k + 1);
    let mut candidates: Vec<(f64, usize)> = Vec::new();
    let mut near: Vec<usize> = Vec::with_capacity(k);
    // one product buffer for every block (the product overwrites it)
    let mut products = Array2::zeros((block.min(x_test.nrows()), x.nrows()));
    for start in (0..x_test.nrows()).step_by(block) {
        let rows = x_test.slice(s![start..(start + block).min(x_test.nrows()), ..]);
        let mut products = products.slice_mut(s![..rows.nrows(), ..]);
        product_transposed_into(rows, x.view(), products.view_mut());
        for (row, products) in rows.outer_iter().zip(products.outer_iter()) {
            super::cancel::check()?;
            let own = row.dot(&row);
            // the product distances, computed where they are read (twice) instead of stored
            let products = products.as_slice().expect("a row of a row-major block");
            let approx = || {
                norms
                    .iter()
                    .zip(products)
                    .map(move |(n, p)| own + n - 2.0 * p)
            };
            let kth = kth_smallest(approx(), k, &mut smallest);
            let margin = gamma * 2.0 * (own + widest);
            let threshold = (kth + margin) * (1.0 + 4.0 * gamma) + margin;
            candidates.clear();
            candidates.extend(
                approx()
                    .enumerate()
                    .filter(|&(_, d)| d <= threshold)
                    .map(|(i, _)| (distance(row, x.row(i)), i)),
            );
            let by_distance =
                |a: &(f64, usize), b: &(f64, usize)| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1));
            candidates.select_nth_unstable_by(k - 1, by_distance);
            candidates[..k].sort_unstable_by(by_distance);
            near.clear();
            near.extend(candidates[..k].iter().map(|&(_, i)| i));
            each(&near)?;
        }
    }
    Ok(())
}

/// The k-th smallest of `values` (1 ≤ k ≤ their number) in total order, from one pass that
/// keeps the k smallest seen so far, sorted, in `smallest`: after the first few rows almost
/// every value is larger than the k-th and costs one comparison.
fn kth_smallest(mut values: impl Iterator<Item = f64>, k: usize, smallest: &mut Vec<f64>) -> f64 {
    smallest.clear();
    smallest.extend(values.by_ref().take(k));
    smallest.sort_unstable_by(f64::total_cmp);
    // f64::total_cmp's order as integers, so the common case is one integer comparison
    let key = |v: f64| {
        let bits = v.to_bits() as i64;
        bits ^ (((bits >> 63) as u64) >> 1) as i64
    };
    let mut bound = key(smallest[k - 1]);
    for v in values {
        if key(v) < bound {
            let at = smallest.partition_point(|u| u.total_cmp(&v).is_le());
            smallest.insert(at, v);
            smallest.truncate(k);
            bound = key(smallest[k - 1]);
        }
    }
    smallest[k - 1]
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
            Ok(match &data.train {
                FoldTrain::Values(t) => {
                    let mut values = Vec::with_capacity(x_test.nrows());
                    nearest(x, x_test, self.k, |near| {
                        values
                            .push(near.iter().map(|&i| t.targets[i]).sum::<f64>() / self.k as f64);
                        Ok(())
                    })?;
                    Predictions::Values(values)
                }
                FoldTrain::Classes(t, k) => {
                    let mut shares = vec![0.0; x_test.nrows() * k];
                    let mut out = shares.chunks_mut(*k);
                    nearest(x, x_test, self.k, |near| {
                        let out = out.next().expect("one share row per test row");
                        for &i in near {
                            out[t.targets[i]] += 1.0;
                        }
                        out.iter_mut().for_each(|v| *v /= self.k as f64);
                        Ok(())
                    })?;
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

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};

    /// The exhaustive search the product-based one must reproduce: every distance summed as
    /// [`distance`] does, the k smallest by (distance, row).
    fn exhaustive(x: &Array2<f64>, row: ArrayView1<f64>, k: usize) -> Vec<usize> {
        let mut all: Vec<(f64, usize)> = x
            .outer_iter()
            .enumerate()
            .map(|(i, t)| (distance(row, t), i))
            .collect();
        all.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        all[..k].iter().map(|&(_, i)| i).collect()
    }

    #[test]
    fn the_kth_smallest_is_the_sorted_values_kth() {
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        let mut kept = Vec::new();
        for n in [1, 2, 7, 100] {
            // few distinct values, so ties abound
            let values: Vec<f64> = (0..n).map(|_| rng.gen_range(0..5) as f64 - 2.0).collect();
            let mut sorted = values.clone();
            sorted.sort_by(f64::total_cmp);
            for k in 1..=n {
                assert_eq!(
                    kth_smallest(values.iter().copied(), k, &mut kept),
                    sorted[k - 1],
                    "n {n}, k {k}"
                );
            }
        }
    }

    #[test]
    fn neighbours_equal_the_exhaustive_search_on_rounding_hostile_data() {
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        // large offsets with tiny differences (the product's rounding dwarfs the distances),
        // exact duplicates (ties), integer grids (many equal distances) and plain noise
        let cases: [fn(&mut ChaCha8Rng) -> f64; 4] = [
            |r| 1e8 + r.gen_range(0.0..1e-3),
            |r| r.gen_range(0..3) as f64,
            |r| r.gen_range(-1.0..1.0),
            |r| if r.gen_bool(0.5) { 1e150 } else { -1e150 } * r.gen_range(0.5..1.0),
        ];
        for (c, value) in cases.iter().enumerate() {
            for (n, m, features, k) in [(60, 20, 3, 5), (200, 7, 1, 1), (40, 40, 10, 40)] {
                let x = Array2::from_shape_simple_fn((n, features), || value(&mut rng));
                let mut x_test = Array2::from_shape_simple_fn((m, features), || value(&mut rng));
                // some test rows duplicate training rows
                x_test.row_mut(0).assign(&x.row(3));
                let mut got = Vec::new();
                nearest(&x, &x_test, k, |near| {
                    got.push(near.to_vec());
                    Ok(())
                })
                .unwrap();
                let want: Vec<Vec<usize>> = x_test
                    .outer_iter()
                    .map(|row| exhaustive(&x, row, k))
                    .collect();
                assert_eq!(got, want, "case {c}, {n} × {features}, k = {k}");
            }
        }
    }
}
