//! Histograms of a node's gradients and hessians per feature bin. A bin is one of two kinds:
//! [`Sums`] for any loss, and [`UnitSums`] for squared error, whose hessians are all 1, so the
//! hessian's sum is the row count: 16 bytes instead of 24 to clear, add to, subtract and
//! search, with the same sums to the bit.

use super::{Binned, Codes};

/// Gradient, hessian and row count summed over a bin or a node; laid out in this order, as
/// the split search reads the gradient and hessian as a pair.
#[derive(Debug, Clone, Copy, Default)]
#[repr(C)]
pub(super) struct Sums {
    pub g: f64,
    pub h: f64,
    pub n: usize,
}

impl Sums {
    pub fn minus(self, o: Sums) -> Sums {
        Sums {
            g: self.g - o.g,
            h: self.h - o.h,
            n: self.n - o.n,
        }
    }

    /// The node's share of the objective's reduction, G²/(H+λ).
    pub fn score(self, l2: f64) -> f64 {
        self.g * self.g / (self.h + l2)
    }
}

/// A histogram's bin. Its gradient and hessian sums are its first 16 bytes (`repr(C)`), which
/// the four-lane split search reads as a pair.
pub(super) trait Bin: Copy + Default + Send + Sync {
    /// Whether every hessian added is 1, so that the hessian's sum is the row count (read by
    /// the four-lane split search, which is x86-64's).
    #[cfg_attr(not(target_arch = "x86_64"), allow(dead_code))]
    const UNIT: bool;

    /// Adds one row's gradient and hessian.
    fn add(&mut self, g: f64, h: f64);

    /// The bin's sums, its row count included.
    fn sums(self) -> Sums;

    /// A bin of a child's histogram from its parent's (`self`) and its sibling's: the
    /// difference, or zeros for a bin left empty, whose difference is rounding residue. The
    /// split search adds empty bins, and adding +0 leaves its running sums as they were (they
    /// start at +0, so are never −0): with zeros it weighs the same boundaries as if it skipped
    /// them.
    fn minus_bin(self, sibling: Self) -> Self;
}

impl Bin for Sums {
    const UNIT: bool = false;

    fn add(&mut self, g: f64, h: f64) {
        self.g += g;
        self.h += h;
        self.n += 1;
    }

    fn sums(self) -> Sums {
        self
    }

    fn minus_bin(self, sibling: Sums) -> Sums {
        let difference = self.minus(sibling);
        if difference.n == 0 {
            Sums::default()
        } else {
            difference
        }
    }
}

/// A bin whose rows' hessians are all 1: the gradient's sum and the hessian's, which counts
/// the rows exactly (a sum of ones is exact up to 2⁵³), so it holds what [`Sums`] holds in two
/// thirds of the bytes.
#[derive(Debug, Clone, Copy, Default)]
#[repr(C)]
pub(super) struct UnitSums {
    g: f64,
    h: f64,
}

impl Bin for UnitSums {
    const UNIT: bool = true;

    fn add(&mut self, g: f64, h: f64) {
        self.g += g;
        self.h += h;
    }

    fn sums(self) -> Sums {
        Sums {
            g: self.g,
            h: self.h,
            n: self.h as usize,
        }
    }

    fn minus_bin(self, sibling: UnitSums) -> UnitSums {
        let difference = UnitSums {
            g: self.g - sibling.g,
            h: self.h - sibling.h,
        };
        // the counts are whole numbers, so their difference is exact
        if difference.h == 0.0 {
            UnitSums::default()
        } else {
            difference
        }
    }
}

pub(super) fn node_sums(rows: &[usize], g: &[f64], h: &[f64]) -> Sums {
    rows.iter().fold(Sums::default(), |t, &r| Sums {
        g: t.g + g[r],
        h: t.h + h[r],
        n: t.n + 1,
    })
}

