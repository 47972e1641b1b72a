//! Sums over packed training rows, in SIMD kernels chosen for the machine at run time (pulp).
//!
//! kNN's and the SVM's rows are short (tens of features), where a general matrix product
//! spends much of its time packing and storing; here the training rows are packed once per
//! fit, a block of rows at a time feature by feature, so a kernel reads them as one stream and
//! keeps its sums in registers. [`PackedRows::sums`] gives the scalar sums' bits (the SVM's
//! kernel values); [`BoundRows::distances`] gives kNN's squared distances as float32 products,
//! ‖a‖² + ‖b‖² − 2a·b, fused or not by machine: they are only candidates' bounds (see
//! `knn::nearest`), never results.

use ndarray::{ArrayView1, ArrayView2};
use pulp::{Arch, Simd, WithSimd};

/// Test rows per pass of the bound kernel: their sums, two AVX2 vectors of eight float32s
/// each, take 12 of an AVX2 core's 16 registers, enough independent sums to keep both FMA
/// units busy.
pub(crate) const TILE: usize = 6;

/// Training rows per block of [`PackedRows`]: a span of blocks given to [`PackedRows::sums`]
/// starts at a multiple of it.
pub(crate) const BLOCK: usize = 8;

/// Training rows per block of [`BoundRows`] (two AVX2 vectors of float32s): a span of rows
/// given to [`BoundRows::distances`] starts at a multiple of it.
pub(crate) const BOUND_BLOCK: usize = 16;

/// The rows of `x` in blocks of `block` rows, each block feature by feature (rows past the
/// end are zeros), each value converted by `value`.
fn pack<T: Copy + Default>(x: ArrayView2<f64>, block: usize, value: impl Fn(f64) -> T) -> Vec<T> {
    let (rows, features) = x.dim();
    let mut data = vec![T::default(); rows.div_ceil(block) * block * features];
    for (i, row) in x.outer_iter().enumerate() {
        let (b, lane) = (i / block, i % block);
        for (f, &v) in row.iter().enumerate() {
            data[(b * features + f) * block + lane] = value(v);
        }
    }
    data
}

/// Training rows packed for [`PackedRows::sums`].
pub(crate) struct PackedRows {
    /// Block b holds rows 8b..8b+8 feature by feature (rows past the end are zeros).
    data: Vec<f64>,
    features: usize,
}

impl PackedRows {
    pub(crate) fn new(x: ArrayView2<f64>) -> Self {
        PackedRows {
            data: pack(x, BLOCK, |v| v),
            features: x.ncols(),
        }
    }
}

/// Training rows packed for [`BoundRows::distances`]: multiplied by a power of two that brings
/// the largest magnitude to at most 1 (so no square overflows float32) and rounded to float32,
/// with their squared norms.
pub(crate) struct BoundRows {
    /// Block b holds rows 16b..16b+16 feature by feature (rows past the end are zeros).
    data: Vec<f32>,
    /// Squared norms of the scaled rows, summed in float64 and rounded, padded with zeros.
    norms: Vec<f32>,
    /// The largest squared norm of a scaled row, in float64.
    widest: f64,
    rows: usize,
    features: usize,
}

impl BoundRows {
    /// The rows of `x`, each value multiplied by `scale` (a power of two).
    pub(crate) fn new(x: ArrayView2<f64>, scale: f64) -> Self {
        let (rows, features) = x.dim();
        let squared: Vec<f64> = x
            .outer_iter()
            .map(|r| r.iter().map(|v| (v * scale) * (v * scale)).sum())
            .collect();
        let mut norms: Vec<f32> = squared.iter().map(|&n| n as f32).collect();
        norms.resize(rows.div_ceil(BOUND_BLOCK) * BOUND_BLOCK, 0.0);
        BoundRows {
            data: pack(x, BOUND_BLOCK, |v| (v * scale) as f32),
            norms,
            widest: squared.iter().fold(0.0, |m, &v| m.max(v)),
            rows,
            features,
        }
    }

