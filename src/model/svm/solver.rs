//! libsvm's solver for the SVM dual (Chang & Lin 2011, "LIBSVM: a library for support vector
//! machines", ACM TIST 2(3), §4–5): sequential minimal optimisation with the second-order
//! working set of Fan, Chen & Lin (2005, "Working set selection using second order information
//! for training support vector machines", JMLR 6), shrinking, and libsvm's stopping
//! tolerance. Each step follows libsvm's, in its order, so that the iterates are libsvm's.

use super::rows::Rows;
use super::vectorised;
use crate::model::distances::MAX_ROWS;
use crate::model::spare;
use std::ops::Range;

/// Positions from which a step's scans and gradient update are split with a waiting worker.
const SPLIT_STEPS_FROM: usize = 4096;

/// The largest violation of the optimality conditions at which the solver stops (libsvm's
/// `eps`, scikit-learn's `tol`).
const TOLERANCE: f64 = 1e-3;

/// The largest violators on each side [`Solver::fetch_with_likely_rows`] looks among: rows further
/// down the order are asked for later, if at all (6 and 24 took as long as 12 on W15).
const LIKELY: usize = 12;

/// libsvm's stand-in for a curvature that is not positive.
const TAU: f64 = 1e-12;

#[derive(Debug, Clone, Copy, PartialEq)]
#[repr(u8)]
enum Bound {
    Lower,
    Upper,
    Free,
}

/// libsvm's `Solver` for min ½αᵀQα + pᵀα subject to 0 ≤ α ≤ C and yᵀα = 0, its state in
/// position order (the active variables first).
pub(super) struct Solver<Q: Rows> {
    q: Q,
    c: f64,
    active_size: usize,
    gradient: Vec<f64>,
    alpha: Vec<f64>,
    status: Vec<Bound>,
    p: Vec<f64>,
    /// The variable each position holds.
    original: Vec<usize>,
    unshrink: bool,
    /// Room for [`Violations`] and [`Objectives`].
    up: Vec<f64>,
    down: Vec<f64>,
    objective: Vec<f64>,
}

/// A solved dual: α by variable, the offset ρ, and whether the solver stopped at its iteration
/// cap instead of the tolerance.
pub(super) struct Solution {
    pub alpha: Vec<f64>,
    pub rho: f64,
    pub capped: Option<usize>,
}

