//! Rows of the dual's matrix Q, Q_ij = y_i y_j K(x_i, x_j), computed when the solver asks for
//! them and kept, in float32 as libsvm keeps them, in a cache of bounded size.
//!
//! As in libsvm, classification keeps its rows in the solver's position order, so a row is
//! computed only over the positions still active and shrinking exchanges positions in the
//! cache; regression keeps whole kernel rows by data row, each standing for two variables.
//! On large data the solver asks for a few rows at once, computed in one pass over the data
//! ([`Rows::fetch_together`]). libsvm's G_bar lives here too, by position for classification
//! and by data row for regression, where adding a row to it then needs no gather.

use super::exp::exponentiate;
use super::{vectorised, Kernel};
use crate::model::distances::{PackedRows, Term, BLOCK, MAX_ROWS};
use crate::model::spare;
use ndarray::{ArrayView1, ArrayView2};
use std::ops::Range;

/// The sign bit of a float32.
const SIGN_BIT: u32 = 1 << 31;

/// Bytes of kernel rows kept (scikit-learn's default `cache_size`, 200 MB).
const CACHE_BYTES: usize = 200 << 20;

/// Bytes of training data from which the solver computes likely rows together
/// ([`Rows::fetch_together`]). Below it the data stays in a core's second-level cache (2 MiB
/// on the Intel Xeon of BENCHMARKS.md), a row's pass does not wait on reading it, and finding
/// the likely rows costs more than computing them together saves: there, 8,000 rows of 20
/// features took 7 % longer with it, 16,000 rows 4–19 % less.
const TOGETHER_FROM_BYTES: usize = 2 << 20;

/// Entries from which a row's pass is split with a waiting worker.
const SPLIT_FROM: usize = 4096;

/// Sum of products in index order, as libsvm's dense kernels add them.
pub(super) fn dot(a: ArrayView1<f64>, b: ArrayView1<f64>) -> f64 {
    a.iter().zip(b).fold(0.0, |sum, (x, y)| sum + x * y)
}

/// A problem's rows (row-major, and packed for [`PackedRows::sums`]) and their squared
/// norms, from which kernel values come as libsvm's training computes them:
/// exp(−γ(‖a‖² + ‖b‖² − 2a·b)), each dot product summed in feature order.
pub(super) struct Points {
    x: Vec<f64>,
    d: usize,
    packed: PackedRows,
    norms: Vec<f64>,
    kernel: Kernel,
    /// Room for a row's dot products.
    products: Vec<f64>,
    /// Room for a split pass's second half: its dot products, and each row's values.
    second: (Vec<f64>, Vec<Vec<f32>>),
    /// Held while rows are long enough to split.
    _offering: Option<spare::Offering>,
}

impl Points {
    /// `rows` of `x`, in that order.
    pub(super) fn new(x: ArrayView2<f64>, rows: &[usize], kernel: Kernel) -> Points {
        let d = x.ncols();
        let x: Vec<f64> = rows.iter().flat_map(|&r| x.row(r).to_vec()).collect();
        let view = ArrayView2::from_shape((rows.len(), d), &x).expect("rows × d values");
        Points {
            norms: view.outer_iter().map(|r| dot(r, r)).collect(),
            packed: PackedRows::new(view),
            x,
            d,
            kernel,
            products: Vec::new(),
            second: Default::default(),
            _offering: (rows.len() >= SPLIT_FROM).then(spare::Offering::new),
        }
    }

    pub(super) fn len(&self) -> usize {
        self.norms.len()
    }

    /// Whether rows are best computed together (see [`TOGETHER_FROM_BYTES`]).
    fn large(&self) -> bool {
        std::mem::size_of_val(&self.x[..]) >= TOGETHER_FROM_BYTES
    }

    fn row(&self, a: usize) -> &[f64] {
        &self.x[a * self.d..(a + 1) * self.d]
    }

    /// K(a, a), as a kernel row computes it.
    pub(super) fn diagonal(&self, a: usize) -> f64 {
        let row = ArrayView1::from(self.row(a));
        let product = dot(row, row);
        match self.kernel {
            Kernel::Gaussian { gamma } => {
                let mut value = [-gamma * (self.norms[a] + self.norms[a] - 2.0 * product)];
                exponentiate(&mut value);
                value[0]
            }
            Kernel::Linear => product,
        }
    }

    /// K(a, b) for the rows b of `span`, in float32, appended to `out`.
    fn fill(&mut self, a: usize, span: Range<usize>, out: &mut Vec<f32>) {
        self.fill_rows(&[a], span, std::slice::from_mut(out));
    }

