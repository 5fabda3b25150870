//! Unit-level outcome data (CSV or Parquet) reduced to per-variant (and
//! per-segment) sufficient statistics. This is the only code that touches
//! polars.
//!
//! polars' lazy API reads the file with projection (only the needed columns),
//! casts, and for `--events` rolls events up per unit; batches go to
//! [`Accumulator`], which folds each into per-group moments in one pass.
//! A Parquet file of unit rows is read one row group per worker at a time
//! (polars' Parquet reader on that row group's column chunks), plain CSV by
//! abx's own reader in 1 MiB chunks, and anything else through polars'
//! streaming engine: memory holds a few batches, whatever the number of rows. The fold is ours rather than a
//! polars `group_by` because it is several times faster on the few groups an
//! experiment has (variant strings are matched by their 16-byte views), and
//! because it can assign units by the experiment's own bucketing on the fly.

use std::collections::HashMap;
use std::io::Read;
use std::path::Path;
use std::sync::{Arc, Mutex};

use polars::prelude::*;
use polars_arrow::array::{Array, PrimitiveArray, Utf8ViewArray};

use crate::assign::targeting::Targeting;
use crate::assign::Bucketer;
use crate::error::AbxError;
use crate::experiment::{did_you_mean, Aggregate, Cap};
use crate::stats::drift::quantile_sorted;
use crate::stats::moments::Moments;

/// One metric's columns and how to treat them.
#[derive(Debug, Clone)]
pub struct MetricInput {
    pub name: String,
    /// The value column (a ratio's numerator).
    pub x: String,
    /// A ratio's denominator or a CUPED covariate.
    pub y: Option<String>,
    /// `y` is a covariate: a missing covariate counts as 0 (no pre-period activity).
    pub y_is_covariate: bool,
    /// The values (and a covariate's) must be 0 or 1.
    pub binary: bool,
    pub cap: Option<Cap>,
    /// How `--events` rows roll up per unit.
    pub aggregate: Aggregate,
}

/// Where each row's variant comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VariantSource<'a> {
    /// The named column (--variant-column): it must exist.
    Column(&'a str),
    /// The `variant` column when the data has one; else, with a unit
    /// column, the experiment's bucketing (the only possibility left).
    Default,
    /// The experiment's bucketing of the unit column, asked for.
    Bucketing,
}

/// The name of the variant column when none is given.
pub const DEFAULT_VARIANT_COLUMN: &str = "variant";

/// What to read and how to find each row's variant.
pub struct Request<'a> {
    pub variant: VariantSource<'a>,
    /// The unit column: events are rolled up per unit; bucketing hashes it.
    pub unit_column: Option<&'a str>,
    /// The assignment that bucketing reproduces.
    pub bucketer: Option<&'a Bucketer>,
    /// Why bucketing cannot be used, when `bucketer` is None.
    pub no_bucketing: Option<&'a str>,
    /// Targeting applied with bucketing, the data's columns as attributes
    /// (as `abx assign --input` does).
    pub targeting: &'a Targeting,
    /// The experiment's variant names, in bucketer order.
    pub variants: &'a [String],
    /// Segment columns (`--by`).
    pub by: &'a [String],
    /// What the segment columns are, as errors name them (`the segment (--by)`).
    pub by_is: &'a str,
    /// Rows are events, rolled up per unit (in `unit_column`) first.
    pub events: bool,
    pub metrics: &'a [MetricInput],
    /// Called with the rows read so far, after each batch.
    pub progress: Option<Progress>,
}

/// A progress callback, called from polars' threads.
pub type Progress = Arc<dyn Fn(u64) + Send + Sync>;

/// One variant (in one segment) after the reduction.
#[derive(Debug, Clone)]
pub struct Group {
    pub variant: String,
    /// The `--by` values, in `by` order.
    pub segment: Vec<String>,
    /// Units (rows, or units after rolling events up).
    pub units: u64,
    /// Per metric, in `metrics` order.
    pub metrics: Vec<Moments>,
}

/// What the reduction found.
#[derive(Debug, Default)]
pub struct Reduced {
    /// Per variant, all segments together (one group per variant without --by).
    pub groups: Vec<Group>,
    /// With `--events` and `--by`: per variant and segment, events rolled up
    /// per (unit, segment), so that a unit with events in several segments
    /// counts in each of them. None otherwise (then `groups` carry the segments).
    pub segment_groups: Option<Vec<Group>>,
    /// Rows without a variant (null or empty).
    pub no_variant: u64,
    /// Units the bucketing leaves out of the experiment (allocation < 1, or status).
    pub not_exposed: u64,
    /// Units that targeting makes ineligible (bucketing only).
    pub ineligible: u64,
    /// Whether units were assigned by bucketing (no variant column).
    pub assigned: bool,
    /// The cap applied to each metric, resolved to a value.
    pub caps: Vec<Option<f64>>,
    /// Things the caller should tell the user (stderr).
    pub notes: Vec<String>,
    /// Per `--by` column, whether the file holds it as numbers (so that its
    /// values order as numbers, not as text).
    pub by_numeric: Vec<bool>,
}

pub(super) fn polars_err(path: &str, e: PolarsError) -> AbxError {
    AbxError::input(path, format!("cannot read the data: {}", polars_words(&e)))
}

/// A polars error without polars' internals: its first paragraph, without
/// "Consider setting …" hints, query plans or context stacks, quoted short.
fn polars_words(e: &PolarsError) -> String {
    library_words(&e.to_string())
}

/// [`polars_words`] of a message polars (or its Parquet reader) gave, as an
/// error or as a panic.
pub(super) fn library_words(text: &str) -> String {
    let mut first = text.split("\n\n").next().unwrap_or("");
    for cut in ["Consider ", "\nResolved plan", "\nThis error occurred", "\n\nhint", "PlRefPath"] {
        if let Some(p) = first.find(cut) {
            first = &first[..p];
        }
    }
    let first = first.trim().trim_end_matches(['.', ',', ';', ':']);
    let lower = first.to_ascii_lowercase();
    let damaged =
        ["thrift", "error {", "source_location", "cannot skip field", "protocol error", "out of specification"];
    if damaged.iter().any(|d| lower.contains(d)) {
        return "the Parquet file is damaged or truncated (its metadata or pages cannot be decoded)".into();
    }
    if lower.contains("cannot cast list") || lower.contains("cannot cast array") || lower.contains("cannot cast struct")
    {
        return "a column holds nested values (lists or structs); abx reads plain numbers and text".into();
    }
    if lower.contains("invalid utf8") || lower.contains("invalid utf-8") {
        return "a text value is not valid UTF-8; save the file as UTF-8".into();
    }
    let first = if first.is_empty() { "the file could not be read" } else { first };
    crate::bounds::quote_n(&first.replace('\n', " "), 300)
}

/// The field separator of a CSV file by its extension.
pub(super) fn separator(path: &Path) -> u8 {
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
    if matches!(ext.as_str(), "tsv" | "tab") {
        b'\t'
    } else {
        b','
    }
}

/// Refuses, by their first bytes, files abx would misread: compressed data
/// (polars would panic, abx's reader would see noise) and a CSV whose lines
/// end in a lone CR (it would read as one long line).
fn sniff(path: &Path, shown: &str) -> Result<(), AbxError> {
    let mut head = Vec::with_capacity(64 * 1024);
    let f = std::fs::File::open(path).map_err(|source| AbxError::Read { path: shown.to_string(), source })?;
    f.take(64 * 1024).read_to_end(&mut head).map_err(|source| AbxError::Read { path: shown.to_string(), source })?;
    let compressed = [
        (&b"\x1f\x8b"[..], "gzip", "zcat"),
        (&b"\x28\xb5\x2f\xfd"[..], "zstd", "zstdcat"),
        (&b"BZh"[..], "bzip2", "bzcat"),
        (&b"\xfd7zXZ\x00"[..], "xz", "xzcat"),
        (&b"PK\x03\x04"[..], "zip", "unzip -p"),
    ];
    if let Some((_, what, cat)) = compressed.iter().find(|(magic, _, _)| head.starts_with(magic)) {
        return Err(AbxError::input(
            shown,
            format!("the file is {what}-compressed; abx reads plain CSV or Parquet: decompress it, or pass --data <({cat} FILE)"),
        ));
    }
    if !is_parquet(path) && memchr::memchr(b'\r', &head).is_some() && memchr::memchr(b'\n', &head).is_none() {
        return Err(AbxError::input(
            shown,
            "the lines end in a lone carriage return (CR, an old Mac format); convert them: tr '\\r' '\\n' < FILE",
        ));
    }
    Ok(())
}

/// [`super::records::check_shape`] for a CSV file polars is about to read.
pub(super) fn check_csv(path: &Path, shown: &str) -> Result<(), AbxError> {
    if is_parquet(path) {
        return Ok(());
    }
    super::records::check_shape(path, shown, separator(path))
}

/// True for a path ending in `.parquet` or `.pq` (any case): read as Parquet, else as CSV.
pub fn is_parquet(path: &Path) -> bool {
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
    matches!(ext.as_str(), "parquet" | "pq")
}

pub(super) fn scan(path: &Path, shown: &str, all_strings: bool) -> Result<LazyFrame, AbxError> {
    scan_with(path, shown, all_strings, None)
}

