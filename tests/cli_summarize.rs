//! `seedfold summarize` and the report files `run` writes.

mod common;

use common::{read, seedfold};

#[test]
fn run_writes_every_report_file_and_summarize_reproduces_summary_json() {
    let dir = tempfile::tempdir().unwrap();
    let run = dir.path().join("run");
    let out = seedfold()
        .args([
            "run",
            "--dataset",
            "breast_cancer",
            "--model",
            "logistic",
            "--model",
            "tree",
            "--seeds",
            "8",
            "--quiet",
            "--out",
        ])
        .arg(&run)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let table = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(
        table.contains("data + seed 95 % interval")
            && table.contains("seed sd")
            && table.contains("report: ")
            && table
                .lines()
                .any(|l| l.starts_with("accuracy: ") && l.contains(" wins: better than ")),
        "{table}"
    );
    for file in [
        "records.csv",
        "records.parquet",
        "summary.json",
        "report.md",
        "report.html",
    ] {
        assert!(run.join(file).exists(), "{file} missing");
    }
    let again = dir.path().join("again");
    seedfold()
        .arg("summarize")
        .arg(run.join("records.csv"))
        .arg("--out")
        .arg(&again)
        .assert()
        .success();
    assert_eq!(
        read(&run.join("summary.json")),
        read(&again.join("summary.json"))
    );
    let md = read(&run.join("report.md"));
    assert!(
        md.contains("logistic is better than tree: the lead is real"),
        "{md}"
    );
}

#[test]
fn summarize_accepts_a_minimal_csv_from_another_tool() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("other.csv");
    let mut text = String::from("model,seed,fold,metric,value\n");
    for seed in 0..5 {
        for fold in 0..2 {
            for (model, base, shift) in [("svc", 0.9, 0), ("knn", 0.87, 2)] {
                let v = base + 0.01 * ((seed * 7 + fold * 3 + shift * (fold + 1)) % 5) as f64;
                text += &format!("{model},{seed},{fold},accuracy,{v}\n");
            }
        }
    }
    std::fs::write(&csv, text).unwrap();
    let out = dir.path().join("r");
    seedfold()
        .arg("summarize")
        .arg(&csv)
        .args(["--test-fraction", "0.5", "--out"])
        .arg(&out)
        .assert()
        .success();
    let json: serde_json::Value = serde_json::from_str(&read(&out.join("summary.json"))).unwrap();
    assert_eq!(json["summaries"].as_array().unwrap().len(), 2);
    let five_by_two = &json["comparisons"][0]["five_by_two"];
    assert!(
        five_by_two["t"].is_number() && five_by_two["f_p_value"].is_number(),
        "2 folds × 5 seeds get the 5×2cv tests: {five_by_two}"
    );
}

