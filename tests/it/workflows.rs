//! Composed workflows, whole commands over real files: every combination is
//! either answered as an independent computation answers it
//! (fixtures/workflows/make.py: scipy, statsmodels, gbstats, pandas,
//! hashlib) or refused with exit 2. The daily CI gate across an
//! experiment's life, event data with segments, raw logs assigned by the
//! bucketing with targeting, summaries from SQL (the real DuckDB), and each
//! silently wrong answer of issue 12 as a regression test.

use crate::common;

use std::path::Path;

use common::{abx, abx_in, fixture};
use serde_json::Value;

fn expected() -> Value {
    serde_json::from_str(&std::fs::read_to_string(fixture("workflows/expected.json")).unwrap()).unwrap()
}

fn json_of(args: &[&str]) -> Value {
    let (code, out, err) = abx(args);
    assert!(code == 0 || code == 1 || code == 3, "{args:?}: exit {code}: {err}");
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("{args:?}: {e}: {out} {err}"))
}

fn rel(a: f64, b: f64) -> f64 {
    if (a - b).abs() <= 1e-12 {
        0.0
    } else {
        (a - b).abs() / b.abs()
    }
}

fn close(got: &Value, want: &Value, what: &str) {
    match (got, want) {
        (Value::Array(g), Value::Array(w)) => {
            assert_eq!(g.len(), w.len(), "{what}: {got} vs {want}");
            for (i, (a, b)) in g.iter().zip(w).enumerate() {
                close(a, b, &format!("{what}[{i}]"));
            }
        }
        _ => {
            let (g, w) = (got.as_f64().unwrap_or(f64::NAN), want.as_f64().unwrap());
            assert!(rel(g, w) < 1e-9, "{what}: {g} vs {w} (relative {:.1e})", rel(g, w));
        }
    }
}

fn metric<'a>(doc: &'a Value, name: &str) -> &'a Value {
    doc["metrics"].as_array().unwrap().iter().find(|m| m["name"] == name).unwrap_or_else(|| panic!("no {name}"))
}

/// One comparison of a readout against its expected figures (the judging
/// test's p-value and intervals, the arms' n and means, the difference).
fn check_comparison(m: &Value, want: &Value, what: &str) {
    let c = &m["comparisons"][0];
    for (i, v) in m["variants"].as_array().unwrap().iter().enumerate() {
        assert_eq!(v["n"].as_f64().unwrap(), want["n"][i].as_f64().unwrap(), "{what}: n of {}", v["variant"]);
        close(&v["mean"], &want["mean"][i], &format!("{what}: mean of {}", v["variant"]));
    }
    close(&c["diff"], &want["diff"], &format!("{what}: diff"));
    close(&c["p_value"], &want["p_value"], &format!("{what}: p_value"));
    close(&c["test"]["p_value"], &want["p_value"], &format!("{what}: test p_value"));
    close(&c["test"]["diff_ci"], &want["diff_ci"], &format!("{what}: test diff_ci"));
    close(&c["test"]["lift_ci"], &want["lift_ci"], &format!("{what}: test lift_ci"));
}

/// The mark, the p-value and both intervals come from one test: at alpha,
/// significant exactly when each interval excludes 0, on its side.
fn one_story(c: &Value, alpha: f64) {
    let t = &c["test"];
    if !t["measurable"].as_bool().unwrap() {
        assert!(!c["significant"].as_bool().unwrap(), "{c}");
        return;
    }
    let p = t["p_value_adjusted"].as_f64().unwrap();
    assert_eq!(c["significant"].as_bool().unwrap(), p < alpha, "{c}");
    for key in ["diff_ci", "lift_ci"] {
        let Some(ci) = t[key].as_array() else { continue };
        let (lo, hi) = (ci[0].as_f64().unwrap_or(f64::NEG_INFINITY), ci[1].as_f64().unwrap_or(f64::INFINITY));
        let excludes = lo > 0.0 || hi < 0.0;
        assert_eq!(excludes, p < alpha, "{key} {ci:?} with p = {p}: {c}");
        if excludes {
            assert_eq!(lo > 0.0, c["diff"].as_f64().unwrap() > 0.0, "{key} on the diff's side: {c}");
        }
    }
}

#[test]
fn each_judging_test_agrees_with_an_independent_inversion() {
    let cases = expected()["judge"].as_array().unwrap().clone();
    assert_eq!(cases.len(), 40);
    let mut names = std::collections::BTreeSet::new();
    for case in &cases {
        let name = case["name"].as_str().unwrap();
        let (e, s) = (format!("fixtures/workflows/judge/{name}.yaml"), format!("fixtures/workflows/judge/{name}.csv"));
        let doc = json_of(&["analyze", "-e", &e, "--summary", &s, "--format", "json"]);
        let c = &doc["metrics"][0]["comparisons"][0];
        let want = &case["expected"];
        names.insert(c["test"]["name"].as_str().unwrap().to_string());
        close(&c["test"]["p_value"], &want["p_value"], &format!("{name}: p_value"));
        close(&c["test"]["diff_ci"], &want["diff_ci"], &format!("{name}: diff_ci"));
        close(&c["test"]["lift_ci"], &want["lift_ci"], &format!("{name}: lift_ci"));
        if let Some(th) = want.get("theta") {
            close(&c["theta"], th, &format!("{name}: theta"));
        }
        one_story(c, 0.05);
    }
    assert_eq!(names.into_iter().collect::<Vec<_>>(), ["delta_t", "pooled_z", "welch_t"]);
}

