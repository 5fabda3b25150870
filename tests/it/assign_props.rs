//! Properties of the bucketing, checked with proptest.

use crate::common;

use abx::assign::Bucketer;
use abx::experiment::{parse_str, Experiment};
use proptest::prelude::*;

fn experiment(salt: &str, weights: &[f64], allocation: f64) -> Experiment {
    parse_str("p.yaml", &common::experiment_yaml("p", salt, weights, allocation)).unwrap()
}

fn weights() -> impl Strategy<Value = Vec<f64>> {
    prop::collection::vec(0.01f64..100.0, 2..6)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// The same unit, salt and design always give the same variant and point,
    /// from any Bucketer built from the same file.
    #[test]
    fn sticky(unit in "\\PC{1,40}", salt in "[a-z0-9_.-]{1,20}", w in weights(), alloc in 0.0f64..=1.0) {
        let e = experiment(&salt, &w, alloc);
        let (a, b) = (Bucketer::new(&e), Bucketer::new(&e));
        let first = a.assign(unit.as_bytes());
        prop_assert_eq!(first, a.assign(unit.as_bytes()));
        prop_assert_eq!(first, b.assign(unit.as_bytes()));
        prop_assert_eq!(first.0, a.variant(unit.as_bytes()));
        prop_assert!((0.0..1.0).contains(&first.1));
    }

    /// Raising allocation never moves an exposed unit to another variant.
    #[test]
    fn raising_allocation_never_moves_a_unit(unit in "[a-z0-9_]{1,24}", salt in "[a-z]{1,12}", w in weights(),
                                             lo in 0.0f64..=1.0, hi in 0.0f64..=1.0) {
        let (lo, hi) = if lo <= hi { (lo, hi) } else { (hi, lo) };
        let before = Bucketer::new(&experiment(&salt, &w, lo)).assign(unit.as_bytes()).0;
        let after = Bucketer::new(&experiment(&salt, &w, hi)).assign(unit.as_bytes()).0;
        if let Some(v) = before {
            prop_assert_eq!(after, Some(v));
        }
    }

    /// A unit is exposed exactly when its point falls below its slice's cut.
    #[test]
    fn exposure_matches_the_ranges(unit in "[a-z0-9_]{1,24}", w in weights(), alloc in 0.0f64..=1.0) {
        let e = experiment("s", &w, alloc);
        let b = Bucketer::new(&e);
        let (v, x) = b.assign(unit.as_bytes());
        match v {
            Some(i) => prop_assert!(b.ranges()[i].start <= x && x < b.ranges()[i].end),
            None => prop_assert!(b.ranges().iter().all(|r| !(r.start <= x && x < r.end))),
        }
    }
}

/// Chi-square statistic of observed counts against expected shares.
fn chi_square(observed: &[u64], shares: &[f64]) -> f64 {
    let n: u64 = observed.iter().sum();
    observed.iter().zip(shares).map(|(&o, &p)| (o as f64 - n as f64 * p).powi(2) / (n as f64 * p)).sum()
}

/// Shares converge to the weights: on 100k ids the chi-square goodness of fit
/// stays below its 0.999 quantile. Ids and salts are fixed, so the check is
/// deterministic and cannot flake.
#[test]
fn shares_converge_to_weights() {
    // 0.999 quantiles of chi-square with 1..=4 degrees of freedom (scipy.stats.chi2.ppf).
    let critical = [10.827566170662733, 13.815510557964274, 16.26623619623813, 18.46682695290317];
    let designs: [(&str, Vec<f64>); 4] = [
        ("followup_timing", vec![1.0, 1.0]),
        ("backtest_window", vec![1.0, 2.0, 7.0]),
        ("prompt", vec![1.0; 4]),
        ("skew", vec![0.05, 0.95]),
    ];
    for (salt, w) in designs {
        let e = experiment(salt, &w, 1.0);
        let b = Bucketer::new(&e);
        let mut counts = vec![0u64; w.len()];
        for i in 0..100_000 {
            let v = b.assign(format!("user_{i}").as_bytes()).0.expect("allocation 1 exposes everyone");
            counts[v] += 1;
        }
        let stat = chi_square(&counts, &e.normalized_weights());
        assert!(stat < critical[w.len() - 2], "{salt}: chi2 = {stat} for counts {counts:?}");
    }
}

