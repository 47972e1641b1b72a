//! `seedfold coverage`: the table of how often each interval covers, on a built-in data set,
//! and what it refuses.

mod common;

use common::{seedfold, stderr};

/// `seedfold coverage` of ols on diabetes with `args`.
fn coverage(args: &[&str]) -> std::process::Output {
    seedfold()
        .args(["coverage", "--dataset", "diabetes", "--model", "ols"])
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn coverage_prints_each_intervals_share_with_its_uncertainty() {
    let o = coverage(&["--rows", "100", "--subsets", "12", "--seeds", "3", "--ncv"]);
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
    let o = coverage(&["--rows", "300"]);
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains("at most half the table"),
        "{}",
        stderr(&o)
    );
}
