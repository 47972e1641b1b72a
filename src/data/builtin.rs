//! The data sets shipped inside the binary (see `datasets/README.md` for their provenance), so
//! the main command works on a fresh machine with no download.

use super::Task;

/// A data set compiled into seedfold.
#[derive(Debug, Clone, Copy)]
pub struct Builtin {
    /// The name used with `--dataset`.
    pub name: &'static str,
    /// The task its last column (the target) asks for.
    pub task: Task,
    /// One line on what it is.
    pub about: &'static str,
    /// The CSV text.
    pub csv: &'static str,
}

/// Every built-in data set.
pub const BUILTINS: &[Builtin] = &[
    Builtin {
        name: "diabetes",
        task: Task::Regression,
        about: "disease progression one year after baseline (Efron et al. 2004)",
        csv: include_str!("../../datasets/diabetes.csv"),
    },
    Builtin {
        name: "breast_cancer",
        task: Task::Classification,
        about: "Wisconsin diagnostic breast cancer, malignant vs benign",
        csv: include_str!("../../datasets/breast_cancer.csv"),
    },
    Builtin {
        name: "iris",
        task: Task::Classification,
        about: "Fisher's iris species (rows sorted by class)",
        csv: include_str!("../../datasets/iris.csv"),
    },
    Builtin {
        name: "wine",
        task: Task::Classification,
        about: "wine cultivar from chemical analysis",
        csv: include_str!("../../datasets/wine.csv"),
    },
    Builtin {
        name: "digits",
        task: Task::Classification,
        about: "handwritten digits 0-9 from 8x8 pixel counts",
        csv: include_str!("../../datasets/digits.csv"),
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
