//! Gradient-boosted trees on binned features, scikit-learn's `HistGradientBoosting*` without
//! early stopping: each feature cut into at most `max_bins` quantile bins on the fold's
//! training rows, trees grown best-first to `max_leaf_nodes` leaves on gradient/hessian
//! histograms (Ke et al. 2017, "LightGBM"), split gain and leaf values of Chen & Guestrin
//! 2016 ("XGBoost", eq. 5 and 7), squared error for values and log loss (binary or softmax
//! over one tree per class) for classes. Everything runs in one thread in a fixed order, so a
//! fit is the same for any thread count; nothing is random, so the model seed is not used.
//! The loss's exponentials and logarithms come from the `libm` crate, the same bits on every
//! CPU: the C library picks an FMA variant at run time, and a last-bit change in a gradient
//! can move a near tie between two splits.

mod bins;
mod split;

use super::cart::partition;
use super::{argmax_rows, guard, Fitted, FoldData, FoldTrain, Model};
use crate::data::Task;
use crate::metric::Predictions;
use bins::{histogram, node_sums, subtract, Bin, Gathered, Sums, UnitSums};
use ndarray::ArrayView2;
use rand_chacha::ChaCha8Rng;
use split::{best_split, Split};

/// scikit-learn's floor on a child's summed hessian.
const MIN_HESSIAN: f64 = 1e-3;

/// Boosting settings (scikit-learn's names in brackets).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct BoostingSettings {
    /// Boosting rounds [`max_iter`].
    pub rounds: usize,
    pub learning_rate: f64,
    pub max_leaf_nodes: usize,
    pub max_depth: Option<usize>,
    pub min_samples_leaf: usize,
    /// L2 penalty on leaf values [`l2_regularization`].
    pub l2: f64,
    /// Bins per feature, at most 255.
    pub max_bins: usize,
}

/// Gradient boosting for classes or values.
pub(crate) struct BoostingModel {
    pub name: String,
    pub task: Task,
    pub settings: BoostingSettings,
}

impl Model for BoostingModel {
    super::basics!(task_field);
    fn gives_probabilities(&self) -> bool {
        true
    }
    fn fit_predict(&self, data: &FoldData, _rng: ChaCha8Rng) -> Result<Fitted, String> {
        guard(|| boost(&self.settings, data)).map(Fitted::from)
    }
}

/// The fold's training features cut into bins: codes for the histograms (see [`Codes`]) and
/// feature-major (a feature's codes side by side, for the partition, which reads one feature
/// of every row of a node), and per feature the thresholds (a value goes to bin i when
/// thresholds[i-1] < value ≤ thresholds[i]).
struct Binned {
    codes: Codes,
    columns: Vec<u8>,
    thresholds: Vec<Vec<f64>>,
    /// Histogram entries per feature: the most bins any feature has. A fixed stride spares the
    /// histogram a lookup of where each feature starts, per row and feature.
    stride: usize,
    rows: usize,
}

/// The codes as the histograms read them, in the layout that keeps the bins they add to in
/// the first-level cache.
enum Codes {
    /// A row's codes on every feature side by side, for histograms that fit in the cache: a
    /// pass over a node's rows fills every feature's bins, a row's gradient read once.
    Rows(Vec<u8>),
    /// Group k's codes of row r (features 4k to 4k + 3; 0 past the last feature) at
    /// `[k * rows + r]`, for histograms that do not fit (a 20-feature table's 255 bins each
    /// take 120 KB): a pass over a node's rows per group, whose bins (24 KB at most) do.
    Quads(Vec<[u8; 4]>),
}

/// The most bytes of histogram that [`Codes::Rows`] fills in one pass: a first-level cache
/// (counted in the larger kind of bin, [`Sums`], whichever kind a fit uses).
const ROWS_HISTOGRAM_BYTES: usize = 32 * 1024;

