//! Experiment files, the manifest, kill-and-resume, shards and merge, and verify — each
//! compared with an uninterrupted single run.

mod common;

use common::{read, seedfold, without_timing};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn records_without_timing(dir: &Path) -> String {
    without_timing(&read(&dir.join("records.csv")))
}

/// The files that must match a single run byte for byte (records apart from timings).
fn assert_same_report(a: &Path, b: &Path) {
    assert_eq!(
        records_without_timing(a),
        records_without_timing(b),
        "records.csv"
    );
    for file in ["summary.json", "report.md", "report.html"] {
        assert!(
            read(&a.join(file)) == read(&b.join(file)),
            "{file} differs between {} and {}",
            a.display(),
            b.display()
        );
    }
    for file in ["splits.csv", "predictions.csv"] {
        if a.join(file).exists() || b.join(file).exists() {
            assert!(read(&a.join(file)) == read(&b.join(file)), "{file} differs");
        }
    }
}

#[test]
fn every_example_experiment_runs() {
    let dir = tempfile::tempdir().unwrap();
    for name in [
        "diabetes-regression",
        "breast-cancer-binary",
        "wine-multiclass",
        "diabetes-grouped",
        "penguins-messy",
    ] {
        let out = dir.path().join(name);
        let result = seedfold()
            .current_dir(root())
            .arg("run")
            .arg(format!("examples/{name}.toml"))
            .args(["--seeds", "3", "--quiet", "--out"])
            .arg(&out)
            .output()
            .unwrap();
        assert!(
            result.status.success(),
            "{name}: {}",
            String::from_utf8_lossy(&result.stderr)
        );
        let manifest: serde_json::Value =
            serde_json::from_str(&read(&out.join("manifest.json"))).unwrap();
        assert_eq!(manifest["status"], "complete", "{name}");
        assert_eq!(
            manifest["seeds_done"],
            serde_json::json!([0, 1, 2]),
            "--seeds overrides the file's seeds"
        );
    }
}

#[test]
fn flags_override_the_experiment_file() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r");
    seedfold()
        .current_dir(root())
        .args([
            "run",
            "examples/diabetes-regression.toml",
            "--seeds",
            "2",
            "--folds",
            "3",
            "--model",
            "ols",
            "--metrics",
            "r2",
            "--quiet",
            "--out",
        ])
        .arg(&out)
        .assert()
        .success();
    let csv = read(&out.join("records.csv"));
    assert_eq!(
        csv.lines().count(),
        1 + 2 * 3,
        "one model, one metric, 2 seeds × 3 folds"
    );
    assert!(csv
        .lines()
        .skip(1)
        .all(|l| l.starts_with("ols,") && l.contains(",r2,")));
}

fn toml_error(text: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.toml");
    std::fs::write(&path, text).unwrap();
    let out = seedfold().arg("run").arg(&path).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    String::from_utf8_lossy(&out.stderr).to_string()
}

#[test]
fn bad_experiment_files_name_the_key_and_line() {
    let e = toml_error(
        "models = [\"ols\"]\nseeds = 3\n\n[data]\ndataset = \"diabetes\"\ncolour = \"red\"\n",
    );
    assert!(
        e.contains("line 6") && e.contains("unknown field `colour`"),
        "{e}"
    );
    let e = toml_error(
        "models = [\"ols\"]\n[data]\ndataset = \"diabetes\"\n[split]\nfolds = \"five\"\n",
    );
    assert!(e.contains("line 5") && e.contains("folds"), "{e}");
    let e = toml_error("models = [\"ols\"\n");
    assert!(
        e.contains("is not a valid experiment TOML file") && e.contains("line 1"),
        "{e}"
    );
    let e = toml_error(
        "models = [\"ols\"]\n[data]\ndataset = \"diabetes\"\n[stats]\nrope = { r2 = \"wide\" }\n",
    );
    assert!(e.contains("line 5") && e.contains("rope"), "{e}");
    for size in ["-0.5", "nan", "inf"] {
        let e = toml_error(&format!(
            "models = [\"tree\"]\n[data]\ndataset = \"iris\"\n[split]\nsplitter = \"shuffle-split\"\ntest_size = {size}\n"
        ));
        assert!(
            e.contains("is neither a fraction in (0, 1) nor a whole row count"),
            "{size}: {e}"
        );
    }
    let e = toml_error("models = [\"ols\"]\nspeed = 3\n[data]\ndataset = \"diabetes\"\n");
    assert!(
        e.contains("unknown field `speed`") && e.contains("line 2"),
        "{e}"
    );
}

