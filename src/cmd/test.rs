//! `abx test`: hypothesis tests from summary numbers typed by hand.

use clap::{Args, Subcommand};

use super::util::usage;
use super::Ctx;
use crate::analysis::calculators::{self, Settings};
use crate::error::Result;
use crate::exit::ExitStatus;
use crate::report::Format;
use crate::stats::htest::{Counts, RelativeCi, Summary};
use crate::stats::Alternative;

#[derive(Debug, Args)]
#[command(
    about = "Hypothesis tests from summary numbers: proportions, means, sample ratio",
    after_help = "Examples:\n  \
abx test proportions --control 480/10000 --treatment 552/10000\n  \
abx test means --control 5000,12.3,4.1 --treatment 5100,12.6,4.3\n  \
abx test srm --observed 50421,49102 --weights 1,1"
)]
pub struct TestArgs {
    #[command(subcommand)]
    pub kind: TestKind,
}

#[derive(Debug, Subcommand)]
pub enum TestKind {
    /// Conversion rates: pooled two-proportion z-test; chi-square over all arms with several treatments
    #[command(after_help = "Examples:\n  abx test proportions --control 480/10000 --treatment 552/10000\n  \
abx test proportions --control 480/10000 --treatment 552/10000 --treatment 501/9800 --format json")]
    Proportions(ProportionsArgs),
    /// Means from n, mean and sd: Welch's t-test (Student's with --equal-var)
    #[command(after_help = "Examples:\n  abx test means --control 5000,12.3,4.1 --treatment 5100,12.6,4.3\n  \
abx test means --control 40,3.1,1.2 --treatment 38,3.6,1.1 --equal-var --alternative greater")]
    Means(MeansArgs),
    /// Sample ratio mismatch: chi-square goodness of fit of unit counts to planned weights
    #[command(
        after_help = "Examples:\n  abx test srm --observed 50421,49102 --weights 1,1\n  abx test srm --observed 1200,3900,3850 --weights 0.1,0.45,0.45"
    )]
    Srm(SrmArgs),
}

#[derive(Debug, Args)]
pub struct Options {
    /// Significance level of the confidence intervals
    #[arg(long, default_value_t = 0.05, value_name = "A")]
    pub alpha: f64,
    /// Alternative hypothesis about treatment minus control
    #[arg(long, value_enum, default_value_t = Alternative::TwoSided)]
    pub alternative: Alternative,
    /// Method of the relative lift's confidence interval
    #[arg(long, value_enum, default_value_t = RelativeCi::Delta)]
    pub relative_ci: RelativeCi,
    /// Output format [default: table on a terminal, else json]
    #[arg(long, short = 'f', value_parser = super::util::formats())]
    pub format: Option<Format>,
}

#[derive(Debug, Args)]
pub struct ProportionsArgs {
    /// Control successes/trials, e.g. 480/10000
    #[arg(long, value_name = "X/N")]
    pub control: String,
    /// Treatment successes/trials; repeat for several treatments
    #[arg(long, value_name = "X/N", required = true)]
    pub treatment: Vec<String>,
    #[command(flatten)]
    pub options: Options,
}

#[derive(Debug, Args)]
pub struct MeansArgs {
    /// Control n,mean,sd, e.g. 5000,12.3,4.1
    #[arg(long, value_name = "N,MEAN,SD", allow_hyphen_values = true)]
    pub control: String,
    /// Treatment n,mean,sd; repeat for several treatments
    #[arg(long, value_name = "N,MEAN,SD", required = true, allow_hyphen_values = true)]
    pub treatment: Vec<String>,
    /// Student's t-test with pooled variance instead of Welch's
    #[arg(long)]
    pub equal_var: bool,
    #[command(flatten)]
    pub options: Options,
}

#[derive(Debug, Args)]
pub struct SrmArgs {
    /// Units observed per variant, comma-separated
    #[arg(long, value_name = "C1,C2,...")]
    pub observed: String,
    /// Planned weights per variant, comma-separated (normalised)
    #[arg(long, value_name = "W1,W2,...")]
    pub weights: String,
    /// Output format [default: table on a terminal, else json]
    #[arg(long, short = 'f', value_parser = super::util::formats())]
    pub format: Option<Format>,
}

fn number(flag: &str, text: &str, s: &str) -> Result<f64> {
    let v: f64 = s.trim().parse().map_err(|_| usage(format!("{flag} {text}: `{}` is not a number", s.trim())))?;
    if !v.is_finite() {
        return Err(usage(format!("{flag} {text}: `{}` is not a finite number", s.trim())));
    }
    Ok(v)
}

fn whole(flag: &str, text: &str, s: &str, what: &str) -> Result<f64> {
    let v = number(flag, text, s)?;
    if v < 0.0 || v.fract() != 0.0 {
        return Err(usage(format!("{flag} {text}: {what} must be a whole number of at least 0, got {}", s.trim())));
    }
    Ok(v)
}

