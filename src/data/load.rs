//! Reading CSV and Parquet files (or a built-in data set) into a [`Table`].

use super::columns::Feature;
use super::{builtin, columns, cut_short, numeric_csv, Builtin, Table, Target, Task};
use crate::preprocess::{Impute, Preprocess};
use crate::{Error, Result};
use ndarray::Array2;
use polars::prelude::*;
use rayon::prelude::*;
use sha2::Digest;
use std::io::Cursor;
use std::path::{Path, PathBuf};

/// Where the data comes from.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DataSource {
    /// A data set compiled into seedfold, by name.
    Builtin(String),
    /// A `.csv` or `.parquet` file.
    File(PathBuf),
    /// Arrays handed over in memory (from Python), with the caller's name for them and their
    /// [`Table::sha256`](crate::data::Table::sha256).
    Arrays {
        /// The name reports give the data.
        name: String,
        /// The arrays' fingerprint.
        sha256: String,
    },
}

/// What to read and which columns play which role.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct DataSpec {
    /// The file or built-in data set.
    pub source: DataSource,
    /// Target column; default: the last column.
    pub target: Option<String>,
    /// Feature columns; default: every column but the target and groups.
    pub features: Option<Vec<String>>,
    /// Column whose values keep rows together in group splitters.
    pub groups: Option<String>,
    /// Task; default: the built-in's task, else inferred from the target's type.
    pub task: Option<Task>,
    /// Columns left out or read as categories, missing-cell markers, in-fold steps.
    #[serde(default)]
    pub preprocess: Preprocess,
}

impl DataSpec {
    /// The built-in data set `name` with its default columns.
    pub fn builtin(name: &str) -> Self {
        DataSpec {
            source: DataSource::Builtin(name.to_string()),
            target: None,
            features: None,
            groups: None,
            task: None,
            preprocess: Preprocess::default(),
        }
    }
}

/// A table plus hints for the user (e.g. how the task was chosen), which the caller may print.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// The data.
    pub table: Table,
    /// Advice worth showing on stderr; never an error.
    pub hints: Vec<String>,
}

/// Read the data `spec` describes and check it is usable.
pub fn load(spec: &DataSpec) -> Result<Loaded> {
    let na = spec.preprocess.na_values();
    let (frame, builtin) = match &spec.source {
        DataSource::Builtin(name) => {
            let b = builtin(name)?;
            (read_csv_bytes(b.csv, Path::new(name), &na)?, Some(b))
        }
        DataSource::File(path) => {
            let mut read = FileRead::default();
            let frame = guarded(path, || {
                cut_short::guarded_read(path, || read_file(path, &na, spec, &mut read))
            })?;
            // a Parquet column left out with --drop was never read
            let mut spec = spec.clone();
            spec.preprocess
                .drop
                .retain(|d| frame.get_column_names().iter().any(|c| c.as_str() == d));
            let mut loaded = from_frame(&frame, &spec, spec.source.name(), None)?;
            loaded.hints.extend(read.hint);
            loaded.table.source_sha256 = read.sha256;
            return Ok(loaded);
        }
        DataSource::Arrays { name, .. } => return Err(arrays_not_readable(name)),
    };
    from_frame(&frame, spec, spec.source.name(), builtin)
}

impl DataSource {
    /// The data's short name: the built-in's name or the file's stem.
    pub fn name(&self) -> String {
        match self {
            DataSource::Builtin(name) | DataSource::Arrays { name, .. } => name.clone(),
            DataSource::File(path) => path
                .file_stem()
                .map_or("data".into(), |s| s.to_string_lossy().into()),
        }
    }
}

/// The bytes the data comes from (the file, or the built-in CSV) as a stream, for
/// fingerprinting without holding a large file whole.
pub fn source_reader(spec: &DataSpec) -> Result<Box<dyn std::io::Read>> {
    match &spec.source {
        DataSource::Builtin(name) => Ok(Box::new(builtin(name)?.csv.as_bytes())),
        DataSource::Arrays { name, .. } => Err(arrays_not_readable(name)),
        DataSource::File(path) => Ok(Box::new(std::fs::File::open(path).map_err(|e| {
            Error::Read {
                path: path.clone(),
                reason: e.to_string(),
            }
        })?)),
    }
}