/// A run long enough to stop part way: 160 seeds of two models on one thread.
const LONG_RUN: [&str; 17] = [
    "run",
    "--dataset",
    "wine",
    "--model",
    "forest:trees=40",
    "--model",
    "logistic",
    "--model-seeds",
    "2",
    "--seeds",
    "160",
    "--threads",
    "1",
    "--quiet",
    "--save-predictions",
    "--save-splits",
    "--out",
];

/// `seedfold` with `args` into `out`, started and waited on until it has saved a seed.
fn started_until_a_seed_is_saved(
    args: &[&str],
    out: &Path,
    stderr: std::process::Stdio,
) -> std::process::Child {
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("seedfold"))
        .args(args)
        .arg(out)
        .stdout(std::process::Stdio::null())
        .stderr(stderr)
        .spawn()
        .unwrap();
    let started = Instant::now();
    while read_or_empty(&out.join("seeds.done")).lines().count() == 0 {
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "no seed finished in time"
        );
        assert!(
            child.try_wait().unwrap().is_none(),
            "the run finished before it could be stopped"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    child
}

#[test]
fn killed_run_resumes_to_the_same_records() {
    let dir = tempfile::tempdir().unwrap();
    let args = LONG_RUN;
    let killed = dir.path().join("killed");
    let mut child = started_until_a_seed_is_saved(&args, &killed, std::process::Stdio::null());
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    assert!(
        !killed.join("records.csv").exists(),
        "an interrupted run leaves no records.csv"
    );
    let done_before = read(&killed.join("seeds.done")).lines().count();
    assert!(done_before < 160, "killed part way");

    let refused = seedfold().args(args).arg(&killed).output().unwrap();
    assert!(
        String::from_utf8_lossy(&refused.stderr).contains("pass --resume"),
        "a fresh run must not clobber a checkpoint"
    );
    let mut other = args.to_vec();
    other[4] = "forest:trees=41";
    let refused = seedfold()
        .args(&other)
        .arg(&killed)
        .arg("--resume")
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&refused.stderr).contains("differs from the run there in models"),
        "{}",
        String::from_utf8_lossy(&refused.stderr)
    );

    assert!(resume(&args, &killed).contains(&format!("resuming: {done_before} of 160 seeds done")));
    let whole = dir.path().join("whole");
    seedfold().args(args).arg(&whole).assert().success();
    assert_same_report(&killed, &whole);
    assert!(
        !killed.join("records.partial.csv").exists(),
        "the checkpoint is removed once complete"
    );
    let hashes = |dir: &Path| {
        let manifest: serde_json::Value =
            serde_json::from_str(&read(&dir.join("manifest.json"))).unwrap();
        manifest["split_hashes"].clone()
    };
    assert_eq!(
        hashes(&killed),
        hashes(&whole),
        "split hashes from seeds.done and from the resumed part"
    );
}

/// Ctrl-C (SIGINT) stops a run after the fits in progress: it says so, ends with status 2
/// (not killed by the signal), keeps the seeds finished by then, and resumes to the records
/// of a run never stopped.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
#[test]
fn ctrl_c_stops_after_the_fits_in_progress_and_resumes_to_the_same_records() {
    let dir = tempfile::tempdir().unwrap();
    let args = LONG_RUN;
    let stopped = dir.path().join("stopped");
    let child = started_until_a_seed_is_saved(&args, &stopped, std::process::Stdio::piped());
    interrupt_and_expect_a_resumable_stop(child, &stopped);
    let done = read(&stopped.join("seeds.done")).lines().count();
    assert!(0 < done && done < 160, "{done} seeds saved");
    assert!(resume(&args, &stopped).contains(&format!("resuming: {done} of 160 seeds done")));
    let whole = dir.path().join("whole");
    seedfold().args(args).arg(&whole).assert().success();
    assert_same_report(&stopped, &whole);
}

