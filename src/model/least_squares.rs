//! Exact least squares from one Gram matrix: the fast path for `ols` and `ridge`.
//!
//! The features are standardised once (column means and standard deviations of the whole data
//! set) and given an intercept column; G = X̃ᵀX̃ and b = X̃ᵀỹ are computed once. A fold's
//! training system is then G minus the part of the rows it leaves out (a symmetric rank-k
//! downdate: one matrix product Z̃ᵀ[Z̃ | ỹ] over those rows gives both parts), plus the ridge
//! penalty α‖w‖² rewritten for the standardised columns (α/sⱼ² on the diagonal, none on the
//! intercept), solved by Cholesky. A seed costs one pass over the rows instead of one per
//! fold, and in k-fold the left-out rows are the test rows, whose design then predicts them.

use linfa_linalg::{eigh::EigValsh, svd::SVD};
use ndarray::{s, Array1, Array2, ArrayView1, ArrayView2};
use rayon::prelude::*;

use super::dense::{self, cholesky, solve_cholesky, LowerGram};

/// scikit-learn's `LinearRegression(tol=1e-6)`: singular values of the centred design at or
/// below this share of the largest count as zero (`scipy.linalg.lstsq`'s `cond`).
pub(crate) const RANK_TOLERANCE: f64 = 1e-6;

/// Largest condition number of the standardised design the Gram path solves for least
/// squares: its normal equations then lose at most about κ² · ε ≈ 1e-8 relative accuracy.
const GRAM_MAX_CONDITION: f64 = 1e4;

/// The standardised Gram system of a whole data set.
#[derive(Debug, Clone)]
pub struct GramSystem {
    mean: Array1<f64>,
    scale: Array1<f64>,
    /// 1/scale, what a row's centred values are multiplied by.
    inverse: Vec<f64>,
    y_mean: f64,
    /// (d+1)×(d+1): standardised features and an intercept column last.
    gram: Array2<f64>,
    /// d+1: X̃ᵀỹ.
    xty: Array1<f64>,
}

/// Rows per block when the whole data set's system is summed in parallel (blocks summed in
/// block order, so the same bits on any number of threads).
const BLOCK_ROWS: usize = 8192;

/// Rows standardised at a time: a tile small enough to stay in the core's cache while its
/// products are summed.
const TILE_ROWS: usize = 256;

/// Rows of all the tiles one pass holds at once: a row at a time goes into the tile of one of
/// the folds of each seed, so a pass over four 5-fold seeds holds 20 tiles of 64 rows (W2:
/// 20 KB each), which stay in the core's cache between rows where 256-row tiles spilled (3.5 %
/// more of W2's processor time), while one seed's folds keep tiles of [`TILE_ROWS`], as
/// before seeds shared passes. The sums do not depend on it.
const PASS_TILE_BUDGET: usize = 5 * TILE_ROWS;

impl GramSystem {
    /// Build the system for features `x` and target `y`; `None` when a column has a missing
    /// (NaN) cell, found by its mean: the system needs every fold to see the same numbers.
    pub fn new(x: &Array2<f64>, y: ArrayView1<f64>) -> Option<GramSystem> {
        let d = x.ncols();
        let (mean, scale) = column_moments(x);
        if mean.iter().any(|m| m.is_nan()) {
            return None;
        }
        let y_mean = y.sum() / x.nrows().max(1) as f64;
        let mut system = GramSystem {
            mean,
            inverse: scale.iter().map(|s| 1.0 / s).collect(),
            scale,
            y_mean,
            gram: Array2::zeros((d + 1, d + 1)),
            xty: Array1::zeros(d + 1),
        };
        let x = x.as_standard_layout();
        let values = x.as_slice().expect("standard layout is contiguous");
        let rows: Vec<usize> = (0..x.nrows()).collect();
        let parts: Vec<(Array2<f64>, Array1<f64>)> = rows
            .par_chunks(BLOCK_ROWS)
            .map(|block| DESIGN.with_borrow_mut(|design| system.part(values, y, block, design)))
            .collect();
        for (gram, xty) in parts {
            system.gram += &gram;
            system.xty += &xty;
        }
        Some(system)
    }

