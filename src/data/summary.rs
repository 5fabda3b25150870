//! The warehouse-native input of `abx analyze --summary`: one CSV row per
//! variant and metric, `variant,metric,n,sum,sum_sq` (more columns allowed).
//! Ratio and CUPED metrics add `sum_y,sum_y_sq,sum_xy`: the sums of the
//! denominator (or covariate), of its square, and of the products.

use std::collections::HashMap;
use std::io::Read;

use crate::error::AbxError;
use crate::experiment::Cap;

pub use crate::stats::moments::Moments;

/// The rows, keyed by (variant, metric), with the line each came from.
pub type SummaryRows = HashMap<(String, String), (Moments, u64)>;

/// The columns a ratio's or CUPED metric's rows need besides `n,sum,sum_sq`.
pub const SECOND_COLUMNS: [&str; 3] = ["sum_y", "sum_y_sq", "sum_xy"];

/// Relative slack for sums that a warehouse computed in floating point: a
/// variance below zero by less than this share of the sums is rounding (and
/// counts as zero); by more, the row is impossible.
const ROUNDING: f64 = 1e-9;

/// Whether `a >= b` but for rounding, relative to the larger of the two magnitudes.
fn at_least(a: f64, b: f64) -> bool {
    a >= b || b - a <= ROUNDING * a.abs().max(b.abs())
}

/// Checks one row against what sums of real values can be: n a whole number,
/// no sums without units, Σx² ≥ (Σx)²/n, 0/1 values counted in [0, n] with
/// Σx² = Σx, and for the second column the same and Cauchy-Schwarz on Σxy.
/// `binary` / `y_binary`: the metric / its covariate holds 0 and 1.
fn impossible(m: &Moments, binary: bool, second: Option<bool>) -> Option<String> {
    let n = m.n;
    if n < 0.0 || n.fract() != 0.0 {
        return Some(format!("n must be a whole number of at least 0, got {n}"));
    }
    // Counts beyond 2^53 are not exact in floating point (nor in any warehouse's doubles).
    if n > 9_007_199_254_740_992.0 {
        return Some(format!("n = {n:e} is more than 2^53 units, beyond what abx counts exactly"));
    }
    let squares = [m.sum * m.sum / n.max(1.0), m.sum_y * m.sum_y / n.max(1.0), m.sum * m.sum_y / n.max(1.0)];
    if !squares.iter().all(|v| v.is_finite()) {
        return Some("the sums are too large: their squares overflow".into());
    }
    let ys = second.map(|_| [m.sum_y, m.sum_y_sq, m.sum_xy]).unwrap_or_default();
    if n == 0.0 {
        return (m.sum != 0.0 || m.sum_sq != 0.0 || ys.iter().any(|&v| v != 0.0))
            .then(|| "n is 0, so every sum must be 0".to_string());
    }
    let counted = |what: &str, sum: f64, sum_sq: f64| -> Option<String> {
        if !(0.0..=n).contains(&sum) || sum.fract() != 0.0 {
            return Some(format!(
                "{what} counts the units with 1, so it must be a whole number between 0 and n = {n}, got {sum}"
            ));
        }
        (!at_least(sum_sq, sum) || !at_least(sum, sum_sq))
            .then(|| format!("the values are 0 or 1, so the sum of squares equals the sum ({sum}), got {sum_sq}"))
    };
    let spread = |what: &str, sum: f64, sum_sq: f64| -> Option<String> {
        (!at_least(sum_sq, sum * sum / n)).then(|| {
            format!(
                "{what} = {sum_sq} is below ({what_sum})²/n = {}: the variance would be negative",
                sum * sum / n,
                what_sum = if what == "sum_sq" { "sum" } else { "sum_y" }
            )
        })
    };
    let x = if binary { counted("sum", m.sum, m.sum_sq) } else { spread("sum_sq", m.sum, m.sum_sq) };
    if x.is_some() {
        return x;
    }
    if let Some(y_binary) = second {
        let y = if y_binary { counted("sum_y", m.sum_y, m.sum_y_sq) } else { spread("sum_y_sq", m.sum_y, m.sum_y_sq) };
        if y.is_some() {
            return y;
        }
        // |cov| ≤ sd_x sd_y (Cauchy-Schwarz), on the centred sums.
        let cxx = (m.sum_sq - m.sum * m.sum / n).max(0.0);
        let cyy = (m.sum_y_sq - m.sum_y * m.sum_y / n).max(0.0);
        let cxy = m.sum_xy - m.sum * m.sum_y / n;
        let scale = m.sum_xy.abs().max(m.sum.abs() * m.sum_y.abs() / n);
        if cxy.abs() > (cxx * cyy).sqrt() + ROUNDING * scale.max(1.0) * 10.0 {
            return Some(format!(
                "sum_xy = {} is impossible for these sums: the covariance would exceed the product of the sds",
                m.sum_xy
            ));
        }
    }
    None
}

