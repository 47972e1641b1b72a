//! Turning polars columns into checked `f64` vectors, class labels and group indices.

use super::Target;
use crate::{Error, Result};
use polars::prelude::*;

/// A numeric column as `f64` (in the chunks the reader made; read it with
/// `into_no_null_iter`), refusing text, nulls, NaN and infinities with the first bad row.
pub(super) fn numeric(column: &Column) -> Result<Float64Chunked> {
    let name = column.name().to_string();
    if matches!(column.dtype(), DataType::String) {
        let text = column.str().map_err(|e| Error::Config(e.to_string()))?;
        let bad = text.iter().enumerate().find_map(|(row, v)| match v {
            Some(v) if v.trim().parse::<f64>().is_err() => Some((row, v.to_string())),
            _ => None,
        });
        if let Some((row, value)) = bad {
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
    let values = cast.f64().map_err(|e| Error::Config(e.to_string()))?;
    let mut bad = values
        .iter()
        .enumerate()
        .filter(|(_, v)| !v.is_some_and(f64::is_finite));
    if let Some((first_row, _)) = bad.next() {
        let count = 1 + bad.count();
        return Err(Error::NotFinite {
            column: name,
            count,
            first_row,
        });
    }
    Ok(values.clone())
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
        return Err(Error::NotFinite {
            column: name,
            count,
            first_row,
        });
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
    let numbers: Option<Vec<f64>> = distinct.iter().map(|l| l.trim().parse().ok()).collect();
    if let Some(numbers) = numbers {
        let mut order: Vec<usize> = (0..distinct.len()).collect();
        order.sort_by(|&a, &b| numbers[a].total_cmp(&numbers[b]));
        distinct = order.into_iter().map(|i| distinct[i].clone()).collect();
    }
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