/// [`scan`], with CSV columns read as the types `overwrite` gives them.
pub(super) fn scan_with(
    path: &Path,
    shown: &str,
    all_strings: bool,
    overwrite: Option<SchemaRef>,
) -> Result<LazyFrame, AbxError> {
    let p = PlRefPath::new(path.to_string_lossy().as_ref());
    let infer = if all_strings { Some(0) } else { Some(10_000) };
    let lf = if is_parquet(path) {
        LazyFrame::scan_parquet(p, ScanArgsParquet::default())
    } else {
        LazyCsvReader::new(p)
            .with_has_header(true)
            .with_separator(separator(path))
            .with_dtype_overwrite(overwrite)
            .with_infer_schema_length(infer)
            .finish()
    };
    lf.map_err(|e| polars_err(shown, e))
}

/// Inputs copied to temporary files, by the path they were given as: polars
/// scans files, and a pipe (`-`, `--data <(...)`) can be read only once.
static SPOOLS: std::sync::Mutex<Vec<(std::path::PathBuf, tempfile::TempPath)>> = std::sync::Mutex::new(Vec::new());

/// Removes the temporary copies of piped inputs; `main` calls it before exiting.
pub fn remove_spools() {
    if let Ok(mut spools) = SPOOLS.lock() {
        spools.clear();
    }
}

/// The file to scan, its name for messages, and whether it is a copy.
/// Standard input (`-`), a FIFO (`<(...)`) or a device is copied to a
/// temporary file once, a CSV line at most [`crate::bounds::MAX_LINE_BYTES`]
/// long; a directory or a missing file is an error in plain words.
pub(super) fn source(path: &Path) -> Result<(std::path::PathBuf, String, bool), AbxError> {
    let stdin = path.as_os_str() == "-";
    let shown = if stdin { "<stdin>".to_string() } else { path.display().to_string() };
    let read_err = |source| AbxError::Read { path: shown.clone(), source };
    if !stdin {
        let meta = std::fs::metadata(path).map_err(read_err)?;
        if meta.is_dir() {
            return Err(AbxError::input(&shown, "is a directory; give a CSV or Parquet file"));
        }
        if meta.is_file() {
            sniff(path, &shown)?;
            return Ok((path.to_path_buf(), shown, false));
        }
    }
    let mut spools = SPOOLS.lock().unwrap_or_else(|e| e.into_inner());
    if let Some((_, tmp)) = spools.iter().find(|(p, _)| p == path) {
        return Ok((tmp.to_path_buf(), shown, true));
    }
    let mut from: Box<dyn std::io::Read> =
        if stdin { Box::new(std::io::stdin().lock()) } else { Box::new(std::fs::File::open(path).map_err(read_err)?) };
    // The format: the name's extension, else Parquet's magic bytes (`<(cat x.parquet)`).
    let mut head = Vec::with_capacity(4);
    (&mut from).take(4).read_to_end(&mut head).map_err(read_err)?;
    let named = path.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
    let parquet = matches!(named.as_str(), "parquet" | "pq") || head == b"PAR1";
    let ext = if parquet {
        "parquet"
    } else if matches!(named.as_str(), "tsv" | "tab") {
        "tsv"
    } else {
        "csv"
    };
    let mut tmp = tempfile::Builder::new()
        .prefix(".abx-input-copy-")
        .suffix(&format!(".{ext}"))
        .tempfile()
        .map_err(|source| AbxError::Write { path: "a temporary copy of the input".into(), source })?;
    let from = std::io::Read::chain(&head[..], from);
    let copied = if parquet {
        std::io::copy(&mut std::io::BufReader::new(from), tmp.as_file_mut())
    } else {
        std::io::copy(&mut crate::bounds::LineLimited::new(from), tmp.as_file_mut())
    };
    copied.map_err(|source| AbxError::Read { path: shown.clone(), source })?;
    let tmp = tmp.into_temp_path();
    sniff(&tmp, &shown)?;
    let at = tmp.to_path_buf();
    spools.push((path.to_path_buf(), tmp));
    Ok((at, shown, true))
}

/// With `--events`, a proportion's events must each be 0 or 1 (or missing),
/// as its rows must be without events: rolled up as "any", a 2 or a -1 would
/// otherwise pass as 1 or 0.
fn check_event_binary(lf: &LazyFrame, req: &Request<'_>, path: &Path, shown: &str) -> Result<(), AbxError> {
    for m in req.metrics.iter().filter(|m| m.binary) {
        for c in std::iter::once(&m.x).chain(m.y.as_ref()) {
            let v = col(c.as_str()).cast(DataType::Float64);
            let bad =
                v.clone().is_not_null().and(v.clone().is_nan().not()).and(v.clone().neq(lit(0.0))).and(v.neq(lit(1.0)));
            let df = lf
                .clone()
                .with_row_index("__row", None)
                .filter(bad)
                .select([col("__row"), col(c.as_str()).cast(DataType::Float64).alias("v")])
                .limit(1)
                .collect()
                .map_err(|e| polars_err(shown, e))?;
            if df.height() > 0 {
                let row = df.column("__row").ok().and_then(|r| r.cast(&DataType::UInt64).ok()?.u64().ok()?.get(0));
                let value = df.column("v").ok().and_then(|v| v.f64().ok()?.get(0)).map(|x| x.to_string());
                let at = match row {
                    Some(r) if !is_parquet(path) => format!("line {}: ", r + 2),
                    Some(r) => format!("row {}: ", r + 1),
                    None => String::new(),
                };
                return Err(AbxError::input(
                    shown,
                    format!(
                        "{at}`{c}` of proportion metric `{}` must be 0 or 1 on every event, found `{}`",
                        m.name,
                        crate::bounds::quote(value.as_deref().unwrap_or("?"))
                    ),
                ));
            }
        }
    }
    Ok(())
}

/// A column name that reads as a variant column (`Variant`, `variant_name`,
/// `varient`): its presence means the data does say which variant a unit had.
fn looks_like_variant(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower.contains("variant") || strsim::jaro_winkler(&lower, DEFAULT_VARIANT_COLUMN) >= 0.9
}

/// How one pass reads the data: per unit, or per (unit, segment) with events.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Pass {
    /// Rows as units, or events rolled up per unit (segments: the unit's first value).
    Units,
    /// Events rolled up per (unit, segment).
    UnitSegments,
}

/// Reduces `path` ("-": CSV on stdin) to per-group sufficient statistics.
pub fn reduce(path: &Path, req: &Request<'_>) -> Result<Reduced, AbxError> {
    let (path, shown, spooled) = source(path)?;
    super::guarded(&shown, || reduce_source(&path, &shown, spooled, req))
}

