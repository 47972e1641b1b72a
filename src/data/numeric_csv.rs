//! A fast path for plain numeric CSV files: every cell a number, no quotes, no missing cells.
//!
//! Such files are the large ones (a 200,000 × 33 table is 130 MB), and polars spends a type
//! inference pass and a general parser on them. This reader splits the bytes at line breaks
//! into one chunk per thread and parses each cell once. It accepts exactly the cells polars
//! reads as numbers — `-?\d+` as a 64-bit integer, and polars' float pattern without `inf` and
//! `NaN` — so a column of whole numbers is `Int64` and any other numeric column `Float64`, as
//! polars would infer from every row, with the same correctly rounded values. Anything else
//! (a quote, an empty or text cell, a missing-cell marker, a ragged or blank row, a whole
//! number beyond 64 bits, a header polars would rename) returns `None` and the caller reads
//! the file with polars, so its errors and type rules stay the only ones users see.

use polars::prelude::{Column, DataFrame, Float64Chunked, Int64Chunked, IntoColumn};
use rayon::prelude::*;

/// One column's cells so far: whole numbers until the first other number.
enum Cells {
    /// The values, and where a `-0` was read (a real −0.0 should the column turn real).
    Whole(Vec<i64>, Vec<usize>),
    Real(Vec<f64>),
}

impl Cells {
    fn push(&mut self, cell: &[u8]) -> Option<()> {
        match (number(cell)?, &mut *self) {
            (Number::Whole(v), Cells::Whole(values, negative_zeros)) => {
                if v == 0 && cell[0] == b'-' {
                    negative_zeros.push(values.len());
                }
                values.push(v)
            }
            (Number::Whole(_), Cells::Real(values)) => values.push(real(cell)?),
            (Number::Real(v), Cells::Real(values)) => values.push(v),
            (Number::Real(v), whole) => {
                let mut values = whole.reals();
                values.push(v);
                *self = Cells::Real(values);
            }
        }
        Some(())
    }

    fn append(&mut self, other: Cells) {
        match (&mut *self, other) {
            (Cells::Whole(a, za), Cells::Whole(b, zb)) => {
                za.extend(zb.iter().map(|z| z + a.len()));
                a.extend(b);
            }
            (Cells::Real(a), b) => a.extend(b.reals()),
            (a, Cells::Real(b)) => {
                let mut values = a.reals();
                values.extend(b);
                *self = Cells::Real(values);
            }
        }
    }

    /// The cells as reals, each what parsing its text as a real gives: `as` rounds a whole
    /// number to nearest, as a correctly rounded parse of its digits does, and `-0` is −0.0.
    fn reals(&self) -> Vec<f64> {
        match self {
            Cells::Real(values) => values.clone(),
            Cells::Whole(values, negative_zeros) => {
                let mut reals: Vec<f64> = values.iter().map(|&v| v as f64).collect();
                negative_zeros.iter().for_each(|&z| reals[z] = -0.0);
                reals
            }
        }
    }
}

enum Number {
    Whole(i64),
    Real(f64),
}

/// A cell polars infers as a number, parsed; `None` for any other cell.
fn number(cell: &[u8]) -> Option<Number> {
    let digits = |s: &[u8]| s.iter().take_while(|b| b.is_ascii_digit()).count();
    let rest = cell
        .strip_prefix(b"-")
        .or_else(|| cell.strip_prefix(b"+"))
        .unwrap_or(cell);
    let whole = digits(rest);
    if whole == rest.len() {
        // `-?\d+` is an integer; with a leading + it is neither an integer nor a float
        let integer = whole > 0 && !cell.starts_with(b"+");
        return integer
            .then(|| whole_number(cell))
            .flatten()
            .map(Number::Whole);
    }
    // [-+]?(\d*\.\d+([eE][-+]?\d+)? | \d+[eE][-+]?\d+ | \d+\.)
    let mut at = whole;
    if rest[at] == b'.' {
        let fraction = digits(&rest[at + 1..]);
        at += 1 + fraction;
        if at == rest.len() {
            return (whole + fraction > 0)
                .then(|| real(cell))
                .flatten()
                .map(Number::Real);
        }
        if fraction == 0 {
            return None;
        }
    } else if whole == 0 {
        return None;
    }
    if !matches!(rest[at], b'e' | b'E') {
        return None;
    }
    at += 1;
    if matches!(rest.get(at), Some(b'-' | b'+')) {
        at += 1;
    }
    let exponent = digits(&rest[at..]);
    (exponent > 0 && at + exponent == rest.len())
        .then(|| real(cell))
        .flatten()
        .map(Number::Real)
}

fn real(cell: &[u8]) -> Option<f64> {
    fast_float2::parse::<f64, _>(cell).ok()
}

/// `-?\d+` as an i64; `None` beyond its range (polars then reads the column as reals).
fn whole_number(cell: &[u8]) -> Option<i64> {
    let (negative, digits) = match cell.split_first()? {
        (b'-', rest) => (true, rest),
        _ => (false, cell),
    };
    let mut value: i64 = 0;
    for &d in digits {
        let d = i64::from(d - b'0');
        value = value
            .checked_mul(10)?
            .checked_add(if negative { -d } else { d })?;
    }
    Some(value)
}

