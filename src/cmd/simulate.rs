//! `abx simulate`: synthetic outcome data with known truth, and simulation
//! studies (A/A false positives, peeking, interval coverage) run through the
//! real analysis and verdict.

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use clap::Args;

use super::util::usage;
use super::Ctx;
use crate::analysis::Method;
use crate::bounds;
use crate::data::write::{write_csv, write_table, Col};
use crate::error::{AbxError, Result};
use crate::exit::ExitStatus;
use crate::experiment::{self, Experiment, MetricKind};
use crate::numfmt::sig;
use crate::report::Format;
use crate::sim::{self, MetricModel, Study};

#[derive(Debug, Args)]
#[command(
    about = "Synthetic experiment data, and A/A, peeking and coverage studies of the verdict",
    long_about = "Synthetic experiment data, and A/A, peeking and coverage studies of the verdict.\n\n\
With --output: unit-level data for the experiment, one row per exposed unit (ids u1..uN, \
assigned by the experiment's own bucketing), a column per metric: Bernoulli for proportions, \
lognormal for means (CV 0.53), sessions and revenue for ratios, and a correlated pre-period \
column for CUPED covariates. Seeded, so reproducible.\n\n\
With --runs: R simulated experiments, each analysed and decided as `abx verdict` would, \
reporting per method the rate of significant results (the false-positive rate with --aa), \
the promote rate, and the coverage of the intervals, each with a 95% Wilson interval. \
--peek DAYS looks after each simulated day, as a CI job re-running the verdict would.",
    after_help = "Examples:\n  \
abx simulate -e experiments/followup_timing.yaml --units 20000 --effect booked=0.1 --output outcomes.csv\n  \
abx simulate -e experiments/prompt_engineering_test.yaml --units 8000 --effect risk_first:total_return=0.15 --output - | abx verdict -e experiments/prompt_engineering_test.yaml --data -\n  \
abx simulate -e experiments/followup_timing.yaml --units 10000 --aa --runs 10000\n  \
abx simulate -e experiments/followup_timing.yaml --units 10000 --aa --runs 2000 --peek 14\n  \
abx simulate -e experiments/followup_timing.yaml --units 10000 --runs 10000 --effect booked=0.05\n  \
abx simulate -e fixtures/bandit/model_router.yaml --units 6000 --runs 200 --bandit thompson --periods 6 --baseline resolved=0.3 --effect medium:resolved=0.1"
)]
pub struct SimulateArgs {
    /// Experiment file
    #[arg(short = 'e', long = "experiment", value_name = "FILE")]
    pub experiment: PathBuf,
    /// Units to draw ids for (u1..uN); those the allocation leaves out are skipped
    #[arg(long, value_name = "N")]
    pub units: u64,
    /// A true relative lift: METRIC=LIFT for every treatment, or VARIANT:METRIC=LIFT for one (repeatable)
    #[arg(long, value_name = "[VARIANT:]METRIC=LIFT", allow_hyphen_values = true)]
    pub effect: Vec<String>,
    /// A metric's control value: the rate of a proportion, the mean of a mean, the ratio of a ratio (repeatable)
    #[arg(long, value_name = "METRIC=VALUE")]
    pub baseline: Vec<String>,
    /// Lose this share of a variant's units, as a broken logger would: a sample-ratio mismatch (repeatable)
    #[arg(long, value_name = "VARIANT=SHARE")]
    pub drop: Vec<String>,
    /// Random seed
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Write the data here: CSV or Parquet by extension, "-" for CSV on stdout
    #[arg(long, short = 'o', value_name = "FILE", conflicts_with_all = ["runs", "aa", "peek"])]
    pub output: Option<PathBuf>,
    /// A/A study: no true effect anywhere (needs --runs)
    #[arg(long, requires = "runs", conflicts_with = "effect")]
    pub aa: bool,
    /// Simulated experiments to run through the analysis and verdict
    #[arg(long, value_name = "R")]
    pub runs: Option<u64>,
    /// Look after each of DAYS days of arrivals, as a daily CI job would (needs --runs)
    #[arg(long, value_name = "DAYS", requires = "runs", default_value_t = 1)]
    pub peek: u32,
    /// A bandit study (needs --runs): each run reweights after every one of --periods periods by this strategy, as `abx bandit` would, and reports regret and how often the best arm ends with the highest P(best)
    #[arg(long, value_enum, value_name = "STRATEGY", requires = "runs", conflicts_with_all = ["aa", "method"])]
    pub bandit: Option<crate::analysis::bandit::Strategy>,
    /// --bandit epsilon-greedy: the share explored
    #[arg(long, value_name = "E", default_value_t = 0.1, requires = "bandit")]
    pub epsilon: f64,
    /// --bandit: the periods units arrive in (a reweight after each but the last)
    #[arg(long, value_name = "P", default_value_t = 10, requires = "bandit")]
    pub periods: u32,
    /// Methods to study [default: all three]
    #[arg(long, value_enum, value_delimiter = ',')]
    pub method: Vec<Method>,
    /// Output format of a study [default: table on a terminal, else json]
    #[arg(long, short = 'f', value_parser = super::util::formats())]
    pub format: Option<Format>,
}

