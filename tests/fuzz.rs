//! Mutation fuzzing of everything seedfold reads: data (CSV, Parquet), experiment files (TOML)
//! and records (CSV). Each case mutates a seed input from `tests/fuzz/seeds/`, feeds it to the
//! reader and, when it reads, onward (a short run and its statistics, or the resolved
//! experiment). A case passes when it gives a result or an error; it fails when it panics or
//! runs past [`HANG`].
//!
//! `cargo test --release` runs it for [`DEFAULT_SECONDS`]; run it longer by hand with
//! `SEEDFOLD_FUZZ_SECONDS=3600 cargo test --release --test fuzz -- --nocapture`
//! (`SEEDFOLD_FUZZ_SEED` picks the mutation stream). Every input that ever panicked or hung is
//! kept in `tests/fuzz/regressions/` and replayed by `every_regression_input_is_a_clean_result`;
//! a failing case is written to `target/fuzz-findings/` to be added there, and the case being
//! run is always at `target/fuzz-findings/current-SEED-NAME`, so an abort leaves it behind.
//!
//! Parquet inputs are mutated only with `SEEDFOLD_FUZZ_PARQUET=1`: polars-parquet 0.55 answers
//! some corrupt page headers by allocating 2^61 bytes, which aborts the process (an allocation
//! failure is not a panic and cannot be caught), so it would end any run that includes it.

use rand::{RngCore, SeedableRng};
use rand_chacha::ChaCha8Rng;
use seedfold::data::{load, read_records, DataSource, DataSpec, Task};
use seedfold::model::{build_models, ModelSpec};
use seedfold::run::{metrics_for, run, ExperimentFile, RunPlan, Silent};
use seedfold::split::{SplitConfig, Splitter};
use seedfold::stats::{analyse, Options, Scale};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// Fuzzing time of a normal test run.
const DEFAULT_SECONDS: u64 = 20;
/// A case running longer than this has hung.
const HANG: Duration = Duration::from_secs(20);

fn here(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fuzz")
        .join(rel)
}

/// What a file is, by its name.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    Data,
    Parquet,
    Experiment,
    Records,
}

fn kind_of(path: &Path) -> Kind {
    let name = path.file_name().unwrap().to_string_lossy();
    if name.ends_with(".toml") {
        Kind::Experiment
    } else if name.ends_with(".parquet") {
        Kind::Parquet
    } else if name.contains("records") {
        Kind::Records
    } else {
        Kind::Data
    }
}

/// Feed the file at `path` to seedfold as a `kind`; Ok whatever seedfold answers, as long as
/// it answers (errors included).
fn exercise(path: &Path, kind: Kind) {
    let scale = |m: &str| {
        m.parse::<seedfold::metric::Metric>()
            .map_or(Scale::unknown(true), |m| m.scale())
    };
    match kind {
        Kind::Data | Kind::Parquet => {
            let spec = DataSpec {
                source: DataSource::File(path.to_path_buf()),
                target: None,
                features: None,
                groups: None,
                task: None,
                preprocess: Default::default(),
            };
            let Ok(loaded) = load(&spec) else { return };
            let table = loaded.table;
            if table.n_rows() > 500 {
                return;
            }
            let task = table.y.task();
            let k = table.y.classes().map_or(0, |(_, c)| c.len());
            let Ok(splitter) = Splitter::new(&SplitConfig::default(), &table) else {
                return;
            };
            let names = match task {
                Task::Regression => "ols|tweedie:power=0",
                Task::Classification => "tree|logistic|naive_bayes",
            };
            let specs: Vec<ModelSpec> = names
                .split('|')
                .flat_map(|n| ModelSpec::parse(n).unwrap())
                .collect();
            let Ok(models) = build_models(&specs, task, false) else {
                return;
            };
            let Ok(metrics) = metrics_for(None, &models, task, k) else {
                return;
            };
            let plan = RunPlan {
                table: &table,
                splitter: &splitter,
                metrics,
                models: &models,
                split_seeds: &[0, 1],
                model_seeds: &[0],
                keep_predictions: false,
                fail_fast: false,
                threads: Some(1),
                exact_linfa: false,
                fit_timeout: None,
                train_fractions: &[1.0],
            };
            if let Ok(out) = run(&plan, &Silent) {
                let _ = analyse(&out.records, &scale, &Options::default());
            }
        }
        Kind::Experiment => {
            if let Ok(file) = ExperimentFile::load(path) {
                let _ = file.data_spec();
                let _ = file.resolve(Task::Regression);
                let _ = file.resolve(Task::Classification);
            }
        }
        Kind::Records => {
            if let Ok(records) = read_records(path, true, None) {
                let options = Options {
                    resamples: 200,
                    ..Options::default()
                };
                let _ = analyse(&records, &scale, &options);
            }
        }
    }
}

/// How a case ended.
#[derive(Debug, PartialEq)]
enum Outcome {
    Clean,
    Panicked(String),
    Hung,
}

