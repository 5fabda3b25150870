//! Drift between a reference and a current dataset, column by column: the
//! reference side as [`Reference`] (from the data, or from a saved
//! [`profile::Profile`]), the current side as sorted numbers or category
//! counts, and the decision rules. `input` selects the columns and builds
//! the reference (reading through `data::columns`); `report` is the result.

pub mod input;
pub mod profile;
pub mod report;

use std::collections::HashMap;

use serde::Serialize;

use crate::data::columns::number_label;
use crate::numfmt::{share_percent, sig};

use crate::stats::drift::{
    bin_counts_sorted, categorical, evidently_shares, histogram_sorted, ks_and_wasserstein, missing_psi, moments, psi,
    psi_counts, quantile_cuts, sturges_edges,
};
use crate::stats::kolmogorov::ks_2samp_pvalue;

/// Integer columns with at most this many distinct reference values are categorical.
pub const MAX_INTEGER_CATEGORIES: usize = 10;

/// How numeric PSI bins are cut.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
#[serde(rename_all = "lowercase")]
pub enum Binning {
    /// Reference quantiles (deciles with the default --bins 10), as the contract defines PSI
    Quantile,
    /// Evidently's PSI: Sturges-rule equal-width bins over both samples, or
    /// per value when the reference has at most 20 distinct values
    Sturges,
}

/// The statistic that decides whether a column drifted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
#[serde(rename_all = "lowercase")]
pub enum Method {
    /// PSI >= threshold (default 0.25), numeric and categorical columns
    Psi,
    /// KS p-value < threshold (default 0.05), numeric columns
    Ks,
    /// normed Wasserstein-1 (W1 / reference sd) >= threshold (default 0.1), numeric columns
    Wasserstein,
    /// Jensen-Shannon distance >= threshold (default 0.1), categorical columns
    Js,
    /// chi-square p-value < threshold (default 0.05), categorical columns
    Chi2,
}

impl Method {
    pub fn default_threshold(self) -> f64 {
        match self {
            Method::Psi => 0.25,
            Method::Ks | Method::Chi2 => 0.05,
            Method::Wasserstein | Method::Js => 0.1,
        }
    }

    fn applies_to(self, kind: Kind) -> bool {
        match self {
            Method::Psi => true,
            Method::Ks | Method::Wasserstein => kind == Kind::Numeric,
            Method::Js | Method::Chi2 => kind == Kind::Categorical,
        }
    }
}

/// The decision rules.
#[derive(Debug, Clone, Copy)]
pub struct Rules {
    pub method: Method,
    /// The threshold of `method`.
    pub threshold: f64,
    /// PSI threshold: for `--method psi`, for columns the method does not
    /// apply to, and for the missing share.
    pub psi_threshold: f64,
    /// Dataset drift when at least this share of columns drifted (None: any column).
    pub drift_share: Option<f64>,
}

/// Options of the statistics.
#[derive(Debug, Clone, Copy)]
pub struct Settings {
    pub bins: usize,
    pub binning: Binning,
}

/// How a column was compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Numeric,
    Categorical,
    /// A number in one file and a string in the other.
    TypeMismatch,
    /// No values in one of the files (or both).
    Empty,
}

/// A reference column's numbers: exact (sorted) or a quantile sketch.
#[derive(Debug, Clone)]
pub enum Sample {
    Exact(Vec<f64>),
    /// Order statistics at levels (i + 0.5) / q: each point stands for n / q values.
    Sketch(Vec<f64>),
}

/// A numeric reference column.
#[derive(Debug, Clone)]
pub struct NumericRef {
    pub n: u64,
    pub mean: f64,
    pub sd: f64,
    pub sd_pop: f64,
    pub min: f64,
    pub max: f64,
    /// PSI cut points and the reference's count per bin.
    pub cuts: Vec<f64>,
    pub counts: Vec<u64>,
    pub sample: Sample,
}

