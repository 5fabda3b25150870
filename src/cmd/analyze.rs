//! `abx analyze`: the experiment readout from sufficient statistics.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use clap::Args;
use serde::Serialize;
use serde_json::{json, Map, Value};

use super::util::{input_name, open_fraction, open_input, usage};
use super::{spinner, Ctx};
use crate::analysis::{analyze, Analysis, Comparison, Correction, Family, Method, MetricResult, Options, SRM_P};
use crate::assign::Bucketer;
use crate::data::outcomes::{reduce, MetricInput, Reduced, Request, VariantSource};
use crate::data::summary::{read_summary, Moments, SummaryMetric, SummaryRows};
use crate::error::{AbxError, Result};
use crate::exit::ExitStatus;
use crate::experiment::{self, Direction, Experiment, MetricKind, Status};
use crate::numfmt::{count, json_number, sig, sig_percent};
use crate::report::prometheus::{self, Sample};
use crate::report::OutputFormat;
use crate::report::{Format, Report, Table};
use crate::stats::gbstats::Prior;

/// The whole readout: the analysis of all units, notes on the input, and the
/// same analysis per segment with `--by`.
#[derive(Debug, Clone, Serialize)]
pub struct Readout {
    #[serde(flatten)]
    pub overall: Analysis,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub input: Option<InputNotes>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub segments: Vec<SegmentReadout>,
}

#[derive(Debug, Clone, Serialize)]
pub struct InputNotes {
    /// Rows with no variant (null or empty), left out.
    pub rows_without_variant: u64,
    /// Units assigned by the experiment's bucketing (no variant column).
    pub assigned_by_bucketing: bool,
    /// Units the bucketing leaves out of the experiment (allocation).
    pub units_not_exposed: u64,
    /// Units whose targeting attributes (the data's columns) make them ineligible.
    pub units_ineligible: u64,
    /// With --events and --by: segments roll events up per (unit, segment),
    /// so a unit with events in several segments counts in each of them;
    /// this many more unit-segment pairs than units.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub units_in_several_segments: Option<u64>,
    /// The cap applied to each capped metric.
    #[serde(skip_serializing_if = "Map::is_empty")]
    pub caps: Map<String, Value>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SegmentReadout {
    /// The --by column values.
    pub segment: Map<String, Value>,
    #[serde(flatten)]
    pub analysis: Analysis,
}

/// Where the outcomes come from: shared by `abx analyze` and `abx verdict`.
#[derive(Debug, Args)]
pub struct InputArgs {
    /// Experiment file
    #[arg(short = 'e', long = "experiment", value_name = "FILE")]
    pub experiment: PathBuf,
    /// Unit-level outcomes, CSV or Parquet by extension ("-": CSV on stdin): a variant column and a column per metric
    #[arg(long, value_name = "FILE", conflicts_with = "summary", required_unless_present = "summary")]
    pub data: Option<PathBuf>,
    /// Sufficient statistics instead: CSV with variant,metric,n,sum,sum_sq (ratio and CUPED metrics add sum_y,sum_y_sq,sum_xy; "-": stdin)
    #[arg(long, value_name = "FILE.csv")]
    pub summary: Option<PathBuf>,
    /// The --data column that holds the variant [default: variant]; a column named here must exist
    #[arg(long, value_name = "COLUMN")]
    pub variant_column: Option<String>,
    /// The --data column that holds the unit id: with --events, events are rolled up per unit; without a variant column, units are assigned by the experiment's bucketing
    #[arg(long, value_name = "COLUMN")]
    pub unit_column: Option<String>,
    /// Assign units by the experiment's bucketing of --unit-column (as `abx assign` does, targeting read from the data's columns), even if the data has a variant column
    #[arg(long, requires = "unit_column", conflicts_with = "variant_column")]
    pub bucketing: bool,
    /// With bucketing, assign units by the ranges the experiment has while running, whatever its status now (for data collected while it ran)
    #[arg(long)]
    pub as_running: bool,
    /// --data rows are events: each metric is rolled up per unit (its `aggregate`: sum, count, max, mean or any) first
    #[arg(long, requires = "unit_column")]
    pub events: bool,
    /// Ignore rows of variants that the experiment does not have
    #[arg(long)]
    pub ignore_unknown_variants: bool,
}

#[derive(Debug, Args)]
#[command(
    about = "Per-variant stats, effects, intervals, p-values and a sample-ratio check",
    long_about = "Per-variant stats, effects, intervals, p-values and a sample-ratio check.\n\n\
Input is unit-level outcome data (--data: CSV or Parquet, one row per unit, a variant column \
and a column per metric), or the warehouse-native summary (--summary: one CSV row per variant \
and metric with columns variant,metric,n,sum,sum_sq, which any SQL engine can produce). \
Effects are treatment minus control; lift is treatment / control - 1, computed as GrowthBook's \
stats engine does.\n\n\
The method, alpha and correction default to the experiment's `decision` section (what \
`abx verdict` uses); the flags override them. Each comparison is judged by one test, and \
the table's mark, p-value (or chance to win) and intervals all come from it.",
    after_help = "Examples:\n  \
abx analyze -e experiments/prompt_engineering_test.yaml --data fixtures/analyze/prompt_engineering_test_units.parquet\n  \
abx analyze -e experiments/followup_timing.yaml --summary fixtures/analyze/followup_timing_summary.csv --method bayesian\n  \
abx analyze -e experiments/prompt_engineering_test.yaml --summary fixtures/analyze/prompt_engineering_test_summary.csv --format json\n  \
abx analyze -e experiments/strategy_complexity.yaml --data fixtures/analyze/strategy_complexity_units.csv --by user_level --format markdown\n  \
abx analyze -e fixtures/analyze/events.yaml --data fixtures/analyze/events.csv --events --unit-column user_id\n  \
abx analyze -e experiments/followup_timing.yaml --data fixtures/analyze/followup_timing_units.csv --format prometheus > abx.prom\n\n\
A summary from SQL:\n  \
SELECT variant, 'booked' AS metric, COUNT(*) AS n, SUM(booked) AS sum, SUM(booked * booked) AS sum_sq\n  \
FROM outcomes GROUP BY variant"
)]
pub struct AnalyzeArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// The same readout per segment of this --data column (repeatable, up to 3)
    #[arg(long, value_name = "COLUMN")]
    pub by: Vec<String>,
    /// Statistical method [default: the experiment's decision.method, else frequentist]
    #[arg(long, value_enum)]
    pub method: Option<Method>,
    /// Significance level [default: the experiment's decision.alpha, else 0.05]; for bayesian, the level of gbstats' credible interval in JSON (the mark and the table's interval follow decision.chance_to_win)
    #[arg(long, value_name = "A")]
    pub alpha: Option<f64>,
    /// Sequential: the number of units the confidence sequence is tuned for [default: decision.sequential_tuning, else 5000]
    #[arg(long, value_name = "N")]
    pub sequential_tuning: Option<f64>,
    /// Bayesian: mean of the Gaussian prior on the relative effect (flat prior when absent)
    #[arg(long, value_name = "MEAN", allow_hyphen_values = true, requires = "prior_variance")]
    pub prior_mean: Option<f64>,
    /// Bayesian: variance of the Gaussian prior on the relative effect
    #[arg(long, value_name = "VAR", requires = "prior_mean")]
    pub prior_variance: Option<f64>,
    /// Adjust p-values across treatments x metrics [default: the experiment's decision.correction, across the treatments of each metric]
    #[arg(long, value_enum)]
    pub correction: Option<Correction>,
    /// Output format [default: table on a terminal, else json]
    #[arg(long, short = 'f', value_enum)]
    pub format: Option<OutputFormat>,
}

