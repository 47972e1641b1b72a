//! Splitter invariants (property tests), agreement with scikit-learn's fold sizes, golden
//! vectors and seed determinism.

mod common;

use common::{class_table, reference, regression_table};
use proptest::prelude::*;
use seedfold::data::{load, DataSpec, Table};
use seedfold::split::{Fold, SplitConfig, Splitter, SplitterKind, TestSize};
use serde_json::Value;

fn config(kind: SplitterKind, folds: usize) -> SplitConfig {
    SplitConfig {
        kind,
        folds,
        ..SplitConfig::default()
    }
}

/// Every splitter, the seeded ones first.
const ALL_KINDS: [SplitterKind; 10] = [
    SplitterKind::Kfold,
    SplitterKind::Stratified,
    SplitterKind::Group,
    SplitterKind::StratifiedGroup,
    SplitterKind::ShuffleSplit,
    SplitterKind::StratifiedShuffleSplit,
    SplitterKind::GroupShuffleSplit,
    SplitterKind::TimeSeries,
    SplitterKind::Loo,
    SplitterKind::LeaveOneGroupOut,
];

/// The folds of `seed`, checked to be as many as the splitter says it gives.
fn folds(table: &Table, config: &SplitConfig, seed: u64) -> Vec<Fold> {
    let splitter = Splitter::new(config, table).unwrap();
    let folds = splitter.split(seed);
    assert_eq!(splitter.fold_count(), folds.len(), "{config:?}");
    folds
}

fn assert_sorted_disjoint(fold: &Fold) {
    assert!(
        fold.train.windows(2).all(|w| w[0] < w[1]),
        "train not sorted"
    );
    assert!(fold.test.windows(2).all(|w| w[0] < w[1]), "test not sorted");
    assert!(
        fold.test
            .iter()
            .all(|t| fold.train.binary_search(t).is_err()),
        "train and test overlap"
    );
}

/// Partition splitters: folds are disjoint, each row tested once, train = complement of test.
fn assert_partition(folds: &[Fold], n: usize) {
    let mut tested = vec![0; n];
    for fold in folds {
        assert_sorted_disjoint(fold);
        assert_eq!(fold.train.len() + fold.test.len(), n);
        fold.test.iter().for_each(|&r| tested[r] += 1);
    }
    assert!(
        tested.iter().all(|&c| c == 1),
        "every row must be tested exactly once"
    );
}

fn class_counts(labels: &[usize], rows: &[usize], n_classes: usize) -> Vec<usize> {
    let mut c = vec![0; n_classes];
    rows.iter().for_each(|&r| c[labels[r]] += 1);
    c
}

