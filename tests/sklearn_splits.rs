//! `--splits sklearn`: split seed s gives scikit-learn's `KFold(shuffle=True, random_state=s)`
//! folds exactly, checked against tests/reference/sklearn_splits.json (made by
//! make_sklearn_splits_reference.py with scikit-learn 1.9.1 and numpy 2.4.6).

mod common;

use common::{read, reference, regression_table, run_ok, seedfold};
use seedfold::split::{SplitConfig, SplitSource, Splitter, SplitterKind};
use sha2::{Digest, Sha256};

/// seedfold's test folds for (n, folds, seed) under `--splits sklearn`.
fn test_folds(n: usize, folds: usize, seed: u64) -> Vec<Vec<usize>> {
    let config = SplitConfig {
        kind: SplitterKind::Kfold,
        folds,
        source: SplitSource::Sklearn,
        ..SplitConfig::default()
    };
    let table = regression_table(vec![0.0; n], None);
    Splitter::new(&config, &table)
        .unwrap()
        .split(seed)
        .into_iter()
        .map(|f| f.test)
        .collect()
}

#[test]
fn kfold_equals_scikit_learn_on_1200_generated_cases() {
    let cases = reference("sklearn_splits.json");
    let mut checked = 0;
    for case in cases["kfold"].as_array().unwrap() {
        let (n, k, seed) = (
            case["n"].as_u64().unwrap() as usize,
            case["folds"].as_u64().unwrap() as usize,
            case["seed"].as_u64().unwrap(),
        );
        let text = test_folds(n, k, seed)
            .iter()
            .map(|f| {
                f.iter()
                    .map(|i| i.to_string())
                    .collect::<Vec<_>>()
                    .join(",")
            })
            .collect::<Vec<_>>()
            .join(";");
        let digest = format!("{:x}", Sha256::digest(text.as_bytes()));
        assert_eq!(
            digest,
            case["sha256"].as_str().unwrap(),
            "n {n}, folds {k}, seed {seed}"
        );
        checked += 1;
    }
    assert!(checked >= 1000);
    for case in cases["kfold_full"].as_array().unwrap() {
        let want: Vec<Vec<usize>> = serde_json::from_value(case["test"].clone()).unwrap();
        let got = test_folds(
            case["n"].as_u64().unwrap() as usize,
            case["folds"].as_u64().unwrap() as usize,
            case["seed"].as_u64().unwrap(),
        );
        assert_eq!(got, want);
    }
    // the issue's golden vector: KFold(3, shuffle=True, random_state=0) on 10 rows
    assert_eq!(
        test_folds(10, 3, 0),
        [vec![2, 4, 8, 9], vec![1, 6, 7], vec![0, 3, 5]]
    );
}

#[test]
fn diabetes_ols_scores_equal_cross_validate_on_scikit_learns_folds() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r");
    run_ok(
        &out,
        &[
            "--dataset",
            "diabetes",
            "--model",
            "ols",
            "--splits",
            "sklearn",
            "--seeds",
            "3",
            "--metrics",
            "r2",
        ],
    );
    let want = &reference("sklearn_splits.json")["diabetes_ols"];
    let records = read(&out.join("records.csv"));
    let mut compared = 0;
    for line in records.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        let (seed, fold, value): (&str, usize, f64) =
            (f[1], f[3].parse().unwrap(), f[5].parse().unwrap());
        let expected = want[seed][fold].as_f64().unwrap();
        assert!(
            (value - expected).abs() <= 1e-10,
            "seed {seed} fold {fold}: {value} vs {expected}"
        );
        compared += 1;
    }
    assert_eq!(compared, 15);
}

#[test]
fn what_scikit_learns_generator_cannot_do_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r");
    let refused = |args: &[&str]| {
        let o = seedfold()
            .args([
                "run",
                "--dataset",
                "diabetes",
                "--model",
                "ols",
                "--splits",
                "sklearn",
                "--quiet",
            ])
            .args(args)
            .arg("--out")
            .arg(&out)
            .output()
            .unwrap();
        assert!(!o.status.success(), "{args:?}");
        common::stderr(&o)
    };
    assert!(refused(&["--splitter", "stratified"]).contains("pass --splitter kfold"));
    assert!(refused(&["--seed-list", "4294967296"]).contains("random_state range"));
    assert!(!out.join("records.csv").exists());
}
