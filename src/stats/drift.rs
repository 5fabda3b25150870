//! Drift statistics between a reference and a current sample: PSI, the
//! two-sample Kolmogorov–Smirnov test, the 1-Wasserstein distance (numeric),
//! and PSI, chi-square and Jensen–Shannon over categories. Numeric routines
//! take sorted, finite samples: sorting once per column is what makes them O(n).

use super::dist::chi2_sf;
use super::kolmogorov::{ks_2samp_pvalue, KsMethod};

/// The floor on a bin's share (../shared/CONTRACT.md): an empty bin does not
/// make PSI infinite.
pub const SHARE_FLOOR: f64 = 1e-4;

/// Neumaier's compensated sum: sums of millions of terms stay exact to ~1 ulp.
#[derive(Debug, Default, Clone, Copy)]
pub struct Sum {
    s: f64,
    c: f64,
}

impl Sum {
    pub fn add(&mut self, x: f64) {
        let t = self.s + x;
        if self.s.abs() >= x.abs() {
            self.c += (self.s - t) + x;
        } else {
            self.c += (x - t) + self.s;
        }
        self.s = t;
    }

    pub fn value(&self) -> f64 {
        self.s + self.c
    }
}

/// The `p` quantile of sorted data, numpy's default `method='linear'`
/// (Hyndman & Fan type 7), with numpy's own lerp so that edges match bit for bit.
pub fn quantile_sorted(sorted: &[f64], p: f64) -> f64 {
    let n = sorted.len();
    if n == 0 {
        return f64::NAN;
    }
    let virtual_index = (n - 1) as f64 * p;
    if virtual_index >= (n - 1) as f64 {
        return sorted[n - 1];
    }
    if virtual_index < 0.0 {
        return sorted[0];
    }
    let prev = virtual_index.floor();
    let gamma = virtual_index - prev;
    let (a, b) = (sorted[prev as usize], sorted[prev as usize + 1]);
    let diff = b - a;
    if !diff.is_finite() {
        // b - a past the largest double (a near -1.8e308, b near 1.8e308),
        // where numpy's lerp gives inf: the same point, computed in halves.
        return 2.0 * (a / 2.0 + (b / 2.0 - a / 2.0) * gamma);
    }
    // numpy `_lerp`: from the nearer end.
    if gamma >= 0.5 {
        b - diff * (1.0 - gamma)
    } else {
        a + diff * gamma
    }
}

/// The probabilities numpy's `np.linspace(0, 1, bins + 1)` gives.
fn linspace01(bins: usize) -> Vec<f64> {
    let step = 1.0 / bins as f64;
    let mut v: Vec<f64> = (0..=bins).map(|i| i as f64 * step).collect();
    v[bins] = 1.0;
    v
}

/// PSI cut points from the sorted reference (../shared/CONTRACT.md): the
/// edges are the reference's quantiles at 0, 1/bins, ..., 1 (linear
/// interpolation), repeated edges dropped; the outer two edges are open, so
/// the cut points are the inner ones and a value equal to a cut falls in the
/// bin above. A constant reference gets three bins: below, at and above its value.
pub fn quantile_cuts(sorted_ref: &[f64], bins: usize) -> Vec<f64> {
    if sorted_ref.is_empty() || bins == 0 {
        return Vec::new();
    }
    let mut edges: Vec<f64> = linspace01(bins).into_iter().map(|p| quantile_sorted(sorted_ref, p)).collect();
    edges.dedup();
    if edges.len() == 1 {
        return vec![edges[0], next_up(edges[0])];
    }
    edges[1..edges.len() - 1].to_vec()
}

/// The next float above a finite x (f64::next_up, stable only since Rust 1.86).
fn next_up(x: f64) -> f64 {
    if x == 0.0 {
        f64::from_bits(1)
    } else if x > 0.0 {
        f64::from_bits(x.to_bits() + 1)
    } else {
        f64::from_bits(x.to_bits() - 1)
    }
}

