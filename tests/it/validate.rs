//! `abx validate`: every shipped file valid, broken ones diagnosed exactly
//! (file:line:column, snapshots), every format.

use serde_json::Value;

use crate::common::{self, run};

#[test]
fn shipped_experiments_are_valid() {
    let files: Vec<String> = std::fs::read_dir(common::root().join("experiments"))
        .unwrap()
        .map(|e| format!("experiments/{}", e.unwrap().file_name().to_string_lossy()))
        .collect();
    assert!(files.len() >= 8);
    let mut args = vec!["validate", "--format", "json"];
    args.extend(files.iter().map(String::as_str));
    let (code, out, err) = run(&args, "");
    assert_eq!(code, 0, "{err}");
    let doc: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(doc["valid"], true);
    let names: Vec<&str> = doc["files"].as_array().unwrap().iter().map(|f| f["experiment"].as_str().unwrap()).collect();
    for want in [
        "prompt_engineering_test",
        "iteration_config",
        "strategy_complexity",
        "backtest_window",
        "followup_timing",
        "enrichment_model",
        "prediction_threshold",
        "llm_version_rollout",
    ] {
        assert!(names.contains(&want), "{want} missing");
    }
}

#[test]
fn shipped_experiments_have_the_promised_designs() {
    let load = |n: &str| abx::experiment::load(&common::root().join(format!("experiments/{n}.yaml"))).unwrap();
    let p = load("prompt_engineering_test");
    assert_eq!(p.variants.len(), 4);
    assert_eq!(p.primary.as_deref(), Some("total_return"));
    assert!(p.metric("win_rate").is_some());
    assert_eq!(p.metric("max_drawdown").unwrap().direction, abx::experiment::Direction::Decrease);
    assert_eq!(p.decision.guardrails[0].metric, "max_drawdown");
    assert_eq!(load("iteration_config").variants.len(), 3);
    assert_eq!(load("strategy_complexity").targeting[0].attribute, "user_level");
    assert_eq!(load("backtest_window").variants.len(), 3);
    assert_eq!(load("followup_timing").metric("booked").unwrap().kind, abx::experiment::MetricKind::Proportion);
    assert_eq!(load("llm_version_rollout").allocation, 0.1);
}

#[test]
fn broken_files_get_exact_diagnostics() {
    for name in [
        "many_problems",
        "one_variant",
        "syntax_error",
        "wrong_types",
        "promoted_without_variant",
        "multi_document",
        "dates_and_promotion",
    ] {
        let path = format!("fixtures/broken/{name}.yaml");
        let (code, _, err) = run(&["validate", &path, "--format", "json"], "");
        assert_eq!(code, 2, "{name}");
        insta::assert_snapshot!(format!("validate_{name}"), err);
    }
}

#[test]
fn validate_reports_every_file_and_every_problem_in_json() {
    let (code, out, _) = run(
        &["validate", "experiments/followup_timing.yaml", "fixtures/broken/many_problems.yaml", "--format", "json"],
        "",
    );
    assert_eq!(code, 2);
    let doc: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(doc["valid"], false);
    assert_eq!(doc["files"][0]["valid"], true);
    let problems = doc["files"][1]["problems"].as_array().unwrap();
    assert_eq!(problems.len(), 14);
    assert_eq!(problems[0]["line"], 2);
    assert_eq!(problems[0]["column"], 7);
}

#[test]
fn validate_names_unreadable_files() {
    let (code, out, err) = run(&["validate", "no/such/file.yaml", "--format", "json"], "");
    assert_eq!(code, 2);
    assert!(err.contains("no/such/file.yaml"), "{err}");
    assert!(out.contains("\"valid\": false"));
}

#[test]
fn validate_formats() {
    let (code, out, _) = run(&["validate", "experiments/followup_timing.yaml", "--format", "csv"], "");
    assert_eq!(code, 0);
    assert_eq!(
        out,
        "file,experiment,variants,metrics,result\nexperiments/followup_timing.yaml,followup_timing,2,2,ok\n"
    );
    let (_, out, _) = run(&["validate", "experiments/followup_timing.yaml", "--format", "markdown"], "");
    assert!(out.starts_with("| file | experiment | variants | metrics | result |\n| --- |"), "{out}");
    let (_, out, _) = run(&["validate", "experiments/followup_timing.yaml", "--format", "table"], "");
    assert!(out.contains("followup_timing") && out.contains("1 file valid"), "{out}");
}

#[test]
fn commands_that_load_a_broken_file_show_its_diagnostics() {
    let (code, out, err) = run(&["assign", "-e", "fixtures/broken/one_variant.yaml", "--id", "u1"], "");
    assert_eq!(code, 2);
    assert!(out.is_empty());
    assert!(
        err.contains("fixtures/broken/one_variant.yaml:2:1: error: an experiment needs at least 2 variants"),
        "{err}"
    );
    let (code, _, err) = run(&["assign", "-e", "missing.yaml", "--id", "u1"], "");
    assert_eq!(code, 2);
    assert!(err.starts_with("error: cannot read missing.yaml:"), "{err}");
}
