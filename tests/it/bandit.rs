//! `abx bandit` (the contract's "Bandits"): the weights against GrowthBook's
//! own bandit code (gbstats, run in Python) and against scipy's quadrature,
//! the period weighting and bandit SRM against a hand computation, the
//! reweighting layout's move bound, and the refusals.

use std::collections::HashMap;

use proptest::prelude::*;
use serde_json::Value;

use crate::common::{self, abx_in, engines::gbstats_python};

const ROUTER: &str = "fixtures/bandit/model_router.yaml";
const ROUTER_DATA: &str = "fixtures/bandit/model_router.csv";

/// A tiny deterministic generator (the cases must be the same on every run).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> f64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
    fn int(&mut self, lo: u64, hi: u64) -> u64 {
        lo + (self.next() * (hi - lo) as f64) as u64
    }
}

fn yaml(name: &str, k: usize, kind: &str, direction: &str) -> String {
    let mut s = format!("name: {name}\nvariants:\n");
    for i in 0..k {
        s += &format!("  - name: arm{i}\n    weight: 1\n");
    }
    s += &format!("metrics:\n  - name: m\n    kind: {kind}\n    direction: {direction}\n");
    if kind == "ratio" {
        s += "    numerator: num\n    denominator: den\n";
    }
    s
}

/// One case: its kind, direction and per-arm sums (n, sum, sum_sq[, sum_y, sum_y_sq, sum_xy]).
struct Case {
    kind: &'static str,
    inverse: bool,
    arms: Vec<Vec<f64>>,
}

fn cases() -> Vec<Case> {
    let mut r = Lcg(20261202);
    let mut out = Vec::new();
    for c in 0..24 {
        let k = 2 + (c % 3);
        let kind = ["proportion", "mean", "ratio"][(c / 3) % 3];
        let inverse = c % 4 == 3;
        let mut arms = Vec::new();
        for _ in 0..k {
            let n = r.int(100, 4000) as f64;
            match kind {
                "proportion" => {
                    let s = (n * (0.05 + 0.1 * r.next())).round();
                    arms.push(vec![n, s, s]);
                }
                "mean" => {
                    let (mean, sd) = (5.0 + r.next(), 1.0 + 2.0 * r.next());
                    let s = n * mean;
                    arms.push(vec![n, s, (n - 1.0) * sd * sd + s * s / n]);
                }
                _ => {
                    let (mx, my, sx, sy, rho) =
                        (2.0 + r.next(), 4.0 + r.next(), 1.0 + r.next(), 1.0 + r.next(), 0.5 * r.next());
                    let (s, sy_) = (n * mx, n * my);
                    let ss = (n - 1.0) * sx * sx + s * s / n;
                    let syy = (n - 1.0) * sy * sy + sy_ * sy_ / n;
                    let sxy = (n - 1.0) * rho * sx * sy + s * sy_ / n;
                    arms.push(vec![n, s, ss, sy_, syy, sxy]);
                }
            }
        }
        out.push(Case { kind, inverse, arms });
    }
    out
}

const GBSTATS: &str = r#"
import json, sys
import numpy as np
from scipy import integrate, stats as st
from gbstats.bayesian.bandits import BanditsSimple, BanditsRatio, BanditConfig
from gbstats.bayesian.tests import GaussianPrior
from gbstats.models.statistics import SampleMeanStatistic, RatioStatistic
out = []
for i, case in enumerate(json.loads(open(sys.argv[1]).read())):
    if case["kind"] == "ratio":
        stats = [RatioStatistic(n=a[0], m_statistic=SampleMeanStatistic(n=a[0], sum=a[1], sum_squares=a[2]),
                 d_statistic=SampleMeanStatistic(n=a[0], sum=a[3], sum_squares=a[4]), m_d_sum_of_products=a[5]) for a in case["arms"]]
        cls = BanditsRatio
    else:
        stats = [SampleMeanStatistic(n=a[0], sum=a[1], sum_squares=a[2]) for a in case["arms"]]
        cls = BanditsSimple
    k = len(stats)
    # As preprocess_bandits: prior N(0, 1e4), proper; top_two off (BanditSettingsForStatsEngine's default).
    cfg = BanditConfig(prior_distribution=GaussianPrior(mean=0, variance=1e4, proper=True), top_two=False,
                       bandit_weights_seed=1000 + i, inverse=case["inverse"], min_variation_weight=0.01, alpha=0.05)
    b = cls(stats, [1.0 / k] * k, cfg)
    r = b.compute_result()
    m, sd = b.posterior_mean, np.sqrt(b.posterior_variance)
    sign = -1.0 if case["inverse"] else 1.0
    quad = []
    for a in range(k):
        f = lambda z: st.norm.pdf(z) * np.prod([st.norm.cdf((sign * (m[a] + sd[a] * z) - sign * m[j]) / sd[j]) for j in range(k) if j != a])
        pts = sorted(set([(m[j] - m[a]) / sd[a] for j in range(k) if j != a and abs((m[j] - m[a]) / sd[a]) < 40]))
        quad.append(integrate.quad(f, -40, 40, points=pts or None, epsabs=1e-13, epsrel=1e-12, limit=500)[0])
    out.append({"p_sampled": r.best_arm_probabilities, "weights": r.bandit_weights, "quad": quad,
                "mean": b.variation_means.tolist(), "posterior_mean": m.tolist(), "posterior_sd": sd.tolist(),
                "ci": [list(c) for c in r.ci]})
