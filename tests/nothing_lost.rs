//! Ways a user once lost a report or was told a wrong "ok": `--overwrite`, `merge`, `--resume`
//! and `verify` on folders that are not quite what they expect, and inputs refused up front.

mod common;

use common::{read, seedfold, stderr, test_file};
use std::path::{Path, PathBuf};
use std::process::Output;

fn run_into(out: &Path, extra: &[&str]) -> Output {
    seedfold()
        .args([
            "run",
            "--dataset",
            "diabetes",
            "--model",
            "ols",
            "--seeds",
            "4",
        ])
        .args(["--quiet", "--out"])
        .arg(out)
        .args(extra)
        .output()
        .unwrap()
}

/// Three finished shards of one experiment in `dir`.
fn shards(dir: &Path) -> Vec<PathBuf> {
    (0..3)
        .map(|i| {
            let out = dir.join(format!("s{i}"));
            let shard = format!("{i}/3");
            assert!(run_into(&out, &["--shard", &shard]).status.success());
            out
        })
        .collect()
}

#[test]
fn merge_refuses_an_out_that_is_one_of_its_shards() {
    let dir = tempfile::tempdir().unwrap();
    let s = shards(dir.path());
    let before = read(&s[0].join("records.csv"));
    let refused = seedfold()
        .arg("merge")
        .args(&s)
        .arg("--out")
        .arg(&s[0])
        .arg("--overwrite")
        .output()
        .unwrap();
    assert_eq!(refused.status.code(), Some(2), "{}", stderr(&refused));
    assert!(stderr(&refused).contains("is one of the shards being merged"));
    assert_eq!(
        read(&s[0].join("records.csv")),
        before,
        "the shard was touched"
    );
    seedfold().arg("verify").arg(&s[0]).assert().success();
}

/// A merge stopped midway (killed, or out of disk) leaves its manifest saying `running` and
/// some of its files; that folder is seedfold's to replace, and `verify` says how.
#[test]
fn a_merge_stopped_midway_is_replaced_by_merge_overwrite() {
    let dir = tempfile::tempdir().unwrap();
    let s = shards(dir.path());
    let out = dir.path().join("merged");
    let merge = |extra: &[&str]| {
        seedfold()
            .arg("merge")
            .args(&s)
            .arg("--out")
            .arg(&out)
            .args(extra)
            .output()
            .unwrap()
    };
    assert!(merge(&[]).status.success());
    let complete = read(&out.join("summary.json"));
    // what a merge killed after the records leaves: the reports not yet written
    let manifest = read(&out.join("manifest.json"));
    std::fs::write(
        out.join("manifest.json"),
        manifest.replace("\"status\": \"complete\"", "\"status\": \"running\""),
    )
    .unwrap();
    for name in ["summary.json", "report.md", "report.html"] {
        std::fs::remove_file(out.join(name)).unwrap();
    }
    let verified = seedfold().arg("verify").arg(&out).output().unwrap();
    assert!(
        stderr(&verified).contains("run it (or the merge) again with --overwrite"),
        "{}",
        stderr(&verified)
    );
    let again = merge(&[]);
    assert_eq!(again.status.code(), Some(2));
    assert!(
        stderr(&again).contains("pass --overwrite"),
        "{}",
        stderr(&again)
    );
    let replaced = merge(&["--overwrite"]);
    assert!(replaced.status.success(), "{}", stderr(&replaced));
    assert_eq!(read(&out.join("summary.json")), complete);
    seedfold().arg("verify").arg(&out).assert().success();
}

#[test]
fn merge_refuses_a_shard_whose_files_changed_after_it_finished() {
    let dir = tempfile::tempdir().unwrap();
    let s = shards(dir.path());
    // one digit of one score
    let path = s[1].join("records.csv");
    let text = read(&path);
    let at = text.find("0.").unwrap() + 2;
    let digit = text.as_bytes()[at];
    let changed = if digit == b'9' {
        '8'
    } else {
        (digit + 1) as char
    };
    std::fs::write(
        &path,
        format!("{}{changed}{}", &text[..at], &text[at + 1..]),
    )
    .unwrap();
    let refused = seedfold()
        .arg("merge")
        .args(&s)
        .arg("--out")
        .arg(dir.path().join("all"))
        .output()
        .unwrap();
    assert_eq!(refused.status.code(), Some(2));
    assert!(
        stderr(&refused).contains("records.csv is not the file its manifest's SHA-256 recorded"),
        "{}",
        stderr(&refused)
    );
    assert!(!dir.path().join("all").join("records.csv").exists());
}