/// Why arrays handed over in memory cannot be read again from their description.
fn arrays_not_readable(name: &str) -> Error {
    Error::Config(format!(
        "the data {name} was handed over as arrays in memory (from Python), so seedfold cannot read it again; pass the same arrays from Python"
    ))
}

/// Read with `read`, a panic inside the reader (polars panics on some malformed files) being
/// a malformed-file error naming the file.
fn guarded(path: &Path, read: impl FnOnce() -> Result<DataFrame>) -> Result<DataFrame> {
    crate::panic::caught_in_any_thread(read).unwrap_or_else(|text| {
        Err(Error::Malformed {
            path: path.to_path_buf(),
            format: "data",
            reason: format!(
                "the reader gave up ({text}); check its quoting (an unclosed \") and that every row has the header's columns"
            ),
        })
    })
}

/// The file's table, and a hint when it was read other than as plain comma-separated values.
/// What reading a file gives besides its frame.
#[derive(Default)]
struct FileRead {
    /// Advice on how it was read (e.g. the separator found).
    hint: Option<String>,
    /// The fingerprint of the bytes parsed (CSV files).
    sha256: Option<String>,
}

/// Bytes looked at to tell how a CSV file separates its fields and lines.
const SNIFF_BYTES: usize = 1 << 16;

/// The field separator of the CSV file at `path`, from its first line: a comma, or a tab or
/// semicolon when the header has those and no comma (then with a hint saying so). A file whose
/// lines end in a lone carriage return is refused by name: read as one line, it would look
/// like a header of repeated names.
fn sniff(path: &Path, hint: &mut Option<String>) -> Result<u8> {
    use std::io::Read;
    let mut head = Vec::with_capacity(SNIFF_BYTES);
    std::fs::File::open(path)
        .and_then(|f| f.take(SNIFF_BYTES as u64).read_to_end(&mut head))
        .map_err(|e| Error::Read {
            path: path.to_path_buf(),
            reason: e.to_string(),
        })?;
    if head.contains(&b'\r') && !head.contains(&b'\n') {
        return Err(Error::Malformed {
            path: path.to_path_buf(),
            format: "CSV",
            reason: "its lines end in a carriage return alone (CR, as in old Mac files), so it reads as one line; save it with LF or CRLF line endings (e.g. tr '\\r' '\\n' < FILE > FIXED.csv)".into(),
        });
    }
    let header = head.split(|&b| b == b'\n').next().unwrap_or(&[]);
    let count = |c: u8| header.iter().filter(|&&b| b == c).count();
    let (separator, name) = match (count(b','), count(b'\t'), count(b';')) {
        (0, tabs, semicolons) if tabs > 0 && tabs >= semicolons => (b'\t', "tab"),
        (0, _, semicolons) if semicolons > 0 => (b';', "semicolon"),
        _ => return Ok(b','),
    };
    *hint = Some(format!(
        "{} is read as {name}-separated: its header has {name}s and no commas",
        path.display()
    ));
    Ok(separator)
}

