//! The reports: `--over-time` against readouts of the rows up to each value
//! (computed by abx on filtered copies of the data, not by the cumulation
//! under test), every HTML page rendered in headless Chromium (SVGs in the
//! DOM, a screenshot with ink on it, no request leaving the file), HTML
//! snapshots, and `abx report`'s board and site.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::Value;

use crate::common::{self, abx, abx_in, browser};

const PROMPT: &str = "experiments/prompt_engineering_test.yaml";
const DAILY: &str = "fixtures/report/board/prompt_engineering_test.csv";

fn json(args: &[&str]) -> Value {
    json_exit(args, 0)
}

fn json_exit(args: &[&str], want: i32) -> Value {
    let (code, out, err) = abx(&[args, &["--format", "json"]].concat());
    assert_eq!(code, want, "{args:?}: {err}");
    serde_json::from_str(&out).unwrap()
}

/// Every number in `a` within `tol` relative of `b`'s, everything else equal.
fn same(a: &Value, b: &Value, tol: f64, at: &str) {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => {
            let (x, y) = (x.as_f64().unwrap(), y.as_f64().unwrap());
            assert!((x - y).abs() <= tol * y.abs().max(1e-12), "{at}: {x} vs {y}");
        }
        (Value::Array(x), Value::Array(y)) => {
            assert_eq!(x.len(), y.len(), "{at}: lengths");
            for (i, (p, q)) in x.iter().zip(y).enumerate() {
                same(p, q, tol, &format!("{at}[{i}]"));
            }
        }
        (Value::Object(x), Value::Object(y)) => {
            let keys: Vec<&String> = x.keys().collect();
            assert_eq!(keys, y.keys().collect::<Vec<_>>(), "{at}: keys");
            for (k, v) in x {
                same(v, &y[k], tol, &format!("{at}.{k}"));
            }
        }
        _ => assert_eq!(a, b, "{at}"),
    }
}

/// The CSV's rows whose `column` passes `keep`, as a new file.
fn filtered(from: &Path, to: &Path, column: &str, keep: impl Fn(&str) -> bool) -> usize {
    let mut r = csv::Reader::from_path(from).unwrap();
    let headers = r.headers().unwrap().clone();
    let at = headers.iter().position(|h| h == column).unwrap();
    let mut w = csv::Writer::from_path(to).unwrap();
    w.write_record(&headers).unwrap();
    let mut n = 0;
    for rec in r.records() {
        let rec = rec.unwrap();
        if keep(&rec[at]) {
            w.write_record(&rec).unwrap();
            n += 1;
        }
    }
    w.flush().unwrap();
    n
}

#[test]
fn each_point_over_time_is_the_readout_of_the_rows_up_to_it() {
    let root = common::root();
    let doc = json(&["analyze", "-e", PROMPT, "--data", DAILY, "--over-time", "day"]);
    let points = doc["over_time"].as_array().unwrap();
    assert_eq!(points.len(), 14);
    assert_eq!(doc["over_time_column"], "day");
    let days: Vec<&str> = points.iter().map(|p| p["until"].as_str().unwrap()).collect();
    let mut sorted = days.clone();
    sorted.sort();
    assert_eq!(days, sorted);
    assert_eq!((days[0], days[13]), ("2026-03-02", "2026-03-15"));
    // The last point is the top-level readout, exactly.
    assert_eq!(points[13]["metrics"], doc["metrics"]);
    assert_eq!(points[13]["srm"], doc["srm"]);
    // The top level agrees with a plain analyze of the same file.
    let plain = json(&["analyze", "-e", PROMPT, "--data", DAILY]);
    same(&doc["metrics"], &plain["metrics"], 1e-9, "metrics");
    // Each point against abx analyze on the rows up to that day.
    let dir = tempfile::tempdir().unwrap();
    for (k, day) in days.iter().enumerate().step_by(3) {
        let part = dir.path().join(format!("upto{k}.csv"));
        let n = filtered(&root.join(DAILY), &part, "day", |d| d <= *day);
        let units: u64 = points[k]["srm"]["observed"].as_array().unwrap().iter().map(|v| v.as_u64().unwrap()).sum();
        assert_eq!(units as usize, n, "{day}");
        let want = json(&["analyze", "-e", PROMPT, "--data", part.to_str().unwrap()]);
        same(&points[k]["metrics"], &want["metrics"], 1e-9, &format!("over_time[{k}] ({day})"));
        same(&points[k]["srm"], &want["srm"], 1e-9, &format!("over_time[{k}].srm"));
    }
}