/// How a metric's rows are read: its kind's needs.
#[derive(Debug, Clone)]
pub struct SummaryMetric {
    pub name: String,
    /// The metric holds 0 and 1 (a proportion).
    pub binary: bool,
    /// A ratio's denominator or a CUPED covariate: `Some(binary)`.
    pub second: Option<bool>,
    /// What the second column is, for messages ("denominator", "covariate").
    pub second_is: &'static str,
    /// The experiment's cap of the metric, checked against a `cap` column.
    pub cap: Option<Cap>,
}

/// A summary as read: the rows of all units, and with `--by` the rows of
/// each segment (keyed by the segment's values, in `by` order).
#[derive(Debug, Default)]
pub struct Summary {
    pub overall: SummaryRows,
    pub segments: Vec<(Vec<String>, SummaryRows)>,
    /// The summary has a `cap` column, checked against the experiment's caps
    /// (without one, abx cannot know whether the sums are of capped values).
    pub caps_checked: bool,
}

/// The names a column goes by: abx's own first, then GrowthBook's (the
/// columns its SQL emits and gbstats reads), so that its queries feed abx.
const NAMES: [(&str, &[&str]); 8] = [
    ("variant", &["variant", "variation"]),
    ("metric", &["metric"]),
    ("n", &["n", "users"]),
    ("sum", &["sum", "main_sum"]),
    ("sum_sq", &["sum_sq", "main_sum_squares"]),
    ("sum_y", &["sum_y", "denominator_sum", "covariate_sum"]),
    ("sum_y_sq", &["sum_y_sq", "denominator_sum_squares", "covariate_sum_squares"]),
    ("sum_xy", &["sum_xy", "main_denominator_sum_product", "main_covariate_sum_product"]),
];

/// Reads a summary. Rows of `metrics` are checked for what their kind needs
/// and for impossible sums; rows of other metrics are read as given.
/// Optional columns: `shift` and `shift_y` (the sums are of the values less
/// these), `missing` (units without a value, counted as
/// `abx analyze --data` counts them), `invalid` and `repeated_units` (what
/// `abx sql summary` measures of the values and rows abx refuses: any but 0
/// is an error), `cap` and `cap_percentile` (the value the sums were capped
/// at, and a percentile cap's level, empty when uncapped: they must agree
/// with the experiment's cap), `min` and `max` (the values' extremes: they must be finite,
/// and a proportion's within [0, 1]), `scope` (`all` or `segment`) with
/// the `by` columns.
pub fn read_summary<R: Read>(
    reader: R,
    path: &str,
    metrics: &[SummaryMetric],
    by: &[String],
) -> Result<Summary, AbxError> {
    read_summary_for(reader, path, metrics, by, "--by")
}