/// gbstats oracle case 0: Welch's p = 0.020, but gbstats' delta-method lift
/// interval [-3.5%, +145%] includes 0. The readout used to show ▲ beside
/// that interval; now the interval beside the mark is the same test's.
#[test]
fn a_mark_never_stands_beside_an_interval_of_another_test() {
    let args = ["analyze", "-e", "gbstats/exp_0.yaml", "--summary", "gbstats/summary_0.csv"];
    let dir = fixture("oracle");
    let (code, out, err) = abx_in(&dir, &[&args[..], &["--format", "json"]].concat(), "");
    assert_eq!(code, 0, "{err}");
    let doc: Value = serde_json::from_str(&out).unwrap();
    let c = &doc["metrics"][0]["comparisons"][0];
    assert!(c["p_value"].as_f64().unwrap() < 0.05 && c["lift_ci_low"].as_f64().unwrap() < 0.0, "{c}");
    one_story(c, 0.05);
    assert!(c["better"].as_bool().unwrap());
    let lift = c["test"]["lift_ci"][0].as_f64().unwrap();
    assert!(lift > 0.0, "{c}");
    let (_, table, _) = abx_in(&dir, &[&args[..], &["--format", "markdown"]].concat(), "");
    let row = table.lines().find(|l| l.starts_with("| treatment")).unwrap();
    assert!(row.contains("▲ better") && row.contains(&format!("[{}%", abx::numfmt::sig(lift * 100.0))), "{row}");
    // Sequential: the table's p is the always-valid one, and says so.
    let seq = [&args[..], &["--method", "sequential"]].concat();
    let (_, md, _) = abx_in(&dir, &[&seq[..], &["--format", "markdown"]].concat(), "");
    let (_, js, _) = abx_in(&dir, &[&seq[..], &["--format", "json"]].concat(), "");
    let doc: Value = serde_json::from_str(&js).unwrap();
    let c = &doc["metrics"][0]["comparisons"][0];
    assert!(md.contains("| p, always valid"), "{md}");
    assert!(!md.contains("fixed-horizon"), "{md}");
    let row = md.lines().find(|l| l.starts_with("| treatment")).unwrap();
    let shown = abx::numfmt::sig(c["test"]["p_value_adjusted"].as_f64().unwrap());
    assert!(row.contains(&format!("| {shown} |")), "{row} vs {shown}");
    assert_eq!(c["test"]["p_value"], c["lift_p_value"]);
    one_story(c, 0.05);
}

#[test]
fn events_with_segments_roll_up_per_unit_and_segment() {
    let want = expected()["events"].clone();
    let base = ["analyze", "-e", "fixtures/workflows/events.yaml", "--data", "fixtures/workflows/events.csv"];
    let ev = [&base[..], &["--events", "--unit-column", "user", "--format", "json"]].concat();
    for by in ["surface", "plan"] {
        let (code, out, err) = abx(&[&ev[..], &["--by", by]].concat());
        assert_eq!(code, 0, "{err}");
        let doc: Value = serde_json::from_str(&out).unwrap();
        for (name, _) in [("purchased", 0), ("revenue", 0), ("time_on_page", 0)] {
            check_comparison(metric(&doc, name), &want["overall"][name], &format!("all {name}"));
        }
        let extra = want["by"][format!("{by}_pairs_beyond_units")].as_u64().unwrap();
        assert_eq!(doc["input"]["units_in_several_segments"].as_u64(), Some(extra), "{by}");
        // A column that varies within units says so; a per-unit one does not.
        assert_eq!(err.contains("varies within units"), extra > 0, "{by}: {err}");
        let segments = doc["segments"].as_array().unwrap();
        assert_eq!(segments.len(), want["by"][by].as_object().unwrap().len());
        for s in segments {
            let value = s["segment"][by].as_str().unwrap();
            for name in ["purchased", "revenue", "time_on_page"] {
                check_comparison(metric(s, name), &want["by"][by][value][name], &format!("{by}={value} {name}"));
            }
        }
    }
    assert_eq!(want["by"]["plan_pairs_beyond_units"], 0);
    // Without --events the rows are units: a unit on several rows is refused.
    let (code, _, err) = abx(&[&base[..], &["--unit-column", "user"]].concat());
    assert_eq!(code, 2);
    assert!(err.contains("is on") && err.contains("pass --events"), "{err}");
}