    /// Append the design of `rows` of the row-major `x` to `design`: standardised features,
    /// the intercept's 1, then the centred target, one row per data row.
    fn design(&self, x: &[f64], y: ArrayView1<f64>, rows: &[usize], design: &mut Vec<f64>) {
        let d = self.mean.len();
        for (i, &r) in rows.iter().enumerate() {
            if let Some(&ahead) = rows.get(i + PREFETCH_ROWS) {
                prefetch(&x[ahead * d..(ahead + 1) * d]);
            }
            let start = design.len();
            design.resize(start + d + 2, 0.0);
            self.design_row(x, y, r, &mut design[start..]);
        }
    }

    /// Row `r`'s design (see [`GramSystem::design`]) into `row`, d + 2 values.
    #[inline]
    fn design_row(&self, x: &[f64], y: ArrayView1<f64>, r: usize, row: &mut [f64]) {
        let d = self.mean.len();
        let (mean, inverse) = (self.mean.as_slice().expect("contiguous"), &self.inverse);
        let (features, rest) = row.split_at_mut(d);
        let values = x[r * d..(r + 1) * d].iter().zip(mean).zip(inverse);
        features
            .iter_mut()
            .zip(values)
            .for_each(|(z, ((v, m), i))| *z = (v - m) * i);
        rest[0] = 1.0;
        rest[1] = y[r] - self.y_mean;
    }

    /// G and b of `rows`: Z̃ᵀZ̃ and Z̃ᵀỹ of their design, which is left in `design`. It is
    /// written a tile at a time, and each tile's lower-triangular product (whose last row is
    /// Z̃ᵀỹ) is summed while the tile is still in the core's cache. Ascending `rows` read
    /// memory front to back, which the hardware prefetches; random order waits on every row.
    fn part(
        &self,
        x: &[f64],
        y: ArrayView1<f64>,
        rows: &[usize],
        design: &mut Vec<f64>,
    ) -> (Array2<f64>, Array1<f64>) {
        let d = self.mean.len();
        let width = d + 2;
        let mut lower = LowerGram::new(vec![0.0; width * width], width, TILE_ROWS);
        design.clear();
        for tile in rows.chunks(TILE_ROWS) {
            let start = design.len();
            self.design(x, y, tile, design);
            design[start..]
                .chunks_exact(width)
                .for_each(|z| lower.push(z));
        }
        self.split_sums(&lower.finish())
    }

    /// G and b from the lower-triangular sums of design rows (b is their last row).
    fn split_sums(&self, sums: &[f64]) -> (Array2<f64>, Array1<f64>) {
        let d = self.mean.len();
        let sums = ArrayView2::from_shape((d + 2, d + 2), sums).expect("(d + 2)² sums");
        let mut gram = sums.slice(s![..=d, ..=d]).to_owned();
        dense::mirror_lower(&mut gram);
        (gram, sums.slice(s![d + 1, ..=d]).to_owned())
    }

    /// The ridge coefficients (α = 0: ordinary least squares) of a fold's training system
    /// `(gram, xty)`, intercept last; `None` when it is ill-conditioned (see
    /// [`GramSystem::fit_predict`] for `scales`).
    fn solve(
        &self,
        (mut gram, mut xty): (Array2<f64>, Array1<f64>),
        alpha: f64,
        scales: Option<&[f64]>,
    ) -> Option<Array1<f64>> {
        if alpha == 0.0 && !self.safely_full_rank(&gram, scales) {
            return None;
        }
        for j in 0..self.mean.len() {
            let fold_scale = scales.map_or(1.0, |s| s[j]);
            gram[[j, j]] += alpha * (fold_scale * fold_scale) / (self.scale[j] * self.scale[j]);
        }
        let factor = cholesky(&gram)?;
        solve_cholesky(&factor, &mut xty);
        Some(xty)
    }