    /// K(a, b) for the rows b < `len`, for each row a of `rows` (at most [`MAX_ROWS`]), in
    /// float32, appended to the `Vec` of `outs` at its index: the same values as
    /// [`Points::fill`], the data read once for all of them.
    fn fill_together(&mut self, rows: &[usize], len: usize, outs: &mut [Vec<f32>]) {
        self.fill_rows(rows, 0..len, outs);
    }

    /// K(a, b) for the rows b of `span`, for each row a of `rows`, appended to `outs`; a long
    /// span's second half [computed by a waiting worker](spare::join).
    fn fill_rows(&mut self, rows: &[usize], span: Range<usize>, outs: &mut [Vec<f32>]) {
        let cut = span.start + spare::cut(span.len(), SPLIT_FROM);
        let middle = cut.next_multiple_of(BLOCK).min(span.end);
        let mut products = std::mem::take(&mut self.products);
        let (mut second_products, mut second) = std::mem::take(&mut self.second);
        second.resize_with(rows.len(), Vec::new);
        second.iter_mut().for_each(Vec::clear);
        let this = &*self;
        spare::join(
            middle < span.end,
            || this.values(rows, span.start..middle, &mut products, outs),
            || this.values(rows, middle..span.end, &mut second_products, &mut second),
        );
        for (out, half) in outs.iter_mut().zip(&second) {
            out.extend_from_slice(half);
        }
        self.products = products;
        self.second = (second_products, second);
    }

    /// [`Points::fill_rows`] on this thread, `products` its room for dot products.
    fn values(
        &self,
        rows: &[usize],
        span: Range<usize>,
        products: &mut Vec<f64>,
        outs: &mut [Vec<f32>],
    ) {
        if span.is_empty() {
            return;
        }
        let blocks = span.start / BLOCK..span.end.div_ceil(BLOCK);
        let width = blocks.len() * BLOCK;
        products.resize(rows.len() * width, 0.0);
        let a: Vec<&[f64]> = rows.iter().map(|&a| self.row(a)).collect();
        self.packed
            .sums(&a, Term::Product, blocks.clone(), products);
        let skip = span.start - blocks.start * BLOCK;
        for ((&a, out), products) in rows.iter().zip(outs).zip(products.chunks_mut(width)) {
            let products = &mut products[skip..skip + span.len()];
            append_values(
                self.kernel,
                self.norms[a],
                &self.norms[span.clone()],
                products,
                out,
            );
        }
    }

    fn swap(&mut self, i: usize, j: usize) {
        for f in 0..self.d {
            self.x.swap(i * self.d + f, j * self.d + f);
        }
        self.norms.swap(i, j);
        self.packed.swap(i, j);
    }
}

/// The kernel values of a row with squared norm `own` and rows with squared norms `norms`
/// from their dot products `products` (overwritten), appended to `out` in float32.
fn append_values(
    kernel: Kernel,
    own: f64,
    norms: &[f64],
    products: &mut [f64],
    out: &mut Vec<f32>,
) {
    if let Kernel::Gaussian { gamma } = kernel {
        for (p, &norm) in products.iter_mut().zip(norms) {
            *p = -gamma * (own + norm - 2.0 * *p);
        }
        exponentiate(products);
    }
    out.extend(products.iter().map(|&v| v as f32));
}

/// Rows by key, each held over a prefix of its entries (as far as it has been asked for), the
/// least recently used dropped when the budget of entries is spent (libsvm's `Cache`).
pub(super) struct Cache {
    rows: Vec<Vec<f32>>,
    /// A doubly linked list of the rows held, oldest first; index `rows.len()` is its head.
    previous: Vec<usize>,
    next: Vec<usize>,
    /// Entries that may still be added.
    free: usize,
    /// Exchanges of entries not yet made in the rows held: made together, a row at a time.
    pending: Vec<(usize, usize)>,
}

impl Cache {
    /// A cache for `keys` rows of at most `width` entries: 200 MB, or if more, room for
    /// [`MAX_ROWS`] rows filled together and the row asked for before them.
    pub(super) fn new(keys: usize, width: usize) -> Cache {
        Cache {
            rows: vec![Vec::new(); keys],
            previous: vec![keys; keys + 1],
            next: vec![keys; keys + 1],
            free: (CACHE_BYTES / 4).max((MAX_ROWS + 1) * width),
            pending: Vec::new(),
        }
    }

    fn unlink(&mut self, a: usize) {
        let (p, n) = (self.previous[a], self.next[a]);
        self.next[p] = n;
        self.previous[n] = p;
    }

    fn push_newest(&mut self, a: usize) {
        let head = self.rows.len();
        let last = self.previous[head];
        self.next[last] = a;
        self.previous[a] = last;
        self.next[a] = head;
        self.previous[head] = a;
    }

