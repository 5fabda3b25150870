//! Multiple-testing adjustments of p-values (statsmodels' multipletests).
//! NaN p-values stay NaN and count in m.

use serde::Serialize;

/// A multiple-testing correction (statsmodels' `method` names).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
#[serde(rename_all = "lowercase")]
pub enum Correction {
    None,
    Bonferroni,
    Holm,
    /// Benjamini-Hochberg false discovery rate
    Bh,
}

/// The adjusted p-values of `p` under `correction`.
pub fn adjust(correction: Correction, p: &[f64]) -> Vec<f64> {
    match correction {
        Correction::None => p.to_vec(),
        Correction::Bonferroni => bonferroni(p),
        Correction::Holm => holm(p),
        Correction::Bh => benjamini_hochberg(p),
    }
}

fn order(p: &[f64]) -> Vec<usize> {
    let mut idx: Vec<usize> = (0..p.len()).collect();
    idx.sort_by(|&a, &b| p[a].total_cmp(&p[b]));
    idx
}

/// Bonferroni: min(1, m p).
pub fn bonferroni(p: &[f64]) -> Vec<f64> {
    let m = p.len() as f64;
    p.iter().map(|&x| (x * m).min(1.0)).collect()
}

/// Holm's step-down (Holm 1979): the i-th smallest gets max over j <= i of min(1, (m - j + 1) p_(j)).
pub fn holm(p: &[f64]) -> Vec<f64> {
    let m = p.len();
    let mut out = vec![f64::NAN; m];
    let mut running: f64 = 0.0;
    for (rank, &i) in order(p).iter().enumerate() {
        if p[i].is_nan() {
            continue;
        }
        running = running.max(((m - rank) as f64 * p[i]).min(1.0));
        out[i] = running;
    }
    out
}

/// Benjamini-Hochberg step-up (1995): the i-th smallest gets min over j >= i of min(1, m p_(j) / j).
pub fn benjamini_hochberg(p: &[f64]) -> Vec<f64> {
    let m = p.len();
    let mut out = vec![f64::NAN; m];
    let idx = order(p);
    let mut running: f64 = 1.0;
    for (rank, &i) in idx.iter().enumerate().rev() {
        if p[i].is_nan() {
            continue;
        }
        running = running.min((m as f64 * p[i] / (rank + 1) as f64).min(1.0));
        out[i] = running;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn match_statsmodels() {
        // statsmodels.stats.multitest.multipletests([0.01, 0.04, 0.03, 0.005], method=...)
        let p = [0.01, 0.04, 0.03, 0.005];
        assert_eq!(bonferroni(&p), vec![0.04, 0.16, 0.12, 0.02]);
        let h = holm(&p);
        for (a, b) in h.iter().zip([0.03, 0.06, 0.06, 0.02]) {
            assert!((a - b).abs() < 1e-15, "{h:?}");
        }
        let bh = benjamini_hochberg(&p);
        for (a, b) in bh.iter().zip([0.02, 0.04, 0.04, 0.02]) {
            assert!((a - b).abs() < 1e-15, "{bh:?}");
        }
    }
}
