//! `abx analyze --data` beyond the contract: ratio and CUPED metrics against
//! GrowthBook's own engine (gbstats 0.8.0), caps and segments against
//! numpy/scipy, events rolled up per unit and units assigned by bucketing
//! against pandas and hashlib (fixtures/analyze/make_features.py), and the
//! Prometheus output.

use crate::common;

use common::abx;

use serde_json::Value;

fn json(args: &[&str]) -> Value {
    let (code, out, err) = abx(args);
    assert_eq!(code, 0, "{err}");
    serde_json::from_str(&out).unwrap()
}

fn expected(name: &str) -> Value {
    serde_json::from_str(&std::fs::read_to_string(common::fixture(&format!("analyze/{name}"))).unwrap()).unwrap()
}

fn rel(a: f64, b: f64) -> f64 {
    if (a - b).abs() <= 1e-12 {
        0.0
    } else {
        (a - b).abs() / b.abs()
    }
}

fn metric<'a>(doc: &'a Value, name: &str) -> &'a Value {
    doc["metrics"].as_array().unwrap().iter().find(|m| m["name"] == name).unwrap()
}

fn comparison<'a>(doc: &'a Value, name: &str, variant: &str) -> &'a Value {
    metric(doc, name)["comparisons"].as_array().unwrap().iter().find(|c| c["variant"] == variant).unwrap()
}

const FEATURES: [&str; 5] =
    ["analyze", "-e", "fixtures/analyze/features.yaml", "--data", "fixtures/analyze/features_units.csv"];

fn features(extra: &[&str]) -> Value {
    let mut args = FEATURES.to_vec();
    args.extend(["--format", "json"]);
    args.extend(extra);
    json(&args)
}

#[test]
fn ratio_and_cuped_agree_with_gbstats() {
    let doc = features(&[]);
    let want = expected("features_expected.json");
    assert!(rel(doc["srm"]["p_value"].as_f64().unwrap(), want["srm_p_value"].as_f64().unwrap()) < 1e-9);
    let mut checked = 0;
    for w in want["comparisons"].as_array().unwrap() {
        let v = w["variant"].as_str().unwrap();
        for name in ["revenue_per_session", "spend", "converted"] {
            let got = comparison(&doc, name, v);
            for (key, value) in w["metrics"][name].as_object().unwrap() {
                let (g, e) = (got[key].as_f64().unwrap(), value.as_f64().unwrap());
                assert!(rel(g, e) < 1e-9, "{name} {v} {key}: {g} vs {e}");
                checked += 1;
            }
        }
        // CUPED reports what it achieved.
        let vr = comparison(&doc, "spend", v)["variance_reduction"].as_f64().unwrap();
        assert!(vr > 0.3 && vr < 1.0, "{vr}");
    }
    assert_eq!(checked, 2 * (8 + 9 + 9));
    for (v, m) in want["ratio_means"].as_object().unwrap() {
        let got = metric(&doc, "revenue_per_session")["variants"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["variant"] == *v)
            .unwrap()["mean"]
            .as_f64()
            .unwrap();
        assert!(rel(got, m.as_f64().unwrap()) < 1e-12, "{v}");
    }
    // Missing post-period values are counted per variant; a missing covariate counts as 0.
    for (v, n) in want["spend_missing"].as_object().unwrap() {
        let got = metric(&doc, "spend")["variants"].as_array().unwrap().iter().find(|x| x["variant"] == *v).unwrap()
            ["missing"]
            .clone();
        assert_eq!(got, *n, "{v}");
    }
}

#[test]
fn caps_winsorize_before_the_test() {
    let doc = features(&[]);
    let want = expected("features_expected.json");
    assert!(rel(doc["input"]["caps"]["orders"].as_f64().unwrap(), want["orders_cap"].as_f64().unwrap()) < 1e-12);
    assert_eq!(doc["input"]["caps"]["basket"].as_f64().unwrap(), 50.0);
    for w in want["comparisons"].as_array().unwrap() {
        let v = w["variant"].as_str().unwrap();
        for name in ["orders", "basket"] {
            let got = comparison(&doc, name, v);
            for key in ["diff", "p_value"] {
                let (g, e) = (got[key].as_f64().unwrap(), w["metrics"][name][key].as_f64().unwrap());
                assert!(rel(g, e) < 1e-9, "{name} {v} {key}: {g} vs {e}");
            }
            let control = metric(&doc, name)["variants"][0]["mean"].as_f64().unwrap();
            assert!(rel(control, w["metrics"][name]["mean_control"].as_f64().unwrap()) < 1e-12);
        }
    }
}

