//! The readout: reads the input an experiment's outcomes are in (unit-level
//! data or a summary), checks it against the experiment, and analyses it,
//! overall and per segment. What `abx analyze` prints and `abx verdict`
//! decides on.

use std::collections::HashMap;
use std::path::PathBuf;

use serde::Serialize;
use serde_json::{Map, Value};

use super::{analyze, Analysis, Options};
use crate::assign::Bucketer;
use crate::data::outcomes::{reduce, MetricInput, Progress, Reduced, Request, VariantSource};
use crate::data::summary::{read_summary_for, Summary, SummaryMetric, SummaryRows};
use crate::error::{AbxError, Result};
use crate::experiment::{Experiment, MetricKind, Status};
use crate::numfmt::json_number;
use crate::stats::moments::Moments;

/// Where the outcomes are, and how to read them (`abx analyze`'s input flags).
#[derive(Debug, Clone, Default)]
pub struct Source {
    /// The experiment file, as errors name it.
    pub experiment: PathBuf,
    /// Unit-level outcomes, CSV or Parquet ("-": CSV on stdin).
    pub data: Option<PathBuf>,
    /// Sufficient statistics instead ("-": stdin).
    pub summary: Option<PathBuf>,
    pub variant_column: Option<String>,
    pub unit_column: Option<String>,
    /// Assign units by the experiment's bucketing even if the data has a variant column.
    pub bucketing: bool,
    /// Bucket by the ranges the experiment has while running, whatever its status now.
    pub as_running: bool,
    /// Rows are events, rolled up per unit first.
    pub events: bool,
    pub ignore_unknown_variants: bool,
    /// The segment column is `--over-time`'s (as errors name it).
    pub over_time: bool,
    /// The segment column is `abx bandit --period-column`'s (as errors name it).
    pub period: bool,
    /// `abx analyze --holdout NAME`: units are bucketed into the holdout's
    /// two groups ([`Bucketer::holdout_groups`]) instead of the experiment's split.
    pub holdout: Option<crate::experiment::Holdout>,
}

/// What the reading tells its caller as it goes.
#[derive(Clone)]
pub struct Hooks<'a> {
    /// A warning about the input (stderr, for the command line).
    pub warn: &'a dyn Fn(&str),
    /// Called with the rows of `--data` read so far, after each batch (a progress display).
    pub rows_read: Option<Progress>,
}

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
    /// With `--over-time COLUMN`: the column.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub over_time_column: Option<String>,
    /// With `--over-time COLUMN`: the readout on the units up to each value,
    /// in ascending order; the last equals the readout above.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub over_time: Vec<OverTimePoint>,
    /// Each guardrail's relative margin, as the experiment sets it (for the charts).
    #[serde(skip)]
    pub guardrails: Vec<(String, f64)>,
}

/// The readout of the units whose column value is at most `until`.
#[derive(Debug, Clone, Serialize)]
pub struct OverTimePoint {
    pub until: Value,
    pub srm: super::Srm,
    pub metrics: Vec<super::MetricResult>,
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
    // Variants with rows are named at their line.
    found.extend(units.keys().filter(|v| !rows.keys().any(|(r, _)| r == *v)).map(|v| (v.clone(), 0)));
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
            SummaryMetric {
                name: m.name.clone(),
                binary: m.kind == MetricKind::Proportion,
                second,
                second_is,
                cap: m.cap,
            }
        })
        .collect()
}

/// Reads a --summary file (or stdin), with its segment rows for `by`.
fn summary_rows(
    exp: &Experiment,
    summary: &std::path::Path,
    by: &[String],
    hooks: &Hooks<'_>,
) -> Result<(Summary, String)> {
    summary_rows_for(exp, summary, by, "--by", hooks)
}

/// [`summary_rows`], for `flag` (--by, --over-time).
fn summary_rows_for(
    exp: &Experiment,
    summary: &std::path::Path,
    by: &[String],
    flag: &str,
    hooks: &Hooks<'_>,
) -> Result<(Summary, String)> {
    let (reader, name) = crate::data::open_input(summary)?;
    let read = read_summary_for(reader, &name, &summary_metrics(exp), by, flag)?;
    let mut other: Vec<&str> =
        read.overall.keys().map(|(_, m)| m.as_str()).filter(|m| exp.metric(m).is_none()).collect();
    other.sort_unstable();
    other.dedup();
    if !other.is_empty() {
        (hooks.warn)(&format!(
            "{name}: rows of metrics the experiment does not have are left out: {}",
            crate::bounds::list(&other)
        ));
    }
    Ok((read, name))
}

