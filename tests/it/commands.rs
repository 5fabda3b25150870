//! Whole-command snapshots, as uv's: exit code, stdout and stderr of one run
//! in one snapshot, so that a change to any of them shows in review. Every
//! command has its `--format json` snapshot here (the contract's shape), and
//! every renderer has one snapshot of the same result.

use crate::common::Abx;

/// Runs `abx args` and pins its whole output under `name`.
fn pin(name: &str, args: &[&str]) {
    insta::assert_snapshot!(name, Abx::new(args).run().transcript());
}

#[test]
fn every_command_as_json() {
    let exp = "experiments/prompt_engineering_test.yaml";
    let units = "fixtures/analyze/prompt_engineering_test_units.csv";
    let summary = "fixtures/analyze/prompt_engineering_test_summary.csv";
    pin("validate_json", &["validate", "--format", "json", exp, "fixtures/broken/wrong_types.yaml"]);
    pin("assign_json", &["assign", "-e", exp, "--id", "u1", "--id", "u2", "--format", "json"]);
    pin("assign_explain_json", &["assign", "-e", exp, "--id", "u1", "--explain", "--format", "json"]);
    pin("analyze_json", &["analyze", "-e", exp, "--data", units, "--format", "json"]);
    pin("analyze_summary_json", &["analyze", "-e", exp, "--summary", summary, "--format", "json"]);
    pin("verdict_json", &["verdict", "-e", exp, "--data", units, "--as-of", "2026-01-01", "--format", "json"]);
    pin("simulate_json", &["simulate", "-e", exp, "--units", "400", "--runs", "20", "--seed", "7", "--format", "json"]);
    pin(
        "drift_json",
        &[
            "drift",
            "-r",
            "fixtures/drift_extra/cat_shift_ref.csv",
            "-c",
            "fixtures/drift_extra/cat_shift_cur.csv",
            "--format",
            "json",
        ],
    );
    pin("power_proportion_json", &["power", "proportion", "--baseline", "0.1", "--mde", "0.02", "--format", "json"]);
    pin("power_mean_json", &["power", "mean", "--sd", "2", "--mde", "0.5", "--format", "json"]);
    pin(
        "test_proportions_json",
        &["test", "proportions", "--control", "480/10000", "--treatment", "552/10000", "--format", "json"],
    );
    pin(
        "test_means_json",
        &["test", "means", "--control", "1000,5.1,2.0", "--treatment", "1000,5.3,2.1", "--format", "json"],
    );
    pin(
        "test_proportions_three_arms_json",
        &[
            "test",
            "proportions",
            "--control",
            "480/10000",
            "--treatment",
            "552/10000",
            "--treatment",
            "530/10000",
            "--format",
            "json",
        ],
    );
    pin("test_srm_json", &["test", "srm", "--observed", "5000,5200", "--weights", "1,1", "--format", "json"]);
    pin("usage_error", &["analyze", "-e", exp]);
    let dir = tempfile::tempdir().unwrap();
    let init = Abx::new(&["init", "--format", "json", "."]).dir(dir.path()).run();
    insta::assert_snapshot!("init_json", init.transcript());
}

#[test]
fn every_renderer_of_one_result() {
    let exp = "experiments/followup_timing.yaml";
    let units = "fixtures/analyze/followup_timing_units.csv";
    for format in ["table", "json", "csv", "markdown", "prometheus"] {
        pin(&format!("analyze_as_{format}"), &["analyze", "-e", exp, "--data", units, "--format", format]);
    }
    // A result with a headline (boxed in a terminal table, a heading in Markdown).
    for format in ["table", "csv", "markdown"] {
        pin(
            &format!("verdict_as_{format}"),
            &["verdict", "-e", exp, "--data", units, "--as-of", "2026-01-01", "--format", format],
        );
    }
}
