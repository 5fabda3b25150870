//! The README's tour is real output: every `console` block's commands run
//! (in a folder holding the repository's experiments and fixtures, as the
//! README says) and print what the block shows, stdout and stderr as a
//! terminal interleaves them. `cat FILE` blocks write FILE for the commands
//! after them. Benchmarks and writes outside the folder are not run.
//! `ABX_UPDATE_README=1 cargo test --test it readme` rewrites the outputs.

use crate::common;

struct Command {
    line: String,
    /// Index of the first output line in the README and the expected lines.
    start: usize,
    expected: Vec<String>,
}

fn commands(readme: &[&str]) -> Vec<Command> {
    let mut out = Vec::new();
    let mut in_block = false;
    let mut current: Option<Command> = None;
    for (i, line) in readme.iter().enumerate() {
        if line.starts_with("```") {
            if let Some(c) = current.take() {
                out.push(c);
            }
            in_block = !in_block && *line == "```console";
            continue;
        }
        if !in_block {
            continue;
        }
        if let Some(cmd) = line.strip_prefix("$ ") {
            if let Some(c) = current.take() {
                out.push(c);
            }
            current = Some(Command { line: cmd.to_string(), start: i + 1, expected: Vec::new() });
        } else if let Some(c) = current.as_mut() {
            c.expected.push(line.to_string());
        }
    }
    out
}

#[test]
fn readme_tour_is_real_output() {
    let path = common::root().join("README.md");
    let text = std::fs::read_to_string(&path).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let work = tempfile::tempdir().unwrap();
    let w = work.path();
    common::repo_copy(w);
    let bin = assert_cmd::cargo::cargo_bin("abx");
    let env_path = format!("{}:{}", bin.parent().unwrap().display(), std::env::var("PATH").unwrap_or_default());
    let update = std::env::var_os("ABX_UPDATE_README").is_some();
    let mut replaced: Vec<(usize, usize, Vec<String>)> = Vec::new();
    let mut last_code = 0;
    let mut ran = 0;
    let mut wrong = Vec::new();
    for c in commands(&lines) {
        if let Some(file) = c.line.strip_prefix("cat ") {
            let mut body = c.expected.join("\n");
            body.push('\n');
            std::fs::write(w.join(file), body).unwrap();
            continue;
        }
        let actual: Vec<String> = if c.line == "echo $?" {
            vec![last_code.to_string()]
        } else if c.line.contains("cargo ") || c.line.contains("bench/") || c.line.contains('~') {
            continue;
        } else {
            let out = std::process::Command::new("bash")
                .args(["-o", "pipefail", "-c", &format!("{} 2>&1", c.line)])
                .current_dir(w)
                .env("PATH", &env_path)
                .env("NO_COLOR", "1")
                .env_remove("COLUMNS")
                .output()
                .unwrap();
            last_code = out.status.code().unwrap_or(-1);
            ran += 1;
            String::from_utf8_lossy(&out.stdout).lines().map(|l| l.trim_end().to_string()).collect()
        };
        let expected: Vec<String> = c.expected.iter().map(|l| l.trim_end().to_string()).collect();
        if actual != expected {
            wrong.push(format!("$ {}\n--- README\n{}\n--- real\n{}", c.line, expected.join("\n"), actual.join("\n")));
            replaced.push((c.start, c.expected.len(), actual));
        }
    }
    if update && !replaced.is_empty() {
        let mut out: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
        for (start, len, actual) in replaced.into_iter().rev() {
            out.splice(start..start + len, actual);
        }
        std::fs::write(&path, out.join("\n") + "\n").unwrap();
        return;
    }
    assert!(ran >= 15, "only {ran} README commands ran");
    assert!(
        wrong.is_empty(),
        "the README differs from real output (ABX_UPDATE_README=1 rewrites it):\n\n{}",
        wrong.join("\n\n")
    );
}