fn reduce_source(path: &Path, shown: &str, spooled: bool, req: &Request<'_>) -> Result<Reduced, AbxError> {
    let (path, shown) = (path.to_path_buf(), shown.to_string());
    if !is_parquet(&path) {
        super::records::check_header(&path, &shown, separator(&path))?;
    }
    let mut lf = scan(&path, &shown, false)?;
    let schema = lf.collect_schema().map_err(|e| polars_err(&shown, e))?;
    if !is_parquet(&path) {
        // polars infers a CSV column's type from its first rows: a metric read
        // as integers would fail on a later 0.5. Metrics are doubles.
        let ints: Vec<Field> = req
            .metrics
            .iter()
            .flat_map(|m| std::iter::once(&m.x).chain(m.y.as_ref()))
            .filter(|c| schema.get(c).is_some_and(|t| t.is_integer()))
            .map(|c| Field::new(c.as_str().into(), DataType::Float64))
            .collect();
        if !ints.is_empty() {
            lf = scan_with(&path, &shown, false, Some(Arc::new(Schema::from_iter(ints))))?;
        }
    }
    let schema = lf.collect_schema().map_err(|e| polars_err(&shown, e))?;
    let names: Vec<&str> = schema.iter_names().map(|n| n.as_str()).collect();
    let need = |c: &str, what: &str| -> Result<(), AbxError> {
        if schema.get(c).is_some() {
            return Ok(());
        }
        let hint = did_you_mean(c, &names).map(|s| format!(" (did you mean `{s}`?)")).unwrap_or_default();
        Err(AbxError::input(
            &shown,
            format!("no column `{c}` for {what}{hint}; the columns are: {}", crate::bounds::list(&names)),
        ))
    };
    // polars renames a repeated header `x` to `x_duplicated_0`; which of the two
    // a metric means is anyone's guess, so it is an error.
    if let Some(dup) = names.iter().find_map(|n| {
        let (base, _) = n.rsplit_once("_duplicated_")?;
        names.contains(&base).then_some(base)
    }) {
        return Err(AbxError::input(&shown, super::records::duplicate_message(dup)));
    }
    let mut notes = Vec::new();

    // Which column gives the variant: a variant column, else units hashed by the bucketing.
    let bucketing = |unit: Option<&str>, why: &str| -> Result<Option<Bucketer>, AbxError> {
        let Some(unit) = unit else {
            return Err(AbxError::Usage(format!("{why} needs --unit-column: the column of unit ids to hash")));
        };
        need(unit, "the unit (--unit-column)")?;
        req.bucketer.cloned().map(Some).ok_or_else(|| {
            AbxError::input(shown.as_str(), req.no_bucketing.unwrap_or("bucketing needs the experiment's file"))
        })
    };
    let variant_column = match req.variant {
        VariantSource::Column(c) => c,
        VariantSource::Default | VariantSource::Bucketing => DEFAULT_VARIANT_COLUMN,
    };
    let hashing = match req.variant {
        VariantSource::Column(c) => {
            need(c, "the variant (--variant-column)")?;
            None
        }
        VariantSource::Bucketing => bucketing(req.unit_column, "--bucketing")?,
        VariantSource::Default if schema.get(DEFAULT_VARIANT_COLUMN).is_some() => None,
        VariantSource::Default => match req.unit_column {
            None => {
                need(
                    DEFAULT_VARIANT_COLUMN,
                    "the variant (pass --variant-column, or --unit-column to assign units by the experiment's bucketing)",
                )?;
                None
            }
            Some(unit) => {
                // A near miss is a variant column misnamed, not "no variant column at all".
                if let Some(similar) = names.iter().find(|n| looks_like_variant(n)) {
                    return Err(AbxError::input(
                        &shown,
                        format!(
                            "no column `{DEFAULT_VARIANT_COLUMN}`, but `{similar}` looks like one: pass --variant-column {similar} to read the variants from it, or --bucketing to assign units by the experiment's bucketing of `{unit}`"
                        ),
                    ));
                }
                let b = bucketing(Some(unit), "bucketing")?;
                notes.push(format!(
                    "{shown} has no `{DEFAULT_VARIANT_COLUMN}` column: units are assigned by the experiment's bucketing of `{unit}`, as `abx assign` assigns them"
                ));
                b
            }
        },
    };
    if req.events {
        match req.unit_column {
            Some(unit) => need(unit, "the unit that events belong to (--unit-column)")?,
            None => {
                return Err(AbxError::Usage(
                    "--events needs --unit-column: the column that says which unit each event belongs to".into(),
                ))
            }
        }
    }
    for b in req.by {
        need(b, req.by_is)?;
    }
    for m in req.metrics {
        let what = format!("metric `{}`", m.name);
        for c in std::iter::once(&m.x).chain(m.y.as_ref()) {
            need(c, &what)?;
            let dtype = schema.get(c).cloned().unwrap_or(DataType::Null);
            // Text that holds only numbers or nothing (a column empty on every
            // row reads as text) is cast; anything else is an error.
            let numeric = dtype.is_numeric() || dtype == DataType::Boolean || dtype == DataType::Null;
            if !numeric && (dtype != DataType::String || find_non_numeric(&path, c, &shown).is_some()) {
                return Err(first_non_numeric(&path, c, &shown, &dtype));
            }
        }
    }
    // Targeting reads the data's own columns, as `abx assign --input` reads its CSV.
    let mut attributes: Vec<Option<String>> = Vec::new();
    if hashing.is_some() {
        for a in req.targeting.attributes() {
            if schema.get(a).is_some() {
                attributes.push(Some(a.to_string()));
            } else {
                notes.push(format!(
                    "{shown} has no column `{a}` (targeting): it counts as missing for every unit, as in `abx assign --input`"
                ));
                attributes.push(None);
            }
        }
    }
    if req.events {
        check_event_binary(&lf, req, &path, &shown)?;
    }
    let plan = Plan { req, shown: &shown, path: &path, hashing, variant_column, attributes, spooled };
    let mut out = plan.pass(&lf, Pass::Units, None)?;
    if !req.events {
        name_days(&mut out.groups, req.by, &schema);
    }
    if req.events && !req.by.is_empty() {
        let segments = plan.pass(&lf, Pass::UnitSegments, Some(out.caps.clone()))?;
        out.segment_groups = Some(segments.groups);
    }
    notes.append(&mut out.notes);
    out.notes = notes;
    out.by_numeric = req.by.iter().map(|b| schema.get(b).is_some_and(|d| d.is_numeric())).collect();
    Ok(out)
}

/// Date segments were grouped by day number (days since 1970-01-01): their
/// names, as polars writes a date (`%Y-%m-%d`).
fn name_days(groups: &mut [Group], by: &[String], schema: &Schema) {
    let epoch = chrono::NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default();
    for (j, b) in by.iter().enumerate() {
        if schema.get(b) != Some(&DataType::Date) {
            continue;
        }
        for g in groups.iter_mut() {
            let Some(name) = g.segment.get_mut(j) else { continue };
            let day = name.parse::<i64>().ok().and_then(|d| epoch.checked_add_signed(chrono::TimeDelta::try_days(d)?));
            if let Some(day) = day {
                *name = day.format("%Y-%m-%d").to_string();
            }
        }
    }
}

/// A reduction resolved against the file's schema.
struct Plan<'a> {
    req: &'a Request<'a>,
    shown: &'a str,
    path: &'a Path,
    hashing: Option<Bucketer>,
    variant_column: &'a str,
    /// Per targeting condition, the data column that holds its attribute.
    attributes: Vec<Option<String>>,
    spooled: bool,
}

