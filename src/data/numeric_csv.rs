//! A fast path for plain numeric CSV files: every cell a number, no quotes, no missing cells.
//!
//! Such files are the large ones (a 200,000 × 33 table is 130 MB), and polars spends a type
//! inference pass and a general parser on them. This reader cuts the bytes at line breaks
//! into chunks, several per thread, and parses each cell once. It accepts exactly the cells
//! polars reads as numbers — `-?\d+` as a 64-bit integer, and polars' float pattern without
//! `inf` and `NaN` — so a column of whole numbers is `Int64` and any other numeric column
//! `Float64`, as polars would infer from every row, with the same correctly rounded values.
//! Anything else (a quote, an empty or text cell, a missing-cell marker, a ragged or blank
//! row, a whole number beyond 64 bits, a header polars would rename) returns `None` and the
//! caller reads the file with polars, so its errors and type rules stay the only ones users
//! see.

use polars::prelude::{
    ChunkedArray, Column, DataFrame, Float64Type, Int64Type, IntoColumn, PolarsNumericType,
};
use rayon::prelude::*;

/// One column's cells so far: whole numbers until the first other number.
enum Cells {
    /// The values, and where a `-0` was read (a real −0.0 should the column turn real).
    Whole(Vec<i64>, Vec<usize>),
    Real(Vec<f64>),
}

impl Cells {
    /// Add `number`, read from `cell`.
    fn push(&mut self, number: Number, cell: &[u8]) -> Option<()> {
        match (number, &mut *self) {
            (Number::Whole(v), Cells::Whole(values, negative_zeros)) => {
                if v == 0 && cell[0] == b'-' {
                    negative_zeros.push(values.len());
                }
                values.push(v)
            }
            (Number::Whole(_), Cells::Real(values)) => values.push(real(cell)?),
            (Number::Real(v), Cells::Real(values)) => values.push(v),
            (Number::Real(v), Cells::Whole(whole, _)) => {
                let mut values = Vec::with_capacity(whole.capacity());
                self.extend_reals(&mut values);
                values.push(v);
                *self = Cells::Real(values);
            }
        }
        Some(())
    }

    fn len(&self) -> usize {
        match self {
            Cells::Whole(values, _) => values.len(),
            Cells::Real(values) => values.len(),
        }
    }

    /// Append the cells as reals, each what parsing its text as a real gives: `as` rounds a
    /// whole number to nearest, as a correctly rounded parse of its digits does, and `-0` is
    /// −0.0.
    fn extend_reals(&self, reals: &mut Vec<f64>) {
        match self {
            Cells::Real(values) => reals.extend_from_slice(values),
            Cells::Whole(values, negative_zeros) => {
                let start = reals.len();
                reals.extend(values.iter().map(|&v| v as f64));
                negative_zeros.iter().for_each(|&z| reals[start + z] = -0.0);
            }
        }
    }
}

/// One column from its chunks' parts, each part a chunk of the column (the cells are not
/// copied): whole numbers if every part is, else reals. `None` beyond polars' length limit.
fn joined(name: &str, parts: Vec<Cells>) -> Option<Column> {
    if parts.iter().all(|p| matches!(p, Cells::Whole(..))) {
        let whole = parts.into_iter().map(|part| match part {
            Cells::Whole(values, _) => values,
            Cells::Real(_) => unreachable!("every part holds whole numbers"),
        });
        appended::<Int64Type>(name, whole)
    } else {
        let reals = parts.into_iter().map(|part| match part {
            Cells::Real(values) => values,
            whole => {
                let mut values = Vec::with_capacity(whole.len());
                whole.extend_reals(&mut values);
                values
            }
        });
        appended::<Float64Type>(name, reals)
    }
}

/// A column whose chunks are `parts`, each keeping its own memory.
fn appended<T: PolarsNumericType>(
    name: &str,
    parts: impl Iterator<Item = Vec<T::Native>>,
) -> Option<Column>
where
    ChunkedArray<T>: IntoColumn,
{
    let mut column = ChunkedArray::<T>::from_vec(name.into(), Vec::new());
    for values in parts {
        column
            .append_owned(ChunkedArray::from_vec(name.into(), values))
            .ok()?;
    }
    Some(column.into_column())
}

enum Number {
    Whole(i64),
    Real(f64),
}

/// The number at the start of `bytes` as polars infers cells, and the bytes it spans (where
/// the cell must end); `None` when the cell does not start with one. Integers are `-?\d+`;
/// reals `[-+]?(\d*\.\d+([eE][-+]?\d+)? | \d+[eE][-+]?\d+ | \d+\.)`. The digits are
/// summed while they are checked, so most reals need no second pass (see [`exact_real`]).
fn number(bytes: &[u8]) -> Option<(Number, usize)> {
    short_decimal(bytes).or_else(|| any_number(bytes))
}

