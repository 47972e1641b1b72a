//! Support vector machines solved as libsvm solves them, so that `svm` is scikit-learn's
//! `SVC`/`SVR` in algorithm as well as in optimum: sequential minimal optimisation with
//! second-order working-set selection (Fan, Chen & Lin 2005, "Working set selection using
//! second order information for training support vector machines", JMLR 6), shrinking, and
//! libsvm's stopping tolerance (Chang & Lin 2011, "LIBSVM: a library for support vector
//! machines", ACM TIST 2(3), §4–5).
//!
//! The kernel matrix is never formed. A row is computed when the solver first asks for it and
//! kept, in float32 as libsvm keeps it, in a cache of scikit-learn's default size (200 MB)
//! that drops the least recently used row when full; so a fit's memory does not grow with the
//! square of its rows.

use super::distances::{PackedRows, Term, BLOCK};
use ndarray::{Array2, ArrayView1, ArrayView2};
use pulp::{Arch, Simd, WithSimd};

/// The largest violation of the optimality conditions at which the solver stops (libsvm's
/// `eps`, scikit-learn's `tol`).
const TOLERANCE: f64 = 1e-3;

/// Bytes of kernel rows kept (scikit-learn's default `cache_size`, 200 MB).
const CACHE_BYTES: usize = 200 << 20;

/// libsvm's stand-in for a curvature that is not positive.
const TAU: f64 = 1e-12;

/// A kernel on feature rows.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Kernel {
    /// exp(−γ‖a − b‖²)
    Gaussian { gamma: f64 },
    /// a·b
    Linear,
}

/// Sum of products in index order, as libsvm's dense kernels add them.
fn dot(a: ArrayView1<f64>, b: ArrayView1<f64>) -> f64 {
    a.iter().zip(b).fold(0.0, |sum, (x, y)| sum + x * y)
}

impl Kernel {
    /// The sum libsvm's prediction forms for a test row and a support row: the squared
    /// distance for the Gaussian, the dot product for the linear kernel.
    fn prediction_sum(self) -> Term {
        match self {
            Kernel::Gaussian { .. } => Term::SquaredDifference,
            Kernel::Linear => Term::Product,
        }
    }

    /// K from [`Kernel::prediction_sum`]'s sums, in place.
    fn from_prediction_sums(self, sums: &mut [f64]) {
        if let Kernel::Gaussian { gamma } = self {
            sums.iter_mut().for_each(|s| *s *= -gamma);
            exponentiate(sums);
        }
    }
}

/// A problem's rows (row-major, and packed for [`PackedRows::sums`]) and their squared
/// norms, from which kernel values come as libsvm's training computes them:
/// exp(−γ(‖a‖² + ‖b‖² − 2a·b)), each dot product summed in feature order.
struct Points<'a> {
    x: &'a [f64],
    d: usize,
    packed: PackedRows,
    norms: Vec<f64>,
    kernel: Kernel,
}