/// With allocation a, about a of units are exposed, spread as the weights.
#[test]
fn allocation_exposes_its_share() {
    let e = experiment("llm_version_rollout", &[1.0, 1.0], 0.1);
    let b = Bucketer::new(&e);
    let mut counts = [0u64; 3];
    for i in 0..100_000 {
        match b.assign(format!("user_{i}").as_bytes()).0 {
            Some(v) => counts[v] += 1,
            None => counts[2] += 1,
        }
    }
    let stat = chi_square(&counts, &[0.05, 0.05, 0.9]);
    assert!(stat < 13.815510557964274, "chi2 = {stat} for counts {counts:?}");
}

/// The contract's point, with the tests' own SHA-256.
fn point(unit: &str, salt: &str) -> f64 {
    let d = common::sha256::digest(format!("{unit}:{salt}").as_bytes());
    u64::from_be_bytes(d[..8].try_into().unwrap()) as f64 / 18_446_744_073_709_551_616.0
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// Experiments of one layer with disjoint ranges: no unit has a variant
    /// in two of them, and the one it has a variant in holds its layer point.
    #[test]
    fn a_layer_never_shares_a_unit(
        layer in "[a-z]{1,10}",
        mut cuts in prop::collection::vec(0.0f64..1.0, 1..5),
        first in 0usize..10_000,
    ) {
        cuts.extend([0.0, 1.0]);
        cuts.sort_by(f64::total_cmp);
        let members: Vec<(Bucketer, f64, f64)> = cuts
            .windows(2)
            .enumerate()
            .map(|(k, c)| {
                let yaml = format!(
                    "{}layer: {{name: {layer}, range: [{:?}, {:?}]}}\n",
                    common::experiment_yaml(&format!("e{k}"), &format!("s{k}"), &[1.0, 1.0], 1.0),
                    c[0],
                    c[1]
                );
                (Bucketer::new(&parse_str("l.yaml", &yaml).unwrap()), c[0], c[1])
            })
            .collect();
        for i in first..first + 300 {
            let unit = format!("u{i}");
            let placed: Vec<usize> =
                (0..members.len()).filter(|&k| members[k].0.assign(unit.as_bytes()).0.is_some()).collect();
            prop_assert!(placed.len() <= 1, "{} in {:?}", unit, placed);
            for (b, _, _) in &members {
                prop_assert_eq!(b.variant(unit.as_bytes()), b.assign(unit.as_bytes()).0);
            }
            let x = point(&unit, &format!("layer/{layer}"));
            let holder = members.iter().position(|(_, a, b)| *a <= x && x < *b);
            prop_assert_eq!(placed.first().copied(), holder, "{} at {}", unit, x);
        }
    }

    /// A holdout keeps out its share of units, within sampling error (5 sd).
    #[test]
    fn a_holdout_keeps_its_share(name in "[a-z]{1,10}", share in 0.01f64..0.99) {
        let yaml = format!(
            "{}holdout: {{name: {name}, share: {share:?}}}\n",
            common::experiment_yaml("h", "h_salt", &[1.0, 1.0], 1.0)
        );
        let b = Bucketer::new(&parse_str("h.yaml", &yaml).unwrap());
        let n = 4000;
        let held = (0..n).filter(|i| b.assign(format!("user_{i}").as_bytes()).0.is_none()).count();
        let by_variant = (0..n).filter(|i| b.variant(format!("user_{i}").as_bytes()).is_none()).count();
        prop_assert_eq!(held, by_variant);
        let sd = (n as f64 * share * (1.0 - share)).sqrt();
        prop_assert!((held as f64 - n as f64 * share).abs() < 5.0 * sd, "held {} of {} at share {}", held, n, share);
    }
}