/// Every feature's bin sums over `rows`, features one after another at a fixed stride (see
/// [`Binned::bins`]), written into `hist`: a pass over the rows for all features, or one per
/// group of four (see [`Codes`]). Within a pass, a row at a time, its features side by side,
/// so the features' updates do not wait on each other. Each bin sums its rows in row order,
/// so the sums are the same in either layout.
pub(super) fn histogram<B: Bin>(
    binned: &Binned,
    rows: &[usize],
    (g, h): (&[f64], &[f64]),
    gathered: &mut Gathered,
    hist: &mut Vec<B>,
) {
    let len = binned.histogram_len();
    hist.truncate(len);
    hist.fill(B::default());
    hist.resize(len, B::default());
    let stride = binned.stride;
    match &binned.codes {
        Codes::Rows(codes) => {
            let features = binned.thresholds.len();
            for &r in rows {
                let (g, h) = (g[r], h[r]);
                let row = &codes[r * features..(r + 1) * features];
                for (bins, &code) in hist.chunks_exact_mut(stride).zip(row) {
                    bins[code as usize].add(g, h);
                }
            }
        }
        Codes::Quads(quads) => {
            let Gathered { gh, codes } = gathered;
            gh.clear();
            gh.extend(rows.iter().map(|&r| (g[r], h[r])));
            for (group, quads) in hist
                .chunks_exact_mut(4 * stride)
                .zip(quads.chunks_exact(binned.rows))
            {
                codes.clear();
                codes.extend(rows.iter().map(|&r| quads[r]));
                let (lanes01, lanes23) = group.split_at_mut(2 * stride);
                let (lane0, lane1) = lanes01.split_at_mut(stride);
                let (lane2, lane3) = lanes23.split_at_mut(stride);
                for (&[c0, c1, c2, c3], &(g, h)) in codes.iter().zip(gh.iter()) {
                    lane0[c0 as usize].add(g, h);
                    lane1[c1 as usize].add(g, h);
                    lane2[c2 as usize].add(g, h);
                    lane3[c3 as usize].add(g, h);
                }
            }
        }
    }
}

/// `parent` becomes its larger child's histogram: `parent` − `small`, bin by bin (see
/// [`Bin::minus_bin`]).
pub(super) fn subtract<B: Bin>(parent: &mut [B], small: &[B]) {
    for (p, c) in parent.iter_mut().zip(small) {
        *p = p.minus_bin(*c);
    }
}

/// A node's rows' gradients and hessians, and one group's codes, gathered side by side for
/// the passes of [`histogram`] over [`Codes::Quads`].
#[derive(Default)]
pub(super) struct Gathered {
    gh: Vec<(f64, f64)>,
    codes: Vec<[u8; 4]>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::Array2;

    /// A bin's sums as bits, to compare bins of either kind.
    fn bits(b: impl Bin) -> (u64, u64, usize) {
        let s = b.sums();
        (s.g.to_bits(), s.h.to_bits(), s.n)
    }

    /// `rows`' histogram on `binned` in bins of kind `B`, as bits.
    fn histogram_bits<B: Bin>(
        binned: &Binned,
        rows: &[usize],
        gh: (&[f64], &[f64]),
    ) -> Vec<(u64, u64, usize)> {
        let mut hist: Vec<B> = Vec::new();
        histogram(binned, rows, gh, &mut Gathered::default(), &mut hist);
        hist.into_iter().map(bits).collect()
    }

    #[test]
    fn bins_past_a_features_own_stay_zero() {
        // the four-lane split search relies on it (see `split`): two-valued features beside
        // features of many values, in both layouts and both kinds of bin, built and subtracted
        // as `grow` does
        fn check<B: Bin>(used: B) {
            for (features, grouped) in [(2, false), (9, true)] {
                let x = Array2::from_shape_fn((300, features), |(i, j)| {
                    if j % 2 == 0 {
                        (i % 2) as f64
                    } else {
                        ((i * 7) % 300) as f64
                    }
                });
                let binned = Binned::new(x.view(), 255);
                assert_eq!(matches!(binned.codes, Codes::Quads(_)), grouped);
                let g: Vec<f64> = (0..300).map(|i| (i % 11) as f64 - 5.0).collect();
                let h = vec![1.0; 300];
                let all: Vec<usize> = (0..300).collect();
                let some: Vec<usize> = (0..300).filter(|r| r % 4 == 0).collect();
                let mut gathered = Gathered::default();
                // a buffer used before, as `grow` takes them from its spares
                let (mut parent, mut child) = (vec![used; 9000], Vec::new());
                histogram(&binned, &all, (&g, &h), &mut gathered, &mut parent);
                histogram(&binned, &some, (&g, &h), &mut gathered, &mut child);
                subtract(&mut parent, &child);
                for hist in [&parent, &child] {
                    for (f, cuts) in binned.thresholds.iter().enumerate() {
                        let past =
                            &hist[f * binned.stride + cuts.len() + 1..(f + 1) * binned.stride];
                        assert!(!past.is_empty() || cuts.len() + 1 == binned.stride);
                        assert!(past.iter().all(|&b| bits(b) == (0, 0, 0)), "feature {f}");
                    }
                }
            }
        }
        let mut used = Sums::default();
        used.add(1.0, 1.0);
        check(used);
        let mut used = UnitSums::default();
        used.add(1.0, 1.0);
        check(used);
    }

