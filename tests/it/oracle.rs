//! The contract's reference cases (scipy 1.17 / statsmodels 0.15), copied
//! from ../shared/oracle into fixtures/oracle: every case runs through the
//! binary and every field must agree to 1e-9 relative (1e-6 for n_exact),
//! or 1e-12 absolute when the reference is below that.

use crate::common;

use assert_cmd::Command;
use serde_json::Value;

/// The contract's tolerance: relative `tol`, or absolute 1e-12 near zero.
fn agrees(got: f64, want: f64, tol: f64) -> bool {
    (got - want).abs() <= 1e-12 || (got - want).abs() / want.abs() <= tol
}

fn check_file(name: &str) -> usize {
    let path = common::fixture(&format!("oracle/{name}.json"));
    let cases: Vec<Value> = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    assert!(!cases.is_empty());
    let mut failures = Vec::new();
    for case in &cases {
        let args: Vec<&str> = case["args"].as_array().unwrap().iter().map(|a| a.as_str().unwrap()).collect();
        let out = Command::cargo_bin("abx").unwrap().args(&args).args(["--format", "json"]).output().unwrap();
        if !out.status.success() {
            failures.push(format!(
                "{}: exit {:?}: {}",
                args.join(" "),
                out.status.code(),
                String::from_utf8_lossy(&out.stderr)
            ));
            continue;
        }
        let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
        for (key, want) in case.as_object().unwrap() {
            if key == "args" {
                continue;
            }
            let want = want.as_f64().unwrap();
            let Some(got) = doc[key].as_f64() else {
                failures.push(format!("{}: {key} missing or not a number: {}", args.join(" "), doc[key]));
                continue;
            };
            let tol = if key == "n_exact" { 1e-6 } else { 1e-9 };
            if !agrees(got, want, tol) {
                failures.push(format!(
                    "{}: {key} = {got:e}, reference {want:e}, rel err {:.2e}",
                    args.join(" "),
                    (got - want).abs() / want.abs()
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases in {name}.json disagree:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
    cases.len()
}

#[test]
fn power_proportion() {
    assert_eq!(check_file("power_proportion"), 60);
}

#[test]
fn power_mean() {
    assert_eq!(check_file("power_mean"), 60);
}

#[test]
fn test_proportions() {
    assert_eq!(check_file("test_proportions"), 60);
}

#[test]
fn test_chi2() {
    assert_eq!(check_file("test_chi2"), 60);
}

#[test]
fn test_means() {
    assert_eq!(check_file("test_means"), 60);
}

#[test]
fn srm() {
    assert_eq!(check_file("srm"), 60);
}

/// GrowthBook's stats engine (gbstats 0.8.0) on `abx analyze --summary`,
/// run from inside fixtures/oracle (the paths in `args` are relative to it).
#[test]
fn gbstats() {
    let dir = common::fixture("oracle");
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(dir.join("gbstats.json")).unwrap()).unwrap();
    let cases = doc["cases"].as_array().unwrap();
    let mut failures = Vec::new();
    for case in cases {
        let args: Vec<&str> = case["args"].as_array().unwrap().iter().map(|a| a.as_str().unwrap()).collect();
        let out = Command::cargo_bin("abx")
            .unwrap()
            .current_dir(&dir)
            .args(&args)
            .args(["--format", "json"])
            .output()
            .unwrap();
        if !out.status.success() {
            failures.push(format!(
                "{}: exit {:?}: {}",
                args.join(" "),
                out.status.code(),
                String::from_utf8_lossy(&out.stderr)
            ));
            continue;
        }
        let got: Value = serde_json::from_slice(&out.stdout).unwrap();
        let metric = got["metrics"].as_array().unwrap().iter().find(|m| m["name"] == case["metric"]).unwrap();
        let cmp = metric["comparisons"].as_array().unwrap().iter().find(|c| c["variant"] == case["variant"]).unwrap();
        for (key, want) in case["expected"].as_object().unwrap() {
            let want = want.as_f64().unwrap();
            let Some(g) = cmp[key].as_f64() else {
                failures.push(format!("{}: {key} missing: {}", args.join(" "), cmp[key]));
                continue;
            };
            let tol = if key.starts_with("risk") { 1e-6 } else { 1e-9 };
            if !agrees(g, want, tol) {
                failures.push(format!("{}: {key} = {g:e}, gbstats {want:e}", args.join(" ")));
            }
        }
    }
    assert!(failures.is_empty(), "{} disagreements in {} cases:\n{}", failures.len(), cases.len(), failures.join("\n"));
    assert_eq!(cases.len(), 46);
}