/// The file's decision settings, overridden by the flags.
fn options(args: &AnalyzeArgs, exp: &Experiment) -> Result<Options> {
    let mut o = Options::from_decision(&exp.decision);
    if let Some(m) = args.method {
        o.method = m;
    }
    if let Some(a) = args.alpha {
        o.alpha = open_fraction("--alpha", a)?;
    }
    if let Some(t) = args.sequential_tuning {
        if !(t > 0.0 && t.is_finite()) {
            return Err(usage(format!("--sequential-tuning must be positive, got {t}")));
        }
        o.sequential_tuning = t;
    }
    if let Some(c) = args.correction {
        (o.correction, o.family) = (c, Family::TreatmentsXMetrics);
    }
    o.prior = match (args.prior_mean, args.prior_variance) {
        (Some(mean), Some(variance)) => {
            if !mean.is_finite() {
                return Err(usage(format!("--prior-mean must be a finite number, got {mean}")));
            }
            if !(variance > 0.0 && variance.is_finite()) {
                return Err(usage(format!("--prior-variance must be positive, got {variance}")));
            }
            Some(Prior { mean, variance })
        }
        _ => None,
    };
    Ok(o)
}

/// The first unknown variant among `found` (with the line it is on, 0 if none).
fn unknown_variant(exp: &Experiment, found: &[(String, u64)], path: &str) -> Result<()> {
    let mut unknown: Vec<&(String, u64)> = found.iter().filter(|(v, _)| exp.variant_index(v).is_none()).collect();
    unknown.sort_by(|a, b| (a.1, &a.0).cmp(&(b.1, &b.0)));
    if let Some((v, line)) = unknown.first() {
        let names: Vec<&str> = exp.variants.iter().map(|v| v.name.as_str()).collect();
        let at = if *line > 0 { format!("line {line}: ") } else { String::new() };
        return Err(AbxError::input(
            path,
            format!(
                "{at}variant `{}` is not in experiment `{}` (variants: {}); pass --ignore-unknown-variants to skip it",
                crate::bounds::quote(v),
                exp.name,
                names.join(", ")
            ),
        ));
    }
    Ok(())
}

