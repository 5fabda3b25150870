//! The warehouse-native input of `abx analyze --summary`: one CSV row per
//! variant and metric, `variant,metric,n,sum,sum_sq` (more columns allowed).
//! Ratio and CUPED metrics add `sum_y,sum_y_sq,sum_xy`: the sums of the
//! denominator (or covariate), of its square, and of the products.

use std::collections::HashMap;
use std::io::Read;

use crate::error::AbxError;

/// Sufficient statistics of one metric in one variant: of its value x and,
/// for ratio and CUPED metrics, of a second column y (the denominator or the
/// covariate). Sums are of shifted values, x - `shift` and y - `shift_y`, so
/// that variances keep their precision when the mean is far from 0 (the
/// shifts are 0 for summaries, which give raw sums).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Moments {
    /// Units with a value (both values for ratios).
    pub n: f64,
    /// Σ (x - shift).
    pub sum: f64,
    /// Σ (x - shift)².
    pub sum_sq: f64,
    /// Missing values (null, NaN, empty), counted and shown, never silently dropped.
    pub missing: f64,
    pub shift: f64,
    pub sum_y: f64,
    pub sum_y_sq: f64,
    /// Σ (x - shift)(y - shift_y).
    pub sum_xy: f64,
    pub shift_y: f64,
}

impl Moments {
    /// Raw sums (no shift), as a summary gives them.
    pub fn raw(n: f64, sum: f64, sum_sq: f64) -> Moments {
        Moments { n, sum, sum_sq, ..Moments::default() }
    }

    /// Σx.
    pub fn total(&self) -> f64 {
        self.sum + self.n * self.shift
    }

    /// Σx².
    pub fn total_sq(&self) -> f64 {
        self.sum_sq + 2.0 * self.shift * self.sum + self.n * self.shift * self.shift
    }

    pub fn mean(&self) -> f64 {
        if self.n == 0.0 {
            0.0
        } else {
            self.shift + self.sum / self.n
        }
    }

    /// Sample variance (n - 1), (Σx² - (Σx)²/n)/(n - 1) on the shifted sums
    /// (gbstats' SampleMeanStatistic.variance).
    pub fn var(&self) -> f64 {
        if self.n <= 1.0 {
            0.0
        } else {
            (self.sum_sq - self.sum * self.sum / self.n) / (self.n - 1.0)
        }
    }

    pub fn mean_y(&self) -> f64 {
        if self.n == 0.0 {
            0.0
        } else {
            self.shift_y + self.sum_y / self.n
        }
    }

    pub fn total_y(&self) -> f64 {
        self.sum_y + self.n * self.shift_y
    }

    pub fn var_y(&self) -> f64 {
        if self.n <= 1.0 {
            0.0
        } else {
            (self.sum_y_sq - self.sum_y * self.sum_y / self.n) / (self.n - 1.0)
        }
    }

    /// Sample covariance of x and y (gbstats' compute_covariance).
    pub fn cov(&self) -> f64 {
        if self.n <= 1.0 {
            0.0
        } else {
            (self.sum_xy - self.sum * self.sum_y / self.n) / (self.n - 1.0)
        }
    }

    /// Adds one unit's x (and y, for ratio and CUPED metrics) at the current shifts.
    pub fn push(&mut self, x: f64, y: f64) {
        let (dx, dy) = (x - self.shift, y - self.shift_y);
        self.n += 1.0;
        self.sum += dx;
        self.sum_sq += dx * dx;
        self.sum_y += dy;
        self.sum_y_sq += dy * dy;
        self.sum_xy += dx * dy;
    }

    /// The union of two groups measured with the same shifts.
    pub fn merge(&self, o: &Moments) -> Moments {
        debug_assert!(self.n == 0.0 || o.n == 0.0 || (self.shift == o.shift && self.shift_y == o.shift_y));
        let (shift, shift_y) = if self.n == 0.0 { (o.shift, o.shift_y) } else { (self.shift, self.shift_y) };
        Moments {
            n: self.n + o.n,
            sum: self.sum + o.sum,
            sum_sq: self.sum_sq + o.sum_sq,
            missing: self.missing + o.missing,
            shift,
            sum_y: self.sum_y + o.sum_y,
            sum_y_sq: self.sum_y_sq + o.sum_y_sq,
            sum_xy: self.sum_xy + o.sum_xy,
            shift_y,
        }
    }
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
    let opt = |name: &str| headers.iter().position(|h| h == name);
    let second = (opt("sum_y"), opt("sum_y_sq"), opt("sum_xy"));
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
        let mut m = Moments::raw(number(cn)?, number(cs)?, number(css)?);
        // A ratio's or CUPED metric's second column; blank for other metrics.
        if let (Some(y), Some(yy), Some(xy)) = second {
            if !field(y).is_empty() {
                (m.sum_y, m.sum_y_sq, m.sum_xy) = (number(y)?, number(yy)?, number(xy)?);
            }
        }
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