#[test]
fn a_date_column_reads_as_its_text_does() {
    // The same data as Parquet with `day` a DATE (grouped by day number inside, named after).
    let dir = tempfile::tempdir().unwrap();
    let pq = dir.path().join("daily.parquet");
    let src = common::root().join(DAILY);
    crate::common::engines::duckdb_csv(
        dir.path(),
        &format!(
            "COPY (SELECT * REPLACE (CAST(day AS DATE) AS day) FROM read_csv('{}')) TO '{}' (FORMAT PARQUET)",
            src.display(),
            pq.display()
        ),
    );
    let text = json(&["analyze", "-e", PROMPT, "--data", DAILY, "--over-time", "day"]);
    let date = json(&["analyze", "-e", PROMPT, "--data", pq.to_str().unwrap(), "--over-time", "day"]);
    same(&date["over_time"], &text["over_time"], 1e-12, "over_time");
    let text = json(&["analyze", "-e", PROMPT, "--data", DAILY, "--by", "day"]);
    let date = json(&["analyze", "-e", PROMPT, "--data", pq.to_str().unwrap(), "--by", "day"]);
    same(&date["segments"], &text["segments"], 1e-12, "segments");
    assert_eq!(date["segments"][0]["segment"]["day"], "2026-03-02");
    // Integer columns segment by value: the same as their text, with nulls and
    // values far apart (beyond any window of nearby values) in one column.
    let typed = dir.path().join("typed.parquet");
    let texts = dir.path().join("texts.parquet");
    // Some rows have an empty variant (rows without one, in the fast path);
    // k reaches both ends of i64, w is above i32's (a UINTEGER).
    let ints = "CAST(epoch(CAST(day AS DATE)) / 86400 % 5 AS SMALLINT) AS s, \
                CAST(CASE WHEN total_return < 0 THEN NULL \
                     WHEN hash(max_drawdown) % 20 = 0 THEN 9223372036854775807 \
                     WHEN hash(max_drawdown) % 20 = 1 THEN -9223372036854775808 \
                     WHEN win_rate < 0.5 THEN -4000000000000 + hash(day) % 3 \
                     ELSE hash(variant) % 100000 END AS BIGINT) AS k, \
                CAST(floor(win_rate * 7) AS UTINYINT) AS u, \
                CAST(4000000000 - hash(day) % 3 AS UINTEGER) AS w";
    for (file, cast) in [(&typed, ""), (&texts, "::VARCHAR")] {
        crate::common::engines::duckdb_csv(
            dir.path(),
            &format!(
                "COPY (SELECT CASE WHEN hash(total_return) % 50 = 0 THEN '' ELSE variant END AS variant, total_return, win_rate, \
                 max_drawdown, s{cast} AS s, k{cast} AS k, u{cast} AS u, w{cast} AS w \
                 FROM (SELECT *, {ints} FROM read_csv('{}'))) TO '{}' (FORMAT PARQUET)",
                src.display(),
                file.display()
            ),
        );
    }
    for by in [vec!["--by", "s"], vec!["--by", "k"], vec!["--by", "w"], vec!["--by", "u", "--by", "k"]] {
        let mut args = vec!["analyze", "-e", PROMPT, "--data", typed.to_str().unwrap()];
        args.extend(&by);
        let int = json(&args);
        args[4] = texts.to_str().unwrap();
        let text = json(&args);
        assert!(int["segments"].as_array().unwrap().len() >= 3, "{by:?}");
        // 1e-9: the parallel fold adds batches in the order they finish.
        same(&int["segments"], &text["segments"], 1e-9, &format!("{by:?}"));
        assert!(int["input"]["rows_without_variant"].as_u64().unwrap() > 0, "{}", int["input"]);
        assert_eq!(int["input"], text["input"], "{by:?}");
    }
    let doc = json(&["analyze", "-e", PROMPT, "--data", typed.to_str().unwrap(), "--by", "k"]);
    let names: Vec<String> =
        doc["segments"].as_array().unwrap().iter().map(|s| s["segment"]["k"].to_string()).collect();
    for name in ["(null)", "\"-39999999999", "\"9223372036854775807\"", "\"-9223372036854775808\""] {
        assert!(
            names.iter().any(|n| n.contains(name) || (name == "\"-39999999999" && n.contains("-4000000000000"))),
            "{name}: {names:?}"
        );
    }
    // Over time, against the same numbers read from CSV.
    let csv = dir.path().join("typed.csv");
    crate::common::engines::duckdb_csv(
        dir.path(),
        &format!("COPY (SELECT * FROM '{}') TO '{}' (HEADER)", typed.display(), csv.display()),
    );
    let over = json(&["analyze", "-e", PROMPT, "--data", typed.to_str().unwrap(), "--over-time", "u"]);
    let text = json(&["analyze", "-e", PROMPT, "--data", csv.to_str().unwrap(), "--over-time", "u"]);
    assert!(over["over_time"].as_array().unwrap().len() > 3, "{}", over["over_time"]);
    same(&over["over_time"], &text["over_time"], 1e-9, "over_time by u");
    assert_eq!(over["input"], text["input"]);
}

