//! `seedfold merge`: shards of one experiment into the report a single run would write.

use anyhow::{bail, Result};
use clap::Args;
use seedfold::data::Task;
use seedfold::data::{record_rows, CsvRow, CsvRows, MergeSorted};
use seedfold::report::files::{about, claim, hard_rows, known_scale, replacing, write_report};
use seedfold::report::folder::{read_manifest, write_manifest};
use seedfold::report::{write_records, AtomicFile};
use seedfold::run::{file_hashes, Coverage, Manifest, RunStatus};
use seedfold::stats::ScoreBook;
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Options of `seedfold merge`.
#[derive(Debug, Args)]
pub struct MergeArgs {
    /// Report folders of the shards.
    #[arg(required = true)]
    shards: Vec<PathBuf>,
    /// Folder for the merged report; it must be empty unless --overwrite.
    #[arg(long)]
    out: PathBuf,
    /// Replace the report already in --out.
    #[arg(long)]
    overwrite: bool,
}

/// The split seed of a row of splits.csv (its first column) or predictions.csv (its second).
fn seed_of(row: &CsvRow, seed_first: bool) -> Option<u64> {
    row.fields.get(usize::from(!seed_first))?.parse().ok()
}

/// Write a per-seed CSV (`splits.csv`, `predictions.csv`) of the shards `dirs` into `out`, its
/// rows in the order of the experiment's `seeds` (the single run's order), each seed's rows
/// taken from the shard that `owner` names; a row at a time. Nothing when a shard lacks it.
fn merge_by_seed(
    dirs: &[&Path],
    owner: &BTreeMap<u64, usize>,
    seeds: &[u64],
    out: &Path,
    name: &str,
    seed_first: bool,
) -> Result<()> {
    if dirs.iter().any(|d| !d.join(name).exists()) {
        return Ok(());
    }
    let mut header = String::new();
    let mut sources = Vec::new();
    for dir in dirs {
        let file = std::fs::File::open(dir.join(name))?;
        let (first, rows) = CsvRows::with_header(std::io::BufReader::new(file))?;
        header = first.unwrap_or_default();
        sources.push(rows.peekable());
    }
    let mut file = AtomicFile::create(&out.join(name))?;
    writeln!(file, "{header}")?;
    for seed in seeds {
        let Some(&i) = owner.get(seed) else { continue };
        while let Some(Ok(row)) = sources[i].peek() {
            if seed_of(row, seed_first) != Some(*seed) {
                break;
            }
            writeln!(file, "{}", row.text)?;
            sources[i].next();
        }
    }
    for (dir, source) in dirs.iter().zip(&mut sources) {
        if let Some(row) = source.next() {
            let row = row?;
            bail!(
                "{}: line {} is not where the shard's seeds put it (its seed is not one of the shard's, or its rows are out of seed order)",
                dir.join(name).display(),
                row.line
            );
        }
    }
    file.commit()?;
    Ok(())
}

/// Check the shards belong together and cover every seed once; name what is wrong.
fn check(manifests: &[(PathBuf, Manifest)]) -> Result<Manifest> {
    let (first_dir, first) = &manifests[0];
    let mut base = first.experiment.clone();
    base.shard = None;
    let mut owner: BTreeMap<u64, &Path> = BTreeMap::new();
    for (dir, m) in manifests {
        if m.status != RunStatus::Complete {
            bail!(
                "{} is not complete; finish it with `seedfold run ... --resume` first",
                dir.display()
            );
        }
        let mut e = m.experiment.clone();
        e.shard = None;
        let differences = base.differences(&e);
        if !differences.is_empty() {
            bail!(
                "{} and {} are not shards of one experiment: they differ in {}",
                first_dir.display(),
                dir.display(),
                differences.join(", ")
            );
        }
        if m.data.sha256 != first.data.sha256 {
            bail!(
                "{} and {} used different data (sha256 {} vs {})",
                first_dir.display(),
                dir.display(),
                first.data.sha256,
                m.data.sha256
            );
        }
        for &seed in &m.seeds_done {
            if let Some(other) = owner.insert(seed, dir) {
                bail!(
                    "seed {seed} is in both {} and {}: each seed must be in one shard",
                    other.display(),
                    dir.display()
                );
            }
        }
    }
    let missing: Vec<String> = base
        .split_seeds
        .iter()
        .filter(|s| !owner.contains_key(s))
        .map(u64::to_string)
        .collect();
    if !missing.is_empty() {
        let shown: Vec<&str> = missing.iter().take(10).map(String::as_str).collect();
        bail!(
            "{} seed(s) are in no shard: {}{}; run the missing shards",
            missing.len(),
            shown.join(", "),
            if missing.len() > 10 { ", …" } else { "" }
        );
    }
    let mut merged = first.clone();
    merged.experiment = base;
    merged.seeds_done = owner.keys().copied().collect();
    // timed on one shard's seeds against that shard's spreads: not the merged run's
    merged.seed_budget = Vec::new();
    merged.split_hashes = manifests
        .iter()
        .flat_map(|(_, m)| m.split_hashes.clone())
        .collect();
    merged.started_unix = manifests
        .iter()
        .map(|(_, m)| m.started_unix)
        .min()
        .unwrap_or(0);
    merged.finished_unix = manifests.iter().filter_map(|(_, m)| m.finished_unix).max();
    merged.threads = manifests.iter().map(|(_, m)| m.threads).max().unwrap_or(0);
    Ok(merged)
}

