//! `abx analyze --summary` end to end: the shipped experiments against
//! figures computed independently with scipy/statsmodels
//! (fixtures/analyze/make.py), snapshots of the readouts, and bad input.

use crate::common;

use common::abx;

use assert_cmd::Command;
use serde_json::Value;

fn analyze_json(exp: &str, extra: &[&str]) -> Value {
    let e = format!("experiments/{exp}.yaml");
    let s = format!("fixtures/analyze/{exp}_summary.csv");
    let mut args = vec!["analyze", "-e", &e, "--summary", &s, "--format", "json"];
    args.extend(extra);
    let (code, out, err) = abx(&args);
    assert_eq!(code, 0, "{err}");
    serde_json::from_str(&out).unwrap()
}

fn rel(a: f64, b: f64) -> f64 {
    if (a - b).abs() <= 1e-12 {
        0.0
    } else {
        (a - b).abs() / b.abs()
    }
}

#[test]
fn shipped_experiments_agree_with_scipy_and_statsmodels() {
    for exp in ["prompt_engineering_test", "followup_timing"] {
        let doc = analyze_json(exp, &[]);
        let expected: Value = serde_json::from_str(
            &std::fs::read_to_string(common::fixture(&format!("analyze/{exp}_expected.json"))).unwrap(),
        )
        .unwrap();
        assert!(rel(doc["srm"]["p_value"].as_f64().unwrap(), expected["srm_p_value"].as_f64().unwrap()) < 1e-9);
        let comparisons = expected["comparisons"].as_array().unwrap();
        assert!(!comparisons.is_empty());
        for want in comparisons {
            let metric = doc["metrics"].as_array().unwrap().iter().find(|m| m["name"] == want["metric"]).unwrap();
            let got =
                metric["comparisons"].as_array().unwrap().iter().find(|c| c["variant"] == want["variant"]).unwrap();
            for key in ["diff", "p_value"] {
                let (g, w) = (got[key].as_f64().unwrap(), want[key].as_f64().unwrap());
                assert!(rel(g, w) < 1e-9, "{exp} {} {}: {key} {g} vs {w}", want["metric"], want["variant"]);
            }
        }
    }
}

#[test]
fn readout_snapshots() {
    for exp in ["prompt_engineering_test", "followup_timing"] {
        let e = format!("experiments/{exp}.yaml");
        let s = format!("fixtures/analyze/{exp}_summary.csv");
        for format in ["table", "markdown"] {
            let (code, out, err) = abx(&["analyze", "-e", &e, "--summary", &s, "--format", format]);
            assert_eq!(code, 0, "{err}");
            insta::assert_snapshot!(format!("analyze_{exp}_{format}"), out);
        }
    }
}

#[test]
fn corrections_adjust_across_treatments_and_metrics() {
    let none = analyze_json("prompt_engineering_test", &[]);
    let bonf = analyze_json("prompt_engineering_test", &["--correction", "bonferroni"]);
    // 3 treatments x 3 metrics.
    let p = |d: &Value, key: &str| -> Vec<f64> {
        d["metrics"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|m| m["comparisons"].as_array().unwrap().iter().map(|c| c[key].as_f64().unwrap()))
            .collect()
    };
    let (raw, adj) = (p(&none, "p_value"), p(&bonf, "p_value_adjusted"));
    assert_eq!(raw.len(), 9);
    for (r, a) in raw.iter().zip(&adj) {
        assert!((a - (r * 9.0).min(1.0)).abs() < 1e-15);
    }
    assert_eq!(p(&bonf, "p_value"), raw, "p_value stays unadjusted");
    let holm = analyze_json("prompt_engineering_test", &["--correction", "holm"]);
    assert!(p(&holm, "p_value_adjusted").iter().zip(&adj).all(|(h, b)| h <= b));
}

#[test]
fn methods_carry_their_fields() {
    let seq = analyze_json("followup_timing", &["--method", "sequential"]);
    let c = &seq["metrics"][0]["comparisons"][0];
    assert!(c["lift_p_value"].is_number() && c["chance_to_win"].is_null());
    let bay =
        analyze_json("followup_timing", &["--method", "bayesian", "--prior-mean", "0", "--prior-variance", "0.3"]);
    let c = &bay["metrics"][0]["comparisons"][0];
    assert!(
        c["chance_to_win"].as_f64().unwrap() > 0.99 && c["risk_control"].is_number() && c["lift_p_value"].is_null()
    );
    let (code, _, err) = abx(&[
        "analyze",
        "-e",
        "experiments/followup_timing.yaml",
        "--summary",
        "fixtures/analyze/followup_timing_summary.csv",
        "--prior-mean",
        "0",
    ]);
    assert_eq!(code, 2, "{err}");
}

