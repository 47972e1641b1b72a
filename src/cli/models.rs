//! `seedfold models`: the model catalogue.

use seedfold::model::CATALOGUE;

pub fn run() {
    for m in CATALOGUE {
        let tasks: Vec<String> = m.tasks.iter().map(|t| t.to_string()).collect();
        let seeded = if m.stochastic {
            ", uses the model seed"
        } else {
            ""
        };
        println!("{:<12} {} [{}{seeded}]", m.name, m.about, tasks.join(", "));
        for (name, default, about) in m.params {
            println!("    {:<24} {about}", format!("{name}={default}"));
        }
    }
}
