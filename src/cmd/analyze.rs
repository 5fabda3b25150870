//! `abx analyze`: the experiment readout from sufficient statistics.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use clap::Args;
use serde::Serialize;
use serde_json::{json, Map, Value};

use super::{spinner, Ctx};
use crate::analysis::{analyze, Analysis, Correction, Method, Options, SRM_P};
use crate::assign::Bucketer;
use crate::data::outcomes::{reduce, MetricInput, Reduced, Request};
use crate::data::summary::{read_summary, Moments};
use crate::error::{exit, AbxError, Result};
use crate::report::prometheus::{self, Sample};
use crate::report::OutputFormat;
use crate::report::{fmt_sig, Format, Report, Table};
use crate::spec::{self, Direction, Experiment, MetricKind};
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
    /// Units the bucketing leaves out of the experiment.
    pub units_not_exposed: u64,
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
    /// Sufficient statistics instead: CSV with variant,metric,n,sum,sum_sq ("-": stdin)
    #[arg(long, value_name = "FILE.csv")]
    pub summary: Option<PathBuf>,
    /// The --data column that holds the variant
    #[arg(long, value_name = "COLUMN", default_value = "variant")]
    pub variant_column: String,
    /// The --data column that holds the unit id: without a variant column, units are assigned by the experiment's bucketing; with --events, events are rolled up per unit
    #[arg(long, value_name = "COLUMN")]
    pub unit_column: Option<String>,
    /// --data rows are events: each metric is rolled up per unit (its `aggregate`: sum, count, max or any) first
    #[arg(long, requires = "unit_column")]
    pub events: bool,
    /// Ignore summary rows of variants that the experiment does not have
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
stats engine does.",
    after_help = "Examples:\n  \
abx analyze -e experiments/followup_timing.yaml --data outcomes.parquet\n  \
abx analyze -e experiments/followup_timing.yaml --summary summary.csv\n  \
abx analyze -e experiments/prompt_engineering_test.yaml --summary summary.csv --method bayesian --format json\n  \
abx analyze -e experiments/personalization.yaml --data outcomes.csv --by user_level --format markdown\n  \
abx analyze -e experiments/followup_timing.yaml --data events.parquet --events --unit-column user_id\n  \
abx analyze -e experiments/followup_timing.yaml --data outcomes.csv --format prometheus > /var/lib/node_exporter/abx.prom\n\n\
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
    /// Statistical method
    #[arg(long, value_enum, default_value_t = Method::Frequentist)]
    pub method: Method,
    /// Significance level (1 - credible level for bayesian)
    #[arg(long, value_name = "A")]
    pub alpha: Option<f64>,
    /// Sequential: the number of units the confidence sequence is tuned for
    #[arg(long, default_value_t = 5000.0, value_name = "N")]
    pub sequential_tuning: f64,
    /// Bayesian: mean of the Gaussian prior on the relative effect (flat prior when absent)
    #[arg(long, value_name = "MEAN", allow_hyphen_values = true, requires = "prior_variance")]
    pub prior_mean: Option<f64>,
    /// Bayesian: variance of the Gaussian prior on the relative effect
    #[arg(long, value_name = "VAR", requires = "prior_mean")]
    pub prior_variance: Option<f64>,
    /// Adjust p-values across treatments x metrics
    #[arg(long, value_enum, default_value_t = Correction::None)]
    pub correction: Correction,
    /// Output format [default: table on a terminal, else json]
    #[arg(long, short = 'f', value_enum)]
    pub format: Option<OutputFormat>,
}

fn usage(msg: impl Into<String>) -> AbxError {
    AbxError::Usage(msg.into())
}

fn options(args: &AnalyzeArgs, exp: &Experiment) -> Result<Options> {
    let alpha = args.alpha.unwrap_or(exp.decision.alpha);
    if !(alpha > 0.0 && alpha < 1.0) {
        return Err(usage(format!("--alpha must be between 0 and 1, got {alpha}")));
    }
    if !(args.sequential_tuning > 0.0 && args.sequential_tuning.is_finite()) {
        return Err(usage(format!("--sequential-tuning must be positive, got {}", args.sequential_tuning)));
    }
    let prior = match (args.prior_mean, args.prior_variance) {
        (Some(mean), Some(variance)) => {
            if !(variance > 0.0 && variance.is_finite() && mean.is_finite()) {
                return Err(usage(format!("--prior-variance must be positive, got {variance}")));
            }
            Some(Prior { mean, variance })
        }
        _ => None,
    };
    Ok(Options {
        method: args.method,
        alpha,
        correction: args.correction,
        sequential_tuning: args.sequential_tuning,
        prior,
    })
}