fn pair<'a>(s: &'a str, flag: &str) -> Result<(&'a str, f64)> {
    let (k, v) = s.split_once('=').ok_or_else(|| usage(format!("{flag} takes NAME=NUMBER, got `{s}`")))?;
    let x: f64 = v.trim().parse().map_err(|_| usage(format!("{flag} {s}: `{v}` is not a number")))?;
    if !x.is_finite() {
        return Err(usage(format!("{flag} {s}: the number must be finite")));
    }
    Ok((k.trim(), x))
}

fn metric_known(exp: &Experiment, name: &str, flag: &str) -> Result<()> {
    if exp.metric(name).is_none() {
        let names: Vec<&str> = exp.metrics.iter().map(|m| m.name.as_str()).collect();
        return Err(usage(format!("{flag}: `{name}` is not a metric of {} (metrics: {})", exp.name, names.join(", "))));
    }
    Ok(())
}

fn variant_known(exp: &Experiment, name: &str, flag: &str) -> Result<usize> {
    exp.variant_index(name).ok_or_else(|| {
        let names: Vec<&str> = exp.variants.iter().map(|v| v.name.as_str()).collect();
        usage(format!("{flag}: `{name}` is not a variant of {} (variants: {})", exp.name, names.join(", ")))
    })
}

/// The metric models from --baseline and --effect, checked.
fn models(args: &SimulateArgs, exp: &Experiment) -> Result<Vec<MetricModel>> {
    let mut baselines = HashMap::new();
    for b in &args.baseline {
        let (m, x) = pair(b, "--baseline")?;
        metric_known(exp, m, "--baseline")?;
        baselines.insert(m.to_string(), x);
    }
    let (mut lifts, mut variant_lifts) = (HashMap::new(), HashMap::new());
    for e in &args.effect {
        let (k, x) = pair(e, "--effect")?;
        if x <= -1.0 {
            return Err(usage(format!("--effect {e}: a relative lift must be above -1 (-100%)")));
        }
        match k.split_once(':') {
            Some((v, m)) => {
                if variant_known(exp, v, "--effect")? == 0 {
                    return Err(usage(format!("--effect {e}: `{v}` is the control; effects are on treatments")));
                }
                metric_known(exp, m, "--effect")?;
                variant_lifts.insert((v.to_string(), m.to_string()), x);
            }
            None => {
                metric_known(exp, k, "--effect")?;
                lifts.insert(k.to_string(), x);
            }
        }
    }
    let models = sim::models(exp, &baselines, &lifts, &variant_lifts);
    for (m, model) in exp.metrics.iter().zip(&models) {
        for (v, variant) in exp.variants.iter().enumerate() {
            let truth = model.truth(v);
            if !truth.is_finite() || truth.abs() > 1e150 {
                return Err(usage(format!(
                    "{}: a true value of {truth:?} in {} is too large to simulate; lower --baseline or --effect",
                    m.name, variant.name
                )));
            }
        }
        if model.baseline.is_nan() || model.baseline <= 0.0 {
            return Err(usage(format!("--baseline for {}: the control value must be positive", m.name)));
        }
        if m.kind == MetricKind::Proportion {
            for (v, _) in exp.variants.iter().enumerate() {
                let p = model.truth(v);
                if !(p > 0.0 && p < 1.0) {
                    return Err(usage(format!(
                        "{}: a rate of {} in {} is not a probability; lower --baseline or --effect",
                        m.name,
                        sig(p),
                        exp.variants[v].name
                    )));
                }
            }
        }
    }
    Ok(models)
}