    #[test]
    fn both_code_layouts_give_the_same_histogram() {
        // 6 features of up to 300 distinct values: 6 × 255 bins of 24 bytes exceed 32 KB
        let x = Array2::from_shape_fn((300, 6), |(i, j)| ((i * (7 + 2 * j)) % 300) as f64);
        let quads = Binned::new(x.view(), 255);
        assert!(matches!(quads.codes, Codes::Quads(_)));
        let rows = Binned {
            codes: Codes::Rows(
                (0..300)
                    .flat_map(|r| (0..6).map(move |f| (f, r)))
                    .map(|(f, r)| quads.column(f)[r])
                    .collect(),
            ),
            columns: quads.columns.clone(),
            thresholds: quads.thresholds.clone(),
            stride: quads.stride,
            rows: 300,
        };
        let g: Vec<f64> = (0..300)
            .map(|i| ((i * 13 % 17) as f64 - 8.0) / 3.0)
            .collect();
        let h: Vec<f64> = (0..300).map(|i| 0.1 + (i % 5) as f64 / 7.0).collect();
        let node: Vec<usize> = (0..300).filter(|r| r % 3 != 1).collect();
        let (by_quads, by_rows) = (
            histogram_bits::<Sums>(&quads, &node, (&g, &h)),
            histogram_bits::<Sums>(&rows, &node, (&g, &h)),
        );
        assert_eq!(by_quads[..by_rows.len()], by_rows);
        assert_eq!(by_rows.iter().map(|s| s.2).sum::<usize>(), 6 * node.len());
        // the two lanes past the last feature count every row in their first bin, which no
        // search reads
        assert_eq!(by_quads.len() - by_rows.len(), 2 * quads.stride);
    }

    #[test]
    fn unit_bins_hold_the_sums_of_full_bins() {
        // squared error's hessians; rows in both layouts, a node and its larger sibling
        let x = Array2::from_shape_fn((300, 6), |(i, j)| ((i * (7 + 2 * j)) % 300) as f64);
        let binned = Binned::new(x.view(), 255);
        let g: Vec<f64> = (0..300)
            .map(|i| ((i * 13 % 17) as f64 - 8.0) / 3.0 * 1e-3f64.powi(i % 4))
            .collect();
        let h = vec![1.0; 300];
        let all: Vec<usize> = (0..300).collect();
        let node: Vec<usize> = (0..300).filter(|r| r % 3 != 1).collect();
        for rows in [&all, &node] {
            assert_eq!(
                histogram_bits::<UnitSums>(&binned, rows, (&g, &h)),
                histogram_bits::<Sums>(&binned, rows, (&g, &h))
            );
        }
        fn larger<B: Bin>(
            binned: &Binned,
            all: &[usize],
            node: &[usize],
            gh: (&[f64], &[f64]),
        ) -> Vec<(u64, u64, usize)> {
            let (mut parent, mut small): (Vec<B>, Vec<B>) = (Vec::new(), Vec::new());
            let mut gathered = Gathered::default();
            histogram(binned, all, gh, &mut gathered, &mut parent);
            histogram(binned, node, gh, &mut gathered, &mut small);
            subtract(&mut parent, &small);
            parent.into_iter().map(bits).collect()
        }
        let (unit, full) = (
            larger::<UnitSums>(&binned, &all, &node, (&g, &h)),
            larger::<Sums>(&binned, &all, &node, (&g, &h)),
        );
        assert_eq!(unit, full);
        assert!(unit.iter().any(|b| b.2 > 0) && unit.iter().any(|b| b.2 == 0));
    }
}
