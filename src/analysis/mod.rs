//! From per-variant sufficient statistics to the experiment readout: each
//! metric's per-variant figures, each treatment's comparison with control
//! (contract fields plus GrowthBook's relative effect), corrections across
//! treatments x metrics, and the sample-ratio check. No I/O: `abx analyze`
//! and (later) `abx verdict` feed it from `src/data/`.

pub mod verdict;

use std::collections::HashMap;

use serde::Serialize;

use crate::data::summary::Moments;
use crate::spec::Metric;
pub use crate::spec::{Correction, Method};
use crate::spec::{Direction, Experiment, MetricKind};
use crate::stats::gbstats::{self, Arm, Prior, Sums};
use crate::stats::htest::{chi2_goodness_of_fit, two_means, two_proportions, Counts, RelativeCi, Summary};
use crate::stats::multiple::{benjamini_hochberg, bonferroni, holm};
use crate::stats::Alternative;

#[derive(Debug, Clone, Copy)]
pub struct Options {
    pub method: Method,
    pub alpha: f64,
    pub correction: Correction,
    pub sequential_tuning: f64,
    pub prior: Option<Prior>,
}

#[derive(Debug, Clone, Serialize)]
pub struct VariantStats {
    pub variant: String,
    /// Non-missing values.
    pub n: u64,
    /// Missing values (null, NaN, empty), excluded from the figures.
    pub missing: u64,
    pub mean: f64,
    pub sd: f64,
    pub sum: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Comparison {
    pub variant: String,
    pub diff: f64,
    pub ci_low: f64,
    pub ci_high: f64,
    pub lift: f64,
    /// Unadjusted: Welch for means, pooled z for proportions (contract).
    pub p_value: f64,
    pub lift_ci_low: f64,
    pub lift_ci_high: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lift_p_value: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub chance_to_win: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub risk_control: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub risk_treatment: Option<f64>,
    /// `p_value` adjusted by the correction, across treatments x metrics.
    pub p_value_adjusted: f64,
    /// Cohen's d (means, ratios, CUPED: the diff over the arms' pooled sd) or h (proportions).
    pub effect_size: f64,
    /// CUPED: the pooled θ the metric was adjusted by (0: no adjustment, as gbstats does).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub theta: Option<f64>,
    /// CUPED: 1 - var(adjusted diff) / var(unadjusted diff).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub variance_reduction: Option<f64>,
    /// Significant at alpha by the method (after correction for frequentist).
    pub significant: bool,
    /// Significant and in the metric's better direction.
    pub better: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct MetricResult {
    pub name: String,
    pub kind: MetricKind,
    pub direction: Direction,
    pub primary: bool,
    pub variants: Vec<VariantStats>,
    pub comparisons: Vec<Comparison>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Srm {
    pub statistic: f64,
    pub p_value: f64,
    pub dof: f64,
    /// p < 0.001, as GrowthBook and Statsig flag it.
    pub mismatch: bool,
    pub observed: Vec<u64>,
    pub expected_share: Vec<f64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Analysis {
    pub experiment: String,
    pub method: Method,
    pub alpha: f64,
    pub correction: Correction,
    pub srm: Srm,
    pub metrics: Vec<MetricResult>,
}

/// The SRM threshold of GrowthBook and Statsig.
pub const SRM_P: f64 = 0.001;

/// Analyses `stats[(variant, metric)]`, which must hold every variant and metric
/// of `exp`. `units` (units per variant) feeds the sample-ratio check; without
/// it the primary metric's n does.
pub fn analyze(
    exp: &Experiment,
    stats: &HashMap<(String, String), Moments>,
    units: Option<&HashMap<String, u64>>,
    opts: &Options,
) -> Analysis {
    let get = |v: &str, m: &str| stats.get(&(v.to_string(), m.to_string())).copied().unwrap_or_default();
    let primary = exp.primary.clone().or_else(|| exp.metrics.first().map(|m| m.name.clone()));
    let mut metrics = Vec::new();
    for m in &exp.metrics {
        let control = get(&exp.variants[0].name, &m.name);
        let variants = exp
            .variants
            .iter()
            .map(|v| {
                let mo = get(&v.name, &m.name);
                let a = raw_arm(m, mo);
                VariantStats {
                    variant: v.name.clone(),
                    n: mo.n as u64,
                    missing: mo.missing as u64,
                    mean: a.mean,
                    sd: a.var.max(0.0).sqrt(),
                    sum: mo.total(),
                }
            })
            .collect();
        let comparisons =
            exp.variants[1..].iter().map(|v| compare(m, control, get(&v.name, &m.name), &v.name, opts)).collect();
        metrics.push(MetricResult {
            name: m.name.clone(),
            kind: m.kind,
            direction: m.direction,
            primary: primary.as_deref() == Some(m.name.as_str()),
            variants,
            comparisons,
        });
    }
    adjust(&mut metrics, opts);

    // SRM on the units per variant (else the primary metric's n).
    let srm_metric = primary.unwrap_or_default();
    let observed: Vec<f64> = exp
        .variants
        .iter()
        .map(|v| units.map_or_else(|| get(&v.name, &srm_metric).n, |u| u.get(&v.name).copied().unwrap_or(0) as f64))
        .collect();
    let weights: Vec<f64> = exp.normalized_weights();
    let chi = chi2_goodness_of_fit(&observed, &weights);
    let observed = observed.iter().map(|&n| n as u64).collect();
    let srm = Srm {
        statistic: chi.statistic,
        p_value: chi.p_value,
        dof: chi.dof,
        mismatch: chi.p_value < SRM_P,
        observed,
        expected_share: weights,
    };
    Analysis {
        experiment: exp.name.clone(),
        method: opts.method,
        alpha: opts.alpha,
        correction: opts.correction,
        srm,
        metrics,
    }
}

fn sums(m: Moments) -> Sums {
    Sums { n: m.n, mean_x: m.mean(), var_x: m.var(), mean_y: m.mean_y(), var_y: m.var_y(), cov_xy: m.cov() }
}

/// The arm as gbstats sees it, before any CUPED adjustment.
fn raw_arm(m: &Metric, mo: Moments) -> Arm {
    match m.kind {
        MetricKind::Mean => Arm::new(mo.n, mo.mean(), mo.var()),
        MetricKind::Proportion => Arm::proportion_metric(mo.n, mo.total()),
        MetricKind::Ratio => Arm::ratio_metric(sums(mo)),
    }
}

fn compare(m: &Metric, c: Moments, t: Moments, name: &str, opts: &Options) -> Comparison {
    let two = Alternative::TwoSided;
    let (mut a, mut b) = (raw_arm(m, c), raw_arm(m, t));
    let mut theta = None;
    let mut variance_reduction = None;
    let (diff, ci, p_value, effect_size) = if m.kind == MetricKind::Ratio || m.covariate.is_some() {
        if m.covariate.is_some() {
            // CUPED with θ pooled over control and this treatment (gbstats' compute_theta).
            let proportion = m.kind == MetricKind::Proportion;
            let th = gbstats::cuped_theta(sums(c.merge(&t)), proportion);
            if th != 0.0 {
                let pre_var = |mo: Moments| if proportion { mo.mean_y() * (1.0 - mo.mean_y()) } else { mo.var_y() };
                let (a2, b2) = (Arm::cuped(sums(c), a.var, pre_var(c), th), Arm::cuped(sums(t), b.var, pre_var(t), th));
                let before = a.var / a.n + b.var / b.n;
                variance_reduction = Some(1.0 - (a2.var / a2.n + b2.var / b2.n) / before);
                (a, b) = (a2, b2);
            } else {
                variance_reduction = Some(0.0);
            }
            theta = Some(th);
        }
        let r = gbstats::absolute(a, b, opts.alpha);
        // Cohen's d with the arms' variances pooled equally.
        let d = r.lift / ((a.var + b.var) / 2.0).sqrt();
        (r.lift, r.ci, r.p_value, d)
    } else if m.kind == MetricKind::Mean {
        let s = |mo: Moments| Summary { n: mo.n, mean: mo.mean(), sd: mo.var().max(0.0).sqrt() };
        let r = two_means(s(c), s(t), opts.alpha, false, two, RelativeCi::Delta);
        (r.diff, r.ci, r.p_value, r.cohens_d)
    } else {
        let k = |mo: Moments| Counts { successes: mo.total(), trials: mo.n };
        let r = two_proportions(k(c), k(t), opts.alpha, two, RelativeCi::Delta);
        (r.diff, r.ci, r.p_value, r.cohens_h)
    };
    let mut out = Comparison {
        variant: name.to_string(),
        diff,
        ci_low: ci.low,
        ci_high: ci.high,
        lift: f64::NAN,
        p_value,
        lift_ci_low: f64::NAN,
        lift_ci_high: f64::NAN,
        lift_p_value: None,
        chance_to_win: None,
        risk_control: None,
        risk_treatment: None,
        p_value_adjusted: p_value,
        effect_size,
        theta,
        variance_reduction,
        significant: false,
        better: false,
    };
    match opts.method {
        Method::Frequentist | Method::Sequential => {
            let r = if opts.method == Method::Frequentist {
                gbstats::frequentist(a, b, opts.alpha)
            } else {
                gbstats::sequential(a, b, opts.alpha, opts.sequential_tuning)
            };
            (out.lift, out.lift_ci_low, out.lift_ci_high, out.lift_p_value) =
                (r.lift, r.ci.low, r.ci.high, Some(r.p_value));
        }
        Method::Bayesian => {
            let r = gbstats::bayesian(a, b, opts.alpha, opts.prior);
            (out.lift, out.lift_ci_low, out.lift_ci_high) = (r.lift, r.ci.low, r.ci.high);
            (out.chance_to_win, out.risk_control, out.risk_treatment) =
                (Some(r.chance_to_win), Some(r.risk_control), Some(r.risk_treatment));
        }
    }
    out
}

/// Adjusted p-values across all treatments x metrics, then significance and direction.
fn adjust(metrics: &mut [MetricResult], opts: &Options) {
    let p: Vec<f64> = metrics.iter().flat_map(|m| m.comparisons.iter().map(|c| c.p_value)).collect();
    let adjusted = match opts.correction {
        Correction::None => p,
        Correction::Bonferroni => bonferroni(&p),
        Correction::Holm => holm(&p),
        Correction::Bh => benjamini_hochberg(&p),
    };
    let mut k = 0;
    for m in metrics.iter_mut() {
        for c in m.comparisons.iter_mut() {
            c.p_value_adjusted = adjusted[k];
            k += 1;
            c.significant = match opts.method {
                Method::Frequentist => c.p_value_adjusted < opts.alpha,
                Method::Sequential => c.lift_p_value.is_some_and(|p| p < opts.alpha),
                Method::Bayesian => c.chance_to_win.is_some_and(|w| w > 1.0 - opts.alpha / 2.0 || w < opts.alpha / 2.0),
            };
            let up = c.lift > 0.0;
            c.better = c.significant && (up == (m.direction == Direction::Increase));
        }
    }
}
