//! Variance components: how much of the score's variance is the seed.

use super::dist::f_sf;
use super::Maybe;
use serde::{Deserialize, Serialize};

/// One-way random-effects ANOVA of fold scores grouped by split seed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OneWay {
    /// Between-seed variance component, truncated at 0.
    pub between_seed: f64,
    /// Within-seed (fold-to-fold) variance component.
    pub within_seed: f64,
    /// Intraclass correlation between / (between + within): the seed's share of the variance.
    pub icc: f64,
    /// F = MS_between / MS_within.
    pub f: f64,
    /// P(F(R−1, N−R) > f).
    pub p_value: f64,
    /// The between-seed estimate before truncation (negative when seeds differ less than
    /// folds would make them).
    pub between_seed_raw: f64,
}

/// Method-of-moments estimates for a one-way random-effects model (Searle, Casella &
/// McCulloch 1992, §3.5): σ²_within = MS_W; σ²_between = (MS_B − MS_W) / n₀ with
/// n₀ = (N − Σnᵢ²/N)/(R − 1) (= K when every seed has K folds).
pub fn one_way<G: AsRef<[f64]>>(groups: &[G]) -> Maybe<OneWay> {
    let groups: Vec<&[f64]> = groups
        .iter()
        .map(AsRef::as_ref)
        .filter(|g| !g.is_empty())
        .collect();
    let r = groups.len();
    let n: usize = groups.iter().map(|g| g.len()).sum();
    if r < 2 || n <= r {
        return Maybe::absent("needs at least 2 seeds and a seed with 2 or more folds");
    }
    let grand = groups.iter().flat_map(|g| g.iter()).sum::<f64>() / n as f64;
    let means: Vec<f64> = groups
        .iter()
        .map(|g| g.iter().sum::<f64>() / g.len() as f64)
        .collect();
    let ss_between: f64 = groups
        .iter()
        .zip(&means)
        .map(|(g, m)| g.len() as f64 * (m - grand).powi(2))
        .sum();
    let ss_within: f64 = groups
        .iter()
        .zip(&means)
        .map(|(g, m)| g.iter().map(|x| (x - m).powi(2)).sum::<f64>())
        .sum();
    let ms_between = ss_between / (r - 1) as f64;
    let ms_within = ss_within / (n - r) as f64;
    if ms_within == 0.0 {
        return Maybe::absent("fold scores do not vary within seeds, so F is undefined");
    }
    let n0 = (n as f64 - groups.iter().map(|g| (g.len() as f64).powi(2)).sum::<f64>() / n as f64)
        / (r - 1) as f64;
    let raw = (ms_between - ms_within) / n0;
    let between = raw.max(0.0);
    let f = ms_between / ms_within;
    Maybe::Value(OneWay {
        between_seed: between,
        within_seed: ms_within,
        icc: between / (between + ms_within),
        f,
        p_value: f_sf(f, (r - 1) as f64, (n - r) as f64),
        between_seed_raw: raw,
    })
}

/// Variance split for a stochastic model: split seed, model seed within split seed, and the
/// fold-to-fold residual.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NestedComponents {
    /// Split-seed component (truncated at 0).
    pub split_seed: f64,
    /// Model-seed component (truncated at 0).
    pub model_seed: f64,
    /// Residual (fold) component.
    pub residual: f64,
}

/// Balanced three-level nested random-effects ANOVA by the method of moments (Searle,
/// Casella & McCulloch 1992, §5.3): `cells[r][k][m]` is split seed r, fold k, model seed m;
/// folds are treated as replicates within (split seed, model seed).
pub fn nested_components(cells: &[Vec<Vec<f64>>]) -> Maybe<NestedComponents> {
    let r = cells.len();
    let k = cells.first().map_or(0, Vec::len);
    let m = cells.first().and_then(|c| c.first()).map_or(0, Vec::len);
    let balanced = cells
        .iter()
        .all(|s| s.len() == k && s.iter().all(|f| f.len() == m));
    if r < 2 || k < 2 || m < 2 || !balanced {
        return Maybe::absent(
            "needs at least 2 split seeds, 2 model seeds and 2 folds, with no failed fits",
        );
    }
    let (rf, kf, mf) = (r as f64, k as f64, m as f64);
    let run_mean = |s: &Vec<Vec<f64>>, j: usize| s.iter().map(|f| f[j]).sum::<f64>() / kf;
    let seed_mean = |s: &Vec<Vec<f64>>| s.iter().flatten().sum::<f64>() / (kf * mf);
    let grand = cells.iter().map(seed_mean).sum::<f64>() / rf;
    let ms_split = mf
        * kf
        * cells
            .iter()
            .map(|s| (seed_mean(s) - grand).powi(2))
            .sum::<f64>()
        / (rf - 1.0);
    let ms_model = kf
        * cells
            .iter()
            .map(|s| {
                (0..m)
                    .map(|j| (run_mean(s, j) - seed_mean(s)).powi(2))
                    .sum::<f64>()
            })
            .sum::<f64>()
        / (rf * (mf - 1.0));
    let ms_residual = cells
        .iter()
        .map(|s| {
            (0..m)
                .map(|j| {
                    s.iter()
                        .map(|f| (f[j] - run_mean(s, j)).powi(2))
                        .sum::<f64>()
                })
                .sum::<f64>()
        })
        .sum::<f64>()
        / (rf * mf * (kf - 1.0));
    Maybe::Value(NestedComponents {
        split_seed: ((ms_split - ms_model) / (mf * kf)).max(0.0),
        model_seed: ((ms_model - ms_residual) / kf).max(0.0),
        residual: ms_residual,
    })
}