/// Checks the statistics against the experiment: every variant x metric
/// present, no unknown variant (unless ignored).
fn coverage(
    exp: &Experiment,
    rows: HashMap<(String, String), (Moments, u64)>,
    path: &str,
    ignore_unknown: bool,
    units: &HashMap<String, u64>,
    ignored: &dyn Fn(&str),
) -> Result<HashMap<(String, String), Moments>> {
    let mut found: Vec<(String, u64)> = rows.iter().map(|((v, _), (_, line))| (v.clone(), *line)).collect();
    found.extend(units.keys().map(|v| (v.clone(), 0)));
    if !ignore_unknown {
        unknown_variant(exp, &found, path)?;
    } else {
        let mut left: Vec<String> = found
            .iter()
            .filter(|(v, _)| exp.variant_index(v).is_none())
            .map(|(v, _)| match units.get(v) {
                Some(n) => format!("{v} ({n} units)"),
                None => v.clone(),
            })
            .collect();
        left.sort();
        left.dedup();
        if !left.is_empty() {
            ignored(&format!(
                "{path}: left out, not in the experiment (--ignore-unknown-variants): {}",
                left.join(", ")
            ));
        }
    }
    let mut missing = Vec::new();
    for m in &exp.metrics {
        for v in &exp.variants {
            if !rows.contains_key(&(v.name.clone(), m.name.clone())) {
                missing.push(format!("{}/{}", v.name, m.name));
            }
        }
    }
    if !missing.is_empty() {
        let promoted = match (exp.status(), &exp.promoted) {
            (Status::Promoted, Some(p)) => format!(
                " (the experiment is promoted: since then every unit gets {p}, so later data has one variant; `abx verdict` reports the promotion, and a readout needs the data from before it)"
            ),
            _ => String::new(),
        };
        return Err(AbxError::input(
            path,
            format!(
                "no data for variant/metric {}: every variant and metric of the experiment needs data{promoted}",
                missing.join(", ")
            ),
        ));
    }
    Ok(rows.into_iter().map(|(k, (m, _))| (k, m)).collect())
}

pub fn run(args: &AnalyzeArgs, ctx: &Ctx) -> Result<ExitStatus> {
    let exp = experiment::load(&args.input.experiment)?;
    let opts = options(args, &exp)?;
    let readout = readout(&args.input, &args.by, &opts, &exp, ctx)?;
    if readout.overall.srm.mismatch {
        ctx.warn(&format!(
            "sample ratio mismatch (p = {}): the split differs from the plan; the results below are not trustworthy",
            sig(readout.overall.srm.p_value)
        ));
    }
    for m in &readout.overall.metrics {
        for c in m.comparisons.iter().filter(|c| !c.test.measurable) {
            ctx.warn(&format!(
                "{} vs control on {}: not measurable: {}",
                c.variant,
                m.name,
                c.test.not_measurable.as_deref().unwrap_or("")
            ));
        }
    }
    let format = match args.format {
        None => Some(Format::resolve(None, ctx.stdout_tty)),
        Some(f) => f.common(),
    };
    match format {
        Some(format) => ctx.emit(&readout_report(&readout, format), format)?,
        None => {
            let mut buf = Vec::new();
            prometheus::render(&samples(&readout.overall), &mut buf)?;
            std::io::Write::write_all(&mut std::io::stdout().lock(), &buf)?;
        }
    }
    Ok(ExitStatus::Ok)
}

/// The metric inputs of an experiment: columns, caps, roll-ups.
pub fn metric_inputs(exp: &Experiment) -> Vec<MetricInput> {
    exp.metrics
        .iter()
        .map(|m| MetricInput {
            name: m.name.clone(),
            x: m.column().to_string(),
            y: m.denominator.clone().or_else(|| m.covariate.clone()),
            y_is_covariate: m.covariate.is_some(),
            binary: m.kind == MetricKind::Proportion,
            cap: m.cap,
            aggregate: m.aggregate,
        })
        .collect()
}

/// What a summary's rows of each metric need.
fn summary_metrics(exp: &Experiment) -> Vec<SummaryMetric> {
    exp.metrics
        .iter()
        .map(|m| {
            let (second, second_is) = match (m.kind, &m.covariate) {
                (MetricKind::Ratio, _) => (Some(false), "denominator"),
                (MetricKind::Proportion, Some(_)) => (Some(true), "covariate"),
                (MetricKind::Mean, Some(_)) => (Some(false), "covariate"),
                (MetricKind::Mean | MetricKind::Proportion, None) => (None, ""),
            };
            SummaryMetric { name: m.name.clone(), binary: m.kind == MetricKind::Proportion, second, second_is }
        })
        .collect()
}

/// Reads a --summary file (or stdin).
fn summary_rows(exp: &Experiment, summary: &std::path::Path, ctx: &Ctx) -> Result<(SummaryRows, String)> {
    let (reader, name) = open_input(summary)?;
    let rows = read_summary(reader, &name, &summary_metrics(exp))?;
    let mut other: Vec<&str> = rows.keys().map(|(_, m)| m.as_str()).filter(|m| exp.metric(m).is_none()).collect();
    other.sort_unstable();
    other.dedup();
    if !other.is_empty() {
        ctx.warn(&format!(
            "{name}: rows of metrics the experiment does not have are left out: {}",
            crate::bounds::list(&other)
        ));
    }
    Ok((rows, name))
}

