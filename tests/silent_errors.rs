//! Cases that once printed a confident wrong number with `status=ok`: each is now either the
//! right number or a failure or warning that says what happened.

mod common;

use common::{read, run_ok as run, seedfold, test_file};
use std::path::Path;

/// Rows of records.csv (header left out) split into fields; no field of these runs holds a comma.
fn records(out: &Path) -> Vec<Vec<String>> {
    read(&out.join("records.csv"))
        .lines()
        .skip(1)
        .map(|l| l.split(',').map(String::from).collect())
        .collect()
}

#[test]
fn logistic_stopped_at_max_iter_warns_on_every_path() {
    let dir = tempfile::tempdir().unwrap();
    let cases: [(&str, &[&str]); 4] = [
        ("breast_cancer", &[]),
        ("breast_cancer", &["--exact-linfa"]),
        ("iris", &[]),
        ("iris", &["--exact-linfa"]),
    ];
    for (i, (dataset, extra)) in cases.iter().enumerate() {
        let out = dir.path().join(i.to_string());
        let mut args = vec!["--dataset", dataset, "--model", "logistic:max_iter=1"];
        args.extend_from_slice(extra);
        args.extend_from_slice(&["--seeds", "2", "--metrics", "accuracy"]);
        run(&out, &args);
        for r in records(&out) {
            assert_eq!(r[9], "ok", "{dataset} {extra:?}: {r:?}");
            assert!(
                r[11].starts_with("not converged"),
                "{dataset} {extra:?}: no warning in {r:?}"
            );
        }
        let report = read(&out.join("report.md"));
        assert!(
            report.contains("fits that did not converge"),
            "{dataset} {extra:?}"
        );
    }
}

#[test]
fn an_abandoned_slow_fit_does_not_starve_the_fits_beside_it() {
    // a forest of a million trees never ends in time; naive Bayes beside it takes milliseconds
    let dir = tempfile::tempdir().unwrap();
    fn args<'a>(models: &[&'a str]) -> Vec<&'a str> {
        let mut a = vec!["--dataset", "breast_cancer", "--seeds", "3", "--folds", "3"];
        a.extend_from_slice(&["--metrics", "accuracy", "--fit-timeout", "0.3"]);
        for m in models {
            a.extend_from_slice(&["--model", m]);
        }
        a
    }
    let (alone, beside) = (dir.path().join("alone"), dir.path().join("beside"));
    run(&alone, &args(&["naive_bayes"]));
    run(&beside, &args(&["forest:trees=1000000", "naive_bayes"]));
    let all = records(&beside);
    let (slow, fast): (Vec<_>, Vec<_>) = all.iter().partition(|r| r[0].starts_with("forest"));
    assert_eq!(slow.len(), 9);
    assert!(
        slow.iter()
            .all(|r| r[9] == "failed" && r[10].contains("fit timeout")),
        "{slow:?}"
    );
    let strip = |rows: Vec<&Vec<String>>| -> Vec<String> {
        rows.into_iter()
            .map(|r| {
                let mut r = r.clone();
                r.remove(8);
                r.join(",")
            })
            .collect()
    };
    let alone_rows = records(&alone);
    assert_eq!(
        strip(fast),
        strip(alone_rows.iter().collect()),
        "the fast model's records depend on the slow one"
    );
}

#[test]
fn a_training_window_cut_to_nothing_is_refused() {
    let refused = seedfold()
        .args(["run", "--dataset", "diabetes", "--model", "ols"])
        .args(["--splitter", "time-series", "--max-train-size", "0"])
        .args(["--quiet", "--out"])
        .arg(tempfile::tempdir().unwrap().path().join("r"))
        .output()
        .unwrap();
    assert_eq!(refused.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(stderr.contains("max_train_size 0"), "{stderr}");
}

#[test]
fn r2_on_one_test_row_is_not_defined_and_not_averaged_in() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("small.csv");
    let mut text = String::from("x,y\n");
    for i in 0..12 {
        text += &format!("{i},{}\n", 2 * i + i % 3);
    }
    std::fs::write(&data, text).unwrap();
    let out = dir.path().join("r");
    run(
        &out,
        &[
            "--data",
            data.to_str().unwrap(),
            "--target",
            "y",
            "--model",
            "ols",
            "--splitter",
            "loo",
            "--seeds",
            "1",
            "--metrics",
            "r2,explained_variance,mse",
        ],
    );
    for r in records(&out) {
        if r[4] == "mse" {
            assert_eq!(r[9], "ok", "{r:?}");
        } else {
            assert_eq!(r[9], "failed", "{r:?}");
            assert!(
                r[10].contains("is not defined on a test fold of 1 row"),
                "{r:?}"
            );
            assert!(r[5].is_empty());
        }
    }
}

