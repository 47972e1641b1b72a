//! `seedfold run` as a user runs it: output files, reproducibility across thread counts,
//! failure capture, predictions and splits.

mod common;

use common::{read, seedfold, without_timing};
use std::path::Path;

#[test]
fn records_are_identical_for_any_thread_count() {
    // iris: multinomial logistic, one-vs-one svm, softmax boosting; breast_cancer: the Newton
    // fast path, started from the whole data's fit; diabetes: every model for values
    let classes = [
        "logistic",
        "forest:trees=5",
        "knn",
        "svm",
        "boosting:rounds=10",
    ];
    let values = ["forest:trees=5", "knn", "svm", "boosting:rounds=10"];
    for (dataset, models) in [
        ("iris", &classes[..]),
        ("breast_cancer", &classes[..]),
        ("diabetes", &values[..]),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let mut outputs = Vec::new();
        for threads in ["1", "2", "5"] {
            let out = dir.path().join(threads);
            let mut run = seedfold();
            run.args(["run", "--dataset", dataset, "--model-seeds", "2"]);
            for model in models {
                run.args(["--model", model]);
            }
            run.args(["--seeds", "6", "--threads", threads, "--quiet", "--out"])
                .arg(&out)
                .assert()
                .success();
            outputs.push(without_timing(&read(&out.join("records.csv"))));
        }
        for other in &outputs[1..] {
            let first_difference = outputs[0].lines().zip(other.lines()).find(|(a, b)| a != b);
            assert_eq!(
                first_difference, None,
                "{dataset}: records differ between thread counts"
            );
            assert_eq!(outputs[0].lines().count(), other.lines().count());
        }
    }
}

#[test]
fn a_pool_of_one_worker_thread_finishes_the_run() {
    // one core, or RAYON_NUM_THREADS=1: the pool's only worker must never be a thread that
    // waits for others using the pool (report.html's sections, the statistics); the models
    // but least squares fit under the fit timeout, on threads of their own
    let dir = tempfile::tempdir().unwrap();
    let mut outputs = Vec::new();
    for (name, pool) in [("one", Some("1")), ("default", None)] {
        let out = dir.path().join(name);
        let mut run = seedfold();
        if let Some(threads) = pool {
            run.env("RAYON_NUM_THREADS", threads);
        }
        run.args(["run", "--dataset", "diabetes", "--seeds", "3"]);
        for model in ["ols", "ridge", "forest:trees=3", "svm", "knn"] {
            run.args(["--model", model]);
        }
        run.args(["--quiet", "--out"])
            .arg(&out)
            .timeout(std::time::Duration::from_secs(60))
            .assert()
            .success();
        outputs.push(without_timing(&read(&out.join("records.csv"))));
    }
    assert_eq!(outputs[0], outputs[1]);
}

#[test]
fn records_follow_the_contract() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r");
    let assert = seedfold()
        .args([
            "run",
            "--dataset",
            "diabetes",
            "--model",
            "ols",
            "--model",
            "ridge:alpha=0.1|10",
            "--seeds",
            "3",
            "--folds",
            "4",
            "--out",
        ])
        .arg(&out)
        .assert()
        .success();
    let stdout = String::from_utf8_lossy(&assert.get_output().stdout).to_string();
    assert!(
        stdout.contains("ridge:alpha=10") && stdout.contains("rmse"),
        "{stdout}"
    );
    let csv = read(&out.join("records.csv"));
    let mut lines = csv.lines();
    assert_eq!(
        lines.next().unwrap(),
        "model,split_seed,model_seed,fold,metric,value,n_train,n_test,fit_seconds,status,error,warning,train_fraction,chosen"
    );
    let rows: Vec<Vec<String>> = lines
        .map(|l| l.split(',').map(String::from).collect())
        .collect();
    assert_eq!(
        rows.len(),
        3 * 3 * 4 * 3,
        "models × seeds × folds × metrics"
    );
    let keys: Vec<(String, u64, u64, usize, String)> = rows
        .iter()
        .map(|r| {
            (
                r[0].clone(),
                r[1].parse().unwrap(),
                r[2].parse().unwrap(),
                r[3].parse().unwrap(),
                r[4].clone(),
            )
        })
        .collect();
    assert!(
        keys.windows(2).all(|w| w[0] < w[1]),
        "records must be sorted by the contract key"
    );
    assert!(rows
        .iter()
        .all(|r| r[9] == "ok" && r[5].parse::<f64>().is_ok()));
    assert!(
        rows.iter().all(|r| r[6] == "331" || r[6] == "332"),
        "n_train of 442 rows in 4 folds"
    );
    assert!(out.join("records.parquet").exists());
}