/// A folder with `e.yaml`: arms a and b, one mean metric x.
fn two_arms() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("e.yaml"),
        "name: e\nsalt: e\nvariants:\n  - name: a\n  - name: b\nmetrics:\n  - name: x\n    kind: mean\n",
    )
    .unwrap();
    dir
}

#[test]
fn over_time_orders_numbers_as_numbers_and_reads_summaries() {
    let dir = two_arms();
    let w = dir.path();
    // Days 1..12 as numbers: text order would put 10 before 2.
    let mut csv = String::from("variant,x,t\n");
    let mut s = 7u64;
    for i in 0..600 {
        s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        let x = (s >> 11) as f64 / (1u64 << 53) as f64;
        csv += &format!("{},{x},{}\n", if i % 2 == 0 { "a" } else { "b" }, 1 + (s >> 40) % 12);
    }
    std::fs::write(w.join("d.csv"), &csv).unwrap();
    let (code, out, err) =
        abx_in(w, &["analyze", "-e", "e.yaml", "--data", "d.csv", "--over-time", "t", "--format", "json"], "");
    assert_eq!(code, 0, "{err}");
    let doc: Value = serde_json::from_str(&out).unwrap();
    let until: Vec<Value> = doc["over_time"].as_array().unwrap().iter().map(|p| p["until"].clone()).collect();
    assert_eq!(until, (1..=12).map(Value::from).collect::<Vec<_>>());
    // CSV: a row per value, metric and variant, the value first.
    let (code, out, _) =
        abx_in(w, &["analyze", "-e", "e.yaml", "--data", "d.csv", "--over-time", "t", "--format", "csv"], "");
    assert_eq!(code, 0);
    let mut lines = out.lines();
    assert!(lines.next().unwrap().starts_with("t,metric,variant,n,"));
    assert_eq!(lines.count(), 12 * 2);
    // A summary per value (as `abx sql summary --by t` writes it) gives the same points.
    let mut rows: BTreeMap<(String, String), (u64, f64, f64)> = BTreeMap::new();
    for line in csv.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        let x: f64 = f[1].parse().unwrap();
        for scope in ["", f[2]] {
            let e = rows.entry((scope.to_string(), f[0].to_string())).or_default();
            (e.0, e.1, e.2) = (e.0 + 1, e.1 + x, e.2 + x * x);
        }
    }
    // `bump`: one segment row claims a unit more than the overall row has.
    let summary = |bump: u64| {
        let mut text = String::from("variant,metric,n,sum,sum_sq,scope,t\n");
        for ((scope, v), (n, s1, s2)) in &rows {
            let (n, kind) = match scope.as_str() {
                "" => (*n, "all"),
                "1" if v == "a" => (n + bump, "segment"),
                _ => (*n, "segment"),
            };
            text += &format!("{v},x,{n},{s1:?},{s2:?},{kind},{scope}\n");
        }
        text
    };
    std::fs::write(w.join("s.csv"), summary(0)).unwrap();
    let (code, out, err) =
        abx_in(w, &["analyze", "-e", "e.yaml", "--summary", "s.csv", "--over-time", "t", "--format", "json"], "");
    assert_eq!(code, 0, "{err}");
    let from_summary: Value = serde_json::from_str(&out).unwrap();
    same(&from_summary["over_time"], &doc["over_time"], 1e-9, "summary over_time");
    // Rows per value that do not add up to the overall rows (a unit counted
    // on each of its days, as events rolled up per unit and day are) are refused.
    std::fs::write(w.join("bad.csv"), summary(1)).unwrap();
    let (code, _, err) = abx_in(w, &["analyze", "-e", "e.yaml", "--summary", "bad.csv", "--over-time", "t"], "");
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("a unit counts in several values"), "{err}");
    // Sums per value that do not add up to the overall row's are refused too.
    let first_all = summary(0).lines().find(|l| l.ends_with(",all,")).unwrap().to_string();
    let mut f: Vec<String> = first_all.split(',').map(String::from).collect();
    f[3] = format!("{:?}", f[3].parse::<f64>().unwrap() * 0.9);
    std::fs::write(w.join("bad2.csv"), summary(0).replace(&first_all, &f.join(","))).unwrap();
    let (code, _, err) = abx_in(w, &["analyze", "-e", "e.yaml", "--summary", "bad2.csv", "--over-time", "t"], "");
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("do not add up to its overall row"), "{err}");
    // A summary without rows per value names --over-time, not --by.
    let overall: String =
        summary(0).lines().filter(|l| !l.contains(",segment,")).map(|l| l.to_string() + "\n").collect();
    let no_scope: String = overall.lines().map(|l| l.rsplitn(3, ',').nth(2).unwrap().to_string() + "\n").collect();
    std::fs::write(w.join("flat.csv"), no_scope).unwrap();
    let (code, _, err) = abx_in(w, &["analyze", "-e", "e.yaml", "--summary", "flat.csv", "--over-time", "t"], "");
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("--over-time t needs a summary with segment rows") && !err.contains("--by t"), "{err}");
    std::fs::write(w.join("overall.csv"), overall).unwrap();
    let (code, _, err) = abx_in(w, &["analyze", "-e", "e.yaml", "--summary", "overall.csv", "--over-time", "t"], "");
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("the summary has no rows per `t`"), "{err}");
}