    /// ŷ = z̃·β + ȳ for a standardised row `z` of the design (β's last entry is the intercept).
    fn predict(&self, z: &[f64], beta: &Array1<f64>) -> f64 {
        ArrayView1::from(&z[..beta.len()]).dot(beta) + self.y_mean
    }

    /// Fit ridge (α = 0: ordinary least squares) on `train`, predict `test`; `None` when the
    /// training system is ill-conditioned (then use the generic path).
    ///
    /// `scales`: when the fold's features are scaled before the fit (x − cⱼ)/σⱼ with the
    /// training rows' σⱼ, the centre shifts only the intercept and ridge on the scaled columns
    /// is ridge on the raw ones with penalty α·σⱼ²·wⱼ², so the diagonal gains α·σⱼ²/sⱼ²
    /// instead of α/sⱼ²: the same optimum as scaling the fold's rows, without doing it.
    pub fn fit_predict(
        &self,
        x: &Array2<f64>,
        y: ArrayView1<f64>,
        fold: FoldRows,
        alpha: f64,
        scales: Option<&[f64]>,
    ) -> Option<Vec<f64>> {
        let (train, test) = fold;
        let (n, d) = x.dim();
        let x = x.as_standard_layout();
        let values = x.as_slice().expect("standard layout is contiguous");
        DESIGN.with_borrow_mut(|design| {
            // a large training set is the whole system minus the rows left out, in ascending
            // order; when those are the test rows (k-fold), their design gives the predictions
            let mut designed: Option<Vec<usize>> = None;
            let system = if train.len() * 2 > n {
                let mut kept = vec![0u64; n.div_ceil(64)];
                train.iter().for_each(|&r| kept[r / 64] |= 1 << (r % 64));
                let left_out: Vec<usize> = (0..n)
                    .filter(|&r| kept[r / 64] & (1 << (r % 64)) == 0)
                    .collect();
                let (g, b) = self.part(values, y, &left_out, design);
                designed = Some(left_out);
                (&self.gram - &g, &self.xty - &b)
            } else {
                self.part(values, y, train, design)
            };
            let beta = self.solve(system, alpha, scales)?;
            if designed.as_deref() != Some(test) {
                let mut rows = test.to_vec();
                rows.sort_unstable();
                design.clear();
                self.design(values, y, &rows, design);
            }
            let predicted: Vec<f64> = design
                .chunks_exact(d + 2)
                .map(|z| self.predict(z, &beta))
                .collect();
            Some(in_test_order(test, predicted))
        })
    }
}

/// A fold's training rows and test rows.
pub type FoldRows<'a> = (&'a [usize], &'a [usize]);

/// The rows a split seed's folds leave out, when [`GramSystem::fit_predict_seeds`] may take
/// the folds: each fold trains on more than half the rows, each once, and leaves out exactly
/// its test rows, and no row is left out twice (k-fold and its stratified and grouped forms).
/// Each fold's system is then the whole one minus its test rows' part, as
/// [`GramSystem::fit_predict`] computes it.
pub struct LeftOut {
    /// Per row, the fold that leaves it out ([`KEPT`] when every fold trains on it).
    fold_of: Vec<u8>,
}

/// [`LeftOut::fold_of`] of a row no fold leaves out.
const KEPT: u8 = u8::MAX;

impl LeftOut {
    /// `folds` (training rows, test rows) over `n` rows, if they are such folds.
    pub fn of(folds: &[FoldRows], n: usize) -> Option<LeftOut> {
        if folds.len() >= usize::from(KEPT) {
            return None;
        }
        let mut fold_of = vec![KEPT; n];
        for (f, (train, test)) in folds.iter().enumerate() {
            if train.len() * 2 <= n || train.len() + test.len() != n {
                return None;
            }
            for &r in *test {
                if fold_of[r] != KEPT {
                    return None;
                }
                fold_of[r] = f as u8;
            }
        }
        // with as many rows as there are, a fold that trains on each row once (its rows
        // ascend, as every splitter lists them) and on none of its test rows trains on all
        // the others
        let complement = folds.iter().enumerate().all(|(f, (train, _))| {
            // each row after the one before it (None < Some(r)) and not one of the fold's test rows
            let next = |previous: Option<usize>, &r: &usize| {
                (previous < Some(r) && usize::from(fold_of[r]) != f).then_some(Some(r))
            };
            train.iter().try_fold(None, next).is_some()
        });
        complement.then_some(LeftOut { fold_of })
    }
}

