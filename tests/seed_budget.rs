//! The advice on splitting a budget between split seeds and model seeds, for a random model
//! run under several model seeds: the ratio of the seeds' spreads in summary.json and the
//! report (reproducible), the number of model seeds it gives with the run's timed costs in
//! manifest.json (not reproducible, so kept out of the report).

mod common;

use common::{json, read, run_ok};

#[test]
fn a_random_model_under_several_model_seeds_gets_the_two_stage_optimum() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r");
    run_ok(
        &out,
        &[
            "--dataset",
            "iris",
            "--model",
            "forest:trees=10",
            "--model",
            "logistic",
            "--seeds",
            "6",
            "--model-seeds",
            "3",
            "--metrics",
            "accuracy",
        ],
    );
    let summary = json(&out.join("summary.json"));
    let summaries = summary["summaries"].as_array().unwrap();
    let forest = summaries
        .iter()
        .find(|s| s["model"].as_str().unwrap().starts_with("forest"))
        .unwrap();
    let effect = &forest["seed_effect"];
    let ratio =
        effect["model_seed"]["sd"].as_f64().unwrap() / effect["split_seed"]["sd"].as_f64().unwrap();
    let sd_ratio = forest["seed_budget"]["sd_ratio"].as_f64().unwrap();
    assert!(
        (sd_ratio - ratio).abs() <= 1e-12 * ratio,
        "{sd_ratio} vs {ratio}"
    );
    let report = read(&out.join("report.md"));
    assert!(
        report.contains(&format!(
            "Model seeds against split seeds: σ_model / σ_split = {sd_ratio:.2}"
        )),
        "{report}"
    );
    // the timed part: M* = σ_model / σ_split · √(c_split / c_model), in the manifest only
    let manifest = json(&out.join("manifest.json"));
    let advice = &manifest["seed_budget"][0];
    assert_eq!(advice["model"], forest["model"]);
    let (c_split, c_model) = (
        advice["split_seconds"].as_f64().unwrap(),
        advice["model_seconds"].as_f64().unwrap(),
    );
    assert!(c_split > 0.0 && c_model > 0.0, "{advice}");
    let optimum = sd_ratio * (c_split / c_model).sqrt();
    assert!((advice["optimum"].as_f64().unwrap() - optimum).abs() <= 1e-9 * optimum.max(1.0));
    assert_eq!(
        advice["model_seeds_per_split_seed"].as_u64().unwrap(),
        optimum.round().clamp(1.0, 100.0) as u64
    );
    // logistic is deterministic: one model seed ran, so there is no ratio to give
    let logistic = summaries.iter().find(|s| s["model"] == "logistic").unwrap();
    assert!(logistic.get("seed_budget").is_none());
    assert!(manifest["seed_budget"]
        .as_array()
        .unwrap()
        .iter()
        .all(|a| a["model"] != "logistic"));
}
