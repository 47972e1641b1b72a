//! Impossible splitter settings are errors that name the numbers; small classes warn.

mod common;

use common::{class_table, regression_table};
use seedfold::split::{SplitConfig, Splitter, SplitterKind, TestSize};

fn error(table: &seedfold::data::Table, config: SplitConfig) -> String {
    Splitter::new(&config, table).unwrap_err().to_string()
}

fn cfg(kind: SplitterKind, folds: usize) -> SplitConfig {
    SplitConfig {
        kind,
        folds,
        ..SplitConfig::default()
    }
}

#[test]
fn k_below_two() {
    let t = regression_table(vec![0.0; 10], None);
    assert!(error(&t, cfg(SplitterKind::Kfold, 1)).contains("at least 2 folds/splits, got 1"));
}

#[test]
fn k_above_rows() {
    let t = regression_table(vec![0.0; 4], None);
    assert!(error(&t, cfg(SplitterKind::Kfold, 5)).contains("cannot split 4 rows into 5 folds"));
}

#[test]
fn fewer_groups_than_folds() {
    let t = class_table(&[0, 1, 0, 1], Some(vec![0, 0, 1, 1]));
    assert!(error(&t, cfg(SplitterKind::Group, 3)).contains("cannot split 2 groups into 3 folds"));
}

#[test]
fn group_splitter_without_groups() {
    let t = class_table(&[0, 1, 0, 1], None);
    assert!(error(&t, cfg(SplitterKind::Group, 2)).contains("pass --groups"));
}

#[test]
fn every_class_smaller_than_k() {
    let t = class_table(&[0, 0, 1, 1, 2, 2], None);
    assert!(error(&t, cfg(SplitterKind::Stratified, 3)).contains("largest has 2"));
}

#[test]
fn a_class_smaller_than_k_warns() {
    let t = class_table(&[0, 0, 0, 0, 0, 1, 1], None);
    let s = Splitter::new(&cfg(SplitterKind::Stratified, 3), &t).unwrap();
    assert!(s.warnings()[0].contains("only 2 members, which is less than folds=3"));
}

#[test]
fn shuffle_test_size_too_large() {
    let t = regression_table(vec![0.0; 10], None);
    let mut c = cfg(SplitterKind::ShuffleSplit, 2);
    c.test_size = Some(TestSize::Count(10));
    assert!(error(&t, c).contains("test size 10 leaves no rows to train out of 10"));
}

#[test]
fn stratified_shuffle_singleton_class() {
    let t = class_table(&[0, 0, 0, 0, 1], None);
    assert!(error(&t, cfg(SplitterKind::StratifiedShuffleSplit, 2)).contains("only 1 member"));
}

#[test]
fn time_series_too_many_splits() {
    let t = regression_table(vec![0.0; 10], None);
    let mut c = cfg(SplitterKind::TimeSeries, 3);
    c.test_size = Some(TestSize::Count(4));
    assert!(error(&t, c).contains("too many splits (3) for 10 rows with test size 4"));
}

#[test]
fn regression_bins_out_of_range() {
    let t = regression_table(vec![0.0; 10], None);
    let mut c = cfg(SplitterKind::Stratified, 2);
    c.bins = 1;
    assert!(error(&t, c).contains("bins must be between 2 and the number of rows (10), got 1"));
}

#[test]
fn test_size_text_is_checked() {
    assert!("1.5".parse::<TestSize>().is_err());
    assert_eq!(
        "0.25".parse::<TestSize>().unwrap(),
        TestSize::Fraction(0.25)
    );
    assert_eq!("7".parse::<TestSize>().unwrap(), TestSize::Count(7));
}
