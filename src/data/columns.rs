//! Turning polars columns into checked `f64` vectors (numbers or category codes, NaN when
//! missing), class labels and group indices.

use super::Target;
use crate::preprocess::FeatureKind;
use crate::{Error, Result};
use polars::prelude::*;

/// Each row's cell is missing: null (empty or a missing-value marker) or NaN.
pub(super) fn missing(column: &Column) -> Vec<bool> {
    let nan: Option<Vec<bool>> = column.dtype().is_float().then(|| {
        column
            .cast(&DataType::Float64)
            .ok()
            .and_then(|c| {
                c.f64()
                    .ok()
                    .map(|v| v.iter().map(|v| v.is_some_and(f64::is_nan)).collect())
            })
            .unwrap_or_default()
    });
    // a column without nulls skips `is_null`, whose all-false mask costs polars a zeroed
    // buffer larger than a small data set
    let nulls: Option<Vec<bool>> = (column.null_count() > 0).then(|| {
        column
            .is_null()
            .iter()
            .map(|null| null.unwrap_or(false))
            .collect()
    });
    (0..column.len())
        .map(|row| nulls.as_ref().is_some_and(|n| n[row]) || nan.as_ref().is_some_and(|n| n[row]))
        .collect()
}

/// A numeric column as `f64`, NaN for a missing cell; text is refused with the first row that
/// is not a number, infinities with a count. A column without missing cells keeps polars'
/// chunks (no copy: a large table's columns are read straight into its row-major matrix).
pub(super) fn numeric(column: &Column) -> Result<Float64Chunked> {
    let name = column.name().to_string();
    if matches!(column.dtype(), DataType::String) {
        if let Some((row, value)) = first_text(column)? {
            return Err(Error::NonNumeric {
                column: name,
                row,
                value,
            });
        }
    } else if !column.dtype().is_primitive_numeric() && !column.dtype().is_bool() {
        return Err(Error::NonNumeric {
            column: name,
            row: 0,
            value: format!("a value of type {}", column.dtype()),
        });
    }
    let cast = column
        .cast(&DataType::Float64)
        .map_err(|e| Error::Config(format!("column '{name}': {e}")))?;
    let cast = cast.f64().map_err(|e| Error::Config(e.to_string()))?;
    let values = if cast.null_count() == 0 {
        cast.clone()
    } else {
        let filled = cast.iter().map(|v| v.unwrap_or(f64::NAN)).collect();
        Float64Chunked::from_vec(name.as_str().into(), filled)
    };
    if !any_cell(&values, f64::is_infinite) {
        return Ok(values);
    }
    let mut bad = cells(&values).enumerate().filter(|(_, v)| v.is_infinite());
    if let Some((first_row, _)) = bad.next() {
        return Err(Error::NotFinite {
            column: name,
            count: 1 + bad.count(),
            first_row,
        });
    }
    drop(bad);
    Ok(values)
}

/// Whether any cell of a column without nulls passes `test`: a scan without an early exit,
/// which the compiler vectorises (most columns have no such cell).
pub(super) fn any_cell(column: &Float64Chunked, test: fn(f64) -> bool) -> bool {
    let any = |chunk: &[f64]| chunk.iter().fold(false, |any, &v| any | test(v));
    column.downcast_iter().any(|chunk| any(chunk.values()))
}

/// The cells of a column without nulls (as [`numeric`] gives it), chunk after chunk.
pub(super) fn cells(column: &Float64Chunked) -> impl Iterator<Item = f64> + '_ {
    column
        .downcast_iter()
        .flat_map(|chunk| chunk.values().iter().copied())
}

/// The first cell of a text column that is not a number, with its row.
fn first_text(column: &Column) -> Result<Option<(usize, String)>> {
    let text = column.str().map_err(|e| Error::Config(e.to_string()))?;
    Ok(text.iter().enumerate().find_map(|(row, v)| match v {
        Some(v) if v.trim().parse::<f64>().is_err() => Some((row, v.to_string())),
        _ => None,
    }))
}

/// What a feature column turns into.
pub(super) enum Feature {
    /// Values (NaN when missing) and their kind.
    Kept(Float64Chunked, FeatureKind),
    /// Text that is the same in every row (this one): it cannot tell rows apart.
    Constant(String),
    /// Text that differs in every row, like an identifier: one-hot it says nothing of new rows.
    Identifier,
}