impl Plan<'_> {
    /// One reduction of the data; `caps` given reuses caps resolved before.
    fn pass(&self, lf: &LazyFrame, pass: Pass, caps: Option<Vec<Option<f64>>>) -> Result<Reduced, AbxError> {
        let (req, shown) = (self.req, self.shown);
        let schema = lf.clone().collect_schema().map_err(|e| polars_err(shown, e))?;
        // With events, the unit pass leaves segments to the (unit, segment) pass.
        let by: &[String] = if req.events && pass == Pass::Units && !req.by.is_empty() { &[] } else { req.by };
        let hashing = &self.hashing;
        let key_source = if hashing.is_some() { req.unit_column.unwrap_or_default() } else { self.variant_column };
        // Numeric columns keep their type (the fold reads them as f64); others are cast.
        let f64col = |c: &str| match schema.get(c) {
            Some(t) if t.is_primitive_numeric() => col(c),
            _ => col(c).cast(DataType::Float64),
        };
        let text = |c: &str| col(c).cast(DataType::String);
        let attrs: Vec<(usize, &String)> =
            self.attributes.iter().enumerate().filter_map(|(i, a)| a.as_ref().map(|a| (i, a))).collect();
        let mut select = vec![text(key_source).alias("__key")];
        let mut check_variant = false;
        // Rows as units: the projection, for a Parquet file read row group by row group.
        let mut per_row: Option<(Vec<Expr>, Vec<String>)> = None;
        let lf = if req.events {
            let unit = req.unit_column.unwrap_or_default();
            let mut aggs = Vec::new();
            if hashing.is_none() {
                // A unit seen in two variants is an error: compare the smallest and largest.
                aggs.push(text(self.variant_column).min().alias("__key"));
                aggs.push(text(self.variant_column).max().alias("__vmax"));
                check_variant = true;
            }
            // A targeting attribute must be one value per unit.
            for &(i, a) in &attrs {
                aggs.push(text(a).min().alias(format!("__attr{i}")));
                aggs.push(text(a).max().alias(format!("__attrmax{i}")));
            }

            // A NaN event value is a missing one, as a NaN unit value is.
            let f64col = |c: &str| f64col(c).cast(DataType::Float64).fill_nan(lit(NULL));
            for (i, m) in req.metrics.iter().enumerate() {
                let roll = |e: Expr| match m.aggregate {
                    // The sum over the unit's events with a value: 0 when none has one (an
                    // empty sum, as pandas' sum); mean and max leave such a unit missing.
                    Aggregate::Sum => e.sum(),
                    Aggregate::Count => e.count().cast(DataType::Float64),
                    Aggregate::Max => e.max(),
                    Aggregate::Mean => e.cast(DataType::Float64).mean(),
                    Aggregate::Any => e.gt(lit(0.0)).cast(DataType::Float64).max(),
                };
                aggs.push(roll(f64col(&m.x)).alias(format!("__x{i}")));
                if let Some(y) = &m.y {
                    // A covariate is a per-unit pre-period value repeated on its events.
                    let e = if m.y_is_covariate { f64col(y).max() } else { roll(f64col(y)) };
                    aggs.push(e.alias(format!("__y{i}")));
                }
            }
            select = vec![text("__unit").alias("__unit")];
            if hashing.is_some() {
                select.push(text("__unit").alias("__key"));
            } else {
                select.extend([col("__key"), col("__vmax")]);
            }
            for &(i, _) in &attrs {
                select.push(col(format!("__attr{i}").as_str()));
                select.push(col(format!("__attrmax{i}").as_str()));
            }
            for i in 0..by.len() {
                select.push(text(format!("__seg{i}").as_str()).alias(format!("__by{i}")));
            }
            for (i, m) in req.metrics.iter().enumerate() {
                select.push(col(format!("__x{i}").as_str()));
                if m.y.is_some() {
                    let y = col(format!("__y{i}").as_str());
                    select.push(if m.y_is_covariate { y.fill_null(lit(0.0)) } else { y });
                }
            }
            let mut keys = vec![col(unit).alias("__unit")];
            keys.extend(by.iter().enumerate().map(|(i, b)| col(b.as_str()).alias(format!("__seg{i}"))));
            lf.clone().group_by(keys).agg(aggs).select(select)
        } else {
            // Rows are units: with a unit column, each must appear once.
            if let Some(unit) = req.unit_column {
                select.push(text(unit).alias("__unit"));
            }
            for &(i, a) in &attrs {
                select.push(text(a).alias(format!("__attr{i}")));
            }
            for (i, b) in by.iter().enumerate() {
                // Integers segment by value, a date by its day number (formatting
                // 20M values costs more than the whole reduction): the fold names
                // each value once, and reduce_source names the days after.
                let e = match schema.get(b) {
                    Some(DataType::Int32 | DataType::Int64) => col(b.as_str()),
                    Some(DataType::Date | DataType::Int8 | DataType::Int16 | DataType::UInt8 | DataType::UInt16) => {
                        col(b.as_str()).cast(DataType::Int32)
                    }
                    Some(DataType::UInt32) => col(b.as_str()).cast(DataType::Int64),
                    _ => text(b),
                };
                select.push(e.alias(format!("__by{i}")));
            }
            for (i, m) in req.metrics.iter().enumerate() {
                select.push(f64col(&m.x).alias(format!("__x{i}")));
                if let Some(y) = &m.y {
                    let e = f64col(y);
                    let e = if m.y_is_covariate {
                        e.cast(DataType::Float64).fill_nan(lit(NULL)).fill_null(lit(0.0))
                    } else {
                        e
                    };
                    select.push(e.alias(format!("__y{i}")));
                }
            }
            let mut read: Vec<String> = vec![key_source.to_string()];
            read.extend(req.unit_column.map(str::to_string));
            read.extend(attrs.iter().map(|(_, a)| a.to_string()));
            read.extend(by.iter().cloned());
            for m in req.metrics {
                read.extend(std::iter::once(&m.x).chain(m.y.as_ref()).cloned());
            }
            let mut seen = std::collections::HashSet::new();
            read.retain(|c| seen.insert(c.clone()));
            // polars' eager Parquet reader stops on some types its streaming
            // engine reads (Float16, Decimal): those files take the engine.
            if read.iter().all(|c| schema.get(c).is_some_and(row_group_readable)) {
                per_row = Some((select.clone(), read));
            }
            lf.clone().select(select)
        };

        // Caps: a percentile is the quantile of the metric over the units
        // analysed (with a variant, exposed, eligible), pooled, found by a
        // first pass that collects their values (numpy's linear quantile).
        let caps = match caps {
            Some(c) => c,
            None => {
                let mut caps: Vec<Option<f64>> = req
                    .metrics
                    .iter()
                    .map(|m| match m.cap {
                        Some(Cap::Value(v)) => Some(v),
                        Some(Cap::Percentile(_)) | None => None,
                    })
                    .collect();
                let collect: Vec<bool> =
                    req.metrics.iter().map(|m| matches!(m.cap, Some(Cap::Percentile(_)))).collect();
                if collect.iter().any(|&c| c) {
                    let partials = self.fold_all(&lf, per_row.as_ref(), by, check_variant, &caps, &collect)?;
                    for (k, m) in req.metrics.iter().enumerate() {
                        if let Some(Cap::Percentile(p)) = m.cap {
                            let mut values: Vec<f64> =
                                partials.iter().flat_map(|a| a.collected[k].iter().copied()).collect();
                            values.sort_unstable_by(f64::total_cmp);
                            caps[k] = (!values.is_empty()).then(|| quantile_sorted(&values, p));
                        }
                    }
                }
                caps
            }
        };
        let partials =
            self.fold_all(&lf, per_row.as_ref(), by, check_variant, &caps, &vec![false; req.metrics.len()])?;
        self.finish_units(partials, caps)
    }

    /// Folds the whole (projected) data into one accumulator per worker;
    /// `collect[k]` also keeps metric k's values of the analysed units.
    fn fold_all(
        &self,
        lf: &LazyFrame,
        per_row: Option<&(Vec<Expr>, Vec<String>)>,
        by: &[String],
        check_variant: bool,
        caps: &[Option<f64>],
        collect: &[bool],
    ) -> Result<Vec<Accumulator>, AbxError> {
        let (req, shown, path) = (self.req, self.shown, self.path);
        let hashing = &self.hashing;
        let attrs: Vec<(usize, &String)> =
            self.attributes.iter().enumerate().filter_map(|(i, a)| a.as_ref().map(|a| (i, a))).collect();
        // With bucketing: who is eligible, and the `__attr{i}` column of each attribute.
        let targeting: Option<(Targeting, Vec<Option<usize>>)> =
            (hashing.is_some() && !req.targeting.is_empty()).then(|| {
                let idx = self.attributes.iter().enumerate().map(|(i, a)| a.as_ref().map(|_| i)).collect();
                (req.targeting.clone(), idx)
            });
        let make = || {
            let mut acc =
                Accumulator::new(req, by.len(), hashing.clone(), &targeting, caps.to_vec(), check_variant, shown);
            acc.collect = collect.to_vec();
            acc
        };
        let key_column = if hashing.is_some() { req.unit_column.unwrap_or_default() } else { self.variant_column };
        // Plain CSV files take a faster reader of ours, into the same fold; it
        // declines (None) files with quoted fields, which polars then reads.
        if !req.events && !is_parquet(path) && !self.spooled {
            let attr_columns: Vec<(usize, &str)> = attrs.iter().map(|&(i, a)| (i, a.as_str())).collect();
            let unit = req.unit_column.filter(|_| !req.events);
            let text = super::csvfast::TextColumns { key: key_column, unit, attributes: &attr_columns, by };
            if let Some(partials) = super::csvfast::reduce(path, &text, req, &make, shown)? {
                return Ok(partials);
            }
        }

        // A Parquet file: one row group at a time per worker.
        if let (Some((exprs, read)), true) = (per_row, is_parquet(path)) {
            return match fold_row_groups(path, shown, exprs, read, &make, req.progress.as_ref())? {
                Folded::Done(p) => Ok(p),
                Folded::Failed(e) => Err(e),
                Folded::Declined => Err(AbxError::input(shown, "the reduction failed")),
            };
        }

        check_csv(path, shown)?;
        // polars streams batches into a small channel; one worker per core folds
        // them into its own accumulator, and the partial results are merged.
        // Batches come in any order (no reordering buffer); bad data is read
        // again in file order, so that the error names the first bad row.
        let mut ordered = false;
        let (partials, run) = loop {
            let (tx, rx) = std::sync::mpsc::sync_channel::<DataFrame>(2);
            let plan = lf.clone().sink_batches(
                // A closed channel (the workers stopped on bad data) stops the query.
                PlanCallback::new(move |df: DataFrame| Ok(tx.send(df).is_err())),
                ordered,
                None,
            );
            let plan = plan.map_err(|e| polars_err(shown, e))?;
            let runner = std::thread::spawn(move || plan.collect_with_engine(Engine::Streaming).map(|_| ()));
            let mut offset = 0u64;
            let feed = Mutex::new(move || {
                let df = rx.recv().ok()?;
                let at = offset;
                offset += df.height() as u64;
                Some((df, at))
            });
            let partials = fold_parallel(feed, |df, _| Ok(Some(df)), &make, req.progress.as_ref());
            let run = runner.join().unwrap_or_else(|_| Err(PolarsError::ComputeError("the reader stopped".into())));
            match partials {
                Folded::Failed(_) if !ordered => ordered = true,
                other => break (other, run),
            }
        };
        let partials = match partials {
            Folded::Done(p) => p,
            Folded::Failed(e) => return Err(e),
            Folded::Declined => return Err(AbxError::input(shown, "the reduction failed")),
        };
        if let Err(e) = run {
            // A CSV value that is not a number past the rows polars inferred types from.
            if !is_parquet(path) {
                for m in req.metrics {
                    for c in std::iter::once(&m.x).chain(m.y.as_ref()) {
                        if let Some(detail) = find_non_numeric(path, c, shown) {
                            return Err(AbxError::input(
                                shown,
                                format!("metric column `{c}` is not numeric: {detail}"),
                            ));
                        }
                    }
                }
            }
            return Err(polars_err(shown, e));
        }
        Ok(partials)
    }

    /// Merges the partial results; with a unit column and rows as units,
    /// first checks that no unit appears on two rows (that is event data,
    /// which needs --events).
    fn finish_units(&self, partials: Vec<Accumulator>, caps: Vec<Option<f64>>) -> Result<Reduced, AbxError> {
        if self.req.unit_column.is_some() && !self.req.events {
            let mut seen: Vec<u64> = partials.iter().flat_map(|a| a.unit_hashes.iter().copied()).collect();
            seen.sort_unstable();
            if seen.windows(2).any(|w| w[0] == w[1]) {
                if let Some((unit, rows)) =
                    repeated_unit(self.path, self.shown, self.req.unit_column.unwrap_or_default())
                {
                    return Err(AbxError::input(
                        self.shown,
                        format!(
                            "unit `{unit}` is on {rows} rows, but without --events each row is one unit: pass --events to roll rows up per unit, or drop the repeats"
                        ),
                    ));
                }
            }
        }
        let out = finish(partials, caps)?;
        // Finite values whose sums overflow (values near 1e308) cannot be analysed either.
        for g in &out.groups {
            for (m, mo) in self.req.metrics.iter().zip(&g.metrics) {
                if ![mo.sum, mo.sum_sq, mo.sum_y, mo.sum_y_sq, mo.sum_xy].iter().all(|v| v.is_finite()) {
                    return Err(AbxError::input(
                        self.shown,
                        format!(
                            "metric `{}`: the values in variant `{}` are too large to add up (their sum of squares overflows)",
                            m.name, g.variant
                        ),
                    ));
                }
            }
        }
        Ok(out)
    }
}

/// A unit id that appears on more than one row, and on how many.
fn repeated_unit(path: &Path, shown: &str, unit: &str) -> Option<(String, u64)> {
    let df = scan(path, shown, true)
        .ok()?
        .group_by([col(unit).cast(DataType::String).alias("u")])
        .agg([len().alias("n")])
        .filter(col("n").gt(lit(1)))
        .sort(["u"], SortMultipleOptions::default())
        .limit(1)
        .collect()
        .ok()?;
    if df.height() == 0 {
        return None;
    }
    let u = df.column("u").ok()?.str().ok()?.get(0)?.to_string();
    let n = df.column("n").ok()?.cast(&DataType::UInt64).ok()?.u64().ok()?.get(0)?;
    Some((u, n))
}