    pub(crate) fn rows(&self) -> usize {
        self.rows
    }

    /// The largest squared norm of a scaled training row.
    pub(crate) fn widest(&self) -> f64 {
        self.widest
    }

    /// `out[r][j] = own[r] + ‖x_j‖² − 2·t_r·x_j` for training rows `j` in `span` (starting at
    /// a multiple of [`BOUND_BLOCK`]) and the `TILE` test rows t_r of `tile` (scaled as the
    /// training rows are), stored feature by feature (`tile[f * TILE + r]`, zeros for absent
    /// rows); `out` holds `TILE` rows of `span.len()` rounded up to a block.
    pub(crate) fn distances(
        &self,
        tile: &[f32],
        own: &[f32; TILE],
        span: std::ops::Range<usize>,
        out: &mut [f32],
    ) {
        Arch::new().dispatch(self.kernel(tile, own, span, out));
    }

    /// The kernel call for [`Self::distances`], for any instruction set.
    fn kernel<'a>(
        &'a self,
        tile: &'a [f32],
        own: &'a [f32; TILE],
        span: std::ops::Range<usize>,
        out: &'a mut [f32],
    ) -> Kernel<'a> {
        debug_assert!(span.start.is_multiple_of(BOUND_BLOCK) && tile.len() == TILE * self.features);
        let blocks = span.start / BOUND_BLOCK..span.end.div_ceil(BOUND_BLOCK);
        let width = blocks.len() * BOUND_BLOCK;
        let block_len = BOUND_BLOCK * self.features;
        Kernel {
            tile,
            own,
            packed: &self.data[blocks.start * block_len..blocks.end * block_len],
            norms: &self.norms[blocks.start * BOUND_BLOCK..blocks.end * BOUND_BLOCK],
            features: self.features,
            out: &mut out[..TILE * width],
        }
    }
}

/// What [`PackedRows::sums`] adds up, feature by feature.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Term {
    /// a_f · x_f: the dot product.
    Product,
    /// (a_f − x_f)²: the squared distance.
    SquaredDifference,
}

/// Rows [`PackedRows::sums`] sums together, in one pass over the training rows.
pub(crate) const MAX_ROWS: usize = 4;

impl PackedRows {
    /// `out[r · w + k]` = the sum of `term` over the features of row `a_r` of `rows` (at most
    /// [`MAX_ROWS`]) and training row `blocks.start · BLOCK + k`, for the rows of `blocks`
    /// (w = `blocks.len() · BLOCK`). Each is summed in feature order with separate operations,
    /// never fused: the bits of the scalar sum on every machine, whichever rows share the pass.
    /// Each training value is read once for all of them: where the training rows do not fit in
    /// the cache, one row's sums wait on reading them.
    pub(crate) fn sums(
        &self,
        rows: &[&[f64]],
        term: Term,
        blocks: std::ops::Range<usize>,
        out: &mut [f64],
    ) {
        assert!(
            (1..=MAX_ROWS).contains(&rows.len()),
            "1 to {MAX_ROWS} rows at once"
        );
        let out = &mut out[..rows.len() * blocks.len() * BLOCK];
        if self.features == 0 {
            out.fill(0.0);
            return;
        }
        let block_len = BLOCK * self.features;
        Arch::new().dispatch(Sums {
            packed: &self.data[blocks.start * block_len..blocks.end * block_len],
            rows,
            term,
            out,
        });
    }

    /// Exchange rows `i` and `j`.
    pub(crate) fn swap(&mut self, i: usize, j: usize) {
        let at = |r: usize, f: usize| (r / BLOCK * self.features + f) * BLOCK + r % BLOCK;
        for f in 0..self.features {
            self.data.swap(at(i, f), at(j, f));
        }
    }
}

