//! `seedfold datasets`: the built-in data sets.

use anyhow::Result;
use seedfold::data::{load, DataSpec, Target, BUILTINS};

pub fn run() -> Result<()> {
    println!(
        "{:<14} {:>5} {:>8}  {:<15} {:<30} about",
        "name", "rows", "features", "task", "classes"
    );
    for b in BUILTINS {
        let table = load(&DataSpec::builtin(b.name))?.table;
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
    Ok(())
}
