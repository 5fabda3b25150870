//! GrowthBook's stats engine (gbstats 0.8.0, MIT), re-derived: the relative
//! effect of a treatment over control from per-arm n, mean and variance, by
//! the frequentist t-test, the sequential test (asymptotic confidence
//! sequences) or the Bayesian Gaussian effect model. When gbstats returns its
//! uninformative default (control mean 0, no variance, no units), so does this.

use serde::Serialize;

use super::dist::{norm_cdf, norm_isf, norm_pdf, t_isf, t_sf};
use super::Interval;

/// One arm: units, mean, and variance per unit (gbstats' Statistic). For a
/// CUPED metric `mean` is the adjusted mean and `unadjusted` the raw one
/// (gbstats' unadjusted_mean); otherwise they are equal.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Arm {
    pub n: f64,
    pub mean: f64,
    pub var: f64,
    pub unadjusted: f64,
}

/// The moments of one column in one arm, or of two columns for ratio and
/// CUPED metrics: n, means, sample variances (n - 1) and covariance.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Sums {
    pub n: f64,
    pub mean_x: f64,
    pub var_x: f64,
    pub mean_y: f64,
    pub var_y: f64,
    pub cov_xy: f64,
}

impl Arm {
    pub fn new(n: f64, mean: f64, var: f64) -> Arm {
        Arm { n, mean, var, unadjusted: mean }
    }

    /// A mean metric from sufficient statistics: variance (Σx² - (Σx)²/n)/(n - 1)
    /// (gbstats' SampleMeanStatistic).
    pub fn mean_metric(n: f64, sum: f64, sum_sq: f64) -> Arm {
        let mean = if n == 0.0 { 0.0 } else { sum / n };
        let var = if n <= 1.0 { 0.0 } else { (sum_sq - sum * sum / n) / (n - 1.0) };
        Arm::new(n, mean, var)
    }

    /// A 0/1 metric: variance p(1 - p) (gbstats' ProportionStatistic).
    pub fn proportion_metric(n: f64, sum: f64) -> Arm {
        let mean = if n == 0.0 { 0.0 } else { sum / n };
        Arm::new(n, mean, mean * (1.0 - mean))
    }

    /// A ratio metric Σx/Σy with its delta-method variance per unit
    /// (gbstats' RatioStatistic: var_x/μy² - 2 cov μx/μy³ + μx² var_y/μy⁴).
    pub fn ratio_metric(s: Sums) -> Arm {
        let mean = if s.mean_y == 0.0 { 0.0 } else { s.mean_x / s.mean_y };
        let var = if s.mean_y == 0.0 || s.n <= 1.0 {
            0.0
        } else {
            s.var_x / s.mean_y.powi(2) - 2.0 * s.cov_xy * s.mean_x / s.mean_y.powi(3)
                + s.mean_x.powi(2) * s.var_y / s.mean_y.powi(4)
        };
        Arm::new(s.n, mean, var)
    }

    /// A CUPED-adjusted arm: mean μx - θμy, variance var_x + θ² var_y - 2θ cov
    /// (gbstats' RegressionAdjustedStatistic). `post_var` and `pre_var` are the
    /// metric's and covariate's own variances (p(1 - p) for proportions).
    pub fn cuped(s: Sums, post_var: f64, pre_var: f64, theta: f64) -> Arm {
        let var = if s.n <= 1.0 { 0.0 } else { post_var + theta * theta * pre_var - 2.0 * theta * s.cov_xy };
        Arm { n: s.n, mean: s.mean_x - theta * s.mean_y, var, unadjusted: s.mean_x }
    }
}