/// The outcome of a parallel fold.
pub(super) enum Folded {
    Done(Vec<Accumulator>),
    /// The data is bad: the error of the earliest batch.
    Failed(AbxError),
    /// The reader declined the input (the caller reads it another way).
    Declined,
}

/// Column types that polars' Parquet reader decodes row group by row group.
pub(super) fn row_group_readable(t: &DataType) -> bool {
    matches!(
        t,
        DataType::String
            | DataType::Boolean
            | DataType::Int8
            | DataType::Int16
            | DataType::Int32
            | DataType::Int64
            | DataType::UInt8
            | DataType::UInt16
            | DataType::UInt32
            | DataType::UInt64
            | DataType::Float32
            | DataType::Float64
            | DataType::Date
    )
}

/// The most rows read at once from a Parquet file: a row group, or a slice
/// of one that holds more.
const ROW_GROUP_SLICE: usize = 1 << 20;

/// Folds a Parquet file one row group (at most [`ROW_GROUP_SLICE`] rows) at
/// a time on each worker: the worker maps the file, decodes only `read`'s
/// column chunks of its row group, projects them with `exprs` and folds the
/// batch. Memory holds one row group per worker (and the file's pages of
/// it, unmapped with the batch), whatever the number of rows: polars'
/// streaming engine, which this replaces for Parquet, prefetched row groups
/// and kept every page of the file mapped until the end (issue 19).
fn fold_row_groups<M>(
    path: &Path,
    shown: &str,
    exprs: &[Expr],
    read: &[String],
    make: &M,
    progress: Option<&Progress>,
) -> Result<Folded, AbxError>
where
    M: Fn() -> Accumulator + Sync,
{
    let open = || std::fs::File::open(path).map_err(|source| AbxError::Read { path: shown.to_string(), source });
    let metadata = ParquetReader::new(open()?).get_metadata().map_err(|e| polars_err(shown, e))?.clone();
    let mut slices: Vec<(usize, usize)> = Vec::new();
    let mut at = 0usize;
    for rg in &metadata.row_groups {
        let rows = rg.num_rows();
        let mut start = 0;
        while start < rows {
            let len = (rows - start).min(ROW_GROUP_SLICE);
            slices.push((at + start, len));
            start += len;
        }
        at += rows;
    }
    let mut next = slices.into_iter();
    let feed = Mutex::new(move || next.next().map(|(start, len)| ((start, len), start as u64)));
    let to_df = |(start, len): (usize, usize), _| -> Result<Option<DataFrame>, AbxError> {
        let mut reader = ParquetReader::new(open()?)
            .with_columns(Some(read.to_vec()))
            .with_slice(Some((start, len)))
            .read_parallel(ParallelStrategy::None);
        reader.set_metadata(metadata.clone());
        let df = reader.finish().and_then(|df| df.lazy().select(exprs).collect());
        df.map(Some).map_err(|e| polars_err(shown, e))
    };
    Ok(fold_parallel(feed, to_df, make, progress))
}

/// Rows folded at once: a slice of a batch whose columns stay in the cache
/// while the fold passes over them.
const FOLD_SLICE: usize = 1 << 16;

/// Folds batches on one worker per core, each into its own accumulator.
/// `feed` hands out work items with the row offset of their first row, in
/// order; `to_df` turns one into a batch outside the lock (None: declined).
/// The first batch fixes the shifts before any batch is folded.
pub(super) fn fold_parallel<W, F, D, M>(feed: Mutex<F>, to_df: D, make: &M, progress: Option<&Progress>) -> Folded
where
    W: Send,
    F: FnMut() -> Option<(W, u64)> + Send,
    D: Fn(W, u64) -> Result<Option<DataFrame>, AbxError> + Sync,
    M: Fn() -> Accumulator + Sync,
{
    use std::sync::atomic::{AtomicBool, Ordering::Relaxed};
    let shifts: std::sync::OnceLock<Vec<(f64, f64)>> = std::sync::OnceLock::new();
    let (stop, declined) = (AtomicBool::new(false), AtomicBool::new(false));
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get()).clamp(1, 8);
    let partials: Vec<Accumulator> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                let (feed, shifts, stop, declined, to_df) = (&feed, &shifts, &stop, &declined, &to_df);
                scope.spawn(move || {
                    let mut acc = make();
                    while !stop.load(Relaxed) {
                        let next = match feed.lock() {
                            Ok(mut f) => f(),
                            Err(_) => None,
                        };
                        let Some((item, offset)) = next else { break };
                        let df = match to_df(item, offset) {
                            Ok(Some(df)) => df,
                            Ok(None) => {
                                declined.store(true, Relaxed);
                                stop.store(true, Relaxed);
                                break;
                            }
                            Err(e) => {
                                acc.error = Some(e);
                                acc.error_row = offset;
                                stop.store(true, Relaxed);
                                break;
                            }
                        };
                        if offset == 0 {
                            shifts.get_or_init(|| acc.shifts_of(&df));
                        }
                        while shifts.get().is_none() && !stop.load(Relaxed) {
                            std::thread::yield_now();
                        }
                        let Some(s) = shifts.get() else { break };
                        acc.set_shifts(s);
                        // A large batch (a Parquet row group) is folded a slice at a
                        // time, so that the fold's passes over a slice's columns
                        // find them in the cache.
                        let mut at = 0;
                        while at < df.height() && acc.error.is_none() {
                            let part = df.slice(at as i64, FOLD_SLICE);
                            acc.rows = offset + at as u64;
                            acc.push(&part);
                            at += FOLD_SLICE;
                        }
                        if acc.error.is_some() {
                            stop.store(true, Relaxed);
                        }
                        if let Some(p) = progress {
                            p(offset + df.height() as u64);
                        }
                    }
                    acc
                })
            })
            .collect();
        // A worker's panic (polars on a damaged file) goes on to `guarded`,
        // which makes it an error naming the file.
        handles.into_iter().map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p))).collect()
    });
    if declined.load(Relaxed) {
        return Folded::Declined;
    }
    let mut partials = partials;
    let first_error = partials.iter().enumerate().filter(|(_, a)| a.error.is_some()).min_by_key(|(_, a)| a.error_row);
    if let Some(i) = first_error.map(|(i, _)| i) {
        if let Some(e) = partials.swap_remove(i).error {
            return Folded::Failed(e);
        }
    }
    if partials.len() != workers {
        return Folded::Failed(AbxError::Usage("a worker of the reduction failed".into()));
    }
    Folded::Done(partials)
}

/// Merges the workers' partial results.
fn finish(partials: Vec<Accumulator>, caps: Vec<Option<f64>>) -> Result<Reduced, AbxError> {
    let mut parts = partials.into_iter().map(|a| a.finish(Vec::new()));
    let mut out = parts.next().unwrap_or_default();
    for p in parts {
        out.no_variant += p.no_variant;
        out.not_exposed += p.not_exposed;
        out.ineligible += p.ineligible;
        for g in p.groups {
            match out.groups.iter_mut().find(|h| h.variant == g.variant && h.segment == g.segment) {
                Some(h) => {
                    h.units += g.units;
                    for (a, b) in h.metrics.iter_mut().zip(&g.metrics) {
                        *a = a.merge(b);
                    }
                }
                None => out.groups.push(g),
            }
        }
    }
    out.caps = caps;
    Ok(out)
}

/// The first value of `column` that is not a number, as "row R (line L ...) has `v`".
fn find_non_numeric(path: &Path, column: &str, shown: &str) -> Option<String> {
    let df = scan(path, shown, true)
        .ok()?
        .select([col(column).cast(DataType::String).alias("v")])
        .with_row_index("row", None)
        .filter(col("v").is_not_null().and(col("v").neq(lit(""))).and(col("v").cast(DataType::Float64).is_null()))
        .limit(1)
        .collect()
        .ok()?;
    if df.height() == 0 {
        return None;
    }
    let row = df.column("row").ok()?.cast(&DataType::UInt64).ok()?.u64().ok()?.get(0)?;
    let v = crate::bounds::quote(df.column("v").ok()?.str().ok()?.get(0)?);
    Some(if is_parquet(path) {
        format!("row {} has `{v}`", row + 1)
    } else {
        format!("row {} (line {} of a CSV with a header) has `{v}`", row + 1, row + 2)
    })
}

/// The error for a metric column that is not numeric, naming its first bad row.
fn first_non_numeric(path: &Path, column: &str, shown: &str, dtype: &DataType) -> AbxError {
    let detail = find_non_numeric(path, column, shown);
    AbxError::input(
        shown,
        format!(
            "metric column `{column}` is not numeric ({dtype}){}",
            detail.map(|d| format!(": {d}")).unwrap_or_default()
        ),
    )
}

const NONE: u32 = u32::MAX;

/// A hasher for the 16-byte views of short strings, which are keys of our
/// own (not an attacker's choice of collisions: a few hundred segment
/// values at most are interned per column): the two halves multiplied and
/// folded, as FxHash does, instead of SipHash's rounds on every row.
#[derive(Default)]
struct ViewHasher(u64);

impl std::hash::Hasher for ViewHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = (self.0.rotate_left(5) ^ u64::from(*b)).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
        }
    }

    fn write_u64(&mut self, v: u64) {
        let m = (v ^ v.rotate_left(32)).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        self.0 = m ^ (m >> 29);
    }

    fn write_u128(&mut self, v: u128) {
        let m = (v as u64 ^ ((v >> 64) as u64).rotate_left(32)).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        self.0 = m ^ (m >> 29);
    }
}