/// Counts per bin of a sorted sample for the given cut points: bin k holds
/// values v with cut[k-1] <= v < cut[k].
pub fn bin_counts_sorted(sorted: &[f64], cuts: &[f64]) -> Vec<u64> {
    let mut counts = Vec::with_capacity(cuts.len() + 1);
    let mut prev = 0usize;
    for &c in cuts {
        let pos = sorted.partition_point(|&v| v < c);
        counts.push((pos - prev) as u64);
        prev = pos;
    }
    counts.push((sorted.len() - prev) as u64);
    counts
}

/// numpy's `histogram_bin_edges(x, bins='sturges')` for data spanning [lo, hi]
/// with `n` values: width ptp / (log2 n + 1), then `linspace(lo, hi, k + 1)`.
pub fn sturges_edges(lo: f64, hi: f64, n: usize) -> Vec<f64> {
    let (lo, hi) = if lo == hi { (lo - 0.5, hi + 0.5) } else { (lo, hi) };
    if !(hi - lo).is_finite() {
        // A span past the largest double (values near ±1.8e308): the same
        // edges computed in halves, which stay finite.
        let half = hi / 2.0 - lo / 2.0;
        let k = (((n as f64).log2() + 1.0).ceil() as usize).max(1);
        let step = half / k as f64;
        let mut edges: Vec<f64> = (0..=k).map(|i| 2.0 * (lo / 2.0 + i as f64 * step)).collect();
        edges[0] = lo;
        edges[k] = hi;
        return edges;
    }
    let width = (hi - lo) / ((n as f64).log2() + 1.0);
    let k = (((hi - lo) / width).ceil() as usize).max(1);
    let step = (hi - lo) / k as f64;
    let mut edges: Vec<f64> = (0..=k).map(|i| i as f64 * step + lo).collect();
    edges[k] = hi;
    edges
}

/// Counts of a sorted sample in numpy histogram bins: [e_i, e_{i+1}), the last closed.
pub fn histogram_sorted(sorted: &[f64], edges: &[f64]) -> Vec<u64> {
    let k = edges.len() - 1;
    let pos: Vec<usize> = edges
        .iter()
        .enumerate()
        .map(|(i, &e)| if i == k { sorted.partition_point(|&v| v <= e) } else { sorted.partition_point(|&v| v < e) })
        .collect();
    pos.windows(2).map(|w| (w[1] - w[0]) as u64).collect()
}

/// Shares with empty bins floored as Evidently's `get_binned_data` does: a
/// zero becomes 1e-4, or min(non-zero)/1e6 when the smallest share is below that.
pub fn evidently_shares(counts: &[u64], n: u64) -> Vec<f64> {
    let mut shares: Vec<f64> = counts.iter().map(|&c| c as f64 / n as f64).collect();
    let min_nonzero = shares.iter().cloned().filter(|&s| s != 0.0).fold(f64::INFINITY, f64::min);
    let fill = if min_nonzero <= 1e-4 { min_nonzero / 1e6 } else { 1e-4 };
    for s in shares.iter_mut() {
        if *s == 0.0 {
            *s = fill;
        }
    }
    shares
}

/// Shares floored at [`SHARE_FLOOR`].
pub fn floored_shares(counts: &[u64], n: u64) -> Vec<f64> {
    counts.iter().map(|&c| (c as f64 / n as f64).max(SHARE_FLOOR)).collect()
}

/// PSI = sum (a - e) ln(a / e) over bins, a the current share and e the
/// reference share (Siddiqi 2006; the contract's formula).
pub fn psi(expected: &[f64], actual: &[f64]) -> f64 {
    expected.iter().zip(actual).map(|(&e, &a)| (a - e) * (a / e).ln()).sum()
}

/// PSI of two samples' counts over the same bins, shares floored at 1e-4.
pub fn psi_counts(ref_counts: &[u64], n_ref: u64, cur_counts: &[u64], n_cur: u64) -> f64 {
    psi(&floored_shares(ref_counts, n_ref), &floored_shares(cur_counts, n_cur))
}

/// The two-sample Kolmogorov–Smirnov test.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Ks {
    pub statistic: f64,
    pub p_value: f64,
    pub method: KsMethod,
}

