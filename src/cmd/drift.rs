//! `abx drift`: does the current data still look like the reference?

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use clap::Args;
use rayon::prelude::*;
use serde_json::{json, Value};

use super::util::usage;
use super::{spinner, Ctx};
use crate::data::columns::{self, ColumnData, ColumnType, Read, Values};
use crate::drift::profile::Profile;
use crate::drift::{
    categories_of_sorted, compare, dataset, few_distinct, Binning, ColumnDrift, CurColumn, CurValues, DatasetDrift,
    Kind, Method, NumericRef, RefColumn, RefValues, Rules, Settings,
};
use crate::error::{AbxError, Result};
use crate::exit::ExitStatus;
use crate::experiment::did_you_mean;
use crate::fsutil::write_output;
use crate::numfmt::{share_percent, sig};
use crate::report::prometheus::{self, Sample};
use crate::report::{Format, OutputFormat, Report, Table};

#[derive(Debug, Args)]
#[command(
    about = "Detect drift between reference and current data (PSI, KS, Wasserstein, chi-square, Jensen-Shannon)",
    long_about = "Detect drift between reference and current data, column by column.\n\n\
Numeric columns: PSI over the reference's quantile bins (deciles by default), the two-sample \
Kolmogorov-Smirnov statistic and p-value (as scipy's ks_2samp, exact up to 10,000 rows), \
Wasserstein-1 and normed Wasserstein (W1 / reference sd), means and sds. \
Categorical columns (strings, booleans, integers with at most 10 distinct values, or --categorical): \
PSI over categories, chi-square of the current counts against the reference shares, \
Jensen-Shannon distance (base 2), and categories never seen in the reference. \
Every column also compares its share of missing values (null, NaN, inf).\n\n\
A column drifts when its PSI >= 0.25 (or by --method and --threshold), or when its missing share \
moves by a PSI >= --psi-threshold, or when its type changed. The data drifts when any column drifts \
(--drift-share to require a share). Exit code 0 no drift, 1 drift, 2 error.",
    after_help = "Examples:\n  \
abx drift --reference fixtures/drift_extra/mixed_ref.parquet --current fixtures/drift_extra/mixed_cur.parquet\n  \
abx drift -r fixtures/drift_extra/exact_small_ties_ref.csv -c fixtures/drift_extra/exact_small_ties_cur.csv --format json\n  \
abx drift -r fixtures/drift_extra/mixed_ref.parquet -c fixtures/drift_extra/mixed_cur.parquet --columns num,score --method ks --threshold 0.01\n  \
abx drift --reference fixtures/drift_extra/mixed_ref.parquet --save-profile train.profile.json\n  \
abx drift --reference-profile train.profile.json --current fixtures/drift_extra/mixed_cur.parquet --format prometheus > drift.prom\n  \
abx drift -r train.parquet -c today.parquet || retrain.sh   # exit 1 on drift, 2 on an error\n\n\
Exit codes: 0 no drift, 1 drift, 2 usage or input error."
)]
pub struct DriftArgs {
    /// Reference data (training data, last month): CSV or Parquet
    #[arg(short = 'r', long, value_name = "FILE", required_unless_present = "reference_profile")]
    pub reference: Option<PathBuf>,
    /// Current data: CSV or Parquet
    #[arg(short = 'c', long, value_name = "FILE", required_unless_present = "save_profile")]
    pub current: Option<PathBuf>,
    /// A profile saved by --save-profile, in place of --reference
    #[arg(long, value_name = "FILE", conflicts_with = "reference")]
    pub reference_profile: Option<PathBuf>,
    /// Save the reference's profile (bins, counts, quantile sketch) to FILE.json, for --reference-profile
    #[arg(long, value_name = "FILE", requires = "reference")]
    pub save_profile: Option<PathBuf>,
    /// Columns to compare (default: every column in both files)
    #[arg(long, value_name = "A,B", value_delimiter = ',')]
    pub columns: Vec<String>,
    /// Compare these columns as categories, whatever their type
    #[arg(long, value_name = "COL", value_delimiter = ',')]
    pub categorical: Vec<String>,
    /// PSI bins for numeric columns
    #[arg(long, value_name = "N", default_value_t = 10)]
    pub bins: usize,
    /// How numeric PSI bins are cut
    #[arg(long, value_enum, default_value_t = Binning::Quantile)]
    pub binning: Binning,
    /// The statistic that decides drift per column (columns it does not apply to use PSI)
    #[arg(long, value_enum, default_value_t = Method::Psi)]
    pub method: Method,
    /// Threshold of --method [default: psi 0.25, ks 0.05, wasserstein 0.1, js 0.1, chi2 0.05]
    #[arg(long, value_name = "X")]
    pub threshold: Option<f64>,
    /// PSI threshold, for --method psi, for columns --method does not apply to, and for missing shares
    #[arg(long, value_name = "X", default_value_t = 0.25)]
    pub psi_threshold: f64,
    /// The data drifts when at least this share of columns drift [default: any column]
    #[arg(long, value_name = "SHARE")]
    pub drift_share: Option<f64>,
    /// Output format [default: table on a terminal, else json]
    #[arg(long, short = 'f', value_enum)]
    pub format: Option<OutputFormat>,
}