#[test]
fn raw_logs_are_assigned_as_abx_assign_exposes_them() {
    let want = expected()["targeted"].clone();
    let e = "fixtures/workflows/targeted.yaml";
    let d = "fixtures/workflows/targeted.csv";
    let (code, out, err) = abx(&["analyze", "-e", e, "--data", d, "--unit-column", "user_id", "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    // No variant column: bucketing is the only possibility, and stderr says so.
    assert!(err.contains("has no `variant` column: units are assigned by the experiment's bucketing"), "{err}");
    let doc: Value = serde_json::from_str(&out).unwrap();
    let units: Vec<u64> = doc["srm"]["observed"].as_array().unwrap().iter().map(|v| v.as_u64().unwrap()).collect();
    assert_eq!(units, [want["units"]["control"].as_u64().unwrap(), want["units"]["treatment"].as_u64().unwrap()]);
    assert_eq!(doc["input"]["units_ineligible"], want["ineligible"]);
    assert_eq!(doc["input"]["units_not_exposed"], want["not_exposed"]);
    close(&doc["srm"]["p_value"], &want["srm_p_value"], "srm");
    check_comparison(metric(&doc, "converted"), &want["converted"], "converted");
    check_comparison(metric(&doc, "revenue"), &want["revenue"], "revenue");
    // The very units `abx assign --input` exposes.
    let (code, assigned, err) = abx(&["assign", "-e", e, "--input", d, "--id-column", "user_id"]);
    assert_eq!(code, 0, "{err}");
    let count = |v: &str| assigned.lines().skip(1).filter(|l| l.ends_with(&format!(",{v}"))).count() as u64;
    assert_eq!([count("control"), count("treatment")], units[..]);
}

#[test]
fn a_variant_column_is_read_or_bucketing_is_asked_for() {
    let dir = tempfile::tempdir().unwrap();
    let e = fixture("workflows/targeted.yaml");
    let e = e.to_str().unwrap();
    let src = std::fs::read_to_string(fixture("workflows/targeted.csv")).unwrap();
    // A variant column named but missing: exit 2 with a did-you-mean, never re-bucketing.
    let with_variant: String = src
        .lines()
        .enumerate()
        .map(|(i, l)| match i {
            0 => format!("{l},arm\n"),
            _ => format!("{l},{}\n", ["control", "treatment"][i % 2]),
        })
        .collect();
    let p = dir.path().join("arm.csv");
    std::fs::write(&p, &with_variant).unwrap();
    let p = p.to_str().unwrap();
    let (code, out, err) =
        abx(&["analyze", "-e", e, "--data", p, "--unit-column", "user_id", "--variant-column", "arms"]);
    assert_eq!(code, 2);
    assert!(out.is_empty() && err.contains("no column `arms`") && err.contains("did you mean `arm`?"), "{err}");
    // A column that looks like a variant column is not "no variant column at all".
    let renamed = with_variant.replacen(",arm\n", ",Variant\n", 1);
    let q = dir.path().join("renamed.csv");
    std::fs::write(&q, renamed).unwrap();
    let (code, _, err) = abx(&["analyze", "-e", e, "--data", q.to_str().unwrap(), "--unit-column", "user_id"]);
    assert_eq!(code, 2);
    assert!(err.contains("`Variant` looks like one: pass --variant-column Variant"), "{err}");
    // The named column is read; --bucketing asks for the bucketing instead.
    let doc = json_of(&["analyze", "-e", e, "--data", p, "--variant-column", "arm", "--format", "json"]);
    assert_eq!(doc["input"]["assigned_by_bucketing"], false);
    let (code, out, err) =
        abx(&["analyze", "-e", e, "--data", p, "--unit-column", "user_id", "--bucketing", "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    let doc: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(doc["srm"]["observed"][1], expected()["targeted"]["units"]["treatment"]);
}

/// Summaries from SQL: DuckDB (the real engine) turns unit rows into
/// sufficient statistics, ratio and CUPED sums included; the readout equals
/// the one from the rows themselves, figure for figure.
#[test]
fn a_summary_from_duckdb_gives_the_readout_of_the_rows() {
    let duckdb = common::duckdb();
    let root = common::root();
    let sql = std::fs::read_to_string(fixture("workflows/summary.sql")).unwrap();
    let out = std::process::Command::new(&duckdb).current_dir(&root).args(["-csv", "-c", &sql]).output().unwrap();
    assert!(out.status.success(), "duckdb: {}", String::from_utf8_lossy(&out.stderr));
    let summary = String::from_utf8(out.stdout).unwrap();
    assert!(summary.starts_with("variant,metric,n,sum,sum_sq,sum_y,sum_y_sq,sum_xy"), "{summary}");
    let e = "fixtures/workflows/sql.yaml";
    let (code, from_sql, err) = abx_in(&root, &["analyze", "-e", e, "--summary", "-", "--format", "json"], &summary);
    assert_eq!(code, 0, "{err}");
    let from_rows = json_of(&["analyze", "-e", e, "--data", "fixtures/workflows/sql_units.csv", "--format", "json"]);
    let from_sql: Value = serde_json::from_str(&from_sql).unwrap();
    let mut checked = 0;
    for m in from_rows["metrics"].as_array().unwrap() {
        let s = metric(&from_sql, m["name"].as_str().unwrap());
        for (a, b) in m["comparisons"].as_array().unwrap().iter().zip(s["comparisons"].as_array().unwrap()) {
            for key in
                ["diff", "ci_low", "ci_high", "lift", "lift_ci_low", "lift_ci_high", "p_value", "p_value_adjusted"]
            {
                close(&b[key], &a[key], &format!("{} {} {key}", m["name"], a["variant"]));
                checked += 1;
            }
            for key in ["p_value", "diff_ci", "lift_ci"] {
                close(&b["test"][key], &a["test"][key], &format!("{} {} test.{key}", m["name"], a["variant"]));
            }
        }
    }
    assert_eq!(checked, 4 * 2 * 8);
}

#[test]
fn summaries_that_cannot_be_read_correctly_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let exp = dir.path().join("e.yaml");
    std::fs::write(
        &exp,
        "name: s\nvariants: [{name: control}, {name: treatment}]\nmetrics:\n  - {name: rps, kind: ratio, numerator: r, denominator: s}\n  - {name: spend, covariate: pre}\n  - {name: conv, kind: proportion}\n  - {name: m}\n",
    )
    .unwrap();
    let run = |csv: &str| {
        let p = dir.path().join("s.csv");
        std::fs::write(&p, csv).unwrap();
        let e = exp.to_str().unwrap();
        let a = abx(&["analyze", "-e", e, "--summary", p.to_str().unwrap()]);
        let v = abx(&["verdict", "-e", e, "--summary", p.to_str().unwrap()]);
        assert_eq!((a.0, v.0), (2, 2), "{csv}\n{} {}", a.2, v.2);
        assert!(a.1.is_empty() && v.1.is_empty());
        a.2
    };
    let good = "control,conv,1000,100,100,,,\ntreatment,conv,1000,120,120,,,\ncontrol,m,1000,100,50,,,\ntreatment,m,1000,110,60,,,\n";
    let second = "control,rps,1000,5000,30000,2000,5000,11000\ntreatment,rps,1000,5200,31000,2000,5000,11500\ncontrol,spend,1000,5000,30000,4000,20000,21000\ntreatment,spend,1000,5100,31000,4000,20000,21500\n";
    // A ratio or CUPED metric without its second column's sums: never read as zeros.
    let err = run(&format!("variant,metric,n,sum,sum_sq\n{}", good.replace(",,,", "")));
    assert!(
        err.contains("metric `rps` is a ratio metric, so its rows need the columns sum_y,sum_y_sq,sum_xy"),
        "{err}"
    );
    let blank = second.replacen("2000,5000,11000", ",,", 1);
    let err = run(&format!("variant,metric,n,sum,sum_sq,sum_y,sum_y_sq,sum_xy\n{blank}{good}"));
    assert!(err.contains("line 2: metric `rps` needs sum_y, sum_y_sq, sum_xy"), "{err}");
    // Impossible rows, named by line: a negative variance, a proportion outside [0, n].
    let head = format!("variant,metric,n,sum,sum_sq,sum_y,sum_y_sq,sum_xy\n{second}");
    for (bad, msg) in [
        ("treatment,m,1000,110,60", "treatment,m,1000,110,5"),
        ("treatment,conv,1000,120,120", "treatment,conv,1000,1200,1200"),
        ("treatment,conv,1000,120,120", "treatment,conv,1000,-1,1"),
        ("treatment,conv,1000,120,120", "treatment,conv,1000,120,7"),
        ("control,m,1000,100,50", "control,m,-3,100,50"),
    ] {
        let err = run(&format!("{head}{}", good.replace(bad, msg)));
        assert!(err.contains("impossible sums") || err.contains("whole number"), "{msg}: {err}");
        assert!(err.contains("line "), "{err}");
    }
    // The same rows, possible, are read.
    let p = dir.path().join("ok.csv");
    std::fs::write(&p, format!("{head}{good}")).unwrap();
    assert_eq!(abx(&["analyze", "-e", exp.to_str().unwrap(), "--summary", p.to_str().unwrap()]).0, 0);
}

/// The experiment's decision settings are analyze's defaults, so that the
/// readout and the verdict tell one story.
#[test]
fn analyze_follows_the_experiment_decision() {
    let dir = tempfile::tempdir().unwrap();
    let yaml = std::fs::read_to_string(fixture("verdict/three_arms.yaml")).unwrap();
    let e = dir.path().join("e.yaml");
    let with = yaml.replace("  correction: holm\n", "  correction: bonferroni\n  method: sequential\n");
    assert_ne!(with, yaml);
    std::fs::write(&e, &with).unwrap();
    let e = e.to_str().unwrap();
    let data = dir.path().join("d.csv");
    let d = data.to_str().unwrap();
    let (code, _, err) = abx(&["simulate", "-e", e, "--units", "30000", "--effect", "clicked=0.15", "--output", d]);
    assert_eq!(code, 0, "{err}");
    let a = json_of(&["analyze", "-e", e, "--data", d, "--format", "json"]);
    let v = json_of(&["verdict", "-e", e, "--data", d, "--format", "json"]);
    assert_eq!(a["method"], "sequential");
    assert_eq!(a["correction"], "bonferroni");
    assert_eq!(v["method"], "sequential");
    let primary = metric(&a, v["primary"].as_str().unwrap());
    for cand in v["candidates"].as_array().unwrap() {
        let c = primary["comparisons"].as_array().unwrap().iter().find(|c| c["variant"] == cand["variant"]).unwrap();
        assert_eq!(c["test"]["p_value_adjusted"], cand["p_value_adjusted"], "{c} vs {cand}");
        assert_eq!(c["better"], cand["beats_control"]);
        one_story(c, 0.05);
    }
    // Flags override the file.
    let f = json_of(&["analyze", "-e", e, "--data", d, "--method", "frequentist", "--format", "json"]);
    assert_eq!(f["method"], "frequentist");
}

fn set_status(path: &Path, status: &str) {
    let text = std::fs::read_to_string(path).unwrap();
    let line = text.lines().find(|l| l.starts_with("status:")).unwrap().to_string();
    std::fs::write(path, text.replace(&line, &format!("status: {status}"))).unwrap();
}

#[test]
fn draft_and_stopped_expose_nobody_and_are_never_promoted() {
    let dir = tempfile::tempdir().unwrap();
    let e = dir.path().join("e.yaml");
    std::fs::copy(fixture("verdict/two_arms.yaml"), &e).unwrap();
    let (e, data) = (e.to_str().unwrap(), dir.path().join("d.csv"));
    let d = data.to_str().unwrap();
    assert_eq!(abx(&["simulate", "-e", e, "--units", "40000", "--effect", "conversion=0.2", "--output", d]).0, 0);
    for (status, verdict, code) in [("draft", "continue", 3), ("stopped", "keep_control", 1)] {
        set_status(Path::new(e), status);
        let (c, out, err) = abx(&["assign", "-e", e, "--id", "a", "--id", "b"]);
        assert_eq!((c, out.as_str()), (0, "unit,variant\na,\nb,\n"), "{err}");
        assert_eq!(err.matches("warning:").count(), 1, "{err}");
        assert!(err.contains(&format!("(status: {status})")), "{err}");
        let (c, out, _) = abx_in(Path::new("/"), &["assign", "-e", e], "x\ny\nz\n");
        assert_eq!((c, out.as_str()), (0, "unit,variant\nx,\ny,\nz,\n"));
        let (c, out, err) = abx(&["verdict", "-e", e, "--data", d, "--write", "--format", "json"]);
        assert_eq!(c, code, "{err}");
        let v: Value = serde_json::from_str(&out).unwrap();
        assert_eq!((v["verdict"].as_str(), v["variant"].as_str()), (Some(verdict), None));
        assert!(v["reasons"][0].as_str().unwrap().contains(&format!("status: {status}")), "{v}");
        assert!(!std::fs::read_to_string(e).unwrap().contains("promoted:"));
        // Bucketing of data by a status that exposes nobody is refused, unless asked for as running.
        let logs = dir.path().join("logs.csv");
        let text = std::fs::read_to_string(d).unwrap();
        let stripped: String = text
            .lines()
            .map(|l| {
                let f: Vec<&str> = l.split(',').collect();
                format!("{},{},{}\n", f[0], f[2], f[3])
            })
            .collect();
        std::fs::write(&logs, stripped).unwrap();
        let l = logs.to_str().unwrap();
        let (c, _, err) = abx(&["analyze", "-e", e, "--data", l, "--unit-column", "unit"]);
        assert_eq!(c, 2);
        assert!(err.contains("exposes no unit") && err.contains("--as-running"), "{err}");
        let a = json_of(&["analyze", "-e", e, "--data", l, "--unit-column", "unit", "--as-running", "-f", "json"]);
        let b = json_of(&["analyze", "-e", e, "--data", d, "-f", "json"]);
        assert_eq!(a["srm"]["observed"], b["srm"]["observed"]);
    }
}

#[test]
fn a_guardrail_that_cannot_be_measured_blocks_the_promotion() {
    let dir = tempfile::tempdir().unwrap();
    let e = fixture("verdict/two_arms.yaml");
    let e = e.to_str().unwrap();
    let data = dir.path().join("d.csv");
    let d = data.to_str().unwrap();
    assert_eq!(abx(&["simulate", "-e", e, "--units", "40000", "--effect", "conversion=0.2", "--output", d]).0, 0);
    assert_eq!(abx(&["verdict", "-e", e, "--data", d]).0, 0, "the data alone promotes");
    let text = std::fs::read_to_string(d).unwrap();
    // latency_ms of short_prompt: all missing; or two identical values 99.9% worse.
    let edit = |keep: usize| -> String {
        let mut seen = 0;
        text.lines()
            .map(|l| {
                let f: Vec<&str> = l.split(',').collect();
                if f[1] != "short_prompt" {
                    return format!("{l}\n");
                }
                seen += 1;
                let v = if seen <= keep { "99999".to_string() } else { String::new() };
                format!("{},{},{},{v}\n", f[0], f[1], f[2])
            })
            .collect()
    };
    for keep in [0, 1, 2] {
        let p = dir.path().join(format!("g{keep}.csv"));
        std::fs::write(&p, edit(keep)).unwrap();
        let (code, out, err) = abx(&["verdict", "-e", e, "--data", p.to_str().unwrap(), "--format", "json"]);
        assert_eq!(code, 1, "{keep}: {out} {err}");
        let v: Value = serde_json::from_str(&out).unwrap();
        let g = &v["candidates"][0]["guardrails"][0];
        assert_eq!((g["measured"].as_bool(), g["ok"].as_bool()), (Some(false), Some(false)), "{g}");
        let reasons = v["reasons"].to_string();
        assert!(reasons.contains("latency_ms could not be measured"), "{reasons}");
    }
}

#[test]
fn a_relative_question_on_a_control_mean_that_is_not_positive_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let e = dir.path().join("e.yaml");
    std::fs::write(&e, "name: r\nvariants: [{name: control}, {name: treatment}]\nmetrics: [{name: pnl}]\n").unwrap();
    let s = dir.path().join("s.csv");
    std::fs::write(&s, "variant,metric,n,sum,sum_sq\ncontrol,pnl,1000,-50,400\ntreatment,pnl,1000,30,400\n").unwrap();
    let (e, s) = (e.to_str().unwrap(), s.to_str().unwrap());
    // The difference is well defined: frequentist promotes the better (less negative) treatment.
    let v = json_of(&["verdict", "-e", e, "--summary", s, "--format", "json"]);
    assert_eq!(v["verdict"], "promote");
    for method in ["sequential", "bayesian"] {
        let (code, out, err) = abx(&["verdict", "-e", e, "--summary", s, "--method", method]);
        assert_eq!(code, 2, "{method}: {out}");
        assert!(err.contains("control mean of -0.05") && err.contains("use `method: frequentist`"), "{err}");
        // The readout shows it as not measurable, never as a lift of -160% "worse".
        let a = json_of(&["analyze", "-e", e, "--summary", s, "--method", method, "--format", "json"]);
        let c = &a["metrics"][0]["comparisons"][0];
        assert_eq!((c["test"]["measurable"].as_bool(), c["worse"].as_bool()), (Some(false), Some(false)), "{c}");
    }
}

#[test]
fn event_metrics_roll_up_as_their_kind_needs() {
    let dir = tempfile::tempdir().unwrap();
    let e = dir.path().join("e.yaml");
    std::fs::write(
        &e,
        "name: ev\nvariants: [{name: control}, {name: treatment}]\nmetrics:\n  - {name: bought, kind: proportion}\n  - {name: basket, aggregate: mean}\n",
    )
    .unwrap();
    let d = dir.path().join("d.csv");
    let mut rows = String::from("user,variant,bought,basket\n");
    for u in 0..40 {
        let v = if u % 2 == 0 { "control" } else { "treatment" };
        // Two buying events per unit: a proportion is 1 per unit, not 2.
        rows += &format!("u{u},{v},1,{}\nu{u},{v},1,{}\nu{u},{v},0,\n", u, u + 2);
    }
    std::fs::write(&d, rows).unwrap();
    let (e, d) = (e.to_str().unwrap(), d.to_str().unwrap());
    let doc = json_of(&["analyze", "-e", e, "--data", d, "--events", "--unit-column", "user", "--format", "json"]);
    assert_eq!(metric(&doc, "bought")["variants"][0]["mean"], 1.0);
    // Control units 0, 2, .., 38 have baskets (u, u + 2): means u + 1, averaging 20.
    assert_eq!(metric(&doc, "basket")["variants"][0]["mean"], 20.0);
    // A roll-up that breaks 0/1 names the unit, not a row of the file.
    let bad = e.replace("e.yaml", "bad.yaml");
    std::fs::write(&bad, "name: ev\nvariants: [{name: control}, {name: treatment}]\nmetrics:\n  - {name: basket, kind: proportion, aggregate: max}\n").unwrap();
    let (code, _, err) = abx(&["analyze", "-e", &bad, "--data", d, "--events", "--unit-column", "user"]);
    assert_eq!(code, 2);
    // Each event of a proportion must be 0 or 1 (a max or any over events would hide a 2 or a -1).
    assert!(err.contains("line 3: `basket` of proportion metric `basket` must be 0 or 1 on every event"), "{err}");
    std::fs::write(&bad, "name: ev\nvariants: [{name: control}, {name: treatment}]\nmetrics:\n  - {name: bought, kind: proportion, aggregate: sum}\n").unwrap();
    let (code, _, err) = abx(&["validate", &bad]);
    assert_eq!(code, 2);
    assert!(err.contains("cannot roll up by `sum`") && err.contains(":4:"), "{err}");
}

#[test]
fn write_goes_through_links_keeps_modes_and_refuses_read_only_files() {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("d.csv");
    let d = data.to_str().unwrap();
    let e = fixture("verdict/two_arms.yaml");
    assert_eq!(
        abx(&["simulate", "-e", e.to_str().unwrap(), "--units", "40000", "--effect", "conversion=0.2", "--output", d])
            .0,
        0
    );
    let real = dir.path().join("real.yaml");
    std::fs::copy(&e, &real).unwrap();
    std::fs::set_permissions(&real, std::fs::Permissions::from_mode(0o640)).unwrap();
    let link = dir.path().join("link.yaml");
    std::os::unix::fs::symlink("real.yaml", &link).unwrap();
    let hard = dir.path().join("hard.yaml");
    std::fs::hard_link(&real, &hard).unwrap();
    let (code, _, err) = abx(&["verdict", "-e", link.to_str().unwrap(), "--data", d, "--write"]);
    assert_eq!(code, 0, "{err}");
    assert!(std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink());
    for p in [&real, &hard] {
        assert!(std::fs::read_to_string(p).unwrap().contains("promoted: short_prompt"), "{}", p.display());
    }
    assert_eq!(std::fs::metadata(&real).unwrap().nlink(), 2);
    assert_eq!(std::fs::metadata(&real).unwrap().permissions().mode() & 0o777, 0o640);
    let ro = dir.path().join("ro.yaml");
    std::fs::copy(&e, &ro).unwrap();
    std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o444)).unwrap();
    let before = std::fs::read(&ro).unwrap();
    let (code, _, err) = abx(&["verdict", "-e", ro.to_str().unwrap(), "--data", d, "--write"]);
    assert_eq!(code, 2);
    assert!(err.contains("ro.yaml: the file is read-only"), "{err}");
    assert_eq!(std::fs::read(&ro).unwrap(), before);
}

