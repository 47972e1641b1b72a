//! The nested cross-validation interval (`--interval ncv`): equal to a port of Bates, Hastie &
//! Tibshirani's own algorithm on fixed losses (tests/reference/ncv.json from
//! make_ncv_reference.py), and covering the expected error of OLS at its nominal level where
//! the Nadeau–Bengio interval under-covers.

mod common;

use common::reference;
use seedfold::stats::{ncv_interval, NestedRep};

#[test]
fn the_interval_equals_the_port_of_the_authors_algorithm() {
    let r = reference("ncv.json");
    for case in r["cases"].as_array().unwrap() {
        let reps: Vec<NestedRep> = case["errors"]
            .as_array()
            .unwrap()
            .iter()
            .zip(case["other"].as_array().unwrap())
            .map(|(errors, other)| NestedRep {
                errors: serde_json::from_value(errors.clone()).unwrap(),
                other: serde_json::from_value(other.clone()).unwrap(),
            })
            .collect();
        let got = ncv_interval(
            &reps,
            case["cv_mean"].as_f64().unwrap(),
            case["n"].as_u64().unwrap() as usize,
            case["level"].as_f64().unwrap(),
        );
        let got = got.value().expect("an interval");
        let want = &case["expected"];
        for (name, value) in [
            ("lower", got.lower),
            ("upper", got.upper),
            ("estimate", got.estimate),
            ("raw_mean", got.raw_mean),
            ("bias", got.bias),
            ("sd_inflation", got.sd_inflation),
        ] {
            let expected = want[name].as_f64().unwrap();
            assert!(
                (value - expected).abs() <= 1e-9 * expected.abs().max(1.0),
                "k = {}: {name} {value} vs {expected}",
                case["folds"]
            );
        }
    }
}

/// A standard normal draw (Box–Muller) from seedfold's own stream.
fn normal(rng: &mut rand_chacha::ChaCha8Rng) -> f64 {
    let (u, v) = (seedfold::rng::unit(rng), seedfold::rng::unit(rng));
    (-2.0 * (1.0 - u).ln()).sqrt() * (std::f64::consts::TAU * v).cos()
}

/// Err_XY of OLS with an intercept fitted on all of `x`, `y`, for rows x ~ N(0, I),
/// y = xβ + ε, ε ~ N(0, 1): 1 + ‖β̂ − β‖² + b̂₀² (the expected loss on a new row).
fn ols_error(x: &ndarray::Array2<f64>, y: &ndarray::Array1<f64>, beta: &[f64]) -> f64 {
    use linfa_linalg::cholesky::SolveC;
    let (n, p) = x.dim();
    let mut design = ndarray::Array2::ones((n, p + 1));
    design.slice_mut(ndarray::s![.., 1..]).assign(x);
    let mut gram = design.t().dot(&design);
    let moment = design.t().dot(y).insert_axis(ndarray::Axis(1));
    let coefficients = gram.solvec(&moment).unwrap().column(0).to_owned();
    let slope_error: f64 = (0..p)
        .map(|j| (coefficients[j + 1] - beta[j]).powi(2))
        .sum();
    1.0 + slope_error + coefficients[0].powi(2)
}

#[test]
fn on_ols_with_30_features_of_100_rows_the_nested_interval_covers_near_its_level() {
    use seedfold::data::{Table, Target, Task};
    use seedfold::metric::Metric;
    use seedfold::model::{build_models, ModelSpec};
    use seedfold::run::{nested_reps, run, RunPlan, Silent};
    use seedfold::split::{SplitConfig, Splitter};
    // the simulation of issue 23: 100 rows, 30 features, 10-fold, 10 split seeds
    let (n, p, data_sets) = (100, 30, 300);
    let seeds: Vec<u64> = (0..10).collect();
    let beta: Vec<f64> = (0..p).map(|j| 1.0 / (1.0 + j as f64)).collect();
    let models = build_models(&ModelSpec::parse("ols").unwrap(), Task::Regression, false).unwrap();
    let mut rng = seedfold::rng::stream(23, seedfold::rng::Purpose::Posterior);
    let mut covered = 0;
    for _ in 0..data_sets {
        let x = ndarray::Array2::from_shape_fn((n, p), |_| normal(&mut rng));
        let y: ndarray::Array1<f64> = x.dot(&ndarray::Array1::from(beta.clone()))
            + ndarray::Array1::from_shape_fn(n, |_| normal(&mut rng));
        let names = (0..p).map(|j| format!("x{j}")).collect();
        let table = Table::numeric("sim", x.clone(), Target::Regression(y.clone()), names);
        let split = SplitConfig {
            folds: 10,
            ..Default::default()
        };
        let splitter = Splitter::new(&split, &table).unwrap();
        let mut plan = RunPlan::new(&table, &splitter, &models, &seeds).unwrap();
        plan.metrics = vec![vec![Metric::Mse]];
        plan.threads = Some(1);
        let records = run(&plan, &Silent).unwrap().records;
        let (sum, rows) = records.iter().fold((0.0, 0.0), |(s, r), rec| {
            (
                s + rec.value.unwrap() * rec.n_test as f64,
                r + rec.n_test as f64,
            )
        });
        let reps = nested_reps(&plan, models[0].as_ref(), &[Metric::Mse], &seeds).unwrap();
        let interval = seedfold::stats::ncv_interval(&reps[0].1, sum / rows, n, 0.95);
        let interval = interval.value().unwrap();
        let truth = ols_error(&x, &y, &beta);
        covered += usize::from(interval.lower <= truth && truth <= interval.upper);
    }
    let coverage = covered as f64 / data_sets as f64;
    eprintln!("nested interval coverage of Err_XY: {covered} of {data_sets}");
    // binomial sd over 300 data sets: 1.3 points at 95 %
    assert!(
        (coverage - 0.95).abs() <= 0.02,
        "the nested interval covered Err_XY in {:.1} % of {data_sets} data sets",
        100.0 * coverage
    );
}

#[test]
fn a_run_with_interval_ncv_reports_it_beside_nadeau_bengio_and_says_where_it_cannot() {
    let summary = |flags: &[&str]| -> serde_json::Value {
        let dir = tempfile::tempdir().unwrap();
        let mut args = vec!["--dataset", "diabetes", "--model", "ols", "--seeds", "3"];
        args.extend(["--metrics", "mse,r2", "--interval", "ncv"]);
        args.extend(flags);
        common::run_ok(dir.path(), &args);
        common::json(&dir.path().join("summary.json"))
    };
    let s = summary(&[]);
    let of = |s: &serde_json::Value, metric: &str| {
        s["summaries"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["metric"] == metric)
            .unwrap()["folds"]["ncv_ci"]
            .clone()
    };
    let mse = of(&s, "mse");
    assert_eq!(mse["method"], "ncv");
    assert_eq!(mse["reps"], 3);
    assert!(mse["lower"].as_f64().unwrap() < mse["estimate"].as_f64().unwrap());
    assert!(mse["sd_inflation"].as_f64().unwrap() >= 1.0);
    assert!(of(&s, "r2")["absent"]
        .as_str()
        .unwrap()
        .contains("not a mean of one value per row"));
    let shuffled = summary(&["--splitter", "shuffle-split"]);
    assert!(of(&shuffled, "mse")["absent"]
        .as_str()
        .unwrap()
        .contains("partition the rows"));
}