/// A file's columns: name, type, polars' name of the type.
type Schema = [(String, ColumnType, String)];

/// A Prometheus gauge per column: name, help, value.
type Gauge = (&'static str, &'static str, fn(&ColumnDrift) -> Option<f64>);

/// The reference side: from the data or from a profile.
struct Reference {
    shown: String,
    rows: u64,
    columns: Vec<RefColumn>,
    /// From a profile whose numeric sketches are approximate.
    profile: bool,
}

fn check_args(args: &DriftArgs) -> Result<Rules> {
    if !(2..=crate::bounds::MAX_BINS).contains(&args.bins) {
        return Err(usage(format!("--bins must be between 2 and {}, not {}", crate::bounds::MAX_BINS, args.bins)));
    }
    let positive = |x: f64, what: &str| -> Result<()> {
        if x.is_finite() && x > 0.0 {
            Ok(())
        } else {
            Err(usage(format!("{what} must be a positive number, not {x}")))
        }
    };
    positive(args.psi_threshold, "--psi-threshold")?;
    let threshold = args.threshold.unwrap_or(args.method.default_threshold());
    positive(threshold, "--threshold")?;
    if matches!(args.method, Method::Ks | Method::Chi2) && threshold >= 1.0 {
        return Err(usage("--threshold for --method ks or chi2 is a p-value level, below 1"));
    }
    if let Some(s) = args.drift_share {
        if !(s > 0.0 && s <= 1.0) {
            return Err(usage(format!("--drift-share must be in (0, 1], not {s}")));
        }
    }
    if args.method == Method::Psi && args.threshold.is_some() && args.psi_threshold != 0.25 {
        return Err(usage("give --threshold or --psi-threshold for --method psi, not both"));
    }
    // With --method psi, --threshold and --psi-threshold are the same setting.
    let psi_threshold =
        if args.method == Method::Psi { args.threshold.unwrap_or(args.psi_threshold) } else { args.psi_threshold };
    let threshold = if args.method == Method::Psi { psi_threshold } else { threshold };
    Ok(Rules { method: args.method, threshold, psi_threshold, drift_share: args.drift_share })
}

/// Sorts every numeric column, in parallel (a radix sort: O(n) per column).
fn sort_numbers(data: &mut [ColumnData]) {
    data.par_iter_mut().for_each(|c| {
        if let Values::Numbers(v) = &mut c.values {
            radsort::sort(v);
        }
    });
}

fn read_mode(t: ColumnType, forced: bool) -> Read {
    if forced || !t.is_number() {
        Read::Categories
    } else {
        Read::Numbers
    }
}