#[test]
fn over_time_stays_bounded_on_a_column_of_many_values() {
    let dir = two_arms();
    let w = dir.path();
    let rows = |n: usize| -> String {
        let mut csv = String::from("variant,x,t\n");
        for i in 0..n {
            csv += &format!("{},{},{i}\n", if i % 2 == 0 { "a" } else { "b" }, (i * 7919 % 1000) as f64 / 1000.0);
        }
        csv
    };
    // A value per row (a timestamp): more readouts than the data has rows is refused.
    std::fs::write(w.join("many.csv"), rows(10_001)).unwrap();
    let (code, _, err) = abx_in(w, &["analyze", "-e", "e.yaml", "--data", "many.csv", "--over-time", "t"], "");
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("has more than 10000 distinct values"), "{err}");
    // Thousands of values: JSON has each, the page draws at most 400 and stays small.
    std::fs::write(w.join("some.csv"), rows(3000)).unwrap();
    let args = ["analyze", "-e", "e.yaml", "--data", "some.csv", "--over-time", "t", "--format"];
    let (code, out, err) = abx_in(w, &[&args[..], &["json"]].concat(), "");
    assert_eq!(code, 0, "{err}");
    let doc: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(doc["over_time"].as_array().unwrap().len(), 3000);
    let (code, html, _) = abx_in(w, &[&args[..], &["html"]].concat(), "");
    assert_eq!(code, 0);
    assert!(html.len() < 150_000, "{} bytes", html.len());
    assert!(html.contains(", 400 of its values"));
}

