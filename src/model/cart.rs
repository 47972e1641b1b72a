//! seedfold's own CART (Breiman et al. 1984), grown the way scikit-learn's `DecisionTree*` and
//! `RandomForest*` grow theirs, so that a tree scores like its scikit-learn twin:
//!
//! - every distinct value of a feature among the node's own rows is a candidate threshold
//!   (midway between neighbours; values closer than [`FEATURE_THRESHOLD`] count as equal, as in
//!   scikit-learn's `_splitter.pyx`);
//! - the split maximises the impurity decrease (Gini or entropy for classes, squared error for
//!   values), honouring `min_samples_split`, `min_samples_leaf` and `max_depth`;
//! - `max_features` features are drawn **per split**, and more are drawn while all drawn so
//!   far are constant in the node (scikit-learn's rule);
//! - ties go to the first candidate in feature order (the drawn order when features are
//!   sampled), then to the smallest threshold: deterministic for a given seed;
//! - rows carry integer weights (a bootstrap's draw counts), so a forest needs no row copies.

use crate::rng;
use ndarray::{Array2, ArrayView2};
use rand::RngCore;

/// Feature values closer than this are one value (scikit-learn's `FEATURE_THRESHOLD`).
pub const FEATURE_THRESHOLD: f64 = 1e-7;

/// How a split's quality is measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Criterion {
    /// Gini impurity, 1 − Σ p².
    Gini,
    /// Shannon entropy, −Σ p ln p.
    Entropy,
    /// Variance of the target (regression).
    SquaredError,
}

/// How many features each split considers.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum MaxFeatures {
    /// Every feature.
    All,
    /// ⌊√d⌋ (at least 1).
    Sqrt,
    /// ⌊log₂ d⌋ (at least 1).
    Log2,
    /// ⌊share · d⌋ (at least 1), share in (0, 1].
    Share(f64),
    /// A fixed count (at most d).
    Count(usize),
}

impl MaxFeatures {
    /// The number of features a split draws out of `d`.
    pub fn of(self, d: usize) -> usize {
        let n = match self {
            MaxFeatures::All => d,
            MaxFeatures::Sqrt => (d as f64).sqrt() as usize,
            MaxFeatures::Log2 => (d as f64).log2() as usize,
            MaxFeatures::Share(s) => (s * d as f64) as usize,
            MaxFeatures::Count(c) => c,
        };
        n.clamp(1, d.max(1))
    }
}

/// Settings of one tree.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TreeParams {
    /// Split quality.
    pub criterion: Criterion,
    /// Deepest level (root = 0); `None` = grow until leaves are pure or too small.
    pub max_depth: Option<usize>,
    /// Rows a node needs to be split.
    pub min_samples_split: usize,
    /// Rows each child must keep.
    pub min_samples_leaf: usize,
    /// Features considered per split.
    pub max_features: MaxFeatures,
}