/// Strings to dense codes. Strings of up to 12 bytes are whole inside their
/// arrow view, so the 16-byte view itself is the key (compared linearly
/// while there are few); longer ones are hashed.
#[derive(Default)]
struct Interner {
    small: Vec<(u128, u32)>,
    inline: HashMap<u128, u32, std::hash::BuildHasherDefault<ViewHasher>>,
    long: HashMap<Box<str>, u32>,
    /// Integer values: those within a window of the first one seen by offset
    /// (days, small counts), others hashed.
    int_base: Option<i64>,
    int_window: Vec<u32>,
    ints: HashMap<i64, u32, std::hash::BuildHasherDefault<ViewHasher>>,
    names: Vec<String>,
}

impl Interner {
    fn add(&mut self, s: &str) -> u32 {
        self.names.push(s.to_string());
        (self.names.len() - 1) as u32
    }

    #[inline]
    fn code(&mut self, arr: &Utf8ViewArray, i: usize) -> u32 {
        let view = arr.views()[i];
        if view.length <= 12 {
            let k = view.as_u128();
            for &(kk, c) in &self.small {
                if kk == k {
                    return c;
                }
            }
            if let Some(&c) = self.inline.get(&k) {
                return c;
            }
            let c = self.add(arr.value(i));
            if self.small.len() < 8 {
                self.small.push((k, c));
            } else {
                self.inline.insert(k, c);
            }
            c
        } else {
            let s = arr.value(i);
            if let Some(&c) = self.long.get(s) {
                return c;
            }
            let c = self.add(s);
            self.long.insert(s.into(), c);
            c
        }
    }
}

/// One batch's segment column, as it was selected.
enum Segments {
    Text(StringChunked),
    Int32(Int32Chunked),
    Int64(Int64Chunked),
}

/// The single chunk of a rechunked segment column (None: an empty batch).
enum SegmentArray<'a> {
    Text(Option<&'a Utf8ViewArray>),
    Int32(Option<&'a PrimitiveArray<i32>>),
    Int64(Option<&'a PrimitiveArray<i64>>),
}

impl Segments {
    fn array(&self) -> SegmentArray<'_> {
        match self {
            Segments::Text(c) => SegmentArray::Text(c.downcast_iter().next()),
            Segments::Int32(c) => SegmentArray::Int32(c.downcast_iter().next()),
            Segments::Int64(c) => SegmentArray::Int64(c.downcast_iter().next()),
        }
    }
}

impl SegmentArray<'_> {
    /// Row `r`'s segment code in `seg`.
    #[inline]
    fn code(&self, seg: &mut Interner, r: usize) -> u32 {
        match self {
            SegmentArray::Text(Some(a)) if a.is_valid(r) => seg.code(a, r),
            SegmentArray::Int32(Some(a)) if a.is_valid(r) => seg.code_int(i64::from(a.value(r))),
            SegmentArray::Int64(Some(a)) if a.is_valid(r) => seg.code_int(a.value(r)),
            _ => seg.add_null(),
        }
    }
}

struct GroupAcc {
    /// Variant code, then segment codes.
    key: Vec<u32>,
    units: u64,
    metrics: Vec<Moments>,
}

/// Folds batches into per-group moments.
pub(super) struct Accumulator {
    shown: String,
    metrics: Vec<(bool, bool)>, // (has y, binary)
    names: Vec<String>,
    aggregates: Vec<Aggregate>,
    caps: Vec<Option<f64>>,
    hashing: Option<Bucketer>,
    /// With bucketing and targeting: who is eligible, and the index `i` of
    /// the `__attr{i}` column holding each of its attributes (None: not in the data).
    targeting: Option<(Targeting, Vec<Option<usize>>)>,
    /// Rows are units rolled up from events (messages name the unit).
    events: bool,
    check_variant: bool,
    by: usize,
    keys: Interner,
    segs: Vec<Interner>,
    /// Group by variant code alone when there are no segments.
    direct: Vec<u32>,
    /// Inline key views to groups, for the fast path.
    fast: Vec<(u128, u32)>,
    /// Inline key views to variant codes, for the fast path with segments.
    fast_codes: Vec<(u128, u32)>,
    composite: HashMap<Vec<u32>, u32>,
    /// With one segment column: the group of (variant code, segment code).
    direct2: Vec<Vec<u32>>,
    groups: Vec<GroupAcc>,
    shifts: Vec<Option<(f64, f64)>>,
    rows: u64,
    no_variant: u64,
    not_exposed: u64,
    ineligible: u64,
    /// Hashes of the unit ids seen, when rows are units with a unit column.
    unit_hashes: Vec<u64>,
    /// Per metric: keep the values of analysed units (for a percentile cap).
    collect: Vec<bool>,
    collected: Vec<Vec<f64>>,
    error: Option<AbxError>,
    /// The first row of the batch the error was found in.
    error_row: u64,
    // Buffers reused across batches.
    gid: Vec<u32>,
    xs: Vec<f64>,
    ys: Vec<f64>,
}

/// A float column as values with NaN for null.
fn floats(df: &DataFrame, name: &str, out: &mut Vec<f64>) -> PolarsResult<()> {
    out.clear();
    let column = df.column(name)?;
    macro_rules! native {
        ($ca:expr) => {
            for arr in $ca.downcast_iter() {
                let start = out.len();
                out.extend(arr.values().iter().map(|&v| v as f64));
                if let Some(v) = arr.validity() {
                    if v.unset_bits() > 0 {
                        for (i, ok) in v.iter().enumerate() {
                            if !ok {
                                out[start + i] = f64::NAN;
                            }
                        }
                    }
                }
            }
        };
    }
    // Numbers are read in their own type, without a converted copy.
    match column.dtype() {
        DataType::Float64 => native!(column.f64()?),
        DataType::Float32 => native!(column.f32()?),
        DataType::Int64 => native!(column.i64()?),
        DataType::Int32 => native!(column.i32()?),
        DataType::UInt32 => native!(column.u32()?),
        DataType::UInt64 => native!(column.u64()?),
        _ => native!(column.cast(&DataType::Float64)?.f64()?),
    }
    Ok(())
}

/// A polars value as text, without the quotes a string gets when displayed.
fn unquoted(v: &AnyValue<'_>) -> String {
    match v {
        AnyValue::String(s) => s.to_string(),
        AnyValue::StringOwned(s) => s.to_string(),
        other => other.to_string(),
    }
}

/// The mean of the non-missing values (0 when none): the shift for a column.
fn center(v: &[f64]) -> f64 {
    let (mut s, mut n) = (0.0, 0.0);
    for &x in v.iter().filter(|x| !x.is_nan()) {
        s += x;
        n += 1.0;
    }
    if n > 0.0 && (s / n).is_finite() {
        s / n
    } else {
        0.0
    }
}

impl Accumulator {
    fn new(
        req: &Request<'_>,
        by: usize,
        hashing: Option<Bucketer>,
        targeting: &Option<(Targeting, Vec<Option<usize>>)>,
        caps: Vec<Option<f64>>,
        check_variant: bool,
        shown: &str,
    ) -> Self {
        let mut keys = Interner::default();
        if hashing.is_some() {
            // Codes are the bucketer's variant indices.
            for v in req.variants {
                keys.add(v);
            }
        }
        Accumulator {
            shown: shown.to_string(),
            metrics: req.metrics.iter().map(|m| (m.y.is_some(), m.binary)).collect(),
            names: req.metrics.iter().map(|m| m.name.clone()).collect(),
            aggregates: req.metrics.iter().map(|m| m.aggregate).collect(),
            caps,
            hashing,
            targeting: targeting.clone(),
            events: req.events,
            check_variant,
            by,
            keys,
            segs: (0..by).map(|_| Interner::default()).collect(),
            direct: Vec::new(),
            fast: Vec::new(),
            fast_codes: Vec::new(),
            composite: HashMap::new(),
            direct2: Vec::new(),
            groups: Vec::new(),
            shifts: vec![None; req.metrics.len()],
            rows: 0,
            no_variant: 0,
            not_exposed: 0,
            ineligible: 0,
            unit_hashes: Vec::new(),
            collect: vec![false; req.metrics.len()],
            collected: vec![Vec::new(); req.metrics.len()],
            error: None,
            error_row: 0,
            gid: Vec::new(),
            xs: Vec::new(),
            ys: Vec::new(),
        }
    }

    fn push(&mut self, df: &DataFrame) {
        if self.error.is_some() {
            return;
        }
        if let Err(e) = self.fold(df) {
            self.error = Some(e);
            self.error_row = self.rows;
        }
    }

    /// The shifts (the means of the first batch) of every metric's columns.
    fn shifts_of(&self, df: &DataFrame) -> Vec<(f64, f64)> {
        let mut xs = Vec::new();
        (0..self.metrics.len())
            .map(|k| {
                let (has_y, binary) = self.metrics[k];
                let mut c = |name: String| floats(df, &name, &mut xs).map_or(0.0, |_| center(&xs));
                let sx = if binary { 0.0 } else { c(format!("__x{k}")) };
                let sy = if has_y { c(format!("__y{k}")) } else { 0.0 };
                (sx, sy)
            })
            .collect()
    }

    fn set_shifts(&mut self, shifts: &[(f64, f64)]) {
        for (s, v) in self.shifts.iter_mut().zip(shifts) {
            *s = Some(*v);
        }
    }