impl Binned {
    fn new(x: ArrayView2<f64>, max_bins: usize) -> Binned {
        let (rows, features) = x.dim();
        let mut columns = vec![0u8; rows * features];
        let mut sorted: Vec<(f64, u32)> = Vec::with_capacity(rows);
        let thresholds = x
            .columns()
            .into_iter()
            .enumerate()
            .map(|(f, column)| {
                // the column in order of value, each value with its row
                sorted.clear();
                sorted.extend(column.iter().zip(0..).map(|(&v, r)| (v, r)));
                sorted.sort_unstable_by(|a, b| a.0.total_cmp(&b.0));
                let values: Vec<f64> = sorted.iter().map(|&(v, _)| v).collect();
                let cuts = bin_thresholds(&values, max_bins);
                // a value's code is the number of cuts below it, which only grows along the
                // sorted column
                let mut code = 0;
                for &(v, r) in &sorted {
                    while code < cuts.len() && cuts[code] < v {
                        code += 1;
                    }
                    columns[f * rows + r as usize] = code as u8;
                }
                cuts
            })
            .collect::<Vec<Vec<f64>>>();
        let stride = thresholds.iter().map(|t| t.len() + 1).max().unwrap_or(1);
        let code = |f: usize, r: usize| columns[f * rows + r];
        let codes = if features * stride * std::mem::size_of::<Sums>() <= ROWS_HISTOGRAM_BYTES {
            Codes::Rows(
                (0..rows * features)
                    .map(|i| code(i % features, i / features))
                    .collect(),
            )
        } else {
            Codes::Quads(
                (0..features.div_ceil(4) * rows)
                    .map(|i| {
                        let (k, r) = (i / rows, i % rows);
                        std::array::from_fn(|l| {
                            let f = 4 * k + l;
                            if f < features {
                                code(f, r)
                            } else {
                                0
                            }
                        })
                    })
                    .collect(),
            )
        };
        Binned {
            codes,
            columns,
            thresholds,
            stride,
            rows,
        }
    }

    /// Entries of a histogram: a stride per feature, and per lane of a group of four
    /// features that has fewer.
    fn histogram_len(&self) -> usize {
        let features = self.thresholds.len();
        match self.codes {
            Codes::Rows(_) => features * self.stride,
            Codes::Quads(_) => features.div_ceil(4) * 4 * self.stride,
        }
    }

    /// Every row's bin on feature `f`.
    fn column(&self, f: usize) -> &[u8] {
        &self.columns[f * self.rows..(f + 1) * self.rows]
    }

    /// Feature `f`'s bins within a histogram.
    fn bins<'h, B: Bin>(&self, hist: &'h [B], f: usize) -> &'h [B] {
        let start = f * self.stride;
        &hist[start..start + self.thresholds[f].len() + 1]
    }
}

/// Bin thresholds of one feature, its values `sorted` ascending, as scikit-learn's
/// `_find_binning_thresholds`: midpoints between distinct values when there are at most
/// `max_bins` of them, otherwise the `averaged_inverted_cdf` quantiles at 1/max_bins,
/// 2/max_bins, … with duplicates removed.
fn bin_thresholds(sorted: &[f64], max_bins: usize) -> Vec<f64> {
    let mut distinct = sorted.to_vec();
    distinct.dedup();
    let mut cuts: Vec<f64> = if distinct.len() <= max_bins {
        distinct.windows(2).map(|w| (w[0] + w[1]) / 2.0).collect()
    } else {
        let n = sorted.len();
        (1..max_bins)
            .map(|k| {
                // the k/max_bins quantile: x[j] when n·k/max_bins is not whole, else the mean
                // of x[j-1] and x[j] (Hyndman & Fan 1996, definition 2)
                let j = n * k / max_bins;
                if (n * k).is_multiple_of(max_bins) {
                    (sorted[j - 1] + sorted[j]) / 2.0
                } else {
                    sorted[j]
                }
            })
            .collect()
    };
    cuts.dedup();
    cuts
}

/// A node of a grown tree: a split sends rows with `x[feature] ≤ threshold` to `next[0]`, the
/// others to `next[1]`; a leaf holds a value and is its own next either way, so a walk may
/// step on from it without a branch.
#[derive(Debug, Clone, Copy)]
struct Node {
    feature: usize,
    threshold: f64,
    next: [usize; 2],
    value: f64,
}