/// A split seed's folds as [`GramSystem::fit_predict_seeds`] takes them.
#[derive(Clone, Copy)]
pub struct SeedFolds<'a> {
    /// Each fold's training and test rows.
    pub folds: &'a [FoldRows<'a>],
    /// The rows `folds` leave out ([`LeftOut::of`] them).
    pub left_out: &'a LeftOut,
    /// Per fold, its training rows' column scales when folds scale their features (see
    /// [`GramSystem::fit_predict`]).
    pub scales: Option<&'a [Vec<f64>]>,
}

/// A seed's least-squares predictions, per α, per fold: a fold's test rows' predictions, or
/// `None` where its system is ill-conditioned.
pub type SeedPredictions = Vec<Vec<Option<Vec<f64>>>>;

impl GramSystem {
    /// [`GramSystem::fit_predict`] at each of `alphas` on every fold of each of `seeds`, with
    /// the same numbers, from one pass over the rows for every fold's part (each row
    /// standardised once into the tile of each fold that leaves it out, the tiles' products
    /// summed while they are in the core's cache, in the order `fit_predict` sums them) and
    /// one for every prediction, where `fit_predict` gathers each fold's rows and writes their
    /// design out and back. The seeds share each pass's reading and standardising of a row.
    /// `parts`: how many threads may share the work (the seeds' folds are dealt between them
    /// for the first pass, the rows cut between them for the second; the numbers do not
    /// depend on it). Per seed: per α, per fold, the test rows' predictions in the order of
    /// its folds' test rows.
    pub fn fit_predict_seeds(
        &self,
        x: &Array2<f64>,
        y: ArrayView1<f64>,
        seeds: &[SeedFolds],
        alphas: &[f64],
        parts: usize,
    ) -> Vec<SeedPredictions> {
        let n = x.nrows();
        let x = x.as_standard_layout();
        let values = x.as_slice().expect("standard layout is contiguous");
        // each seed's folds after the folds of the seeds before it, dealt to the parts in turn
        let first: Vec<usize> = seeds
            .iter()
            .scan(0, |next, seed| {
                let at = *next;
                *next += seed.folds.len();
                Some(at)
            })
            .collect();
        let all_folds: usize = seeds.iter().map(|seed| seed.folds.len()).sum();
        let parts = parts.clamp(1, all_folds.max(1));
        let mut sums: Vec<Vec<Vec<f64>>> = seeds
            .iter()
            .map(|seed| vec![Vec::new(); seed.folds.len()])
            .collect();
        let summed: Vec<_> = (0..parts)
            .into_par_iter()
            .map(|part| {
                let take = |s: usize, f: usize| (first[s] + f) % parts == part;
                self.left_out_sums(values, y, seeds, take)
            })
            .collect();
        for ((s, f), fold_sums) in summed.into_iter().flatten() {
            sums[s][f] = fold_sums;
        }
        let betas: Vec<Vec<Vec<Option<Array1<f64>>>>> = seeds
            .par_iter()
            .zip(&sums)
            .map(|(seed, sums)| self.solve_folds(sums, alphas, seed.scales))
            .collect();
        let step = n.div_ceil(parts).max(1);
        let mut pieces: Vec<_> = (0..n)
            .step_by(step)
            .collect::<Vec<_>>()
            .into_par_iter()
            .map(|start| {
                let rows = start..(start + step).min(n);
                self.predict_rows(values, y, seeds, rows, &betas)
            })
            .collect();
        // a fold's predictions in row order: the pieces' in turn
        let mut joined = |s: usize, a: usize, f: usize| {
            let (first, rest) = pieces.split_first_mut().expect("at least one piece");
            let mut all = std::mem::take(&mut first[s][a][f]);
            rest.iter_mut()
                .for_each(|piece| all.append(&mut piece[s][a][f]));
            all
        };
        let seeds_betas = seeds.iter().zip(&betas).enumerate();
        seeds_betas
            .map(|(s, (seed, betas))| {
                let alphas_betas = betas.iter().enumerate();
                alphas_betas
                    .map(|(a, per_fold)| {
                        let folds = per_fold.iter().zip(seed.folds).enumerate();
                        folds
                            .map(|(f, (beta, (_, test)))| {
                                beta.as_ref()?;
                                Some(in_test_order(test, joined(s, a, f)))
                            })
                            .collect()
                    })
                    .collect()
            })
            .collect()
    }

