//! Penalised generalised linear models solved to their optimum by damped Newton steps
//! ([`newton`](super::newton)): multinomial logistic regression and Tweedie regression.
//!
//! Both minimise a per-row objective over features standardised with the training rows' mean
//! and standard deviation. Centring is absorbed by the unpenalised intercept and the penalty is
//! carried over to the original scale (‖w‖² = Σ (w̃ⱼ/σⱼ)²), so the optimum is exactly that of the
//! unstandardised problem; standardising only keeps the Newton systems well scaled (wine's
//! features span four orders of magnitude).

use super::dense::{product, StripedMatrix};
use super::newton::{minimize, Minimum, Objective};
use ndarray::{concatenate, s, Array1, Array2, ArrayView1, ArrayView2, Axis};

/// Solver settings shared by the GLMs.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Solver {
    /// Largest gradient component (per-row objective, standardised features) to stop at.
    pub tolerance: f64,
    /// Most Newton steps.
    pub max_iterations: usize,
}

/// [x̃ | 1]: `x` standardised by `mean` and `scale`, with a column of ones for the intercept.
fn standardised(x: &Array2<f64>, mean: &Array1<f64>, scale: &Array1<f64>) -> Array2<f64> {
    let z = (x - mean) / scale;
    concatenate(Axis(1), &[z.view(), Array2::ones((x.nrows(), 1)).view()])
        .expect("rows of equal length")
}

/// Training rows standardised, with a column of ones for the intercept: [x̃ | 1].
struct Design {
    mean: Array1<f64>,
    scale: Array1<f64>,
    /// n × (d + 1).
    rows: Array2<f64>,
    /// `rows` for the Hessian's products.
    striped: StripedMatrix,
    /// 1/σⱼ², which carries the penalty to the original scale.
    inv_var: Array1<f64>,
}

impl Design {
    fn new(x: &Array2<f64>) -> Design {
        let mean = x.mean_axis(Axis(0)).expect("training rows");
        let scale = x
            .std_axis(Axis(0), 0.0)
            .mapv(|s| if s > 0.0 { s } else { 1.0 });
        let inv_var = scale.mapv(|s| 1.0 / (s * s));
        let rows = standardised(x, &mean, &scale);
        Design {
            striped: StripedMatrix::new(rows.view()),
            rows,
            mean,
            scale,
            inv_var,
        }
    }

    /// [x̃ | 1] for any rows.
    fn apply(&self, x: &Array2<f64>) -> Array2<f64> {
        standardised(x, &self.mean, &self.scale)
    }

    fn d(&self) -> usize {
        self.mean.len()
    }

    /// Σᵢ wᵢ x̂ᵢ x̂ᵢᵀ over the rows, (d + 1) × (d + 1).
    fn weighted_gram(&self, weights: ArrayView1<f64>) -> Array2<f64> {
        self.striped
            .gram(Some(weights.as_slice().expect("weights made contiguous")))
    }
}

/// Why a solver result is usable but suspect, in words for the records' `warning` column.
fn convergence_warning(m: &Minimum, solver: Solver) -> Option<String> {
    (!m.converged).then(|| {
        format!(
            "not converged: gradient {:.2e} > tol {:.0e} after {} of max_iter {} Newton steps",
            m.gradient_norm, solver.tolerance, m.iterations, solver.max_iterations
        )
    })
}

/// Softmax of each row of logits, in place; returns Σ log-sum-exp − the true class logits.
fn softmax_loss(logits: &mut Array2<f64>, labels: &[usize]) -> f64 {
    let mut loss = 0.0;
    for (mut row, &c) in logits.outer_iter_mut().zip(labels) {
        let top = row.fold(f64::NEG_INFINITY, |a, &v| a.max(v));
        let logit = row[c];
        row.mapv_inplace(|v| libm::exp(v - top));
        let sum: f64 = row.iter().sum();
        loss += top + libm::log(sum) - logit;
        row.mapv_inplace(|e| e / sum);
    }
    loss
}

/// The multinomial objective over `m` seen classes. Parameters: W̃ (m × d, row-major), then
/// the intercepts of the first m − 1 classes (the last is fixed at 0: softmax is unchanged by
/// a shift of every intercept, so this loses nothing and keeps the Hessian definite).
struct Multinomial<'a> {
    design: &'a Design,
    labels: &'a [usize],
    m: usize,
    /// α / n: the penalty of the per-row objective.
    penalty: f64,
}

