//! Every bad input gets an error that names the problem and the fix.

use seedfold::data::{load, DataSource, DataSpec, Target, Task};
use std::path::PathBuf;

fn spec(path: PathBuf) -> DataSpec {
    DataSpec {
        source: DataSource::File(path),
        target: Some("y".into()),
        features: None,
        groups: None,
        task: None,
        preprocess: Default::default(),
    }
}

fn csv(text: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("data.csv");
    std::fs::write(&path, text).unwrap();
    (dir, path)
}

fn error_for(text: &str, edit: impl FnOnce(&mut DataSpec)) -> String {
    let (_dir, path) = csv(text);
    let mut s = spec(path);
    edit(&mut s);
    load(&s).unwrap_err().to_string()
}

#[test]
fn missing_file() {
    let e = load(&spec("/no/such/file.csv".into()))
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("cannot read /no/such/file.csv") && e.contains("exists"),
        "{e}"
    );
}

#[test]
fn malformed_csv() {
    let e = error_for("a,y\n1,2\n3,4,5,6\n", |_| {});
    assert!(e.contains("is not a valid CSV file"), "{e}");
}

#[test]
fn malformed_parquet() {
    let (_dir, path) = csv("not parquet at all");
    let parquet = path.with_extension("parquet");
    std::fs::rename(&path, &parquet).unwrap();
    let e = load(&spec(parquet)).unwrap_err().to_string();
    assert!(e.contains("is not a valid Parquet file"), "{e}");
}

#[test]
fn empty_file() {
    let e = error_for("", |_| {});
    assert!(e.contains("the data is empty"), "{e}");
}

#[test]
fn header_only() {
    let e = error_for("a,y\n", |_| {});
    assert!(e.contains("the data is empty: 0 data row(s)"), "{e}");
}

#[test]
fn target_not_found_lists_columns() {
    let e = error_for("a,b\n1,2\n3,4\n", |_| {});
    assert!(
        e.contains("column 'y' not found (used as target). Available columns: a, b"),
        "{e}"
    );
}

#[test]
fn feature_not_found() {
    let e = error_for("a,y\n1,2\n3,4\n", |s| s.features = Some(vec!["zz".into()]));
    assert!(e.contains("column 'zz' not found (used as feature)"), "{e}");
}

#[test]
fn groups_not_found() {
    let e = error_for("a,y\n1,2\n3,4\n", |s| s.groups = Some("g".into()));
    assert!(e.contains("column 'g' not found (used as groups)"), "{e}");
}

#[test]
fn non_numeric_feature_names_column_and_value() {
    let e = error_for("a,y\n1,2\n3,4\nfoo,5\n", |_| {});
    assert!(
        e.contains("column 'a' is not numeric: data row 3 (line 4 of the file) holds 'foo'")
            && e.contains("--na-values")
            && e.contains("--categorical a"),
        "{e}"
    );
}

#[test]
fn missing_values_are_counted_and_name_the_option_that_fills_them() {
    // empty cells and every default marker are missing
    for cell in ["", "NA", "NaN", "null", "N/A"] {
        let e = error_for(&format!("a,y\n1,2\n{cell},4\n3,5\n{cell},6\n"), |_| {});
        assert!(
            e.contains(
                "column 'a' has 2 missing cell(s), the first in data row 2 (line 3 of the file)"
            ) && e.contains("--impute mean|median|most-frequent"),
            "{cell:?}: {e}"
        );
    }
    // a marker of the user's own
    let e = error_for("a,y\n1,2\n-999,4\n3,5\n", |s| {
        s.preprocess.na_values = Some(vec!["-999".into()])
    });
    assert!(e.contains("column 'a' has 1 missing cell(s)"), "{e}");
}

#[test]
fn infinities_are_refused() {
    let e = error_for("a,y\n1,2\n3,4\ninf,5\n-inf,6\n", |_| {});
    assert!(
        e.contains("column 'a' has 2 infinite value(s), the first in data row 3"),
        "{e}"
    );
}