/// Send `child` (a run into `out`) Ctrl-C (SIGINT) and check it stopped as an interrupted run
/// does: status 2 (not killed by the signal), both messages, no report, a running manifest.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn interrupt_and_expect_a_resumable_stop(child: std::process::Child, out: &Path) {
    let signalled = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(signalled.success());
    let ended = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&ended.stderr);
    assert_eq!(ended.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("stopping after the fits in progress")
            && stderr.contains("interrupted: the finished split seeds are saved"),
        "{stderr}"
    );
    let manifest: serde_json::Value =
        serde_json::from_str(&read(&out.join("manifest.json"))).unwrap();
    assert_eq!(manifest["status"], "running");
    for file in ["records.csv", "summary.json", "report.html"] {
        assert!(!out.join(file).exists(), "{file} written by a stopped run");
    }
}

/// Ctrl-C during the permutation test's fits, after every seed is saved, stops them too: no
/// report is written from a test cut short, and `--resume` finishes the run with the test.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
#[test]
fn ctrl_c_during_the_permutation_fits_stops_them_without_a_report() {
    let dir = tempfile::tempdir().unwrap();
    // 300 permutations of a 40-tree forest take seconds; the one seed is saved first
    let args = [
        "run",
        "--dataset",
        "wine",
        "--model",
        "forest:trees=40",
        "--seeds",
        "1",
        "--permutations",
        "300",
        "--quiet",
        "--out",
    ];
    let stopped = dir.path().join("stopped");
    let child = started_until_a_seed_is_saved(&args, &stopped, std::process::Stdio::piped());
    interrupt_and_expect_a_resumable_stop(child, &stopped);
    resume(&args, &stopped);
    let summary: serde_json::Value =
        serde_json::from_str(&read(&stopped.join("summary.json"))).unwrap();
    let test = &summary["summaries"][0]["permutation_test"];
    assert_eq!(test["permutations"], 300, "{test}");
}

#[test]
fn resume_with_no_saved_seed_starts_over() {
    let dir = tempfile::tempdir().unwrap();
    let args = [
        "run",
        "--dataset",
        "iris",
        "--model",
        "tree",
        "--seeds",
        "4",
        "--quiet",
        "--save-predictions",
        "--out",
    ];
    let whole = dir.path().join("whole");
    seedfold().args(args).arg(&whole).assert().success();
    // a run killed before its first save: a running manifest, rows that no seeds.done line
    // vouches for (a torn write), no seeds.done
    let killed = dir.path().join("killed");
    std::fs::create_dir_all(&killed).unwrap();
    let manifest = read(&whole.join("manifest.json")).replace("\"complete\"", "\"running\"");
    std::fs::write(killed.join("manifest.json"), manifest).unwrap();
    let records = read(&whole.join("records.csv"));
    std::fs::write(
        killed.join("records.partial.csv"),
        &records[..records.len() / 2],
    )
    .unwrap();
    std::fs::write(killed.join("predictions.partial.csv"), "split_seed,torn").unwrap();

    assert!(resume(&args, &killed).contains("resuming: 0 of 4 seeds done"));
    assert_same_report(&killed, &whole);
}

/// Resume the run `args` into `dir`, which must succeed; its stderr.
fn resume(args: &[&str], dir: &Path) -> String {
    let resumed = seedfold()
        .args(args)
        .arg(dir)
        .arg("--resume")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&resumed.stderr).into_owned();
    assert!(resumed.status.success(), "{stderr}");
    stderr
}

fn read_or_empty(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_default()
}

