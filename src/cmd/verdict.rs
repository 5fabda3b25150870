//! `abx verdict`: promote, keep_control, continue or invalid, as an exit code a CI job can gate on.

use std::path::Path;

use chrono::NaiveDate;
use clap::Args;

use super::util::InputArgs;
use super::Ctx;
use crate::analysis::verdict::{Outcome, Verdict};
use crate::analysis::{Correction, Method};
use crate::error::{AbxError, Result};
use crate::exit::ExitStatus;
use crate::experiment::{self, edit, Experiment, Status};
use crate::fsutil::replace_file;
use crate::report::Format;

#[derive(Debug, Args)]
#[command(
    about = "Promote, keep control, continue or invalid: a verdict with exit codes for CI",
    long_about = "Promote, keep control, continue or invalid: a verdict with exit codes for CI.\n\n\
Reads the same inputs as `abx analyze` and decides by the experiment's `decision` section, in this order:\n  \
1. invalid when the sample-ratio check fails (p < 0.001);\n  \
2. continue while any variant has fewer than `min_units_per_variant` units (default 100);\n  \
3. promote the best treatment that beats control on the primary metric at `alpha`, corrected \
across treatments (`correction`, default holm), clears `min_lift`, and worsens no guardrail \
beyond its margin (the worse end of its relative-lift interval stays within the margin);\n  \
4. continue while a horizon (`max_units_per_variant` or the experiment's `end`) is not reached \
and a treatment can still win;\n  \
5. else keep_control.\n\n\
`method: sequential` is the one to use when a job re-runs the verdict every day: its always-valid \
intervals do not inflate false positives with repeated looks. `method: bayesian` promotes on \
`chance_to_win` (default 0.95) with expected loss below `max_risk` (default 0.0025).",
    after_help = "Examples:\n  \
abx verdict -e experiments/followup_timing.yaml --data fixtures/analyze/followup_timing_units.parquet\n  \
abx verdict -e experiments/followup_timing.yaml --summary fixtures/analyze/followup_timing_summary.csv --format json\n  \
abx simulate -e fixtures/verdict/two_arms.yaml --units 40000 --effect conversion=0.2 --output outcomes.csv\n  \
abx verdict -e fixtures/verdict/two_arms.yaml --data outcomes.csv --write   # on promote, record it in the file\n\n\
Exit codes:\n  \
0  promote        a treatment wins: ship it\n  \
1  keep_control   no treatment should ship\n  \
2  error          bad flags or input\n  \
3  continue       not enough data yet\n  \
4  invalid        the split is broken (sample-ratio mismatch): fix the assignment"
)]
pub struct VerdictArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// Override the decision's method
    #[arg(long, value_enum)]
    pub method: Option<Method>,
    /// Override the decision's alpha
    #[arg(long, value_name = "A")]
    pub alpha: Option<f64>,
    /// Override the correction across treatments
    #[arg(long, value_enum)]
    pub correction: Option<Correction>,
    /// The date compared with the experiment's `end` [default: today]
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub as_of: Option<NaiveDate>,
    /// On promote, record `status: promoted` and `promoted: VARIANT` in the experiment file (an in-place, comment-preserving edit)
    #[arg(long)]
    pub write: bool,
    /// Output format [default: table on a terminal, else json]
    #[arg(long, short = 'f', value_parser = super::util::formats())]
    pub format: Option<Format>,
}

pub fn run(args: &VerdictArgs, ctx: &Ctx) -> Result<ExitStatus> {
    let mut exp = experiment::load(&args.input.experiment)?;
    let d = &mut exp.decision;
    if let Some(m) = args.method {
        d.method = m;
    }
    if let Some(a) = args.alpha {
        d.alpha = super::util::open_fraction("--alpha", a)?;
    }
    if let Some(c) = args.correction {
        d.correction = c;
    }
    let today = args.as_of.unwrap_or_else(|| chrono::Local::now().date_naive());
    // The lifecycle decides draft, stopped and promoted files, whatever the data holds.
    let (verdict, readout) = super::util::verdict_of(&args.input, &exp, today, ctx)?;
    if args.write {
        record(&args.input.experiment, &exp, &verdict, today, ctx)?;
    }
    match Format::resolve(args.format, ctx.stdout_tty) {
        // The page shows the readout the verdict was decided on too.
        Format::Html => ctx.emit_page(&crate::views::pages::verdict_page(&verdict, readout.as_ref()))?,
        format => ctx.emit(&verdict, format)?,
    }
    Ok(verdict.verdict.exit_status())
}

/// `--write`: on promote, the in-place edit of the experiment file.
fn record(path: &Path, exp: &Experiment, v: &Verdict, today: NaiveDate, ctx: &Ctx) -> Result<()> {
    let shown = path.display().to_string();
    let Some(variant) = v.variant.as_deref().filter(|_| v.verdict == Outcome::Promote) else {
        ctx.warn(&format!("{shown} left unchanged: the verdict is {}, not promote", v.verdict.name()));
        return Ok(());
    };
    if exp.status() == Status::Promoted {
        ctx.warn(&format!("{shown} already records `promoted: {variant}`"));
        return Ok(());
    }
    let bytes = crate::experiment::read_file(path)?;
    let source = String::from_utf8(bytes).map_err(|_| AbxError::input(&shown, "the file is not valid UTF-8"))?;
    let edited = edit::set_promoted(&shown, &source, variant, Some(today)).map_err(|m| AbxError::input(&shown, m))?;
    replace_file(path, edited.as_bytes())?;
    ctx.info(&format!(
        "{shown}: recorded `status: promoted`, `promoted: {variant}` and `promoted_at: {today}`; `abx assign` now gives every unit {variant}"
    ));
    Ok(())
}
