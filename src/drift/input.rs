//! What `abx drift` compares: the files' schemas, the columns selected (and
//! those left out, with the reason), the reference from its data or from a
//! saved profile.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use rayon::prelude::*;

use super::profile::Profile;
use super::{categories_of_sorted, few_distinct, NumericRef, RefColumn, RefValues};
use crate::data::columns::{self, ColumnData, ColumnType, Read, Values};
use crate::error::{AbxError, Result};
use crate::experiment::did_you_mean;

/// A file's columns: name, type, polars' name of the type.
pub type Schema = [(String, ColumnType, String)];

/// The reference side: from the data or from a profile.
pub struct Reference {
    pub shown: String,
    pub rows: u64,
    pub columns: Vec<RefColumn>,
    /// From a profile whose numeric sketches are approximate.
    pub profile: bool,
}

thread_local! {
    /// Each thread's second buffer of the radix sort, kept from one column to the next.
    static SCRATCH: std::cell::RefCell<Vec<f64>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Sorts every numeric column, in parallel (a radix sort: O(n) per column).
pub fn sort_numbers(data: &mut [ColumnData]) {
    data.par_iter_mut().for_each(|c| {
        if let Values::Numbers(v) = &mut c.values {
            SCRATCH.with(|s| crate::stats::sort::sort_f64(v, &mut s.borrow_mut()));
        }
    });
}

pub fn read_mode(t: ColumnType, forced: bool) -> Read {
    if forced || !t.is_number() {
        Read::Categories
    } else {
        Read::Numbers
    }
}

/// A warning per column with infinite values (they count as missing).
pub fn infinite_warnings(file: &str, data: &[ColumnData]) -> Vec<String> {
    data.iter()
        .filter(|c| c.infinite > 0)
        .map(|c| format!("{file}: column `{}` has {} infinite values; they count as missing", c.name, c.infinite))
        .collect()
}

/// Reads `want` from `path` (CSV or Parquet), numeric columns sorted.
pub fn read_sorted(path: &Path, want: &[(String, Read)]) -> Result<Vec<ColumnData>> {
    let mut data = columns::read(path, want)?;
    sort_numbers(&mut data);
    Ok(data)
}

/// The reference from its data, read (numeric columns sorted) from `shown`.
pub fn reference_from_data(
    shown: String,
    data: Vec<ColumnData>,
    types: &[(ColumnType, String)],
    forced: &HashSet<String>,
    bins: usize,
) -> Result<Reference> {
    let rows = data.first().map_or(0, |c| c.rows);
    if rows == 0 {
        return Err(no_rows(&shown, "reference"));
    }
    let columns = data
        .into_par_iter()
        .zip(types.par_iter())
        .map(|(c, (t, dtype))| {
            let is_number = t.is_number() && !forced.contains(&c.name);
            let values = match c.values {
                Values::Numbers(sorted) if *t == ColumnType::Integer && few_distinct(&sorted) => {
                    RefValues::Categories(categories_of_sorted(&sorted, columns::number_label))
                }
                Values::Numbers(sorted) => RefValues::Numbers(NumericRef::from_sorted(sorted, bins)),
                Values::Categories(map) => RefValues::Categories(map),
            };
            RefColumn { name: c.name, dtype: dtype.clone(), rows: c.rows, missing: c.missing, is_number, values }
        })
        .collect();
    Ok(Reference { shown, rows, columns, profile: false })
}

/// An empty file compares as "no drift", which would let a `drift || retrain`
/// gate pass on a broken export: it is an error instead.
pub fn no_rows(file: &str, what: &str) -> AbxError {
    AbxError::input(
        file,
        format!("the {what} has no rows: there is nothing to compare, so no drift verdict can be given"),
    )
}

pub fn load_profile(path: &Path) -> Result<Profile> {
    let bytes =
        crate::bounds::read_file_at_most(path, crate::bounds::MAX_PROFILE_BYTES, "a profile saved by --save-profile")?;
    let shown = path.display().to_string();
    Profile::parse(&bytes).map_err(|m| AbxError::input(&shown, m))
}

fn missing_column(file: &str, name: &str, names: &[String]) -> AbxError {
    let all: Vec<&str> = names.iter().map(String::as_str).collect();
    let hint = did_you_mean(name, &all).map(|s| format!(" (did you mean `{s}`?)")).unwrap_or_default();
    AbxError::input(file, format!("no column `{name}`{hint}; the columns are: {}", crate::bounds::list(&all)))
}

/// What is compared, and what is left out.
pub struct Selection {
    pub names: Vec<String>,
    pub only_in_reference: Vec<String>,
    pub only_in_current: Vec<String>,
    pub skipped: Vec<(String, String)>,
}

/// A schema by column name (the first of a repeated name), so that looking
/// columns up stays linear in their number.
pub type SchemaIndex<'a> = HashMap<&'a str, (ColumnType, &'a str)>;

pub fn index(schema: &Schema) -> SchemaIndex<'_> {
    let mut map = HashMap::with_capacity(schema.len());
    for (name, t, dtype) in schema {
        map.entry(name.as_str()).or_insert((*t, dtype.as_str()));
    }
    map
}

/// The columns to compare (`columns`, else every column in both files),
/// with those forced to be `categorical`; what is left out, and why.
pub fn select(
    columns: &[String],
    categorical: &[String],
    ref_file: &str,
    ref_cols: &Schema,
    cur: Option<(&str, &Schema)>,
) -> Result<Selection> {
    let ref_names: Vec<String> = ref_cols.iter().map(|c| c.0.clone()).collect();
    let cur_names: Vec<String> = cur.map(|(_, c)| c.iter().map(|c| c.0.clone()).collect()).unwrap_or_default();
    for (file, n) in std::iter::once((ref_file, ref_cols.len())).chain(cur.map(|(f, c)| (f, c.len()))) {
        if n > crate::bounds::MAX_COLUMNS {
            return Err(AbxError::input(
                file,
                format!("the file has {n} columns; abx drift compares at most {}", crate::bounds::MAX_COLUMNS),
            ));
        }
    }
    let ref_index = index(ref_cols);
    let cur_index = cur.map(|(_, c)| index(c)).unwrap_or_default();
    for name in columns.iter().chain(categorical.iter()) {
        if !ref_index.contains_key(name.as_str()) {
            return Err(missing_column(ref_file, name, &ref_names));
        }
        if let Some((file, _)) = cur {
            if !cur_index.contains_key(name.as_str()) {
                return Err(missing_column(file, name, &cur_names));
            }
        }
    }
    let mut sel = Selection {
        names: Vec::new(),
        only_in_reference: Vec::new(),
        only_in_current: Vec::new(),
        skipped: Vec::new(),
    };
    let candidates: Vec<String> = if !columns.is_empty() {
        let mut seen = HashSet::new();
        columns.iter().filter(|c| seen.insert(c.as_str())).cloned().collect()
    } else {
        if cur.is_some() {
            sel.only_in_reference = ref_names.iter().filter(|n| !cur_index.contains_key(n.as_str())).cloned().collect();
            sel.only_in_current = cur_names.iter().filter(|n| !ref_index.contains_key(n.as_str())).cloned().collect();
        }
        let mut seen = HashSet::new();
        ref_names
            .iter()
            .filter(|n| cur.is_none() || cur_index.contains_key(n.as_str()))
            .filter(|n| seen.insert(n.as_str()))
            .cloned()
            .collect()
    };
    let type_of = |cols: &SchemaIndex<'_>, n: &str| {
        cols.get(n).map(|c| (c.0, c.1.to_string())).unwrap_or((ColumnType::Other, String::new()))
    };
    let categorical: HashSet<&str> = categorical.iter().map(String::as_str).collect();
    for name in candidates {
        let forced = categorical.contains(name.as_str());
        let (rt, rd) = type_of(&ref_index, &name);
        let other = cur.map(|_| type_of(&cur_index, &name));
        let unsupported = |t: ColumnType| t == ColumnType::Other && !forced;
        if unsupported(rt) {
            sel.skipped.push((name, format!("type {rd} is not compared (numbers, strings and booleans are)")));
        } else if let Some((_, cd)) = other.filter(|(t, _)| unsupported(*t)) {
            sel.skipped.push((name, format!("type {cd} in the current data is not compared")));
        } else {
            sel.names.push(name);
        }
    }
    if sel.names.is_empty() {
        let why = if cur.is_some() && columns.is_empty() {
            "the files have no columns in common that can be compared"
        } else {
            "no column to compare"
        };
        return Err(AbxError::input(ref_file, why));
    }
    Ok(sel)
}

pub fn profile_schema(p: &Profile) -> Vec<(String, ColumnType, String)> {
    p.columns
        .iter()
        .map(|c| (c.name.clone(), if c.number { ColumnType::Float } else { ColumnType::Text }, c.dtype.clone()))
        .collect()
}