    fn drop_row(&mut self, a: usize) {
        self.unlink(a);
        self.free += self.rows[a].len();
        self.rows[a] = Vec::new();
    }

    /// Row `key` over at least its first `len` entries; `fill(start, row)` appends the entries
    /// from `start` on to `len` that are not held yet.
    pub(super) fn row(
        &mut self,
        key: usize,
        len: usize,
        fill: impl FnOnce(usize, &mut Vec<f32>),
    ) -> &[f32] {
        self.exchange_entries();
        let held = self.rows[key].len();
        if held > 0 {
            self.unlink(key);
        }
        if len > held {
            let more = len - held;
            while self.free < more {
                self.drop_row(self.next[self.rows.len()]);
            }
            self.free -= more;
            let row = &mut self.rows[key];
            row.reserve_exact(more);
            fill(held, row);
            debug_assert_eq!(row.len(), len, "filled to the length asked for");
        }
        if !self.rows[key].is_empty() {
            self.push_newest(key);
        }
        &self.rows[key]
    }

    /// Whether row `key` holds no entries.
    fn absent(&self, key: usize) -> bool {
        self.rows[key].is_empty()
    }

    /// Rows `keys` (distinct, at most [`MAX_ROWS`], none held) over their first `len`
    /// entries, appended by `fill` to the `Vec` at each key's index; the last key becomes the
    /// newest row.
    fn rows_together(&mut self, keys: &[usize], len: usize, fill: impl FnOnce(&mut [Vec<f32>])) {
        if keys.is_empty() {
            return;
        }
        self.exchange_entries();
        debug_assert!(keys.iter().all(|&k| self.absent(k)), "rows not held yet");
        let more = keys.len() * len;
        while self.free < more {
            self.drop_row(self.next[self.rows.len()]);
        }
        self.free -= more;
        let mut rows: Vec<Vec<f32>> = keys.iter().map(|_| Vec::with_capacity(len)).collect();
        fill(&mut rows);
        for (&key, row) in keys.iter().zip(rows) {
            debug_assert_eq!(row.len(), len, "filled to the length asked for");
            self.rows[key] = row;
            if len > 0 {
                self.push_newest(key);
            }
        }
    }

    /// Exchange keys `i` and `j` and entries `i` and `j` of every row; a row that holds one of
    /// the two entries but not the other is dropped (libsvm's `Cache::swap_index`). The
    /// entries are exchanged when a row is next read, all pending exchanges a row at a time:
    /// shrinking makes thousands at once, and each would otherwise visit every row held.
    fn swap(&mut self, i: usize, j: usize) {
        if i == j {
            return;
        }
        for k in [i, j] {
            if !self.rows[k].is_empty() {
                self.unlink(k);
            }
        }
        self.rows.swap(i, j);
        for k in [i, j] {
            if !self.rows[k].is_empty() {
                self.push_newest(k);
            }
        }
        self.pending.push((i.min(j), i.max(j)));
    }

    /// Make the pending exchanges of entries in every row held (see [`Cache::swap`]).
    fn exchange_entries(&mut self) {
        if self.pending.is_empty() {
            return;
        }
        let head = self.rows.len();
        let mut h = self.next[head];
        while h != head {
            let following = self.next[h];
            let len = self.rows[h].len();
            let row = &mut self.rows[h];
            let kept = self.pending.iter().all(|&(low, high)| {
                if len > high {
                    row.swap(low, high);
                }
                len > high || len <= low
            });
            if !kept {
                self.drop_row(h);
            }
            h = following;
        }
        self.pending.clear();
    }
}

/// Each position's sign y and diagonal entry Q_ii, exchanged with the positions.
pub(super) struct Positions {
    signs: Vec<f64>,
    diagonal: Vec<f64>,
}

impl Positions {
    pub(super) fn signs(&self) -> &[f64] {
        &self.signs
    }

    pub(super) fn diagonal(&self) -> &[f64] {
        &self.diagonal
    }

    fn swap(&mut self, i: usize, j: usize) {
        self.signs.swap(i, j);
        self.diagonal.swap(i, j);
    }
}