#[test]
fn over_time_refuses_what_it_cannot_answer() {
    let dir = tempfile::tempdir().unwrap();
    let w = dir.path();
    common::repo_copy(w);
    // A row without a day: where it falls in time is unknown.
    let text = std::fs::read_to_string(w.join(DAILY)).unwrap();
    let mut lines: Vec<String> = text.lines().map(String::from).collect();
    lines[5] = lines[5].rsplit_once(',').unwrap().0.to_string() + ",";
    std::fs::write(w.join("holes.csv"), lines.join("\n") + "\n").unwrap();
    let (code, _, err) = abx_in(w, &["analyze", "-e", PROMPT, "--data", "holes.csv", "--over-time", "day"], "");
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("1 units have no `day`"), "{err}");
    // Events: a unit's value changes over time.
    let (code, _, err) = abx_in(
        w,
        &[
            "analyze",
            "-e",
            "fixtures/analyze/events.yaml",
            "--data",
            "fixtures/analyze/events.csv",
            "--events",
            "--unit-column",
            "user_id",
            "--over-time",
            "day",
        ],
        "",
    );
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("--over-time with --events is not supported"), "{err}");
    // --by and --over-time together.
    let (code, _, err) =
        abx_in(w, &["analyze", "-e", PROMPT, "--data", DAILY, "--over-time", "day", "--by", "variant"], "");
    assert_eq!(code, 2, "{err}");
    // Text that is not an ISO date would order as text, not as time; NaN has no place.
    for (values, want) in [
        (["03/05/2026", "12/01/2025"], "neither a number nor an ISO 8601 date"),
        (["2026-3-5", "2026-03-10"], "neither a number nor an ISO 8601 date"),
        (["1.5", "NaN"], "is not a finite number"),
    ] {
        let mut csv = String::from("variant,total_return,win_rate,max_drawdown,day\n");
        for (i, v) in ["control", "risk_first", "chain_of_thought", "few_shot"].iter().enumerate() {
            csv += &format!("{v},{i},0.5,0.1,{}\n{v},{},0.4,0.2,{}\n", values[0], i + 1, values[1]);
        }
        std::fs::write(w.join("odd.csv"), csv).unwrap();
        let (code, _, err) = abx_in(w, &["analyze", "-e", PROMPT, "--data", "odd.csv", "--over-time", "day"], "");
        assert_eq!(code, 2, "{values:?}: {err}");
        assert!(err.contains(want), "{values:?}: {err}");
    }
    // A missing column is named.
    let (code, _, err) = abx_in(w, &["analyze", "-e", PROMPT, "--data", DAILY, "--over-time", "dya"], "");
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("no column `dya` for the time (--over-time)"), "{err}");
}