#[test]
fn parquet_records_hold_the_same_values() {
    use polars::prelude::*;
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r");
    seedfold()
        .args([
            "run",
            "--dataset",
            "wine",
            "--model",
            "naive_bayes",
            "--seeds",
            "2",
            "--out",
        ])
        .arg(&out)
        .assert()
        .success();
    let frame = ParquetReader::new(std::fs::File::open(out.join("records.parquet")).unwrap())
        .finish()
        .unwrap();
    let csv = read(&out.join("records.csv"));
    assert_eq!(frame.height(), csv.lines().count() - 1);
    let values = frame.column("value").unwrap().f64().unwrap().clone();
    let first: f64 = csv
        .lines()
        .nth(1)
        .unwrap()
        .split(',')
        .nth(5)
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(values.get(0), Some(first));
    assert_eq!(frame.get_column_names().len(), 14);
}

/// Rows sorted by class and a time-series splitter: the first training window holds one class.
fn one_class_first_csv(dir: &Path) -> std::path::PathBuf {
    let path = dir.join("sorted.csv");
    let mut text = String::from("a,b,y\n");
    for i in 0..40 {
        let class = if i < 20 { "neg" } else { "pos" };
        text += &format!("{},{},{class}\n", i % 7, (i * 3) % 11);
    }
    std::fs::write(&path, text).unwrap();
    path
}

/// `seedfold run` of logistic over 3 time-series folds of [`one_class_first_csv`] into
/// `dir/r`, before the test's own flags.
fn run_one_class_first(dir: &Path) -> assert_cmd::Command {
    let mut command = seedfold();
    command
        .args(["run", "--data"])
        .arg(one_class_first_csv(dir))
        .args(["--target", "y", "--model", "logistic"])
        .args(["--splitter", "time-series", "--folds", "3", "--out"])
        .arg(dir.join("r"));
    command
}

#[test]
fn a_failing_fit_is_recorded_and_the_run_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r");
    let assert = run_one_class_first(dir.path())
        .args(["--seeds", "1", "--metrics", "accuracy"])
        .assert()
        .success();
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).to_string();
    assert!(stderr.contains("scores failed"), "{stderr}");
    assert!(
        !stderr.contains("panicked"),
        "model panics must not reach stderr: {stderr}"
    );
    let csv = read(&out.join("records.csv"));
    let fold0 = csv.lines().nth(1).unwrap();
    assert!(
        fold0.starts_with("logistic,0,0,0,accuracy,,") && fold0.contains(",failed,"),
        "{fold0}"
    );
    assert!(
        csv.lines().skip(1).any(|l| l.contains(",ok,")),
        "later folds still run:\n{csv}"
    );
}

#[test]
fn fail_fast_stops_with_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    let out = run_one_class_first(dir.path())
        .arg("--fail-fast")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr)
        .contains("--fail-fast: model logistic failed on split seed 0, fold 0"));
}

#[test]
fn predictions_and_splits_are_saved_on_request() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r");
    seedfold()
        .args([
            "run",
            "--dataset",
            "breast_cancer",
            "--model",
            "logistic",
            "--model",
            "svm",
            "--seeds",
            "2",
            "--save-predictions",
            "--save-splits",
            "--out",
        ])
        .arg(&out)
        .assert()
        .success();
    let predictions = read(&out.join("predictions.csv"));
    let mut lines = predictions.lines();
    assert_eq!(
        lines.next().unwrap(),
        "model,split_seed,model_seed,fold,row,truth,prediction,proba_benign,proba_malignant"
    );
    let rows: Vec<&str> = lines.collect();
    assert_eq!(
        rows.len(),
        2 * 2 * 569,
        "every row predicted once per model and seed"
    );
    assert!(rows.iter().filter(|r| r.starts_with("logistic,")).all(|r| {
        let p: Vec<f64> = r.split(',').skip(7).map(|p| p.parse().unwrap()).collect();
        p.len() == 2 && (p[0] + p[1] - 1.0).abs() < 1e-12
    }));
    assert!(
        rows.iter()
            .filter(|r| r.starts_with("svm,"))
            .all(|r| r.ends_with(',')),
        "svm gives no probability"
    );
    assert!(rows.iter().all(|r| r
        .split(',')
        .nth(5)
        .is_some_and(|t| t == "benign" || t == "malignant")));
    let splits = read(&out.join("splits.csv"));
    assert_eq!(splits.lines().next(), Some("split_seed,fold,row,role"));
    assert_eq!(splits.lines().count(), 1 + 2 * 5 * 569);
}