    /// Per α, per fold: the coefficients of each fold's training system (the whole system
    /// minus the lower-triangular `sums` of its left-out rows), `None` where ill-conditioned.
    fn solve_folds(
        &self,
        sums: &[Vec<f64>],
        alphas: &[f64],
        scales: Option<&[Vec<f64>]>,
    ) -> Vec<Vec<Option<Array1<f64>>>> {
        let training: Vec<(Array2<f64>, Array1<f64>)> = sums
            .iter()
            .map(|sums| {
                let (g, b) = self.split_sums(sums);
                (&self.gram - &g, &self.xty - &b)
            })
            .collect();
        let scale = |f: usize| scales.map(|s| s[f].as_slice());
        alphas
            .iter()
            .map(|&alpha| {
                let solved = training.iter().enumerate();
                solved
                    .map(|(f, system)| self.solve(system.clone(), alpha, scale(f)))
                    .collect()
            })
            .collect()
    }

    /// The lower-triangular sums of the left-out rows' design of each (seed, fold) `take`
    /// accepts, in one pass over the rows (ascending, as [`GramSystem::part`] sums them): each
    /// row is standardised once, into the tile of each taken fold that leaves it out, whose
    /// products are summed while it is in the core's cache.
    fn left_out_sums(
        &self,
        values: &[f64],
        y: ArrayView1<f64>,
        seeds: &[SeedFolds],
        take: impl Fn(usize, usize) -> bool,
    ) -> Vec<((usize, usize), Vec<f64>)> {
        let d = self.mean.len();
        let width = d + 2;
        let taken = seeds.iter().enumerate().map(|(s, seed)| {
            let folds = 0..seed.folds.len();
            folds.filter(|&f| take(s, f)).count()
        });
        let tile_rows = (PASS_TILE_BUDGET / taken.sum::<usize>().max(1)).clamp(1, TILE_ROWS);
        // per seed, per fold taken: its rows' sums so far, a tile (no larger than the fold) at
        // a time
        let mut sums: Vec<Vec<Option<LowerGram>>> = seeds
            .iter()
            .enumerate()
            .map(|(s, seed)| {
                let folds = seed.folds.iter().enumerate();
                folds
                    .map(|(f, (_, test))| {
                        let tile_rows = test.len().min(tile_rows);
                        let start = || LowerGram::new(vec![0.0; width * width], width, tile_rows);
                        take(s, f).then(start)
                    })
                    .collect()
            })
            .collect();
        let n = seeds.first().map_or(0, |seed| seed.left_out.fold_of.len());
        // the row's design, whole strips of it (zeros past its end)
        let mut z = vec![0.0; LowerGram::padded_len(width)];
        for r in 0..n {
            if let Some(ahead) = values.get((r + PREFETCH_ROWS) * d..(r + PREFETCH_ROWS + 1) * d) {
                prefetch(ahead);
            }
            let mut designed = false;
            for (seed, sums) in seeds.iter().zip(&mut sums) {
                // a kept row's fold (KEPT) is past the last
                let fold = sums.get_mut(usize::from(seed.left_out.fold_of[r]));
                let Some(sums) = fold.and_then(Option::as_mut) else {
                    continue;
                };
                if !designed {
                    self.design_row(values, y, r, &mut z[..width]);
                    designed = true;
                }
                sums.push_padded(&z);
            }
        }
        let folds = sums.into_iter().enumerate().flat_map(|(s, per_fold)| {
            let per_fold = per_fold.into_iter().enumerate();
            per_fold.filter_map(move |(f, sums)| Some(((s, f), sums?.finish())))
        });
        folds.collect()
    }