#[test]
fn rows_with_a_missing_target_are_dropped_with_a_note_or_refused_when_strict() {
    let (_dir, path) = csv("a,y\n1,2\n2,\n3,5\n4,NA\n5,7\n");
    let loaded = load(&spec(path.clone())).unwrap();
    assert_eq!(loaded.table.n_rows(), 3);
    assert_eq!(loaded.table.x.column(0).to_vec(), [1.0, 3.0, 5.0]);
    assert!(
        loaded
            .hints
            .iter()
            .any(|h| h.contains("dropped 2 row(s) whose target 'y' is missing")),
        "{:?}",
        loaded.hints
    );
    let mut strict = spec(path);
    strict.preprocess.strict = true;
    let e = load(&strict).unwrap_err().to_string();
    assert!(
        e.contains("the target 'y' is missing in 2 row(s), the first in data row 2"),
        "{e}"
    );
}

#[test]
fn text_columns_are_categories_constants_are_left_out_and_identifiers_refused_together() {
    let (_dir, path) = csv("a,colour,y\n1,red,2\n2,blue,4\n3,red,5\n");
    let table = load(&spec(path)).unwrap().table;
    assert_eq!(
        table.kinds[1],
        seedfold::preprocess::FeatureKind::Categorical(vec!["blue".into(), "red".into()])
    );
    assert_eq!(table.x.column(1).to_vec(), [1.0, 0.0, 1.0]);
    // text that is the same in every row (raw penguins' Region and Stage) is left out, with a note
    let (_dir, path) = csv("a,c,s,y\n1,x,Adult,2\n2,x,Adult,4\n");
    let loaded = load(&spec(path)).unwrap();
    assert_eq!(loaded.table.feature_names, ["a"]);
    assert_eq!(
        loaded.table.left_out,
        ["c (always 'x')", "s (always 'Adult')"]
    );
    assert!(
        loaded
            .hints
            .iter()
            .any(|h| h.contains("left out 2 text column(s)")
                && h.contains("c (always 'x'), s (always 'Adult')")),
        "{:?}",
        loaded.hints
    );
    let e = error_for("c,y\nx,2\nx,4\n", |_| {});
    assert!(e.contains("no feature column is left"), "{e}");
    // every identifier-like column is named in one message
    let mut ids = String::from("a,id,key,y\n");
    for i in 0..25 {
        ids += &format!("{i},row{i},k{i},{}\n", i % 3);
    }
    let e = error_for(&ids, |_| {});
    assert!(
        e.contains("column(s) 'id', 'key' hold a different text in every row")
            && e.contains("--drop id,key"),
        "{e}"
    );
    // integer codes are categories when asked; --drop leaves a column out
    let (_dir, path) = csv("a,code,y\n1,3,2\n2,7,4\n3,3,5\n");
    let mut s = spec(path);
    s.preprocess.categorical = vec!["code".into()];
    s.preprocess.drop = vec!["a".into()];
    let table = load(&s).unwrap().table;
    assert_eq!(table.feature_names, ["code"]);
    assert_eq!(table.x.column(0).to_vec(), [0.0, 1.0, 0.0]);
}

#[test]
fn single_class_target() {
    let e = error_for("a,y\n1,cat\n2,cat\n", |_| {});
    assert!(e.contains("has only one class ('cat')"), "{e}");
}

#[test]
fn text_target_as_regression_is_refused() {
    let e = error_for("a,y\n1,cat\n2,dog\n", |s| s.task = Some(Task::Regression));
    assert!(e.contains("'y' is not numeric"), "{e}");
}

#[test]
fn no_feature_columns() {
    let e = error_for("y\n1\n2\n", |_| {});
    assert!(e.contains("no feature columns"), "{e}");
}

#[test]
fn unknown_builtin_lists_known() {
    let e = load(&DataSpec::builtin("mnist")).unwrap_err().to_string();
    assert!(
        e.contains("unknown data set 'mnist'. Known: diabetes, breast_cancer, iris, wine, digits"),
        "{e}"
    );
}