impl NumericRef {
    /// From the sorted, finite reference values.
    pub fn from_sorted(sorted: Vec<f64>, bins: usize) -> NumericRef {
        let (mean, sd, sd_pop) = moments(&sorted);
        let cuts = quantile_cuts(&sorted, bins);
        let counts = bin_counts_sorted(&sorted, &cuts);
        NumericRef {
            n: sorted.len() as u64,
            mean,
            sd,
            sd_pop,
            min: sorted.first().copied().unwrap_or(f64::NAN),
            max: sorted.last().copied().unwrap_or(f64::NAN),
            cuts,
            counts,
            sample: Sample::Exact(sorted),
        }
    }
}

/// A reference column.
#[derive(Debug, Clone)]
pub enum RefValues {
    Numbers(NumericRef),
    Categories(HashMap<String, u64>),
}

/// One column of the reference, with its missing count.
#[derive(Debug, Clone)]
pub struct RefColumn {
    pub name: String,
    /// The column's type in the reference file (`number`, `integer`, `string`...).
    pub dtype: String,
    pub rows: u64,
    pub missing: u64,
    /// The column holds numbers in the file (false when read as categories by request).
    pub is_number: bool,
    pub values: RefValues,
}

/// One column of the current data.
#[derive(Debug, Clone)]
pub enum CurValues {
    /// Sorted, finite.
    Numbers(Vec<f64>),
    Categories(HashMap<String, u64>),
}

#[derive(Debug, Clone)]
pub struct CurColumn {
    pub dtype: String,
    pub rows: u64,
    pub missing: u64,
    pub is_number: bool,
    pub values: CurValues,
}

/// Error bounds of figures computed from a reference sketch.
#[derive(Debug, Clone, Serialize)]
pub struct Approximate {
    /// |reported KS statistic - exact| <= this.
    pub ks_statistic_error: f64,
    /// |reported Wasserstein-1 - exact| <= this.
    pub wasserstein_error: f64,
}

/// The comparison of one column (the contract's `columns[]` entry, extended).
#[derive(Debug, Clone, Serialize)]
pub struct ColumnDrift {
    pub column: String,
    pub kind: Kind,
    pub drift: bool,
    /// Why the column drifted (empty when it did not).
    pub reasons: Vec<String>,
    /// Non-missing values in each file.
    pub n_reference: u64,
    pub n_current: u64,
    pub missing_reference: f64,
    pub missing_current: f64,
    /// PSI of the (missing, present) split.
    pub missing_psi: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub psi: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ks_statistic: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ks_p_value: Option<f64>,
    /// `exact` or `asymp`, as scipy's `ks_2samp` chose.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ks_method: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub wasserstein: Option<f64>,
    /// Wasserstein-1 over the reference's population sd (Evidently's normed W1).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub wasserstein_normed: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mean_reference: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mean_current: Option<f64>,
    /// Sample standard deviations (ddof 1).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sd_reference: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sd_current: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bins: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub chi2_statistic: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub chi2_df: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub chi2_p_value: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub js_distance: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub categories: Option<usize>,
    /// Categories of the current data never seen in the reference.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new_categories: Option<Vec<String>>,
    /// Set when KS and Wasserstein come from a reference sketch.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub approximate: Option<Approximate>,
    /// Anything a reader should know (a constant column, too few bins...).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    /// The two distributions in a few points, for a report's chart.
    #[serde(skip)]
    pub shape: Option<Shape>,
}

/// Two distributions, summarised for a chart (never the rows themselves).
#[derive(Debug, Clone)]
pub enum Shape {
    /// Quantiles: (value, level) points of each side's ECDF.
    Ecdf { reference: Vec<(f64, f64)>, current: Vec<(f64, f64)> },
    /// Each category's share of each side, most frequent first, at most
    /// [`SHAPE_CATEGORIES`], then the rest together.
    Shares(Vec<(String, f64, f64)>),
}

/// Points of an ECDF in a chart.
const SHAPE_POINTS: usize = 200;
/// Categories drawn one by one in a chart.
pub const SHAPE_CATEGORIES: usize = 15;

