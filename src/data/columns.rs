//! Whole columns for `abx drift`: polars reads only the asked-for columns
//! (projection) of a CSV or Parquet file, and each column is turned, in
//! parallel, into its non-missing numbers or its category counts. Missing
//! values (null, NaN, ±inf) are counted, not silently dropped.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use polars::prelude::*;
use rayon::prelude::*;

use super::outcomes::{polars_err, scan, source};
use crate::error::AbxError;

/// What a column holds, by its type in the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnType {
    /// Floating-point numbers.
    Float,
    /// Integers.
    Integer,
    /// Strings, booleans, categoricals.
    Text,
    /// All values missing (a column polars reads as null).
    Null,
    /// Dates, lists and the like: not compared.
    Other,
}

impl ColumnType {
    pub fn is_number(self) -> bool {
        matches!(self, ColumnType::Float | ColumnType::Integer)
    }

    pub fn name(self) -> &'static str {
        match self {
            ColumnType::Float => "number",
            ColumnType::Integer => "integer",
            ColumnType::Text => "string",
            ColumnType::Null => "null",
            ColumnType::Other => "other",
        }
    }
}

fn column_type(dtype: &DataType) -> ColumnType {
    match dtype {
        t if t.is_float() || t.is_decimal() => ColumnType::Float,
        t if t.is_integer() => ColumnType::Integer,
        DataType::String | DataType::Boolean => ColumnType::Text,
        t if t.is_categorical() || t.is_enum() => ColumnType::Text,
        DataType::Null => ColumnType::Null,
        _ => ColumnType::Other,
    }
}

/// A file's columns and their types, in file order.
pub fn schema(path: &Path) -> Result<Vec<(String, ColumnType, String)>, AbxError> {
    let (path, shown, _) = source(path)?;
    super::guarded(&shown, || schema_of(&path, &shown))
}

fn schema_of(path: &Path, shown: &str) -> Result<Vec<(String, ColumnType, String)>, AbxError> {
    let (path, shown) = (path.to_path_buf(), shown.to_string());
    if is_csv(&path) {
        super::records::check_header(&path, &shown, super::outcomes::separator(&path))?;
    }
    let mut lf = scan(&path, &shown, false)?;
    let schema = lf.collect_schema().map_err(|e| polars_err(&shown, e))?;
    Ok(schema.iter().map(|(n, t)| (n.to_string(), column_type(t), t.to_string())).collect())
}

/// How to read a column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Read {
    /// As numbers: the finite values, unsorted.
    Numbers,
    /// As categories: counts per value, numbers written as text (`3`, `2.5`).
    Categories,
}

/// A column's content.
#[derive(Debug, Clone)]
pub enum Values {
    Numbers(Vec<f64>),
    Categories(HashMap<String, u64>),
}

/// One column read from a file.
#[derive(Debug, Clone)]
pub struct ColumnData {
    pub name: String,
    /// Rows in the file.
    pub rows: u64,
    /// Null, NaN or infinite values.
    pub missing: u64,
    /// Of which infinite (counted as missing, and said so).
    pub infinite: u64,
    pub values: Values,
}

/// A number as a category label: integers without a decimal point.
pub fn number_label(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{}", x as i64)
    } else {
        format!("{x}")
    }
}

fn numbers(column: &Column) -> PolarsResult<(Vec<f64>, u64, u64)> {
    let cast = column.cast(&DataType::Float64)?;
    let ca = cast.f64()?;
    let mut out = Vec::with_capacity(ca.len() - ca.null_count());
    let (mut nan, mut inf) = (0u64, 0u64);
    let mut take = |v: f64| {
        if v.is_finite() {
            out.push(v);
        } else if v.is_nan() {
            nan += 1;
        } else {
            inf += 1;
        }
    };
    for arr in ca.downcast_iter() {
        let values = arr.values().as_slice();
        match arr.validity().filter(|v| v.unset_bits() > 0) {
            None => values.iter().for_each(|&v| take(v)),
            Some(valid) => values.iter().zip(valid.iter()).filter(|(_, ok)| *ok).for_each(|(&v, _)| take(v)),
        }
    }
    let missing = ca.null_count() as u64 + nan + inf;
    Ok((out, missing, inf))
}

