//! `manifest.json`: what a report folder was made from — configuration, data hash, a hash of
//! every seed's split — so that `seedfold verify` can re-derive and check it.

use super::experiment::Experiment;
use crate::data::{source_reader, DataSource, DataSpec, Table};
use crate::split::Fold;
use crate::{Error, Result};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

/// The data a run used, described and fingerprinted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DataSummary {
    /// Short name (built-in name or file stem).
    pub name: String,
    /// Rows.
    pub rows: usize,
    /// Feature columns.
    pub features: usize,
    /// Task.
    pub task: String,
    /// Target column.
    pub target: String,
    /// SHA-256 of the source bytes (the file, or the built-in CSV).
    pub sha256: String,
    /// What every model's folds go through before fitting, in words.
    #[serde(default)]
    pub preprocessing: String,
}

impl DataSummary {
    /// Describe `table`, read from the data `spec` describes.
    pub fn new(table: &Table, spec: &DataSpec) -> Result<DataSummary> {
        Ok(DataSummary {
            name: table.name.clone(),
            rows: table.n_rows(),
            features: table.x.ncols(),
            task: table.y.task().to_string(),
            target: table.target_name.clone(),
            sha256: match &table.source_sha256 {
                Some(sha256) => sha256.clone(),
                None => source_sha256(spec)?,
            },
            preprocessing: (!table.left_out.is_empty())
                .then(|| {
                    format!(
                        "constant text column(s) left out: {}",
                        table.left_out.join(", ")
                    )
                })
                .into_iter()
                .chain(Some(table.steps.describe(&table.kinds)).filter(|s| !s.is_empty()))
                .collect::<Vec<_>>()
                .join("; "),
        })
    }
}

/// SHA-256 (lowercase hex) of the bytes the data comes from, read as a stream.
pub fn source_sha256(spec: &DataSpec) -> Result<String> {
    if let DataSource::Arrays { sha256, .. } = &spec.source {
        return Ok(sha256.clone());
    }
    let mut hasher = Sha256::new();
    std::io::copy(&mut source_reader(spec)?, &mut hasher).map_err(|e| Error::Read {
        path: match &spec.source {
            DataSource::File(path) => path.clone(),
            DataSource::Builtin(name) | DataSource::Arrays { name, .. } => name.into(),
        },
        reason: e.to_string(),
    })?;
    Ok(hex(&hasher.finalize()))
}

/// The report files a finished folder can hold (all but `manifest.json`), in the order
/// `manifest.json` lists their hashes.
pub const REPORT_FILES: [&str; 8] = [
    "records.csv",
    "records.parquet",
    "summary.json",
    "report.md",
    "report.html",
    "splits.csv",
    "predictions.csv",
    "hardness.csv",
];

/// SHA-256 (lowercase hex) of every [`REPORT_FILES`] file present in `dir`, streamed.
pub fn file_hashes(dir: &std::path::Path) -> Result<BTreeMap<String, String>> {
    let mut hashes = BTreeMap::new();
    for name in REPORT_FILES {
        let path = dir.join(name);
        let Ok(mut file) = std::fs::File::open(&path) else {
            continue;
        };
        let mut hasher = Sha256::new();
        std::io::copy(&mut file, &mut hasher).map_err(|e| Error::Read {
            path: path.clone(),
            reason: e.to_string(),
        })?;
        hashes.insert(name.to_string(), hex(&hasher.finalize()));
    }
    Ok(hashes)
}

/// Whether the run finished.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RunStatus {
    /// Interrupted or still going; `--resume` finishes it.
    Running,
    /// Every seed done and every file written.
    Complete,
}

/// The manifest of one report folder.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    /// seedfold's version.
    pub seedfold_version: String,
    /// Running or complete.
    pub status: RunStatus,
    /// The resolved configuration.
    pub experiment: Experiment,
    /// The data used.
    pub data: DataSummary,
    /// SHA-256 of each done split seed's folds (see [`split_hash`]).
    pub split_hashes: BTreeMap<u64, String>,
    /// Split seeds whose records are complete, ascending.
    pub seeds_done: Vec<u64>,
    /// Start time, seconds since the Unix epoch.
    pub started_unix: u64,
    /// End time, once complete.
    pub finished_unix: Option<u64>,
    /// Worker threads used (results do not depend on it).
    pub threads: usize,
    /// Why `--seeds auto` stopped where it did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seeds_stop: Option<String>,
    /// For random models run under several model seeds: the model seeds per split seed that
    /// make the narrowest interval for the compute, from this run's timings (so here, not in
    /// the reproducible report).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub seed_budget: Vec<BudgetAdvice>,
    /// SHA-256 of every file of the finished report folder but this one, by name.
    #[serde(default)]
    pub files: BTreeMap<String, String>,
    /// SHA-256 of the `experiment` section as the finished run wrote it
    /// ([`Manifest::experiment_hash`]), so `verify` notices an edit of it.
    #[serde(default)]
    pub experiment_sha256: String,
}

