//! The exact fast paths against the generic linfa paths: least squares from one Gram matrix
//! (1e-9 relative in predictions on well-conditioned data, fallback when ill-conditioned) and
//! binary logistic regression by Newton's method (coefficients within 1e-6 of linfa-logistic).

mod common;

use linfa::prelude::*;
use linfa::DatasetBase;
use linfa_logistic::LogisticRegression;
use ndarray::{Array1, Array2, Axis, ShapeBuilder};
use rand::{Rng, SeedableRng};
use seedfold::data::{load, DataSource, DataSpec, Target, Task};
use seedfold::metric::Predictions;
use seedfold::model::least_squares::{FoldRows, GramSystem, LeftOut, SeedFolds};
use seedfold::model::newton_logistic::NewtonLogistic;
use seedfold::model::{build_models, FoldData, FoldTrain, ModelSpec};
use seedfold::rng::{stream, Purpose};
use seedfold::split::{SplitConfig, Splitter, SplitterKind};

fn max_relative(a: &[f64], b: &[f64]) -> f64 {
    a.iter()
        .zip(b)
        .map(|(x, y)| (x - y).abs() / y.abs().max(1e-300))
        .fold(0.0, f64::max)
}

/// Generic-path predictions of `spec` for one fold.
fn generic(
    spec: &str,
    x: &Array2<f64>,
    y: &Array1<f64>,
    train: &[usize],
    test: &[usize],
) -> Vec<f64> {
    let model = build_models(&ModelSpec::parse(spec).unwrap(), Task::Regression, true)
        .unwrap()
        .remove(0);
    let data = FoldData {
        train: FoldTrain::Values(DatasetBase::new(
            x.select(Axis(0), train),
            y.select(Axis(0), train),
        )),
        x_test: x.select(Axis(0), test),
    };
    match model
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
        .unwrap()
        .predictions
    {
        Predictions::Values(v) => v,
        other => panic!("{other:?}"),
    }
}

fn check_least_squares(x: &Array2<f64>, y: &Array1<f64>, splitter: SplitterKind) -> f64 {
    let gram = GramSystem::new(x, y.view()).expect("no missing cells");
    let table = common::regression_table(y.to_vec(), None);
    let table = seedfold::data::Table {
        x: x.clone(),
        ..table
    };
    let config = SplitConfig {
        kind: splitter,
        folds: 5,
        ..SplitConfig::default()
    };
    let mut worst: f64 = 0.0;
    for seed in 0..3 {
        for fold in Splitter::new(&config, &table).unwrap().split(seed) {
            for (spec, alpha) in [
                ("ols", 0.0),
                ("ridge:alpha=1", 1.0),
                ("ridge:alpha=50", 50.0),
            ] {
                let fast = gram
                    .fit_predict(x, y.view(), (&fold.train, &fold.test), alpha, None)
                    .expect("well conditioned");
                worst = worst.max(max_relative(
                    &fast,
                    &generic(spec, x, y, &fold.train, &fold.test),
                ));
            }
        }
    }
    worst
}

#[test]
fn least_squares_fast_path_matches_linfa_on_diabetes() {
    let table = load(&DataSpec::builtin("diabetes")).unwrap().table;
    let Target::Regression(y) = &table.y else {
        panic!()
    };
    let worst = check_least_squares(&table.x, y, SplitterKind::Kfold);
    assert!(worst < 1e-9, "max relative difference {worst:e}");
}

#[test]
fn least_squares_fast_path_matches_linfa_on_random_data_and_windows() {
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(3);
    let (n, d) = (300, 8);
    let x = Array2::from_shape_fn((n, d), |(_, j)| {
        rng.gen::<f64>() * (j + 1) as f64 + j as f64
    });
    let w: Vec<f64> = (0..d).map(|j| j as f64 - 3.5).collect();
    let y: Array1<f64> = x
        .outer_iter()
        .map(|r| r.iter().zip(&w).map(|(a, b)| a * b).sum::<f64>() + rng.gen::<f64>())
        .collect();
    for splitter in [
        SplitterKind::Kfold,
        SplitterKind::ShuffleSplit,
        SplitterKind::TimeSeries,
    ] {
        let worst = check_least_squares(&x, &y, splitter);
        assert!(
            worst < 1e-9,
            "{splitter:?}: max relative difference {worst:e}"
        );
    }
    // a column-major copy of the features gives the same predictions
    let mut columns = Array2::zeros(x.dim().f());
    columns.assign(&x);
    let (train, test): (Vec<usize>, Vec<usize>) = (0..n).partition(|r| r % 4 != 1);
    let rows = GramSystem::new(&x, y.view()).unwrap().fit_predict(
        &x,
        y.view(),
        (&train, &test),
        0.5,
        None,
    );
    let cols = GramSystem::new(&columns, y.view()).unwrap().fit_predict(
        &columns,
        y.view(),
        (&train, &test),
        0.5,
        None,
    );
    assert_eq!(rows, cols);
}