#[test]
fn segments_repeat_the_readout() {
    let doc = features(&["--by", "user_level"]);
    let want = expected("features_expected.json");
    let segments = doc["segments"].as_array().unwrap();
    assert_eq!(segments.len(), 3);
    for s in segments {
        let level = s["segment"]["user_level"].as_str().unwrap();
        let w = &want["segments"][level];
        assert!(rel(s["srm"]["p_value"].as_f64().unwrap(), w["srm_p_value"].as_f64().unwrap()) < 1e-9, "{level}");
        for (v, p) in w["basket"].as_object().unwrap() {
            let got = comparison(s, "basket", v)["p_value"].as_f64().unwrap();
            assert!(rel(got, p.as_f64().unwrap()) < 1e-9, "{level} {v}");
        }
    }
    // The overall readout is unchanged by --by (up to the order of summation), and the segments add up to it.
    let plain = features(&[]);
    for m in ["revenue_per_session", "spend", "converted", "orders", "basket"] {
        for v in ["treatment_with_long_name", "t2"] {
            for key in ["diff", "ci_low", "p_value", "lift", "lift_ci_high"] {
                let (a, b) =
                    (comparison(&doc, m, v)[key].as_f64().unwrap(), comparison(&plain, m, v)[key].as_f64().unwrap());
                assert!(rel(a, b) < 1e-9, "{m} {v} {key}");
            }
        }
    }
    let total: u64 =
        segments.iter().flat_map(|s| s["srm"]["observed"].as_array().unwrap()).map(|n| n.as_u64().unwrap()).sum();
    assert_eq!(total, 4500);
    // CSV: one row per segment x metric x variant, after the overall rows.
    let mut args = FEATURES.to_vec();
    args.extend(["--by", "user_level", "--format", "csv"]);
    let (code, out, _) = abx(&args);
    assert_eq!(code, 0);
    assert!(out.starts_with("user_level,metric,variant,n,"), "{out}");
    assert_eq!(out.lines().count(), 1 + 4 * 5 * 3);
}

#[test]
fn events_roll_up_per_unit_and_units_are_assigned_by_bucketing() {
    let doc = json(&[
        "analyze",
        "-e",
        "fixtures/analyze/events.yaml",
        "--data",
        "fixtures/analyze/events.csv",
        "--events",
        "--unit-column",
        "user_id",
        "--format",
        "json",
    ]);
    let want = expected("events_expected.json");
    assert_eq!(doc["srm"]["observed"], want["units"]);
    assert_eq!(doc["input"]["units_not_exposed"], want["not_exposed"]);
    assert_eq!(doc["input"]["assigned_by_bucketing"], true);
    let means = |name: &str| -> Vec<f64> {
        metric(&doc, name)["variants"].as_array().unwrap().iter().map(|v| v["mean"].as_f64().unwrap()).collect()
    };
    for (name, key) in [("amount", "amount_means"), ("views", "views_means"), ("booked", "booked_rates")] {
        for (g, w) in means(name).iter().zip(want[key].as_array().unwrap()) {
            assert!(rel(*g, w.as_f64().unwrap()) < 1e-12, "{name}: {g} vs {w}");
        }
    }
    let p = comparison(&doc, "amount", "treatment")["p_value"].as_f64().unwrap();
    assert!(rel(p, want["amount_p"].as_f64().unwrap()) < 1e-9);
    // --events needs the unit column.
    let (code, _, err) =
        abx(&["analyze", "-e", "fixtures/analyze/events.yaml", "--data", "fixtures/analyze/events.csv", "--events"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("--unit-column"), "{err}");
}

#[test]
fn a_unit_in_two_variants_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("e.csv");
    std::fs::write(&p, "user_id,variant,amount,booked,views\na,control,1,0,1\na,treatment,2,1,1\n").unwrap();
    let (code, out, err) = abx(&[
        "analyze",
        "-e",
        "fixtures/analyze/events.yaml",
        "--data",
        p.to_str().unwrap(),
        "--events",
        "--unit-column",
        "user_id",
    ]);
    assert_eq!(code, 2);
    assert!(out.is_empty());
    assert!(err.contains("unit `a` has events in two variants (`control` and `treatment`)"), "{err}");
}