pub fn run(args: &MergeArgs) -> Result<()> {
    let manifests: Vec<(PathBuf, Manifest)> = args
        .shards
        .iter()
        .map(|d| Ok((d.clone(), read_manifest(d)?)))
        .collect::<Result<_>>()?;
    let out = &args.out;
    if let Some(shard) = args.shards.iter().find(|s| same_folder(s, out)) {
        bail!(
            "--out {} is one of the shards being merged ({}); merge into a new folder",
            out.display(),
            shard.display()
        );
    }
    let manifest = check(&manifests)?;
    // each shard is checked on its own, then all are merged a record at a time
    for (dir, shard) in &manifests {
        let now = file_hashes(dir)?;
        if let Some(name) = shard
            .files
            .keys()
            .chain(now.keys())
            .find(|n| shard.files.get(*n) != now.get(*n))
        {
            bail!(
                "{}: {name} is not the file its manifest's SHA-256 recorded (changed, added or removed after the shard finished); run the shard again",
                dir.display()
            );
        }
        let mut coverage = Coverage::new(&shard.seeds_done, &shard.experiment.model_seeds);
        for placed in record_rows(&dir.join("records.csv"))? {
            coverage.add(&placed?.0);
        }
        let problems = coverage.problems();
        if !problems.is_empty() {
            bail!(
                "{}'s records.csv is not what its manifest says was run: {}",
                dir.display(),
                problems.join("; ")
            );
        }
    }
    let _lock = claim(out, args.overwrite)?;
    replacing(out, || merge_into(out, &args.shards, &manifests, manifest))?;
    eprintln!("merged {} shards into {}", args.shards.len(), out.display());
    Ok(())
}

/// Whether `a` and `b` name the same existing folder.
fn same_folder(a: &Path, b: &Path) -> bool {
    matches!((a.canonicalize(), b.canonicalize()), (Ok(a), Ok(b)) if a == b)
}

/// Write the merged report of the checked `manifests` (one per shard) into `out`.
fn merge_into(
    out: &Path,
    shards: &[PathBuf],
    manifests: &[(PathBuf, Manifest)],
    manifest: Manifest,
) -> Result<()> {
    // until the merge completes its folder says so: a merge stopped midway (killed, or out of
    // disk) leaves a folder seedfold knows as its own, which `merge --overwrite` replaces
    write_manifest(
        out,
        &Manifest {
            status: RunStatus::Running,
            files: Default::default(),
            experiment_sha256: String::new(),
            ..manifest.clone()
        },
    )?;
    let sources = manifests
        .iter()
        .map(|(dir, _)| record_rows(&dir.join("records.csv")))
        .collect::<seedfold::Result<Vec<_>>>()?;
    let mut book = ScoreBook::default();
    std::thread::scope(|scope| {
        write_records(scope, out, MergeSorted::new(sources), |r| book.add(r))?
            .1
            .wait()
    })?;
    let dirs: Vec<&Path> = shards.iter().map(PathBuf::as_path).collect();
    let owner: BTreeMap<u64, usize> = manifests
        .iter()
        .enumerate()
        .flat_map(|(i, (_, m))| m.seeds_done.iter().map(move |&s| (s, i)))
        .collect();
    for (name, seed_first) in [("splits.csv", true), ("predictions.csv", false)] {
        merge_by_seed(
            &dirs,
            &owner,
            &manifest.experiment.split_seeds,
            out,
            name,
            seed_first,
        )?;
    }
    let e = &manifest.experiment;
    let hard = hard_rows(
        out,
        manifest.data.rows,
        manifest.data.task == Task::Classification.to_string(),
    )?;
    write_report(
        out,
        &book.finish(),
        &known_scale,
        &e.stats,
        &manifest.data.name,
        &about(&manifest),
        // the nested interval's and permutation test's fits are not part of a shard's records
        (hard.as_slice(), &Default::default()),
    )?;
    let mut manifest = manifest;
    manifest.files = file_hashes(out)?;
    manifest.experiment_sha256 = manifest.experiment_hash();
    write_manifest(out, &manifest)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::{seed_of, CsvRows};

    #[test]
    fn seeds_are_read_after_quoted_model_names() {
        let seeds = |text: &str, seed_first| -> Vec<Option<u64>> {
            CsvRows::at(text.as_bytes(), 0, 2)
                .map(|row| seed_of(&row.unwrap(), seed_first))
                .collect()
        };
        assert_eq!(
            seeds(
                "ridge,7,0,1,2,3.5,3.1\n\"en:alpha=1,l1_ratio=0.5\",12,0,1,2,a,b\n\"a\"\"b\",3,0\n",
                false
            ),
            [Some(7), Some(12), Some(3)]
        );
        assert_eq!(seeds("5,0,17,test\n", true), [Some(5)]);
    }
}