print(json.dumps(out))
"#;

fn num(v: &Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("not a number: {v}"))
}

fn rel(a: f64, b: f64) -> f64 {
    (a - b).abs() / b.abs().max(1e-300)
}

#[test]
fn thompson_matches_gbstats_and_quadrature() {
    let dir = tempfile::tempdir().unwrap();
    let cases = cases();
    let mut ours: Vec<Value> = Vec::new();
    for (i, c) in cases.iter().enumerate() {
        let direction = if c.inverse { "decrease" } else { "increase" };
        std::fs::write(dir.path().join(format!("c{i}.yaml")), yaml(&format!("c{i}"), c.arms.len(), c.kind, direction))
            .unwrap();
        let mut csv = if c.kind == "ratio" {
            "variant,metric,n,sum,sum_sq,sum_y,sum_y_sq,sum_xy\n".to_string()
        } else {
            "variant,metric,n,sum,sum_sq\n".to_string()
        };
        for (a, s) in c.arms.iter().enumerate() {
            let cells: Vec<String> = s.iter().map(|x| format!("{x:?}")).collect();
            csv += &format!("arm{a},m,{}\n", cells.join(","));
        }
        std::fs::write(dir.path().join(format!("c{i}.csv")), csv).unwrap();
        let e = format!("c{i}.yaml");
        let s = format!("c{i}.csv");
        let (code, out, err) = abx_in(dir.path(), &["bandit", "-e", &e, "--summary", &s, "-f", "json"], "");
        assert_eq!(code, 0, "case {i}: {err}");
        ours.push(serde_json::from_str(&out).unwrap());
    }
    let input: Vec<Value> =
        cases.iter().map(|c| serde_json::json!({"kind": c.kind, "inverse": c.inverse, "arms": c.arms})).collect();
    let path = dir.path().join("cases.json");
    std::fs::write(&path, serde_json::to_string(&input).unwrap()).unwrap();
    let theirs: Vec<Value> = serde_json::from_str(&gbstats_python(GBSTATS, &[path.to_str().unwrap()])).unwrap();
    assert_eq!(theirs.len(), cases.len());
    for (i, (o, t)) in ours.iter().zip(&theirs).enumerate() {
        let arms = o["weights"].as_array().unwrap();
        let mut total = 0.0;
        for (a, arm) in arms.iter().enumerate() {
            let p = num(&arm["probability_best"]);
            total += p;
            // Quadrature against scipy's adaptive quadrature of the same integral.
            let q = num(&t["quad"][a]);
            assert!((p - q).abs() < 1e-9, "case {i} arm {a}: P(best) {p} vs scipy {q}");
            // Against gbstats' 10,000 draws: within 5 sampling sds.
            let sampled = num(&t["p_sampled"][a]);
            let tol = 5.0 * (p * (1.0 - p) / 1e4).sqrt() + 1e-12;
            assert!((p - sampled).abs() <= tol, "case {i} arm {a}: P(best) {p} vs gbstats {sampled}");
            let w = num(&arm["weight"]);
            assert!((w - (0.01 + (1.0 - 0.01 * arms.len() as f64) * p)).abs() < 1e-12, "case {i}: the floor");
            let gw = num(&t["weights"][a]);
            assert!((w - gw).abs() <= tol, "case {i} arm {a}: weight {w} vs gbstats {gw}");
            // The posterior and the interval are gbstats' exactly.
            for (ours, theirs) in [
                (num(&arm["mean"]), num(&t["mean"][a])),
                (num(&arm["posterior_mean"]), num(&t["posterior_mean"][a])),
                (num(&arm["posterior_sd"]), num(&t["posterior_sd"][a])),
                (num(&arm["ci"][0]), num(&t["ci"][a][0])),
                (num(&arm["ci"][1]), num(&t["ci"][a][1])),
            ] {
                assert!(rel(ours, theirs) < 1e-9, "case {i} arm {a} ({}): {ours} vs gbstats {theirs}", cases[i].kind);
            }
        }
        assert!((total - 1.0).abs() < 1e-9, "case {i}: P(best) sums to {total}");
        let wsum: f64 = arms.iter().map(|a| num(&a["weight"])).sum();
        assert!((wsum - 1.0).abs() < 1e-12, "case {i}: weights sum to {wsum}");
    }
}

