//! Statistics options of `run`, `summarize` and `merge`.

use clap::Args;
use seedfold::run::StatsSection;
use seedfold::stats::Rope;

/// Options of the statistics.
#[derive(Debug, Args)]
#[command(next_help_heading = "Statistics")]
pub struct StatsArgs {
    /// Interval coverage [default: 0.95].
    #[arg(long)]
    confidence: Option<f64>,
    /// Region of practical equivalence of the comparisons, on each metric's scale: one value
    /// for every metric (0.01) or per metric (r2=0.005,mae=0.5) [default: ±0.01 for shares
    /// such as accuracy, r2, AUC; ±1 % of the scores for metrics with units such as rmse].
    #[arg(long)]
    rope: Option<Rope>,
    /// Bootstrap resamples [default: 10000].
    #[arg(long)]
    resamples: Option<usize>,
    /// Seed of the bootstrap [default: 0].
    #[arg(long)]
    bootstrap_seed: Option<u64>,
    /// Interval half-width to plan seeds for (default: half the current one).
    #[arg(long)]
    target_halfwidth: Option<f64>,
    /// In a study over many data sets ([[data]]), also run the Bayesian signed-rank test
    /// over data sets for every pair of models.
    #[arg(long)]
    signed_rank: bool,
}

impl StatsArgs {
    /// These options as the `[stats]` section they override.
    pub fn section(&self) -> StatsSection {
        StatsSection {
            confidence: self.confidence,
            rope: self.rope.clone(),
            resamples: self.resamples,
            bootstrap_seed: self.bootstrap_seed,
            target_halfwidth: self.target_halfwidth,
            signed_rank: self.signed_rank.then_some(true),
        }
    }
}