fn labels_strategy() -> impl Strategy<Value = Vec<usize>> {
    prop::collection::vec(0usize..4, 12..80)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn kfold_partitions_with_sklearn_sizes(n in 2usize..200, k in 2usize..12, seed in any::<u64>()) {
        prop_assume!(k <= n);
        let table = regression_table((0..n).map(|i| i as f64).collect(), None);
        let f = folds(&table, &config(SplitterKind::Kfold, k), seed);
        assert_partition(&f, n);
        for (i, fold) in f.iter().enumerate() {
            prop_assert_eq!(fold.test.len(), n / k + usize::from(i < n % k));
        }
    }

    #[test]
    fn stratified_keeps_class_proportions(labels in labels_strategy(), k in 2usize..6, seed in any::<u64>()) {
        let n_classes = labels.iter().max().unwrap() + 1;
        let counts = class_counts(&labels, &(0..labels.len()).collect::<Vec<_>>(), n_classes);
        prop_assume!(counts.iter().all(|&c| c > 0) && *counts.iter().max().unwrap() >= k);
        let table = class_table(&labels, None);
        let f = folds(&table, &config(SplitterKind::Stratified, k), seed);
        assert_partition(&f, labels.len());
        for fold in &f {
            let got = class_counts(&labels, &fold.test, n_classes);
            for c in 0..n_classes {
                let ideal = counts[c] as f64 / k as f64;
                prop_assert!((got[c] as f64 - ideal).abs() < 1.0 + 1e-9, "class {c}: {} vs {ideal}", got[c]);
            }
        }
    }

    #[test]
    fn stratified_regression_bins_partition(n in 15usize..120, seed in any::<u64>()) {
        let y: Vec<f64> = (0..n).map(|i| ((i * 37) % 11) as f64).collect();
        let table = regression_table(y, None);
        assert_partition(&folds(&table, &config(SplitterKind::Stratified, 3), seed), n);
    }

    #[test]
    fn group_splitters_keep_groups_whole(groups in prop::collection::vec(0usize..9, 20..80), seed in any::<u64>()) {
        let mut distinct = groups.clone();
        distinct.sort_unstable();
        distinct.dedup();
        prop_assume!(distinct.len() >= 3);
        // renumber groups densely, as the data loader does
        let groups: Vec<usize> = groups.iter().map(|g| distinct.binary_search(g).unwrap()).collect();
        let labels: Vec<usize> = (0..groups.len()).map(|i| i % 2).collect();
        let table = class_table(&labels, Some(groups.clone()));
        for kind in [SplitterKind::Group, SplitterKind::StratifiedGroup, SplitterKind::LeaveOneGroupOut] {
            let f = folds(&table, &config(kind, 3), seed);
            assert_partition(&f, groups.len());
            for fold in &f {
                for &t in &fold.test {
                    prop_assert!(fold.train.iter().all(|&r| groups[r] != groups[t]), "{kind:?} split a group");
                }
            }
        }
    }

    #[test]
    fn shuffle_splits_are_disjoint_with_exact_sizes(n in 10usize..200, frac in 0.05f64..0.9, seed in any::<u64>()) {
        let table = class_table(&(0..n).map(|i| i % 2).collect::<Vec<_>>(), None);
        let n_test = (frac * n as f64).ceil() as usize;
        prop_assume!(n_test >= 2 && n_test <= n - 2);
        for kind in [SplitterKind::ShuffleSplit, SplitterKind::StratifiedShuffleSplit] {
            let mut c = config(kind, 4);
            c.test_size = Some(TestSize::Fraction(frac));
            for fold in folds(&table, &c, seed) {
                assert_sorted_disjoint(&fold);
                prop_assert_eq!(fold.test.len(), n_test);
                prop_assert_eq!(fold.train.len(), n - n_test);
            }
        }
    }

    #[test]
    fn group_shuffle_splits_keep_groups_whole(n_groups in 2usize..30, extra in 0usize..100, seed in any::<u64>()) {
        let groups: Vec<usize> = (0..n_groups).chain((0..extra).map(|i| (i * 7) % n_groups)).collect();
        let table = regression_table(vec![0.0; groups.len()], Some(groups.clone()));
        // GroupShuffleSplit's default: a fifth of the groups test
        let n_test = (0.2 * n_groups as f64).ceil() as usize;
        prop_assume!(n_test < n_groups);
        for fold in folds(&table, &config(SplitterKind::GroupShuffleSplit, 3), seed) {
            assert_sorted_disjoint(&fold);
            prop_assert_eq!(fold.train.len() + fold.test.len(), groups.len());
            let mut tested: Vec<usize> = fold.test.iter().map(|&r| groups[r]).collect();
            tested.dedup();
            tested.sort_unstable();
            tested.dedup();
            prop_assert_eq!(tested.len(), n_test);
            prop_assert!(fold.train.iter().all(|&r| !tested.contains(&groups[r])));
        }
    }

    #[test]
    fn time_series_trains_only_on_the_past(n in 10usize..200, k in 2usize..6, gap in 0usize..3) {
        let table = regression_table(vec![0.0; n], None);
        let mut c = config(SplitterKind::TimeSeries, k);
        c.gap = gap;
        prop_assume!(Splitter::new(&c, &table).is_ok());
        for fold in folds(&table, &c, 0) {
            assert_sorted_disjoint(&fold);
            prop_assert!(fold.train.last().unwrap() + gap < fold.test[0]);
        }
    }
}

