//! Unit-level outcome data (CSV or Parquet) reduced to per-variant
//! sufficient statistics with polars' lazy API: projection to the needed
//! columns and the streaming engine, so files larger than memory work.
//! This is the only code that touches polars.

use std::collections::HashMap;
use std::io::Read;
use std::path::Path;

use polars::prelude::*;

use super::summary::Moments;
use crate::error::AbxError;
use crate::spec::did_you_mean;

/// What the reduction found.
#[derive(Debug, Default)]
pub struct Reduced {
    /// (variant, metric) -> n (non-missing), sum, sum of squares, missing.
    pub stats: HashMap<(String, String), Moments>,
    /// Rows (units) per variant, for the sample-ratio check.
    pub units: HashMap<String, u64>,
    /// Rows without a variant.
    pub no_variant: u64,
}

/// A metric column and whether it must hold only 0 and 1.
pub struct MetricColumn<'a> {
    pub name: &'a str,
    pub binary: bool,
}

fn polars_err(path: &str, e: PolarsError) -> AbxError {
    AbxError::input(path, format!("cannot read the data: {e}"))
}

fn scan(path: &Path, shown: &str) -> Result<LazyFrame, AbxError> {
    let p = PlRefPath::new(path.to_string_lossy().as_ref());
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
    let lf = match ext.as_str() {
        "parquet" | "pq" => LazyFrame::scan_parquet(p, ScanArgsParquet::default()),
        "tsv" | "tab" => LazyCsvReader::new(p)
            .with_has_header(true)
            .with_separator(b'\t')
            .with_infer_schema_length(Some(10_000))
            .finish(),
        _ => LazyCsvReader::new(p).with_has_header(true).with_infer_schema_length(Some(10_000)).finish(),
    };
    lf.map_err(|e| polars_err(shown, e))
}