/// Every page the reports write, each with what its DOM must show.
fn pages(w: &Path) -> Vec<(&'static str, Vec<String>, usize)> {
    let p = |s: &str| s.to_string();
    vec![
        ("analyze", vec![p("analyze"), p("-e"), p(PROMPT), p("--data"), p(DAILY)], 3),
        (
            "over_time",
            vec![p("analyze"), p("-e"), p(PROMPT), p("--data"), p(DAILY), p("--over-time"), p("day")],
            3 + 9 + 1,
        ),
        (
            "sequential",
            vec![
                p("analyze"),
                p("-e"),
                p(PROMPT),
                p("--data"),
                p(DAILY),
                p("--over-time"),
                p("day"),
                p("--method"),
                p("sequential"),
            ],
            13,
        ),
        (
            "segments",
            vec![
                p("analyze"),
                p("-e"),
                p("experiments/strategy_complexity.yaml"),
                p("--data"),
                p("fixtures/analyze/strategy_complexity_units.csv"),
                p("--by"),
                p("user_level"),
            ],
            2 + 2 * 2,
        ),
        ("verdict", vec![p("verdict"), p("-e"), p(PROMPT), p("--data"), p(DAILY), p("--as-of"), p("2026-03-20")], 3),
        (
            "drift",
            vec![
                p("drift"),
                p("--reference"),
                p("fixtures/drift_extra/mixed_ref.parquet"),
                p("--current"),
                p("fixtures/drift_extra/mixed_cur.parquet"),
            ],
            5,
        ),
        (
            "bandit",
            vec![
                p("bandit"),
                p("-e"),
                p("fixtures/bandit/model_router_reweighted.yaml"),
                p("--data"),
                p("fixtures/bandit/model_router.csv"),
                p("--period-column"),
                p("first_seen"),
            ],
            2,
        ),
        (
            "power",
            vec![
                p("power"),
                p("proportion"),
                p("--baseline"),
                p("0.12"),
                p("--mde"),
                p("0.1"),
                p("--relative"),
                p("--curve"),
            ],
            1,
        ),
        (
            "board",
            vec![
                p("report"),
                p("experiments/prompt_engineering_test.yaml"),
                p("experiments/followup_timing.yaml"),
                p("--data-dir"),
                p("fixtures/report/board"),
                p("--as-of"),
                p("2026-03-20"),
                p("--output-dir"),
                w.join("site").display().to_string(),
            ],
            2,
        ),
    ]
}

#[test]
fn every_page_renders_in_chromium_self_contained() {
    let dir = tempfile::tempdir().unwrap();
    let w = dir.path();
    common::repo_copy(w);
    for (name, args, svgs) in pages(w) {
        let mut args: Vec<&str> = args.iter().map(String::as_str).collect();
        args.extend(["--format", "html"]);
        let (code, html, err) = abx_in(w, &args, "");
        let want_code = match name {
            "verdict" => 1,
            "drift" => 1,
            _ => 0,
        };
        assert_eq!(code, want_code, "{name}: {err}");
        // Self-contained: no script, nothing to fetch, small.
        for bad in ["<script", " src=", "url(", "@import", "<link", "href=\"http"] {
            assert!(!html.contains(bad), "{name}: has {bad}");
        }
        assert!(html.len() < 200_000, "{name}: {} bytes", html.len());
        assert_eq!(html.matches("<svg").count(), svgs, "{name}: SVGs in the page");
        let file = w.join(format!("{name}.html"));
        std::fs::write(&file, &html).unwrap();
        let r = browser::render(&file);
        assert_eq!(r.dom.matches("<svg").count(), svgs, "{name}: SVGs in the rendered DOM");
        assert!(r.dom.contains("<text"), "{name}: chart labels");
        assert!(r.requests.is_empty(), "{name}: requested {:?}", r.requests);
        assert!(r.ink > 0.01, "{name}: the screenshot is blank ({} ink)", r.ink);
        if name == "bandit" {
            // The weight history: a point per reweight, then the next weights.
            for label in ["2026-11-20", "2026-11-25", "next", "P(best)", "next weight"] {
                assert!(r.dom.contains(&format!(">{label}</text>")), "bandit: no label {label}");
            }
        }
    }
    // The site's own pages too, and its links lead to them.
    let index = std::fs::read_to_string(w.join("site/index.html")).unwrap();
    for page in ["prompt_engineering_test.html", "followup_timing.html"] {
        assert!(index.contains(&format!("href=\"{page}\"")), "{page} not linked");
        let r = browser::render(&w.join("site").join(page));
        assert!(r.dom.matches("<svg").count() >= 2 && r.requests.is_empty() && r.ink > 0.01, "{page}");
    }
}

