//! k-nearest neighbours by exhaustive search (scikit-learn's `KNeighbors*` with
//! `algorithm="brute"`, Euclidean distance, uniform weights): the k training rows nearest to a
//! test row, ties in distance broken by training-row order so the neighbours are always the
//! same; classes get the neighbours' shares as probabilities, values their mean.

use super::distances::{squared_distance, PackedRows, BLOCK, TILE};
use super::{argmax_rows, guard, Fitted, FoldData, FoldTrain, Model};
use crate::data::Task;
use crate::metric::Predictions;
use ndarray::{s, Array2};
use rand_chacha::ChaCha8Rng;

/// k-nearest neighbours for classes or values.
pub(crate) struct KnnModel {
    pub name: String,
    pub task: Task,
    pub k: usize,
}

/// Training rows per span of the distance kernel: a span's distances for a tile of test
/// rows (6 × 1,024 × 8 bytes = 48 KiB) are read back from the cache they were written to.
const SPAN: usize = 1024;

/// The k nearest training rows of every test row, nearest first (ties in distance by training
/// row order), handed to `each` in test-row order.
///
/// Distances come first from products, ‖a‖² + ‖b‖² − 2a·b (see [`PackedRows`]), which are
/// fast but round: their error is at most E = γ·2(‖a‖² + max ‖b‖²) with γ = (features + 2)·2u
/// (Higham 2002, §3.1, doubled for safety). Every training row whose product distance is
/// within the k-th smallest plus that margin is a candidate, and the candidates' distances are
/// then summed exactly as [`squared_distance`] does, so the neighbours are those of the
/// exhaustive search, bit for bit.
fn nearest(
    x: &Array2<f64>,
    x_test: &Array2<f64>,
    k: usize,
    mut each: impl FnMut(&[usize]) -> Result<(), String>,
) -> Result<(), String> {
    let packed = PackedRows::new(x.view());
    let features = x.ncols();
    let widest = packed.norms().iter().fold(0.0f64, |m, &v| m.max(v));
    let gamma = (features as f64 + 2.0) * f64::EPSILON;
    let mut searches: [Search; TILE] = std::array::from_fn(|_| Search::default());
    let mut tile = vec![0.0; TILE * features];
    let mut own = [0.0; TILE];
    let mut out = vec![0.0; TILE * SPAN];
    let mut near: Vec<usize> = Vec::with_capacity(k);
    for start in (0..x_test.nrows()).step_by(TILE) {
        super::cancel::check()?;
        let rows = x_test.slice(s![start..(start + TILE).min(x_test.nrows()), ..]);
        tile.fill(0.0);
        for (r, row) in rows.outer_iter().enumerate() {
            for (f, &v) in row.iter().enumerate() {
                tile[f * TILE + r] = v;
            }
            own[r] = row.dot(&row);
            searches[r].start(gamma * 2.0 * (own[r] + widest), gamma);
        }
        for first in (0..packed.rows()).step_by(SPAN) {
            let span = first..(first + SPAN).min(packed.rows());
            packed.distances(&tile, &own, span.clone(), &mut out);
            let width = span.len().div_ceil(BLOCK) * BLOCK;
            for (r, search) in searches.iter_mut().enumerate().take(rows.nrows()) {
                search.scan(first, &out[r * width..r * width + span.len()], k);
            }
        }
        for (search, row) in searches.iter_mut().zip(rows.outer_iter()) {
            // the rows within the final threshold, ranked by their distances summed exactly
            let candidates = search.finish();
            for (d, i) in candidates.iter_mut() {
                *d = squared_distance(row, x.row(*i));
            }
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

/// One test row's search through the product distances, fed a span at a time: it takes every
/// training row within the threshold set by the k smallest distances so far, which only falls.
#[derive(Default)]
struct Search {
    /// The k smallest distances so far, sorted.
    smallest: Vec<f64>,
    threshold: f64,
    /// The rounding margin E and γ of [`nearest`].
    margin: f64,
    gamma: f64,
    /// Training rows taken, with their product distances.
    taken: Vec<(f64, usize)>,
}

impl Search {
    fn start(&mut self, margin: f64, gamma: f64) {
        self.smallest.clear();
        self.taken.clear();
        self.threshold = f64::INFINITY;
        (self.margin, self.gamma) = (margin, gamma);
    }

    /// Take the rows `first..` whose distances `d` are within the threshold. Eight at a time
    /// are checked first (the compiler vectorises that): most eights lie wholly beyond it.
    fn scan(&mut self, first: usize, d: &[f64], k: usize) {
        const LANES: usize = 8;
        let chunks = d.chunks_exact(LANES);
        let rest = chunks.remainder();
        // with the machine's widest vectors
        pulp::Arch::new().dispatch(|| {
            for (c, chunk) in chunks.enumerate() {
                let low = chunk
                    .iter()
                    .fold(f64::INFINITY, |m, &v| if v < m { v } else { m });
                if low <= self.threshold {
                    self.admit(first + c * LANES, chunk, k);
                }
            }
        });
        self.admit(first + d.len() - rest.len(), rest, k);
    }

    /// Rare after the first few spans, so kept out of the scan's loop.
    #[cold]
    fn admit(&mut self, first: usize, d: &[f64], k: usize) {
        for (i, &v) in (first..).zip(d) {
            if v > self.threshold {
                continue;
            }
            self.taken.push((v, i));
            if self.smallest.len() < k || v < self.smallest[k - 1] {
                let at = self.smallest.partition_point(|&u| u <= v);
                self.smallest.insert(at, v);
                self.smallest.truncate(k);
                if self.smallest.len() == k {
                    // the k-th smallest plus the margin, itself rounded up
                    let kth = self.smallest[k - 1];
                    self.threshold = (kth + self.margin) * (1.0 + 4.0 * self.gamma) + self.margin;
                }
            }
        }
    }

    /// The rows within the final threshold (those taken before it settled may lie beyond).
    fn finish(&mut self) -> &mut Vec<(f64, usize)> {
        let threshold = self.threshold;
        self.taken.retain(|&(d, _)| d <= threshold);
        &mut self.taken
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
    /// [`squared_distance`] does, the k smallest by (distance, row).
    fn exhaustive(x: &Array2<f64>, row: ndarray::ArrayView1<f64>, k: usize) -> Vec<usize> {
        let mut all: Vec<(f64, usize)> = x
            .outer_iter()
            .enumerate()
            .map(|(i, t)| (squared_distance(row, t), i))
            .collect();
        all.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        all[..k].iter().map(|&(_, i)| i).collect()
    }

    #[test]
    fn a_search_fed_in_spans_takes_every_row_within_the_kth_smallest() {
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        let mut search = Search::default();
        for n in [1, 2, 7, 9, 100] {
            // few distinct values, so ties abound
            let d: Vec<f64> = (0..n).map(|_| rng.gen_range(0..5) as f64 - 2.0).collect();
            let mut sorted = d.clone();
            sorted.sort_by(f64::total_cmp);
            for k in 1..=n {
                // no margin: the threshold is the k-th smallest itself
                search.start(0.0, 0.0);
                let mut first = 0;
                while first < n {
                    let len = rng.gen_range(1..=12).min(n - first);
                    search.scan(first, &d[first..first + len], k);
                    first += len;
                }
                let mut taken: Vec<usize> = search.finish().iter().map(|&(_, i)| i).collect();
                taken.sort();
                let within: Vec<usize> = (0..n).filter(|&i| d[i] <= sorted[k - 1]).collect();
                assert_eq!(taken, within, "n {n}, k {k}");
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
            // several tiles with a partial last one; several spans of training rows (2,500)
            for (n, m, features, k) in [
                (60, 20, 3, 5),
                (200, 7, 1, 1),
                (40, 40, 10, 40),
                (2500, 13, 2, 3),
            ] {
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