/// One call of [`PackedRows::sums`].
struct Sums<'a> {
    packed: &'a [f64],
    rows: &'a [&'a [f64]],
    term: Term,
    out: &'a mut [f64],
}

impl WithSimd for Sums<'_> {
    type Output = ();

    #[inline(always)]
    fn with_simd<S: Simd>(self, simd: S) {
        // `G` blocks of `R` rows' sums at once: each lane's sum is a chain of dependent adds,
        // so eight AVX2 sums are kept in flight to hide the adds' latency
        match (self.rows.len(), self.term) {
            (1, Term::Product) => self.run::<4, 1, false, S>(simd),
            (1, Term::SquaredDifference) => self.run::<4, 1, true, S>(simd),
            (2, Term::Product) => self.run::<2, 2, false, S>(simd),
            (2, Term::SquaredDifference) => self.run::<2, 2, true, S>(simd),
            (3, Term::Product) => self.run::<1, 3, false, S>(simd),
            (3, Term::SquaredDifference) => self.run::<1, 3, true, S>(simd),
            (_, Term::Product) => self.run::<1, 4, false, S>(simd),
            (_, Term::SquaredDifference) => self.run::<1, 4, true, S>(simd),
        }
    }
}

impl Sums<'_> {
    #[inline(always)]
    fn run<const G: usize, const R: usize, const SQUARED: bool, S: Simd>(self, simd: S) {
        let rows: [&[f64]; R] = std::array::from_fn(|r| self.rows[r]);
        let block_len = BLOCK * rows[0].len();
        let blocks = self.packed.len() / block_len;
        let width = blocks * BLOCK;
        let whole = blocks / G * G;
        for b in (0..whole).step_by(G) {
            let group = &self.packed[b * block_len..(b + G) * block_len];
            sum_blocks::<G, R, SQUARED, S>(simd, group, &rows, self.out, width, b * BLOCK);
        }
        for b in whole..blocks {
            let block = &self.packed[b * block_len..(b + 1) * block_len];
            sum_blocks::<1, R, SQUARED, S>(simd, block, &rows, self.out, width, b * BLOCK);
        }
    }
}

/// [`PackedRows::sums`] over `G` consecutive blocks for `R` rows: products, or squared
/// differences when `SQUARED`; row r's sums go to `out[r · width + at..]`.
#[inline(always)]
fn sum_blocks<const G: usize, const R: usize, const SQUARED: bool, S: Simd>(
    simd: S,
    blocks: &[f64],
    rows: &[&[f64]; R],
    out: &mut [f64],
    width: usize,
    at: usize,
) {
    let vectors = BLOCK / S::F64_LANES;
    let block_len = BLOCK * rows[0].len();
    let zero = simd.splat_f64s(0.0);
    let mut sums = [[[zero; BLOCK]; G]; R];
    for (f, column_at) in (0..block_len).step_by(BLOCK).enumerate() {
        let values: [S::f64s; R] = std::array::from_fn(|r| simd.splat_f64s(rows[r][f]));
        for g in 0..G {
            let start = g * block_len + column_at;
            let column = S::as_simd_f64s(&blocks[start..start + BLOCK]).0;
            for (sums, &v) in sums.iter_mut().zip(&values) {
                for k in 0..vectors {
                    let term = if SQUARED {
                        let d = simd.sub_f64s(v, column[k]);
                        simd.mul_f64s(d, d)
                    } else {
                        simd.mul_f64s(v, column[k])
                    };
                    sums[g][k] = simd.add_f64s(sums[g][k], term);
                }
            }
        }
    }
    for (r, sums) in sums.iter().enumerate() {
        for (g, sums) in sums.iter().enumerate() {
            let start = r * width + at + g * BLOCK;
            let out = S::as_mut_simd_f64s(&mut out[start..start + BLOCK]).0;
            out[..vectors].copy_from_slice(&sums[..vectors]);
        }
    }
}