/// The largest gaps between two empirical CDFs, walked over sorted samples
/// at every distinct value (after ties, as scipy's `searchsorted(side='right')`),
/// together with the area between them (the 1-Wasserstein distance).
fn walk(a: &[f64], b: &[f64]) -> (f64, f64, f64) {
    let (n1, n2) = (a.len() as f64, b.len() as f64);
    let (mut i, mut j) = (0usize, 0usize);
    let (mut max_pos, mut max_neg) = (0.0f64, 0.0f64);
    let mut area = Sum::default();
    while i < a.len() || j < b.len() {
        let v = match (a.get(i), b.get(j)) {
            (Some(&x), Some(&y)) => x.min(y),
            (Some(&x), None) => x,
            (None, Some(&y)) => y,
            (None, None) => break,
        };
        while i < a.len() && a[i] == v {
            i += 1;
        }
        while j < b.len() && b[j] == v {
            j += 1;
        }
        let diff = i as f64 / n1 - j as f64 / n2;
        max_pos = max_pos.max(diff);
        max_neg = max_neg.max(-diff);
        // Area up to the next distinct value (scipy `_cdf_distance`, p = 1).
        let next = match (a.get(i), b.get(j)) {
            (Some(&x), Some(&y)) => x.min(y),
            (Some(&x), None) => x,
            (None, Some(&y)) => y,
            (None, None) => v,
        };
        area.add(diff.abs() * (next - v));
    }
    (max_pos, max_neg, area.value())
}

/// KS statistic and p-value as scipy's `ks_2samp(a, b, method='auto')`, and
/// the 1-Wasserstein distance as scipy's `wasserstein_distance(a, b)`, from
/// two sorted, non-empty samples in one pass.
pub fn ks_and_wasserstein(sorted_a: &[f64], sorted_b: &[f64]) -> (Ks, f64) {
    let (max_pos, max_neg, w1) = walk(sorted_a, sorted_b);
    let d = if max_neg.clamp(0.0, 1.0) > max_pos { max_neg.clamp(0.0, 1.0) } else { max_pos };
    let (statistic, p_value, method) = ks_2samp_pvalue(sorted_a.len() as u64, sorted_b.len() as u64, d);
    (Ks { statistic, p_value, method }, w1)
}

/// Mean, sample sd (ddof 1) and population sd (ddof 0) of a sample, by
/// compensated sums around a shift (numerically as stable as two passes).
pub fn moments(x: &[f64]) -> (f64, f64, f64) {
    let n = x.len();
    if n == 0 {
        return (f64::NAN, f64::NAN, f64::NAN);
    }
    // Values whose squares or sum would overflow: the moments of x / scale, scaled back.
    let big = x.iter().fold(0.0f64, |m, v| m.max(v.abs()));
    if big > 1e150 {
        let scaled: Vec<f64> = x.iter().map(|v| v / big).collect();
        let (mean, sample, pop) = moments(&scaled);
        return (mean * big, sample * big, pop * big);
    }
    let mut s = Sum::default();
    for &v in x {
        s.add(v);
    }
    let mean = s.value() / n as f64;
    let (mut ss, mut sd) = (Sum::default(), Sum::default());
    for &v in x {
        let d = v - mean;
        ss.add(d * d);
        sd.add(d);
    }
    // Second pass with the correction term (Chan, Golub & LeVeque 1983).
    let m2 = ss.value() - sd.value() * sd.value() / n as f64;
    let m2 = m2.max(0.0);
    let sample = if n > 1 { (m2 / (n - 1) as f64).sqrt() } else { f64::NAN };
    (mean, sample, (m2 / n as f64).sqrt())
}

/// Statistics over categories: reference and current counts per category.
#[derive(Debug, Clone, PartialEq)]
pub struct Categorical {
    pub psi: f64,
    pub chi2_statistic: f64,
    pub chi2_df: f64,
    pub chi2_p_value: f64,
    pub js_distance: f64,
}

