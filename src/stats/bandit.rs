//! Bandit weights: Gaussian Thompson sampling as GrowthBook's bandits
//! (gbstats `bayesian/bandits.py`), with the probability that each arm is
//! best computed by quadrature instead of 10,000 draws, and epsilon-greedy.

use super::dist::{norm_cdf, norm_pdf, norm_ppf, norm_sf};

/// GrowthBook's bandit prior: N(0, 1e4), proper (gbstats `preprocess_bandits`).
pub const PRIOR_VARIANCE: f64 = 1e4;
/// GrowthBook's per-arm floor (`min_variation_weight`).
pub const MIN_WEIGHT: f64 = 0.01;
/// Weights change only when every arm has at least this many units (gbstats `compute_result`).
pub const MIN_UNITS: f64 = 100.0;

/// One arm's data: its units, the mean of its metric and the variance of
/// one unit's value (a ratio's delta-method variance), or for a
/// period-weighted arm the pseudo variance n · Var(mean).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ArmData {
    pub n: f64,
    pub mean: f64,
    pub variance: f64,
}

/// An arm's Gaussian posterior on its mean.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Posterior {
    pub mean: f64,
    pub sd: f64,
}

/// gbstats `Bandits.posterior_mean`/`posterior_variance`: precision = 1/1e4 +
/// n/variance (the data's term is 0 when the variance is not positive).
pub fn posterior(a: &ArmData) -> Posterior {
    let prior_precision = 1.0 / PRIOR_VARIANCE;
    let data_precision = if a.variance > 0.0 { a.n / a.variance } else { 0.0 };
    let precision = prior_precision + data_precision;
    let var = 1.0 / precision;
    Posterior { mean: var * (prior_precision * 0.0 + data_precision * a.mean), sd: var.sqrt() }
}

/// gbstats `gaussian_credible_interval(mean, sd, alpha)`: norm.ppf(alpha/2) and
/// norm.ppf(1 - alpha/2) around `mean` (the arm's data mean, with the
/// posterior's sd, as gbstats' leaderboard).
pub fn credible_interval(mean: f64, sd: f64, alpha: f64) -> [f64; 2] {
    let z = -norm_ppf(alpha / 2.0);
    [mean - z * sd, mean + z * sd]
}

/// P(arm i is the best) for independent Gaussian arms, the largest when
/// `lower_is_better` is false:
/// P_i = ∫ φ(z) Π_{j≠i} Φ((μ_i + σ_i z − μ_j)/σ_j) dz (the order statistic
/// of independent normals), by double-exponential quadrature on pieces
/// split where each factor steps, so the result is exact to ~1e-12.
pub fn probability_best(arms: &[Posterior], lower_is_better: bool) -> Vec<f64> {
    let sign = if lower_is_better { -1.0 } else { 1.0 };
    let arms: Vec<Posterior> = arms.iter().map(|a| Posterior { mean: sign * a.mean, sd: a.sd }).collect();
    if arms.len() == 1 {
        return vec![1.0];
    }
    (0..arms.len()).map(|i| best_of(&arms, i)).collect()
}

/// The integral above for arm i (all arms larger-is-better).
fn best_of(arms: &[Posterior], i: usize) -> f64 {
    let a = arms[i];
    // φ(z) underflows beyond |z| = 38.5; ±40 loses nothing.
    const L: f64 = 40.0;
    let integrand = |z: f64| {
        let x = a.mean + a.sd * z;
        let mut p = norm_pdf(z);
        for (j, b) in arms.iter().enumerate() {
            if j != i && p > 0.0 {
                p *= norm_cdf((x - b.mean) / b.sd);
            }
        }
        p
    };
    // Breakpoints: where each other arm's factor steps (its mean), and a few
    // of its sds either side, so that no piece has a sharp feature inside.
    let mut cuts = vec![-L, 0.0, L];
    for (j, b) in arms.iter().enumerate() {
        if j == i {
            continue;
        }
        for k in [-8.0, -3.0, -1.0, 0.0, 1.0, 3.0, 8.0] {
            let z = (b.mean + k * b.sd - a.mean) / a.sd;
            if z.is_finite() && z > -L && z < L {
                cuts.push(z);
            }
        }
    }
    cuts.sort_by(f64::total_cmp);
    cuts.dedup();
    cuts.windows(2).filter(|w| w[1] > w[0]).map(|w| quadrature::integrate(integrand, w[0], w[1], 1e-15).integral).sum()
}

/// P(A > B) for two Gaussians, Φ((μ_A − μ_B)/√(σ_A² + σ_B²)): the closed form
/// the quadrature is checked against. The upper tail is taken directly.
pub fn two_arm_probability(a: Posterior, b: Posterior) -> f64 {
    norm_sf(-(a.mean - b.mean) / a.sd.hypot(b.sd))
}

