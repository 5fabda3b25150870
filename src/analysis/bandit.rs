//! `abx bandit`: a bandit's next weights from its data, as GrowthBook's
//! bandits compute them (anchors-next §2.1), and the readout that goes with
//! them: per-period weighted means and the bandit's sample-ratio check.

use chrono::NaiveDate;
use serde::Serialize;

use super::readout::Slice;
use crate::error::{AbxError, Result};
use crate::experiment::{Direction, Experiment, Metric, MetricKind};
use crate::stats::bandit::{
    credible_interval, epsilon_greedy, floored, posterior, probability_best, total_variation, ArmData, Posterior,
    MIN_UNITS, MIN_WEIGHT,
};
use crate::stats::dist::chi2_sf;
use crate::stats::moments::Moments;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
#[serde(rename_all = "kebab-case")]
pub enum Strategy {
    /// Gaussian Thompson sampling, as GrowthBook's bandits: weight = 0.01 + (1 - 0.01 k) P(best)
    Thompson,
    /// The best arm by its mean gets 1 - E + E/k, every other E/k
    EpsilonGreedy,
}

#[derive(Debug, Clone, Copy)]
pub struct BanditOptions {
    pub strategy: Strategy,
    pub epsilon: f64,
    /// The level of the credible intervals is 1 - alpha.
    pub alpha: f64,
}

/// One arm: its data, its posterior and its weights now and next.
#[derive(Debug, Clone, Serialize)]
pub struct Arm {
    pub variant: String,
    /// The next weight (the current one when the weights are not updated).
    pub weight: f64,
    pub current_weight: f64,
    /// The probability that the arm is best in the metric's direction, by
    /// quadrature of the Gaussian posteriors.
    pub probability_best: f64,
    /// Units with a value of the metric.
    pub units: u64,
    /// The arm's mean: with several periods, Σ_p w_p · mean_p (w_p the
    /// period's share of all units), as GrowthBook weights them; a ratio's
    /// is the weighted numerator over the weighted denominator, and a CUPED
    /// metric's is adjusted by GrowthBook's pooled θ (plus its addback).
    pub mean: f64,
    /// The posterior mean (prior N(0, 1e4)).
    pub posterior_mean: f64,
    pub posterior_sd: f64,
    /// gbstats' interval: the mean ± z · posterior sd, at level 1 - alpha.
    pub ci: [f64; 2],
}

/// A stretch of the weight history and the units first seen in it.
#[derive(Debug, Clone, Serialize)]
pub struct Period {
    pub from: NaiveDate,
    pub weights: Vec<f64>,
    pub units: u64,
}

/// The bandit's sample-ratio check: expected units per arm Σ_p N_p · w_{v,p}.
#[derive(Debug, Clone, Serialize)]
pub struct BanditSrm {
    pub observed: Vec<u64>,
    pub expected: Vec<f64>,
    pub statistic: Option<f64>,
    pub p_value: Option<f64>,
    pub dof: f64,
    /// p < 0.001.
    pub mismatch: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub not_computed: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct BanditResult {
    pub experiment: String,
    pub metric: String,
    pub direction: Direction,
    pub strategy: Strategy,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub epsilon: Option<f64>,
    /// Whether the weights change (every arm has 100 units or more).
    pub updated: bool,
    pub message: String,
    /// The share of exposed units that switch arm if the weights are applied:
    /// the total variation distance between the current and next weights.
    pub units_switching: f64,
    pub weights: Vec<Arm>,
    pub periods: Vec<Period>,
    /// A CUPED primary metric's θ, pooled over the periods as GrowthBook's
    /// bandit SQL pools it (the means are adjusted by it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cuped_theta: Option<f64>,
    pub srm: BanditSrm,
    /// The credible intervals' level.
    pub level: f64,
    pub notes: Vec<String>,
}

/// The arms' statistics, per period (index into the periods) and variant.
struct Cells {
    /// moments[p][v]
    moments: Vec<Vec<Moments>>,
    /// units[p][v]
    units: Vec<Vec<u64>>,
}

/// The period of a value of the period column: the last entry dated on or
/// before it (the first for earlier values). Values are dates, or
/// timestamps whose first 10 characters are one.
fn period_of(value: &str, dates: &[NaiveDate], column: &str, name: &str) -> Result<usize> {
    let day = value.get(..10).and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok()).ok_or_else(|| {
        AbxError::input(
            name,
            format!(
                "`{column}` holds `{}`, not a date: the period of a unit is the last reweight on or before the day it was first exposed, so the column must be its first exposure's date (YYYY-MM-DD) or timestamp",
                crate::bounds::quote(value)
            ),
        )
    })?;
    Ok(dates.iter().rposition(|d| *d <= day).unwrap_or(0))
}

