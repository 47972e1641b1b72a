//! `seedfold datasets`: the built-in data sets.

use anyhow::Result;
use seedfold::data::{load, DataSpec, Target, BUILTINS};
use seedfold::preprocess::Impute;

pub fn run() -> Result<()> {
    println!(
        "{:<14} {:>5} {:>8}  {:<15} {:<30} about",
        "name", "rows", "features", "task", "classes"
    );
    for b in BUILTINS {
        let mut spec = DataSpec::builtin(b.name);
        if b.messy {
            // counted as a run would see it: imputed inside folds, text one-hot encoded
            spec.preprocess.steps.impute = Some(Impute::Median);
        }
        let table = load(&spec)?.table;
        let classes = match &table.y {
            Target::Classification { classes, .. } => classes.join(" "),
            Target::Regression(_) => "-".into(),
        };
        let classes = if classes.len() > 30 {
            format!("{}…", &classes[..29])
        } else {
            classes
        };
        println!(
            "{:<14} {:>5} {:>8}  {:<15} {:<30} {}",
            b.name,
            table.n_rows(),
            table.x.ncols(),
            b.task.to_string(),
            classes,
            b.about
        );
    }
    let messy: Vec<&str> = BUILTINS
        .iter()
        .filter(|b| b.messy)
        .map(|b| b.name)
        .collect();
    if !messy.is_empty() {
        println!(
            "\n{} {} text columns and missing cells as shipped: run with --impute (median, mean, most-frequent or drop-rows); text columns are one-hot encoded inside each fold",
            messy.join(", "),
            if messy.len() == 1 { "has" } else { "have" }
        );
    }
    Ok(())
}