    fn group(&mut self, key: &[u32]) -> u32 {
        let n = self.metrics.len();
        let groups = &mut self.groups;
        let mut new = || {
            groups.push(GroupAcc { key: key.to_vec(), units: 0, metrics: vec![Moments::default(); n] });
            (groups.len() - 1) as u32
        };
        if self.by == 0 {
            let v = key[0] as usize;
            if self.direct.len() <= v {
                self.direct.resize(v + 1, NONE);
            }
            if self.direct[v] == NONE {
                self.direct[v] = new();
            }
            self.direct[v]
        } else if self.by == 1 {
            // One segment column (--by X, --over-time): a table of variant x segment.
            let (v, seg) = (key[0] as usize, key[1] as usize);
            if self.direct2.len() <= v {
                self.direct2.resize(v + 1, Vec::new());
            }
            if self.direct2[v].len() <= seg {
                self.direct2[v].resize(seg + 1, NONE);
            }
            if self.direct2[v][seg] == NONE {
                self.direct2[v][seg] = new();
            }
            self.direct2[v][seg]
        } else {
            match self.composite.get(key) {
                Some(&g) => g,
                None => {
                    let g = new();
                    self.composite.insert(key.to_vec(), g);
                    g
                }
            }
        }
    }

    /// A proportion's values (or its covariate's) must be 0 or 1.
    /// No infinite value in an analysed row: a mean or a variance of it would be
    /// infinite or NaN, and the test would say nothing true.
    fn check_finite(&self, df: &DataFrame, values: &[f64], gid: &[u32], k: usize, what: &str) -> Result<(), AbxError> {
        if !values.iter().fold(false, |b, &x| b | x.is_infinite()) {
            return Ok(());
        }
        let Some(i) = values.iter().zip(gid).position(|(x, &g)| x.is_infinite() && g != NONE) else {
            return Ok(());
        };
        let at = if self.events {
            let unit = df.column("__unit").ok().and_then(|c| c.get(i).ok()).map(|v| unquoted(&v)).unwrap_or_default();
            format!("unit `{unit}` has {} after its events are rolled up", values[i])
        } else {
            format!("row {} has {}", self.rows + i as u64 + 1, values[i])
        };
        Err(AbxError::input(
            &self.shown,
            format!(
                "metric `{}`: its {what} must hold finite numbers, but {at}: fix or remove that value",
                self.names[k]
            ),
        ))
    }

    /// Rows without a group are not analyzed, so not checked (as
    /// [`Self::check_finite`], and as `abx sql summary`).
    fn check_binary(&self, df: &DataFrame, values: &[f64], gid: &[u32], k: usize, what: &str) -> Result<(), AbxError> {
        // Checked without branches first: 0/1 in random order mispredicts.
        let off = |x: f64, g: u32| (x != 0.0) & (x != 1.0) & !x.is_nan() & (g != NONE);
        let bad = values.iter().zip(gid).fold(false, |b, (&x, &g)| b | off(x, g));
        if !bad {
            return Ok(());
        }
        let Some(i) = values.iter().zip(gid).position(|(&x, &g)| off(x, g)) else {
            return Ok(());
        };
        // Rolled-up rows are units, not lines of the file: name the unit.
        let at = if self.events {
            let unit = df.column("__unit").ok().and_then(|c| c.get(i).ok()).map(|v| unquoted(&v)).unwrap_or_default();
            format!("unit `{unit}` has {} after its events are rolled up by `{}`", values[i], self.aggregates[k].name())
        } else {
            format!("row {} has {}", self.rows + i as u64 + 1, values[i])
        };
        Err(AbxError::input(
            &self.shown,
            format!("metric `{}` is a proportion, so its {what} must hold only 0 and 1: {at}", self.names[k]),
        ))
    }

    /// The fast path of [`Self::fold`], the common case: variants named in a
    /// column, every key present (an empty one counted as no variant).
    /// Kept out of line so that its eight keys stay in registers.
    ///
    /// With `codes_only`, gives each row's variant code instead of its group
    /// (then [`Self::segment_groups`] adds the segments).
    #[inline(never)]
    fn fast_groups(&mut self, arr: &Utf8ViewArray, gid: &mut [u32], codes_only: bool) {
        // Up to 8 known keys in registers, matched without branches
        // (variants come in random order, so a search loop mispredicts).
        let mut keys = [u128::MAX; 8];
        let mut groups = [NONE; 8];
        let load = |fast: &[(u128, u32)], keys: &mut [u128; 8], groups: &mut [u32; 8]| {
            for (j, &(k, g)) in fast.iter().take(8).enumerate() {
                (keys[j], groups[j]) = (k, g);
            }
        };
        let mut fast = std::mem::take(if codes_only { &mut self.fast_codes } else { &mut self.fast });
        load(&fast, &mut keys, &mut groups);
        let mut codes = vec![0u32; 1];
        for (i, (v, out)) in arr.views().iter().zip(gid.iter_mut()).enumerate() {
            let k = v.as_u128();
            let mut g = NONE;
            for j in 0..8 {
                g = if keys[j] == k { groups[j] } else { g };
            }
            if g == NONE {
                g = match fast.iter().find(|(kk, _)| *kk == k) {
                    Some(&(_, g)) => g,
                    None if v.length == 0 => {
                        self.no_variant += 1;
                        NONE
                    }
                    None => {
                        codes[0] = self.keys.code(arr, i);
                        let g = if codes_only { codes[0] } else { self.group(&codes) };
                        // Only inline views identify their string.
                        if v.length <= 12 {
                            fast.push((k, g));
                            load(&fast, &mut keys, &mut groups);
                        }
                        g
                    }
                };
            }
            *out = g;
        }
        *(if codes_only { &mut self.fast_codes } else { &mut self.fast }) = fast;
    }