impl Node {
    /// A leaf at position `at` of its tree.
    fn leaf(at: usize, value: f64) -> Node {
        Node {
            feature: 0,
            threshold: f64::INFINITY,
            next: [at, at],
            value,
        }
    }

    /// A split's children are two new nodes; a leaf's next is itself twice.
    fn is_leaf(&self) -> bool {
        self.next[0] == self.next[1]
    }

    fn step(&self, row: &[f64]) -> usize {
        self.next[if row[self.feature] <= self.threshold {
            0
        } else {
            1
        }]
    }
}

/// Rows predicted together by [`leaf_values`].
const WALKS: usize = 8;

/// The leaf value `tree` gives each of `rows`. The rows walk down side by side, a step each
/// until all are at leaves: one row's walk is a chain of loads that each wait on the one
/// before, and several walks at once overlap their waits.
fn leaf_values<const B: usize>(tree: &[Node], rows: &[&[f64]; B]) -> [f64; B] {
    let mut at = [0usize; B];
    while at.iter().any(|&a| !tree[a].is_leaf()) {
        for (a, row) in at.iter_mut().zip(rows) {
            *a = tree[*a].step(row);
        }
    }
    at.map(|a| tree[a].value)
}

/// A node still open during growth: its rows (a range of the shared row order), sums,
/// histogram and best split.
struct Open<B> {
    node: usize,
    range: (usize, usize),
    depth: usize,
    sums: Sums,
    hist: Vec<B>,
    split: Option<Split>,
}

