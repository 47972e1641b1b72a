//! Support vector machines solved as libsvm solves them, so that `svm` is scikit-learn's
//! `SVC`/`SVR` in algorithm as well as in optimum: libsvm's SMO ([`solver`]) on kernel rows
//! computed when it asks for them and kept in a bounded cache ([`rows`]), so a fit's memory
//! does not grow with the square of its rows; predictions sum over the support rows.

mod exp;
mod rows;
mod solver;

use crate::model::distances::{PackedRows, Term, BLOCK, MAX_ROWS};
use crate::model::spare;
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

/// Products (test rows × support rows × features) from which [`decisions`] splits its test
/// rows with a waiting worker: a few hundred microseconds' work, beside which handing over a
/// half (microseconds) costs little.
const SPLIT_DECISIONS_FROM: usize = 1 << 22;

/// Decision values of every machine for every test row (row-major, test rows × machines).
/// The kernel values of a test row against the support rows of all machines are computed
/// once and shared, as libsvm's one-vs-one prediction does. Test rows go [`MAX_ROWS`] at a
/// time: their kernel values from one read of the support rows, and their sums, each in
/// libsvm's order, side by side, so that no sum waits on another's last addition.
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
    let width = blocks * BLOCK;
    let x_test = x_test.as_standard_layout();
    let rows: Vec<&[f64]> = x_test
        .rows()
        .into_iter()
        .map(|row| row.to_slice().expect("standard layout"))
        .collect();
    let mut out = vec![0.0; rows.len() * machines.len()];
    // the decision values of `rows` into `out`
    let decide = |rows: &[&[f64]], out: &mut [f64]| {
        let mut values = vec![0.0; MAX_ROWS * width];
        for (rows, out) in rows
            .chunks(MAX_ROWS)
            .zip(out.chunks_mut(MAX_ROWS * machines.len()))
        {
            // a last group of fewer rows repeats its last row
            let group: [&[f64]; MAX_ROWS] = std::array::from_fn(|r| rows[r.min(rows.len() - 1)]);
            packed.sums(&group, kernel.prediction_sum(), 0..blocks, &mut values);
            kernel.values_from_sums(&mut values);
            for (m, (machine, at)) in machines.iter().zip(&positions).enumerate() {
                let mut sums = [0.0; MAX_ROWS];
                for (c, &p) in machine.coef.iter().zip(at) {
                    for (r, sum) in sums.iter_mut().enumerate() {
                        *sum += c * values[r * width + p];
                    }
                }
                for (r, sum) in sums.iter().take(rows.len()).enumerate() {
                    out[r * machines.len() + m] = sum - machine.rho;
                }
            }
        }
    };
    // the second half of many test rows to a waiting worker, which spins for it meanwhile
    let many = rows.len() * width * x_train.ncols() >= SPLIT_DECISIONS_FROM;
    let _offering = many.then(spare::Offering::new);
    let cut = if many {
        spare::cut(rows.len(), 2 * MAX_ROWS)
    } else {
        rows.len()
    };
    let (first, second) = out.split_at_mut(cut * machines.len());
    spare::join(
        cut < rows.len(),
        || decide(&rows[..cut], first),
        || decide(&rows[cut..], second),
    );
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

    #[test]
    fn a_waiting_worker_changes_no_decision() {
        // products enough to split: 300 test rows × 256 support rows × 64 features
        let x = Array2::from_shape_fn((256, 64), |(i, j)| ((i * 7 + j * 3) as f64).sin());
        let test = Array2::from_shape_fn((300, 64), |(i, j)| ((i * 5 + j) as f64).cos());
        let machine = Machine {
            support: (0..256).collect(),
            coef: (0..256).map(|i| (i as f64 + 0.3).ln() - 2.9).collect(),
            rho: 0.25,
            warning: None,
        };
        let decide = || {
            let f = decisions(
                x.view(),
                std::slice::from_ref(&machine),
                &test,
                Kernel::Gaussian { gamma: 0.05 },
            );
            f.iter().map(|v| v.to_bits()).collect::<Vec<_>>()
        };
        let alone = decide();
        let taken = spare::TAKEN.load(std::sync::atomic::Ordering::Relaxed);
        let beside = spare::beside_a_waiting_worker(decide);
        let now = spare::TAKEN.load(std::sync::atomic::Ordering::Relaxed);
        assert!(now > taken, "no half taken by the waiting worker");
        assert_eq!(alone, beside);
    }

    #[test]
    fn decisions_are_each_rows_sums_in_libsvm_order() {
        // awkward reals; machines sharing some support rows; 7 test rows, so the last group
        // of four is short
        let x = Array2::from_shape_fn((40, 3), |(i, j)| ((i * 7 + j * 3) as f64).sin() * 1e2);
        let test = Array2::from_shape_fn((7, 3), |(i, j)| ((i * 5 + j) as f64).cos() * 1e2);
        let machine = |support: Vec<usize>, rho: f64| Machine {
            coef: support
                .iter()
                .map(|&r| (r as f64 + 0.3).ln() - 1.7)
                .collect(),
            support,
            rho,
            warning: None,
        };
        let machines = [
            machine((0..40).step_by(3).collect(), 0.1),
            machine(vec![39, 2, 17, 5, 6], -2.3),
            machine(vec![], 0.7),
        ];
        for kernel in [Kernel::Gaussian { gamma: 1e-4 }, Kernel::Linear] {
            let f = decisions(x.view(), &machines, &test, kernel);
            assert_eq!(f.len(), 7 * machines.len());
            for (t, row) in test.outer_iter().enumerate() {
                for (m, machine) in machines.iter().enumerate() {
                    // K(x_i, row) summed feature by feature, then Σ coef_i K_i in support order
                    let mut sum = 0.0;
                    for (&i, c) in machine.support.iter().zip(&machine.coef) {
                        let k = match kernel {
                            Kernel::Gaussian { gamma } => {
                                let d = x
                                    .row(i)
                                    .iter()
                                    .zip(&row)
                                    .fold(0.0, |d, (a, b)| d + (a - b) * (a - b));
                                let mut value = [d * -gamma];
                                exponentiate(&mut value);
                                value[0]
                            }
                            Kernel::Linear => {
                                x.row(i).iter().zip(&row).fold(0.0, |d, (a, b)| d + a * b)
                            }
                        };
                        sum += c * k;
                    }
                    let expected = sum - machine.rho;
                    assert_eq!(
                        f[t * machines.len() + m].to_bits(),
                        expected.to_bits(),
                        "{kernel:?}, test row {t}, machine {m}"
                    );
                }
            }
        }
    }
}