#[test]
fn weights_whose_sum_overflows_are_invalid() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("w.yaml");
    for (weights, msg) in
        [(["1e308", "1e308"], "too large to normalise"), (["1e-300", "1e300"], "variant `a` gets no share")]
    {
        std::fs::write(
            &p,
            format!(
                "name: w\nvariants:\n  - {{name: a, weight: {}}}\n  - {{name: b, weight: {}}}\n",
                weights[0], weights[1]
            ),
        )
        .unwrap();
        let (code, _, err) = abx(&["validate", p.to_str().unwrap()]);
        assert_eq!(code, 2);
        assert!(err.contains(msg) && err.contains("w.yaml:2:1"), "{err}");
        let (code, out, _) = abx(&["assign", "-e", p.to_str().unwrap(), "--id", "x"]);
        assert_eq!((code, out.as_str()), (2, ""));
    }
}

/// The shipped GitHub Actions workflow, step by step, day by day, with the
/// experiment's whole life: draft, running (continue), promote with
/// --write, and green days after the promotion, whose data has one variant.
#[test]
fn the_ci_workflow_runs_day_by_day_through_a_promotion() {
    use yaml_rust2::YamlLoader;
    let text = std::fs::read_to_string(common::root().join("examples/ci/verdict.yml")).unwrap();
    let doc = &YamlLoader::load_from_str(&text).unwrap()[0];
    let step = |job: &str, name: &str| -> String {
        let steps = doc["jobs"][job]["steps"].as_vec().unwrap();
        let s = steps.iter().find(|s| s["name"].as_str() == Some(name)).unwrap_or_else(|| panic!("no step {name}"));
        s["run"].as_str().unwrap().to_string()
    };
    let (export, verdict_step) = (step("verdict", "Export outcomes"), step("verdict", "Verdict"));
    let (gate, deploy) =
        (step("deploy", "Require a promote verdict"), step("deploy", "Record the promotion and deploy"));
    let exp_path = doc["env"]["EXPERIMENT"].as_str().unwrap().to_string();

    let work = tempfile::tempdir().unwrap();
    let w = work.path();
    let bin = w.join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    std::fs::create_dir_all(w.join("scripts")).unwrap();
    std::fs::create_dir_all(w.join(Path::new(&exp_path).parent().unwrap())).unwrap();
    let abx_bin = assert_cmd::cargo::cargo_bin("abx");
    std::os::unix::fs::symlink(&abx_bin, bin.join("abx")).unwrap();
    // `cargo install` is done: abx is on PATH.
    std::fs::write(bin.join("cargo"), "#!/bin/sh\nexit 0\n").unwrap();
    std::fs::write(w.join("scripts/export_outcomes.sh"), "#!/bin/sh\ncat \"$DAY_DATA\"\n").unwrap();
    std::fs::write(w.join("scripts/deploy.sh"), "#!/bin/sh\necho \"$1\" >> deployed.txt\n").unwrap();
    for f in [bin.join("cargo"), w.join("scripts/export_outcomes.sh"), w.join("scripts/deploy.sh")] {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(f, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let exp = w.join(&exp_path);
    std::fs::write(&exp, std::fs::read_to_string(fixture("workflows/lifecycle.yaml")).unwrap()).unwrap();
    let path = format!("{}:{}", bin.display(), std::env::var("PATH").unwrap_or_default());
    let run = |script: &str, day: &Path, outputs: &Path| {
        let out = std::process::Command::new("bash")
            .args(["-e", "-o", "pipefail", "-c", script])
            .current_dir(w)
            .env("PATH", &path)
            .env("EXPERIMENT", &exp_path)
            .env("DAY_DATA", day)
            .env("GITHUB_OUTPUT", outputs)
            .env("GITHUB_STEP_SUMMARY", w.join("summary.md"))
            .env("NO_COLOR", "1")
            .output()
            .unwrap();
        (out.status.code(), String::from_utf8_lossy(&out.stderr).to_string())
    };
    let simulate = |units: &str, out: &Path| {
        let running = w.join("running.yaml");
        let t = std::fs::read_to_string(fixture("workflows/lifecycle.yaml"))
            .unwrap()
            .replace("status: draft", "status: running");
        std::fs::write(&running, t).unwrap();
        let (code, _, err) = abx(&[
            "simulate",
            "-e",
            running.to_str().unwrap(),
            "--units",
            units,
            "--effect",
            "conversion=0.25",
            "--seed",
            "3",
            "--output",
            out.to_str().unwrap(),
        ]);
        assert_eq!(code, 0, "{err}");
    };
    // (day, the experiment's status that morning, units, expected verdict)
    let mut verdicts = Vec::new();
    for day in 1..=6 {
        if day == 2 {
            set_status(&exp, "running");
        }
        let data = w.join(format!("day{day}.csv"));
        match day {
            1 | 2 => simulate("1200", &data),
            3 => simulate("30000", &data),
            _ => {
                // After the promotion every unit gets the winner: one variant.
                let rows: String =
                    (0..4000).map(|i| format!("p{day}-{i},short_prompt,{},{}\n", i % 7 / 6, 90 + i % 13)).collect();
                std::fs::write(&data, format!("unit,variant,conversion,latency_ms\n{rows}")).unwrap();
            }
        }
        let outputs = w.join(format!("outputs{day}.txt"));
        assert_eq!(run(&export, &data, &outputs).0, Some(0));
        let (code, err) = run(&verdict_step, &data, &outputs);
        assert_eq!(code, Some(0), "day {day}: the verdict job fails: {err}");
        let got = std::fs::read_to_string(&outputs).unwrap();
        let verdict = got.lines().find_map(|l| l.strip_prefix("verdict=")).unwrap().to_string();
        let variant = got.lines().find_map(|l| l.strip_prefix("variant=")).unwrap_or("").to_string();
        let needs = |s: &str| {
            s.replace("${{ needs.verdict.outputs.verdict }}", &verdict)
                .replace("${{ needs.verdict.outputs.variant }}", &variant)
        };
        let (gate_code, _) = run(&needs(&gate), &data, &outputs);
        if gate_code == Some(0) {
            let (code, err) = run(&needs(&deploy), &data, &outputs);
            assert_eq!(code, Some(0), "day {day}: the deploy job fails: {err}");
        }
        verdicts.push((day, verdict, variant));
    }
    let summary: Vec<(u32, &str)> = verdicts.iter().map(|(d, v, _)| (*d, v.as_str())).collect();
    assert_eq!(
        summary,
        [(1, "continue"), (2, "continue"), (3, "promote"), (4, "promote"), (5, "promote"), (6, "promote")],
        "{verdicts:?}"
    );
    let recorded = std::fs::read_to_string(&exp).unwrap();
    assert!(recorded.contains("status: promoted") && recorded.contains("promoted: short_prompt"), "{recorded}");
    assert!(recorded.contains("promoted_at: "), "{recorded}");
    let deployed = std::fs::read_to_string(w.join("deployed.txt")).unwrap();
    assert_eq!(deployed, "short_prompt\n".repeat(4));
    assert!(std::fs::read_to_string(w.join("summary.md")).unwrap().contains("PROMOTE: short_prompt"));
}

/// Every example in every command's --help runs as written, from a copy of
/// the repository's experiments and fixtures (only shell gates onto scripts
/// that are not abx's, writes outside the folder, and long simulation
/// studies are left out).
#[test]
fn help_examples_run() {
    let work = tempfile::tempdir().unwrap();
    let w = work.path();
    common::repo_copy(w);
    let bin = assert_cmd::cargo::cargo_bin("abx");
    let path = format!("{}:{}", bin.parent().unwrap().display(), std::env::var("PATH").unwrap_or_default());
    let mut ran = 0;
    let commands = [
        &["validate"][..],
        &["init"],
        &["assign"],
        &["analyze"],
        &["verdict"],
        &["bandit"],
        &["simulate"],
        &["drift"],
        &["report"],
        &["growthbook"],
        &["growthbook", "import"],
        &["power", "proportion"],
        &["power", "mean"],
        &["test", "proportions"],
        &["test", "means"],
        &["test", "srm"],
    ];
    for cmd in commands {
        // Wide enough that no example wraps.
        let help = std::process::Command::new(&bin).args(cmd).arg("--help").env("COLUMNS", "500").output().unwrap();
        let help = String::from_utf8(help.stdout).unwrap();
        let examples = help.split("Examples:").nth(1).unwrap_or_else(|| panic!("{cmd:?} has no examples"));
        for line in examples.lines().map(str::trim) {
            let line = line.split("   #").next().unwrap_or(line).trim();
            // `cp` makes the copy a `--write` example edits, inside the work folder.
            let runs = line.starts_with("abx ") || line.starts_with("seq ") || line.starts_with("cp ");
            if !runs || line.contains("||") || line.contains("&&") || line.contains('~') || line.contains("--runs") {
                continue;
            }
            let out = std::process::Command::new("bash")
                .args(["-o", "pipefail", "-c", line])
                .current_dir(w)
                .env("PATH", &path)
                .env("NO_COLOR", "1")
                .output()
                .unwrap();
            let code = out.status.code().unwrap_or(-1);
            assert!([0, 1, 3].contains(&code), "{line}: exit {code}: {}", String::from_utf8_lossy(&out.stderr));
            ran += 1;
        }
    }
    assert!(ran >= 30, "{ran} examples ran");
}

/// Found by a review that tried abx as a new user would: each was a wrong
/// answer or a crash.
#[test]
fn a_percentile_cap_is_taken_over_the_analysed_units_only() {
    let dir = tempfile::tempdir().unwrap();
    let e = dir.path().join("cap.yaml");
    std::fs::write(
        &e,
        "name: cap\nvariants: [{name: control}, {name: t}]\nmetrics:\n  - {name: x, cap: {percentile: 0.5}}\n",
    )
    .unwrap();
    let clean = "variant,x\ncontrol,1\ncontrol,2\nt,3\nt,4\n";
    // Rows without a variant (and huge values) take no part in the readout, nor in its cap.
    let extra = format!("{clean},1000\n,1000\n,1000\n,1000\n");
    let mut caps = Vec::new();
    for (name, text) in [("clean.csv", clean.to_string()), ("extra.csv", extra)] {
        let p = dir.path().join(name);
        std::fs::write(&p, text).unwrap();
        let doc = json_of(&["analyze", "-e", e.to_str().unwrap(), "--data", p.to_str().unwrap(), "--format", "json"]);
        caps.push(doc["input"]["caps"]["x"].as_f64().unwrap());
    }
    // numpy.quantile([1, 2, 3, 4], 0.5) = 2.5
    assert_eq!(caps, [2.5, 2.5]);
    // With bucketing: the quantile over the exposed, eligible units (numpy, fixtures/workflows/make.py).
    let want = expected()["targeted"]["revenue_cap_p90"].as_f64().unwrap();
    let yaml = std::fs::read_to_string(fixture("workflows/targeted.yaml")).unwrap();
    let capped = yaml.replace("  - {name: revenue}", "  - {name: revenue, cap: {percentile: 0.9}}");
    assert_ne!(capped, yaml);
    let t = dir.path().join("t.yaml");
    std::fs::write(&t, capped).unwrap();
    let d = fixture("workflows/targeted.csv");
    let doc = json_of(&[
        "analyze",
        "-e",
        t.to_str().unwrap(),
        "--data",
        d.to_str().unwrap(),
        "--unit-column",
        "user_id",
        "--format",
        "json",
    ]);
    close(&doc["input"]["caps"]["revenue"], &Value::from(want), "bucketed cap");
}

#[test]
fn values_that_cannot_be_added_up_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let e = dir.path().join("m.yaml");
    std::fs::write(&e, "name: m\nvariants: [{name: control}, {name: t}]\nmetrics: [{name: x}]\n").unwrap();
    let e = e.to_str().unwrap();
    let run = |name: &str, text: &str, summary: bool| {
        let p = dir.path().join(name);
        std::fs::write(&p, text).unwrap();
        let flag = if summary { "--summary" } else { "--data" };
        let (code, out, err) = abx(&["verdict", "-e", e, flag, p.to_str().unwrap()]);
        assert_eq!(code, 2, "{name}: {out} {err}");
        assert!(!err.contains("panicked") && out.is_empty(), "{err}");
        err
    };
    let err = run("inf.csv", "variant,x\ncontrol,1\ncontrol,inf\nt,2\nt,3\n", false);
    assert!(err.contains("must hold finite numbers, but row 2 has inf"), "{err}");
    let err = run("big.csv", "variant,x\ncontrol,1e308\ncontrol,-1e308\nt,2\nt,3\n", false);
    assert!(err.contains("too large to add up"), "{err}");
    let err = run("dup.csv", "variant,x,x\ncontrol,1,5\nt,2,6\n", false);
    assert!(err.contains("two columns named `x`"), "{err}");
    for n in ["1e19", "2e19", "1e300"] {
        let err = run("huge.csv", &format!("variant,metric,n,sum,sum_sq\ncontrol,x,{n},1,1\nt,x,{n},1,1\n"), true);
        assert!(err.contains("more than 2^53 units"), "{err}");
    }
    let err = run("sq.csv", "variant,metric,n,sum,sum_sq\ncontrol,x,100,1e300,1e308\nt,x,100,1,1\n", true);
    assert!(err.contains("too large"), "{err}");
}

#[test]
fn figures_that_cannot_be_computed_are_null_not_zero() {
    let dir = tempfile::tempdir().unwrap();
    let e = dir.path().join("m.yaml");
    std::fs::write(&e, "name: m\nvariants: [{name: control}, {name: t}]\nmetrics: [{name: x}]\n").unwrap();
    let p = dir.path().join("one.csv");
    std::fs::write(&p, "variant,x\ncontrol,5\nt,1\nt,1.1\nt,1\n").unwrap();
    let doc = json_of(&["analyze", "-e", e.to_str().unwrap(), "--data", p.to_str().unwrap(), "--format", "json"]);
    let c = &doc["metrics"][0]["comparisons"][0];
    for key in ["lift", "lift_ci_low", "lift_ci_high", "lift_p_value", "p_value", "ci_low"] {
        assert!(c[key].is_null(), "{key}: {c}");
    }
    assert_eq!(c["test"]["measurable"], false);
    // Events whose values are all missing: the unit's sum is an empty sum, 0
    // (as pandas' sum); its mean is missing.
    let ev = dir.path().join("ev.csv");
    std::fs::write(&ev, "user,variant,x\na,control,\na,control,\nb,control,2\nc,control,4\nd,t,3\ne,t,1\n").unwrap();
    let mean = e.to_str().unwrap().replace("m.yaml", "mean.yaml");
    std::fs::write(&mean, "name: m\nvariants: [{name: control}, {name: t}]\nmetrics: [{name: x, aggregate: mean}]\n")
        .unwrap();
    // (n, missing, mean) of control: sum counts unit a as 0, mean leaves it missing.
    for (exp, want) in
        [(e.to_str().unwrap(), (Some(3), Some(0), Some(2.0))), (mean.as_str(), (Some(2), Some(1), Some(3.0)))]
    {
        let args =
            ["analyze", "-e", exp, "--data", ev.to_str().unwrap(), "--events", "--unit-column", "user", "-f", "json"];
        let doc = json_of(&args);
        let control = &doc["metrics"][0]["variants"][0];
        assert_eq!((control["n"].as_u64(), control["missing"].as_u64(), control["mean"].as_f64()), want, "{exp}");
    }
}

#[test]
fn a_relative_threshold_on_a_control_mean_that_is_not_positive_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let e = dir.path().join("e.yaml");
    std::fs::write(&e, "name: r\nvariants: [{name: control}, {name: t}]\nmetrics: [{name: pnl}]\ndecision: {min_lift: 0.02, min_units_per_variant: 10}\n").unwrap();
    let s = dir.path().join("s.csv");
    std::fs::write(&s, "variant,metric,n,sum,sum_sq\ncontrol,pnl,1000,-50,400\nt,pnl,1000,30,400\n").unwrap();
    let (code, out, err) = abx(&["verdict", "-e", e.to_str().unwrap(), "--summary", s.to_str().unwrap()]);
    assert_eq!(code, 2, "{out}");
    assert!(err.contains("`min_lift` (2%) is a relative lift") && err.contains("control mean of -0.05"), "{err}");
    // Without min_lift the frequentist verdict decides on the difference, and says so.
    std::fs::write(&e, "name: r\nvariants: [{name: control}, {name: t}]\nmetrics: [{name: pnl}]\ndecision: {min_units_per_variant: 10}\n").unwrap();
    let v = json_of(&["verdict", "-e", e.to_str().unwrap(), "--summary", s.to_str().unwrap(), "--format", "json"]);
    assert_eq!(v["verdict"], "promote");
    assert!(v["reasons"][0].as_str().unwrap().contains("difference +0.08 ["), "{v}");
}