/// [`number`] for any cell, its digit runs read in a loop.
fn any_number(bytes: &[u8]) -> Option<(Number, usize)> {
    let mut digits = Digits::default();
    let negative = bytes.first() == Some(&b'-');
    let mut at = usize::from(negative || bytes.first() == Some(&b'+'));
    let whole = digits.read(bytes, at);
    at += whole;
    let mut scale = 0i64;
    let mut is_real = false;
    if bytes.get(at) == Some(&b'.') {
        let fraction = digits.read(bytes, at + 1);
        at += 1 + fraction;
        scale = -(fraction as i64);
        if whole + fraction == 0 {
            return None;
        }
        if fraction == 0 {
            // `\d+\.` takes no exponent: the cell must end here
            let value = exact_real(&digits, scale, negative).or_else(|| real(&bytes[..at]));
            return Some((Number::Real(value?), at));
        }
        is_real = true;
    } else if whole == 0 {
        return None;
    }
    if matches!(bytes.get(at), Some(b'e' | b'E')) {
        let mut after = at + 1;
        let negative_exponent = bytes.get(after) == Some(&b'-');
        if matches!(bytes.get(after), Some(b'-' | b'+')) {
            after += 1;
        }
        let mut exponent = Digits::default();
        let length = exponent.read(bytes, after);
        if length == 0 {
            return None;
        }
        at = after + length;
        let power = if exponent.count > 4 {
            i64::MAX / 2
        } else {
            exponent.value as i64
        };
        scale += if negative_exponent { -power } else { power };
        is_real = true;
    }
    if is_real {
        let value = exact_real(&digits, scale, negative).or_else(|| real(&bytes[..at]));
        Some((Number::Real(value?), at))
    } else if bytes[0] == b'+' {
        // a leading + makes no integer, and without a point or exponent no real either
        None
    } else {
        Some((Number::Whole(whole_number(&bytes[..at])?), at))
    }
}

/// The commonest real, `-?\d{1,7}\.\d{1,15}` without an exponent, read from fixed words
/// where [`any_number`] reads digit runs in a loop, which ends on a run whose length varies
/// from cell to cell: a branch the CPU mispredicts. This read halved the parse of a table of
/// such cells. The same digits, count and scale, so the same value; `None` for any other
/// cell (or one within 32 bytes of the chunk's end), which [`any_number`] reads.
fn short_decimal(bytes: &[u8]) -> Option<(Number, usize)> {
    let cell: &[u8; 32] = bytes.first_chunk()?;
    let word = |at: usize| u64::from_le_bytes(cell[at..at + 8].try_into().expect("8 bytes"));
    let negative = cell[0] == b'-';
    let start = usize::from(negative);
    let whole = word(start);
    let whole_digits = leading_digits(whole);
    if whole_digits == 0 || whole_digits == 8 || cell[start + whole_digits] != b'.' {
        return None;
    }
    // the fraction: up to 8 digits in its first word, and up to 7 in its second, which
    // counts only when the first is all digits
    let point = start + whole_digits + 1;
    let (first, second) = (word(point), word(point + 8));
    let first_digits = leading_digits(first);
    let second_digits =
        leading_digits(second) & 0usize.wrapping_sub(usize::from(first_digits == 8));
    let end = point + first_digits + second_digits;
    let count = whole_digits + first_digits + second_digits;
    if first_digits == 0 || second_digits == 8 || count > 19 || matches!(cell[end], b'e' | b'E') {
        return None;
    }
    // without a branch on whether the second word holds any of the digits
    let second_value = digits_value(second, second_digits.max(1))
        & 0u64.wrapping_sub(u64::from(second_digits > 0));
    let value = (digits_value(whole, whole_digits) * POWERS_OF_TEN[first_digits]
        + digits_value(first, first_digits))
        * POWERS_OF_TEN[second_digits]
        + second_value;
    let digits = Digits { value, count };
    let scale = -((first_digits + second_digits) as i64);
    let value = exact_real(&digits, scale, negative).or_else(|| real(&bytes[..end]))?;
    Some((Number::Real(value), end))
}

/// Decimal digits read so far: their value (exact while `count` ≤ 19) and how many.
#[derive(Default)]
struct Digits {
    value: u64,
    count: usize,
}