fn read_file(
    path: &Path,
    na: &[String],
    spec: &DataSpec,
    read: &mut FileRead,
) -> Result<DataFrame> {
    let meta = std::fs::metadata(path).map_err(|e| Error::Read {
        path: path.to_path_buf(),
        reason: e.to_string(),
    })?;
    if !meta.is_file() {
        return Err(Error::Read {
            path: path.to_path_buf(),
            reason: if meta.is_dir() {
                "it is a folder, not a data file; give the path of a CSV or Parquet file".into()
            } else {
                "it is not a regular file (a device or pipe); give the path of a CSV or Parquet file".into()
            },
        });
    }
    let is_parquet = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("parquet"));
    let file = std::fs::File::open(path).map_err(|e| Error::Read {
        path: path.to_path_buf(),
        reason: e.to_string(),
    })?;
    if is_parquet {
        let mut reader = ParquetReader::new(file);
        let columns = parquet_columns(path, &mut reader, spec)?;
        reader
            .with_columns(Some(columns))
            .finish()
            .map_err(|e| Error::Malformed {
                path: path.to_path_buf(),
                format: "Parquet",
                reason: e.to_string(),
            })
    } else {
        let separator = sniff(path, &mut read.hint)?;
        // the file's pages mapped as they are, not copied into fresh memory (whose first touch
        // cost an 80 MB file 90 ms); polars reads CSV files mapped the same way
        // SAFETY: the map is only read, and dropped before this returns. Like polars' own
        // reader, it cannot stop another process truncating the file meanwhile; the bus error
        // that follows is reported as the file cut short (`cut_short`, around this read).
        let bytes = unsafe { memmap2::Mmap::map(&file) }.map_err(|e| Error::Read {
            path: path.to_path_buf(),
            reason: e.to_string(),
        })?;
        // the fingerprint on one thread while the numbers are parsed on the others
        let (sha256, fast) = rayon::join(
            || format!("{:x}", sha2::Sha256::digest(&bytes)),
            || na_is_never_a_number(na).then(|| numeric_csv::read(&bytes, separator)),
        );
        read.sha256 = Some(sha256);
        if let Some(Some(frame)) = fast {
            return Ok(frame);
        }
        drop(bytes);
        // infer types from the first rows (fast); if a later row breaks them, read again
        // inferring from every row, so the stray value gets a precise error
        let sampled = csv_options(na, separator)
            .with_infer_schema_length(Some(SCHEMA_SAMPLE_ROWS))
            .into_reader_with_file_handle(file)
            .finish();
        sampled.or_else(|_| {
            // whole numbers beyond 64 bits are read as real numbers, column by column
            let mut wide: Vec<Field> = Vec::new();
            loop {
                let file = std::fs::File::open(path).map_err(|e| Error::Read {
                    path: path.to_path_buf(),
                    reason: e.to_string(),
                })?;
                let read = csv_options(na, separator)
                    .with_schema_overwrite(
                        (!wide.is_empty()).then(|| Arc::new(Schema::from_iter(wide.clone()))),
                    )
                    .into_reader_with_file_handle(file)
                    .finish();
                match read {
                    Ok(frame) => return Ok(frame),
                    Err(e) => match too_wide_integers(&e.to_string()) {
                        Some(column) if !wide.iter().any(|f| f.name() == column) => {
                            wide.push(Field::new(column.into(), DataType::Float64))
                        }
                        _ => return Err(malformed_csv(path, separator, e)),
                    },
                }
            }
        })
    }
}

/// The columns of a Parquet file the data spec uses (all but `--drop`, or the features, target
/// and groups it names), so a column left out is never decoded; a used column of a type that
/// is not numbers or text (a timestamp, decimal, struct, half float, list) is refused by name.
fn parquet_columns(
    path: &Path,
    reader: &mut ParquetReader<std::fs::File>,
    spec: &DataSpec,
) -> Result<Vec<String>> {
    let schema = reader.schema().map_err(|e| Error::Malformed {
        path: path.to_path_buf(),
        format: "Parquet",
        reason: e.to_string(),
    })?;
    let names: Vec<String> = schema.iter_names().map(|n| n.to_string()).collect();
    let named = |n: &String| {
        spec.target.as_ref() == Some(n)
            || spec.groups.as_ref() == Some(n)
            || spec.features.as_ref().is_none_or(|f| f.contains(n))
    };
    if let Some(unknown) = spec.preprocess.drop.iter().find(|d| !names.contains(d)) {
        return Err(Error::MissingColumn {
            column: unknown.clone(),
            role: "--drop",
            available: names.join(", "),
        });
    }
    let used: Vec<String> = names
        .iter()
        .filter(|n| !spec.preprocess.drop.contains(n))
        .filter(|n| named(n) || spec.target.is_none() && names.last() == Some(*n))
        .cloned()
        .collect();
    let unreadable: Vec<String> = schema
        .iter()
        .filter(|(name, _)| used.iter().any(|u| u == name.as_str()))
        .filter_map(|(name, field)| {
            use polars::prelude::ArrowDataType as A;
            let readable = matches!(
                field.dtype(),
                A::Boolean
                    | A::Int8
                    | A::Int16
                    | A::Int32
                    | A::Int64
                    | A::UInt8
                    | A::UInt16
                    | A::UInt32
                    | A::UInt64
                    | A::Float32
                    | A::Float64
                    | A::Utf8
                    | A::LargeUtf8
                    | A::Utf8View
                    | A::Null
                    | A::Dictionary(..)
            );
            (!readable).then(|| format!("'{name}' ({:?})", field.dtype()))
        })
        .collect();
    if !unreadable.is_empty() {
        let names: Vec<&str> = unreadable
            .iter()
            .map(|u| u.split('\'').nth(1).unwrap_or(""))
            .collect();
        return Err(Error::Malformed {
            path: path.to_path_buf(),
            format: "Parquet",
            reason: format!(
                "column(s) {} hold neither numbers nor text (dates, decimals, half floats and nested values are not read); leave them out with --drop {}, or store them as floats",
                unreadable.join(", "),
                names.join(",")
            ),
        });
    }
    Ok(used)
}