#[test]
fn a_mark_beside_an_unbounded_relative_set_shows_the_two_rays() {
    let dir = tempfile::tempdir().unwrap();
    let e = dir.path().join("e.yaml");
    std::fs::write(&e, "name: r\nvariants: [{name: control}, {name: t}]\nmetrics: [{name: x}]\n").unwrap();
    let s = dir.path().join("s.csv");
    // Control's mean 0.01 with sd 1: not away from 0; the difference is.
    std::fs::write(&s, "variant,metric,n,sum,sum_sq\ncontrol,x,50,0.5,49.005\nt,x,50,95,229.5\n").unwrap();
    let (code, out, _) =
        abx(&["analyze", "-e", e.to_str().unwrap(), "--summary", s.to_str().unwrap(), "--format", "json"]);
    assert_eq!(code, 0);
    let doc: Value = serde_json::from_str(&out).unwrap();
    let c = &doc["metrics"][0]["comparisons"][0];
    assert!(c["better"].as_bool().unwrap() && c["test"]["lift_ci"].is_null(), "{c}");
    let rays = c["test"]["lift_rays"].as_array().unwrap();
    let (lo, hi) = (rays[0].as_f64().unwrap(), rays[1].as_f64().unwrap());
    assert!(lo < 0.0 && hi > 0.0, "{rays:?}: the set excludes 0");
    let (_, md, _) =
        abx(&["analyze", "-e", e.to_str().unwrap(), "--summary", s.to_str().unwrap(), "--format", "markdown"]);
    let row = md.lines().find(|l| l.starts_with("| t ")).unwrap();
    assert!(row.contains("(-∞, ") && row.contains("] ∪ [") && row.contains("▲ better"), "{row}");
}