pub fn run(args: &SimulateArgs, ctx: &Ctx) -> Result<ExitStatus> {
    let exp = experiment::load(&args.experiment)?;
    if exp.status() != crate::experiment::Status::Running {
        ctx.warn(&format!(
            "experiment `{}` is {}: simulating it as it runs (units assigned by its ranges)",
            exp.name,
            exp.status().name()
        ));
    }
    if exp.metrics.is_empty() {
        return Err(AbxError::input(
            args.experiment.display().to_string(),
            "the experiment has no `metrics` to simulate",
        ));
    }
    if let Some(why) = exp.one_sided() {
        return Err(AbxError::input(args.experiment.display().to_string(), why));
    }
    if args.units == 0 || args.units > bounds::MAX_SIM_UNITS {
        return Err(usage(format!(
            "--units must be between 1 and {} (100 million), not {}",
            bounds::MAX_SIM_UNITS,
            args.units
        )));
    }
    if let Some(runs) = args.runs.filter(|&r| r > bounds::MAX_SIM_RUNS) {
        return Err(usage(format!("--runs must be at most {} (10 million), not {runs}", bounds::MAX_SIM_RUNS)));
    }
    if u64::from(args.peek) > bounds::MAX_LOOKS {
        return Err(usage(format!("--peek must be at most {} days, not {}", bounds::MAX_LOOKS, args.peek)));
    }
    // The units of a study (16 bytes each), or the rows of a data file
    // (held twice while written), checked before anything is allocated.
    let per_unit = if args.output.is_some() { 160 + 30 * 2 * exp.metrics.len() as u64 } else { 16 };
    bounds::check_memory(args.units.saturating_mul(per_unit), &format!("--units {}", args.units)).map_err(usage)?;
    let models = models(args, &exp)?;
    match (&args.output, args.runs) {
        (Some(out), _) => generate(args, &exp, &models, out, ctx),
        (None, Some(runs)) => {
            if runs == 0 || args.peek == 0 {
                return Err(usage("--runs and --peek must be at least 1"));
            }
            if !args.drop.is_empty() {
                return Err(usage("--drop works with --output only"));
            }
            if let Some(strategy) = args.bandit {
                return bandit_study(args, &exp, &models, strategy, runs, ctx);
            }
            let methods = if args.method.is_empty() {
                vec![Method::Frequentist, Method::Sequential, Method::Bayesian]
            } else {
                args.method.clone()
            };
            let study = Study { aa: args.aa, runs, units: args.units, days: args.peek, seed: args.seed, methods };
            let result = sim::study(&exp, &models, &study);
            ctx.emit(&result, Format::resolve(args.format, ctx.stdout_tty))?;
            Ok(ExitStatus::Ok)
        }
        (None, None) => Err(usage(
            "give --output FILE to write synthetic data, or --runs R to run a simulation study (with --aa for A/A)",
        )),
    }
}

