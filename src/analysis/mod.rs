//! From per-variant sufficient statistics to the experiment readout: each
//! metric's per-variant figures, each treatment's comparison with control
//! (contract fields plus GrowthBook's relative effect), the judgement of
//! each comparison by the method's one test, corrections, and the
//! sample-ratio check, from sufficient statistics (no I/O). `readout` reads
//! an experiment's input through `src/data/` into them; `verdict` decides on
//! a readout; `calculators` are `abx test`'s tests from summary numbers.
//!
//! Every comparison is judged by one test, named in its `test` field: the
//! mark a readout shows, the p-value (or chance to win) beside it and the
//! intervals it prints all come from that test, at the level that matches
//! its threshold, so that a mark never stands beside an interval that
//! disagrees with it.
//! - frequentist: the test of the difference the contract fixes (Welch's t
//!   for means, the pooled z for proportions, the delta-method t of gbstats
//!   for ratio and CUPED metrics); the relative interval inverts the same
//!   test (Fieller's interval for means, ratios and CUPED; the score
//!   intervals of Mee and Koopman for proportions);
//! - sequential: gbstats' confidence sequence on the relative lift and its
//!   always-valid p-value;
//! - bayesian: gbstats' posterior on the relative lift, judged by the
//!   decision's chance to win and expected loss, the interval the posterior
//!   interval at the level of that chance.

pub mod bandit;
pub mod board;
pub mod calculators;
pub mod readout;
pub mod verdict;

use std::collections::HashMap;

use serde::{Serialize, Serializer};

use crate::experiment::Metric;
pub use crate::experiment::{Correction, Method};
use crate::experiment::{Decision, Direction, Experiment, MetricKind};
use crate::stats::dist::{norm_ppf, t_isf};
use crate::stats::gbstats::{self, Arm, Prior, Sums};
use crate::stats::htest::{
    chi2_goodness_of_fit, fieller_set, score_interval_diff, score_interval_ratio, two_means, two_proportions, Counts,
    RelativeCi, RelativeSet, Summary,
};
use crate::stats::moments::Moments;
use crate::stats::{Alternative, Interval};

/// Which comparisons a correction adjusts together.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Family {
    /// The treatments of each metric (the experiment's `decision.correction`,
    /// the family `abx verdict` decides on).
    Treatments,
    /// Every treatment of every metric (`abx analyze --correction`).
    TreatmentsXMetrics,
}

#[derive(Debug, Clone, Copy)]
pub struct Options {
    pub method: Method,
    pub alpha: f64,
    pub correction: Correction,
    pub family: Family,
    pub sequential_tuning: f64,
    pub prior: Option<Prior>,
    /// Bayesian: the chance to beat control that counts as a win (before correction).
    pub chance_to_win: f64,
    /// Bayesian: the largest expected relative loss of promoting that is accepted.
    pub max_risk: f64,
}

