//! Output formats. A command's result implements [`Output`]: its JSON is
//! its serde serialization (with a `schema_version`), and it gives a
//! [`View`] (title, fields, tables, notes) that the table, CSV and Markdown
//! renderers draw, and Prometheus samples where it has them. Each format is
//! one file here, as hyperfine has an exporter per format: a new format
//! touches no command, and a new command touches no format.

pub mod csv;
pub mod html;
pub mod json;
pub mod markdown;
pub mod prometheus;
pub mod rows;
pub mod svg;
pub mod table;

use std::io::{self, Write};

use serde::Serialize;
use serde_json::Value;

pub use prometheus::Sample;

/// The version of the JSON documents' shapes. Shapes only grow: a new field
/// keeps the version; a removed or retyped field would raise it.
pub const SCHEMA_VERSION: u32 = 1;

/// `--format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
pub enum Format {
    /// Aligned tables for people
    Table,
    /// One JSON document
    Json,
    /// CSV, one row per table row
    Csv,
    /// GitHub-flavoured Markdown, to paste into a PR or doc
    Markdown,
    /// Prometheus text exposition format, for node_exporter's textfile collector
    Prometheus,
    /// One self-contained HTML page (inline CSS and SVG charts, nothing fetched): `> report.html`
    Html,
}

impl Format {
    /// The format asked for, else table on a terminal and JSON in a pipe.
    pub fn resolve(asked: Option<Format>, stdout_is_tty: bool) -> Format {
        asked.unwrap_or(if stdout_is_tty { Format::Table } else { Format::Json })
    }
}

/// A command's result, in every format.
pub trait Output: Serialize {
    /// What people read: the table and Markdown formats, and CSV unless
    /// [`Output::csv`] gives a flatter form.
    fn view(&self) -> View;

    /// The CSV form, when it is not the view's tables (one row per figure, at full precision).
    fn csv(&self) -> Option<View> {
        None
    }

    /// The HTML page: by default the view's headline, fields, tables and
    /// notes; results with charts add them.
    fn page(&self) -> html::Page {
        html::Page::from_view(&self.view())
    }

    /// The Prometheus samples, for results that have them.
    fn samples(&self) -> Option<Vec<Sample>> {
        None
    }
}

/// Writes `result` in `format` to `out`.
pub fn render<T: Output + ?Sized>(result: &T, format: Format, out: &mut dyn Write) -> io::Result<()> {
    match format {
        Format::Json => {
            let doc = serde_json::to_value(result).map_err(io::Error::other)?;
            json::render(doc, out)
        }
        Format::Prometheus => match result.samples() {
            Some(samples) => prometheus::render(&samples, out),
            None => Err(io::Error::new(io::ErrorKind::Unsupported, "this result has no Prometheus form")),
        },
        Format::Csv => csv::render(&result.csv().unwrap_or_else(|| result.view()), out),
        Format::Table => table::render(&result.view(), out),
        Format::Markdown => markdown::render(&result.view(), out),
        Format::Html => html::render(&result.page(), out),
    }
}

/// A table of cells; cells are JSON values so that every format can type them.
#[derive(Debug, Clone, Default)]
pub struct Table {
    pub title: Option<String>,
    pub columns: Vec<String>,
    pub rows: Vec<Vec<Value>>,
}

impl Table {
    pub fn new(columns: &[&str]) -> Self {
        Table { title: None, columns: columns.iter().map(|c| c.to_string()).collect(), rows: Vec::new() }
    }

    pub fn titled(mut self, title: impl Into<String>) -> Self {
        self.title = Some(title.into());
        self
    }

    pub fn push(&mut self, row: Vec<Value>) {
        self.rows.push(row);
    }
}

/// What people read of a result: a title, key/value fields, tables and notes.
#[derive(Debug, Clone, Default)]
pub struct View {
    /// What must stand out first (a verdict): boxed in a terminal, a heading in Markdown.
    pub headline: Option<Headline>,
    pub title: Option<String>,
    pub fields: Vec<(String, Value)>,
    pub tables: Vec<Table>,
    pub notes: Vec<String>,
}

/// A result's headline: `label` names it ("Verdict"), `text` is the answer,
/// `points` the reasons for it.
#[derive(Debug, Clone, Default)]
pub struct Headline {
    pub label: String,
    pub text: String,
    pub points: Vec<String>,
}

impl View {
    /// Several views as one: each one's fields become a table, the rest is concatenated.
    pub fn concat(views: Vec<View>) -> View {
        let mut out = View::default();
        for r in views {
            let mut fields_table = Table::new(&["field", "value"]);
            if let Some(t) = &r.title {
                fields_table.title = Some(t.clone());
            }
            for (k, v) in r.fields {
                fields_table.push(vec![Value::String(k), v]);
            }
            if !fields_table.rows.is_empty() {
                out.tables.push(fields_table);
            }
            out.tables.extend(r.tables);
            out.notes.extend(r.notes);
        }
        out
    }
}

/// A cell as people read it: strings bare (control characters escaped, so
/// that a name from a file cannot act on the terminal), floats to 6
/// significant digits.
pub fn human(v: &Value) -> String {
    match v {
        Value::Null => "-".into(),
        Value::String(s) => crate::bounds::escape(s),
        Value::Number(n) if n.is_f64() => n.as_f64().map(crate::numfmt::sig).unwrap_or_default(),
        other => other.to_string(),
    }
}
