//! `abx analyze`: the experiment readout (analysis::readout), in the format asked for (views::readout).

use clap::Args;

use super::util::{open_fraction, usage, InputArgs};
use super::Ctx;
use crate::analysis::readout::Source;
use crate::analysis::{Correction, Family, Method, Options};
use crate::error::Result;
use crate::exit::ExitStatus;
use crate::experiment::{self, Experiment};
use crate::numfmt::sig;
use crate::report::Format;
use crate::stats::gbstats::Prior;

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
abx analyze -e experiments/followup_timing.yaml --data fixtures/analyze/followup_timing_units.csv --format prometheus > abx.prom\n  \
abx analyze -e experiments/prompt_engineering_test.yaml --data fixtures/analyze/prompt_engineering_test_units.parquet --format html > report.html\n\n\
A summary from SQL:\n  \
SELECT variant, 'booked' AS metric, COUNT(*) AS n, SUM(booked) AS sum, SUM(booked * booked) AS sum_sq\n  \
FROM outcomes GROUP BY variant"
)]
pub struct AnalyzeArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// The same readout per segment of this --data column (repeatable, up to 3); with --summary, its segment rows (`abx sql summary --by`)
    #[arg(long, value_name = "COLUMN")]
    pub by: Vec<String>,
    /// Cumulative results at each value of this column (a date, a day number, any ordered column): JSON `over_time`, a CSV row per value, and charts in HTML; the last value's results are the readout. Caps are the whole data's
    #[arg(long, value_name = "COLUMN", conflicts_with = "by")]
    pub over_time: Option<String>,
    /// Read holdout NAME of the experiment file: its held-out units ([0, s) on salt `holdout/NAME`, the control `held_out`) against as many units that get every launch ([s, 2s), `measured`), so the lift is the combined effect of the launches (needs --unit-column; variant columns are not read)
    #[arg(long, value_name = "NAME", conflicts_with_all = ["summary", "variant_column"])]
    pub holdout: Option<String>,
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
    pub format: Option<Format>,
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

/// `--holdout NAME`: the experiment that compares its two groups, and the
/// input bucketed into them.
fn holdout_study(args: &AnalyzeArgs, name: &str, exp: &Experiment, ctx: &Ctx) -> Result<(Experiment, Source)> {
    let shown = args.input.experiment.display();
    let h = match &exp.holdout {
        Some(h) if h.name == name => h.clone(),
        Some(h) => {
            return Err(usage(format!(
                "{shown} names holdout `{}`, not `{name}`: give --holdout the name in its `holdout`",
                h.name
            )))
        }
        None => {
            return Err(usage(format!(
                "{shown} has no `holdout`: --holdout NAME reads a holdout an experiment file declares"
            )))
        }
    };
    if !(h.share > 0.0 && h.share <= 0.5) {
        return Err(usage(format!(
            "holdout `{name}` has share {}: its measurement group [s, 2s) needs a share above 0 and at most 0.5",
            h.share
        )));
    }
    if args.input.unit_column.is_none() {
        return Err(usage("--holdout needs --unit-column: each unit's group is its point on the holdout's salt"));
    }
    ctx.info(&format!(
        "holdout `{name}`: held_out = units with x < {s} on salt `{salt}`, measured = {s} <= x < {two}; the lift is the combined effect of the launches the held-out units do not get",
        s = h.share,
        salt = h.salt(),
        two = 2.0 * h.share
    ));
    let src = Source { holdout: Some(h.clone()), bucketing: true, ..args.input.source() };
    Ok((exp.holdout_study(&h), src))
}

pub fn run(args: &AnalyzeArgs, ctx: &Ctx) -> Result<ExitStatus> {
    let exp = experiment::load(&args.input.experiment)?;
    let opts = options(args, &exp)?;
    let (exp, src) = match &args.holdout {
        Some(name) => holdout_study(args, name, &exp, ctx)?,
        None => (exp, args.input.source()),
    };
    let readout = match &args.over_time {
        Some(column) => super::util::readout_over_time(&args.input, &src, column, &opts, &exp, ctx)?,
        None => super::util::readout(&args.input, &src, &args.by, &opts, &exp, ctx)?,
    };
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
    ctx.emit(&readout, Format::resolve(args.format, ctx.stdout_tty))?;
    Ok(ExitStatus::Ok)
}