/// The target a tree is grown on.
#[derive(Debug, Clone, Copy)]
pub enum Labels<'a> {
    /// Class indices below the class count.
    Classes(&'a [usize], usize),
    /// Real values.
    Values(&'a [f64]),
}

impl Labels<'_> {
    /// Values a leaf stores: class shares, or the mean.
    fn width(&self) -> usize {
        match self {
            Labels::Classes(_, k) => *k,
            Labels::Values(_) => 1,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Node {
    Split {
        feature: usize,
        threshold: f64,
        left: usize,
        right: usize,
    },
    /// Offset of the leaf's values in `Tree::leaves`.
    Leaf(usize),
}

/// A grown tree: predicts class shares (classification) or a value (regression) per row.
#[derive(Debug, Clone, PartialEq)]
pub struct Tree {
    nodes: Vec<Node>,
    leaves: Vec<f64>,
    width: usize,
}

/// A row and its value on one feature. A node's rows sorted by a feature are read in order,
/// value beside row, so the scan of a large node does not fetch each value from the column by
/// its row (a cache miss a row).
#[derive(Debug, Clone, Copy, Default)]
struct Entry {
    value: f64,
    row: usize,
}

/// A fold's training features laid out for growing trees, once for all the trees of a forest:
/// column by column (a node reads a feature at a time) and, when most features are tried at
/// each split, every feature's rows sorted by (value, row).
pub struct Features {
    columns: Array2<f64>,
    /// Per feature, every row in (value, row) order; empty when features are sorted per node.
    sorted: Vec<Vec<Entry>>,
    draw: usize,
}

impl Features {
    /// The features of `x` (rows × features) for trees grown with `params`.
    pub fn new(x: ArrayView2<f64>, params: &TreeParams) -> Features {
        let columns = x.t().as_standard_layout().into_owned();
        let draw = params.max_features.of(x.ncols());
        // when most features are tried at each split, a split partitions every feature's
        // sorted list stably, so every node's rows stay sorted on every feature without sorting
        // again; when few are drawn, sorting just those at each node is cheaper than keeping
        // every list in order
        let sorted = if 2 * draw >= x.ncols() {
            columns
                .rows()
                .into_iter()
                .map(|column| {
                    let column = column
                        .as_slice()
                        .expect("standard layout rows are contiguous");
                    let mut entries: Vec<Entry> = column
                        .iter()
                        .enumerate()
                        .map(|(row, &value)| Entry { value, row })
                        .collect();
                    sort_by_value(&mut entries);
                    entries
                })
                .collect()
        } else {
            Vec::new()
        };
        Features {
            columns,
            sorted,
            draw,
        }
    }
}

impl Tree {
    /// Grow a tree on the rows of `features` with non-zero `weights` (`None` = every row
    /// once); `rng` draws the features of each split when `max_features` is below the feature
    /// count.
    pub fn grow<'a>(
        params: &'a TreeParams,
        features: &'a Features,
        labels: Labels<'a>,
        weights: Option<&'a [u32]>,
        rng: &mut impl RngCore,
    ) -> Tree {
        let (d, n) = features.columns.dim();
        let kept = |&r: &usize| weights.is_none_or(|w| w[r] > 0);
        let mut rows: Vec<usize> = (0..n).filter(kept).collect();
        let m = rows.len();
        let presorted = !features.sorted.is_empty();
        // a subset of sorted rows is still sorted: (value, row) orders rows totally
        let order = if presorted {
            let mut order = Vec::with_capacity(m * d);
            for sorted in &features.sorted {
                order.extend(sorted.iter().filter(|e| kept(&e.row)));
            }
            order
        } else {
            vec![Entry::default(); m]
        };
        let mut grower = Grower {
            params,
            columns: features.columns.view(),
            labels,
            weights,
            draw: features.draw,
            features: (0..d).collect(),
            order,
            presorted,
            rows: m,
            goes_left: vec![false; if presorted { n } else { 0 }],
            scratch: Vec::with_capacity(m),
            entry_scratch: Vec::new(),
            tree: Tree {
                nodes: Vec::new(),
                leaves: Vec::new(),
                width: labels.width(),
            },
        };
        grower.grow(&mut rows, 0, m, 0, rng);
        grower.tree
    }

    /// The leaf values (class shares, or the mean) for one row of features.
    pub fn leaf(&self, row: &[f64]) -> &[f64] {
        let mut at = 0;
        loop {
            match &self.nodes[at] {
                Node::Split {
                    feature,
                    threshold,
                    left,
                    right,
                } => {
                    at = if row[*feature] <= *threshold {
                        *left
                    } else {
                        *right
                    }
                }
                Node::Leaf(offset) => return &self.leaves[*offset..*offset + self.width],
            }
        }
    }

    /// Number of leaves.
    pub fn n_leaves(&self) -> usize {
        self.leaves.len() / self.width
    }
}

/// Running weighted statistics of a set of rows: class counts, or sum and sum of squares.
#[derive(Clone)]
struct Stats {
    weight: f64,
    counts: Vec<f64>,
    sum: f64,
    sum_sq: f64,
}

impl Stats {
    fn new(width: usize) -> Stats {
        Stats {
            weight: 0.0,
            counts: vec![0.0; width],
            sum: 0.0,
            sum_sq: 0.0,
        }
    }

    fn add(&mut self, labels: Labels, row: usize, w: f64) {
        self.weight += w;
        match labels {
            Labels::Classes(c, _) => self.counts[c[row]] += w,
            Labels::Values(v) => {
                self.sum += w * v[row];
                self.sum_sq += w * v[row] * v[row];
            }
        }
    }

    /// The node's impurity under `criterion`.
    fn impurity(&self, criterion: Criterion) -> f64 {
        let w = self.weight;
        match criterion {
            Criterion::Gini => 1.0 - self.counts.iter().map(|c| (c / w).powi(2)).sum::<f64>(),
            Criterion::Entropy => -self
                .counts
                .iter()
                .filter(|&&c| c > 0.0)
                .map(|c| (c / w) * libm::log(c / w))
                .sum::<f64>(),
            Criterion::SquaredError => self.sum_sq / w - (self.sum / w).powi(2),
        }
    }

    /// A class node's weight × impurity up to a term shared by every split of the node,
    /// negated (larger is better): Σc ln c − w ln w under entropy, else Σc²/w (Gini). Squared
    /// error's, s²/w, is [`ValueSide`]'s.
    fn class_proxy(&self, criterion: Criterion) -> f64 {
        let w = self.weight;
        if matches!(criterion, Criterion::Entropy) {
            self.counts
                .iter()
                .filter(|&&c| c > 0.0)
                .map(|&c| c * libm::log(c))
                .sum::<f64>()
                - w * libm::log(w)
        } else {
            self.counts.iter().map(|c| c * c).sum::<f64>() / w
        }
    }

    fn leaf_values(&self, labels: Labels) -> Vec<f64> {
        match labels {
            Labels::Classes(..) => self.counts.iter().map(|c| c / self.weight).collect(),
            Labels::Values(_) => vec![self.sum / self.weight],
        }
    }
}

/// What a split scan keeps on each side of a candidate threshold, as rows move from the right
/// side to the left one by one.
trait Side: Clone {
    /// Add `row` with weight `w` (negative to take it away).
    fn add(&mut self, row: usize, w: f64);
    /// Weight × impurity up to a term shared by every split of the node, negated: larger is
    /// better (see [`Stats::class_proxy`] and [`ValueSide`]).
    fn proxy(&self) -> f64;
}

/// A side's class counts under the node's criterion.
#[derive(Clone)]
struct ClassSide<'a> {
    stats: Stats,
    labels: Labels<'a>,
    criterion: Criterion,
}

impl Side for ClassSide<'_> {
    fn add(&mut self, row: usize, w: f64) {
        self.stats.add(self.labels, row, w);
    }
    fn proxy(&self) -> f64 {
        self.stats.class_proxy(self.criterion)
    }
}