    /// Rows' groups from their variant codes (`gid`, NONE kept) and segments,
    /// the rows of `gid` starting at row `from` of the batch. One integer
    /// segment (a day) takes the variant x value table directly.
    #[inline(never)]
    fn segment_groups(&mut self, by: &[SegmentArray<'_>], from: usize, gid: &mut [u32], codes: &mut [u32]) {
        if let [SegmentArray::Int32(Some(a))] = by {
            let values = &a.values()[from..from + gid.len()];
            if a.null_count() == 0 {
                for (g, &v) in gid.iter_mut().zip(values) {
                    if *g != NONE {
                        let seg = self.segs[0].code_int(i64::from(v));
                        *g = match self.direct2.get(*g as usize).and_then(|row| row.get(seg as usize)) {
                            Some(&known) if known != NONE => known,
                            _ => self.group(&[*g, seg]),
                        };
                    }
                }
                return;
            }
        }
        for (i, g) in gid.iter_mut().enumerate() {
            if *g == NONE {
                continue;
            }
            codes[0] = *g;
            for (j, b) in by.iter().enumerate() {
                codes[1 + j] = b.code(&mut self.segs[j], from + i);
            }
            *g = self.group(codes);
        }
    }

    fn fold(&mut self, df: &DataFrame) -> Result<(), AbxError> {
        let shown = self.shown.clone();
        let perr = |e: PolarsError| polars_err(&shown, e);
        let height = df.height();

        // Each row's group (NONE: no variant, or not exposed).
        let mut gid = std::mem::take(&mut self.gid);
        gid.clear();
        gid.resize(height, NONE);
        let key = df.column("__key").map_err(perr)?.str().map_err(perr)?.clone();
        let vmax = if self.check_variant {
            Some(df.column("__vmax").map_err(perr)?.str().map_err(perr)?.rechunk().into_owned())
        } else {
            None
        };
        // Segment columns: text, or integers (and days) grouped by value.
        let by: Vec<Segments> = (0..self.by)
            .map(|i| {
                let c = df.column(&format!("__by{i}")).map_err(perr)?;
                Ok(match c.dtype() {
                    DataType::Int32 => Segments::Int32(c.i32().map_err(perr)?.rechunk().into_owned()),
                    DataType::Int64 => Segments::Int64(c.i64().map_err(perr)?.rechunk().into_owned()),
                    _ => Segments::Text(c.str().map_err(perr)?.rechunk().into_owned()),
                })
            })
            .collect::<Result<_, AbxError>>()?;
        let by: Vec<SegmentArray<'_>> = by.iter().map(Segments::array).collect();
        // Targeting attributes (bucketing only), and with events their largest
        // value per unit, which must equal the smallest.
        let text_col = |name: String| -> Result<StringChunked, AbxError> {
            Ok(df.column(&name).map_err(perr)?.str().map_err(perr)?.rechunk().into_owned())
        };
        let mut attr_cols: Vec<Option<(StringChunked, Option<StringChunked>)>> = Vec::new();
        // A copy: the fold below updates `self`.
        let eligibility = self.targeting.clone();
        let attr_idx = eligibility.as_ref().map_or(&[][..], |(_, idx)| idx.as_slice());
        let attr_names = eligibility.as_ref().map_or_else(Vec::new, |(t, _)| t.attributes());
        let mut values: Vec<Option<&str>> = Vec::with_capacity(attr_idx.len());
        for idx in attr_idx {
            attr_cols.push(match idx {
                Some(i) => {
                    let most = if self.events { Some(text_col(format!("__attrmax{i}"))?) } else { None };
                    Some((text_col(format!("__attr{i}"))?, most))
                }
                None => None,
            });
        }
        let mut codes = vec![0u32; 1 + self.by];
        let mut row = 0usize;
        for arr in key.downcast_iter() {
            // Fast path, the common case: variants named in a column (no
            // bucketing, no events), every key present.
            if self.hashing.is_none() && vmax.is_none() && attr_cols.is_empty() && arr.null_count() == 0 {
                let out = &mut gid[row..row + arr.len()];
                if self.by == 0 {
                    self.fast_groups(arr, out, false);
                } else {
                    // Variant codes first, then each row's group with its segments.
                    self.fast_groups(arr, out, true);
                    self.segment_groups(&by, row, out, &mut codes);
                }
                row += arr.len();
                continue;
            }
            let valid = arr.validity().cloned();
            for i in 0..arr.len() {
                let r = row + i;
                if valid.as_ref().is_some_and(|v| !v.get_bit(i)) || arr.value(i).is_empty() {
                    self.no_variant += 1;
                    continue;
                }
                if let Some((targeting, _)) = &eligibility {
                    values.clear();
                    for (j, cols) in attr_cols.iter().enumerate() {
                        let value = match cols {
                            Some((least, most)) => {
                                let v = least.get(r);
                                if let Some(most) = most {
                                    if most.get(r) != v {
                                        return Err(AbxError::input(
                                            &shown,
                                            format!(
                                                "unit `{}` has events with two values of `{}` (`{}` and `{}`), which its targeting reads: bucketing needs one value per unit",
                                                arr.value(i),
                                                attr_names[j],
                                                v.unwrap_or_default(),
                                                most.get(r).unwrap_or_default()
                                            ),
                                        ));
                                    }
                                }
                                v
                            }
                            None => None,
                        };
                        values.push(value);
                    }
                    let eligible = targeting
                        .eligible(arr.value(i), &values)
                        .map_err(|why| AbxError::input(&shown, format!("unit `{}`: {why}", arr.value(i))))?;
                    if !eligible {
                        self.ineligible += 1;
                        continue;
                    }
                }
                let code = match &self.hashing {
                    Some(b) => match b.variant(arr.value(i).as_bytes()) {
                        Some(v) => v as u32,
                        None => {
                            self.not_exposed += 1;
                            continue;
                        }
                    },
                    None => self.keys.code(arr, i),
                };
                if let Some(vmax) = &vmax {
                    if vmax.get(r) != Some(arr.value(i)) {
                        let unit = df.column("__unit").ok().and_then(|c| c.get(r).ok()).map(|v| unquoted(&v));
                        return Err(AbxError::input(
                            &shown,
                            format!(
                                "unit `{}` has events in two variants (`{}` and `{}`); each unit must stay in one variant",
                                unit.unwrap_or_default(),
                                arr.value(i),
                                vmax.get(r).unwrap_or_default()
                            ),
                        ));
                    }
                }
                codes[0] = code;
                for (j, b) in by.iter().enumerate() {
                    codes[1 + j] = b.code(&mut self.segs[j], r);
                }
                gid[r] = self.group(&codes);
            }
            row += arr.len();
        }
        // Units per group: every row with a group counts once, as a value or a
        // missing value of the first metric (counted in its fold below), or
        // here when there is no metric.
        if self.metrics.is_empty() {
            for &g in gid.iter().filter(|&&g| g != NONE) {
                self.groups[g as usize].units += 1;
            }
        }
        if !self.events {
            if let Ok(units) = df.column("__unit") {
                use std::hash::{BuildHasher, Hasher};
                let units = units.str().map_err(perr)?;
                let state = std::hash::BuildHasherDefault::<std::collections::hash_map::DefaultHasher>::default();
                for (u, &g) in units.iter().zip(gid.iter()) {
                    if let (Some(u), true) = (u, g != NONE) {
                        let mut h = state.build_hasher();
                        h.write(u.as_bytes());
                        self.unit_hashes.push(h.finish());
                    }
                }
            }
        }

        let mut xs = std::mem::take(&mut self.xs);
        let mut ys = std::mem::take(&mut self.ys);
        for k in 0..self.metrics.len() {
            let (has_y, binary) = self.metrics[k];
            let name = format!("__x{k}");
            // A float column of one chunk without nulls is read in place, uncapped.
            let direct = match df.column(&name).map_err(perr)?.f64() {
                Ok(ca) if self.caps[k].is_none() && ca.chunks().len() == 1 && ca.null_count() == 0 => {
                    ca.downcast_iter().next().map(|a| a.values().as_slice())
                }
                _ => None,
            };
            if direct.is_none() {
                floats(df, &name, &mut xs).map_err(perr)?;
            }
            self.check_finite(df, direct.unwrap_or(&xs), &gid, k, "column")?;
            if let Some(cap) = self.caps[k] {
                for x in xs.iter_mut() {
                    if *x > cap {
                        *x = cap;
                    }
                }
            }
            let xs: &[f64] = direct.unwrap_or(&xs);
            if self.collect[k] {
                let keep = gid.iter().zip(xs).filter(|&(&g, x)| g != NONE && !x.is_nan()).map(|(_, &x)| x);
                self.collected[k].extend(keep);
            }
            if binary {
                self.check_binary(df, xs, &gid, k, "column")?;
            }
            if has_y {
                floats(df, &format!("__y{k}"), &mut ys).map_err(perr)?;
                self.check_finite(df, &ys, &gid, k, "denominator or covariate")?;
                if binary {
                    self.check_binary(df, &ys, &gid, k, "covariate")?;
                }
            }
            let (sx, sy) = *self.shifts[k].get_or_insert_with(|| {
                let sy = if has_y { center(&ys) } else { 0.0 };
                (if binary { 0.0 } else { center(xs) }, sy)
            });
            let groups = &mut self.groups;
            if !has_y {
                // Branch-free per row into a small dense array: [n, missing, Σd, Σd²] per group.
                // Four lanes per group, so that consecutive rows of one group
                // do not wait on each other's sums.
                let mut local = vec![[0.0f64; 4]; groups.len() * 4];
                for (i, (&g, &x)) in gid.iter().zip(xs).enumerate() {
                    if g == NONE {
                        continue;
                    }
                    let a = &mut local[g as usize * 4 + (i & 3)];
                    let ok = !x.is_nan();
                    let d = if ok { x - sx } else { 0.0 };
                    a[0] += ok as u8 as f64;
                    a[1] += (!ok) as u8 as f64;
                    a[2] += d;
                    a[3] += d * d;
                }
                let local: Vec<[f64; 4]> = local
                    .chunks(4)
                    .map(|l| l.iter().fold([0.0; 4], |s, a| [s[0] + a[0], s[1] + a[1], s[2] + a[2], s[3] + a[3]]))
                    .collect();
                for (grp, a) in groups.iter_mut().zip(&local) {
                    if k == 0 {
                        grp.units += (a[0] + a[1]) as u64;
                    }
                    let m = &mut grp.metrics[k];
                    m.n += a[0];
                    m.missing += a[1];
                    m.sum += a[2];
                    m.sum_sq += a[3];
                }
            } else {
                for ((&g, &x), &y) in gid.iter().zip(xs).zip(&ys) {
                    if g == NONE {
                        continue;
                    }
                    let grp = &mut groups[g as usize];
                    if k == 0 {
                        grp.units += 1;
                    }
                    let m = &mut grp.metrics[k];
                    if x.is_nan() || y.is_nan() {
                        m.missing += 1.0;
                    } else {
                        let (dx, dy) = (x - sx, y - sy);
                        m.n += 1.0;
                        m.sum += dx;
                        m.sum_sq += dx * dx;
                        m.sum_y += dy;
                        m.sum_y_sq += dy * dy;
                        m.sum_xy += dx * dy;
                    }
                }
            }
        }
        self.gid = gid;
        self.xs = xs;
        self.ys = ys;
        Ok(())
    }

    fn finish(self, caps: Vec<Option<f64>>) -> Reduced {
        let shifts = self.shifts;
        let keys = self.keys;
        let segs = self.segs;
        let groups = self
            .groups
            .into_iter()
            .map(|g| {
                let metrics = g
                    .metrics
                    .into_iter()
                    .zip(&shifts)
                    .map(|(mut m, s)| {
                        let (sx, sy) = s.unwrap_or_default();
                        (m.shift, m.shift_y) = (sx, sy);
                        m
                    })
                    .collect();
                Group {
                    variant: keys.names[g.key[0] as usize].clone(),
                    segment: g.key[1..].iter().zip(&segs).map(|(&c, s)| s.names[c as usize].clone()).collect(),
                    units: g.units,
                    metrics,
                }
            })
            .collect();
        Reduced {
            groups,
            segment_groups: None,
            no_variant: self.no_variant,
            not_exposed: self.not_exposed,
            ineligible: self.ineligible,
            assigned: self.hashing.is_some(),
            caps,
            notes: Vec::new(),
            by_numeric: Vec::new(),
        }
    }
}

impl Interner {
    /// The code of an integer value, named as polars writes it.
    #[inline]
    fn code_int(&mut self, v: i64) -> u32 {
        const WINDOW: i64 = 1 << 16;
        let base = *self.int_base.get_or_insert(v.saturating_sub(WINDOW / 2));
        let off = v.wrapping_sub(base);
        if (0..WINDOW).contains(&off) {
            let off = off as usize;
            if self.int_window.len() <= off {
                self.int_window.resize(off + 1, NONE);
            }
            if self.int_window[off] == NONE {
                self.int_window[off] = self.add(&v.to_string());
            }
            return self.int_window[off];
        }
        if let Some(&c) = self.ints.get(&v) {
            return c;
        }
        let c = self.add(&v.to_string());
        self.ints.insert(v, c);
        c
    }

    /// The code of a missing segment value, shown as "(null)".
    fn add_null(&mut self) -> u32 {
        const NULL_NAME: &str = "(null)";
        if let Some(&c) = self.long.get(NULL_NAME) {
            return c;
        }
        let c = self.add(NULL_NAME);
        self.long.insert(NULL_NAME.into(), c);
        c
    }
}