/// Folds of `splitter` (5 of them) on a regression table of `x`'s rows, for `seed`.
fn folds_of(x: &Array2<f64>, splitter: SplitterKind, seed: u64) -> Vec<(Vec<usize>, Vec<usize>)> {
    let table = seedfold::data::Table {
        x: x.clone(),
        ..common::regression_table(vec![0.0; x.nrows()], None)
    };
    let config = SplitConfig {
        kind: splitter,
        folds: 5,
        ..SplitConfig::default()
    };
    let folds = Splitter::new(&config, &table).unwrap().split(seed);
    folds.into_iter().map(|f| (f.train, f.test)).collect()
}

#[test]
fn seeds_fitted_in_one_pass_give_the_bits_of_fold_by_fold() {
    // 1,503 rows: each fold holds whole tiles of rows and a part of one; the last column
    // duplicates the first, so ordinary least squares (α = 0) must decline every fold
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(5);
    let (n, d) = (1503, 6);
    let mut x = Array2::from_shape_fn((n, d), |(_, j)| rng.gen::<f64>() * (j + 1) as f64 - 0.5);
    let y: Array1<f64> = x.outer_iter().map(|r| r.sum() + rng.gen::<f64>()).collect();
    // two split seeds; a fold whose test rows are not in ascending order gets its predictions
    // in their order
    let mut folds = [7, 8].map(|seed| folds_of(&x, SplitterKind::Kfold, seed));
    folds[0][2].1.reverse();
    // per seed, per fold: the fold's column scales
    let scales: Vec<Vec<Vec<f64>>> = (0..2)
        .map(|s| {
            let fold = |f: usize| (0..d).map(move |j| 0.5 + ((s + f * d + j) % 7) as f64 / 3.0);
            (0..5).map(|f| fold(f).collect()).collect()
        })
        .collect();
    let pairs: Vec<Vec<FoldRows>> = folds
        .iter()
        .map(|folds| {
            folds
                .iter()
                .map(|(a, b)| (a.as_slice(), b.as_slice()))
                .collect()
        })
        .collect();
    let left_outs: Vec<LeftOut> = pairs
        .iter()
        .map(|p| LeftOut::of(p, n).expect("k-fold leaves out each fold's test rows"))
        .collect();
    let bits = |p: &Option<Vec<f64>>| {
        p.as_ref()
            .map(|v| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>())
    };
    for duplicated in [false, true] {
        if duplicated {
            let first = x.column(0).to_owned();
            x.column_mut(d - 1).assign(&first);
        }
        let gram = GramSystem::new(&x, y.view()).unwrap();
        let alphas = [0.0, 1.0, 50.0];
        // the work cut between 1 to 10 threads (13 are as many as 10 folds)
        let parts = [1, 2, 3, 13];
        for (scaled, parts) in [false, true].iter().flat_map(|s| parts.map(|p| (*s, p))) {
            let seeds: Vec<SeedFolds> = (0..2)
                .map(|s| SeedFolds {
                    folds: &pairs[s],
                    left_out: &left_outs[s],
                    scales: scaled.then_some(scales[s].as_slice()),
                })
                .collect();
            // one seed alone, and both sharing the passes
            for few in [&seeds[..1], &seeds[..]] {
                let together = gram.fit_predict_seeds(&x, y.view(), few, &alphas, parts);
                assert_eq!(together.len(), few.len());
                for (s, (seed, predicted)) in few.iter().zip(&together).enumerate() {
                    for (a, &alpha) in alphas.iter().enumerate() {
                        for (f, &fold) in seed.folds.iter().enumerate() {
                            let scale = seed.scales.map(|s| s[f].as_slice());
                            let alone = gram.fit_predict(&x, y.view(), fold, alpha, scale);
                            assert_eq!(alone.is_none(), duplicated && alpha == 0.0, "α {alpha}");
                            let at = format!("seed {s}, α {alpha}, fold {f}, {parts} parts");
                            assert_eq!(bits(&predicted[a][f]), bits(&alone), "{at}");
                        }
                    }
                }
            }
        }
    }
}