/// Grow one tree best-first (scikit-learn's `TreeGrower`): split the open node of largest gain
/// until `max_leaf_nodes` leaves; the smaller child's histogram is built, the larger one's is
/// the parent's minus it, each only when a child may still be split (a small node's histogram
/// costs a pass over every bin of every feature, however few its rows). Leaf values are
/// −shrinkage·G/(H+λ); each training row's leaf value is written to `fitted`, so the caller
/// updates its predictions without walking the tree. Histograms no longer needed go to `spare`
/// for the next node or tree.
fn grow<B: Bin>(
    binned: &Binned,
    gh: (&[f64], &[f64]),
    s: &BoostingSettings,
    spare: &mut Vec<Vec<B>>,
    fitted: &mut [f64],
) -> Vec<Node> {
    let mut order: Vec<usize> = (0..binned.rows).collect();
    let mut scratch = Vec::with_capacity(binned.rows);
    let mut gathered = Gathered::default();
    // whether a node at `depth` with `sums` may be split: deep enough, rows and hessian enough
    // for two children
    let splittable = |depth: usize, sums: Sums| {
        s.max_depth.is_none_or(|d| depth < d)
            && sums.n >= 2 * s.min_samples_leaf
            && sums.h >= 2.0 * MIN_HESSIAN
    };
    // an open node with its best split, if it may be split (only then has it a histogram)
    let open = |node, range, depth, sums: Sums, hist: Vec<B>| {
        let split = (!hist.is_empty())
            .then(|| best_split(&hist, sums, binned, s))
            .flatten();
        Open {
            node,
            range,
            depth,
            sums,
            hist,
            split,
        }
    };
    let root = node_sums(&order, gh.0, gh.1);
    let mut hist = Vec::new();
    if splittable(0, root) {
        hist = spare.pop().unwrap_or_default();
        histogram(binned, &order, gh, &mut gathered, &mut hist);
    }
    let mut tree = vec![Node::leaf(0, 0.0)];
    let mut frontier = vec![open(0, (0, binned.rows), 0, root, hist)];
    let mut leaves = 1;
    while leaves < s.max_leaf_nodes {
        // the first open node of largest gain, in order of creation
        let Some(pick) = frontier
            .iter()
            .enumerate()
            .filter_map(|(i, o)| o.split.map(|sp| (i, sp.gain)))
            .fold(None, |best: Option<(usize, f64)>, (i, gain)| match best {
                Some((_, b)) if b >= gain => best,
                _ => Some((i, gain)),
            })
            .map(|(i, _)| i)
        else {
            break;
        };
        let Open {
            node,
            range: (start, end),
            depth,
            sums,
            hist: mut large,
            split,
        } = frontier.remove(pick);
        let split = split.expect("picked nodes have a split");
        let column = binned.column(split.feature);
        let mid = start
            + partition(&mut order[start..end], &mut scratch, |r| {
                column[r] as usize <= split.bin
            });
        let right_sums = sums.minus(split.left);
        // a child's histogram serves only its own split search, and the larger child's comes
        // from the smaller one's: neither is built for a child that may not be split, and
        // after the last split none may
        let last = leaves + 1 == s.max_leaf_nodes;
        let left_is_small = mid - start <= end - mid;
        let (small_rows, small_sums, large_sums) = if left_is_small {
            (start..mid, split.left, right_sums)
        } else {
            (mid..end, right_sums, split.left)
        };
        let small_splits = !last && splittable(depth + 1, small_sums);
        let large_splits = !last && splittable(depth + 1, large_sums);
        let mut small = Vec::new();
        if small_splits || large_splits {
            small = spare.pop().unwrap_or_default();
            histogram(binned, &order[small_rows], gh, &mut gathered, &mut small);
        }
        if large_splits {
            subtract(&mut large, &small);
        } else {
            spare.push(std::mem::take(&mut large));
        }
        if !small_splits && !small.is_empty() {
            spare.push(std::mem::take(&mut small));
        }
        let (left_hist, right_hist) = if left_is_small {
            (small, large)
        } else {
            (large, small)
        };
        let (left, right) = (tree.len(), tree.len() + 1);
        tree[node] = Node {
            feature: split.feature,
            threshold: binned.thresholds[split.feature][split.bin],
            next: [left, right],
            value: 0.0,
        };
        tree.extend([Node::leaf(left, 0.0), Node::leaf(right, 0.0)]);
        frontier.push(open(left, (start, mid), depth + 1, split.left, left_hist));
        frontier.push(open(right, (mid, end), depth + 1, right_sums, right_hist));
        leaves += 1;
        // a node with no split to make needs its histogram no more
        for o in frontier.iter_mut().filter(|o| o.split.is_none()) {
            if !o.hist.is_empty() {
                spare.push(std::mem::take(&mut o.hist));
            }
        }
    }
    // what is still open is a leaf
    for o in frontier {
        let value = -s.learning_rate * o.sums.g / (o.sums.h + s.l2 + f64::EPSILON);
        tree[o.node] = Node::leaf(o.node, value);
        for &r in &order[o.range.0..o.range.1] {
            fitted[r] = value;
        }
        if !o.hist.is_empty() {
            spare.push(o.hist);
        }
    }
    tree
}

/// Boost on the fold: start from the loss's best constant, then each round fit one tree per
/// output to the loss's gradients and hessians at the current raw predictions.
fn boost(s: &BoostingSettings, data: &FoldData) -> Result<Predictions, String> {
    let (x, targets, classes) = match &data.train {
        FoldTrain::Values(t) => (t.records.view(), t.targets.to_vec(), None),
        FoldTrain::Classes(t, k) => (
            t.records.view(),
            t.targets.iter().map(|&c| c as f64).collect(),
            Some(*k),
        ),
    };
    let n = x.nrows();
    if n == 0 {
        return Err("no training rows".into());
    }
    let binned = Binned::new(x, s.max_bins);
    // outputs: 1 for values and two classes, one per class beyond
    let width = match classes {
        Some(k) if k > 2 => k,
        _ => 1,
    };
    let start = baseline(&targets, classes);
    let mut raw: Vec<f64> = (0..n).flat_map(|_| start.iter().copied()).collect();
    let forest = match classes {
        // squared error's hessians are all 1
        None => grow_rounds::<UnitSums>(s, &binned, &targets, classes, &mut raw)?,
        Some(_) => grow_rounds::<Sums>(s, &binned, &targets, classes, &mut raw)?,
    };
    // each test row adds its trees' values in the order they were grown, WALKS rows at a time
    // (the last block padded with its own last row)
    let x_test = data.x_test.as_standard_layout();
    let test_rows: Vec<&[f64]> = x_test
        .rows()
        .into_iter()
        .map(|r| r.to_slice().expect("standard layout"))
        .collect();
    let mut out: Vec<f64> = start.repeat(test_rows.len());
    for (block, sums) in test_rows.chunks(WALKS).zip(out.chunks_mut(WALKS * width)) {
        let rows: [&[f64]; WALKS] = std::array::from_fn(|i| block[i.min(block.len() - 1)]);
        for trees in &forest {
            for (k, tree) in trees.iter().enumerate() {
                let values = leaf_values(tree, &rows);
                for (row, v) in sums.chunks_mut(width).zip(values) {
                    row[k] += v;
                }
            }
        }
    }
    Ok(match classes {
        None => Predictions::Values(out),
        Some(k) => {
            let probabilities: Vec<f64> = if width == 1 {
                out.iter()
                    .flat_map(|&r| {
                        let p = sigmoid(r);
                        [1.0 - p, p]
                    })
                    .collect()
            } else {
                out.chunks(k).flat_map(softmax).collect()
            };
            Predictions::Classes {
                labels: argmax_rows(&probabilities, k),
                probabilities: Some(probabilities),
            }
        }
    })
}