fn warn_infinite(ctx: &Ctx, file: &str, data: &[ColumnData]) {
    for c in data.iter().filter(|c| c.infinite > 0) {
        ctx.warn(&format!("{file}: column `{}` has {} infinite values; they count as missing", c.name, c.infinite));
    }
}

fn reference_from_data(
    path: &Path,
    names: &[String],
    types: &[(ColumnType, String)],
    forced: &HashSet<String>,
    bins: usize,
    ctx: &Ctx,
) -> Result<Reference> {
    let shown = path.display().to_string();
    let want: Vec<(String, Read)> =
        names.iter().zip(types).map(|(n, (t, _))| (n.clone(), read_mode(*t, forced.contains(n)))).collect();
    let pb = spinner(ctx, &shown);
    let mut data = columns::read(path, &want)?;
    sort_numbers(&mut data);
    drop(pb);
    warn_infinite(ctx, &shown, &data);
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
fn no_rows(file: &str, what: &str) -> AbxError {
    AbxError::input(
        file,
        format!("the {what} has no rows: there is nothing to compare, so no drift verdict can be given"),
    )
}

fn load_profile(path: &Path) -> Result<Profile> {
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
struct Selection {
    names: Vec<String>,
    only_in_reference: Vec<String>,
    only_in_current: Vec<String>,
    skipped: Vec<(String, String)>,
}

/// A schema by column name (the first of a repeated name), so that looking
/// columns up stays linear in their number.
type SchemaIndex<'a> = HashMap<&'a str, (ColumnType, &'a str)>;

fn index(schema: &Schema) -> SchemaIndex<'_> {
    let mut map = HashMap::with_capacity(schema.len());
    for (name, t, dtype) in schema {
        map.entry(name.as_str()).or_insert((*t, dtype.as_str()));
    }
    map
}

fn select(args: &DriftArgs, ref_file: &str, ref_cols: &Schema, cur: Option<(&str, &Schema)>) -> Result<Selection> {
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
    for name in args.columns.iter().chain(&args.categorical) {
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
    let candidates: Vec<String> = if !args.columns.is_empty() {
        let mut seen = HashSet::new();
        args.columns.iter().filter(|c| seen.insert(c.as_str())).cloned().collect()
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
    let type_of = |cols: &SchemaIndex, n: &str| {
        cols.get(n).map(|c| (c.0, c.1.to_string())).unwrap_or((ColumnType::Other, String::new()))
    };
    let categorical: HashSet<&str> = args.categorical.iter().map(String::as_str).collect();
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
        let why = if cur.is_some() && args.columns.is_empty() {
            "the files have no columns in common that can be compared"
        } else {
            "no column to compare"
        };
        return Err(AbxError::input(ref_file, why));
    }
    Ok(sel)
}

fn profile_schema(p: &Profile) -> Vec<(String, ColumnType, String)> {
    p.columns
        .iter()
        .map(|c| (c.name.clone(), if c.number { ColumnType::Float } else { ColumnType::Text }, c.dtype.clone()))
        .collect()
}

pub fn run(args: &DriftArgs, ctx: &Ctx) -> Result<ExitStatus> {
    let rules = check_args(args)?;
    let settings = Settings { bins: args.bins, binning: args.binning };
    let mut forced: HashSet<String> = args.categorical.iter().cloned().collect();
    for f in [&args.reference, &args.current, &args.reference_profile].into_iter().flatten() {
        if f.as_os_str() == "-" {
            return Err(usage("abx drift reads files (CSV or Parquet), not standard input"));
        }
    }

    // Schemas first: a misspelt column fails before any data is read.
    let profile = args.reference_profile.as_deref().map(load_profile).transpose()?;
    // Columns profiled as categories by request stay categories.
    if let Some(p) = &profile {
        forced.extend(p.columns.iter().filter(|c| c.categorical).map(|c| c.name.clone()));
    }
    let (ref_file, ref_schema) = match (&profile, &args.reference) {
        (Some(p), _) => {
            (args.reference_profile.as_ref().map(|p| p.display().to_string()).unwrap_or_default(), profile_schema(p))
        }
        (None, Some(path)) => (path.display().to_string(), columns::schema(path)?),
        (None, None) => return Err(usage("give --reference FILE or --reference-profile FILE")),
    };
    let cur_schema = args.current.as_deref().map(columns::schema).transpose()?;
    let cur_file = args.current.as_ref().map(|p| p.display().to_string()).unwrap_or_default();
    let sel = select(args, &ref_file, &ref_schema, cur_schema.as_deref().map(|s| (cur_file.as_str(), s)))?;
    let (ref_index, cur_index) = (index(&ref_schema), cur_schema.as_deref().map(index).unwrap_or_default());
    let type_in = |schema: &SchemaIndex, n: &str| {
        schema.get(n).map(|c| (c.0, c.1.to_string())).unwrap_or((ColumnType::Null, "null".into()))
    };

    let reference = match &profile {
        Some(p) => {
            if p.bins != args.bins && args.binning == Binning::Quantile {
                return Err(AbxError::input(
                    &ref_file,
                    format!("the profile was saved with --bins {}; save it again with --bins {}", p.bins, args.bins),
                ));
            }
            let mut columns = p.reference();
            let order: HashMap<&str, usize> = sel.names.iter().enumerate().map(|(i, n)| (n.as_str(), i)).collect();
            columns.retain(|c| order.contains_key(c.name.as_str()));
            columns.sort_by_key(|c| order.get(c.name.as_str()).copied());
            for c in &columns {
                if forced.contains(&c.name) && matches!(c.values, RefValues::Numbers(_)) {
                    return Err(AbxError::input(
                        &ref_file,
                        format!("column `{}` was profiled as numbers; save the profile with --categorical {0}", c.name),
                    ));
                }
                if args.binning == Binning::Sturges
                    && matches!(&c.values, RefValues::Numbers(n) if matches!(n.sample, crate::drift::Sample::Sketch(_)))
                {
                    return Err(usage(format!(
                        "--binning sturges needs the reference data (column `{}` is only sketched in the profile)",
                        c.name
                    )));
                }
            }
            let approximate = columns.iter().any(
                |c| matches!(&c.values, RefValues::Numbers(n) if matches!(n.sample, crate::drift::Sample::Sketch(_))),
            );
            Reference { shown: ref_file.clone(), rows: p.rows, columns, profile: approximate }
        }
        None => {
            let path = args.reference.as_deref().unwrap_or(Path::new(""));
            let types: Vec<(ColumnType, String)> = sel.names.iter().map(|n| type_in(&ref_index, n)).collect();
            reference_from_data(path, &sel.names, &types, &forced, args.bins, ctx)?
        }
    };

    if let Some(out) = &args.save_profile {
        let p = Profile::of(&reference.shown, reference.rows, args.bins, &reference.columns, &forced);
        let mut bytes = serde_json::to_vec(&p).map_err(|e| usage(e.to_string()))?;
        bytes.push(b'\n');
        write_output(out, &bytes)?;
        let k = reference.columns.len();
        ctx.info(&format!(
            "saved the profile of {} ({} rows, {k} column{}) to {}",
            reference.shown,
            reference.rows,
            if k == 1 { "" } else { "s" },
            out.display()
        ));
    }
    let (Some(cur_path), Some(_)) = (args.current.as_deref(), cur_schema.as_deref()) else {
        return Ok(ExitStatus::Ok);
    };

    // The current data.
    let want: Vec<(String, Read)> =
        sel.names.iter().map(|n| (n.clone(), read_mode(type_in(&cur_index, n).0, forced.contains(n)))).collect();
    let pb = spinner(ctx, &cur_file);
    let mut cur_data = columns::read(cur_path, &want)?;
    sort_numbers(&mut cur_data);
    drop(pb);
    warn_infinite(ctx, &cur_file, &cur_data);
    let cur_rows = cur_data.first().map_or(0, |c| c.rows);
    if cur_rows == 0 {
        return Err(no_rows(&cur_file, "current data"));
    }

    let results: Vec<ColumnDrift> = reference
        .columns
        .par_iter()
        .zip(cur_data.into_par_iter())
        .map(|(r, c)| {
            let (t, dtype) = type_in(&cur_index, &c.name);
            let cur = CurColumn {
                dtype,
                rows: c.rows,
                missing: c.missing,
                is_number: t.is_number() && !forced.contains(&c.name),
                values: match c.values {
                    Values::Numbers(v) => CurValues::Numbers(v),
                    Values::Categories(m) => CurValues::Categories(m),
                },
            };
            compare(r, &cur, settings, &rules)
        })
        .collect();
    let verdict = dataset(&results, &rules);
    let out = Output {
        args,
        rules,
        reference: &reference,
        cur_file: &cur_file,
        cur_rows,
        sel: &sel,
        columns: &results,
        verdict: &verdict,
    };
    for c in results.iter().filter(|c| c.kind == Kind::TypeMismatch) {
        ctx.warn(&format!("column `{}`: {}", c.column, c.reasons.join("; ")));
    }

    match args.format.map_or_else(|| Some(Format::resolve(None, ctx.stdout_tty)), |f| f.common()) {
        Some(format) => ctx.emit(&out.report(format), format)?,
        None => {
            let mut buf = Vec::new();
            prometheus::render(&out.samples(), &mut buf)?;
            std::io::Write::write_all(&mut std::io::stdout().lock(), &buf)?;
        }
    }
    Ok(if verdict.drift { ExitStatus::Failure } else { ExitStatus::Ok })
}

struct Output<'a> {
    args: &'a DriftArgs,
    rules: Rules,
    reference: &'a Reference,
    cur_file: &'a str,
    cur_rows: u64,
    sel: &'a Selection,
    columns: &'a [ColumnDrift],
    verdict: &'a DatasetDrift,
}

fn num(x: Option<f64>) -> Value {
    x.and_then(serde_json::Number::from_f64).map_or(Value::Null, Value::Number)
}

impl Output<'_> {
    fn rule(&self) -> String {
        let r = &self.rules;
        let main = match r.method {
            Method::Psi => format!("PSI >= {}", sig(r.threshold)),
            Method::Ks => {
                format!("KS p-value < {} (numeric), PSI >= {} (categorical)", sig(r.threshold), sig(r.psi_threshold))
            }
            Method::Wasserstein => format!(
                "normed Wasserstein >= {} (numeric), PSI >= {} (categorical)",
                sig(r.threshold),
                sig(r.psi_threshold)
            ),
            Method::Js => format!(
                "Jensen-Shannon >= {} (categorical), PSI >= {} (numeric)",
                sig(r.threshold),
                sig(r.psi_threshold)
            ),
            Method::Chi2 => format!(
                "chi-square p-value < {} (categorical), PSI >= {} (numeric)",
                sig(r.threshold),
                sig(r.psi_threshold)
            ),
        };
        format!("{main}; missing share PSI >= {}; a type change", sig(r.psi_threshold))
    }

    fn json(&self) -> Value {
        json!({
            "drift": self.verdict.drift,
            "reference": self.reference.shown,
            "reference_is_profile": self.args.reference_profile.is_some(),
            "current": self.cur_file,
            "rows_reference": self.reference.rows,
            "rows_current": self.cur_rows,
            "method": self.rules.method,
            "threshold": self.rules.threshold,
            "psi_threshold": self.rules.psi_threshold,
            "bins": self.args.bins,
            "binning": self.args.binning,
            "drift_share_threshold": self.rules.drift_share,
            "columns_checked": self.verdict.columns_checked,
            "columns_drifted": self.verdict.columns_drifted,
            "drift_share": self.verdict.drift_share,
            "columns": self.columns,
            "only_in_reference": self.sel.only_in_reference,
            "only_in_current": self.sel.only_in_current,
            "skipped": self.sel.skipped.iter().map(|(c, why)| json!({"column": c, "reason": why})).collect::<Vec<_>>(),
        })
    }

    fn wide_table(&self) -> Table {
        let mut t = Table::new(&[
            "column",
            "kind",
            "drift",
            "n_reference",
            "n_current",
            "missing_reference",
            "missing_current",
            "psi",
            "ks_statistic",
            "ks_p_value",
            "wasserstein",
            "wasserstein_normed",
            "js_distance",
            "chi2_p_value",
            "mean_reference",
            "mean_current",
            "sd_reference",
            "sd_current",
            "new_categories",
            "reasons",
        ]);
        for c in self.columns {
            t.push(vec![
                json!(c.column),
                json!(c.kind),
                json!(c.drift),
                json!(c.n_reference),
                json!(c.n_current),
                num(Some(c.missing_reference)),
                num(Some(c.missing_current)),
                num(c.psi),
                num(c.ks_statistic),
                num(c.ks_p_value),
                num(c.wasserstein),
                num(c.wasserstein_normed),
                num(c.js_distance),
                num(c.chi2_p_value),
                num(c.mean_reference),
                num(c.mean_current),
                num(c.sd_reference),
                num(c.sd_current),
                json!(c.new_categories.as_deref().unwrap_or_default().join(";")),
                json!(c.reasons.join("; ")),
            ]);
        }
        t
    }

    fn report(&self, format: Format) -> Report {
        if format == Format::Json {
            return Report { json: self.json(), ..Report::default() };
        }
        if format == Format::Csv {
            return Report { tables: vec![self.wide_table()], json: Value::Null, ..Report::default() };
        }
        let v = self.verdict;
        let verdict = if v.drift {
            format!("DRIFT: {} of {} columns drifted", v.columns_drifted, v.columns_checked)
        } else {
            format!("no drift ({} of {} columns drifted)", v.columns_drifted, v.columns_checked)
        };
        let mut fields = vec![
            ("reference".to_string(), json!(format!("{} ({} rows)", self.reference.shown, self.reference.rows))),
            ("current".to_string(), json!(format!("{} ({} rows)", self.cur_file, self.cur_rows))),
            ("rule".to_string(), json!(self.rule())),
        ];
        if let Some(s) = self.rules.drift_share {
            fields.push(("drift share needed".to_string(), json!(share_percent(s))));
        }
        fields.push(("verdict".to_string(), json!(verdict)));
        let cell = |x: Option<f64>| x.map_or(Value::Null, |x| json!(sig(x)));
        let mut t = Table::new(&[
            "column",
            "kind",
            "missing",
            "PSI",
            "KS D",
            "KS p",
            "W1",
            "W1 normed",
            "JS",
            "chi2 p",
            "drift",
        ]);
        for c in self.columns {
            let missing = if c.missing_reference == c.missing_current {
                share_percent(c.missing_reference)
            } else {
                format!("{} -> {}", share_percent(c.missing_reference), share_percent(c.missing_current))
            };
            t.push(vec![
                json!(c.column),
                json!(match c.kind {
                    Kind::Numeric => "numeric",
                    Kind::Categorical => "categorical",
                    Kind::TypeMismatch => "type changed",
                    Kind::Empty => "empty",
                }),
                json!(missing),
                cell(c.psi),
                cell(c.ks_statistic),
                cell(c.ks_p_value),
                cell(c.wasserstein),
                cell(c.wasserstein_normed),
                cell(c.js_distance),
                cell(c.chi2_p_value),
                json!(if c.drift { "DRIFT" } else { "" }),
            ]);
        }
        let mut notes = Vec::new();
        for c in self.columns {
            if c.drift {
                notes.push(format!("{}: {}", c.column, c.reasons.join("; ")));
            }
            if let Some(new) = c.new_categories.as_ref().filter(|n| !n.is_empty()) {
                let shown: Vec<&str> = new.iter().take(10).map(String::as_str).collect();
                let more = if new.len() > 10 { format!(" and {} more", new.len() - 10) } else { String::new() };
                notes.push(format!("{}: new categories {}{more}", c.column, shown.join(", ")));
            }
            for n in &c.notes {
                notes.push(format!("{}: {n}", c.column));
            }
            if let Some(a) = &c.approximate {
                notes.push(format!(
                    "{}: KS and W1 from the profile's sketch (KS D within {}, W1 within {})",
                    c.column,
                    sig(a.ks_statistic_error),
                    sig(a.wasserstein_error)
                ));
            }
        }
        if !self.sel.only_in_reference.is_empty() {
            notes.push(format!(
                "only in the reference, not compared: {}",
                crate::bounds::list(&self.sel.only_in_reference)
            ));
        }
        if !self.sel.only_in_current.is_empty() {
            notes.push(format!(
                "only in the current data, not compared: {}",
                crate::bounds::list(&self.sel.only_in_current)
            ));
        }
        for (c, why) in &self.sel.skipped {
            notes.push(format!("{c}: skipped, {why}"));
        }
        if self.reference.profile {
            notes.push(
                "reference from a profile: PSI, moments and categories are exact; KS and W1 are approximate".into(),
            );
        }
        Report { title: Some("Drift: current vs reference".into()), fields, tables: vec![t], notes, json: Value::Null }
    }

    fn samples(&self) -> Vec<Sample> {
        let mut out = Vec::new();
        let label = |c: &str| vec![("column".to_string(), c.to_string())];
        let gauges: [Gauge; 7] = [
            ("drift_psi", "Population stability index of the column.", |c| c.psi),
            ("drift_ks_statistic", "Two-sample Kolmogorov-Smirnov statistic.", |c| c.ks_statistic),
            ("drift_ks_p_value", "Two-sample Kolmogorov-Smirnov p-value.", |c| c.ks_p_value),
            ("drift_wasserstein", "Wasserstein-1 distance.", |c| c.wasserstein),
            ("drift_wasserstein_normed", "Wasserstein-1 over the reference's standard deviation.", |c| {
                c.wasserstein_normed
            }),
            ("drift_js_distance", "Jensen-Shannon distance (base 2) over categories.", |c| c.js_distance),
            ("drift_chi2_p_value", "Chi-square p-value of current counts against reference shares.", |c| {
                c.chi2_p_value
            }),
        ];
        for (name, help, get) in gauges {
            for c in self.columns {
                if let Some(v) = get(c) {
                    out.push(Sample { name, help, kind: "gauge", labels: label(&c.column), value: v });
                }
            }
        }
        for c in self.columns {
            for (dataset, share) in [("reference", c.missing_reference), ("current", c.missing_current)] {
                let mut l = label(&c.column);
                l.push(("dataset".to_string(), dataset.to_string()));
                out.push(Sample {
                    name: "drift_missing_share",
                    help: "Share of missing values (null, NaN, inf).",
                    kind: "gauge",
                    labels: l,
                    value: share,
                });
            }
        }
        for c in self.columns {
            out.push(Sample {
                name: "drift_column_drifted",
                help: "1 when the column drifted.",
                kind: "gauge",
                labels: label(&c.column),
                value: f64::from(u8::from(c.drift)),
            });
        }
        out.push(Sample {
            name: "drift_columns_drifted",
            help: "Columns that drifted.",
            kind: "gauge",
            labels: Vec::new(),
            value: self.verdict.columns_drifted as f64,
        });
        out.push(Sample {
            name: "drift_dataset_drifted",
            help: "1 when the data drifted.",
            kind: "gauge",
            labels: Vec::new(),
            value: f64::from(u8::from(self.verdict.drift)),
        });
        out
    }
}