#[test]
fn stochastic_models_run_per_model_seed() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r");
    seedfold()
        .args([
            "run",
            "--dataset",
            "iris",
            "--model",
            "forest:trees=3",
            "--model",
            "tree",
            "--model-seeds",
            "3",
            "--seeds",
            "1",
            "--metrics",
            "accuracy",
            "--out",
        ])
        .arg(&out)
        .assert()
        .success();
    let csv = read(&out.join("records.csv"));
    let seeds_of = |model: &str| {
        let mut s: Vec<String> = csv
            .lines()
            .filter(|l| l.starts_with(model))
            .map(|l| l.split(',').nth(2).unwrap().to_string())
            .collect();
        s.sort();
        s.dedup();
        s
    };
    assert_eq!(seeds_of("forest"), ["0", "1", "2"]);
    assert_eq!(seeds_of("tree,"), ["0"]);
}

#[test]
fn bad_run_options_are_clear_errors() {
    let err = |args: &[&str]| {
        let out = seedfold()
            .arg("run")
            .args(args)
            .args(["--out", "/tmp/seedfold-never-written"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        String::from_utf8_lossy(&out.stderr).to_string()
    };
    assert!(err(&["--dataset", "iris", "--model", "ols"])
        .contains("model 'ols' does not do classification"));
    assert!(
        err(&["--dataset", "iris", "--model", "tree", "--metrics", "r2"])
            .contains("metric 'r2' is for regression")
    );
    assert!(err(&[
        "--dataset",
        "breast_cancer",
        "--model",
        "svm",
        "--metrics",
        "log_loss"
    ])
    .contains("needs probabilities, which none of svm gives"));
    assert!(
        err(&["--dataset", "iris", "--model", "tree", "--metrics", "acc"])
            .contains("unknown metric 'acc'")
    );
    assert!(err(&["--dataset", "diabetes", "--model", "nope"]).contains("unknown model 'nope'"));
    assert!(
        err(&["--dataset", "iris", "--model", "tree", "--folds", "51"]).contains("largest has 50")
    );
    for rope in ["nan", "--rope=-1", "r2=inf", "mae=-0.5"] {
        let flag: Vec<&str> = if rope.starts_with("--") {
            vec![rope]
        } else {
            vec!["--rope", rope]
        };
        let e = err(&[&["--dataset", "diabetes", "--model", "ols"], &flag[..]].concat());
        assert!(e.contains("must be a finite number ≥ 0"), "{rope}: {e}");
    }
    assert!(err(&[
        "--dataset",
        "diabetes",
        "--model",
        "ols",
        "--rope",
        "r2:0.1"
    ])
    .contains("is not METRIC=VALUE"));
}

#[test]
fn rope_is_set_per_metric() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r");
    seedfold()
        .args([
            "run",
            "--dataset",
            "diabetes",
            "--model",
            "ols",
            "--model",
            "ridge",
        ])
        .args(["--seeds", "5", "--rope", "mae=0.5", "--quiet", "--out"])
        .arg(&out)
        .assert()
        .success();
    let json: serde_json::Value = serde_json::from_str(&read(&out.join("summary.json"))).unwrap();
    let rope = |metric: &str| {
        json["comparisons"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["metric"] == metric)
            .unwrap()["bayesian"]["rope"]
            .as_f64()
            .unwrap()
    };
    assert_eq!(rope("mae"), 0.5);
    assert_eq!(rope("r2"), 0.01, "r2 keeps the default for shares");
    let rmse_default = rope("rmse");
    assert!(
        rmse_default > 0.4 && rmse_default < 0.7,
        "1 % of the rmse: {rmse_default}"
    );
}

#[test]
fn a_report_folder_is_never_shared_mixed_or_silently_replaced() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r");
    let run = |extra: &[&str]| {
        seedfold()
            .args([
                "run",
                "--dataset",
                "iris",
                "--model",
                "tree",
                "--seeds",
                "2",
            ])
            .args(["--quiet", "--out"])
            .arg(&out)
            .args(extra)
            .output()
            .unwrap()
    };
    assert!(run(&["--save-splits"]).status.success());
    // a second run is refused while the first's report is there …
    let again = run(&[]);
    assert_eq!(again.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&again.stderr).contains("pass --overwrite"));
    // … and replaces it whole with --overwrite, leaving no file of the old run
    assert!(run(&["--overwrite"]).status.success());
    assert!(!out.join("splits.csv").exists(), "an old file survived");
    assert!(
        !out.join(".seedfold-previous").exists(),
        "the old report is gone once the new one is complete"
    );
    seedfold().arg("verify").arg(&out).assert().success();
    // a folder holding the user's own files is never overwritten
    std::fs::write(out.join("notes.txt"), "mine").unwrap();
    let foreign = run(&["--overwrite"]);
    assert_eq!(foreign.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&foreign.stderr).contains("notes.txt"));
    assert_eq!(read(&out.join("notes.txt")), "mine");
    std::fs::remove_file(out.join("notes.txt")).unwrap();
    // while another process holds the folder's lock, a run is refused at once
    let lock = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(out.join(".seedfold.lock"))
        .unwrap();
    lock.try_lock().unwrap();
    let locked = run(&["--overwrite"]);
    assert_eq!(locked.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&locked.stderr).contains("another seedfold run is writing"));
    drop(lock);
    assert!(
        run(&["--overwrite"]).status.success(),
        "the lock goes with its holder"
    );
}

