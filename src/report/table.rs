//! Tables for people, drawn with comfy-table.

use std::io::{self, Write};

use comfy_table::{presets, Cell, CellAlignment, ContentArrangement, Table as Comfy};
use serde_json::Value;

use super::{human, View};

/// Writes `report`.
pub fn render(report: &View, out: &mut dyn Write) -> io::Result<()> {
    let mut s = String::new();
    if let Some(h) = &report.headline {
        let text = format!("  {}  ", crate::bounds::escape_lines(&h.text));
        let bar = "━".repeat(text.chars().count());
        s += &format!("┏{bar}┓\n┃{text}┃\n┗{bar}┛\n");
        for p in &h.points {
            s += &format!("  • {}\n", crate::bounds::escape_lines(p));
        }
        s.push('\n');
    }
    if let Some(t) = &report.title {
        s += &format!("{}\n", crate::bounds::escape_lines(t));
    }
    let width = report.fields.iter().map(|(k, _)| k.chars().count()).max().unwrap_or(0);
    for (k, v) in &report.fields {
        s += &format!("  {k:<width$}  {}\n", human(v));
    }
    for t in &report.tables {
        if !s.is_empty() {
            s.push('\n');
        }
        if let Some(title) = &t.title {
            s += &format!("{}\n", crate::bounds::escape_lines(title));
        }
        let mut c = Comfy::new();
        c.load_preset(presets::UTF8_FULL_CONDENSED).set_content_arrangement(ContentArrangement::Dynamic);
        c.set_header(t.columns.iter().map(|h| Cell::new(crate::bounds::escape(h))));
        for row in &t.rows {
            c.add_row(row.iter().map(|v| {
                let cell = Cell::new(human(v));
                if matches!(v, Value::Number(_)) {
                    cell.set_alignment(CellAlignment::Right)
                } else {
                    cell
                }
            }));
        }
        s += &format!("{c}\n");
    }
    if !report.notes.is_empty() {
        s.push('\n');
    }
    for n in &report.notes {
        s += &format!("{}\n", crate::bounds::escape_lines(n));
    }
    out.write_all(s.as_bytes())
}