/// The column polars failed to read as 64-bit integers (a whole number too large for them).
fn too_wide_integers(error: &str) -> Option<&str> {
    if !error.contains("as dtype `i64`") {
        return None;
    }
    let start = error.find("at column '")? + "at column '".len();
    let end = start + error[start..].find('\'')?;
    Some(&error[start..end])
}

/// The first line (1-based) of the file at `path` with a quote inside a field that does not
/// start with one: such a quote opens a quoted field that swallows the lines after it.
fn stray_quote_line(path: &Path, separator: u8) -> Option<usize> {
    use std::io::BufRead;
    let file = std::io::BufReader::new(std::fs::File::open(path).ok()?);
    file.split(b'\n').enumerate().find_map(|(i, line)| {
        let line = line.ok()?;
        line.split(|&b| b == separator)
            .any(|field| {
                let field = field.trim_ascii();
                field.contains(&b'"') && !field.starts_with(b"\"")
            })
            .then_some(i + 1)
    })
}

/// Rows read to infer column types before parsing the whole file.
const SCHEMA_SAMPLE_ROWS: usize = 10_000;

fn read_csv_bytes(text: &'static str, path: &Path, na: &[String]) -> Result<DataFrame> {
    if na_is_never_a_number(na) {
        if let Some(frame) = numeric_csv::read(text.as_bytes(), b',') {
            return Ok(frame);
        }
    }
    csv_options(na, b',')
        .into_reader_with_file_handle(Cursor::new(text.as_bytes()))
        .finish()
        .map_err(|e| malformed_csv(path, b',', e))
}

/// Whether no missing-cell marker reads as a number, so a file of numbers has no missing cell
/// and [`numeric_csv`] may read it.
fn na_is_never_a_number(na: &[String]) -> bool {
    na.iter()
        .all(|v| numeric_csv::read(format!("a\n{v}\n").as_bytes(), b',').is_none())
}

/// Header row required; `na` cells read as missing; types inferred from every row, so a stray
/// text value anywhere makes the column text and gets a precise error instead of a parser
/// failure.
fn csv_options(na: &[String], separator: u8) -> CsvReadOptions {
    let na = NullValues::AllColumns(na.iter().map(|v| v.as_str().into()).collect());
    CsvReadOptions::default()
        .with_has_header(true)
        .with_infer_schema_length(None)
        .with_rechunk(false)
        .map_parse_options(|o| {
            o.with_null_values(Some(na.clone()))
                .with_separator(separator)
        })
}

fn malformed_csv(path: &Path, separator: u8, e: PolarsError) -> Error {
    // polars' own advice names options of its API, which seedfold users cannot set
    let full = e.to_string();
    let first = full.lines().next().unwrap_or("").trim();
    let reason = if first.contains("more fields than defined") {
        "a row has more fields than the header; check that row's commas and quotes".to_string()
    } else if first.contains("rows, actual") {
        let line =
            stray_quote_line(path, separator).map_or(String::new(), |l| format!(" (line {l})"));
        format!(
            "a quote (\") inside a field that is not quoted as a whole{line} runs the lines after it into one field; quote the whole field and double the quote inside it (\"x\"\"y\"), or remove it"
        )
    } else {
        first.to_string()
    };
    if reason.to_lowercase().contains("empty") {
        return Error::Empty {
            what: format!("{} has no header or rows", path.display()),
        };
    }
    Error::Malformed {
        path: path.to_path_buf(),
        format: "CSV",
        reason,
    }
}

