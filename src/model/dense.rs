//! Dense products and Cholesky solves from faer, for the kernels where they dominate a fit
//! (the least-squares Grams, the Newton systems of the GLMs). Always sequential (`Par::Seq`):
//! folds already run in parallel, and a result must not depend on the thread count.

use faer::linalg::matmul::triangular::{matmul, BlockStructure};
use faer::{Accum, ColMut, MatMut, MatRef, Par, Side};
use ndarray::{Array2, ArrayView2};

/// A faer view of `a`: its own memory when it is row- or column-major, else a row-major copy
/// kept in `copy`.
fn view<'c, 'a: 'c>(a: ArrayView2<'a, f64>, copy: &'c mut Option<Array2<f64>>) -> MatRef<'c, f64> {
    let (rows, cols) = a.dim();
    if let Some(s) = a.to_slice() {
        return MatRef::from_row_major_slice(s, rows, cols);
    }
    let transposed = a.reversed_axes();
    if let Some(s) = transposed.to_slice() {
        return MatRef::from_column_major_slice(s, rows, cols);
    }
    let owned = copy.insert(a.as_standard_layout().into_owned());
    MatRef::from_row_major_slice(owned.as_slice().expect("standard layout"), rows, cols)
}

/// `a^T b` for factors whose product is symmetric (such as `X^T diag(w) X` with `a = diag(w) X`,
/// `b = X`): the lower half is computed, the upper half mirrored from it.
pub(crate) fn symmetric_product(a: ArrayView2<f64>, b: ArrayView2<f64>) -> Array2<f64> {
    let (mut copy_a, mut copy_b) = (None, None);
    let n = a.ncols();
    let mut out = Array2::zeros((n, n));
    let dst = MatMut::from_row_major_slice_mut(out.as_slice_mut().expect("fresh"), n, n);
    matmul(
        dst,
        BlockStructure::TriangularLower,
        Accum::Replace,
        view(a, &mut copy_a).transpose(),
        BlockStructure::Rectangular,
        view(b, &mut copy_b),
        BlockStructure::Rectangular,
        1.0,
        Par::Seq,
    );
    for i in 0..n {
        for j in 0..i {
            out[[j, i]] = out[[i, j]];
        }
    }
    out
}

/// Add the lower triangle of `ZᵀZ` to `sums` (row-major, `c × c`), for a row-major
/// `rows × c` block `Z`: half the work of a full product; the upper half is left alone.
pub(crate) fn add_lower_gram(block: &[f64], rows: usize, sums: &mut [f64]) {
    let c = block.len().checked_div(rows).unwrap_or(0);
    let z = MatRef::from_row_major_slice(block, rows, c);
    matmul(
        MatMut::from_row_major_slice_mut(sums, c, c),
        BlockStructure::TriangularLower,
        Accum::Add,
        z.transpose(),
        BlockStructure::Rectangular,
        z,
        BlockStructure::Rectangular,
        1.0,
        Par::Seq,
    );
}

/// Solve `h x = rhs` in place by Cholesky; `false` (and `rhs` unspecified) when `h` is not
/// safely positive definite: a pivot that is not positive, or a squared smallest pivot below
/// `min_pivot_ratio` of the squared largest.
pub(crate) fn cholesky_solve(h: &Array2<f64>, rhs: &mut [f64], min_pivot_ratio: f64) -> bool {
    let mut copy = None;
    let Ok(llt) = view(h.view(), &mut copy).llt(Side::Lower) else {
        return false;
    };
    let pivots = llt.L().diagonal().column_vector();
    let (lo, hi) = pivots.iter().fold((f64::INFINITY, 0.0f64), |(lo, hi), &p| {
        (lo.min(p), hi.max(p))
    });
    // NaN pivots fail this too
    if lo * lo < min_pivot_ratio * hi * hi || lo.is_nan() {
        return false;
    }
    use faer::linalg::solvers::Solve;
    llt.solve_in_place(ColMut::from_slice_mut(rhs).as_mat_mut());
    rhs.iter().all(|v| v.is_finite())
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::{array, s};

    #[test]
    fn products_equal_ndarrays_on_small_integers() {
        // small integers: every product and sum is exact, so any summation order agrees
        let a = array![
            [1.0, 2.0, 0.0],
            [3.0, -1.0, 4.0],
            [0.0, 5.0, 2.0],
            [2.0, 2.0, 2.0]
        ];
        let w = array![1.0, 2.0, 3.0, 4.0];
        let weighted = &a * &w.insert_axis(ndarray::Axis(1));
        assert_eq!(
            symmetric_product(weighted.view(), a.view()),
            weighted.t().dot(&a)
        );
        // column-major and strided views are read, not misread
        let transposed = a.t().as_standard_layout().into_owned();
        let column_major = transposed.t();
        assert_eq!(
            symmetric_product(column_major.view(), a.view()),
            a.t().dot(&a)
        );
        // the lower triangle is added to what is there; the upper is left alone
        let mut sums = vec![1.0; 9];
        add_lower_gram(a.as_slice().unwrap(), a.nrows(), &mut sums);
        let gram = a.t().dot(&a);
        for i in 0..3 {
            for j in 0..3 {
                let expected = if j <= i { gram[[i, j]] + 1.0 } else { 1.0 };
                assert_eq!(sums[i * 3 + j], expected, "({i}, {j})");
            }
        }
        let strided = a.slice(s![..;2, ..]);
        assert_eq!(
            symmetric_product(strided, strided),
            strided.t().dot(&strided)
        );
    }

    #[test]
    fn cholesky_solves_and_refuses_what_is_not_positive_definite() {
        let h = array![[4.0, 2.0], [2.0, 3.0]];
        let mut x = [2.0, 1.0];
        assert!(cholesky_solve(&h, &mut x, 1e-12));
        assert!((x[0] - 0.5).abs() < 1e-15 && x[1].abs() < 1e-15, "{x:?}");
        assert!(!cholesky_solve(
            &array![[1.0, 2.0], [2.0, 1.0]],
            &mut [1.0, 1.0],
            1e-12
        ));
        assert!(!cholesky_solve(
            &array![[1.0, 0.0], [0.0, 1e-14]],
            &mut [1.0, 1.0],
            1e-12
        ));
    }
}
