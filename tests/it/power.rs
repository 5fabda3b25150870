//! `abx power` beyond the oracle: the three solves and the options.

use crate::common::{close, run_json as run};

#[test]
fn power_solves_three_ways() {
    let (_, n, _) = run(&["power", "proportion", "--baseline", "0.1", "--mde", "0.01"]);
    let n_exact = n["n_exact"].as_f64().unwrap();
    let ns = n_exact.to_string();
    let (_, p, _) = run(&["power", "proportion", "--baseline", "0.1", "--mde", "0.01", "--n", &ns]);
    assert!(close(&p["power"], 0.8, 1e-9), "{p}");
    let (_, m, _) = run(&["power", "proportion", "--baseline", "0.1", "--n", &ns]);
    assert!(close(&m["mde"], 0.01, 1e-8), "{m}");
    assert!(close(&m["mde_relative"], 0.1, 1e-8), "{m}");
    let (_, mean, _) = run(&["power", "mean", "--sd", "10", "--n", "500"]);
    assert_eq!(mean["n_per_variant"], 500, "a whole --n stays an integer");
    let mde = mean["mde_absolute"].as_f64().unwrap().to_string();
    let (_, back, _) = run(&["power", "mean", "--sd", "10", "--mde", &mde]);
    assert!(close(&back["n_exact"], 500.0, 1e-8), "{back}");
}

#[test]
fn power_options() {
    let (_, base, _) = run(&["power", "mean", "--sd", "20", "--mde", "1.6"]);
    let (_, rel, _) =
        run(&["power", "mean", "--sd", "20", "--mde", "0.02", "--baseline-mean", "80", "--daily-units", "1000"]);
    assert_eq!(base["n_exact"], rel["n_exact"]);
    assert_eq!(rel["days"], (rel["n_total"].as_f64().unwrap() / 1000.0).ceil() as u64);
    let (_, ratio, _) = run(&["power", "mean", "--sd", "20", "--mde", "1.6", "--ratio", "2"]);
    let n = ratio["n_exact"].as_f64().unwrap();
    assert_eq!(ratio["n_treatment"], (2.0 * n).ceil() as u64);
    assert_eq!(ratio["n_total"], ratio["n_per_variant"].as_u64().unwrap() + ratio["n_treatment"].as_u64().unwrap());
    let (_, k, _) = run(&["power", "proportion", "--baseline", "0.1", "--mde", "0.01", "--variants", "4"]);
    assert!(close(&k["alpha_per_comparison"], 0.05 / 3.0, 1e-15));
    assert_eq!(k["n_total"], 4 * k["n_per_variant"].as_u64().unwrap());
    let (_, curve, _) = run(&["power", "proportion", "--baseline", "0.1", "--mde", "0.1", "--relative", "--curve"]);
    let points = curve["curve"].as_array().unwrap();
    assert_eq!(points.len(), 11);
    assert!(
        points.windows(2).all(|w| w[0]["n_per_variant"].as_u64() > w[1]["n_per_variant"].as_u64()),
        "n falls as the MDE grows"
    );
    assert_eq!(points[5]["n_per_variant"], curve["n_per_variant"]);
}
