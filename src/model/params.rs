//! Model specifications as written on the command line: `ridge`, `ridge:alpha=0.5`,
//! `elasticnet:alpha=0.1,l1_ratio=0.2`, and grids such as `ridge:alpha=0.1|1|10`.

use crate::{Error, Result};
use std::collections::BTreeMap;

/// One model to evaluate: a catalogue name with parameter values (as text).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ModelSpec {
    /// The catalogue name, e.g. `ridge`.
    pub kind: String,
    /// Parameters given explicitly, in the order written.
    pub params: Vec<(String, String)>,
}

impl ModelSpec {
    /// Parse one `--model` value; a `|` in a value expands into one spec per alternative
    /// (the cartesian product over parameters).
    pub fn parse(text: &str) -> Result<Vec<ModelSpec>> {
        let (kind, rest) = text.split_once(':').unwrap_or((text, ""));
        let kind = kind.trim();
        if kind.is_empty() {
            return Err(Error::Config(format!(
                "'{text}' names no model; write e.g. ridge:alpha=0.5"
            )));
        }
        let mut specs = vec![ModelSpec {
            kind: kind.to_string(),
            params: Vec::new(),
        }];
        for pair in rest.split(',').filter(|p| !p.trim().is_empty()) {
            let (key, values) = pair.split_once('=').ok_or_else(|| {
                Error::Config(format!("'{pair}' in model '{text}' is not key=value"))
            })?;
            if specs[0].params.iter().any(|(k, _)| k == key.trim()) {
                return Err(Error::Config(format!(
                    "parameter {} is given twice in model '{text}'; give it once (a grid is {0}=a|b)",
                    key.trim()
                )));
            }
            specs = specs
                .into_iter()
                .flat_map(|spec| {
                    values.split('|').map(move |v| {
                        let mut s = spec.clone();
                        s.params
                            .push((key.trim().to_string(), v.trim().to_string()));
                        s
                    })
                })
                .collect();
        }
        Ok(specs)
    }

    /// The name in records and reports: the spec as written, one alternative per value.
    pub fn name(&self) -> String {
        if self.params.is_empty() {
            return self.kind.clone();
        }
        let params: Vec<String> = self
            .params
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        format!("{}:{}", self.kind, params.join(","))
    }
}

/// Whether a larger value of `parameter` makes `kind` simpler (`Some(true)`), more complex
/// (`Some(false)`), or neither is known.
pub fn larger_is_simpler(kind: &str, parameter: &str) -> Option<bool> {
    match (kind, parameter) {
        (_, "alpha" | "l2" | "var_smoothing" | "min_samples_leaf" | "min_samples_split") => {
            Some(true)
        }
        ("knn", "k") => Some(true),
        ("svm", "c") => Some(false),
        (_, "max_depth" | "max_leaf_nodes" | "rounds" | "learning_rate" | "trees") => Some(false),
        _ => None,
    }
}

/// Parameter values resolved against a catalogue entry's defaults, with typed access.
pub(crate) struct Params {
    model: String,
    values: BTreeMap<&'static str, String>,
}

impl Params {
    pub(crate) fn new(model: String, values: BTreeMap<&'static str, String>) -> Params {
        Params { model, values }
    }

    fn bad(&self, key: &str, want: &str) -> Error {
        Error::Config(format!(
            "parameter {key} of model '{}' must be {want}, got '{}'",
            self.model, self.values[key]
        ))
    }

    /// A real number.
    pub(crate) fn f64(&self, key: &str) -> Result<f64> {
        self.values[key]
            .parse::<f64>()
            .ok()
            .filter(|v| v.is_finite())
            .ok_or_else(|| self.bad(key, "a number"))
    }

    /// A real number > 0.
    pub(crate) fn positive(&self, key: &str) -> Result<f64> {
        self.f64(key)
            .ok()
            .filter(|&v| v > 0.0)
            .ok_or_else(|| self.bad(key, "a number > 0"))
    }

    /// A real number ≥ 0.
    pub(crate) fn non_negative(&self, key: &str) -> Result<f64> {
        self.f64(key)
            .ok()
            .filter(|&v| v >= 0.0)
            .ok_or_else(|| self.bad(key, "a number ≥ 0"))
    }

    /// A real number from `least` to `most`.
    pub(crate) fn between(&self, key: &str, least: f64, most: f64) -> Result<f64> {
        self.f64(key)
            .ok()
            .filter(|v| (least..=most).contains(v))
            .ok_or_else(|| self.bad(key, &format!("a number from {least} to {most}")))
    }

    /// A whole number ≥ 0.
    pub(crate) fn usize(&self, key: &str) -> Result<usize> {
        self.values[key]
            .parse()
            .map_err(|_| self.bad(key, "a whole number"))
    }

    /// A whole number ≥ `least`.
    pub(crate) fn at_least(&self, key: &str, least: usize) -> Result<usize> {
        self.within(key, least, usize::MAX)
    }

    /// A whole number from `least` to `most`.
    pub(crate) fn within(&self, key: &str, least: usize, most: usize) -> Result<usize> {
        let want = if most == usize::MAX {
            format!("a whole number ≥ {least}")
        } else {
            format!("a whole number from {least} to {most}")
        };
        self.usize(key)
            .ok()
            .filter(|v| (least..=most).contains(v))
            .ok_or_else(|| self.bad(key, &want))
    }

    /// One of `options`.
    pub(crate) fn choice(&self, key: &str, options: &[&'static str]) -> Result<&'static str> {
        let v = &self.values[key];
        options
            .iter()
            .find(|o| *o == v)
            .copied()
            .ok_or_else(|| self.bad(key, &format!("one of {}", options.join(", "))))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grids_expand_to_named_models() {
        let specs = ModelSpec::parse("elasticnet:alpha=0.1|1,l1_ratio=0.2|0.8").unwrap();
        let names: Vec<String> = specs.iter().map(ModelSpec::name).collect();
        assert_eq!(
            names,
            [
                "elasticnet:alpha=0.1,l1_ratio=0.2",
                "elasticnet:alpha=0.1,l1_ratio=0.8",
                "elasticnet:alpha=1,l1_ratio=0.2",
                "elasticnet:alpha=1,l1_ratio=0.8"
            ]
        );
        assert_eq!(ModelSpec::parse("ols").unwrap()[0].name(), "ols");
        assert!(ModelSpec::parse("ridge:alpha")
            .unwrap_err()
            .to_string()
            .contains("not key=value"));
    }
}