/// [`read_summary`], its messages naming `flag` (--by, --over-time) as what asks for segment rows.
pub fn read_summary_for<R: Read>(
    reader: R,
    path: &str,
    metrics: &[SummaryMetric],
    by: &[String],
    flag: &str,
) -> Result<Summary, AbxError> {
    let mut rdr = csv::ReaderBuilder::new().has_headers(true).from_reader(crate::bounds::LineLimited::new(reader));
    let err = |msg: String| AbxError::input(path, msg);
    let headers: Vec<String> = rdr
        .headers()
        .map_err(|e| super::records::csv_error(path, e))?
        .iter()
        .map(|h| h.trim_start_matches('\u{feff}').trim().to_string())
        .collect();
    if let Some(dup) = super::records::duplicate(&headers) {
        return Err(err(super::records::duplicate_message(dup)));
    }
    let opt = |name: &str| -> Option<usize> {
        let names = NAMES.iter().find(|(n, _)| *n == name).map_or(&[][..], |(_, a)| *a);
        names
            .iter()
            .find_map(|a| headers.iter().position(|h| h == a))
            .or_else(|| headers.iter().position(|h| h == name))
    };
    let col = |name: &str| {
        opt(name).ok_or_else(|| {
            err(format!(
                "no column `{name}`; a summary has columns variant,metric,n,sum,sum_sq (or GrowthBook's variation,users,main_sum,main_sum_squares) (found: {})",
                crate::bounds::list(&headers)
            ))
        })
    };
    let cv = col("variant")?;
    // GrowthBook's rows are one metric's: without a metric column, the experiment's only metric.
    let cm = match (opt("metric"), metrics) {
        (Some(c), _) => Some(c),
        (None, [_]) => None,
        (None, _) => {
            col("metric")?;
            None
        }
    };
    let (cn, cs, css) = (col("n")?, col("sum")?, col("sum_sq")?);
    let second = [opt(SECOND_COLUMNS[0]), opt(SECOND_COLUMNS[1]), opt(SECOND_COLUMNS[2])];
    let (c_missing, c_invalid, c_repeated, c_scope) =
        (opt("missing"), opt("invalid"), opt("repeated_units"), opt("scope"));
    let (c_min, c_max) = (opt("min"), opt("max"));
    let (c_shift, c_shift_y) = (opt("shift"), opt("shift_y"));
    let (c_cap, c_cap_level) = (opt("cap"), opt("cap_percentile"));
    let c_by: Vec<usize> = match (by.is_empty(), c_scope) {
        (true, _) => Vec::new(),
        (false, None) => {
            return Err(err(format!(
                "{flag} {} needs a summary with segment rows: a `scope` column (all or segment) and the segment columns, as `abx sql summary --by` writes",
                by.join(",")
            )))
        }
        (false, Some(_)) => by
            .iter()
            .map(|b| {
                headers.iter().position(|h| h == b).ok_or_else(|| {
                    err(format!("no column `{b}` for {flag} (found: {})", crate::bounds::list(&headers)))
                })
            })
            .collect::<Result<_, _>>()?,
    };
    // A ratio or CUPED metric cannot be read without its second column's sums.
    let absent: Vec<&str> = SECOND_COLUMNS.iter().zip(&second).filter(|(_, c)| c.is_none()).map(|(n, _)| *n).collect();
    if let Some(m) = metrics.iter().find(|m| m.second.is_some()).filter(|_| !absent.is_empty()) {
        let what = if m.second_is == "covariate" { "a CUPED metric" } else { "a ratio metric" };
        return Err(err(format!(
            "metric `{}` is {what}, so its rows need the columns {}: the sums of its {}, of its square, and of its products with the metric; the summary has no {}",
            m.name,
            SECOND_COLUMNS.join(","),
            m.second_is,
            absent.join(", ")
        )));
    }
    let mut out = Summary { caps_checked: c_cap.is_some(), ..Summary::default() };
    for rec in rdr.records() {
        let rec = rec.map_err(|e| super::records::csv_error(path, e))?;
        let line = rec.position().map_or(0, |p| p.line());
        let field = |i: usize| rec.get(i).unwrap_or("").trim();
        // Warehouses write a missing value as nothing, NULL or \N.
        let absent = |c: usize| matches!(field(c), "" | "NULL" | "null" | "\\N");
        let number = |i: usize| -> Result<f64, AbxError> {
            let text = field(i);
            text.parse::<f64>()
                .ok()
                .filter(|v| v.is_finite())
                .ok_or_else(|| err(format!("line {line}, column `{}`: `{text}` is not a number", headers[i])))
        };
        let segment = match c_scope.map(field) {
            None | Some("all") => None,
            Some("segment") if by.is_empty() => continue,
            Some("segment") => Some(c_by.iter().map(|&c| field(c).to_string()).collect::<Vec<_>>()),
            Some(other) => {
                return Err(err(format!("line {line}, column `scope`: `{other}` is neither `all` nor `segment`")))
            }
        };
        let metric_name = match cm {
            Some(c) => field(c).to_string(),
            None => metrics.first().map(|m| m.name.clone()).unwrap_or_default(),
        };
        let key = (field(cv).to_string(), metric_name);
        for (what, v) in [("variant", &key.0), ("metric", &key.1)] {
            if v.is_empty() {
                return Err(err(format!("line {line}: the {what} is empty")));
            }
        }
        let metric = metrics.iter().find(|m| m.name == key.1);
        let mut m = Moments::raw(number(cn)?, number(cs)?, number(css)?);
        let needs_second = metric.is_some_and(|m| m.second.is_some());
        if let [Some(y), Some(yy), Some(xy)] = second {
            let blank: Vec<&str> =
                [y, yy, xy].iter().zip(SECOND_COLUMNS).filter(|(c, _)| absent(**c)).map(|(_, n)| n).collect();
            if needs_second && !blank.is_empty() {
                let mm = metric.map_or("", |m| m.name.as_str());
                return Err(err(format!(
                    "line {line}: metric `{mm}` needs {} (the sums of its {}), but they are empty for variant `{}`",
                    blank.join(", "),
                    metric.map_or("", |m| m.second_is),
                    key.0
                )));
            }
            // Other metrics leave them blank.
            if blank.len() < 3 {
                (m.sum_y, m.sum_y_sq, m.sum_xy) = (number(y)?, number(yy)?, number(xy)?);
            }
        }
        let optional = |c: usize| -> Result<Option<f64>, AbxError> {
            if absent(c) {
                Ok(None)
            } else {
                number(c).map(Some)
            }
        };
        let count = |c: Option<usize>, what: &str| -> Result<f64, AbxError> {
            match c {
                Some(c) if !absent(c) => {
                    let v = number(c)?;
                    if v < 0.0 || v.fract() != 0.0 {
                        return Err(err(format!(
                            "line {line}, column `{what}`: must be a whole number of at least 0, got {v}"
                        )));
                    }
                    Ok(v)
                }
                _ => Ok(0.0),
            }
        };
        // Sums of values less a shift (`abx sql summary` writes them so, for precision).
        for (c, to) in [(c_shift, &mut m.shift), (c_shift_y, &mut m.shift_y)] {
            if let Some(c) = c.filter(|&c| !absent(c)) {
                *to = number(c)?;
            }
        }
        let binary_y = metric.and_then(|m| m.second) == Some(true);
        if (metric.is_some_and(|m| m.binary) && m.shift != 0.0) || (binary_y && m.shift_y != 0.0) {
            return Err(err(format!("line {line}: metric `{}` holds 0 and 1: its sums must not be shifted", key.1)));
        }
        m.missing = count(c_missing, "missing")?;
        // Above 0 when some value cannot be analyzed (`abx sql summary`
        // measures it: a proportion's value other than 0 and 1, an event it refuses).
        // Not finite (a measure that overflowed, or NaN) is invalid too.
        let invalid = match c_invalid {
            Some(c) if !absent(c) => match field(c).parse::<f64>() {
                Ok(v) => v,
                Err(_) => number(c)?,
            },
            _ => 0.0,
        };
        if invalid != 0.0 {
            return Err(err(format!(
                "line {line}: variant `{}` metric `{}`: some values cannot be analyzed (`invalid` is {invalid}: a proportion's value that is neither 0 nor 1, or an event value abx refuses); `abx analyze --data` on the rows names the first",
                key.0, key.1
            )));
        }
        if let (Some(c), Some(metric)) = (c_cap, metric) {
            if let Some(why) =
                cap_mismatch(metric.cap, optional(c)?, c_cap_level.map(&optional).transpose()?.flatten(), m.n)
            {
                return Err(err(format!(
                    "line {line}: variant `{}` metric `{}`: {why}: write the summary with the experiment you analyze",
                    key.0, key.1
                )));
            }
        }
        let repeated = count(c_repeated, "repeated_units")?;
        if repeated > 0.0 {
            return Err(err(format!(
                "line {line}: {repeated} rows repeat a unit of an earlier row, but each row must be one unit: if the rows are events, roll them up per unit (`abx sql summary --events`)"
            )));
        }
        let (binary, second_kind) = metric.map_or((false, None), |m| (m.binary, m.second));
        // The extremes `abx sql summary` writes: finite, and for a proportion in [0, 1].
        let extreme = |c: Option<usize>| -> Option<f64> {
            c.filter(|&c| !absent(c)).map(|c| field(c).parse::<f64>().unwrap_or(f64::NAN))
        };
        let (lo, hi) = (extreme(c_min), extreme(c_max));
        for v in [lo, hi].into_iter().flatten() {
            if !v.is_finite() {
                return Err(err(format!(
                    "line {line}: variant `{}` metric `{}`: the values include {v}: abx analyzes finite numbers only; `abx analyze --data` on the rows names the first",
                    key.0, key.1
                )));
            }
        }
        if binary && (lo.is_some_and(|v| v < 0.0) || hi.is_some_and(|v| v > 1.0)) {
            return Err(err(format!(
                "line {line}: variant `{}` metric `{}` is a proportion, so its values are 0 or 1, but they range from {} to {}",
                key.0,
                key.1,
                lo.unwrap_or(0.0),
                hi.unwrap_or(1.0)
            )));
        }
        if let Some(why) = impossible(&m, binary, second_kind) {
            return Err(err(format!("line {line}: variant `{}` metric `{}`: impossible sums: {why}", key.0, key.1)));
        }
        let rows = match segment {
            None => &mut out.overall,
            Some(values) => match out.segments.iter().position(|(s, _)| *s == values) {
                Some(i) => &mut out.segments[i].1,
                None => {
                    out.segments.push((values, SummaryRows::new()));
                    let last = out.segments.len() - 1;
                    &mut out.segments[last].1
                }
            },
        };
        if let Some((_, first)) = rows.get(&key) {
            return Err(err(format!(
                "line {line}: variant `{}` metric `{}` already given on line {first}",
                key.0, key.1
            )));
        }
        rows.insert(key, (m, line));
    }
    Ok(out)
}

