//! `abx bandit`: the next weights of a bandit (analysis::bandit), and with
//! --write the in-place edit that records them.

use std::path::Path;

use chrono::NaiveDate;
use clap::Args;

use super::util::{open_fraction, usage, InputArgs};
use super::Ctx;
use crate::analysis::bandit::{BanditOptions, BanditResult, Strategy};
use crate::error::{AbxError, Result};
use crate::exit::ExitStatus;
use crate::experiment::{self, edit, Experiment};
use crate::fsutil::replace_file;
use crate::report::Format;

#[derive(Debug, Args)]
#[command(
    about = "A bandit's next weights: Thompson sampling as GrowthBook's bandits, or epsilon-greedy",
    long_about = "A bandit's next weights from its outcome data, for the experiment's primary metric.\n\n\
thompson (the default) is GrowthBook's: each arm's mean has a Gaussian posterior (prior N(0, 1e4)); \
the probability that an arm is best (in the metric's direction) is computed by quadrature, not by \
sampling, so it is exact and the same on every run; weight = 0.01 + (1 - 0.01 k) * P(best). \
epsilon-greedy gives the best arm by its mean 1 - E + E/k and every other E/k. While any arm has \
fewer than 100 units the weights do not change.\n\n\
After a reweight (--write), units are laid out on the unit interval so that only the share the new \
weights require changes arm: at most the total variation distance between the old and new weights \
(`abx assign --explain` shows the layout). A reweighted file needs --period-column: each arm's mean \
is then weighted by period, and the sample-ratio check expects Σ_p N_p·w_p units per arm, as GrowthBook does.\n\n\
Bandit estimates are biased (traffic followed the results): decide with a linked A/B test.",
    after_help = "Examples:\n  \
abx bandit -e fixtures/bandit/model_router.yaml --data fixtures/bandit/model_router.csv\n  \
abx bandit -e fixtures/bandit/model_router.yaml --data fixtures/bandit/model_router.csv --strategy epsilon-greedy --epsilon 0.2 --format json\n  \
abx bandit -e fixtures/bandit/model_router.yaml --summary fixtures/bandit/model_router_summary.csv --format json\n\n\
Record the weights (in a copy):\n  \
cp fixtures/bandit/model_router.yaml router.yaml\n  \
abx bandit -e router.yaml --data fixtures/bandit/model_router.csv --write --date 2026-11-25\n  \
abx bandit -e router.yaml --data fixtures/bandit/model_router.csv --period-column first_seen"
)]
pub struct BanditArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// How the next weights are chosen
    #[arg(long, value_enum, default_value = "thompson")]
    pub strategy: Strategy,
    /// epsilon-greedy: the share explored, spread evenly over the arms (above 0, at most 1)
    #[arg(long, value_name = "E", default_value_t = 0.1)]
    pub epsilon: f64,
    /// The column with each unit's first exposure date (YYYY-MM-DD, or a timestamp whose first 10 characters are its date as written, with no time-zone conversion): needed once the file has been reweighted, to weight the arms' means by period; units before the first entry count in the first period
    #[arg(long, value_name = "COLUMN")]
    pub period_column: Option<String>,
    /// The credible intervals' level is 1 - A [default: the experiment's decision.alpha, else 0.05]
    #[arg(long, value_name = "A")]
    pub alpha: Option<f64>,
    /// Store the next weights in the experiment file (each variant's `weight`) and append them with the date to `weight_history` (an in-place, comment-preserving edit)
    #[arg(long)]
    pub write: bool,
    /// With --write: the reweight's date [default: today]
    #[arg(long, value_name = "YYYY-MM-DD", requires = "write")]
    pub date: Option<NaiveDate>,
    /// Output format [default: table on a terminal, else json]
    #[arg(long, short = 'f', value_parser = super::util::formats())]
    pub format: Option<Format>,
}

pub fn run(args: &BanditArgs, ctx: &Ctx) -> Result<ExitStatus> {
    let exp = experiment::load(&args.input.experiment)?;
    if exp.gate.is_some() {
        return Err(usage(format!("`{}` is a feature gate: a bandit has variants with weights", exp.name)));
    }
    if !(args.epsilon > 0.0 && args.epsilon <= 1.0) {
        return Err(usage(format!(
            "--epsilon must be above 0 and at most 1, got {}: every arm keeps a share E/k, so that it is still measured",
            args.epsilon
        )));
    }
    let alpha = match args.alpha {
        Some(a) => open_fraction("--alpha", a)?,
        None => exp.decision.alpha,
    };
    let opts = BanditOptions { strategy: args.strategy, epsilon: args.epsilon, alpha };
    let column = args.period_column.as_deref();
    let (slices, name) = super::util::slices(&args.input, column, &exp, ctx)?;
    let result = crate::analysis::bandit::bandit(&exp, slices, column, &name, &opts)?;
    if result.srm.mismatch {
        ctx.warn(&format!(
            "bandit sample ratio mismatch (p = {}): the arms' units differ from what the weights over time give; the weights below are not trustworthy",
            crate::numfmt::sig(result.srm.p_value.unwrap_or(f64::NAN))
        ));
    }
    if args.write {
        let today = args.date.unwrap_or_else(|| chrono::Local::now().date_naive());
        record(&args.input.experiment, &exp, &result, today, ctx)?;
    }
    ctx.emit(&result, Format::resolve(args.format, ctx.stdout_tty))?;
    Ok(ExitStatus::Ok)
}

/// `--write`: the next weights into the file, and into its history.
fn record(path: &Path, exp: &Experiment, r: &BanditResult, date: NaiveDate, ctx: &Ctx) -> Result<()> {
    let shown = path.display().to_string();
    if !r.updated {
        ctx.warn(&format!("{shown} left unchanged: the weights are not updated ({})", r.message));
        return Ok(());
    }
    if let Some(last) = exp.weight_history.last() {
        if date <= last.date {
            return Err(AbxError::input(
                &shown,
                format!(
                    "the last reweight is dated {}: a reweight on {date} would not come after it (one reweight a day; pass --date)",
                    last.date
                ),
            ));
        }
    }
    let weights: Vec<f64> = r.weights.iter().map(|a| a.weight).collect();
    // The first entry: the weights the bandit started with, from its start.
    let Some(start) = exp.start else {
        return Err(AbxError::input(
            &shown,
            "the file has no `start`: the first `weight_history` entry records the weights the bandit started with, from the day it started; add `start: YYYY-MM-DD`",
        ));
    };
    if date <= start {
        return Err(AbxError::input(
            &shown,
            format!("a reweight on {date} is not after the bandit's start ({start}): pass --date with the day the new weights take effect"),
        ));
    }
    let current = exp.normalized_weights();
    let first = exp.weight_history.is_empty().then_some((start, &current[..]));
    let bytes = crate::experiment::read_file(path)?;
    let source = String::from_utf8(bytes).map_err(|_| AbxError::input(&shown, "the file is not valid UTF-8"))?;
    let edited = edit::set_weights(&shown, &source, &weights, date, first).map_err(|m| AbxError::input(&shown, m))?;
    replace_file(path, edited.as_bytes())?;
    ctx.info(&format!(
        "{shown}: recorded the weights of {date} in `variants` and `weight_history`; `abx assign` moves {} of the exposed units to their new arm",
        crate::numfmt::share_percent(r.units_switching)
    ));
    Ok(())
}
