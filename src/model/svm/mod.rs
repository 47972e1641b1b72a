//! Support vector machines solved as libsvm solves them, so that `svm` is scikit-learn's
//! `SVC`/`SVR` in algorithm as well as in optimum: libsvm's SMO ([`solver`]) on kernel rows
//! computed when it asks for them and kept in a bounded cache ([`rows`]), so a fit's memory
//! does not grow with the square of its rows; predictions sum over the support rows.

mod exp;
mod rows;
mod solver;

use crate::model::distances::{PackedRows, Term, BLOCK};
pub(crate) use exp::exponentiate;
use ndarray::{Array2, ArrayView2};
use pulp::{Arch, Simd, WithSimd};
use rows::{ClassRows, Points, RegressionRows};
use solver::{Solution, Solver};

/// `f()`, compiled for the machine's vector instructions (chosen at run time by pulp), so that
/// the plain loops in it vectorise with them: the solver's per-position passes are bound by
/// how many values an instruction takes.
fn vectorised<R>(f: impl FnOnce() -> R) -> R {
    struct Op<F>(F);
    impl<R, F: FnOnce() -> R> WithSimd for Op<F> {
        type Output = R;
        #[inline(always)]
        fn with_simd<S: Simd>(self, _: S) -> R {
            (self.0)()
        }
    }
    Arch::new().dispatch(Op(f))
}

/// A kernel on feature rows.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Kernel {
    /// exp(−γ‖a − b‖²)
    Gaussian { gamma: f64 },
    /// a·b
    Linear,
}

impl Kernel {
    /// Linear, or Gaussian exp(−‖a − b‖²/width) with the width given or scikit-learn's
    /// `gamma="scale"`, 1/γ = n_features · Var(X) over the training rows `x` (1 when that is 0).
    pub(crate) fn new(linear: bool, width: Option<f64>, x: &Array2<f64>) -> Kernel {
        if linear {
            return Kernel::Linear;
        }
        let width = width.unwrap_or_else(|| {
            let scale = x.ncols() as f64 * x.var(0.0);
            if scale > 0.0 {
                scale
            } else {
                1.0
            }
        });
        Kernel::Gaussian { gamma: 1.0 / width }
    }

    /// The sum libsvm's prediction forms for a test row and a support row: the squared
    /// distance for the Gaussian, the dot product for the linear kernel.
    fn prediction_sum(self) -> Term {
        match self {
            Kernel::Gaussian { .. } => Term::SquaredDifference,
            Kernel::Linear => Term::Product,
        }
    }

    /// K from [`Kernel::prediction_sum`]'s sums, in place.
    fn values_from_sums(self, sums: &mut [f64]) {
        if let Kernel::Gaussian { gamma } = self {
            sums.iter_mut().for_each(|s| *s *= -gamma);
            exponentiate(sums);
        }
    }
}

/// A trained machine: f(x) = Σ coefᵢ K(xᵢ, x) − ρ over its support rows (rows of the training
/// matrix the caller gave), and a warning when the solver stopped at its iteration cap.
#[derive(Debug, Clone)]
pub(crate) struct Machine {
    support: Vec<usize>,
    coef: Vec<f64>,
    rho: f64,
    pub warning: Option<String>,
}

impl Machine {
    /// The machine of `solution` with coefficient `coef[i]` on training row `rows[i]`.
    fn new(rows: &[usize], coef: Vec<f64>, solution: Solution) -> Machine {
        let (support, coef) = rows.iter().zip(coef).filter(|&(_, c)| c != 0.0).unzip();
        Machine {
            support,
            coef,
            rho: solution.rho,
            warning: solution.capped.map(|cap| {
                format!("not converged: the SMO solver stopped at its cap of {cap} iterations")
            }),
        }
    }
}