impl Digits {
    /// Read the digits of `bytes` from `from` on, eight at a time; how many there were.
    fn read(&mut self, bytes: &[u8], from: usize) -> usize {
        let run = bytes.get(from..).unwrap_or(&[]);
        let mut length = 0;
        loop {
            let rest = &run[length..];
            let word = match rest.first_chunk::<8>() {
                Some(word) => u64::from_le_bytes(*word),
                None => {
                    let mut word = [0u8; 8];
                    word[..rest.len()].copy_from_slice(rest);
                    u64::from_le_bytes(word)
                }
            };
            // a zero byte past the end is not a digit, so the run stops there
            let digits = leading_digits(word);
            if digits > 0 {
                self.value = self
                    .value
                    .wrapping_mul(POWERS_OF_TEN[digits])
                    .wrapping_add(digits_value(word, digits));
            }
            length += digits;
            if digits < 8 {
                break;
            }
        }
        self.count += length;
        length
    }
}

/// 10⁰ … 10⁸.
const POWERS_OF_TEN: [u64; 9] = [
    1,
    10,
    100,
    1_000,
    10_000,
    100_000,
    1_000_000,
    10_000_000,
    100_000_000,
];

/// Each byte of a word, repeated.
const fn bytes(b: u8) -> u64 {
    u64::from_le_bytes([b; 8])
}

/// How many of the eight bytes of `word` (read little-endian: the first byte lowest) are
/// ASCII digits before the first that is not. A byte's top bit is set by +0x46 above '9' or
/// by −0x30 below '0'; carries and borrows only run up from a byte that is not a digit, so
/// the first such byte is always marked (Lemire, "Fast number parsing", simdjson).
fn leading_digits(word: u64) -> usize {
    let not_digit = (word.wrapping_add(bytes(0x46)) | word.wrapping_sub(bytes(b'0'))) & bytes(0x80);
    not_digit.trailing_zeros() as usize / 8
}

/// The value of the first `digits` (1 … 8) bytes of `word`, all ASCII digits: moved to the
/// top of the word behind '0's, then combined pairwise in three multiplications (the
/// eight-digit step of fast_float, Lemire 2021, "Number parsing at a gigabyte per second").
fn digits_value(word: u64, digits: usize) -> u64 {
    let word = if digits == 8 {
        word
    } else {
        (word << (8 * (8 - digits))) | (bytes(b'0') >> (8 * digits))
    };
    let v = word.wrapping_sub(bytes(b'0'));
    let v = v.wrapping_mul(10).wrapping_add(v >> 8);
    let pairs = 0x0000_00FF_0000_00FF;
    let high = (v & pairs).wrapping_mul(100 + (1_000_000 << 32));
    let low = ((v >> 16) & pairs).wrapping_mul(1 + (10_000 << 32));
    high.wrapping_add(low) >> 32
}

/// Powers of ten that are exact as `f64`.
const EXACT_POWERS: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];