#[test]
fn only_folds_that_leave_out_their_test_rows_once_are_fitted_in_one_pass() {
    let x = Array2::from_shape_fn((200, 2), |(i, j)| ((i * (j + 3)) % 17) as f64);
    let fits = |folds: &[(Vec<usize>, Vec<usize>)]| {
        let views: Vec<FoldRows> = folds
            .iter()
            .map(|(a, b)| (a.as_slice(), b.as_slice()))
            .collect();
        LeftOut::of(&views, x.nrows()).is_some()
    };
    assert!(fits(&folds_of(&x, SplitterKind::Kfold, 1)));
    // a row tested by two folds (shuffle-split draws each fold's test rows anew)
    assert!(!fits(&folds_of(&x, SplitterKind::ShuffleSplit, 1)));
    // windows that train on fewer than half the rows
    assert!(!fits(&folds_of(&x, SplitterKind::TimeSeries, 1)));
    // a row both trained and tested on, with the counts still adding up to every row
    let mut folds = folds_of(&x, SplitterKind::Kfold, 1);
    let tested = folds[0].1[0];
    let trained = folds[0].0.iter().position(|&r| r != tested).unwrap();
    folds[0].0[trained] = tested;
    folds[0].0.sort_unstable();
    assert!(!fits(&folds));
    // a training row listed twice and one in neither list, the counts still adding up: the
    // fold-by-fold path leaves the missing row out, so this path must not take it
    let mut folds = folds_of(&x, SplitterKind::Kfold, 1);
    folds[0].0[1] = folds[0].0[0];
    assert!(!fits(&folds));
}

#[test]
fn least_squares_fast_path_refuses_ill_conditioned_systems() {
    let x = Array2::from_shape_fn((40, 3), |(i, j)| {
        if j == 2 {
            (i as f64) * 2.0
        } else {
            (i * (j + 1)) as f64 % 7.0 + i as f64
        }
    });
    let x = ndarray::concatenate![Axis(1), x, x.column(0).to_owned().insert_axis(Axis(1))];
    let y: Array1<f64> = (0..40).map(|i| i as f64).collect();
    let gram = GramSystem::new(&x, y.view()).unwrap();
    let train: Vec<usize> = (0..30).collect();
    let test: Vec<usize> = (30..40).collect();
    assert!(
        gram.fit_predict(&x, y.view(), (&train, &test), 0.0, None)
            .is_none(),
        "a duplicated column must send OLS to the generic path"
    );
    assert!(
        gram.fit_predict(&x, y.view(), (&train, &test), 1.0, None)
            .is_some(),
        "ridge regularises it"
    );
}

#[test]
fn least_squares_fast_path_declines_missing_cells() {
    let mut x = Array2::from_shape_fn((30, 2), |(i, j)| (i * (j + 2)) as f64 % 11.0);
    let y: Array1<f64> = (0..30).map(|i| i as f64).collect();
    assert!(GramSystem::new(&x, y.view()).is_some());
    x[[17, 1]] = f64::NAN;
    assert!(GramSystem::new(&x, y.view()).is_none());
}

#[test]
fn ridge_on_missing_cells_imputed_in_each_fold_scores_as_linfa() {
    let mut table = load(&DataSpec::builtin("diabetes")).unwrap().table;
    for (row, column) in [(3, 0), (50, 4), (51, 4), (300, 9)] {
        table.x[[row, column]] = f64::NAN;
    }
    table.steps.impute = Some(seedfold::preprocess::Impute::Mean);
    let split = SplitConfig::default();
    let scores = |exact_linfa| -> Vec<f64> {
        common::study_on_path(&table, "ridge", &split, &[0, 1], &[0], &["r2"], exact_linfa)
            .iter()
            .map(|r| r.value.unwrap())
            .collect()
    };
    let (fast, linfa) = (scores(false), scores(true));
    assert_eq!(fast.len(), 10);
    assert!(fast.iter().all(|v| v.is_finite()), "{fast:?}");
    assert!(max_relative(&fast, &linfa) < 1e-9, "{fast:?} vs {linfa:?}");
}

fn binary(name_or_file: &str) -> (Array2<f64>, Array1<usize>) {
    let spec = if name_or_file.ends_with(".csv") {
        DataSpec {
            source: DataSource::File(common::test_file(name_or_file)),
            target: Some("label".into()),
            features: None,
            groups: None,
            task: Some(Task::Classification),
            preprocess: Default::default(),
        }
    } else {
        DataSpec::builtin(name_or_file)
    };
    let table = load(&spec).unwrap().table;
    let (labels, _) = table.y.classes().unwrap();
    (table.x.clone(), labels.mapv(|c| usize::from(c == 1)))
}