/// Computes the next weights of `exp` from `slices` (one per value of the
/// period column, or one of all units), as the module says.
pub fn bandit(
    exp: &Experiment,
    slices: Vec<Slice>,
    column: Option<&str>,
    name: &str,
    opts: &BanditOptions,
) -> Result<BanditResult> {
    let metric = exp.metric(&exp.primary_name()).ok_or_else(|| {
        AbxError::input(exp.name.as_str(), "the experiment has no `metrics`: a bandit needs its primary metric")
    })?;
    let k = exp.variants.len();
    let current = exp.normalized_weights();
    // The history's entries, or one period of the current weights.
    let history: Vec<(Option<NaiveDate>, Vec<f64>)> = if exp.weight_history.is_empty() {
        vec![(None, current.clone())]
    } else {
        exp.weight_history.iter().map(|e| (Some(e.date), e.weights.clone())).collect()
    };
    if history.len() > 1 && column.is_none() {
        return Err(AbxError::Usage(format!(
            "experiment `{}` was reweighted ({}, weight_history): its arms' means must be weighted by period, as GrowthBook does, so name the column with each unit's first exposure date: --period-column COLUMN",
            exp.name,
            crate::numfmt::plural((history.len() - 1) as u64, "reweight")
        )));
    }
    let dates: Vec<NaiveDate> = history.iter().filter_map(|h| h.0).collect();
    let mut cells =
        Cells { moments: vec![vec![Moments::default(); k]; history.len()], units: vec![vec![0; k]; history.len()] };
    for (value, stats, units) in &slices {
        let p = match column {
            Some(c) if history.len() > 1 => period_of(value, &dates, c, name)?,
            _ => 0,
        };
        for (v, variant) in exp.variants.iter().enumerate() {
            if let Some(mo) = stats.get(&(variant.name.clone(), metric.name.clone())) {
                cells.moments[p][v] = cells.moments[p][v].merge(mo);
            }
            cells.units[p][v] += units.get(&variant.name).copied().unwrap_or(0);
        }
    }
    let dates: Vec<Option<NaiveDate>> = history.iter().map(|h| h.0).collect();
    let Step { arms, posteriors: posts, p_best, next, updated, theta } =
        step(exp, metric, &cells.moments, &dates, &current, opts, name)?;
    if arms.iter().all(|a| a.n == 0.0) {
        return Err(AbxError::input(
            name,
            format!(
                "the data has no units with a value of `{}`: there is nothing to update the weights from",
                metric.name
            ),
        ));
    }
    if let Some(v) = arms.iter().position(|a| a.n == 0.0) {
        return Err(AbxError::input(
            name,
            format!(
                "`{}` has no units with a value of `{}`: its posterior would be the prior's alone, so its P(best) would say nothing",
                exp.variants[v].name, metric.name
            ),
        ));
    }
    let few: Vec<String> = exp
        .variants
        .iter()
        .zip(&arms)
        .filter(|(_, a)| a.n < MIN_UNITS)
        .map(|(v, a)| format!("{} ({})", v.name, a.n))
        .collect();
    let message = if updated {
        "updated: every arm has at least 100 units".to_string()
    } else {
        format!(
            "not updated: every arm needs at least 100 units with a value of `{}`; {} {} fewer",
            metric.name,
            few.join(", "),
            if few.len() == 1 { "has" } else { "have" }
        )
    };
    let mut notes = vec![
        "bandit estimates are biased: each arm's traffic followed its results, so these means, intervals and probabilities are not those of a fixed split; decide with a linked A/B test (the bandit's winner against the control at a fixed split)".to_string(),
    ];
    for (v, a) in exp.variants.iter().zip(&arms) {
        if a.variance <= 0.0 && a.n > 0.0 {
            notes.push(format!(
                "`{}` has no variance (every value equal): its posterior is the prior N(0, 1e4), as in GrowthBook",
                v.name
            ));
        }
    }
    if let Some((i, p)) = p_best.iter().enumerate().max_by(|a, b| a.1.total_cmp(b.1)) {
        if *p >= 0.95 {
            notes.push(format!(
                "`{}` is best with probability {} (GrowthBook marks a winner at 0.95): confirm it with a linked A/B test before shipping it",
                exp.variants[i].name,
                crate::numfmt::sig(*p)
            ));
        }
    }
    let weights = exp
        .variants
        .iter()
        .enumerate()
        .map(|(v, variant)| Arm {
            variant: variant.name.clone(),
            weight: next[v],
            current_weight: current[v],
            probability_best: p_best[v],
            units: arms[v].n as u64,
            mean: arms[v].mean,
            posterior_mean: posts[v].mean,
            posterior_sd: posts[v].sd,
            ci: credible_interval(arms[v].mean, posts[v].sd, opts.alpha),
        })
        .collect();
    let periods = history
        .iter()
        .enumerate()
        .filter_map(|(p, (d, w))| d.map(|from| Period { from, weights: w.clone(), units: cells.units[p].iter().sum() }))
        .collect();
    Ok(BanditResult {
        experiment: exp.name.clone(),
        metric: metric.name.clone(),
        direction: metric.direction,
        strategy: opts.strategy,
        epsilon: (opts.strategy == Strategy::EpsilonGreedy).then_some(opts.epsilon),
        updated,
        message,
        units_switching: total_variation(&current, &next),
        weights,
        periods,
        cuped_theta: theta,
        srm: srm(&cells, &history),
        level: 1.0 - opts.alpha,
        notes,
    })
}

