//! Synthetic experiments with known truth: unit-level data drawn for an
//! experiment file (for demos, tests and benchmarks), and simulation studies
//! that run many such experiments through the real analysis and verdict to
//! measure false-positive rates, peeking inflation and interval coverage.
//! No I/O: `abx simulate` writes and prints.
//!
//! Models, per metric kind:
//! - proportion: Bernoulli(p), p the baseline times (1 + lift); a CUPED
//!   covariate is a Bernoulli(baseline) correlated through a Gaussian copula;
//! - mean: lognormal with mean baseline × (1 + lift) and log-sd `SIGMA`; a
//!   covariate is lognormal with log-correlation `RHO`;
//! - ratio: the denominator is 1 + Poisson(2) (sessions), the numerator the
//!   denominator times a lognormal with mean baseline × (1 + lift).

pub mod bandit;

use std::collections::HashMap;

use chrono::NaiveDate;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, Poisson, StandardNormal};
use rayon::prelude::*;
use serde::Serialize;

use crate::analysis::verdict::{decide, Outcome};
use crate::analysis::{analyze, Method, Options};
use crate::assign::Bucketer;
use crate::experiment::{Experiment, MetricKind};
use crate::stats::dist::norm_ppf;
use crate::stats::moments::Moments;

/// Log-sd of lognormal metrics (coefficient of variation about 0.53).
pub const SIGMA: f64 = 0.5;
/// Correlation of a CUPED covariate with its metric (on the latent scale).
pub const RHO: f64 = 0.7;

/// How one metric is drawn: its baseline and each variant's relative lift.
#[derive(Debug, Clone)]
pub struct MetricModel {
    pub kind: MetricKind,
    pub baseline: f64,
    /// Relative lift per variant (0 for control).
    pub lifts: Vec<f64>,
    pub covariate: bool,
}

impl MetricModel {
    pub fn default_baseline(kind: MetricKind) -> f64 {
        match kind {
            MetricKind::Proportion => 0.1,
            MetricKind::Mean => 10.0,
            MetricKind::Ratio => 2.0,
        }
    }

    /// The true mean (or ratio) in `variant`.
    pub fn truth(&self, variant: usize) -> f64 {
        self.baseline * (1.0 + self.lifts[variant])
    }

    /// One unit's (x, y): y is the covariate or the denominator, else 0.
    pub fn draw(&self, rng: &mut ChaCha8Rng, variant: usize) -> (f64, f64) {
        let mean = self.truth(variant);
        match self.kind {
            MetricKind::Proportion if self.covariate => {
                let (z, w) = correlated(rng);
                (f64::from(z < norm_ppf(mean)), f64::from(w < norm_ppf(self.baseline)))
            }
            MetricKind::Proportion => (f64::from(rng.gen::<f64>() < mean), 0.0),
            MetricKind::Mean => {
                let (z, w) = if self.covariate { correlated(rng) } else { (rng.sample(StandardNormal), 0.0) };
                let x = lognormal(mean, z);
                let y = if self.covariate { lognormal(self.baseline, w) } else { 0.0 };
                (x, y)
            }
            MetricKind::Ratio => {
                let sessions = 1.0 + Poisson::new(2.0).map_or(0.0, |p| p.sample(rng));
                let z: f64 = rng.sample(StandardNormal);
                (sessions * lognormal(mean, z), sessions)
            }
        }
    }
}

/// exp(m + SIGMA z) with m chosen so that the mean is `mean` (E = e^{m + σ²/2}).
fn lognormal(mean: f64, z: f64) -> f64 {
    (mean.ln() - SIGMA * SIGMA / 2.0 + SIGMA * z).exp()
}

/// Two standard normals with correlation RHO.
fn correlated(rng: &mut ChaCha8Rng) -> (f64, f64) {
    let z: f64 = rng.sample(StandardNormal);
    let e: f64 = rng.sample(StandardNormal);
    (z, RHO * z + (1.0 - RHO * RHO).sqrt() * e)
}

