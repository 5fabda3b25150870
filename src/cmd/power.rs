//! `abx power`: sample size, power or minimum detectable effect.

use clap::{Args, Subcommand};
use serde_json::{json, Map, Value};

use super::util::usage;
use super::Ctx;
use crate::error::{AbxError, Result};
use crate::exit::ExitStatus;
use crate::numfmt::sig;
use crate::report::{Document, Format, Table};
use crate::stats::power::{mean_mde, mean_n, mean_power, prop_mde, prop_n, prop_power};
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

/// A unit count as JSON: an integer when whole.
fn count(n: f64) -> Value {
    if n.fract() == 0.0 && n < 9e15 {
        json!(n as u64)
    } else {
        json!(n)
    }
}

/// What was solved for, as (field, value) pairs in order.
struct Solution {
    fields: Vec<(&'static str, Value)>,
    n_exact: Option<f64>,
}

/// The most units abx reports as an integer: 2^53, the largest count a
/// double (and a JSON reader) holds exactly.
const MAX_UNITS: f64 = 9_007_199_254_740_992.0;

/// A sample size beyond [`MAX_UNITS`] is no design anyone can run: an error,
/// never a wrapped integer.
fn too_many(n: f64) -> AbxError {
    usage(format!(
        "the design needs more than 2^53 (about 9.0e15) units (about {} units); no experiment can reach it: raise --mde or alpha, bring --ratio nearer 1, or lower --power",
        sig(n)
    ))
}

fn totals(n_exact: f64, c: &Common) -> Result<Vec<(&'static str, Value)>> {
    let n_per_variant = n_exact.ceil();
    let n_treatment = (n_exact * c.ratio).ceil();
    let n_total = n_per_variant + n_treatment * f64::from(c.variants - 1);
    if !(n_total.is_finite() && n_total <= MAX_UNITS && n_exact >= 0.0) {
        return Err(too_many(if n_per_variant > MAX_UNITS { n_exact } else { n_total }));
    }
    let mut out = vec![
        ("n_exact", json!(n_exact)),
        ("n_per_variant", json!(n_per_variant as u64)),
        ("n_treatment", json!(n_treatment as u64)),
        ("n_total", json!(n_total as u64)),
    ];
    if let Some(u) = c.daily_units {
        let days = (n_total / u).ceil();
        if !(days.is_finite() && days <= MAX_UNITS) {
            return Err(usage(format!(
                "at --daily-units {u:?} the design takes more than 2^53 days; check --daily-units"
            )));
        }
        out.push(("days", json!(days as u64)));
    }
    Ok(out)
}

fn finish(
    ctx: &Ctx,
    c: &Common,
    title: String,
    mut inputs: Vec<(&'static str, Value)>,
    sol: Solution,
    curve: Option<Vec<(f64, f64)>>,
) -> Result<ExitStatus> {
    let mut doc = Map::new();
    let mut fields = Vec::new();
    inputs.push(("alpha", json!(c.alpha)));
    inputs.push(("alpha_per_comparison", json!(c.alpha / f64::from(c.variants - 1))));
    inputs.push((
        "sided",
        json!(match c.sided {
            Sided::Two => "two",
            Sided::One => "one",
        }),
    ));
    inputs.push(("variants", json!(c.variants)));
    inputs.push(("ratio", json!(c.ratio)));
    for (k, v) in inputs.into_iter().chain(sol.fields) {
        doc.insert(k.to_string(), v.clone());
        fields.push((k.replace('_', " "), v));
    }
    let mut report = Document { title: Some(title), fields, ..Document::default() };
    if let Some(points) = curve {
        let max = points.iter().map(|p| p.1).fold(0.0, f64::max);
        let mut t = Table::new(&["mde", "n_per_variant", ""]).titled("units per variant by MDE");
        let mut list = Vec::new();
        for (mde, n) in &points {
            if !(n.is_finite() && *n <= MAX_UNITS) {
                return Err(too_many(*n));
            }
            let width = if max > 0.0 { (n / max * 40.0).round() as usize } else { 0 };
            t.push(vec![json!(sig(*mde)), json!(n.ceil() as u64), json!("█".repeat(width.max(1)))]);
            list.push(json!({"mde": mde, "n_per_variant": n.ceil() as u64, "n_exact": n}));
        }
        doc.insert("curve".into(), Value::Array(list));
        report.tables.push(t);
    }
    if sol.n_exact.is_some() && c.variants > 2 {
        report.notes.push(format!(
            "each of the {} treatments is tested against control at alpha / {} (Bonferroni)",
            c.variants - 1,
            c.variants - 1
        ));
    }
    report.json = Value::Object(doc);
    ctx.emit(&report, Format::resolve(c.format, ctx.stdout_tty))?;
    Ok(ExitStatus::Ok)
}

/// MDE values for --curve: half to double the given one, 11 points.
fn curve_points(mde: f64) -> Vec<f64> {
    (0..11).map(|i| mde * 0.5 * 4f64.powf(i as f64 / 10.0)).collect()
}

pub fn run(args: &PowerArgs, ctx: &Ctx) -> Result<ExitStatus> {
    match &args.kind {
        PowerKind::Proportion(a) => run_proportion(a, ctx),
        PowerKind::Mean(a) => run_mean(a, ctx),
    }
}

fn run_proportion(a: &ProportionArgs, ctx: &Ctx) -> Result<ExitStatus> {
    let c = &a.common;
    check_common(c)?;
    let p1 = a.baseline;
    if !(p1 > 0.0 && p1 < 1.0) {
        return Err(usage(format!("--baseline must be a rate between 0 and 1 (exclusive), got {p1:?}")));
    }
    let alpha = c.alpha / f64::from(c.variants - 1);
    let treated = |m: f64| if a.relative { p1 * (1.0 + m) } else { p1 + m };
    let mut inputs = vec![("baseline", json!(p1))];
    let sol = match (c.mde, c.n) {
        (Some(m), n) => {
            let p2 = treated(m);
            if !(p2 > 0.0 && p2 < 1.0) || m == 0.0 {
                return Err(usage(format!("--mde {m:?} puts the treatment rate at {p2:?}; it must differ from the baseline and stay between 0 and 1")));
            }
            inputs.push(("mde", json!(m)));
            inputs.push(("relative", json!(a.relative)));
            inputs.push(("treatment_rate", json!(p2)));
            match n {
                None => {
                    let n_exact = prop_n(p1, p2, alpha, c.power, c.sided, c.ratio);
                    inputs.push(("power", json!(c.power)));
                    Solution { fields: totals(n_exact, c)?, n_exact: Some(n_exact) }
                }
                Some(n) => Solution {
                    fields: vec![
                        ("n_per_variant", count(n)),
                        ("power", json!(prop_power(p1, p2, n, alpha, c.sided, c.ratio))),
                    ],
                    n_exact: None,
                },
            }
        }
        (None, Some(n)) => {
            let d = prop_mde(p1, n, alpha, c.power, c.sided, c.ratio).ok_or_else(|| {
                usage(format!("no increase over {p1:?} reaches power {:?} with {n:?} units per variant", c.power))
            })?;
            inputs.push(("power", json!(c.power)));
            Solution {
                fields: vec![
                    ("n_per_variant", count(n)),
                    ("mde", json!(d)),
                    ("mde_relative", json!(d / p1)),
                    ("treatment_rate", json!(p1 + d)),
                ],
                n_exact: None,
            }
        }
        (None, None) => unreachable_usage()?,
    };
    let curve = match (c.curve, c.mde) {
        (true, Some(m)) => Some(
            curve_points(m)
                .into_iter()
                .filter(|&m| (0.0..1.0).contains(&treated(m)))
                .map(|m| (m, prop_n(p1, treated(m), alpha, c.power, c.sided, c.ratio)))
                .collect(),
        ),
        _ => None,
    };
    finish(ctx, c, "power: two-proportion z-test".into(), inputs, sol, curve)
}

fn unreachable_usage<T>() -> Result<T> {
    Err(usage("give --mde to solve for the sample size, or --n to solve for the MDE"))
}

fn run_mean(a: &MeanArgs, ctx: &Ctx) -> Result<ExitStatus> {
    let c = &a.common;
    check_common(c)?;
    if !(a.sd > 0.0 && a.sd.is_finite()) {
        return Err(usage(format!("--sd must be positive, got {:?}", a.sd)));
    }
    if let Some(b) = a.baseline_mean {
        if !(b != 0.0 && b.is_finite()) {
            return Err(usage(format!("--baseline-mean must be a non-zero number, got {b:?}")));
        }
    }
    let alpha = c.alpha / f64::from(c.variants - 1);
    let absolute = |m: f64| a.baseline_mean.map_or(m, |b| m * b.abs());
    let mut inputs = vec![("sd", json!(a.sd))];
    if let Some(b) = a.baseline_mean {
        inputs.push(("baseline_mean", json!(b)));
    }
    let no_solution = || usage("the power solve did not converge for these inputs");
    let sol = match (c.mde, c.n) {
        (Some(m), n) => {
            let d = absolute(m);
            if d == 0.0 || !d.is_finite() {
                return Err(usage(format!("--mde must be a non-zero effect, got {m:?}")));
            }
            inputs.push(("mde", json!(m)));
            inputs.push(("mde_absolute", json!(d)));
            inputs.push(("effect_size", json!(d / a.sd)));
            match n {
                None => {
                    let n_exact = mean_n(d / a.sd, alpha, c.power, c.sided, c.ratio).ok_or_else(no_solution)?;
                    inputs.push(("power", json!(c.power)));
                    Solution { fields: totals(n_exact, c)?, n_exact: Some(n_exact) }
                }
                Some(n) => Solution {
                    fields: vec![
                        ("n_per_variant", count(n)),
                        ("power", json!(mean_power(d / a.sd, n, alpha, c.sided, c.ratio))),
                    ],
                    n_exact: None,
                },
            }
        }
        (None, Some(n)) => {
            let es = mean_mde(n, alpha, c.power, c.sided, c.ratio).ok_or_else(no_solution)?;
            inputs.push(("power", json!(c.power)));
            let mut fields =
                vec![("n_per_variant", count(n)), ("effect_size", json!(es)), ("mde_absolute", json!(es * a.sd))];
            if let Some(b) = a.baseline_mean {
                fields.push(("mde", json!(es * a.sd / b.abs())));
            } else {
                fields.push(("mde", json!(es * a.sd)));
            }
            Solution { fields, n_exact: None }
        }
        (None, None) => unreachable_usage()?,
    };
    let curve = match (c.curve, c.mde) {
        (true, Some(m)) => Some(
            curve_points(m)
                .into_iter()
                .filter_map(|m| mean_n(absolute(m) / a.sd, alpha, c.power, c.sided, c.ratio).map(|n| (m, n)))
                .collect(),
        ),
        _ => None,
    };
    finish(ctx, c, "power: two-sample t-test".into(), inputs, sol, curve)
}
