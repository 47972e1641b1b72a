//! Reading the CSV files seedfold writes (records and predictions) a record at a time, with
//! each record's place in the file: they can hold far more rows than are worth holding in
//! memory at once.

use std::io::BufRead;
use std::ops::Range;

/// One CSV record: its fields (quotes removed) and the bytes it spans in the file.
#[derive(Debug, Clone, PartialEq)]
pub struct CsvRow {
    /// The fields, `""` inside quotes read as one quote.
    pub fields: Fields,
    /// Where the record lies in the file, its line break included.
    pub bytes: Range<u64>,
    /// Its first line's number (1-based, the header is line 1).
    pub line: usize,
    /// The record as written, without its final line break.
    pub text: String,
}

/// A record's fields side by side in one string, each followed by a comma but the last: a
/// record read is three allocations, not one per field (reading a run's records back was a
/// tenth of a small run, most of it allocating fields only parsed as numbers).
#[derive(Debug, Clone, PartialEq)]
pub struct Fields {
    values: String,
    /// Where each field ends in `values`.
    ends: Vec<usize>,
}

impl Fields {
    /// How many fields the record has.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// Whether it has none (never, for a record read: an empty line is one empty field).
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// Field `i`, if the record has that many.
    pub fn get(&self, i: usize) -> Option<&str> {
        let end = *self.ends.get(i)?;
        let start = i.checked_sub(1).map_or(0, |before| self.ends[before] + 1);
        Some(&self.values[start..end])
    }

    /// The fields in order.
    pub fn iter(&self) -> impl Iterator<Item = &str> {
        (0..self.len()).filter_map(|i| self.get(i))
    }
}

/// The records of a CSV stream after its header, in order (a quoted field may hold a line
/// break); RFC 4180 as [`crate::report::field`] writes it.
pub struct CsvRows<R> {
    reader: R,
    offset: u64,
    line: usize,
    text: String,
}

impl<R: BufRead> CsvRows<R> {
    /// The records of `reader`, whose first line (the header) is returned apart, `None` when
    /// the stream is empty.
    pub fn with_header(mut reader: R) -> std::io::Result<(Option<String>, CsvRows<R>)> {
        let mut header = String::new();
        let offset = reader.read_line(&mut header)? as u64;
        let rows = CsvRows {
            reader,
            offset,
            line: 1,
            text: String::new(),
        };
        let header = (offset > 0).then(|| header.trim_end_matches(['\n', '\r']).to_string());
        Ok((header, rows))
    }

    /// The records of `reader` (no header), numbered from `first_line` and placed from byte
    /// `offset`.
    pub fn at(reader: R, offset: u64, first_line: usize) -> CsvRows<R> {
        CsvRows {
            reader,
            offset,
            line: first_line - 1,
            text: String::new(),
        }
    }
}

impl<R: BufRead> Iterator for CsvRows<R> {
    type Item = std::io::Result<CsvRow>;

    fn next(&mut self) -> Option<Self::Item> {
        self.text.clear();
        let (start, line) = (self.offset, self.line + 1);
        loop {
            match self.reader.read_line(&mut self.text) {
                Err(e) => return Some(Err(e)),
                Ok(0) => break,
                Ok(n) => {
                    self.offset += n as u64;
                    self.line += 1;
                    // a quoted field may hold a line break: read on until the quotes balance
                    if self.text.matches('"').count().is_multiple_of(2) {
                        break;
                    }
                }
            }
        }
        if self.text.is_empty() {
            return None;
        }
        let record = self.text.trim_end_matches(['\n', '\r']);
        Some(Ok(CsvRow {
            fields: split_fields(record),
            bytes: start..self.offset,
            line,
            text: record.to_string(),
        }))
    }
}

/// The fields of one CSV record, quotes removed ("" inside quotes is one quote).
fn split_fields(record: &str) -> Fields {
    // most records quote nothing: they are their fields, cut at the commas
    if !record.contains('"') {
        let commas = record.match_indices(',').map(|(at, _)| at);
        return Fields {
            ends: commas.chain([record.len()]).collect(),
            values: record.to_string(),
        };
    }
    let mut values = String::with_capacity(record.len());
    let mut ends = Vec::new();
    let mut quoted = false;
    let mut chars = record.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                chars.next();
                values.push('"');
            }
            ('"', _) => quoted = !quoted,
            (',', false) => {
                ends.push(values.len());
                values.push(',');
            }
            (c, _) => values.push(c),
        }
    }
    ends.push(values.len());
    Fields { values, ends }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_fields_with_commas_quotes_and_line_breaks_are_read_whole_with_their_place() {
        let fields = |record| {
            split_fields(record)
                .iter()
                .map(str::to_string)
                .collect::<Vec<_>>()
        };
        assert_eq!(
            fields(r#"m,0,0,1,7,"a, ""b""",c"#),
            ["m", "0", "0", "1", "7", "a, \"b\"", "c"]
        );
        assert_eq!(fields(r#""",,"x""#), ["", "", "x"]);
        assert_eq!(fields(",a,,"), ["", "a", "", ""]);
        assert_eq!(fields(""), [""]);
        assert_eq!(split_fields("a,b").get(2), None);
        let text = "a,b\nx,\"two\r\nlines\"\r\ny,z\n";
        let (header, rows) = CsvRows::with_header(text.as_bytes()).unwrap();
        assert_eq!(header.as_deref(), Some("a,b"));
        let rows: Vec<CsvRow> = rows.map(Result::unwrap).collect();
        assert!(rows[0].fields.iter().eq(["x", "two\r\nlines"]));
        assert_eq!(rows[0].text, "x,\"two\r\nlines\"");
        assert_eq!((rows[0].bytes.clone(), rows[0].line), (4..20, 2));
        assert!(rows[1].fields.iter().eq(["y", "z"]));
        assert_eq!((rows[1].bytes.clone(), rows[1].line), (20..24, 4));
        assert_eq!(&text[20..24], "y,z\n");
    }
}
