//! Elastic net (and lasso, l1_ratio = 1) by cyclic coordinate descent, minimising
//! (1/2n)‖y − Xw‖² + α·l1_ratio·‖w‖₁ + (α/2)(1 − l1_ratio)‖w‖² on centred data: the updates,
//! the duality gap and the stopping rule of scikit-learn's `enet_coordinate_descent`
//! (Friedman, Hastie & Tibshirani 2010).
//!
//! With at least as many rows as features the descent runs on the Gram matrix G = XᵀX and
//! q = Xᵀy (scikit-learn's `enet_coordinate_descent_gram`): a coordinate update then costs
//! O(features) instead of O(rows), and the residual's inner products the gap needs follow from
//! G, q and ‖y‖². Otherwise it keeps the residual y − Xw and reads contiguous columns.

use super::dense::StripedMatrix;
use ndarray::{Array1, Array2, ArrayView1, ArrayView2};

/// Where the descent stopped.
pub(crate) struct Descent {
    /// The coefficients.
    pub w: Array1<f64>,
    /// The duality gap at the last check (unscaled).
    pub gap: f64,
    /// The gap the descent stops below, tol · ‖y‖²: a larger `gap` means it did not converge.
    pub gap_tolerance: f64,
    /// Passes over the features.
    pub steps: u32,
}

/// Penalties on the unscaled objective ½‖y − Xw‖² + l1·‖w‖₁ + ½·l2·‖w‖².
#[derive(Clone, Copy)]
struct Penalty {
    l1: f64,
    l2: f64,
}

/// The inner products of the residual r = y − Xw the gap needs.
struct Residual {
    /// Xᵀr.
    xtr: Array1<f64>,
    /// ‖r‖².
    norm2: f64,
    /// rᵀy.
    dot_y: f64,
}

/// The duality gap of the elastic net at `w` (scikit-learn's `enet_coordinate_descent`).
fn duality_gap(w: ArrayView1<f64>, r: &Residual, p: Penalty) -> f64 {
    let xta = &r.xtr - &(&w * p.l2);
    let dual_norm = xta.iter().fold(0.0f64, |m, v| m.max(v.abs()));
    let (c, mut gap) = if dual_norm > p.l1 {
        let c = p.l1 / dual_norm;
        (c, 0.5 * (r.norm2 + r.norm2 * c * c))
    } else {
        (1.0, r.norm2)
    };
    let l1_norm: f64 = w.iter().map(|v| v.abs()).sum();
    gap += p.l1 * l1_norm - c * r.dot_y + 0.5 * p.l2 * (1.0 + c * c) * w.dot(&w);
    gap
}

/// One coordinate's new value from its correlation with the partial residual.
fn soft_threshold(correlation: f64, column_norm2: f64, p: Penalty) -> f64 {
    correlation.signum() * (correlation.abs() - p.l1).max(0.0) / (column_norm2 + p.l2)
}

/// Coordinate descent on centred `x` and `y` with scikit-learn's α and l1_ratio.
pub(crate) fn elastic_net(
    x: ArrayView2<f64>,
    y: ArrayView1<f64>,
    alpha: f64,
    l1_ratio: f64,
    tol: f64,
    max_steps: u32,
) -> Descent {
    let n = x.nrows() as f64;
    let p = Penalty {
        l1: l1_ratio * alpha * n,
        l2: (1.0 - l1_ratio) * alpha * n,
    };
    let state = if x.nrows() >= x.ncols() {
        State::gram(x, y)
    } else {
        State::residual(x, y)
    };
    descend(state, x.ncols(), y.dot(&y), p, tol, max_steps)
}

/// The descent loop over either [`State`]; `y_norm2` is ‖y‖².
fn descend(
    mut state: State,
    d: usize,
    y_norm2: f64,
    p: Penalty,
    tol: f64,
    max_steps: u32,
) -> Descent {
    let mut w = Array1::zeros(d);
    let (mut gap, mut steps) = (1.0 + tol, 0u32);
    let gap_tolerance = tol * y_norm2;
    while steps < max_steps {
        let (mut w_max, mut d_w_max) = (0.0f64, 0.0f64);
        for j in 0..d {
            let norm2 = state.column_norm2(j);
            if norm2.abs() <= f64::EPSILON {
                continue;
            }
            let old = w[j];
            let new = soft_threshold(state.correlation(j, old), norm2, p);
            state.moved(j, new - old);
            w[j] = new;
            d_w_max = d_w_max.max((new - old).abs());
            w_max = w_max.max(new.abs());
        }
        steps += 1;
        if steps == max_steps - 1 || w_max == 0.0 || d_w_max / w_max < tol {
            gap = duality_gap(w.view(), &state.residual_products(w.view(), y_norm2), p);
            if gap < gap_tolerance {
                break;
            }
        }
    }
    Descent {
        w,
        gap,
        gap_tolerance,
        steps,
    }
}

/// What a coordinate update reads and keeps current.
enum State {
    /// G = XᵀX, q = Xᵀy and h = Gw.
    Gram {
        gram: Array2<f64>,
        q: Array1<f64>,
        h: Array1<f64>,
    },
    /// The columns of X (one contiguous row each) and the residual r = y − Xw.
    Residual {
        columns: Array2<f64>,
        norms: Array1<f64>,
        r: Array1<f64>,
        y: Array1<f64>,
    },
}