/// One call of the bound kernel (see [`BoundRows::distances`]).
struct Kernel<'a> {
    tile: &'a [f32],
    own: &'a [f32; TILE],
    packed: &'a [f32],
    norms: &'a [f32],
    features: usize,
    out: &'a mut [f32],
}

impl WithSimd for Kernel<'_> {
    type Output = ();

    #[inline(always)]
    fn with_simd<S: Simd>(self, simd: S) {
        let Kernel {
            tile,
            own,
            packed,
            norms,
            features,
            out,
        } = self;
        // vectors per block: 2 with AVX2, 16 on the scalar fallback
        let vectors = BOUND_BLOCK / S::F32_LANES;
        let width = norms.len();
        let zero = simd.splat_f32s(0.0);
        for (b, block) in packed.chunks_exact(BOUND_BLOCK * features).enumerate() {
            let mut sums = [[zero; BOUND_BLOCK]; TILE];
            for (column, tile) in block.chunks_exact(BOUND_BLOCK).zip(tile.chunks_exact(TILE)) {
                let column = S::as_simd_f32s(column).0;
                for (sums, &t) in sums.iter_mut().zip(tile) {
                    let a = simd.splat_f32s(t);
                    for v in 0..vectors {
                        sums[v] = simd.mul_add_e_f32s(a, column[v], sums[v]);
                    }
                }
            }
            let at = b * BOUND_BLOCK;
            let norms = S::as_simd_f32s(&norms[at..at + BOUND_BLOCK]).0;
            for (r, sums) in sums.iter().enumerate() {
                let own = simd.splat_f32s(own[r]);
                let at = r * width + at;
                let out = S::as_mut_simd_f32s(&mut out[at..at + BOUND_BLOCK]).0;
                for v in 0..vectors {
                    // (own + ‖x‖²) − 2p, rounded as the scalar expression is (2p is exact)
                    let twice = simd.add_f32s(sums[v], sums[v]);
                    out[v] = simd.sub_f32s(simd.add_f32s(own, norms[v]), twice);
                }
            }
        }
    }
}