/// `digits` · 10^`scale` when one correctly rounded operation gives it exactly as a full parse
/// would (Clinger 1990, "How to read floating point numbers accurately", the fast path): the
/// digits at most 2⁵³ and |scale| ≤ 22, both factors then exact. `None` otherwise.
fn exact_real(digits: &Digits, scale: i64, negative: bool) -> Option<f64> {
    let exact = digits.count <= 19 && digits.value <= 1 << 53 && scale.abs() <= 22;
    exact.then(|| {
        let m = digits.value as f64;
        let power = EXACT_POWERS[scale.unsigned_abs() as usize];
        let v = if scale >= 0 { m * power } else { m / power };
        // the sign set without a branch (v is never negative): −v, −0.0 for 0
        f64::from_bits(v.to_bits() | u64::from(negative) << 63)
    })
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
    // a quote needs no scan of its own: no number holds one, so its cell ends the parse
    if body.is_empty() {
        return None;
    }
    // many chunks a thread: the thread that fingerprints the file meanwhile joins late, and
    // the last chunks are short enough not to keep one thread working alone
    let chunks = chunk_bounds(body, rayon::current_num_threads() * 16);
    let parsed: Vec<Vec<Cells>> = chunks
        .par_iter()
        .map(|range| parse_rows(&body[range.clone()], separator, names.len()))
        .collect::<Option<_>>()?;
    // chunk-major parts to one list of parts per column
    let mut by_column: Vec<Vec<Cells>> = names.iter().map(|_| Vec::new()).collect();
    for chunk in parsed {
        by_column
            .iter_mut()
            .zip(chunk)
            .for_each(|(c, part)| c.push(part));
    }
    let columns: Vec<Column> = by_column
        .into_par_iter()
        .zip(names)
        .map(|(parts, name)| joined(name, parts))
        .collect::<Option<_>>()?;
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
/// a number, a row of another width, or a blank line.
fn parse_rows(chunk: &[u8], separator: u8, width: usize) -> Option<Vec<Cells>> {
    // at most this many rows (a row is at least one byte and a separator or line break per
    // cell): the columns never grow, and pages reserved beyond the rows read are never touched
    let rows = chunk.len() / (2 * width) + 1;
    let mut columns: Vec<Cells> = (0..width)
        .map(|_| Cells::Whole(Vec::with_capacity(rows), Vec::new()))
        .collect();
    let mut at = 0;
    while at < chunk.len() {
        for (c, column) in columns.iter_mut().enumerate() {
            let (value, length) = number(&chunk[at..])?;
            column.push(value, &chunk[at..at + length])?;
            at += length;
            // the cell ends at the separator, or the last one at the line's end
            at += match (chunk.get(at), c + 1 == width) {
                (Some(&b), false) if b == separator => 1,
                (Some(b'\n'), true) => 1,
                (Some(b'\r'), true) if chunk.get(at + 1) == Some(&b'\n') => 2,
                (None, true) => 0,
                _ => return None,
            };
        }
    }
    Some(columns)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// How a whole cell is read: the number must span it.
    fn kind(cell: &str) -> Option<&'static str> {
        match number(cell.as_bytes()) {
            Some((Number::Whole(_), n)) if n == cell.len() => Some("whole"),
            Some((Number::Real(_), n)) if n == cell.len() => Some("real"),
            _ => None,
        }
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

    /// Two reads of a cell are the same number, bit for bit, spanning the same bytes.
    fn same(a: Option<(Number, usize)>, b: Option<(Number, usize)>) -> bool {
        match (a, b) {
            (Some((Number::Whole(x), m)), Some((Number::Whole(y), n))) => x == y && m == n,
            (Some((Number::Real(x), m)), Some((Number::Real(y), n))) => {
                x.to_bits() == y.to_bits() && m == n
            }
            (None, None) => true,
            _ => false,
        }
    }

    #[test]
    fn short_decimals_are_read_as_any_number_reads_them() {
        // cells of the short shape and around it (no point, no digits on a side, too many
        // digits, a sign, an exponent or another point after them)
        let mut rng = crate::rng::stream(11, crate::rng::Purpose::Bootstrap);
        let mut below = |m: usize| crate::rng::below(&mut rng, m as u64) as usize;
        let ends = [&b","[..], b"\n", b"\r\n", b"e5", b"E-2", b".5", b"x", b";"];
        let (mut short, mut cells) = (0, 0);
        for _ in 0..50_000 {
            let sign = ["", "-", "+"][below(3)];
            let mut digits = |most: usize| -> String {
                let length = below(most + 1);
                (0..length)
                    .map(|_| char::from(b'0' + below(10) as u8))
                    .collect()
            };
            let (whole, fraction) = (digits(9), digits(18));
            let point = if below(10) == 0 { "" } else { "." };
            let text = [
                sign.as_bytes(),
                whole.as_bytes(),
                point.as_bytes(),
                fraction.as_bytes(),
                ends[below(ends.len())],
                &[b'7'; 40],
            ]
            .concat();
            let expected = any_number(&text);
            if let Some(found) = short_decimal(&text) {
                short += 1;
                assert!(
                    same(Some(found), any_number(&text)),
                    "{}",
                    String::from_utf8_lossy(&text)
                );
            }
            assert!(same(number(&text), expected));
            cells += 1;
        }
        // the short read took a good share of the cells, and declines what is near a chunk's end
        assert!(short * 10 > cells, "{short} of {cells}");
        assert!(short_decimal(b"-0.5,1\n").is_none());
        assert!(same(
            short_decimal(b"-0.5,1111111111111111111111111111\n"),
            any_number(b"-0.5,")
        ));
    }

    #[test]
    fn digit_runs_are_read_eight_at_a_time_as_one_at_a_time() {
        let ends = [&b""[..], b",", b".5", b"\n", b"e", b"/", b":", b"\xff"];
        for length in 0..=24 {
            for end in ends {
                let run: Vec<u8> = (0..length).map(|i| b'0' + (i * 7 + 3) as u8 % 10).collect();
                let text = [&b"x"[..], &run, end].concat();
                let mut digits = Digits::default();
                assert_eq!(digits.read(&text, 1), length);
                let expected = run.iter().fold(0u64, |v, d| {
                    v.wrapping_mul(10).wrapping_add(u64::from(d - b'0'))
                });
                assert_eq!((digits.value, digits.count), (expected, length));
            }
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
