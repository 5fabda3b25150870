//! Tests from sufficient statistics. Effects are treatment minus control;
//! relative lift is treatment / control - 1.

use serde::Serialize;

use super::dist::{chi2_sf, norm_cdf, norm_isf, norm_sf, t_cdf, t_isf, t_sf};
use super::{Alternative, Interval};

/// How the CI of the relative lift is computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
#[serde(rename_all = "lowercase")]
pub enum RelativeCi {
    /// Delta method (first-order Taylor), as GrowthBook
    Delta,
    /// Fieller's theorem (exact for a ratio of normals), as Statsig
    Fieller,
}

/// p-value of a standard normal statistic.
pub fn z_p_value(z: f64, alt: Alternative) -> f64 {
    match alt {
        Alternative::TwoSided => (2.0 * norm_sf(z.abs())).min(1.0),
        Alternative::Greater => norm_sf(z),
        Alternative::Less => norm_cdf(z),
    }
}

/// p-value of a Student t statistic.
pub fn t_p_value(t: f64, df: f64, alt: Alternative) -> f64 {
    match alt {
        Alternative::TwoSided => (2.0 * t_sf(t.abs(), df)).min(1.0),
        Alternative::Greater => t_sf(t, df),
        Alternative::Less => t_cdf(t, df),
    }
}

/// est ± crit * se, open on one side for a one-sided alternative;
/// `crit(q)` is the upper-q quantile of the reference distribution.
fn interval(est: f64, se: f64, alpha: f64, alt: Alternative, crit: impl Fn(f64) -> f64) -> Interval {
    match alt {
        Alternative::TwoSided => {
            let c = crit(alpha / 2.0);
            Interval { low: est - c * se, high: est + c * se }
        }
        Alternative::Greater => Interval { low: est - crit(alpha) * se, high: f64::INFINITY },
        Alternative::Less => Interval { low: f64::NEG_INFINITY, high: est + crit(alpha) * se },
    }
}

/// The relative lift m2/m1 - 1 and its CI, given each arm's (mean, variance
/// of the mean), the arms independent.
pub fn relative_lift(
    (m1, v1): (f64, f64),
    (m2, v2): (f64, f64),
    alpha: f64,
    alt: Alternative,
    method: RelativeCi,
    crit: impl Fn(f64) -> f64,
) -> (f64, Interval) {
    let lift = m2 / m1 - 1.0;
    match method {
        RelativeCi::Delta => {
            // Var(m2/m1) ≈ v2/m1² + m2² v1/m1⁴ (delta method; GrowthBook's gbstats).
            let se = (v2 / (m1 * m1) + m2 * m2 * v1 / (m1 * m1 * m1 * m1)).sqrt();
            (lift, interval(lift, se, alpha, alt, crit))
        }
        RelativeCi::Fieller => {
            // Fieller (1954): θ with (m2 - θ m1)² = c² (v2 + θ² v1); unbounded when m1 is not
            // significantly different from 0 (g = c² v1 / m1² >= 1).
            let bounds = |c: f64| -> Option<(f64, f64)> {
                let g = c * c * v1 / (m1 * m1);
                if g.is_nan() || g >= 1.0 {
                    return None;
                }
                let disc = (m2 * m2 * v1 + m1 * m1 * v2 - c * c * v1 * v2).max(0.0);
                let denom = m1 * m1 - c * c * v1;
                let (a, b) = ((m1 * m2 - c * disc.sqrt()) / denom, (m1 * m2 + c * disc.sqrt()) / denom);
                Some((a.min(b) - 1.0, a.max(b) - 1.0))
            };
            let open = Interval { low: f64::NEG_INFINITY, high: f64::INFINITY };
            let ci = match alt {
                Alternative::TwoSided => bounds(crit(alpha / 2.0)).map_or(open, |(l, h)| Interval { low: l, high: h }),
                Alternative::Greater => {
                    bounds(crit(alpha)).map_or(open, |(l, _)| Interval { low: l, high: f64::INFINITY })
                }
                Alternative::Less => {
                    bounds(crit(alpha)).map_or(open, |(_, h)| Interval { low: f64::NEG_INFINITY, high: h })
                }
            };
            (lift, ci)
        }
    }
}