#[test]
fn extreme_inputs_give_reports_or_clear_errors_never_panics() {
    let dir = tempfile::tempdir().unwrap();
    // features and target of magnitude 1e80: mse near 1e160, whose variance overflows
    let mut text = String::from("a,b,y\n");
    for i in 0..40u32 {
        let (a, b) = (f64::from(i * 7 % 13) * 1e80, f64::from(i * 5 % 11) * 1e80);
        text += &format!("{a:e},{b:e},{:e}\n", 2.0 * a + b + f64::from(i % 3) * 1e79);
    }
    let data = dir.path().join("big.csv");
    std::fs::write(&data, text).unwrap();
    let out = dir.path().join("big");
    seedfold()
        .args(["run", "--data"])
        .arg(&data)
        .args(["--target", "y", "--model", "ols", "--model", "ridge"])
        .args(["--metrics", "mse", "--seeds", "3", "--quiet", "--out"])
        .arg(&out)
        .assert()
        .success();
    assert!(read(&out.join("manifest.json")).contains("\"complete\""));
    assert!(read(&out.join("summary.json")).contains("too large to compute with"));
    // seedfold reads back what it wrote: summarize the records with their huge whole numbers
    seedfold()
        .arg("summarize")
        .arg(out.join("records.csv"))
        .arg("--out")
        .arg(dir.path().join("again"))
        .assert()
        .success();
    let err = |args: &[&str]| {
        let o = seedfold()
            .args(["run", "--dataset", "diabetes", "--model", "ols", "--quiet"])
            .args(args)
            .arg("--out")
            .arg(dir.path().join("never"))
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        String::from_utf8_lossy(&o.stderr).to_string()
    };
    for seeds in [
        &["--seeds", "18446744073709551615"][..],
        &["--seeds", "0..=18446744073709551615"],
        &["--model-seeds", "18446744073709551615"],
        &["--seeds", "1000000000000"],
    ] {
        assert!(
            err(seeds).contains("a study runs at most 1000000"),
            "{seeds:?}"
        );
    }
    assert!(err(&["--metrics", "r2,r2"]).contains("metric 'r2' is given twice"));
}