#[test]
fn three_shards_merge_into_the_single_run() {
    let dir = tempfile::tempdir().unwrap();
    let args = [
        "run",
        "--dataset",
        "breast_cancer",
        "--model",
        "logistic",
        "--model",
        "forest:trees=5",
        "--model-seeds",
        "2",
        "--seeds",
        "10",
        "--quiet",
        "--save-predictions",
        "--save-splits",
    ];
    let mut shards = Vec::new();
    for i in 0..3 {
        let out = dir.path().join(format!("shard-{i}"));
        seedfold()
            .args(args)
            .args(["--shard", &format!("{i}/3"), "--out"])
            .arg(&out)
            .assert()
            .success();
        shards.push(out);
    }
    let merged = dir.path().join("merged");
    common::merge(&shards, &merged);
    let single = dir.path().join("single");
    seedfold()
        .args(args)
        .arg("--out")
        .arg(&single)
        .assert()
        .success();
    assert_same_report(&merged, &single);

    let missing = seedfold()
        .arg("merge")
        .args(&shards[..2])
        .arg("--out")
        .arg(dir.path().join("x"))
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&missing.stderr).contains("3 seed(s) are in no shard: 2, 5, 8"));
    let twice = seedfold()
        .arg("merge")
        .args([&shards[0], &shards[0]])
        .arg("--out")
        .arg(dir.path().join("x"))
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&twice.stderr).contains("seed 0 is in both"));
    let other = dir.path().join("other");
    seedfold()
        .args([
            "run",
            "--dataset",
            "breast_cancer",
            "--model",
            "logistic",
            "--seeds",
            "10",
            "--quiet",
            "--shard",
            "2/3",
            "--out",
        ])
        .arg(&other)
        .assert()
        .success();
    let mixed = seedfold()
        .arg("merge")
        .args([&shards[0], &shards[1], &other])
        .arg("--out")
        .arg(dir.path().join("x"))
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&mixed.stderr)
            .contains("are not shards of one experiment: they differ in"),
        "{}",
        String::from_utf8_lossy(&mixed.stderr)
    );
    // a shard whose records lost a seed's lines is refused: its manifest's hash no longer fits
    let records = shards[1].join("records.csv");
    let text = read(&records);
    let seed = text
        .lines()
        .nth(1)
        .unwrap()
        .split(',')
        .nth(1)
        .unwrap()
        .to_string();
    let cut: String = text
        .lines()
        .filter(|l| l.split(',').nth(1) != Some(seed.as_str()))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(&records, cut).unwrap();
    let lost = seedfold()
        .arg("merge")
        .args(&shards)
        .arg("--out")
        .arg(dir.path().join("x"))
        .output()
        .unwrap();
    assert_eq!(lost.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&lost.stderr)
            .contains("records.csv is not the file its manifest's SHA-256 recorded"),
        "{}",
        String::from_utf8_lossy(&lost.stderr)
    );
}

#[test]
fn verify_catches_tampered_splits_and_data() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data.csv");
    std::fs::copy(root().join("datasets/iris.csv"), &data).unwrap();
    let out = dir.path().join("r");
    seedfold()
        .args(["run", "--data"])
        .arg(&data)
        .args([
            "--target",
            "species",
            "--model",
            "tree",
            "--seeds",
            "4",
            "--save-splits",
            "--quiet",
            "--out",
        ])
        .arg(&out)
        .assert()
        .success();
    let ok = seedfold()
        .arg("verify")
        .arg(&out)
        .arg("--rerun")
        .output()
        .unwrap();
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    assert!(String::from_utf8_lossy(&ok.stdout)
        .contains("verifies: status, 6 file hashes, records coverage, data sha256, 4 split hashes, rerun of seed(s)"));

    let splits = out.join("splits.csv");
    let original = read(&splits);
    std::fs::write(&splits, original.replacen(",test\n", ",train\n", 1)).unwrap();
    let bad = seedfold().arg("verify").arg(&out).output().unwrap();
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("splits.csv does not match"));
    std::fs::write(&splits, original).unwrap();

    let text = read(&data);
    std::fs::write(&data, text.replacen("5.1,3.5", "5.2,3.5", 1)).unwrap();
    let bad = seedfold().arg("verify").arg(&out).output().unwrap();
    assert!(String::from_utf8_lossy(&bad.stderr).contains("the data differs from the run's"));

    let manifest = out.join("manifest.json");
    std::fs::write(&data, text).unwrap();
    let m = read(&manifest);
    let first_hash = m.find("\"split_hashes\"").unwrap();
    let at = m[first_hash..].find(": \"").unwrap() + first_hash + 3;
    let mut tampered = m.clone();
    tampered.replace_range(at..at + 1, if &m[at..at + 1] == "0" { "1" } else { "0" });
    std::fs::write(&manifest, tampered).unwrap();
    let bad = seedfold().arg("verify").arg(&out).output().unwrap();
    assert!(
        String::from_utf8_lossy(&bad.stderr).contains("do not match their hashes"),
        "{}",
        String::from_utf8_lossy(&bad.stderr)
    );
    std::fs::write(&manifest, &m).unwrap();

    // a report file edited, a file deleted, records lines dropped, a run marked unfinished
    let problems = |edit: &dyn Fn()| {
        edit();
        let o = seedfold().arg("verify").arg(&out).output().unwrap();
        assert_eq!(o.status.code(), Some(2));
        String::from_utf8_lossy(&o.stderr).to_string()
    };
    let md = read(&out.join("report.md"));
    let e =
        problems(&|| std::fs::write(out.join("report.md"), md.replace("tree", "forest")).unwrap());
    assert!(e.contains("report.md was changed"), "{e}");
    std::fs::write(out.join("report.md"), &md).unwrap();
    let records = read(&out.join("records.csv"));
    let e = problems(&|| std::fs::remove_file(out.join("records.csv")).unwrap());
    assert!(e.contains("records.csv is missing"), "{e}");
    let dropped: String = records
        .lines()
        .filter(|l| !l.starts_with("tree,2,"))
        .map(|l| format!("{l}\n"))
        .collect();
    let e = problems(&|| std::fs::write(out.join("records.csv"), &dropped).unwrap());
    assert!(e.contains("model tree lacks 5"), "{e}");
    std::fs::write(out.join("records.csv"), &records).unwrap();
    let e =
        problems(&|| std::fs::write(&manifest, m.replace("\"complete\"", "\"running\"")).unwrap());
    assert!(e.contains("did not finish"), "{e}");
    std::fs::write(&manifest, &m).unwrap();
    seedfold().arg("verify").arg(&out).assert().success();
}

