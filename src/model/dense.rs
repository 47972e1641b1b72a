//! Dense products and Cholesky factors with one summation order on every CPU, for the kernels
//! where they dominate a fit (the least-squares Grams, the Newton systems of the GLMs).
//!
//! Each entry of a product is summed row by row, and each entry of a factor term by term, in
//! index order, with every product and sum rounded on its own (never fused): what the scalar
//! definition computes. The kernels are vectorised across entries, never within one, so an
//! AVX2 machine, an SSE2 one and the scalar fallback give the same bits (a kernel library
//! that picks its blocking and fused operations by CPU moved the linear models' records in
//! their last bits; BENCHMARKS.md, records across CPUs). They run on the calling thread:
//! folds already run in parallel, and a result must not depend on the thread count.

use std::cell::RefCell;

use ndarray::{Array1, Array2, ArrayView2};
use pulp::{Arch, Simd, WithSimd};

/// Smallest accepted ratio of the squared smallest to largest Cholesky pivot; below it the
/// system counts as ill-conditioned (the caller damps it or takes another path).
pub(crate) const MIN_PIVOT_RATIO: f64 = 1e-12;

/// Columns per strip of the layout the kernels read, and output columns per tile: two AVX2
/// vectors.
const STRIP: usize = 8;
/// Output rows per tile of a product: with [`STRIP`], eight AVX2 sums in registers.
const GROUP: usize = 4;
/// Rows summed before the kernel moves to the next tile: one strip of them (16 KB) stays in the
/// first-level cache while the other strips' rows pass it.
const CHUNK_ROWS: usize = 256;

thread_local! {
    /// Weighted rows for [`StripedMatrix::gram`], in strips, kept between calls.
    static STRIPS: RefCell<Vec<f64>> = const { RefCell::new(Vec::new()) };
}

/// A matrix copied once into the layout the product kernel reads (see [`stripe`]).
pub(crate) struct StripedMatrix {
    values: Vec<f64>,
    rows: usize,
    n: usize,
}

impl StripedMatrix {
    pub(crate) fn new(x: ArrayView2<f64>) -> Self {
        let mut values = Vec::new();
        stripe(x, &mut values);
        let (rows, n) = x.dim();
        StripedMatrix { values, rows, n }
    }

    /// `Σ_r w_r x_r x_rᵀ` over the rows `x_r` (all weights one without `weights`), each entry
    /// summed row by row of `(w_r·x_ri)·x_rj`: the lower half is computed, the upper mirrored.
    pub(crate) fn gram(&self, weights: Option<&[f64]>) -> Array2<f64> {
        let (rows, n) = (self.rows, self.n);
        let mut out = Array2::zeros((n, n));
        let sums = out.as_slice_mut().expect("fresh");
        match weights {
            None => {
                let x = Strips::whole(&self.values, rows);
                add_lower_strips(x, x, n, sums)
            }
            Some(weights) => STRIPS.with_borrow_mut(|weighted| {
                assert_eq!(weights.len(), rows, "one weight per row");
                // the rows times their weights, multiplied once for every tile
                weighted.resize(self.values.len(), 0.0);
                let strip = (rows * STRIP).max(1);
                for (out, x) in weighted
                    .chunks_exact_mut(strip)
                    .zip(self.values.chunks(strip))
                {
                    let pairs = out.chunks_exact_mut(STRIP).zip(x.chunks_exact(STRIP));
                    for ((out, row), &w) in pairs.zip(weights) {
                        out.iter_mut().zip(row).for_each(|(o, &v)| *o = w * v);
                    }
                }
                add_lower_strips(
                    Strips::whole(weighted, rows),
                    Strips::whole(&self.values, rows),
                    n,
                    sums,
                );
            }),
        }
        mirror_lower(&mut out);
        out
    }
}

/// Copy the lower triangle of the square `a` onto its upper one.
pub(crate) fn mirror_lower(a: &mut Array2<f64>) {
    for i in 0..a.nrows() {
        for j in 0..i {
            a[[j, i]] = a[[i, j]];
        }
    }
}