/// Why sums capped as a summary's `cap` (the value) and `cap_percentile`
/// (the level, for a percentile cap) say cannot be the experiment's `want`;
/// None when they can. The engine printed both back: a last-digit
/// difference is printing.
fn cap_mismatch(want: Option<Cap>, value: Option<f64>, level: Option<f64>, n: f64) -> Option<String> {
    let close = |a: f64, b: f64| (a - b).abs() <= 1e-14 * b.abs();
    let given = match (value, level) {
        (None, None) => "uncapped values".to_string(),
        (Some(v), None) => format!("values capped at {v}"),
        (Some(v), Some(l)) => format!("values capped at their {l} percentile ({v})"),
        (None, Some(l)) => format!("values capped at their {l} percentile"),
    };
    let wanted = match want {
        None if value.is_none() && level.is_none() => return None,
        None => return Some(format!("the sums are of {given}, but the experiment has no cap for the metric")),
        Some(Cap::Value(w)) if level.is_none() && value.is_some_and(|v| close(v, w)) => return None,
        // A percentile of no values is empty, and caps nothing.
        Some(Cap::Percentile(q)) if level.is_some_and(|l| close(l, q)) && (value.is_some() || n == 0.0) => return None,
        Some(Cap::Value(w)) => format!("at {w}"),
        Some(Cap::Percentile(q)) => format!("at its {q} percentile"),
    };
    Some(format!("the experiment caps the metric {wanted}, but the sums are of {given}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(n: f64, sum: f64, sum_sq: f64) -> Moments {
        Moments::raw(n, sum, sum_sq)
    }

    #[test]
    fn caps_must_be_the_experiments() {
        let (v, p) = (Some(Cap::Value(50.0)), Some(Cap::Percentile(0.9)));
        assert_eq!(cap_mismatch(None, None, None, 5.0), None);
        assert_eq!(cap_mismatch(v, Some(50.000000000000001), None, 5.0), None);
        assert_eq!(cap_mismatch(p, Some(12.5), Some(0.9), 5.0), None);
        assert_eq!(cap_mismatch(p, None, Some(0.9), 0.0), None);
        assert!(cap_mismatch(p, None, Some(0.9), 5.0).unwrap().contains("0.9 percentile"));
        assert!(cap_mismatch(None, Some(50.0), None, 5.0).unwrap().contains("has no cap"));
        assert!(cap_mismatch(v, Some(60.0), None, 5.0)
            .unwrap()
            .contains("at 50, but the sums are of values capped at 60"));
        assert!(cap_mismatch(v, None, None, 5.0).unwrap().contains("uncapped values"));
        assert!(cap_mismatch(p, Some(12.5), Some(0.5), 5.0).unwrap().contains("their 0.5 percentile"));
        assert!(cap_mismatch(p, Some(50.0), None, 5.0).unwrap().contains("capped at 50"));
        assert!(cap_mismatch(v, Some(50.0), Some(0.9), 5.0).unwrap().contains("percentile"));
    }

    #[test]
    fn impossible_rows_are_named_and_rounding_is_not() {
        assert!(impossible(&row(10.0, 10.0, 3.0), false, None).unwrap().contains("negative"));
        assert!(impossible(&row(-1.0, 0.0, 0.0), false, None).is_some());
        assert!(impossible(&row(2.5, 1.0, 1.0), false, None).is_some());
        assert!(impossible(&row(0.0, 1.0, 1.0), false, None).is_some());
        assert!(impossible(&row(0.0, 0.0, 0.0), false, None).is_none());
        assert!(impossible(&row(10.0, 11.0, 11.0), true, None).unwrap().contains("between 0 and n"));
        assert!(impossible(&row(10.0, -1.0, 1.0), true, None).is_some());
        assert!(impossible(&row(10.0, 3.0, 7.0), true, None).unwrap().contains("equals the sum"));
        assert!(impossible(&row(10.0, 3.0, 3.0), true, None).is_none());
        // A constant column: Σx² = (Σx)²/n up to the last bits.
        let x = 0.1f64;
        let (sum, sum_sq) = ((0..1000).map(|_| x).sum::<f64>(), (0..1000).map(|_| x * x).sum::<f64>());
        assert!(impossible(&row(1000.0, sum, sum_sq), false, None).is_none());
        let mut m = row(3.0, 6.0, 14.0); // x = 1, 2, 3
        (m.sum_y, m.sum_y_sq, m.sum_xy) = (6.0, 14.0, 14.0); // y = x: cov = var
        assert!(impossible(&m, false, Some(false)).is_none());
        m.sum_xy = 20.0;
        assert!(impossible(&m, false, Some(false)).unwrap().contains("sum_xy"));
    }
}