#[test]
fn prometheus_exposition() {
    let (code, out, err) = abx(&[
        "analyze",
        "-e",
        "experiments/followup_timing.yaml",
        "--data",
        "fixtures/analyze/followup_timing_units.csv",
        "--format",
        "prometheus",
    ]);
    assert_eq!(code, 0, "{err}");
    insta::assert_snapshot!("analyze_prometheus", out);
    for family in [
        "experiment_variant_assigned_total",
        "experiment_outcome_total",
        "experiment_conversion_rate",
        "experiment_sample_size",
    ] {
        assert!(out.contains(&format!("# TYPE {family} ")), "{family}");
    }
}

#[test]
fn feature_snapshots() {
    for format in ["table", "markdown"] {
        let mut args = FEATURES.to_vec();
        args.extend(["--format", format]);
        let (code, out, err) = abx(&args);
        assert_eq!(code, 0, "{err}");
        insta::assert_snapshot!(format!("analyze_features_{format}"), out);
    }
}

#[test]
fn bad_metric_specs_are_diagnosed() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("x.yaml");
    std::fs::write(
        &p,
        "name: x\nvariants: [{name: a}, {name: b}]\nmetrics:\n  - name: r\n    kind: ratio\n    numerator: n\n  - name: c\n    kind: proportion\n    cap: {value: 3}\n  - name: m\n    denominator: d\n    aggregate: avg\n",
    )
    .unwrap();
    let (code, _, err) = abx(&["validate", p.to_str().unwrap()]);
    assert_eq!(code, 2);
    for msg in [
        "a ratio metric needs `denominator`",
        "a proportion metric holds only 0 and 1, so it cannot be capped",
        "`denominator` is only for ratio metrics",
        "`aggregate` must be one of sum, count, max, mean, any, found `avg`",
    ] {
        assert!(err.contains(msg), "{msg}\n{err}");
    }
}

#[test]
fn quoted_csv_takes_polars_reader_with_the_same_result() {
    // abx's own CSV reader declines quoted fields; polars then reads the file.
    let plain = std::fs::read_to_string(common::fixture("analyze/features_units.csv")).unwrap();
    let mut lines = plain.lines();
    let mut quoted = format!("{}\n", lines.next().unwrap());
    for line in lines {
        let mut f: Vec<String> = line.split(',').map(String::from).collect();
        f[1] = format!("\"{}\"", f[1]);
        quoted.push_str(&f.join(","));
        quoted.push('\n');
    }
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("quoted.csv");
    std::fs::write(&p, quoted).unwrap();
    let a = features(&[]);
    let b =
        json(&["analyze", "-e", "fixtures/analyze/features.yaml", "--data", p.to_str().unwrap(), "--format", "json"]);
    assert_eq!(a["srm"], b["srm"]);
    for m in ["revenue_per_session", "spend", "converted", "orders", "basket"] {
        for v in ["treatment_with_long_name", "t2"] {
            for key in ["diff", "ci_low", "p_value", "lift", "lift_ci_high"] {
                let (x, y) = (comparison(&a, m, v)[key].as_f64().unwrap(), comparison(&b, m, v)[key].as_f64().unwrap());
                assert!(rel(x, y) < 1e-9, "{m} {v} {key}: {x} vs {y}");
            }
        }
    }
}

#[test]
fn summaries_carry_ratio_and_cuped_sums() {
    // The warehouse path: sum_y, sum_y_sq, sum_xy next to n, sum, sum_sq.
    let doc = json(&[
        "analyze",
        "-e",
        "fixtures/analyze/features.yaml",
        "--summary",
        "fixtures/analyze/features_summary.csv",
        "--format",
        "json",
    ]);
    let want = expected("features_expected.json");
    for w in want["comparisons"].as_array().unwrap() {
        let v = w["variant"].as_str().unwrap();
        for name in ["revenue_per_session", "spend", "converted", "orders", "basket"] {
            let got = comparison(&doc, name, v);
            for (key, value) in w["metrics"][name].as_object().unwrap() {
                if key == "mean_control" {
                    continue;
                }
                let (g, e) = (got[key].as_f64().unwrap(), value.as_f64().unwrap());
                assert!(rel(g, e) < 1e-9, "{name} {v} {key}: {g} vs {e}");
            }
        }
    }
}