#[test]
fn integer_target_is_regression_with_a_hint() {
    let (_dir, path) = csv("a,y\n1,2\n2,3\n3,2\n");
    let loaded = load(&spec(path)).unwrap();
    assert_eq!(loaded.table.y.task(), Task::Regression);
    assert!(loaded.hints[0].contains("--task classification"));
}

#[test]
fn labels_are_sorted_numerically_when_numbers() {
    let (_dir, path) = csv("a,y\n1,10\n2,9\n3,10\n4,2\n");
    let mut s = spec(path);
    s.task = Some(Task::Classification);
    let table = load(&s).unwrap().table;
    match table.y {
        Target::Classification { labels, classes } => {
            assert_eq!(classes, ["2", "9", "10"]);
            assert_eq!(labels.to_vec(), [2, 1, 2, 0]);
        }
        _ => panic!("expected classes"),
    }
}

#[test]
fn features_and_groups_columns_are_picked() {
    let (_dir, path) = csv("g,a,b,y\nu,1,5,x\nv,2,6,y\nu,3,7,x\n");
    let mut s = spec(path);
    s.groups = Some("g".into());
    s.features = Some(vec!["b".into()]);
    let table = load(&s).unwrap().table;
    assert_eq!(table.feature_names, ["b"]);
    assert_eq!(table.x.column(0).to_vec(), [5.0, 6.0, 7.0]);
    assert_eq!(table.groups, Some(vec![0, 1, 0]));
}

#[test]
fn builtins_load_with_their_documented_shapes() {
    for (name, rows, features) in [
        ("diabetes", 442, 10),
        ("breast_cancer", 569, 30),
        ("iris", 150, 4),
        ("wine", 178, 13),
        ("digits", 1797, 64),
    ] {
        let t = load(&DataSpec::builtin(name)).unwrap().table;
        assert_eq!((t.n_rows(), t.x.ncols()), (rows, features), "{name}");
    }
}

#[test]
fn parquet_files_load_like_csv() {
    use polars::prelude::*;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("data.parquet");
    let mut frame = DataFrame::new(
        3,
        vec![
            Column::new("a".into(), [1.5f64, 2.5, 3.5]),
            Column::new("b".into(), [1i64, 2, 3]),
            Column::new("y".into(), ["no", "yes", "no"]),
        ],
    )
    .unwrap();
    ParquetWriter::new(std::fs::File::create(&path).unwrap())
        .finish(&mut frame)
        .unwrap();
    let table = load(&spec(path)).unwrap().table;
    assert_eq!(table.x.row(1).to_vec(), [2.5, 2.0]);
    assert_eq!(table.y.classes().unwrap().1, ["no", "yes"]);
}

#[test]
fn a_late_stray_value_in_a_large_csv_is_still_named() {
    // types are inferred from the first rows; a bad value after them must still be reported
    let mut text = String::from("a,y\n");
    for i in 0..12_000 {
        text += &format!("{i},{}\n", i % 2);
    }
    text += "oops,1\n";
    let e = error_for(&text, |_| {});
    assert!(
        e.contains(
            "column 'a' is not numeric: data row 12001 (line 12002 of the file) holds 'oops'"
        ),
        "{e}"
    );
}

#[test]
fn a_stray_quote_at_the_end_is_a_malformed_file_not_a_panic() {
    let e = error_for("a,y\n1,2\"\n\"", |_| {});
    assert!(e.contains("data.csv") && e.contains("not a valid"), "{e}");
}

#[test]
fn a_repeated_header_name_is_refused() {
    // y,a,b,y: the second y must not become a feature
    let e = error_for("y,a,b,y\n1,2,3,1\n2,3,4,2\n3,1,2,3\n", |_| {});
    assert!(e.contains("column(s) y more than once"), "{e}");
}