/// An ECDF's points at levels (i + 0.5) / k of sorted values (each one a
/// quantile; a sketch's points are such quantiles already).
fn ecdf_points(sorted: &[f64], sketch: bool) -> Vec<(f64, f64)> {
    let n = sorted.len();
    if n == 0 {
        return Vec::new();
    }
    let k = n.min(SHAPE_POINTS);
    (0..k)
        .map(|i| {
            let level = (i as f64 + 0.5) / k as f64;
            let at = if sketch && k == n { i } else { ((level * n as f64) as usize).min(n - 1) };
            (sorted[at], level)
        })
        .collect()
}

fn category_shares(r: &HashMap<String, u64>, c: &HashMap<String, u64>) -> Vec<(String, f64, f64)> {
    let (rt, ct) = (r.values().sum::<u64>().max(1) as f64, c.values().sum::<u64>().max(1) as f64);
    let mut all: Vec<(String, f64, f64)> = r
        .keys()
        .chain(c.keys().filter(|k| !r.contains_key(*k)))
        .map(|k| (k.clone(), *r.get(k).unwrap_or(&0) as f64 / rt, *c.get(k).unwrap_or(&0) as f64 / ct))
        .collect();
    all.sort_by(|a, b| b.1.max(b.2).total_cmp(&a.1.max(a.2)).then(a.0.cmp(&b.0)));
    if all.len() > SHAPE_CATEGORIES {
        let rest = all.split_off(SHAPE_CATEGORIES - 1);
        let (rs, cs) = rest.iter().fold((0.0, 0.0), |acc, x| (acc.0 + x.1, acc.1 + x.2));
        all.push((format!("({} other categories)", rest.len()), rs, cs));
    }
    all
}

impl ColumnDrift {
    fn new(column: &str, kind: Kind, r: &RefColumn, c: &CurColumn) -> ColumnDrift {
        let share = |m: u64, rows: u64| if rows == 0 { f64::NAN } else { m as f64 / rows as f64 };
        ColumnDrift {
            column: column.to_string(),
            kind,
            drift: false,
            reasons: Vec::new(),
            n_reference: r.rows - r.missing,
            n_current: c.rows - c.missing,
            missing_reference: share(r.missing, r.rows),
            missing_current: share(c.missing, c.rows),
            missing_psi: missing_psi(r.missing, r.rows, c.missing, c.rows),
            psi: None,
            ks_statistic: None,
            ks_p_value: None,
            ks_method: None,
            wasserstein: None,
            wasserstein_normed: None,
            mean_reference: None,
            mean_current: None,
            sd_reference: None,
            sd_current: None,
            bins: None,
            chi2_statistic: None,
            chi2_df: None,
            chi2_p_value: None,
            js_distance: None,
            categories: None,
            new_categories: None,
            approximate: None,
            notes: Vec::new(),
            shape: None,
        }
    }
}

fn sorted_distinct_counts(sorted: &[f64]) -> Vec<(f64, u64)> {
    let mut out: Vec<(f64, u64)> = Vec::new();
    for &v in sorted {
        match out.last_mut() {
            Some((x, c)) if *x == v => *c += 1,
            _ => out.push((v, 1)),
        }
    }
    out
}

/// Category counts of sorted numbers, labelled as `data::columns::number_label` does.
pub fn categories_of_sorted(sorted: &[f64], label: impl Fn(f64) -> String) -> HashMap<String, u64> {
    let mut out: HashMap<String, u64> = HashMap::new();
    for (v, c) in sorted_distinct_counts(sorted) {
        *out.entry(label(v)).or_default() += c;
    }
    out
}

/// Whether an integer column with these sorted reference values is categorical.
pub fn few_distinct(sorted: &[f64]) -> bool {
    let mut distinct = 0usize;
    let mut prev = None;
    for &v in sorted {
        if prev != Some(v) {
            distinct += 1;
            if distinct > MAX_INTEGER_CATEGORIES {
                return false;
            }
            prev = Some(v);
        }
    }
    true
}