/// GrowthBook's additive floor (gbstats `compute_result`, PR #6145): p_i = f +
/// (1 − k·f)·w_i with w normalised; uniform when k·f ≥ 1.
pub fn floored(p: &[f64], floor: f64) -> Vec<f64> {
    let k = p.len() as f64;
    let f = floor.max(0.0);
    if f * k >= 1.0 {
        return vec![1.0 / k; p.len()];
    }
    let total: f64 = p.iter().sum();
    p.iter().map(|w| f + (1.0 - k * f) * (w / total)).collect()
}

/// Epsilon-greedy: the best arm by its mean gets 1 − ε + ε/k, every other ε/k
/// (the first arm wins ties).
pub fn epsilon_greedy(means: &[f64], lower_is_better: bool, epsilon: f64) -> Vec<f64> {
    let k = means.len() as f64;
    let better = |a: f64, b: f64| if lower_is_better { a < b } else { a > b };
    let mut best = 0;
    for (i, &m) in means.iter().enumerate() {
        if better(m, means[best]) {
            best = i;
        }
    }
    (0..means.len()).map(|i| if i == best { 1.0 - epsilon + epsilon / k } else { epsilon / k }).collect()
}

/// The total variation distance between two weight vectors, ½ Σ |a_i − b_i|.
pub fn total_variation(a: &[f64], b: &[f64]) -> f64 {
    0.5 * a.iter().zip(b).map(|(x, y)| (x - y).abs()).sum::<f64>()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn post(mean: f64, sd: f64) -> Posterior {
        Posterior { mean, sd }
    }

    #[test]
    fn two_arms_match_the_closed_form() {
        for (a, b) in [
            (post(0.1, 0.01), post(0.12, 0.01)),
            (post(0.0, 1.0), post(0.0, 1e-6)),
            (post(5.0, 100.0), post(5.001, 0.0003)),
            (post(1.0, 0.5), post(-3.0, 2.0)),
            (post(0.1, 0.01), post(0.2, 0.01)),
        ] {
            let p = probability_best(&[a, b], false);
            let want = two_arm_probability(a, b);
            assert!((p[0] - want).abs() < 1e-12, "{p:?} vs {want}");
            assert!((p[0] + p[1] - 1.0).abs() < 1e-12, "{p:?}");
            let low = probability_best(&[a, b], true);
            assert!((low[0] - (1.0 - want)).abs() < 1e-12);
        }
    }

    #[test]
    fn several_arms_sum_to_one_and_are_symmetric() {
        let arms = [post(0.1, 0.02), post(0.1, 0.02), post(0.1, 0.02), post(0.1, 0.02)];
        for p in probability_best(&arms, false) {
            assert!((p - 0.25).abs() < 1e-12, "{p}");
        }
        let arms = [post(0.10, 0.010), post(0.11, 0.002), post(0.095, 0.05), post(0.2, 1e-7), post(-1.0, 3.0)];
        let p = probability_best(&arms, false);
        assert!((p.iter().sum::<f64>() - 1.0).abs() < 1e-11, "{p:?}");
        assert!(p.iter().all(|&x| (0.0..=1.0).contains(&x)));
    }

    #[test]
    fn floor_and_greedy() {
        let w = floored(&[0.0764, 0.9236], 0.01);
        assert!((w[0] - (0.01 + 0.98 * 0.0764)).abs() < 1e-15);
        assert!((w.iter().sum::<f64>() - 1.0).abs() < 1e-15);
        assert_eq!(floored(&[0.2, 0.8], 0.6), vec![0.5, 0.5]);
        let near = |a: Vec<f64>, b: [f64; 3]| a.iter().zip(b).all(|(x, y)| (x - y).abs() < 1e-15);
        assert!(near(epsilon_greedy(&[1.0, 3.0, 2.0], false, 0.3), [0.1, 0.8, 0.1]));
        assert!(near(epsilon_greedy(&[1.0, 3.0, 2.0], true, 0.3), [0.8, 0.1, 0.1]));
        assert!((total_variation(&[0.5, 0.5], &[0.2, 0.8]) - 0.3).abs() < 1e-15);
    }

    #[test]
    fn posterior_is_gbstats() {
        // gbstats BanditsSimple, n = 1000, sum = 120, sum_squares = 120:
        // variance 0.10570570570570571, posterior mean 0.1199998734...
        let a = ArmData { n: 1000.0, mean: 0.12, variance: (120.0 - 120.0 * 120.0 / 1000.0) / 999.0 };
        let p = posterior(&a);
        let prec = 1e-4 + 1000.0 / a.variance;
        assert!((p.mean - 0.12 * (1000.0 / a.variance) / prec).abs() < 1e-16);
        let zero = posterior(&ArmData { n: 50.0, mean: 0.0, variance: 0.0 });
        assert_eq!((zero.mean, zero.sd), (0.0, 100.0));
    }
}
