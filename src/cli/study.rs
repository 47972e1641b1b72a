//! `seedfold run` with `[[data]]`: one run per data set into its own sub-folder of the report
//! folder, then the models compared over the data sets (ranks, Friedman, Nemenyi, Holm, and
//! the Bayesian signed-rank test when asked) in the folder's own summary.json, report.md and
//! report.html.

use anyhow::{bail, Context, Result};
use seedfold::data::DataSource;
use seedfold::execute::{execute, Execution, Mode};
use seedfold::report::files::{about, write_side_by_side};
use seedfold::report::folder::{lock, outputs, read_manifest, sweep_litter, LOCK};
use seedfold::report::{
    render_study_html, render_study_markdown, write_study_json, Study, StudyDataset,
};
use seedfold::run::{DataSection, ExperimentFile};
use seedfold::stats::{benchmark, Scale, SignedRankOptions};
use serde::Deserialize;
use std::collections::BTreeSet;
use std::path::Path;

/// The study's own files in its folder (beside one sub-folder per data set).
const STUDY_FILES: [&str; 3] = ["summary.json", "report.md", "report.html"];

/// Posterior draws of the Bayesian signed-rank test.
const SIGNED_RANK_SAMPLES: usize = 50_000;

/// Run `file` (whose `datasets` are the study's data sets) into `how.out`.
pub fn run_study(file: &ExperimentFile, how: &Execution) -> Result<()> {
    if file.shard.is_some() {
        bail!("--shard splits one data set's seeds; with [[data]] run each data set's experiment apart to shard it");
    }
    let names = names(&file.datasets)?;
    let out = how.out;
    let _lock = lock(out)?;
    sweep_litter(out);
    prepare_folder(out, &names, how.mode)?;
    // every data set is read (and its task checked) before anything runs
    let mut task = None;
    for (section, name) in file.datasets.iter().zip(&names) {
        let table = super::load(&one(file, section).data_spec()?)
            .with_context(|| format!("data set {name}"))?;
        let this = table.y.task();
        match task {
            Some(first) if first != this => bail!(
                "[[data]] sets must share one task so that the same models and metrics apply: {} is {first}, {name} is {this}",
                names[0]
            ),
            _ => task = Some(this),
        }
    }
    for (section, name) in file.datasets.iter().zip(&names) {
        eprintln!("data set {name}:");
        let experiment = one(file, section);
        let table = super::load(&experiment.data_spec()?)?;
        let resolved = experiment.resolve(table.y.task())?;
        let folder = out.join(name);
        let resume = how.mode.resume && folder.join("manifest.json").exists();
        let mode = Mode {
            resume,
            overwrite: how.mode.overwrite,
        };
        execute(
            &resolved,
            table,
            &Execution {
                out: &folder,
                mode,
                ..*how
            },
        )
        .with_context(|| format!("data set {name}"))?;
    }
    let study = compare(file, out, &names)?;
    let about = study_about(out, &names)?;
    let (study, about) = (&study, &about);
    write_side_by_side(
        out,
        vec![
            ("summary.json", Box::new(|w| write_study_json(study, w))),
            (
                "report.md",
                Box::new(|w| w.write_all(render_study_markdown(study, about).as_bytes())),
            ),
            (
                "report.html",
                Box::new(|w| w.write_all(render_study_html(study, about).as_bytes())),
            ),
        ],
    )?;
    for b in &study.benchmark {
        let leader = b
            .average_ranks
            .iter()
            .enumerate()
            .min_by(|x, y| x.1.total_cmp(y.1))
            .map(|(i, r)| format!("{} (average rank {r:.2})", b.models[i]))
            .unwrap_or_default();
        let friedman = b
            .friedman
            .value()
            .map_or("absent".into(), |f| format!("p = {:.4}", f.p_value));
        println!(
            "{} over {} data sets: best {leader}; Friedman {friedman}",
            b.metric,
            b.datasets.len()
        );
    }
    for note in &study.notes {
        eprintln!("note: {note}");
    }
    println!("report: {}", out.join("report.html").display());
    Ok(())
}