/// The bucketer the input may use: the experiment's assignment now, or with
/// --as-running its ranges. A draft, stopped or promoted experiment's
/// assignment now is not what units had while it ran, so bucketing its data
/// needs --as-running (else None, with the reason).
fn bucketer_for(args: &InputArgs, exp: &Experiment, lenient: bool) -> (Option<Bucketer>, Option<String>) {
    if args.as_running {
        return (Some(Bucketer::running(exp)), None);
    }
    match exp.status() {
        Status::Running => (Some(Bucketer::new(exp)), None),
        _ if lenient => (Some(Bucketer::new(exp)), None),
        s @ (Status::Draft | Status::Stopped | Status::Promoted) => {
            let now = match s {
                Status::Promoted => format!("gives every unit {}", exp.promoted.as_deref().unwrap_or("")),
                Status::Draft | Status::Stopped | Status::Running => "exposes no unit".to_string(),
            };
            let why = format!(
                "experiment `{}` is {status} (status: {status}), so its bucketing now {now}, not the variants units had while it ran: give the data a variant column, or pass --as-running if it was collected while the experiment ran",
                exp.name,
                status = s.name()
            );
            (None, Some(why))
        }
    }
}

/// Reads `--data` into sufficient statistics. `lenient`: for a verdict the
/// lifecycle decides, only units per variant are wanted (no metrics).
fn reduce_data(
    args: &InputArgs,
    by: &[String],
    exp: &Experiment,
    data: &std::path::Path,
    lenient: bool,
    ctx: &Ctx,
) -> Result<(Reduced, String)> {
    if by.len() > 3 {
        return Err(usage("--by takes at most 3 columns"));
    }
    let inputs = if lenient { Vec::new() } else { metric_inputs(exp) };
    let name = input_name(data);
    let pb = spinner(ctx, &name);
    let (bucketer, refused) = bucketer_for(args, exp, lenient);
    let variants: Vec<String> = exp.variants.iter().map(|v| v.name.clone()).collect();
    let (progress_bar, what) = (pb.bar(), name.clone());
    let variant = match (&args.variant_column, args.bucketing) {
        (Some(c), _) => VariantSource::Column(c),
        (None, true) => VariantSource::Bucketing,
        (None, false) => VariantSource::Default,
    };
    let req = Request {
        variant,
        unit_column: args.unit_column.as_deref(),
        bucketer: bucketer.as_ref(),
        no_bucketing: refused.as_deref(),
        targeting: &exp.targeting,
        variants: &variants,
        by,
        events: args.events,
        metrics: &inputs,
        progress: Some(Arc::new(move |rows| progress_bar.set_message(format!("reading {what}: {} rows", count(rows))))),
    };
    let reduced = reduce(data, &req);
    drop(pb);
    let reduced = reduced?;
    if args.as_running && !reduced.assigned {
        ctx.warn("--as-running changes nothing here: the data's variant column says which variant each unit had");
    }
    for n in &reduced.notes {
        ctx.warn(n);
    }
    if reduced.no_variant > 0 {
        ctx.warn(&format!("{name}: {} rows have no variant and are left out", reduced.no_variant));
    }
    Ok((reduced, name))
}

/// The units per variant in the input, whatever it holds: what a verdict
/// the lifecycle decides reports. Variants of the experiment in file order,
/// then any others the data has.
pub fn units_per_variant(args: &InputArgs, exp: &Experiment, ctx: &Ctx) -> Result<Vec<(String, u64)>> {
    let mut found: Vec<(String, u64)> = Vec::new();
    let mut add = |v: &str, n: u64| match found.iter_mut().find(|f| f.0 == v) {
        Some(f) => f.1 += n,
        None => found.push((v.to_string(), n)),
    };
    match (&args.data, &args.summary) {
        (Some(data), _) => {
            let (reduced, _) = reduce_data(args, &[], exp, data, true, ctx)?;
            for g in &reduced.groups {
                add(&g.variant, g.units);
            }
        }
        (None, Some(summary)) => {
            let (rows, _) = summary_rows(exp, summary, ctx)?;
            let primary = exp.primary_name();
            for ((v, m), (mo, _)) in &rows {
                if *m == primary {
                    add(v, mo.n as u64);
                }
            }
        }
        (None, None) => {
            return Err(usage("give --data FILE (unit-level outcomes) or --summary FILE (sufficient statistics)"))
        }
    }
    let mut out: Vec<(String, u64)> = exp
        .variants
        .iter()
        .map(|v| (v.name.clone(), found.iter().find(|f| f.0 == v.name).map_or(0, |f| f.1)))
        .collect();
    out.extend(found.into_iter().filter(|f| exp.variant_index(&f.0).is_none()));
    Ok(out)
}

/// Reads the input named by `args` and analyses it: the readout that
/// `abx analyze` prints (and `abx verdict` decides on).
pub fn readout(args: &InputArgs, by: &[String], opts: &Options, exp: &Experiment, ctx: &Ctx) -> Result<Readout> {
    if exp.metrics.is_empty() {
        return Err(AbxError::input(
            args.experiment.display().to_string(),
            "the experiment has no `metrics` to analyze",
        ));
    }
    match (&args.data, &args.summary) {
        (Some(data), _) => {
            let (reduced, name) = reduce_data(args, by, exp, data, false, ctx)?;
            from_reduced(exp, reduced, &name, args.ignore_unknown_variants, by, opts, ctx)
        }
        (None, Some(summary)) => {
            if !by.is_empty() || args.events || args.unit_column.is_some() || args.variant_column.is_some() {
                return Err(usage(
                    "--by, --events, --unit-column and --variant-column work on unit-level --data, not on a --summary",
                ));
            }
            let (rows, name) = summary_rows(exp, summary, ctx)?;
            for m in exp.metrics.iter().filter(|m| m.cap.is_some()) {
                ctx.warn(&format!(
                    "metric `{}` has a cap: a summary's sums are used as given, so they must be sums of capped values (abx cannot cap a sum)",
                    m.name
                ));
            }
            let stats = coverage(exp, rows, &name, args.ignore_unknown_variants, &HashMap::new(), &|m| ctx.warn(m))?;
            Ok(Readout { overall: analyze(exp, &stats, None, opts), input: None, segments: Vec::new() })
        }
        (None, None) => Err(usage("give --data FILE (unit-level outcomes) or --summary FILE (sufficient statistics)")),
    }
}