/// Counts of one arm of a proportion metric.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Counts {
    pub successes: f64,
    pub trials: f64,
}

impl Counts {
    pub fn rate(&self) -> f64 {
        self.successes / self.trials
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct ProportionsResult {
    pub statistic: f64,
    pub p_value: f64,
    pub diff: f64,
    pub ci: Interval,
    pub lift: f64,
    pub lift_ci: Interval,
    pub cohens_h: f64,
}

/// Two-proportion z-test with pooled variance under H0 (statsmodels'
/// proportions_ztest), Wald CI of the difference with unpooled variance, and
/// the relative lift's CI.
pub fn two_proportions(c: Counts, t: Counts, alpha: f64, alt: Alternative, rel: RelativeCi) -> ProportionsResult {
    let (p1, p2) = (c.rate(), t.rate());
    let pooled = (c.successes + t.successes) / (c.trials + t.trials);
    let se0 = (pooled * (1.0 - pooled) * (1.0 / c.trials + 1.0 / t.trials)).sqrt();
    let statistic = (p2 - p1) / se0;
    let (v1, v2) = (p1 * (1.0 - p1) / c.trials, p2 * (1.0 - p2) / t.trials);
    let diff = p2 - p1;
    let ci = interval(diff, (v1 + v2).sqrt(), alpha, alt, norm_isf);
    let (lift, lift_ci) = relative_lift((p1, v1), (p2, v2), alpha, alt, rel, norm_isf);
    ProportionsResult {
        statistic,
        p_value: z_p_value(statistic, alt),
        diff,
        ci,
        lift,
        lift_ci,
        cohens_h: cohens_h(p1, p2),
    }
}

/// Cohen's h = 2 asin √p2 - 2 asin √p1 (Cohen 1988, 6.2).
pub fn cohens_h(p1: f64, p2: f64) -> f64 {
    2.0 * p2.sqrt().asin() - 2.0 * p1.sqrt().asin()
}

/// Summary of one arm of a mean metric.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Summary {
    pub n: f64,
    pub mean: f64,
    pub sd: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct MeansResult {
    pub statistic: f64,
    pub df: f64,
    pub p_value: f64,
    pub diff: f64,
    pub ci: Interval,
    pub lift: f64,
    pub lift_ci: Interval,
    pub cohens_d: f64,
}

/// Welch's t-test, or Student's with `equal_var` (scipy.stats.ttest_ind_from_stats),
/// with the t CI of the difference and the relative lift's CI.
pub fn two_means(
    c: Summary,
    t: Summary,
    alpha: f64,
    equal_var: bool,
    alt: Alternative,
    rel: RelativeCi,
) -> MeansResult {
    let (v1, v2) = (c.sd * c.sd / c.n, t.sd * t.sd / t.n);
    let pooled_var = ((c.n - 1.0) * c.sd * c.sd + (t.n - 1.0) * t.sd * t.sd) / (c.n + t.n - 2.0);
    let (se, df) = if equal_var {
        ((pooled_var * (1.0 / c.n + 1.0 / t.n)).sqrt(), c.n + t.n - 2.0)
    } else {
        // Welch-Satterthwaite degrees of freedom.
        ((v1 + v2).sqrt(), (v1 + v2).powi(2) / (v1 * v1 / (c.n - 1.0) + v2 * v2 / (t.n - 1.0)))
    };
    let diff = t.mean - c.mean;
    let statistic = diff / se;
    let crit = |q: f64| t_isf(q, df);
    let (lift, lift_ci) = relative_lift((c.mean, v1), (t.mean, v2), alpha, alt, rel, crit);
    MeansResult {
        statistic,
        df,
        p_value: t_p_value(statistic, df, alt),
        diff,
        ci: interval(diff, se, alpha, alt, crit),
        lift,
        lift_ci,
        // Cohen's d with the pooled sd (Cohen 1988, 2.2).
        cohens_d: diff / pooled_var.sqrt(),
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct ChiSquare {
    pub statistic: f64,
    pub p_value: f64,
    pub dof: f64,
}

/// Chi-square test of independence on a k x 2 table of successes and
/// failures, without continuity correction (scipy.stats.chi2_contingency(correction=False)).
pub fn chi2_independence(arms: &[Counts]) -> ChiSquare {
    let total_s: f64 = arms.iter().map(|a| a.successes).sum();
    let total_n: f64 = arms.iter().map(|a| a.trials).sum();
    let total_f = total_n - total_s;
    let mut statistic = 0.0;
    for a in arms {
        let es = a.trials * total_s / total_n;
        let ef = a.trials * total_f / total_n;
        let fs = a.trials - a.successes;
        statistic += (a.successes - es).powi(2) / es + (fs - ef).powi(2) / ef;
    }
    let dof = (arms.len() - 1) as f64;
    ChiSquare { statistic, p_value: chi2_sf(statistic, dof), dof }
}

/// Chi-square goodness of fit of counts to planned weights (scipy.stats.chisquare
/// with f_exp = N w / Σw): the sample-ratio-mismatch test.
pub fn chi2_goodness_of_fit(observed: &[f64], weights: &[f64]) -> ChiSquare {
    let n: f64 = observed.iter().sum();
    let w: f64 = weights.iter().sum();
    let statistic = observed
        .iter()
        .zip(weights)
        .map(|(&o, &wi)| {
            let e = n * wi / w;
            (o - e).powi(2) / e
        })
        .sum();
    let dof = (observed.len() - 1) as f64;
    ChiSquare { statistic, p_value: chi2_sf(statistic, dof), dof }
}

/// The confidence set of a relative effect λ = Δ/m by Fieller's theorem.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum RelativeSet {
    /// A bounded interval (m significantly away from 0).
    Interval(Interval),
    /// Two rays, (-∞, low] and [high, ∞): m is not significantly away from 0
    /// but the difference is; the set excludes (low, high).
    Rays(f64, f64),
    /// Every value.
    All,
}

/// The confidence set of a relative effect λ = Δ/m by Fieller's theorem
/// (Fieller 1954), from the difference Δ, the base (control) mean m, their
/// variances and c = -Cov(Δ, m): {λ : (Δ - λm)² ≤ q²(VΔ + 2λc + λ²Vm)}.
/// At λ = 0 the condition is |Δ|/√VΔ ≤ q, so the set excludes 0 exactly
/// when the test of the difference with critical value q rejects. It is
/// bounded when m is significantly away from 0 (q² Vm < m²), else two rays
/// or everything. For independent means (Δ = m₂ - m₁, c = Vm) it is the
/// classic set for m₂/m₁, minus 1.
pub fn fieller_set(delta: f64, var_delta: f64, base: f64, var_base: f64, neg_cov: f64, q: f64) -> RelativeSet {
    let q2 = q * q;
    let a = base * base - q2 * var_base;
    let b = -2.0 * (delta * base + q2 * neg_cov);
    let c = delta * delta - q2 * var_delta;
    if !(a.is_finite() && b.is_finite() && c.is_finite()) || a == 0.0 {
        return RelativeSet::All;
    }
    let disc = b * b - 4.0 * a * c;
    if a < 0.0 && disc <= 0.0 {
        return RelativeSet::All;
    }
    // With a > 0, f(Δ/m) ≤ 0, so the discriminant is not negative but for rounding.
    let disc = disc.max(0.0);
    // The two roots without cancellation (Numerical Recipes 5.6).
    let h = -0.5 * (b + b.signum() * disc.sqrt());
    let (r1, r2) = if h == 0.0 { (0.0, 0.0) } else { (h / a, c / h) };
    let (low, high) = (r1.min(r2), r1.max(r2));
    if a > 0.0 {
        RelativeSet::Interval(Interval { low, high })
    } else {
        RelativeSet::Rays(low, high)
    }
}

/// The bounded Fieller interval of [`fieller_set`], or None.
pub fn fieller_relative(
    delta: f64,
    var_delta: f64,
    base: f64,
    var_base: f64,
    neg_cov: f64,
    q: f64,
) -> Option<Interval> {
    match fieller_set(delta, var_delta, base, var_base, neg_cov, q) {
        RelativeSet::Interval(i) => Some(i),
        RelativeSet::Rays(..) | RelativeSet::All => None,
    }
}

/// The score statistic of H0: p_t - p_c = δ, with the proportions
/// restricted to the null by maximum likelihood (Farrington & Manning 1990,
/// the closed form of Miettinen & Nurminen 1985's cubic, without their
/// n/(n - 1) factor). statsmodels' score_test_proportions_2indep has this
/// cubic with x_c where n_c belongs in its linear coefficient, so its
/// restricted estimate does not maximise the likelihood; abx's does (checked
/// against a root of the likelihood's derivative, fixtures/workflows/make.py).
/// At δ = 0 it is the pooled z statistic.
pub fn score_diff_statistic(c: Counts, t: Counts, delta: f64) -> f64 {
    let (x1, n1, x0, n0) = (t.successes, t.trials, c.successes, c.trials);
    let (nobs, count) = (n1 + n0, x1 + x0);
    let (p1, p0) = (x1 / n1, x0 / n0);
    let (prop1, prop0) = if delta == 0.0 {
        (count / nobs, count / nobs)
    } else {
        let tmp3 = nobs;
        let tmp2 = (n1 + 2.0 * n0) * delta - nobs - count;
        let tmp1 = (n0 * delta - nobs - 2.0 * x0) * delta + count;
        let tmp0 = x0 * delta * (1.0 - delta);
        let q = (tmp2 / (3.0 * tmp3)).powi(3) - tmp1 * tmp2 / (6.0 * tmp3 * tmp3) + tmp0 / (2.0 * tmp3);
        let p = q.signum() * ((tmp2 / (3.0 * tmp3)).powi(2) - tmp1 / (3.0 * tmp3)).max(0.0).sqrt();
        let cosine = if p == 0.0 { 0.0 } else { (q / (p * p * p)).clamp(-1.0, 1.0) };
        let a = (std::f64::consts::PI + cosine.acos()) / 3.0;
        let prop0 = 2.0 * p * a.cos() - tmp2 / (3.0 * tmp3);
        (prop0 + delta, prop0)
    };
    let var = prop1 * (1.0 - prop1) / n1 + prop0 * (1.0 - prop0) / n0;
    (p1 - p0 - delta) / var.sqrt()
}

/// The score statistic of H0: p_t / p_c = r (Koopman 1984; Miettinen &
/// Nurminen 1985 without the n/(n - 1) factor; statsmodels
/// score_test_proportions_2indep(compare="ratio", correction=False)). At
/// r = 1 it is the pooled z statistic.
pub fn score_ratio_statistic(c: Counts, t: Counts, r: f64) -> f64 {
    let (x1, n1, x0, n0) = (t.successes, t.trials, c.successes, c.trials);
    let (nobs, count) = (n1 + n0, x1 + x0);
    let (p1, p0) = (x1 / n1, x0 / n0);
    let (prop1, prop0) = if r == 1.0 {
        (count / nobs, count / nobs)
    } else {
        let a = nobs * r;
        let b = -(n1 * r + x1 + n0 + x0 * r);
        let prop0 = (-b - (b * b - 4.0 * a * count).max(0.0).sqrt()) / (2.0 * a);
        (prop0 * r, prop0)
    };
    let var = prop1 * (1.0 - prop1) / n1 + r * r * prop0 * (1.0 - prop0) / n0;
    (p1 - r * p0) / var.sqrt()
}

/// The boundary between `inside` and `beyond` in [inside, beyond] (either
/// order), by bisection to the last bit: the statistics are monotone in
/// their parameter. Far from the estimate a restricted maximum likelihood
/// can leave [0, 1] and the statistic be NaN: that is beyond too.
fn crossing(is_beyond: impl Fn(f64) -> bool, mut inside: f64, mut beyond: f64) -> f64 {
    for _ in 0..2000 {
        let mid = 0.5 * (inside + beyond);
        if mid == inside || mid == beyond {
            break;
        }
        if is_beyond(mid) {
            beyond = mid;
        } else {
            inside = mid;
        }
    }
    0.5 * (inside + beyond)
}

/// The score interval of p_t - p_c at level 1 - α: the δ whose score test
/// does not reject (Mee 1984; statsmodels confint_proportions_2indep(
/// method="score", correction=False)). It excludes 0 exactly when the pooled
/// z-test rejects at α.
pub fn score_interval_diff(c: Counts, t: Counts, alpha: f64) -> Interval {
    let q = norm_isf(alpha / 2.0);
    let est = t.rate() - c.rate();
    let z = |d: f64| score_diff_statistic(c, t, d);
    // The statistic falls from +∞ near δ = -1 to -∞ near δ = 1.
    let below = |d: f64| z(d).is_nan() || z(d) > q;
    let above = |d: f64| z(d).is_nan() || z(d) < -q;
    let (lo_end, hi_end) = (-1.0 + 1e-15, 1.0 - 1e-15);
    let low = if est > lo_end && below(lo_end) { crossing(below, est, lo_end) } else { -1.0 };
    let high = if est < hi_end && above(hi_end) { crossing(above, est, hi_end) } else { 1.0 };
    Interval { low, high }
}

/// The score interval of the relative lift p_t/p_c - 1 at level 1 - α
/// (Koopman 1984; statsmodels confint_proportions_2indep(compare="ratio",
/// method="score", correction=False)), minus 1. It excludes 0 exactly when
/// the pooled z-test rejects at α. None when control has no successes (the
/// ratio is unbounded).
pub fn score_interval_ratio(c: Counts, t: Counts, alpha: f64) -> Option<Interval> {
    if c.successes.is_nan() || c.successes <= 0.0 || c.trials <= 0.0 || t.trials <= 0.0 {
        return None;
    }
    let q = norm_isf(alpha / 2.0);
    let est = t.rate() / c.rate();
    let z = |r: f64| score_ratio_statistic(c, t, r);
    let below = |r: f64| z(r).is_nan() || z(r) > q;
    let above = |r: f64| z(r).is_nan() || z(r) < -q;
    let tiny = est * 1e-12;
    let low = if est > 0.0 && below(tiny) { crossing(below, est, tiny) } else { 0.0 };
    // Widen until the statistic falls below -q.
    let mut hi = (est * 2.0).max(2.0);
    while !above(hi) {
        hi *= 2.0;
        if !hi.is_finite() {
            return Some(Interval { low: low - 1.0, high: f64::INFINITY });
        }
    }
    let high = crossing(above, est, hi);
    Some(Interval { low: low - 1.0, high: high - 1.0 })
}

#[cfg(test)]
mod score_tests {
    use super::*;

    fn k(successes: f64, trials: f64) -> Counts {
        Counts { successes, trials }
    }

    #[test]
    fn score_intervals_mirror_when_the_arms_swap() {
        // Root-finding on the likelihood (fixtures/workflows/make.py): control 30/100, treatment 20/100.
        let i = score_interval_diff(k(30.0, 100.0), k(20.0, 100.0), 0.05);
        assert!((i.low / -0.21874401127702459 - 1.0).abs() < 1e-9, "{i:?}");
        assert!((i.high / 0.020246063404549278 - 1.0).abs() < 1e-9, "{i:?}");
        let m = score_interval_diff(k(20.0, 100.0), k(30.0, 100.0), 0.05);
        assert!((m.low + i.high).abs() < 1e-12 && (m.high + i.low).abs() < 1e-12, "{i:?} vs {m:?}");
        // No successes at all: symmetric about 0.
        let z = score_interval_diff(k(0.0, 100.0), k(0.0, 100.0), 0.05);
        assert!((z.low + z.high).abs() < 1e-9 && z.high > 0.03, "{z:?}");
        // Each bound's statistic is the critical value.
        let q = norm_isf(0.025);
        for (d, want) in [(i.low, q), (i.high, -q)] {
            assert!((score_diff_statistic(k(30.0, 100.0), k(20.0, 100.0), d) - want).abs() < 1e-9);
        }
    }
}