#[test]
fn knn_on_one_feature_does_not_depend_on_its_scale() {
    let dir = tempfile::tempdir().unwrap();
    let huge = test_file("fuzz/regressions/knn-huge-scale.csv");
    let unit = dir.path().join("unit.csv");
    let text = read(&huge);
    let mut lines = text.lines();
    let mut scaled = format!("{}\n", lines.next().unwrap());
    for l in lines {
        let (x, y) = l.split_once(',').unwrap();
        scaled += &format!("{},{y}\n", x.parse::<f64>().unwrap() / 1e160);
    }
    std::fs::write(&unit, scaled).unwrap();
    let values = |data: &Path, name: &str| -> Vec<String> {
        let out = dir.path().join(name);
        run(
            &out,
            &[
                "--data",
                data.to_str().unwrap(),
                "--target",
                "y",
                "--model",
                "knn",
                "--seeds",
                "3",
                "--metrics",
                "r2,mae",
            ],
        );
        records(&out).into_iter().map(|r| r[5].clone()).collect()
    };
    let (a, b) = (values(&huge, "huge"), values(&unit, "unit"));
    assert!(a.iter().all(|v| !v.is_empty()));
    assert_eq!(a, b, "neighbours changed with the feature's unit");
}

#[test]
fn predictions_keep_every_class_probability_so_log_loss_can_be_recomputed() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r");
    run(
        &out,
        &[
            "--dataset",
            "iris",
            "--model",
            "logistic",
            "--seeds",
            "2",
            "--metrics",
            "log_loss",
            "--save-predictions",
        ],
    );
    let text = read(&out.join("predictions.csv"));
    let mut lines = text.lines();
    assert_eq!(
        lines.next().unwrap(),
        "model,split_seed,model_seed,fold,row,truth,prediction,proba_setosa,proba_versicolor,proba_virginica"
    );
    // per (seed, fold): the mean of −log p(truth), as log_loss is defined
    let classes = ["setosa", "versicolor", "virginica"];
    let mut losses: std::collections::BTreeMap<(u64, u64), (f64, usize)> = Default::default();
    for l in lines {
        let f: Vec<&str> = l.split(',').collect();
        let p: Vec<f64> = f[7..].iter().map(|v| v.parse().unwrap()).collect();
        assert!((p.iter().sum::<f64>() - 1.0).abs() < 1e-9);
        let truth = classes.iter().position(|c| *c == f[5]).unwrap();
        let e = losses
            .entry((f[1].parse().unwrap(), f[3].parse().unwrap()))
            .or_default();
        e.0 -= p[truth].clamp(f64::EPSILON, 1.0 - f64::EPSILON).ln();
        e.1 += 1;
    }
    for r in records(&out) {
        let key = (r[1].parse().unwrap(), r[3].parse().unwrap());
        let (sum, n) = losses[&key];
        let recorded: f64 = r[5].parse().unwrap();
        assert!(
            (sum / n as f64 - recorded).abs() < 1e-12,
            "{key:?}: {recorded}"
        );
    }
}

#[test]
fn an_unseen_category_is_not_called_a_convergence_problem() {
    // a category seen in one row only: in the fold that tests it, the training rows never had it
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("rare.csv");
    let mut text = String::from("x,colour,y\n");
    for i in 0..30 {
        let colour = if i == 7 {
            "violet"
        } else if i % 2 == 0 {
            "red"
        } else {
            "blue"
        };
        text += &format!("{i},{colour},{}\n", i * 3 % 7);
    }
    std::fs::write(&data, text).unwrap();
    let out = dir.path().join("r");
    run(
        &out,
        &[
            "--data",
            data.to_str().unwrap(),
            "--target",
            "y",
            "--model",
            "ridge",
            "--seeds",
            "2",
            "--metrics",
            "r2",
        ],
    );
    assert!(records(&out)
        .iter()
        .any(|r| r[11].contains("a category the training rows never had")));
    let report = read(&out.join("report.md"));
    assert!(!report.contains("did not converge"), "{report}");
    assert!(report.contains("carry another warning"), "{report}");
}
