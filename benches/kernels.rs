//! Criterion benchmarks of the hot kernels: splitting, fold gathering, the Gram downdate and
//! solve, a Newton logistic fit, metrics and statistics. Run: cargo bench --bench kernels

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use linfa::prelude::*;
use ndarray::{Array1, Array2, Axis};
use rand::{Rng, SeedableRng};
use seedfold::data::{load, DataSpec, Table, Target};
use seedfold::metric::{score, Metric, Predictions, Truth};
use seedfold::model::least_squares::GramSystem;
use seedfold::model::newton_logistic::NewtonLogistic;
use seedfold::run::gather;
use seedfold::split::{Fold, SplitConfig, Splitter, SplitterKind};
use seedfold::stats::{bootstrap_mean, one_way, wilcoxon};
use std::hint::black_box;

fn random(n: usize, d: usize) -> (Array2<f64>, Array1<f64>) {
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(1);
    let x = Array2::from_shape_fn((n, d), |_| rng.gen::<f64>());
    let y = x.sum_axis(Axis(1)) + Array1::from_shape_fn(n, |_| rng.gen::<f64>());
    (x, y)
}

fn splitting(c: &mut Criterion) {
    let table = load(&DataSpec::builtin("digits")).unwrap().table;
    for kind in [SplitterKind::Kfold, SplitterKind::Stratified] {
        let splitter = Splitter::new(
            &SplitConfig {
                kind,
                folds: 10,
                ..SplitConfig::default()
            },
            &table,
        )
        .unwrap();
        c.bench_function(&format!("split digits {} k=10", kind.name()), |b| {
            b.iter(|| black_box(splitter.split(7)))
        });
    }
}

fn gather_and_gram(c: &mut Criterion) {
    let mut group = c.benchmark_group("least squares");
    for n in [10_000, 100_000] {
        let (x, y) = random(n, 32);
        let rows: Vec<usize> = (0..n).filter(|r| r % 5 != 0).collect();
        let test: Vec<usize> = (0..n).filter(|r| r % 5 == 0).collect();
        let table = Table::numeric(
            "random",
            x.clone(),
            Target::Regression(y.clone()),
            (0..32).map(|j| format!("x{j}")).collect(),
        );
        let fold = Fold {
            train: rows.clone(),
            test: test.clone(),
        };
        group.bench_with_input(BenchmarkId::new("gather fold", n), &n, |b, _| {
            b.iter(|| black_box(gather(&table, &fold).0))
        });
        let gram = GramSystem::new(&x, y.view()).expect("no missing cells");
        group.bench_with_input(
            BenchmarkId::new("fold downdate + solve + predict", n),
            &n,
            |b, _| b.iter(|| black_box(gram.fit_predict(&x, y.view(), (&rows, &test), 1.0, None))),
        );
    }
    group.finish();
}

fn newton(c: &mut Criterion) {
    let (x, y) = random(20_000, 20);
    let labels = y.mapv(|v| usize::from(v > 10.5));
    let whole = NewtonLogistic::default()
        .fit(&DatasetBase::new(x.clone(), labels.clone()))
        .unwrap();
    // a fold: the first 16,000 rows
    let fold = DatasetBase::new(
        x.slice(ndarray::s![..16_000, ..]).to_owned(),
        labels.slice(ndarray::s![..16_000]).to_owned(),
    );
    c.bench_function("newton logistic 16000 x 20", |b| {
        b.iter(|| black_box(NewtonLogistic::default().fit(&fold).unwrap()))
    });
    // as the runner fits a fold: started from the whole data's fit
    let started = NewtonLogistic {
        start: Some((whole.weights, whole.intercept)),
        ..NewtonLogistic::default()
    };
    c.bench_function("newton logistic 16000 x 20 from the whole fit", |b| {
        b.iter(|| black_box(started.fit(&fold).unwrap()))
    });
}

fn metrics(c: &mut Criterion) {
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(2);
    let n = 4000;
    let truth: Vec<usize> = (0..n).map(|_| rng.gen_range(0..2)).collect();
    let probabilities: Vec<f64> = (0..n)
        .flat_map(|_| {
            let p: f64 = rng.gen();
            [1.0 - p, p]
        })
        .collect();
    let labels = probabilities
        .chunks(2)
        .map(|p| usize::from(p[1] > 0.5))
        .collect();
    let predictions = Predictions::Classes {
        labels,
        probabilities: Some(probabilities),
    };
    for metric in [Metric::Accuracy, Metric::RocAuc, Metric::LogLoss] {
        c.bench_function(&format!("metric {metric} n=4000"), |b| {
            b.iter(|| black_box(score(metric, Truth::Classes(&truth, 2), &predictions)))
        });
    }
}

fn statistics(c: &mut Criterion) {
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(3);
    let means: Vec<f64> = (0..1000).map(|_| rng.gen::<f64>()).collect();
    let groups: Vec<Vec<f64>> = means.chunks(10).map(|c| c.to_vec()).collect();
    c.bench_function("bca bootstrap 1000 seeds x 10000", |b| {
        b.iter(|| black_box(bootstrap_mean(&means, 10_000, 0, 0.95)))
    });
    c.bench_function("one-way anova 100 x 10", |b| {
        b.iter(|| black_box(one_way(&groups)))
    });
    c.bench_function("wilcoxon n=1000", |b| {
        b.iter(|| black_box(wilcoxon(&means)))
    });
}

criterion_group!(
    benches,
    splitting,
    gather_and_gram,
    newton,
    metrics,
    statistics
);
criterion_main!(benches);
