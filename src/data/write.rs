//! Writing a table of columns as CSV or Parquet (by extension), atomically
//! ([`write_atomic`]: a temporary file in the target's directory, fsync, rename).

use std::io::Write;
use std::path::Path;

use polars::prelude::{Column, DataFrame, ParquetWriter};

use crate::error::AbxError;
use crate::fsutil::write_output;

/// A column to write.
pub enum Col {
    Text(String, Vec<String>),
    Number(String, Vec<f64>),
}

impl Col {
    fn name(&self) -> &str {
        match self {
            Col::Text(n, _) | Col::Number(n, _) => n,
        }
    }
}

/// True for a path ending in `.parquet`.
pub fn is_parquet(path: &Path) -> bool {
    path.extension().is_some_and(|e| e.eq_ignore_ascii_case("parquet"))
}

pub fn write_table(path: &Path, columns: Vec<Col>) -> Result<(), AbxError> {
    let shown = path.display().to_string();
    let mut bytes = Vec::new();
    if is_parquet(path) {
        let cols: Vec<Column> = columns
            .into_iter()
            .map(|c| match c {
                Col::Text(n, v) => Column::new(n.as_str().into(), v),
                Col::Number(n, v) => Column::new(n.as_str().into(), v),
            })
            .collect();
        let mut df = DataFrame::new_infer_height(cols).map_err(|e| AbxError::input(&shown, e.to_string()))?;
        ParquetWriter::new(&mut bytes).finish(&mut df).map_err(|e| AbxError::input(&shown, e.to_string()))?;
    } else {
        write_csv(&mut bytes, &columns).map_err(|source| AbxError::Write { path: shown.clone(), source })?;
    }
    write_output(path, &bytes)
}

/// A CSV field, quoted when it holds a separator, a quote or a line break (RFC 4180).
fn field(text: &str) -> std::borrow::Cow<'_, str> {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\"")).into()
    } else {
        text.into()
    }
}

/// The columns as CSV; names and text values are quoted where they need it.
pub fn write_csv(w: &mut dyn Write, columns: &[Col]) -> std::io::Result<()> {
    let header: Vec<String> = columns.iter().map(|c| field(c.name()).into_owned()).collect();
    writeln!(w, "{}", header.join(","))?;
    let rows = columns.first().map_or(0, |c| match c {
        Col::Text(_, v) => v.len(),
        Col::Number(_, v) => v.len(),
    });
    let mut buf = String::new();
    for i in 0..rows {
        for (j, c) in columns.iter().enumerate() {
            if j > 0 {
                w.write_all(b",")?;
            }
            match c {
                Col::Text(_, v) => w.write_all(field(&v[i]).as_bytes())?,
                Col::Number(_, v) => w.write_all(number(v[i], &mut buf).as_bytes())?,
            }
        }
        w.write_all(b"\n")?;
    }
    Ok(())
}

/// A float as its shortest round-trip text (Rust's `Display`), integers without a fraction.
fn number(x: f64, out: &mut String) -> &str {
    use std::fmt::Write;
    out.clear();
    if x.fract() == 0.0 && x.abs() < 1e15 {
        let _ = write!(out, "{}", x as i64);
    } else {
        let _ = write!(out, "{x}");
    }
    out
}
