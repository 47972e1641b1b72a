//! `--splits sklearn`: split seed s gives scikit-learn's `KFold`, `StratifiedKFold`
//! (shuffle=True), `ShuffleSplit`, `StratifiedShuffleSplit` and `GroupShuffleSplit` folds with
//! `random_state=s` exactly; `--splits sklearn-repeated`: split seed r gives repeat r of
//! `RepeatedKFold` / `RepeatedStratifiedKFold`. Checked against
//! tests/reference/sklearn_splits.json (made by make_sklearn_splits_reference.py with
//! scikit-learn 1.9.1 and numpy 2.4.6).

mod common;

use common::{class_table, read, reference, regression_table, run_ok, seedfold};
use seedfold::data::Table;
use seedfold::split::{Fold, SplitConfig, SplitSource, Splitter, SplitterKind, TestSize};
use sha2::{Digest, Sha256};

/// seedfold's folds for `seed` under `--splits sklearn`.
fn folds(
    kind: SplitterKind,
    folds: usize,
    table: &Table,
    seed: u64,
    test_size: Option<TestSize>,
) -> Vec<Fold> {
    let config = SplitConfig {
        kind,
        folds,
        test_size,
        source: SplitSource::Sklearn,
        ..SplitConfig::default()
    };
    Splitter::new(&config, table).unwrap().split(seed)
}

/// A case's test size: a count or a fraction (`None` when absent or null).
fn test_size_of(case: &serde_json::Value) -> Option<TestSize> {
    let size = &case["test_size"];
    match size.as_u64() {
        Some(c) => Some(TestSize::Count(c as usize)),
        None => size.as_f64().map(TestSize::Fraction),
    }
}

/// Every split's "test;train", joined by "|".
fn splits_text(folds: &[Fold]) -> String {
    folds
        .iter()
        .map(|f| format!("{};{}", joined(&f.test), joined(&f.train)))
        .collect::<Vec<_>>()
        .join("|")
}

/// Digit labels written as one string.
fn digits(case: &serde_json::Value) -> Vec<usize> {
    case["labels"]
        .as_str()
        .unwrap()
        .bytes()
        .map(|b| usize::from(b - b'0'))
        .collect()
}

fn number(case: &serde_json::Value, key: &str) -> usize {
    case[key].as_u64().unwrap() as usize
}

/// "i,i,i" for rows.
fn joined(rows: &[usize]) -> String {
    rows.iter()
        .map(|i| i.to_string())
        .collect::<Vec<_>>()
        .join(",")
}

/// The test folds, "i,i;i,i;…".
fn tests_text(folds: &[Fold]) -> String {
    folds
        .iter()
        .map(|f| joined(&f.test))
        .collect::<Vec<_>>()
        .join(";")
}

fn sha256(text: &str) -> String {
    format!("{:x}", Sha256::digest(text.as_bytes()))
}

/// The generated cases of one splitter in the reference file (at least 1,000).
fn generated(splitter: &str) -> Vec<serde_json::Value> {
    let cases = reference("sklearn_splits.json")[splitter]
        .as_array()
        .unwrap()
        .clone();
    assert!(cases.len() >= 1000, "{splitter}: {} cases", cases.len());
    cases
}