#[test]
fn extreme_values_chart_without_a_crash() {
    let dir = tempfile::tempdir().unwrap();
    let w = dir.path();
    let col = |v: &[f64]| v.iter().map(|x| format!("{x:e}\n")).collect::<String>();
    std::fs::write(w.join("r.csv"), format!("x\n{}", col(&[-1.7e308, 1.7e308, 0.0, 1.0]))).unwrap();
    std::fs::write(w.join("c.csv"), format!("x\n{}", col(&[1.7e308, 1.6e308, -1.7e308, 2.0]))).unwrap();
    let (code, html, err) = abx_in(w, &["drift", "-r", "r.csv", "-c", "c.csv", "--format", "html"], "");
    assert!(code == 0 || code == 1, "{code}: {err}");
    assert!(html.contains("<svg") && !html.contains("NaN") && !html.contains("inf\""), "{err}");
}

#[test]
fn the_request_check_sees_a_fetch() {
    // The check above would see a page that fetches something.
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("fetch.html");
    std::fs::write(&page, "<html><body><img src=\"http://192.0.2.1/x.png\"></body></html>").unwrap();
    let r = browser::render(&page);
    assert_eq!(r.requests, ["http://192.0.2.1/x.png"]);
    assert!(r.ink < 0.002, "a blank page has no ink: {}", r.ink);
}

/// The page with what changes between builds (the version) normalised.
fn normalised(html: &str) -> String {
    html.replace(&format!("abx {}", env!("CARGO_PKG_VERSION")), "abx [version]")
}

#[test]
fn html_snapshots() {
    for (name, args) in [
        ("analyze_html", vec!["analyze", "-e", PROMPT, "--data", DAILY, "--format", "html"]),
        (
            "over_time_html",
            vec![
                "analyze",
                "-e",
                PROMPT,
                "--data",
                DAILY,
                "--over-time",
                "day",
                "--method",
                "sequential",
                "--format",
                "html",
            ],
        ),
        (
            "drift_html",
            vec![
                "drift",
                "--reference",
                "fixtures/drift_extra/mixed_ref.parquet",
                "--current",
                "fixtures/drift_extra/mixed_cur.parquet",
                "--format",
                "html",
            ],
        ),
    ] {
        let (_, out, err) = abx(&args);
        assert!(out.starts_with("<!DOCTYPE html>"), "{name}: {err}");
        insta::assert_snapshot!(name, normalised(&out));
    }
}