/// Checks the summary against the experiment: every variant x metric present,
/// no unknown variant (unless ignored).
fn coverage(
    exp: &Experiment,
    rows: HashMap<(String, String), (Moments, u64)>,
    path: &str,
    ignore_unknown: bool,
    units: &HashMap<String, u64>,
) -> Result<HashMap<(String, String), Moments>> {
    if !ignore_unknown {
        let mut unknown: Vec<(&String, u64)> = rows
            .iter()
            .filter(|((v, _), _)| exp.variant_index(v).is_none())
            .map(|((v, _), (_, line))| (v, *line))
            .collect();
        unknown.extend(units.keys().filter(|v| exp.variant_index(v).is_none()).map(|v| (v, 0)));
        unknown.sort();
        unknown.sort_by_key(|u| u.1);
        if let Some((v, line)) = unknown.first() {
            let names: Vec<&str> = exp.variants.iter().map(|v| v.name.as_str()).collect();
            let at = if *line > 0 { format!("line {line}: ") } else { String::new() };
            return Err(AbxError::input(
                path,
                format!(
                    "{at}variant `{v}` is not in experiment `{}` (variants: {}); pass --ignore-unknown-variants to skip it",
                    exp.name,
                    names.join(", ")
                ),
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
        return Err(AbxError::input(
            path,
            format!(
                "no data for variant/metric {}: every variant and metric of the experiment needs data",
                missing.join(", ")
            ),
        ));
    }
    Ok(rows.into_iter().map(|(k, (m, _))| (k, m)).collect())
}

pub fn run(args: &AnalyzeArgs, ctx: &Ctx) -> Result<i32> {
    let exp = spec::load(&args.input.experiment)?;
    let opts = options(args, &exp)?;
    let readout = readout(&args.input, &args.by, &opts, &exp, ctx)?;
    if readout.overall.srm.mismatch {
        ctx.warn(&format!(
            "sample ratio mismatch (p = {}): the split differs from the plan; the results below are not trustworthy",
            fmt_sig(readout.overall.srm.p_value)
        ));
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
    Ok(exit::OK)
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
            if by.len() > 3 {
                return Err(usage("--by takes at most 3 columns"));
            }
            let inputs = metric_inputs(exp);
            let shown = if data.as_os_str() == "-" { "<stdin>".to_string() } else { data.display().to_string() };
            let pb = spinner(ctx, &shown);
            let bucketer = Bucketer::new(exp);
            let variants: Vec<String> = exp.variants.iter().map(|v| v.name.clone()).collect();
            let (progress_bar, what) = (pb.clone(), shown.clone());
            let req = Request {
                variant_column: &args.variant_column,
                unit_column: args.unit_column.as_deref(),
                bucketer: Some(&bucketer),
                variants: &variants,
                by,
                events: args.events,
                metrics: &inputs,
                progress: Some(Arc::new(move |rows| {
                    progress_bar.set_message(format!("reading {what}: {} rows", fmt_rows(rows)))
                })),
            };
            pb.set_message(format!("reading {shown}"));
            let reduced = reduce(data, &req);
            pb.finish_and_clear();
            let reduced = reduced?;
            if reduced.no_variant > 0 {
                ctx.warn(&format!("{shown}: {} rows have no variant and are left out", reduced.no_variant));
            }
            from_reduced(exp, reduced, &shown, args.ignore_unknown_variants, by, opts)
        }
        (None, Some(summary)) => {
            if !by.is_empty() || args.events || args.unit_column.is_some() {
                return Err(usage("--by, --events and --unit-column work on unit-level --data, not on a --summary"));
            }
            let (reader, shown): (Box<dyn std::io::Read>, String) = if summary.as_os_str() == "-" {
                (Box::new(std::io::stdin()), "<stdin>".into())
            } else {
                let shown = summary.display().to_string();
                let f =
                    std::fs::File::open(summary).map_err(|source| AbxError::Read { path: shown.clone(), source })?;
                (Box::new(f), shown)
            };
            let rows = read_summary(reader, &shown)?;
            let stats = coverage(exp, rows, &shown, args.ignore_unknown_variants, &HashMap::new())?;
            Ok(Readout { overall: analyze(exp, &stats, None, opts), input: None, segments: Vec::new() })
        }
        (None, None) => Err(usage("give --data FILE (unit-level outcomes) or --summary FILE (sufficient statistics)")),
    }
}

fn fmt_rows(rows: u64) -> String {
    if rows >= 1_000_000 {
        format!("{:.1}M", rows as f64 / 1e6)
    } else {
        rows.to_string()
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
) -> Result<Readout> {
    let mut overall: HashMap<(String, String), Moments> = HashMap::new();
    let mut units: HashMap<String, u64> = HashMap::new();
    let mut segments: Vec<SegmentStats> = Vec::new();
    for g in &reduced.groups {
        *units.entry(g.variant.clone()).or_default() += g.units;
        let seg = match segments.iter().position(|(s, _, _)| *s == g.segment) {
            Some(i) => i,
            None => {
                segments.push((g.segment.clone(), HashMap::new(), HashMap::new()));
                segments.len() - 1
            }
        };
        *segments[seg].2.entry(g.variant.clone()).or_default() += g.units;
        for (m, mo) in exp.metrics.iter().zip(&g.metrics) {
            let key = (g.variant.clone(), m.name.clone());
            let e = overall.entry(key.clone()).or_default();
            *e = e.merge(mo);
            let e = segments[seg].1.entry(key).or_default();
            *e = e.merge(mo);
        }
    }
    let rows = overall.into_iter().map(|(k, m)| (k, (m, 0))).collect();
    let stats = coverage(exp, rows, shown, ignore_unknown, &units)?;
    let overall = analyze(exp, &stats, Some(&units), opts);
    let mut out = Vec::new();
    if !by.is_empty() {
        segments.sort_by(|a, b| a.0.cmp(&b.0));
        for (values, stats, units) in segments {
            let segment = by.iter().cloned().zip(values.into_iter().map(Value::String)).collect();
            out.push(SegmentReadout { segment, analysis: analyze(exp, &stats, Some(&units), opts) });
        }
    }
    let caps = exp.metrics.iter().zip(&reduced.caps).filter_map(|(m, c)| c.map(|c| (m.name.clone(), num(c)))).collect();
    let input = InputNotes {
        rows_without_variant: reduced.no_variant,
        assigned_by_bucketing: reduced.assigned,
        units_not_exposed: reduced.not_exposed,
        caps,
    };
    Ok(Readout { overall, input: Some(input), segments: out })
}

fn num(x: f64) -> Value {
    serde_json::Number::from_f64(x).map_or(Value::Null, Value::Number)
}

fn pct(x: f64) -> String {
    if x.is_finite() {
        format!("{}%", fmt_sig(x * 100.0))
    } else {
        "-".into()
    }
}

fn method_line(a: &Analysis) -> String {
    let m = match a.method {
        Method::Frequentist => {
            "frequentist t-tests (Welch for means, pooled z for proportions; lift by the delta method)"
        }
        Method::Sequential => "sequential confidence sequences on the lift (diff and p-value: fixed-horizon)",
        Method::Bayesian => "Bayesian Gaussian effect model on the lift (diff and p-value: fixed-horizon)",
    };
    let c = match a.correction {
        Correction::None => "no multiple-testing correction".to_string(),
        Correction::Bonferroni => "Bonferroni correction across treatments x metrics".into(),
        Correction::Holm => "Holm correction across treatments x metrics".into(),
        Correction::Bh => "Benjamini-Hochberg (FDR) correction across treatments x metrics".into(),
    };
    let mut extra = String::new();
    if a.metrics.iter().any(|m| m.kind == MetricKind::Ratio) {
        extra.push_str("; ratio metrics by the delta method (Welch on the ratio's variance)");
    }
    if a.metrics.iter().any(|m| m.comparisons.iter().any(|c| c.theta.is_some())) {
        extra.push_str("; CUPED with θ pooled over control and each treatment (diff: Welch on adjusted means)");
    }
    format!("method: {m}; {c}{extra}; {}% intervals", fmt_sig((1.0 - a.alpha) * 100.0))
}

const CSV_COLUMNS: [&str; 17] = [
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
];

/// CSV rows (a row per metric x variant) of one analysis, after `lead` cells.
fn csv_rows(a: &Analysis, lead: &[Value], t: &mut Table) {
    for m in &a.metrics {
        for v in &m.variants {
            let c = m.comparisons.iter().find(|c| c.variant == v.variant);
            let f = |g: &dyn Fn(&crate::analysis::Comparison) -> f64| c.map_or(Value::Null, |c| num(g(c)));
            let o = |g: &dyn Fn(&crate::analysis::Comparison) -> Option<f64>| c.and_then(g).map_or(Value::Null, num);
            let mut row = lead.to_vec();
            row.extend([
                json!(m.name),
                json!(v.variant),
                json!(v.n),
                num(v.mean),
                num(v.sd),
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
                    "by the experiment's bucketing of the unit column ({} units not exposed)",
                    input.units_not_exposed
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
            row.push(json!(if s.analysis.srm.mismatch { format!("{} MISMATCH", fmt_sig(p)) } else { fmt_sig(p) }));
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
    }
    out
}

fn human_num(v: &Value) -> String {
    v.as_f64().map_or_else(|| v.to_string(), fmt_sig)
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
            fmt_sig(srm.p_value)
        )
    } else {
        format!("ok (chi2 = {}, p = {})", fmt_sig(srm.statistic), fmt_sig(srm.p_value))
    };
    let fields = vec![("SRM".to_string(), json!(srm_text))];
    let mut tables = Vec::new();
    for m in &a.metrics {
        let bayes = a.method == Method::Bayesian;
        let with_missing = m.variants.iter().any(|v| v.missing > 0);
        let mut cols = vec!["variant", "n"];
        if with_missing {
            cols.push("missing");
        }
        cols.extend(["mean", "diff [CI]", "lift [CI]"]);
        cols.extend(if bayes { vec!["chance to win", "risk (ctrl / trt)"] } else { vec!["p-value", ""] });
        let mut t = Table::new(&cols);
        for v in &m.variants {
            let c = m.comparisons.iter().find(|c| c.variant == v.variant);
            let mut row = vec![json!(v.variant), json!(v.n)];
            if with_missing {
                row.push(json!(v.missing));
            }
            row.push(num(v.mean));
            match c {
                None => row.extend([json!("(control)"), json!(""), json!(""), json!("")]),
                Some(c) => {
                    row.push(json!(format!("{} [{}, {}]", fmt_sig(c.diff), fmt_sig(c.ci_low), fmt_sig(c.ci_high))));
                    row.push(json!(format!("{} [{}, {}]", pct(c.lift), pct(c.lift_ci_low), pct(c.lift_ci_high))));
                    if bayes {
                        row.push(json!(pct(c.chance_to_win.unwrap_or(f64::NAN))));
                        row.push(json!(format!(
                            "{} / {}",
                            pct(c.risk_control.unwrap_or(f64::NAN)),
                            pct(c.risk_treatment.unwrap_or(f64::NAN))
                        )));
                    } else {
                        let p = if a.method == Method::Sequential {
                            c.lift_p_value.unwrap_or(f64::NAN)
                        } else {
                            c.p_value_adjusted
                        };
                        row.push(num(p));
                    }
                    let mark = match (c.significant, c.better) {
                        (true, true) => "▲ better",
                        (true, false) => "▼ worse",
                        _ => "",
                    };
                    if !bayes {
                        row.push(json!(mark));
                    } else if !mark.is_empty() {
                        let last = row.len() - 1;
                        row[last] = json!(format!("{} {mark}", row[last].as_str().unwrap_or("")));
                    }
                }
            }
            t.push(row);
        }
        let dir = if m.direction == Direction::Increase { "higher is better" } else { "lower is better" };
        let kind = serde_json::to_value(m.kind).ok().and_then(|k| k.as_str().map(String::from)).unwrap_or_default();
        let primary = if m.primary { ", primary" } else { "" };
        let reductions: Vec<String> = m.comparisons.iter().filter_map(|c| c.variance_reduction).map(pct).collect();
        let cuped = if reductions.is_empty() {
            String::new()
        } else {
            format!(", CUPED: variance reduced by {}", reductions.join(" / "))
        };
        tables.push(t.titled(format!("{} ({kind}, {dir}{primary}{cuped})", m.name)));
    }
    Report { title: Some(format!("experiment {}", a.experiment)), fields, tables, notes: vec![method_line(a)], json }
}
