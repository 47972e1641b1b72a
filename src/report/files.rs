//! The report folder's files beside the records: summary.json, report.md and report.html from
//! the scores, the description of a run from its manifest, hardness.csv from the predictions,
//! and the claim on a folder a summary or merge writes into. Shared by a run, `summarize` and
//! `merge`.

use crate::data::for_each_prediction;
use crate::report::{
    hard_row_lines, render_hardness, render_html, render_markdown, render_table, write_atomic,
    write_summary_json, AtomicFile, Section,
};
use crate::run::{Experiment, Manifest};
use crate::stats::{
    analyse_scores, Analysis, Hardness, Maybe, NcvInterval, Options, PermutationTest, Scale, Scores,
};
use anyhow::{anyhow, Context, Result};
use std::path::Path;

/// Take the report folder `out` for this process (its lock, released when the returned file is
/// dropped or the process ends) and make it ready for a new report: empty, or emptied of
/// seedfold's files with `overwrite`.
pub fn claim(out: &Path, overwrite: bool) -> Result<crate::report::folder::FolderLock> {
    let lock = crate::report::folder::lock(out)?;
    crate::report::folder::sweep_litter(out);
    crate::report::folder::clear_for_new_run(out, overwrite)?;
    Ok(lock)
}

/// Write a report into `out` (claimed with [`claim`]) with `write`; if it fails, the report
/// `--overwrite` was replacing is put back, so a failed summary or merge loses nothing.
pub fn replacing(out: &Path, write: impl FnOnce() -> Result<()>) -> Result<()> {
    let written = write();
    if written.is_err() {
        crate::report::folder::restore_previous(out)?;
    }
    written?;
    crate::report::folder::close_folder(out);
    Ok(())
}

/// A report file: its name and what writes its bytes.
pub type Render<'a> = (
    &'a str,
    Box<dyn FnOnce(&mut dyn std::io::Write) -> std::io::Result<()> + Send + 'a>,
);

/// Render and write `files` side by side: rendering takes a core and each write waits on the
/// disk's fsync, and no file needs another.
pub fn write_side_by_side(dir: &Path, files: Vec<Render>) -> Result<()> {
    std::thread::scope(|scope| {
        let writes: Vec<_> = files
            .into_iter()
            .map(|file| scope.spawn(move || write_rendered(dir, file)))
            .collect();
        writes.into_iter().try_for_each(|w| {
            w.join()
                .map_err(|_| anyhow!("writing the report to {} panicked", dir.display()))?
        })
    })
}

/// Write one report file into `dir` as its renderer produces it (atomically).
pub fn write_rendered(dir: &Path, (name, render): Render) -> Result<()> {
    let path = dir.join(name);
    let mut file = AtomicFile::create(&path)?;
    render(&mut file).with_context(|| format!("writing {}", path.display()))?;
    Ok(file.commit()?)
}

/// "split seeds 0–99 (100)", or the list when it is not a range.
fn describe_seeds(what: &str, seeds: &[u64]) -> String {
    match seeds {
        [] => format!("no {what}"),
        [one] => format!("{what} {one}"),
        [first, .., last] if last - first + 1 == seeds.len() as u64 => {
            format!("{what} {first}–{last} ({})", seeds.len())
        }
        _ => {
            let list: Vec<String> = seeds.iter().take(20).map(u64::to_string).collect();
            let more = if seeds.len() > 20 {
                format!(", … ({} in all)", seeds.len())
            } else {
                String::new()
            };
            format!("{what} {}{more}", list.join(", "))
        }
    }
}

/// The report's description of a run, from its manifest alone (so a merge of shards
/// describes itself exactly as the single run would).
pub fn about(manifest: &Manifest) -> Vec<String> {
    let d = &manifest.data;
    let e: &Experiment = &manifest.experiment;
    vec![
        format!(
            "Data: {} ({} rows × {} features, {}, target {})",
            d.name, d.rows, d.features, d.task, d.target
        ),
        format!(
            "Splitter: {}, {} folds per seed; {}",
            e.split.kind.name(),
            e.split.folds,
            describe_seeds("split seeds", &manifest.seeds_done)
        ),
        format!(
            "Models: {}; {}",
            e.models
                .iter()
                .cloned()
                .chain(e.tune.iter().map(|t| format!(
                    "tuned {} ({} on {} inner folds{})",
                    t.model,
                    match t.rule {
                        crate::model::TuneRule::Best => "best inner mean",
                        crate::model::TuneRule::OneSe => "one-standard-error rule",
                    },
                    t.folds,
                    t.metric
                        .as_ref()
                        .map_or(String::new(), |m| format!(", compared on {m}"))
                )))
                // "name = estimator" as the Python package describes its estimators
                .chain(e.plugged.iter().map(|p| match p.split_once(" = ") {
                    Some((name, what)) => format!("{name} (from Python: {what})"),
                    None => p.clone(),
                }))
                .collect::<Vec<_>>()
                .join(", "),
            describe_seeds("model seeds", &e.model_seeds)
        ),
    ]
    .into_iter()
    .chain(manifest.seeds_stop.clone())
    .chain([format!(
        "Preprocessing (every model): {}{}",
        if d.preprocessing.is_empty() {
            "none"
        } else {
            &d.preprocessing
        },
        if e.data.preprocess.drop.is_empty() {
            String::new()
        } else {
            format!("; columns left out: {}", e.data.preprocess.drop.join(", "))
        }
    )])
    .collect()
}

