//! `abx power`: sample size, power or minimum detectable effect.

use clap::{Args, Subcommand};

use super::util::usage;
use super::Ctx;
use crate::design::{self, Plan, MAX_UNITS};
use crate::error::Result;
use crate::exit::ExitStatus;
use crate::report::Format;
use crate::stats::Sided;

#[derive(Debug, Args)]
#[command(
    about = "Sample size, power or minimum detectable effect for an experiment",
    after_help = "Examples:\n  \
abx power proportion --baseline 0.12 --mde 0.05 --relative\n  \
abx power mean --sd 20 --mde 1.5 --power 0.9 --daily-units 4000\n  \
abx power proportion --baseline 0.12 --n 20000              # MDE reachable with 20000 per variant\n  \
abx power proportion --baseline 0.12 --mde 0.1 --relative --curve"
)]
pub struct PowerArgs {
    #[command(subcommand)]
    pub kind: PowerKind,
}

#[derive(Debug, Subcommand)]
pub enum PowerKind {
    /// A conversion rate: two-proportion z-test (R's power.prop.test)
    #[command(
        after_help = "Examples:\n  abx power proportion --baseline 0.12 --mde 0.05 --relative\n  abx power proportion --baseline 0.3 --mde 0.02 --variants 4 --format json"
    )]
    Proportion(ProportionArgs),
    /// A mean: two-sample t-test, noncentral t (statsmodels' TTestIndPower)
    #[command(
        after_help = "Examples:\n  abx power mean --sd 20 --mde 1.5\n  abx power mean --sd 20 --mde 0.02 --baseline-mean 80 --n 5000"
    )]
    Mean(MeanArgs),
}

#[derive(Debug, Args)]
pub struct Common {
    /// Minimum detectable effect: absolute, or relative with --relative. Without it and with --n, abx solves for the MDE
    #[arg(long, value_name = "M", allow_hyphen_values = true)]
    pub mde: Option<f64>,
    /// Significance level, before correction for several treatments
    #[arg(long, default_value_t = 0.05, value_name = "A")]
    pub alpha: f64,
    /// Target power (1 - beta)
    #[arg(long, default_value_t = 0.8, value_name = "B")]
    pub power: f64,
    /// Two-sided or one-sided test
    #[arg(long, value_enum, default_value_t = Sided::Two)]
    pub sided: Sided,
    /// Number of variants, control included; each treatment is tested at alpha / (K - 1)
    #[arg(long, default_value_t = 2, value_name = "K")]
    pub variants: u32,
    /// Units per variant: solve for power (with --mde) or for the MDE (without)
    #[arg(long, value_name = "N")]
    pub n: Option<f64>,
    /// Allocation ratio: treatment units per control unit
    #[arg(long, default_value_t = 1.0, value_name = "R")]
    pub ratio: f64,
    /// Eligible units per day, to add the run time in days
    #[arg(long, value_name = "U")]
    pub daily_units: Option<f64>,
    /// Show units per variant over a range of MDEs (half to double the given one)
    #[arg(long)]
    pub curve: bool,
    /// Output format [default: table on a terminal, else json]
    #[arg(long, short = 'f', value_parser = super::util::formats())]
    pub format: Option<Format>,
}

#[derive(Debug, Args)]
pub struct ProportionArgs {
    /// Control conversion rate, in (0, 1)
    #[arg(long, value_name = "P", allow_hyphen_values = true)]
    pub baseline: f64,
    /// Read --mde as relative: treatment rate = P * (1 + M)
    #[arg(long)]
    pub relative: bool,
    #[command(flatten)]
    pub common: Common,
}

#[derive(Debug, Args)]
pub struct MeanArgs {
    /// Standard deviation of the metric (per unit)
    #[arg(long, value_name = "S", allow_hyphen_values = true)]
    pub sd: f64,
    /// Control mean: makes --mde relative (absolute MDE = M * MEAN)
    #[arg(long, value_name = "MEAN", allow_hyphen_values = true)]
    pub baseline_mean: Option<f64>,
    #[command(flatten)]
    pub common: Common,
}

fn check_common(c: &Common) -> Result<()> {
    super::util::open_fraction("--alpha", c.alpha)?;
    super::util::open_fraction("--power", c.power)?;
    if c.power <= c.alpha {
        return Err(usage(format!(
            "--power {:?} is not above --alpha {:?}: a test has power alpha with no effect at all, so no design is needed for that",
            c.power, c.alpha
        )));
    }
    if c.variants < 2 {
        return Err(usage(format!("--variants counts the control too and must be at least 2, got {}", c.variants)));
    }
    if !(c.ratio > 0.0 && c.ratio.is_finite()) {
        return Err(usage(format!("--ratio must be positive, got {:?}", c.ratio)));
    }
    if let Some(n) = c.n {
        if !(n > 1.0 && n <= MAX_UNITS) {
            return Err(usage(format!("--n must be more than 1 and at most 2^53 units per variant, got {n:?}")));
        }
    }
    if let Some(u) = c.daily_units {
        if !(u > 0.0 && u.is_finite()) {
            return Err(usage(format!("--daily-units must be positive, got {u:?}")));
        }
    }
    if c.mde.is_none() && c.n.is_none() {
        return Err(usage("give --mde to solve for the sample size, or --n to solve for the MDE"));
    }
    if c.curve && c.mde.is_none() {
        return Err(usage("--curve needs --mde (the curve spans half to double it)"));
    }
    Ok(())
}

pub fn run(args: &PowerArgs, ctx: &Ctx) -> Result<ExitStatus> {
    let (design, format) = match &args.kind {
        PowerKind::Proportion(a) => (design::proportion(&plan(&a.common)?, a.baseline, a.relative), a.common.format),
        PowerKind::Mean(a) => (design::mean(&plan(&a.common)?, a.sd, a.baseline_mean), a.common.format),
    };
    ctx.emit(&design.map_err(usage)?, Format::resolve(format, ctx.stdout_tty))?;
    Ok(ExitStatus::Ok)
}

/// The flags' plan, checked.
fn plan(c: &Common) -> Result<Plan> {
    check_common(c)?;
    Ok(Plan {
        mde: c.mde,
        n: c.n,
        alpha: c.alpha,
        power: c.power,
        sided: c.sided,
        variants: c.variants,
        ratio: c.ratio,
        daily_units: c.daily_units,
        curve: c.curve,
    })
}