/// GrowthBook's bandit SQL (`bandit-statistics-cte.ts`) written again in
/// Python on the units: per (variant, period) sums, the period weights, the
/// pooled θ, then the period-weighted sums per variant, read by gbstats'
/// own `create_bandit_statistics` and bandit classes, with the metric
/// settings `process_experiment_results` gives a bandit (binomial read as count).
const GBSTATS_PERIODS: &str = r#"
import csv, json, sys
import numpy as np
import pandas as pd
from gbstats.gbstats import create_bandit_statistics
from gbstats.bayesian.bandits import BanditsSimple, BanditsRatio, BanditsCuped, BanditConfig
from gbstats.bayesian.tests import GaussianPrior
from gbstats.models.settings import MetricSettingsForStatsEngine
from gbstats.models.statistics import RatioStatistic, RegressionAdjustedStatistic
out = []
for i, case in enumerate(json.loads(open(sys.argv[1]).read())):
    kind, variants, dates = case["kind"], case["variants"], case["dates"]
    xcol, ycol = {"ratio": ("num", "den"), "cuped": ("m", "pre")}.get(kind, ("m", None))
    cell = {}
    for r in csv.DictReader(open(case["csv"])):
        p = max([j for j, d in enumerate(dates) if d <= r["first_seen"]], default=0)
        x = float(r[xcol]); y = float(r[ycol]) if ycol else 0.0
        c = cell.setdefault((variants.index(r["variant"]), p), [0.0] * 6)
        for j, v in enumerate([1.0, x, x * x, y, y * y, x * y]):
            c[j] += v
    periods = sorted({p for (_, p) in cell})
    total = sum(c[0] for c in cell.values())
    def col(v, p, j):
        return cell.get((v, p), [0.0] * 6)[j]
    # __banditPeriodWeights and __theta
    w, pre_var, cov = {}, {}, {}
    for p in periods:
        u = sum(col(v, p, 0) for v in range(len(variants)))
        s = lambda j: sum(col(v, p, j) for v in range(len(variants)))
        w[p] = u / total
        pre_var[p] = 0 if u - 1 <= 0 else (s(4) - s(3) ** 2 / u) / (u - 1)
        cov[p] = 0 if u - 1 <= 0 else (s(5) - s(3) * s(1) / u) / (u - 1)
    den = sum(w[p] ** 2 * pre_var[p] for p in periods)
    theta = 0 if den <= 0 else sum(w[p] ** 2 * cov[p] for p in periods) / den
    row = {}
    for v in range(len(variants)):
        pre = "baseline" if v == 0 else f"v{v}"
        ps = [p for p in periods if col(v, p, 0) > 0]
        U = sum(col(v, p, 0) for p in ps)
        mean = lambda j: sum(w[p] * col(v, p, j) / col(v, p, 0) for p in ps)
        var = lambda j, jj: sum(0 if col(v, p, 0) <= 1 else w[p] ** 2 * ((col(v, p, jj) - col(v, p, j) ** 2 / col(v, p, 0)) / (col(v, p, 0) - 1)) / col(v, p, 0) for p in ps)
        cross = sum(0 if col(v, p, 0) <= 1 else w[p] ** 2 / (col(v, p, 0) * (col(v, p, 0) - 1)) * (col(v, p, 5) - col(v, p, 1) * col(v, p, 3) / col(v, p, 0)) for p in ps)
        second = {"ratio": "denominator", "cuped": "covariate"}.get(kind)
        row[f"{pre}_users"] = U
        row[f"{pre}_count"] = U
        row[f"{pre}_main_sum"] = mean(1) * U
        row[f"{pre}_main_sum_squares"] = U * (var(1, 2) * (U - 1) + mean(1) ** 2)
        if second:
            row[f"{pre}_{second}_sum"] = mean(3) * U
            row[f"{pre}_{second}_sum_squares"] = U * (var(3, 4) * (U - 1) + mean(3) ** 2)
            row[f"{pre}_main_{second}_sum_product"] = U * ((U - 1) * cross + mean(1) * mean(3))
        if kind == "cuped":
            row[f"{pre}_theta"] = theta
    metric = MetricSettingsForStatsEngine(
        id="m", name="m", inverse=case["inverse"],
        statistic_type={"ratio": "ratio", "cuped": "mean_ra"}.get(kind, "mean"),
        main_metric_type="count", keep_theta=True,
        denominator_metric_type="count" if kind == "ratio" else None,
        covariate_metric_type="count" if kind == "cuped" else None)
    stats = create_bandit_statistics(pd.Series(row), metric, len(variants))
    cls = BanditsRatio if isinstance(stats[0], RatioStatistic) else BanditsCuped if isinstance(stats[0], RegressionAdjustedStatistic) else BanditsSimple
    k = len(stats)
    cfg = BanditConfig(prior_distribution=GaussianPrior(mean=0, variance=1e4, proper=True), top_two=False,
                       bandit_weights_seed=2000 + i, inverse=case["inverse"], min_variation_weight=0.01, alpha=0.05)
    b = cls(stats, [1.0 / k] * k, cfg)
    r = b.compute_result()
    out.append({"class": cls.__name__, "theta": theta, "p_sampled": r.best_arm_probabilities, "mean": b.variation_means.tolist(),
                "posterior_mean": b.posterior_mean.tolist(), "posterior_sd": np.sqrt(b.posterior_variance).tolist(),
                "ci": [list(c) for c in r.ci], "users": r.users})
print(json.dumps(out))
"#;