fn summarize_error(csv_text: &str, extra: &[&str]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("r.csv");
    std::fs::write(&csv, csv_text).unwrap();
    let out = seedfold()
        .arg("summarize")
        .arg(&csv)
        .args(extra)
        .arg("--out")
        .arg(dir.path().join("o"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{csv_text}");
    String::from_utf8_lossy(&out.stderr).to_string()
}

#[test]
fn malformed_records_are_clear_errors() {
    let e = summarize_error(
        "model,seed,metric,value\na,0,accuracy,0.5\n",
        &["--test-fraction", "0.2"],
    );
    assert!(e.contains("missing column(s) fold"), "{e}");
    let e = summarize_error(
        "model,seed,fold,metric,value\na,0,0,accuracy,0.5\na,0,0,accuracy,0.6\n",
        &["--test-fraction", "0.2"],
    );
    assert!(
        e.contains("rows 0 and 1 repeat model a, seed 0, fold 0, metric accuracy"),
        "{e}"
    );
    let e = summarize_error("model,seed,fold,metric,value\na,0,0,accuracy,0.5\n", &[]);
    assert!(e.contains("pass --test-fraction"), "{e}");
    let e = summarize_error(
        "model,seed,fold,metric,value\na,0,0,quality,0.5\n",
        &["--test-fraction", "0.2"],
    );
    assert!(
        e.contains("cannot tell whether higher is better for metric(s) quality"),
        "{e}"
    );
    let e = summarize_error(
        "model,seed,fold,metric,value\na,-1,0,accuracy,0.5\n",
        &["--test-fraction", "0.2"],
    );
    assert!(
        e.contains("column seed, row 0: '-1' is not a whole number"),
        "{e}"
    );
    let e = summarize_error(
        "model,seed,fold,metric,value\na,0,0,accuracy,abc\n",
        &["--test-fraction", "0.2"],
    );
    assert!(e.contains("value 'abc' is not a finite number"), "{e}");
}

#[test]
fn unknown_metrics_take_a_direction_and_unpaired_models_get_a_note() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("r.csv");
    let mut text = String::from("model,seed,fold,metric,value,n_train,n_test\n");
    for seed in 0..3 {
        for fold in 0..3 {
            text += &format!("a,{seed},{fold},quality,{}.5,80,40\n", seed + fold);
            text += &format!("b,{},{fold},quality,{}.25,80,40\n", seed + 10, seed * fold);
        }
    }
    std::fs::write(&csv, text).unwrap();
    let out_dir = dir.path().join("o");
    let out = seedfold()
        .arg("summarize")
        .arg(&csv)
        .args(["--lower-is-better", "quality", "--out"])
        .arg(&out_dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let md = read(&out_dir.join("report.md"));
    assert!(
        md.contains("not compared: a and b share no scored (seed, fold) pair on quality"),
        "{md}"
    );
    let json: serde_json::Value =
        serde_json::from_str(&read(&out_dir.join("summary.json"))).unwrap();
    assert_eq!(json["summaries"][0]["higher_is_better"], false);
}

#[test]
fn a_single_seed_run_reports_absent_statistics_with_reasons() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r");
    seedfold()
        .args([
            "run",
            "--dataset",
            "iris",
            "--model",
            "tree",
            "--seeds",
            "1",
            "--quiet",
            "--out",
        ])
        .arg(&out)
        .assert()
        .success();
    let json = read(&out.join("summary.json"));
    assert!(
        json.contains("\"absent\": \"needs at least 2 seeds\""),
        "{json}"
    );
    let summary: serde_json::Value = serde_json::from_str(&json).unwrap();
    let nulls = summary["summaries"].to_string().matches("null").count();
    assert!(
        !json.contains("NaN") && nulls == 0,
        "no silent NaN or null in the statistics"
    );
}

#[test]
fn summarize_and_merge_never_write_over_a_report_unasked() {
    let dir = tempfile::tempdir().unwrap();
    let run = dir.path().join("run");
    seedfold()
        .args([
            "run",
            "--dataset",
            "iris",
            "--model",
            "tree",
            "--seeds",
            "2",
            "--quiet",
            "--out",
        ])
        .arg(&run)
        .assert()
        .success();
    let out = dir.path().join("summary");
    let summarize = |extra: &[&str]| {
        seedfold()
            .arg("summarize")
            .arg(run.join("records.csv"))
            .arg("--out")
            .arg(&out)
            .args(extra)
            .output()
            .unwrap()
    };
    assert!(summarize(&[]).status.success());
    let again = summarize(&[]);
    assert_eq!(again.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&again.stderr).contains("pass --overwrite"));
    assert!(summarize(&["--overwrite"]).status.success());
    let merged = seedfold()
        .arg("merge")
        .arg(&run)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(merged.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&merged.stderr).contains("pass --overwrite"));
}

#[test]
fn summarize_reads_scikit_learn_cross_validate_tables_with_negated_scorers_turned_back() {
    // tests/reference/cross_validate.csv is pd.DataFrame(cross_validate(...)) as saved, from
    // make_cross_validate_reference.py; cross_validate.json holds the expected means
    let want = common::reference("cross_validate.json");
    let table = common::test_file("reference/cross_validate.csv");
    let dir = tempfile::tempdir().unwrap();
    // without seed and fold columns the rows cannot be numbered: the error says how
    let refused = seedfold()
        .arg("summarize")
        .arg(&table)
        .args(["--test-fraction", "0.2", "--out"])
        .arg(dir.path().join("refused"))
        .output()
        .unwrap();
    assert_eq!(refused.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("--folds K"));
    let out = dir.path().join("s");
    seedfold()
        .arg("summarize")
        .arg(&table)
        .args(["--folds", "5", "--out"])
        .arg(&out)
        .assert()
        .success();
    let json: serde_json::Value = serde_json::from_str(&read(&out.join("summary.json"))).unwrap();
    let summaries = json["summaries"].as_array().unwrap();
    assert_eq!(summaries.len(), 3, "mae, mse, r2");
    for (metric, expected) in want["metrics"].as_object().unwrap() {
        let s = summaries.iter().find(|s| s["metric"] == *metric).unwrap();
        assert_eq!(s["n_seeds"], 3, "{metric}");
        assert_eq!(
            s["higher_is_better"],
            metric == "r2",
            "{metric}: direction known from the scorer"
        );
        let mean = s["across_seeds"]["mean"].as_f64().unwrap();
        assert!(
            (mean - expected["mean"].as_f64().unwrap()).abs() < 1e-9,
            "{metric}: {mean} vs {}",
            expected["mean"]
        );
        for (got, want) in s["seed_means"]
            .as_array()
            .unwrap()
            .iter()
            .zip(expected["seed_means"].as_array().unwrap())
        {
            assert!((got.as_f64().unwrap() - want.as_f64().unwrap()).abs() < 1e-9);
        }
    }
}