/// Parses `X/N`.
pub fn parse_counts(flag: &str, text: &str) -> Result<Counts> {
    let (x, n) = text
        .split_once('/')
        .ok_or_else(|| usage(format!("{flag} {text}: expected SUCCESSES/TRIALS, e.g. 480/10000")))?;
    let successes = whole(flag, text, x, "successes")?;
    let trials = whole(flag, text, n, "trials")?;
    if trials == 0.0 {
        return Err(usage(format!("{flag} {text}: there are no trials (N must be positive)")));
    }
    if successes > trials {
        return Err(usage(format!(
            "{flag} {text}: {successes} successes out of {trials} trials (successes cannot exceed trials)"
        )));
    }
    Ok(Counts { successes, trials })
}

/// Parses `N,MEAN,SD`.
pub fn parse_summary(flag: &str, text: &str) -> Result<Summary> {
    let parts: Vec<&str> = text.split(',').collect();
    let [n, mean, sd] = parts[..] else {
        return Err(usage(format!("{flag} {text}: expected N,MEAN,SD, e.g. 5000,12.3,4.1")));
    };
    let n = whole(flag, text, n, "n")?;
    if n < 2.0 {
        return Err(usage(format!("{flag} {text}: a t-test needs n >= 2 in every arm, got {n}")));
    }
    let mean = number(flag, text, mean)?;
    let sd = number(flag, text, sd)?;
    if sd < 0.0 {
        return Err(usage(format!("{flag} {text}: the sd cannot be negative, got {sd}")));
    }
    Ok(Summary { n, mean, sd })
}

pub fn run(args: &TestArgs, ctx: &Ctx) -> Result<ExitStatus> {
    match &args.kind {
        TestKind::Proportions(a) => run_proportions(a, ctx),
        TestKind::Means(a) => run_means(a, ctx),
        TestKind::Srm(a) => run_srm(a, ctx),
    }
}

fn settings(o: &Options) -> Result<Settings> {
    let alpha = super::util::open_fraction("--alpha", o.alpha)?;
    Ok(Settings { alpha, alternative: o.alternative, relative_ci: o.relative_ci })
}

fn run_proportions(a: &ProportionsArgs, ctx: &Ctx) -> Result<ExitStatus> {
    let s = settings(&a.options)?;
    let control = parse_counts("--control", &a.control)?;
    let treatments = a.treatment.iter().map(|t| parse_counts("--treatment", t)).collect::<Result<Vec<_>>>()?;
    ctx.emit(&calculators::proportions(control, &treatments, s), Format::resolve(a.options.format, ctx.stdout_tty))?;
    Ok(ExitStatus::Ok)
}

fn run_means(a: &MeansArgs, ctx: &Ctx) -> Result<ExitStatus> {
    let s = settings(&a.options)?;
    let control = parse_summary("--control", &a.control)?;
    let treatments = a.treatment.iter().map(|t| parse_summary("--treatment", t)).collect::<Result<Vec<_>>>()?;
    let test = calculators::means(control, &treatments, a.equal_var, s).map_err(usage)?;
    ctx.emit(&test, Format::resolve(a.options.format, ctx.stdout_tty))?;
    Ok(ExitStatus::Ok)
}

fn list(flag: &str, text: &str) -> Result<Vec<f64>> {
    text.split(',').map(|s| number(flag, text, s)).collect()
}

fn run_srm(a: &SrmArgs, ctx: &Ctx) -> Result<ExitStatus> {
    let observed = list("--observed", &a.observed)?;
    let weights = list("--weights", &a.weights)?;
    if observed.len() < 2 {
        return Err(usage(format!("--observed {}: give the counts of at least 2 variants", a.observed)));
    }
    if weights.len() != observed.len() {
        return Err(usage(format!(
            "--weights {} has {} values but --observed {} has {}: give one weight per variant",
            a.weights,
            weights.len(),
            a.observed,
            observed.len()
        )));
    }
    if let Some(o) = observed.iter().find(|o| **o < 0.0 || o.fract() != 0.0) {
        return Err(usage(format!("--observed {}: counts must be whole numbers of at least 0, got {o}", a.observed)));
    }
    if let Some(w) = weights.iter().find(|w| **w <= 0.0) {
        return Err(usage(format!("--weights {}: weights must be positive, got {w}", a.weights)));
    }
    let wsum: f64 = weights.iter().sum();
    if !wsum.is_finite() || weights.iter().any(|w| w / wsum == 0.0) {
        return Err(usage(format!(
            "--weights {}: the weights are too large or too far apart to normalise (a share rounds to 0); give them as shares, such as 1,1",
            a.weights
        )));
    }
    let total: f64 = observed.iter().sum();
    if total == 0.0 {
        return Err(usage(format!("--observed {}: there are no units", a.observed)));
    }
    ctx.emit(&calculators::srm(&observed, &weights), Format::resolve(a.format, ctx.stdout_tty))?;
    Ok(ExitStatus::Ok)
}