#[test]
fn period_weighted_bandits_match_gbstats_on_growthbooks_sums() {
    // Three periods of a reweighted bandit, per unit: proportion, mean, ratio
    // and CUPED (mean and proportion) metrics, both directions.
    let dir = tempfile::tempdir().unwrap();
    let dates = ["2026-11-01", "2026-11-08", "2026-11-15"];
    let history = [[1.0 / 3.0; 3], [0.2, 0.5, 0.3], [0.1, 0.6, 0.3]];
    let variants = ["a", "b", "c"];
    let kinds = [
        ("proportion", "proportion", "", false),
        ("mean", "mean", "", true),
        ("ratio", "ratio", "    numerator: num\n    denominator: den\n", false),
        ("cuped", "mean", "    covariate: pre\n", false),
        ("cuped", "mean", "    covariate: pre\n", true),
        ("cuped", "proportion", "    covariate: pre\n", false),
    ];
    let mut r = Lcg(7);
    let mut input = Vec::new();
    let mut ours = Vec::new();
    for (i, (kind, metric_kind, extra, inverse)) in kinds.iter().enumerate() {
        let mut yaml = "name: p\nstart: 2026-11-01\nvariants:\n".to_string();
        for (v, w) in variants.iter().zip(history[2]) {
            yaml += &format!("  - name: {v}\n    weight: {w:?}\n");
        }
        let direction = if *inverse { "decrease" } else { "increase" };
        yaml += &format!("metrics:\n  - name: m\n    kind: {metric_kind}\n    direction: {direction}\n{extra}");
        yaml += "weight_history:\n";
        for (d, h) in dates.iter().zip(&history) {
            yaml += &format!("  - date: {d}\n    weights: {{a: {:?}, b: {:?}, c: {:?}}}\n", h[0], h[1], h[2]);
        }
        std::fs::write(dir.path().join(format!("p{i}.yaml")), &yaml).unwrap();
        let mut csv = String::from("unit,variant,first_seen,m,pre,num,den\n");
        let mut unit = 0;
        for (p, h) in history.iter().enumerate() {
            for _ in 0..(600 + 200 * p) {
                let u = r.next();
                let v = if u < h[0] {
                    0
                } else if u < h[0] + h[1] {
                    1
                } else {
                    2
                };
                let pre =
                    if *metric_kind == "proportion" { f64::from(r.next() < 0.3) } else { (3.0 * r.next()).round() };
                let lift = [0.0, 0.4, 0.2][v] + 0.1 * p as f64;
                let m = if *metric_kind == "proportion" {
                    f64::from(r.next() < 0.15 + 0.1 * lift + 0.3 * pre)
                } else {
                    (10.0 * (r.next() + lift + 0.5 * pre)).round() / 10.0
                };
                let den = 1.0 + (4.0 * r.next()).floor();
                let num = (den * (2.0 + lift + r.next())).round();
                let day = format!("2026-11-{:02}", 1 + 7 * p + (r.next() * 7.0) as usize);
                csv += &format!("u{unit},{},{day},{m},{pre},{num},{den}\n", variants[v]);
                unit += 1;
            }
        }
        let path = dir.path().join(format!("p{i}.csv"));
        std::fs::write(&path, &csv).unwrap();
        let e = format!("p{i}.yaml");
        let d = format!("p{i}.csv");
        let (code, out, err) =
            abx_in(dir.path(), &["bandit", "-e", &e, "--data", &d, "--period-column", "first_seen", "-f", "json"], "");
        assert_eq!(code, 0, "case {i}: {err}");
        ours.push(serde_json::from_str::<Value>(&out).unwrap());
        input.push(serde_json::json!({"kind": kind, "inverse": inverse, "variants": variants, "dates": dates,
                                      "csv": path.to_str().unwrap()}));
    }
    let path = dir.path().join("cases.json");
    std::fs::write(&path, serde_json::to_string(&input).unwrap()).unwrap();
    let theirs: Vec<Value> = serde_json::from_str(&gbstats_python(GBSTATS_PERIODS, &[path.to_str().unwrap()])).unwrap();
    for (i, (o, t)) in ours.iter().zip(&theirs).enumerate() {
        let label = format!("case {i} ({}, {})", kinds[i].0, kinds[i].1);
        if kinds[i].0 == "cuped" {
            assert_eq!(t["class"], "BanditsCuped", "{label}");
            assert!(num(&t["theta"]).abs() > 0.05, "{label}: theta {} too small to test the adjustment", t["theta"]);
        }
        for (a, arm) in o["weights"].as_array().unwrap().iter().enumerate() {
            assert_eq!(num(&arm["units"]), num(&t["users"][a]), "{label} arm {a}: units");
            for (field, ours, theirs) in [
                ("mean", num(&arm["mean"]), num(&t["mean"][a])),
                ("posterior_mean", num(&arm["posterior_mean"]), num(&t["posterior_mean"][a])),
                ("posterior_sd", num(&arm["posterior_sd"]), num(&t["posterior_sd"][a])),
                ("ci low", num(&arm["ci"][0]), num(&t["ci"][a][0])),
                ("ci high", num(&arm["ci"][1]), num(&t["ci"][a][1])),
            ] {
                assert!(rel(ours, theirs) < 1e-9, "{label} arm {a} {field}: {ours} vs gbstats {theirs}");
            }
            let p = num(&arm["probability_best"]);
            let sampled = num(&t["p_sampled"][a]);
            let tol = 5.0 * (p * (1.0 - p) / 1e4).sqrt() + 1e-12;
            assert!((p - sampled).abs() <= tol, "{label} arm {a}: P(best) {p} vs gbstats {sampled}");
        }
    }
}

