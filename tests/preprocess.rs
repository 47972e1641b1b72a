//! In-fold preprocessing equals scikit-learn's pipelines on the same folds, through the fast
//! paths and the generic one. Reference: tests/reference/preprocess.json from
//! make_preprocess_reference.py (`make_pipeline(ColumnTransformer(imputer → scaler,
//! imputer → one-hot), estimator)` refitted on seedfold's folds).

mod common;

use common::reference;
use seedfold::data::{load, DataSpec};
use seedfold::preprocess::{Impute, Preprocess, Scaling, Steps};
use seedfold::split::{SplitConfig, SplitterKind};

fn spec(case: &serde_json::Value) -> DataSpec {
    let flags: Vec<&str> = case["flags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f.as_str().unwrap())
        .collect();
    let value = |flag: &str| {
        flags
            .iter()
            .position(|f| *f == flag)
            .map(|i| flags[i + 1].to_string())
    };
    let enum_value = |flag: &str| value(flag).map(serde_json::Value::String);
    DataSpec {
        target: Some(case["target"].as_str().unwrap().into()),
        preprocess: Preprocess {
            steps: Steps {
                impute: enum_value("--impute")
                    .map(|v| serde_json::from_value::<Impute>(v).unwrap()),
                scale: enum_value("--scale")
                    .map_or(Scaling::None, |v| serde_json::from_value(v).unwrap()),
                ..Steps::default()
            },
            ..Preprocess::default()
        },
        ..DataSpec::builtin(case["dataset"].as_str().unwrap())
    }
}

#[test]
fn fast_and_generic_paths_equal_scikit_learn_pipelines_fold_by_fold() {
    let r = reference("preprocess.json");
    let seeds: Vec<u64> = (0..r["seeds"].as_u64().unwrap()).collect();
    let split = SplitConfig {
        kind: SplitterKind::Kfold,
        folds: r["folds"].as_u64().unwrap() as usize,
        ..Default::default()
    };
    let mut problems = Vec::new();
    let mut compared = 0;
    for (name, case) in r["cases"].as_object().unwrap() {
        let table = load(&spec(case)).unwrap().table;
        let model = case["model"].as_str().unwrap();
        let metric = case["metric"].as_str().unwrap();
        let tolerance = if model.starts_with("logistic") {
            1e-6
        } else {
            1e-9
        };
        // logistic's generic path is the same Newton solver (exact_linfa swaps in linfa's
        // L-BFGS, a different solver); least squares' is linfa's exact ridge
        let paths: &[bool] = if model.starts_with("logistic") {
            &[false]
        } else {
            &[false, true]
        };
        for &exact_linfa in paths {
            let records =
                common::study_on_path(&table, model, &split, &seeds, &[0], &[metric], exact_linfa);
            assert_eq!(records.len(), seeds.len() * split.folds, "{name}");
            for rec in records {
                let want = case["scores"][format!("{}/{}", rec.split_seed, rec.fold)]
                    .as_f64()
                    .unwrap();
                let got = rec.value.unwrap_or(f64::NAN);
                compared += 1;
                if (got - want).abs().is_nan() || (got - want).abs() > tolerance {
                    problems.push(format!(
                        "{name} (exact_linfa {exact_linfa}) seed {} fold {}: seedfold {got:.12} vs scikit-learn {want:.12}",
                        rec.split_seed, rec.fold
                    ));
                }
            }
        }
    }
    assert!(compared >= 100, "only {compared} folds compared");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn each_fold_is_preprocessed_with_its_training_rows_only() {
    use ndarray::Array2;
    use seedfold::data::{Table, Target};
    use seedfold::preprocess::FeatureKind;
    use seedfold::split::Fold;
    // rows 0..6 train; the test rows 6..8 carry a huge number, a missing cell and a category
    // (code 2) that no training row has
    let x = Array2::from_shape_vec(
        (8, 2),
        vec![
            1.0,
            0.0,
            2.0,
            1.0,
            3.0,
            0.0,
            f64::NAN,
            1.0,
            5.0,
            0.0,
            6.0,
            1.0, //
            1e12,
            2.0,
            f64::NAN,
            0.0,
        ],
    )
    .unwrap();
    let table = Table {
        kinds: vec![
            FeatureKind::Numeric,
            FeatureKind::Categorical(vec!["a".into(), "b".into(), "c".into()]),
        ],
        steps: Steps {
            impute: Some(Impute::Mean),
            scale: Scaling::Standard,
            ..Steps::default()
        },
        ..Table::numeric(
            "leak",
            x,
            Target::Regression((0..8).map(f64::from).collect()),
            vec!["v".into(), "c".into()],
        )
    };
    let fold = Fold {
        train: (0..6).collect(),
        test: vec![6, 7],
    };
    let (data, unseen) = seedfold::run::gather(&table, &fold);
    let seedfold::model::FoldTrain::Values(train) = &data.train else {
        panic!()
    };
    // the training column is exactly standardised by its own mean (3.4, the imputed value too)
    // and standard deviation: a test row's 1e12 would have moved both
    let v = train.records.column(0);
    let mean = v.sum() / 6.0;
    let sd = (v.mapv(|a| (a - mean) * (a - mean)).sum() / 6.0).sqrt();
    assert!(mean.abs() < 1e-12 && (sd - 1.0).abs() < 1e-12, "{v}");
    // the test row with a missing cell gets the training mean, i.e. 0 after scaling
    assert!(data.x_test[[1, 0]].abs() < 1e-12);
    // categories a and b were seen in training: two one-hot columns; c is all zeros at test
    assert_eq!(train.records.ncols(), 3);
    assert_eq!(
        data.x_test.row(0).slice(ndarray::s![1..]).to_vec(),
        [0.0, 0.0]
    );
    assert_eq!(unseen, 1);
}