/// Units per variant in summary rows: the primary metric's units with a
/// value and without (`missing`), as `abx analyze --data` counts rows.
fn summary_units(exp: &Experiment, rows: &SummaryRows) -> HashMap<String, u64> {
    let primary = exp.primary_name();
    rows.iter()
        .filter(|((_, m), _)| *m == primary)
        .map(|((v, _), (mo, _))| (v.clone(), (mo.n + mo.missing) as u64))
        .collect()
}

/// Units that `abx sql summary` could not place in one variant: refused,
/// or with --ignore-unknown-variants left out and counted.
fn unplaced(exp: &Experiment, rows: &SummaryRows, name: &str, ignore: bool, hooks: &Hooks<'_>) -> Result<()> {
    use crate::sql::summary::{MULTIPLE, TARGETING_VARIES};
    let units = summary_units(exp, rows);
    for (marker, what) in [
        (MULTIPLE, "were seen in several variants (GrowthBook's `__multiple__`)"),
        (TARGETING_VARIES, "have events with two values of a targeting attribute, so their eligibility is unknown"),
    ] {
        let Some(&n) = units.get(marker) else { continue };
        if !ignore {
            return Err(AbxError::input(
                name,
                format!(
                    "{n} units {what}: abx does not guess their variant; pass --ignore-unknown-variants to analyze without them (`abx sql audit` lists them by status)"
                ),
            ));
        }
        (hooks.warn)(&format!("{name}: {n} units {what} and are left out"));
    }
    Ok(())
}