impl<Q: Rows> Solver<Q> {
    pub(super) fn new(q: Q, p: Vec<f64>, c: f64) -> Solver<Q> {
        let l = p.len();
        Solver {
            q,
            c,
            active_size: l,
            // α = 0: the gradient Qα + p is p
            gradient: p.clone(),
            alpha: vec![0.0; l],
            status: vec![Bound::Lower; l],
            p,
            original: (0..l).collect(),
            unshrink: false,
            up: vec![0.0; l],
            down: vec![0.0; l],
            objective: vec![0.0; l],
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
        self.alpha.swap(i, j);
        self.status.swap(i, j);
        self.p.swap(i, j);
        self.original.swap(i, j);
    }

    pub(super) fn solve(mut self) -> Result<Solution, String> {
        let l = self.alpha.len();
        // libsvm's cap: max(10⁷, 100 l)
        let max_iterations = 10_000_000.max(100 * l);
        let mut iterations = 0;
        let mut counter = l.min(1000) + 1;
        crate::model::cancel::check()?;
        while iterations < max_iterations {
            counter -= 1;
            if counter == 0 {
                counter = l.min(1000);
                self.shrink();
                crate::model::cancel::check()?;
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
    /// below the tolerance. The per-position terms are computed without branches into buffers,
    /// so that they vectorise, then scanned as libsvm scans them (the last of equal maxima or
    /// minima wins).
    fn select(&mut self) -> Option<(usize, usize)> {
        let active = self.active_size;
        let (signs, status, gradient) = (self.q.signs(), &self.status, &self.gradient);
        let scan = |up: &mut [f64], down: &mut [f64], r: Range<usize>| {
            violations(
                up,
                down,
                &signs[r.clone()],
                &status[r.clone()],
                &gradient[r],
            )
        };
        let cut = spare::cut(active, SPLIT_STEPS_FROM);
        let (up, up_rest) = self.up[..active].split_at_mut(cut);
        let (down, down_rest) = self.down[..active].split_at_mut(cut);
        let ((first, first_max), (second, second_max)) = spare::join(
            cut < active,
            || scan(up, down, 0..cut),
            || scan(up_rest, down_rest, cut..active),
        );
        let (g_max, i) = joined(first, second, cut, |v, best| v >= best);
        let g_max2 = greater(first_max, second_max);
        let i = i?;
        self.fetch_with_likely_rows(i, i, active);
        let (q_i, positions) = self.q.row(i, active);
        let (signs, diagonal, down) = (positions.signs(), positions.diagonal(), &self.down);
        let (y_i, d_i) = (signs[i], diagonal[i]);
        let scan = |objective: &mut [f64], r: Range<usize>| {
            let terms = (
                &signs[r.clone()],
                &diagonal[r.clone()],
                &q_i[r.clone()],
                &down[r],
            );
            objectives(objective, terms, g_max, y_i, d_i)
        };
        let objective = &mut self.objective[..active];
        let ((first, second), cut) = spare::in_halves(objective, SPLIT_STEPS_FROM, scan);
        let (_, j) = joined(first, second, cut, |v, best| v <= best);
        if g_max + g_max2 < TOLERANCE {
            return None;
        }
        Some((i, j?))
    }

    /// On large data, when Q_`need` is not computed yet, compute it over `len` positions
    /// together with the rows of the positions other than `skip` not computed yet among the
    /// [`LIKELY`] largest violations of [`Solver::select`]'s pass on either side (I_up's and
    /// I_low's, alternately), as many as one pass over the data computes beside `need`'s row
    /// ([`MAX_ROWS`]): they are the likeliest i's and j's of the steps to come (most are asked
    /// for before the cache drops them: BENCHMARKS.md), and computed together they cost little
    /// more than one row alone. Kernel values are the same whenever they are computed, so
    /// this changes no iterate.
    fn fetch_with_likely_rows(&mut self, need: usize, skip: usize, len: usize) {
        if !(self.q.large() && self.q.absent(need)) {
            return;
        }
        let top = |values: &[f64]| {
            let mut best = [(f64::NEG_INFINITY, need); LIKELY];
            for (t, &v) in values.iter().enumerate() {
                if v > best[LIKELY - 1].0 {
                    let at = best.iter().position(|b| b.0 < v).unwrap_or(LIKELY - 1);
                    best.copy_within(at..LIKELY - 1, at + 1);
                    best[at] = (v, t);
                }
            }
            best
        };
        let active = self.active_size;
        let (up, down) = (top(&self.up[..active]), top(&self.down[..active]));
        let mut rows: Vec<usize> = Vec::with_capacity(MAX_ROWS);
        for (u, d) in up.iter().zip(&down) {
            for &(v, t) in [u, d] {
                if rows.len() < MAX_ROWS - 1
                    && v > f64::NEG_INFINITY
                    && t != need
                    && t != skip
                    && !rows.contains(&t)
                    && self.q.absent(t)
                {
                    rows.push(t);
                }
            }
        }
        rows.push(need);
        self.q.fetch_together(&rows, len);
    }

    /// Optimise α_i and α_j with the others fixed, clipped to the box, and update the
    /// gradient (libsvm's update, bound by bound).
    fn step(&mut self, i: usize, j: usize) {
        let len = self.active_size;
        self.fetch_with_likely_rows(j, i, len);
        let ([q_i, q_j], positions) = self.q.pair(i, j, len);
        let (signs, diagonal) = (positions.signs(), positions.diagonal());
        let c = self.c;
        let (old_i, old_j) = (self.alpha[i], self.alpha[j]);
        let (d_i, d_j) = (diagonal[i], diagonal[j]);
        let q_ij = f64::from(q_i[j]);
        let (g_i, g_j) = (self.gradient[i], self.gradient[j]);
        let (mut a_i, mut a_j) = (old_i, old_j);
        if signs[i] != signs[j] {
            let quad = d_i + d_j + 2.0 * q_ij;
            let delta = (-g_i - g_j) / if quad > 0.0 { quad } else { TAU };
            let diff = a_i - a_j;
            a_i += delta;
            a_j += delta;
            // back into the box (C_i = C_j = C: one bound for both), as libsvm clips
            if diff > 0.0 {
                if a_j < 0.0 {
                    a_j = 0.0;
                    a_i = diff;
                }
                if a_i > c {
                    a_i = c;
                    a_j = c - diff;
                }
            } else {
                if a_i < 0.0 {
                    a_i = 0.0;
                    a_j = -diff;
                }
                if a_j > c {
                    a_j = c;
                    a_i = c + diff;
                }
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
                if a_j > c {
                    a_j = c;
                    a_i = sum - c;
                }
            } else {
                if a_j < 0.0 {
                    a_j = 0.0;
                    a_i = sum;
                }
                if a_i < 0.0 {
                    a_i = 0.0;
                    a_j = sum;
                }
            }
        }
        (self.alpha[i], self.alpha[j]) = (a_i, a_j);
        let (delta_i, delta_j) = (self.alpha[i] - old_i, self.alpha[j] - old_j);
        let update = |gradient: &mut [f64], r: Range<usize>| {
            let rows = q_i[r.clone()].iter().zip(&q_j[r]);
            vectorised(|| {
                for (g, (&qi, &qj)) in gradient.iter_mut().zip(rows) {
                    *g += f64::from(qi) * delta_i + f64::from(qj) * delta_j;
                }
            })
        };
        spare::in_halves(&mut self.gradient[..len], SPLIT_STEPS_FROM, update);
        for t in [i, j] {
            let was_upper = self.status[t] == Bound::Upper;
            self.update_status(t);
            if was_upper != (self.status[t] == Bound::Upper) {
                self.q
                    .add_to_gradient_bar(t, if was_upper { -c } else { c });
            }
        }
    }

    /// Rebuild the gradient of the shrunk variables from G_bar and the free ones.
    fn reconstruct_gradient(&mut self) {
        let (active, l) = (self.active_size, self.alpha.len());
        if active == l {
            return;
        }
        for t in active..l {
            self.gradient[t] = self.q.gradient_bar(t) + self.p[t];
        }
        let free = (0..active)
            .filter(|&t| self.status[t] == Bound::Free)
            .count();
        if free * l > 2 * active * (l - active) {
            for i in active..l {
                let (q_i, _) = self.q.row(i, active);
                let terms = q_i.iter().zip(&self.status).zip(&self.alpha);
                for ((&q, &status), &alpha) in terms {
                    if status == Bound::Free {
                        self.gradient[i] += alpha * f64::from(q);
                    }
                }
            }
        } else {
            for i in 0..active {
                if self.status[i] == Bound::Free {
                    let (q_i, _) = self.q.row(i, l);
                    let alpha_i = self.alpha[i];
                    for (g, &q) in self.gradient[active..l].iter_mut().zip(&q_i[active..]) {
                        *g += alpha_i * f64::from(q);
                    }
                }
            }
        }
    }

    /// Whether variable `t` sits at a bound it will keep (libsvm's `be_shrunk`).
    fn settled(&self, t: usize, g_max1: f64, g_max2: f64) -> bool {
        let (g, positive) = (self.gradient[t], self.q.signs()[t] > 0.0);
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
            let (up, down) = if self.q.signs()[t] > 0.0 {
                (-g, g)
            } else {
                (g, -g)
            };
            if self.q.signs()[t] > 0.0 {
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
            let positive = self.q.signs()[t] > 0.0;
            let yg = self.q.signs()[t] * self.gradient[t];
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

/// The terms of [`Solver::select`]'s first scan for positions of `signs` (I_up's in `up`,
/// I_low's in `down`), the maximal violator among them and the largest of I_low's.
fn violations(
    up: &mut [f64],
    down: &mut [f64],
    signs: &[f64],
    status: &[Bound],
    gradient: &[f64],
) -> ((f64, Option<usize>), f64) {
    let terms = signs.iter().zip(status).zip(gradient);
    vectorised(|| {
        for ((up, down), ((&y, &status), &g)) in up.iter_mut().zip(down.iter_mut()).zip(terms) {
            // −y∇ where α may move up along y (libsvm's I_up), y∇ where it may move down
            // (I_low), −∞ where it may not
            let (may_rise, may_fall) = if y > 0.0 {
                (status != Bound::Upper, status != Bound::Lower)
            } else {
                (status != Bound::Lower, status != Bound::Upper)
            };
            *up = if may_rise {
                -(y * g)
            } else {
                f64::NEG_INFINITY
            };
            *down = if may_fall { y * g } else { f64::NEG_INFINITY };
        }
    });
    let best = last_extreme(up, f64::NEG_INFINITY, |v, best| v >= best);
    (
        best,
        down.iter().fold(f64::NEG_INFINITY, |m, &v| greater(m, v)),
    )
}

/// `v` if it is greater than `m`, else `m`: a fold with it keeps the first of equal maxima
/// (libsvm's G_max2), and folding two halves' folds gives the whole's.
fn greater(m: f64, v: f64) -> f64 {
    if v > m {
        v
    } else {
        m
    }
}

/// The terms of [`Solver::select`]'s second scan (from positions' signs, Q_tt, Q_it and
/// I_low's terms) and its best partner.
fn objectives(
    objective: &mut [f64],
    (signs, diagonal, q_i, down): (&[f64], &[f64], &[f32], &[f64]),
    g_max: f64,
    y_i: f64,
    d_i: f64,
) -> (f64, Option<usize>) {
    let terms = signs.iter().zip(diagonal).zip(q_i).zip(down);
    vectorised(|| {
        for (out, (((&y, &d), &q), &down)) in objective.iter_mut().zip(terms) {
            // for t in I_low with b = G_max + y_t∇_t > 0, the objective's decrease −b²/a
            // when i and t move, a = Q_ii + Q_tt − 2 y_i y_t Q_it (τ when not positive)
            let difference = g_max + down;
            let quad = d_i + d - 2.0 * y_i * y * f64::from(q);
            let quad = if quad > 0.0 { quad } else { TAU };
            *out = if difference > 0.0 {
                -(difference * difference) / quad
            } else {
                f64::INFINITY
            };
        }
    });
    last_extreme(objective, f64::INFINITY, |v, best| v <= best)
}

/// Two halves' [`last_extreme`]s as the scan of both, the second's positions from `cut` on:
/// the second's when it wins or ties.
fn joined(
    first: (f64, Option<usize>),
    (v, t): (f64, Option<usize>),
    cut: usize,
    wins: impl Fn(f64, f64) -> bool,
) -> (f64, Option<usize>) {
    match t {
        Some(t) if first.1.is_none() || wins(v, first.0) => (v, Some(t + cut)),
        _ => first,
    }
}

/// The last position whose value beats all before it by `wins` (libsvm's scans: `>=` for the
/// maximal violator, `<=` for the best partner), among the finite values, and that value
/// (`start` when none is finite). `wins` is `>=` or `<=`: the position is then the last that
/// holds the extreme finite value, found by two passes that vectorise (that value, then the
/// last position equal to it) instead of one whose every step waits on the step before.
fn last_extreme(
    values: &[f64],
    start: f64,
    wins: impl Fn(f64, f64) -> bool + Copy,
) -> (f64, Option<usize>) {
    const LANES: usize = 8;
    let extreme = vectorised(|| {
        let mut lanes = [start; LANES];
        let mut chunks = values.chunks_exact(LANES);
        for chunk in &mut chunks {
            for (lane, &v) in lanes.iter_mut().zip(chunk) {
                *lane = if v.is_finite() && wins(v, *lane) {
                    v
                } else {
                    *lane
                };
            }
        }
        let rest = chunks.remainder().iter().chain(&lanes);
        rest.fold(
            start,
            |m, &v| if v.is_finite() && wins(v, m) { v } else { m },
        )
    });
    if !extreme.is_finite() {
        return (start, None);
    }
    let last = values.iter().rposition(|&v| v == extreme);
    last.map_or((start, None), |t| (values[t], Some(t)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::spare;
    use crate::model::svm::rows::{ClassRows, Points, Positions, RegressionRows};
    use crate::model::svm::Kernel;
    use ndarray::Array2;
    use std::{cell::Cell, rc::Rc};

    /// Rows whose solver computes likely rows together or not as told, counting the passes
    /// that compute rows together.
    struct Told<Q> {
        q: Q,
        together: bool,
        passes: Rc<Cell<usize>>,
    }

    impl<Q: Rows> Rows for Told<Q> {
        fn positions(&self) -> &Positions {
            self.q.positions()
        }
        fn row(&mut self, i: usize, len: usize) -> (&[f32], &Positions) {
            self.q.row(i, len)
        }
        fn pair(&mut self, i: usize, j: usize, len: usize) -> ([&[f32]; 2], &Positions) {
            self.q.pair(i, j, len)
        }
        fn swap(&mut self, i: usize, j: usize) {
            self.q.swap(i, j)
        }
        fn add_to_gradient_bar(&mut self, t: usize, change: f64) {
            self.q.add_to_gradient_bar(t, change)
        }
        fn gradient_bar(&self, t: usize) -> f64 {
            self.q.gradient_bar(t)
        }
        fn large(&self) -> bool {
            self.together
        }
        fn absent(&self, i: usize) -> bool {
            self.q.absent(i)
        }
        fn fetch_together(&mut self, rows: &[usize], len: usize) {
            self.passes.set(self.passes.get() + 1);
            self.q.fetch_together(rows, len)
        }
    }

    /// α's and ρ's bits, and the passes that computed rows together.
    /// `len` values with ties, signed zeros and non-finite values at every kind of position,
    /// one arrangement for each `seed`.
    fn awkward(len: usize, seed: usize) -> Vec<f64> {
        let specials = [
            0.0,
            -0.0,
            1.5,
            -2.0,
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
        ];
        let special = |t: usize| specials[(t * 7 + seed * 13 + t * t * seed) % specials.len()];
        (0..len).map(special).collect()
    }

    /// `n` rows of `d` features, their classes as ±1, and ε-SVR's p (ε = 0.1) for a target
    /// of the features and a cosine.
    fn problem(n: usize, d: usize) -> (Array2<f64>, Vec<f64>, Vec<f64>) {
        let x = Array2::from_shape_fn((n, d), |(i, j)| ((i * 7 + j * 13) as f64 * 0.37).sin());
        let target: Vec<f64> = (0..n)
            .map(|i| x[[i, 0]] - 0.5 * x[[i, d / 2]] + 0.3 * (i as f64 * 1.7).cos())
            .collect();
        let signs = target.iter().map(|&t| if t > 0.0 { 1.0 } else { -1.0 });
        let epsilon = 0.1;
        let p = target.iter().map(|t| epsilon - t);
        let p = p.chain(target.iter().map(|t| epsilon + t)).collect();
        (x, signs.collect(), p)
    }

    fn solve(q: impl Rows, together: bool, p: Vec<f64>) -> (Vec<u64>, u64, usize) {
        let passes = Rc::new(Cell::new(0));
        let told = Told {
            q,
            together,
            passes: passes.clone(),
        };
        let solution = Solver::new(told, p, 10.0).solve().expect("solved");
        let alpha = solution.alpha.iter().map(|a| a.to_bits()).collect();
        (alpha, solution.rho.to_bits(), passes.get())
    }

    #[test]
    fn extremes_are_libsvm_scans() {
        // libsvm's scan, one step after another: the last finite value that beats all before
        fn scan(
            values: &[f64],
            start: f64,
            wins: impl Fn(f64, f64) -> bool,
        ) -> (u64, Option<usize>) {
            let mut best = (start, None);
            for (t, &v) in values.iter().enumerate() {
                if wins(v, best.0) && v.is_finite() {
                    best = (v, Some(t));
                }
            }
            (best.0.to_bits(), best.1)
        }
        for len in [0, 1, 7, 8, 9, 17, 40] {
            for seed in 0..60usize {
                let values = awkward(len, seed);
                let bits = |(v, t): (f64, Option<usize>)| (v.to_bits(), t);
                let up = |v: f64, best: f64| v >= best;
                let down = |v: f64, best: f64| v <= best;
                let context = format!("{values:?}");
                let ours = bits(last_extreme(&values, f64::NEG_INFINITY, up));
                assert_eq!(ours, scan(&values, f64::NEG_INFINITY, up), "max {context}");
                let ours = bits(last_extreme(&values, f64::INFINITY, down));
                assert_eq!(ours, scan(&values, f64::INFINITY, down), "min {context}");
            }
        }
    }

    #[test]
    fn halves_scan_as_one() {
        let bits = |(v, t): (f64, Option<usize>)| (v.to_bits(), t);
        let largest = |values: &[f64]| values.iter().fold(f64::NEG_INFINITY, |m, &v| greater(m, v));
        for len in [0, 1, 9, 17, 40] {
            for seed in 0..60usize {
                let values = awkward(len, seed);
                for cut in 0..=len {
                    let (first, second) = values.split_at(cut);
                    let context = format!("{values:?} cut at {cut}");
                    for (start, wins) in [
                        (
                            f64::NEG_INFINITY,
                            (|v, best| v >= best) as fn(f64, f64) -> bool,
                        ),
                        (f64::INFINITY, |v, best| v <= best),
                    ] {
                        let halves = joined(
                            last_extreme(first, start, wins),
                            last_extreme(second, start, wins),
                            cut,
                            wins,
                        );
                        let whole = last_extreme(&values, start, wins);
                        assert_eq!(bits(halves), bits(whole), "{context}");
                    }
                    let halves = greater(largest(first), largest(second));
                    assert_eq!(halves.to_bits(), largest(&values).to_bits(), "{context}");
                }
            }
        }
    }

    #[test]
    fn a_waiting_worker_changes_no_iterate() {
        // enough positions and kernel row entries to split (4,096 and more)
        let n = 4_200;
        let (x, signs, p) = problem(n, 2);
        let rows: Vec<usize> = (0..n).collect();
        let points = || Points::new(x.view(), &rows, Kernel::Gaussian { gamma: 0.5 });
        let bits = |solution: Solution| {
            let alpha: Vec<u64> = solution.alpha.iter().map(|a| a.to_bits()).collect();
            (alpha, solution.rho.to_bits())
        };
        let classify = || {
            let q = ClassRows::new(points(), signs.clone());
            bits(Solver::new(q, vec![-1.0; n], 10.0).solve().expect("solved"))
        };
        let regress = || {
            let q = RegressionRows::new(points());
            bits(Solver::new(q, p.clone(), 10.0).solve().expect("solved"))
        };
        for (name, solve) in [
            ("classification", &classify as &(dyn Fn() -> _ + Sync)),
            ("regression", &regress),
        ] {
            let alone = solve();
            let taken = spare::TAKEN.load(std::sync::atomic::Ordering::Relaxed);
            let beside = spare::beside_a_waiting_worker(solve);
            let now = spare::TAKEN.load(std::sync::atomic::Ordering::Relaxed);
            assert!(now > taken, "{name}: no half taken by the waiting worker");
            assert!(alone == beside, "{name}: α or ρ differ");
        }
    }

    #[test]
    fn rows_computed_together_change_no_iterate() {
        let n = 300;
        let (x, signs, p) = problem(n, 4);
        let rows: Vec<usize> = (0..n).collect();
        let kernel = Kernel::Gaussian { gamma: 0.5 };
        let points = || Points::new(x.view(), &rows, kernel);
        let classify = |together| {
            solve(
                ClassRows::new(points(), signs.clone()),
                together,
                vec![-1.0; n],
            )
        };
        let (alone, together) = (classify(false), classify(true));
        assert_eq!(alone.2, 0);
        assert!(together.2 > 0, "no rows computed together");
        assert_eq!(
            (alone.0, alone.1),
            (together.0, together.1),
            "classification"
        );
        let regress = |together| solve(RegressionRows::new(points()), together, p.clone());
        let (alone, together) = (regress(false), regress(true));
        assert!(together.2 > 0, "no rows computed together");
        assert_eq!((alone.0, alone.1), (together.0, together.1), "regression");
    }
}