impl Options {
    /// The experiment's own decision settings: what `abx verdict` uses, and
    /// what `abx analyze` uses unless flags say otherwise.
    pub fn from_decision(d: &Decision) -> Options {
        Options {
            method: d.method,
            alpha: d.alpha,
            correction: d.correction,
            family: Family::Treatments,
            sequential_tuning: d.sequential_tuning,
            prior: None,
            chance_to_win: d.chance_to_win,
            max_risk: d.max_risk,
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct VariantStats {
    pub variant: String,
    /// Non-missing values.
    pub n: u64,
    /// Missing values (null, NaN, empty), excluded from the figures.
    pub missing: u64,
    /// The mean (a ratio's Σ numerator / Σ denominator); null without values.
    pub mean: f64,
    /// Null with fewer than 2 values.
    pub sd: f64,
    pub sum: f64,
}

/// An interval as `[low, high]` in JSON (open ends null).
fn interval_pair<S: Serializer>(i: &Option<Interval>, s: S) -> Result<S::Ok, S::Error> {
    match i {
        Some(i) => [i.low, i.high].serialize(s),
        None => s.serialize_none(),
    }
}

/// The one test a comparison is judged by, with everything a readout shows
/// beside its mark.
#[derive(Debug, Clone, Serialize)]
pub struct Judgement {
    /// `welch_t`, `pooled_z`, `delta_t` (ratio and CUPED), `sequential` or `bayesian`.
    pub name: &'static str,
    /// Whether the test could be computed (both arms with values, variance, a
    /// positive control mean for relative methods). When not, the comparison
    /// is neither better nor worse, and `not_measurable` says why.
    pub measurable: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub not_measurable: Option<String>,
    /// The test's p-value (null for bayesian), and after the correction.
    pub p_value: Option<f64>,
    pub p_value_adjusted: Option<f64>,
    /// Bayesian: the chance that the treatment is better, in the metric's better direction.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub chance_to_win: Option<f64>,
    /// Bayesian: the expected relative loss of promoting the treatment.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub risk: Option<f64>,
    /// What the test is compared with: alpha for p-values, the chance to win
    /// needed (after the correction) for bayesian.
    pub threshold: f64,
    /// The coverage of the intervals below: 1 - alpha, or for bayesian
    /// 2 threshold - 1, so that each excludes 0 exactly when the test says so.
    pub level: f64,
    /// The interval of treatment minus control (frequentist only).
    #[serde(serialize_with = "interval_pair")]
    pub diff_ci: Option<Interval>,
    /// The interval of the relative lift; null when it is unbounded or not
    /// defined (a control mean that is not positive).
    #[serde(serialize_with = "interval_pair")]
    pub lift_ci: Option<Interval>,
    /// When the relative set is two rays, (-∞, low] and [high, ∞) (then `lift_ci` is null).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lift_rays: Option<[f64; 2]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lift_note: Option<String>,
    /// Bayesian: the posterior's mean and sd, for the interval at the corrected level.
    #[serde(skip)]
    posterior: Option<(f64, f64)>,
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
    /// `p_value` adjusted by the correction, in the correction's family.
    pub p_value_adjusted: f64,
    /// Cohen's d (means, ratios, CUPED: the diff over the arms' pooled sd) or h (proportions).
    pub effect_size: f64,
    /// CUPED: the pooled θ the metric was adjusted by (0: no adjustment, as gbstats does).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub theta: Option<f64>,
    /// CUPED: 1 - var(adjusted diff) / var(unadjusted diff).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub variance_reduction: Option<f64>,
    /// The test this comparison is judged by.
    pub test: Judgement,
    /// The test finds a difference (either direction).
    pub significant: bool,
    /// Significant and in the metric's better direction.
    pub better: bool,
    /// Significant and in the metric's worse direction.
    pub worse: bool,
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
    pub correction_family: Family,
    /// Bayesian: the chance to win that counts, before the correction.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub chance_to_win_threshold: Option<f64>,
    /// Bayesian: the expected loss accepted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_risk: Option<f64>,
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
    let primary = exp.primary_name();
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
                    // Never a made-up 0: without values there is no mean.
                    mean: if mo.n > 0.0 { a.mean } else { f64::NAN },
                    sd: if mo.n > 1.0 { a.var.max(0.0).sqrt() } else { f64::NAN },
                    sum: mo.total(),
                }
            })
            .collect();
        let names = (exp.variants[0].name.as_str(), "");
        let comparisons = exp.variants[1..]
            .iter()
            .map(|v| compare(m, control, get(&v.name, &m.name), (names.0, &v.name), opts))
            .collect();
        metrics.push(MetricResult {
            name: m.name.clone(),
            kind: m.kind,
            direction: m.direction,
            primary: primary == m.name,
            variants,
            comparisons,
        });
    }
    judge(&mut metrics, opts);

    // SRM on the units per variant (else the primary metric's n).
    let observed: Vec<f64> = exp
        .variants
        .iter()
        .map(|v| units.map_or_else(|| get(&v.name, &primary).n, |u| u.get(&v.name).copied().unwrap_or(0) as f64))
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
    let bayes = opts.method == Method::Bayesian;
    Analysis {
        experiment: exp.name.clone(),
        method: opts.method,
        alpha: opts.alpha,
        correction: opts.correction,
        correction_family: opts.family,
        chance_to_win_threshold: bayes.then_some(opts.chance_to_win),
        max_risk: bayes.then_some(opts.max_risk),
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

/// How a metric's difference is tested (frequentist), by kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum DiffTest {
    /// Welch's t on the means (`abx test means`).
    Welch,
    /// The pooled two-proportion z-test (`abx test proportions`).
    PooledZ,
    /// gbstats' t-test of the absolute difference on delta-method or
    /// CUPED-adjusted variances.
    Delta,
}

fn diff_test(m: &Metric) -> DiffTest {
    match (m.kind, m.covariate.is_some()) {
        (MetricKind::Ratio, _) | (MetricKind::Mean | MetricKind::Proportion, true) => DiffTest::Delta,
        (MetricKind::Mean, false) => DiffTest::Welch,
        (MetricKind::Proportion, false) => DiffTest::PooledZ,
    }
}

