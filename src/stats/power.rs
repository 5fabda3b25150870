//! Sample size, power and minimum detectable effect.
//!
//! `alpha` here is the level of one comparison: the caller divides by the
//! number of comparisons (Bonferroni over k - 1 treatments). `ratio` is
//! n_treatment / n_control; `n` is the control's sample size.

use super::dist::{nct_cdf, nct_sf, norm_cdf, norm_isf, norm_ppf, t_isf};
use super::solve::brent;
use super::Sided;

fn z_alpha(alpha: f64, sided: Sided) -> f64 {
    match sided {
        Sided::Two => norm_isf(alpha / 2.0),
        Sided::One => norm_isf(alpha),
    }
}

// ---------- proportions ----------

/// Standard errors of p2 - p1 under H0 (pooled) and H1 (unpooled), per unit of 1/√n.
fn prop_scales(p1: f64, p2: f64, ratio: f64) -> (f64, f64) {
    let pbar = (p1 + ratio * p2) / (1.0 + ratio);
    let s0 = (pbar * (1.0 - pbar) * (1.0 + 1.0 / ratio)).sqrt();
    let s1 = (p1 * (1.0 - p1) + p2 * (1.0 - p2) / ratio).sqrt();
    (s0, s1)
}

/// Control sample size for a two-proportion z-test, normal approximation,
/// pooled variance under H0 and unpooled under H1 (R's power.prop.test with
/// strict = FALSE, solved in closed form; Fleiss, Levin & Paik 2003, 4.14).
pub fn prop_n(p1: f64, p2: f64, alpha: f64, power: f64, sided: Sided, ratio: f64) -> f64 {
    let (s0, s1) = prop_scales(p1, p2, ratio);
    let num = z_alpha(alpha, sided) * s0 + norm_ppf(power) * s1;
    num * num / ((p2 - p1) * (p2 - p1))
}

/// Power of the same test with `n` control units (R's power.prop.test, strict = FALSE).
pub fn prop_power(p1: f64, p2: f64, n: f64, alpha: f64, sided: Sided, ratio: f64) -> f64 {
    let (s0, s1) = prop_scales(p1, p2, ratio);
    norm_cdf((n.sqrt() * (p2 - p1).abs() - z_alpha(alpha, sided) * s0) / s1)
}

/// The smallest absolute increase p2 - p1 detected with `power` at `n`
/// (solved numerically: the variance depends on the effect). None when even
/// p2 = 1 is not enough.
pub fn prop_mde(p1: f64, n: f64, alpha: f64, power: f64, sided: Sided, ratio: f64) -> Option<f64> {
    let hi = (1.0 - p1) * (1.0 - 1e-12);
    let f = |d: f64| prop_power(p1, p1 + d, n, alpha, sided, ratio) - power;
    brent(f, 1e-12 * hi.max(1e-300), hi, 1e-13)
}

// ---------- means ----------

/// Power of the two-sample t-test for standardized effect `es` (statsmodels'
/// TTestIndPower.power: noncentral t with df = n1 + n2 - 2 and noncentrality
/// es √(n1 n2 / (n1 + n2)); two-sided counts both rejection tails).
pub fn mean_power(es: f64, n: f64, alpha: f64, sided: Sided, ratio: f64) -> f64 {
    let n2 = ratio * n;
    let df = n + n2 - 2.0;
    let nc = es.abs() * (n * n2 / (n + n2)).sqrt();
    match sided {
        Sided::Two => {
            let crit = t_isf(alpha / 2.0, df);
            nct_sf(crit, df, nc) + nct_cdf(-crit, df, nc)
        }
        Sided::One => nct_sf(t_isf(alpha, df), df, nc),
    }
}

/// The normal-approximation sample size, a starting bracket for the t solve.
fn mean_n_normal(es: f64, alpha: f64, power: f64, sided: Sided, ratio: f64) -> f64 {
    let z = z_alpha(alpha, sided) + norm_ppf(power);
    z * z * (1.0 + 1.0 / ratio) / (es * es)
}

/// Control sample size of the two-sample t-test (statsmodels'
/// TTestIndPower.solve_power for nobs1), by Brent's method on [`mean_power`].
pub fn mean_n(es: f64, alpha: f64, power: f64, sided: Sided, ratio: f64) -> Option<f64> {
    let f = |n: f64| mean_power(es, n, alpha, sided, ratio) - power;
    let lo = (2.0 / (1.0 + ratio)) * (1.0 + 1e-9) + 1e-9;
    let guess = mean_n_normal(es, alpha, power, sided, ratio);
    let mut hi = (guess * 1.5 + 10.0).max(lo * 2.0);
    let mut tries = 0;
    while f(hi) < 0.0 && tries < 60 {
        hi *= 2.0;
        tries += 1;
    }
    // A tight lower end speeds the solve; else the smallest n whose power is
    // finite (near n = 1 the t distribution has almost no degrees of freedom,
    // and its quantiles overflow) and below the target.
    let near = (guess * 0.9).max(lo);
    if f(near) < 0.0 {
        return brent(f, near, hi, 1e-13);
    }
    let mut x = lo;
    for k in 0..80 {
        let v = f(x);
        if v.is_finite() {
            if v >= 0.0 {
                // Power is reached at (about) the smallest valid size.
                return Some(x);
            }
            return brent(f, x, hi, 1e-13);
        }
        x = lo * (1.0 + 1e-6 * 2f64.powi(k));
    }
    None
}

/// The smallest standardized effect detected with `power` at `n` control units.
pub fn mean_mde(n: f64, alpha: f64, power: f64, sided: Sided, ratio: f64) -> Option<f64> {
    let f = |es: f64| mean_power(es, n, alpha, sided, ratio) - power;
    let guess = (z_alpha(alpha, sided) + norm_ppf(power)) * (1.0 / n + 1.0 / (ratio * n)).sqrt();
    let mut hi = guess * 2.0 + 1e-6;
    let mut tries = 0;
    while f(hi) < 0.0 && tries < 60 {
        hi *= 2.0;
        tries += 1;
    }
    brent(f, 1e-12, hi, 1e-13)
}
