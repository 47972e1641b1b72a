//! A node's best split: every boundary between two bins of every feature weighed, the first
//! of largest gain kept.

use super::{Bin, Binned, BoostingSettings, Sums, MIN_HESSIAN};

/// The best split of a node: rows with code ≤ `bin` on `feature` go left, with sums `left`.
#[derive(Debug, Clone, Copy)]
pub(super) struct Split {
    pub gain: f64,
    pub feature: usize,
    pub bin: usize,
    pub left: Sums,
}

/// scikit-learn's split search without missing values: every bin boundary, children of at
/// least `min_samples_leaf` rows and `MIN_HESSIAN` hessian, the first largest positive gain.
///
/// A boundary's gain takes two divisions, which bound the search; most boundaries of a node
/// fall well short of the best so far, and [`Beaten`] tells those from products alone, so only
/// the others are weighed (with the same divisions as always: the same gains, the same split).
/// Where the CPU has AVX2, four features are searched side by side, one per lane: each lane's
/// running sums are the additions of the one-feature search in the same order, and a tie goes
/// to the boundary that search meets first, so the split is the same on every CPU.
pub(super) fn best_split<B: Bin>(
    hist: &[B],
    total: Sums,
    binned: &Binned,
    s: &BoostingSettings,
) -> Option<Split> {
    #[cfg(target_arch = "x86_64")]
    if is_x86_feature_detected!("avx2") {
        // SAFETY: the CPU has AVX2
        return unsafe { four_features_at_a_time(hist, total, binned, s) };
    }
    one_feature_at_a_time::<B, true>(hist, total, binned, s)
}

/// The best split so far of a search, and the bar it sets.
struct Best {
    total: Sums,
    parent: f64,
    l2: f64,
    split: Option<Split>,
    beaten: Beaten,
}

impl Best {
    fn new(total: Sums, l2: f64) -> Best {
        let parent = total.score(l2);
        Best {
            total,
            parent,
            l2,
            split: None,
            beaten: Beaten::new(0.0, parent, total, l2),
        }
    }

    /// Keep the boundary after `bin` of `feature`, with sums `left`, if its gain is positive
    /// and the largest so far, or ties with the largest and comes first feature by feature.
    fn consider(&mut self, feature: usize, bin: usize, left: Sums) {
        let right = self.total.minus(left);
        let gain = left.score(self.l2) + right.score(self.l2) - self.parent;
        let better = match self.split {
            None => gain > 0.0,
            Some(b) => gain > b.gain || (gain == b.gain && (feature, bin) < (b.feature, b.bin)),
        };
        if better {
            self.split = Some(Split {
                gain,
                feature,
                bin,
                left,
            });
            self.beaten = Beaten::new(gain, self.parent, self.total, self.l2);
        }
    }
}

/// The search a feature at a time; with `SCREEN` false every boundary is weighed, the
/// reference the tests hold the screen to.
fn one_feature_at_a_time<B: Bin, const SCREEN: bool>(
    hist: &[B],
    total: Sums,
    binned: &Binned,
    s: &BoostingSettings,
) -> Option<Split> {
    let mut best = Best::new(total, s.l2);
    for feature in 0..binned.thresholds.len() {
        let bins = binned.bins(hist, feature);
        let mut left = Sums::default();
        // the last bin has nothing to its right
        for (bin, b) in bins[..bins.len() - 1].iter().enumerate() {
            let b = b.sums();
            // an empty bin holds zeros (see `Sums::minus_bin`), so the boundary after it is the
            // one before, already weighed, to the bit: no branch on emptiness, a coin toss
            left.g += b.g;
            left.h += b.h;
            left.n += b.n;
            let right = total.minus(left);
            if left.n < s.min_samples_leaf || left.h < MIN_HESSIAN {
                continue;
            }
            if right.n < s.min_samples_leaf || right.h < MIN_HESSIAN {
                break;
            }
            if SCREEN && best.beaten.by((left.g, left.h), (right.g, right.h), s.l2) {
                continue;
            }
            best.consider(feature, bin, left);
        }
    }
    best.split
}