/// One segment's values, its sufficient statistics and its units per variant.
type SegmentStats = (Vec<String>, HashMap<(String, String), Moments>, HashMap<String, u64>);

/// Groups to analyses: all units, then each segment.
fn from_reduced(
    exp: &Experiment,
    reduced: Reduced,
    shown: &str,
    ignore_unknown: bool,
    by: &[String],
    opts: &Options,
    ctx: &Ctx,
) -> Result<Readout> {
    let mut overall: HashMap<(String, String), Moments> = HashMap::new();
    let mut units: HashMap<String, u64> = HashMap::new();
    for g in &reduced.groups {
        *units.entry(g.variant.clone()).or_default() += g.units;
        for (m, mo) in exp.metrics.iter().zip(&g.metrics) {
            let e = overall.entry((g.variant.clone(), m.name.clone())).or_default();
            *e = e.merge(mo);
        }
    }
    // Segments: from the (unit, segment) pass with events, else the unit pass.
    let mut segments: Vec<SegmentStats> = Vec::new();
    let segment_groups = reduced.segment_groups.as_ref().unwrap_or(&reduced.groups);
    for g in segment_groups.iter().filter(|_| !by.is_empty()) {
        let seg = match segments.iter().position(|(s, _, _)| *s == g.segment) {
            Some(i) => i,
            None => {
                segments.push((g.segment.clone(), HashMap::new(), HashMap::new()));
                segments.len() - 1
            }
        };
        *segments[seg].2.entry(g.variant.clone()).or_default() += g.units;
        for (m, mo) in exp.metrics.iter().zip(&g.metrics) {
            let e = segments[seg].1.entry((g.variant.clone(), m.name.clone())).or_default();
            *e = e.merge(mo);
        }
    }
    let several = reduced.segment_groups.as_ref().map(|sg| {
        let pairs: u64 = sg.iter().filter(|g| exp.variant_index(&g.variant).is_some()).map(|g| g.units).sum();
        let total: u64 = units.iter().filter(|(v, _)| exp.variant_index(v).is_some()).map(|(_, n)| n).sum();
        pairs.saturating_sub(total)
    });
    if let Some(extra) = several.filter(|&e| e > 0) {
        ctx.warn(&format!(
            "{shown}: --by {} varies within units: each segment rolls events up per unit and segment, so a unit with events in several segments counts in each ({extra} unit-segment pairs more than units)",
            by.join(", ")
        ));
    }
    if reduced.groups.is_empty() && reduced.no_variant == 0 && reduced.not_exposed == 0 && reduced.ineligible == 0 {
        return Err(AbxError::input(shown, "the data has no rows: there is nothing to analyze"));
    }
    if reduced.assigned && units.values().sum::<u64>() == 0 {
        return Err(AbxError::input(
            shown,
            format!(
                "the experiment's bucketing exposes none of the data's units ({} not exposed, {} ineligible by targeting)",
                reduced.not_exposed, reduced.ineligible
            ),
        ));
    }
    let rows = overall.into_iter().map(|(k, m)| (k, (m, 0))).collect();
    let stats = coverage(exp, rows, shown, ignore_unknown, &units, &|m| ctx.warn(m))?;
    let overall = analyze(exp, &stats, Some(&units), opts);
    let mut out = Vec::new();
    if !by.is_empty() {
        segments.sort_by(|a, b| a.0.cmp(&b.0));
        for (values, stats, units) in segments {
            let segment = by.iter().cloned().zip(values.into_iter().map(Value::String)).collect();
            out.push(SegmentReadout { segment, analysis: analyze(exp, &stats, Some(&units), opts) });
        }
    }
    let caps = exp
        .metrics
        .iter()
        .zip(&reduced.caps)
        .filter_map(|(m, c)| c.map(|c| (m.name.clone(), json_number(c))))
        .collect();
    let input = InputNotes {
        rows_without_variant: reduced.no_variant,
        assigned_by_bucketing: reduced.assigned,
        units_not_exposed: reduced.not_exposed,
        units_ineligible: reduced.ineligible,
        units_in_several_segments: several,
        caps,
    };
    Ok(Readout { overall, input: Some(input), segments: out })
}

fn correction_name(c: Correction) -> &'static str {
    match c {
        Correction::None => "none",
        Correction::Bonferroni => "Bonferroni",
        Correction::Holm => "Holm",
        Correction::Bh => "Benjamini-Hochberg (FDR)",
    }
}