fn usizes(v: &Value) -> Vec<usize> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_u64().unwrap() as usize)
        .collect()
}

fn builtin(name: &str) -> Table {
    load(&DataSpec::builtin(name)).unwrap().table
}

#[test]
fn kfold_sizes_match_scikit_learn() {
    for case in reference("split_sizes.json")["kfold"].as_array().unwrap() {
        let (n, k) = (
            case["n"].as_u64().unwrap() as usize,
            case["k"].as_u64().unwrap() as usize,
        );
        let table = regression_table(vec![0.0; n], None);
        let sizes: Vec<usize> = folds(&table, &config(SplitterKind::Kfold, k), 1)
            .iter()
            .map(|f| f.test.len())
            .collect();
        assert_eq!(sizes, usizes(&case["test_sizes"]), "n={n} k={k}");
    }
}

#[test]
fn stratified_allocation_matches_scikit_learn() {
    for case in reference("split_sizes.json")["stratified"]
        .as_array()
        .unwrap()
    {
        let k = case["k"].as_u64().unwrap() as usize;
        let table = match case["dataset"].as_str() {
            Some(name) => builtin(name),
            None => {
                let names: Vec<&str> = case["labels"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|v| v.as_str().unwrap())
                    .collect();
                let labels: Vec<usize> = names
                    .iter()
                    .map(|l| ["a", "b", "c"].iter().position(|c| c == l).unwrap())
                    .collect();
                class_table(&labels, None)
            }
        };
        let (labels, classes) = table.y.classes().unwrap();
        let labels = labels.to_vec();
        for seed in [0, 7] {
            let got: Vec<Vec<usize>> = folds(&table, &config(SplitterKind::Stratified, k), seed)
                .iter()
                .map(|f| class_counts(&labels, &f.test, classes.len()))
                .collect();
            let want: Vec<Vec<usize>> = case["test_counts"]
                .as_array()
                .unwrap()
                .iter()
                .map(usizes)
                .collect();
            assert_eq!(got, want, "{case}");
        }
    }
}

#[test]
fn shuffle_split_sizes_match_scikit_learn() {
    for case in reference("split_sizes.json")["shuffle_split"]
        .as_array()
        .unwrap()
    {
        let n = case["n"].as_u64().unwrap() as usize;
        let ts: TestSize = serde_json::from_value(case["test_size"].clone()).unwrap();
        let table = regression_table(vec![0.0; n], None);
        let mut c = config(SplitterKind::ShuffleSplit, 3);
        c.test_size = Some(ts);
        for (fold, want) in folds(&table, &c, 0)
            .iter()
            .zip(case["sizes"].as_array().unwrap())
        {
            assert_eq!(
                vec![fold.train.len(), fold.test.len()],
                usizes(want),
                "{case}"
            );
        }
    }
}

#[test]
fn stratified_shuffle_split_counts_match_scikit_learn() {
    for case in reference("split_sizes.json")["stratified_shuffle_split"]
        .as_array()
        .unwrap()
    {
        let table = builtin(case["dataset"].as_str().unwrap());
        let (labels, classes) = table.y.classes().unwrap();
        let labels = labels.to_vec();
        let mut c = config(SplitterKind::StratifiedShuffleSplit, 2);
        c.test_size = Some(serde_json::from_value(case["test_size"].clone()).unwrap());
        for fold in folds(&table, &c, 3) {
            assert_eq!(
                class_counts(&labels, &fold.train, classes.len()),
                usizes(&case["train_counts"])
            );
            assert_eq!(
                class_counts(&labels, &fold.test, classes.len()),
                usizes(&case["test_counts"])
            );
        }
    }
}