/// `ab`, each entry summed in index order (`Σ_j a[i][j]·b[j][k]`, j ascending), a row of `b` at a
/// time across the output row: for the small products (logits, gradients), where a general
/// matrix product would pick its kernel, and so its bits, by CPU.
pub(crate) fn product(a: ArrayView2<f64>, b: ArrayView2<f64>) -> Array2<f64> {
    assert_eq!(a.ncols(), b.nrows(), "factors that chain");
    let m = b.ncols();
    let b = b.as_standard_layout();
    let b = b.as_slice().expect("standard layout");
    let mut out = vec![0.0; a.nrows() * m];
    for (a_row, out_row) in a.rows().into_iter().zip(out.chunks_exact_mut(m.max(1))) {
        for (&x, b_row) in a_row.iter().zip(b.chunks_exact(m.max(1))) {
            out_row
                .iter_mut()
                .zip(b_row)
                .for_each(|(o, &v)| *o += x * v);
        }
    }
    Array2::from_shape_vec((a.nrows(), m), out).expect("rows × columns")
}

/// The lower triangle of `ZᵀZ` (row-major, `n × n`) for rows `Z` given one at a time, each
/// written straight into the layout the product kernel reads and summed a tile of
/// `tile_rows` at a time while the tile is in the core's cache: for callers that build each
/// row themselves (a row-major block would be copied into strips first).
pub(crate) struct LowerGram {
    /// The tile: strip s holds columns `STRIP·s ..` of its rows, [`stripe`]'s layout for
    /// `tile_rows` rows (zeros past the last column, never overwritten).
    strips: Vec<f64>,
    tile_rows: usize,
    /// Rows in the tile.
    filled: usize,
    /// The row being added by [`LowerGram::push`], whole strips of it (zeros past the last
    /// column).
    row: Vec<f64>,
    n: usize,
    sums: Vec<f64>,
}

impl LowerGram {
    /// Sums starting at `sums` (`n × n`; only the lower triangle is added to).
    pub(crate) fn new(sums: Vec<f64>, n: usize, tile_rows: usize) -> Self {
        assert_eq!(sums.len(), n * n, "n × n sums");
        let tile_rows = tile_rows.max(1);
        LowerGram {
            strips: vec![0.0; strip_count(n) * tile_rows * STRIP],
            tile_rows,
            filled: 0,
            row: vec![0.0; Self::padded_len(n)],
            n,
            sums,
        }
    }

    /// Values in a row as [`LowerGram::push_padded`] takes it: whole strips.
    pub(crate) fn padded_len(n: usize) -> usize {
        strip_count(n) * STRIP
    }

    /// Add the row `z` (`n` values).
    pub(crate) fn push(&mut self, z: &[f64]) {
        let mut row = std::mem::take(&mut self.row);
        row[..self.n].copy_from_slice(z);
        self.push_padded(&row);
        self.row = row;
    }

    /// Add the row whose `n` values start `row`, [`LowerGram::padded_len`] values with zeros
    /// past the `n`: whole strips of it, copies of one size, inlined.
    #[inline]
    pub(crate) fn push_padded(&mut self, row: &[f64]) {
        debug_assert_eq!(row.len(), Self::padded_len(self.n), "whole strips");
        for (s, part) in row.chunks_exact(STRIP).enumerate() {
            let at = (s * self.tile_rows + self.filled) * STRIP;
            self.strips[at..at + STRIP].copy_from_slice(part);
        }
        self.filled += 1;
        if self.filled == self.tile_rows {
            self.add_tile();
        }
    }

    fn add_tile(&mut self) {
        let tile = Strips {
            values: &self.strips,
            rows: self.filled,
            stride: self.tile_rows,
        };
        add_lower_strips(tile, tile, self.n, &mut self.sums);
        self.filled = 0;
    }

    /// The sums with every row added.
    pub(crate) fn finish(mut self) -> Vec<f64> {
        if self.filled > 0 {
            self.add_tile();
        }
        self.sums
    }
}