/// PSI, chi-square and Jensen–Shannon distance over the same categories.
/// - PSI: shares over the union of categories, floored at 1e-4.
/// - Chi-square: goodness of fit of the current counts to the reference
///   shares (scipy `chisquare(f_obs, f_exp)`, df = k - 1); the expected shares
///   are the floored reference shares renormalised, so that a category new
///   in the current data counts heavily instead of making the statistic infinite.
/// - Jensen–Shannon distance base 2, as `scipy.spatial.distance.jensenshannon(p, q, base=2)`
///   on the unfloored shares.
pub fn categorical(ref_counts: &[u64], cur_counts: &[u64]) -> Categorical {
    let n_ref: u64 = ref_counts.iter().sum();
    let n_cur: u64 = cur_counts.iter().sum();
    let psi = psi_counts(ref_counts, n_ref, cur_counts, n_cur);
    // chi-square goodness of fit (Pearson 1900).
    let floored = floored_shares(ref_counts, n_ref);
    let total: f64 = floored.iter().sum();
    let mut stat = 0.0;
    for (&f, &o) in floored.iter().zip(cur_counts) {
        let e = n_cur as f64 * f / total;
        stat += (o as f64 - e).powi(2) / e;
    }
    let df = (ref_counts.len() as f64 - 1.0).max(0.0);
    let p = if df == 0.0 { 1.0 } else { chi2_sf(stat, df) };
    let stat = if df == 0.0 { 0.0 } else { stat };
    // Jensen–Shannon (Lin 1991), scipy's evaluation order.
    let p_sh: Vec<f64> = ref_counts.iter().map(|&c| c as f64 / n_ref as f64).collect();
    let q_sh: Vec<f64> = cur_counts.iter().map(|&c| c as f64 / n_cur as f64).collect();
    let (mut left, mut right) = (0.0, 0.0);
    for (&p, &q) in p_sh.iter().zip(&q_sh) {
        let m = (p + q) / 2.0;
        left += rel_entr(p, m);
        right += rel_entr(q, m);
    }
    let js = ((left + right) / 2f64.ln() / 2.0).max(0.0).sqrt();
    Categorical { psi, chi2_statistic: stat, chi2_df: df, chi2_p_value: p, js_distance: js }
}

/// scipy.special.rel_entr: x ln(x / y), 0 at x = 0.
fn rel_entr(x: f64, y: f64) -> f64 {
    if x > 0.0 && y > 0.0 {
        x * (x / y).ln()
    } else if x == 0.0 && y >= 0.0 {
        0.0
    } else {
        f64::INFINITY
    }
}