#[test]
fn fewer_than_100_units_keep_the_weights_and_epsilon_greedy_takes_the_best_mean() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("b.yaml"), yaml("b", 3, "mean", "increase")).unwrap();
    let few = "variant,metric,n,sum,sum_sq\narm0,m,99,99,200\narm1,m,500,600,1500\narm2,m,500,700,1500\n";
    std::fs::write(dir.path().join("few.csv"), few).unwrap();
    let (code, out, err) = abx_in(dir.path(), &["bandit", "-e", "b.yaml", "--summary", "few.csv", "-f", "json"], "");
    assert_eq!(code, 0, "{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["updated"], false);
    assert!(v["message"].as_str().unwrap().contains("arm0 (99)"), "{}", v["message"]);
    for a in v["weights"].as_array().unwrap() {
        assert_eq!(num(&a["weight"]), num(&a["current_weight"]));
    }
    assert_eq!(num(&v["units_switching"]), 0.0);
    // --write leaves the file as it was.
    let before = std::fs::read_to_string(dir.path().join("b.yaml")).unwrap();
    let (code, _, err) = abx_in(dir.path(), &["bandit", "-e", "b.yaml", "--summary", "few.csv", "--write"], "");
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("left unchanged"), "{err}");
    assert_eq!(std::fs::read_to_string(dir.path().join("b.yaml")).unwrap(), before);

    let enough = "variant,metric,n,sum,sum_sq\narm0,m,100,100,200\narm1,m,500,700,1500\narm2,m,500,600,1500\n";
    std::fs::write(dir.path().join("ok.csv"), enough).unwrap();
    let args = [
        "bandit",
        "-e",
        "b.yaml",
        "--summary",
        "ok.csv",
        "--strategy",
        "epsilon-greedy",
        "--epsilon",
        "0.3",
        "-f",
        "json",
    ];
    let (code, out, err) = abx_in(dir.path(), &args, "");
    assert_eq!(code, 0, "{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    let w: Vec<f64> = v["weights"].as_array().unwrap().iter().map(|a| num(&a["weight"])).collect();
    assert!((w[0] - 0.1).abs() < 1e-15 && (w[1] - 0.8).abs() < 1e-15 && (w[2] - 0.1).abs() < 1e-15, "{w:?}");
    assert_eq!(num(&v["epsilon"]), 0.3);
}

/// Reads the router fixture's rows: (unit, variant, resolved, first_seen).
fn router_rows() -> Vec<(String, String, f64, String)> {
    let text = std::fs::read_to_string(common::root().join(ROUTER_DATA)).unwrap();
    text.lines()
        .skip(1)
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            (f[0].to_string(), f[1].to_string(), f[2].parse().unwrap(), f[3].to_string())
        })
        .collect()
}