/// The search four features at a time, a lane each. A lane mirrors the one-feature loop: it
/// skips a boundary whose left child is too small, and is done at the first whose right child
/// is (from there on it only shrinks). A feature's last boundary needs no check: the bins past
/// a feature's own are zeros (histograms are cleared to the stride, and an empty bin of a
/// difference is zeros, see `Sums::minus_bin`), so from its last bin on a lane's left child
/// holds every row and its right child none, which never fits, since `min_samples_leaf` ≥ 1.
///
/// # Safety
/// The CPU has AVX2.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn four_features_at_a_time<B: Bin>(
    hist: &[B],
    total: Sums,
    binned: &Binned,
    s: &BoostingSettings,
) -> Option<Split> {
    use std::arch::x86_64::*;
    assert!(s.min_samples_leaf >= 1 && hist.len() >= binned.thresholds.len() * binned.stride);
    let mut best = Best::new(total, s.l2);
    let features = binned.thresholds.len();
    let l2 = _mm256_set1_pd(s.l2);
    let (total_g, total_h) = (_mm256_set1_pd(total.g), _mm256_set1_pd(total.h));
    let least_h = _mm256_set1_pd(MIN_HESSIAN);
    // rows enough on the left: n > min_samples_leaf − 1; on the right: total.n − n ≥
    // min_samples_leaf, so n < total.n − min_samples_leaf + 1
    let fewest = _mm256_set1_epi64x(s.min_samples_leaf as i64 - 1);
    let most = _mm256_set1_epi64x(total.n as i64 - s.min_samples_leaf as i64 + 1);
    // the same bounds for unit bins, whose hessian counts the rows (exactly, as a float)
    let (fewest_h, most_h) = (
        _mm256_set1_pd(s.min_samples_leaf as f64 - 1.0),
        _mm256_set1_pd(total.n as f64 - s.min_samples_leaf as f64 + 1.0),
    );
    for first in (0..features).step_by(4) {
        // a lane past the last feature reads that feature's bins and is done from the start
        let lanes = 4.min(features - first);
        let start: [usize; 4] =
            std::array::from_fn(|l| (first + l).min(features - 1) * binned.stride);
        let padding: [i64; 4] = std::array::from_fn(|l| -i64::from(l >= lanes));
        let mut done = _mm256_castsi256_pd(_mm256_setr_epi64x(
            padding[0], padding[1], padding[2], padding[3],
        ));
        let (mut g, mut h) = (_mm256_setzero_pd(), _mm256_setzero_pd());
        let mut n = _mm256_setzero_si256();
        let bins = (first..first + lanes)
            .map(|f| binned.thresholds[f].len())
            .max()
            .unwrap_or(0);
        for bin in 0..bins {
            // SAFETY: bin < the most thresholds a feature has < stride, so each entry lies
            // within its feature's stride, within `hist` (asserted above); a bin's gradient
            // and hessian are the 16 bytes at its start (see `Bin`)
            let (pairs, counts) = unsafe {
                let at = start.map(|st| hist.get_unchecked(st + bin));
                (
                    at.map(|b| _mm_loadu_pd((b as *const B).cast())),
                    at.map(|b| if B::UNIT { 0 } else { b.sums().n as i64 }),
                )
            };
            // (g0, h0, g2, h2) and (g1, h1, g3, h3) into (g0, g1, g2, g3) and (h0, h1, h2, h3)
            let even = _mm256_insertf128_pd::<1>(_mm256_castpd128_pd256(pairs[0]), pairs[2]);
            let odd = _mm256_insertf128_pd::<1>(_mm256_castpd128_pd256(pairs[1]), pairs[3]);
            g = _mm256_add_pd(g, _mm256_unpacklo_pd(even, odd));
            h = _mm256_add_pd(h, _mm256_unpackhi_pd(even, odd));
            let (left_many, right_many) = if B::UNIT {
                (
                    _mm256_cmp_pd::<_CMP_GT_OQ>(h, fewest_h),
                    _mm256_cmp_pd::<_CMP_GT_OQ>(most_h, h),
                )
            } else {
                n = _mm256_add_epi64(
                    n,
                    _mm256_setr_epi64x(counts[0], counts[1], counts[2], counts[3]),
                );
                (
                    _mm256_castsi256_pd(_mm256_cmpgt_epi64(n, fewest)),
                    _mm256_castsi256_pd(_mm256_cmpgt_epi64(most, n)),
                )
            };
            let (right_g, right_h) = (_mm256_sub_pd(total_g, g), _mm256_sub_pd(total_h, h));
            // a child fits with rows enough and a hessian not below the least (or NaN)
            let left_fits = _mm256_and_pd(left_many, _mm256_cmp_pd::<_CMP_NLT_UQ>(h, least_h));
            let right_fits =
                _mm256_and_pd(right_many, _mm256_cmp_pd::<_CMP_NLT_UQ>(right_h, least_h));
            done = _mm256_or_pd(done, _mm256_andnot_pd(right_fits, left_fits));
            // Beaten::by, lane by lane
            let (hl, hr) = (_mm256_add_pd(h, l2), _mm256_add_pd(right_h, l2));
            let products = _mm256_add_pd(
                _mm256_mul_pd(_mm256_mul_pd(g, g), hr),
                _mm256_mul_pd(_mm256_mul_pd(right_g, right_g), hl),
            );
            let bar = _mm256_mul_pd(_mm256_set1_pd(best.beaten.bar), _mm256_mul_pd(hl, hr));
            let beaten = _mm256_cmp_pd::<_CMP_LT_OQ>(products, bar);
            let weigh = _mm256_andnot_pd(_mm256_or_pd(done, beaten), left_fits);
            let chosen = _mm256_movemask_pd(weigh);
            if chosen != 0 {
                let (mut gs, mut hs, mut ns) = ([0.0; 4], [0.0; 4], [0i64; 4]);
                // SAFETY: each array holds four lanes
                unsafe {
                    _mm256_storeu_pd(gs.as_mut_ptr(), g);
                    _mm256_storeu_pd(hs.as_mut_ptr(), h);
                    _mm256_storeu_si256(ns.as_mut_ptr().cast(), n);
                }
                for l in (0..4).filter(|l| chosen & (1 << l) != 0) {
                    let left = Sums {
                        g: gs[l],
                        h: hs[l],
                        n: if B::UNIT {
                            hs[l] as usize
                        } else {
                            ns[l] as usize
                        },
                    };
                    best.consider(first + l, bin, left);
                }
            }
        }
    }
    best.split
}