#[test]
fn resume_without_a_checkpoint_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let out = seedfold()
        .args([
            "run",
            "--dataset",
            "iris",
            "--model",
            "tree",
            "--resume",
            "--out",
        ])
        .arg(dir.path().join("none"))
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stderr).contains("nothing to resume"));
    let bad = seedfold()
        .args([
            "run",
            "--dataset",
            "iris",
            "--model",
            "tree",
            "--shard",
            "3/3",
        ])
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&bad.stderr).contains("--shard '3/3' must be I/N with 0 ≤ I < N")
    );
}

#[test]
fn verify_rerun_accepts_model_names_with_commas() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r");
    seedfold()
        .args([
            "run",
            "--dataset",
            "diabetes",
            "--model",
            "elasticnet:alpha=0.5,l1_ratio=0.3",
            "--seeds",
            "3",
            "--quiet",
            "--out",
        ])
        .arg(&out)
        .assert()
        .success();
    let result = seedfold()
        .arg("verify")
        .arg(&out)
        .args(["--rerun", "2"])
        .output()
        .unwrap();
    assert!(
        result.status.success(),
        "{}",
        String::from_utf8_lossy(&result.stderr)
    );
}

#[test]
fn a_run_killed_after_its_first_save_keeps_it_and_resume_sweeps_litter() {
    // 8 seeds are one batch of the runner; the checkpoint saves what has finished within a
    // second (the runner hands seeds over as they finish, see run::tests)
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("slow");
    let args = [
        "run",
        "--dataset",
        "digits",
        "--model",
        "logistic",
        "--seeds",
        "8",
        "--quiet",
        "--out",
    ];
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("seedfold"))
        .args(args)
        .arg(&out)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while read_or_empty(&out.join("seeds.done")).lines().count() == 0 {
        assert!(
            started.elapsed() < Duration::from_secs(300),
            "no seed saved in time"
        );
        assert!(
            child.try_wait().unwrap().is_none(),
            "the run ended before saving any seed on its own"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let saved = read(&out.join("seeds.done")).lines().count();
    assert!((1..8).contains(&saved), "{saved} of 8 seeds saved mid-run");
    // an atomic write cut short leaves a temporary file; finishing the run sweeps it
    std::fs::write(out.join(".records.csv.tmp4242"), "torn").unwrap();
    assert!(resume(&args, &out).contains(&format!("resuming: {saved} of 8 seeds done")));
    assert!(!out.join(".records.csv.tmp4242").exists());
}