/// Q of the dual in the solver's position order (libsvm's `QMatrix`): each position's sign
/// y and diagonal entry Q_ii, and its row.
pub(super) trait Rows {
    fn positions(&self) -> &Positions;
    fn signs(&self) -> &[f64] {
        self.positions().signs()
    }
    /// Q_i over the first `len` positions, beside the positions' signs and diagonal.
    fn row(&mut self, i: usize, len: usize) -> (&[f32], &Positions);
    /// Q_i and Q_j (i ≠ j) over the first `len` positions, beside the positions' signs and
    /// diagonal; Q_i read by [`Rows::row`] just before is not computed again.
    fn pair(&mut self, i: usize, j: usize, len: usize) -> ([&[f32]; 2], &Positions);
    /// Exchange positions `i` and `j`.
    fn swap(&mut self, i: usize, j: usize);
    /// Add `change` · Q_t, over every position, to libsvm's G_bar: the gradient's part from
    /// the variables at their upper bound, kept to rebuild the gradient of shrunk variables.
    fn add_to_gradient_bar(&mut self, t: usize, change: f64);
    /// G_bar at position `t`.
    fn gradient_bar(&self, t: usize) -> f64;
    /// Whether the data is large enough that rows computed together cost less than alone.
    fn large(&self) -> bool;
    /// Whether Q_i is not computed yet, over any positions.
    fn absent(&self, i: usize) -> bool;
    /// Q_t over the first `len` positions for the positions t of `rows` (distinct, at most
    /// [`MAX_ROWS`]) that are [`Rows::absent`], computed together: the data read once for
    /// all of them.
    fn fetch_together(&mut self, rows: &[usize], len: usize);
}

/// Classification's Q (libsvm's `SVC_Q`): one variable per row, rows cached by position.
pub(super) struct ClassRows {
    points: Points,
    positions: Positions,
    cache: Cache,
    /// [`Rows::gradient_bar`] by position.
    gradient_bar: Vec<f64>,
}

impl ClassRows {
    pub(super) fn new(points: Points, signs: Vec<f64>) -> ClassRows {
        let n = points.len();
        ClassRows {
            positions: Positions {
                diagonal: (0..n).map(|r| points.diagonal(r)).collect(),
                signs,
            },
            cache: Cache::new(n, n),
            gradient_bar: vec![0.0; n],
            points,
        }
    }

    /// Q_i over at least its first `len` positions into the cache, read in place from there
    /// (libsvm's `get_Q`) rather than copied out.
    fn fetch(&mut self, i: usize, len: usize) {
        let (points, signs) = (&mut self.points, &self.positions.signs);
        self.cache.row(i, len, |start, row| {
            points.fill(i, start..len, row);
            sign(&mut row[start..], signs[i], &signs[start..]);
        });
    }
}

/// `sums[t] += change · row[t]`: a row of Q (or of the kernel) added to G_bar.
fn add_scaled(sums: &mut [f64], change: f64, row: &[f32]) {
    vectorised(|| {
        for (g, &q) in sums.iter_mut().zip(row) {
            *g += change * f64::from(q);
        }
    });
}

/// y_i y_t K for the kernel values K of `row` and the signs y_t of `signs`, as libsvm rounds
/// it: the sign of a float32 value.
fn sign(row: &mut [f32], y_i: f64, signs: &[f64]) {
    for (v, &s) in row.iter_mut().zip(signs) {
        *v *= (y_i * s) as f32;
    }
}

impl Rows for ClassRows {
    fn positions(&self) -> &Positions {
        &self.positions
    }

    fn row(&mut self, i: usize, len: usize) -> (&[f32], &Positions) {
        self.fetch(i, len);
        (&self.cache.rows[i][..len], &self.positions)
    }

    fn pair(&mut self, i: usize, j: usize, len: usize) -> ([&[f32]; 2], &Positions) {
        // the newest row is never dropped for the next (the cache holds two whole rows), so
        // Q_i is still held once Q_j is
        self.fetch(i, len);
        self.fetch(j, len);
        let rows = &self.cache.rows;
        ([&rows[i][..len], &rows[j][..len]], &self.positions)
    }

    fn add_to_gradient_bar(&mut self, t: usize, change: f64) {
        let l = self.gradient_bar.len();
        self.fetch(t, l);
        add_scaled(&mut self.gradient_bar, change, &self.cache.rows[t][..l]);
    }

    fn gradient_bar(&self, t: usize) -> f64 {
        self.gradient_bar[t]
    }

    fn large(&self) -> bool {
        self.points.large()
    }

    fn absent(&self, i: usize) -> bool {
        self.cache.absent(i)
    }

    fn fetch_together(&mut self, rows: &[usize], len: usize) {
        let keys: Vec<usize> = rows.iter().copied().filter(|&i| self.absent(i)).collect();
        let (points, signs) = (&mut self.points, &self.positions.signs);
        self.cache.rows_together(&keys, len, |rows| {
            points.fill_together(&keys, len, rows);
            for (&i, row) in keys.iter().zip(rows) {
                sign(row, signs[i], &signs[..len]);
            }
        });
    }

    fn swap(&mut self, i: usize, j: usize) {
        self.gradient_bar.swap(i, j);
        self.cache.swap(i, j);
        self.points.swap(i, j);
        self.positions.swap(i, j);
    }
}

