//! `seedfold verify`: check a report folder against what its manifest says it was made from.

use anyhow::{bail, Result};
use clap::Args;
use rayon::prelude::*;
use seedfold::data::{record_rows, DataSource};
use seedfold::report::folder::{
    read_manifest, LOCK, PREDICTIONS_PARTIAL, PREVIOUS, RECORDS_PARTIAL, SEEDS_DONE,
};
use seedfold::report::write_splits;
use seedfold::run::{
    file_hashes, run, source_sha256, split_hash, Coverage, DataSummary, FoldRecord, ModelSet,
    RunPlan, RunStatus, Silent, REPORT_FILES,
};
use seedfold::split::Splitter;
use std::path::{Path, PathBuf};

/// Options of `seedfold verify`.
#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// The report folder.
    dir: PathBuf,
    /// Also recompute this many seeds (spread over the run) and compare their records.
    #[arg(long, num_args = 0..=1, default_missing_value = "3")]
    rerun: Option<usize>,
}

/// `n` of the seeds done, spread evenly over them (all of them when `n` reaches their count).
fn rerun_sample(done: &[u64], n: usize) -> Vec<u64> {
    if n >= done.len() {
        done.to_vec()
    } else {
        (0..n)
            .map(|i| done[i * (done.len() - 1) / (n - 1).max(1)])
            .collect()
    }
}

/// A writer that compares what is written with what `R` holds, byte for byte.
struct Compare<R> {
    saved: R,
    same: bool,
    buffer: Vec<u8>,
}

impl<R: std::io::Read> Compare<R> {
    fn new(saved: R) -> Self {
        Compare {
            saved,
            same: true,
            buffer: Vec::new(),
        }
    }

    /// Whether everything written matched and nothing of the saved bytes is left over.
    fn at_end(&mut self) -> bool {
        self.same && matches!(self.saved.read(&mut [0u8; 1]), Ok(0))
    }
}

