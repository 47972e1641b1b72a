//! Damped Newton's method (Nocedal & Wright 2006, *Numerical Optimization*, §3.1 with the
//! Armijo backtracking of Algorithm 3.1 and Levenberg damping of §3.4) for the smooth, strictly
//! convex objectives of seedfold's GLMs (multinomial logistic and Tweedie regression). A
//! first-order method stalls on them: digits' multinomial problem has a condition number near
//! 10⁵, where 1,000 L-BFGS steps leave the gradient at 1e-5; Newton reaches rounding level in a
//! few dozen steps. Every loop is bounded, so a fit always ends.

use super::dense::{cholesky, solve_cholesky};
use ndarray::{Array1, Array2};

/// Step halvings tried per iteration before the direction is given up.
const MAX_BACKTRACKS: usize = 60;
/// Sufficient-decrease constant of the Armijo condition.
const ARMIJO: f64 = 1e-4;
/// A step that lowers the objective by less than this share of its size ends the search as
/// converged: the optimum is reached to double precision (the `factr` = 64 rule of scipy's
/// L-BFGS-B, which scikit-learn's lbfgs solver uses).
const FTOL: f64 = 64.0 * f64::EPSILON;

/// A twice-differentiable objective.
pub(crate) trait Objective {
    /// The value at `x`, with the gradient written into `gradient`.
    fn value_gradient(&self, x: &[f64], gradient: &mut [f64]) -> f64;
    /// The Hessian at `x` (or a positive definite stand-in such as the expected Hessian).
    fn hessian(&self, x: &[f64]) -> Array2<f64>;
}

/// Where the minimiser stopped.
#[derive(Debug, Clone)]
pub struct Minimum {
    /// The parameters.
    pub x: Vec<f64>,
    /// Newton steps taken.
    pub iterations: usize,
    /// Whether the gradient's largest component fell to the tolerance (relative to the
    /// objective's size when that exceeds 1), or a step lowered the objective by no more
    /// than rounding ([`FTOL`]).
    pub converged: bool,
    /// The gradient's largest component where it stopped.
    pub gradient_norm: f64,
}

fn norm(g: &[f64]) -> f64 {
    g.iter().fold(0.0f64, |m, v| m.max(v.abs()))
}

/// The Newton direction −H⁻¹g, damped (H + λI, λ growing a hundredfold) until H is safely
/// positive definite; steepest descent if no damping helps.
fn direction(hessian: &Array2<f64>, gradient: &[f64]) -> Vec<f64> {
    let scale = hessian
        .diag()
        .fold(0.0f64, |m, &v| m.max(v.abs()))
        .max(f64::MIN_POSITIVE);
    let mut damping = 0.0;
    for _ in 0..8 {
        // the Hessian itself first; a damped copy only when it is not safely definite
        let factor = if damping == 0.0 {
            cholesky(hessian)
        } else {
            let mut h = hessian.clone();
            h.diag_mut().iter_mut().for_each(|v| *v += damping);
            cholesky(&h)
        };
        if let Some(l) = factor {
            let mut step: Array1<f64> = gradient.iter().map(|g| -g).collect();
            solve_cholesky(&l, &mut step);
            if step.iter().all(|v| v.is_finite()) {
                return step.to_vec();
            }
        }
        damping = if damping == 0.0 {
            1e-10 * scale
        } else {
            damping * 100.0
        };
    }
    gradient.iter().map(|g| -g / scale).collect()
}

/// Minimise `f` from `x` until the gradient's largest component is at most
/// `tolerance · max(1, |f|)`, a step lowers `f` by no more than [`FTOL`] of its size, no step
/// along the Newton direction lowers it, or `max_iterations` steps were taken.
pub(crate) fn minimize(
    f: &impl Objective,
    mut x: Vec<f64>,
    tolerance: f64,
    max_iterations: usize,
) -> Minimum {
    let p = x.len();
    let (mut g, mut g_new, mut x_new) = (vec![0.0; p], vec![0.0; p], vec![0.0; p]);
    let mut value = f.value_gradient(&x, &mut g);
    let done = |g: &[f64], value: f64| norm(g) <= tolerance * value.abs().max(1.0);
    let (mut iterations, mut flat) = (0, false);
    while !done(&g, value)
        && iterations < max_iterations
        && value.is_finite()
        && !super::cancel::abandoned()
    {
        let step = direction(&f.hessian(&x), &g);
        let slope: f64 = g.iter().zip(&step).map(|(a, b)| a * b).sum();
        let mut t = 1.0;
        let mut accepted = None;
        for _ in 0..MAX_BACKTRACKS {
            for i in 0..p {
                x_new[i] = x[i] + t * step[i];
            }
            let v = f.value_gradient(&x_new, &mut g_new);
            if v.is_finite() && v <= value + ARMIJO * t * slope {
                accepted = Some(v);
                break;
            }
            t *= 0.5;
        }
        iterations += 1;
        let Some(v) = accepted else { break };
        std::mem::swap(&mut x, &mut x_new);
        std::mem::swap(&mut g, &mut g_new);
        flat = value - v <= FTOL * value.abs().max(v.abs()).max(1.0);
        value = v;
        if flat {
            break;
        }
    }
    Minimum {
        converged: flat || done(&g, value),
        gradient_norm: norm(&g),
        x,
        iterations,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Rosenbrock's banana, f = (1 − a)² + 100 (b − a²)².
    struct Rosenbrock;

    impl Objective for Rosenbrock {
        fn value_gradient(&self, x: &[f64], g: &mut [f64]) -> f64 {
            g[0] = -2.0 * (1.0 - x[0]) - 400.0 * x[0] * (x[1] - x[0] * x[0]);
            g[1] = 200.0 * (x[1] - x[0] * x[0]);
            (1.0 - x[0]).powi(2) + 100.0 * (x[1] - x[0] * x[0]).powi(2)
        }
        fn hessian(&self, x: &[f64]) -> Array2<f64> {
            let off = -400.0 * x[0];
            ndarray::arr2(&[
                [2.0 - 400.0 * (x[1] - 3.0 * x[0] * x[0]), off],
                [off, 200.0],
            ])
        }
    }

    #[test]
    fn reaches_the_minimum_through_a_curved_valley() {
        let m = minimize(&Rosenbrock, vec![-1.2, 1.0], 1e-10, 100);
        assert!(m.converged, "{m:?}");
        assert!(
            (m.x[0] - 1.0).abs() < 1e-8 && (m.x[1] - 1.0).abs() < 1e-8,
            "{m:?}"
        );
    }

    #[test]
    fn stops_at_the_iteration_cap_and_says_so() {
        let m = minimize(&Rosenbrock, vec![-1.2, 1.0], 1e-10, 3);
        assert!(!m.converged);
        assert_eq!(m.iterations, 3);
    }
}