/// `x` (`rows × n`) into `out` in strips: strip s holds columns `STRIP·s ..` of every row, row
/// after row (`out[(s·rows + r)·STRIP + t] = x[r][STRIP·s + t]`), zeros past the last column,
/// and whole strips for a whole group of columns past the last ([`strip_count`]).
fn stripe(x: ArrayView2<f64>, out: &mut Vec<f64>) {
    let (rows, n) = x.dim();
    out.clear();
    out.resize(strip_count(n) * rows * STRIP, 0.0);
    for (r, row) in x.rows().into_iter().enumerate() {
        let at = |j: usize| ((j / STRIP) * rows + r) * STRIP;
        match row.as_slice() {
            Some(row) => row.chunks(STRIP).enumerate().for_each(|(s, part)| {
                out[at(s * STRIP)..][..part.len()].copy_from_slice(part);
            }),
            None => row
                .iter()
                .enumerate()
                .for_each(|(j, &v)| out[at(j) + j % STRIP] = v),
        }
    }
}

/// Strips of `n` columns: whole strips, and room for a whole group of columns past the last.
fn strip_count(n: usize) -> usize {
    n.next_multiple_of(GROUP).div_ceil(STRIP)
}

/// A factor of a product in [`stripe`]'s layout: its first `rows` rows, of strips laid out
/// for `stride` rows.
#[derive(Clone, Copy)]
struct Strips<'a> {
    values: &'a [f64],
    rows: usize,
    stride: usize,
}

impl<'a> Strips<'a> {
    /// All the rows of strips laid out for them.
    fn whole(values: &'a [f64], rows: usize) -> Self {
        Strips {
            values,
            rows,
            stride: rows,
        }
    }

    /// Rows `chunk` of the strip holding column `j`.
    fn panel(&self, j: usize, chunk: &std::ops::Range<usize>) -> &'a [f64] {
        let start = (j / STRIP) * self.stride;
        &self.values[(start + chunk.start) * STRIP..(start + chunk.end) * STRIP]
    }
}

/// Add `Σ_r a[r][i]·b[r][j]` (rows in order) to `sums[i·n + j]` for `j ≤ i < n`, for factors
/// of as many rows.
fn add_lower_strips(a: Strips, b: Strips, n: usize, sums: &mut [f64]) {
    debug_assert_eq!(a.rows, b.rows, "factors of as many rows");
    if a.rows == 0 || n == 0 {
        return;
    }
    // both kernels take a chunk of rows while it is in the core's cache
    let arch = Arch::new();
    for start in (0..a.rows).step_by(CHUNK_ROWS) {
        let chunk = start..(start + CHUNK_ROWS).min(a.rows);
        let first = wide::add_lower_eights((a, b), &chunk, n, sums);
        arch.dispatch(LowerProduct {
            factors: (a, b),
            chunk,
            n,
            first,
            sums,
        });
    }
}

/// [`add_lower_strips`] on a chunk of rows, for the output rows from `first` on.
struct LowerProduct<'a> {
    factors: (Strips<'a>, Strips<'a>),
    chunk: std::ops::Range<usize>,
    n: usize,
    first: usize,
    sums: &'a mut [f64],
}

impl WithSimd for LowerProduct<'_> {
    type Output = ();

    #[inline(always)]
    fn with_simd<S: Simd>(self, simd: S) {
        let LowerProduct {
            factors,
            chunk,
            n,
            first,
            sums,
        } = self;
        for i0 in (first..n).step_by(GROUP) {
            // a last group of one or two rows sums two, not four (34 columns: a tenth of the
            // products)
            if n - i0 <= GROUP / 2 {
                add_group::<S, { GROUP / 2 }>(simd, factors, &chunk, i0, n, sums);
            } else {
                add_group::<S, GROUP>(simd, factors, &chunk, i0, n, sums);
            }
        }
    }
}