/// One bandit update: the arms' data, posteriors, P(best) and next weights.
pub struct Step {
    pub arms: Vec<ArmData>,
    pub posteriors: Vec<Posterior>,
    pub p_best: Vec<f64>,
    /// The next weights (`current` while an arm has fewer than 100 units).
    pub next: Vec<f64>,
    pub updated: bool,
    /// A CUPED metric's pooled θ.
    pub theta: Option<f64>,
}

/// The update from the primary metric's moments per period and variant
/// (`moments[p][v]`, periods dated by `dates` for messages) and the current
/// weights: what `abx bandit` and `abx simulate --bandit` both run.
pub fn step(
    exp: &Experiment,
    metric: &Metric,
    moments: &[Vec<Moments>],
    dates: &[Option<NaiveDate>],
    current: &[f64],
    opts: &BanditOptions,
    name: &str,
) -> Result<Step> {
    let (arms, theta) = arm_data(exp, metric, moments, dates, name)?;
    let lower = metric.direction == Direction::Decrease;
    let posteriors: Vec<Posterior> = arms.iter().map(posterior).collect();
    let p_best = probability_best(&posteriors, lower);
    let updated = arms.iter().all(|a| a.n >= MIN_UNITS);
    let next = match (updated, opts.strategy) {
        (false, _) => current.to_vec(),
        (true, Strategy::Thompson) => floored(&p_best, MIN_WEIGHT),
        (true, Strategy::EpsilonGreedy) => {
            epsilon_greedy(&arms.iter().map(|a| a.mean).collect::<Vec<_>>(), lower, opts.epsilon)
        }
    };
    Ok(Step { arms, posteriors, p_best, next, updated, theta })
}