/// Evidently's PSI binning (`get_binned_data`): Sturges bins over both samples
/// when the reference has more than 20 distinct values, else one bin per value.
fn evidently_psi(r: &[f64], c: &[f64]) -> (f64, usize) {
    let distinct = sorted_distinct_counts(r);
    if distinct.len() > 20 {
        let lo = r[0].min(c[0]);
        let hi = r[r.len() - 1].max(c[c.len() - 1]);
        let edges = sturges_edges(lo, hi, r.len() + c.len());
        let rs = evidently_shares(&histogram_sorted(r, &edges), r.len() as u64);
        let cs = evidently_shares(&histogram_sorted(c, &edges), c.len() as u64);
        return (psi(&rs, &cs), edges.len() - 1);
    }
    let cur = sorted_distinct_counts(c);
    let mut keys: Vec<f64> = distinct.iter().map(|d| d.0).chain(cur.iter().map(|d| d.0)).collect();
    keys.sort_by(f64::total_cmp);
    keys.dedup();
    let count = |v: &[(f64, u64)], k: f64| v.iter().find(|d| d.0 == k).map_or(0, |d| d.1);
    let rc: Vec<u64> = keys.iter().map(|&k| count(&distinct, k)).collect();
    let cc: Vec<u64> = keys.iter().map(|&k| count(&cur, k)).collect();
    let rs = evidently_shares(&rc, r.len() as u64);
    let cs = evidently_shares(&cc, c.len() as u64);
    (psi(&rs, &cs), keys.len())
}

fn compare_numbers(out: &mut ColumnDrift, r: &NumericRef, cur: &[f64], settings: Settings) {
    let (mean_c, sd_c, _) = moments(cur);
    out.mean_reference = Some(r.mean);
    out.mean_current = Some(mean_c);
    out.sd_reference = Some(r.sd);
    out.sd_current = Some(sd_c);
    match (settings.binning, &r.sample) {
        (Binning::Sturges, Sample::Exact(sorted)) => {
            let (p, bins) = evidently_psi(sorted, cur);
            out.psi = Some(p);
            out.bins = Some(bins);
        }
        _ => {
            let counts = bin_counts_sorted(cur, &r.cuts);
            out.psi = Some(psi_counts(&r.counts, r.n, &counts, cur.len() as u64));
            out.bins = Some(counts.len());
            if counts.len() < 3 {
                out.notes.push(format!(
                    "the reference has too few distinct values for {} quantile bins (PSI over {} bins); --categorical {} compares values one by one",
                    settings.bins,
                    counts.len(),
                    out.column
                ));
            }
        }
    }
    let (ks, w1, approx) = match &r.sample {
        Sample::Exact(sorted) => {
            let (ks, w1) = ks_and_wasserstein(sorted, cur);
            (ks, w1, None)
        }
        Sample::Sketch(points) => {
            // The sketch stands in for the reference; the p-value uses the true n.
            let (ks, w1) = ks_and_wasserstein(points, cur);
            let q = points.len() as f64;
            // Error bounds of a sketch of q mid-rank order statistics (profile::sketch): each point
            // stands for n/q values, so the sketch's ECDF is within 1/(2q) of the data's
            // everywhere and D moves by at most 1/(2q) (the epsilon-approximate quantile bound,
            // Greenwald & Khanna 2001, with epsilon = 1/(2q)); W1 is the integral of
            // |F^-1 - G^-1| over [0, 1] (Vallender 1973), and the sketch's quantile
            // function stays within its 1/q slice of the range, so W1 moves by at most (max - min)/q.
            let (d, p, m) = ks_2samp_pvalue(r.n, cur.len() as u64, ks.statistic);
            let ks = crate::stats::drift::Ks { statistic: d, p_value: p, method: m };
            (ks, w1, Some(Approximate { ks_statistic_error: 0.5 / q, wasserstein_error: (r.max - r.min) / q }))
        }
    };
    out.ks_statistic = Some(ks.statistic);
    out.ks_p_value = Some(ks.p_value);
    out.ks_method = Some(if approx.is_some() { "sketch" } else { ks.method.name() });
    out.wasserstein = Some(w1);
    out.wasserstein_normed = Some(if r.sd_pop > 0.0 { w1 / r.sd_pop } else { f64::NAN });
    if r.sd_pop == 0.0 {
        out.notes.push("the reference is constant: normed Wasserstein is undefined".into());
    }
    out.approximate = approx;
    let reference = match &r.sample {
        Sample::Exact(sorted) => ecdf_points(sorted, false),
        Sample::Sketch(points) => ecdf_points(points, true),
    };
    out.shape = Some(Shape::Ecdf { reference, current: ecdf_points(cur, false) });
}