fn column<'a>(frame: &'a DataFrame, name: &str, role: &'static str) -> Result<&'a Column> {
    frame.column(name).map_err(|_| Error::MissingColumn {
        column: name.to_string(),
        role,
        available: frame
            .get_column_names()
            .iter()
            .map(|c| c.as_str())
            .collect::<Vec<_>>()
            .join(", "),
    })
}

fn from_frame(
    frame: &DataFrame,
    spec: &DataSpec,
    name: String,
    builtin: Option<&Builtin>,
) -> Result<Loaded> {
    let mut hints = Vec::new();
    let p = &spec.preprocess;
    let all: Vec<String> = frame
        .get_column_names()
        .iter()
        .map(|c| c.to_string())
        .collect();
    let default_target = builtin.and_then(|b| b.target).map(str::to_string);
    let target_name = match spec.target.clone().or(default_target.clone()) {
        Some(t) => t,
        None => {
            let last = all.last().cloned().ok_or_else(|| Error::Empty {
                what: "no columns".into(),
            })?;
            if builtin.is_none() {
                hints.push(format!(
                    "using the last column '{last}' as the target; pass --target to choose another"
                ));
            }
            last
        }
    };
    // a built-in's task belongs to its own target
    let builtin_task = builtin
        .filter(|b| {
            b.target
                .map_or(&target_name == all.last().unwrap_or(&target_name), |t| {
                    t == target_name
                })
        })
        .map(|b| b.task);
    // polars renames a repeated header name to NAME_duplicated_N: which copy is meant would be
    // a guess, and a second copy of the target would leak it into the features
    let repeated: Vec<&str> = all
        .iter()
        .filter_map(|c| c.rsplit_once("_duplicated_"))
        .filter(|(base, n)| n.parse::<usize>().is_ok() && all.iter().any(|c| c == base))
        .map(|(base, _)| base)
        .collect();
    if !repeated.is_empty() {
        return Err(Error::Config(format!(
            "the header names column(s) {} more than once; rename the copies so every column has its own name",
            repeated.join(", ")
        )));
    }
    column(frame, &target_name, "target")?;
    if let Some(g) = &spec.groups {
        column(frame, g, "groups")?;
    }
    for c in &p.drop {
        column(frame, c, "--drop")?;
    }
    for c in &p.categorical {
        column(frame, c, "--categorical")?;
    }
    let feature_names: Vec<String> = match &spec.features {
        Some(f) => f.clone(),
        None => all
            .iter()
            .filter(|c| **c != target_name && Some(*c) != spec.groups.as_ref())
            .cloned()
            .collect(),
    }
    .into_iter()
    .filter(|c| !p.drop.contains(c))
    .collect();
    if feature_names.is_empty() {
        return Err(Error::Empty {
            what: "no feature columns".into(),
        });
    }
    for (role, name) in [
        ("target", Some(&target_name)),
        ("groups", spec.groups.as_ref()),
    ] {
        if let Some(name) = name.filter(|n| feature_names.contains(n)) {
            return Err(Error::Config(format!(
                "column '{name}' is the {role} and also a feature: the model would see the answer; remove it from --features"
            )));
        }
    }
    if let Some(twice) = feature_names
        .iter()
        .enumerate()
        .find(|(i, f)| feature_names[..*i].contains(f))
    {
        return Err(Error::Config(format!(
            "feature '{}' is listed twice in --features",
            twice.1
        )));
    }
    let kept = kept_rows(frame, spec, &target_name, &feature_names, &mut hints)?;
    let filtered;
    let frame = if kept.len() == frame.height() {
        frame
    } else {
        let mut mask = vec![false; frame.height()];
        kept.iter().for_each(|&r| mask[r] = true);
        filtered = frame
            .filter(&BooleanChunked::from_slice("kept".into(), &mask))
            .map_err(|e| Error::Config(e.to_string()))?;
        &filtered
    };
    if frame.height() < 2 {
        return Err(Error::Empty {
            what: format!("{} data row(s)", frame.height()),
        });
    }
    let target = column(frame, &target_name, "target")?;
    let task = match spec.task.or(builtin_task) {
        Some(task) => task,
        None => infer_task(target.dtype(), &target_name, &mut hints),
    };
    let y = match task {
        Task::Classification => columns::class_target(target)?,
        Task::Regression => {
            Target::Regression(columns::cells(&columns::numeric(target)?).collect())
        }
    };
    let mut kinds = Vec::with_capacity(feature_names.len());
    let mut columns = Vec::with_capacity(feature_names.len());
    let (mut kept_names, mut left_out, mut identifiers) = (Vec::new(), Vec::new(), Vec::new());
    // converted and checked side by side; the first failing column in order is the one reported
    let converted: Vec<Result<Feature>> = feature_names
        .par_iter()
        .map(|f| {
            let feature =
                columns::feature(column(frame, f, "feature")?, p.categorical.contains(f))?;
            // without imputation a missing cell is an error
            if let (Feature::Kept(values, kind), None) = (&feature, &p.steps.impute) {
                if let Some((first, count)) = first_missing(values) {
                    return Err(Error::Missing {
                        column: f.clone(),
                        count,
                        first_row: kept[first],
                        text: matches!(kind, crate::preprocess::FeatureKind::Categorical(_)),
                    });
                }
            }
            Ok(feature)
        })
        .collect();
    for (f, feature) in feature_names.iter().zip(converted) {
        let (values, kind) = match feature? {
            Feature::Kept(values, kind) => (values, kind),
            Feature::Constant(text) => {
                left_out.push(format!("{f} (always '{text}')"));
                continue;
            }
            Feature::Identifier => {
                identifiers.push(f.as_str());
                continue;
            }
        };
        kept_names.push(f.clone());
        kinds.push(kind);
        columns.push(values);
    }
    if !identifiers.is_empty() {
        return Err(Error::Config(format!(
            "column(s) '{}' hold a different text in every row, like identifiers: one-hot encoded they would add a column per row that says nothing about new rows; leave them out with --drop {}",
            identifiers.join("', '"),
            identifiers.join(",")
        )));
    }
    if !left_out.is_empty() {
        hints.push(format!(
            "left out {} text column(s) that hold one value in every row, so they cannot tell rows apart: {}",
            left_out.len(),
            left_out.join(", ")
        ));
    }
    if kept_names.is_empty() {
        return Err(Error::Config(format!(
            "no feature column is left: every one holds a single value ({}); choose other --features",
            left_out.join(", ")
        )));
    }
    let feature_names = kept_names;
    let (n, d) = (frame.height(), columns.len());
    let values = row_major(&columns, n);
    drop(columns);
    let x = Array2::from_shape_vec((n, d), values).map_err(|e| Error::Config(e.to_string()))?;
    let groups = match &spec.groups {
        Some(g) => Some(columns::index_labels(column(frame, g, "groups")?)?.0),
        None => None,
    };
    let table = Table {
        name,
        x,
        y,
        groups,
        feature_names,
        kinds,
        target_name,
        steps: p.steps,
        left_out,
        source_sha256: None,
    };
    Ok(Loaded { table, hints })
}

