//! Preprocessing fitted inside each fold: missing cells imputed, categories one-hot encoded and
//! numeric columns scaled with statistics of the fold's training rows only, then applied to
//! its test rows, so nothing about a test row reaches the model before it is scored
//! (scikit-learn's `Pipeline` + `ColumnTransformer` inside `cross_validate`).
//!
//! A table keeps its raw cells: numeric features as read, categorical ones as level codes,
//! and NaN for a missing cell ([`FeatureKind`]).

use ndarray::Array2;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

/// What a feature column holds.
#[derive(Debug, Clone, PartialEq)]
pub enum FeatureKind {
    /// Numbers.
    Numeric,
    /// Categories: the cell is an index into these level names (sorted).
    Categorical(Vec<String>),
}

/// How missing feature cells are filled (numeric columns; categories see [`CategoryFill`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum Impute {
    /// The training rows' mean.
    Mean,
    /// The training rows' median.
    Median,
    /// The training rows' most frequent value (the smallest on ties).
    MostFrequent,
    /// Rows with a missing feature cell are dropped when the data is read.
    DropRows,
}

/// How missing cells of a categorical column are filled when imputing.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum CategoryFill {
    /// The training rows' most frequent category (the first level on ties).
    #[default]
    MostFrequent,
    /// A category of its own, "missing".
    Category,
}

/// How numeric columns are scaled (one-hot columns stay 0/1).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum Scaling {
    /// As read.
    #[default]
    None,
    /// Minus the mean, over the standard deviation (ddof 0): scikit-learn's `StandardScaler`.
    Standard,
    /// Minus the minimum, over the range: `MinMaxScaler`.
    Minmax,
    /// Minus the median, over the interquartile range: `RobustScaler`.
    Robust,
}

/// Cell texts read as missing unless `na_values` says otherwise.
pub const NA_VALUES: [&str; 5] = ["", "NA", "NaN", "null", "N/A"];

/// How a table's raw columns become features: columns left out, integer columns that are
/// categories, the texts that mark a missing cell, the in-fold steps, and whether a missing
/// target is an error rather than a dropped row.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Preprocess {
    /// Columns left out.
    #[serde(default)]
    pub drop: Vec<String>,
    /// Columns read as categories even though they hold numbers.
    #[serde(default)]
    pub categorical: Vec<String>,
    /// Cell texts that mark a missing cell; `None` = [`NA_VALUES`].
    pub na_values: Option<Vec<String>>,
    /// What is fitted inside each fold.
    #[serde(flatten)]
    pub steps: Steps,
    /// A row with a missing target is an error instead of being dropped.
    #[serde(default)]
    pub strict: bool,
}

impl Preprocess {
    /// The texts that mark a missing cell.
    pub fn na_values(&self) -> Vec<String> {
        self.na_values
            .clone()
            .unwrap_or_else(|| NA_VALUES.iter().map(|v| v.to_string()).collect())
    }
}

/// The in-fold steps, as the experiment names them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Steps {
    /// How missing numeric cells are filled; `None`: missing cells are an error.
    pub impute: Option<Impute>,
    /// How missing categorical cells are filled.
    pub categories: CategoryFill,
    /// How numeric columns are scaled.
    pub scale: Scaling,
}