/// Sorts category labels: by reference count (descending), then by name.
fn union_categories(r: &HashMap<String, u64>, c: &HashMap<String, u64>) -> (Vec<String>, Vec<String>) {
    let mut known: Vec<(&String, u64)> = r.iter().map(|(k, &v)| (k, v)).collect();
    known.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let mut new: Vec<(&String, u64)> = c.iter().filter(|(k, _)| !r.contains_key(*k)).map(|(k, &v)| (k, v)).collect();
    new.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    (known.into_iter().map(|k| k.0.clone()).collect(), new.into_iter().map(|k| k.0.clone()).collect())
}

fn compare_categories(out: &mut ColumnDrift, r: &HashMap<String, u64>, c: &HashMap<String, u64>) {
    let (known, new) = union_categories(r, c);
    let all: Vec<&String> = known.iter().chain(&new).collect();
    let rc: Vec<u64> = all.iter().map(|k| r.get(*k).copied().unwrap_or(0)).collect();
    let cc: Vec<u64> = all.iter().map(|k| c.get(*k).copied().unwrap_or(0)).collect();
    let s = categorical(&rc, &cc);
    out.psi = Some(s.psi);
    out.chi2_statistic = Some(s.chi2_statistic);
    out.chi2_df = Some(s.chi2_df);
    out.chi2_p_value = Some(s.chi2_p_value);
    out.js_distance = Some(s.js_distance);
    out.categories = Some(all.len());
    out.new_categories = Some(new);
    out.shape = Some(Shape::Shares(category_shares(r, c)));
}

/// Applies the decision rules to a compared column.
fn decide(out: &mut ColumnDrift, rules: &Rules) {
    let psi_rule = |out: &mut ColumnDrift, t: f64| {
        if let Some(p) = out.psi.filter(|&p| p >= t) {
            out.reasons.push(format!("PSI {} >= {}", sig(p), sig(t)));
        }
    };
    match out.kind {
        Kind::TypeMismatch => {}
        Kind::Empty => {}
        kind if rules.method.applies_to(kind) => match rules.method {
            Method::Psi => psi_rule(out, rules.threshold),
            Method::Ks => {
                if let Some(p) = out.ks_p_value.filter(|&p| p < rules.threshold) {
                    out.reasons.push(format!("KS p-value {} < {}", sig(p), sig(rules.threshold)));
                }
            }
            Method::Wasserstein => {
                if let Some(w) = out.wasserstein_normed.filter(|&w| w >= rules.threshold) {
                    out.reasons.push(format!("normed Wasserstein {} >= {}", sig(w), sig(rules.threshold)));
                }
            }
            Method::Js => {
                if let Some(j) = out.js_distance.filter(|&j| j >= rules.threshold) {
                    out.reasons.push(format!("Jensen-Shannon distance {} >= {}", sig(j), sig(rules.threshold)));
                }
            }
            Method::Chi2 => {
                if let Some(p) = out.chi2_p_value.filter(|&p| p < rules.threshold) {
                    out.reasons.push(format!("chi-square p-value {} < {}", sig(p), sig(rules.threshold)));
                }
            }
        },
        _ => psi_rule(out, rules.psi_threshold),
    }
    if out.missing_psi >= rules.psi_threshold {
        out.reasons.push(format!(
            "missing values {} -> {} (PSI {} >= {})",
            share_percent(out.missing_reference),
            share_percent(out.missing_current),
            sig(out.missing_psi),
            sig(rules.psi_threshold)
        ));
    }
    out.drift = !out.reasons.is_empty();
}