/// Rows per block of [`row_major`]: a block's rows (a few hundred KB at most for a few dozen
/// columns) stay in the core's cache while each column writes its cells into them.
const TRANSPOSE_ROWS: usize = 512;

/// `columns` (each `n` long) side by side as one row-major `n × d` matrix, a block of rows at a
/// time on the worker threads: cell by cell it would stride through memory for every row.
fn row_major(columns: &[Float64Chunked], n: usize) -> Vec<f64> {
    let d = columns.len();
    // each column's chunks with the row each starts at
    let chunks: Vec<Vec<(usize, &[f64])>> = columns
        .iter()
        .map(|column| {
            let mut start = 0;
            column
                .downcast_iter()
                .map(|chunk| {
                    let at = start;
                    start += chunk.len();
                    (at, chunk.values().as_slice())
                })
                .collect()
        })
        .collect();
    let mut values = vec![0.0; n * d];
    values
        .par_chunks_mut(TRANSPOSE_ROWS * d)
        .enumerate()
        .for_each(|(block, cells)| {
            let first = block * TRANSPOSE_ROWS;
            for (c, column) in chunks.iter().enumerate() {
                let k = column.partition_point(|(start, _)| *start <= first) - 1;
                let from = column[k..]
                    .iter()
                    .enumerate()
                    .flat_map(
                        |(i, &(start, part))| if i == 0 { &part[first - start..] } else { part },
                    );
                for (row, &v) in cells.chunks_exact_mut(d).zip(from) {
                    row[c] = v;
                }
            }
        });
    values
}