/// Regression's Q (libsvm's `SVR_Q`): variables t and t + n (α and α*) share data row t, whose
/// whole kernel row is cached by data row and signed for each position as it is read.
pub(super) struct RegressionRows {
    points: Points,
    positions: Positions,
    /// The data row each position's variable belongs to.
    source: Vec<u32>,
    /// Each position's sign as a float32 sign bit: Q_ij = ±K, flipped by bits instead of
    /// multiplied by ±1 (the same value) so that a row's read is plain loads.
    flips: Vec<u32>,
    cache: Cache,
    /// [`Rows::gradient_bar`] by data row for the positions of α: Q_ut = ±K(u, t), so the
    /// sum by position is this one signed, and adding to it needs no gather.
    gradient_bar: Vec<f64>,
    /// Rows of Q as [`Rows::row`] and [`Rows::pair`] read them, and the position and length
    /// of the first (while no exchange has moved it).
    signed: [Vec<f32>; 2],
    first: Option<(usize, usize)>,
}

impl RegressionRows {
    pub(super) fn new(points: Points) -> RegressionRows {
        let n = points.len();
        let diagonal: Vec<f64> = (0..n).map(|r| points.diagonal(r)).collect();
        let rows = i32::try_from(n).expect("an SVM's training rows fit in 31 bits") as u32;
        RegressionRows {
            positions: Positions {
                diagonal: diagonal.iter().chain(&diagonal).copied().collect(),
                signs: (0..2 * n).map(|t| if t < n { 1.0 } else { -1.0 }).collect(),
            },
            source: (0..2 * rows).map(|t| t % rows).collect(),
            flips: (0..2 * n)
                .map(|t| if t < n { 0 } else { SIGN_BIT })
                .collect(),
            cache: Cache::new(n, n),
            gradient_bar: vec![0.0; n],
            points,
            signed: [Vec::new(), Vec::new()],
            first: None,
        }
    }

    /// Q_i over the first `len` positions into `signed[slot]`.
    fn read(&mut self, i: usize, len: usize, slot: usize) {
        let (points, a) = (&mut self.points, self.source[i] as usize);
        let n = points.len();
        let values = self
            .cache
            .row(a, n, |start, row| points.fill(a, start..n, row));
        let out = &mut self.signed[slot];
        out.resize(len.max(out.len()), 0.0);
        assert!(values.len() >= n && self.source.len() >= len && self.flips.len() >= len);
        let (source, flips, flip) = (&self.source[..len], &self.flips[..len], self.flips[i]);
        // SAFETY: every source entry is below n (made as t mod n, then only exchanged), so
        // within `values`; `out` holds the entries of the range `r`
        let gather = |out: &mut [f32], r: Range<usize>| unsafe {
            gather(values, &source[r.clone()], &flips[r], flip, out)
        };
        spare::in_halves(&mut out[..len], SPLIT_FROM, gather);
    }
}

impl Rows for RegressionRows {
    fn positions(&self) -> &Positions {
        &self.positions
    }

    fn row(&mut self, i: usize, len: usize) -> (&[f32], &Positions) {
        self.read(i, len, 0);
        self.first = Some((i, len));
        (&self.signed[0][..len], &self.positions)
    }

    fn pair(&mut self, i: usize, j: usize, len: usize) -> ([&[f32]; 2], &Positions) {
        if self.first != Some((i, len)) {
            self.read(i, len, 0);
            self.first = Some((i, len));
        }
        self.read(j, len, 1);
        let [q_i, q_j] = &self.signed;
        ([&q_i[..len], &q_j[..len]], &self.positions)
    }

    fn add_to_gradient_bar(&mut self, t: usize, change: f64) {
        let (points, a) = (&mut self.points, self.source[t] as usize);
        let n = points.len();
        let k = self
            .cache
            .row(a, n, |start, row| points.fill(a, start..n, row));
        // change · Q_ut = change · (±1 for t)(±1 for u) K(t, u): t's sign here, u's when read;
        // exact, as a float's rounding does not depend on its sign
        let change = if self.flips[t] == 0 { change } else { -change };
        add_scaled(&mut self.gradient_bar, change, k);
    }

    fn gradient_bar(&self, t: usize) -> f64 {
        let g = self.gradient_bar[self.source[t] as usize];
        // + 0.0: where the terms cancel, a sum by position holds +0 whatever the sign
        (if self.flips[t] == 0 { g } else { -g }) + 0.0
    }

    fn large(&self) -> bool {
        self.points.large()
    }

    fn absent(&self, i: usize) -> bool {
        self.cache.absent(self.source[i] as usize)
    }

