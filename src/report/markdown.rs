//! Markdown: a heading, a bullet list of fields, then pipe tables.

use std::io::{self, Write};

use super::{human, View};

/// Writes `report`.
pub fn render(report: &View, out: &mut dyn Write) -> io::Result<()> {
    let mut s = String::new();
    if let Some(h) = &report.headline {
        s += &format!("### {}: {}\n\n", escape(&h.label), escape(&h.text));
    }
    if let Some(t) = &report.title {
        s += &format!("### {}\n\n", escape(t));
    }
    for (k, v) in &report.fields {
        s += &format!("- **{}**: {}\n", escape(k), escape(&human(v)));
    }
    if !report.fields.is_empty() {
        s.push('\n');
    }
    for t in &report.tables {
        if let Some(title) = &t.title {
            s += &format!("**{}**\n\n", escape(title));
        }
        s += &format!("| {} |\n", t.columns.iter().map(|c| escape(c)).collect::<Vec<_>>().join(" | "));
        s += &format!("|{}\n", " --- |".repeat(t.columns.len()));
        for row in &t.rows {
            s += &format!("| {} |\n", row.iter().map(|c| escape(&human(c))).collect::<Vec<_>>().join(" | "));
        }
        s.push('\n');
    }
    let points = report.headline.iter().flat_map(|h| &h.points);
    for n in points.chain(&report.notes) {
        s += &format!("> {}\n", escape(n));
    }
    out.write_all(s.trim_end().as_bytes())?;
    out.write_all(b"\n")
}

/// Escapes the characters that would break a table cell or inline text.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '|' | '\\' | '*' | '`' | '<' | '>' => {
                out.push('\\');
                out.push(ch);
            }
            '\n' | '\r' => out.push(' '),
            _ => out.push(ch),
        }
    }
    out
}

/// Appends `s` escaped for a table cell (streamed rows).
pub fn write_cell(out: &mut Vec<u8>, s: &[u8]) {
    match std::str::from_utf8(s) {
        Ok(text) => out.extend_from_slice(escape(text).as_bytes()),
        Err(_) => out.extend_from_slice(s),
    }
}