/// One arm's statistics summed over the periods as GrowthBook's bandit SQL
/// sums them (`bandit-statistics-cte.ts`), w_p = N_p/N the period's share
/// of all units: the period-weighted means M = Σ_p w_p·mean_p of the value x
/// and of y (denominator or covariate), and the variances of those means,
/// V = Σ_p w_p²·s²_p/n_p, and their covariance C = Σ_p w_p²·cov_p/n_p.
/// With one period, w = 1: the arm's own means and variances over n.
#[derive(Debug, Clone, Copy, Default)]
struct Pooled {
    n: f64,
    mx: f64,
    vx: f64,
    my: f64,
    vy: f64,
    c: f64,
}

/// Each arm's n, mean and (pseudo) variance as gbstats reads GrowthBook's
/// period-weighted sums (`create_bandit_statistics`, `bandits.py`):
/// - mean and proportion: SampleMeanStatistic, variance n·V (for a bandit,
///   `process_experiment_results` reads a binomial metric as a count one:
///   over periods its values are not iid);
/// - ratio: `variance_of_ratios` of the weighted numerator and denominator;
/// - a covariate (CUPED): BanditsCuped, with GrowthBook's pooled θ and its
///   addback θ·(the covariate's mean over all units).
fn arm_data(
    exp: &Experiment,
    metric: &Metric,
    moments: &[Vec<Moments>],
    dates: &[Option<NaiveDate>],
    name: &str,
) -> Result<(Vec<ArmData>, Option<f64>)> {
    let k = exp.variants.len();
    let total_n: f64 = moments.iter().flatten().map(|m| m.n).sum();
    let weight: Vec<f64> = moments.iter().map(|p| p.iter().map(|m| m.n).sum::<f64>() / total_n).collect();
    let mut pooled = vec![Pooled::default(); k];
    for (v, arm) in pooled.iter_mut().enumerate() {
        arm.n = moments.iter().map(|p| p[v].n).sum();
        for (p, period) in moments.iter().enumerate() {
            let n_p: f64 = period.iter().map(|m| m.n).sum();
            if n_p == 0.0 {
                continue;
            }
            let mo = &period[v];
            if mo.n == 0.0 {
                let from = dates.get(p).copied().flatten().map_or(format!("period {}", p + 1), |d| d.to_string());
                return Err(AbxError::input(
                    name,
                    format!(
                        "`{}` has no units in the period from {from}, which has {n_p} units in other arms: its period-weighted mean is not defined",
                        exp.variants[v].name
                    ),
                ));
            }
            let w = weight[p];
            arm.mx += w * mo.mean();
            arm.my += w * mo.mean_y();
            // The SQL's `bps.users <= 1` cells add no variance.
            if mo.n > 1.0 {
                arm.vx += w * w * mo.var() / mo.n;
                arm.vy += w * w * mo.var_y() / mo.n;
                arm.c += w * w * mo.cov() / mo.n;
            }
        }
    }
    let theta = if metric.covariate.is_some() { pooled_theta(moments, &weight) } else { 0.0 };
    // BanditsCuped.addback: θ · Σ_v n_v·M_pre,v / Σ_v n_v.
    let addback = if total_n > 0.0 { theta * pooled.iter().map(|a| a.n * a.my).sum::<f64>() / total_n } else { 0.0 };
    pooled
        .iter()
        .map(|a| {
            let n = a.n;
            // gbstats' SampleMeanStatistic.variance of the synthesized sums: 0 for n <= 1.
            let many = n > 1.0;
            let (mean, variance) = match metric.kind {
                MetricKind::Ratio => {
                    if a.my == 0.0 && n > 0.0 {
                        return Err(AbxError::input(
                            name,
                            format!(
                                "the denominator of `{}` averages 0 in an arm: its ratio is not defined",
                                metric.name
                            ),
                        ));
                    }
                    if n == 0.0 {
                        (0.0, 0.0)
                    } else {
                        let (vm, vd, c) = if many { (n * a.vx, n * a.vy, n * a.c) } else { (0.0, 0.0, 0.0) };
                        // gbstats variance_of_ratios (the delta method).
                        let (mm, md) = (a.mx, a.my);
                        (mm / md, vm / (md * md) + vd * mm * mm / md.powi(4) - 2.0 * c * mm / md.powi(3))
                    }
                }
                MetricKind::Mean | MetricKind::Proportion if metric.covariate.is_some() => {
                    // RegressionAdjustedStatistic.variance: post + θ²·pre - 2θ·cov, each n times the pooled one.
                    let variance = if many { n * a.vx + theta * theta * n * a.vy - 2.0 * theta * n * a.c } else { 0.0 };
                    (a.mx - theta * a.my + addback, variance)
                }
                MetricKind::Mean | MetricKind::Proportion => (a.mx, if many { n * a.vx } else { 0.0 }),
            };
            Ok(ArmData { n, mean, variance })
        })
        .collect::<Result<Vec<_>>>()
        .map(|arms| (arms, metric.covariate.is_some().then_some(theta)))
}

