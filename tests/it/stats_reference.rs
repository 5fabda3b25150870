//! src/stats against scipy / statsmodels on extreme inputs: p-values far in
//! the tail, tiny and huge n, baselines near 0 and 1, a df of 1. The values
//! are in tests/it/common/scipy_refs.rs (scipy 1.17.1, statsmodels 0.14).

use crate::common;

use abx::stats::dist::*;
use abx::stats::htest::{two_means, two_proportions, Counts, RelativeCi, Summary};
use abx::stats::power::{mean_n, mean_power, prop_n};
use abx::stats::{Alternative, Sided};
use common::scipy_refs::CASES;

fn eval(kind: &str, a: &[f64]) -> f64 {
    let two = Alternative::TwoSided;
    let d = RelativeCi::Delta;
    match kind {
        "norm_sf" => norm_sf(a[0]),
        "norm_cdf" => norm_cdf(a[0]),
        "norm_isf" => norm_isf(a[0]),
        "t_sf" => t_sf(a[0], a[1]),
        "t_isf" => t_isf(a[0], a[1]),
        "chi2_sf" => chi2_sf(a[0], a[1]),
        "nct_cdf" => nct_cdf(a[0], a[1], a[2]),
        "prop_p" => {
            let c = Counts { successes: a[0], trials: a[1] };
            let t = Counts { successes: a[2], trials: a[3] };
            two_proportions(c, t, 0.05, two, d).p_value
        }
        "welch_p" | "student_p" => {
            let c = Summary { n: a[0], mean: a[1], sd: a[2] };
            let t = Summary { n: a[3], mean: a[4], sd: a[5] };
            two_means(c, t, 0.05, kind == "student_p", two, d).p_value
        }
        "prop_n" => prop_n(a[0], a[1], a[2], a[3], Sided::Two, 1.0),
        "mean_n" => mean_n(a[0], a[1], a[2], Sided::Two, 1.0).unwrap(),
        "mean_n_one" => mean_n(a[0], a[1], a[2], Sided::One, 1.0).unwrap(),
        "mean_power" => mean_power(a[0], a[1], a[2], Sided::Two, 1.0),
        other => panic!("unknown reference kind {other}"),
    }
}