/// The model seeds per split seed that make the narrowest interval for the compute, for one
/// model and metric ([`crate::stats::model_seeds_for`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BudgetAdvice {
    /// The model.
    pub model: String,
    /// The metric.
    pub metric: String,
    /// Seconds of one split seed's shared work (drawing and gathering its folds' rows),
    /// measured on the split seeds this process ran.
    pub split_seconds: f64,
    /// Seconds of one model seed's fits of one split seed.
    pub model_seconds: f64,
    /// M* before rounding.
    pub optimum: f64,
    /// M*, rounded within 1 … 100.
    pub model_seeds_per_split_seed: usize,
}

impl Manifest {
    /// SHA-256 of the `experiment` section's compact JSON (its maps are ordered and numbers
    /// round-trip exactly, so reading and writing the manifest keeps it).
    pub fn experiment_hash(&self) -> String {
        let text = serde_json::to_string(&self.experiment).unwrap_or_default();
        hex(&Sha256::digest(text.as_bytes()))
    }
}

fn hex(digest: &[u8]) -> String {
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// SHA-256 of a seed's folds: for each fold in order, its number of rows n as little-endian
/// u64, then a bitmap of its test rows and one of its train rows (bit r of byte r/8 set when
/// row r is in the set). `n_rows` is the data set's row count.
pub fn split_hash(folds: &[Fold], n_rows: usize) -> String {
    let mut hasher = Sha256::new();
    let mut words = vec![0u64; n_rows.div_ceil(64)];
    let mut bitmap = vec![0u8; words.len() * 8];
    for fold in folds {
        hasher.update((n_rows as u64).to_le_bytes());
        for rows in [&fold.test, &fold.train] {
            set_bits(&mut words, rows);
            for (bytes, word) in bitmap.chunks_exact_mut(8).zip(&words) {
                bytes.copy_from_slice(&word.to_le_bytes());
            }
            hasher.update(&bitmap[..n_rows.div_ceil(8)]);
        }
    }
    hex(&hasher.finalize())
}

/// `words` (cleared first) with bit r % 64 of word r / 64 set for each of `rows`: a word's bits
/// gathered in a register while the rows stay within it, so ascending rows (as splitters list
/// them) store a word at a time instead of a bit at a time.
fn set_bits(words: &mut [u64], rows: &[usize]) {
    words.fill(0);
    let Some(&first) = rows.first() else {
        return;
    };
    let (mut at, mut bits) = (first / 64, 0u64);
    for &r in rows {
        if r / 64 != at {
            words[at] |= bits;
            (at, bits) = (r / 64, 0);
        }
        bits |= 1 << (r % 64);
    }
    words[at] |= bits;
}

/// Seconds since the Unix epoch, now.
pub fn now_unix() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A split hash pinned to the value its definition gives, computed apart from seedfold
    /// (Python's hashlib, bitmaps built a row at a time): the manifest's hashes of earlier
    /// runs must keep verifying.
    #[test]
    fn split_hashes_follow_their_definition() {
        let folds = [
            Fold {
                test: vec![1, 4, 7],
                train: vec![9, 8, 6, 5, 3, 2, 0],
            },
            Fold {
                test: Vec::new(),
                train: vec![0, 2, 4, 6, 8],
            },
        ];
        assert_eq!(
            split_hash(&folds, 10),
            "942cbc76142f255b2086731a3330bbd0a487336e1eac1da7eb0c98c52ab671bd"
        );
        // 150 rows over three words, ascending and descending (the same bits, in Python too)
        let n = 150;
        let folds = [
            Fold {
                test: (0..n).filter(|r| r % 3 == 0).collect(),
                train: (0..n).filter(|r| r % 3 != 0).collect(),
            },
            Fold {
                test: (0..n).filter(|r| r % 5 == 1).collect(),
                train: (0..n).rev().filter(|&r| r % 5 != 1 && r != 77).collect(),
            },
        ];
        assert_eq!(
            split_hash(&folds, n),
            "ce0a44d935bd7ce20e9e7491365eb2a06785416ecbd1881cb64025d25a105072"
        );
    }

    #[test]
    fn bitmaps_hold_the_bits_of_rows_in_any_order() {
        use crate::rng::{below, stream, Purpose};
        let mut rng = stream(7, Purpose::Split);
        for len in [0, 1, 63, 64, 65, 300] {
            let mut rows: Vec<usize> = (0..len).map(|_| below(&mut rng, 200) as usize).collect();
            for ascending in [false, true] {
                if ascending {
                    rows.sort_unstable();
                }
                let mut words = vec![u64::MAX; 4];
                set_bits(&mut words, &rows);
                let mut want = [0u64; 4];
                for &r in &rows {
                    want[r / 64] |= 1 << (r % 64);
                }
                assert_eq!(words, want, "{len} rows, ascending {ascending}");
            }
        }
    }
}