/// The file's rows parsed into columns, `None` when the file is not plain numbers.
pub(super) fn read(bytes: &[u8], separator: u8) -> Option<DataFrame> {
    let header_end = memchr(b'\n', bytes)?;
    let names: Vec<&str> = std::str::from_utf8(line(&bytes[..header_end]))
        .ok()?
        .split(separator as char)
        .collect();
    let plain = |n: &&str| !n.is_empty() && !n.contains('"') && !n.starts_with('\u{feff}');
    let unique = names.iter().collect::<std::collections::HashSet<_>>().len() == names.len();
    if !names.iter().all(plain) || !unique {
        return None;
    }
    let body = &bytes[header_end + 1..];
    if body.is_empty() || body.contains(&b'"') {
        return None;
    }
    let chunks = chunk_bounds(body, rayon::current_num_threads() * 4);
    let parsed: Vec<Vec<Cells>> = chunks
        .par_iter()
        .map(|range| parse_rows(&body[range.clone()], separator, names.len()))
        .collect::<Option<_>>()?;
    let mut parsed = parsed.into_iter();
    let mut columns = parsed.next()?;
    for chunk in parsed {
        columns
            .iter_mut()
            .zip(chunk)
            .for_each(|(all, part)| all.append(part));
    }
    let columns: Vec<Column> = names
        .iter()
        .zip(columns)
        .map(|(&name, cells)| match cells {
            Cells::Whole(v, _) => Int64Chunked::from_vec(name.into(), v).into_column(),
            Cells::Real(v) => Float64Chunked::from_vec(name.into(), v).into_column(),
        })
        .collect();
    DataFrame::new_infer_height(columns).ok()
}

/// The line without its carriage return, if it ends in one.
fn line(bytes: &[u8]) -> &[u8] {
    bytes.strip_suffix(b"\r").unwrap_or(bytes)
}

fn memchr(needle: u8, haystack: &[u8]) -> Option<usize> {
    haystack.iter().position(|&b| b == needle)
}

/// About `parts` byte ranges of `body`, each ending just after a line break (the last at the
/// end of `body`).
fn chunk_bounds(body: &[u8], parts: usize) -> Vec<std::ops::Range<usize>> {
    let step = body.len().div_ceil(parts.max(1)).max(1);
    let mut bounds = Vec::new();
    let mut start = 0;
    while start < body.len() {
        let end = (start + step).min(body.len());
        let end = memchr(b'\n', &body[end - 1..]).map_or(body.len(), |i| end + i);
        bounds.push(start..end);
        start = end;
    }
    bounds
}

/// The rows of `chunk` (whole lines) as `width` columns; `None` at the first cell that is not
/// a number, a row of another width, or a blank line other than the file's last.
fn parse_rows(chunk: &[u8], separator: u8, width: usize) -> Option<Vec<Cells>> {
    let rows = chunk.iter().filter(|&&b| b == b'\n').count() + 1;
    let mut columns: Vec<Cells> = (0..width)
        .map(|_| Cells::Whole(Vec::with_capacity(rows), Vec::new()))
        .collect();
    let mut lines = chunk.split(|&b| b == b'\n').peekable();
    while let Some(text) = lines.next() {
        let text = line(text);
        if text.is_empty() {
            // only the break that ends the file's last row may be followed by nothing
            if lines.peek().is_none() {
                break;
            }
            return None;
        }
        let mut cells = text.split(|&b| b == separator);
        for column in columns.iter_mut() {
            column.push(cells.next()?)?;
        }
        if cells.next().is_some() {
            return None;
        }
    }
    Some(columns)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(cell: &str) -> Option<&'static str> {
        number(cell.as_bytes()).map(|n| match n {
            Number::Whole(_) => "whole",
            Number::Real(_) => "real",
        })
    }

    #[test]
    fn cells_are_typed_as_polars_infers_them() {
        for whole in ["0", "-0", "007", "-12", "9223372036854775807"] {
            assert_eq!(kind(whole), Some("whole"), "{whole}");
        }
        for real in [
            "1.5", "-1.5", "+1.5", ".5", "-.5", "5.", "1e5", "1E-5", "-2.5e+3", "0.0", ".5e2",
        ] {
            assert_eq!(kind(real), Some("real"), "{real}");
        }
        for text in [
            "",
            "+5",
            "-",
            ".",
            "e5",
            "1e",
            "1e+",
            "5.e3",
            "1.5.2",
            "inf",
            "NaN",
            "nan",
            " 1",
            "1 ",
            "1,5",
            "0x10",
            "9223372036854775808",
            "1_000",
            "--1",
            "1e5.5",
        ] {
            assert_eq!(kind(text), None, "{text}");
        }
    }

    #[test]
    fn chunks_end_at_line_breaks_and_cover_the_body() {
        let body = b"1,2\n3,4\n55,66\n7,8";
        for parts in 1..8 {
            let bounds = chunk_bounds(body, parts);
            assert_eq!(bounds.first().unwrap().start, 0);
            assert_eq!(bounds.last().unwrap().end, body.len());
            for pair in bounds.windows(2) {
                assert_eq!(pair[0].end, pair[1].start);
                assert_eq!(body[pair[0].end - 1], b'\n');
            }
        }
    }
}