#[test]
fn the_board_reads_every_experiment_and_says_which_it_could_not() {
    let dir = tempfile::tempdir().unwrap();
    let w = dir.path();
    common::repo_copy(w);
    let data = w.join("fixtures/report/board");
    let args = [
        "report",
        "experiments/prompt_engineering_test.yaml",
        "experiments/followup_timing.yaml",
        "experiments/backtest_window.yaml",
        "--data-dir",
        "fixtures/report/board",
        "--as-of",
        "2026-03-20",
        "--format",
        "json",
    ];
    let (code, out, err) = abx_in(w, &args, "");
    assert_eq!(code, 0, "{err}");
    let doc: Value = serde_json::from_str(&out).unwrap();
    let e = doc["experiments"].as_array().unwrap();
    assert_eq!(e.len(), 3);
    // Each row's verdict and lifts are abx verdict's and abx analyze's.
    let verdict = json_exit(&["verdict", "-e", PROMPT, "--data", DAILY, "--as-of", "2026-03-20"], 1);
    assert_eq!(e[0]["verdict"], verdict["verdict"]);
    assert_eq!(e[0]["exit_code"], verdict["exit_code"]);
    assert_eq!(e[0]["units"], 6000);
    assert_eq!(e[0]["days_running"], 18);
    let readout = json(&["analyze", "-e", PROMPT, "--data", DAILY]);
    let primary = &readout["metrics"][0]["comparisons"];
    for (i, l) in e[0]["lifts"].as_array().unwrap().iter().enumerate() {
        assert_eq!(l["lift"], primary[i]["lift"]);
        assert_eq!(l["lift_ci_low"], primary[i]["test"]["lift_ci"][0]);
    }
    assert_eq!(e[1]["data"], "fixtures/report/board/followup_timing_summary.csv");
    assert_eq!(e[1]["units"], 10000);
    assert!(e[2]["verdict"].is_null() && e[2]["error"].is_null());
    assert!(e[2]["reasons"][0].as_str().unwrap().starts_with("no data yet"));
    // A start after the as-of date is said, beside the verdict's reasons.
    assert_eq!(e[1]["schedule"], "starts on 2026-04-01, after the as-of date 2026-03-20");
    assert!(e[0]["schedule"].is_null());
    let late = ["report", "experiments/backtest_window.yaml", "--data-dir", "fixtures/report/board", "--as-of"];
    let (_, out, _) = abx_in(w, &[&late[..], &["2026-05-01", "--format", "json"]].concat(), "");
    let doc: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(doc["experiments"][0]["schedule"], "still running after its end on 2026-04-13 (as of 2026-05-01)");
    // Two files for one experiment: that row is an error, the rest stands, exit 2.
    std::fs::copy(data.join("prompt_engineering_test.csv"), data.join("prompt_engineering_test_units.csv")).unwrap();
    std::fs::write(w.join("broken.yaml"), "name: [\n").unwrap();
    let mut bad: Vec<&str> = args.to_vec();
    bad.insert(1, "broken.yaml");
    bad.extend(["--output-dir", "site"]);
    let (code, out, err) = abx_in(w, &bad, "");
    assert_eq!(code, 2, "{err}");
    let doc: Value = serde_json::from_str(&out).unwrap();
    let e = doc["experiments"].as_array().unwrap();
    assert_eq!(e[0]["status"], "unreadable");
    assert!(e[0]["error"].as_str().unwrap().contains("broken.yaml"), "{}", e[0]);
    assert!(e[1]["error"].as_str().unwrap().contains("abx does not choose between them"), "{}", e[1]);
    assert_eq!(e[2]["page"], "followup_timing.html");
    assert!(err.contains("2 of 4 experiments could not be read"), "{err}");
    assert!(w.join("site/index.html").is_file() && w.join("site/followup_timing.html").is_file());
    assert!(!w.join("site/prompt_engineering_test.html").exists());
    let page = std::fs::read_to_string(w.join("site/followup_timing.html")).unwrap();
    assert!(page.contains("<a href=\"index.html\">← All experiments (as of 2026-03-20)</a>"), "{page}");
    // An --output-dir that is a file is refused before anything is written.
    std::fs::write(w.join("file"), "x").unwrap();
    let mut to_file: Vec<&str> = args.to_vec();
    to_file.extend(["--output-dir", "file"]);
    let (code, _, err) = abx_in(w, &to_file, "");
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("file: not a directory (--output-dir)"), "{err}");
    assert_eq!(std::fs::read_to_string(w.join("file")).unwrap(), "x");
    // Table and CSV: a row per experiment, and per experiment and treatment.
    let mut table: Vec<&str> = args.to_vec();
    table.pop();
    table.push("csv");
    let (code, out, _) = abx_in(w, &table, "");
    assert_eq!(code, 2);
    assert!(out.starts_with("experiment,status,units,days_running,primary,variant,lift,"), "{out}");
    assert!(out.lines().next().unwrap().ends_with(",page,error,schedule,reasons"), "{out}");
    assert_eq!(out.lines().count(), 1 + 1 + 1 + 1, "{out}");
    assert!(out.contains("starts on 2026-04-01") && out.contains("breaks its guardrails"), "{out}");
}