impl Steps {
    /// One line for reports, e.g. "median imputation, one-hot categories, standard scaling".
    pub fn describe(&self, kinds: &[FeatureKind]) -> String {
        let mut parts = Vec::new();
        if let Some(i) = self.impute {
            parts.push(match i {
                Impute::Mean => "mean imputation".to_string(),
                Impute::Median => "median imputation".to_string(),
                Impute::MostFrequent => "most-frequent imputation".to_string(),
                Impute::DropRows => "rows with missing cells dropped".to_string(),
            });
        }
        let categorical = kinds
            .iter()
            .filter(|k| matches!(k, FeatureKind::Categorical(_)))
            .count();
        if categorical > 0 {
            parts.push(format!(
                "{categorical} categorical column(s) one-hot encoded{}",
                match (self.impute, self.categories) {
                    (None | Some(Impute::DropRows), _) => "",
                    (_, CategoryFill::MostFrequent) => " (missing: most frequent)",
                    (_, CategoryFill::Category) => " (missing: own category)",
                }
            ));
        }
        if self.scale != Scaling::None {
            parts.push(format!(
                "{} scaling",
                match self.scale {
                    Scaling::Standard => "standard",
                    Scaling::Minmax => "min-max",
                    Scaling::Robust => "robust",
                    Scaling::None => unreachable!(),
                }
            ));
        }
        if parts.is_empty() {
            "none".into()
        } else {
            format!("{}, fitted on each fold's training rows", parts.join(", "))
        }
    }

    /// Whether a table with these columns needs anything done per fold.
    pub fn needed(&self, x: &Array2<f64>, kinds: &[FeatureKind]) -> bool {
        self.scale != Scaling::None
            || kinds
                .iter()
                .any(|k| matches!(k, FeatureKind::Categorical(_)))
            || has_missing(x)
    }

    /// Fit on the `rows` of `x` (whose columns are `kinds`).
    pub fn fit(&self, x: &Array2<f64>, kinds: &[FeatureKind], rows: &[usize]) -> Fitted {
        let columns = kinds
            .iter()
            .enumerate()
            .map(|(j, kind)| {
                let mut seen: Vec<f64> = rows
                    .iter()
                    .map(|&r| x[[r, j]])
                    .filter(|v| !v.is_nan())
                    .collect();
                seen.sort_by(f64::total_cmp);
                match kind {
                    FeatureKind::Numeric => self.fit_numeric(&mut seen, rows.len()),
                    FeatureKind::Categorical(levels) => {
                        let fill = match self.categories {
                            CategoryFill::MostFrequent => most_frequent(&seen),
                            CategoryFill::Category => Some(levels.len() as f64),
                        };
                        if seen.len() < rows.len() {
                            seen.extend(fill);
                            seen.sort_by(f64::total_cmp);
                        }
                        seen.dedup();
                        Column::OneHot { fill, levels: seen }
                    }
                }
            })
            .collect();
        Fitted { columns }
    }

    /// Fill value, centre and scale of a numeric column from its training values `seen`
    /// (sorted, missing cells left out) out of `rows` training rows; scaled after imputing,
    /// as a pipeline imputer → scaler does.
    fn fit_numeric(&self, seen: &mut Vec<f64>, rows: usize) -> Column {
        let fill = match self.impute {
            _ if seen.is_empty() => 0.0,
            Some(Impute::Mean) => seen.iter().sum::<f64>() / seen.len() as f64,
            Some(Impute::MostFrequent) => most_frequent(seen).unwrap_or(0.0),
            _ => quantile(seen, 0.5),
        };
        if seen.len() < rows {
            seen.resize(rows, fill);
            seen.sort_by(f64::total_cmp);
        }
        let n = seen.len().max(1) as f64;
        let (centre, spread) = match self.scale {
            Scaling::None => (0.0, 1.0),
            Scaling::Standard => {
                let mean = seen.iter().sum::<f64>() / n;
                let var = seen.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / n;
                (mean, var.sqrt())
            }
            Scaling::Minmax => {
                let (lo, hi) = (seen.first(), seen.last());
                (*lo.unwrap_or(&0.0), hi.unwrap_or(&0.0) - lo.unwrap_or(&0.0))
            }
            Scaling::Robust => (
                quantile(seen, 0.5),
                quantile(seen, 0.75) - quantile(seen, 0.25),
            ),
        };
        Column::Numeric {
            fill,
            centre,
            // scikit-learn's _handle_zeros_in_scale: a (near-)constant column is not scaled
            scale: if spread < 10.0 * f64::EPSILON * centre.abs().max(1.0) {
                1.0
            } else {
                spread
            },
        }
    }
}