/// Why an arm cannot be measured, if it cannot.
fn arm_problem(name: &str, m: &Metric, mo: &Moments, a: &Arm) -> Option<String> {
    if a.n < 2.0 {
        let values = if a.n == 0.0 { "no values".to_string() } else { "1 value".to_string() };
        return Some(format!("{name} has {values} of {} (an interval needs at least 2)", m.name));
    }
    let flat = || format!("{name} has no variance in {} (every value is the same): there is no interval", m.name);
    match m.kind {
        // A 0/1 arm without variance (all 0 or all 1) is data, not a failure.
        MetricKind::Proportion if m.covariate.is_none() => None,
        MetricKind::Ratio if mo.mean_y() == 0.0 => {
            Some(format!("the denominator of {} sums to 0 in {name}: the ratio is not defined", m.name))
        }
        MetricKind::Proportion | MetricKind::Mean | MetricKind::Ratio => {
            (!(a.var > 0.0 && a.var.is_finite())).then(flat)
        }
    }
}

/// The comparison of treatment `t` with control `c` on metric `m`: the
/// contract's fields, gbstats' relative effect, and the test's judgement
/// (p-values and marks are set by [`judge`] once all comparisons are known).
fn compare(m: &Metric, c: Moments, t: Moments, (control, name): (&str, &str), opts: &Options) -> Comparison {
    let two = Alternative::TwoSided;
    let (raw_a, raw_b) = (raw_arm(m, c), raw_arm(m, t));
    let (mut a, mut b) = (raw_a, raw_b);
    let mut theta = None;
    let mut variance_reduction = None;
    let test = diff_test(m);
    let (diff, ci, p_value, effect_size) = match test {
        DiffTest::Delta => {
            if m.covariate.is_some() {
                // CUPED with θ pooled over control and this treatment (gbstats' compute_theta).
                let proportion = m.kind == MetricKind::Proportion;
                let th = gbstats::cuped_theta(sums(c.merge(&t)), proportion);
                if th != 0.0 {
                    let pre_var = |mo: Moments| if proportion { mo.mean_y() * (1.0 - mo.mean_y()) } else { mo.var_y() };
                    let (a2, b2) =
                        (Arm::cuped(sums(c), a.var, pre_var(c), th), Arm::cuped(sums(t), b.var, pre_var(t), th));
                    let before = a.var / a.n + b.var / b.n;
                    variance_reduction = Some(1.0 - (a2.var / a2.n + b2.var / b2.n) / before);
                    (a, b) = (a2, b2);
                } else {
                    variance_reduction = Some(0.0);
                }
                theta = Some(th);
            }
            let r = gbstats::absolute(a, b, opts.alpha);
            // Cohen's d with the arms' variances pooled equally (Cohen 1988, 2.3.2).
            let d = r.lift / ((a.var + b.var) / 2.0).sqrt();
            (r.lift, r.ci, r.p_value, d)
        }
        DiffTest::Welch => {
            let s = |mo: Moments| Summary { n: mo.n, mean: mo.mean(), sd: mo.var().max(0.0).sqrt() };
            let r = two_means(s(c), s(t), opts.alpha, false, two, RelativeCi::Delta);
            (r.diff, r.ci, r.p_value, r.cohens_d)
        }
        DiffTest::PooledZ => {
            let k = |mo: Moments| Counts { successes: mo.total(), trials: mo.n };
            let r = two_proportions(k(c), k(t), opts.alpha, two, RelativeCi::Delta);
            (r.diff, r.ci, r.p_value, r.cohens_h)
        }
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
        test: Judgement {
            name: "",
            measurable: true,
            not_measurable: None,
            p_value: None,
            p_value_adjusted: None,
            chance_to_win: None,
            risk: None,
            threshold: opts.alpha,
            level: 1.0 - opts.alpha,
            diff_ci: None,
            lift_ci: None,
            lift_rays: None,
            lift_note: None,
            posterior: None,
        },
        significant: false,
        better: false,
        worse: false,
    };
    // gbstats' relative effect (the contract's lift fields).
    let bayes = match opts.method {
        Method::Frequentist | Method::Sequential => {
            let r = if opts.method == Method::Frequentist {
                gbstats::frequentist(a, b, opts.alpha)
            } else {
                gbstats::sequential(a, b, opts.alpha, opts.sequential_tuning)
            };
            (out.lift, out.lift_ci_low, out.lift_ci_high, out.lift_p_value) =
                (r.lift, r.ci.low, r.ci.high, Some(r.p_value));
            None
        }
        Method::Bayesian => {
            let r = gbstats::bayesian(a, b, opts.alpha, opts.prior);
            (out.lift, out.lift_ci_low, out.lift_ci_high) = (r.lift, r.ci.low, r.ci.high);
            (out.chance_to_win, out.risk_control, out.risk_treatment) =
                (Some(r.chance_to_win), Some(r.risk_control), Some(r.risk_treatment));
            Some(r)
        }
    };

    // The judging test: what makes it computable, and its intervals.
    let arms = arm_problem(control, m, &c, &raw_a).or_else(|| arm_problem(name, m, &t, &raw_b));
    let (arms_bad, gb_default) = (arms.is_some(), gbstats::uninformative(a, b));
    // gbstats gives its uninformative default (no lift) on these.
    let gb_blank = gbstats::uninformative(a, b)
        .then(|| format!("gbstats cannot compute the relative effect of {}: an arm has no variance", m.name));
    let base = raw_a.unadjusted;
    let j = &mut out.test;
    let positive_base = base > 0.0 && base.is_finite();
    let base_note =
        || format!("the control mean of {} is {}, so a relative lift is not defined", m.name, crate::numfmt::sig(base));
    match opts.method {
        Method::Frequentist => {
            j.name = match test {
                DiffTest::Welch => "welch_t",
                DiffTest::PooledZ => "pooled_z",
                DiffTest::Delta => "delta_t",
            };
            let pooled_flat = test == DiffTest::PooledZ && !(p_value.is_finite());
            j.not_measurable = arms.or_else(|| {
                pooled_flat
                    .then(|| format!("every unit has the same value of {} in both arms: there is no test", m.name))
            });
            j.p_value = Some(p_value);
            match test {
                DiffTest::PooledZ => {
                    let k = |mo: Moments| Counts { successes: mo.total(), trials: mo.n };
                    if c.n > 0.0 && t.n > 0.0 {
                        j.diff_ci = Some(score_interval_diff(k(c), k(t), opts.alpha));
                        j.lift_ci = score_interval_ratio(k(c), k(t), opts.alpha);
                    }
                }
                DiffTest::Welch | DiffTest::Delta => {
                    if ci.low.is_finite() && ci.high.is_finite() {
                        j.diff_ci = Some(ci);
                    }
                    // Fieller's interval with the test's own critical value.
                    let (va, vb) = (a.var / a.n, b.var / b.n);
                    let q = t_isf(opts.alpha / 2.0, gbstats::welch_dof(a, b));
                    // -Cov(Δ, control mean): the control's own variance, or for
                    // CUPED the covariance of the adjusted and raw control means.
                    let neg_cov = match (test, theta) {
                        (DiffTest::Delta, Some(th)) => (raw_a.var - th * sums(c).cov_xy) / c.n,
                        _ => va,
                    };
                    let var_base = raw_a.var / c.n;
                    match fieller_set(diff, va + vb, base, var_base, neg_cov, q) {
                        RelativeSet::Interval(i) => j.lift_ci = Some(i),
                        RelativeSet::Rays(low, high) => j.lift_rays = Some([low, high]),
                        RelativeSet::All => {}
                    }
                }
            }
            if !positive_base {
                (j.lift_ci, j.lift_rays) = (None, None);
                j.lift_note = Some(base_note());
            } else if let Some([low, high]) = j.lift_rays {
                j.lift_note = Some(format!(
                    "control's mean is not clearly away from 0, so the relative interval is two rays: at most {} and at least {}",
                    crate::numfmt::sig(low),
                    crate::numfmt::sig(high)
                ));
            } else if j.lift_ci.is_none() {
                j.lift_note =
                    Some("the relative interval is unbounded: control's mean is not clearly away from 0".into());
            }
        }
        Method::Sequential => {
            j.name = "sequential";
            j.not_measurable = arms.or_else(|| (!positive_base).then(base_note)).or(gb_blank);
            j.p_value = out.lift_p_value;
            j.lift_ci = Some(Interval { low: out.lift_ci_low, high: out.lift_ci_high });
        }
        Method::Bayesian => {
            j.name = "bayesian";
            j.not_measurable = arms.or_else(|| (!positive_base).then(base_note)).or(gb_blank);
            // The interval is made by `judge`, which knows the corrected threshold.
            j.posterior = bayes.map(|r| (r.lift, r.sd));
        }
    }
    j.measurable = j.not_measurable.is_none();
    if !j.measurable {
        (j.diff_ci, j.lift_ci, j.lift_rays) = (None, None, None);
    }
    // Where the figures cannot be computed they are null, never a made-up 0
    // or 1: gbstats' uninformative default (lift 0, p = 1) for the relative
    // effect, and every figure when an arm cannot be measured.
    let nan = f64::NAN;
    if gb_default || arms_bad {
        (out.lift, out.lift_ci_low, out.lift_ci_high) = (nan, nan, nan);
        out.lift_p_value = out.lift_p_value.map(|_| nan);
        out.chance_to_win = out.chance_to_win.map(|_| nan);
        out.risk_control = out.risk_control.map(|_| nan);
        out.risk_treatment = out.risk_treatment.map(|_| nan);
    }
    if arms_bad && m.kind != MetricKind::Proportion {
        (out.ci_low, out.ci_high, out.p_value, out.p_value_adjusted) = (nan, nan, nan, nan);
        out.test.p_value = None;
    }
    // Without values in an arm there is no effect at all.
    if c.n == 0.0 || t.n == 0.0 {
        (out.diff, out.ci_low, out.ci_high, out.p_value, out.p_value_adjusted) = (nan, nan, nan, nan, nan);
        (out.lift, out.lift_ci_low, out.lift_ci_high, out.effect_size) = (nan, nan, nan, nan);
        out.lift_p_value = out.lift_p_value.map(|_| nan);
        out.chance_to_win = out.chance_to_win.map(|_| nan);
        out.risk_control = out.risk_control.map(|_| nan);
        out.risk_treatment = out.risk_treatment.map(|_| nan);
        out.test.p_value = None;
    }
    out
}