/// The first missing (NaN) cell of a column and how many there are.
fn first_missing(values: &Float64Chunked) -> Option<(usize, usize)> {
    if !columns::any_cell(values, f64::is_nan) {
        return None;
    }
    let mut missing = columns::cells(values)
        .enumerate()
        .filter(|(_, v)| v.is_nan());
    let (first, _) = missing.next()?;
    Some((first, 1 + missing.count()))
}

/// The rows kept: all but those with a missing target (an error with `strict`) and, with
/// `--impute drop-rows`, those with a missing feature cell; each drop is a hint with its count.
fn kept_rows(
    frame: &DataFrame,
    spec: &DataSpec,
    target: &str,
    features: &[String],
    hints: &mut Vec<String>,
) -> Result<Vec<usize>> {
    let p = &spec.preprocess;
    let mut keep: Vec<bool> = columns::missing(column(frame, target, "target")?)
        .iter()
        .map(|m| !m)
        .collect();
    let no_target = keep.iter().filter(|k| !**k).count();
    if no_target > 0 {
        if p.strict {
            let first = keep.iter().position(|k| !k).unwrap_or(0);
            return Err(Error::Config(format!(
                "the target '{target}' is missing in {no_target} row(s), the first in data row {} (line {} of the file); a target is never imputed: without --strict those rows are dropped",
                first + 1,
                first + 2
            )));
        }
        hints.push(format!(
            "dropped {no_target} row(s) whose target '{target}' is missing (a target is never imputed; --strict makes this an error)"
        ));
    }
    if p.steps.impute == Some(Impute::DropRows) {
        let before = keep.iter().filter(|k| **k).count();
        for f in features {
            let missing = columns::missing(column(frame, f, "feature")?);
            keep.iter_mut().zip(missing).for_each(|(k, m)| *k &= !m);
        }
        let dropped = before - keep.iter().filter(|k| **k).count();
        if dropped > 0 {
            hints.push(format!(
                "dropped {dropped} row(s) with a missing feature cell (--impute drop-rows)"
            ));
        }
    }
    Ok((0..keep.len()).filter(|&r| keep[r]).collect())
}