    fn fetch_together(&mut self, rows: &[usize], _: usize) {
        // whole kernel rows by data row, each once
        let mut keys: Vec<usize> = Vec::with_capacity(rows.len());
        for a in rows.iter().map(|&t| self.source[t] as usize) {
            if self.cache.absent(a) && !keys.contains(&a) {
                keys.push(a);
            }
        }
        let (points, n) = (&mut self.points, self.source.len() / 2);
        self.cache
            .rows_together(&keys, n, |rows| points.fill_together(&keys, n, rows));
    }

    fn swap(&mut self, i: usize, j: usize) {
        self.first = None;
        self.positions.swap(i, j);
        self.source.swap(i, j);
        self.flips.swap(i, j);
    }
}

/// `out[t] = values[source[t]]` with its sign bit flipped by `flip ^ flips[t]`: a row of Q
/// read from its kernel row by data row, eight entries at a time where the CPU gathers.
///
/// # Safety
/// Every `source[t]` for `t < out.len()` is an index into `values`, and `source` and `flips`
/// hold at least `out.len()` entries.
unsafe fn gather(values: &[f32], source: &[u32], flips: &[u32], flip: u32, out: &mut [f32]) {
    #[cfg(target_arch = "x86_64")]
    if is_x86_feature_detected!("avx2") {
        // SAFETY: the CPU has AVX2; the caller's promise covers the reads
        return unsafe { gather_avx2(values, source, flips, flip, out) };
    }
    // SAFETY: the caller's promise
    unsafe { gather_from(values, source, flips, flip, out, 0) }
}

/// [`gather`] one entry at a time, from entry `start` on.
///
/// # Safety
/// As [`gather`]'s.
unsafe fn gather_from(
    values: &[f32],
    source: &[u32],
    flips: &[u32],
    flip: u32,
    out: &mut [f32],
    start: usize,
) {
    for (t, o) in out.iter_mut().enumerate().skip(start) {
        // SAFETY: t < out.len(), so within `source` and `flips`, and `source[t]` within
        // `values` (the caller's promise)
        unsafe {
            let (r, f) = (*source.get_unchecked(t), *flips.get_unchecked(t));
            *o = f32::from_bits(values.get_unchecked(r as usize).to_bits() ^ flip ^ f);
        }
    }
}