/// CUPED's θ pooled over the two arms: cov(x, y)/var(y) on the moments of
/// both arms together (gbstats' compute_theta); 0 when either joint variance
/// is 0, and then gbstats reverts to the unadjusted metric. `proportion`:
/// metric and covariate are 0/1 and their joint variances are p(1 - p)
/// (gbstats' ProportionStatistic).
pub fn cuped_theta(joint: Sums, proportion: bool) -> f64 {
    let (var_x, var_y) = if proportion {
        (joint.mean_x * (1.0 - joint.mean_x), joint.mean_y * (1.0 - joint.mean_y))
    } else {
        (joint.var_x, joint.var_y)
    };
    if var_x == 0.0 || var_y == 0.0 || joint.n <= 1.0 {
        return 0.0;
    }
    joint.cov_xy / var_y
}

/// The relative effect (b - a)/a and its variance by the delta method, on
/// the unadjusted control mean (gbstats' frequentist_diff and
/// frequentist_variance, relative).
fn relative(a: Arm, b: Arm) -> (f64, f64) {
    let point = (b.mean - a.mean) / a.unadjusted;
    let var = b.var / (a.unadjusted * a.unadjusted * b.n)
        + a.var * b.unadjusted * b.unadjusted / (a.unadjusted.powi(4) * a.n);
    (point, var)
}

/// Welch-Satterthwaite degrees of freedom on the arms' raw variances (gbstats' TTest.dof).
pub fn welch_dof(a: Arm, b: Arm) -> f64 {
    (b.var / b.n + a.var / a.n).powi(2)
        / (b.var * b.var / (b.n * b.n * (b.n - 1.0)) + a.var * a.var / (a.n * a.n * (a.n - 1.0)))
}

/// The inputs on which gbstats returns its uninformative default.
pub fn uninformative(a: Arm, b: Arm) -> bool {
    a.mean == 0.0 || a.unadjusted == 0.0 || a.var <= 0.0 || b.var <= 0.0 || a.n == 0.0 || b.n == 0.0
}

/// The absolute effect b - a: Welch t on the arms' variances with gbstats'
/// degrees of freedom (gbstats' TwoSidedTTest, difference_type "absolute");
/// used for ratio and CUPED metrics. NaN when an arm has no variance.
pub fn absolute(a: Arm, b: Arm, alpha: f64) -> Frequentist {
    let diff = b.mean - a.mean;
    let var = b.var / b.n + a.var / a.n;
    if var.is_nan() || var <= 0.0 || a.n < 2.0 || b.n < 2.0 {
        return Frequentist { lift: diff, ci: Interval { low: f64::NAN, high: f64::NAN }, p_value: f64::NAN };
    }
    let se = var.sqrt();
    let dof = welch_dof(a, b);
    let width = t_isf(alpha / 2.0, dof) * se;
    let p_value = (2.0 * t_sf((diff / se).abs(), dof)).min(1.0);
    Frequentist { lift: diff, ci: Interval { low: diff - width, high: diff + width }, p_value }
}

#[derive(Debug, Clone, Copy, Serialize)]
pub struct Frequentist {
    pub lift: f64,
    pub ci: Interval,
    pub p_value: f64,
}

/// gbstats' TwoSidedTTest on the relative effect: t with Welch df, CI
/// lift ± t_{1-α/2} √var, p = 2 P(T > |t|) (computed as a tail, not 1 - cdf).
pub fn frequentist(a: Arm, b: Arm, alpha: f64) -> Frequentist {
    if uninformative(a, b) {
        return Frequentist { lift: 0.0, ci: Interval { low: 0.0, high: 0.0 }, p_value: 1.0 };
    }
    let (lift, var) = relative(a, b);
    let se = var.sqrt();
    let dof = welch_dof(a, b);
    let width = t_isf(alpha / 2.0, dof) * se;
    let p_value = (2.0 * t_sf((lift / se).abs(), dof)).min(1.0);
    Frequentist { lift, ci: Interval { low: lift - width, high: lift + width }, p_value }
}

