//! The warehouse-native input of `abx analyze --summary`: one CSV row per
//! variant and metric, `variant,metric,n,sum,sum_sq` (more columns allowed).

use std::collections::HashMap;
use std::io::Read;

use crate::error::AbxError;

/// Sufficient statistics of one metric in one variant.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Moments {
    /// Non-missing values.
    pub n: f64,
    pub sum: f64,
    pub sum_sq: f64,
    /// Missing values (null, NaN, empty), counted and shown, never silently dropped.
    pub missing: f64,
}

/// The rows, keyed by (variant, metric), with the line each came from.
pub type SummaryRows = HashMap<(String, String), (Moments, u64)>;

pub fn read_summary<R: Read>(reader: R, path: &str) -> Result<SummaryRows, AbxError> {
    let mut rdr = csv::ReaderBuilder::new().has_headers(true).from_reader(reader);
    let err = |msg: String| AbxError::input(path, msg);
    let headers: Vec<String> = rdr
        .headers()
        .map_err(|e| err(e.to_string()))?
        .iter()
        .map(|h| h.trim_start_matches('\u{feff}').trim().to_string())
        .collect();
    let col = |name: &str| {
        headers.iter().position(|h| h == name).ok_or_else(|| {
            err(format!(
                "no column `{name}`; a summary has columns variant,metric,n,sum,sum_sq (found: {})",
                headers.join(",")
            ))
        })
    };
    let (cv, cm, cn, cs, css) = (col("variant")?, col("metric")?, col("n")?, col("sum")?, col("sum_sq")?);
    let mut rows = SummaryRows::new();
    for rec in rdr.records() {
        let rec = rec.map_err(|e| err(e.to_string()))?;
        let line = rec.position().map_or(0, |p| p.line());
        let field = |i: usize| rec.get(i).unwrap_or("").trim();
        let number = |i: usize| -> Result<f64, AbxError> {
            let text = field(i);
            text.parse::<f64>()
                .ok()
                .filter(|v| v.is_finite())
                .ok_or_else(|| err(format!("line {line}, column `{}`: `{text}` is not a number", headers[i])))
        };
        let m = Moments { n: number(cn)?, sum: number(cs)?, sum_sq: number(css)?, missing: 0.0 };
        if m.n < 0.0 || m.n.fract() != 0.0 {
            return Err(err(format!("line {line}: n must be a whole number of at least 0, got {}", field(cn))));
        }
        if m.sum_sq < 0.0 {
            return Err(err(format!("line {line}: sum_sq cannot be negative, got {}", field(css))));
        }
        let key = (field(cv).to_string(), field(cm).to_string());
        if let Some((_, first)) = rows.get(&key) {
            return Err(err(format!(
                "line {line}: variant `{}` metric `{}` already given on line {first}",
                key.0, key.1
            )));
        }
        rows.insert(key, (m, line));
    }
    Ok(rows)
}