impl<'a> Points<'a> {
    fn new(x: &'a [f64], d: usize, kernel: Kernel) -> Points<'a> {
        let rows = ArrayView2::from_shape((x.len() / d.max(1), d), x).expect("rows × d values");
        let norms = rows.outer_iter().map(|r| dot(r, r)).collect();
        Points {
            x,
            d,
            packed: PackedRows::new(rows),
            norms,
            kernel,
        }
    }

    fn len(&self) -> usize {
        self.norms.len()
    }

    fn row(&self, a: usize) -> &[f64] {
        &self.x[a * self.d..(a + 1) * self.d]
    }

    /// K(a, b) from their dot product.
    fn kernel(&self, a: usize, b: usize, product: f64) -> f64 {
        match self.kernel {
            Kernel::Gaussian { gamma } => {
                exp(-gamma * (self.norms[a] + self.norms[b] - 2.0 * product))
            }
            Kernel::Linear => product,
        }
    }

    fn value(&self, a: usize, b: usize) -> f64 {
        let row = ArrayView1::from(self.row(a));
        self.kernel(a, b, dot(row, ArrayView1::from(self.row(b))))
    }

    /// K(a, ·) over every row, in float32; `products` is room for the dot products.
    fn fill(&self, a: usize, products: &mut Vec<f64>, out: &mut [f32]) {
        products.resize(self.len().div_ceil(BLOCK) * BLOCK, 0.0);
        self.packed.sums(self.row(a), Term::Product, products);
        if let Kernel::Gaussian { gamma } = self.kernel {
            let own = self.norms[a];
            for (p, &norm) in products.iter_mut().zip(&self.norms) {
                *p = -gamma * (own + norm - 2.0 * *p);
            }
            exponentiate(products);
        }
        for (o, &p) in out.iter_mut().zip(products.iter()) {
            *o = p as f32;
        }
    }
}

/// e^x within one unit in the last place, in operations that vectorise (so a kernel row's
/// exponentials take a few instructions each rather than a call each) and that give the same
/// bits on every machine: Cody & Waite's reduction x = k·ln 2 + r, |r| ≤ ln 2 / 2 (Cody &
/// Waite 1980, "Software manual for the elementary functions", ch. 6), e^r by its Taylor
/// polynomial to degree 13 (truncation below 5e-18 relative), times 2^k from its bits.
/// Arguments below −708 give 0 (e^−708 ≈ 3e−308; libm would return tinier numbers, which no
/// float32 kernel value and no decision sum can tell from 0).
#[inline(always)]
fn exp(x: f64) -> f64 {
    // 1.5 × 2⁵²: adding it rounds to an integer, kept in the low bits of the sum
    const SHIFTER: f64 = 6_755_399_441_055_744.0;
    // ln 2 in two parts, the first with trailing zeros so that k·LN2_HIGH is exact (fdlibm)
    const LN2_HIGH: f64 = 6.931_471_803_691_238_164_9e-1;
    const LN2_LOW: f64 = 1.908_214_929_270_587_700_02e-10;
    let x = x.clamp(-708.0, 709.0);
    let shifted = x.mul_add(std::f64::consts::LOG2_E, SHIFTER);
    let k = shifted - SHIFTER;
    let r = k.mul_add(-LN2_LOW, k.mul_add(-LN2_HIGH, x));
    let p = INVERSE_FACTORIALS
        .iter()
        .rev()
        .fold(1.0 / 6_227_020_800.0, |p: f64, &c| p.mul_add(r, c));
    let k_bits = shifted.to_bits().wrapping_sub(SHIFTER.to_bits());
    let scale = f64::from_bits(k_bits.wrapping_add(1023) << 52);
    if x > -708.0 {
        p * scale
    } else {
        0.0
    }
}

/// 1/n! for n = 0..12.
const INVERSE_FACTORIALS: [f64; 13] = [
    1.0,
    1.0,
    1.0 / 2.0,
    1.0 / 6.0,
    1.0 / 24.0,
    1.0 / 120.0,
    1.0 / 720.0,
    1.0 / 5_040.0,
    1.0 / 40_320.0,
    1.0 / 362_880.0,
    1.0 / 3_628_800.0,
    1.0 / 39_916_800.0,
    1.0 / 479_001_600.0,
];

/// `values[i] = e^values[i]`, compiled for the machine's vector instructions.
fn exponentiate(values: &mut [f64]) {
    struct Exponentiate<'a>(&'a mut [f64]);
    impl WithSimd for Exponentiate<'_> {
        type Output = ();
        #[inline(always)]
        fn with_simd<S: Simd>(self, _: S) {
            self.0.iter_mut().for_each(|v| *v = exp(*v));
        }
    }
    Arch::new().dispatch(Exponentiate(values));
}

/// Kernel rows by problem row, the least recently used dropped when the cache is full.
struct Cache {
    rows: Vec<Vec<f32>>,
    /// A doubly linked list of the rows held, oldest first; index `rows.len()` is its head.
    previous: Vec<usize>,
    next: Vec<usize>,
    held: usize,
    capacity: usize,
    products: Vec<f64>,
}

impl Cache {
    fn new(n: usize) -> Cache {
        let capacity = (CACHE_BYTES / (4 * n.max(1))).max(2);
        Cache {
            rows: vec![Vec::new(); n],
            previous: vec![n; n + 1],
            next: vec![n; n + 1],
            held: 0,
            capacity,
            products: Vec::new(),
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

    /// K(a, ·), computed unless held.
    fn row(&mut self, a: usize, points: &Points) -> &[f32] {
        if self.rows[a].is_empty() {
            let mut values = if self.held < self.capacity {
                self.held += 1;
                vec![0.0; points.len()]
            } else {
                let oldest = self.next[self.rows.len()];
                self.unlink(oldest);
                std::mem::take(&mut self.rows[oldest])
            };
            points.fill(a, &mut self.products, &mut values);
            self.rows[a] = values;
        } else {
            self.unlink(a);
        }
        self.push_newest(a);
        &self.rows[a]
    }
}

/// Q of the dual, Q_ij = y_i y_j K(x_i, x_j), in the solver's position order: which problem
/// row and sign each position holds (swapped as the solver shrinks), and K(x_i, x_i).
struct QMatrix<'a> {
    points: Points<'a>,
    cache: Cache,
    sign: Vec<f64>,
    source: Vec<usize>,
    diagonal: Vec<f64>,
}

impl QMatrix<'_> {
    /// Q_i over the first `len` positions.
    fn row(&mut self, i: usize, len: usize, out: &mut [f32]) {
        let values = self.cache.row(self.source[i], &self.points);
        let sign = self.sign[i];
        for (o, (&s, &r)) in out[..len]
            .iter_mut()
            .zip(self.sign.iter().zip(&self.source))
        {
            *o = (sign * s) as f32 * values[r];
        }
    }

