//! Reading `predictions.csv` back a record at a time: it holds one line per test row, fold,
//! split seed and model seed, far more than is worth holding in memory at once.

use super::csv_rows::{CsvRow, CsvRows};
use crate::{Error, Result};
use std::path::Path;

/// One out-of-fold prediction as written: model, data row, and the prediction's text.
#[derive(Debug, Clone, PartialEq)]
pub struct PredictionLine {
    /// The model.
    pub model: String,
    /// The data row.
    pub row: usize,
    /// The true label or value as written.
    pub truth: String,
    /// The predicted label or value as written.
    pub prediction: String,
}

/// Call `each` for every line of seedfold's `predictions.csv` at `path`, in file order.
pub fn for_each_prediction(path: &Path, mut each: impl FnMut(PredictionLine)) -> Result<()> {
    let bad = |reason: String| Error::Malformed {
        path: path.to_path_buf(),
        format: "predictions CSV",
        reason,
    };
    let file = std::fs::File::open(path).map_err(|e| Error::Read {
        path: path.to_path_buf(),
        reason: e.to_string(),
    })?;
    let (header, rows) =
        CsvRows::with_header(std::io::BufReader::new(file)).map_err(|e| bad(e.to_string()))?;
    if !header
        .is_some_and(|h| h.starts_with("model,split_seed,model_seed,fold,row,truth,prediction"))
    {
        return Err(bad("no predictions.csv header".into()));
    }
    for row in rows {
        let CsvRow { fields, line, .. } = row.map_err(|e| bad(e.to_string()))?;
        let data_row = fields.get(4).and_then(|r| r.parse().ok());
        match (data_row, fields.get(0), fields.get(5), fields.get(6)) {
            (Some(row), Some(model), Some(truth), Some(prediction)) => each(PredictionLine {
                model: model.to_string(),
                row,
                truth: truth.to_string(),
                prediction: prediction.to_string(),
            }),
            _ => return Err(bad(format!("line {line} is not a prediction"))),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_prediction_with_a_line_break_is_read_whole() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p.csv");
        std::fs::write(
            &path,
            "model,split_seed,model_seed,fold,row,truth,prediction\nm,0,0,0,3,x,\"two\nlines\"\nm,0,0,0,4,x,y\n",
        )
        .unwrap();
        let mut seen = Vec::new();
        for_each_prediction(&path, |p| seen.push((p.row, p.prediction))).unwrap();
        assert_eq!(seen, [(3, "two\nlines".to_string()), (4, "y".to_string())]);
    }
}