/// The tiles of output rows `i0 .. i0 + G` (those below `n`) over the rows `chunk`: their
/// entries on and below the diagonal, [`STRIP`] columns a tile.
#[inline(always)]
fn add_group<S: Simd, const G: usize>(
    simd: S,
    (a, b): (Strips, Strips),
    chunk: &std::ops::Range<usize>,
    i0: usize,
    n: usize,
    sums: &mut [f64],
) {
    let last_row = (i0 + G).min(n) - 1;
    let group = a.panel(i0, chunk);
    for j0 in (0..=last_row).step_by(STRIP) {
        // the tile's sums so far (zeros where it covers no lower entry); a tile wholly below
        // the diagonal is copied whole
        let inside = i0 + G <= n && j0 + STRIP <= i0 + 1;
        let kept = |i: usize, j: usize| inside || (i < n && j <= i);
        let at = |ii: usize| (i0 + ii) * n + j0;
        let mut tile = [[0.0; STRIP]; G];
        for (ii, row) in tile.iter_mut().enumerate() {
            if inside {
                row.copy_from_slice(&sums[at(ii)..at(ii) + STRIP]);
                continue;
            }
            for (jj, s) in row.iter_mut().enumerate() {
                if kept(i0 + ii, j0 + jj) {
                    *s = sums[at(ii) + jj];
                }
            }
        }
        let strip = b.panel(j0, chunk);
        // a tile on the diagonal starting a strip, of at most half a strip's rows: its right
        // half lies wholly above the diagonal, so only its left half is summed
        if j0 == i0 && 2 * G <= STRIP {
            accumulate::<S, G, true>(simd, (group, i0 % STRIP), strip, &mut tile);
        } else {
            accumulate::<S, G, false>(simd, (group, i0 % STRIP), strip, &mut tile);
        }
        for (ii, row) in tile.iter().enumerate() {
            if inside {
                sums[at(ii)..at(ii) + STRIP].copy_from_slice(row);
                continue;
            }
            for (jj, &s) in row.iter().enumerate() {
                if kept(i0 + ii, j0 + jj) {
                    sums[at(ii) + jj] = s;
                }
            }
        }
    }
}

/// Output rows eight at a time with AVX-512, where the CPU has it.
mod wide {
    use super::Strips;
    #[cfg(target_arch = "x86_64")]
    use super::STRIP;
    use std::ops::Range;

    /// Fewest columns taken eight rows at a time: on a 22-column product (a binary logistic
    /// fit's Hessian) the wide tiles measured a twentieth slower over the whole run.
    #[cfg(target_arch = "x86_64")]
    const WIDE_COLUMNS: usize = 32;

    /// [`super::add_lower_strips`] for the output rows of every whole group of eight, with
    /// AVX-512 if the CPU has it; the first row left to the caller (0 without AVX-512). A
    /// tile is eight output rows of one 8-lane vector each, eight sums in registers: a fifth
    /// fewer cycles than four rows of two 4-lane vectors on an Intel Xeon. The same products
    /// and sums, row by row, so the same bits.
    pub(super) fn add_lower_eights(
        factors: (Strips, Strips),
        chunk: &Range<usize>,
        n: usize,
        sums: &mut [f64],
    ) -> usize {
        #[cfg(target_arch = "x86_64")]
        if n >= WIDE_COLUMNS && std::arch::is_x86_feature_detected!("avx512f") {
            let eights = n / STRIP * STRIP;
            // SAFETY: the CPU has AVX-512F.
            unsafe { add_eights(factors, chunk, (n, eights), sums) };
            return eights;
        }
        let _ = (factors, chunk, n, sums);
        0
    }

    /// Output rows `0 .. eights` (a multiple of eight, at most `n`) over the rows `chunk`,
    /// one tile of eight rows and [`STRIP`] columns at a time: its lower entries on the
    /// diagonal, every entry below it.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx512f")]
    fn add_eights(
        (a, b): (Strips, Strips),
        chunk: &Range<usize>,
        (n, eights): (usize, usize),
        sums: &mut [f64],
    ) {
        use std::arch::x86_64::*;
        for i0 in (0..eights).step_by(STRIP) {
            let group = a.panel(i0, chunk);
            for j0 in (0..=i0).step_by(STRIP) {
                let strip = b.panel(j0, chunk);
                // on the diagonal, row ii keeps its first ii + 1 entries (the rest are
                // above it); every row of a tile below it keeps all eight
                let kept = |ii: usize| {
                    if j0 == i0 {
                        ((2u16 << ii) - 1) as u8
                    } else {
                        u8::MAX
                    }
                };
                let at = |ii: usize| (i0 + ii) * n + j0;
                let mut acc = [_mm512_setzero_pd(); STRIP];
                for (ii, acc) in acc.iter_mut().enumerate() {
                    let row = &sums[at(ii)..at(ii) + STRIP];
                    // SAFETY: `row` holds the eight values read.
                    *acc = unsafe { _mm512_maskz_loadu_pd(kept(ii), row.as_ptr()) };
                }
                for (ra, rb) in group.chunks_exact(STRIP).zip(strip.chunks_exact(STRIP)) {
                    // SAFETY: `rb` holds the eight values read.
                    let column = unsafe { _mm512_loadu_pd(rb.as_ptr()) };
                    for (acc, &v) in acc.iter_mut().zip(ra) {
                        *acc = _mm512_add_pd(*acc, _mm512_mul_pd(_mm512_set1_pd(v), column));
                    }
                }
                for (ii, acc) in acc.iter().enumerate() {
                    let row = &mut sums[at(ii)..at(ii) + STRIP];
                    // SAFETY: `row` holds the eight values written.
                    unsafe { _mm512_mask_storeu_pd(row.as_mut_ptr(), kept(ii), *acc) };
                }
            }
        }
    }
}

