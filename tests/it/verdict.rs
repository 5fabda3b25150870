//! `abx verdict` and `abx simulate`: scenario tests on simulated data with
//! known truth (verdict, variant, exit code and a reason each), the `--write`
//! round trip, and the statistical validity bar at a small scale with fixed
//! seeds (so it cannot flake): A/A false positives, peeking, coverage.

use crate::common;

use abx::analysis::Method;
use abx::sim::{self, Study};
use common::abx;
use serde_json::Value;

/// Simulates `units` units of fixtures/verdict/`exp` (extra simulate flags in
/// `sim`), then runs the verdict (extra flags in `verdict`) on them.
fn scenario(exp: &str, sim_flags: &[&str], verdict_flags: &[&str]) -> (i32, Value) {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("outcomes.csv");
    let e = format!("fixtures/verdict/{exp}");
    let mut args = vec!["simulate", "-e", &e, "--output", data.to_str().unwrap()];
    args.extend(sim_flags);
    let (code, _, err) = abx(&args);
    assert_eq!(code, 0, "{err}");
    let mut args = vec!["verdict", "-e", &e, "--data", data.to_str().unwrap(), "--format", "json"];
    args.extend(verdict_flags);
    let (code, out, err) = abx(&args);
    let v: Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out} {err}"));
    assert_eq!(v["exit_code"], code, "the JSON's exit_code is the process's");
    (code, v)
}

fn check(r: &(i32, Value), verdict: &str, variant: Option<&str>, code: i32, reason: &str) {
    let (c, v) = r;
    assert_eq!(v["verdict"], verdict, "{v:#}");
    assert_eq!(v["variant"].as_str(), variant, "{v:#}");
    assert_eq!(*c, code, "{v:#}");
    let reasons: Vec<&str> = v["reasons"].as_array().unwrap().iter().map(|r| r.as_str().unwrap()).collect();
    assert!(reasons.iter().any(|r| r.contains(reason)), "no reason contains {reason:?}: {reasons:#?}");
}

const TWO: &str = "two_arms.yaml";

#[test]
fn clear_winner_is_promoted() {
    let r = scenario(TWO, &["--units", "40000", "--effect", "conversion=0.2"], &[]);
    check(&r, "promote", Some("short_prompt"), 0, "short_prompt beats control on conversion: +");
    check(&r, "promote", Some("short_prompt"), 0, "latency_ms guardrail: worst case");
}

#[test]
fn srm_is_invalid() {
    let r = scenario(TWO, &["--units", "40000", "--effect", "conversion=0.2", "--drop", "short_prompt=0.05"], &[]);
    check(&r, "invalid", None, 4, "SRM: short_prompt has 48.");
}

#[test]
fn too_few_units_continue() {
    let r = scenario(TWO, &["--units", "1500", "--effect", "conversion=0.2"], &[]);
    check(&r, "continue", None, 3, "fewer than min_units_per_variant 1000");
}

#[test]
fn no_effect_keeps_control() {
    let r = scenario(TWO, &["--units", "40000"], &[]);
    check(&r, "keep_control", None, 1, "short_prompt does not beat control on conversion");
}

#[test]
fn winner_breaking_a_guardrail_keeps_control() {
    let r = scenario(TWO, &["--units", "40000", "--effect", "conversion=0.2", "--effect", "latency_ms=0.15"], &[]);
    check(&r, "keep_control", None, 1, "breaks its guardrails: latency_ms worsens by up to +");
}

#[test]
fn winner_within_the_guardrail_margin_is_promoted() {
    let r = scenario(TWO, &["--units", "40000", "--effect", "conversion=0.2", "--effect", "latency_ms=0.01"], &[]);
    check(&r, "promote", Some("short_prompt"), 0, "within margin 5%");
    let g = &r.1["candidates"][0]["guardrails"][0];
    let worst = g["worst_case"].as_f64().unwrap();
    assert!(worst > 0.0 && worst < 0.05, "{g}");
}