/// Each round's trees, one per output (`raw`'s row width), grown on the loss's gradients and
/// hessians at the raw predictions `raw` and added to them; histograms in bins of kind `B`.
fn grow_rounds<B: Bin>(
    s: &BoostingSettings,
    binned: &Binned,
    targets: &[f64],
    classes: Option<usize>,
    raw: &mut [f64],
) -> Result<Vec<Vec<Vec<Node>>>, String> {
    let n = targets.len();
    let width = raw.len() / n;
    let mut forest = Vec::with_capacity(s.rounds);
    let (mut g, mut h) = (vec![vec![0.0; n]; width], vec![vec![0.0; n]; width]);
    let mut spare: Vec<Vec<B>> = Vec::new();
    let mut fitted = vec![0.0; n];
    for _ in 0..s.rounds {
        super::cancel::check()?;
        gradients(raw, targets, classes, &mut g, &mut h);
        let mut trees = Vec::with_capacity(width);
        for k in 0..width {
            trees.push(grow(binned, (&g[k], &h[k]), s, &mut spare, &mut fitted));
            for (i, v) in fitted.iter().enumerate() {
                raw[i * width + k] += v;
            }
        }
        forest.push(trees);
    }
    Ok(forest)
}

/// The best constant raw prediction: the mean for values; the log-odds of class 1 for two
/// classes; log class shares for more (shares clipped to [ε, 1−ε], as scikit-learn).
fn baseline(targets: &[f64], classes: Option<usize>) -> Vec<f64> {
    let n = targets.len() as f64;
    let share = |c: usize| {
        let count = targets.iter().filter(|&&t| t == c as f64).count() as f64;
        (count / n).clamp(f64::EPSILON, 1.0 - f64::EPSILON)
    };
    match classes {
        None => vec![targets.iter().sum::<f64>() / n],
        Some(k) if k <= 2 => {
            let p = share(1);
            vec![libm::log(p / (1.0 - p))]
        }
        Some(k) => (0..k).map(|c| libm::log(share(c))).collect(),
    }
}

/// Gradients and hessians of the loss at `raw` (row-major, one column per output): squared
/// error g = raw − y, h = 1; binary log loss g = p − y, h = p(1 − p); softmax per class alike.
fn gradients(
    raw: &[f64],
    targets: &[f64],
    classes: Option<usize>,
    g: &mut [Vec<f64>],
    h: &mut [Vec<f64>],
) {
    let width = g.len();
    for (i, (&y, r)) in targets.iter().zip(raw.chunks(width)).enumerate() {
        match classes {
            None => {
                g[0][i] = r[0] - y;
                h[0][i] = 1.0;
            }
            Some(k) if k <= 2 => {
                let p = sigmoid(r[0]);
                g[0][i] = p - y;
                h[0][i] = p * (1.0 - p);
            }
            Some(_) => {
                for (c, p) in softmax(r).into_iter().enumerate() {
                    g[c][i] = p - f64::from(u8::from(y == c as f64));
                    h[c][i] = p * (1.0 - p);
                }
            }
        }
    }
}