/// The bucketer the input may use: the experiment's assignment now, or with
/// --as-running its ranges. A draft, stopped or promoted experiment's
/// assignment now is not what units had while it ran, so bucketing its data
/// needs --as-running (else None, with the reason).
fn bucketer_for(src: &Source, exp: &Experiment, lenient: bool) -> (Option<Bucketer>, Option<String>) {
    if let Some(h) = &src.holdout {
        return (Some(Bucketer::holdout_groups(h)), None);
    }
    if src.as_running {
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
    src: &Source,
    by: &[String],
    exp: &Experiment,
    data: &std::path::Path,
    lenient: bool,
    hooks: &Hooks<'_>,
) -> Result<(Reduced, String)> {
    if by.len() > 3 {
        return Err(AbxError::Usage("--by takes at most 3 columns".into()));
    }
    let inputs = if lenient { Vec::new() } else { metric_inputs(exp) };
    let name = crate::data::input_name(data);
    let (bucketer, refused) = bucketer_for(src, exp, lenient);
    let variants: Vec<String> = exp.variants.iter().map(|v| v.name.clone()).collect();
    let variant = match (&src.variant_column, src.bucketing) {
        (Some(c), _) => VariantSource::Column(c),
        (None, true) => VariantSource::Bucketing,
        (None, false) => VariantSource::Default,
    };
    let targeting = crate::assign::targeting::Targeting::of(exp);
    let req = Request {
        variant,
        unit_column: src.unit_column.as_deref(),
        bucketer: bucketer.as_ref(),
        no_bucketing: refused.as_deref(),
        targeting: &targeting,
        variants: &variants,
        by,
        by_is: match (src.over_time, src.period) {
            (true, _) => "the time (--over-time)",
            (false, true) => "the period (--period-column)",
            (false, false) => "the segment (--by)",
        },
        events: src.events,
        metrics: &inputs,
        progress: hooks.rows_read.clone(),
    };
    let reduced = reduce(data, &req);
    let reduced = reduced?;
    if src.as_running && !reduced.assigned {
        (hooks.warn)("--as-running changes nothing here: the data's variant column says which variant each unit had");
    }
    for n in &reduced.notes {
        (hooks.warn)(n);
    }
    if reduced.no_variant > 0 {
        (hooks.warn)(&format!("{name}: {} rows have no variant and are left out", reduced.no_variant));
    }
    Ok((reduced, name))
}

/// The units per variant in the input, whatever it holds: what a verdict
/// the lifecycle decides reports. Variants of the experiment in file order,
/// then any others the data has.
pub fn units_per_variant(src: &Source, exp: &Experiment, hooks: &Hooks<'_>) -> Result<Vec<(String, u64)>> {
    let mut found: Vec<(String, u64)> = Vec::new();
    let mut add = |v: &str, n: u64| match found.iter_mut().find(|f| f.0 == v) {
        Some(f) => f.1 += n,
        None => found.push((v.to_string(), n)),
    };
    match (&src.data, &src.summary) {
        (Some(data), _) => {
            let (reduced, _) = reduce_data(src, &[], exp, data, true, hooks)?;
            for g in &reduced.groups {
                add(&g.variant, g.units);
            }
        }
        (None, Some(summary)) => {
            let (read, _) = summary_rows(exp, summary, &[], hooks)?;
            for (v, n) in summary_units(exp, &read.overall) {
                add(&v, n);
            }
        }
        (None, None) => {
            return Err(AbxError::Usage(
                "give --data FILE (unit-level outcomes) or --summary FILE (sufficient statistics)".into(),
            ))
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

/// A gate rolled out to nobody or to everyone has one side only: `on` against
/// `off` has nothing to compare (and its split check no expected share).
fn comparable(src: &Source, exp: &Experiment) -> Result<()> {
    if exp.weight_history.len() > 1 {
        return Err(AbxError::input(
            src.experiment.display().to_string(),
            format!(
                "experiment `{}` is a bandit that was reweighted ({}, weight_history): its arms' traffic followed their results, so a fixed-split analysis would be biased and its split check wrong; read it with `abx bandit --period-column COLUMN` (period-weighted means, the bandit's split check), and decide with a linked A/B test",
                exp.name,
                crate::numfmt::plural((exp.weight_history.len() - 1) as u64, "reweight")
            ),
        ));
    }
    match exp.one_sided() {
        Some(why) => Err(AbxError::input(src.experiment.display().to_string(), why)),
        None => Ok(()),
    }
}

/// Reads the input named by `args` and analyses it: the readout that
/// `abx analyze` prints (and `abx verdict` decides on).
pub fn readout(src: &Source, by: &[String], opts: &Options, exp: &Experiment, hooks: &Hooks<'_>) -> Result<Readout> {
    comparable(src, exp)?;
    if exp.metrics.is_empty() {
        return Err(AbxError::input(
            src.experiment.display().to_string(),
            "the experiment has no `metrics` to analyze",
        ));
    }
    match (&src.data, &src.summary) {
        (Some(data), _) => {
            let (reduced, name) = reduce_data(src, by, exp, data, false, hooks)?;
            from_reduced(exp, reduced, &name, src.ignore_unknown_variants, by, opts, hooks)
        }
        (None, Some(summary)) => {
            if src.events || src.unit_column.is_some() || src.variant_column.is_some() {
                return Err(AbxError::Usage(
                    "--events, --unit-column and --variant-column work on unit-level --data, not on a --summary".into(),
                ));
            }
            if by.len() > 3 {
                return Err(AbxError::Usage("--by takes at most 3 columns".into()));
            }
            let (read, name) = summary_rows(exp, summary, by, hooks)?;
            let ignore = src.ignore_unknown_variants;
            let overall = summary_overall(exp, &read, &name, ignore, opts, hooks)?;
            let mut segments = Vec::new();
            let mut read_segments = read.segments;
            read_segments.sort_by(|a, b| a.0.cmp(&b.0));
            for (values, rows) in read_segments {
                let at = format!("{name} (segment {})", values.join(", "));
                unplaced(exp, &rows, &at, ignore, hooks)?;
                let units = summary_units(exp, &rows);
                // As with --data, a segment may lack a variant: no coverage check.
                let stats: HashMap<(String, String), Moments> = rows.into_iter().map(|(k, (m, _))| (k, m)).collect();
                let segment = by.iter().cloned().zip(values.into_iter().map(Value::String)).collect();
                segments.push(SegmentReadout { segment, analysis: analyze(exp, &stats, Some(&units), opts) });
            }
            Ok(Readout {
                overall,
                input: None,
                segments,
                over_time_column: None,
                over_time: Vec::new(),
                guardrails: guardrails(exp),
            })
        }
        (None, None) => Err(AbxError::Usage(
            "give --data FILE (unit-level outcomes) or --summary FILE (sufficient statistics)".into(),
        )),
    }
}

/// A summary's overall rows, checked and analysed.
fn summary_overall(
    exp: &Experiment,
    read: &Summary,
    name: &str,
    ignore: bool,
    opts: &Options,
    hooks: &Hooks<'_>,
) -> Result<Analysis> {
    unplaced(exp, &read.overall, name, ignore, hooks)?;
    // A `cap` column (as `abx sql summary` writes) was checked against the caps.
    for m in exp.metrics.iter().filter(|m| m.cap.is_some() && !read.caps_checked) {
        (hooks.warn)(&format!(
            "metric `{}` has a cap: a summary's sums are used as given, so they must be sums of capped values (abx cannot cap a sum)",
            m.name
        ));
    }
    let units = summary_units(exp, &read.overall);
    let stats = coverage(exp, read.overall.clone(), name, ignore, &units, &|m| (hooks.warn)(m))?;
    Ok(analyze(exp, &stats, Some(&units), opts))
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
    hooks: &Hooks<'_>,
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
        (hooks.warn)(&format!(
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
    let stats = coverage(exp, rows, shown, ignore_unknown, &units, &|m| (hooks.warn)(m))?;
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
    Ok(Readout {
        overall,
        input: Some(input),
        segments: out,
        over_time_column: None,
        over_time: Vec::new(),
        guardrails: guardrails(exp),
    })
}

/// Each guardrail's metric and relative margin.
fn guardrails(exp: &Experiment) -> Vec<(String, f64)> {
    exp.guardrails().into_iter().map(|g| (g.metric, g.margin)).collect()
}

/// One value of the over-time column: its statistics and units per variant.
pub type Slice = (String, HashMap<(String, String), Moments>, HashMap<String, u64>);

/// The most distinct values `--over-time` takes (a readout each).
pub const MAX_OVER_TIME: usize = 10_000;

/// The name a missing segment value has in a reduction.
const NULL_SEGMENT: &str = "(null)";

/// `abx analyze --over-time COLUMN`: the readout, and the same on the units
/// whose COLUMN is at most each of its values (cumulative, in ascending
/// order: numbers as numbers, anything else, dates included, as text). One
/// pass over the data, grouped by the column; the cumulative statistics are
/// sums of the groups', so the last point is the whole readout (which is
/// computed from them).
pub fn readout_over_time(
    src: &Source,
    column: &str,
    opts: &Options,
    exp: &Experiment,
    hooks: &Hooks<'_>,
) -> Result<Readout> {
    comparable(src, exp)?;
    if src.events {
        return Err(AbxError::Usage(format!(
            "--over-time with --events is not supported: a unit's value up to each `{column}` is the roll-up of its events until then, which one grouped pass cannot give; roll events up per unit first (with the unit's first `{column}`), or analyze without --over-time"
        )));
    }
    let by = [column.to_string()];
    let src = &Source { over_time: true, ..src.clone() };
    let (mut readout, slices, numeric) = match (&src.data, &src.summary) {
        (Some(data), _) => {
            let (reduced, name) = reduce_data(src, &by, exp, data, false, hooks)?;
            let numeric = reduced.by_numeric.first().copied().unwrap_or(false);
            let slices = group_slices(exp, &reduced.groups, Some(column), &name, "so there is no cumulative readout")?;
            let r = from_reduced(exp, reduced, &name, src.ignore_unknown_variants, &[], opts, hooks)?;
            (r, slices, numeric)
        }
        (None, Some(summary)) => {
            if src.unit_column.is_some() || src.variant_column.is_some() {
                return Err(AbxError::Usage(
                    "--unit-column and --variant-column work on unit-level --data, not on a --summary".into(),
                ));
            }
            let (read, name) = summary_rows_for(exp, summary, &by, "--over-time", hooks)?;
            let ignore = src.ignore_unknown_variants;
            let overall = summary_overall(exp, &read, &name, ignore, opts, hooks)?;
            let r = Readout {
                overall,
                input: None,
                segments: Vec::new(),
                over_time_column: None,
                over_time: Vec::new(),
                guardrails: guardrails(exp),
            };
            let mut slices: Vec<Slice> = Vec::new();
            for (values, rows) in read.segments.iter().cloned() {
                let at = format!("{name} (segment {})", values.join(", "));
                unplaced(exp, &rows, &at, ignore, hooks)?;
                let units = summary_units(exp, &rows);
                let stats = rows.into_iter().map(|(k, (m, _))| (k, m)).collect();
                slices.push((values.into_iter().next().unwrap_or_default(), stats, units));
            }
            if slices.is_empty() {
                return Err(AbxError::input(
                    &name,
                    format!("the summary has no rows per `{column}`: write it with `abx sql summary --by {column}`"),
                ));
            }
            if slices.iter().any(|s| s.0.trim().is_empty()) {
                return Err(AbxError::input(
                    &name,
                    format!("segment rows with an empty `{column}`: where their units fall in time is unknown, so there is no cumulative readout"),
                ));
            }
            check_slices_add_up(exp, &slices, &read.overall, &name, column)?;
            let numeric = slices.iter().all(|s| s.0.trim().parse::<f64>().is_ok_and(|v| v.is_finite()));
            (r, slices, numeric)
        }
        (None, None) => {
            return Err(AbxError::Usage(
                "give --data FILE (unit-level outcomes) or --summary FILE (sufficient statistics)".into(),
            ))
        }
    };
    if slices.len() > MAX_OVER_TIME {
        return Err(too_many(column));
    }
    check_order(&slices, numeric, column)?;
    let points = cumulate(exp, slices, numeric, opts);
    // The whole readout is the last point's, exactly.
    if let Some(last) = points.last() {
        readout.overall.srm = last.srm.clone();
        readout.overall.metrics = last.metrics.clone();
    }
    readout.over_time_column = Some(column.to_string());
    readout.over_time = points;
    Ok(readout)
}

/// The groups of a reduction by one column as slices, one per value in
/// order of appearance (one slice `""` without a column); a value missing
/// in the data is refused, `why` saying what it prevents.
fn group_slices(
    exp: &Experiment,
    groups: &[crate::data::outcomes::Group],
    column: Option<&str>,
    name: &str,
    why: &str,
) -> Result<Vec<Slice>> {
    let mut slices: Vec<Slice> = Vec::new();
    let mut index: HashMap<&str, usize> = HashMap::new();
    for g in groups {
        let value = g.segment.first().map_or("", String::as_str);
        let i = *index.entry(value).or_insert_with(|| {
            slices.push((value.to_string(), HashMap::new(), HashMap::new()));
            slices.len() - 1
        });
        if slices.len() > MAX_OVER_TIME {
            return Err(too_many(column.unwrap_or_default()));
        }
        *slices[i].2.entry(g.variant.clone()).or_default() += g.units;
        for (m, mo) in exp.metrics.iter().zip(&g.metrics) {
            let e = slices[i].1.entry((g.variant.clone(), m.name.clone())).or_default();
            *e = e.merge(mo);
        }
    }
    if let Some(column) = column {
        if let Some(s) = slices.iter().find(|s| s.0 == NULL_SEGMENT || s.0.is_empty()) {
            let n: u64 = s.2.values().sum();
            return Err(AbxError::input(
                name,
                format!(
                    "{n} units have no `{column}`: where they fall in time is unknown, {why} (fill or drop them first)"
                ),
            ));
        }
    }
    Ok(slices)
}

/// What `abx bandit` reads: the sufficient statistics of each value of
/// `column` (`--period-column`), or one slice `""` of all units without it,
/// with units per variant; variants the experiment lacks are refused unless
/// ignored. Returns the slices and the input's name.
pub fn slices(src: &Source, column: Option<&str>, exp: &Experiment, hooks: &Hooks<'_>) -> Result<(Vec<Slice>, String)> {
    let by: Vec<String> = column.map(|c| vec![c.to_string()]).unwrap_or_default();
    let src = &Source { period: column.is_some(), ..src.clone() };
    let (slices, name) = match (&src.data, &src.summary) {
        (Some(data), _) => {
            let (reduced, name) = reduce_data(src, &by, exp, data, false, hooks)?;
            if reduced.assigned && exp.weight_history.len() > 1 {
                return Err(AbxError::input(
                    &name,
                    format!(
                        "the data has no variant column, and experiment `{}` was reweighted: its bucketing now places every unit by the latest layout, not the one of the period the unit came in, so the data must say which variant each unit got (--variant-column)",
                        exp.name
                    ),
                ));
            }
            if reduced.assigned && reduced.groups.iter().map(|g| g.units).sum::<u64>() == 0 {
                return Err(AbxError::input(&name, "the experiment's bucketing exposes none of the data's units"));
            }
            (group_slices(exp, &reduced.groups, column, &name, "so their period is unknown")?, name)
        }
        (None, Some(summary)) => {
            if src.events || src.unit_column.is_some() || src.variant_column.is_some() {
                return Err(AbxError::Usage(
                    "--events, --unit-column and --variant-column work on unit-level --data, not on a --summary".into(),
                ));
            }
            let (read, name) = summary_rows_for(exp, summary, &by, "--period-column", hooks)?;
            let ignore = src.ignore_unknown_variants;
            let slice = |value: String, rows: SummaryRows, at: &str| -> Result<Slice> {
                unplaced(exp, &rows, at, ignore, hooks)?;
                let units = summary_units(exp, &rows);
                Ok((value, rows.into_iter().map(|(k, (m, _))| (k, m)).collect(), units))
            };
            let slices = match column {
                None => vec![slice(String::new(), read.overall, &name)?],
                Some(c) => {
                    let mut out = Vec::new();
                    for (values, rows) in read.segments {
                        let at = format!("{name} (segment {})", values.join(", "));
                        out.push(slice(values.into_iter().next().unwrap_or_default(), rows, &at)?);
                    }
                    if out.is_empty() {
                        return Err(AbxError::input(
                            &name,
                            format!("the summary has no rows per `{c}`: write it with `abx sql summary --by {c}`"),
                        ));
                    }
                    check_slices_add_up(exp, &out, &read.overall, &name, c)?;
                    out
                }
            };
            (slices, name)
        }
        (None, None) => {
            return Err(AbxError::Usage(
                "give --data FILE (unit-level outcomes) or --summary FILE (sufficient statistics)".into(),
            ))
        }
    };
    if !src.ignore_unknown_variants {
        let mut found: Vec<(String, u64)> = slices.iter().flat_map(|s| s.2.keys().map(|v| (v.clone(), 0))).collect();
        found.retain(|(v, _)| !v.starts_with("__"));
        unknown_variant(exp, &found, &name)?;
    }
    Ok((slices, name))
}

fn too_many(column: &str) -> AbxError {
    AbxError::Usage(format!(
        "--over-time {column} has more than {MAX_OVER_TIME} distinct values: a readout per value would be larger than the data; use a coarser column (the day of a timestamp)"
    ))
}

/// The values must have an order abx knows: finite numbers, or ISO 8601
/// dates and times of one width (`2026-03-05`, `2026-03-05 10:00:00`), whose
/// text order is their time order. Other text (`03/05/2026`, `2026-3-5`)
/// would order as text, not as time: refused.
fn check_order(slices: &[Slice], numeric: bool, column: &str) -> Result<()> {
    if numeric {
        if let Some(s) = slices.iter().find(|s| !s.0.trim().parse::<f64>().is_ok_and(f64::is_finite)) {
            return Err(AbxError::Usage(format!(
                "--over-time {column}: the value `{}` is not a finite number, so where its units fall in time is unknown (drop or fill them first)",
                crate::bounds::quote(&s.0)
            )));
        }
        return Ok(());
    }
    let iso = |v: &str| {
        let b = v.as_bytes();
        b.len() >= 10
            && b[..4].iter().all(u8::is_ascii_digit)
            && b[4] == b'-'
            && b[5..7].iter().all(u8::is_ascii_digit)
            && b[7] == b'-'
            && b[8..10].iter().all(u8::is_ascii_digit)
    };
    let width = slices.first().map_or(0, |s| s.0.len());
    if let Some(s) = slices.iter().find(|s| !iso(&s.0) || s.0.len() != width) {
        return Err(AbxError::Usage(format!(
            "--over-time {column}: the value `{}` is neither a number nor an ISO 8601 date or time of the others' width (YYYY-MM-DD...), so abx cannot tell its order in time; give the column as numbers or ISO dates",
            crate::bounds::quote(&s.0)
        )));
    }
    Ok(())
}

/// A summary's rows per value must add up to its overall rows (a unit in one
/// value only): rows per (unit, day) from events would count a unit on each
/// of its days, and their running sums would not be a readout.
fn check_slices_add_up(
    exp: &Experiment,
    slices: &[Slice],
    overall: &SummaryRows,
    name: &str,
    column: &str,
) -> Result<()> {
    let mut sums: HashMap<(String, String), Moments> = HashMap::new();
    for (value, stats, _) in slices {
        for (k, m) in stats {
            let e = sums.entry(k.clone()).or_default();
            if e.n > 0.0 && m.n > 0.0 && (e.shift != m.shift || e.shift_y != m.shift_y) {
                return Err(AbxError::input(
                    name,
                    format!("variant {} metric {} has rows with different shifts (at `{column}` = {value}): abx adds such rows only with one shift", k.0, k.1),
                ));
            }
            *e = e.merge(m);
        }
    }
    for ((v, m), (o, _)) in overall.iter().filter(|((v, _), _)| exp.variant_index(v).is_some()) {
        let s = sums.get(&(v.clone(), m.clone())).copied().unwrap_or_default();
        if s.n != o.n || s.missing != o.missing {
            return Err(AbxError::input(
                name,
                format!(
                    "the rows per `{column}` of variant {v}, metric {m} hold {} units, the overall row {}: a unit counts in several values (events rolled up per unit and day?), so running sums would count it more than once; write each unit's rows under one value (its first exposure)",
                    s.n + s.missing,
                    o.n + o.missing
                ),
            ));
        }
        // Sums agree to rounding, once the overall row's are taken about the
        // segment rows' shift; |Σ| is at most sqrt(n Σ²) (Cauchy-Schwarz), the scale of their error.
        let (d, dy, n) = (s.shift - o.shift, s.shift_y - o.shift_y, o.n);
        let o_sum = o.sum - n * d;
        let o_sum_sq = o.sum_sq - 2.0 * d * o.sum + n * d * d;
        let o_sum_y = o.sum_y - n * dy;
        let o_sum_y_sq = o.sum_y_sq - 2.0 * dy * o.sum_y + n * dy * dy;
        let o_sum_xy = o.sum_xy - dy * o.sum - d * o.sum_y + n * d * dy;
        let scale = |q: f64| (n * q.abs()).sqrt();
        let close = |a: f64, b: f64, q: f64| (a - b).abs() <= 1e-9 * (a.abs().max(b.abs()) + scale(q));
        let agree = close(s.sum, o_sum, o_sum_sq)
            && close(s.sum_sq, o_sum_sq, 0.0)
            && close(s.sum_y, o_sum_y, o_sum_y_sq)
            && close(s.sum_y_sq, o_sum_y_sq, 0.0)
            && close(s.sum_xy, o_sum_xy, (o_sum_sq * o_sum_y_sq).sqrt());
        if !agree {
            return Err(AbxError::input(
                name,
                format!(
                    "the rows per `{column}` of variant {v}, metric {m} do not add up to its overall row (their sums differ): the running sums would not end at the readout"
                ),
            ));
        }
    }
    Ok(())
}

/// The running readouts, in ascending order of the values.
fn cumulate(exp: &Experiment, mut slices: Vec<Slice>, numeric: bool, opts: &Options) -> Vec<OverTimePoint> {
    if numeric {
        let key = |s: &Slice| s.0.trim().parse::<f64>().unwrap_or(f64::NAN);
        slices.sort_by(|a, b| key(a).total_cmp(&key(b)));
    } else {
        slices.sort_by(|a, b| a.0.cmp(&b.0));
    }
    let mut stats: HashMap<(String, String), Moments> = HashMap::new();
    let mut units: HashMap<String, u64> = HashMap::new();
    let mut out = Vec::with_capacity(slices.len());
    for (value, s, u) in slices {
        for (k, m) in s {
            let e = stats.entry(k).or_default();
            *e = e.merge(&m);
        }
        for (v, n) in u {
            *units.entry(v).or_default() += n;
        }
        let a = analyze(exp, &stats, Some(&units), opts);
        let until = match value.trim().parse::<i64>() {
            Ok(i) if numeric => Value::from(i),
            _ if numeric => json_number(value.trim().parse::<f64>().unwrap_or(f64::NAN)),
            _ => Value::String(value),
        };
        out.push(OverTimePoint { until, srm: a.srm, metrics: a.metrics });
    }
    out
}
