//! CSV input with a header: unit ids plus attribute columns, in batches.

use std::io::Read;

use csv::ByteRecord;

use crate::bounds::LineLimited;
use crate::error::{describe_io, AbxError};

pub struct CsvBatches<R: Read> {
    reader: csv::Reader<LineLimited<R>>,
    path: String,
    pub headers: Vec<String>,
}

impl<R: Read> CsvBatches<R> {
    pub fn new(reader: R, path: &str) -> Result<Self, AbxError> {
        let mut reader =
            csv::ReaderBuilder::new().has_headers(true).flexible(false).from_reader(LineLimited::new(reader));
        let headers: Vec<String> = reader
            .headers()
            .map_err(|e| csv_error(path, e))?
            .iter()
            .map(|h| h.trim_start_matches('\u{feff}').to_string())
            .collect();
        if headers.iter().all(|h| h.is_empty()) {
            return Err(AbxError::input(path, "the file is empty: it needs a header row naming its columns"));
        }
        if let Some(dup) = duplicate(&headers) {
            return Err(AbxError::input(path, duplicate_message(dup)));
        }
        Ok(CsvBatches { reader, path: path.to_string(), headers })
    }

    pub fn column(&self, name: &str) -> Option<usize> {
        self.headers.iter().position(|h| h == name)
    }

    /// Up to `chunks` chunks of up to `rows` records each.
    pub fn next_batch(&mut self, chunks: usize, rows: usize) -> Result<Vec<Vec<ByteRecord>>, AbxError> {
        let mut batch = Vec::with_capacity(chunks);
        'outer: while batch.len() < chunks {
            let mut chunk = Vec::with_capacity(rows);
            while chunk.len() < rows {
                let mut rec = ByteRecord::new();
                match self.reader.read_byte_record(&mut rec) {
                    Ok(true) => chunk.push(rec),
                    Ok(false) => {
                        if !chunk.is_empty() {
                            batch.push(chunk);
                        }
                        break 'outer;
                    }
                    Err(e) => return Err(csv_error(&self.path, e)),
                }
            }
            batch.push(chunk);
        }
        Ok(batch)
    }
}

/// The first name that appears twice.
pub(crate) fn duplicate<S: AsRef<str>>(names: &[S]) -> Option<&str> {
    let mut seen = std::collections::HashSet::new();
    names.iter().map(AsRef::as_ref).find(|n| !seen.insert(*n))
}

pub(crate) fn duplicate_message(name: &str) -> String {
    format!(
        "the header has two columns named `{}`: rename one, so that each column has its own name",
        crate::bounds::quote(name)
    )
}

/// polars reads a header `"a""b"` as `a""b`: a quote in a name is refused, not misread.
fn check_names(headers: &ByteRecord, shown: &str) -> Result<(), AbxError> {
    match headers.iter().find(|h| h.contains(&b'"')) {
        Some(h) => Err(AbxError::input(
            shown,
            format!(
                "the column name `{}` holds a quote character; rename the column without it",
                crate::bounds::quote_bytes(h)
            ),
        )),
        None => Ok(()),
    }
}

/// The header of a CSV file polars is about to read, checked by [`check_names`].
pub(crate) fn check_header(path: &std::path::Path, shown: &str, sep: u8) -> Result<(), AbxError> {
    let f = std::fs::File::open(path).map_err(|source| AbxError::Read { path: shown.to_string(), source })?;
    let mut rdr = csv::ReaderBuilder::new().delimiter(sep).has_headers(true).from_reader(LineLimited::new(f));
    match rdr.byte_headers() {
        Ok(h) => check_names(h, shown),
        // The reader proper reports a malformed header.
        Err(_) => Ok(()),
    }
}

/// Checks that every row of the CSV file at `path` has as many fields as its
/// header and no line is longer than the limit, before polars reads it (polars
/// fills a short row with nulls, and says "Consider setting
/// truncate_ragged_lines" of a long one). abx's own fast reader checks rows as
/// it parses them.
pub(crate) fn check_shape(path: &std::path::Path, shown: &str, sep: u8) -> Result<(), AbxError> {
    let f = std::fs::File::open(path).map_err(|source| AbxError::Read { path: shown.to_string(), source })?;
    let mut rdr = csv::ReaderBuilder::new()
        .delimiter(sep)
        .has_headers(true)
        .flexible(false)
        .from_reader(LineLimited::new(std::io::BufReader::with_capacity(1 << 20, f)));
    check_names(rdr.byte_headers().map_err(|e| csv_error(shown, e))?, shown)?;
    let mut rec = ByteRecord::new();
    loop {
        match rdr.read_byte_record(&mut rec) {
            Ok(true) => {
                if rec.as_slice().len() > crate::bounds::MAX_LINE_BYTES {
                    let line = rec.position().map_or(0, |p| p.line());
                    return Err(AbxError::input(
                        shown,
                        format!(
                            "line {line}: a row longer than {} MiB (a quote that is never closed?)",
                            crate::bounds::MAX_LINE_BYTES >> 20
                        ),
                    ));
                }
            }
            Ok(false) => return Ok(()),
            Err(e) => return Err(csv_error(shown, e)),
        }
    }
}

/// A CSV reading error in abx's words, with its line.
pub(crate) fn csv_error(path: &str, e: csv::Error) -> AbxError {
    let at = e.position().map(|p| format!("line {}: ", p.line())).unwrap_or_default();
    let what = match e.kind() {
        csv::ErrorKind::UnequalLengths { expected_len, len, .. } => {
            format!("a row has {len} fields where the header has {expected_len}; every row needs one value per column")
        }
        csv::ErrorKind::Io(io) => describe_io(io),
        csv::ErrorKind::Utf8 { err, .. } => {
            format!("field {} is not valid UTF-8; save the file as UTF-8", err.field() + 1)
        }
        _ => e.to_string(),
    };
    AbxError::input(path, format!("{at}{what}"))
}

/// A unit id and its row as (column, value) pairs.
pub type UnitRow = (String, Vec<(String, String)>);

/// Every row of a CSV with a header: the unit id in `id_column`, and the
/// row as (column, value) pairs (for `abx assign --explain --input`).
pub fn units_with_attributes<R: std::io::Read>(
    reader: R,
    source: &str,
    id_column: &str,
) -> Result<Vec<UnitRow>, AbxError> {
    let mut batches = CsvBatches::new(reader, source)?;
    let id_col = batches.column(id_column).ok_or_else(|| {
        AbxError::input(source, format!("no column `{id_column}` for the unit ids (pass --id-column)"))
    })?;
    let headers = batches.headers.clone();
    let mut units = Vec::new();
    loop {
        let batch = batches.next_batch(1, 2048)?;
        if batch.is_empty() {
            break;
        }
        for rec in batch.into_iter().flatten() {
            let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
            let attributes = headers.iter().zip(rec.iter()).map(|(h, v)| (h.clone(), text(v))).collect();
            units.push((text(rec.get(id_col).unwrap_or_default()), attributes));
        }
    }
    Ok(units)
}
