//! Catalogue models against scikit-learn's predictions on the same rows, plus failure capture.
//! Reference: tests/reference/models.json from make_model_reference.py.

mod common;

use common::{floats, reference};

use linfa::DatasetBase;
use ndarray::{s, Array2};
use seedfold::data::{load, DataSource, DataSpec, Target, Task};
use seedfold::metric::Predictions;
use seedfold::model::{build_models, FoldData, FoldTrain, Model, ModelSpec};
use seedfold::rng::{stream, Purpose};

fn model(spec: &str, task: Task, n_classes: usize) -> Box<dyn Model> {
    build_models(&ModelSpec::parse(spec).unwrap(), task, n_classes, false)
        .unwrap()
        .remove(0)
}

fn predict(
    model: &dyn Model,
    x: &Array2<f64>,
    y: &Target,
    cut: usize,
) -> Result<Predictions, String> {
    let train = match y {
        Target::Regression(v) => FoldTrain::Values(DatasetBase::new(
            x.slice(s![..cut, ..]).to_owned(),
            v.slice(s![..cut]).to_owned(),
        )),
        Target::Classification { labels, classes } => FoldTrain::Classes(
            DatasetBase::new(
                x.slice(s![..cut, ..]).to_owned(),
                labels.slice(s![..cut]).to_owned(),
            ),
            classes.len(),
        ),
    };
    let data = FoldData {
        train,
        x_test: x.slice(s![cut.., ..]).to_owned(),
    };
    model.fit_predict(
        &data,
        stream(
            0,
            Purpose::Model {
                split_seed: 0,
                fold: 0,
            },
        ),
    )
}

fn max_relative_error(got: &[f64], want: &[f64]) -> f64 {
    assert_eq!(got.len(), want.len());
    got.iter()
        .zip(want)
        .map(|(g, w)| (g - w).abs() / w.abs().max(1.0))
        .fold(0.0, f64::max)
}

#[test]
fn linear_models_match_scikit_learn() {
    let r = reference("models.json");
    let table = load(&DataSpec::builtin("diabetes")).unwrap().table;
    let cut = r["diabetes_train_rows"].as_u64().unwrap() as usize;
    // least squares (ols, ridge) is exact; coordinate descent (lasso, elastic net) stops at its tolerance
    for (name, tolerance) in [
        ("ols", 1e-9),
        ("ridge", 1e-9),
        ("ridge:alpha=100", 1e-9),
        ("lasso", 1e-4),
        ("elasticnet:alpha=0.5,l1_ratio=0.3", 1e-4),
    ] {
        let want = floats(&r["regression"][name]);
        let Predictions::Values(got) = predict(
            model(name, Task::Regression, 0).as_ref(),
            &table.x,
            &table.y,
            cut,
        )
        .unwrap() else {
            panic!("{name} gave classes")
        };
        let err = max_relative_error(&got, &want);
        assert!(err < tolerance, "{name}: max relative error {err:e}");
    }
}

fn classes_table() -> seedfold::data::Table {
    let spec = DataSpec {
        source: DataSource::File(common::test_file("reference/classes.csv")),
        target: Some("label".into()),
        features: None,
        groups: None,
        task: Some(Task::Classification),
    };
    load(&spec).unwrap().table
}