/// Corrections within each family, then each comparison's judgement.
fn judge(metrics: &mut [MetricResult], opts: &Options) {
    let adjust = |p: &[f64]| crate::stats::multiple::adjust(opts.correction, p);
    // The families: (metric, comparison) indices adjusted together.
    let mut families: Vec<Vec<(usize, usize)>> = Vec::new();
    for (mi, m) in metrics.iter().enumerate() {
        let members = (0..m.comparisons.len()).map(|ci| (mi, ci));
        match (opts.family, families.first_mut()) {
            (Family::TreatmentsXMetrics, Some(all)) => all.extend(members),
            _ => families.push(members.collect()),
        }
    }
    for family in &families {
        // The contract's p_value, adjusted.
        let raw: Vec<f64> = family.iter().map(|&(m, c)| metrics[m].comparisons[c].p_value).collect();
        for (&(m, c), p) in family.iter().zip(adjust(&raw)) {
            metrics[m].comparisons[c].p_value_adjusted = p;
        }
        // The judging test's p-values, over the measurable comparisons.
        let judged: Vec<(usize, usize)> =
            family.iter().copied().filter(|&(m, c)| metrics[m].comparisons[c].test.measurable).collect();
        let p: Vec<f64> =
            judged.iter().map(|&(m, c)| metrics[m].comparisons[c].test.p_value.unwrap_or(f64::NAN)).collect();
        if opts.method != Method::Bayesian {
            for (&(m, c), adj) in judged.iter().zip(adjust(&p)) {
                metrics[m].comparisons[c].test.p_value_adjusted = Some(adj);
            }
        }
        // Bayesian: the chance-to-win threshold, Bonferroni-adjusted across the family.
        let k = judged.len().max(1) as f64;
        let needed = match opts.correction {
            Correction::None => opts.chance_to_win,
            Correction::Bonferroni | Correction::Holm | Correction::Bh => 1.0 - (1.0 - opts.chance_to_win) / k,
        };
        for &(m, c) in family {
            let direction = metrics[m].direction;
            let cmp = &mut metrics[m].comparisons[c];
            judge_one(cmp, direction, opts, needed);
        }
    }
}

