//! Wilcoxon signed-rank test (Wilcoxon 1945), two-sided, zeros dropped (Wilcoxon's method),
//! as scipy.stats.wilcoxon computes it: exact null distribution when n ≤ 50 with no ties or
//! zeros, else the normal approximation with tie correction and no continuity correction.

use super::dist::normal_cdf;
use super::Maybe;
use serde::{Deserialize, Serialize};

/// The test's result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Wilcoxon {
    /// min(W⁺, W⁻), the smaller signed-rank sum.
    pub statistic: f64,
    /// Two-sided p-value.
    pub p_value: f64,
    /// "exact" or "normal".
    pub method: String,
}

/// Average ranks (1-based) of `values`, and the sizes of tied groups.
fn ranks(values: &[f64]) -> (Vec<f64>, Vec<usize>) {
    let mut order: Vec<usize> = (0..values.len()).collect();
    order.sort_by(|&a, &b| values[a].total_cmp(&values[b]));
    let mut rank = vec![0.0; values.len()];
    let mut ties = Vec::new();
    let mut i = 0;
    while i < order.len() {
        let mut j = i;
        while j + 1 < order.len() && values[order[j + 1]] == values[order[i]] {
            j += 1;
        }
        for &o in &order[i..=j] {
            rank[o] = (i + j) as f64 / 2.0 + 1.0;
        }
        ties.push(j - i + 1);
        i = j + 1;
    }
    (rank, ties)
}

/// Number of subsets of {1..n} with each rank sum w, as probabilities (the exact null
/// distribution of W⁺).
fn exact_distribution(n: usize) -> Vec<f64> {
    let max = n * (n + 1) / 2;
    let mut counts = vec![0.0f64; max + 1];
    counts[0] = 1.0;
    for k in 1..=n {
        for w in (k..=max).rev() {
            counts[w] += counts[w - k];
        }
    }
    let total = 2f64.powi(n as i32);
    counts.into_iter().map(|c| c / total).collect()
}

/// Two-sided Wilcoxon signed-rank test of the paired differences `d`.
pub fn wilcoxon(d: &[f64]) -> Maybe<Wilcoxon> {
    let nonzero: Vec<f64> = d.iter().copied().filter(|&x| x != 0.0).collect();
    let n = nonzero.len();
    if n == 0 {
        return Maybe::absent("every difference is zero");
    }
    let (rank, ties) = ranks(&nonzero.iter().map(|x| x.abs()).collect::<Vec<_>>());
    let plus: f64 = nonzero
        .iter()
        .zip(&rank)
        .filter(|(x, _)| **x > 0.0)
        .map(|(_, r)| r)
        .sum();
    let minus: f64 = nonzero
        .iter()
        .zip(&rank)
        .filter(|(x, _)| **x < 0.0)
        .map(|(_, r)| r)
        .sum();
    let has_ties = ties.iter().any(|&t| t > 1);
    let (p_value, method) = if n <= 50 && !has_ties && n == d.len() {
        let pmf = exact_distribution(n);
        let w = plus.round() as usize;
        let cdf: f64 = pmf[..=w].iter().sum();
        let sf: f64 = pmf[w..].iter().sum();
        ((2.0 * cdf.min(sf)).min(1.0), "exact".to_string())
    } else {
        let nf = n as f64;
        let tie_sum: f64 = ties.iter().map(|&t| (t as f64).powi(3) - t as f64).sum();
        let se = ((nf * (nf + 1.0) * (2.0 * nf + 1.0) - tie_sum / 2.0) / 24.0).sqrt();
        let z = (plus - nf * (nf + 1.0) / 4.0) / se;
        (2.0 * normal_cdf(-z.abs()), "normal".to_string())
    };
    Maybe::Value(Wilcoxon {
        statistic: plus.min(minus),
        p_value,
        method,
    })
}