#[test]
fn csv_is_one_row_per_metric_and_variant() {
    let (code, out, _) = abx(&[
        "analyze",
        "-e",
        "experiments/prompt_engineering_test.yaml",
        "--summary",
        "fixtures/analyze/prompt_engineering_test_summary.csv",
        "--format",
        "csv",
    ]);
    assert_eq!(code, 0);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 1 + 3 * 4);
    assert!(lines[0].starts_with("metric,variant,n,mean,sd,diff,ci_low,ci_high,lift"));
    assert!(lines[1].starts_with("total_return,control,1510,") && lines[1].contains(",,,"), "{}", lines[1]);
}

#[test]
fn bad_summaries_name_the_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, text: &str| {
        let p = dir.path().join(name);
        std::fs::write(&p, text).unwrap();
        p.to_str().unwrap().to_string()
    };
    let head = "variant,metric,n,sum,sum_sq\n";
    let ok_rows = "delay_30min,booked,100,8,8\ndelay_5min,booked,100,9,9\ndelay_30min,unsubscribed,100,1,1\ndelay_5min,unsubscribed,100,2,2\n";
    for (text, message) in [
        ("variant,metric,n,sum\nx,booked,1,1\n".to_string(), "no column `sum_sq`"),
        (format!("{head}delay_30min,booked,abc,8,8\n"), "line 2, column `n`: `abc` is not a number"),
        (
            format!("{head}{ok_rows}delay_5min,booked,100,9,9\n"),
            "line 6: variant `delay_5min` metric `booked` already given on line 3",
        ),
        (
            format!("{head}{ok_rows}treatment,booked,5,1,1\n"),
            "line 6: variant `treatment` is not in experiment `followup_timing`",
        ),
        (format!("{head}delay_30min,booked,100,8,8\n"), "no data for variant/metric delay_5min/booked"),
        (format!("{head}delay_30min,booked,1.5,8,8\n"), "n must be a whole number"),
    ] {
        let path = write("s.csv", &text);
        let (code, out, err) = abx(&["analyze", "-e", "experiments/followup_timing.yaml", "--summary", &path]);
        assert_eq!(code, 2, "{text}");
        assert!(out.is_empty());
        assert!(err.contains(&path) && err.contains(message), "{err}");
    }
    let path = write("s.csv", &format!("{head}{ok_rows}treatment,booked,5,1,1\n"));
    let (code, _, err) = abx(&[
        "analyze",
        "-e",
        "experiments/followup_timing.yaml",
        "--summary",
        &path,
        "--ignore-unknown-variants",
        "--format",
        "json",
    ]);
    assert_eq!(code, 0, "{err}");
}

#[test]
fn srm_is_flagged_loudly() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("s.csv");
    std::fs::write(&p, "variant,metric,n,sum,sum_sq\ndelay_30min,booked,5200,410,410\ndelay_5min,booked,4800,489,489\ndelay_30min,unsubscribed,5200,54,54\ndelay_5min,unsubscribed,4800,60,60\n").unwrap();
    let (code, out, err) = abx(&[
        "analyze",
        "-e",
        "experiments/followup_timing.yaml",
        "--summary",
        p.to_str().unwrap(),
        "--format",
        "table",
    ]);
    assert_eq!(code, 0);
    assert!(out.contains("SRM  MISMATCH"), "{out}");
    assert!(err.starts_with("warning: sample ratio mismatch"), "{err}");
}

#[test]
fn help_text() {
    let (code, out, _) = abx(&["analyze", "--help"]);
    assert_eq!(code, 0);
    insta::assert_snapshot!("help_analyze", out);
}

// ---------- unit-level data (--data) ----------

fn data_json(exp: &str, file: &str, extra: &[&str]) -> Value {
    let e = format!("experiments/{exp}.yaml");
    let mut args = vec!["analyze", "-e", &e, "--data", file, "--format", "json"];
    args.extend(extra);
    let (code, out, err) = abx(&args);
    assert_eq!(code, 0, "{err}");
    serde_json::from_str(&out).unwrap()
}

#[test]
fn unit_level_data_agrees_with_scipy_and_with_the_summary() {
    for exp in ["prompt_engineering_test", "followup_timing"] {
        let expected: Value = serde_json::from_str(
            &std::fs::read_to_string(common::fixture(&format!("analyze/{exp}_expected.json"))).unwrap(),
        )
        .unwrap();
        let summary = analyze_json(exp, &[]);
        for ext in ["csv", "parquet"] {
            let doc = data_json(exp, &format!("fixtures/analyze/{exp}_units.{ext}"), &[]);
            assert!(rel(doc["srm"]["p_value"].as_f64().unwrap(), expected["srm_p_value"].as_f64().unwrap()) < 1e-9);
            for want in expected["comparisons"].as_array().unwrap() {
                let metric = doc["metrics"].as_array().unwrap().iter().find(|m| m["name"] == want["metric"]).unwrap();
                let got =
                    metric["comparisons"].as_array().unwrap().iter().find(|c| c["variant"] == want["variant"]).unwrap();
                for key in ["diff", "p_value"] {
                    let (g, w) = (got[key].as_f64().unwrap(), want[key].as_f64().unwrap());
                    assert!(rel(g, w) < 1e-9, "{exp}.{ext} {} {}: {key} {g} vs {w}", want["metric"], want["variant"]);
                }
            }
            // The data path and the summary path give the same readout.
            for (m, s) in doc["metrics"].as_array().unwrap().iter().zip(summary["metrics"].as_array().unwrap()) {
                for (c, d) in m["comparisons"].as_array().unwrap().iter().zip(s["comparisons"].as_array().unwrap()) {
                    for key in ["lift", "lift_ci_low", "p_value", "ci_high"] {
                        assert!(rel(c[key].as_f64().unwrap(), d[key].as_f64().unwrap()) < 1e-9, "{exp}.{ext} {key}");
                    }
                }
            }
        }
    }
}