#[test]
fn overwrite_never_deletes_a_file_no_seedfold_manifest_lists() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("mine");
    std::fs::create_dir(&out).unwrap();
    std::fs::write(out.join("report.md"), "my own notes").unwrap();
    let refused = run_into(&out, &["--overwrite"]);
    assert_eq!(refused.status.code(), Some(2));
    assert!(stderr(&refused).contains("no seedfold manifest there lists (report.md)"));
    assert_eq!(read(&out.join("report.md")), "my own notes");
    assert!(
        !out.join(".seedfold.lock").exists(),
        "a refused run leaves its lock"
    );
}

#[test]
fn overwrite_keeps_the_old_report_until_the_new_one_is_complete() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r");
    assert!(run_into(&out, &[]).status.success());
    let old = read(&out.join("records.csv"));
    // a new run that fails part way (--fail-fast on a fit that cannot work) puts the old back
    let failing = seedfold()
        .args([
            "run",
            "--dataset",
            "diabetes",
            "--model",
            "knn:k=1000",
            "--seeds",
            "4",
        ])
        .args(["--fail-fast", "--quiet", "--overwrite", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(!failing.status.success());
    assert!(
        stderr(&failing).contains("the report it was replacing is back"),
        "{}",
        stderr(&failing)
    );
    assert_eq!(read(&out.join("records.csv")), old);
    assert!(!out.join(".seedfold-previous").exists());
    seedfold().arg("verify").arg(&out).assert().success();
}

#[test]
fn resume_of_a_finished_report_checks_the_experiment() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r");
    assert!(run_into(&out, &[]).status.success());
    let same = run_into(&out, &["--resume"]);
    assert!(same.status.success());
    assert!(stderr(&same).contains("already complete"));
    let other = seedfold()
        .args([
            "run",
            "--dataset",
            "diabetes",
            "--model",
            "ridge",
            "--seeds",
            "4",
        ])
        .args(["--quiet", "--resume", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(other.status.code(), Some(2));
    assert!(
        stderr(&other).contains("differs from the run there in models"),
        "{}",
        stderr(&other)
    );
}

#[test]
fn verify_lists_stray_files_and_notices_edited_manifest_sections() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r");
    assert!(run_into(&out, &[]).status.success());
    seedfold().arg("verify").arg(&out).assert().success();
    let manifest = read(&out.join("manifest.json"));
    // a stray file
    std::fs::write(out.join("records.partial.csv"), "left over").unwrap();
    let stray = seedfold().arg("verify").arg(&out).output().unwrap();
    assert!(!stray.status.success());
    assert!(
        stderr(&stray).contains("file(s) the run did not write: records.partial.csv"),
        "{}",
        stderr(&stray)
    );
    std::fs::remove_file(out.join("records.partial.csv")).unwrap();
    // the statistics options of the experiment
    let edited = manifest.replacen("\"confidence\": 0.95", "\"confidence\": 0.5", 1);
    assert_ne!(edited, manifest);
    std::fs::write(out.join("manifest.json"), &edited).unwrap();
    let stats = seedfold().arg("verify").arg(&out).output().unwrap();
    assert!(!stats.status.success());
    assert!(stderr(&stats).contains("experiment section was edited"));
    // the data's row count
    let rows = manifest.replacen("\"rows\": 442", "\"rows\": 440", 1);
    assert_ne!(rows, manifest);
    std::fs::write(out.join("manifest.json"), &rows).unwrap();
    let data = seedfold().arg("verify").arg(&out).output().unwrap();
    assert!(!data.status.success());
    assert!(
        stderr(&data).contains("data section does not describe the data: 442 rows"),
        "{}",
        stderr(&data)
    );
}

#[test]
fn verify_of_an_interrupted_run_says_so_without_blaming_an_older_seedfold() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r");
    assert!(run_into(&out, &[]).status.success());
    let manifest = read(&out.join("manifest.json"));
    std::fs::write(
        out.join("manifest.json"),
        manifest.replacen("\"status\": \"complete\"", "\"status\": \"running\"", 1),
    )
    .unwrap();
    let e = stderr(&seedfold().arg("verify").arg(&out).output().unwrap());
    assert!(e.contains("did not finish"), "{e}");
    assert!(!e.contains("older seedfold"), "{e}");
}

