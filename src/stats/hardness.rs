//! Hard rows: how often each row is predicted wrong across split seeds and model seeds, from
//! the out-of-fold predictions. A row wrong in nearly every run is a label-error candidate (or
//! a true outlier); a row whose outcome flips with the seed is where the seed decides.

/// One model's tally of one row's out-of-fold predictions.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
struct Tally {
    n: u64,
    wrong: u64,
    /// Welford's running mean and sum of squared deviations of the signed error, and the
    /// sum of absolute errors (regression).
    mean: f64,
    m2: f64,
    abs: f64,
}

/// Per model and row, the predictions seen so far.
#[derive(Debug, Clone)]
pub struct Hardness {
    rows: usize,
    /// Models in order of first appearance, each with one tally per row.
    models: Vec<(String, Vec<Tally>)>,
}

/// One row's hardness for one model.
#[derive(Debug, Clone, PartialEq)]
pub struct RowHardness {
    /// The model.
    pub model: String,
    /// The data row (0-based).
    pub row: usize,
    /// Out-of-fold predictions of the row (one per split seed and model seed).
    pub n_predictions: u64,
    /// Classification: the share of those predictions that were wrong.
    pub error_rate: f64,
    /// Regression: the mean absolute error.
    pub mean_abs_error: f64,
    /// Regression: the standard deviation of the signed error across runs (ddof 1; 0 for one).
    pub sd_error: f64,
}

/// Share of runs above which a row counts as wrong "in nearly every run", and below whose
/// complement it counts as flipping.
pub const NEARLY_ALWAYS: f64 = 0.9;

impl Hardness {
    /// An empty tally over `rows` data rows.
    pub fn new(rows: usize) -> Hardness {
        Hardness {
            rows,
            models: Vec::new(),
        }
    }

    fn tally(&mut self, model: &str, row: usize) -> Option<&mut Tally> {
        if row >= self.rows {
            return None;
        }
        let m = match self.models.iter().position(|(name, _)| name == model) {
            Some(m) => m,
            None => {
                self.models
                    .push((model.to_string(), vec![Tally::default(); self.rows]));
                self.models.len() - 1
            }
        };
        Some(&mut self.models[m].1[row])
    }

    /// Count one class prediction of `row` by `model`; `false` when the row is out of range.
    pub fn add_class(&mut self, model: &str, row: usize, wrong: bool) -> bool {
        self.tally(model, row)
            .map(|t| {
                t.n += 1;
                t.wrong += u64::from(wrong);
            })
            .is_some()
    }

    /// Count one value prediction of `row` by `model` with error prediction − truth.
    pub fn add_value(&mut self, model: &str, row: usize, error: f64) -> bool {
        self.tally(model, row)
            .map(|t| {
                t.n += 1;
                let delta = error - t.mean;
                t.mean += delta / t.n as f64;
                t.m2 += delta * (error - t.mean);
                t.abs += error.abs();
            })
            .is_some()
    }

    /// Every (model, row) that was predicted at least once, model by model in row order.
    pub fn rows(&self) -> Vec<RowHardness> {
        self.models
            .iter()
            .flat_map(|(model, tallies)| {
                tallies
                    .iter()
                    .enumerate()
                    .map(move |(row, t)| (model, row, t))
            })
            .filter(|(_, _, t)| t.n > 0)
            .map(|(model, row, t)| RowHardness {
                model: model.clone(),
                row,
                n_predictions: t.n,
                error_rate: t.wrong as f64 / t.n as f64,
                mean_abs_error: t.abs / t.n as f64,
                sd_error: if t.n > 1 {
                    (t.m2 / (t.n - 1) as f64).sqrt()
                } else {
                    0.0
                },
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_and_spreads_per_model_and_row() {
        let mut h = Hardness::new(3);
        for wrong in [true, true, false, true] {
            assert!(h.add_class("a", 2, wrong));
        }
        assert!(!h.add_class("a", 3, true), "row out of range");
        for e in [1.0, -3.0, 2.0] {
            h.add_value("b", 0, e);
        }
        let rows = h.rows();
        assert_eq!(rows.len(), 2);
        assert_eq!((rows[0].model.as_str(), rows[0].row), ("a", 2));
        assert_eq!(rows[0].error_rate, 0.75);
        assert_eq!((rows[1].model.as_str(), rows[1].row), ("b", 0));
        assert_eq!(rows[1].mean_abs_error, 2.0);
        // errors 1, -3, 2: mean 0, sample variance (1 + 9 + 4) / 2 = 7
        assert!((rows[1].sd_error - 7f64.sqrt()).abs() < 1e-15);
    }
}