/// GrowthBook's θ of a CUPED bandit (`bandit-statistics-cte.ts`, `__theta`):
/// Σ_p w_p²·cov_p / Σ_p w_p²·var_p, with cov_p and var_p the sample
/// covariance of value and covariate, and the covariate's sample variance,
/// over all units of period p (every arm); 0 when the denominator is not positive.
fn pooled_theta(moments: &[Vec<Moments>], weight: &[f64]) -> f64 {
    let (mut num, mut den) = (0.0, 0.0);
    for (period, w) in moments.iter().zip(weight) {
        let n_p: f64 = period.iter().map(|m| m.n).sum();
        if n_p - 1.0 <= 0.0 {
            continue;
        }
        let (mx, my) = (
            period.iter().map(|m| m.n * m.mean()).sum::<f64>() / n_p,
            period.iter().map(|m| m.n * m.mean_y()).sum::<f64>() / n_p,
        );
        // Pooled sums of squares from each arm's: within plus between.
        let (mut syy, mut sxy) = (0.0, 0.0);
        for m in period.iter().filter(|m| m.n > 0.0) {
            let (dx, dy) = (m.mean() - mx, m.mean_y() - my);
            syy += (m.n - 1.0) * m.var_y() + m.n * dy * dy;
            sxy += (m.n - 1.0) * m.cov() + m.n * dx * dy;
        }
        num += w * w * sxy / (n_p - 1.0);
        den += w * w * syy / (n_p - 1.0);
    }
    if den <= 0.0 {
        0.0
    } else {
        num / den
    }
}

/// The bandit SRM (GrowthBook `experiment-aggregate-units-query.ts`):
/// expected_v = Σ_p N_p·w_{v,p}, Σ (O − E)²/E on k − 1 degrees of freedom;
/// not computed while an arm has fewer than 5 units.
fn srm(cells: &Cells, history: &[(Option<NaiveDate>, Vec<f64>)]) -> BanditSrm {
    let k = history[0].1.len();
    let mut expected = vec![0.0; k];
    let mut observed = vec![0u64; k];
    for (p, units) in cells.units.iter().enumerate() {
        let n_p: u64 = units.iter().sum();
        for v in 0..k {
            expected[v] += n_p as f64 * history[p].1[v];
            observed[v] += units[v];
        }
    }
    let dof = (k - 1) as f64;
    let few = observed.iter().any(|&o| o < 5);
    let zero = expected.iter().any(|&e| e <= 0.0);
    if few || zero {
        let why = if few { "an arm has fewer than 5 units" } else { "an arm's expected units are 0 (weight 0)" };
        return BanditSrm {
            observed,
            expected,
            statistic: None,
            p_value: None,
            dof,
            mismatch: false,
            not_computed: Some(why.into()),
        };
    }
    let statistic: f64 = observed.iter().zip(&expected).map(|(&o, &e)| (o as f64 - e).powi(2) / e).sum();
    let p = chi2_sf(statistic, dof);
    BanditSrm {
        observed,
        expected,
        statistic: Some(statistic),
        p_value: Some(p),
        dof,
        mismatch: p < super::SRM_P,
        not_computed: None,
    }
}