/// Squared Euclidean distance, summed in feature order: the exact ranking the product
/// distances stand in for.
pub(crate) fn squared_distance(a: ArrayView1<f64>, b: ArrayView1<f64>) -> f64 {
    match (a.as_slice(), b.as_slice()) {
        (Some(a), Some(b)) => a.iter().zip(b).map(|(x, y)| (x - y) * (x - y)).sum(),
        _ => a.iter().zip(b).map(|(x, y)| (x - y) * (x - y)).sum(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::Array2;

    #[test]
    fn distances_equal_the_formula_on_small_integers() {
        // small integers, halved by the scale: every product and sum is exact in float32,
        // fused or not
        let x = Array2::from_shape_fn((37, 3), |(i, j)| ((i * 7 + j * 3) % 5) as f64 - 2.0);
        let tests = Array2::from_shape_fn((3, 3), |(i, j)| (i + 2 * j) as f64 - 1.0);
        let packed = BoundRows::new(x.view(), 0.5);
        let mut tile = vec![0.0; TILE * 3];
        let mut own = [0.0; TILE];
        for (r, row) in tests.outer_iter().enumerate() {
            for (f, &v) in row.iter().enumerate() {
                tile[f * TILE + r] = (v * 0.5) as f32;
            }
            own[r] = (row.dot(&row) * 0.25) as f32;
        }
        // the whole width, and a span that starts past the first block
        for span in [0..37, 16..37] {
            let width = span.len().div_ceil(BOUND_BLOCK) * BOUND_BLOCK;
            let mut out = vec![f32::NAN; TILE * width];
            // the machine's own instruction set, and the portable path other machines take
            let mut portable = out.clone();
            packed.distances(&tile, &own, span.clone(), &mut out);
            let kernel = packed.kernel(&tile, &own, span.clone(), &mut portable);
            kernel.with_simd(pulp::Scalar::new());
            for (r, row) in tests.outer_iter().enumerate() {
                for j in span.clone() {
                    let at = r * width + j - span.start;
                    let want = (squared_distance(row, x.row(j)) * 0.25) as f32;
                    assert_eq!(out[at], want, "test row {r}, training row {j}");
                    assert_eq!(
                        portable[at], want,
                        "portable: test row {r}, training row {j}"
                    );
                }
            }
        }
        assert_eq!(packed.rows(), 37);
        let widest = x.outer_iter().map(|r| r.dot(&r)).fold(0.0, f64::max);
        assert_eq!(packed.widest(), widest * 0.25);
    }

    #[test]
    fn sums_have_the_scalar_sums_bits() {
        // awkward reals: a fused or reordered sum would differ in the last bits somewhere
        // 45 rows: five blocks, so both a group of four and a lone block are summed
        let x = Array2::from_shape_fn((45, 5), |(i, j)| ((i * 7 + j * 3) as f64).sin() * 1e3);
        let a: Vec<f64> = (0..5).map(|j| (j as f64 + 0.1).cos() / 3.0).collect();
        let packed = PackedRows::new(x.view());
        for term in [Term::Product, Term::SquaredDifference] {
            let mut out = vec![f64::NAN; 48];
            packed.sums(&[&a], term, 0..6, &mut out);
            // the portable path other machines take
            let mut portable = vec![f64::NAN; 48];
            let sums = Sums {
                packed: &packed.data,
                rows: &[&a],
                term,
                out: &mut portable,
            };
            sums.with_simd(pulp::Scalar::new());
            assert_eq!(out, portable, "{term:?}");
            // a span of blocks, and rows exchanged
            let mut span = vec![f64::NAN; 16];
            packed.sums(&[&a], term, 3..5, &mut span);
            assert_eq!(span, out[24..40], "{term:?}");
            let mut swapped = PackedRows::new(x.view());
            swapped.swap(3, 44);
            let mut after = vec![f64::NAN; 48];
            swapped.sums(&[&a], term, 0..6, &mut after);
            assert_eq!((after[3], after[44]), (out[44], out[3]), "{term:?}");
            // several rows in one pass: each row's own sums, here and on the portable path
            let others: Vec<Vec<f64>> = (1..4)
                .map(|r| a.iter().map(|v| v * (r as f64 + 0.7).ln()).collect())
                .collect();
            for count in 2..=MAX_ROWS {
                let rows: Vec<&[f64]> = [&a[..]]
                    .into_iter()
                    .chain(others.iter().map(|o| &o[..]))
                    .take(count)
                    .collect();
                let mut together = vec![f64::NAN; count * 16];
                packed.sums(&rows, term, 3..5, &mut together);
                let mut portable = vec![f64::NAN; count * 48];
                let sums = Sums {
                    packed: &packed.data,
                    rows: &rows,
                    term,
                    out: &mut portable,
                };
                sums.with_simd(pulp::Scalar::new());
                for (r, row) in rows.iter().enumerate() {
                    let mut alone = vec![f64::NAN; 48];
                    packed.sums(&[row], term, 0..6, &mut alone);
                    let bits = |v: &[f64]| v.iter().map(|v| v.to_bits()).collect::<Vec<_>>();
                    let context = format!("{term:?}, {count} rows, row {r}");
                    assert_eq!(
                        bits(&together[r * 16..][..16]),
                        bits(&alone[24..40]),
                        "{context}"
                    );
                    assert_eq!(bits(&portable[r * 48..][..48]), bits(&alone), "{context}");
                }
            }
            for (j, row) in x.outer_iter().enumerate() {
                let want = row.iter().zip(&a).fold(0.0, |s, (x, v)| match term {
                    Term::Product => s + v * x,
                    Term::SquaredDifference => s + (v - x) * (v - x),
                });
                assert_eq!(out[j].to_bits(), want.to_bits(), "{term:?}, row {j}");
            }
        }
    }
}
