//! What several commands share, in one place (as xsv's `util`): the usage
//! error, the range checks of flags, the `--format` values, and the input
//! flags of `abx analyze` and `abx verdict` with the readout they give.

use std::path::PathBuf;
use std::sync::Arc;

use clap::Args;

use super::Ctx;
use crate::analysis::readout::{Hooks, Readout, Source};
use crate::analysis::Options;
use crate::error::{AbxError, Result};
use crate::experiment::Experiment;
use crate::report::Format;

/// A bad combination of flags or values: exit 2 with `msg`.
pub(crate) fn usage(msg: impl Into<String>) -> AbxError {
    AbxError::Usage(msg.into())
}

/// `x` for a flag that takes a probability strictly between 0 and 1
/// (`--alpha`, `--power`).
pub(crate) fn open_fraction(flag: &str, x: f64) -> Result<f64> {
    if x > 0.0 && x < 1.0 {
        Ok(x)
    } else {
        Err(usage(format!("{flag} must be between 0 and 1, got {x}")))
    }
}

/// `--format` of a command without a Prometheus form: every other format.
pub(crate) fn formats() -> impl clap::builder::TypedValueParser<Value = Format> {
    use clap::ValueEnum;
    let values =
        Format::value_variants().iter().filter(|f| **f != Format::Prometheus).filter_map(|f| f.to_possible_value());
    // Only the listed values reach the map, and each names a format.
    clap::builder::TypedValueParser::map(clap::builder::PossibleValuesParser::new(values), |s: String| {
        Format::from_str(&s, false).unwrap_or(Format::Json)
    })
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
    /// Sufficient statistics instead: CSV with variant,metric,n,sum,sum_sq (ratio and CUPED metrics add sum_y,sum_y_sq,sum_xy), as `abx sql summary` writes it, or with GrowthBook's column names ("-": stdin)
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

impl InputArgs {
    /// The library's description of the input.
    pub(crate) fn source(&self) -> Source {
        Source {
            experiment: self.experiment.clone(),
            data: self.data.clone(),
            summary: self.summary.clone(),
            variant_column: self.variant_column.clone(),
            unit_column: self.unit_column.clone(),
            bucketing: self.bucketing,
            as_running: self.as_running,
            events: self.events,
            ignore_unknown_variants: self.ignore_unknown_variants,
            over_time: false,
            period: false,
            holdout: None,
        }
    }
}

/// Warnings to stderr, and a spinner with the rows read while `--data` is
/// read; a warning clears the spinner's line while it prints, so that the two
/// never share a line of the terminal.
fn with_hooks<T>(input: &InputArgs, ctx: &Ctx, f: impl FnOnce(&Hooks<'_>) -> Result<T>) -> Result<T> {
    let what = input.data.as_deref().map(crate::data::input_name).unwrap_or_default();
    let pb = input.data.as_ref().map(|_| super::spinner(ctx, &what));
    let warn = |m: &str| match &pb {
        Some(pb) => pb.suspend(|| ctx.warn(m)),
        None => ctx.warn(m),
    };
    let rows_read = pb.as_ref().map(|pb| {
        let bar = pb.bar();
        let rows: crate::data::outcomes::Progress = Arc::new(move |rows| {
            bar.set_message(format!("reading {what}: {} rows", crate::numfmt::count(rows)));
        });
        rows
    });
    f(&Hooks { warn: &warn, rows_read })
}

/// The readout of `src`, the input `input` names (or, with `abx analyze
/// --holdout`, that input bucketed into the holdout's groups).
pub(crate) fn readout(
    input: &InputArgs,
    src: &Source,
    by: &[String],
    opts: &Options,
    exp: &Experiment,
    ctx: &Ctx,
) -> Result<Readout> {
    with_hooks(input, ctx, |hooks| crate::analysis::readout::readout(src, by, opts, exp, hooks))
}

/// The readout with its running results over `column` (`abx analyze --over-time`).
pub(crate) fn readout_over_time(
    input: &InputArgs,
    src: &Source,
    column: &str,
    opts: &Options,
    exp: &Experiment,
    ctx: &Ctx,
) -> Result<Readout> {
    with_hooks(input, ctx, |hooks| crate::analysis::readout::readout_over_time(src, column, opts, exp, hooks))
}

/// The verdict on the input, and the readout it was decided on (`abx verdict`).
pub(crate) fn verdict_of(
    input: &InputArgs,
    exp: &Experiment,
    today: chrono::NaiveDate,
    ctx: &Ctx,
) -> Result<(crate::analysis::verdict::Verdict, Option<Readout>)> {
    with_hooks(input, ctx, |hooks| crate::analysis::verdict::verdict_of(&input.source(), exp, today, hooks))
}

/// Every `-e` experiment file, loaded: all their problems at once, and each name once.
pub(crate) fn load_experiments(paths: &[PathBuf]) -> Result<Vec<Experiment>> {
    let mut exps = Vec::new();
    let mut errors = Vec::new();
    for p in paths {
        match crate::experiment::load(p) {
            Ok(e) => exps.push(e),
            Err(crate::experiment::LoadError::Invalid(e)) => errors.push(e),
            Err(e) => return Err(e.into()),
        }
    }
    if !errors.is_empty() {
        return Err(AbxError::Experiment(errors));
    }
    for (i, e) in exps.iter().enumerate() {
        if exps[..i].iter().any(|o| o.name == e.name) {
            return Err(AbxError::Usage(format!(
                "two experiment files are named `{}`; each -e needs its own name for its column",
                e.name
            )));
        }
    }
    Ok(exps)
}

/// The input's statistics per value of `column`, or of all units (`abx bandit`).
pub(crate) fn slices(
    input: &InputArgs,
    column: Option<&str>,
    exp: &Experiment,
    ctx: &Ctx,
) -> Result<(Vec<crate::analysis::readout::Slice>, String)> {
    with_hooks(input, ctx, |hooks| crate::analysis::readout::slices(&input.source(), column, exp, hooks))
}