#[test]
fn agrees_with_scipy_on_extreme_inputs() {
    let mut failures = Vec::new();
    for (kind, args, want) in CASES {
        let got = eval(kind, args);
        // Sample sizes come from root solves (statsmodels' own tolerance is ~1e-8).
        let tol = if kind.starts_with("mean_n") { 1e-6 } else { 1e-9 };
        let err = if *want == 0.0 { got.abs() } else { (got - want).abs() / want.abs() };
        if !(err <= tol || (got - want).abs() <= 1e-300) {
            failures.push(format!("{kind}{args:?}: got {got:e}, scipy {want:e}, rel err {err:.2e}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn tails_are_not_complements() {
    // 1 - cdf would give 0 here; the survival functions keep the digits.
    assert!(norm_sf(30.0) > 0.0 && norm_sf(30.0) < 1e-190);
    assert!(t_sf(1e4, 3.0) > 0.0);
    assert!(chi2_sf(1000.0, 2.0) > 0.0); // e^-500
    let p = two_proportions(
        Counts { successes: 1000.0, trials: 100_000.0 },
        Counts { successes: 3000.0, trials: 100_000.0 },
        0.05,
        Alternative::TwoSided,
        RelativeCi::Delta,
    )
    .p_value;
    assert!(p > 0.0 && p < 1e-100, "{p:e}");
}

#[test]
fn one_sided_p_values_split_the_two_sided_one() {
    let c = Summary { n: 50.0, mean: 10.0, sd: 2.0 };
    let t = Summary { n: 60.0, mean: 10.8, sd: 2.5 };
    let two = two_means(c, t, 0.05, false, Alternative::TwoSided, RelativeCi::Delta);
    let greater = two_means(c, t, 0.05, false, Alternative::Greater, RelativeCi::Delta);
    let less = two_means(c, t, 0.05, false, Alternative::Less, RelativeCi::Delta);
    assert!((greater.p_value * 2.0 - two.p_value).abs() < 1e-15);
    assert!((greater.p_value + less.p_value - 1.0).abs() < 1e-15);
    assert!(greater.ci.high.is_infinite() && greater.ci.low > two.ci.low);
    assert!(less.ci.low.is_infinite() && less.ci.high < two.ci.high);
}

#[test]
fn fieller_and_delta_agree_for_precise_controls_and_part_when_the_control_is_noisy() {
    let c = Counts { successes: 5000.0, trials: 100_000.0 };
    let t = Counts { successes: 5400.0, trials: 100_000.0 };
    let d = two_proportions(c, t, 0.05, Alternative::TwoSided, RelativeCi::Delta);
    let f = two_proportions(c, t, 0.05, Alternative::TwoSided, RelativeCi::Fieller);
    assert!((d.lift_ci.low - f.lift_ci.low).abs() < 2e-3 && (d.lift_ci.high - f.lift_ci.high).abs() < 2e-3);
    // Fieller is asymmetric around the lift (wider above), delta is symmetric.
    assert!((f.lift_ci.high - f.lift) > (f.lift - f.lift_ci.low));
    // With a control mean indistinguishable from 0 the Fieller interval is unbounded.
    let noisy = two_means(
        Summary { n: 10.0, mean: 0.1, sd: 5.0 },
        Summary { n: 10.0, mean: 1.0, sd: 5.0 },
        0.05,
        false,
        Alternative::TwoSided,
        RelativeCi::Fieller,
    );
    assert!(noisy.lift_ci.low.is_infinite() && noisy.lift_ci.high.is_infinite());
}

#[test]
fn effect_sizes() {
    // Cohen's h for 0.5 vs 0.6: 2 asin(√0.6) - 2 asin(√0.5).
    let r = two_proportions(
        Counts { successes: 50.0, trials: 100.0 },
        Counts { successes: 60.0, trials: 100.0 },
        0.05,
        Alternative::TwoSided,
        RelativeCi::Delta,
    );
    assert!((r.cohens_h - 0.20135792079033074).abs() < 1e-15);
    // Cohen's d with a pooled sd of 2: (11 - 10) / 2.
    let m = two_means(
        Summary { n: 30.0, mean: 10.0, sd: 2.0 },
        Summary { n: 30.0, mean: 11.0, sd: 2.0 },
        0.05,
        true,
        Alternative::TwoSided,
        RelativeCi::Delta,
    );
    assert!((m.cohens_d - 0.5).abs() < 1e-15);
}

#[test]
fn power_solves_are_consistent() {
    use abx::stats::power::{mean_mde, prop_mde, prop_power};
    // n from the effect, then power from n, then the effect from n: round trips.
    let n = prop_n(0.1, 0.11, 0.05, 0.8, Sided::Two, 1.0);
    assert!((prop_power(0.1, 0.11, n, 0.05, Sided::Two, 1.0) - 0.8).abs() < 1e-12);
    let d = prop_mde(0.1, n, 0.05, 0.8, Sided::Two, 1.0).unwrap();
    assert!((d - 0.01).abs() < 1e-9, "{d}");
    let n = mean_n(0.2, 0.05, 0.9, Sided::Two, 2.0).unwrap();
    assert!((mean_power(0.2, n, 0.05, Sided::Two, 2.0) - 0.9).abs() < 1e-10);
    let es = mean_mde(n, 0.05, 0.9, Sided::Two, 2.0).unwrap();
    assert!((es - 0.2).abs() < 1e-9, "{es}");
    // An unequal split needs more units in total than an even one.
    let even = 2.0 * mean_n(0.2, 0.05, 0.8, Sided::Two, 1.0).unwrap();
    let uneven = 4.0 * mean_n(0.2, 0.05, 0.8, Sided::Two, 3.0).unwrap();
    assert!(uneven > even);
}