#[test]
fn worse_treatment_keeps_control() {
    let r = scenario(TWO, &["--units", "40000", "--effect", "conversion=-0.2"], &[]);
    check(&r, "keep_control", None, 1, "short_prompt is worse than control on conversion: -");
}

#[test]
fn three_arms_promote_the_one_winner() {
    let r = scenario("three_arms.yaml", &["--units", "60000", "--effect", "cross_encoder:clicked=0.2"], &[]);
    check(&r, "promote", Some("cross_encoder"), 0, "cross_encoder beats control on clicked");
    check(&r, "promote", Some("cross_encoder"), 0, "(Holm)");
    assert_eq!(r.1["correction"], "holm");
}

#[test]
fn bayesian_promotes_on_chance_to_win_and_keeps_control_without_effect() {
    let r = scenario(TWO, &["--units", "40000", "--effect", "conversion=0.2"], &["--method", "bayesian"]);
    check(&r, "promote", Some("short_prompt"), 0, "chance to win");
    assert!(r.1["candidates"][0]["chance_to_win"].as_f64().unwrap() > 0.99);
    let r = scenario(TWO, &["--units", "40000"], &["--method", "bayesian"]);
    check(&r, "keep_control", None, 1, "does not beat control");
    // A guardrail broken under the bayesian method too.
    let r = scenario(
        TWO,
        &["--units", "40000", "--effect", "conversion=0.2", "--effect", "latency_ms=0.15"],
        &["--method", "bayesian"],
    );
    check(&r, "keep_control", None, 1, "breaks its guardrails");
}

#[test]
fn sequential_promotes_winners_and_not_nulls() {
    let r = scenario(TWO, &["--units", "40000", "--effect", "conversion=0.2"], &["--method", "sequential"]);
    check(&r, "promote", Some("short_prompt"), 0, "(sequential)");
    let r = scenario(TWO, &["--units", "40000"], &["--method", "sequential"]);
    check(&r, "keep_control", None, 1, "does not beat control");
    let r = scenario(TWO, &["--units", "40000", "--effect", "conversion=-0.2"], &["--method", "sequential"]);
    check(&r, "keep_control", None, 1, "is worse than control");
}

#[test]
fn a_horizon_turns_no_winner_into_continue_then_keep_control() {
    let h = "horizon.yaml";
    check(&scenario(h, &["--units", "4000"], &[]), "continue", None, 3, "runs until 20000 units per variant");
    check(&scenario(h, &["--units", "41000"], &[]), "keep_control", None, 1, "is reached without a winner");
    check(
        &scenario(h, &["--units", "20000", "--effect", "revenue=0.1"], &[]),
        "promote",
        Some("treatment"),
        0,
        "clears min_lift 2%",
    );
    // Significant but below min_lift: not worth shipping.
    let r = scenario(h, &["--units", "41000", "--effect", "revenue=0.018"], &["--method", "frequentist"]);
    check(&r, "keep_control", None, 1, "below min_lift 2%");
    // An end date in the past is a reached horizon too.
    let dir = tempfile::tempdir().unwrap();
    let yaml = std::fs::read_to_string(common::fixture("verdict/horizon.yaml"))
        .unwrap()
        .replace("  max_units_per_variant: 20000\n", "")
        + "start: 2026-01-01\nend: 2026-02-01\n";
    let e = dir.path().join("h.yaml");
    std::fs::write(&e, yaml).unwrap();
    let data = dir.path().join("d.csv");
    let (e, data) = (e.to_str().unwrap(), data.to_str().unwrap());
    assert_eq!(abx(&["simulate", "-e", e, "--units", "4000", "--output", data]).0, 0);
    let (code, out, _) = abx(&["verdict", "-e", e, "--data", data, "--as-of", "2026-01-15", "-f", "json"]);
    assert_eq!(code, 3, "{out}");
    assert!(out.contains("runs until 2026-02-01"), "{out}");
    let (code, out, _) = abx(&["verdict", "-e", e, "--data", data, "--as-of", "2026-02-01", "-f", "json"]);
    assert_eq!(code, 1, "{out}");
}