fn type_name(is_number: bool) -> &'static str {
    if is_number {
        "number"
    } else {
        "string"
    }
}

/// Compares one column.
pub fn compare(r: &RefColumn, c: &CurColumn, settings: Settings, rules: &Rules) -> ColumnDrift {
    let name = r.name.as_str();
    let n_ref = r.rows - r.missing;
    let n_cur = c.rows - c.missing;
    let mut out = if n_ref == 0 || n_cur == 0 {
        let mut out = ColumnDrift::new(name, Kind::Empty, r, c);
        let msg = match (n_ref == 0, n_cur == 0) {
            _ if r.rows == 0 => "the reference has no rows: nothing to compare".to_string(),
            _ if c.rows == 0 => "the current data has no rows: nothing to compare".to_string(),
            (true, true) => "every value is missing in both files: nothing to compare".to_string(),
            (true, false) => "every value is missing in the reference: only the missing share is compared".to_string(),
            _ => "every value is missing in the current data: only the missing share is compared".to_string(),
        };
        out.notes.push(msg);
        out
    } else {
        let numbers_as_categories;
        let values = match (&r.values, &c.values) {
            _ if r.is_number != c.is_number => None,
            (RefValues::Numbers(nr), CurValues::Numbers(cur)) => Some((Some((nr, cur.as_slice())), None)),
            (RefValues::Categories(rc), CurValues::Categories(cc)) => Some((None, Some((rc, cc)))),
            // An integer column with few values: categories on both sides.
            (RefValues::Categories(rc), CurValues::Numbers(cur)) => {
                numbers_as_categories = categories_of_sorted(cur, number_label);
                Some((None, Some((rc, &numbers_as_categories))))
            }
            (RefValues::Numbers(_), CurValues::Categories(_)) => None,
        };
        match values {
            Some((Some((nr, cur)), _)) => {
                let mut out = ColumnDrift::new(name, Kind::Numeric, r, c);
                compare_numbers(&mut out, nr, cur, settings);
                out
            }
            Some((_, Some((rc, cc)))) => {
                let mut out = ColumnDrift::new(name, Kind::Categorical, r, c);
                compare_categories(&mut out, rc, cc);
                out
            }
            _ => {
                let mut out = ColumnDrift::new(name, Kind::TypeMismatch, r, c);
                out.reasons.push(format!(
                    "type changed: {} ({}) in the reference, {} ({}) in the current data",
                    type_name(r.is_number),
                    r.dtype,
                    type_name(c.is_number),
                    c.dtype
                ));
                out
            }
        }
    };
    decide(&mut out, rules);
    out
}

/// The dataset's verdict.
#[derive(Debug, Clone, Serialize)]
pub struct DatasetDrift {
    pub drift: bool,
    pub columns_checked: usize,
    pub columns_drifted: usize,
    pub drift_share: f64,
}

