//! The permutation test against chance (`--permutations N`): the same permutations, scores and
//! p-values as scikit-learn's permutation_test_score on seedfold's folds
//! (tests/reference/permutation.json from make_permutation_reference.py).

mod common;

use common::{floats, read, reference, run_ok};

#[test]
fn the_permutation_test_equals_scikit_learns_on_the_same_folds_and_permutations() {
    let r = reference("permutation.json");
    let n = r["permutations"].as_u64().unwrap().to_string();
    for case in r["cases"].as_array().unwrap() {
        let dir = tempfile::tempdir().unwrap();
        let seed = case["seed"].as_u64().unwrap().to_string();
        let metric = case["metric"].as_str().unwrap();
        let grouped = dir.path().join("grouped.csv");
        let within_groups = case["dataset"] == "diabetes-grouped";
        let source = match case["dataset"].as_str().unwrap() {
            "diabetes-grouped" => {
                grouped_diabetes(&grouped);
                let path = grouped.to_str().unwrap();
                vec!["--data", path, "--target", "progression", "--groups", "g"]
            }
            name => vec!["--dataset", name],
        };
        let out = dir.path().join("out");
        let dir = &out;
        run_ok(
            dir,
            &[
                &source[..],
                &[
                    "--splitter",
                    case["splitter"].as_str().unwrap(),
                    "--seed-list",
                    &seed,
                    "--model",
                    case["model"].as_str().unwrap(),
                    "--metrics",
                    metric,
                    "--permutations",
                    &n,
                ],
            ]
            .concat(),
        );
        let summary = common::json(&dir.join("summary.json"));
        let test = &summary["summaries"][0]["permutation_test"];
        let null = floats(&case["null"]);
        let mean = null.iter().sum::<f64>() / null.len() as f64;
        let sd =
            (null.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (null.len() - 1) as f64).sqrt();
        // ridge is solved exactly on both sides, logistic regression to each solver's tolerance
        let tolerance = if case["model"] == "ridge" { 1e-9 } else { 1e-6 };
        for (name, want) in [
            ("observed", case["observed"].as_f64().unwrap()),
            ("null_mean", mean),
            ("null_sd", sd),
        ] {
            let got = test[name].as_f64().unwrap();
            assert!(
                (got - want).abs() <= tolerance * want.abs().max(1.0),
                "{} {metric} {name}: seedfold {got} vs scikit-learn {want}",
                case["dataset"]
            );
        }
        assert_eq!(test["p_value"], case["p_value"]);
        assert_eq!(test["permutations"].as_u64().unwrap(), null.len() as u64);
        // the report says which null it tested against: a grouped null is a different test
        assert_eq!(test["within_groups"].as_bool(), Some(within_groups));
        let report = read(&dir.join("report.md"));
        assert!(report.contains("## Better than chance?"));
        assert_eq!(
            report.contains("with the target permuted within each group (chance)"),
            within_groups
        );
        assert_eq!(
            report.contains("with the target permuted (chance)"),
            !within_groups
        );
    }
}

/// diabetes.csv with a first column g = (7 · row) mod 45: 45 groups spread through the file,
/// whose text order is not their numeric order (make_permutation_reference.py writes the same).
fn grouped_diabetes(path: &std::path::Path) {
    let text =
        read(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("datasets/diabetes.csv"));
    let mut lines = text.lines();
    let mut out = format!("g,{}\n", lines.next().unwrap());
    for (row, line) in lines.enumerate() {
        out += &format!("{},{line}\n", (7 * row) % 45);
    }
    std::fs::write(path, out).unwrap();
}

#[test]
fn a_model_that_cannot_beat_chance_gets_a_large_p_value() {
    // a target that is pure noise beside its features: no permutation should be much worse
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("noise.csv");
    let mut text = String::from("a,b,y\n");
    let mut rng = seedfold::rng::stream(5, seedfold::rng::Purpose::Posterior);
    for _ in 0..120 {
        let (a, b, y) = (
            seedfold::rng::unit(&mut rng),
            seedfold::rng::unit(&mut rng),
            seedfold::rng::unit(&mut rng),
        );
        text += &format!("{a},{b},{y}\n");
    }
    std::fs::write(&csv, text).unwrap();
    let out = dir.path().join("out");
    run_ok(
        &out,
        &[
            "--data",
            csv.to_str().unwrap(),
            "--target",
            "y",
            "--model",
            "ols",
            "--metrics",
            "mse",
            "--seeds",
            "2",
            "--permutations",
            "99",
        ],
    );
    let summary = common::json(&out.join("summary.json"));
    let p = summary["summaries"][0]["permutation_test"]["p_value"]
        .as_f64()
        .unwrap();
    assert!(p > 0.05, "p = {p} on pure noise");
}