#[test]
fn a_fit_that_never_ends_is_recorded_as_failed_and_the_run_finishes() {
    // every second sepal width 1e300: linfa's multinomial L-BFGS (--exact-linfa) never leaves
    // its line search; seedfold's own Newton solver ends on it
    let dir = tempfile::tempdir().unwrap();
    let iris = read(&Path::new(env!("CARGO_MANIFEST_DIR")).join("datasets/iris.csv"));
    let mut text = String::new();
    for (i, line) in iris.lines().enumerate() {
        let mut cells: Vec<&str> = line.split(',').collect();
        if i > 0 && i % 2 == 0 {
            cells[1] = "1e300";
        }
        text += &(cells.join(",") + "\n");
    }
    let data = dir.path().join("huge.csv");
    std::fs::write(&data, text).unwrap();
    let out = dir.path().join("r");
    seedfold()
        .args(["run", "--data"])
        .arg(&data)
        .args([
            "--target",
            "species",
            "--model",
            "logistic",
            "--exact-linfa",
        ])
        .args([
            "--seeds",
            "1",
            "--folds",
            "2",
            "--fit-timeout",
            "1",
            "--quiet",
            "--out",
        ])
        .arg(&out)
        .assert()
        .success();
    let records = read(&out.join("records.csv"));
    assert!(
        records
            .lines()
            .skip(1)
            .all(|l| l.contains(",failed,the fit ran longer than the fit timeout of 1 s")),
        "{records}"
    );
    let own = dir.path().join("own");
    seedfold()
        .args(["run", "--data"])
        .arg(&data)
        .args([
            "--target", "species", "--model", "logistic", "--seeds", "1", "--quiet",
        ])
        .arg("--out")
        .arg(&own)
        .assert()
        .success();
    assert!(!read(&own.join("records.csv")).contains(",failed,"));
    let e = seedfold()
        .args([
            "run",
            "--dataset",
            "iris",
            "--model",
            "tree",
            "--fit-timeout",
            "nan",
        ])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&e.stderr).contains("not a number of seconds > 0"));
}