/// [`gather`] with AVX2's gather instruction; the values are the same bits.
///
/// # Safety
/// As [`gather`]'s, on a CPU with AVX2.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn gather_avx2(values: &[f32], source: &[u32], flips: &[u32], flip: u32, out: &mut [f32]) {
    use std::arch::x86_64::*;
    let whole = out.len() / 8 * 8;
    let flip_all = _mm256_set1_epi32(flip as i32);
    for t in (0..whole).step_by(8) {
        // SAFETY: entries t..t + 8 of each slice exist, and the indices are within `values`
        // (the caller's promise; below 2³¹, so read right as signed offsets)
        unsafe {
            let rows = _mm256_loadu_si256(source.as_ptr().add(t).cast());
            let entries = _mm256_i32gather_epi32::<4>(values.as_ptr().cast(), rows);
            let signs = _mm256_loadu_si256(flips.as_ptr().add(t).cast());
            let signs = _mm256_xor_si256(signs, flip_all);
            let row = _mm256_xor_si256(entries, signs);
            _mm256_storeu_si256(out.as_mut_ptr().add(t).cast(), row);
        }
    }
    // SAFETY: the caller's promise
    unsafe { gather_from(values, source, flips, flip, out, whole) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::Array2;

    fn linear_points(values: &[f64]) -> Points {
        let x = Array2::from_shape_vec((values.len(), 1), values.to_vec()).unwrap();
        let rows: Vec<usize> = (0..values.len()).collect();
        Points::new(x.view(), &rows, Kernel::Linear)
    }

    #[test]
    fn a_gathered_row_is_the_signed_kernel_row_in_position_order() {
        // the definition: Q_it = (y_i y_t) K(i, t), ±1 times a float32 in float32 (±0 kept)
        let values: Vec<f32> = (0..37)
            .map(|k| match k % 5 {
                0 => 0.0,
                1 => -0.0,
                _ => (k as f32 * 0.37).sin(),
            })
            .collect();
        let n = values.len() as u32;
        for len in [0, 1, 7, 8, 9, 16, 23, 74] {
            let source: Vec<u32> = (0..len as u32).map(|t| (t * 11 + 3) % n).collect();
            let signs: Vec<f64> = (0..len)
                .map(|t| if t % 3 == 0 { -1.0 } else { 1.0 })
                .collect();
            let flips: Vec<u32> = signs
                .iter()
                .map(|&s| if s < 0.0 { SIGN_BIT } else { 0 })
                .collect();
            for (sign, flip) in [(1.0, 0), (-1.0, SIGN_BIT)] {
                let want: Vec<u32> = (0..len)
                    .map(|t| ((sign * signs[t]) as f32 * values[source[t] as usize]).to_bits())
                    .collect();
                let mut out = vec![f32::NAN; len];
                // SAFETY: every source entry is below n = values.len()
                unsafe { gather(&values, &source, &flips, flip, &mut out) };
                let got: Vec<u32> = out.iter().map(|v| v.to_bits()).collect();
                assert_eq!(got, want, "len {len}, sign {sign}");
                let mut out = vec![f32::NAN; len];
                // SAFETY: as above
                unsafe { gather_from(&values, &source, &flips, flip, &mut out, 0) };
                let got: Vec<u32> = out.iter().map(|v| v.to_bits()).collect();
                assert_eq!(got, want, "one at a time: len {len}, sign {sign}");
            }
        }
    }

    #[test]
    fn the_cache_extends_rows_and_drops_the_least_recently_used() {
        let mut points = linear_points(&[0.0, 1.0, 2.0, 3.0]);
        let mut cache = Cache::new(4, 4);
        cache.free = 6;
        let mut row = |cache: &mut Cache, a: usize, len: usize| {
            cache
                .row(a, len, |start, out| points.fill(a, start..len, out))
                .to_vec()
        };
        assert_eq!(row(&mut cache, 1, 2), [0.0, 1.0]);
        assert_eq!(row(&mut cache, 2, 4), [0.0, 2.0, 4.0, 6.0]);
        // row 1 grows to its whole length: row 2, now the oldest, makes room
        assert_eq!(row(&mut cache, 1, 4), [0.0, 1.0, 2.0, 3.0]);
        assert!(cache.rows[2].is_empty() && cache.free == 2);
        // a shorter request reads the prefix of what is held
        assert_eq!(row(&mut cache, 1, 3), [0.0, 1.0, 2.0, 3.0]);
    }

    #[test]
    fn pairs_are_the_rows_even_where_the_cache_holds_only_two() {
        let values = [0.5, -1.0, 2.0, 3.5, -0.25, 1.5];
        let n = values.len();
        // classification with room for two whole rows: every fetch drops the older rows, and
        // Q_i, the newest, must outlive Q_j's fetch; then with the smallest cache the solver
        // gets and Q_j's row fetched with the most others, Q_i must outlive them too
        let signs = vec![1.0, -1.0, 1.0, 1.0, -1.0, -1.0];
        let want =
            |a: usize, b: usize| (signs[a] * signs[b]) as f32 * (values[a] * values[b]) as f32;
        for (room, together) in [(2 * n, false), ((MAX_ROWS + 1) * n, true)] {
            let mut q = ClassRows::new(linear_points(&values), signs.clone());
            q.cache.free = room;
            for (i, j) in [(0, 1), (2, 3), (1, 0), (4, 5), (5, 0), (3, 2)] {
                q.row(i, n);
                if together {
                    let others = (0..n).filter(|&t| t != i && t != j).take(MAX_ROWS - 1);
                    q.fetch_together(&others.chain([j]).collect::<Vec<_>>(), n);
                }
                let ([q_i, q_j], _) = q.pair(i, j, n);
                for t in 0..n {
                    assert_eq!(
                        (q_i[t], q_j[t]),
                        (want(i, t), want(j, t)),
                        "({i}, {j}), {t}, together: {together}"
                    );
                }
            }
        }
        // regression: the Q_i that `row` read is read again once an exchange has moved it
        let sign = |t: usize| if t < n { 1.0 } else { -1.0 };
        let want = |a: usize, b: usize| {
            (sign(a) * sign(b)) as f32 * (values[a % n] * values[b % n]) as f32
        };
        let mut q = RegressionRows::new(linear_points(&values));
        let mut order: Vec<usize> = (0..2 * n).collect();
        q.row(1, 2 * n);
        q.swap(1, 8);
        order.swap(1, 8);
        let ([q_i, q_j], _) = q.pair(1, 3, 2 * n);
        for t in 0..2 * n {
            let (i, j, t_at) = (order[1], order[3], order[t]);
            assert_eq!(
                (q_i[t], q_j[t]),
                (want(i, t_at), want(j, t_at)),
                "entry {t}"
            );
        }
    }

    #[test]
    fn rows_fetched_together_are_the_rows_fetched_alone() {
        let x = Array2::from_shape_fn((11, 3), |(i, j)| ((i * 5 + j * 3) as f64).sin() * 2.0);
        let rows: Vec<usize> = (0..11).collect();
        let signs: Vec<f64> = (0..11)
            .map(|i| if i % 3 == 0 { -1.0 } else { 1.0 })
            .collect();
        let bits = |row: &[f32]| row.iter().map(|v| v.to_bits()).collect::<Vec<_>>();
        for kernel in [Kernel::Gaussian { gamma: 0.3 }, Kernel::Linear] {
            // classification: row 0 held in part is extended alone, the others together
            let mut alone = ClassRows::new(Points::new(x.view(), &rows, kernel), signs.clone());
            let mut together = ClassRows::new(Points::new(x.view(), &rows, kernel), signs.clone());
            together.row(0, 4);
            assert!(!together.absent(0) && together.absent(3));
            together.fetch_together(&[3, 0, 10, 6], 9);
            assert!(!together.absent(3) && !together.absent(10) && !together.absent(6));
            for i in [3, 0, 10, 6, 1] {
                let want = bits(alone.row(i, 9).0);
                assert_eq!(bits(together.row(i, 9).0), want, "{kernel:?}, row {i}");
            }
            // regression: positions 1 and 1 + n share data row 1, computed once
            let (n, points) = (11, Points::new(x.view(), &rows, kernel));
            let mut alone = RegressionRows::new(Points::new(x.view(), &rows, kernel));
            let mut together = RegressionRows::new(points);
            together.fetch_together(&[1, 1 + n, 4, 2 * n - 1], 2 * n);
            assert!(!together.absent(1 + n) && !together.absent(n - 1) && together.absent(0));
            for i in [1, 1 + n, 4, 2 * n - 1, 0] {
                let want = bits(alone.row(i, 2 * n).0);
                assert_eq!(
                    bits(together.row(i, 2 * n).0),
                    want,
                    "{kernel:?}, position {i}"
                );
            }
        }
    }

    #[test]
    fn gradient_bar_is_the_sum_of_the_rows_by_position() {
        // G_bar_u = Σ change_t · Q_tu in the order added, as libsvm sums it by position (a
        // cancelled sum +0); regression keeps it by data row and signs it when read
        let x = Array2::from_shape_fn((7, 2), |(i, j)| ((i * 3 + j) as f64).cos() * 1.5);
        let rows: Vec<usize> = (0..7).collect();
        let kernel = Kernel::Gaussian { gamma: 0.7 };
        let signs: Vec<f64> = (0..7)
            .map(|i| if i % 2 == 0 { 1.0 } else { -1.0 })
            .collect();
        let class = ClassRows::new(Points::new(x.view(), &rows, kernel), signs);
        let regression = RegressionRows::new(Points::new(x.view(), &rows, kernel));
        fn check(mut q: impl Rows, l: usize) {
            let mut want = vec![0.0f64; l];
            let changes = [
                (2, 1.0),
                (2, -1.0),
                (1, 1.0),
                (l - 2, 1.0),
                (4, -1.0),
                (1, -1.0),
                (0, 1.0),
                (l - 2, -1.0),
            ];
            for (step, &(t, change)) in changes.iter().enumerate() {
                if step == 5 {
                    q.swap(1, l - 1);
                    want.swap(1, l - 1);
                }
                let (q_t, _) = q.row(t, l);
                for (w, &v) in want.iter_mut().zip(q_t) {
                    *w += change * f64::from(v);
                }
                q.add_to_gradient_bar(t, change);
                let got: Vec<u64> = (0..l).map(|u| q.gradient_bar(u).to_bits()).collect();
                let want: Vec<u64> = want.iter().map(|w| w.to_bits()).collect();
                assert_eq!(got, want, "after {} additions", step + 1);
            }
        }
        check(class, 7);
        check(regression, 14);
    }

    #[test]
    fn exchanged_positions_read_as_the_exchanged_rows() {
        // the cache and the points swapped together give the kernel of the swapped data
        let values = [0.5, -1.0, 2.0, 3.5, -0.25, 1.5, 4.0, -2.0, 0.75];
        let signs = vec![1.0, -1.0, 1.0, 1.0, -1.0, -1.0, 1.0, -1.0, 1.0];
        let mut q = ClassRows::new(linear_points(&values), signs.clone());
        for i in 0..9 {
            q.row(i, 9 - i % 3);
        }
        q.swap(1, 7);
        q.swap(2, 8);
        let mut order: Vec<usize> = (0..9).collect();
        order.swap(1, 7);
        order.swap(2, 8);
        for i in 0..9 {
            let (out, _) = q.row(i, 9);
            for j in 0..9 {
                let (a, b) = (order[i], order[j]);
                let want = (signs[a] * signs[b]) as f32 * (values[a] * values[b]) as f32;
                assert_eq!(out[j], want, "Q[{i}][{j}]");
            }
        }
    }
}