/// `tile[g][t] += Σ_r a[r][offset + g] · b[r][t]` over the rows r of two strips (rows of
/// [`STRIP`] values), row by row, each product and sum rounded on its own: the tile's
/// `G` × [`STRIP`] sums stay in registers while the rows stream past. `LEFT`: only the
/// left half of the strip's columns (the right half of `tile` is left as it is).
#[inline(always)]
fn accumulate<S: Simd, const G: usize, const LEFT: bool>(
    simd: S,
    (a, offset): (&[f64], usize),
    b: &[f64],
    tile: &mut [[f64; STRIP]; G],
) {
    // vectors per strip: 2 with AVX2, 8 on the scalar fallback; those summed
    let vectors = STRIP / S::F64_LANES;
    let summed = if LEFT { vectors / 2 } else { vectors };
    let mut acc = [[simd.splat_f64s(0.0); STRIP]; G];
    for (acc, start) in acc.iter_mut().zip(tile.iter()) {
        acc[..vectors].copy_from_slice(S::as_simd_f64s(start).0);
    }
    for (ra, rb) in a.chunks_exact(STRIP).zip(b.chunks_exact(STRIP)) {
        let column = S::as_simd_f64s(rb).0;
        for (acc, &v) in acc.iter_mut().zip(&ra[offset..offset + G]) {
            let v = simd.splat_f64s(v);
            for k in 0..summed {
                acc[k] = simd.add_f64s(acc[k], simd.mul_f64s(v, column[k]));
            }
        }
    }
    for (acc, out) in acc.iter().zip(tile.iter_mut()) {
        S::as_mut_simd_f64s(out).0.copy_from_slice(&acc[..vectors]);
    }
}

/// The lower Cholesky factor L of a symmetric `a` (LLᵀ = a, read from its upper half), or `None`
/// when `a` is not safely positive definite: a pivot that is not positive (or NaN), or a
/// squared smallest pivot below [`MIN_PIVOT_RATIO`] of the squared largest.
///
/// L[i][j] = (a[j][i] − Σ_{k<j} L[i][k]·L[j][k]) / L[j][j], the sum in k order (the diagonal
/// takes the square root instead; Cholesky–Banachiewicz, Golub & Van Loan 2013, §4.2). Columns are found [`GROUP`] at a time: their sums over the
/// columns before them are products of finished columns ([`accumulate`]), then each adds the
/// terms of the group's earlier columns, still in k order.
pub(crate) fn cholesky(a: &Array2<f64>) -> Option<Array2<f64>> {
    Arch::new().dispatch(Factor(a))
}

/// One call of [`cholesky`].
struct Factor<'a>(&'a Array2<f64>);