/// What judges each kind of metric under the readout's method.
fn method_line(a: &Analysis) -> String {
    let level = sig((1.0 - a.alpha) * 100.0);
    let kinds = |k: MetricKind, cuped: bool| {
        a.metrics.iter().any(|m| m.kind == k && m.comparisons.iter().any(|c| c.theta.is_some()) == cuped)
    };
    let mut tests = Vec::new();
    let m = match a.method {
        Method::Frequentist => {
            if kinds(MetricKind::Mean, false) {
                tests.push("means by Welch's t-test (lift interval: Fieller's, from the same test)");
            }
            if kinds(MetricKind::Proportion, false) {
                tests.push("proportions by the pooled z-test (intervals: Mee's and Koopman's score intervals, which invert it)");
            }
            if a.metrics.iter().any(|m| m.kind == MetricKind::Ratio || m.comparisons.iter().any(|c| c.theta.is_some())) {
                tests.push("ratio and CUPED metrics by the delta-method t-test on the difference (lift interval: Fieller's)");
            }
            format!("frequentist, {level}% intervals: {}", tests.join("; "))
        }
        Method::Sequential => format!(
            "sequential: the lift's always-valid {level}% confidence sequence and p-value (gbstats), safe to re-run daily"
        ),
        Method::Bayesian => format!(
            "bayesian: the lift's posterior (gbstats); ▲ when the chance to win reaches {}% and the risk is at most {}%, the interval is the posterior's at the level of that chance",
            sig(a.chance_to_win_threshold.unwrap_or(f64::NAN) * 100.0),
            sig(a.max_risk.unwrap_or(f64::NAN) * 100.0)
        ),
    };
    let family = match a.correction_family {
        Family::Treatments => "across the treatments of each metric",
        Family::TreatmentsXMetrics => "across treatments x metrics",
    };
    let c = match (a.correction, a.method) {
        (Correction::None, _) => "no multiple-testing correction".to_string(),
        (c, Method::Bayesian) => {
            format!("{} correction {family}: the chance to win needed is Bonferroni-adjusted", correction_name(c))
        }
        (c, _) => format!(
            "{} correction {family} (the p-values shown are adjusted, the intervals are not)",
            correction_name(c)
        ),
    };
    let cuped = if a.metrics.iter().any(|m| m.comparisons.iter().any(|c| c.theta.is_some())) {
        "; CUPED with θ pooled over control and each treatment"
    } else {
        ""
    };
    format!("method: {m}; {c}{cuped}")
}

const CSV_COLUMNS: [&str; 25] = [
    "metric",
    "variant",
    "n",
    "mean",
    "sd",
    "diff",
    "ci_low",
    "ci_high",
    "lift",
    "lift_ci_low",
    "lift_ci_high",
    "p_value",
    "p_value_adjusted",
    "lift_p_value",
    "chance_to_win",
    "risk_control",
    "risk_treatment",
    "test",
    "test_measurable",
    "test_p_value_adjusted",
    "test_lift_ci_low",
    "test_lift_ci_high",
    "significant",
    "better",
    "worse",
];

/// CSV rows (a row per metric x variant) of one analysis, after `lead` cells.
fn csv_rows(a: &Analysis, lead: &[Value], t: &mut Table) {
    for m in &a.metrics {
        for v in &m.variants {
            let c = m.comparisons.iter().find(|c| c.variant == v.variant);
            let f = |g: &dyn Fn(&Comparison) -> f64| c.map_or(Value::Null, |c| json_number(g(c)));
            let o = |g: &dyn Fn(&Comparison) -> Option<f64>| c.and_then(g).map_or(Value::Null, json_number);
            let b = |g: &dyn Fn(&Comparison) -> bool| c.map_or(Value::Null, |c| json!(g(c)));
            let mut row = lead.to_vec();
            row.extend([
                json!(m.name),
                json!(v.variant),
                json!(v.n),
                json_number(v.mean),
                json_number(v.sd),
                f(&|c| c.diff),
                f(&|c| c.ci_low),
                f(&|c| c.ci_high),
                f(&|c| c.lift),
                f(&|c| c.lift_ci_low),
                f(&|c| c.lift_ci_high),
                f(&|c| c.p_value),
                f(&|c| c.p_value_adjusted),
                o(&|c| c.lift_p_value),
                o(&|c| c.chance_to_win),
                o(&|c| c.risk_control),
                o(&|c| c.risk_treatment),
                c.map_or(Value::Null, |c| json!(c.test.name)),
                b(&|c| c.test.measurable),
                o(&|c| c.test.p_value_adjusted),
                o(&|c| c.test.lift_ci.map(|i| i.low)),
                o(&|c| c.test.lift_ci.map(|i| i.high)),
                b(&|c| c.significant),
                b(&|c| c.better),
                b(&|c| c.worse),
            ]);
            t.push(row);
        }
    }
}

