//! Helpers shared by the integration tests.
#![allow(dead_code)]

use ndarray::Array2;
use seedfold::data::{Table, Target};

/// A small table: `labels` as a classification target (or `y` as regression), optional groups.
pub fn class_table(labels: &[usize], groups: Option<Vec<usize>>) -> Table {
    let n_classes = labels.iter().max().map_or(0, |m| m + 1);
    let y = Target::Classification {
        labels: labels.to_vec().into(),
        classes: (0..n_classes).map(|c| format!("c{c}")).collect(),
    };
    with_groups(y, groups)
}

/// Features a = 0, 2, 4, … and b = 1, 3, 5, … for target `y`.
fn with_groups(y: Target, groups: Option<Vec<usize>>) -> Table {
    let x = Array2::from_shape_fn((y.len(), 2), |(i, j)| (i * 2 + j) as f64);
    Table {
        groups,
        target_name: "y".into(),
        ..Table::numeric("test", x, y, vec!["a".into(), "b".into()])
    }
}

pub fn regression_table(y: Vec<f64>, groups: Option<Vec<usize>>) -> Table {
    with_groups(Target::Regression(y.into()), groups)
}

/// Path of a file under `tests/`.
pub fn test_file(rel: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join(rel)
}

/// The seedfold binary, ready for arguments.
pub fn seedfold() -> assert_cmd::Command {
    assert_cmd::Command::cargo_bin("seedfold").unwrap()
}

/// `seedfold run` with `args`, quietly into `out`, which must succeed.
pub fn run_ok(out: &std::path::Path, args: &[&str]) {
    seedfold()
        .arg("run")
        .args(args)
        .args(["--quiet", "--out"])
        .arg(out)
        .assert()
        .success();
}

/// `seedfold run` with `args`, which must fail with a message containing `expected`.
pub fn run_refused(args: &[&str], expected: &str) {
    let dir = tempfile::tempdir().unwrap();
    let o = seedfold()
        .arg("run")
        .args(args)
        .args(["--quiet", "--out"])
        .arg(dir.path().join("o"))
        .output()
        .unwrap();
    assert!(!o.status.success(), "{args:?} ran");
    assert!(stderr(&o).contains(expected), "{args:?}: {}", stderr(&o));
}

/// A JSON file (summary.json, manifest.json) as a value, or a panic naming it.
pub fn json(path: &std::path::Path) -> serde_json::Value {
    serde_json::from_str(&read(path)).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A process's standard error as text.
pub fn stderr(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A file's text, or a panic naming it.
pub fn read(path: &std::path::Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// records.csv text without the fit_seconds column, the only one allowed to differ between runs.
pub fn without_timing(csv: &str) -> String {
    csv.lines()
        .map(|l| {
            let mut f: Vec<&str> = l.split(',').collect();
            f.remove(8);
            f.join(",")
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// A reference file from `tests/reference/` (made by the scripts beside it).
pub fn reference(name: &str) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(test_file(&format!("reference/{name}"))).unwrap())
        .unwrap()
}

/// A JSON array of numbers.
pub fn floats(v: &serde_json::Value) -> Vec<f64> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap())
        .collect()
}

/// The records of `spec` (one `--model` value) on `table` with `split`, over `seeds` split
/// seeds and `model_seeds`, scored on `metrics` (the task's defaults when empty).
pub fn study(
    table: &Table,
    spec: &str,
    split: &seedfold::split::SplitConfig,
    seeds: &[u64],
    model_seeds: &[u64],
    metrics: &[&str],
) -> Vec<seedfold::run::FoldRecord> {
    study_on_path(table, spec, split, seeds, model_seeds, metrics, false)
}

/// [`study`], through linfa only (no fast paths) when `exact_linfa`.
pub fn study_on_path(
    table: &Table,
    spec: &str,
    split: &seedfold::split::SplitConfig,
    seeds: &[u64],
    model_seeds: &[u64],
    metrics: &[&str],
    exact_linfa: bool,
) -> Vec<seedfold::run::FoldRecord> {
    use seedfold::run::{metrics_for, run, RunPlan, Silent};
    let task = table.y.task();
    let k = table.y.classes().map_or(0, |(_, c)| c.len());
    let models = seedfold::model::build_models(
        &seedfold::model::ModelSpec::parse(spec).unwrap(),
        task,
        exact_linfa,
    )
    .unwrap();
    let metrics: Vec<seedfold::metric::Metric> =
        metrics.iter().map(|m| m.parse().unwrap()).collect();
    let splitter = seedfold::split::Splitter::new(split, table).unwrap();
    let plan = RunPlan {
        table,
        splitter: &splitter,
        metrics: metrics_for(Some(&metrics), &models, task, k).unwrap(),
        models: &models,
        split_seeds: seeds,
        model_seeds,
        keep_predictions: false,
        fail_fast: false,
        threads: Some(2),
        exact_linfa,
        fit_timeout: None,
        train_fractions: &[1.0],
    };
    run(&plan, &Silent).unwrap().records
}

/// `seedfold merge SHARDS --out OUT`, which must succeed.
pub fn merge(shards: &[std::path::PathBuf], out: &std::path::Path) {
    seedfold()
        .arg("merge")
        .args(shards)
        .arg("--out")
        .arg(out)
        .assert()
        .success();
}