#[test]
fn write_records_the_promotion_and_keeps_every_other_byte() {
    let dir = tempfile::tempdir().unwrap();
    let original = std::fs::read_to_string(common::fixture("verdict/two_arms.yaml")).unwrap();
    let e = dir.path().join("exp.yaml");
    std::fs::write(&e, &original).unwrap();
    let data = dir.path().join("d.parquet");
    let (e, data) = (e.to_str().unwrap(), data.to_str().unwrap());
    assert_eq!(abx(&["simulate", "-e", e, "--units", "40000", "--effect", "conversion=0.2", "--output", data]).0, 0);
    let (code, _, err) = abx(&["verdict", "-e", e, "--data", data, "--write", "-f", "json"]);
    assert_eq!(code, 0, "{err}");
    let edited = std::fs::read_to_string(e).unwrap();
    // Byte for byte, except the status line (its comment kept) and two added lines.
    let before: Vec<&str> = original.lines().collect();
    let after: Vec<&str> = edited.lines().collect();
    assert_eq!(after.len(), before.len() + 2);
    let i = before.iter().position(|l| l.starts_with("status:")).unwrap();
    assert_eq!(before[..i], after[..i]);
    assert_eq!(after[i], "status: promoted   # set to promoted by `abx verdict --write`");
    assert_eq!(after[i + 1], "promoted: short_prompt");
    assert_eq!(after[i + 2], format!("promoted_at: {}", chrono::Local::now().date_naive()));
    assert_eq!(before[i + 1..], after[i + 3..]);
    assert!(edited.ends_with('\n'));
    assert!(err.contains("recorded `status: promoted`"), "{err}");
    // abx validate accepts it; abx assign gives every unit the promoted variant.
    let (code, out, _) = abx(&["validate", e]);
    assert_eq!(code, 0, "{out}");
    let (code, out, err) = abx(&["assign", "-e", e, "--id", "a", "--id", "b", "--id", "c", "--id", "d"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(out, "unit,variant\na,short_prompt\nb,short_prompt\nc,short_prompt\nd,short_prompt\n");
    // Writing again changes nothing.
    let (_, _, err) = abx(&["verdict", "-e", e, "--data", data, "--write", "-f", "json"]);
    assert_eq!(std::fs::read_to_string(e).unwrap(), edited, "{err}");
}

#[test]
fn write_leaves_the_file_alone_without_a_promotion() {
    let dir = tempfile::tempdir().unwrap();
    let original = std::fs::read_to_string(common::fixture("verdict/two_arms.yaml")).unwrap();
    let e = dir.path().join("exp.yaml");
    std::fs::write(&e, &original).unwrap();
    let data = dir.path().join("d.csv");
    let (e, data) = (e.to_str().unwrap(), data.to_str().unwrap());
    assert_eq!(abx(&["simulate", "-e", e, "--units", "20000", "--output", data]).0, 0);
    let (code, _, err) = abx(&["verdict", "-e", e, "--data", data, "--write"]);
    assert_eq!(code, 1);
    assert!(err.contains("left unchanged"), "{err}");
    assert_eq!(std::fs::read_to_string(e).unwrap(), original);
}

#[test]
fn verdict_formats_and_bad_input() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("d.csv");
    let data = data.to_str().unwrap();
    let e = "fixtures/verdict/two_arms.yaml";
    assert_eq!(abx(&["simulate", "-e", e, "--units", "40000", "--effect", "conversion=0.2", "--output", data]).0, 0);
    let (code, out, _) = abx(&["verdict", "-e", e, "--data", data, "-f", "table"]);
    assert_eq!(code, 0);
    assert!(out.contains("┃  PROMOTE: short_prompt  ┃"), "{out}");
    assert!(out.contains("  • short_prompt beats control on conversion"), "{out}");
    let (_, out, _) = abx(&["verdict", "-e", e, "--data", data, "-f", "markdown"]);
    assert!(
        out.starts_with("### Verdict: PROMOTE: short\\_prompt")
            || out.starts_with("### Verdict: PROMOTE: short_prompt"),
        "{out}"
    );
    let (_, out, _) = abx(&["verdict", "-e", e, "--data", data, "-f", "csv"]);
    assert!(out.starts_with("verdict,variant,reason\npromote,short_prompt,"), "{out}");
    // Errors exit 2 with the file named.
    let (code, _, err) = abx(&["verdict", "-e", e, "--data", "fixtures/nope.csv"]);
    assert_eq!(code, 2);
    assert!(err.contains("fixtures/nope.csv"), "{err}");
    let (code, _, err) = abx(&["simulate", "-e", e, "--units", "10", "--effect", "nope=0.1", "--output", data]);
    assert_eq!(code, 2);
    assert!(err.contains("`nope` is not a metric"), "{err}");
    let (code, _, err) = abx(&[
        "simulate",
        "-e",
        e,
        "--units",
        "10",
        "--baseline",
        "conversion=0.9",
        "--effect",
        "conversion=0.2",
        "--output",
        data,
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("not a probability"), "{err}");
}

#[test]
fn simulate_is_reproducible_and_parquet_matches_csv() {
    let dir = tempfile::tempdir().unwrap();
    let p = |n: &str| dir.path().join(n).to_str().unwrap().to_string();
    let e = "fixtures/verdict/two_arms.yaml";
    for out in [p("a.csv"), p("b.csv"), p("c.parquet")] {
        assert_eq!(abx(&["simulate", "-e", e, "--units", "3000", "--seed", "7", "--output", &out]).0, 0);
    }
    let a = std::fs::read(p("a.csv")).unwrap();
    assert_eq!(a, std::fs::read(p("b.csv")).unwrap());
    let (_, stdout, _) = abx(&["simulate", "-e", e, "--units", "3000", "--seed", "7", "--output", "-"]);
    assert_eq!(stdout.as_bytes(), &a[..]);
    let text = String::from_utf8(a).unwrap();
    assert!(text.starts_with("unit,variant,conversion,latency_ms\n"), "{}", &text[..80]);
    // Every unit is where the experiment's bucketing puts it.
    let (_, assigned, _) = abx(&["assign", "-e", e, "--id", "u1", "--id", "u2", "--id", "u3"]);
    let rows: Vec<String> =
        text.lines().skip(1).take(3).map(|l| l.split(',').take(2).collect::<Vec<_>>().join(",")).collect();
    assert_eq!(assigned.lines().skip(1).collect::<Vec<_>>(), rows);
    let analyze = |f: &str| {
        let (code, out, err) = abx(&["analyze", "-e", e, "--data", f, "-f", "json"]);
        assert_eq!(code, 0, "{err}");
        serde_json::from_str::<Value>(&out).unwrap()
    };
    // The same figures from both files (to the last bits of float summation order).
    close(&analyze(&p("a.csv"))["metrics"], &analyze(&p("c.parquet"))["metrics"]);
}

fn close(a: &Value, b: &Value) {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => {
            let (x, y) = (x.as_f64().unwrap(), y.as_f64().unwrap());
            assert!((x - y).abs() <= 1e-12 * x.abs().max(1e-300) || x == y, "{x} vs {y}");
        }
        (Value::Array(x), Value::Array(y)) => {
            assert_eq!(x.len(), y.len());
            x.iter().zip(y).for_each(|(x, y)| close(x, y));
        }
        (Value::Object(x), Value::Object(y)) => {
            assert_eq!(x.keys().collect::<Vec<_>>(), y.keys().collect::<Vec<_>>());
            x.iter().zip(y.values()).for_each(|((_, x), y)| close(x, y));
        }
        _ => assert_eq!(a, b),
    }
}

fn load(name: &str) -> abx::experiment::Experiment {
    abx::experiment::load(&common::fixture(&format!("verdict/{name}"))).unwrap()
}

/// The validity bar at a small scale (the full scale is in README, by
/// `bench/simulate.sh`). Fixed seeds make each figure deterministic; the
/// bounds are those a correct method meets at this many runs.
#[test]
fn aa_false_positive_rate_is_alpha() {
    let exp = load(TWO);
    let models = sim::models(&exp, &Default::default(), &Default::default(), &Default::default());
    let s = Study { aa: true, runs: 2000, units: 4000, days: 1, seed: 11, methods: vec![Method::Frequentist] };
    let r = sim::study(&exp, &models, &s);
    let fp = r.methods[0].significant.rate;
    // 2000 runs: the binomial sd at 5% is 0.49%, so ±3 sd.
    assert!((0.035..=0.065).contains(&fp), "A/A false-positive rate {fp}");
    assert!((0.935..=0.965).contains(&r.methods[0].lift_coverage.rate), "{:?}", r.methods[0].lift_coverage);
    assert!((0.935..=0.965).contains(&r.diff_coverage.rate), "{:?}", r.diff_coverage);
    assert!(r.methods[0].promoted.rate < 0.035, "a one-sided promotion happens about half as often");
}

#[test]
fn peeking_inflates_frequentist_but_not_sequential() {
    let exp = load(TWO);
    let models = sim::models(&exp, &Default::default(), &Default::default(), &Default::default());
    let s = Study {
        aa: true,
        runs: 1000,
        units: 14000,
        days: 14,
        seed: 12,
        methods: vec![Method::Frequentist, Method::Sequential],
    };
    let r = sim::study(&exp, &models, &s);
    let (naive, seq) = (r.methods[0].significant.rate, r.methods[1].significant.rate);
    assert!(naive > 0.12, "naive peeking over 14 looks: {naive}");
    assert!(seq <= 0.05, "sequential over 14 looks: {seq}");
}

#[test]
fn intervals_cover_known_effects() {
    let exp = load(TWO);
    let lifts = [("conversion".to_string(), 0.2), ("latency_ms".to_string(), -0.05)].into_iter().collect();
    let models = sim::models(&exp, &Default::default(), &lifts, &Default::default());
    let s = Study {
        aa: false,
        runs: 2000,
        units: 8000,
        days: 1,
        seed: 13,
        methods: vec![Method::Frequentist, Method::Sequential],
    };
    let r = sim::study(&exp, &models, &s);
    assert!((0.935..=0.965).contains(&r.methods[0].lift_coverage.rate), "{:?}", r.methods[0].lift_coverage);
    assert!((0.935..=0.965).contains(&r.diff_coverage.rate), "{:?}", r.diff_coverage);
    // Confidence sequences are wider: they cover at least as often.
    assert!(r.methods[1].lift_coverage.rate >= r.methods[0].lift_coverage.rate);
    // And a 20% lift on a 10% rate with 4000 units per arm is found most of the time (power about 80%).
    assert!(r.methods[0].significant.rate > 0.7, "{:?}", r.methods[0].significant);
}

#[test]
fn bad_decision_fields_point_at_their_line() {
    let dir = tempfile::tempdir().unwrap();
    let yaml = std::fs::read_to_string(common::fixture("verdict/horizon.yaml"))
        .unwrap()
        .replace("method: sequential", "method: sequentail")
        .replace("min_lift: 0.02", "min_lift: -0.02\n  chance_to_win: 1.5")
        .replace("max_units_per_variant: 20000", "max_units_per_variant: 100");
    let e = dir.path().join("bad.yaml");
    std::fs::write(&e, yaml).unwrap();
    let (code, _, err) = abx(&["validate", "--format", "table", e.to_str().unwrap()]);
    assert_eq!(code, 2, "{err}");
    let (_, out, _) = abx(&["verdict", "-e", e.to_str().unwrap(), "--data", "x.csv"]);
    assert!(out.is_empty());
    for needle in [
        "bad.yaml:11:11",
        "did you mean `sequential`",
        "`max_units_per_variant` (100) is below `min_units_per_variant` (500)",
        "`min_lift` must be 0 or more, got -0.02",
        "`chance_to_win` must be between 0.5 and 1 (exclusive), got 1.5",
    ] {
        assert!(err.contains(needle), "{needle:?} not in {err}");
    }
}
