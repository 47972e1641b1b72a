//! The data sets shipped inside the binary (see `datasets/README.md` for their provenance), so
//! the main command works on a fresh machine with no download.

use super::Task;

/// A data set compiled into seedfold.
#[derive(Debug, Clone, Copy)]
pub struct Builtin {
    /// The name used with `--dataset`.
    pub name: &'static str,
    /// Its target column; `None` = the last column.
    pub target: Option<&'static str>,
    /// The task its target asks for.
    pub task: Task,
    /// Whether it needs preprocessing (text columns, missing cells) before a model can fit.
    pub messy: bool,
    /// One line on what it is.
    pub about: &'static str,
    /// The CSV text.
    pub csv: &'static str,
}

/// Every built-in data set.
pub const BUILTINS: &[Builtin] = &[
    Builtin {
        name: "diabetes",
        target: None,
        messy: false,
        task: Task::Regression,
        about: "disease progression one year after baseline (Efron et al. 2004)",
        csv: include_str!("../../datasets/diabetes.csv"),
    },
    Builtin {
        name: "breast_cancer",
        target: None,
        messy: false,
        task: Task::Classification,
        about: "Wisconsin diagnostic breast cancer, malignant vs benign",
        csv: include_str!("../../datasets/breast_cancer.csv"),
    },
    Builtin {
        name: "iris",
        target: None,
        messy: false,
        task: Task::Classification,
        about: "Fisher's iris species (rows sorted by class)",
        csv: include_str!("../../datasets/iris.csv"),
    },
    Builtin {
        name: "wine",
        target: None,
        messy: false,
        task: Task::Classification,
        about: "wine cultivar from chemical analysis",
        csv: include_str!("../../datasets/wine.csv"),
    },
    Builtin {
        name: "digits",
        target: None,
        messy: false,
        task: Task::Classification,
        about: "handwritten digits 0-9 from 8x8 pixel counts",
        csv: include_str!("../../datasets/digits.csv"),
    },
    Builtin {
        name: "penguins",
        target: Some("species"),
        messy: true,
        task: Task::Classification,
        about: "Palmer penguin species, as shipped: text columns, NA cells, target first (or body_mass_g for regression)",
        csv: include_str!("../../datasets/penguins.csv"),
    },
];

/// The built-in data set called `name`.
pub fn builtin(name: &str) -> crate::Result<&'static Builtin> {
    BUILTINS
        .iter()
        .find(|b| b.name == name)
        .ok_or_else(|| crate::Error::Unknown {
            kind: "data set",
            name: name.to_string(),
            known: BUILTINS
                .iter()
                .map(|b| b.name)
                .collect::<Vec<_>>()
                .join(", "),
        })
}