/// `--bandit`: the bandit study, checked first.
fn bandit_study(
    args: &SimulateArgs,
    exp: &Experiment,
    models: &[MetricModel],
    strategy: crate::analysis::bandit::Strategy,
    runs: u64,
    ctx: &Ctx,
) -> Result<ExitStatus> {
    if !(args.epsilon > 0.0 && args.epsilon <= 1.0) {
        return Err(usage(format!("--epsilon must be above 0 and at most 1, got {}", args.epsilon)));
    }
    if args.periods == 0 || u64::from(args.periods) > bounds::MAX_LOOKS || u64::from(args.periods) > args.units {
        return Err(usage(format!(
            "--periods must be between 1 and {} (and at most --units), not {}",
            bounds::MAX_LOOKS.min(args.units),
            args.periods
        )));
    }
    if args.peek != 1 {
        return Err(usage("--bandit reweights after each of --periods periods; --peek is for the verdict studies"));
    }
    let primary = exp.primary_name();
    let pi = exp.metrics.iter().position(|m| m.name == primary).unwrap_or(0);
    if exp.metrics[pi].covariate.is_some() {
        return Err(usage(format!(
            "the primary metric `{primary}` has a covariate (CUPED): `abx simulate --bandit` draws no covariates, so it would simulate a bandit without the adjustment `abx bandit` makes; simulate it with a copy of the file without `covariate`"
        )));
    }
    let opts = crate::analysis::bandit::BanditOptions { strategy, epsilon: args.epsilon, alpha: exp.decision.alpha };
    let s = sim::bandit::BanditStudy { runs, units: args.units, periods: args.periods, seed: args.seed, opts };
    let result = sim::bandit::bandit_study(exp, models, pi, &s);
    ctx.emit(&result, Format::resolve(args.format, ctx.stdout_tty))?;
    Ok(ExitStatus::Ok)
}

fn generate(
    args: &SimulateArgs,
    exp: &Experiment,
    models: &[MetricModel],
    out: &Path,
    ctx: &Ctx,
) -> Result<ExitStatus> {
    let mut drop = vec![0.0; exp.variants.len()];
    for d in &args.drop {
        let (v, x) = pair(d, "--drop")?;
        if !(0.0..1.0).contains(&x) {
            return Err(usage(format!("--drop {d}: the share must be at least 0 and below 1")));
        }
        drop[variant_known(exp, v, "--drop")?] = x;
    }
    let mut rng = sim::rng(args.seed, 0);
    let units = sim::assign_units(exp, args.units, &drop, &mut rng);
    let cols = sim::columns(exp);
    // A column named twice (a covariate shared by two metrics) is written once.
    let mut names: Vec<String> = Vec::new();
    let mut slots: Vec<(Option<usize>, Option<usize>)> = Vec::new();
    for (x, y) in &cols {
        if let Some(n) = [x].into_iter().chain(y.as_ref()).find(|n| *n == "unit" || *n == "variant") {
            return Err(usage(format!(
                "a metric reads the column `{n}`, which abx simulate writes for the units and variants; rename the metric's column"
            )));
        }
        let mut slot = |n: &String| {
            if names.contains(n) {
                None
            } else {
                names.push(n.clone());
                Some(names.len() - 1)
            }
        };
        let sx = slot(x);
        let sy = y.as_ref().and_then(&mut slot);
        slots.push((sx, sy));
    }
    let mut data: Vec<Vec<f64>> = vec![Vec::with_capacity(units.len()); names.len()];
    let (mut ids, mut variants) = (Vec::with_capacity(units.len()), Vec::with_capacity(units.len()));
    let mut values = Vec::new();
    for &(i, v) in &units {
        sim::draw_unit(models, &mut rng, v, &mut values);
        ids.push(format!("u{i}"));
        variants.push(exp.variants[v].name.clone());
        for (&(x, y), &(sx, sy)) in values.iter().zip(&slots) {
            if let Some(s) = sx {
                data[s].push(x);
            }
            if let Some(s) = sy {
                data[s].push(y);
            }
        }
    }
    let mut columns = vec![Col::Text("unit".into(), ids), Col::Text("variant".into(), variants)];
    columns.extend(names.into_iter().zip(data).map(|(n, d)| Col::Number(n, d)));
    if out.as_os_str() == "-" {
        let mut buf = Vec::new();
        write_csv(&mut buf, &columns)?;
        let mut stdout = std::io::stdout().lock();
        stdout.write_all(&buf)?;
        stdout.flush()?;
    } else {
        write_table(out, columns)?;
        ctx.info(&format!("wrote {} units of {} to {} (seed {})", units.len(), exp.name, out.display(), args.seed));
    }
    Ok(ExitStatus::Ok)
}