/// The most frequent of sorted values, the smallest on ties.
fn most_frequent(sorted: &[f64]) -> Option<f64> {
    sorted
        .chunk_by(|a, b| a == b)
        .fold(None, |best: Option<&[f64]>, run| match best {
            Some(b) if b.len() >= run.len() => best,
            _ => Some(run),
        })
        .map(|run| run[0])
}

/// The q-quantile of sorted values, interpolated linearly (numpy's default, as scikit-learn's
/// imputer and robust scaler use).
fn quantile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let at = q * (sorted.len() - 1) as f64;
    let (lo, hi) = (at.floor() as usize, at.ceil() as usize);
    sorted[lo] + (sorted[hi] - sorted[lo]) * (at - lo as f64)
}

/// One column's fitted step.
#[derive(Debug, Clone, PartialEq)]
enum Column {
    /// (value, or `fill` when missing, minus `centre`) / `scale`.
    Numeric { fill: f64, centre: f64, scale: f64 },
    /// One 0/1 column per level seen in training (`levels`, codes ascending); a missing cell
    /// takes `fill`; a level not seen in training is all zeros.
    OneHot { fill: Option<f64>, levels: Vec<f64> },
}

/// Preprocessing fitted on one fold's training rows.
#[derive(Debug, Clone, PartialEq)]
pub struct Fitted {
    columns: Vec<Column>,
}

impl Fitted {
    /// The `rows` of `x` transformed, and how many of them held a category not seen in training.
    pub fn transform(&self, x: &Array2<f64>, rows: &[usize]) -> (Array2<f64>, usize) {
        let width: usize = self
            .columns
            .iter()
            .map(|c| match c {
                Column::Numeric { .. } => 1,
                Column::OneHot { levels, .. } => levels.len(),
            })
            .sum();
        let mut out = Array2::zeros((rows.len(), width));
        let mut unseen = 0;
        for (i, &r) in rows.iter().enumerate() {
            let mut at = 0;
            let mut row_unseen = false;
            for (j, column) in self.columns.iter().enumerate() {
                let v = x[[r, j]];
                match column {
                    Column::Numeric {
                        fill,
                        centre,
                        scale,
                    } => {
                        out[[i, at]] = (if v.is_nan() { *fill } else { v } - centre) / scale;
                        at += 1;
                    }
                    Column::OneHot { fill, levels } => {
                        let code = if v.is_nan() { *fill } else { Some(v) };
                        match code.and_then(|c| levels.iter().position(|&l| l == c)) {
                            Some(k) => out[[i, at + k]] = 1.0,
                            None => row_unseen = true,
                        }
                        at += levels.len();
                    }
                }
            }
            unseen += usize::from(row_unseen);
        }
        (out, unseen)
    }

    /// Each numeric column's scale (the fast least-squares path folds it into its penalty),
    /// or `None` when any column is categorical.
    pub fn scales(&self) -> Option<Vec<f64>> {
        self.columns
            .iter()
            .map(|c| match c {
                Column::Numeric { scale, .. } => Some(*scale),
                Column::OneHot { .. } => None,
            })
            .collect()
    }
}