/// seedfold's k-fold test folds for (n, folds, seed) under `--splits sklearn`.
fn test_folds(n: usize, k: usize, seed: u64) -> Vec<Vec<usize>> {
    let table = regression_table(vec![0.0; n], None);
    folds(SplitterKind::Kfold, k, &table, seed, None)
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
fn stratified_kfold_equals_scikit_learn_on_1000_generated_cases() {
    for case in &generated("stratified") {
        let labels = digits(case);
        let (k, seed) = (
            case["folds"].as_u64().unwrap() as usize,
            case["seed"].as_u64().unwrap(),
        );
        let table = class_table(&labels, None);
        let text = tests_text(&folds(SplitterKind::Stratified, k, &table, seed, None));
        assert_eq!(
            sha256(&text),
            case["sha256"].as_str().unwrap(),
            "{} rows, folds {k}, seed {seed}",
            labels.len()
        );
    }
}

/// seedfold's splits of `kind` on `table` for a generated case (splits, seed, test size)
/// equal scikit-learn's: the digest of every split's "test;train".
fn assert_same_splits(kind: SplitterKind, table: &Table, case: &serde_json::Value) {
    let (splits, seed) = (number(case, "splits"), number(case, "seed") as u64);
    let got = folds(kind, splits, table, seed, test_size_of(case));
    assert_eq!(
        sha256(&splits_text(&got)),
        case["sha256"].as_str().unwrap(),
        "{kind:?}: {} rows, {splits} splits of {}, seed {seed}",
        table.n_rows(),
        case["test_size"]
    );
}

#[test]
fn shuffle_split_equals_scikit_learn_on_1000_generated_cases() {
    for case in &generated("shuffle_split") {
        let table = regression_table(vec![0.0; number(case, "n")], None);
        assert_same_splits(SplitterKind::ShuffleSplit, &table, case);
    }
}

#[test]
fn stratified_shuffle_split_equals_scikit_learn_on_1000_generated_cases() {
    for case in &generated("stratified_shuffle_split") {
        let table = class_table(&digits(case), None);
        assert_same_splits(SplitterKind::StratifiedShuffleSplit, &table, case);
    }
}

#[test]
fn group_shuffle_split_equals_scikit_learn_on_1000_generated_cases() {
    for case in &generated("group_shuffle_split") {
        let groups: Vec<usize> = case["groups"]
            .as_str()
            .unwrap()
            .split(',')
            .map(|g| g.parse().unwrap())
            .collect();
        let table = regression_table(vec![0.0; groups.len()], Some(groups));
        assert_same_splits(SplitterKind::GroupShuffleSplit, &table, case);
    }
}

/// Repeats 0 … r − 1 (split seeds under `--splits sklearn-repeated`): each repeat's test
/// folds "…;…", repeats joined by "|".
fn repeats_text(kind: SplitterKind, table: &Table, case: &serde_json::Value) -> String {
    let config = SplitConfig {
        kind,
        folds: number(case, "folds"),
        source: SplitSource::SklearnRepeated,
        random_state: Some(number(case, "random_state") as u32),
        ..SplitConfig::default()
    };
    let splitter = Splitter::new(&config, table).unwrap();
    (0..number(case, "repeats") as u64)
        .map(|r| tests_text(&splitter.split(r)))
        .collect::<Vec<_>>()
        .join("|")
}

#[test]
fn repeated_kfold_and_repeated_stratified_equal_scikit_learn_on_1000_cases_each() {
    let cases = reference("sklearn_splits.json");
    for case in cases["repeated_kfold"].as_array().unwrap() {
        let table = regression_table(vec![0.0; number(case, "n")], None);
        let text = repeats_text(SplitterKind::Kfold, &table, case);
        assert_eq!(sha256(&text), case["sha256"].as_str().unwrap(), "{case}");
    }
    for case in cases["repeated_stratified"].as_array().unwrap() {
        let table = class_table(&digits(case), None);
        let text = repeats_text(SplitterKind::Stratified, &table, case);
        assert_eq!(sha256(&text), case["sha256"].as_str().unwrap(), "{case}");
    }
}

#[test]
fn repeats_drawn_on_from_kept_states_equal_repeats_drawn_from_the_start() {
    let table = regression_table(vec![0.0; 50], None);
    let config = SplitConfig {
        source: SplitSource::SklearnRepeated,
        random_state: Some(7),
        ..SplitConfig::default()
    };
    let shared = Splitter::new(&config, &table).unwrap();
    for repeat in [100, 40, 70, 33, 64, 0, 65, 200] {
        let fresh = Splitter::new(&config, &table).unwrap();
        assert_eq!(shared.split(repeat), fresh.split(repeat), "repeat {repeat}");
    }
}

#[test]
fn scikit_learns_splitters_are_refused_where_they_do_not_exist() {
    let table = regression_table(vec![0.0; 20], None);
    let config = SplitConfig {
        kind: SplitterKind::ShuffleSplit,
        source: SplitSource::SklearnRepeated,
        ..SplitConfig::default()
    };
    let e = Splitter::new(&config, &table).unwrap_err().to_string();
    assert!(e.contains("RepeatedKFold"), "{e}");
    let config = SplitConfig {
        random_state: Some(3),
        source: SplitSource::Sklearn,
        ..SplitConfig::default()
    };
    let e = Splitter::new(&config, &table).unwrap_err().to_string();
    assert!(e.contains("sklearn-repeated"), "{e}");
    let config = SplitConfig {
        source: SplitSource::SklearnRepeated,
        ..SplitConfig::default()
    };
    let e = Splitter::new(&config, &table)
        .unwrap()
        .check_seeds(&[0, 100_000])
        .unwrap_err()
        .to_string();
    assert!(e.contains("repeat"), "{e}");
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
    assert!(
        refused(&["--splitter", "time-series"]).contains("it gives scikit-learn's KFold (kfold)")
    );
    assert!(refused(&["--splitter", "stratified"]).contains("on a regression target"));
    assert!(refused(&["--seed-list", "4294967296"]).contains("random_state range"));
    // a refused run leaves no folder behind
    assert!(!out.exists());
}
