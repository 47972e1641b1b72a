//! Evaluate a linfa model that seedfold's catalogue does not name — AdaBoost over decision
//! stumps from linfa-ensemble — across 20 split seeds, through the library API.
//!
//! Run: cargo run --release --example custom_model

use linfa_ensemble::AdaBoostParams;
use linfa_trees::DecisionTree;
use seedfold::data::{load, DataSpec};
use seedfold::model::{Classifier, Model};
use seedfold::run::{metrics_for, run, RunPlan, Silent};
use seedfold::split::{SplitConfig, Splitter, SplitterKind};
use seedfold::stats::{group_scores, mean, std_dev};
use std::sync::Arc;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let table = load(&DataSpec::builtin("breast_cancer"))?.table;
    // The model seed's stream reaches linfa as its RNG, so boosting's resampling is seeded too.
    let adaboost = Classifier::<_, linfa::Error>::new("adaboost", |rng| {
        AdaBoostParams::new_fixed_rng(DecisionTree::<f64, usize>::params().max_depth(Some(1)), rng)
            .n_estimators(25)
    })
    .stochastic();
    let models: Vec<Arc<dyn Model>> = vec![Arc::new(adaboost)];
    let splitter = Splitter::new(
        &SplitConfig {
            kind: SplitterKind::Stratified,
            folds: 5,
            ..Default::default()
        },
        &table,
    )?;
    let seeds: Vec<u64> = (0..20).collect();
    let plan = RunPlan {
        table: &table,
        splitter: &splitter,
        metrics: metrics_for(None, &models, table.y.task(), 2)?,
        models: &models,
        split_seeds: &seeds,
        model_seeds: &[0],
        keep_predictions: false,
        fail_fast: false,
        threads: None,
        exact_linfa: false,
        fit_timeout: None,
        train_fractions: &[1.0],
    };
    let output = run(&plan, &Silent)?;
    for scores in group_scores(&output.records) {
        let means = scores.seed_means();
        println!(
            "{} {}: {:.4} ± {:.4} across {} seeds",
            scores.model,
            scores.metric,
            mean(&means).unwrap_or(f64::NAN),
            std_dev(&means).unwrap_or(f64::NAN),
            means.len()
        );
    }
    Ok(())
}