#[test]
fn write_records_the_weights_and_a_reweighted_bandit_is_weighted_by_period() {
    let dir = tempfile::tempdir().unwrap();
    let root = common::root();
    std::fs::copy(root.join(ROUTER), dir.path().join("r.yaml")).unwrap();
    std::fs::copy(root.join(ROUTER_DATA), dir.path().join("r.csv")).unwrap();
    let (code, out, err) = abx_in(
        dir.path(),
        &["bandit", "-e", "r.yaml", "--data", "r.csv", "--write", "--date", "2026-11-25", "-f", "json"],
        "",
    );
    assert_eq!(code, 0, "{err}");
    let first: Value = serde_json::from_str(&out).unwrap();
    let w: Vec<f64> = first["weights"].as_array().unwrap().iter().map(|a| num(&a["weight"])).collect();
    let text = std::fs::read_to_string(dir.path().join("r.yaml")).unwrap();
    // The original lines stay, the weights and the history are added.
    assert!(text.starts_with("# A bandit over three models"), "{text}");
    assert!(text.contains("weight_history:\n  - date: 2026-11-20\n"), "{text}");
    assert!(
        text.contains(&format!(
            "  - date: 2026-11-25\n    weights: {{small: {}, medium: {}, large: {}}}\n",
            w[0], w[1], w[2]
        )),
        "{text}"
    );
    assert!(text.contains(&format!("  - name: medium\n    weight: {}\n", w[1])), "{text}");
    let (code, _, err) = abx_in(dir.path(), &["validate", "r.yaml"], "");
    assert_eq!(code, 0, "{err}");

    // Reweighted: the means need the periods, a fixed-split analysis is refused.
    let (code, _, err) = abx_in(dir.path(), &["bandit", "-e", "r.yaml", "--data", "r.csv"], "");
    assert_eq!(code, 2);
    assert!(err.contains("--period-column"), "{err}");
    let (code, _, err) = abx_in(dir.path(), &["analyze", "-e", "r.yaml", "--data", "r.csv"], "");
    assert_eq!(code, 2);
    assert!(err.contains("abx bandit --period-column"), "{err}");
    let (code, _, err) = abx_in(
        dir.path(),
        &[
            "bandit",
            "-e",
            "r.yaml",
            "--data",
            "r.csv",
            "--period-column",
            "first_seen",
            "--write",
            "--date",
            "2026-11-25",
        ],
        "",
    );
    assert_eq!(code, 2, "a second reweight on the same day");
    assert!(err.contains("one reweight a day"), "{err}");

    let (code, out, err) = abx_in(
        dir.path(),
        &["bandit", "-e", "r.yaml", "--data", "r.csv", "--period-column", "first_seen", "-f", "json"],
        "",
    );
    assert_eq!(code, 0, "{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    // By hand: periods [.., 11-25) and [11-25, ..); w_p = N_p / N; mean =
    // Σ w_p mean_p, Var = Σ w_p² s²_p / n_p; SRM expected Σ_p N_p w_{v,p}.
    let rows = router_rows();
    let names = ["small", "medium", "large"];
    let weights = [vec![1.0 / 3.0; 3], w.clone()];
    let mut cell: HashMap<(usize, usize), (f64, f64, f64)> = HashMap::new();
    for (_, variant, y, day) in &rows {
        let p = usize::from(day.as_str() >= "2026-11-25");
        let a = names.iter().position(|n| n == variant).unwrap();
        let e = cell.entry((p, a)).or_default();
        *e = (e.0 + 1.0, e.1 + y, e.2 + y * y);
    }
    let total = rows.len() as f64;
    let n_p = |p: usize| (0..3).map(|a| cell[&(p, a)].0).sum::<f64>();
    let mut expected_units = [0.0; 3];
    for (a, arm) in v["weights"].as_array().unwrap().iter().enumerate() {
        let (mut mean, mut var) = (0.0, 0.0);
        for p in 0..2 {
            let (n, s, ss) = cell[&(p, a)];
            let wp = n_p(p) / total;
            mean += wp * s / n;
            var += wp * wp * ((ss - s * s / n) / (n - 1.0)) / n;
            expected_units[a] += n_p(p) * weights[p][a];
        }
        assert!(rel(num(&arm["mean"]), mean) < 1e-12, "{arm}: mean {mean}");
        let prec = 1e-4 + 1.0 / var;
        assert!(rel(num(&arm["posterior_sd"]), (1.0 / prec).sqrt()) < 1e-12, "{arm}");
        assert!(rel(num(&arm["posterior_mean"]), mean / var / prec) < 1e-12, "{arm}");
        assert!(rel(num(&v["srm"]["expected"][a]), expected_units[a]) < 1e-12, "{}", v["srm"]);
    }
    let chi: f64 = (0..3).map(|a| (1000.0 - expected_units[a]).powi(2) / expected_units[a]).sum();
    assert!(rel(num(&v["srm"]["statistic"]), chi) < 1e-12, "{}", v["srm"]);
    // The fixture's rows were a fixed 1:1:1 split throughout, so the bandit SRM flags them.
    assert_eq!(v["srm"]["mismatch"], true);
    assert_eq!(v["periods"].as_array().unwrap().len(), 2);
    assert!(v["notes"][0].as_str().unwrap().contains("linked A/B"), "{}", v["notes"]);
}

#[test]
fn a_reweight_moves_no_more_units_than_the_total_variation() {
    let dir = tempfile::tempdir().unwrap();
    let root = common::root();
    std::fs::copy(root.join(ROUTER), dir.path().join("r.yaml")).unwrap();
    std::fs::copy(root.join(ROUTER_DATA), dir.path().join("r.csv")).unwrap();
    let n = 30_000;
    let ids: String = (0..n).map(|i| format!("id{i}\n")).collect();
    let assign = |dir: &std::path::Path| {
        let (code, out, err) = abx_in(dir, &["assign", "-e", "r.yaml"], &ids);
        assert_eq!(code, 0, "{err}");
        out.lines().skip(1).map(|l| l.split(',').nth(1).unwrap().to_string()).collect::<Vec<_>>()
    };
    let before = assign(dir.path());
    let (code, out, err) = abx_in(
        dir.path(),
        &["bandit", "-e", "r.yaml", "--data", "r.csv", "--write", "--date", "2026-11-25", "-f", "json"],
        "",
    );
    assert_eq!(code, 0, "{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    let tv = num(&v["units_switching"]);
    let after = assign(dir.path());
    let moved = before.iter().zip(&after).filter(|(a, b)| a != b).count() as f64 / n as f64;
    // Only freed points move: a sample of them, so the bound holds within sampling error.
    let sd = (tv * (1.0 - tv) / n as f64).sqrt();
    assert!(moved <= tv + 4.0 * sd, "moved {moved}, total variation {tv}");
    assert!(moved >= tv - 4.0 * sd, "moved {moved}: the weights need {tv}");
    for (i, name) in ["small", "medium", "large"].iter().enumerate() {
        let share = after.iter().filter(|v| v == name).count() as f64 / n as f64;
        let w = num(&v["weights"][i]["weight"]);
        assert!((share - w).abs() < 4.0 * (w * (1.0 - w) / n as f64).sqrt() + 1e-9, "{name}: {share} vs {w}");
    }
    // Frozen: the first ids after the reweight (the layout is part of the interface).
    let initials: String = after[..60].iter().map(|v| &v[..1]).collect();
    assert_eq!(initials, FROZEN_AFTER_REWEIGHT, "the bandit layout changed");
}

/// `abx assign` of id0..id59 after the router fixture's first reweight
/// (2026-11-25), each arm by its initial (small, medium, large); derived
/// once by hand from the layout rule (small and large give up the tops of
/// their thirds to medium) with Python's hashlib.
const FROZEN_AFTER_REWEIGHT: &str = "mmmmmlmmmmmlmmmmmmmmlmlmllmmlmlmlmmllmlmmmmllmsmmmmlmmmmlmlm";

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// Any sequence of reweights: each moves exactly the total variation of
    /// the weights (in measure of the unit interval), and reaches them.
    #[test]
    fn layout_moves_exactly_the_total_variation(
        allocation in 0.05f64..=1.0,
        raw in prop::collection::vec(prop::collection::vec(0.0f64..1.0, 3), 2..8),
    ) {
        use abx::assign::layout::{piece_at, replay};
        let history: Vec<Vec<f64>> = raw.iter().map(|w| {
            let w: Vec<f64> = w.iter().map(|x| x + 1e-3).collect();
            let t: f64 = w.iter().sum();
            w.iter().map(|x| x / t).collect()
        }).collect();
        for step in 1..history.len() {
            let old = replay(allocation, &history[..step]);
            let new = replay(allocation, &history[..=step]);
            let mut cuts: Vec<f64> = old.iter().chain(&new).flat_map(|p| [p.start, p.end]).collect();
            cuts.sort_by(f64::total_cmp);
            let (mut moved, mut held) = (0.0, [0.0; 3]);
            for c in cuts.windows(2) {
                let mid = 0.5 * (c[0] + c[1]);
                let (a, b) = (piece_at(&old, mid).map(|p| p.arm), piece_at(&new, mid).map(|p| p.arm));
                prop_assert_eq!(a.is_some(), b.is_some(), "exposure changed at {}", mid);
                if a != b { moved += c[1] - c[0]; }
                if let Some(b) = b { held[b] += c[1] - c[0]; }
            }
            let tv = 0.5 * history[step - 1].iter().zip(&history[step]).map(|(a, b)| (a - b).abs()).sum::<f64>();
            prop_assert!((moved - allocation * tv).abs() < 1e-9, "moved {} vs {}", moved, allocation * tv);
            for a in 0..3 {
                prop_assert!((held[a] - allocation * history[step][a]).abs() < 1e-9);
            }
        }
    }
}

#[test]
fn refusals_say_why() {
    let dir = tempfile::tempdir().unwrap();
    let root = common::root();
    std::fs::copy(root.join(ROUTER_DATA), dir.path().join("r.csv")).unwrap();
    let base = std::fs::read_to_string(root.join(ROUTER)).unwrap();
    // A history whose last weights are not the variants'.
    let bad = format!("{base}weight_history:\n  - date: 2026-11-20\n    weights: {{small: 1, medium: 1, large: 2}}\n");
    std::fs::write(dir.path().join("bad.yaml"), &bad).unwrap();
    let (code, _, err) = abx_in(dir.path(), &["validate", "bad.yaml"], "");
    assert_eq!(code, 2);
    assert!(err.contains("bad.yaml:18:5") && err.contains("other weights than `variants`"), "{err}");
    // Dates that do not increase; a variant missing from an entry.
    let bad = format!(
        "{base}weight_history:\n  - date: 2026-11-21\n    weights: {{small: 1, medium: 1, large: 1}}\n  - date: 2026-11-21\n    weights: {{small: 1, medium: 1}}\n"
    );
    std::fs::write(dir.path().join("bad2.yaml"), &bad).unwrap();
    let (code, _, err) = abx_in(dir.path(), &["validate", "bad2.yaml"], "");
    assert_eq!(code, 2);
    assert!(err.contains("the weights have no `large`"), "{err}");
    // A period column that is not a date.
    let mut hist = base.clone();
    hist = hist.replace("weight: 1\n  - name: medium", "weight: 2\n  - name: medium");
    hist += "weight_history:\n  - date: 2026-11-20\n    weights: {small: 1, medium: 1, large: 1}\n  - date: 2026-11-25\n    weights: {small: 2, medium: 1, large: 1}\n";
    std::fs::write(dir.path().join("h.yaml"), &hist).unwrap();
    let (code, _, err) =
        abx_in(dir.path(), &["bandit", "-e", "h.yaml", "--data", "r.csv", "--period-column", "resolved"], "");
    assert_eq!(code, 2);
    assert!(err.contains("not a date"), "{err}");
    // A reweighted file's data must say each unit's variant: bucketing would use the latest layout.
    let (code, _, err) = abx_in(
        dir.path(),
        &[
            "bandit",
            "-e",
            "h.yaml",
            "--data",
            "r.csv",
            "--unit-column",
            "unit",
            "--bucketing",
            "--period-column",
            "first_seen",
        ],
        "",
    );
    assert_eq!(code, 2);
    assert!(err.contains("latest layout"), "{err}");
    // No rows, or an arm without units: nothing to estimate.
    std::fs::write(dir.path().join("empty.csv"), "unit,variant,resolved,first_seen\n").unwrap();
    std::fs::write(dir.path().join("r.yaml"), &base).unwrap();
    let (code, _, err) = abx_in(dir.path(), &["bandit", "-e", "r.yaml", "--data", "empty.csv"], "");
    assert_eq!(code, 2, "{err}");
    let two: String = std::fs::read_to_string(dir.path().join("r.csv"))
        .unwrap()
        .lines()
        .filter(|l| !l.contains(",small,"))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(dir.path().join("two.csv"), two).unwrap();
    let (code, _, err) = abx_in(dir.path(), &["bandit", "-e", "r.yaml", "--data", "two.csv"], "");
    assert_eq!(code, 2);
    assert!(err.contains("`small` has no units"), "{err}");
    // epsilon 0 would give an arm weight 0, which no file can hold.
    let (code, _, err) = abx_in(
        dir.path(),
        &["bandit", "-e", "r.yaml", "--data", "r.csv", "--strategy", "epsilon-greedy", "--epsilon", "0"],
        "",
    );
    assert_eq!(code, 2);
    assert!(err.contains("--epsilon must be above 0"), "{err}");
    // --write needs the start, and a date after it.
    let (code, _, err) =
        abx_in(dir.path(), &["bandit", "-e", "r.yaml", "--data", "r.csv", "--write", "--date", "2026-11-20"], "");
    assert_eq!(code, 2);
    assert!(err.contains("not after the bandit's start"), "{err}");
    std::fs::write(dir.path().join("nostart.yaml"), base.replace("start: 2026-11-20\n", "")).unwrap();
    let (code, _, err) =
        abx_in(dir.path(), &["bandit", "-e", "nostart.yaml", "--data", "r.csv", "--write", "--date", "2026-11-25"], "");
    assert_eq!(code, 2);
    assert!(err.contains("no `start`"), "{err}");
    assert_eq!(std::fs::read_to_string(dir.path().join("r.yaml")).unwrap(), base, "a refused --write leaves the file");
    // abx sql assigns by the latest layout (tests/it/sql.rs runs it), but does
    // not compare logs or sum outcomes by it: earlier units had other layouts.
    let (code, _, err) = abx_in(
        dir.path(),
        &["sql", "assign", "-e", "h.yaml", "--engine", "duckdb", "--from", "t", "--unit-column", "u"],
        "",
    );
    assert_eq!(code, 0, "{err}");
    for args in [
        &["sql", "audit", "-e", "h.yaml", "--engine", "duckdb", "--from", "t"][..],
        &["sql", "summary", "-e", "h.yaml", "--engine", "duckdb", "--from", "t", "--bucketing"][..],
        &["sql", "summary", "-e", "h.yaml", "--engine", "duckdb", "--from", "t", "--unit-column", "u"][..],
    ] {
        let (code, out, err) = abx_in(dir.path(), args, "");
        assert_eq!((code, out.as_str()), (2, ""), "{args:?}");
        assert!(err.contains("has been reweighted") && err.contains("--variant-column"), "{err}");
    }
    let (code, _, err) = abx_in(
        dir.path(),
        &["sql", "summary", "-e", "h.yaml", "--engine", "duckdb", "--from", "t", "--variant-column", "v"],
        "",
    );
    assert_eq!(code, 0, "{err}");
}

#[test]
fn a_simulated_bandit_has_less_regret_than_a_fixed_split() {
    let root = common::root();
    let base = ["simulate", "-e", ROUTER, "--units", "6000", "--runs", "100", "--periods", "6"];
    let effects = ["--baseline", "resolved=0.3", "--effect", "medium:resolved=0.15", "--effect", "large:resolved=0.05"];
    let run = |strategy: &str| {
        let args: Vec<&str> = [&base[..], &effects[..], &["--bandit", strategy, "-f", "json"]].concat();
        let (code, out, err) = abx_in(&root, &args, "");
        assert_eq!(code, 0, "{err}");
        serde_json::from_str::<Value>(&out).unwrap()
    };
    for strategy in ["thompson", "epsilon-greedy"] {
        let v = run(strategy);
        assert_eq!(v["best"], "medium");
        // The fixed split's regret is exact: a third each of (0.345 − 0.3) and (0.345 − 0.315).
        let fixed = (0.045 + 0.03) / 3.0;
        assert!(rel(num(&v["fixed_split_regret_per_unit"]), fixed) < 1e-12, "{v}");
        let regret = num(&v["regret_per_unit"]);
        assert!(regret + 4.0 * num(&v["regret_se"]) < fixed, "{strategy}: regret {regret} vs fixed {fixed}");
        assert!(num(&v["picked_best"]["rate"]) > 0.7, "{strategy}: {}", v["picked_best"]);
        let share: f64 = v["share_of_units"].as_array().unwrap().iter().map(|s| num(&s[1])).sum();
        assert!((share - 1.0).abs() < 1e-12);
        // Seeded: the same study twice is the same.
        assert_eq!(run(strategy), v);
    }
    let (code, _, err) = abx_in(
        &root,
        &["simulate", "-e", ROUTER, "--units", "10", "--runs", "2", "--bandit", "thompson", "--periods", "20"],
        "",
    );
    assert_eq!(code, 2);
    assert!(err.contains("--periods"), "{err}");
}
