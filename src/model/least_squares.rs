//! Exact least squares from one Gram matrix: the fast path for `ols` and `ridge`.
//!
//! The features are standardised once (column means and standard deviations of the whole data
//! set) and given an intercept column; G = X̃ᵀX̃ and b = X̃ᵀỹ are computed once. A fold's
//! training system is then G minus the part of the rows it leaves out (a symmetric rank-k
//! downdate, one matrix product over those rows), plus the ridge penalty α‖w‖² rewritten for
//! the standardised columns (α/sⱼ² on the diagonal, none on the intercept), solved by
//! Cholesky. A seed costs one pass over the rows instead of one per fold.

use ndarray::{s, Array1, Array2, ArrayView1, Axis};

/// Smallest accepted ratio of the squared smallest to largest Cholesky pivot; below it the
/// system counts as ill-conditioned and the caller falls back to the generic path.
const MIN_PIVOT_RATIO: f64 = 1e-12;

/// The standardised Gram system of a whole data set.
#[derive(Debug, Clone)]
pub struct GramSystem {
    mean: Array1<f64>,
    scale: Array1<f64>,
    y_mean: f64,
    /// (d+1)×(d+1): standardised features and an intercept column last.
    gram: Array2<f64>,
    /// d+1: X̃ᵀỹ.
    xty: Array1<f64>,
}

impl GramSystem {
    /// Build the system for features `x` and target `y`.
    pub fn new(x: &Array2<f64>, y: ArrayView1<f64>) -> GramSystem {
        let n = x.nrows() as f64;
        let mean = x
            .mean_axis(Axis(0))
            .unwrap_or_else(|| Array1::zeros(x.ncols()));
        let scale = x
            .std_axis(Axis(0), 0.0)
            .mapv(|s| if s > 0.0 { s } else { 1.0 });
        let y_mean = y.sum() / n;
        let mut system = GramSystem {
            mean,
            scale,
            y_mean,
            gram: Array2::zeros((0, 0)),
            xty: Array1::zeros(0),
        };
        let rows: Vec<usize> = (0..x.nrows()).collect();
        let (gram, xty) = system.part(x, y, &rows);
        system.gram = gram;
        system.xty = xty;
        system
    }

    /// Standardised rows with the intercept column, written in one pass.
    fn design(&self, x: &Array2<f64>, rows: &[usize]) -> Array2<f64> {
        let d = x.ncols();
        let mut out = Array2::ones((rows.len(), d + 1));
        let inverse: Vec<f64> = self.scale.iter().map(|s| 1.0 / s).collect();
        let mean = self.mean.as_slice().unwrap_or(&[]);
        for (target, &r) in out.outer_iter_mut().zip(rows) {
            let (target, source) = (target.into_slice().unwrap_or(&mut []), x.row(r));
            for (j, v) in source.iter().enumerate() {
                target[j] = (v - mean[j]) * inverse[j];
            }
        }
        out
    }

    /// G and b of `rows` alone.
    fn part(
        &self,
        x: &Array2<f64>,
        y: ArrayView1<f64>,
        rows: &[usize],
    ) -> (Array2<f64>, Array1<f64>) {
        let z = self.design(x, rows);
        let centred: Array1<f64> = rows.iter().map(|&r| y[r] - self.y_mean).collect();
        (z.t().dot(&z), z.t().dot(&centred))
    }

    /// Fit ridge (α = 0: ordinary least squares) on `train`, predict `test`; `None` when the
    /// training system is ill-conditioned (then use the generic path).
    pub fn fit_predict(
        &self,
        x: &Array2<f64>,
        y: ArrayView1<f64>,
        train: &[usize],
        test: &[usize],
        alpha: f64,
    ) -> Option<Vec<f64>> {
        let n = x.nrows();
        let (mut gram, mut xty) = if train.len() * 2 > n {
            let mut kept = vec![false; n];
            train.iter().for_each(|&r| kept[r] = true);
            let left_out: Vec<usize> = (0..n).filter(|&r| !kept[r]).collect();
            let (g, b) = self.part(x, y, &left_out);
            (&self.gram - &g, &self.xty - &b)
        } else {
            self.part(x, y, train)
        };
        let d = x.ncols();
        for j in 0..d {
            gram[[j, j]] += alpha / (self.scale[j] * self.scale[j]);
        }
        let factor = cholesky(&gram)?;
        solve_cholesky(&factor, &mut xty);
        // back to the original scale: ŷ = x·(β/s) + (β₀ − μ·(β/s)) + ȳ
        let weights = &xty.slice(s![..d]) / &self.scale;
        let offset = xty[d] - weights.dot(&self.mean) + self.y_mean;
        Some(
            test.iter()
                .map(|&r| x.row(r).dot(&weights) + offset)
                .collect(),
        )
    }
}

/// Lower-triangular L with A = LLᵀ (Cholesky–Banachiewicz; Golub & Van Loan 2013, §4.2), or
/// `None` when A is not numerically positive definite.
pub(crate) fn cholesky(a: &Array2<f64>) -> Option<Array2<f64>> {
    let n = a.nrows();
    let mut l = Array2::<f64>::zeros((n, n));
    for i in 0..n {
        for j in 0..=i {
            let dot: f64 = (0..j).map(|k| l[[i, k]] * l[[j, k]]).sum();
            if i == j {
                let pivot = a[[i, i]] - dot;
                if pivot.is_nan() || pivot <= 0.0 {
                    return None;
                }
                l[[i, i]] = pivot.sqrt();
            } else {
                l[[i, j]] = (a[[i, j]] - dot) / l[[j, j]];
            }
        }
    }
    let pivots = l.diag();
    let (lo, hi) = pivots.iter().fold((f64::INFINITY, 0.0f64), |(lo, hi), &p| {
        (lo.min(p), hi.max(p))
    });
    (lo * lo >= MIN_PIVOT_RATIO * hi * hi).then_some(l)
}

/// Solve LLᵀx = b in place.
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

    #[test]
    fn cholesky_solves_and_refuses_singular_systems() {
        let a = ndarray::arr2(&[[4.0, 2.0], [2.0, 3.0]]);
        let l = cholesky(&a).unwrap();
        let mut b = ndarray::arr1(&[2.0, 1.0]);
        solve_cholesky(&l, &mut b);
        assert!((a.dot(&b) - ndarray::arr1(&[2.0, 1.0]))
            .iter()
            .all(|e| e.abs() < 1e-12));
        assert!(cholesky(&ndarray::arr2(&[[1.0, 1.0], [1.0, 1.0]])).is_none());
    }
}