#[test]
fn polars_route_names_the_first_bad_row() {
    // Quoted, so polars reads it (batches unordered, then again in order for the error).
    let mut text = String::from("variant,booked,unsubscribed\n");
    for i in 0..20 {
        let v = if i % 2 == 0 { "delay_30min" } else { "delay_5min" };
        let booked = if i == 13 || i == 17 { 2 } else { i % 3 / 2 };
        text.push_str(&format!("\"{v}\",{booked},0\n"));
    }
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("q.csv");
    std::fs::write(&p, text).unwrap();
    let (code, out, err) = abx(&["analyze", "-e", "experiments/followup_timing.yaml", "--data", p.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(out.is_empty());
    assert!(
        err.contains("metric `booked` is a proportion, so its column must hold only 0 and 1: row 14 has 2"),
        "{err}"
    );
}

/// 150,000 unit rows of bench/analyze_experiment.yaml's shape, as CSV text;
/// `bad_row` (1-based) gets a converted value of 2.
fn many_rows(bad_row: Option<usize>) -> String {
    let mut text = String::from("variant,revenue,converted\n");
    for i in 0..150_000usize {
        let v = ["control", "treatment_a", "treatment_b"][i * 7 % 3];
        let revenue = ((i * 2_654_435_761) % 10_007) as f64 / 97.0;
        let converted = if bad_row == Some(i + 1) { 2 } else { usize::from(i % 11 == 0) };
        text.push_str(&format!("{v},{revenue},{converted}\n"));
    }
    text
}

/// The CSV text as Parquet in row groups of about 100,000 rows (more than a
/// fold slice), written by DuckDB's CLI.
fn as_parquet(dir: &std::path::Path, csv: &str) -> std::path::PathBuf {
    std::fs::write(dir.join("rows.csv"), csv).unwrap();
    common::engines::duckdb_csv(
        dir,
        "COPY (FROM read_csv('rows.csv')) TO 'rows.parquet' (FORMAT PARQUET, ROW_GROUP_SIZE 100000)",
    );
    dir.join("rows.parquet")
}

#[test]
fn parquet_row_groups_read_one_at_a_time_agree_with_the_csv_route() {
    let dir = tempfile::tempdir().unwrap();
    let csv = many_rows(None);
    let pq = as_parquet(dir.path(), &csv);
    let groups = common::engines::duckdb_csv(
        dir.path(),
        "SELECT count(DISTINCT row_group_id) FROM parquet_metadata('rows.parquet')",
    );
    assert!(groups.lines().nth(1).unwrap().trim().parse::<u32>().unwrap() >= 2, "{groups}");
    let run = |p: &std::path::Path| {
        json(&["analyze", "-e", "bench/analyze_experiment.yaml", "--data", p.to_str().unwrap(), "--format", "json"])
    };
    let (a, b) = (run(&dir.path().join("rows.csv")), run(&pq));
    assert_eq!(a["srm"], b["srm"]);
    for m in ["revenue", "converted"] {
        for v in ["treatment_a", "treatment_b"] {
            for key in ["diff", "ci_low", "p_value", "lift"] {
                let (x, y) = (comparison(&a, m, v)[key].as_f64().unwrap(), comparison(&b, m, v)[key].as_f64().unwrap());
                assert!(rel(x, y) < 1e-9, "{m} {v} {key}: {x} vs {y}");
            }
        }
        for (x, y) in
            metric(&a, m)["variants"].as_array().unwrap().iter().zip(metric(&b, m)["variants"].as_array().unwrap())
        {
            assert_eq!(x["n"], y["n"]);
        }
    }
}

#[test]
fn parquet_bad_value_in_a_later_row_group_is_named_by_its_row() {
    let dir = tempfile::tempdir().unwrap();
    let pq = as_parquet(dir.path(), &many_rows(Some(140_001)));
    let (code, out, err) =
        abx(&["analyze", "-e", "bench/analyze_experiment.yaml", "--data", pq.to_str().unwrap(), "--format", "json"]);
    assert_eq!(code, 2, "{err}");
    assert!(out.is_empty());
    assert!(err.contains("row 140001 has 2"), "{err}");
}