/// Whether a boundary's gain is certainly below the best so far, `best`: with
/// H_L = h_L + λ and H_R = h_R + λ, its gain G_L²/H_L + G_R²/H_R − parent is below `best`
/// when G_L²·H_R + G_R²·H_L < (best + parent)·H_L·H_R, a test of products only. The right side
/// is shrunk by 10⁻⁹ of itself, far more than the few units in the last place by which either
/// side or the divided gain can be rounded, so a boundary it rejects has a computed gain below
/// `best` too and would not be taken. When the right side could leave [10⁻²⁰⁰, 10²⁰⁰] for
/// some boundary of the node (H_L·H_R lies between 10⁻⁶, both children holding the least
/// hessian, and (H + 2λ)²), underflow or overflow could swamp that margin: it rejects nothing.
#[derive(Debug, Clone, Copy)]
struct Beaten {
    /// (best + parent)·(1 − 10⁻⁹), both scores non-negative; −∞ to reject nothing.
    bar: f64,
}

impl Beaten {
    fn new(best: f64, parent: f64, total: Sums, l2: f64) -> Beaten {
        let bar = (best + parent) * (1.0 - 1e-9);
        let widest = (total.h + 2.0 * l2) * (total.h + 2.0 * l2);
        let safe = bar * (MIN_HESSIAN * MIN_HESSIAN / 2.0) >= 1e-200 && bar * widest * 2.0 <= 1e200;
        Beaten {
            bar: if safe { bar } else { f64::NEG_INFINITY },
        }
    }

    /// Whether the boundary whose children's gradients and hessians sum to `left` and
    /// `right` is beaten.
    fn by(self, (gl, hl): (f64, f64), (gr, hr): (f64, f64), l2: f64) -> bool {
        let (hl, hr) = (hl + l2, hr + l2);
        gl * gl * hr + gr * gr * hl < self.bar * (hl * hr)
    }
}

#[cfg(test)]
mod tests {
    use super::super::{node_sums, UnitSums};
    use super::*;
    use rand_chacha::ChaCha8Rng;

