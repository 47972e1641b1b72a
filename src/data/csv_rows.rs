//! Reading the CSV files seedfold writes (records and predictions) a record at a time, with
//! each record's place in the file: they can hold far more rows than are worth holding in
//! memory at once.

use std::io::BufRead;
use std::ops::Range;

/// One CSV record: its fields (quotes removed) and the bytes it spans in the file.
#[derive(Debug, Clone, PartialEq)]
pub struct CsvRow {
    /// The fields, `""` inside quotes read as one quote.
    pub fields: Vec<String>,
    /// Where the record lies in the file, its line break included.
    pub bytes: Range<u64>,
    /// Its first line's number (1-based, the header is line 1).
    pub line: usize,
    /// The record as written, without its final line break.
    pub text: String,
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
fn split_fields(record: &str) -> Vec<String> {
    // most records quote nothing: cut at the commas rather than a character at a time
    if !record.contains('"') {
        return record.split(',').map(str::to_string).collect();
    }
    let mut fields = vec![String::new()];
    let mut quoted = false;
    let mut chars = record.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                chars.next();
                fields.last_mut().expect("one field at least").push('"');
            }
            ('"', _) => quoted = !quoted,
            (',', false) => fields.push(String::new()),
            (c, _) => fields.last_mut().expect("one field at least").push(c),
        }
    }
    fields
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_fields_with_commas_quotes_and_line_breaks_are_read_whole_with_their_place() {
        assert_eq!(
            split_fields(r#"m,0,0,1,7,"a, ""b""",c"#),
            ["m", "0", "0", "1", "7", "a, \"b\"", "c"]
        );
        let text = "a,b\nx,\"two\r\nlines\"\r\ny,z\n";
        let (header, rows) = CsvRows::with_header(text.as_bytes()).unwrap();
        assert_eq!(header.as_deref(), Some("a,b"));
        let rows: Vec<CsvRow> = rows.map(Result::unwrap).collect();
        assert_eq!(rows[0].fields, ["x", "two\r\nlines"]);
        assert_eq!(rows[0].text, "x,\"two\r\nlines\"");
        assert_eq!((rows[0].bytes.clone(), rows[0].line), (4..20, 2));
        assert_eq!(rows[1].fields, ["y", "z"]);
        assert_eq!((rows[1].bytes.clone(), rows[1].line), (20..24, 4));
        assert_eq!(&text[20..24], "y,z\n");
    }
}
