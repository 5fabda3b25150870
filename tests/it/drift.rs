//! `abx drift`: the contract's oracle cases (scipy), extra scipy cases over
//! every KS route, Evidently's Sturges PSI, categorical statistics, and the
//! command's behaviour (exit codes, missing values, types, profiles, formats).

use crate::common;

use std::path::Path;

use assert_cmd::Command;
use common::{abx, fixture};
use serde_json::Value;

fn agrees(got: f64, want: f64, rel: f64) -> bool {
    (got - want).abs() <= rel * want.abs() || (got - want).abs() <= 1e-12
}

/// Runs abx in `dir`: (exit code, parsed JSON stdout, stderr).
fn drift_json(dir: &Path, args: &[&str]) -> (i32, Value, String) {
    let out = Command::cargo_bin("abx")
        .unwrap()
        .current_dir(dir)
        .arg("drift")
        .args(args)
        .args(["--format", "json"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    let json = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{args:?}: {e}: {stderr}"));
    (out.status.code().unwrap_or(-1), json, stderr)
}

fn column<'a>(doc: &'a Value, name: &str) -> &'a Value {
    doc["columns"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["column"] == name)
        .unwrap_or_else(|| panic!("no column {name}"))
}

fn check(failures: &mut Vec<String>, what: &str, got: &Value, key: &str, want: f64, tol: f64) {
    match got[key].as_f64() {
        Some(g) if agrees(g, want, tol) => {}
        other => failures.push(format!("{what}: {key} = {other:?}, reference {want:e}")),
    }
}

/// fixtures/drift_extra and its cases.json.
fn extra_cases() -> (std::path::PathBuf, Value) {
    let dir = fixture("drift_extra");
    let doc = serde_json::from_str(&std::fs::read_to_string(dir.join("cases.json")).unwrap()).unwrap();
    (dir, doc)
}

