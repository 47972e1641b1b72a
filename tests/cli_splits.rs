//! `seedfold splits` and `seedfold datasets` as a user runs them.

mod common;

use common::seedfold;

#[test]
fn splits_csv_has_the_contract_header_and_order() {
    let out = seedfold()
        .args([
            "splits",
            "--dataset",
            "iris",
            "--splitter",
            "stratified",
            "--folds",
            "5",
            "--seeds",
            "3",
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("split_seed,fold,row,role"));
    let rows: Vec<(u64, usize, String, usize)> = lines
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            (
                f[0].parse().unwrap(),
                f[1].parse().unwrap(),
                f[3].to_string(),
                f[2].parse().unwrap(),
            )
        })
        .collect();
    assert_eq!(rows.len(), 3 * 5 * 150);
    assert!(
        rows.windows(2).all(|w| w[0] < w[1]),
        "rows must be sorted by seed, fold, role, row"
    );
    let tests = rows.iter().filter(|r| r.2 == "test").count();
    assert_eq!(tests, 3 * 150);
}

#[test]
fn seed_range_and_list_select_seeds() {
    let seeds = |args: &[&str]| -> Vec<String> {
        let mut cmd = seedfold();
        cmd.args(["splits", "--dataset", "iris"]).args(args);
        let text = String::from_utf8(cmd.output().unwrap().stdout).unwrap();
        let mut s: Vec<String> = text
            .lines()
            .skip(1)
            .map(|l| l.split(',').next().unwrap().to_string())
            .collect();
        s.dedup();
        s
    };
    assert_eq!(seeds(&["--seeds", "5..8"]), ["5", "6", "7"]);
    assert_eq!(seeds(&["--seeds", "2..=3"]), ["2", "3"]);
    assert_eq!(seeds(&["--seed-list", "11,3,7"]), ["3", "7", "11"]);
}

#[test]
fn splits_to_a_file_equals_stdout() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("splits.csv");
    let args = ["splits", "--dataset", "wine", "--seeds", "2"];
    let stdout = seedfold().args(args).output().unwrap().stdout;
    seedfold()
        .args(args)
        .arg("--out")
        .arg(&path)
        .assert()
        .success();
    assert_eq!(std::fs::read(&path).unwrap(), stdout);
}

#[test]
fn bad_seeds_and_bad_data_are_clear_errors() {
    let out = seedfold()
        .args(["splits", "--dataset", "iris", "--seeds", "x"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("'x' in --seeds 'x' is not a whole number")
    );
    let out = seedfold().args(["splits"]).output().unwrap();
    assert!(String::from_utf8_lossy(&out.stderr).contains("--dataset NAME"));
}

#[test]
fn small_class_warning_goes_to_stderr() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("d.csv");
    std::fs::write(&path, "a,y\n1,p\n2,p\n3,p\n4,p\n5,q\n6,q\n").unwrap();
    let out = seedfold()
        .args(["splits", "--data"])
        .arg(&path)
        .args(["--target", "y", "--folds", "3"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr)
        .contains("warning: the least populated class has only 2 members"));
}

#[test]
fn datasets_lists_every_builtin() {
    let out = seedfold().arg("datasets").output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    for name in ["diabetes", "breast_cancer", "iris", "wine", "digits"] {
        assert!(text.contains(name), "{name} missing from:\n{text}");
    }
    assert!(text.contains("setosa versicolor virginica"));
}