#[test]
fn time_series_windows_match_scikit_learn() {
    for case in reference("split_sizes.json")["time_series"]
        .as_array()
        .unwrap()
    {
        let n = case["n"].as_u64().unwrap() as usize;
        let mut c = config(
            SplitterKind::TimeSeries,
            case["k"].as_u64().unwrap() as usize,
        );
        c.test_size = case["test_size"]
            .as_u64()
            .map(|t| TestSize::Count(t as usize));
        c.gap = case["gap"].as_u64().unwrap() as usize;
        c.max_train_size = case["max_train_size"].as_u64().map(|m| m as usize);
        let table = regression_table(vec![0.0; n], None);
        let got: Vec<(Vec<usize>, Vec<usize>)> = folds(&table, &c, 0)
            .into_iter()
            .map(|f| (f.train, f.test))
            .collect();
        let want: Vec<(Vec<usize>, Vec<usize>)> = case["folds"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| (usizes(&f[0]), usizes(&f[1])))
            .collect();
        assert_eq!(got, want, "{case}");
    }
}

#[test]
fn group_kfold_group_counts_match_scikit_learn() {
    let case = &reference("split_sizes.json")["group_kfold"][0];
    let groups: Vec<usize> = (0..13).flat_map(|g| [g; 3]).collect();
    let table = class_table(
        &(0..39).map(|i| i % 2).collect::<Vec<_>>(),
        Some(groups.clone()),
    );
    let got: Vec<usize> = folds(&table, &config(SplitterKind::Group, 4), 5)
        .iter()
        .map(|f| {
            let mut g: Vec<usize> = f.test.iter().map(|&r| groups[r]).collect();
            g.dedup();
            g.len()
        })
        .collect();
    assert_eq!(got, usizes(&case["groups_per_fold"]));
}

#[test]
fn every_splitter_gives_as_many_folds_as_it_says() {
    use seedfold::split::SplitSource;
    let labels: Vec<usize> = (0..40).map(|i| i % 2).collect();
    let groups: Vec<usize> = (0..40).map(|i| i % 7).collect();
    let table = class_table(&labels, Some(groups));
    let mut checked = 0;
    for kind in ALL_KINDS {
        for source in [
            SplitSource::Seedfold,
            SplitSource::Sklearn,
            SplitSource::SklearnRepeated,
        ] {
            for k in [2, 3, 5] {
                let c = SplitConfig {
                    source,
                    ..config(kind, k)
                };
                if Splitter::new(&c, &table).is_ok() {
                    for seed in [0, 3] {
                        folds(&table, &c, seed);
                    }
                    checked += 1;
                }
            }
        }
    }
    // every kind with seedfold's shuffles, and scikit-learn's where it has the splitter
    assert!(checked >= 30 + 2 * 3, "{checked}");
}

#[test]
fn loo_tests_each_row_once() {
    let table = regression_table(vec![1.0; 6], None);
    let f = folds(&table, &config(SplitterKind::Loo, 0), 0);
    assert_eq!(f.len(), 6);
    assert_partition(&f, 6);
}

/// Golden vectors: the exact assignment for a few seeds and splitters. A change here means
/// users' published splits would change: only bless it deliberately (`cargo insta review`).
#[test]
fn golden_split_vectors() {
    let labels = [0, 1, 0, 2, 1, 0, 0, 2, 1, 0, 1, 2, 0, 0];
    let groups = vec![0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6];
    let table = class_table(&labels, Some(groups));
    let mut out = String::new();
    // the six splitters the vectors were first pinned for, in that order
    for &kind in &ALL_KINDS[..6] {
        let mut c = config(kind, 3);
        c.test_size = Some(TestSize::Fraction(0.3));
        for seed in [0, 1, 42] {
            let f = folds(&table, &c, seed);
            out += &format!(
                "{} seed {seed}: {:?}\n",
                kind.name(),
                f.iter().map(|f| &f.test).collect::<Vec<_>>()
            );
        }
    }
    insta::assert_snapshot!(out);
}

#[test]
fn same_seed_same_split_on_any_thread() {
    let table = builtin("wine");
    let splitter = Splitter::new(&config(SplitterKind::Stratified, 5), &table).unwrap();
    let here = splitter.split(9);
    let there = std::thread::spawn(move || splitter.split(9))
        .join()
        .unwrap();
    assert_eq!(here, there);
    let other = Splitter::new(&config(SplitterKind::Stratified, 5), &table)
        .unwrap()
        .split(10);
    assert_ne!(here, other, "different seeds should give different splits");
}