/// A side's weight and weighted target sum: all squared error's proxy needs, so the scan of a
/// regression node does no more per row than that (and no dispatch on the kind of target).
#[derive(Clone, Copy)]
struct ValueSide<'a> {
    values: &'a [f64],
    weight: f64,
    sum: f64,
}

impl Side for ValueSide<'_> {
    fn add(&mut self, row: usize, w: f64) {
        self.weight += w;
        self.sum += w * self.values[row];
    }
    fn proxy(&self) -> f64 {
        self.sum * self.sum / self.weight
    }
}

/// The best split found in a node: the feature, its threshold and the rows going left.
#[derive(Clone, Copy)]
struct Split {
    feature: usize,
    threshold: f64,
    proxy: f64,
}

struct Grower<'a> {
    params: &'a TreeParams,
    /// The features column by column (d × n).
    columns: ArrayView2<'a, f64>,
    labels: Labels<'a>,
    weights: Option<&'a [u32]>,
    /// Features to consider per split.
    draw: usize,
    /// Feature order, reshuffled in part at each split (scikit-learn's Fisher–Yates draw).
    features: Vec<usize>,
    /// Presorted: per feature (`rows` entries each), the rows with their values in (value, row)
    /// order, a node's rows the same range of every feature's list. Otherwise room to sort one
    /// node's rows.
    order: Vec<Entry>,
    presorted: bool,
    rows: usize,
    /// Presorted: which rows the split being applied sends left.
    goes_left: Vec<bool>,
    /// Room for the rows going right while a list is partitioned.
    scratch: Vec<usize>,
    /// The same for the sorted lists' entries.
    entry_scratch: Vec<Entry>,
    tree: Tree,
}