impl Multinomial<'_> {
    /// Logits of the design's rows for parameters `theta`.
    fn logits(&self, rows: ArrayView2<f64>, theta: &[f64]) -> Array2<f64> {
        let (m, d) = (self.m, self.design.d());
        let mut coef = Array2::zeros((d + 1, m));
        for k in 0..m {
            for j in 0..d {
                coef[[j, k]] = theta[k * d + j];
            }
            if k + 1 < m {
                coef[[d, k]] = theta[m * d + k];
            }
        }
        product(rows, coef.view())
    }

    /// Index of parameter (class k, design column a), if it is free.
    fn index(&self, k: usize, a: usize) -> Option<usize> {
        let d = self.design.d();
        if a < d {
            Some(k * d + a)
        } else {
            (k + 1 < self.m).then_some(self.m * d + k)
        }
    }
}

impl Objective for Multinomial<'_> {
    fn value_gradient(&self, theta: &[f64], grad: &mut [f64]) -> f64 {
        let (m, d, n) = (self.m, self.design.d(), self.labels.len() as f64);
        let mut p = self.logits(self.design.rows.view(), theta);
        let loss = softmax_loss(&mut p, self.labels);
        for (mut row, &c) in p.outer_iter_mut().zip(self.labels) {
            row[c] -= 1.0;
        }
        // (d + 1) × m: the loss's gradient in each class's coefficients
        let g = product(self.design.rows.t(), p.view()) / n;
        let mut reg = 0.0;
        for k in 0..m {
            for a in 0..=d {
                if let Some(i) = self.index(k, a) {
                    grad[i] = g[[a, k]];
                }
            }
            for j in 0..d {
                let w = theta[k * d + j];
                reg += w * w * self.design.inv_var[j];
                grad[k * d + j] += self.penalty * w * self.design.inv_var[j];
            }
        }
        loss / n + 0.5 * self.penalty * reg
    }

    fn hessian(&self, theta: &[f64]) -> Array2<f64> {
        let (m, d, n) = (self.m, self.design.d(), self.labels.len() as f64);
        let mut p = self.logits(self.design.rows.view(), theta);
        softmax_loss(&mut p, self.labels);
        let size = m * d + m - 1;
        let mut h = Array2::zeros((size, size));
        for k in 0..m {
            for l in k..m {
                // ∂²/∂z_k∂z_l of log-sum-exp: p_k (δ_kl − p_l)
                let w = Array1::from_iter(
                    p.outer_iter()
                        .map(|row| row[k] * (f64::from(u8::from(k == l)) - row[l]) / n),
                );
                let block = self.design.weighted_gram(w.view());
                for a in 0..=d {
                    let Some(r) = self.index(k, a) else { continue };
                    for b in 0..=d {
                        let Some(c) = self.index(l, b) else { continue };
                        h[[r, c]] = block[[a, b]];
                        h[[c, r]] = block[[a, b]];
                    }
                }
            }
            for j in 0..d {
                h[[k * d + j, k * d + j]] += self.penalty * self.design.inv_var[j];
            }
        }
        h
    }
}

/// Multinomial logistic regression minimising Σᵢ −ln pᵢ(yᵢ) + α/2 ‖W‖² (intercepts unpenalised),
/// over the classes present in the training rows; scikit-learn's `LogisticRegression(C = 1/α)`
/// has the same optimum. Returns the test rows' probabilities over all `k` classes (row-major)
/// and a warning if the solver stopped before its tolerance.
pub(crate) fn multinomial_logistic(
    x: &Array2<f64>,
    y: ArrayView1<usize>,
    k: usize,
    x_test: &Array2<f64>,
    alpha: f64,
    solver: Solver,
) -> Result<(Vec<f64>, Option<String>), String> {
    let mut seen: Vec<usize> = y.to_vec();
    seen.sort_unstable();
    seen.dedup();
    if seen.len() < 2 {
        return Err(format!(
            "logistic regression needs two classes in the training rows, found {}",
            seen.len()
        ));
    }
    let mut position = vec![0; k];
    seen.iter().enumerate().for_each(|(i, &c)| position[c] = i);
    let labels: Vec<usize> = y.iter().map(|&c| position[c]).collect();
    let design = Design::new(x);
    let objective = Multinomial {
        design: &design,
        labels: &labels,
        m: seen.len(),
        penalty: alpha / labels.len() as f64,
    };
    let size = objective.m * design.d() + objective.m - 1;
    let result = minimize(
        &objective,
        vec![0.0; size],
        solver.tolerance,
        solver.max_iterations,
    );
    let mut p = objective.logits(design.apply(x_test).view(), &result.x);
    softmax_loss(&mut p, &vec![0; x_test.nrows()]);
    let mut out = vec![0.0; x_test.nrows() * k];
    for (row, target) in p.outer_iter().zip(out.chunks_mut(k)) {
        for (&class, &v) in seen.iter().zip(row) {
            target[class] = v;
        }
    }
    Ok((out, convergence_warning(&result, solver)))
}

/// The Tweedie objective (1/n) Σ ½ deviance(yᵢ, μᵢ) + α/2 ‖w‖². Parameters: w̃ (d), intercept.
struct Tweedie<'a, 'y> {
    design: &'a Design,
    y: ArrayView1<'y, f64>,
    power: f64,
    alpha: f64,
}