/// The experiment of one data set: the study's settings with that data section.
fn one(file: &ExperimentFile, section: &DataSection) -> ExperimentFile {
    ExperimentFile {
        data: section.clone(),
        datasets: Vec::new(),
        ..file.clone()
    }
}

/// Each data set's name (given, or the built-in's name or file's stem); they name the
/// sub-folders, so they must be distinct and safe as folder names.
fn names(datasets: &[DataSection]) -> Result<Vec<String>> {
    let mut seen = BTreeSet::new();
    datasets
        .iter()
        .enumerate()
        .map(|(i, d)| {
            let name = match (&d.name, &d.dataset, &d.file) {
                (Some(name), _, _) => name.clone(),
                (None, Some(builtin), None) => builtin.clone(),
                (None, None, Some(file)) => DataSource::File(file.clone()).name(),
                _ => bail!("[[data]] entry {}: give a built-in dataset or a file (not both)", i + 1),
            };
            let safe = !name.is_empty()
                && name != "."
                && name != ".."
                && !name.contains(['/', '\\'])
                && !name.chars().any(char::is_control);
            if !safe {
                bail!("[[data]] entry {}: the name '{name}' cannot name a folder; give name = \"…\"", i + 1);
            }
            if !seen.insert(name.clone()) {
                bail!("[[data]] entry {}: a second data set named '{name}'; give each a distinct name = \"…\"", i + 1);
            }
            Ok(name)
        })
        .collect()
}