/// Run `exercise` on its own thread: a panic or a hang is reported, never fatal here.
fn case(path: &Path, kind: Kind) -> Outcome {
    let (tx, rx) = mpsc::channel();
    let owned = path.to_path_buf();
    std::thread::spawn(move || {
        let result = std::panic::catch_unwind(|| exercise(&owned, kind));
        let _ = tx.send(result.map_err(|p| {
            p.downcast_ref::<String>()
                .cloned()
                .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default()
        }));
    });
    match rx.recv_timeout(HANG) {
        Ok(Ok(())) => Outcome::Clean,
        Ok(Err(message)) => Outcome::Panicked(message),
        Err(_) => Outcome::Hung,
    }
}

/// Tokens that break parsers and numerics.
const TOKENS: [&str; 16] = [
    "\"",
    ",",
    "\n",
    "\r\n",
    "NaN",
    "inf",
    "-inf",
    "1e308",
    "-1e308",
    "1e-320",
    "NA",
    "",
    "18446744073709551615",
    "-0",
    "\u{feff}",
    "[[",
];

/// One to four random edits of `bytes`.
fn mutate(bytes: &[u8], rng: &mut ChaCha8Rng) -> Vec<u8> {
    let mut out = bytes.to_vec();
    let pick = |rng: &mut ChaCha8Rng, n: usize| (rng.next_u64() % n.max(1) as u64) as usize;
    for _ in 0..1 + pick(rng, 4) {
        let at = pick(rng, out.len() + 1);
        match pick(rng, 7) {
            0 => {
                let token = TOKENS[pick(rng, TOKENS.len())].as_bytes();
                out.splice(at..at, token.iter().copied());
            }
            1 if at < out.len() => {
                let end = (at + 1 + pick(rng, 16)).min(out.len());
                out.drain(at..end);
            }
            2 if at < out.len() => out[at] ^= 1 << pick(rng, 8),
            3 => out.truncate(at),
            4 => {
                // repeat a line
                let text = String::from_utf8_lossy(&out).into_owned();
                let lines: Vec<&str> = text.lines().collect();
                if !lines.is_empty() {
                    let line = lines[pick(rng, lines.len())].to_string();
                    out.splice(at..at, format!("{line}\n").into_bytes());
                }
            }
            5 if at < out.len() => {
                // a digit run replaced by a huge or tiny number
                let token = ["99999999999999999999999", "1e300", "-7", "0"][pick(rng, 4)];
                out.splice(at..(at + 1).min(out.len()), token.bytes());
            }
            _ => out.insert(at.min(out.len()), (rng.next_u64() & 0xff) as u8),
        }
    }
    out
}

fn seeds() -> Vec<(PathBuf, Vec<u8>)> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(here("seeds"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    let mut out: Vec<(PathBuf, Vec<u8>)> = files
        .into_iter()
        .map(|p| {
            let bytes = std::fs::read(&p).unwrap();
            (p, bytes)
        })
        .collect();
    if std::env::var("SEEDFOLD_FUZZ_PARQUET").is_ok_and(|v| v == "1") {
        // a Parquet seed, written by seedfold itself (no binary file in the repository)
        let records = read_records(&here("seeds/records.csv"), true, None).unwrap();
        let parquet = seedfold::report::render_records_parquet(&records).unwrap();
        out.push((PathBuf::from("records.parquet"), parquet));
    }
    out
}

#[test]
fn every_regression_input_is_a_clean_result() {
    seedfold::panic::quiet_caught_panics();
    let mut files: Vec<PathBuf> = std::fs::read_dir(here("regressions"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    assert!(files.len() >= 6);
    for path in files {
        let outcome = case(&path, kind_of(&path));
        assert_eq!(outcome, Outcome::Clean, "{}", path.display());
    }
}

#[test]
fn mutated_inputs_never_panic_or_hang() {
    seedfold::panic::quiet_caught_panics();
    let seconds: u64 = std::env::var("SEEDFOLD_FUZZ_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(DEFAULT_SECONDS);
    let seed: u64 = std::env::var("SEEDFOLD_FUZZ_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let inputs = seeds();
    let findings = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/fuzz-findings");
    std::fs::create_dir_all(&findings).unwrap();
    let started = Instant::now();
    let (mut runs, mut failures) = (0u64, Vec::new());
    while started.elapsed() < Duration::from_secs(seconds) {
        let (name, bytes) = &inputs[(rng.next_u64() % inputs.len() as u64) as usize];
        let file_name = name.file_name().unwrap().to_string_lossy().into_owned();
        let path = findings.join(format!("current-{seed}-{file_name}"));
        std::fs::write(&path, mutate(bytes, &mut rng)).unwrap();
        runs += 1;
        let outcome = case(&path, kind_of(&path));
        if outcome != Outcome::Clean {
            let kept = findings.join(format!("{seed}-{runs}-{file_name}"));
            std::fs::copy(&path, &kept).unwrap();
            failures.push(format!("{outcome:?}: {}", kept.display()));
        }
    }
    for (name, _) in &inputs {
        let name = name.file_name().unwrap().to_string_lossy();
        let _ = std::fs::remove_file(findings.join(format!("current-{seed}-{name}")));
    }
    println!(
        "fuzz: {runs} runs in {seconds} s (seed {seed}), {} panics or hangs",
        failures.len()
    );
    assert!(runs > 0);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