impl WithSimd for Factor<'_> {
    type Output = Option<Array2<f64>>;

    #[inline(always)]
    fn with_simd<S: Simd>(self, simd: S) -> Self::Output {
        let a = self.0;
        let n = a.nrows();
        // Lᵀ in strips: row k holds column k of L (zeros left of the diagonal)
        let mut upper = vec![0.0; strip_count(n) * n * STRIP];
        let at = |k: usize, i: usize| ((i / STRIP) * n + k) * STRIP + i % STRIP;
        // the group's sums: sums[i][g] for row i and column j0 + g
        let mut sums = vec![[0.0; GROUP]; strip_count(n) * STRIP];
        for j0 in (0..n).step_by(GROUP) {
            // rows 0..j0 (the finished columns) of the strip holding column i
            let done = |i: usize| &upper[(i / STRIP) * n * STRIP..][..j0 * STRIP];
            // whole strips from the one holding row j0 (rows above it are not read)
            for i0 in (j0 - j0 % STRIP..n).step_by(STRIP) {
                let mut tile = [[0.0; STRIP]; GROUP];
                accumulate::<S, GROUP, false>(simd, (done(j0), j0 % STRIP), done(i0), &mut tile);
                for (g, row) in tile.iter().enumerate() {
                    for (t, &s) in row.iter().enumerate() {
                        sums[i0 + t][g] = s;
                    }
                }
            }
            for j in j0..(j0 + GROUP).min(n) {
                let g = j - j0;
                for k in j0..j {
                    let ljk = upper[at(k, j)];
                    for (i, s) in sums.iter_mut().enumerate().take(n).skip(j) {
                        s[g] += upper[at(k, i)] * ljk;
                    }
                }
                let pivot = a[[j, j]] - sums[j][g];
                if pivot.is_nan() || pivot <= 0.0 {
                    return None;
                }
                let diagonal = pivot.sqrt();
                upper[at(j, j)] = diagonal;
                for (i, &aji) in a.row(j).iter().enumerate().skip(j + 1) {
                    upper[at(j, i)] = (aji - sums[i][g]) / diagonal;
                }
            }
        }
        let l = Array2::from_shape_fn((n, n), |(i, j)| if j <= i { upper[at(j, i)] } else { 0.0 });
        let (lo, hi) = l
            .diag()
            .iter()
            .fold((f64::INFINITY, 0.0f64), |(lo, hi), &p| {
                (lo.min(p), hi.max(p))
            });
        (lo * lo >= MIN_PIVOT_RATIO * hi * hi).then_some(l)
    }
}