    /// Per seed, per α, per fold: the predictions of `betas` (per seed, per α, per fold) for
    /// the left-out rows in `rows`, in row order.
    fn predict_rows(
        &self,
        values: &[f64],
        y: ArrayView1<f64>,
        seeds: &[SeedFolds],
        rows: std::ops::Range<usize>,
        betas: &[Vec<Vec<Option<Array1<f64>>>>],
    ) -> Vec<Vec<Vec<Vec<f64>>>> {
        let mut predicted: Vec<Vec<Vec<Vec<f64>>>> = seeds
            .iter()
            .zip(betas)
            .map(|(seed, betas)| {
                let mut counts = vec![0; seed.folds.len()];
                for &f in &seed.left_out.fold_of[rows.clone()] {
                    if f != KEPT {
                        counts[usize::from(f)] += 1;
                    }
                }
                let room = |(beta, &count): (&Option<_>, _)| beta.as_ref().map_or(0, |_| count);
                let per_alpha = betas.iter().map(|per_fold| {
                    let rooms = per_fold.iter().zip(&counts).map(room);
                    rooms.map(Vec::with_capacity).collect()
                });
                per_alpha.collect()
            })
            .collect();
        // per seed, per fold: whether any α predicts its rows
        let wanted: Vec<Vec<bool>> = seeds
            .iter()
            .zip(betas)
            .map(|(seed, betas)| {
                let folds = 0..seed.folds.len();
                folds
                    .map(|f| betas.iter().any(|b| b[f].is_some()))
                    .collect()
            })
            .collect();
        let mut z = vec![0.0; self.mean.len() + 2];
        for r in rows {
            let mut designed = false;
            for (s, seed) in seeds.iter().enumerate() {
                // a kept row's fold (KEPT) is past the last
                let f = usize::from(seed.left_out.fold_of[r]);
                if !wanted[s].get(f).copied().unwrap_or(false) {
                    continue;
                }
                if !designed {
                    self.design_row(values, y, r, &mut z);
                    designed = true;
                }
                for (per_fold, out) in betas[s].iter().zip(&mut predicted[s]) {
                    if let Some(beta) = &per_fold[f] {
                        out[f].push(self.predict(&z, beta));
                    }
                }
            }
        }
        predicted
    }
}

/// `ascending`, one prediction per row of `test` in ascending row order, in the order of
/// `test`.
fn in_test_order(test: &[usize], ascending: Vec<f64>) -> Vec<f64> {
    if test.is_sorted() {
        return ascending;
    }
    let mut rows = test.to_vec();
    rows.sort_unstable();
    let at = |r: &usize| rows.binary_search(r).expect("every test row is designed");
    test.iter().map(|r| ascending[at(r)]).collect()
}