fn sigmoid(r: f64) -> f64 {
    1.0 / (1.0 + libm::exp(-r))
}

/// Softmax with the largest value subtracted, so no term overflows.
fn softmax(r: &[f64]) -> Vec<f64> {
    let top = r.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let e: Vec<f64> = r.iter().map(|v| libm::exp(v - top)).collect();
    let total: f64 = e.iter().sum();
    e.iter().map(|v| v / total).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::Array2;

    #[test]
    fn few_distinct_values_cut_at_midpoints_many_at_quantiles() {
        assert_eq!(bin_thresholds(&[1.0, 1.0, 2.0, 3.0], 255), vec![1.5, 2.5]);
        // 8 values into 4 bins: n·k/4 is whole for every k, so each cut is a mean of neighbours
        let v: Vec<f64> = (0..8).map(f64::from).collect();
        assert_eq!(bin_thresholds(&v, 4), vec![1.5, 3.5, 5.5]);
        // 7 values into 3 bins: 7/3 and 14/3 are not whole, so the cut is a value itself
        let v: Vec<f64> = (0..7).map(f64::from).collect();
        assert_eq!(bin_thresholds(&v, 3), vec![2.0, 4.0]);
    }

    #[test]
    fn a_code_counts_the_cuts_below_its_value() {
        // ties, both zeros, few and many distinct values, in no order
        let x = Array2::from_shape_fn((300, 3), |(i, j)| match j {
            0 => [3.0, -0.0, 0.0, 1.0, -2.5][i * 7 % 5],
            1 => ((i * 37 % 101) as f64 - 50.0) / 3.0,
            _ => (i * i % 13) as f64,
        });
        for max_bins in [4, 16, 255] {
            let binned = Binned::new(x.view(), max_bins);
            for (f, cuts) in binned.thresholds.iter().enumerate() {
                for (r, &v) in x.column(f).iter().enumerate() {
                    let code = cuts.partition_point(|&t| t < v) as u8;
                    assert_eq!(binned.column(f)[r], code, "feature {f}, row {r}");
                    let layout = match &binned.codes {
                        Codes::Rows(codes) => codes[r * binned.thresholds.len() + f],
                        Codes::Quads(quads) => quads[f / 4 * binned.rows + r][f % 4],
                    };
                    assert_eq!(layout, code, "feature {f}, row {r}");
                }
            }
        }
    }

    #[test]
    fn unit_bins_grow_the_trees_of_full_bins() {
        // squared error's gradients on ties, few and many values; small and large leaves
        let x = Array2::from_shape_fn((600, 5), |(i, j)| match j {
            0 => (i % 3) as f64,
            1 => (i * 37 % 101) as f64,
            2 => ((i * i) % 613) as f64 / 7.0,
            _ => ((i * (j + 11)) % 600) as f64,
        });
        let binned = Binned::new(x.view(), 255);
        let g: Vec<f64> = (0..600)
            .map(|i| x[[i, 1]].sin() * 3.0 + x[[i, 0]] - 1e-9 * x[[i, 2]])
            .collect();
        let h = vec![1.0; 600];
        let mut splits = 0;
        for (min_samples_leaf, l2, max_depth) in
            [(1, 0.0, None), (5, 1.0, None), (40, 0.0, Some(3))]
        {
            let s = BoostingSettings {
                rounds: 1,
                learning_rate: 0.1,
                max_leaf_nodes: 31,
                max_depth,
                min_samples_leaf,
                l2,
                max_bins: 255,
            };
            let mut fitted = [vec![0.0; 600], vec![0.0; 600]];
            let trees = [
                grow::<UnitSums>(&binned, (&g, &h), &s, &mut Vec::new(), &mut fitted[0]),
                grow::<Sums>(&binned, (&g, &h), &s, &mut Vec::new(), &mut fitted[1]),
            ];
            let bits = |tree: &[Node]| -> Vec<(usize, u64, [usize; 2], u64)> {
                tree.iter()
                    .map(|n| (n.feature, n.threshold.to_bits(), n.next, n.value.to_bits()))
                    .collect()
            };
            assert_eq!(bits(&trees[0]), bits(&trees[1]), "{s:?}");
            let [unit, full] = fitted.map(|f| f.iter().map(|v| v.to_bits()).collect::<Vec<_>>());
            assert_eq!(unit, full, "{s:?}");
            splits += trees[0].iter().filter(|n| !n.is_leaf()).count();
        }
        assert!(splits > 30, "only {splits} splits");
    }

    #[test]
    fn leaves_respect_min_samples_and_count() {
        let x = Array2::from_shape_fn((100, 1), |(i, _)| i as f64);
        let binned = Binned::new(x.view(), 255);
        let g: Vec<f64> = (0..100).map(|i| if i < 50 { -1.0 } else { 1.0 }).collect();
        let h = vec![1.0; 100];
        let s = BoostingSettings {
            rounds: 1,
            learning_rate: 1.0,
            max_leaf_nodes: 31,
            max_depth: None,
            min_samples_leaf: 20,
            l2: 0.0,
            max_bins: 255,
        };
        let mut fitted = vec![0.0; 100];
        let tree = grow::<Sums>(&binned, (&g, &h), &s, &mut Vec::new(), &mut fitted);
        assert_eq!(
            fitted[10], 1.0,
            "a training row's leaf value is handed back"
        );
        let leaves: Vec<f64> = tree
            .iter()
            .filter(|n| n.is_leaf())
            .map(|n| n.value)
            .collect();
        // one split at 49.5 takes all the gain; the children's gradients are constant
        assert!(!tree[0].is_leaf() && tree[0].threshold == 49.5);
        assert_eq!(leaves.len(), 2, "{leaves:?}");
        assert!((leaf_values(&tree, &[&[10.0]])[0] - 1.0).abs() < 1e-12);
        assert!((leaf_values(&tree, &[&[90.0]])[0] + 1.0).abs() < 1e-12);
    }

    #[test]
    fn rows_walked_side_by_side_reach_the_leaves_of_lone_walks() {
        // a deep, lopsided tree: the gradient rises in steps along the first feature and
        // flips with the second, so leaves sit at many depths
        let x = Array2::from_shape_fn((400, 2), |(i, j)| {
            if j == 0 {
                (i * i % 97) as f64
            } else {
                (i % 3) as f64
            }
        });
        let binned = Binned::new(x.view(), 255);
        let g: Vec<f64> = (0..400)
            .map(|i| x[[i, 0]].sqrt() * if x[[i, 1]] > 0.0 { 1.0 } else { -2.0 })
            .collect();
        let s = BoostingSettings {
            rounds: 1,
            learning_rate: 1.0,
            max_leaf_nodes: 31,
            max_depth: None,
            min_samples_leaf: 3,
            l2: 0.0,
            max_bins: 255,
        };
        let mut fitted = vec![0.0; 400];
        let tree = grow::<UnitSums>(
            &binned,
            (&g, &vec![1.0; 400]),
            &s,
            &mut Vec::new(),
            &mut fitted,
        );
        let rows: Vec<Vec<f64>> = x.outer_iter().map(|r| r.to_vec()).collect();
        let mut depths = std::collections::BTreeSet::new();
        for block in rows.chunks(WALKS) {
            let block: [&[f64]; WALKS] = std::array::from_fn(|i| block[i].as_slice());
            let together = leaf_values(&tree, &block);
            for (row, value) in block.iter().zip(together) {
                let (mut at, mut depth) = (0, 0);
                while !tree[at].is_leaf() {
                    at = tree[at].step(row);
                    depth += 1;
                }
                depths.insert(depth);
                assert_eq!(value.to_bits(), tree[at].value.to_bits());
                assert_eq!(value.to_bits(), leaf_values(&tree, &[*row])[0].to_bits());
            }
        }
        assert!(depths.len() >= 3, "leaves at depths {depths:?}");
    }
}
