//! `seedfold metrics`: every metric with its task, direction and range.

use seedfold::metric::all_metrics;

pub fn run() {
    println!(
        "{:<22} {:<15} {:<10} {:<12} scores",
        "name", "task", "better", "range"
    );
    for m in all_metrics() {
        let scale = m.scale();
        let bound = |v: f64| {
            if v.is_infinite() {
                if v > 0.0 { "∞" } else { "-∞" }.to_string()
            } else {
                format!("{v}")
            }
        };
        println!(
            "{:<22} {:<15} {:<10} {:<12} {}",
            m.name(),
            m.task().to_string(),
            if scale.higher_is_better {
                "higher"
            } else {
                "lower"
            },
            format!("[{}, {}]", bound(scale.range.0), bound(scale.range.1)),
            if m.needs_probabilities() {
                "probabilities"
            } else if m.task() == seedfold::data::Task::Regression {
                "values"
            } else {
                "labels"
            }
        );
    }
}
