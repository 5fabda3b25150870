//! `abx analyze`: the experiment readout from sufficient statistics.

use std::collections::HashMap;
use std::path::PathBuf;

use clap::Args;
use serde_json::{json, Value};

use super::Ctx;
use crate::analysis::{analyze, Analysis, Correction, Method, Options, SRM_P};
use crate::data::outcomes::{reduce, MetricColumn};
use crate::data::summary::{read_summary, Moments};
use crate::error::{exit, AbxError, Result};
use crate::report::{fmt_sig, Format, Report, Table};
use crate::spec::{self, Direction, Experiment, MetricKind};
use crate::stats::gbstats::Prior;

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
abx analyze -e experiments/prompt_engineering_test.yaml --summary summary.csv --method bayesian --format json\n\n\
A summary from SQL:\n  \
SELECT variant, 'booked' AS metric, COUNT(*) AS n, SUM(booked) AS sum, SUM(booked * booked) AS sum_sq\n  \
FROM outcomes GROUP BY variant"
)]
pub struct AnalyzeArgs {
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
    /// Ignore summary rows of variants that the experiment does not have
    #[arg(long)]
    pub ignore_unknown_variants: bool,
    /// Output format [default: table on a terminal, else json]
    #[arg(long, short = 'f', value_enum)]
    pub format: Option<Format>,
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
    let exp = spec::load(&args.experiment)?;
    if exp.metrics.is_empty() {
        return Err(AbxError::input(
            args.experiment.display().to_string(),
            "the experiment has no `metrics` to analyze",
        ));
    }
    let opts = options(args, &exp)?;
    let analysis = match (&args.data, &args.summary) {
        (Some(data), _) => {
            let metrics: Vec<MetricColumn> = exp
                .metrics
                .iter()
                .map(|m| MetricColumn { name: &m.name, binary: m.kind == MetricKind::Proportion })
                .collect();
            let shown = if data.as_os_str() == "-" { "<stdin>".to_string() } else { data.display().to_string() };
            let pb = spinner(ctx, &shown);
            let reduced = reduce(data, &args.variant_column, &metrics);
            pb.finish_and_clear();
            let reduced = reduced?;
            if reduced.no_variant > 0 {
                ctx.warn(&format!("{shown}: {} rows have no variant and are left out", reduced.no_variant));
            }
            let rows = reduced.stats.into_iter().map(|(k, m)| (k, (m, 0))).collect();
            let stats = coverage(&exp, rows, &shown, args.ignore_unknown_variants, &reduced.units)?;
            analyze(&exp, &stats, Some(&reduced.units), &opts)
        }
        (None, Some(summary)) => {
            let (reader, shown): (Box<dyn std::io::Read>, String) = if summary.as_os_str() == "-" {
                (Box::new(std::io::stdin()), "<stdin>".into())
            } else {
                let shown = summary.display().to_string();
                let f =
                    std::fs::File::open(summary).map_err(|source| AbxError::Read { path: shown.clone(), source })?;
                (Box::new(f), shown)
            };
            let rows = read_summary(reader, &shown)?;
            let stats = coverage(&exp, rows, &shown, args.ignore_unknown_variants, &HashMap::new())?;
            analyze(&exp, &stats, None, &opts)
        }
        (None, None) => {
            return Err(usage("give --data FILE (unit-level outcomes) or --summary FILE (sufficient statistics)"))
        }
    };
    if analysis.srm.mismatch {
        ctx.warn(&format!(
            "sample ratio mismatch (p = {}): the split differs from the plan; the results below are not trustworthy",
            fmt_sig(analysis.srm.p_value)
        ));
    }
    let format = Format::resolve(args.format, ctx.stdout_tty);
    ctx.emit(&report(&analysis, format), format)?;
    Ok(exit::OK)
}

/// A spinner on stderr while a large file is read (terminal only).
fn spinner(ctx: &Ctx, what: &str) -> indicatif::ProgressBar {
    if !ctx.stderr_tty {
        return indicatif::ProgressBar::hidden();
    }
    let pb = indicatif::ProgressBar::new_spinner();
    pb.set_draw_target(indicatif::ProgressDrawTarget::stderr());
    pb.set_message(format!("reading {what}"));
    pb.enable_steady_tick(std::time::Duration::from_millis(120));
    pb
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
    format!("method: {m}; {c}; {}% intervals", fmt_sig((1.0 - a.alpha) * 100.0))
}

/// The report in `format`: CSV is one long table (a row per metric x variant).
pub fn report(a: &Analysis, format: Format) -> Report {
    let json = serde_json::to_value(a).unwrap_or(Value::Null);
    if format == Format::Csv {
        let mut t = Table::new(&[
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
        ]);
        for m in &a.metrics {
            for v in &m.variants {
                let c = m.comparisons.iter().find(|c| c.variant == v.variant);
                let f = |g: &dyn Fn(&crate::analysis::Comparison) -> f64| c.map_or(Value::Null, |c| num(g(c)));
                let o =
                    |g: &dyn Fn(&crate::analysis::Comparison) -> Option<f64>| c.and_then(g).map_or(Value::Null, num);
                t.push(vec![
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
            }
        }
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
        tables.push(t.titled(format!("{} ({kind}, {dir}{primary})", m.name)));
    }
    Report { title: Some(format!("experiment {}", a.experiment)), fields, tables, notes: vec![method_line(a)], json }
}