impl GramSystem {
    /// Whether a fold's least-squares system (`gram`, standardised, intercept last) may be
    /// solved from the Gram matrix and still give scikit-learn's `LinearRegression` answer.
    /// That answer keeps only singular values of the raw centred design above
    /// [`RANK_TOLERANCE`] · σ_max, and normal equations lose accuracy as κ² grows, so the
    /// fast path takes only systems whose centred standardised design Z has κ(Z) ≤
    /// [`GRAM_MAX_CONDITION`] and whose raw design (Z times the column scales, κ ≤ κ(Z) · the
    /// ratio of the largest to the smallest scale) is surely above the rank cut-off; every
    /// other fold (constant, duplicated or one-hot columns, wildly different units) goes to
    /// the minimum-norm solve of the model itself.
    fn safely_full_rank(&self, gram: &Array2<f64>, fold_scales: Option<&[f64]>) -> bool {
        let d = self.mean.len();
        let n = gram[[d, d]];
        if d == 0 || n < 1.0 {
            return false;
        }
        // eliminate the intercept: the Gram matrix of the columns centred on the fold's rows
        let column = gram.slice(s![..d, d]);
        let mut centred = gram.slice(s![..d, ..d]).to_owned();
        for i in 0..d {
            for j in 0..d {
                centred[[i, j]] -= column[i] * column[j] / n;
            }
        }
        let units: Vec<f64> = (0..d)
            .map(|j| self.scale[j] / fold_scales.map_or(1.0, |s| s[j]))
            .collect();
        let (small, large) = units.iter().fold((f64::INFINITY, 0.0f64), |(lo, hi), &v| {
            (lo.min(v), hi.max(v))
        });
        let safe = |condition: f64| {
            condition <= GRAM_MAX_CONDITION && condition * (large / small) < 0.5 / RANK_TOLERANCE
        };
        // a cheap bound that passes decides as the exact condition number would (it is never
        // below it); only the folds it cannot clear pay for the eigenvalues
        if condition_bound(&centred).is_some_and(safe) {
            return true;
        }
        let Ok(eigenvalues) = centred.eigvalsh() else {
            return false;
        };
        let (lo, hi) = eigenvalues
            .iter()
            .fold((f64::INFINITY, 0.0f64), |(lo, hi), &v| {
                (lo.min(v), hi.max(v))
            });
        !(lo.is_nan() || lo <= 0.0) && safe((hi / lo).sqrt())
    }
}

/// An upper bound on κ = √(λ_max / λ_min) of a symmetric positive definite `a`, from its
/// Cholesky factor L: λ_max ≤ trace(A) and 1/λ_min = ‖L⁻¹‖₂² ≤ ‖L⁻¹‖_F², so κ² ≤ trace(A) ·
/// ‖L⁻¹‖_F², at most d² times κ² (Golub & Van Loan 2013, §2.3). `None` when the factor fails.
fn condition_bound(a: &Array2<f64>) -> Option<f64> {
    let l = cholesky(a)?;
    let n = a.nrows();
    let mut inverse_norm = 0.0;
    let mut column = vec![0.0; n];
    for j in 0..n {
        // column j of L⁻¹ by forward substitution on the unit vector eⱼ (zero above row j)
        for i in j..n {
            let dot: f64 = (j..i).map(|k| l[[i, k]] * column[k]).sum();
            let unit = if i == j { 1.0 } else { 0.0 };
            column[i] = (unit - dot) / l[[i, i]];
            inverse_norm += column[i] * column[i];
        }
    }
    let condition = (a.diag().sum() * inverse_norm).sqrt();
    condition.is_finite().then_some(condition)
}

/// How far ahead [`GramSystem::design`] asks for rows: a fold's rows are a random subset in
/// ascending order, whose gaps the hardware cannot foresee, so without the hint every row
/// waits for memory. [`GramSystem::fit_predict_seeds`] reads every row in order, and the hint
/// still saves it a twentieth: its tiles' products leave the hardware's prefetching behind.
const PREFETCH_ROWS: usize = 8;

