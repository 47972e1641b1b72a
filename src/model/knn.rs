//! k-nearest neighbours by exhaustive search (scikit-learn's `KNeighbors*` with
//! `algorithm="brute"`, Euclidean distance, uniform weights): the k training rows nearest to a
//! test row, ties in distance broken by training-row order so the neighbours are always the
//! same; classes get the neighbours' shares as probabilities, values their mean.

use super::distances::{squared_distance, BoundRows, BOUND_BLOCK, TILE};
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

/// Training rows per span of the bound kernel: a span's distances for a tile of test rows
/// (6 × 1,024 × 4 bytes = 24 KiB) are read back from the cache they were written to.
const SPAN: usize = 1024;

/// Tiles of test rows that pass over each span in turn: the span's packed rows (80 KiB at 20
/// features) are then read from the second-level cache by all of them, where one tile at a
/// time streamed the whole training set from memory for every six test rows.
const TILES_PER_GROUP: usize = 16;

/// The k nearest training rows of every test row, nearest first (ties in distance by training
/// row order), handed to `each` in test-row order; `largest` is the largest magnitude among
/// the values of `x` and `x_test` ([`largest_magnitude`]).
///
/// Distances come first from float32 products, ‖a‖² + ‖b‖² − 2a·b (see [`BoundRows`]), on
/// the rows scaled by a power of two to magnitudes of at most 1. They are fast but round: the
/// inputs' rounding to float32 moves a squared distance by at most 4u(1+u)(‖a‖² + ‖b‖²) and
/// the products' arithmetic by γ_{d+2}·2(‖a‖² + ‖b‖²) (Higham 2002, §3.1), with u = 2⁻²⁴;
/// the margin E = (d + 4)·2u·2(‖a‖² + max ‖b‖²) covers both with room to spare, plus terms
/// for values that underflow float32's normal range and for the exact float64 sums' own
/// underflow (where tiny rows tie at 0 there, they must be candidates here too). Every
/// training row whose product distance is within the k-th smallest plus that margin is a
/// candidate, and the candidates' distances are then summed exactly in float64 as
/// [`squared_distance`] does, so the neighbours are those of the exhaustive search, bit for
/// bit.
fn nearest(
    x: &Array2<f64>,
    x_test: &Array2<f64>,
    largest: f64,
    k: usize,
    mut each: impl FnMut(&[usize]) -> Result<(), String>,
) -> Result<(), String> {
    let scale = bound_scale(largest);
    let packed = BoundRows::new(x.view(), scale);
    let features = x.ncols();
    let relative = (features as f64 + 4.0) * f64::from(f32::EPSILON) * 2.0;
    // float32's smallest normal number for each rounding that may fall below it, and the
    // exact sums' own underflow (float64's smallest step per term, in scaled units)
    let underflow = (4.0 * features as f64 + 16.0) * f64::from(f32::MIN_POSITIVE)
        + (features as f64 + 2.0) * f64::from_bits(1) * scale * scale;
    // the rounding of the threshold's own arithmetic, in float64
    let gamma = (features as f64 + 2.0) * f64::EPSILON;
    const GROUP_ROWS: usize = TILE * TILES_PER_GROUP;
    let mut searches: Vec<Search> = (0..GROUP_ROWS).map(|_| Search::default()).collect();
    // each tile's scaled rows feature by feature, and their squared norms
    let mut tiles = vec![0.0f32; GROUP_ROWS * features];
    let mut owns = [[0.0f32; TILE]; TILES_PER_GROUP];
    let mut out = vec![0.0f32; TILE * SPAN];
    let mut near: Vec<usize> = Vec::with_capacity(k);
    for start in (0..x_test.nrows()).step_by(GROUP_ROWS) {
        super::cancel::check()?;
        let rows = x_test.slice(s![start..(start + GROUP_ROWS).min(x_test.nrows()), ..]);
        tiles.fill(0.0);
        for (i, row) in rows.outer_iter().enumerate() {
            let (t, r) = (i / TILE, i % TILE);
            let mut own = 0.0;
            for (f, &v) in row.iter().enumerate() {
                tiles[(t * features + f) * TILE + r] = (v * scale) as f32;
                own += (v * scale) * (v * scale);
            }
            owns[t][r] = own as f32;
            let margin = relative * (own + packed.widest()) + underflow;
            searches[i].start(margin, gamma);
        }
        let tile_count = rows.nrows().div_ceil(TILE);
        for first in (0..packed.rows()).step_by(SPAN) {
            let span = first..(first + SPAN).min(packed.rows());
            let width = span.len().div_ceil(BOUND_BLOCK) * BOUND_BLOCK;
            for t in 0..tile_count {
                let tile = &tiles[t * TILE * features..(t + 1) * TILE * features];
                packed.distances(tile, &owns[t], span.clone(), &mut out);
                let in_tile = (rows.nrows() - t * TILE).min(TILE);
                for (r, search) in searches[t * TILE..t * TILE + in_tile]
                    .iter_mut()
                    .enumerate()
                {
                    search.scan(first, &out[r * width..r * width + span.len()], k);
                }
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

/// The largest magnitude among the values of `x` and `x_test`.
fn largest_magnitude(x: &Array2<f64>, x_test: &Array2<f64>) -> f64 {
    x.iter().chain(x_test).fold(0.0f64, |m, v| m.max(v.abs()))
}

/// The power of two that brings the `largest` magnitude of the values to 1 or below (to
/// within float64's rounding of its logarithm; 1 when every value is 0): no square of a
/// scaled value overflows float32.
fn bound_scale(largest: f64) -> f64 {
    if largest > 0.0 && largest.is_finite() {
        unit_scale(largest)
    } else {
        1.0
    }
}

/// 2^−⌈log₂ largest⌉ for a positive, finite `largest`, exactly: the power of two that brings
/// it to 1 or below (at most 2^1023, for the tiniest). `2f64.powi(-1024)` is 0, as it divides
/// by 2^1024, which overflows.
fn unit_scale(largest: f64) -> f64 {
    libm::ldexp(1.0, -(largest.log2().ceil() as i32).max(-1023))
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
    /// are checked first, as one vector comparison: most eights lie wholly beyond it. Before
    /// k rows are found (no threshold yet) every eight is admitted.
    fn scan(&mut self, first: usize, d: &[f32], k: usize) {
        const LANES: usize = 8;
        let chunks = d.chunks_exact(LANES);
        let rest = chunks.remainder();
        // with the machine's widest vectors
        pulp::Arch::new().dispatch(|| {
            for (c, chunk) in chunks.enumerate() {
                let t = self.threshold;
                let within = chunk
                    .iter()
                    .fold(false, |hit, &v| hit | (f64::from(v) <= t));
                if within || t == f64::INFINITY {
                    self.admit(first + c * LANES, chunk, k);
                }
            }
        });
        self.admit(first + d.len() - rest.len(), rest, k);
    }

    /// Rare after the first few spans, so kept out of the scan's loop.
    #[cold]
    fn admit(&mut self, first: usize, d: &[f32], k: usize) {
        for (i, v) in (first..).zip(d.iter().map(|&v| f64::from(v))) {
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
fn overflow_scale(largest: f64) -> f64 {
    if largest.is_finite() && largest > 2f64.powi(500) {
        unit_scale(largest)
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
        // features beyond 2^500 are scaled (exactly, the largest magnitude with them) in a
        // copy; the usual fold is not copied
        let largest = largest_magnitude(x, &data.x_test);
        let scale = overflow_scale(largest);
        let largest = largest * scale;
        let scaled = (scale != 1.0).then(|| (x * scale, &data.x_test * scale));
        let (x, x_test) = match &scaled {
            Some((x, x_test)) => (x, x_test),
            None => (x, &data.x_test),
        };
        guard(|| {
            Ok(match &data.train {
                FoldTrain::Values(t) => {
                    let mut values = Vec::with_capacity(x_test.nrows());
                    nearest(x, x_test, largest, self.k, |near| {
                        values
                            .push(near.iter().map(|&i| t.targets[i]).sum::<f64>() / self.k as f64);
                        Ok(())
                    })?;
                    Predictions::Values(values)
                }
                FoldTrain::Classes(t, k) => {
                    let mut shares = vec![0.0; x_test.nrows() * k];
                    let mut out = shares.chunks_mut(*k);
                    nearest(x, x_test, largest, self.k, |near| {
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
    fn scales_bring_the_largest_magnitude_to_one_or_below() {
        // beyond 2^1023 the power of two is subnormal; below 2^-1023 it is capped
        for largest in [
            1.5 * 2f64.powi(501),
            1e308,
            f64::MAX,
            3.0,
            1.0,
            0.75,
            1e-300,
        ] {
            let scaled = largest * bound_scale(largest);
            assert!((0.5..=1.0).contains(&scaled), "bounds, {largest:e}");
        }
        for largest in [1.5 * 2f64.powi(501), 1e308, f64::MAX] {
            // as at run time: a constant argument lets the compiler fold `powi` exactly
            let largest = std::hint::black_box(largest);
            let scaled = largest * overflow_scale(largest);
            assert!((0.5..=1.0).contains(&scaled), "overflow, {largest:e}");
        }
        assert_eq!(overflow_scale(1e150), 1.0);
        assert_eq!(bound_scale(f64::from_bits(1)), 2f64.powi(1023));
    }

    #[test]
    fn a_search_fed_in_spans_takes_every_row_within_the_kth_smallest() {
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        let mut search = Search::default();
        for n in [1, 2, 7, 9, 100] {
            // few distinct values, so ties abound
            let d: Vec<f32> = (0..n).map(|_| rng.gen_range(0..5) as f32 - 2.0).collect();
            let mut sorted = d.clone();
            sorted.sort_by(f32::total_cmp);
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
        // float32 bounds: tiny values (scaled up; at 1e-160 the exact float64 squares are
        // subnormal, which float64 bounds without an underflow term missed), magnitudes
        // spread so far that most fall below float32's normal range once the largest is 1,
        // values differing beyond float32's precision, and rows whose squares fall to
        // float32's subnormal numbers
        let cases: [fn(&mut ChaCha8Rng) -> f64; 9] = [
            |r| 1e8 + r.gen_range(0.0..1e-3),
            |r| r.gen_range(0..3) as f64,
            |r| r.gen_range(-1.0..1.0),
            |r| if r.gen_bool(0.5) { 1e150 } else { -1e150 } * r.gen_range(0.5..1.0),
            |r| r.gen_range(-1.0..1.0) * 1e-200,
            |r| r.gen_range(-1.0..1.0) * 1e-160,
            |r| r.gen_range(-1.0..1.0) * 10f64.powi(r.gen_range(-60..2)),
            |r| 1.0 + r.gen_range(0.0..1e-5),
            |r| {
                if r.gen_bool(0.01) {
                    1.0
                } else {
                    r.gen_range(-1.0..1.0) * 1e-22
                }
            },
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
                let largest = largest_magnitude(&x, &x_test);
                nearest(&x, &x_test, largest, k, |near| {
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