/// Text and booleans are classes; floats are regression; integers are regression with a hint,
/// because integer codes are often classes.
fn infer_task(dtype: &DataType, target: &str, hints: &mut Vec<String>) -> Task {
    if dtype.is_float() {
        Task::Regression
    } else if dtype.is_integer() {
        hints.push(format!(
            "target '{target}' holds integers: treating it as regression; pass --task classification if they are classes"
        ));
        Task::Regression
    } else {
        Task::Classification
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The frame polars reads from `text` (no fast path), each column's type and value bits.
    fn columns(frame: &DataFrame) -> Vec<(String, String, Vec<Option<u64>>)> {
        frame
            .columns()
            .iter()
            .map(|c| {
                let bits = match c.dtype() {
                    DataType::Int64 => c
                        .i64()
                        .unwrap()
                        .iter()
                        .map(|v| v.map(|v| v as u64))
                        .collect(),
                    DataType::Float64 => c
                        .f64()
                        .unwrap()
                        .iter()
                        .map(|v| v.map(f64::to_bits))
                        .collect(),
                    _ => Vec::new(),
                };
                (c.name().to_string(), format!("{:?}", c.dtype()), bits)
            })
            .collect()
    }

    fn by_polars(text: &str) -> Option<DataFrame> {
        csv_options(&[], b',')
            .into_reader_with_file_handle(Cursor::new(text.as_bytes().to_vec()))
            .finish()
            .ok()
    }

    fn cell() -> impl Strategy<Value = String> {
        prop_oneof![
            any::<i64>().prop_map(|v| v.to_string()),
            (-1000i64..1000).prop_map(|v| v.to_string()),
            any::<f64>()
                .prop_filter("finite", |v| v.is_finite())
                .prop_map(|v| v.to_string()),
            (any::<f64>(), 0usize..4)
                .prop_filter("finite", |(v, _)| v.is_finite())
                .prop_map(|(v, style)| match style {
                    0 => format!("{v:e}"),
                    1 => format!("{v:E}"),
                    2 => format!("{v:.3}"),
                    _ => format!("{:+.9e}", v),
                }),
            // the commonest real, a few digits each side of the point
            (-1e7..1e7f64, 1usize..16).prop_map(|(v, places)| format!("{v:.places$}")),
            prop::sample::select(vec![
                "0",
                "-0",
                "007",
                ".5",
                "-.5",
                "5.",
                "+1.5",
                "1e5",
                "1E-5",
                "-2.5e+3",
                "0.0",
                "9223372036854775807",
                "-9223372036854775808",
                "9007199254740993.0",
                "9007199254740992.0",
                "-9007199254740993e0",
                "1e22",
                "1e23",
                "1.5e-22",
                "123456789e-22",
                "4.9e-324",
                "1.7976931348623157e308",
                "0.30000000000000004",
                "123456789012345678901234.5",
                "1e99999",
                "-0.0",
            ])
            .prop_map(str::to_string),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        /// The numeric fast path reads every file it accepts as polars does: the same names,
        /// types and value bits.
        #[test]
        fn numeric_fast_path_reads_as_polars(
            rows in prop::collection::vec(prop::collection::vec(cell(), 3), 1..40),
            crlf in any::<bool>(),
            final_break in any::<bool>(),
        ) {
            let end = if crlf { "\r\n" } else { "\n" };
            let mut text = format!("a,b,c{end}");
            let lines: Vec<String> = rows.iter().map(|r| r.join(",")).collect();
            text += &lines.join(end);
            if final_break {
                text += end;
            }
            let beyond_64_bits = |c: &String| {
                c.trim_start_matches('-').bytes().all(|b| b.is_ascii_digit()) && c.parse::<i64>().is_err()
            };
            let Some(fast) = numeric_csv::read(text.as_bytes(), b',') else {
                // the one cell the generator makes that the fast path leaves to polars
                prop_assert!(rows.iter().flatten().any(beyond_64_bits), "refused: {text}");
                return Ok(());
            };
            let slow = by_polars(&text).expect("polars reads it");
            prop_assert_eq!(columns(&fast), columns(&slow));
        }
    }

    #[test]
    fn files_that_are_not_plain_numbers_are_left_to_polars() {
        for text in [
            "a,b\n1,2\n3\n",                 // ragged
            "a,b\n1,2\n3,4,5\n",             // ragged
            "a,b\n1,NA\n",                   // a marker
            "a,b\n1,\n",                     // an empty cell
            "a,b\n1,x\n",                    // text
            "a,b\n\"1\",2\n",                // quoted
            "a,b\n1,2\"\n",                  // a quote after a number
            "a,b\n\"1\n2\",3\n",             // a line break inside quotes
            "a,a\n1,2\n",                    // duplicate names
            "a,\n1,2\n",                     // an unnamed column
            "a,b\n1,2\n\n3,4\n",             // a blank line inside
            "a,b\n",                         // no rows
            "a,b\n1,99999999999999999999\n", // a whole number beyond 64 bits
            "a,b\n1,inf\n",                  // polars' own float words
        ] {
            assert!(numeric_csv::read(text.as_bytes(), b',').is_none(), "{text}");
        }
        assert!(!na_is_never_a_number(&["-999".into()]));
        assert!(na_is_never_a_number(&["NA".into(), "".into()]));
    }
}
