//! Every input under `tests/fuzz/<target>/` (seeds, and the crashes the
//! fuzzer found, minimized) through the check of its fuzz target
//! (`fuzz_checks.rs`). The CSV target runs the built binary here.

use std::path::PathBuf;

use crate::common::root;
use crate::fuzz_checks as checks;

fn inputs(target: &str) -> Vec<(PathBuf, Vec<u8>)> {
    let dir = root().join("tests").join("fuzz").join(target);
    let mut out: Vec<(PathBuf, Vec<u8>)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .flatten()
        .map(|e| (e.path(), std::fs::read(e.path()).unwrap()))
        .collect();
    out.sort();
    assert!(!out.is_empty(), "no inputs in {}", dir.display());
    out
}

fn each(target: &str, check: fn(&[u8])) {
    for (path, data) in inputs(target) {
        let result = std::panic::catch_unwind(|| check(&data));
        assert!(result.is_ok(), "{}: the check failed", path.display());
    }
}

#[test]
fn experiment_inputs() {
    each("experiment", checks::experiment);
}

#[test]
fn id_line_inputs() {
    each("id_lines", checks::id_lines);
}

#[test]
fn summary_inputs() {
    each("summary", checks::summary);
}

#[test]
fn drift_profile_inputs() {
    each("drift_profile", checks::drift_profile);
}

#[test]
fn yaml_edit_inputs() {
    each("yaml_edit", checks::yaml_edit);
}

#[test]
fn csv_reader_inputs() {
    let dir = tempfile::tempdir().unwrap();
    let exp = dir.path().join("e.yaml");
    std::fs::write(&exp, checks::CSV_EXPERIMENT).unwrap();
    for (path, data) in inputs("csv_reader") {
        let Some((name, body, flags)) = checks::csv_case(&data) else { continue };
        let file = dir.path().join(name);
        std::fs::write(&file, body).unwrap();
        let mut args = vec!["analyze", "-e", exp.to_str().unwrap(), "--data", file.to_str().unwrap()];
        args.extend(flags);
        let out = assert_cmd::Command::cargo_bin("abx")
            .unwrap()
            .args(&args)
            .timeout(std::time::Duration::from_secs(60))
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(matches!(out.status.code(), Some(0 | 2)), "{}: exit {:?}: {stderr}", path.display(), out.status);
        assert!(!stderr.contains("panicked"), "{}: {stderr}", path.display());
    }
}