/// Whether any cell is missing (NaN): a scan of every cell, so a large table's is split over the
/// worker threads and tested without a branch per cell.
fn has_missing(x: &Array2<f64>) -> bool {
    match x.as_slice_memory_order() {
        Some(cells) => cells
            .par_chunks(1 << 14)
            .any(|chunk| chunk.iter().fold(false, |missing, v| missing | v.is_nan())),
        None => x.iter().any(|v| v.is_nan()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    fn steps(impute: Option<Impute>, scale: Scaling) -> Steps {
        Steps {
            impute,
            categories: CategoryFill::MostFrequent,
            scale,
        }
    }

    #[test]
    fn every_statistic_comes_from_the_training_rows_only() {
        // rows 0-3 train; rows 4-5 test carry an extreme value, a missing cell and a category
        // (code 2) that training never saw
        let x = array![
            [1.0, 0.0],
            [2.0, 1.0],
            [f64::NAN, 1.0],
            [5.0, 0.0],
            [1e9, 2.0],
            [f64::NAN, f64::NAN],
        ];
        let kinds = [
            FeatureKind::Numeric,
            FeatureKind::Categorical(vec!["a".into(), "b".into(), "c".into()]),
        ];
        let train = [0, 1, 2, 3];
        let fitted = steps(Some(Impute::Median), Scaling::Standard).fit(&x, &kinds, &train);
        // median of 1, 2, 5 is 2; imputed column 1, 2, 2, 5: mean 2.5, sd 1.5
        assert_eq!(
            fitted.columns[0],
            Column::Numeric {
                fill: 2.0,
                centre: 2.5,
                scale: 1.5
            }
        );
        // levels a and b seen, twice each: the tie goes to a
        assert_eq!(
            fitted.columns[1],
            Column::OneHot {
                fill: Some(0.0),
                levels: vec![0.0, 1.0]
            }
        );
        // changing every test row changes nothing fitted
        let mut other = x.clone();
        other.row_mut(4).fill(-7.0);
        other.row_mut(5).fill(3.0);
        assert_eq!(
            steps(Some(Impute::Median), Scaling::Standard).fit(&other, &kinds, &train),
            fitted
        );
        let (test, unseen) = fitted.transform(&x, &[4, 5]);
        assert_eq!(unseen, 1, "row 4's category c was never seen in training");
        assert_eq!(test.row(0).to_vec(), vec![(1e9 - 2.5) / 1.5, 0.0, 0.0]);
        // row 5: the missing number is the training median, the missing category a
        assert_eq!(test.row(1).to_vec(), vec![(2.0 - 2.5) / 1.5, 1.0, 0.0]);
    }

    #[test]
    fn missing_categories_take_the_most_frequent_or_their_own_level() {
        let x = array![[0.0], [1.0], [1.0], [f64::NAN]];
        let kinds = [FeatureKind::Categorical(vec!["a".into(), "b".into()])];
        let most = steps(Some(Impute::Mean), Scaling::None).fit(&x, &kinds, &[0, 1, 2, 3]);
        assert_eq!(most.transform(&x, &[3]).0.row(0).to_vec(), vec![0.0, 1.0]);
        let own = Steps {
            categories: CategoryFill::Category,
            ..steps(Some(Impute::Mean), Scaling::None)
        }
        .fit(&x, &kinds, &[0, 1, 2, 3]);
        assert_eq!(
            own.transform(&x, &[0, 3]).0,
            array![[1.0, 0.0, 0.0], [0.0, 0.0, 1.0]]
        );
    }

    #[test]
    fn scalers_match_scikit_learn_definitions() {
        let x = array![[1.0], [2.0], [4.0], [9.0], [3.0]];
        let kinds = [FeatureKind::Numeric];
        let rows = [0, 1, 2, 3, 4];
        let column = |scale| steps(None, scale).fit(&x, &kinds, &rows).columns[0].clone();
        // RobustScaler: median 3, quantiles 2 and 4 (numpy's linear interpolation)
        assert_eq!(
            column(Scaling::Robust),
            Column::Numeric {
                fill: 3.0,
                centre: 3.0,
                scale: 2.0
            }
        );
        assert_eq!(
            column(Scaling::Minmax),
            Column::Numeric {
                fill: 3.0,
                centre: 1.0,
                scale: 8.0
            }
        );
        // a constant column is centred, not divided by zero
        let flat = array![[4.0], [4.0]];
        let c = steps(None, Scaling::Standard).fit(&flat, &kinds, &[0, 1]);
        assert_eq!(c.transform(&flat, &[0]).0[[0, 0]], 0.0);
    }
}