impl Grower<'_> {
    fn weight(&self, row: usize) -> f64 {
        self.weights.map_or(1.0, |w| f64::from(w[row]))
    }

    fn stats(&self, rows: &[usize]) -> Stats {
        let mut s = Stats::new(self.tree.width);
        for &r in rows {
            s.add(self.labels, r, self.weight(r));
        }
        s
    }

    /// Grow the subtree of `rows[start..end]` at `depth`; returns its node index.
    fn grow(
        &mut self,
        rows: &mut [usize],
        start: usize,
        end: usize,
        depth: usize,
        rng: &mut impl RngCore,
    ) -> usize {
        let node = self.tree.nodes.len();
        self.tree.nodes.push(Node::Leaf(0));
        let stats = self.stats(&rows[start..end]);
        let n = end - start;
        let p = self.params;
        let leaf = p.max_depth.is_some_and(|d| depth >= d)
            || n < p.min_samples_split
            || n < 2 * p.min_samples_leaf
            || stats.impurity(p.criterion) <= f64::EPSILON
            || super::cancel::abandoned();
        let split = if leaf {
            None
        } else {
            self.best_split(&rows[start..end], start, &stats, rng)
        };
        match split {
            None => {
                let offset = self.tree.leaves.len();
                self.tree.leaves.extend(stats.leaf_values(self.labels));
                self.tree.nodes[node] = Node::Leaf(offset);
            }
            Some(s) => {
                let column = self.columns.row(s.feature);
                let mid = start
                    + partition(&mut rows[start..end], &mut self.scratch, |r| {
                        column[r] <= s.threshold
                    });
                // only the presorted lists need to know each row's side
                if self.presorted {
                    for &r in &rows[start..end] {
                        self.goes_left[r] = column[r] <= s.threshold;
                    }
                    for f in 0..self.columns.nrows() {
                        let list = &mut self.order[f * self.rows + start..f * self.rows + end];
                        let goes_left = &self.goes_left;
                        partition(list, &mut self.entry_scratch, |e| goes_left[e.row]);
                    }
                }
                let left = self.grow(rows, start, mid, depth + 1, rng);
                let right = self.grow(rows, mid, end, depth + 1, rng);
                self.tree.nodes[node] = Node::Split {
                    feature: s.feature,
                    threshold: s.threshold,
                    left,
                    right,
                };
            }
        }
        node
    }

    /// The split with the largest impurity decrease among the drawn features, if any split
    /// leaves `min_samples_leaf` rows on both sides.
    fn best_split(
        &mut self,
        rows: &[usize],
        start: usize,
        node: &Stats,
        rng: &mut impl RngCore,
    ) -> Option<Split> {
        let d = self.features.len();
        let sampled = self.draw < d;
        let (mut visited, mut non_constant) = (0, 0);
        let mut best: Option<Split> = None;
        for i in 0..d {
            if visited >= self.draw && non_constant > 0 {
                break;
            }
            if sampled {
                // draw the next feature uniformly among those not drawn yet
                let j = i + rng::below(rng, (d - i) as u64) as usize;
                self.features.swap(i, j);
            }
            let feature = self.features[i];
            visited += 1;
            let column = self.columns.row(feature);
            let column = column
                .as_slice()
                .expect("standard layout rows are contiguous");
            let end = start + rows.len();
            let sorted = if self.presorted {
                &self.order[feature * self.rows + start..feature * self.rows + end]
            } else {
                let sorted = &mut self.order[start..end];
                for (e, &row) in sorted.iter_mut().zip(rows) {
                    *e = Entry {
                        value: column[row],
                        row,
                    };
                }
                sort_by_value(sorted);
                &self.order[start..end]
            };
            let (low, high) = (sorted[0].value, sorted[sorted.len() - 1].value);
            if high <= low + FEATURE_THRESHOLD {
                continue;
            }
            non_constant += 1;
            best = match self.labels {
                Labels::Values(values) => {
                    let side = |weight, sum| ValueSide {
                        values,
                        weight,
                        sum,
                    };
                    let (left, right) = (side(0.0, 0.0), side(node.weight, node.sum));
                    self.scan(sorted, feature, (left, right), best)
                }
                Labels::Classes(..) => {
                    let side = |stats| ClassSide {
                        stats,
                        labels: self.labels,
                        criterion: self.params.criterion,
                    };
                    let sides = (side(Stats::new(self.tree.width)), side(node.clone()));
                    self.scan(sorted, feature, sides, best)
                }
            };
        }
        best
    }

    /// `best`, or a better split of `feature`: rows `sorted` by their value move one by one
    /// from the right side to the left, and each boundary between distinct values that leaves
    /// `min_samples_leaf` rows on both sides is weighed.
    fn scan<S: Side>(
        &self,
        sorted: &[Entry],
        feature: usize,
        (mut left, mut right): (S, S),
        mut best: Option<Split>,
    ) -> Option<Split> {
        let n = sorted.len();
        let min_leaf = self.params.min_samples_leaf;
        for pos in 1..n {
            let Entry { value: here, row } = sorted[pos - 1];
            let next = sorted[pos].value;
            let w = self.weight(row);
            left.add(row, w);
            right.add(row, -w);
            if next <= here + FEATURE_THRESHOLD || pos < min_leaf || n - pos < min_leaf {
                continue;
            }
            let proxy = left.proxy() + right.proxy();
            if best.is_none_or(|b| proxy > b.proxy) {
                let mut threshold = here / 2.0 + next / 2.0;
                if threshold >= next || !threshold.is_finite() {
                    threshold = here;
                }
                best = Some(Split {
                    feature,
                    threshold,
                    proxy,
                });
            }
        }
        best
    }
}