/// ../shared/oracle/drift.json: PSI, KS and Wasserstein to 1e-9 (KS p 1e-6).
#[test]
fn oracle_cases() {
    let dir = fixture("oracle");
    let cases: Value = serde_json::from_str(&std::fs::read_to_string(dir.join("drift.json")).unwrap()).unwrap();
    let cases = cases.as_array().unwrap();
    let mut failures = Vec::new();
    for case in cases {
        let (r, c, col) =
            (case["reference"].as_str().unwrap(), case["current"].as_str().unwrap(), case["column"].as_str().unwrap());
        let (code, doc, stderr) = drift_json(&dir, &["--reference", r, "--current", c, "--columns", col]);
        assert!(code == 0 || code == 1, "{r}: exit {code}: {stderr}");
        assert_eq!(code == 1, doc["drift"].as_bool().unwrap());
        let got = column(&doc, col);
        for key in ["psi", "ks_statistic", "ks_p_value", "wasserstein"] {
            let tol = if key == "ks_p_value" { 1e-6 } else { 1e-9 };
            check(&mut failures, r, got, key, case[key].as_f64().unwrap(), tol);
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert_eq!(cases.len(), 6);
}

/// fixtures/drift_extra (bench/drift_cases.py): every route of scipy's
/// ks_2samp, ties, heavy tails; moments; --bins; Evidently's Sturges PSI.
#[test]
fn scipy_cases_over_every_ks_route() {
    let (dir, doc) = extra_cases();
    let mut failures = Vec::new();
    let cases = doc["numeric"].as_array().unwrap();
    for case in cases {
        let (r, c) = (case["reference"].as_str().unwrap(), case["current"].as_str().unwrap());
        let name = case["name"].as_str().unwrap();
        let (_, got, _) = drift_json(&dir, &["-r", r, "-c", c]);
        let got = column(&got, "x");
        for key in [
            "psi",
            "ks_statistic",
            "ks_p_value",
            "wasserstein",
            "wasserstein_normed",
            "mean_reference",
            "mean_current",
            "sd_reference",
            "sd_current",
        ] {
            let tol = if key == "ks_p_value" { 1e-6 } else { 1e-9 };
            check(&mut failures, name, got, key, case[key].as_f64().unwrap(), tol);
        }
        assert_eq!(got["n_reference"], case["n_reference"]);
        let (_, got20, _) = drift_json(&dir, &["-r", r, "-c", c, "--bins", "20"]);
        check(&mut failures, name, column(&got20, "x"), "psi", case["psi_bins_20"].as_f64().unwrap(), 1e-9);
        let (_, st, _) = drift_json(&dir, &["-r", r, "-c", c, "--binning", "sturges"]);
        check(
            &mut failures,
            &format!("{name} sturges"),
            column(&st, "x"),
            "psi",
            case["psi_sturges"].as_f64().unwrap(),
            1e-9,
        );
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert_eq!(cases.len(), 11);
}

/// Categorical PSI, chi-square and Jensen-Shannon against scipy.
#[test]
fn categorical_cases() {
    let (dir, doc) = extra_cases();
    let mut failures = Vec::new();
    for case in doc["categorical"].as_array().unwrap() {
        let (r, c) = (case["reference"].as_str().unwrap(), case["current"].as_str().unwrap());
        let name = case["name"].as_str().unwrap();
        let (_, got, _) = drift_json(&dir, &["-r", r, "-c", c]);
        let got = column(&got, "x");
        assert_eq!(got["kind"], "categorical", "{name}");
        for key in ["psi", "chi2_statistic", "chi2_p_value", "js_distance"] {
            check(&mut failures, name, got, key, case[key].as_f64().unwrap(), 1e-9);
        }
        assert_eq!(got["new_categories"], case["new_categories"], "{name}");
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn mixed_columns_in_parquet() {
    let dir = fixture("drift_extra");
    let (code, doc, stderr) = drift_json(&dir, &["-r", "mixed_ref.parquet", "-c", "mixed_cur.parquet"]);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(doc["drift"], true);
    assert_eq!(doc["only_in_reference"], serde_json::json!(["only_ref"]));
    assert_eq!(doc["only_in_current"], serde_json::json!(["only_cur"]));
    // A numeric shift.
    assert_eq!(column(&doc, "num")["kind"], "numeric");
    assert_eq!(column(&doc, "num")["drift"], true);
    // Integers with few values are categories; new ones are listed.
    let count = column(&doc, "count");
    assert_eq!(count["kind"], "categorical");
    let mut new: Vec<String> =
        count["new_categories"].as_array().unwrap().iter().map(|v| v.as_str().unwrap().to_string()).collect();
    new.sort();
    assert_eq!(new, ["5", "6"]);
    assert_eq!(column(&doc, "city")["new_categories"], serde_json::json!(["d"]));
    // Booleans are categories and this one did not move.
    assert_eq!(column(&doc, "flag")["kind"], "categorical");
    assert_eq!(column(&doc, "flag")["drift"], false);
    // All null in both files: reported, with a reason, and no drift.
    let empty = column(&doc, "empty");
    assert_eq!(empty["kind"], "empty");
    assert_eq!(empty["drift"], false);
    assert_eq!(empty["missing_reference"], 1.0);
    assert!(empty["notes"][0].as_str().unwrap().contains("every value is missing in both files"));
    // Missing 1% -> 30%: drift although the values are alike.
    let score = column(&doc, "score");
    assert_eq!(score["drift"], true);
    assert!(score["psi"].as_f64().unwrap() < 0.1);
    assert!(score["reasons"][0].as_str().unwrap().starts_with("missing values 1.0% -> 30.0%"), "{}", score["reasons"]);
    // Number in the reference, string in the current data.
    let code_col = column(&doc, "code");
    assert_eq!(code_col["kind"], "type_mismatch");
    assert_eq!(code_col["drift"], true);
    assert!(stderr.contains("column `code`: type changed: number"), "{stderr}");
    assert_eq!(doc["columns_checked"], 7);
    assert_eq!(doc["columns_drifted"], 5);
}

#[test]
fn exit_codes_and_decision_rules() {
    let dir = fixture("drift_extra");
    // No drift on the same file.
    let (code, doc, _) = drift_json(&dir, &["-r", "exact_equal_ref.csv", "-c", "exact_equal_ref.csv"]);
    assert_eq!((code, doc["drift"].clone()), (0, Value::Bool(false)));
    // A small shift: PSI below 0.25 but the KS test rejects at 0.05.
    let args = ["-r", "exact_equal_ref.csv", "-c", "exact_equal_cur.csv"];
    let (code, _, _) = drift_json(&dir, &args);
    assert_eq!(code, 0);
    let (code, doc, _) = drift_json(&dir, &[&args[..], &["--method", "ks"]].concat());
    assert_eq!(code, 1);
    assert!(column(&doc, "x")["reasons"][0].as_str().unwrap().starts_with("KS p-value"));
    let (code, _, _) = drift_json(&dir, &[&args[..], &["--method", "ks", "--threshold", "0.001"]].concat());
    assert_eq!(code, 0);
    let (code, _, _) = drift_json(&dir, &[&args[..], &["--psi-threshold", "0.01"]].concat());
    assert_eq!(code, 1);
    // --drift-share: 5 of 7 columns drifted in the mixed files.
    let mixed = ["-r", "mixed_ref.parquet", "-c", "mixed_cur.parquet"];
    let (code, doc, _) = drift_json(&dir, &[&mixed[..], &["--drift-share", "0.8"]].concat());
    assert_eq!((code, doc["drift"].clone()), (0, Value::Bool(false)));
    let (code, _, _) = drift_json(&dir, &[&mixed[..], &["--drift-share", "0.7"]].concat());
    assert_eq!(code, 1);
    // --method js applies to categories; numeric columns keep PSI.
    let (_, doc, _) = drift_json(&dir, &[&mixed[..], &["--method", "js", "--columns", "city,flag,num"]].concat());
    assert!(column(&doc, "city")["reasons"][0].as_str().unwrap().starts_with("Jensen-Shannon"));
    assert!(column(&doc, "num")["reasons"][0].as_str().unwrap().starts_with("PSI"));
}

#[test]
fn errors_exit_2_with_a_clear_message() {
    let (code, _, err) = abx(&[
        "drift",
        "-r",
        "fixtures/drift_extra/mixed_ref.parquet",
        "-c",
        "fixtures/drift_extra/mixed_cur.parquet",
        "--columns",
        "nums",
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("fixtures/drift_extra/mixed_ref.parquet: no column `nums` (did you mean `num`?)"), "{err}");
    let (code, _, err) =
        abx(&["drift", "-r", "fixtures/drift_extra/nope.csv", "-c", "fixtures/drift_extra/mixed_cur.parquet"]);
    assert_eq!(code, 2);
    assert!(err.contains("nope.csv"), "{err}");
    let (code, _, err) = abx(&["drift", "-r", "a.csv"]);
    assert_eq!(code, 2);
    assert!(err.contains("--current"), "{err}");
    let (code, _, err) = abx(&["drift", "-r", "-", "-c", "fixtures/drift_extra/mixed_cur.parquet"]);
    assert_eq!(code, 2);
    assert!(err.contains("not standard input"), "{err}");
    let (code, _, err) = abx(&["drift", "-r", "x", "-c", "y", "--bins", "1"]);
    assert_eq!(code, 2);
    assert!(err.contains("--bins must be between 2 and 10000"), "{err}");
}

/// A file without rows, or a profile of one, cannot be compared: exit 2,
/// never "no drift" (a `drift || retrain` gate would pass silently).
#[test]
fn a_file_without_rows_is_an_error_not_no_drift() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("empty.csv"), "x,s\n").unwrap();
    std::fs::write(dir.path().join("full.csv"), "x,s\n1.5,a\n2.5,b\n").unwrap();
    let run = |args: &[&str]| {
        let out = Command::cargo_bin("abx").unwrap().current_dir(dir.path()).arg("drift").args(args).output().unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).to_string(),
            String::from_utf8_lossy(&out.stderr).to_string(),
        )
    };
    for (args, msg) in [
        (&["-r", "empty.csv", "-c", "full.csv"][..], "empty.csv: the reference has no rows"),
        (&["-r", "full.csv", "-c", "empty.csv"][..], "empty.csv: the current data has no rows"),
        (&["-r", "empty.csv", "--save-profile", "p.json"][..], "empty.csv: the reference has no rows"),
    ] {
        let (code, out, err) = run(args);
        assert_eq!(code, Some(2), "{args:?}: {err}");
        assert!(out.is_empty() && err.contains(msg), "{args:?}: {err}");
    }
    assert!(!dir.path().join("p.json").exists());
    // A profile that says `rows: 0` (written by hand or by an older abx).
    let (code, _, _) = run(&["-r", "full.csv", "--save-profile", "p.json"]);
    assert_eq!(code, Some(0));
    let text = std::fs::read_to_string(dir.path().join("p.json")).unwrap().replace("\"rows\":2", "\"rows\":0");
    std::fs::write(dir.path().join("p0.json"), text).unwrap();
    let (code, _, err) = run(&["--reference-profile", "p0.json", "-c", "full.csv"]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("p0.json: the profile has no rows (`rows: 0`)"), "{err}");
}

/// A numeric column without values has no mean: its profile holds null, and
/// reads back (the README's own example, on its own fixture).
#[test]
fn a_profile_with_an_all_null_column_reads_back() {
    let tmp = tempfile::tempdir().unwrap();
    let profile = tmp.path().join("mixed.profile.json");
    let p = profile.to_str().unwrap();
    let r = fixture("drift_extra/mixed_ref.parquet");
    let c = fixture("drift_extra/mixed_cur.parquet");
    let (code, _, err) = common::abx(&["drift", "-r", r.to_str().unwrap(), "--save-profile", p]);
    assert_eq!(code, 0, "{err}");
    assert!(std::fs::read_to_string(&profile).unwrap().contains("\"name\":\"empty\",\"dtype\":\"f64\""));
    let from_profile = common::abx(&["drift", "--reference-profile", p, "-c", c.to_str().unwrap(), "--format", "json"]);
    let from_data = common::abx(&["drift", "-r", r.to_str().unwrap(), "-c", c.to_str().unwrap(), "--format", "json"]);
    assert_eq!(from_profile.0, 1, "{}", from_profile.2);
    let cols = |o: &str| serde_json::from_str::<Value>(o).unwrap()["columns"].clone();
    let (a, b) = (cols(&from_profile.1), cols(&from_data.1));
    let empty = |v: &Value| v.as_array().unwrap().iter().find(|c| c["column"] == "empty").cloned().unwrap();
    assert_eq!(empty(&a), empty(&b));
}

#[test]
fn profiles_round_trip() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = fixture("drift_extra");
    let profile = tmp.path().join("ref.profile.json");
    let p = profile.to_str().unwrap();
    // Save without a current file: exit 0, a note on stderr, nothing on stdout.
    let out = Command::cargo_bin("abx")
        .unwrap()
        .current_dir(&dir)
        .args(["drift", "-r", "asymp_smirnov_ref.csv", "--save-profile", p])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(out.stdout.is_empty());
    let (_, full, _) = drift_json(&dir, &["-r", "asymp_smirnov_ref.csv", "-c", "asymp_smirnov_cur.csv"]);
    let (_, prof, _) = drift_json(&dir, &["--reference-profile", p, "-c", "asymp_smirnov_cur.csv"]);
    let (f, s) = (column(&full, "x"), column(&prof, "x"));
    // Exact from the profile: PSI, moments, missing shares.
    for key in ["psi", "mean_reference", "sd_reference", "missing_reference", "mean_current"] {
        assert_eq!(f[key], s[key], "{key}");
    }
    // Approximate: KS and W1 within the stated bounds.
    let a = &s["approximate"];
    let dk = (f["ks_statistic"].as_f64().unwrap() - s["ks_statistic"].as_f64().unwrap()).abs();
    assert!(dk <= a["ks_statistic_error"].as_f64().unwrap(), "{dk} {a}");
    let dw = (f["wasserstein"].as_f64().unwrap() - s["wasserstein"].as_f64().unwrap()).abs();
    assert!(dw <= a["wasserstein_error"].as_f64().unwrap(), "{dw} {a}");
    assert_eq!(s["ks_method"], "sketch");
    // A reference of at most 10,000 values is kept whole: everything exact.
    let small = tmp.path().join("small.json");
    let sp = small.to_str().unwrap();
    let (_, full, _) =
        drift_json(&dir, &["-r", "exact_unequal_ref.csv", "-c", "exact_unequal_cur.csv", "--save-profile", sp]);
    let (_, prof, _) = drift_json(&dir, &["--reference-profile", sp, "-c", "exact_unequal_cur.csv"]);
    assert_eq!(full["columns"], prof["columns"]);
    // A column profiled as categories by request stays categorical.
    let cat = tmp.path().join("cat.json");
    let cp = cat.to_str().unwrap();
    let args = ["-r", "exact_small_ties_ref.csv", "-c", "exact_small_ties_cur.csv", "--categorical", "x"];
    let (_, full, _) = drift_json(&dir, &[&args[..], &["--save-profile", cp]].concat());
    let (_, prof, _) = drift_json(&dir, &["--reference-profile", cp, "-c", "exact_small_ties_cur.csv"]);
    assert_eq!(column(&prof, "x")["kind"], "categorical");
    assert_eq!(full["columns"], prof["columns"]);
    // Bins must match the profile's.
    let (code, _, err) =
        abx(&["drift", "--reference-profile", sp, "-c", "fixtures/drift_extra/exact_unequal_cur.csv", "--bins", "20"]);
    assert_eq!(code, 2);
    assert!(err.contains("saved with --bins 10"), "{err}");
    // A file that is not a profile.
    let (code, _, err) = abx(&[
        "drift",
        "--reference-profile",
        "fixtures/drift_extra/cases.json",
        "-c",
        "fixtures/drift_extra/exact_unequal_cur.csv",
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("not a valid drift profile"), "{err}");
}

#[test]
fn categorical_flag_and_other_formats() {
    let (code, out, _) = abx(&[
        "drift",
        "-r",
        "fixtures/drift_extra/exact_small_ties_ref.csv",
        "-c",
        "fixtures/drift_extra/exact_small_ties_cur.csv",
        "--categorical",
        "x",
        "--format",
        "csv",
    ]);
    assert!(code == 0 || code == 1);
    let mut lines = out.lines();
    assert!(lines.next().unwrap().starts_with("column,kind,drift,n_reference,n_current,missing_reference"));
    let row = lines.next().unwrap();
    assert!(row.starts_with("x,categorical,"), "{row}");
    // Integer-valued floats are labelled as integers: 8 is new in the current data.
    assert!(row.contains(",8,") || row.ends_with(",8") || row.contains(",8;") || row.contains(";8"), "{row}");

    let mixed_as = |format: &str| {
        let mixed = ["-r", "fixtures/drift_extra/mixed_ref.parquet", "-c", "fixtures/drift_extra/mixed_cur.parquet"];
        abx(&[&["drift"][..], &mixed, &["--format", format]].concat()).1
    };
    let out = mixed_as("prometheus");
    assert!(out.contains("# TYPE drift_psi gauge\n"), "{out}");
    assert!(out.contains("drift_psi{column=\"num\"} "), "{out}");
    assert!(out.contains("drift_missing_share{column=\"score\",dataset=\"current\"} 0.3\n"), "{out}");
    assert!(out.contains("drift_dataset_drifted 1\n"), "{out}");

    let out = mixed_as("markdown");
    assert!(out.contains("| column | kind | missing | PSI |"), "{out}");
    assert!(out.contains("| score | numeric | 1.0% -\\> 30.0% |"), "{out}");
}

/// A blank line of a CSV file is no row (polars reads it as a row of nulls),
/// and a profile whose counts do not add up to its rows is refused.
#[test]
fn blank_lines_are_no_rows_and_profiles_must_add_up() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("blank.csv"), "x,s\n\n\n").unwrap();
    std::fs::write(dir.path().join("gaps.csv"), "x,s\n1.5,a\n\n2.5,b\n\n").unwrap();
    std::fs::write(dir.path().join("full.csv"), "x,s\n1.5,a\n2.5,b\n").unwrap();
    let (code, _, err) = common::abx(&[
        "drift",
        "-r",
        dir.path().join("blank.csv").to_str().unwrap(),
        "-c",
        dir.path().join("full.csv").to_str().unwrap(),
    ]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("the reference has no rows"), "{err}");
    let (code, doc, err) = drift_json(dir.path(), &["-r", "gaps.csv", "-c", "full.csv"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!((doc["rows_reference"].as_u64(), doc["drift"].as_bool()), (Some(2), Some(false)), "{doc}");
    assert_eq!(column(&doc, "x")["missing_reference"], 0.0);
    // A profile of 2 rows with no values and no missing ones.
    let (code, _, _) = common::abx(&[
        "drift",
        "-r",
        dir.path().join("full.csv").to_str().unwrap(),
        "--save-profile",
        dir.path().join("p.json").to_str().unwrap(),
    ]);
    assert_eq!(code, 0);
    let text = std::fs::read_to_string(dir.path().join("p.json")).unwrap();
    let mut p: Value = serde_json::from_str(&text).unwrap();
    p["rows"] = Value::from(5);
    std::fs::write(dir.path().join("bad.json"), p.to_string()).unwrap();
    let (code, _, err) = common::abx(&[
        "drift",
        "--reference-profile",
        dir.path().join("bad.json").to_str().unwrap(),
        "-c",
        dir.path().join("full.csv").to_str().unwrap(),
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("do not add up to the profile's 5 rows"), "{err}");
}