/// C-support vector classification of the training rows `rows` of `x`: `positive[i]` says
/// whether `rows[i]` is of the class whose decision values are positive. libsvm's C-SVC with
/// equal class weights.
pub(crate) fn classify(
    x: ArrayView2<f64>,
    rows: &[usize],
    positive: &[bool],
    c: f64,
    kernel: Kernel,
) -> Result<Machine, String> {
    let sign: Vec<f64> = positive
        .iter()
        .map(|&p| if p { 1.0 } else { -1.0 })
        .collect();
    let q = ClassRows::new(Points::new(x, rows, kernel), sign.clone());
    let solution = Solver::new(q, vec![-1.0; rows.len()], c).solve()?;
    let coef = solution
        .alpha
        .iter()
        .zip(&sign)
        .map(|(a, y)| a * y)
        .collect();
    Ok(Machine::new(rows, coef, solution))
}

/// ε-support vector regression on all rows of `x`: libsvm's ε-SVR, 2n variables (α then α*)
/// over the n rows' kernel.
pub(crate) fn regress(
    x: ArrayView2<f64>,
    y: &[f64],
    c: f64,
    epsilon: f64,
    kernel: Kernel,
) -> Result<Machine, String> {
    let n = y.len();
    let rows: Vec<usize> = (0..n).collect();
    let q = RegressionRows::new(Points::new(x, &rows, kernel));
    let p = y
        .iter()
        .map(|v| epsilon - v)
        .chain(y.iter().map(|v| epsilon + v));
    let solution = Solver::new(q, p.collect(), c).solve()?;
    let (alpha, alpha_star) = solution.alpha.split_at(n);
    let coef = alpha.iter().zip(alpha_star).map(|(a, b)| a - b).collect();
    Ok(Machine::new(&rows, coef, solution))
}

/// Decision values of every machine for every test row (row-major, test rows × machines).
/// The kernel values of a test row against the support rows of all machines are computed
/// once and shared, as libsvm's one-vs-one prediction does.
pub(crate) fn decisions(
    x_train: ArrayView2<f64>,
    machines: &[Machine],
    x_test: &Array2<f64>,
    kernel: Kernel,
) -> Vec<f64> {
    let mut support: Vec<usize> = machines.iter().flat_map(|m| m.support.clone()).collect();
    support.sort_unstable();
    support.dedup();
    let block = x_train.select(ndarray::Axis(0), &support);
    let packed = PackedRows::new(block.view());
    let at = |r: &usize| support.binary_search(r).expect("a support row");
    let positions: Vec<Vec<usize>> = machines
        .iter()
        .map(|m| m.support.iter().map(at).collect())
        .collect();
    let blocks = support.len().div_ceil(BLOCK);
    let mut values = vec![0.0; blocks * BLOCK];
    let mut out = Vec::with_capacity(x_test.nrows() * machines.len());
    let x_test = x_test.as_standard_layout();
    for row in x_test.rows() {
        packed.sums(
            row.as_slice().expect("standard layout"),
            kernel.prediction_sum(),
            0..blocks,
            &mut values,
        );
        kernel.values_from_sums(&mut values);
        for (m, at) in machines.iter().zip(&positions) {
            let sum = m
                .coef
                .iter()
                .zip(at)
                .fold(0.0, |s, (c, &p)| s + c * values[p]);
            out.push(sum - m.rho);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn two_separable_points_give_the_hard_margin_solution() {
        // x = ±1, linear kernel, C large: w = 1, b = 0, both rows support vectors with α = ½
        let x = array![[1.0], [-1.0]];
        let m = classify(x.view(), &[0, 1], &[true, false], 10.0, Kernel::Linear).unwrap();
        assert_eq!(m.support, vec![0, 1]);
        assert!((m.coef[0] - 0.5).abs() < 1e-12 && (m.coef[1] + 0.5).abs() < 1e-12);
        assert!(m.rho.abs() < 1e-12);
        let test = array![[2.0], [-0.5]];
        let f = decisions(x.view(), &[m], &test, Kernel::Linear);
        assert!(
            (f[0] - 2.0).abs() < 1e-12 && (f[1] + 0.5).abs() < 1e-12,
            "{f:?}"
        );
    }
}