/// Solve `L Lᵀ x = b` in place for the factor `l` of [`cholesky`].
pub(crate) fn solve_cholesky(l: &Array2<f64>, b: &mut Array1<f64>) {
    let n = b.len();
    for i in 0..n {
        let dot: f64 = (0..i).map(|k| l[[i, k]] * b[k]).sum();
        b[i] = (b[i] - dot) / l[[i, i]];
    }
    for i in (0..n).rev() {
        let dot: f64 = (i + 1..n).map(|k| l[[k, i]] * b[k]).sum();
        b[i] = (b[i] - dot) / l[[i, i]];
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    /// A pseudo-random matrix of values that round in every product and sum.
    fn awkward(rows: usize, cols: usize, seed: u64) -> Array2<f64> {
        let mut rng = crate::rng::stream(seed, crate::rng::Purpose::Bootstrap);
        Array2::from_shape_fn((rows, cols), |_| {
            (crate::rng::unit(&mut rng) - 0.3)
                * 10f64.powi((crate::rng::unit(&mut rng) * 6.0) as i32 - 3)
        })
    }

    #[test]
    fn products_are_the_row_by_row_sums_to_the_bit() {
        // shapes around the strip, group and chunk sizes
        for (rows, n) in [
            (0, 0),
            (0, 3),
            (4, 0),
            (1, 1),
            (3, 5),
            (17, 8),
            (300, 13),
            (513, 34),
            (20, 10),
            (9, 2),
            (11, 7),
            (40, 65),
        ] {
            let x = awkward(rows, n, n as u64);
            let w = awkward(rows, 1, 1000 + rows as u64).remove_axis(ndarray::Axis(1));
            let striped = StripedMatrix::new(x.view());
            let (plain, weighted) = (striped.gram(None), striped.gram(w.as_slice()));
            // pulp's kernel alone gives the bits of the wide one too
            let whole = Strips::whole(&striped.values, rows);
            let mut alone = vec![0.0; n * n];
            for start in (0..rows).step_by(CHUNK_ROWS) {
                Arch::new().dispatch(LowerProduct {
                    factors: (whole, whole),
                    chunk: start..(start + CHUNK_ROWS).min(rows),
                    n,
                    first: 0,
                    sums: &mut alone,
                });
            }
            // rows one at a time, in tiles of 7 (the last one part full) and of more than all
            let lower = |tile_rows: usize| {
                let mut lower = LowerGram::new(vec![0.5; n * n], n, tile_rows);
                x.rows()
                    .into_iter()
                    .for_each(|z| lower.push(z.as_slice().unwrap()));
                lower
                    .finish()
                    .into_iter()
                    .map(f64::to_bits)
                    .collect::<Vec<_>>()
            };
            let in_sevens = lower(7);
            assert_eq!(lower(rows + 1), in_sevens, "{rows}×{n}: any tile size");
            let gram: Vec<f64> = in_sevens.into_iter().map(f64::from_bits).collect();
            for i in 0..n {
                for j in 0..=i {
                    let sum = |start: f64, w: &dyn Fn(usize) -> f64| {
                        (0..rows).fold(start, |s, r| s + (w(r) * x[[r, i]]) * x[[r, j]])
                    };
                    let bits = |v: f64| v.to_bits();
                    assert_eq!(
                        bits(plain[[i, j]]),
                        bits(sum(0.0, &|_| 1.0)),
                        "{rows}×{n} ({i}, {j})"
                    );
                    assert_eq!(bits(alone[i * n + j]), bits(plain[[i, j]]));
                    assert_eq!(
                        bits(weighted[[i, j]]),
                        bits(sum(0.0, &|r| w[r])),
                        "{rows}×{n} ({i}, {j})"
                    );
                    assert_eq!(
                        bits(gram[i * n + j]),
                        bits(sum(0.5, &|_| 1.0)),
                        "{rows}×{n} ({i}, {j})"
                    );
                    assert_eq!(
                        (plain[[j, i]], weighted[[j, i]]),
                        (plain[[i, j]], weighted[[i, j]])
                    );
                    if j < i {
                        assert_eq!(gram[j * n + i], 0.5, "the upper half is left alone");
                    }
                }
            }
        }
        // strided and column-major views are read, not misread
        let x = awkward(30, 6, 7);
        let strided = x.slice(ndarray::s![..;3, 1..]);
        let transposed = x.t().as_standard_layout().into_owned();
        let gram = |x: ArrayView2<f64>| StripedMatrix::new(x).gram(None);
        assert_eq!(gram(strided), gram(strided.to_owned().view()));
        assert_eq!(gram(transposed.t()), gram(x.view()));
    }

    #[test]
    fn general_products_are_the_index_order_sums_to_the_bit() {
        let (a, b) = (awkward(9, 13, 1), awkward(13, 5, 2));
        for ((i, k), &v) in product(a.view(), b.view()).indexed_iter() {
            let sum = (0..13).fold(0.0, |s, j| s + a[[i, j]] * b[[j, k]]);
            assert_eq!(v.to_bits(), sum.to_bits(), "({i}, {k})");
        }
        let transposed = a.t().as_standard_layout().into_owned();
        assert_eq!(
            product(transposed.t(), b.view()),
            product(a.view(), b.view())
        );
    }

    #[test]
    fn factors_are_the_entry_by_entry_definition_to_the_bit() {
        for n in [1, 2, 7, 33, 70] {
            let x = awkward(2 * n + 3, n, n as u64);
            let a = StripedMatrix::new(x.view()).gram(None);
            let l = cholesky(&a).unwrap();
            let mut expected = Array2::<f64>::zeros((n, n));
            for i in 0..n {
                for j in 0..=i {
                    let dot: f64 = (0..j).map(|k| expected[[i, k]] * expected[[j, k]]).sum();
                    expected[[i, j]] = if i == j {
                        (a[[i, i]] - dot).sqrt()
                    } else {
                        (a[[i, j]] - dot) / expected[[j, j]]
                    };
                }
            }
            assert_eq!(l, expected, "n = {n}");
        }
    }

    #[test]
    fn cholesky_solves_and_refuses_what_is_not_positive_definite() {
        let a = array![[4.0, 2.0], [2.0, 3.0]];
        let mut x = ndarray::arr1(&[2.0, 1.0]);
        solve_cholesky(&cholesky(&a).unwrap(), &mut x);
        assert!((x[0] - 0.5).abs() < 1e-15 && x[1].abs() < 1e-15, "{x:?}");
        assert!(cholesky(&array![[1.0, 2.0], [2.0, 1.0]]).is_none());
        assert!(cholesky(&array![[1.0, 1.0], [1.0, 1.0]]).is_none());
        assert!(cholesky(&array![[1.0, 0.0], [0.0, 1e-14]]).is_none());
        assert!(cholesky(&array![[f64::NAN, 0.0], [0.0, 1.0]]).is_none());
    }
}
