//! Output formats. A command builds a [`Report`]; a [`Renderer`] per format
//! (a file each, as hyperfine has an exporter per format) turns it into bytes.

pub mod csv;
pub mod json;
pub mod markdown;
pub mod prometheus;
pub mod table;

use std::io::{self, Write};

use serde_json::Value;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
pub enum Format {
    /// Aligned table for people
    Table,
    /// One JSON document
    Json,
    /// CSV, one row per table row
    Csv,
    /// GitHub-flavoured Markdown, to paste into a PR or doc
    Markdown,
}

impl Format {
    /// The format asked for, else table on a terminal and JSON in a pipe.
    pub fn resolve(asked: Option<Format>, stdout_is_tty: bool) -> Format {
        asked.unwrap_or(if stdout_is_tty { Format::Table } else { Format::Json })
    }
}

/// `--format`: the common formats plus Prometheus' text format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
pub enum OutputFormat {
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
}

impl OutputFormat {
    pub fn common(self) -> Option<Format> {
        match self {
            OutputFormat::Table => Some(Format::Table),
            OutputFormat::Json => Some(Format::Json),
            OutputFormat::Csv => Some(Format::Csv),
            OutputFormat::Markdown => Some(Format::Markdown),
            OutputFormat::Prometheus => None,
        }
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

/// What a command prints: a title, key/value fields, tables and notes for
/// people, and the JSON document (the contract's shape) for machines.
#[derive(Debug, Clone, Default)]
pub struct Report {
    pub title: Option<String>,
    pub fields: Vec<(String, Value)>,
    pub tables: Vec<Table>,
    pub notes: Vec<String>,
    pub json: Value,
}

impl Report {
    /// Several reports as one document: the JSON is a list, the rest is concatenated.
    pub fn concat(reports: Vec<Report>) -> Report {
        let json = Value::Array(reports.iter().map(|r| r.json.clone()).collect());
        let mut out = Report { json, ..Report::default() };
        for r in reports {
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

pub trait Renderer {
    fn render(&self, report: &Report, out: &mut dyn Write) -> io::Result<()>;
}

pub fn renderer(format: Format) -> Box<dyn Renderer> {
    match format {
        Format::Table => Box::new(table::TableRenderer),
        Format::Json => Box::new(json::JsonRenderer),
        Format::Csv => Box::new(csv::CsvRenderer),
        Format::Markdown => Box::new(markdown::MarkdownRenderer),
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
