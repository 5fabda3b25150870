//! CSV: every table of the report, with a header row; tables are separated by
//! a blank line. Also the field quoting used by streamed rows.

use std::io::{self, Write};

use super::{Table, View};

/// Writes `report`.
pub fn render(report: &View, out: &mut dyn Write) -> io::Result<()> {
    let mut tables: Vec<Table> = Vec::new();
    if !report.fields.is_empty() {
        let mut t = Table::new(&["field", "value"]);
        for (k, v) in &report.fields {
            t.push(vec![serde_json::Value::String(k.clone()), v.clone()]);
        }
        tables.push(t);
    }
    tables.extend(report.tables.iter().cloned());
    let mut buf = Vec::new();
    for (i, t) in tables.iter().enumerate() {
        if i > 0 {
            buf.push(b'\n');
        }
        write_row(&mut buf, t.columns.iter().map(|c| c.as_bytes()), b',');
        for row in &t.rows {
            let cells: Vec<String> = row.iter().map(cell).collect();
            write_row(&mut buf, cells.iter().map(|c| c.as_bytes()), b',');
        }
    }
    out.write_all(&buf)
}

/// A cell at full precision: numbers as JSON writes them, null empty.
fn cell(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::Null => String::new(),
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn write_row<'a>(out: &mut Vec<u8>, cells: impl Iterator<Item = &'a [u8]>, delim: u8) {
    for (i, c) in cells.enumerate() {
        if i > 0 {
            out.push(delim);
        }
        write_field(out, c, delim);
    }
    out.push(b'\n');
}

/// Whether any field in `text` might need quoting: a cheap SIMD scan that
/// lets callers skip [`write_field`]'s per-byte check for a whole chunk.
pub fn may_need_quotes(text: &[u8], delim: u8) -> bool {
    memchr::memchr3(delim, b'"', b'\r', text).is_some() || memchr::memchr(b' ', text).is_some()
}

/// Appends one field, quoted when it holds the delimiter, a quote, CR or LF,
/// or starts or ends with a space (as the csv crate's `QuoteStyle::Necessary`).
pub fn write_field(out: &mut Vec<u8>, field: &[u8], delim: u8) {
    let needs = field.iter().any(|&b| b == delim || b == b'"' || b == b'\n' || b == b'\r')
        || field.first() == Some(&b' ')
        || field.last() == Some(&b' ');
    if !needs {
        out.extend_from_slice(field);
        return;
    }
    out.push(b'"');
    for &b in field {
        if b == b'"' {
            out.push(b'"');
        }
        out.push(b);
    }
    out.push(b'"');
}

#[cfg(test)]
mod tests {
    use super::write_field;

    #[test]
    fn quotes_only_when_needed() {
        let f = |s: &str| {
            let mut out = Vec::new();
            write_field(&mut out, s.as_bytes(), b',');
            String::from_utf8(out).unwrap()
        };
        assert_eq!(f("user_1"), "user_1");
        assert_eq!(f("a,b"), "\"a,b\"");
        assert_eq!(f("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(f(" pad"), "\" pad\"");
    }
}