/// The data columns a metric fills: its value column and, for ratio and
/// CUPED metrics, the denominator or covariate column.
pub fn columns(exp: &Experiment) -> Vec<(String, Option<String>)> {
    exp.metrics
        .iter()
        .map(|m| (m.column().to_string(), m.denominator.clone().or_else(|| m.covariate.clone())))
        .collect()
}

/// The experiment's models: baselines and lifts keyed by metric name, and
/// lifts keyed by (variant, metric) for one treatment only.
pub fn models(
    exp: &Experiment,
    baselines: &HashMap<String, f64>,
    lifts: &HashMap<String, f64>,
    variant_lifts: &HashMap<(String, String), f64>,
) -> Vec<MetricModel> {
    exp.metrics
        .iter()
        .map(|m| {
            let lifts = exp
                .variants
                .iter()
                .enumerate()
                .map(|(i, v)| {
                    if i == 0 {
                        0.0
                    } else {
                        variant_lifts
                            .get(&(v.name.clone(), m.name.clone()))
                            .or_else(|| lifts.get(&m.name))
                            .copied()
                            .unwrap_or(0.0)
                    }
                })
                .collect();
            MetricModel {
                kind: m.kind,
                baseline: baselines.get(&m.name).copied().unwrap_or_else(|| MetricModel::default_baseline(m.kind)),
                lifts,
                covariate: m.covariate.is_some(),
            }
        })
        .collect()
}

/// Unit ids `u1`..`uN` and their variants by the experiment's bucketing
/// (units the allocation leaves out are skipped), with `drop[v]` the share of
/// variant v's units lost (as a broken logger would lose them).
pub fn assign_units(exp: &Experiment, n: u64, drop: &[f64], rng: &mut ChaCha8Rng) -> Vec<(u64, usize)> {
    // The experiment as it runs, whatever its status says now.
    let b = Bucketer::running(exp);
    let mut out = Vec::with_capacity(n as usize);
    for i in 1..=n {
        let id = format!("u{i}");
        if let Some(v) = b.variant(id.as_bytes()) {
            if drop[v] > 0.0 && rng.gen::<f64>() < drop[v] {
                continue;
            }
            out.push((i, v));
        }
    }
    out
}

/// One unit's values, a (x, y) pair per metric.
pub fn draw_unit(models: &[MetricModel], rng: &mut ChaCha8Rng, variant: usize, out: &mut Vec<(f64, f64)>) {
    out.clear();
    out.extend(models.iter().map(|m| m.draw(rng, variant)));
}

pub fn rng(seed: u64, stream: u64) -> ChaCha8Rng {
    let mut r = ChaCha8Rng::seed_from_u64(seed);
    r.set_stream(stream);
    r
}

/// A simulation study's settings.
#[derive(Debug, Clone)]
pub struct Study {
    /// An A/A study (for the words of its report: the models carry the lifts).
    pub aa: bool,
    pub runs: u64,
    pub units: u64,
    /// Looks at the data: after each of `days` equal days of arrivals (1: once at the end).
    pub days: u32,
    pub seed: u64,
    pub methods: Vec<Method>,
}

/// A share with its 95% Wilson score interval (Wilson 1927).
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Rate {
    pub rate: f64,
    pub ci_low: f64,
    pub ci_high: f64,
    pub count: u64,
    pub total: u64,
}

