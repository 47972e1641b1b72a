//! Least squares on rank-deficient designs scores as scikit-learn's `LinearRegression` (the
//! minimum-norm solution) on seedfold's own folds: a constant column, a two-level text column
//! one-hot beside the intercept, a duplicated column, the constant column under
//! `--scale standard`, and penguins' body mass (species, island and sex one-hot); for `ols`,
//! `ridge:alpha=0`, `tweedie:alpha=0` (the identity-link normal GLM, solved by Newton to its
//! tolerance) and `--exact-linfa`. Reference: tests/reference/rank_deficient.json from
//! make_rank_deficient_reference.py.

mod common;

use common::{read, reference, seedfold};
use std::collections::BTreeMap;

/// Every fold's r2 per model from a run of `models` with `flags` (and `extra`).
fn fold_r2(
    flags: &[String],
    target: &str,
    models: &[&str],
    extra: &[&str],
) -> BTreeMap<(String, u64, u64), f64> {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r");
    let mut cmd = seedfold();
    cmd.arg("run")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(flags)
        .args(["--target", target, "--splitter", "kfold", "--folds", "5"])
        .args(["--seeds", "3", "--metrics", "r2", "--quiet", "--out"])
        .arg(&out)
        .args(extra);
    for m in models {
        cmd.args(["--model", m]);
    }
    cmd.assert().success();
    read(&out.join("records.csv"))
        .lines()
        .skip(1)
        .map(|line| {
            let f: Vec<&str> = line.split(',').collect();
            assert_eq!(f[9], "ok", "{line}");
            assert!(f[11].is_empty(), "no warning expected: {line}");
            (
                (
                    f[0].to_string(),
                    f[1].parse().unwrap(),
                    f[3].parse().unwrap(),
                ),
                f[5].parse().unwrap(),
            )
        })
        .collect()
}

fn check(models: &[&str], extra: &[&str]) {
    let r = reference("rank_deficient.json");
    let mut compared = 0;
    for (case, entry) in r["cases"].as_object().unwrap() {
        let flags: Vec<String> = entry["flags"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f.as_str().unwrap().to_string())
            .collect();
        let got = fold_r2(&flags, entry["target"].as_str().unwrap(), models, extra);
        for fold in entry["folds"].as_array().unwrap() {
            let key = |m: &str| {
                (
                    m.to_string(),
                    fold["split_seed"].as_u64().unwrap(),
                    fold["fold"].as_u64().unwrap(),
                )
            };
            let want = fold["r2"].as_f64().unwrap();
            for m in models {
                let value = got[&key(m)];
                assert!(
                    (value - want).abs() < 1e-8,
                    "{case} {m} {:?}: seedfold {value} vs LinearRegression {want}",
                    key(m)
                );
                compared += 1;
            }
        }
    }
    assert_eq!(compared, 5 * 15 * models.len());
}

#[test]
fn ols_on_rank_deficient_designs_equals_linear_regression_fold_by_fold() {
    check(&["ols", "ridge:alpha=0", "tweedie:alpha=0"], &[]);
}

#[test]
fn exact_linfa_ols_on_rank_deficient_designs_equals_linear_regression() {
    check(&["ols"], &["--exact-linfa"]);
}