#[test]
fn the_target_or_groups_among_the_features_is_refused() {
    let text = "a,g,y\n1,1,2\n2,1,3\n3,2,4\n4,2,5\n";
    let e = error_for(text, |s| s.features = Some(vec!["a".into(), "y".into()]));
    assert!(e.contains("'y' is the target and also a feature"), "{e}");
    let e = error_for(text, |s| {
        s.features = Some(vec!["a".into(), "g".into()]);
        s.groups = Some("g".into());
    });
    assert!(e.contains("'g' is the groups and also a feature"), "{e}");
    let e = error_for(text, |s| s.features = Some(vec!["a".into(), "a".into()]));
    assert!(e.contains("feature 'a' is listed twice"), "{e}");
}

#[test]
fn a_folder_or_a_device_is_not_a_data_file() {
    let dir = tempfile::tempdir().unwrap();
    let e = load(&spec(dir.path().to_path_buf()))
        .unwrap_err()
        .to_string();
    assert!(e.contains("it is a folder, not a data file"), "{e}");
    let e = load(&spec("/dev/null".into())).unwrap_err().to_string();
    assert!(e.contains("not a regular file"), "{e}");
}

#[test]
fn a_ragged_row_is_named_without_the_readers_own_advice() {
    let e = error_for("a,y\n1,2\n3,4,5\n", |_| {});
    assert!(e.contains("more fields than the header"), "{e}");
    assert!(!e.contains("truncate_ragged_lines"), "{e}");
}

/// The load error (or the hints) for a file of `tests/fuzz/regressions/` with target `y`.
fn regression_file(name: &str, edit: impl FnOnce(&mut DataSpec)) -> Result<Vec<String>, String> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fuzz/regressions")
        .join(name);
    let mut s = spec(path);
    edit(&mut s);
    load(&s).map(|l| l.hints).map_err(|e| e.to_string())
}

#[test]
fn line_endings_separators_and_quotes_get_errors_that_name_them() {
    let e = regression_file("cr-line-endings.csv", |_| {}).unwrap_err();
    assert!(e.contains("carriage return alone") && e.len() < 400, "{e}");
    for (file, name) in [
        ("tab-separated.tsv", "tab"),
        ("semicolon-separated.csv", "semicolon"),
    ] {
        let hints = regression_file(file, |_| {}).unwrap();
        assert!(
            hints
                .iter()
                .any(|h| h.contains(&format!("is read as {name}-separated"))),
            "{hints:?}"
        );
    }
    let e = regression_file("quote-inside-field.csv", |_| {}).unwrap_err();
    assert!(
        e.contains("a quote (\") inside a field that is not quoted as a whole (line 2)"),
        "{e}"
    );
}

#[test]
fn whole_numbers_beyond_64_bits_are_read_as_numbers() {
    assert!(regression_file("wide-integers.csv", |_| {}).is_ok());
}

#[test]
fn parquet_columns_of_other_types_are_named_and_honour_drop() {
    for (file, column) in [
        ("unreadable-ts.parquet", "ts"),
        ("unreadable-dec.parquet", "dec"),
        ("unreadable-struct.parquet", "st"),
        ("unreadable-f16.parquet", "h"),
    ] {
        let e = regression_file(file, |_| {}).unwrap_err();
        assert!(
            e.contains(&format!("column(s) '{column}'")) && e.contains(&format!("--drop {column}")),
            "{e}"
        );
        assert!(!e.contains("not a valid Parquet file: cannot"), "{e}");
        regression_file(file, |s| s.preprocess.drop = vec![column.into()])
            .unwrap_or_else(|e| panic!("{file} with --drop {column}: {e}"));
        regression_file(file, |s| s.features = Some(vec!["a".into()]))
            .unwrap_or_else(|e| panic!("{file} with --features a: {e}"));
    }
}

#[test]
fn missing_text_cells_get_advice_for_text() {
    let e = regression_file("missing-text-cells.csv", |s| {
        s.preprocess.steps.categories = seedfold::preprocess::CategoryFill::MostFrequent
    })
    .unwrap_err();
    assert!(
        e.contains("It holds text") && e.contains("--impute-categorical alone"),
        "{e}"
    );
}