impl Rate {
    pub fn new(count: u64, total: u64) -> Rate {
        if total == 0 {
            return Rate { rate: f64::NAN, ci_low: f64::NAN, ci_high: f64::NAN, count, total };
        }
        let (n, p) = (total as f64, count as f64 / total as f64);
        let z = 1.959963984540054_f64;
        let centre = (p + z * z / (2.0 * n)) / (1.0 + z * z / n);
        let half = z / (1.0 + z * z / n) * (p * (1.0 - p) / n + z * z / (4.0 * n * n)).sqrt();
        Rate { rate: p, ci_low: (centre - half).max(0.0), ci_high: (centre + half).min(1.0), count, total }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct MethodResult {
    pub method: Method,
    /// Runs where a treatment differed significantly from control on the
    /// primary (either direction, corrected across treatments) at any look:
    /// the false-positive rate in an A/A study, power otherwise.
    pub significant: Rate,
    /// The same at the last look only.
    pub significant_at_end: Rate,
    /// Runs where the verdict was promote at any look (the CI job would have shipped).
    pub promoted: Rate,
    /// Treatment x run pairs whose relative-lift interval at the last look holds the true lift.
    pub lift_coverage: Rate,
}

#[derive(Debug, Clone, Serialize)]
pub struct StudyResult {
    pub experiment: String,
    pub runs: u64,
    pub units: u64,
    pub looks: u32,
    pub seed: u64,
    pub alpha: f64,
    pub primary: String,
    /// True relative lift of each treatment on the primary.
    pub true_lifts: Vec<(String, f64)>,
    /// Treatment x run pairs whose absolute-difference interval (Welch / z) holds the true difference.
    pub diff_coverage: Rate,
    pub methods: Vec<MethodResult>,
    /// An A/A study: every lift is 0, so "significant" counts false positives.
    #[serde(skip)]
    pub aa: bool,
}

#[derive(Default, Clone)]
struct Tally {
    significant: u64,
    significant_end: u64,
    promoted: u64,
    covered: u64,
    pairs: u64,
}

/// Runs the study: each run draws fresh outcomes for the same assigned units,
/// and every look goes through [`analyze`] and [`decide`].
pub fn study(exp: &Experiment, models: &[MetricModel], s: &Study) -> StudyResult {
    let units = assign_units(exp, s.units, &vec![0.0; exp.variants.len()], &mut rng(s.seed, u64::MAX));
    let primary = exp.primary_name();
    let pi = exp.metrics.iter().position(|m| m.name == primary).unwrap_or(0);
    let today = NaiveDate::from_ymd_opt(2000, 1, 1).unwrap_or_default();
    let per_run: Vec<(Vec<Tally>, u64, u64)> =
        (0..s.runs).into_par_iter().map(|run| one_run(exp, models, s, &units, run, pi, today)).collect();
    let mut tallies = vec![Tally::default(); s.methods.len()];
    let (mut diff_cov, mut pairs) = (0, 0);
    for (t, dc, p) in per_run {
        for (a, b) in tallies.iter_mut().zip(t) {
            a.significant += b.significant;
            a.significant_end += b.significant_end;
            a.promoted += b.promoted;
            a.covered += b.covered;
            a.pairs += b.pairs;
        }
        diff_cov += dc;
        pairs += p;
    }
    StudyResult {
        aa: s.aa,
        experiment: exp.name.clone(),
        runs: s.runs,
        units: s.units,
        looks: s.days,
        seed: s.seed,
        alpha: exp.decision.alpha,
        primary,
        true_lifts: exp.variants[1..].iter().zip(&models[pi].lifts[1..]).map(|(v, &l)| (v.name.clone(), l)).collect(),
        diff_coverage: Rate::new(diff_cov, pairs),
        methods: s
            .methods
            .iter()
            .zip(tallies)
            .map(|(&method, t)| MethodResult {
                method,
                significant: Rate::new(t.significant, s.runs),
                significant_at_end: Rate::new(t.significant_end, s.runs),
                promoted: Rate::new(t.promoted, s.runs),
                lift_coverage: Rate::new(t.covered, t.pairs),
            })
            .collect(),
    }
}

fn one_run(
    exp: &Experiment,
    models: &[MetricModel],
    s: &Study,
    units: &[(u64, usize)],
    run: u64,
    pi: usize,
    today: NaiveDate,
) -> (Vec<Tally>, u64, u64) {
    let mut r = rng(s.seed, run);
    let nv = exp.variants.len();
    // Shifts at the true control values keep the sums precise.
    let mut acc: Vec<Moments> = models
        .iter()
        .flat_map(|m| {
            // Moments shift y by its expected value so that the sums stay small (the shifted-data
            // algorithm for the variance, Chan, Golub & LeVeque 1983, section 3): the denominator's
            // mean E[1 + Poisson(2)] = 3, the covariate's baseline, or no second column.
            let shift_y = match (m.kind, m.covariate) {
                (MetricKind::Ratio, _) => 3.0,
                (MetricKind::Mean | MetricKind::Proportion, true) => m.baseline,
                (MetricKind::Mean | MetricKind::Proportion, false) => 0.0,
            };
            std::iter::repeat_n(Moments { shift: m.baseline, shift_y, ..Moments::default() }, nv)
        })
        .collect();
    let mut counts = vec![0u64; nv];
    let mut tallies = vec![Tally::default(); s.methods.len()];
    let mut ever = vec![(false, false); s.methods.len()];
    let (mut diff_cov, mut pairs) = (0, 0);
    let mut values = Vec::with_capacity(models.len());
    let per_day = (units.len() as u64).div_ceil(u64::from(s.days.max(1))) as usize;
    for (day, chunk) in units.chunks(per_day.max(1)).enumerate() {
        for &(_, v) in chunk {
            draw_unit(models, &mut r, v, &mut values);
            counts[v] += 1;
            for (k, &(x, y)) in values.iter().enumerate() {
                acc[k * nv + v].push(x, y);
            }
        }
        let last = day + 1 == units.len().div_ceil(per_day.max(1));
        let mut stats = HashMap::new();
        for (k, m) in exp.metrics.iter().enumerate() {
            for (v, var) in exp.variants.iter().enumerate() {
                stats.insert((var.name.clone(), m.name.clone()), acc[k * nv + v]);
            }
        }
        let unit_counts: HashMap<String, u64> =
            exp.variants.iter().zip(&counts).map(|(v, &c)| (v.name.clone(), c)).collect();
        for (mi, &method) in s.methods.iter().enumerate() {
            // The verdict's own settings: the decision's correction across treatments.
            let opts = Options { method, ..Options::from_decision(&exp.decision) };
            let analysis = analyze(exp, &stats, Some(&unit_counts), &opts);
            let verdict = decide(exp, &analysis, today).ok();
            let sig =
                verdict.as_ref().is_some_and(|v| v.candidates.iter().any(|c| c.beats_control || c.worse_than_control));
            let promoted = verdict.as_ref().is_some_and(|v| v.verdict == Outcome::Promote);
            ever[mi].0 |= sig;
            ever[mi].1 |= promoted;
            if last {
                let t = &mut tallies[mi];
                t.significant_end += u64::from(sig);
                for (c, truth) in analysis.metrics[pi].comparisons.iter().zip(&models[pi].lifts[1..]) {
                    t.pairs += 1;
                    t.covered += u64::from(c.lift_ci_low <= *truth && *truth <= c.lift_ci_high);
                }
                if mi == 0 {
                    for (v, c) in analysis.metrics[pi].comparisons.iter().enumerate() {
                        let truth = models[pi].truth(v + 1) - models[pi].truth(0);
                        pairs += 1;
                        diff_cov += u64::from(c.ci_low <= truth && truth <= c.ci_high);
                    }
                }
            }
        }
    }
    for (t, (sig, promoted)) in tallies.iter_mut().zip(ever) {
        t.significant += u64::from(sig);
        t.promoted += u64::from(promoted);
    }
    (tallies, diff_cov, pairs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wilson_interval() {
        // statsmodels proportion_confint(50, 1000, method='wilson')
        let r = Rate::new(50, 1000);
        assert!((r.ci_low / 0.03813026239274881 - 1.0).abs() < 1e-9, "{}", r.ci_low);
        assert!((r.ci_high / 0.06531382024425081 - 1.0).abs() < 1e-9, "{}", r.ci_high);
    }

    #[test]
    fn lognormal_has_the_asked_mean() {
        let mut r = rng(1, 0);
        let n = 200_000;
        let mean: f64 = (0..n).map(|_| lognormal(10.0, r.sample(StandardNormal))).sum::<f64>() / n as f64;
        assert!((mean / 10.0 - 1.0).abs() < 0.01, "{mean}");
    }
}