impl State {
    fn gram(x: ArrayView2<f64>, y: ArrayView1<f64>) -> State {
        State::Gram {
            gram: StripedMatrix::new(x).gram(None),
            q: x.t().dot(&y),
            h: Array1::zeros(x.ncols()),
        }
    }

    fn residual(x: ArrayView2<f64>, y: ArrayView1<f64>) -> State {
        let columns = x.t().as_standard_layout().into_owned();
        State::Residual {
            norms: columns.outer_iter().map(|c| c.dot(&c)).collect(),
            columns,
            r: y.to_owned(),
            y: y.to_owned(),
        }
    }

    fn column_norm2(&self, j: usize) -> f64 {
        match self {
            State::Gram { gram, .. } => gram[[j, j]],
            State::Residual { norms, .. } => norms[j],
        }
    }

    /// x_jᵀ(y − Σ_{k≠j} x_k w_k): column j's correlation with the residual without it.
    fn correlation(&self, j: usize, w_j: f64) -> f64 {
        match self {
            State::Gram { gram, q, h } => q[j] - h[j] + gram[[j, j]] * w_j,
            State::Residual {
                columns, norms, r, ..
            } => columns.row(j).dot(r) + norms[j] * w_j,
        }
    }

    /// Coefficient j moved by `delta`.
    fn moved(&mut self, j: usize, delta: f64) {
        if delta == 0.0 {
            return;
        }
        match self {
            State::Gram { gram, h, .. } => h.scaled_add(delta, &gram.row(j)),
            State::Residual { columns, r, .. } => r.scaled_add(-delta, &columns.row(j)),
        }
    }

    fn residual_products(&self, w: ArrayView1<f64>, y_norm2: f64) -> Residual {
        match self {
            State::Gram { q, h, .. } => {
                let wq = w.dot(q);
                Residual {
                    xtr: q - h,
                    norm2: y_norm2 - 2.0 * wq + w.dot(h),
                    dot_y: y_norm2 - wq,
                }
            }
            State::Residual { columns, r, y, .. } => Residual {
                xtr: columns.dot(r),
                norm2: r.dot(r),
                dot_y: r.dot(y),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::Axis;
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    /// Centred random data with a sparse truth.
    fn data(n: usize, d: usize, seed: u64) -> (Array2<f64>, Array1<f64>) {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let mut x = Array2::from_shape_simple_fn((n, d), || rng.gen_range(-1.0..1.0));
        let truth = Array1::from_shape_fn(d, |j| if j < 3 { 1.0 + j as f64 } else { 0.0 });
        let mut y = x.dot(&truth) + Array1::from_shape_simple_fn(n, || rng.gen_range(-0.5..0.5));
        x -= &x.mean_axis(Axis(0)).unwrap();
        y -= y.mean().unwrap();
        (x, y)
    }

    #[test]
    fn gram_and_residual_descents_agree_and_close_the_gap() {
        let (x, y) = data(80, 6, 1);
        let y_norm2 = y.dot(&y);
        for (alpha, l1_ratio) in [(0.05, 1.0), (0.1, 0.5), (0.001, 0.2)] {
            let p = Penalty {
                l1: l1_ratio * alpha * 80.0,
                l2: (1.0 - l1_ratio) * alpha * 80.0,
            };
            let gram = descend(
                State::gram(x.view(), y.view()),
                6,
                y_norm2,
                p,
                1e-10,
                10_000,
            );
            let residual = descend(
                State::residual(x.view(), y.view()),
                6,
                y_norm2,
                p,
                1e-10,
                10_000,
            );
            for (a, b) in gram.w.iter().zip(&residual.w) {
                assert!((a - b).abs() < 1e-9, "{:?} vs {:?}", gram.w, residual.w);
            }
            assert!(gram.gap < 1e-10 * y_norm2, "gap {}", gram.gap);
            assert_eq!(
                gram.w,
                elastic_net(x.view(), y.view(), alpha, l1_ratio, 1e-10, 10_000).w
            );
        }
    }

    #[test]
    fn the_gram_gap_equals_the_gap_from_the_residual() {
        let (x, y) = data(50, 4, 2);
        let w = Array1::from(vec![0.5, -0.2, 0.0, 1.5]);
        let p = Penalty { l1: 2.0, l2: 0.5 };
        let mut gram = State::gram(x.view(), y.view());
        let mut residual = State::residual(x.view(), y.view());
        for (j, &v) in w.iter().enumerate() {
            gram.moved(j, v);
            residual.moved(j, v);
        }
        let y_norm2 = y.dot(&y);
        let a = duality_gap(w.view(), &gram.residual_products(w.view(), y_norm2), p);
        let b = duality_gap(w.view(), &residual.residual_products(w.view(), y_norm2), p);
        assert!((a - b).abs() <= 1e-9 * b.abs().max(1.0), "{a} vs {b}");
    }

    #[test]
    fn more_features_than_rows_take_the_residual_path_and_converge() {
        let (x, y) = data(10, 30, 3);
        let fit = elastic_net(x.view(), y.view(), 0.01, 1.0, 1e-8, 100_000);
        assert!(fit.gap < 1e-8 * y.dot(&y));
        assert!(fit.w.iter().filter(|v| **v != 0.0).count() <= 10);
    }
}
