//! `abx drift`: does the current data still look like the reference?

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use clap::Args;
use rayon::prelude::*;

use super::util::usage;
use super::{spinner, Ctx};
use crate::data::columns::{self, ColumnData, ColumnType, Read, Values};
use crate::drift::input::{
    index, infinite_warnings, load_profile, no_rows, profile_schema, read_mode, read_sorted, reference_from_data,
    select, Reference, SchemaIndex,
};
use crate::drift::profile::Profile;
use crate::drift::report::{DriftReport, Skipped};
use crate::drift::{
    compare, dataset, Binning, ColumnDrift, CurColumn, CurValues, Kind, Method, RefValues, Rules, Settings,
};
use crate::error::{AbxError, Result};
use crate::exit::ExitStatus;
use crate::fsutil::write_output;
use crate::report::Format;

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
    pub format: Option<Format>,
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
    let sel = select(
        &args.columns,
        &args.categorical,
        &ref_file,
        &ref_schema,
        cur_schema.as_deref().map(|s| (cur_file.as_str(), s)),
    )?;
    let (ref_index, cur_index) = (index(&ref_schema), cur_schema.as_deref().map(index).unwrap_or_default());
    let type_in = |schema: &SchemaIndex<'_>, n: &str| {
        schema.get(n).map(|c| (c.0, c.1.to_string())).unwrap_or((ColumnType::Null, "null".into()))
    };

    // Two Parquet files and no profile to save: one column at a time, the
    // reference's and the current data's side by side, so that memory holds
    // two columns (and their sort buffers) however many are compared.
    if let (None, None, Some(ref_path), Some(cur_path)) =
        (&profile, &args.save_profile, args.reference.as_deref(), args.current.as_deref())
    {
        if sel.names.len() > 1 && crate::data::is_parquet(ref_path) && crate::data::is_parquet(cur_path) {
            let ref_types: Vec<(ColumnType, String)> = sel.names.iter().map(|n| type_in(&ref_index, n)).collect();
            let ref_want: Vec<(String, Read)> = sel
                .names
                .iter()
                .zip(&ref_types)
                .map(|(n, (t, _))| (n.clone(), read_mode(*t, forced.contains(n))))
                .collect();
            let cur_want: Vec<(String, Read)> = sel
                .names
                .iter()
                .map(|n| (n.clone(), read_mode(type_in(&cur_index, n).0, forced.contains(n))))
                .collect();
            let pb = spinner(ctx, &cur_file);
            let (mut ref_warnings, mut cur_warnings, mut results) = (Vec::new(), Vec::new(), Vec::new());
            let (mut ref_rows, mut cur_rows) = (0, 0);
            for i in 0..sel.names.len() {
                // The reference's bins and moments are made while the current column sorts.
                let (r, c) = rayon::join(
                    || {
                        let r = read_sorted(ref_path, &ref_want[i..=i])?;
                        let warnings = infinite_warnings(&ref_file, &r);
                        let reference =
                            reference_from_data(ref_file.clone(), r, &ref_types[i..=i], &forced, args.bins)?;
                        Ok::<_, AbxError>((warnings, reference))
                    },
                    || read_sorted(cur_path, &cur_want[i..=i]),
                );
                let (warnings, reference) = r?;
                ref_warnings.extend(warnings);
                let c = c?;
                cur_warnings.extend(infinite_warnings(&cur_file, &c));
                let Some(c) = c.into_iter().next() else { continue };
                if c.rows == 0 {
                    return Err(no_rows(&cur_file, "current data"));
                }
                (ref_rows, cur_rows) = (reference.rows, c.rows);
                if let Some(r) = reference.columns.first() {
                    results.push(compare(r, &cur_column(c, &cur_index, &forced), settings, &rules));
                }
            }
            drop(pb);
            for w in ref_warnings.iter().chain(&cur_warnings) {
                ctx.warn(w);
            }
            let reference = Reference { shown: ref_file, rows: ref_rows, columns: Vec::new(), profile: false };
            return finish(args, ctx, &rules, reference, cur_file, cur_rows, results, sel);
        }
    }

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
            let want: Vec<(String, Read)> = sel
                .names
                .iter()
                .zip(&types)
                .map(|(n, (t, _))| (n.clone(), read_mode(*t, forced.contains(n))))
                .collect();
            let shown = path.display().to_string();
            let pb = spinner(ctx, &shown);
            let data = read_sorted(path, &want)?;
            drop(pb);
            for w in infinite_warnings(&shown, &data) {
                ctx.warn(&w);
            }
            reference_from_data(shown, data, &types, &forced, args.bins)?
        }
    };

    if let Some(out) = &args.save_profile {
        let p = Profile::of(&reference.shown, reference.rows, args.bins, &reference.columns, &forced);
        let mut bytes = serde_json::to_vec(&p).map_err(|e| usage(e.to_string()))?;
        bytes.push(b'\n');
        write_output(out, &bytes)?;
        let k = reference.columns.len();
        ctx.info(&format!(
            "saved the profile of {} ({} rows, {}) to {}",
            reference.shown,
            reference.rows,
            crate::numfmt::plural(k as u64, "column"),
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
    let cur_data = read_sorted(cur_path, &want)?;
    drop(pb);
    for w in infinite_warnings(&cur_file, &cur_data) {
        ctx.warn(&w);
    }
    let cur_rows = cur_data.first().map_or(0, |c| c.rows);
    if cur_rows == 0 {
        return Err(no_rows(&cur_file, "current data"));
    }

    let results: Vec<ColumnDrift> = reference
        .columns
        .par_iter()
        .zip(cur_data.into_par_iter())
        .map(|(r, c)| compare(r, &cur_column(c, &cur_index, &forced), settings, &rules))
        .collect();
    finish(args, ctx, &rules, reference, cur_file, cur_rows, results, sel)
}

/// A column of the current data, as `compare` takes it.
fn cur_column(c: ColumnData, cur_index: &SchemaIndex<'_>, forced: &HashSet<String>) -> CurColumn {
    let (t, dtype) =
        cur_index.get(c.name.as_str()).map(|c| (c.0, c.1.to_string())).unwrap_or((ColumnType::Null, "null".into()));
    CurColumn {
        dtype,
        rows: c.rows,
        missing: c.missing,
        is_number: t.is_number() && !forced.contains(&c.name),
        values: match c.values {
            Values::Numbers(v) => CurValues::Numbers(v),
            Values::Categories(m) => CurValues::Categories(m),
        },
    }
}

/// The verdict over the compared columns, and the report.
#[allow(clippy::too_many_arguments)]
fn finish(
    args: &DriftArgs,
    ctx: &Ctx,
    rules: &Rules,
    reference: Reference,
    cur_file: String,
    cur_rows: u64,
    results: Vec<ColumnDrift>,
    sel: crate::drift::input::Selection,
) -> Result<ExitStatus> {
    let rules = *rules;
    let verdict = dataset(&results, &rules);
    for c in results.iter().filter(|c| c.kind == Kind::TypeMismatch) {
        ctx.warn(&format!("column `{}`: {}", c.column, c.reasons.join("; ")));
    }
    let report = DriftReport {
        drift: verdict.drift,
        reference: reference.shown.clone(),
        reference_is_profile: args.reference_profile.is_some(),
        current: cur_file,
        rows_reference: reference.rows,
        rows_current: cur_rows,
        method: rules.method,
        threshold: rules.threshold,
        psi_threshold: rules.psi_threshold,
        bins: args.bins,
        binning: args.binning,
        drift_share_threshold: rules.drift_share,
        columns_checked: verdict.columns_checked,
        columns_drifted: verdict.columns_drifted,
        drift_share: verdict.drift_share,
        columns: results,
        only_in_reference: sel.only_in_reference,
        only_in_current: sel.only_in_current,
        skipped: sel.skipped.into_iter().map(|(column, reason)| Skipped { column, reason }).collect(),
        approximate_reference: reference.profile,
    };
    ctx.emit(&report, Format::resolve(args.format, ctx.stdout_tty))?;
    Ok(if report.drift { ExitStatus::Failure } else { ExitStatus::Ok })
}
