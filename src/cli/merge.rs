//! `seedfold merge`: shards of one experiment into the report a single run would write.

use super::report::{about, claim, hard_rows, known_scale, write, write_report};
use anyhow::{bail, Result};
use clap::Args;
use seedfold::data::Task;
use seedfold::data::{record_rows, MergeSorted};
use seedfold::report::folder::{read_manifest, write_manifest};
use seedfold::report::write_records;
use seedfold::run::{file_hashes, Coverage, Manifest, RunStatus};
use seedfold::stats::ScoreBook;
use std::collections::BTreeMap;
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

/// The split seed of a CSV line whose first fields are `model,split_seed` (model may be quoted)
/// or, with `seed_first`, `split_seed`.
fn seed_of(line: &str, seed_first: bool) -> Option<u64> {
    let rest = if seed_first {
        line
    } else if let Some(quoted) = line.strip_prefix('"') {
        let mut end = 0;
        let bytes = quoted.as_bytes();
        while end < bytes.len() {
            if bytes[end] == b'"' {
                if bytes.get(end + 1) == Some(&b'"') {
                    end += 2;
                    continue;
                }
                break;
            }
            end += 1;
        }
        quoted.get(end + 2..)?
    } else {
        line.split_once(',')?.1
    };
    rest.split(',').next()?.parse().ok()
}

/// Concatenate a per-seed CSV (`splits.csv`, `predictions.csv`) from the shards in seed order.
fn merge_by_seed(dirs: &[&Path], name: &str, seed_first: bool) -> Result<Option<Vec<u8>>> {
    let mut header = None;
    let mut by_seed: BTreeMap<u64, Vec<String>> = BTreeMap::new();
    for dir in dirs {
        let path = dir.join(name);
        if !path.exists() {
            return Ok(None);
        }
        let text = std::fs::read_to_string(&path)?;
        let mut lines = text.lines();
        header = lines.next().map(str::to_string);
        for line in lines {
            let Some(seed) = seed_of(line, seed_first) else {
                bail!("{}: cannot read the seed of line '{line}'", path.display())
            };
            by_seed.entry(seed).or_default().push(line.to_string());
        }
    }
    let mut out = header.unwrap_or_default() + "\n";
    for line in by_seed.values().flatten() {
        out += line;
        out.push('\n');
    }
    Ok(Some(out.into_bytes()))
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
    let manifest = check(&manifests)?;
    // each shard is checked on its own, then all are merged a record at a time
    for (dir, shard) in &manifests {
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
    let out = &args.out;
    let _lock = claim(out, args.overwrite)?;
    let sources = manifests
        .iter()
        .map(|(dir, _)| record_rows(&dir.join("records.csv")))
        .collect::<seedfold::Result<Vec<_>>>()?;
    let mut book = ScoreBook::default();
    write_records(out, MergeSorted::new(sources), |r| book.add(r))?;
    let dirs: Vec<&Path> = args.shards.iter().map(PathBuf::as_path).collect();
    for (name, seed_first) in [("splits.csv", true), ("predictions.csv", false)] {
        if let Some(bytes) = merge_by_seed(&dirs, name, seed_first)? {
            write(out, name, &bytes)?;
        }
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
        hard.as_slice(),
    )?;
    let mut manifest = manifest;
    manifest.files = file_hashes(out)?;
    write_manifest(out, &manifest)?;
    seedfold::report::folder::close_folder(out);
    eprintln!("merged {} shards into {}", args.shards.len(), out.display());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::seed_of;

    #[test]
    fn seeds_are_read_after_quoted_model_names() {
        assert_eq!(seed_of("ridge,7,0,1,2,3.5,3.1", false), Some(7));
        assert_eq!(
            seed_of("\"en:alpha=1,l1_ratio=0.5\",12,0,1,2,a,b", false),
            Some(12)
        );
        assert_eq!(seed_of("\"a\"\"b\",3,0", false), Some(3));
        assert_eq!(seed_of("5,0,17,test", true), Some(5));
    }
}