pub fn dataset(columns: &[ColumnDrift], rules: &Rules) -> DatasetDrift {
    let checked = columns.len();
    let drifted = columns.iter().filter(|c| c.drift).count();
    let share = if checked == 0 { 0.0 } else { drifted as f64 / checked as f64 };
    let drift = match rules.drift_share {
        None => drifted > 0,
        Some(s) => drifted > 0 && share >= s,
    };
    DatasetDrift { drift, columns_checked: checked, columns_drifted: drifted, drift_share: share }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules() -> Rules {
        Rules { method: Method::Psi, threshold: 0.25, psi_threshold: 0.25, drift_share: None }
    }

    fn settings() -> Settings {
        Settings { bins: 10, binning: Binning::Quantile }
    }

    fn numeric(name: &str, v: &[f64], missing: u64) -> (RefColumn, CurColumn) {
        let mut s = v.to_vec();
        s.sort_by(f64::total_cmp);
        let r = RefColumn {
            name: name.into(),
            dtype: "f64".into(),
            rows: v.len() as u64 + missing,
            missing,
            is_number: true,
            values: RefValues::Numbers(NumericRef::from_sorted(s.clone(), 10)),
        };
        let c = CurColumn {
            dtype: "f64".into(),
            rows: v.len() as u64 + missing,
            missing,
            is_number: true,
            values: CurValues::Numbers(s),
        };
        (r, c)
    }

    #[test]
    fn identical_data_does_not_drift() {
        let v: Vec<f64> = (0..1000).map(|i| (i as f64 * 0.37).sin()).collect();
        let (r, c) = numeric("x", &v, 0);
        let d = compare(&r, &c, settings(), &rules());
        assert!(!d.drift, "{:?}", d.reasons);
        assert_eq!(d.psi, Some(0.0));
        assert_eq!(d.ks_statistic, Some(0.0));
        assert_eq!(d.ks_p_value, Some(1.0));
        assert_eq!(d.wasserstein, Some(0.0));
    }

    #[test]
    fn missing_share_jump_is_drift_even_with_the_same_values() {
        let v: Vec<f64> = (0..1000).map(|i| i as f64).collect();
        let (r, _) = numeric("x", &v, 10);
        let (_, mut c) = numeric("x", &v, 0);
        // 1% missing in the reference, 30% in the current data.
        c.missing = 429;
        c.rows = 1429;
        let d = compare(&r, &c, settings(), &rules());
        assert!(d.drift);
        assert_eq!(d.psi, Some(0.0));
        assert!(d.reasons[0].starts_with("missing values 1.0% -> 30.0%"), "{:?}", d.reasons);
    }

    #[test]
    fn constant_columns() {
        let (r, c) = numeric("x", &[2.0; 50], 0);
        let d = compare(&r, &c, settings(), &rules());
        assert!(!d.drift);
        assert_eq!(d.psi, Some(0.0));
        assert!(d.wasserstein_normed.unwrap().is_nan());
        // Current moved off the constant: every value lands in the bin above.
        let c2 = CurColumn {
            dtype: "f64".into(),
            rows: 50,
            missing: 0,
            is_number: true,
            values: CurValues::Numbers(vec![3.0; 50]),
        };
        let d = compare(&r, &c2, settings(), &rules());
        assert!(d.drift);
        assert_eq!(d.ks_statistic, Some(1.0));
        assert_eq!(d.wasserstein, Some(1.0));
    }

    #[test]
    fn all_null_column_is_reported_not_compared() {
        let r = RefColumn {
            name: "x".into(),
            dtype: "str".into(),
            rows: 100,
            missing: 100,
            is_number: false,
            values: RefValues::Categories(HashMap::new()),
        };
        let c = CurColumn {
            dtype: "str".into(),
            rows: 100,
            missing: 100,
            is_number: false,
            values: CurValues::Categories(HashMap::new()),
        };
        let d = compare(&r, &c, settings(), &rules());
        assert_eq!(d.kind, Kind::Empty);
        assert!(!d.drift);
        assert!(d.notes[0].contains("missing in both"));
    }

    #[test]
    fn type_mismatch_is_drift() {
        let (r, _) = numeric("x", &[1.0, 2.0, 3.0], 0);
        let c = CurColumn {
            dtype: "str".into(),
            rows: 3,
            missing: 0,
            is_number: false,
            values: CurValues::Categories(HashMap::from([("a".to_string(), 3)])),
        };
        let d = compare(&r, &c, settings(), &rules());
        assert_eq!(d.kind, Kind::TypeMismatch);
        assert!(d.drift);
        assert!(d.reasons[0].contains("type changed: number (f64) in the reference, string (str)"), "{:?}", d.reasons);
    }

    #[test]
    fn dataset_share_rule() {
        let (r, c) = numeric("x", &[1.0, 2.0], 0);
        let mut a = compare(&r, &c, settings(), &rules());
        let b = a.clone();
        a.drift = true;
        let cols = [a, b];
        assert!(dataset(&cols, &rules()).drift);
        let half = Rules { drift_share: Some(0.6), ..rules() };
        assert!(!dataset(&cols, &half).drift);
    }
}