    fn swap(&mut self, i: usize, j: usize) {
        self.sign.swap(i, j);
        self.source.swap(i, j);
        self.diagonal.swap(i, j);
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Bound {
    Lower,
    Upper,
    Free,
}

/// libsvm's `Solver` for min ½αᵀQα + pᵀα subject to 0 ≤ α ≤ C and yᵀα = 0, its state in
/// position order (the active variables first).
struct Solver<'a> {
    q: QMatrix<'a>,
    c: f64,
    active_size: usize,
    gradient: Vec<f64>,
    /// The gradient's part from variables at their upper bound, kept to rebuild the gradient
    /// of shrunk variables.
    gradient_bar: Vec<f64>,
    alpha: Vec<f64>,
    status: Vec<Bound>,
    p: Vec<f64>,
    /// The variable each position holds.
    original: Vec<usize>,
    unshrink: bool,
    q_i: Vec<f32>,
    q_j: Vec<f32>,
}

/// A solved dual: α by variable, the offset ρ, and whether the solver stopped at its iteration
/// cap instead of the tolerance.
struct Solution {
    alpha: Vec<f64>,
    rho: f64,
    capped: Option<usize>,
}

impl<'a> Solver<'a> {
    fn new(q: QMatrix<'a>, p: Vec<f64>, c: f64) -> Solver<'a> {
        let l = p.len();
        Solver {
            q,
            c,
            active_size: l,
            // α = 0: the gradient Qα + p is p
            gradient: p.clone(),
            gradient_bar: vec![0.0; l],
            alpha: vec![0.0; l],
            status: vec![Bound::Lower; l],
            p,
            original: (0..l).collect(),
            unshrink: false,
            q_i: vec![0.0; l],
            q_j: vec![0.0; l],
        }
    }

    fn update_status(&mut self, i: usize) {
        self.status[i] = if self.alpha[i] >= self.c {
            Bound::Upper
        } else if self.alpha[i] <= 0.0 {
            Bound::Lower
        } else {
            Bound::Free
        };
    }

    fn swap(&mut self, i: usize, j: usize) {
        self.q.swap(i, j);
        self.gradient.swap(i, j);
        self.gradient_bar.swap(i, j);
        self.alpha.swap(i, j);
        self.status.swap(i, j);
        self.p.swap(i, j);
        self.original.swap(i, j);
    }

    fn solve(mut self) -> Result<Solution, String> {
        let l = self.alpha.len();
        // libsvm's cap: max(10⁷, 100 l)
        let max_iterations = 10_000_000.max(100 * l);
        let mut iterations = 0;
        let mut counter = l.min(1000) + 1;
        while iterations < max_iterations {
            counter -= 1;
            if counter == 0 {
                counter = l.min(1000);
                self.shrink();
                super::cancel::check()?;
            }
            let (i, j) = match self.select() {
                Some(pair) => pair,
                None => {
                    // optimal on the active set: check every variable
                    self.reconstruct_gradient();
                    self.active_size = l;
                    match self.select() {
                        Some(pair) => {
                            counter = 1;
                            pair
                        }
                        None => break,
                    }
                }
            };
            iterations += 1;
            self.step(i, j);
        }
        let capped = (iterations >= max_iterations).then_some(max_iterations);
        if capped.is_some() && self.active_size < l {
            self.reconstruct_gradient();
            self.active_size = l;
        }
        let rho = self.rho();
        let mut alpha = vec![0.0; l];
        for (position, &variable) in self.original.iter().enumerate() {
            alpha[variable] = self.alpha[position];
        }
        Ok(Solution { alpha, rho, capped })
    }

    /// The working set (i, j) of Fan, Chen & Lin (2005, WSS 3): i the maximal violator, j the
    /// partner whose step decreases the objective most; `None` when the largest violation is
    /// below the tolerance. Leaves Q_i in `q_i`.
    fn select(&mut self) -> Option<(usize, usize)> {
        let mut g_max = f64::NEG_INFINITY;
        let mut g_max2 = f64::NEG_INFINITY;
        let mut i = None;
        for t in 0..self.active_size {
            let g = self.gradient[t];
            if self.q.sign[t] > 0.0 {
                if self.status[t] != Bound::Upper && -g >= g_max {
                    g_max = -g;
                    i = Some(t);
                }
            } else if self.status[t] != Bound::Lower && g >= g_max {
                g_max = g;
                i = Some(t);
            }
        }
        let i = i?;
        self.q.row(i, self.active_size, &mut self.q_i);
        let (y_i, d_i) = (self.q.sign[i], self.q.diagonal[i]);
        let mut j = None;
        let mut objective_min = f64::INFINITY;
        for t in 0..self.active_size {
            let (g, y_t) = (self.gradient[t], self.q.sign[t]);
            let grad_diff = if y_t > 0.0 {
                if self.status[t] == Bound::Lower {
                    continue;
                }
                g_max2 = g_max2.max(g);
                g_max + g
            } else {
                if self.status[t] == Bound::Upper {
                    continue;
                }
                g_max2 = g_max2.max(-g);
                g_max - g
            };
            if grad_diff > 0.0 {
                let quad = d_i + self.q.diagonal[t] - 2.0 * y_i * y_t * f64::from(self.q_i[t]);
                let objective = -(grad_diff * grad_diff) / if quad > 0.0 { quad } else { TAU };
                if objective <= objective_min {
                    j = Some(t);
                    objective_min = objective;
                }
            }
        }
        if g_max + g_max2 < TOLERANCE {
            return None;
        }
        Some((i, j?))
    }

    /// Optimise α_i and α_j with the others fixed, clipped to the box, and update the
    /// gradient (libsvm's update, bound by bound). Q_i is in `q_i` from [`Solver::select`].
    fn step(&mut self, i: usize, j: usize) {
        let len = self.active_size;
        self.q.row(j, len, &mut self.q_j);
        let c = self.c;
        let (old_i, old_j) = (self.alpha[i], self.alpha[j]);
        let (d_i, d_j) = (self.q.diagonal[i], self.q.diagonal[j]);
        let q_ij = f64::from(self.q_i[j]);
        let (g_i, g_j) = (self.gradient[i], self.gradient[j]);
        let (mut a_i, mut a_j) = (old_i, old_j);
        if self.q.sign[i] != self.q.sign[j] {
            let quad = d_i + d_j + 2.0 * q_ij;
            let delta = (-g_i - g_j) / if quad > 0.0 { quad } else { TAU };
            let diff = a_i - a_j;
            a_i += delta;
            a_j += delta;
            if diff > 0.0 {
                if a_j < 0.0 {
                    a_j = 0.0;
                    a_i = diff;
                }
            } else if a_i < 0.0 {
                a_i = 0.0;
                a_j = -diff;
            }
            // C_i − C_j = 0: one bound for both
            if diff > 0.0 {
                if a_i > c {
                    a_i = c;
                    a_j = c - diff;
                }
            } else if a_j > c {
                a_j = c;
                a_i = c + diff;
            }
        } else {
            let quad = d_i + d_j - 2.0 * q_ij;
            let delta = (g_i - g_j) / if quad > 0.0 { quad } else { TAU };
            let sum = a_i + a_j;
            a_i -= delta;
            a_j += delta;
            if sum > c {
                if a_i > c {
                    a_i = c;
                    a_j = sum - c;
                }
            } else if a_j < 0.0 {
                a_j = 0.0;
                a_i = sum;
            }
            if sum > c {
                if a_j > c {
                    a_j = c;
                    a_i = sum - c;
                }
            } else if a_i < 0.0 {
                a_i = 0.0;
                a_j = sum;
            }
        }
        (self.alpha[i], self.alpha[j]) = (a_i, a_j);
        let (delta_i, delta_j) = (self.alpha[i] - old_i, self.alpha[j] - old_j);
        for ((g, &qi), &qj) in self.gradient[..len]
            .iter_mut()
            .zip(&self.q_i[..len])
            .zip(&self.q_j[..len])
        {
            *g += f64::from(qi) * delta_i + f64::from(qj) * delta_j;
        }
        let l = self.alpha.len();
        for t in [i, j] {
            let was_upper = self.status[t] == Bound::Upper;
            self.update_status(t);
            if was_upper != (self.status[t] == Bound::Upper) {
                self.q.row(t, l, &mut self.q_i);
                let change = if was_upper { -c } else { c };
                for (g, &q) in self.gradient_bar.iter_mut().zip(&self.q_i) {
                    *g += change * f64::from(q);
                }
            }
        }
    }

    /// Rebuild the gradient of the shrunk variables from `gradient_bar` and the free ones.
    fn reconstruct_gradient(&mut self) {
        let (active, l) = (self.active_size, self.alpha.len());
        if active == l {
            return;
        }
        for t in active..l {
            self.gradient[t] = self.gradient_bar[t] + self.p[t];
        }
        let free = (0..active)
            .filter(|&t| self.status[t] == Bound::Free)
            .count();
        if free * l > 2 * active * (l - active) {
            for i in active..l {
                self.q.row(i, active, &mut self.q_i);
                for t in 0..active {
                    if self.status[t] == Bound::Free {
                        self.gradient[i] += self.alpha[t] * f64::from(self.q_i[t]);
                    }
                }
            }
        } else {
            for i in 0..active {
                if self.status[i] == Bound::Free {
                    self.q.row(i, l, &mut self.q_i);
                    let alpha_i = self.alpha[i];
                    for t in active..l {
                        self.gradient[t] += alpha_i * f64::from(self.q_i[t]);
                    }
                }
            }
        }
    }

    /// Whether variable `t` sits at a bound it will keep (libsvm's `be_shrunk`).
    fn settled(&self, t: usize, g_max1: f64, g_max2: f64) -> bool {
        let (g, positive) = (self.gradient[t], self.q.sign[t] > 0.0);
        match self.status[t] {
            Bound::Upper if positive => -g > g_max1,
            Bound::Upper => -g > g_max2,
            Bound::Lower if positive => g > g_max2,
            Bound::Lower => g > g_max1,
            Bound::Free => false,
        }
    }

    /// Move the settled variables out of the active set; once the violation is within ten
    /// times the tolerance, first bring every variable back, once (libsvm's `do_shrinking`).
    fn shrink(&mut self) {
        let (mut g_max1, mut g_max2) = (f64::NEG_INFINITY, f64::NEG_INFINITY);
        for t in 0..self.active_size {
            let g = self.gradient[t];
            let (up, down) = if self.q.sign[t] > 0.0 {
                (-g, g)
            } else {
                (g, -g)
            };
            if self.q.sign[t] > 0.0 {
                if self.status[t] != Bound::Upper {
                    g_max1 = g_max1.max(up);
                }
                if self.status[t] != Bound::Lower {
                    g_max2 = g_max2.max(down);
                }
            } else {
                if self.status[t] != Bound::Upper {
                    g_max2 = g_max2.max(down);
                }
                if self.status[t] != Bound::Lower {
                    g_max1 = g_max1.max(up);
                }
            }
        }
        if !self.unshrink && g_max1 + g_max2 <= TOLERANCE * 10.0 {
            self.unshrink = true;
            self.reconstruct_gradient();
            self.active_size = self.alpha.len();
        }
        let mut t = 0;
        while t < self.active_size {
            if self.settled(t, g_max1, g_max2) {
                self.active_size -= 1;
                while self.active_size > t {
                    if !self.settled(self.active_size, g_max1, g_max2) {
                        self.swap(t, self.active_size);
                        break;
                    }
                    self.active_size -= 1;
                }
            }
            t += 1;
        }
    }

    /// ρ: the mean of y_i∇_i over the free variables, or the middle of its feasible range
    /// when none is free.
    fn rho(&self) -> f64 {
        let (mut upper, mut lower) = (f64::INFINITY, f64::NEG_INFINITY);
        let (mut free, mut sum) = (0usize, 0.0);
        for t in 0..self.active_size {
            let positive = self.q.sign[t] > 0.0;
            let yg = self.q.sign[t] * self.gradient[t];
            match (self.status[t], positive) {
                (Bound::Upper, false) | (Bound::Lower, true) => upper = upper.min(yg),
                (Bound::Upper, true) | (Bound::Lower, false) => lower = lower.max(yg),
                (Bound::Free, _) => {
                    free += 1;
                    sum += yg;
                }
            }
        }
        if free > 0 {
            sum / free as f64
        } else {
            (upper + lower) / 2.0
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
    fn new(solution: Solution, coef: impl Fn(usize, f64) -> f64, rows: &[usize]) -> Machine {
        let (support, coef): (Vec<usize>, Vec<f64>) = (0..rows.len())
            .map(|r| (rows[r], coef(r, solution.alpha[r])))
            .filter(|&(_, c)| c != 0.0)
            .unzip();
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

/// The rows `rows` of `x` as one row-major block.
fn gathered(x: ArrayView2<f64>, rows: &[usize]) -> Vec<f64> {
    rows.iter().flat_map(|&r| x.row(r).to_vec()).collect()
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
    let block = gathered(x, rows);
    let points = Points::new(&block, x.ncols(), kernel);
    let n = rows.len();
    let sign: Vec<f64> = positive
        .iter()
        .map(|&p| if p { 1.0 } else { -1.0 })
        .collect();
    let q = QMatrix {
        diagonal: (0..n).map(|r| points.value(r, r)).collect(),
        cache: Cache::new(n),
        points,
        sign: sign.clone(),
        source: (0..n).collect(),
    };
    let solution = Solver::new(q, vec![-1.0; n], c).solve()?;
    Ok(Machine::new(solution, |r, a| a * sign[r], rows))
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
    let x = x.as_standard_layout();
    let points = Points::new(x.as_slice().expect("standard layout"), x.ncols(), kernel);
    let n = y.len();
    let diagonal: Vec<f64> = (0..n).map(|r| points.value(r, r)).collect();
    let q = QMatrix {
        diagonal: diagonal.iter().chain(&diagonal).copied().collect(),
        cache: Cache::new(n),
        points,
        sign: (0..2 * n).map(|t| if t < n { 1.0 } else { -1.0 }).collect(),
        source: (0..2 * n).map(|t| t % n).collect(),
    };
    let p = y
        .iter()
        .map(|v| epsilon - v)
        .chain(y.iter().map(|v| epsilon + v));
    let solution = Solver::new(q, p.collect(), c).solve()?;
    let rows: Vec<usize> = (0..n).collect();
    let alpha = &solution.alpha;
    let coef: Vec<f64> = (0..n).map(|r| alpha[r] - alpha[r + n]).collect();
    Ok(Machine::new(solution, |r, _| coef[r], &rows))
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
    let mut values = vec![0.0; support.len().div_ceil(BLOCK) * BLOCK];
    let mut out = Vec::with_capacity(x_test.nrows() * machines.len());
    for row in x_test.outer_iter() {
        packed.sums(&row.to_vec(), kernel.prediction_sum(), &mut values);
        kernel.from_prediction_sums(&mut values);
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
    fn the_cache_drops_the_least_recently_used_row() {
        let x = [0.0, 1.0, 2.0, 3.0];
        let points = Points::new(&x, 1, Kernel::Linear);
        let mut cache = Cache::new(4);
        cache.capacity = 2;
        assert_eq!(cache.row(1, &points), &[0.0, 1.0, 2.0, 3.0]);
        assert_eq!(cache.row(2, &points), &[0.0, 2.0, 4.0, 6.0]);
        cache.row(1, &points);
        // row 2 is now the oldest, so it goes
        assert_eq!(cache.row(3, &points), &[0.0, 3.0, 6.0, 9.0]);
        assert!(cache.rows[2].is_empty() && !cache.rows[1].is_empty());
        assert_eq!(cache.held, 2);
    }

    #[test]
    fn exp_is_within_one_unit_in_the_last_place() {
        let mut worst = 0;
        for i in 0..200_000 {
            let x = -750.0 + 760.0 * i as f64 / 200_000.0 + 1e-7 * (i as f64).sin();
            let (ours, libm) = (exp(x), x.exp());
            if x <= -708.0 {
                assert_eq!(ours, 0.0, "{x}");
                continue;
            }
            let ulps = (ours.to_bits() as i64 - libm.to_bits() as i64).abs();
            worst = worst.max(ulps);
        }
        assert!(worst <= 1, "{worst} ulps");
        assert_eq!(exp(0.0), 1.0);
        // the vectorised path gives the scalar function's bits
        let mut values: Vec<f64> = (0..37).map(|i| -0.37 * i as f64).collect();
        let want: Vec<f64> = values.iter().map(|&v| exp(v)).collect();
        exponentiate(&mut values);
        assert_eq!(values, want);
    }

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
