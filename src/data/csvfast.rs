//! A fast reader for plain CSV files (no quoted fields): newline-aligned
//! chunks split with memchr and numbers parsed with fast-float2, built into
//! the same batches polars would give, on one worker per core. polars' CSV
//! reader counts lines with a scalar loop on stable Rust, which made it the
//! bottleneck of `abx analyze` on CSV; this reader is several times faster.
//! It declines any file with a quote character, which polars then reads.

use std::fs::File;
use std::path::Path;
use std::sync::Mutex;

use polars::prelude::*;

use super::lines::LineChunker;
use super::outcomes::{fold_parallel, Accumulator, Folded, Request};
use crate::error::AbxError;

const CHUNK: usize = 1 << 20;

/// What each needed column becomes.
#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Text,
    Number,
    /// A covariate: missing counts as 0.
    Covariate,
}

struct Needed {
    /// (field index, batch column name, kind, header name)
    columns: Vec<(usize, String, Kind, String)>,
    sep: u8,
    /// Fields in the header: every row has as many.
    fields: usize,
}

/// Reduces `path` with this reader; `Ok(None)` when it declines the file.
/// The text columns to read besides the metrics: the key (variant or unit),
/// the unit (to check each appears once), targeting attributes (`__attr{i}`)
/// and segments.
pub(super) struct TextColumns<'a> {
    pub key: &'a str,
    pub unit: Option<&'a str>,
    pub attributes: &'a [(usize, &'a str)],
    pub by: &'a [String],
}

pub(super) fn reduce<M>(
    path: &Path,
    text: &TextColumns<'_>,
    req: &Request<'_>,
    make: &M,
    shown: &str,
) -> Result<Option<Vec<Accumulator>>, AbxError>
where
    M: Fn() -> Accumulator + Sync,
{
    let sep = super::outcomes::separator(path);
    let file = File::open(path).map_err(|source| AbxError::Read { path: shown.to_string(), source })?;
    let mut chunker = LineChunker::new(file, CHUNK);
    let Some(first) = chunker.next_chunk().map_err(|source| AbxError::Read { path: shown.to_string(), source })? else {
        return Ok(None);
    };
    // The header is the first line; the rest of the first chunk is data.
    let end = memchr::memchr(b'\n', &first.data).map_or(first.data.len(), |p| p + 1);
    let header = trim_eol(&first.data[..end]);
    let header = header.strip_prefix(b"\xef\xbb\xbf").unwrap_or(header);
    if memchr::memchr(b'"', header).is_some() {
        return Ok(None);
    }
    let names: Vec<&[u8]> = header.split(|&b| b == sep).collect();
    let index = |c: &str| names.iter().position(|n| *n == c.as_bytes());
    let mut columns = Vec::new();
    let mut need = |c: &str, batch: String, kind: Kind| -> bool {
        match index(c) {
            Some(i) => {
                columns.push((i, batch, kind, c.to_string()));
                true
            }
            None => false,
        }
    };
    let mut ok = need(text.key, "__key".into(), Kind::Text);
    if let Some(u) = text.unit {
        ok &= need(u, "__unit".into(), Kind::Text);
    }
    for &(i, a) in text.attributes {
        ok &= need(a, format!("__attr{i}"), Kind::Text);
    }
    for (i, b) in text.by.iter().enumerate() {
        ok &= need(b, format!("__by{i}"), Kind::Text);
    }
    for (i, m) in req.metrics.iter().enumerate() {
        ok &= need(&m.x, format!("__x{i}"), Kind::Number);
        if let Some(y) = &m.y {
            ok &= need(y, format!("__y{i}"), if m.y_is_covariate { Kind::Covariate } else { Kind::Number });
        }
    }
    // Duplicate header names: let polars settle them.
    let mut sorted = names.clone();
    sorted.sort();
    sorted.dedup();
    if !ok || sorted.len() != names.len() {
        return Ok(None);
    }
    let needed = Needed { columns, sep, fields: names.len() };

    let first_rest = first.data[end..].to_vec();
    let mut pending = Some((first_rest, first.first_line + 1));
    let mut failed: Option<std::io::Error> = None;
    let failed_ref = &mut failed;
    let feed = Mutex::new(move || {
        let (data, line) = match pending.take() {
            Some(p) => p,
            None => match chunker.next_chunk() {
                Ok(Some(c)) => (c.data, c.first_line),
                Ok(None) => return None,
                Err(e) => {
                    *failed_ref = Some(e);
                    return None;
                }
            },
        };
        // Rows before this chunk: lines after the header.
        Some(((data, line), line - 2))
    });
    let folded = fold_parallel(feed, |(data, line): (Vec<u8>, u64), _| parse(&data, line, &needed, shown), make, None);
    if let Some(source) = failed {
        return Err(AbxError::Read { path: shown.to_string(), source });
    }
    match folded {
        Folded::Done(p) => Ok(Some(p)),
        Folded::Failed(e) => Err(e),
        Folded::Declined => Ok(None),
    }
}

fn trim_eol(line: &[u8]) -> &[u8] {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    line.strip_suffix(b"\r").unwrap_or(line)
}