/// Sort `entries` by (value, row): for rows in ascending order, the order a stable sort by
/// value gives, so equal values are summed in the same order whichever way the node sorted.
fn sort_by_value(entries: &mut [Entry]) {
    entries.sort_unstable_by(|a, b| a.value.total_cmp(&b.value).then(a.row.cmp(&b.row)));
}

/// Move the rows (or entries) for which `goes_left` holds to the front, keeping each side's
/// order; returns how many went left. `scratch` holds the right side meanwhile (reused: it only
/// grows, to the largest node, so a node neither allocates nor clears it). Each row is written
/// to both sides and the side it belongs to advances: which side a row goes to is a coin toss
/// near the top of a tree, which a branch on it could not predict.
pub(crate) fn partition<T: Copy + Default>(
    rows: &mut [T],
    scratch: &mut Vec<T>,
    goes_left: impl Fn(T) -> bool,
) -> usize {
    if scratch.len() < rows.len() {
        scratch.resize(rows.len(), T::default());
    }
    let (mut kept, mut moved) = (0, 0);
    for i in 0..rows.len() {
        let r = rows[i];
        let left = goes_left(r);
        rows[kept] = r;
        scratch[moved] = r;
        kept += usize::from(left);
        moved += usize::from(!left);
    }
    rows[kept..].copy_from_slice(&scratch[..moved]);
    kept
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::{stream, Purpose};
    use ndarray::Array2;

    #[test]
    fn partition_moves_the_left_rows_first_and_keeps_each_sides_order() {
        let rows: Vec<usize> = (0..200).map(|i| (i * 37) % 211).collect();
        let sides: [fn(usize) -> bool; 4] = [|_| true, |_| false, |r| r % 2 == 0, |r| r % 7 < 3];
        let mut scratch = vec![5; 3];
        for goes_left in sides {
            let (left, right): (Vec<usize>, Vec<usize>) = rows.iter().partition(|&&r| goes_left(r));
            let mut moved = rows.clone();
            let kept = partition(&mut moved, &mut scratch, goes_left);
            assert_eq!(kept, left.len());
            assert_eq!(moved, [left, right].concat());
        }
    }

    fn params(criterion: Criterion) -> TreeParams {
        TreeParams {
            criterion,
            max_depth: None,
            min_samples_split: 2,
            min_samples_leaf: 1,
            max_features: MaxFeatures::All,
        }
    }

    #[test]
    fn tied_values_are_split_between_not_skipped() {
        // class = x ≥ 2, with every value repeated: each tie must stay on one side
        let x = Array2::from_shape_fn((40, 1), |(i, _)| (i % 4) as f64);
        let y: Vec<usize> = (0..40).map(|i| usize::from(i % 4 >= 2)).collect();
        let p = params(Criterion::Gini);
        let tree = Tree::grow(
            &p,
            &Features::new(x.view(), &p),
            Labels::Classes(&y, 2),
            None,
            &mut stream(0, Purpose::Split),
        );
        assert_eq!(tree.n_leaves(), 2);
        assert_eq!(tree.leaf(&[1.0]), &[1.0, 0.0]);
        assert_eq!(tree.leaf(&[2.0]), &[0.0, 1.0]);
    }

    #[test]
    fn regression_leaves_hold_means_and_weights_count() {
        let x = Array2::from_shape_vec((4, 1), vec![0.0, 1.0, 10.0, 11.0]).unwrap();
        let y = [1.0, 3.0, 10.0, 20.0];
        let p = TreeParams {
            max_depth: Some(1),
            ..params(Criterion::SquaredError)
        };
        let mut rng = stream(0, Purpose::Split);
        let tree = Tree::grow(
            &p,
            &Features::new(x.view(), &p),
            Labels::Values(&y),
            Some(&[1, 3, 0, 2]),
            &mut rng,
        );
        assert_eq!(tree.leaf(&[0.5]), &[2.5]); // (1 + 3·3) / 4
        assert_eq!(tree.leaf(&[12.0]), &[20.0]); // the row of weight 0 is left out
    }

    #[test]
    fn min_samples_leaf_and_max_features_are_honoured() {
        let x = Array2::from_shape_fn((30, 5), |(i, j)| ((i * 7 + j * 3) % 11) as f64);
        let y: Vec<usize> = (0..30).map(|i| i % 3).collect();
        let p = TreeParams {
            min_samples_leaf: 5,
            max_features: MaxFeatures::Count(2),
            ..params(Criterion::Entropy)
        };
        let features = Features::new(x.view(), &p);
        let grow = |seed| {
            Tree::grow(
                &p,
                &features,
                Labels::Classes(&y, 3),
                None,
                &mut stream(seed, Purpose::Split),
            )
        };
        let tree = grow(1);
        assert!(
            tree.n_leaves() <= 6,
            "30 rows, ≥ 5 per leaf: {}",
            tree.n_leaves()
        );
        assert_eq!(tree, grow(1));
        assert_eq!(MaxFeatures::Sqrt.of(64), 8);
        assert_eq!(MaxFeatures::Share(0.3).of(10), 3);
        assert_eq!(MaxFeatures::Count(50).of(10), 10);
    }
}
