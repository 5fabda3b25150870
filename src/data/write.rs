//! Writing a table of columns as CSV or Parquet (by extension), atomically:
//! a temporary file in the target's directory, fsync, rename.

use std::io::{BufWriter, Write};
use std::path::Path;

use polars::prelude::{Column, DataFrame, ParquetWriter};

use crate::error::AbxError;

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
    let err = |source| AbxError::Write { path: shown.clone(), source };
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let tmp = tempfile::Builder::new().prefix(".abx-").suffix(".tmp").tempfile_in(dir).map_err(err)?;
    if is_parquet(path) {
        let cols: Vec<Column> = columns
            .into_iter()
            .map(|c| match c {
                Col::Text(n, v) => Column::new(n.as_str().into(), v),
                Col::Number(n, v) => Column::new(n.as_str().into(), v),
            })
            .collect();
        let mut df = DataFrame::new_infer_height(cols).map_err(|e| AbxError::input(&shown, e.to_string()))?;
        ParquetWriter::new(tmp.as_file()).finish(&mut df).map_err(|e| AbxError::input(&shown, e.to_string()))?;
    } else {
        let mut w = BufWriter::with_capacity(1 << 20, tmp.as_file());
        write_csv(&mut w, &columns).map_err(err)?;
        w.flush().map_err(err)?;
    }
    tmp.as_file().sync_all().map_err(err)?;
    tmp.persist(path).map_err(|e| err(e.error))?;
    Ok(())
}

/// The columns as CSV (values are plain: no quoting needed for abx's own ids and numbers).
pub fn write_csv(w: &mut dyn Write, columns: &[Col]) -> std::io::Result<()> {
    let header: Vec<&str> = columns.iter().map(Col::name).collect();
    writeln!(w, "{}", header.join(","))?;
    let rows = columns.first().map_or(0, |c| match c {
        Col::Text(_, v) => v.len(),
        Col::Number(_, v) => v.len(),
    });
    let mut buf = ryu_like::Buffer::default();
    for i in 0..rows {
        for (j, c) in columns.iter().enumerate() {
            if j > 0 {
                w.write_all(b",")?;
            }
            match c {
                Col::Text(_, v) => w.write_all(v[i].as_bytes())?,
                Col::Number(_, v) => w.write_all(buf.format(v[i]).as_bytes())?,
            }
        }
        w.write_all(b"\n")?;
    }
    Ok(())
}

/// Shortest round-trip formatting of floats (integers without a fraction).
mod ryu_like {
    #[derive(Default)]
    pub struct Buffer(String);

    impl Buffer {
        pub fn format(&mut self, x: f64) -> &str {
            use std::fmt::Write;
            self.0.clear();
            if x.fract() == 0.0 && x.abs() < 1e15 {
                let _ = write!(self.0, "{}", x as i64);
            } else {
                let _ = write!(self.0, "{x}");
            }
            &self.0
        }
    }
}