#[test]
fn logistic_matches_scikit_learn_binary_and_multinomial() {
    let r = reference("models.json");
    let cut = r["classification_train_rows"].as_u64().unwrap() as usize;
    let table = classes_table();
    let (labels, _) = table.y.classes().unwrap();
    // binary: class 2 against the rest, with the rest as class 0 so that class 1 = "is 2"
    let binary = Target::Classification {
        labels: labels.mapv(|c| usize::from(c == 2)),
        classes: vec!["no".into(), "yes".into()],
    };
    let Predictions::Classes {
        probabilities: Some(p),
        ..
    } = predict(
        model("logistic:max_iter=1000", Task::Classification, 2).as_ref(),
        &table.x,
        &binary,
        cut,
    )
    .unwrap()
    else {
        panic!("no probabilities")
    };
    let p1: Vec<f64> = p.chunks(2).map(|row| row[1]).collect();
    let err = max_relative_error(&p1, &floats(&r["logistic_binary_p1"]));
    assert!(err < 1e-3, "binary logistic: max error {err:e}");

    let Predictions::Classes {
        probabilities: Some(p),
        labels: predicted,
    } = predict(
        model("logistic:max_iter=1000", Task::Classification, 3).as_ref(),
        &table.x,
        &table.y,
        cut,
    )
    .unwrap()
    else {
        panic!("no probabilities")
    };
    let want: Vec<f64> = r["logistic_multinomial"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(floats)
        .collect();
    let err = max_relative_error(&p, &want);
    assert!(err < 1e-3, "multinomial logistic: max error {err:e}");
    assert_eq!(predicted.len(), labels.len() - cut);
}

#[test]
fn binary_logistic_probability_is_for_class_one_whatever_linfa_picks() {
    // class 1 is the minority here, so linfa-logistic's own "positive" class is class 0
    let table = classes_table();
    let (labels, _) = table.y.classes().unwrap();
    let minority = Target::Classification {
        labels: labels.mapv(|c| usize::from(c == 0)),
        classes: vec!["a".into(), "b".into()],
    };
    let Predictions::Classes {
        probabilities: Some(p),
        labels: predicted,
    } = predict(
        model("logistic", Task::Classification, 2).as_ref(),
        &table.x,
        &minority,
        180,
    )
    .unwrap()
    else {
        panic!("no probabilities")
    };
    for (row, &label) in p.chunks(2).zip(&predicted) {
        assert_eq!(
            label,
            usize::from(row[1] > row[0]),
            "label must follow the class-1 probability"
        );
    }
    let truth: Vec<usize> = labels
        .iter()
        .skip(180)
        .map(|&c| usize::from(c == 0))
        .collect();
    let accuracy =
        truth.iter().zip(&predicted).filter(|(a, b)| a == b).count() as f64 / truth.len() as f64;
    assert!(
        accuracy > 0.6,
        "a flipped class mapping would score far below chance: {accuracy}"
    );
}

#[test]
fn every_catalogue_model_fits_its_tasks() {
    let diabetes = load(&DataSpec::builtin("diabetes")).unwrap().table;
    for spec in [
        "ols",
        "ridge",
        "lasso",
        "elasticnet",
        "tweedie",
        "svm:kernel=linear",
        "svm",
    ] {
        let p = predict(
            model(spec, Task::Regression, 0).as_ref(),
            &diabetes.x,
            &diabetes.y,
            400,
        );
        assert!(
            matches!(p, Ok(Predictions::Values(ref v)) if v.len() == 42),
            "{spec}: {p:?}"
        );
    }
    let cancer = load(&DataSpec::builtin("breast_cancer")).unwrap().table;
    let iris = load(&DataSpec::builtin("wine")).unwrap().table;
    for spec in ["logistic", "tree", "forest:trees=10", "naive_bayes", "svm"] {
        let p = predict(
            model(spec, Task::Classification, 2).as_ref(),
            &cancer.x,
            &cancer.y,
            500,
        );
        assert!(
            matches!(p, Ok(Predictions::Classes { ref labels, .. }) if labels.len() == 69),
            "{spec}: {p:?}"
        );
    }
    // wine rows are sorted by class: shuffle a copy so that training rows hold every class
    let order: Vec<usize> = (0..iris.n_rows())
        .map(|i| (i * 67) % iris.n_rows())
        .collect();
    let x = iris.x.select(ndarray::Axis(0), &order);
    let (labels, classes) = iris.y.classes().unwrap();
    let y = Target::Classification {
        labels: labels.select(ndarray::Axis(0), &order),
        classes: classes.to_vec(),
    };
    for spec in ["logistic", "tree", "forest:trees=10", "naive_bayes"] {
        let p = predict(model(spec, Task::Classification, 3).as_ref(), &x, &y, 140).unwrap();
        let Predictions::Classes {
            labels: predicted,
            probabilities,
        } = p
        else {
            panic!()
        };
        let truth = y.classes().unwrap().0.slice(s![140..]).to_vec();
        let accuracy = truth.iter().zip(&predicted).filter(|(a, b)| a == b).count() as f64
            / truth.len() as f64;
        assert!(accuracy > 0.5, "{spec}: accuracy {accuracy}");
        if let Some(p) = probabilities {
            assert!(
                p.chunks(3)
                    .all(|row| (row.iter().sum::<f64>() - 1.0).abs() < 1e-9),
                "{spec}: rows must sum to 1"
            );
        }
    }
}

#[test]
fn forest_is_reproducible_per_seed_and_varies_across_seeds() {
    let cancer = load(&DataSpec::builtin("breast_cancer")).unwrap().table;
    let forest = model("forest:trees=15", Task::Classification, 2);
    let fit = |seed| {
        let train = FoldTrain::Classes(
            DatasetBase::new(
                cancer.x.slice(s![..400, ..]).to_owned(),
                cancer.y.classes().unwrap().0.slice(s![..400]).to_owned(),
            ),
            2,
        );
        let data = FoldData {
            train,
            x_test: cancer.x.slice(s![400.., ..]).to_owned(),
        };
        forest
            .fit_predict(
                &data,
                stream(
                    seed,
                    Purpose::Model {
                        split_seed: 0,
                        fold: 0,
                    },
                ),
            )
            .unwrap()
    };
    assert_eq!(fit(1), fit(1));
    assert_ne!(fit(1), fit(2));
}

#[test]
fn failures_are_reported_not_fatal() {
    // one class in the training rows: the binary logistic fit must fail with a reason
    let x = Array2::from_shape_fn((6, 1), |(i, _)| i as f64);
    let y = Target::Classification {
        labels: vec![0, 0, 0, 0, 1, 1].into(),
        classes: vec!["a".into(), "b".into()],
    };
    let e = predict(
        model("logistic", Task::Classification, 2).as_ref(),
        &x,
        &y,
        4,
    )
    .unwrap_err();
    assert!(!e.is_empty());
}

#[test]
fn catalogue_errors_list_what_exists() {
    let err = |spec: &str, task, k| {
        build_models(&ModelSpec::parse(spec).unwrap(), task, k, false)
            .err()
            .unwrap()
            .to_string()
    };
    assert!(
        err("xgboost", Task::Regression, 0).contains("unknown model 'xgboost'. Known: ols, ridge")
    );
    assert!(err("ridge:beta=1", Task::Regression, 0)
        .ends_with("unknown parameter 'beta (model ridge)'. Known: alpha"));
    assert!(err("tree", Task::Regression, 0)
        .contains("model 'tree' does not do regression; for regression use one of: ols"));
    assert!(err("ridge:alpha=x", Task::Regression, 0)
        .contains("parameter alpha of model 'ridge:alpha=x' must be a number ≥ 0, got 'x'"));
    assert!(err("svm", Task::Classification, 3).contains("svm classifies two classes only"));
    assert!(err("tree:criterion=mse", Task::Classification, 2).contains("one of gini, entropy"));
    assert!(err("ridge:alpha=1|1", Task::Regression, 0).contains("given twice"));
}