/// A run with --overwrite killed midway keeps the report it replaces in a hidden folder:
/// verify and the next run say where, and do not list it (or the checkpoint) as strays.
#[test]
fn a_killed_overwrite_says_where_the_report_it_replaces_is() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r");
    assert!(run_into(&out, &[]).status.success());
    // the state such a kill leaves: the old report aside, a running manifest, a checkpoint
    let previous = out.join(".seedfold-previous");
    std::fs::create_dir(&previous).unwrap();
    for name in ["records.csv", "summary.json", "report.md"] {
        std::fs::rename(out.join(name), previous.join(name)).unwrap();
    }
    let manifest = read(&out.join("manifest.json"));
    std::fs::write(
        out.join("manifest.json"),
        manifest.replacen("\"status\": \"complete\"", "\"status\": \"running\"", 1),
    )
    .unwrap();
    std::fs::write(out.join("records.partial.csv"), "").unwrap();
    let e = stderr(&seedfold().arg("verify").arg(&out).output().unwrap());
    assert!(
        e.contains("is kept in") && e.contains(".seedfold-previous"),
        "{e}"
    );
    assert!(!e.contains("did not write"), "{e}");
    // nor does it blame records.csv, which an unfinished run has not written yet
    assert!(!e.contains("cannot be read"), "{e}");
    let again = run_into(&out, &[]);
    assert_eq!(again.status.code(), Some(2));
    assert!(
        stderr(&again).contains(".seedfold-previous until it finishes"),
        "{}",
        stderr(&again)
    );
}

#[test]
fn summarize_refuses_impossible_scores_and_contradicting_directions() {
    let dir = tempfile::tempdir().unwrap();
    let summarize = |file: &Path, extra: &[&str]| {
        seedfold()
            .arg("summarize")
            .arg(file)
            .args(extra)
            .arg("--out")
            .arg(dir.path().join("s"))
            .arg("--overwrite")
            .output()
            .unwrap()
    };
    let above = summarize(
        &test_file("fuzz/regressions/records-accuracy-above-one.csv"),
        &[],
    );
    assert_eq!(above.status.code(), Some(2));
    assert!(
        stderr(&above).contains(
            "accuracy 1.5 of model m (seed 0, fold 0) is outside the metric's range [0, 1]"
        ),
        "{}",
        stderr(&above)
    );
    let empty = summarize(&test_file("fuzz/regressions/records-no-rows.csv"), &[]);
    assert_eq!(empty.status.code(), Some(2));
    assert!(
        stderr(&empty).contains("n_train 0 and n_test 0"),
        "{}",
        stderr(&empty)
    );
    let both = summarize(
        &test_file("fuzz/regressions/records-no-rows.csv"),
        &["--higher-is-better", "r2", "--lower-is-better", "r2"],
    );
    assert_eq!(both.status.code(), Some(2));
    assert!(stderr(&both).contains("named by both"));
}

#[test]
fn impossible_parameters_are_refused_before_any_fit() {
    for (model, says) in [
        ("tree:max_depth=2,max_depth=3", "given twice"),
        (
            "lasso:alpha=-1",
            "parameter alpha of model 'lasso:alpha=-1' must be a number ≥ 0",
        ),
        ("elasticnet:l1_ratio=2", "must be a number from 0 to 1"),
        ("svm:epsilon=-1", "must be a number ≥ 0"),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let o = seedfold()
            .args([
                "run",
                "--dataset",
                "diabetes",
                "--model",
                model,
                "--quiet",
                "--out",
            ])
            .arg(dir.path().join("r"))
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(2), "{model}");
        assert!(stderr(&o).contains(says), "{model}: {}", stderr(&o));
        assert!(!dir.path().join("r").join("records.csv").exists());
    }
    for (flag, value, says) in [
        (
            "--resamples",
            "100000000",
            "resamples must be from 100 to 1000000",
        ),
        (
            "--fit-timeout",
            "1e300",
            "longer than the longest fit timeout",
        ),
    ] {
        let o = seedfold()
            .args([
                "run",
                "--dataset",
                "diabetes",
                "--model",
                "ols",
                flag,
                value,
            ])
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(2), "{flag}");
        assert!(stderr(&o).contains(says), "{flag}: {}", stderr(&o));
    }
}
