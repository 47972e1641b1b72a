//! `seedfold coverage`: the table of how often each interval covers, on a built-in data set,
//! and what it refuses.

mod common;

use common::{seedfold, stderr};

#[test]
fn coverage_prints_each_intervals_share_with_its_uncertainty() {
    let o = seedfold()
        .args([
            "coverage",
            "--dataset",
            "diabetes",
            "--model",
            "ols",
            "--rows",
            "100",
        ])
        .args(["--subsets", "12", "--seeds", "3", "--folds", "5", "--ncv"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let text = String::from_utf8_lossy(&o.stdout);
    for interval in [
        "t over split seeds",
        "Nadeau–Bengio",
        "BCa over split seeds",
        "nested CV",
    ] {
        let line = text
            .lines()
            .find(|l| l.starts_with(interval))
            .unwrap_or_else(|| panic!("no {interval} line in\n{text}"));
        // "covered/12", a share and its Wilson interval
        assert!(
            line.contains("/12") && line.contains('%') && line.contains('['),
            "{line}"
        );
    }
    assert!(text.contains("ols on mse"), "{text}");
}

#[test]
fn coverage_refuses_subsets_that_leave_no_rows_to_score_on() {
    let o = seedfold()
        .args([
            "coverage",
            "--dataset",
            "diabetes",
            "--model",
            "ols",
            "--rows",
            "300",
        ])
        .output()
        .unwrap();
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains("at most half the table"),
        "{}",
        stderr(&o)
    );
}