#[test]
fn newton_logistic_matches_linfa_coefficients() {
    let (x, y) = binary("reference/classes.csv");
    let dataset = DatasetBase::new(x.clone(), y.clone());
    for alpha in [0.1, 1.0, 10.0] {
        let newton = NewtonLogistic {
            alpha,
            gradient_tolerance: 1e-10,
            ..NewtonLogistic::default()
        }
        .fit(&dataset)
        .unwrap();
        let linfa = LogisticRegression::default()
            .alpha(alpha)
            .gradient_tolerance(1e-10)
            .max_iterations(10_000)
            .fit(&dataset)
            .unwrap();
        let sign = if linfa.labels().pos.class == 1 {
            1.0
        } else {
            -1.0
        };
        let theirs: Vec<f64> = linfa
            .params()
            .iter()
            .map(|w| sign * w)
            .chain([sign * linfa.intercept()])
            .collect();
        let ours: Vec<f64> = newton
            .weights
            .iter()
            .copied()
            .chain([newton.intercept])
            .collect();
        let worst = max_relative(&ours, &theirs);
        assert!(
            worst < 1e-6,
            "alpha {alpha}: max relative difference {worst:e} ({ours:?} vs {theirs:?})"
        );
    }
}

#[test]
fn newton_logistic_predicts_like_linfa_at_linfas_defaults() {
    let (x, y) = binary("reference/classes.csv");
    let dataset = DatasetBase::new(x.clone(), y);
    let newton = NewtonLogistic::default().fit(&dataset).unwrap();
    let linfa = LogisticRegression::default().fit(&dataset).unwrap();
    let ours = newton.predict(&x);
    let theirs: Array1<usize> = linfa.predict(&x);
    assert_eq!(ours, theirs);
}

#[test]
fn newton_logistic_refuses_one_class() {
    let x = Array2::from_shape_fn((6, 2), |(i, j)| (i + j) as f64);
    let err = NewtonLogistic::default()
        .fit(&DatasetBase::new(x, Array1::<usize>::zeros(6)))
        .unwrap_err();
    assert!(
        err.to_string().contains("needs both class 0 and class 1"),
        "{err}"
    );
}

#[test]
fn newton_logistic_reaches_the_same_optimum_from_any_start() {
    let (x, y) = binary("breast_cancer");
    let fit = |dataset: &DatasetBase<Array2<f64>, Array1<usize>>, start| {
        NewtonLogistic {
            gradient_tolerance: 1e-10,
            start,
            ..NewtonLogistic::default()
        }
        .fit(dataset)
    };
    let all = DatasetBase::new(x.clone(), y.clone());
    let from_zero = fit(&all, None).unwrap();
    let flat = |m: &seedfold::model::newton_logistic::FittedNewtonLogistic| -> Vec<f64> {
        m.weights.iter().copied().chain([m.intercept]).collect()
    };
    // a fold's fit (the runner starts folds from the whole data's), and a far-off point where
    // every probability saturates, so the Hessian is singular and the fit begins from zero
    let rows: Vec<usize> = (0..x.nrows()).filter(|r| r % 5 != 0).collect();
    let fold = DatasetBase::new(x.select(Axis(0), &rows), y.select(Axis(0), &rows));
    let fold_fit = fit(&fold, None).unwrap();
    let far = (Array1::from_elem(x.ncols(), 0.5), -3.0);
    for start in [(fold_fit.weights.clone(), fold_fit.intercept), far] {
        let started = fit(&all, Some(start)).unwrap();
        let worst = max_relative(&flat(&started), &flat(&from_zero));
        assert!(worst < 1e-6, "max relative difference {worst:e}");
    }
    let at_optimum = fit(&all, Some((from_zero.weights.clone(), from_zero.intercept))).unwrap();
    assert_eq!(
        at_optimum.iterations, 0,
        "started at the optimum, no step is needed"
    );
    let err = fit(&all, Some((Array1::zeros(3), 0.0))).unwrap_err();
    assert!(
        err.to_string().contains("3 weights for 30 features"),
        "{err}"
    );
}