impl Tweedie<'_, '_> {
    fn log_link(&self) -> bool {
        self.power > 0.0
    }

    /// Half the unit deviance up to terms free of μ, and its derivative in η (the linear
    /// predictor): identity link for power 0, log link (μ = eᶯ) otherwise.
    fn half_deviance(&self, y: f64, eta: f64) -> (f64, f64) {
        let p = self.power;
        if !self.log_link() {
            return (0.5 * (y - eta) * (y - eta), eta - y);
        }
        let mu = libm::exp(eta);
        let value = if p == 1.0 {
            mu - y * eta
        } else if p == 2.0 {
            eta + y / mu
        } else {
            -y * libm::exp((1.0 - p) * eta) / (1.0 - p) + libm::exp((2.0 - p) * eta) / (2.0 - p)
        };
        (value, libm::exp((1.0 - p) * eta) * (mu - y))
    }

    fn eta(&self, theta: &[f64]) -> Array1<f64> {
        self.design.rows.dot(&ArrayView1::from(theta))
    }
}

impl Objective for Tweedie<'_, '_> {
    fn value_gradient(&self, theta: &[f64], grad: &mut [f64]) -> f64 {
        let (d, n) = (self.design.d(), self.y.len() as f64);
        let mut loss = 0.0;
        let slopes: Array1<f64> = self
            .eta(theta)
            .iter()
            .zip(self.y)
            .map(|(&e, &y)| {
                let (v, s) = self.half_deviance(y, e);
                loss += v;
                s / n
            })
            .collect();
        let g = self.design.rows.t().dot(&slopes);
        grad.copy_from_slice(g.as_slice().expect("contiguous"));
        let mut reg = 0.0;
        for j in 0..d {
            reg += theta[j] * theta[j] * self.design.inv_var[j];
            grad[j] += self.alpha * theta[j] * self.design.inv_var[j];
        }
        loss / n + 0.5 * self.alpha * reg
    }

    /// Fisher scoring's expected Hessian (μ^(2−p) per row for the log link, 1 for the
    /// identity), always positive semi-definite; equal to the Hessian for power 0 and 1.
    fn hessian(&self, theta: &[f64]) -> Array2<f64> {
        let (d, n) = (self.design.d(), self.y.len() as f64);
        let weights = if self.log_link() {
            self.eta(theta)
                .mapv(|e| libm::exp((2.0 - self.power) * e) / n)
        } else {
            Array1::from_elem(self.y.len(), 1.0 / n)
        };
        let mut h = self.design.weighted_gram(weights.view());
        let mut diag = h.slice_mut(s![..d, ..d]);
        diag.diag_mut()
            .iter_mut()
            .zip(&self.design.inv_var)
            .for_each(|(v, iv)| *v += self.alpha * iv);
        h
    }
}

/// Tweedie regression (a GLM with Tweedie deviance of `power`; identity link for power 0, log
/// link otherwise) minimising (1/2n) Σ deviance + α/2 ‖w‖², scikit-learn's `TweedieRegressor`
/// objective with α on its scale. Returns the test rows' predicted means and a warning if the
/// solver stopped before its tolerance.
pub(crate) fn tweedie(
    x: &Array2<f64>,
    y: ArrayView1<f64>,
    x_test: &Array2<f64>,
    power: f64,
    alpha: f64,
    solver: Solver,
) -> Result<(Vec<f64>, Option<String>), String> {
    if power > 0.0 && power < 1.0 {
        return Err(format!(
            "tweedie power {power} has no distribution; use 0, or 1 and above"
        ));
    }
    if power >= 1.0 && y.iter().any(|&v| v < 0.0) {
        return Err(format!("tweedie power {power} needs a non-negative target"));
    }
    if power >= 2.0 && y.iter().any(|&v| v <= 0.0) {
        return Err(format!("tweedie power {power} needs a positive target"));
    }
    let design = Design::new(x);
    let objective = Tweedie {
        design: &design,
        y,
        power,
        alpha,
    };
    // start where scikit-learn does: the intercept at the link of the mean target
    let y_mean = y.mean().ok_or("no training rows")?;
    let d = design.d();
    let mut start = vec![0.0; d + 1];
    start[d] = if objective.log_link() {
        libm::log(y_mean.max(f64::MIN_POSITIVE))
    } else {
        y_mean
    };
    let result = minimize(&objective, start, solver.tolerance, solver.max_iterations);
    let eta = design.apply(x_test).dot(&ArrayView1::from(&result.x));
    let predicted = if objective.log_link() {
        eta.mapv(libm::exp)
    } else {
        eta
    };
    Ok((predicted.to_vec(), convergence_warning(&result, solver)))
}