/// Make the study's folder ready: empty; or, with --overwrite or --resume, holding only a
/// study's files and its data sets' folders (each run clears or resumes its own folder).
fn prepare_folder(out: &Path, names: &[String], mode: Mode) -> Result<()> {
    let present: Vec<String> = std::fs::read_dir(out)
        .with_context(|| format!("reading {}", out.display()))?
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n != LOCK)
        .collect();
    if present.is_empty() {
        return Ok(());
    }
    if !(mode.overwrite || mode.resume) {
        bail!(
            "{} already holds {}; pass --overwrite to replace the study there, --resume to finish it, or choose another --out",
            out.display(),
            present.join(", ")
        );
    }
    // what seedfold wrote there may go: a study's files when its summary.json is a study's, a
    // single run's report when its manifest is readable (e.g. the default folder's), and data
    // set folders that hold a run's manifest; never a file nothing of seedfold's vouches for
    let a_study = std::fs::read_to_string(out.join("summary.json"))
        .ok()
        .and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok())
        .is_some_and(|v| v.get("datasets").is_some_and(|d| d.is_array()));
    let a_run = read_manifest(out).is_ok();
    let ours = |n: &String| {
        (a_study && STUDY_FILES.contains(&n.as_str()))
            || (names.contains(n) && out.join(n).join("manifest.json").exists())
            || (a_run && outputs().any(|o| o == n))
    };
    let foreign: Vec<&String> = present.iter().filter(|n| !ours(n)).collect();
    if !foreign.is_empty() {
        bail!(
            "{} holds files that are not this study's ({}); choose another --out",
            out.display(),
            foreign
                .iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    for name in present.iter().filter(|n| !names.contains(n)) {
        let path = out.join(name);
        if path.is_file() {
            std::fs::remove_file(&path).with_context(|| format!("removing {}", path.display()))?;
        }
    }
    Ok(())
}

/// What the study's report needs from a data set's summary.json.
#[derive(Deserialize)]
struct SubReport {
    summaries: Vec<SubSummary>,
}

#[derive(Deserialize)]
struct SubSummary {
    model: String,
    metric: String,
    higher_is_better: bool,
    across_seeds: SubMean,
    #[serde(default)]
    n_failed: usize,
}

#[derive(Deserialize)]
struct SubMean {
    mean: f64,
}

/// Compare the models over the data sets, per metric every data set scored.
fn compare(file: &ExperimentFile, out: &Path, names: &[String]) -> Result<Study> {
    let options = file.stats.options(None)?;
    // 1 − 0.95 printed as 0.05, not 0.050000000000000044
    let alpha = ((1.0 - options.confidence) * 1e9).round() / 1e9;
    let mut reports = Vec::new();
    let mut datasets = Vec::new();
    for name in names {
        let path = out.join(name).join("summary.json");
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("reading {}", path.display()))?;
        let report: SubReport =
            serde_json::from_str(&text).with_context(|| format!("reading {}", path.display()))?;
        let manifest = read_manifest(&out.join(name))?;
        datasets.push(StudyDataset {
            name: name.clone(),
            task: manifest.data.task.clone(),
            rows: manifest.data.rows,
            report: format!("{name}/report.html"),
        });
        reports.push(report);
    }
    let mut notes = Vec::new();
    let metrics: BTreeSet<&str> = reports[0]
        .summaries
        .iter()
        .map(|s| s.metric.as_str())
        .collect();
    let mut benchmarks = Vec::new();
    for metric in metrics {
        let of = |r: &SubReport, model: &str| {
            r.summaries
                .iter()
                .find(|s| s.metric == metric && s.model == model)
                .map(|s| (s.across_seeds.mean, s.higher_is_better))
        };
        let candidates: Vec<&str> = reports[0]
            .summaries
            .iter()
            .filter(|s| s.metric == metric)
            .map(|s| s.model.as_str())
            .collect();
        let (models, missing): (Vec<&str>, Vec<&str>) = candidates.into_iter().partition(|m| {
            reports
                .iter()
                .all(|r| of(r, m).is_some_and(|(v, _)| v.is_finite()))
        });
        if !missing.is_empty() {
            notes.push(format!(
                "{metric}: {} left out of the comparison over data sets: not scored on every data set",
                missing.join(", ")
            ));
        }
        if models.len() < 2 {
            notes.push(format!(
                "{metric}: fewer than 2 models scored on every data set; not compared"
            ));
            continue;
        }
        // a data set's score is a mean over the folds the model scored: one that fails on the
        // hardest folds ranks better there than it is
        for (r, name) in reports.iter().zip(names) {
            for s in r.summaries.iter().filter(|s| {
                s.metric == metric && s.n_failed > 0 && models.contains(&s.model.as_str())
            }) {
                notes.push(format!(
                    "{metric}: on {name}, {}'s score leaves out its {} failed score(s), so it is a mean over the folds it scored",
                    s.model, s.n_failed
                ));
            }
        }
        let higher_is_better = of(&reports[0], models[0]).is_some_and(|(_, h)| h);
        let scores: Vec<Vec<f64>> = reports
            .iter()
            .map(|r| {
                models
                    .iter()
                    .filter_map(|m| of(r, m).map(|(v, _)| v))
                    .collect()
            })
            .collect();
        let scale: Scale = seedfold::report::files::known_scale(metric);
        let signed_rank = match (file.stats.signed_rank, options.rope.given(metric)) {
            (Some(true), Some(rope)) => Some(rope),
            (Some(true), None) if scale.unitless => Some(0.01),
            (Some(true), None) => {
                notes.push(format!(
                    "{metric}: no Bayesian signed-rank test: its scale differs between data sets, so the default ROPE means nothing across them; give --rope {metric}=VALUE"
                ));
                None
            }
            _ => None,
        }
        .map(|rope| SignedRankOptions {
            rope,
            samples: SIGNED_RANK_SAMPLES,
            seed: options.bootstrap_seed,
        });
        benchmarks.push(benchmark(
            metric,
            higher_is_better,
            names.to_vec(),
            models.iter().map(|m| m.to_string()).collect(),
            scores,
            alpha,
            signed_rank.as_ref(),
        ));
    }
    Ok(Study {
        datasets,
        benchmark: benchmarks,
        notes,
    })
}

/// The study's description: its data sets, and the design as the first data set's report
/// gives it (every data set shares it).
fn study_about(out: &Path, names: &[String]) -> Result<Vec<String>> {
    let manifest = read_manifest(&out.join(&names[0]))?;
    let mut lines = vec![format!(
        "{} data sets: {}; each has its own report in its folder",
        names.len(),
        names.join(", ")
    )];
    lines.extend(about(&manifest).into_iter().skip(1));
    lines.push("Scores compared here: each model's mean over split seeds of its cross-validated score on each data set.".into());
    Ok(lines)
}