#[test]
fn the_messy_penguins_file_runs_as_shipped_with_in_fold_preprocessing_and_verifies() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("p");
    let data = common::test_file("../datasets/penguins.csv");
    // as shipped, a missing cell is a clear error naming the option that fills it
    let refused = seedfold()
        .args(["run", "--data"])
        .arg(&data)
        .args([
            "--target", "species", "--model", "logistic", "--quiet", "--out",
        ])
        .arg(dir.path().join("refused"))
        .output()
        .unwrap();
    assert_eq!(refused.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(
        stderr.contains("missing cell") && stderr.contains("--impute"),
        "{stderr}"
    );
    seedfold()
        .args(["run", "--data"])
        .arg(&data)
        .args(["--target", "species", "--model", "logistic"])
        .args([
            "--scale", "standard", "--impute", "median", "--seeds", "5", "--quiet",
        ])
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    let json: serde_json::Value = serde_json::from_str(&read(&out.join("summary.json"))).unwrap();
    let accuracy = json["summaries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["metric"] == "accuracy")
        .unwrap()["across_seeds"]["mean"]
        .as_f64()
        .unwrap();
    assert!(accuracy >= 0.98, "accuracy {accuracy}");
    let manifest = read(&out.join("manifest.json"));
    assert!(
        manifest.contains("\"impute\": \"median\"") && manifest.contains("\"scale\": \"standard\""),
        "the manifest records the preprocessing"
    );
    assert!(read(&out.join("report.md")).contains("Preprocessing (every model): median imputation"));
    // a rerun from the manifest applies the same preprocessing and gets the same records
    seedfold()
        .arg("verify")
        .arg(&out)
        .args(["--rerun", "5"])
        .assert()
        .success();
}

#[test]
fn a_parquet_file_that_crashes_the_reader_is_a_clear_error_not_an_abort() {
    // its corrupt page makes the Parquet reader ask for 2^61 bytes, which aborts a process
    let dir = tempfile::tempdir().unwrap();
    let out = seedfold()
        .args(["run", "--data"])
        .arg(common::test_file("fuzz/known-aborts/corrupt-page.parquet"))
        .args(["--model", "ols", "--quiet", "--out"])
        .arg(dir.path().join("r"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("is not a valid Parquet file: the Parquet reader crashed on it"),
        "{stderr}"
    );
    // a sound Parquet file still reads (the check runs it once in a child first)
    use polars::prelude::*;
    let frame_dir = tempfile::tempdir().unwrap();
    let parquet = frame_dir.path().join("d.parquet");
    let mut frame = DataFrame::new(
        6,
        vec![
            Column::new("a".into(), [1.0f64, 2.0, 3.0, 4.0, 5.0, 6.0]),
            Column::new("b".into(), [2.0f64, 1.0, 5.0, 3.0, 4.0, 6.0]),
            Column::new("y".into(), [3.0f64, 5.0, 4.0, 8.0, 9.0, 11.0]),
        ],
    )
    .unwrap();
    ParquetWriter::new(std::fs::File::create(&parquet).unwrap())
        .finish(&mut frame)
        .unwrap();
    seedfold()
        .args(["run", "--data"])
        .arg(&parquet)
        .args([
            "--model", "ols", "--folds", "2", "--seeds", "1", "--quiet", "--out",
        ])
        .arg(frame_dir.path().join("parquet"))
        .assert()
        .success();
}

#[test]
fn metrics_lists_every_metric_with_its_direction_and_range() {
    let out = seedfold().arg("metrics").output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    for m in seedfold::metric::all_metrics() {
        let line = text
            .lines()
            .find(|l| l.split_whitespace().next() == Some(m.name().as_str()))
            .unwrap_or_else(|| panic!("{} not listed", m.name()));
        let better = if m.higher_is_better() {
            "higher"
        } else {
            "lower"
        };
        assert!(line.contains(better), "{line}");
    }
    assert!(text
        .lines()
        .any(|l| l.starts_with("log_loss") && l.contains("[0, ∞]")));
    // every subcommand's help shows examples
    for command in ["run", "merge", "verify", "summarize", "splits"] {
        let help = seedfold().args([command, "--help"]).output().unwrap();
        assert!(
            String::from_utf8_lossy(&help.stdout).contains(&format!("seedfold {command}")),
            "{command} --help has no example"
        );
    }
}

#[test]
fn hardness_csv_counts_every_out_of_fold_prediction_of_every_row() {
    let dir = tempfile::tempdir().unwrap();
    for (dataset, model) in [("iris", "tree"), ("diabetes", "ols")] {
        let out = dir.path().join(dataset);
        seedfold()
            .args([
                "run",
                "--dataset",
                dataset,
                "--model",
                model,
                "--seeds",
                "4",
            ])
            .args(["--save-predictions", "--quiet", "--out"])
            .arg(&out)
            .assert()
            .success();
        // recount from predictions.csv: per row, predictions and errors
        let mut expected: std::collections::BTreeMap<usize, (u32, f64, f64)> = Default::default();
        for line in read(&out.join("predictions.csv")).lines().skip(1) {
            let f: Vec<&str> = line.split(',').collect();
            let e = expected.entry(f[4].parse().unwrap()).or_default();
            e.0 += 1;
            if dataset == "iris" {
                e.1 += f64::from(u8::from(f[5] != f[6]));
            } else {
                e.1 += (f[6].parse::<f64>().unwrap() - f[5].parse::<f64>().unwrap()).abs();
            }
        }
        let hardness = read(&out.join("hardness.csv"));
        let lines: Vec<&str> = hardness.lines().skip(1).collect();
        assert_eq!(lines.len(), expected.len(), "{dataset}: one line per row");
        for (line, (row, (n, sum, _))) in lines.iter().zip(&expected) {
            let f: Vec<&str> = line.split(',').collect();
            assert_eq!((f[0], f[1].parse::<usize>().unwrap()), (model, *row));
            assert_eq!(f[3].parse::<u32>().unwrap(), *n, "{dataset} row {row}");
            assert_eq!(*n, 4, "k-fold tests each row once per split seed");
            let got: f64 = f[4].parse().unwrap();
            assert!(
                (got - sum / f64::from(*n)).abs() < 1e-9,
                "{dataset} row {row}: {line}"
            );
        }
        assert!(read(&out.join("report.md")).contains("## Hard rows"));
        seedfold().arg("verify").arg(&out).assert().success();
    }
}

#[test]
fn a_learning_curve_adds_nested_shares_without_touching_the_whole_share() {
    let dir = tempfile::tempdir().unwrap();
    let run = |name: &str, extra: &[&str]| {
        let out = dir.path().join(name);
        seedfold()
            .args(["run", "--dataset", "breast_cancer", "--model", "logistic"])
            .args(["--model", "tree", "--seeds", "4", "--metrics", "accuracy"])
            .args(extra)
            .args(["--quiet", "--out"])
            .arg(&out)
            .assert()
            .success();
        out
    };
    let plain = run("plain", &[]);
    let curve = run("curve", &["--learning-curve", "0.5,0.1,0.25"]);
    let records = read(&curve.join("records.csv"));
    // 2 models × 4 seeds × 5 folds × 4 shares
    assert_eq!(records.lines().count() - 1, 160);
    // the whole share's records are the plain run's, so is its analysis (the last two columns
    // are train_fraction and an empty chosen)
    let whole: Vec<&str> = records
        .lines()
        .filter(|l| l.ends_with(",1,"))
        .map(|l| l.rsplitn(3, ',').last().unwrap())
        .collect();
    let plain_records = read(&plain.join("records.csv"));
    let plain_rows: Vec<&str> = plain_records
        .lines()
        .skip(1)
        .map(|l| l.rsplitn(3, ',').last().unwrap())
        .collect();
    let untimed = |rows: &[&str]| -> Vec<String> {
        rows.iter()
            .map(|l| {
                let f: Vec<&str> = l.split(',').collect();
                format!("{},{}", f[..8].join(","), f[9..].join(","))
            })
            .collect()
    };
    assert_eq!(untimed(&whole), untimed(&plain_rows));
    let summary = |dir: &Path| -> serde_json::Value {
        serde_json::from_str(&read(&dir.join("summary.json"))).unwrap()
    };
    let (a, b) = (summary(&plain), summary(&curve));
    assert_eq!(a["summaries"], b["summaries"]);
    // each curve point is the mean over seeds of the seed means at its share, recomputed here
    let mut by_seed: std::collections::BTreeMap<(String, String, u64), Vec<f64>> =
        Default::default();
    for line in records.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        by_seed
            .entry((f[0].into(), f[12].into(), f[1].parse().unwrap()))
            .or_default()
            .push(f[5].parse().unwrap());
    }
    let points = b["learning_curve"].as_array().unwrap();
    assert_eq!(points.len(), 2 * 4, "2 models × 4 shares");
    for p in points {
        let share = p["train_fraction"].as_f64().unwrap().to_string();
        let model = p["model"].as_str().unwrap();
        let means: Vec<f64> = by_seed
            .iter()
            .filter(|((m, s, _), _)| m == model && *s == share)
            .map(|(_, v)| v.iter().sum::<f64>() / v.len() as f64)
            .collect();
        assert_eq!(means.len(), 4);
        let want = means.iter().sum::<f64>() / 4.0;
        assert!((p["mean"].as_f64().unwrap() - want).abs() < 1e-12, "{p}");
    }
    assert_eq!(b["learning_curve_last_step"].as_array().unwrap().len(), 2);
    assert!(read(&curve.join("report.md")).contains("## Learning curve"));
    // shards of a learning-curve study merge into the single run
    let shards: Vec<_> = (0..2)
        .map(|i| {
            run(
                &format!("s{i}"),
                &[
                    "--learning-curve",
                    "0.1,0.25,0.5",
                    "--shard",
                    &format!("{i}/2"),
                ],
            )
        })
        .collect();
    let merged = dir.path().join("merged");
    common::merge(&shards, &merged);
    assert_eq!(
        without_timing(&read(&merged.join("records.csv"))),
        without_timing(&records)
    );
    // shares must be in (0, 1]
    let bad = seedfold()
        .args([
            "run",
            "--dataset",
            "iris",
            "--model",
            "tree",
            "--learning-curve",
            "0,0.5",
        ])
        .args(["--quiet", "--out"])
        .arg(dir.path().join("bad"))
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("not in (0, 1]"));
}

#[test]
fn the_large_run_warning_counts_every_learning_curve_share() {
    // 1,000,000 seeds × 5 folds × 3 metrics = 15 million records, under the 20 million that
    // warn; with three shares besides the whole, 60 million. `--resume` into an empty folder
    // stops the run right after the warning.
    let warning = |extra: &[&str]| {
        let dir = tempfile::tempdir().unwrap();
        let o = common::seedfold()
            .args(["run", "--dataset", "diabetes", "--model", "ols"])
            .args(["--metrics", "r2,mae,mse", "--seeds", "1000000", "--resume"])
            .args(extra)
            .arg("--out")
            .arg(dir.path())
            .output()
            .unwrap();
        assert!(!o.status.success());
        let err = common::stderr(&o);
        assert!(err.contains("nothing to resume"), "{err}");
        err.lines()
            .find(|l| l.contains("records (records.csv"))
            .map(str::to_string)
    };
    assert_eq!(warning(&[]), None);
    let warned = warning(&["--learning-curve", "0.25,0.5,0.75"]).expect("a warning");
    assert!(warned.contains("writes 60000000 records"), "{warned}");
}
