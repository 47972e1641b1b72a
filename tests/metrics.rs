//! Every metric against scikit-learn's value on the same predictions (relative 1e-12).
//! Reference: tests/reference/metrics.json from make_metric_reference.py.

mod common;

use common::{floats, reference};

use seedfold::metric::{score, Metric, Predictions, Truth};

fn assert_close(got: f64, want: f64, what: &str) {
    let tol = 1e-12 * want.abs().max(1e-300);
    assert!(
        (got - want).abs() <= tol.max(1e-15),
        "{what}: seedfold {got} vs scikit-learn {want}"
    );
}

#[test]
fn regression_metrics_match_scikit_learn() {
    for case in reference("metrics.json")["regression"].as_array().unwrap() {
        let y = floats(&case["truth"]);
        let p = Predictions::Values(floats(&case["prediction"]));
        for (name, want) in case["values"].as_object().unwrap() {
            let metric: Metric = name.parse().unwrap();
            let got = score(metric, Truth::Values(&y), &p).unwrap();
            assert_close(
                got,
                want.as_f64().unwrap(),
                &format!("{} / {name}", case["name"]),
            );
        }
    }
}

#[test]
fn classification_metrics_match_scikit_learn() {
    let mut checked = 0;
    for case in reference("metrics.json")["classification"]
        .as_array()
        .unwrap()
    {
        let k = case["classes"].as_u64().unwrap() as usize;
        let y: Vec<usize> = floats(&case["truth"]).iter().map(|&v| v as usize).collect();
        let labels: Vec<usize> = floats(&case["prediction"])
            .iter()
            .map(|&v| v as usize)
            .collect();
        let probabilities = case["probabilities"]
            .as_array()
            .map(|rows| rows.iter().flat_map(floats).collect::<Vec<f64>>());
        let p = Predictions::Classes {
            labels,
            probabilities,
        };
        for (name, want) in case["values"].as_object().unwrap() {
            let metric: Metric = name.parse().unwrap();
            let got = score(metric, Truth::Classes(&y, k), &p).unwrap();
            assert_close(
                got,
                want.as_f64().unwrap(),
                &format!("{} / {name}", case["name"]),
            );
            checked += 1;
        }
    }
    assert!(checked >= 90, "only {checked} values checked");
}

#[test]
fn roc_auc_of_a_single_class_fold_is_an_error_not_nan() {
    let p = Predictions::Classes {
        labels: vec![1, 1],
        probabilities: Some(vec![0.2, 0.8, 0.4, 0.6]),
    };
    let e = score(Metric::RocAuc, Truth::Classes(&[1, 1], 2), &p).unwrap_err();
    assert!(e.contains("only one class"), "{e}");
}

#[test]
fn probability_metrics_need_probabilities() {
    let p = Predictions::Classes {
        labels: vec![1, 0],
        probabilities: None,
    };
    let e = score(Metric::LogLoss, Truth::Classes(&[1, 0], 2), &p).unwrap_err();
    assert!(e.contains("needs probabilities"), "{e}");
}

#[test]
fn metric_names_round_trip_and_unknown_lists_known() {
    for m in seedfold::metric::all_metrics() {
        assert_eq!(m.name().parse::<Metric>().unwrap(), m);
    }
    let e = "auc".parse::<Metric>().unwrap_err().to_string();
    assert!(
        e.contains("unknown metric 'auc'") && e.contains("roc_auc"),
        "{e}"
    );
}

#[test]
fn metrics_check_the_task() {
    use seedfold::data::Task;
    assert!(Metric::R2
        .check(Task::Classification, 3)
        .unwrap_err()
        .to_string()
        .contains("is for regression"));
    let e = Metric::RocAuc
        .check(Task::Classification, 3)
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("binary") && e.contains("use roc_auc_ovr, roc_auc_ovr_weighted or roc_auc_ovo"),
        "{e}"
    );
    for name in ["roc_auc_ovr", "roc_auc_ovr_weighted", "roc_auc_ovo"] {
        let m: Metric = name.parse().unwrap();
        assert!(m.check(Task::Classification, 3).is_ok() && m.needs_probabilities());
    }
    assert!(Metric::LogLoss.check(Task::Classification, 3).is_ok());
    assert!(!Metric::Rmse.higher_is_better() && Metric::Mcc.higher_is_better());
}

#[test]
fn multiclass_roc_auc_needs_every_class_in_the_fold() {
    let p = Predictions::Classes {
        labels: vec![0, 1, 1],
        probabilities: Some(vec![0.7, 0.2, 0.1, 0.2, 0.5, 0.3, 0.1, 0.6, 0.3]),
    };
    let e = score(
        "roc_auc_ovo".parse().unwrap(),
        Truth::Classes(&[0, 1, 1], 3),
        &p,
    )
    .unwrap_err();
    assert!(e.contains("class(es) 2 are missing"), "{e}");
}

#[test]
fn binary_roc_auc_ovr_is_roc_auc_on_saturated_probabilities() {
    // P(1) near 0 differs row to row, but 1 − P(1) rounds all of them to P(0) = 1: ranking
    // class 0's column would tie rows that class 1's column tells apart
    let p1 = [1e-17, 2e-17, 3e-17, 4e-17, 0.7, 0.8];
    let labels = [1, 0, 1, 0, 1, 0];
    let probabilities: Vec<f64> = p1.iter().flat_map(|&p| [1.0 - p, p]).collect();
    let predictions = Predictions::Classes {
        labels: p1.iter().map(|&p| usize::from(p > 0.5)).collect(),
        probabilities: Some(probabilities),
    };
    let truth = Truth::Classes(&labels, 2);
    let auc = score(Metric::RocAuc, truth, &predictions).unwrap();
    // scikit-learn: roc_auc_score(y, P[:, 1]) = 1/3 (and 5/9 on P[:, 0], where rows tie)
    assert!((auc - 1.0 / 3.0).abs() < 1e-15, "{auc}");
    for name in ["roc_auc_ovr", "roc_auc_ovr_weighted"] {
        let ovr = score(name.parse().unwrap(), truth, &predictions).unwrap();
        assert_eq!(ovr, auc, "{name}");
    }
}
