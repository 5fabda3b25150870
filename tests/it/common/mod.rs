//! Helpers shared by the integration tests.
#![allow(dead_code)]

pub mod sha256;

use std::path::PathBuf;

/// One run of the abx binary, built as uv's tests build theirs: from the
/// repository root (or `dir`), in a fixed environment (no colour, no terminal
/// width, UTC, the C locale), with optional stdin.
pub struct Abx {
    cmd: assert_cmd::Command,
}

/// What a run gave.
pub struct Output {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Abx {
    pub fn new(args: &[&str]) -> Abx {
        let mut cmd = assert_cmd::Command::cargo_bin("abx").unwrap();
        cmd.current_dir(root())
            .args(args)
            .env("NO_COLOR", "1")
            .env("TZ", "UTC")
            .env("LC_ALL", "C")
            .env_remove("COLUMNS");
        Abx { cmd }
    }

    pub fn dir(mut self, dir: &std::path::Path) -> Abx {
        self.cmd.current_dir(dir);
        self
    }

    pub fn stdin(mut self, input: impl Into<Vec<u8>>) -> Abx {
        self.cmd.write_stdin(input.into());
        self
    }

    pub fn run(mut self) -> Output {
        let out = self.cmd.output().unwrap();
        Output {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8(out.stdout).unwrap(),
            stderr: String::from_utf8(out.stderr).unwrap(),
        }
    }
}

impl Output {
    /// Exit code, stdout and stderr as one text, for a whole-command snapshot.
    pub fn transcript(&self) -> String {
        format!("exit code: {}\n----- stdout -----\n{}\n----- stderr -----\n{}", self.code, self.stdout, self.stderr)
    }

    pub fn tuple(self) -> (i32, String, String) {
        (self.code, self.stdout, self.stderr)
    }
}

/// The abx binary as an assert_cmd command, from the repository root in the
/// fixed environment of [`Abx`], for tests that drive its pipes themselves.
pub fn command() -> assert_cmd::Command {
    let mut c = assert_cmd::Command::cargo_bin("abx").unwrap();
    c.current_dir(root()).env("NO_COLOR", "1").env("TZ", "UTC").env("LC_ALL", "C").env_remove("COLUMNS");
    c
}

/// Runs `abx args` with `stdin`: (exit code, stdout, stderr).
pub fn run(args: &[&str], stdin: &str) -> (i32, String, String) {
    Abx::new(args).stdin(stdin).run().tuple()
}

/// Runs the abx binary from the repository root: (exit code, stdout, stderr).
pub fn abx(args: &[&str]) -> (i32, String, String) {
    Abx::new(args).run().tuple()
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
pub mod browser;
#[rustfmt::skip]
pub mod engines;
pub mod scipy_refs;

/// Runs the abx binary in `dir` with `stdin`: (exit code, stdout, stderr).
pub fn abx_in(dir: &std::path::Path, args: &[&str], stdin: &str) -> (i32, String, String) {
    Abx::new(args).dir(dir).stdin(stdin).run().tuple()
}

/// DuckDB's command-line engine: $ABX_DUCKDB, else `duckdb` on PATH, else the
/// binary of PyPI's duckdb-cli, installed into target/tools on first use (as
/// .ci/run does), so that the test runs the real engine, never skips.
pub fn duckdb() -> PathBuf {
    if let Some(p) = std::env::var_os("ABX_DUCKDB") {
        return PathBuf::from(p);
    }
    let tools = root().join("target").join("tools").join("duckdb");
    let bin = tools.join("duckdb_cli").join("duckdb");
    static INSTALL: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _guard = INSTALL.lock().unwrap_or_else(|e| e.into_inner());
    if !bin.exists() {
        let ok = std::process::Command::new("python3")
            .args(["-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--target"])
            .arg(&tools)
            .arg("duckdb-cli")
            .status()
            .is_ok_and(|s| s.success());
        assert!(
            ok && bin.exists(),
            "could not install DuckDB's CLI (python3 -m pip install --target {} duckdb-cli)",
            tools.display()
        );
    }
    bin
}

/// Copies a directory tree (tests work on copies, never on the repository's files).
pub fn copy_tree(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_tree(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), target).unwrap();
        }
    }
}

/// A work folder holding copies of the repository's experiments and fixtures,
/// as the README and --help examples expect.
pub fn repo_copy(w: &std::path::Path) {
    copy_tree(&root().join("fixtures"), &w.join("fixtures"));
    copy_tree(&root().join("experiments"), &w.join("experiments"));
}

/// Runs `abx args --format json`: (exit code, the document or null, stderr).
pub fn run_json(args: &[&str]) -> (i32, serde_json::Value, String) {
    let out = Abx::new(&[args, &["--format", "json"]].concat()).run();
    (out.code, serde_json::from_str(&out.stdout).unwrap_or(serde_json::Value::Null), out.stderr)
}

/// A JSON number within `tol` relative of `b`.
pub fn close(a: &serde_json::Value, b: f64, tol: f64) -> bool {
    a.as_f64().is_some_and(|a| (a - b).abs() <= tol * b.abs().max(1e-300))
}