fn categories(column: &Column) -> PolarsResult<(HashMap<String, u64>, u64, u64)> {
    let dtype = column.dtype().clone();
    if dtype.is_primitive_numeric() {
        let (values, missing, inf) = numbers(column)?;
        let mut counts: HashMap<String, u64> = HashMap::new();
        let mut by_bits: HashMap<u64, u64> = HashMap::new();
        for v in values {
            *by_bits.entry((v + 0.0).to_bits()).or_default() += 1;
        }
        for (bits, c) in by_bits {
            *counts.entry(number_label(f64::from_bits(bits))).or_default() += c;
        }
        return Ok((counts, missing, inf));
    }
    let cast = column.cast(&DataType::String)?;
    let ca = cast.str()?;
    let mut counts: HashMap<&str, u64> = HashMap::new();
    for arr in ca.downcast_iter() {
        for v in arr.iter().flatten() {
            *counts.entry(v).or_default() += 1;
        }
    }
    let owned = counts.into_iter().map(|(k, v)| (k.to_string(), v)).collect();
    Ok((owned, ca.null_count() as u64, 0))
}

fn is_csv(path: &Path) -> bool {
    !super::is_parquet(path)
}

/// The blank lines of a CSV file after its header, outside quoted fields
/// (a quoted field may hold an empty line).
fn blank_lines(path: &Path) -> std::io::Result<u64> {
    let bytes = std::fs::read(path)?;
    if memchr::memmem::find(&bytes, b"\n\n").is_none() && memchr::memmem::find(&bytes, b"\n\r\n").is_none() {
        return Ok(0);
    }
    let (mut blank, mut quoted, mut line_len, mut first) = (0u64, false, 0usize, true);
    for &b in &bytes {
        match b {
            b'"' => {
                quoted = !quoted;
                line_len += 1;
            }
            b'\n' if !quoted => {
                if line_len == 0 && !first {
                    blank += 1;
                }
                first = false;
                line_len = 0;
            }
            b'\r' if !quoted => {}
            _ => line_len += 1,
        }
    }
    Ok(blank)
}

/// Reads the given columns of `path`, each as asked.
pub fn read(path: &Path, want: &[(String, Read)]) -> Result<Vec<ColumnData>, AbxError> {
    let (path, shown, _) = source(path)?;
    super::guarded(&shown, || read_columns(&path, &shown, want))
}