/// gbstats' SequentialTwoSidedTTest: the asymptotic confidence sequence of
/// Waudby-Smith et al. 2023 (arXiv 2103.06476v7, eq. 9 for the width, eq. 161
/// for ρ tuned to `tuning` units, eq. 155 for the p-value as 1/e-value).
pub fn sequential(a: Arm, b: Arm, alpha: f64, tuning: f64) -> Frequentist {
    if uninformative(a, b) {
        return Frequentist { lift: 0.0, ci: Interval { low: 0.0, high: 0.0 }, p_value: 1.0 };
    }
    let (lift, var) = relative(a, b);
    let n = a.n + b.n;
    let rho = ((-2.0 * alpha.ln() + (-2.0 * alpha.ln() + 1.0).ln()) / tuning).sqrt();
    let nr2 = n * rho * rho + 1.0;
    let s2 = var * n;
    let width = s2.sqrt() * ((2.0 * nr2) * (nr2.sqrt() / alpha).ln() / (n * rho).powi(2)).sqrt();
    let st2 = lift * lift * n / var;
    let e_value = (rho * rho * st2 / (2.0 * nr2)).exp() / nr2.sqrt();
    Frequentist { lift, ci: Interval { low: lift - width, high: lift + width }, p_value: (1.0 / e_value).min(1.0) }
}

#[derive(Debug, Clone, Copy, Serialize)]
pub struct Bayesian {
    /// Posterior mean of the relative effect.
    pub lift: f64,
    /// Posterior standard deviation of the relative effect.
    pub sd: f64,
    pub ci: Interval,
    pub chance_to_win: f64,
    pub risk_control: f64,
    pub risk_treatment: f64,
}

/// A Gaussian prior on the relative effect.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Prior {
    pub mean: f64,
    pub variance: f64,
}

/// gbstats' EffectBayesianABTest (relative, prior on the relative effect):
/// posterior N(μ, σ²) from the delta-method likelihood and the prior (flat
/// when None); chance to win P(effect > 0); risks E[max(0, ∓effect)] from the
/// truncated-normal means: μΦ(μ/σ) + σφ(μ/σ) and σφ(μ/σ) - μΦ(-μ/σ).
pub fn bayesian(a: Arm, b: Arm, alpha: f64, prior: Option<Prior>) -> Bayesian {
    if uninformative(a, b) {
        return Bayesian {
            lift: 0.0,
            sd: 0.0,
            ci: Interval { low: 0.0, high: 0.0 },
            chance_to_win: 0.5,
            risk_control: 0.0,
            risk_treatment: 0.0,
        };
    }
    let (data_mean, data_var) = relative(a, b);
    let (mu, sd) = match prior {
        Some(p) => {
            let precision = 1.0 / data_var + 1.0 / p.variance;
            ((data_mean / data_var + p.mean / p.variance) / precision, (1.0 / precision).sqrt())
        }
        None => (data_mean, data_var.sqrt()),
    };
    let z = mu / sd;
    let half = norm_isf(alpha / 2.0) * sd;
    Bayesian {
        lift: mu,
        sd,
        ci: Interval { low: mu - half, high: mu + half },
        chance_to_win: norm_cdf(z),
        risk_control: mu * norm_cdf(z) + sd * norm_pdf(z),
        risk_treatment: sd * norm_pdf(z) - mu * norm_cdf(-z),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_when_gbstats_gives_up() {
        let zero = Arm::mean_metric(100.0, 0.0, 0.0);
        let b = Arm::mean_metric(100.0, 50.0, 40.0);
        let f = frequentist(zero, b, 0.05);
        assert_eq!((f.lift, f.p_value), (0.0, 1.0));
        let bay = bayesian(zero, b, 0.05, None);
        assert_eq!((bay.chance_to_win, bay.risk_control), (0.5, 0.0));
    }

    #[test]
    fn risks_are_expected_losses() {
        // For a posterior centred on 0 both risks equal σ φ(0).
        let a = Arm::new(1000.0, 1.0, 1.0);
        let r = bayesian(a, a, 0.05, None);
        assert!((r.risk_control - r.risk_treatment).abs() < 1e-15);
        assert!((r.chance_to_win - 0.5).abs() < 1e-15);
    }
}