/// PSI of the missing share: the two-bin distribution (missing, present).
pub fn missing_psi(missing_ref: u64, total_ref: u64, missing_cur: u64, total_cur: u64) -> f64 {
    if total_ref == 0 || total_cur == 0 {
        return f64::NAN;
    }
    psi_counts(&[missing_ref, total_ref - missing_ref], total_ref, &[missing_cur, total_cur - missing_cur], total_cur)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_match_numpy() {
        // np.quantile([1, 2, 3, 4, 10], [0.1, 0.5, 0.9]) = [1.4, 3.0, 7.6]
        let x = [1.0, 2.0, 3.0, 4.0, 10.0];
        assert!((quantile_sorted(&x, 0.1) - 1.4).abs() < 1e-15);
        assert_eq!(quantile_sorted(&x, 0.5), 3.0);
        assert!((quantile_sorted(&x, 0.9) - 7.6).abs() < 1e-15);
    }

    #[test]
    fn cuts_drop_repeated_edges_and_values_on_a_cut_go_up() {
        let x = [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 2.0, 3.0, 4.0];
        let cuts = quantile_cuts(&x, 10);
        // numpy: unique(quantile(x, linspace(0, 1, 11))) = [0, .4, 1.3, 2.2, 3.1, 4]
        let want = [0.4, 1.3, 2.2, 3.1];
        assert_eq!(cuts.len(), want.len());
        assert!(cuts.iter().zip(want).all(|(c, w)| (c - w).abs() < 1e-15), "{cuts:?}");
        let counts = bin_counts_sorted(&[0.0, 1.0, 1.0, 5.0], &[1.0, 2.0]);
        assert_eq!(counts, vec![1, 2, 1]);
    }

    #[test]
    fn constant_reference_has_below_at_above_bins() {
        let cuts = quantile_cuts(&[3.0; 5], 10);
        assert_eq!(bin_counts_sorted(&[2.0, 3.0, 3.0, 4.0], &cuts), vec![1, 2, 1]);
        assert_eq!(psi_counts(&bin_counts_sorted(&[3.0; 5], &cuts), 5, &bin_counts_sorted(&[3.0; 4], &cuts), 4), 0.0);
    }

    #[test]
    fn ks_and_w1_small_case() {
        // scipy: ks_2samp([1,2,3],[2,3,4,5]) -> D=0.5, p=0.6571428571428571 (exact);
        // wasserstein_distance([1,2,3],[2,3,4,5]) = 1.5
        let (ks, w) = ks_and_wasserstein(&[1.0, 2.0, 3.0], &[2.0, 3.0, 4.0, 5.0]);
        assert_eq!(ks.statistic, 0.5);
        assert!((ks.p_value - 0.6571428571428571).abs() < 1e-12, "{}", ks.p_value);
        assert!((w - 1.5).abs() < 1e-15, "{w}");
    }

    #[test]
    fn categorical_by_hand() {
        // Reference 50/30/20, current 40/30/20/10 (a new category).
        let r = [50u64, 30, 20, 0];
        let c = [40u64, 30, 20, 10];
        let got = categorical(&r, &c);
        // PSI: (0.4-0.5)ln(0.8) + 0 + 0 + (0.1-1e-4)ln(0.1/1e-4)
        let want_psi = (0.4f64 - 0.5) * (0.8f64).ln() + (0.1f64 - 1e-4) * (0.1f64 / 1e-4).ln();
        assert!((got.psi - want_psi).abs() < 1e-14);
        // Expected shares (0.5, 0.3, 0.2, 1e-4) / 1.0001, times 100.
        let e: Vec<f64> = [0.5, 0.3, 0.2, 1e-4].iter().map(|s| 100.0 * s / 1.0001).collect();
        let want_chi2: f64 = [40.0, 30.0, 20.0, 10.0].iter().zip(&e).map(|(o, e)| (o - e) * (o - e) / e).sum();
        assert!((got.chi2_statistic - want_chi2).abs() < 1e-9 * want_chi2);
        assert_eq!(got.chi2_df, 3.0);
        // JS: p = (.5,.3,.2,0), q = (.4,.3,.2,.1), m = (.45,.3,.2,.05)
        let kl = |p: &[f64], m: &[f64]| -> f64 {
            p.iter().zip(m).filter(|(p, _)| **p > 0.0).map(|(p, m)| p * (p / m).ln()).sum()
        };
        let m = [0.45, 0.3, 0.2, 0.05];
        let want_js = ((kl(&[0.5, 0.3, 0.2, 0.0], &m) + kl(&[0.4, 0.3, 0.2, 0.1], &m)) / 2.0 / 2f64.ln()).sqrt();
        assert!((got.js_distance - want_js).abs() < 1e-15);
    }

    #[test]
    fn missing_share_jump_is_large() {
        let p = missing_psi(10, 1000, 300, 1000);
        assert!(p > 0.25, "{p}");
        assert!(missing_psi(10, 1000, 12, 1000) < 0.01);
    }

    #[test]
    fn huge_values_keep_their_moments_and_bins() {
        let (mean, sd, pop) = moments(&[-1e308, 1e308]);
        assert_eq!(mean, 0.0);
        assert!((sd / (2f64.sqrt() * 1e308) - 1.0).abs() < 1e-12, "{sd}");
        assert!((pop / 1e308 - 1.0).abs() < 1e-12, "{pop}");
        let edges = sturges_edges(-1.7e308, 1.7e308, 100);
        assert_eq!(edges.len(), 9);
        assert!(edges.iter().all(|e| e.is_finite()) && edges.windows(2).all(|w| w[0] < w[1]), "{edges:?}");
    }

    #[test]
    fn moments_are_stable() {
        let (m, s, p) = moments(&[1e9 + 1.0, 1e9 + 2.0, 1e9 + 3.0]);
        assert_eq!(m, 1e9 + 2.0);
        assert_eq!(s, 1.0);
        assert!((p - (2.0f64 / 3.0).sqrt()).abs() < 1e-12);
    }
}
