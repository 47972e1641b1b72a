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

fn model(spec: &str, task: Task) -> std::sync::Arc<dyn Model> {
    build_models(&ModelSpec::parse(spec).unwrap(), task, false)
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
    model
        .fit_predict(
            &data,
            stream(
                0,
                Purpose::Model {
                    split_seed: 0,
                    fold: 0,
                },
            ),
        )
        .map(|fitted| fitted.predictions)
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
            model(name, Task::Regression).as_ref(),
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
        preprocess: Default::default(),
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
        model("logistic:max_iter=1000", Task::Classification).as_ref(),
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
        model("logistic:max_iter=1000", Task::Classification).as_ref(),
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
        model("logistic", Task::Classification).as_ref(),
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
        "knn",
        "tree",
        "forest:trees=10",
        "boosting:rounds=20",
    ] {
        let p = predict(
            model(spec, Task::Regression).as_ref(),
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
    for spec in [
        "logistic",
        "tree",
        "forest:trees=10",
        "naive_bayes",
        "svm",
        "knn",
        "boosting:rounds=20",
    ] {
        let p = predict(
            model(spec, Task::Classification).as_ref(),
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
    for spec in [
        "logistic",
        "tree",
        "forest:trees=10",
        "naive_bayes",
        "knn:k=3",
        "svm",
        "boosting:rounds=20",
    ] {
        let p = predict(model(spec, Task::Classification).as_ref(), &x, &y, 140).unwrap();
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
    let forest = model("forest:trees=15", Task::Classification);
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
            .predictions
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
    let e = predict(model("logistic", Task::Classification).as_ref(), &x, &y, 4).unwrap_err();
    assert!(!e.is_empty());
}

#[test]
fn catalogue_errors_list_what_exists() {
    let err = |spec: &str, task| {
        build_models(&ModelSpec::parse(spec).unwrap(), task, false)
            .err()
            .unwrap()
            .to_string()
    };
    assert!(err("xgboost", Task::Regression).contains("unknown model 'xgboost'. Known: ols, ridge"));
    assert!(err("ridge:beta=1", Task::Regression)
        .ends_with("unknown parameter 'beta (model ridge)'. Known: alpha"));
    assert!(err("naive_bayes", Task::Regression)
        .contains("model 'naive_bayes' does not do regression; for regression use one of: ols"));
    assert!(err("tree:criterion=gini", Task::Regression)
        .contains("criterion gini does not do regression; use squared_error"));
    assert!(err("forest:max_features=2.5", Task::Regression)
        .contains("neither a share in (0, 1) nor a whole count"));
    assert!(err("forest:min_samples_leaf=0", Task::Regression).contains(
        "min_samples_leaf of model 'forest:min_samples_leaf=0' must be a whole number ≥ 1"
    ));
    assert!(err("ridge:alpha=x", Task::Regression)
        .contains("parameter alpha of model 'ridge:alpha=x' must be a number ≥ 0, got 'x'"));
    assert!(err("tree:criterion=mse", Task::Classification)
        .contains("one of auto, gini, entropy, squared_error"));
    assert!(err("ridge:alpha=1|1", Task::Regression).contains("given twice"));
}

#[test]
fn naive_bayes_matches_scikit_learn_on_every_classification_data_set() {
    // digits' log-likelihoods reach −10⁴: without log-sum-exp they underflow to NaN
    let r = reference("models.json");
    for (name, want) in r["naive_bayes"].as_object().unwrap() {
        let table = load(&DataSpec::builtin(name)).unwrap().table;
        let (labels, classes) = table.y.classes().unwrap();
        let test: Vec<usize> = (0..table.n_rows()).filter(|i| i % 5 == 0).collect();
        let train: Vec<usize> = (0..table.n_rows()).filter(|i| i % 5 != 0).collect();
        let data = FoldData {
            train: FoldTrain::Classes(
                DatasetBase::new(
                    table.x.select(ndarray::Axis(0), &train),
                    labels.select(ndarray::Axis(0), &train),
                ),
                classes.len(),
            ),
            x_test: table.x.select(ndarray::Axis(0), &test),
        };
        let fitted = model("naive_bayes", Task::Classification)
            .fit_predict(&data, stream(0, Purpose::Split))
            .unwrap();
        let Predictions::Classes {
            labels: predicted,
            probabilities: Some(p),
        } = fitted.predictions
        else {
            panic!("{name}: no probabilities")
        };
        let want_labels: Vec<usize> = want["labels"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_u64().unwrap() as usize)
            .collect();
        assert_eq!(predicted, want_labels, "{name}: labels");
        let err = p
            .iter()
            .zip(floats(&want["probabilities"]))
            .map(|(a, b)| (a - b).abs())
            .fold(0.0, f64::max);
        assert!(err < 1e-9, "{name}: probabilities differ by {err:e}");
    }
}

/// 5-fold accuracy of `spec` on `table`, fold by fold (2 split seeds × 2 model seeds).
fn fold_accuracies(spec: &str, table: &seedfold::data::Table) -> Vec<f64> {
    common::study(
        table,
        spec,
        &Default::default(),
        &[0, 1],
        &[0, 1],
        &["accuracy"],
    )
    .iter()
    .map(|r| r.value.unwrap())
    .collect()
}

#[test]
fn trees_and_forests_separate_tied_values_perfectly() {
    // 160 rows, 4 tied values per feature; the class is "a ≥ 2", b is noise. A tree that skips
    // thresholds where the next row of the global sort order ties scores about 0.75 here.
    let n = 160;
    let x = Array2::from_shape_fn((n, 2), |(i, j)| {
        if j == 0 {
            ((i * 7) % 4) as f64
        } else {
            ((i * 13) % 5) as f64
        }
    });
    let labels: Vec<usize> = (0..n).map(|i| usize::from(x[[i, 0]] >= 2.0)).collect();
    let mut table = common::class_table(&labels, None);
    table.x = x;
    for spec in ["tree", "tree:criterion=entropy", "forest:trees=10"] {
        let accuracies = fold_accuracies(spec, &table);
        assert!(
            accuracies.iter().all(|&a| a == 1.0),
            "{spec}: {accuracies:?}"
        );
    }
}

#[test]
fn regression_trees_and_forests_fit_values() {
    let diabetes = load(&DataSpec::builtin("diabetes")).unwrap().table;
    for spec in ["tree:max_depth=3", "forest:trees=20"] {
        let Predictions::Values(p) = predict(
            model(spec, Task::Regression).as_ref(),
            &diabetes.x,
            &diabetes.y,
            400,
        )
        .unwrap() else {
            panic!("{spec} gave classes")
        };
        let Target::Regression(y) = &diabetes.y else {
            panic!()
        };
        let truth = y.slice(s![400..]);
        let mean = truth.mean().unwrap();
        let sse: f64 = truth.iter().zip(&p).map(|(t, v)| (t - v).powi(2)).sum();
        let sst: f64 = truth.iter().map(|t| (t - mean).powi(2)).sum();
        assert!(1.0 - sse / sst > 0.2, "{spec}: r2 {}", 1.0 - sse / sst);
    }
}

#[test]
fn fits_stopped_at_their_iteration_cap_are_flagged() {
    let wine = load(&DataSpec::builtin("wine")).unwrap().table;
    let diabetes = load(&DataSpec::builtin("diabetes")).unwrap().table;
    let fit = |spec: &str, task, k, table: &seedfold::data::Table| {
        let train = match &table.y {
            Target::Regression(v) => {
                FoldTrain::Values(DatasetBase::new(table.x.clone(), v.clone()))
            }
            Target::Classification { labels, .. } => {
                FoldTrain::Classes(DatasetBase::new(table.x.clone(), labels.clone()), k)
            }
        };
        let data = FoldData {
            train,
            x_test: table.x.clone(),
        };
        model(spec, task)
            .fit_predict(&data, stream(0, Purpose::Split))
            .unwrap()
            .warning
    };
    for (spec, task, k, table) in [
        ("logistic:max_iter=2", Task::Classification, 3, &wine),
        (
            "tweedie:power=1,alpha=0.001,max_iter=2",
            Task::Regression,
            0,
            &diabetes,
        ),
        (
            "lasso:alpha=0.01,max_iter=2",
            Task::Regression,
            0,
            &diabetes,
        ),
    ] {
        let warning = fit(spec, task, k, table);
        assert!(
            warning
                .as_deref()
                .is_some_and(|w| w.starts_with("not converged")),
            "{spec}: {warning:?}"
        );
    }
    for (spec, task, k, table) in [
        ("logistic", Task::Classification, 3, &wine),
        (
            "tweedie:power=1,alpha=0.001",
            Task::Regression,
            0,
            &diabetes,
        ),
        ("lasso:alpha=0.01", Task::Regression, 0, &diabetes),
    ] {
        assert_eq!(
            fit(spec, task, k, table),
            None,
            "{spec} converges by default"
        );
    }
}

#[test]
fn knn_needs_as_many_training_rows_as_neighbours() {
    let x = Array2::from_shape_fn((6, 1), |(i, _)| i as f64);
    let y = Target::Regression(vec![0.0, 1.0, 2.0, 3.0, 4.0, 5.0].into());
    let e = predict(model("knn:k=5", Task::Regression).as_ref(), &x, &y, 4).unwrap_err();
    assert!(
        e.contains("k = 5 neighbours but only 4 training rows"),
        "{e}"
    );
    let Predictions::Values(v) =
        predict(model("knn:k=2", Task::Regression).as_ref(), &x, &y, 4).unwrap()
    else {
        panic!()
    };
    // rows 4 and 5: the nearest two training rows are 3 and 2 → mean 2.5
    assert_eq!(v, vec![2.5, 2.5]);
}

#[test]
fn boosting_copes_with_a_class_absent_from_training_and_with_nothing_to_split() {
    // three classes, the third never in the training rows: its probability is tiny, not NaN
    let x = Array2::from_shape_fn((60, 2), |(i, j)| ((i * (j + 3)) % 17) as f64);
    let labels: Vec<usize> = (0..60).map(|i| if i < 50 { i % 2 } else { 2 }).collect();
    let y = Target::Classification {
        labels: labels.into(),
        classes: vec!["a".into(), "b".into(), "c".into()],
    };
    let Predictions::Classes {
        probabilities: Some(p),
        ..
    } = predict(model("boosting", Task::Classification).as_ref(), &x, &y, 50).unwrap()
    else {
        panic!()
    };
    for row in p.chunks(3) {
        assert!((row.iter().sum::<f64>() - 1.0).abs() < 1e-12, "{row:?}");
        assert!(row[2] < 1e-6, "{row:?}");
    }
    // a constant feature cannot be split: every prediction is the training mean
    let x = Array2::from_elem((30, 1), 7.0);
    let y = Target::Regression((0..30).map(f64::from).collect());
    let Predictions::Values(v) =
        predict(model("boosting", Task::Regression).as_ref(), &x, &y, 25).unwrap()
    else {
        panic!()
    };
    assert!(v.iter().all(|&p| (p - 12.0).abs() < 1e-12), "{v:?}");
    let e = build_models(
        &ModelSpec::parse("boosting:max_bins=256").unwrap(),
        Task::Regression,
        false,
    )
    .err()
    .unwrap()
    .to_string();
    assert!(e.contains("from 2 to 255"), "{e}");
}

/// Boosting's probabilities pinned to the bit (golden digests): they pass through its
/// exponential and logarithm, taken from libm so that they are the same on every CPU (the C
/// library's versions pick an FMA variant at run time; BENCHMARKS.md, "Records across CPUs").
/// With the C library's `exp` both digests change.
#[test]
fn boosting_probabilities_are_pinned_to_the_bit() {
    let x = Array2::from_shape_fn((240, 3), |(i, j)| {
        ((i * (7 + 5 * j) + 3 * j) % 97) as f64 / 9.0
    });
    for (k, pinned) in [(2, 0x0ec8_f59e_b136_5d2d_u64), (3, 0xaff3_de8a_ab9a_0f43)] {
        let digest = probabilities_digest("boosting:rounds=30", &x, k);
        assert_eq!(digest, pinned, "{k} classes: digest {digest:#018x}");
    }
}

/// The digest of `spec`'s test-row probabilities for `k` classes made from `x`'s first three
/// columns, trained on the first 180 rows.
fn probabilities_digest(spec: &str, x: &Array2<f64>, k: usize) -> u64 {
    let labels: Vec<usize> = (0..x.nrows())
        .map(|i| ((x[[i, 0]] + 2.0 * x[[i, 1]] - x[[i, 2]]).abs() as usize + i % 7 / 6) % k)
        .collect();
    let y = Target::Classification {
        labels: labels.into(),
        classes: (0..k).map(|c| c.to_string()).collect(),
    };
    let Predictions::Classes {
        probabilities: Some(p),
        ..
    } = predict(model(spec, Task::Classification).as_ref(), x, &y, 180).unwrap()
    else {
        panic!("{spec}: no probabilities")
    };
    digest(&p)
}

/// FNV-1a over the bits of `values`.
fn digest(values: &[f64]) -> u64 {
    values.iter().fold(0xcbf2_9ce4_8422_2325_u64, |h, v| {
        (h ^ v.to_bits()).wrapping_mul(0x0100_0000_01b3)
    })
}

/// The linear and Newton models' predictions pinned to the bit (golden digests): their
/// products and Cholesky factors sum in index order without fused operations, and their
/// exponentials and logarithms come from libm, so every CPU gives these bits (checked on qemu
/// as a CPU without AVX or FMA; BENCHMARKS.md, "Records across CPUs").
#[test]
fn linear_and_newton_predictions_are_pinned_to_the_bit() {
    let x = Array2::from_shape_fn((240, 4), |(i, j)| {
        ((i * (7 + 5 * j) + 3 * j) % 97) as f64 / 9.0 + j as f64
    });
    let values: Vec<f64> = (0..240)
        .map(|i| x[[i, 0]] - 0.5 * x[[i, 1]] + 0.25 * x[[i, 3]] + (i % 5) as f64 / 3.0 + 4.0)
        .collect();
    let regression = Target::Regression(values.into());
    let pinned_values = [
        ("ols", 0x4c42_0df6_159a_7a6a_u64),
        ("ridge:alpha=3", 0x2d78_e04b_8b20_d4a9),
        ("lasso:alpha=0.05", 0x1989_215b_c631_b437),
        ("tweedie:power=1.5", 0xe319_77c1_9142_51d0),
    ];
    for (spec, pinned) in pinned_values {
        let Predictions::Values(p) =
            predict(model(spec, Task::Regression).as_ref(), &x, &regression, 180).unwrap()
        else {
            panic!("{spec}: no values")
        };
        let digest = digest(&p);
        assert_eq!(digest, pinned, "{spec}: digest {digest:#018x}");
    }
    for (spec, k, pinned) in [
        ("logistic", 2, 0x83e8_00db_2542_f320_u64),
        ("logistic", 3, 0x6743_a864_f23c_88f9),
        ("naive_bayes", 3, 0x644d_f2f5_aa1f_690c),
    ] {
        let digest = probabilities_digest(spec, &x, k);
        assert_eq!(digest, pinned, "{spec}, {k} classes: digest {digest:#018x}");
    }
}