fn read_columns(path: &Path, shown: &str, want: &[(String, Read)]) -> Result<Vec<ColumnData>, AbxError> {
    let (path, shown) = (path.to_path_buf(), shown.to_string());
    super::outcomes::check_csv(&path, &shown)?;
    let mut lf = scan(&path, &shown, false)?;
    if is_csv(&path) {
        // Integers are inferred from the first rows; a later 2^64 or 1.5 would
        // fail the read. drift compares numbers as doubles: read them so.
        let schema = lf.collect_schema().map_err(|e| polars_err(&shown, e))?;
        let ints: Vec<Field> = want
            .iter()
            .filter(|(n, _)| schema.get(n).is_some_and(|t| t.is_integer()))
            .map(|(n, _)| Field::new(n.as_str().into(), DataType::Float64))
            .collect();
        if !ints.is_empty() {
            lf = super::outcomes::scan_with(&path, &shown, false, Some(Arc::new(Schema::from_iter(ints))))?;
        }
    }
    // drift holds whole columns (and a sorted copy): a small Parquet file can
    // hold billions of rows, so their number is checked before any is read.
    if !is_csv(&path) {
        let counted = lf.clone().select([len().alias("n")]).collect().map_err(|e| polars_err(&shown, e))?;
        let rows = counted.column("n").ok().and_then(|c| c.cast(&DataType::UInt64).ok()?.u64().ok()?.get(0));
        let bytes = rows.unwrap_or(0).saturating_mul(want.len() as u64).saturating_mul(24);
        crate::bounds::check_memory(bytes, &format!("reading {} rows of {} columns", rows.unwrap_or(0), want.len()))
            .map_err(|m| AbxError::input(&shown, format!("{m} (read a sample of the rows)")))?;
    }
    if !is_csv(&path) {
        let schema = lf.collect_schema().map_err(|e| polars_err(&shown, e))?;
        if want.iter().all(|(n, _)| schema.get(n).is_some_and(super::outcomes::row_group_readable)) {
            return read_row_groups(&path, &shown, want);
        }
    }
    let exprs: Vec<Expr> = want.iter().map(|(n, _)| col(n.as_str())).collect();
    let df = lf.select(exprs).collect().map_err(|e| polars_err(&shown, e))?;
    // polars reads a blank line of a CSV file as a row of nulls; it is no row.
    let blank = if is_csv(&path) {
        blank_lines(&path).map_err(|source| AbxError::Read { path: shown.clone(), source })?
    } else {
        0
    };
    let rows = (df.height() as u64).saturating_sub(blank);
    want.par_iter()
        .map(|(name, how)| {
            let column = df.column(name).map_err(|e| polars_err(&shown, e))?;
            let (values, missing, infinite) = match how {
                Read::Numbers => {
                    let (v, m, i) = numbers(column).map_err(|e| polars_err(&shown, e))?;
                    (Values::Numbers(v), m, i)
                }
                Read::Categories => {
                    let (c, m, i) = categories(column).map_err(|e| polars_err(&shown, e))?;
                    (Values::Categories(c), m, i)
                }
            };
            Ok(ColumnData { name: name.clone(), rows, missing: missing.saturating_sub(blank), infinite, values })
        })
        .collect()
}

/// A Parquet file's columns read one row group at a time, each group's
/// values appended to the columns' and its decoded arrays dropped at once:
/// memory holds the values and one row group, not a second copy of every
/// column.
fn read_row_groups(path: &Path, shown: &str, want: &[(String, Read)]) -> Result<Vec<ColumnData>, AbxError> {
    let open = || std::fs::File::open(path).map_err(|source| AbxError::Read { path: shown.to_string(), source });
    let metadata = ParquetReader::new(open()?).get_metadata().map_err(|e| polars_err(shown, e))?.clone();
    let names: Vec<String> = want.iter().map(|(n, _)| n.clone()).collect();
    let mut out: Vec<ColumnData> = want
        .iter()
        .map(|(name, how)| ColumnData {
            name: name.clone(),
            rows: 0,
            missing: 0,
            infinite: 0,
            values: match how {
                Read::Numbers => Values::Numbers(Vec::new()),
                Read::Categories => Values::Categories(HashMap::new()),
            },
        })
        .collect();
    let mut at = 0usize;
    for rg in &metadata.row_groups {
        let rows = rg.num_rows();
        let mut reader = ParquetReader::new(open()?)
            .with_columns(Some(names.clone()))
            .with_slice(Some((at, rows)))
            .read_parallel(ParallelStrategy::None);
        reader.set_metadata(metadata.clone());
        let df = reader.finish().map_err(|e| polars_err(shown, e))?;
        at += rows;
        for (c, (name, _)) in out.iter_mut().zip(want) {
            let column = df.column(name).map_err(|e| polars_err(shown, e))?;
            c.rows += df.height() as u64;
            match &mut c.values {
                Values::Numbers(v) => {
                    let (more, missing, infinite) = numbers(column).map_err(|e| polars_err(shown, e))?;
                    if v.is_empty() {
                        v.reserve_exact(metadata.num_rows.saturating_sub(at - rows));
                    }
                    v.extend_from_slice(&more);
                    c.missing += missing;
                    c.infinite += infinite;
                }
                Values::Categories(counts) => {
                    let (more, missing, infinite) = categories(column).map_err(|e| polars_err(shown, e))?;
                    for (k, n) in more {
                        *counts.entry(k).or_default() += n;
                    }
                    c.missing += missing;
                    c.infinite += infinite;
                }
            }
        }
    }
    Ok(out)
}