/// Reduces `path` ("-": CSV on stdin) to per-variant sufficient statistics.
pub fn reduce(path: &Path, variant_column: &str, metrics: &[MetricColumn]) -> Result<Reduced, AbxError> {
    // stdin is spooled to a temporary file: polars scans files.
    let mut _spool = None;
    let (path, shown): (&Path, String) = if path.as_os_str() == "-" {
        let mut tmp = tempfile::Builder::new()
            .prefix(".abx-stdin-")
            .suffix(".csv")
            .tempfile()
            .map_err(|e| AbxError::input("<stdin>", e.to_string()))?;
        let mut buf = Vec::new();
        std::io::stdin().read_to_end(&mut buf).map_err(|source| AbxError::Read { path: "<stdin>".into(), source })?;
        std::io::Write::write_all(&mut tmp, &buf).map_err(|e| AbxError::input("<stdin>", e.to_string()))?;
        _spool = Some(tmp);
        (_spool.as_ref().map(|t| t.path()).unwrap_or(path), "<stdin>".to_string())
    } else {
        if !path.exists() {
            return Err(AbxError::Read {
                path: path.display().to_string(),
                source: std::io::Error::from(std::io::ErrorKind::NotFound),
            });
        }
        (path, path.display().to_string())
    };
    let mut lf = scan(path, &shown)?;
    let schema = lf.collect_schema().map_err(|e| polars_err(&shown, e))?;
    let names: Vec<&str> = schema.iter_names().map(|n| n.as_str()).collect();
    let need = |c: &str, what: &str| -> Result<(), AbxError> {
        if schema.get(c).is_some() {
            return Ok(());
        }
        let hint = did_you_mean(c, &names).map(|s| format!(" (did you mean `{s}`?)")).unwrap_or_default();
        Err(AbxError::input(&shown, format!("no column `{c}` for {what}{hint}; the columns are: {}", names.join(", "))))
    };
    need(variant_column, "the variant (pass --variant-column)")?;
    for m in metrics {
        need(m.name, &format!("metric `{}`", m.name))?;
        let dtype = schema.get(m.name).cloned().unwrap_or(DataType::Null);
        if !(dtype.is_primitive_numeric() || dtype == DataType::Boolean || dtype == DataType::Null) {
            return Err(first_non_numeric(lf.clone(), m.name, &shown, &dtype));
        }
    }

    // One pass: project, clean NaN to null, group by variant.
    let mut select = vec![col(variant_column).cast(DataType::String).alias("__variant")];
    let mut aggs = vec![len().alias("__units")];
    for (i, m) in metrics.iter().enumerate() {
        let x = format!("__m{i}");
        select.push(col(m.name).cast(DataType::Float64).fill_nan(lit(NULL)).alias(x.as_str()));
        aggs.push(col(x.as_str()).count().cast(DataType::Float64).alias(format!("{x}_n")));
        aggs.push(col(x.as_str()).null_count().cast(DataType::Float64).alias(format!("{x}_missing")));
        aggs.push(col(x.as_str()).sum().alias(format!("{x}_sum")));
        aggs.push((col(x.as_str()) * col(x.as_str())).sum().alias(format!("{x}_sum_sq")));
        aggs.push(col(x.as_str()).min().alias(format!("{x}_min")));
        aggs.push(col(x.as_str()).max().alias(format!("{x}_max")));
    }
    let query = lf.select(select).group_by([col("__variant")]).agg(aggs);
    let df = match query.collect_with_engine(Engine::Streaming).map_err(|e| polars_err(&shown, e))? {
        polars_core::query_result::QueryResult::Single(df) => df,
        polars_core::query_result::QueryResult::Multiple(_) => {
            return Err(AbxError::input(&shown, "unexpected result shape from polars"))
        }
    };

    let f64_col = |name: &str| -> Result<Vec<Option<f64>>, AbxError> {
        let c = df
            .column(name)
            .map_err(|e| polars_err(&shown, e))?
            .cast(&DataType::Float64)
            .map_err(|e| polars_err(&shown, e))?;
        let ca = c.f64().map_err(|e| polars_err(&shown, e))?;
        Ok((0..ca.len()).map(|i| ca.get(i)).collect())
    };
    let variant_col = df.column("__variant").map_err(|e| polars_err(&shown, e))?;
    let variant_ca = variant_col.str().map_err(|e| polars_err(&shown, e))?;
    let variants: Vec<Option<String>> = (0..variant_ca.len()).map(|i| variant_ca.get(i).map(str::to_string)).collect();
    let units = f64_col("__units")?;
    let mut out = Reduced::default();
    let mut per_metric = Vec::new();
    for i in 0..metrics.len() {
        let x = format!("__m{i}");
        per_metric.push((
            f64_col(&format!("{x}_n"))?,
            f64_col(&format!("{x}_missing"))?,
            f64_col(&format!("{x}_sum"))?,
            f64_col(&format!("{x}_sum_sq"))?,
            f64_col(&format!("{x}_min"))?,
            f64_col(&format!("{x}_max"))?,
        ));
    }
    for (row, variant) in variants.iter().enumerate() {
        let n_units = units[row].unwrap_or(0.0) as u64;
        let Some(variant) = variant.as_ref().filter(|v| !v.is_empty()) else {
            out.no_variant += n_units;
            continue;
        };
        out.units.insert(variant.clone(), n_units);
        for (m, (n, missing, sum, sum_sq, min, max)) in metrics.iter().zip(&per_metric) {
            if m.binary {
                let (lo, hi) = (min[row].unwrap_or(0.0), max[row].unwrap_or(0.0));
                if lo < 0.0 || hi > 1.0 || sum[row] != sum_sq[row] {
                    return Err(AbxError::input(
                        &shown,
                        format!("metric `{}` is a proportion, so its column must hold only 0 and 1 (variant `{variant}` has values from {lo} to {hi})", m.name),
                    ));
                }
            }
            out.stats.insert(
                (variant.clone(), m.name.to_string()),
                Moments {
                    n: n[row].unwrap_or(0.0),
                    sum: sum[row].unwrap_or(0.0),
                    sum_sq: sum_sq[row].unwrap_or(0.0),
                    missing: missing[row].unwrap_or(0.0),
                },
            );
        }
    }
    Ok(out)
}

/// The error for a metric column that is not numeric, naming its first bad row.
fn first_non_numeric(lf: LazyFrame, column: &str, shown: &str, dtype: &DataType) -> AbxError {
    let found = lf
        .select([col(column).cast(DataType::String).alias("v")])
        .with_row_index("row", None)
        .filter(col("v").is_not_null().and(col("v").neq(lit(""))).and(col("v").cast(DataType::Float64).is_null()))
        .limit(1)
        .collect();
    let detail = found.ok().and_then(|df| {
        let row = df.column("row").ok()?.cast(&DataType::UInt64).ok()?.u64().ok()?.get(0)?;
        let v = df.column("v").ok()?.str().ok()?.get(0)?.to_string();
        Some(format!("row {} (line {} of a CSV with a header) has `{v}`", row + 1, row + 2))
    });
    AbxError::input(
        shown,
        format!(
            "metric column `{column}` is not numeric ({dtype}){}",
            detail.map(|d| format!(": {d}")).unwrap_or_default()
        ),
    )
}