#[test]
fn missing_values_are_counted_not_dropped_silently() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("u.csv");
    let mut text = String::from("variant,booked,unsubscribed\n");
    for i in 0..200 {
        let v = if i % 2 == 0 { "delay_30min" } else { "delay_5min" };
        let booked = if i % 10 == 3 {
            ""
        } else if i % 3 == 0 {
            "1"
        } else {
            "0"
        };
        text += &format!("{v},{booked},{}\n", if i == 7 { "NaN" } else { "0" });
    }
    std::fs::write(&p, text).unwrap();
    let doc = data_json("followup_timing", p.to_str().unwrap(), &[]);
    let booked = &doc["metrics"][0]["variants"];
    assert_eq!(booked[0]["missing"], 0);
    assert_eq!(booked[1]["missing"], 20); // i % 10 == 3 is odd: delay_5min
    assert_eq!(booked[1]["n"], 80);
    assert_eq!(doc["metrics"][1]["variants"][1]["missing"], 1);
    assert_eq!(doc["srm"]["observed"], serde_json::json!([100, 100]), "SRM counts units, not non-missing values");
}

#[test]
fn bad_data_names_the_file_column_and_row() {
    let dir = tempfile::tempdir().unwrap();
    let write = |text: &str| {
        let p = dir.path().join("u.csv");
        std::fs::write(&p, text).unwrap();
        p.to_str().unwrap().to_string()
    };
    for (text, message) in [
        ("variant,booked,unsubscribed\ndelay_30min,1,0\ndelay_5min,oops,0\n", "metric column `booked` is not numeric"),
        (
            "variant,booked,unsubscribed\ndelay_30min,1,0\ndelay_5min,oops,0\n",
            "line 3 of a CSV with a header) has `oops`",
        ),
        (
            "varaint,booked,unsubscribed\ndelay_30min,1,0\n",
            "no column `variant` for the variant (pass --variant-column, or --unit-column to assign units by the experiment's bucketing) (did you mean `varaint`?)",
        ),
        ("variant,booked\ndelay_30min,1\n", "no column `unsubscribed` for metric `unsubscribed`"),
        (
            "variant,booked,unsubscribed\ndelay_30min,2,0\ndelay_5min,1,0\n",
            "metric `booked` is a proportion, so its column must hold only 0 and 1",
        ),
        (
            "variant,booked,unsubscribed\ndelay_30min,1,0\ndelay_5min,1,0\nholdout,0,0\n",
            "variant `holdout` is not in experiment `followup_timing`",
        ),
    ] {
        let path = write(text);
        let (code, out, err) = abx(&["analyze", "-e", "experiments/followup_timing.yaml", "--data", &path]);
        assert_eq!(code, 2, "{text}: {err}");
        assert!(out.is_empty());
        assert!(err.contains(&path) && err.contains(message), "{err}");
    }
    let (code, _, err) = abx(&["analyze", "-e", "experiments/followup_timing.yaml", "--data", "no/such.parquet"]);
    assert_eq!(code, 2);
    assert!(err.contains("no/such.parquet"), "{err}");
    let path = write("arm,booked,unsubscribed\ndelay_30min,1,0\ndelay_5min,1,0\nholdout,0,0\n");
    let doc = {
        let (code, out, err) = abx(&[
            "analyze",
            "-e",
            "experiments/followup_timing.yaml",
            "--data",
            &path,
            "--variant-column",
            "arm",
            "--ignore-unknown-variants",
            "--format",
            "json",
        ]);
        assert_eq!(code, 0, "{err}");
        serde_json::from_str::<Value>(&out).unwrap()
    };
    assert_eq!(doc["srm"]["observed"], serde_json::json!([1, 1]));
}

#[test]
fn data_from_stdin() {
    let text = std::fs::read_to_string(common::fixture("analyze/followup_timing_units.csv")).unwrap();
    let out = Command::cargo_bin("abx")
        .unwrap()
        .current_dir(common::root())
        .args(["analyze", "-e", "experiments/followup_timing.yaml", "--data", "-", "--format", "json"])
        .write_stdin(text)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["metrics"][0]["variants"][0]["n"], 5032);
}