/// `hardness.csv` from the folder's `predictions.csv` (read a line at a time) over `rows` data
/// rows, and the report's section on hard rows; `None` without predictions.
pub fn hard_rows(out: &Path, rows: usize, classes: bool) -> Result<Option<Section>> {
    let path = out.join("predictions.csv");
    if !path.exists() {
        return Ok(None);
    }
    let mut hardness = Hardness::new(rows);
    let mut truth = vec![String::new(); rows];
    for_each_prediction(&path, |p| {
        if let Some(t) = truth.get_mut(p.row).filter(|t| t.is_empty()) {
            t.clone_from(&p.truth);
        }
        if classes {
            hardness.add_class(&p.model, p.row, p.prediction != p.truth);
        } else if let (Ok(predicted), Ok(actual)) =
            (p.prediction.parse::<f64>(), p.truth.parse::<f64>())
        {
            hardness.add_value(&p.model, p.row, predicted - actual);
        }
    })?;
    let found = hardness.rows();
    write_atomic(
        &out.join("hardness.csv"),
        render_hardness(&found, &truth, classes).as_bytes(),
    )?;
    let mut lines = hard_row_lines(&found, classes);
    lines.push(
        "Rows are numbered as in predictions.csv and hardness.csv (0-based data rows, after rows without a target are dropped); a run is one split seed and model seed.".into(),
    );
    Ok(Some(("Hard rows".into(), lines)))
}

/// What a run computes beside its records, per model and metric: the nested
/// cross-validation interval (`--interval ncv`) and the permutation test (`--permutations`).
#[derive(Default)]
pub struct Extras {
    /// Per model and metric, the interval.
    pub ncv: PerModel<Maybe<NcvInterval>>,
    /// Per model and metric, the test.
    pub permutation: PerModel<Maybe<PermutationTest>>,
}

/// (model, metric, value) entries.
pub type PerModel<T> = Vec<(String, String, T)>;

/// The entry of `model` on `metric` in `entries`.
fn entry<T: Clone>(entries: &[(String, String, T)], model: &str, metric: &str) -> Option<T> {
    entries
        .iter()
        .find(|(m, k, _)| m == model && k == metric)
        .map(|(.., value)| value.clone())
}

/// Analyse the scores (grouped records), write summary.json, report.md and report.html, print
/// the table; `sections` and `extras` are what the run adds beside the scores. Returns the
/// analysis the files show.
pub fn write_report(
    out: &Path,
    scores: &[Scores],
    scale: &(dyn Fn(&str) -> Scale + Sync),
    options: &Options,
    title: &str,
    about: &[String],
    (sections, extras): (&[Section], &Extras),
) -> Result<Analysis> {
    let mut analysis = analyse_scores(scores, scale, options);
    for s in &mut analysis.summaries {
        s.folds.ncv_ci = entry(&extras.ncv, &s.model, &s.metric);
        s.permutation_test = entry(&extras.permutation, &s.model, &s.metric);
    }
    let shown = &analysis;
    write_side_by_side(
        out,
        vec![
            ("summary.json", Box::new(|w| write_summary_json(shown, w))),
            (
                "report.md",
                Box::new(|w| {
                    w.write_all(render_markdown(shown, title, about, sections).as_bytes())
                }),
            ),
            (
                "report.html",
                Box::new(|w| {
                    w.write_all(render_html(shown, scores, title, about, sections).as_bytes())
                }),
            ),
        ],
    )?;
    print!("{}", render_table(shown));
    println!("report: {}", out.join("report.html").display());
    for note in &shown.notes {
        eprintln!("note: {note}");
    }
    Ok(analysis)
}

/// Direction and range of a metric seedfold knows (unknown names count as unbounded and
/// higher-is-better).
pub fn known_scale(metric: &str) -> Scale {
    metric
        .parse::<crate::metric::Metric>()
        .map_or(Scale::unknown(true), |m| m.scale())
}
