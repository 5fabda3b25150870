//! Helpers shared by the integration tests.
#![allow(dead_code)]

pub mod sha256;

use std::path::PathBuf;

/// Runs the abx binary from the repository root: (exit code, stdout, stderr).
pub fn abx(args: &[&str]) -> (i32, String, String) {
    let out = assert_cmd::Command::cargo_bin("abx")
        .unwrap()
        .current_dir(root())
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    (out.status.code().unwrap_or(-1), String::from_utf8(out.stdout).unwrap(), String::from_utf8(out.stderr).unwrap())
}

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn fixture(name: &str) -> PathBuf {
    root().join("fixtures").join(name)
}

/// An experiment YAML with variants v0..vk of the given weights.
pub fn experiment_yaml(name: &str, salt: &str, weights: &[f64], allocation: f64) -> String {
    let mut s = format!("name: {name}\nsalt: {salt:?}\nallocation: {allocation:?}\nvariants:\n");
    for (i, w) in weights.iter().enumerate() {
        s += &format!("  - name: v{i}\n    weight: {w:?}\n");
    }
    s
}
#[rustfmt::skip]
pub mod scipy_refs;