/// The whole readout in `format`: all units first, then each segment.
pub fn readout_report(r: &Readout, format: Format) -> Report {
    let json = serde_json::to_value(r).unwrap_or(Value::Null);
    let by: Vec<&String> = r.segments.first().map(|s| s.segment.keys().collect()).unwrap_or_default();
    if format == Format::Csv {
        let mut cols: Vec<&str> = by.iter().map(|b| b.as_str()).collect();
        cols.extend(CSV_COLUMNS);
        let mut t = Table::new(&cols);
        csv_rows(&r.overall, &vec![json!("(all)"); by.len()], &mut t);
        for s in &r.segments {
            csv_rows(&s.analysis, &s.segment.values().cloned().collect::<Vec<_>>(), &mut t);
        }
        return Report { tables: vec![t], json, ..Report::default() };
    }
    let mut out = report(&r.overall, format);
    out.json = json;
    if let Some(input) = &r.input {
        if input.assigned_by_bucketing {
            out.fields.push((
                "assignment".into(),
                json!(format!(
                    "by the experiment's bucketing of the unit column ({} units not exposed, {} ineligible by targeting)",
                    input.units_not_exposed, input.units_ineligible
                )),
            ));
        }
        for (m, c) in &input.caps {
            out.fields.push((format!("cap {m}"), json!(format!("values above {} set to it", human_num(c)))));
        }
    }
    if !r.segments.is_empty() {
        let mut cols: Vec<&str> = by.iter().map(|b| b.as_str()).collect();
        cols.extend(["units", "SRM p-value"]);
        let mut t = Table::new(&cols);
        for s in &r.segments {
            let mut row: Vec<Value> = s.segment.values().cloned().collect();
            row.push(json!(s.analysis.srm.observed.iter().sum::<u64>()));
            let p = s.analysis.srm.p_value;
            row.push(json!(if s.analysis.srm.mismatch { format!("{} MISMATCH", sig(p)) } else { sig(p) }));
            t.push(row);
        }
        out.tables
            .push(t.titled(format!("segments by {}", by.iter().map(|b| b.as_str()).collect::<Vec<_>>().join(", "))));
        for s in &r.segments {
            let label: Vec<String> =
                s.segment.iter().map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or(""))).collect();
            for t in report(&s.analysis, format).tables {
                let title = t.title.clone().unwrap_or_default();
                out.tables.push(t.titled(format!("[{}] {title}", label.join(", "))));
            }
        }
        if r.input.as_ref().and_then(|i| i.units_in_several_segments).is_some_and(|n| n > 0) {
            out.notes.push(
                "segments roll events up per unit and segment: a unit with events in several segments counts in each"
                    .into(),
            );
        }
    }
    out
}

fn human_num(v: &Value) -> String {
    v.as_f64().map_or_else(|| v.to_string(), sig)
}

/// The Prometheus samples of an analysis.
pub fn samples(a: &Analysis) -> Vec<Sample> {
    let labels = |v: &str, m: Option<&str>| {
        let mut l = vec![("experiment".to_string(), a.experiment.clone()), ("variant".to_string(), v.to_string())];
        if let Some(m) = m {
            l.push(("metric".to_string(), m.to_string()));
        }
        l
    };
    let mut out = Vec::new();
    let mut sample = |name, help, kind, labels, value| out.push(Sample { name, help, kind, labels, value });
    for (v, n) in a.metrics.first().map(|m| &m.variants).into_iter().flatten().zip(&a.srm.observed) {
        sample(
            "experiment_variant_assigned_total",
            "Units assigned to the variant.",
            "counter",
            labels(&v.variant, None),
            *n as f64,
        );
    }
    for m in &a.metrics {
        for v in &m.variants {
            let l = labels(&v.variant, Some(&m.name));
            sample(
                "experiment_outcome_total",
                "Sum of the metric over the variant's units (conversions for a proportion).",
                "counter",
                l.clone(),
                v.sum,
            );
            if m.kind == MetricKind::Proportion {
                sample(
                    "experiment_conversion_rate",
                    "Share of the variant's units that converted.",
                    "gauge",
                    l.clone(),
                    v.mean,
                );
            } else {
                sample("experiment_metric_mean", "Mean of the metric in the variant.", "gauge", l.clone(), v.mean);
            }
            sample("experiment_sample_size", "Units with a value of the metric.", "gauge", l, v.n as f64);
        }
    }
    sample(
        "experiment_srm_p_value",
        "Sample-ratio check p-value (chi-square against the planned split).",
        "gauge",
        vec![("experiment".to_string(), a.experiment.clone())],
        a.srm.p_value,
    );
    out
}

/// An interval as people read it, with its open or missing ends.
fn interval_text(i: Option<crate::stats::Interval>, f: impl Fn(f64) -> String) -> String {
    match i {
        Some(i) if i.low.is_finite() && i.high.is_finite() => format!("[{}, {}]", f(i.low), f(i.high)),
        Some(i) if i.low.is_finite() => format!("[{}, ∞)", f(i.low)),
        Some(i) if i.high.is_finite() => format!("(-∞, {}]", f(i.high)),
        Some(_) | None => "[unbounded]".into(),
    }
}

/// The table's mark: from the judging test alone.
fn mark(c: &Comparison) -> &'static str {
    match (c.test.measurable, c.better, c.worse) {
        (false, _, _) => "not measurable",
        (true, true, _) => "▲ better",
        (true, _, true) => "▼ worse",
        (true, false, false) => "",
    }
}