    #[test]
    fn boundaries_set_aside_by_products_are_never_the_best() {
        use rand::{Rng, SeedableRng};
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        let mut searched = 0;
        for case in 0..3000 {
            // several lanes' worth of features, each with its own number of bins
            let features = rng.gen_range(1..11);
            let bins = rng.gen_range(2..40);
            let rows = rng.gen_range(2..120);
            let binned = Binned {
                codes: super::super::Codes::Rows(Vec::new()),
                columns: Vec::new(),
                thresholds: (0..features)
                    .map(|_| vec![0.0; rng.gen_range(1..bins)])
                    .collect(),
                stride: bins,
                rows: 0,
            };
            // gradients from tiny to huge, hessians of squared error or log loss; features
            // that copy another tie with it, or nearly tie where rows of small gradient moved
            let scale = [1e-150, 1e-5, 1.0, 1e4, 1e150][case % 5];
            let small: Vec<bool> = (0..rows).map(|_| rng.gen_bool(0.2)).collect();
            let g: Vec<f64> = small
                .iter()
                .map(|&t| scale * if t { 1e-7 } else { 1.0 } * rng.gen_range(-1.0..1.0))
                .collect();
            let h: Vec<f64> = (0..rows)
                .map(|_| {
                    if case % 2 == 0 {
                        1.0
                    } else {
                        rng.gen_range(0.0..0.25)
                    }
                })
                .collect();
            let (mut hist, mut unit) = (
                vec![Sums::default(); features * bins],
                vec![UnitSums::default(); features * bins],
            );
            let mut base: Vec<usize> = Vec::new();
            for f in 0..features {
                let own = binned.thresholds[f].len() + 1;
                if f == 0 || rng.gen_bool(0.4) {
                    base = (0..rows).map(|_| rng.gen_range(0..own)).collect();
                } else if rng.gen_bool(0.5) {
                    for (code, _) in base.iter_mut().zip(&small).filter(|(_, &t)| t) {
                        *code = rng.gen_range(0..own);
                    }
                }
                // a copy shifted up a few bins ties with the unshifted at a later bin, so a
                // later feature may reach a tie first (within this feature's bins)
                let shift = if rng.gen_bool(0.3) {
                    rng.gen_range(1..4)
                } else {
                    0
                };
                let codes: Vec<usize> = base.iter().map(|&c| (c + shift).min(own - 1)).collect();
                for r in 0..rows {
                    hist[f * bins + codes[r]].add(g[r], h[r]);
                    unit[f * bins + codes[r]].add(g[r], h[r]);
                }
            }
            let total = node_sums(&(0..rows).collect::<Vec<_>>(), &g, &h);
            let s = BoostingSettings {
                rounds: 1,
                learning_rate: 0.1,
                max_leaf_nodes: 31,
                max_depth: None,
                min_samples_leaf: [1, 2, 5][case % 3],
                l2: [0.0, 1e-6, 1.0][case / 3 % 3],
                max_bins: 255,
            };
            // the search this CPU runs, the one-feature search (the fallback without AVX2)
            // and the reference
            let fast = best_split(&hist, total, &binned, &s);
            let screened = one_feature_at_a_time::<_, true>(&hist, total, &binned, &s);
            let every = one_feature_at_a_time::<_, false>(&hist, total, &binned, &s);
            let key = |sp: Option<Split>| {
                sp.map(|sp| {
                    let l = sp.left;
                    (
                        sp.gain.to_bits(),
                        sp.feature,
                        sp.bin,
                        l.g.to_bits(),
                        l.h.to_bits(),
                        l.n,
                    )
                })
            };
            assert_eq!(key(fast), key(every), "case {case}");
            assert_eq!(key(screened), key(every), "case {case}");
            // squared error's hessians in bins that count rows by them
            if case % 2 == 0 {
                let fast = best_split(&unit, total, &binned, &s);
                let screened = one_feature_at_a_time::<_, true>(&unit, total, &binned, &s);
                assert_eq!(key(fast), key(every), "case {case}, unit bins");
                assert_eq!(key(screened), key(every), "case {case}, unit bins");
            }
            searched += usize::from(every.is_some());
        }
        assert!(searched > 1000, "only {searched} cases had a split");
    }
}