/// A feature column: numbers (NaN when missing), or categories when it is `categorical` or
/// holds text only (level codes, NaN when missing). Text mixed with numbers is refused.
pub(super) fn feature(column: &Column, categorical: bool) -> Result<Feature> {
    let all_text = matches!(column.dtype(), DataType::String)
        && column
            .str()
            .map_err(|e| Error::Config(e.to_string()))?
            .iter()
            .flatten()
            .all(|v| v.trim().parse::<f64>().is_err());
    if !(categorical || all_text) {
        return Ok(Feature::Kept(numeric(column)?, FeatureKind::Numeric));
    }
    let name = column.name().to_string();
    let text = column
        .cast(&DataType::String)
        .map_err(|e| Error::Config(format!("column '{name}': {e}")))?;
    let raw: Vec<Option<&str>> = text
        .str()
        .map_err(|e| Error::Config(e.to_string()))?
        .iter()
        .collect();
    let mut distinct: Vec<String> = raw.iter().flatten().map(|v| v.to_string()).collect();
    let present = distinct.len();
    distinct.sort();
    distinct.dedup();
    if distinct.len() < 2 {
        return Ok(Feature::Constant(
            distinct.into_iter().next().unwrap_or_default(),
        ));
    }
    if distinct.len() == present && present >= IDENTIFIER_ROWS {
        return Ok(Feature::Identifier);
    }
    let levels = ordered(distinct);
    let position: std::collections::HashMap<&str, usize> = levels
        .iter()
        .enumerate()
        .map(|(i, l)| (l.as_str(), i))
        .collect();
    let codes = raw
        .iter()
        .map(|v| v.map_or(f64::NAN, |v| position[v] as f64))
        .collect();
    let codes = Float64Chunked::from_vec(name.as_str().into(), codes);
    Ok(Feature::Kept(codes, FeatureKind::Categorical(levels)))
}

/// Rows from which a text column whose every cell differs counts as an identifier.
const IDENTIFIER_ROWS: usize = 20;

/// Distinct labels in seedfold's stable order: numeric when all are numbers, else as text.
fn ordered(mut distinct: Vec<String>) -> Vec<String> {
    let numbers: Option<Vec<f64>> = distinct.iter().map(|l| l.trim().parse().ok()).collect();
    if let Some(numbers) = numbers {
        let mut order: Vec<usize> = (0..distinct.len()).collect();
        order.sort_by(|&a, &b| numbers[a].total_cmp(&numbers[b]));
        distinct = order.into_iter().map(|i| distinct[i].clone()).collect();
    }
    distinct
}

/// A column as text labels (integers without a decimal point), refusing nulls.
fn labels(column: &Column) -> Result<Vec<String>> {
    let name = column.name().to_string();
    let text = column
        .cast(&DataType::String)
        .map_err(|e| Error::Config(format!("column '{name}': {e}")))?;
    let text = text.str().map_err(|e| Error::Config(e.to_string()))?;
    let mut missing = text.iter().enumerate().filter(|(_, v)| v.is_none());
    if let Some((first_row, _)) = missing.next() {
        let count = 1 + missing.count();
        return Err(Error::Config(format!(
            "column '{name}' has {count} missing cell(s), the first in data row {} (line {} of the file); every row needs a label here: fill them or drop those rows",
            first_row + 1,
            first_row + 2
        )));
    }
    Ok(text
        .iter()
        .map(|v| v.unwrap_or_default().to_string())
        .collect())
}

/// Distinct labels in seedfold's stable order (numeric when all are numbers, else text) and
/// each row's index into them.
pub(super) fn index_labels(column: &Column) -> Result<(Vec<usize>, Vec<String>)> {
    let raw = labels(column)?;
    let mut distinct: Vec<String> = raw.clone();
    distinct.sort();
    distinct.dedup();
    let distinct = ordered(distinct);
    let position: std::collections::HashMap<&str, usize> = distinct
        .iter()
        .enumerate()
        .map(|(i, l)| (l.as_str(), i))
        .collect();
    let index = raw.iter().map(|l| position[l.as_str()]).collect();
    Ok((index, distinct))
}

/// The target column as a classification target, refusing a single class.
pub(super) fn class_target(column: &Column) -> Result<Target> {
    let (labels, classes) = index_labels(column)?;
    if classes.len() < 2 {
        return Err(Error::SingleClass {
            column: column.name().to_string(),
            class: classes.into_iter().next().unwrap_or_default(),
        });
    }
    Ok(Target::Classification {
        labels: labels.into(),
        classes,
    })
}
