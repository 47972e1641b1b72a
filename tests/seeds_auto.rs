//! `--seeds auto`: split seeds added in doubling batches until every interval of a mean over
//! seeds is as narrow as asked, or --max-seeds; the report says why it stopped.

mod common;

use common::{json, read, run_ok, run_refused, seedfold};

/// The widest half-width of the t intervals of the means over seeds in a summary.
fn widest(summary: &serde_json::Value) -> f64 {
    summary["summaries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            let ci = &s["across_seeds"]["ci"];
            (ci["upper"].as_f64().unwrap() - ci["lower"].as_f64().unwrap()) / 2.0
        })
        .fold(0.0, f64::max)
}

#[test]
fn auto_seeds_stop_at_the_first_batch_that_reaches_the_target_and_say_so() {
    let target = 0.004;
    let dir = tempfile::tempdir().unwrap();
    let args = [
        "--dataset",
        "diabetes",
        "--model",
        "ols",
        "--model",
        "ridge",
        "--metrics",
        "r2",
    ];
    let auto = dir.path().join("auto");
    let mut flags = args.to_vec();
    flags.extend(["--seeds", "auto", "--target-halfwidth", "0.004"]);
    run_ok(&auto, &flags);
    let summary = json(&auto.join("summary.json"));
    let n = summary["summaries"][0]["n_seeds"].as_u64().unwrap();
    assert!(widest(&summary) <= target);
    // the batch before (half as many seeds) had not reached it
    let before = dir.path().join("before");
    let half = (n / 2).to_string();
    let mut flags = args.to_vec();
    flags.extend(["--seeds", &half]);
    run_ok(&before, &flags);
    assert!(
        widest(&json(&before.join("summary.json"))) > target,
        "{n} seeds"
    );
    let manifest = json(&auto.join("manifest.json"));
    let reason = manifest["seeds_stop"].as_str().unwrap();
    assert!(
        reason.contains(&format!("stopped at {n} split seeds")),
        "{reason}"
    );
    assert!(read(&auto.join("report.md")).contains(reason));
    assert_eq!(
        manifest["experiment"]["split_seeds"]
            .as_array()
            .unwrap()
            .len() as u64,
        n
    );
    seedfold().arg("verify").arg(&auto).assert().success();
}

#[test]
fn auto_seeds_stop_at_max_seeds_when_the_target_is_out_of_reach() {
    let dir = tempfile::tempdir().unwrap();
    run_ok(
        dir.path(),
        &[
            "--dataset",
            "diabetes",
            "--model",
            "ols",
            "--metrics",
            "r2",
            "--seeds",
            "auto",
            "--target-halfwidth",
            "0.00001",
            "--max-seeds",
            "15",
        ],
    );
    let summary = json(&dir.path().join("summary.json"));
    assert_eq!(summary["summaries"][0]["n_seeds"], 15);
    let manifest = json(&dir.path().join("manifest.json"));
    assert!(manifest["seeds_stop"]
        .as_str()
        .unwrap()
        .contains("stopped at --max-seeds 15"));
}

#[test]
fn auto_seeds_without_a_target_or_with_shards_are_refused_with_what_to_do() {
    for (flags, expected) in [
        (&["--seeds", "auto"][..], "--target-halfwidth"),
        (
            &[
                "--seeds",
                "auto",
                "--target-halfwidth",
                "0.01",
                "--shard",
                "0/2",
            ][..],
            "cannot be split into shards",
        ),
        (
            &[
                "--seeds",
                "auto",
                "--target-halfwidth",
                "0.01",
                "--max-seeds",
                "5",
            ][..],
            "--max-seeds must be from 10",
        ),
    ] {
        let mut args = vec!["--dataset", "diabetes", "--model", "ols"];
        args.extend(flags);
        run_refused(&args, expected);
    }
}

#[test]
fn splits_refuse_auto_seeds_and_say_what_to_list_instead() {
    let o = seedfold()
        .args(["splits", "--dataset", "diabetes", "--seeds", "auto"])
        .output()
        .unwrap();
    assert!(!o.status.success());
    assert!(
        common::stderr(&o).contains("--seed-list"),
        "{}",
        common::stderr(&o)
    );
}