/// Ask the core to bring `values` into its cache (a hint only: nothing is read or changed).
fn prefetch(values: &[f64]) {
    #[cfg(target_arch = "x86_64")]
    for line in values.chunks(8) {
        use std::arch::x86_64::{_mm_prefetch, _MM_HINT_T0};
        // SAFETY: a prefetch reads no memory and cannot fault, whatever the address.
        unsafe { _mm_prefetch::<_MM_HINT_T0>(line.as_ptr().cast()) }
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = values;
}

thread_local! {
    /// Each worker thread's design buffer, reused from fold to fold.
    static DESIGN: std::cell::RefCell<Vec<f64>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Column means and standard deviations (zero ones replaced by 1), in two passes over the
/// rows: a row-major walk, where a column at a time would stride through memory.
pub(crate) fn column_moments(x: &Array2<f64>) -> (Array1<f64>, Array1<f64>) {
    let (n, d) = x.dim();
    let x = x.as_standard_layout();
    let rows = x.as_slice().expect("standard layout is contiguous");
    let rows = rows.chunks_exact(d.max(1)).take(n);
    let mut mean = vec![0.0; d];
    for row in rows.clone() {
        mean.iter_mut().zip(row).for_each(|(m, v)| *m += v);
    }
    mean.iter_mut().for_each(|m| *m /= n.max(1) as f64);
    let mut variance = vec![0.0; d];
    for row in rows {
        variance
            .iter_mut()
            .zip(row.iter().zip(&mean))
            .for_each(|(v, (x, m))| *v += (x - m) * (x - m));
    }
    let scale = variance.iter().map(|v| {
        let s = (v / n.max(1) as f64).sqrt();
        if s > 0.0 {
            s
        } else {
            1.0
        }
    });
    (Array1::from(mean), scale.collect())
}

/// The minimum-norm least-squares coefficients of `x` (training rows already centred) for the
/// centred target `y`, as scikit-learn's `LinearRegression` computes them (`scipy.linalg.lstsq`,
/// LAPACK `gelsd`): w = V Σ⁺ Uᵀy from the thin singular value decomposition, with singular
/// values at or below [`RANK_TOLERANCE`] · σ_max counted as zero (Golub & Van Loan 2013,
/// §5.5.4).
/// A rank-deficient design (a constant or duplicated column, one-hot columns with every level
/// beside the intercept) so gets the one solution scikit-learn gives instead of a Cholesky
/// failure or noise.
pub(crate) fn min_norm_least_squares(
    x: ArrayView2<f64>,
    y: ArrayView1<f64>,
) -> Result<Array1<f64>, String> {
    let (n, d) = x.dim();
    if n == 0 || d == 0 {
        return Ok(Array1::zeros(d));
    }
    let (u, sigma, vt) = x
        .svd(true, true)
        .map_err(|e| format!("the least-squares decomposition failed: {e}"))?;
    let (u, vt) = (u.expect("U was asked for"), vt.expect("Vᵀ was asked for"));
    let largest = sigma.iter().fold(0.0f64, |m, &s| m.max(s));
    let cutoff = RANK_TOLERANCE * largest;
    let mut w = Array1::zeros(d);
    for (i, &s) in sigma.iter().enumerate() {
        if s > cutoff {
            w.scaled_add(u.column(i).dot(&y) / s, &vt.row(i));
        }
    }
    Ok(w)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn condition_bound_is_never_below_the_condition_number_nor_d_times_above() {
        for d in [1usize, 2, 5, 10] {
            for seed in 0..20u64 {
                let mut rng = crate::rng::stream(seed, crate::rng::Purpose::Bootstrap);
                let x = Array2::from_shape_fn((3 * d + 2, d), |(i, j)| {
                    crate::rng::unit(&mut rng) * (1.0 + (i % (j + 2)) as f64)
                });
                let a = x.t().dot(&x);
                let eigenvalues = a.eigvalsh().unwrap();
                let (lo, hi) = eigenvalues
                    .iter()
                    .fold((f64::INFINITY, 0.0f64), |(l, h), &v| (l.min(v), h.max(v)));
                let exact = (hi / lo).sqrt();
                let bound = condition_bound(&a).unwrap();
                assert!(bound >= exact * (1.0 - 1e-9), "d {d}: {bound} < {exact}");
                assert!(
                    bound <= exact * d as f64 * (1.0 + 1e-9),
                    "d {d}: {bound} ≫ {exact}"
                );
            }
        }
    }
}