impl<R: std::io::Read> std::io::Write for Compare<R> {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        if self.same {
            self.buffer.resize(bytes.len(), 0);
            self.same = self.saved.read_exact(&mut self.buffer).is_ok() && self.buffer == bytes;
        }
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The data sets of the study in `dir` (a folder with no manifest of its own whose
/// summary.json lists them), or `None` for a run's report folder.
fn study_datasets(dir: &std::path::Path) -> Option<Vec<String>> {
    #[derive(serde::Deserialize)]
    struct Study {
        datasets: Vec<Dataset>,
    }
    #[derive(serde::Deserialize)]
    struct Dataset {
        name: String,
    }
    if dir.join("manifest.json").exists() {
        return None;
    }
    let text = std::fs::read_to_string(dir.join("summary.json")).ok()?;
    let study: Study = serde_json::from_str(&text).ok()?;
    Some(study.datasets.into_iter().map(|d| d.name).collect())
}

pub fn run_verify(args: &VerifyArgs) -> Result<()> {
    if let Some(names) = study_datasets(&args.dir) {
        for name in &names {
            run_verify(&VerifyArgs {
                dir: args.dir.join(name),
                rerun: args.rerun,
            })?;
        }
        println!(
            "{} is a study: all {} data sets' reports verify; its comparison over them is not hashed (`seedfold run STUDY.toml --resume --out {}` recomputes it from them)",
            args.dir.display(),
            names.len(),
            args.dir.display()
        );
        return Ok(());
    }
    let manifest = read_manifest(&args.dir)?;
    let e = &manifest.experiment;
    let mut problems = Vec::new();
    let finished = manifest.status == RunStatus::Complete;
    if !finished {
        // a run keeps its checkpoint until it finishes; a merge has none to resume from
        problems.push(if args.dir.join(RECORDS_PARTIAL).exists() {
            "the manifest says the run did not finish; finish it with `seedfold run ... --resume`"
                .into()
        } else {
            "the manifest says the run or merge did not finish and no checkpoint is left to resume from; run it (or the merge) again with --overwrite".into()
        });
        if args.dir.join(PREVIOUS).is_dir() {
            problems.push(format!(
                "the report this run replaces (--overwrite) is kept in {} until the run finishes",
                args.dir.join(PREVIOUS).display()
            ));
        }
    }
    // every file the manifest lists is there with the bytes it was written with
    let hashes = file_hashes(&args.dir)?;
    for name in REPORT_FILES {
        match (manifest.files.get(name), hashes.get(name)) {
            (Some(want), Some(got)) if want != got => problems.push(format!(
                "{name} was changed after the run wrote it (sha256 differs)"
            )),
            (Some(_), None) => problems.push(format!("{name} is missing")),
            (None, Some(_)) if !manifest.files.is_empty() => {
                problems.push(format!("{name} is not a file the run wrote"))
            }
            _ => {}
        }
    }
    if finished {
        if manifest.files.is_empty() || manifest.experiment_sha256.is_empty() {
            problems.push("the manifest lists no file or experiment hashes (written by an older seedfold); run again to get a report that can be verified".into());
        } else if manifest.experiment_sha256 != manifest.experiment_hash() {
            problems.push(
                "the manifest's experiment section was edited after the run (its sha256 differs)"
                    .into(),
            );
        }
    }
    // an unfinished run's checkpoint, and the report it replaces, are said above
    let unfinished = [RECORDS_PARTIAL, PREDICTIONS_PARTIAL, SEEDS_DONE, PREVIOUS];
    let expected = |name: &str| {
        name == "manifest.json"
            || name == LOCK
            || manifest.files.contains_key(name)
            || (!finished && unfinished.contains(&name))
    };
    let mut stray: Vec<String> = std::fs::read_dir(&args.dir)?
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| !expected(n) && !REPORT_FILES.contains(&n.as_str()))
        .collect();
    stray.sort();
    if !stray.is_empty() {
        problems.push(format!(
            "file(s) the run did not write: {} (a leftover of an interrupted run, or added since)",
            stray.join(", ")
        ));
    }
    // read once, a record at a time: the coverage check here, and the records of the seeds the
    // rerun below recomputes
    let sample = args.rerun.map(|n| rerun_sample(&manifest.seeds_done, n));
    let mut stored = Vec::new();
    let mut coverage = Coverage::new(&manifest.seeds_done, &e.model_seeds);
    let read = record_rows(&args.dir.join("records.csv")).and_then(|rows| {
        for placed in rows {
            let (record, _, _) = placed?;
            coverage.add(&record);
            if sample
                .as_ref()
                .is_some_and(|s| s.contains(&record.split_seed))
            {
                stored.push(record);
            }
        }
        Ok(())
    });
    match read {
        Ok(()) => problems.extend(
            coverage
                .problems()
                .into_iter()
                .map(|p| format!("records.csv: {p}")),
        ),
        // an unfinished run has no records.csv yet, as said above
        Err(_) if !finished && !args.dir.join("records.csv").exists() => {}
        Err(err) => problems.push(format!("records.csv cannot be read: {err}")),
    }
    if let DataSource::Arrays { name, .. } = &e.data.source {
        // arrays handed over from Python cannot be read again: the folder alone is checked
        if sample.is_some() {
            bail!("--rerun needs the data, and {name} came as arrays from Python; rerun it from Python with seedfold.evaluate, or verify without --rerun");
        }
        let checked = format!(
            "status, {} file hashes, records coverage (not the data or its splits: {name} came as arrays from Python)",
            manifest.files.len()
        );
        return verdict(&args.dir, &problems, &checked);
    }
    let sha256 = source_sha256(&e.data)?;
    if sha256 != manifest.data.sha256 {
        problems.push(format!(
            "the data differs from the run's: sha256 {sha256} now, {} in the manifest",
            manifest.data.sha256
        ));
    }
    let table = super::load(&e.data)?;
    let data = DataSummary::new(&table, &e.data)?;
    if data != manifest.data {
        problems.push(format!(
            "the manifest's data section does not describe the data: {} rows, {} features, task {}, target {} now; it says {} rows, {} features, task {}, target {}",
            data.rows, data.features, data.task, data.target,
            manifest.data.rows, manifest.data.features, manifest.data.task, manifest.data.target
        ));
    }
    let splitter = Splitter::new(&e.split, &table)?;
    // splits are derived one seed at a time, never all held at once
    let seeds = &manifest.seeds_done;
    let bad: Vec<String> = seeds
        .par_iter()
        .filter(|&s| {
            manifest.split_hashes.get(s) != Some(&split_hash(&splitter.split(*s), table.n_rows()))
        })
        .map(|s| s.to_string())
        .collect();
    if !bad.is_empty() {
        problems.push(format!(
            "the splits of seed(s) {} do not match their hashes",
            bad.join(", ")
        ));
    }
    let splits_csv = args.dir.join("splits.csv");
    if splits_csv.exists() {
        // compared as it is derived, a seed at a time
        let mut saved = Compare::new(std::io::BufReader::new(std::fs::File::open(&splits_csv)?));
        let same = write_splits(&mut saved, seeds.iter().map(|&s| (s, splitter.split(s)))).is_ok()
            && saved.at_end();
        if !same {
            problems.push("splits.csv does not match the splits derived from the manifest".into());
        }
    }
    let mut checked = format!(
        "status, {} file hashes, records coverage, data sha256, {} split hashes",
        manifest.files.len(),
        seeds.len()
    );
    if let Some(sample) = sample {
        if !e.plugged.is_empty() {
            bail!(
                "the run fitted models from outside the catalogue ({}), which --rerun cannot refit; rerun them from Python with seedfold.evaluate",
                e.plugged.join("; ")
            );
        }
        let ModelSet { models, metrics } = e.models_and_metrics(&table, &[])?;
        let plan = RunPlan {
            table: &table,
            splitter: &splitter,
            metrics,
            models: &models,
            split_seeds: &sample,
            model_seeds: &e.model_seeds,
            keep_predictions: false,
            fail_fast: false,
            threads: None,
            exact_linfa: e.exact_linfa,
            fit_timeout: Some(seedfold::run::FIT_TIMEOUT),
            train_fractions: &e.train_fractions(),
        };
        let fresh = run(&plan, &Silent)?;
        // compare everything but the timings (a model name may hold commas, so not by text)
        let untimed = |records: Vec<FoldRecord>| -> Vec<FoldRecord> {
            records
                .into_iter()
                .map(|r| FoldRecord {
                    fit_seconds: 0.0,
                    ..r
                })
                .collect()
        };
        let (again, stored) = (untimed(fresh.records), untimed(stored));
        if again != stored {
            problems.push(format!(
                "recomputing seed(s) {sample:?} gives records that differ from records.csv"
            ));
        }
        checked += &format!(", rerun of seed(s) {sample:?}");
    }
    verdict(&args.dir, &problems, &checked)
}

/// The problems found in `dir` as an error, or what was `checked` when there are none.
fn verdict(dir: &Path, problems: &[String], checked: &str) -> Result<()> {
    if !problems.is_empty() {
        bail!(
            "{} does not verify:\n  - {}",
            dir.display(),
            problems.join("\n  - ")
        );
    }
    println!("{} verifies: {checked}", dir.display());
    Ok(())
}
