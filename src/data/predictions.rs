//! Reading `predictions.csv` back a record at a time: it holds one line per test row, fold,
//! split seed and model seed, far more than is worth holding in memory at once.

use crate::{Error, Result};
use std::io::BufRead;
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
    let mut lines = std::io::BufReader::new(file).lines();
    let header = lines.next().transpose().map_err(|e| bad(e.to_string()))?;
    if !header
        .is_some_and(|h| h.starts_with("model,split_seed,model_seed,fold,row,truth,prediction"))
    {
        return Err(bad("no predictions.csv header".into()));
    }
    let mut record = String::new();
    for (number, line) in lines.enumerate() {
        let line = line.map_err(|e| bad(e.to_string()))?;
        if !record.is_empty() {
            record.push('\n');
        }
        record.push_str(&line);
        // a quoted field may hold a line break: read on until the quotes balance
        if record.matches('"').count() % 2 == 1 {
            continue;
        }
        let fields = split_fields(&record);
        let row = fields.get(4).and_then(|r| r.parse().ok());
        match (fields.first(), row, fields.get(5), fields.get(6)) {
            (Some(model), Some(row), Some(truth), Some(prediction)) => each(PredictionLine {
                model: model.clone(),
                row,
                truth: truth.clone(),
                prediction: prediction.clone(),
            }),
            _ => return Err(bad(format!("line {} is not a prediction", number + 2))),
        }
        record.clear();
    }
    Ok(())
}

/// The fields of one CSV record, quotes removed ("" inside quotes is one quote).
fn split_fields(record: &str) -> Vec<String> {
    let mut fields = vec![String::new()];
    let mut quoted = false;
    let mut chars = record.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                chars.next();
                fields.last_mut().expect("one field at least").push('"');
            }
            ('"', _) => quoted = !quoted,
            (',', false) => fields.push(String::new()),
            (c, _) => fields.last_mut().expect("one field at least").push(c),
        }
    }
    fields
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_fields_with_commas_quotes_and_line_breaks_are_read_whole() {
        assert_eq!(
            split_fields(r#"m,0,0,1,7,"a, ""b""",c"#),
            ["m", "0", "0", "1", "7", "a, \"b\"", "c"]
        );
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
