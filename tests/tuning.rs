//! Tuned models (`--tune`): nested cross-validation equal to scikit-learn's GridSearchCV on
//! seedfold's own outer and inner folds (tests/reference/tuning.json from
//! make_tuning_reference.py), the choices counted in summary.json, inside a study, and the
//! settings that cannot work refused with what to do.

mod common;

use common::{read, reference, run_ok, run_refused, seedfold};
use std::collections::BTreeMap;

/// records.csv rows as (model, split seed, fold, metric) → (value, chosen).
fn records(dir: &std::path::Path) -> BTreeMap<(String, u64, usize, String), (f64, String)> {
    let text = read(&dir.join("records.csv"));
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let at = |name: &str| header.iter().position(|h| *h == name).unwrap();
    lines
        .map(|line| {
            let f: Vec<&str> = line.split(',').collect();
            assert_eq!(f[at("status")], "ok", "{line}");
            (
                (
                    f[at("model")].to_string(),
                    f[at("split_seed")].parse().unwrap(),
                    f[at("fold")].parse().unwrap(),
                    f[at("metric")].to_string(),
                ),
                (f[at("value")].parse().unwrap(), f[at("chosen")].to_string()),
            )
        })
        .collect()
}

#[test]
fn tuned_models_equal_scikit_learns_nested_grid_search_on_seedfolds_folds() {
    let r = reference("tuning.json");
    let (seeds, outer, inner) = (
        r["seeds"].as_u64().unwrap().to_string(),
        r["outer_folds"].as_u64().unwrap().to_string(),
        r["inner_folds"].as_u64().unwrap().to_string(),
    );
    for (name, case) in r["cases"].as_object().unwrap() {
        let dir = tempfile::tempdir().unwrap();
        let metrics: Vec<&str> = case["metrics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m.as_str().unwrap())
            .collect();
        let mut args = vec![
            "--dataset",
            case["dataset"].as_str().unwrap(),
            "--splitter",
            case["splitter"].as_str().unwrap(),
            "--folds",
            &outer,
            "--seeds",
            &seeds,
            "--tune",
            case["grid"].as_str().unwrap(),
            "--tune-folds",
            &inner,
            "--tune-rule",
            case["rule"].as_str().unwrap(),
            "--tune-metric",
            case["tune_metric"].as_str().unwrap(),
        ];
        let joined = metrics.join(",");
        args.extend(["--metrics", &joined]);
        if let Some(scale) = case["scale"].as_str() {
            args.extend(["--scale", scale]);
        }
        run_ok(dir.path(), &args);
        let got = records(dir.path());
        let kind = case["grid"].as_str().unwrap().split(':').next().unwrap();
        let model = format!("{kind}(tuned)");
        // ridge is solved exactly on both sides; logistic regression to each solver's tolerance
        let tolerance = if kind == "ridge" { 1e-9 } else { 1e-6 };
        let folds = case["folds"].as_array().unwrap();
        for fold in folds {
            let (seed, f) = (
                fold["split_seed"].as_u64().unwrap(),
                fold["fold"].as_u64().unwrap() as usize,
            );
            for (metric, want) in fold["scores"].as_object().unwrap() {
                let want = want.as_f64().unwrap();
                let (value, chosen) = &got[&(model.clone(), seed, f, metric.clone())];
                assert_eq!(
                    chosen,
                    fold["chosen"].as_str().unwrap(),
                    "{name}: seed {seed} fold {f} chose differently"
                );
                assert!(
                    (value - want).abs() <= tolerance * want.abs().max(1.0),
                    "{name}: seed {seed} fold {f} {metric}: seedfold {value} vs scikit-learn {want}"
                );
            }
        }
        assert_eq!(got.len(), folds.len() * metrics.len(), "{name}");
        // summary.json counts the choices over outer folds and seeds
        let summary = common::json(&dir.path().join("summary.json"));
        let tuning = &summary["tuning"][0];
        assert_eq!(tuning["model"], model.as_str());
        let mut want: BTreeMap<&str, u64> = BTreeMap::new();
        for fold in folds {
            *want.entry(fold["chosen"].as_str().unwrap()).or_default() += 1;
        }
        for point in tuning["points"].as_array().unwrap() {
            let count = point["chosen"].as_u64().unwrap();
            assert_eq!(
                count,
                want.get(point["point"].as_str().unwrap())
                    .copied()
                    .unwrap_or(0),
                "{name}: {point}"
            );
        }
        assert_eq!(tuning["fits"].as_u64().unwrap(), folds.len() as u64);
    }
}

#[test]
fn a_tuned_model_runs_inside_a_study_over_data_sets() {
    let dir = tempfile::tempdir().unwrap();
    let toml = dir.path().join("study.toml");
    std::fs::write(
        &toml,
        r#"
seeds = 2
models = ["ridge:alpha=1"]
metrics = ["r2"]

[[data]]
dataset = "diabetes"

[[data]]
name = "wine_alcohol"
dataset = "wine"
target = "alcohol"
task = "regression"

[[tune]]
model = "ridge:alpha=0.1|10"
folds = 3
rule = "one-se"
"#,
    )
    .unwrap();
    let out = dir.path().join("out");
    seedfold()
        .args(["run", "--quiet", "--out"])
        .arg(&out)
        .arg(&toml)
        .assert()
        .success();
    for data in ["diabetes", "wine_alcohol"] {
        let got = records(&out.join(data));
        assert!(
            got.keys().any(|(model, ..)| model == "ridge(tuned)"),
            "{data}: no tuned records"
        );
        assert!(got
            .iter()
            .filter(|((model, ..), _)| model == "ridge(tuned)")
            .all(|(_, (_, chosen))| chosen.starts_with("ridge:alpha=")));
    }
    assert!(read(&out.join("report.html")).contains("ridge(tuned)"));
}

#[test]
fn tuning_settings_that_cannot_work_are_refused_with_what_to_do() {
    let cases: [(&[&str], &str); 4] = [
        (&["--tune", "ridge:alpha=1"], "give a grid"),
        (
            &["--tune", "ridge:alpha=1|2", "--tune-folds", "1"],
            "at least 2 folds",
        ),
        (
            &[
                "--tune",
                "elasticnet:alpha=0.1|1,l1_ratio=0.2|0.8",
                "--tune-rule",
                "one-se",
            ],
            "--tune-rule best",
        ),
        (
            &["--tune", "ridge:alpha=1|2", "--tune", "ridge:alpha=3|4"],
            "one grid per model kind",
        ),
    ];
    for (flags, expected) in cases {
        let mut args = vec!["--dataset", "diabetes", "--seeds", "1"];
        args.extend(flags);
        run_refused(&args, expected);
    }
}

#[test]
fn an_inner_split_that_cannot_be_made_fails_the_fold_on_record_not_the_run() {
    // 3 outer folds of iris leave 33 or 34 rows of a class in training; 40 inner folds cannot
    // stratify them, so every tuned fit fails with the reason, and the plain model still runs
    let dir = tempfile::tempdir().unwrap();
    run_ok(
        dir.path(),
        &[
            "--dataset",
            "iris",
            "--folds",
            "3",
            "--seeds",
            "1",
            "--model",
            "tree",
            "--tune",
            "knn:k=1|5",
            "--tune-folds",
            "40",
            "--metrics",
            "accuracy",
        ],
    );
    let text = read(&dir.path().join("records.csv"));
    let tuned: Vec<&str> = text
        .lines()
        .filter(|l| l.starts_with("knn(tuned)"))
        .collect();
    assert_eq!(tuned.len(), 3);
    assert!(tuned
        .iter()
        .all(|l| l.contains(",failed,") && l.contains("inner cross-validation cannot split")));
    assert!(text
        .lines()
        .any(|l| l.starts_with("tree,") && l.contains(",ok,")));
}