/// One chunk of lines to a batch; None (declined) when a line has a quote.
fn parse(data: &[u8], first_line: u64, needed: &Needed, shown: &str) -> Result<Option<DataFrame>, AbxError> {
    if memchr::memchr(b'"', data).is_some() {
        return Ok(None);
    }
    let ncols = needed.columns.len();
    let max_field = needed.columns.iter().map(|c| c.0).max().unwrap_or(0);
    // Field index -> slot in `needed.columns` (several slots may read one field).
    let mut slots: Vec<Vec<usize>> = vec![Vec::new(); max_field + 1];
    for (slot, (i, _, _, _)) in needed.columns.iter().enumerate() {
        slots[*i].push(slot);
    }
    let rows_hint = memchr::memchr_iter(b'\n', data).count() + 1;
    let mut texts: Vec<Vec<&str>> = (0..ncols).map(|_| Vec::new()).collect();
    let mut numbers: Vec<Vec<f64>> = (0..ncols).map(|_| Vec::new()).collect();
    for (slot, (_, _, kind, _)) in needed.columns.iter().enumerate() {
        if *kind == Kind::Text {
            texts[slot].reserve(rows_hint);
        } else {
            numbers[slot].reserve(rows_hint);
        }
    }
    // Valid UTF-8 as a whole means every field between ASCII separators is too.
    let utf8 = std::str::from_utf8(data).is_ok();
    let mut seen = vec![false; ncols];
    let mut line_no = first_line;
    let (mut field, mut field_start) = (0usize, 0usize);
    let mut line_start = 0usize;
    // One pass over separators and newlines together.
    let ends = memchr::memchr2_iter(needed.sep, b'\n', data).chain(std::iter::once(data.len()));
    for pos in ends {
        let at_eol = pos == data.len() || data[pos] == b'\n';
        if pos == data.len() && line_start >= data.len() {
            break;
        }
        if field <= max_field {
            let mut text = &data[field_start..pos];
            if at_eol {
                text = text.strip_suffix(b"\r").unwrap_or(text);
            }
            let blank_line = at_eol && field == 0 && text.is_empty();
            if !blank_line {
                for &slot in &slots[field] {
                    seen[slot] = true;
                    let (_, _, kind, name) = &needed.columns[slot];
                    match kind {
                        Kind::Text => texts[slot].push(if utf8 {
                            // SAFETY: `data` is valid UTF-8 and `text` is bounded by ASCII bytes.
                            #[allow(unsafe_code)]
                            unsafe {
                                std::str::from_utf8_unchecked(text)
                            }
                        } else {
                            std::str::from_utf8(text).map_err(|_| {
                                AbxError::input(shown, format!("line {line_no}: column `{name}` is not valid UTF-8"))
                            })?
                        }),
                        Kind::Number | Kind::Covariate => {
                            let x = number(text).ok_or_else(|| {
                                AbxError::input(
                                    shown,
                                    format!(
                                        "metric column `{name}` is not numeric: row {} (line {line_no} of a CSV with a header) has `{}`",
                                        line_no - 1,
                                        crate::bounds::quote_bytes(text)
                                    ),
                                )
                            })?;
                            numbers[slot].push(if *kind == Kind::Covariate && x.is_nan() { 0.0 } else { x });
                        }
                    }
                }
            }
        }
        field += 1;
        field_start = pos + 1;
        if at_eol {
            let blank = pos - line_start <= 1 && data[line_start..pos].iter().all(|&b| b == b'\r');
            if !blank {
                if field != needed.fields {
                    return Err(AbxError::input(
                        shown,
                        format!(
                            "line {line_no}: a row has {field} fields where the header has {}; every row needs one value per column (an empty one for a missing value)",
                            needed.fields
                        ),
                    ));
                }
                for (slot, s) in seen.iter_mut().enumerate() {
                    if !*s {
                        match needed.columns[slot].2 {
                            Kind::Text => texts[slot].push(""),
                            Kind::Number => numbers[slot].push(f64::NAN),
                            Kind::Covariate => numbers[slot].push(0.0),
                        }
                    }
                    *s = false;
                }
            }
            line_no += 1;
            field = 0;
            line_start = pos + 1;
        }
    }
    let columns: Vec<Column> = needed
        .columns
        .iter()
        .enumerate()
        .map(|(slot, (_, name, kind, _))| match kind {
            Kind::Text => Column::new(name.as_str().into(), std::mem::take(&mut texts[slot])),
            _ => Column::new(name.as_str().into(), std::mem::take(&mut numbers[slot])),
        })
        .collect();
    DataFrame::new_infer_height(columns).map(Some).map_err(|e| AbxError::input(shown, e.to_string()))
}

/// A CSV number: empty is missing (NaN), true/false are 1/0.
fn number(text: &[u8]) -> Option<f64> {
    let t = text.trim_ascii();
    if t.is_empty() {
        return Some(f64::NAN);
    }
    if let Ok(x) = fast_float2::parse::<f64, _>(t) {
        return Some(x);
    }
    match t.to_ascii_lowercase().as_slice() {
        b"true" => Some(1.0),
        b"false" => Some(0.0),
        _ => None,
    }
}