/// The report of one analysis in `format` (table or markdown; JSON is the analysis).
pub fn report(a: &Analysis, format: Format) -> Report {
    let json = serde_json::to_value(a).unwrap_or(Value::Null);
    if format == Format::Csv {
        let mut t = Table::new(&CSV_COLUMNS);
        csv_rows(a, &[], &mut t);
        return Report { tables: vec![t], json, ..Report::default() };
    }
    let srm = &a.srm;
    let srm_text = if srm.mismatch {
        format!(
            "MISMATCH, p = {} < {SRM_P}: the split differs from the plan, do not trust these results",
            sig(srm.p_value)
        )
    } else {
        format!("ok (chi2 = {}, p = {})", sig(srm.statistic), sig(srm.p_value))
    };
    let fields = vec![("SRM".to_string(), json!(srm_text))];
    let mut tables = Vec::new();
    let mut notes = vec![method_line(a)];
    for m in &a.metrics {
        tables.push(metric_table(a, m));
        for c in &m.comparisons {
            if let Some(why) = &c.test.not_measurable {
                notes.push(format!("{} on {}: not measurable: {why}", c.variant, m.name));
            } else if let Some(why) = &c.test.lift_note {
                notes.push(format!("{} on {}: lift interval: {why}", c.variant, m.name));
            }
        }
    }
    Report { title: Some(format!("experiment {}", a.experiment)), fields, tables, notes, json }
}

/// One metric's table: its judging test's figures only, headed by what they are.
fn metric_table(a: &Analysis, m: &MetricResult) -> Table {
    let level = m.comparisons.first().map_or(1.0 - a.alpha, |c| c.test.level);
    let lvl = format!("{}%", sig(level * 100.0));
    let adjusted = a.correction != Correction::None;
    let with_missing = m.variants.iter().any(|v| v.missing > 0);
    let mut cols: Vec<String> = vec!["variant".into(), "n".into()];
    if with_missing {
        cols.push("missing".into());
    }
    cols.push("mean".into());
    match a.method {
        Method::Frequentist => {
            cols.push(format!("diff [{lvl} CI]"));
            cols.push(format!("lift [{lvl} CI]"));
            cols.push(if adjusted { format!("p ({})", correction_name(a.correction)) } else { "p-value".into() });
        }
        Method::Sequential => {
            cols.push("diff".into());
            cols.push(format!("lift [{lvl} CS]"));
            cols.push(if adjusted {
                format!("p, always valid ({})", correction_name(a.correction))
            } else {
                "p, always valid".into()
            });
        }
        Method::Bayesian => {
            cols.push("diff".into());
            cols.push(format!("lift [{lvl} CrI]"));
            cols.push("chance to win".into());
            cols.push("risk".into());
        }
    }
    cols.push("".into());
    let colrefs: Vec<&str> = cols.iter().map(String::as_str).collect();
    let mut t = Table::new(&colrefs);
    for v in &m.variants {
        let c = m.comparisons.iter().find(|c| c.variant == v.variant);
        let mut row = vec![json!(v.variant), json!(v.n)];
        if with_missing {
            row.push(json!(v.missing));
        }
        row.push(json_number(v.mean));
        let Some(c) = c else {
            row.push(json!("(control)"));
            while row.len() < cols.len() {
                row.push(json!(""));
            }
            t.push(row);
            continue;
        };
        let j = &c.test;
        let lift = match (j.measurable, j.lift_ci, &j.lift_note) {
            (false, _, _) => "-".to_string(),
            (true, None, _) if j.lift_rays.is_some() => {
                let [low, high] = j.lift_rays.unwrap_or_default();
                format!("{} (-∞, {}] ∪ [{}, ∞)", sig_percent(c.lift), sig_percent(low), sig_percent(high))
            }
            (true, None, Some(_)) if m.variants[0].mean.is_nan() || m.variants[0].mean <= 0.0 => "n/a".to_string(),
            (true, ci, _) => format!("{} {}", sig_percent(c.lift), interval_text(ci, sig_percent)),
        };
        let diff = if c.diff.is_finite() { sig(c.diff) } else { "-".into() };
        let diff_ci = if j.measurable { format!("{diff} {}", interval_text(j.diff_ci, sig)) } else { diff };
        match a.method {
            Method::Frequentist => {
                row.push(json!(diff_ci));
                row.push(json!(lift));
                row.push(j.p_value_adjusted.map_or(json!("-"), json_number));
            }
            Method::Sequential => {
                row.push(json_number(c.diff));
                row.push(json!(lift));
                row.push(j.p_value_adjusted.map_or(json!("-"), json_number));
            }
            Method::Bayesian => {
                row.push(json_number(c.diff));
                row.push(json!(lift));
                row.push(json!(j.chance_to_win.map_or("-".into(), sig_percent)));
                row.push(json!(j.risk.map_or("-".into(), sig_percent)));
            }
        }
        row.push(json!(mark(c)));
        t.push(row);
    }
    let dir = if m.direction == Direction::Increase { "higher is better" } else { "lower is better" };
    let kind = serde_json::to_value(m.kind).ok().and_then(|k| k.as_str().map(String::from)).unwrap_or_default();
    let primary = if m.primary { ", primary" } else { "" };
    let reductions: Vec<String> = m.comparisons.iter().filter_map(|c| c.variance_reduction).map(sig_percent).collect();
    let cuped = if reductions.is_empty() {
        String::new()
    } else {
        format!(", CUPED: variance reduced by {}", reductions.join(" / "))
    };
    t.titled(format!("{} ({kind}, {dir}{primary}{cuped})", m.name))
}