fn judge_one(c: &mut Comparison, direction: Direction, opts: &Options, needed: f64) {
    let up = direction == Direction::Increase;
    let j = &mut c.test;
    // The difference's sign says which way (a negative control mean would flip a lift's).
    let way = |sig: bool| (sig && c.diff != 0.0 && (c.diff > 0.0) == up, sig && c.diff != 0.0 && (c.diff > 0.0) != up);
    let (better, worse) = match opts.method {
        Method::Frequentist | Method::Sequential => {
            way(j.measurable && j.p_value_adjusted.is_some_and(|p| p < opts.alpha))
        }
        Method::Bayesian => {
            j.threshold = needed;
            j.level = 2.0 * needed - 1.0;
            let w = c.chance_to_win.map(|w| if up { w } else { 1.0 - w });
            let risk = if up { c.risk_treatment } else { c.risk_control };
            if j.measurable {
                j.chance_to_win = w;
                j.risk = risk;
                if let Some((mean, sd)) = j.posterior {
                    // The equal-tailed posterior interval at 2 needed - 1: its
                    // worse end is 0 exactly at a chance to win of `needed`.
                    let half = norm_ppf(needed) * sd;
                    j.lift_ci = Some(Interval { low: mean - half, high: mean + half });
                }
            }
            let better = j.measurable && w.is_some_and(|w| w >= needed) && risk.is_some_and(|r| r <= opts.max_risk);
            let worse = j.measurable && w.is_some_and(|w| w <= 1.0 - needed);
            (better, worse)
        }
    };
    c.better = better;
    c.worse = worse;
    c.significant = better || worse;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::experiment::{parse_str, Experiment};
    use proptest::prelude::*;

    fn experiment(kind: &str) -> Experiment {
        let text = format!(
            "name: t\nvariants: [{{name: c}}, {{name: t}}, {{name: u}}]\nmetrics: [{{name: m, kind: {kind}}}]\n"
        );
        parse_str("t.yaml", &text).unwrap()
    }

    fn arm(kind: &str, n: f64, mean: f64, sd: f64) -> Moments {
        if kind == "proportion" {
            let x = (n * mean.clamp(0.0, 1.0)).round();
            return Moments::raw(n, x, x);
        }
        let s = n * mean;
        Moments::raw(n, s, sd * sd * (n - 1.0) + s * s / n)
    }

    proptest! {
        // One story: a comparison is significant exactly when the judging
        // test's intervals exclude 0 on the side of its effect; a mark is
        // never beside an interval that includes 0.
        #[test]
        fn the_mark_and_the_intervals_come_from_one_test(
            proportion in any::<bool>(),
            method in 0usize..3,
            correction in 0usize..2,
            n in proptest::collection::vec(30.0f64..5000.0, 3),
            mean in proptest::collection::vec(0.05f64..0.6, 3),
            sd in proptest::collection::vec(0.05f64..2.0, 3),
        ) {
            let kind = if proportion { "proportion" } else { "mean" };
            let exp = experiment(kind);
            let mut stats = HashMap::new();
            for (i, v) in ["c", "t", "u"].iter().enumerate() {
                stats.insert((v.to_string(), "m".to_string()), arm(kind, n[i].round(), mean[i], sd[i]));
            }
            let mut opts = Options::from_decision(&exp.decision);
            opts.method = [Method::Frequentist, Method::Sequential, Method::Bayesian][method];
            opts.correction = [Correction::None, Correction::Holm][correction];
            let a = analyze(&exp, &stats, None, &opts);
            for c in &a.metrics[0].comparisons {
                let j = &c.test;
                if !j.measurable {
                    prop_assert!(!c.significant && j.lift_ci.is_none());
                    continue;
                }
                let excludes = |i: &Option<Interval>| i.map(|i| i.low > 0.0 || i.high < 0.0);
                if c.better || c.worse {
                    for i in [j.diff_ci, j.lift_ci].iter().flatten() {
                        prop_assert!(i.low > 0.0 || i.high < 0.0, "{:?} with {:?}", i, c);
                        prop_assert_eq!(i.low > 0.0, c.diff > 0.0);
                    }
                }
                // Without a correction, and but for the bayesian risk rule, the converse holds.
                if correction == 0 && opts.method != Method::Bayesian {
                    for i in [&j.diff_ci, &j.lift_ci] {
                        if let Some(e) = excludes(i) {
                            prop_assert_eq!(e, c.significant, "{:?} vs {:?}", i, c);
                        }
                    }
                }
                if opts.method == Method::Bayesian {
                    let w = j.chance_to_win.unwrap();
                    let i = j.lift_ci.unwrap();
                    // The worse end is 0 exactly at the chance to win needed.
                    let up = i.low >= 0.0;
                    prop_assert_eq!(up, w >= j.threshold, "{:?} {} {}", i, w, j.threshold);
                }
            }
        }
    }
}