/// Probabilities of the catalogue's `logistic` on the first 80 % of rows, predicting the rest.
fn logistic_probabilities(x: &Array2<f64>, labels: &Array1<usize>, exact_linfa: bool) -> Vec<f64> {
    let model = build_models(
        &ModelSpec::parse("logistic").unwrap(),
        Task::Classification,
        exact_linfa,
    )
    .unwrap()
    .remove(0);
    let cut = x.nrows() * 4 / 5;
    let data = FoldData {
        train: FoldTrain::Classes(
            DatasetBase::new(
                x.slice(ndarray::s![..cut, ..]).to_owned(),
                labels.slice(ndarray::s![..cut]).to_owned(),
            ),
            2,
        ),
        x_test: x.slice(ndarray::s![cut.., ..]).to_owned(),
    };
    let rng = stream(
        0,
        Purpose::Model {
            split_seed: 0,
            fold: 0,
        },
    );
    match model.fit_predict(&data, rng).unwrap().predictions {
        Predictions::Classes {
            probabilities: Some(p),
            ..
        } => p,
        other => panic!("{other:?}"),
    }
}

#[test]
fn logistic_leaves_many_features_to_linfas_lbfgs() {
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(5);
    let random = |rng: &mut rand_chacha::ChaCha8Rng, d: usize| {
        let x = Array2::from_shape_fn((600, d), |_| rng.gen::<f64>() - 0.5);
        let labels = x
            .outer_iter()
            .map(|r| usize::from(r.iter().take(5).sum::<f64>() + rng.gen::<f64>() > 0.5))
            .collect::<Array1<usize>>();
        (x, labels)
    };
    // beyond NEWTON_MAX_FEATURES both settings fit with linfa's L-BFGS: the same bits
    let (x, labels) = random(&mut rng, seedfold::model::NEWTON_MAX_FEATURES + 4);
    assert_eq!(
        logistic_probabilities(&x, &labels, false),
        logistic_probabilities(&x, &labels, true)
    );
    // below it the fast path is a different solver: close, not the same bits
    let (x, labels) = random(&mut rng, 20);
    let (fast, linfa) = (
        logistic_probabilities(&x, &labels, false),
        logistic_probabilities(&x, &labels, true),
    );
    assert_ne!(fast, linfa);
    assert!(max_relative(&fast, &linfa) < 1e-3);
}

/// r2 per (split seed, fold) of `seedfold run` on diabetes with ols over 3 seeds.
fn run_ols_r2(extra: &[&str]) -> Vec<((u64, usize), f64)> {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r");
    common::seedfold()
        .args(["run", "--dataset", "diabetes", "--model", "ols"])
        .args(["--seeds", "3", "--metrics", "r2", "--quiet", "--out"])
        .arg(&out)
        .args(extra)
        .assert()
        .success();
    common::read(&out.join("records.csv"))
        .lines()
        .skip(1)
        .map(|line| {
            let f: Vec<&str> = line.split(',').collect();
            (
                (f[1].parse().unwrap(), f[3].parse().unwrap()),
                f[5].parse().unwrap(),
            )
        })
        .collect()
}

#[test]
fn exact_linfa_flag_gives_the_generic_paths_numbers() {
    let table = load(&DataSpec::builtin("diabetes")).unwrap().table;
    let Target::Regression(y) = &table.y else {
        panic!()
    };
    let splitter = Splitter::new(&SplitConfig::default(), &table).unwrap();
    // linfa's LinearRegression on each fold, scored here
    let expected: Vec<((u64, usize), f64)> = (0..3)
        .flat_map(|seed| {
            splitter
                .split(seed)
                .into_iter()
                .enumerate()
                .map(move |(f, fold)| (seed, f, fold))
        })
        .map(|(seed, f, fold)| {
            let model = linfa_linear::LinearRegression::new()
                .fit(&DatasetBase::new(
                    table.x.select(Axis(0), &fold.train),
                    y.select(Axis(0), &fold.train),
                ))
                .unwrap();
            let predicted = model.predict(&table.x.select(Axis(0), &fold.test));
            let truth: Vec<f64> = fold.test.iter().map(|&r| y[r]).collect();
            let r2 = seedfold::metric::score(
                seedfold::metric::Metric::R2,
                seedfold::metric::Truth::Values(&truth),
                &Predictions::Values(predicted.to_vec()),
            )
            .unwrap();
            ((seed, f), r2)
        })
        .collect();
    // the generic path is the minimum-norm SVD solve: on this well-conditioned design it
    // equals linfa's normal equations to rounding
    for ((key, got), (_, want)) in run_ols_r2(&["--exact-linfa"]).iter().zip(&expected) {
        assert!((got - want).abs() < 1e-12, "{key:?}: {got} vs {want}");
    }
    // without the flag the Gram fast path gives the same numbers to rounding
    let fast = run_ols_r2(&[]);
    let (fast, expected): (Vec<f64>, Vec<f64>) = fast
        .iter()
        .zip(&expected)
        .map(|((_, a), (_, b))| (*a, *b))
        .unzip();
    assert!(max_relative(&fast, &expected) < 1e-9);
}
