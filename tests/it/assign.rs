//! `abx assign`: order, formats, several experiments, targeting from
//! --input, bad input named by line, --explain, a closed stdout.

use std::io::{Read, Write};
use std::process::Stdio;

use serde_json::Value;

use crate::common::{self, command as abx, run};

#[test]
fn assign_from_stdin_keeps_order_and_strips_cr() {
    let (code, out, err) = run(&["assign", "-e", "experiments/followup_timing.yaml"], "user_1\r\nuser_2\nuser_3");
    assert_eq!(code, 0, "{err}");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines[0], "unit,variant");
    assert_eq!(lines.len(), 4);
    for (line, id) in lines[1..].iter().zip(["user_1", "user_2", "user_3"]) {
        let (u, v) = line.split_once(',').unwrap();
        assert_eq!(u, id);
        assert!(v == "delay_30min" || v == "delay_5min", "{line}");
    }
    // The same ids through --id give the same rows.
    let (_, by_flag, _) = run(
        &["assign", "-e", "experiments/followup_timing.yaml", "--id", "user_1", "--id", "user_2", "--id", "user_3"],
        "",
    );
    assert_eq!(by_flag, out);
}

#[test]
fn assign_formats() {
    let args = |f: &str| {
        vec![
            "assign",
            "-e",
            "experiments/prompt_engineering_test.yaml",
            "--id",
            "user_1",
            "--id",
            "a,b",
            "--id",
            "ünï 😀",
            "--format",
            f.to_string().leak(),
        ]
    };
    let mut all = String::new();
    for f in ["csv", "tsv", "jsonl", "json", "markdown", "table"] {
        let (code, out, err) = run(&args(f), "");
        assert_eq!(code, 0, "{f}: {err}");
        all += &format!("--- {f}\n{out}");
    }
    insta::assert_snapshot!("assign_formats", all);
    let (_, json, _) = run(&args("json"), "");
    let doc: Value = serde_json::from_str(&json).unwrap();
    assert_eq!(doc.as_array().unwrap().len(), 3);
    assert_eq!(doc[1]["unit"], "a,b");
    assert!(doc[0]["params"]["prompt_template"].is_string());
}

#[test]
fn assign_json_from_stdin_is_one_document() {
    let (code, out, _) = run(&["assign", "-e", "experiments/followup_timing.yaml", "-f", "json"], "a\nb\nc\n");
    assert_eq!(code, 0);
    let doc: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(doc.as_array().unwrap().len(), 3);
    let (_, out, _) = run(&["assign", "-e", "experiments/followup_timing.yaml", "-f", "json"], "");
    assert_eq!(serde_json::from_str::<Value>(&out).unwrap(), serde_json::json!([]));
}

#[test]
fn assign_several_experiments_gives_a_column_each() {
    let (code, out, _) = run(
        &["assign", "-e", "experiments/followup_timing.yaml", "-e", "experiments/backtest_window.yaml", "--id", "u1"],
        "",
    );
    assert_eq!(code, 0);
    assert!(out.starts_with("unit,followup_timing,backtest_window\nu1,"), "{out}");
    let (_, out, _) = run(
        &[
            "assign",
            "-e",
            "experiments/followup_timing.yaml",
            "-e",
            "experiments/backtest_window.yaml",
            "--id",
            "u1",
            "-f",
            "jsonl",
        ],
        "",
    );
    let row: Value = serde_json::from_str(out.trim()).unwrap();
    assert!(row["followup_timing"]["variant"].is_string() && row["backtest_window"]["bucket"].is_u64(), "{row}");
    let (code, _, err) = run(
        &["assign", "-e", "experiments/followup_timing.yaml", "-e", "experiments/followup_timing.yaml", "--id", "u1"],
        "",
    );
    assert_eq!(code, 2);
    assert!(err.contains("named `followup_timing`"), "{err}");
}

#[test]
fn assign_input_csv_applies_targeting() {
    let (code, out, err) = run(
        &[
            "assign",
            "-e",
            "fixtures/good/targeted.yaml",
            "--input",
            "fixtures/good/users.csv",
            "--id-column",
            "user_id",
        ],
        "",
    );
    assert_eq!(code, 0, "{err}");
    let rows: Vec<(&str, &str)> = out.lines().skip(1).map(|l| l.rsplit_once(',').unwrap()).collect();
    let eligible = |u: &str| rows.iter().find(|(id, _)| *id == u).map(|(_, v)| !v.is_empty()).unwrap();
    assert!(eligible("u1")); // expert, 30
    assert!(!eligible("u2")); // beginner
    assert!(!eligible("u3")); // intermediate but 17
    assert!(eligible("u4")); // intermediate, 18
    assert!(eligible("\"u,5\"")); // quoted on output
    assert!(!eligible("u6")); // no level
                              // The eligible units get exactly the variant they get without targeting.
    let (_, plain, _) = run(&["assign", "-e", "experiments/strategy_complexity.yaml", "--id", "u1"], "");
    assert!(plain.contains("u1,\n"), "no attributes: strategy_complexity's targeting fails");
}

#[test]
fn assign_input_errors_name_the_file() {
    let (code, out, err) =
        run(&["assign", "-e", "fixtures/good/targeted.yaml", "--input", "fixtures/good/users.csv"], "");
    assert_eq!(code, 2);
    assert!(out.is_empty(), "no header before an input error: {out}");
    let (code, out, _) = run(&["assign", "-e", "fixtures/good/targeted.yaml", "--input", "no/such.csv"], "");
    assert_eq!(code, 2);
    assert!(out.is_empty(), "no header before an input error: {out}");
    assert!(
        err.contains("fixtures/good/users.csv: no column `unit`") && err.contains("user_id, user_level, age"),
        "{err}"
    );
    let (code, _, err) = run(
        &["assign", "-e", "fixtures/good/targeted.yaml", "--input", "-", "--id-column", "id"],
        "id,user_level\nx,expert,extra\n",
    );
    assert_eq!(code, 2);
    assert!(err.contains("<stdin>: line 2: a row has 3 fields where the header has 2"), "{err}");
}

#[test]
fn targeting_without_attributes_warns() {
    let (code, out, err) = run(&["assign", "-e", "experiments/strategy_complexity.yaml", "--id", "u1"], "");
    assert_eq!(code, 0);
    assert_eq!(out, "unit,variant\nu1,\n");
    assert!(err.starts_with("warning: experiment `strategy_complexity` has targeting"), "{err}");
}

#[test]
fn empty_lines_are_errors_unless_skipped() {
    let (code, out, err) = run(&["assign", "-e", "experiments/followup_timing.yaml"], "a\nb\n\nc\n");
    assert_eq!(code, 2);
    assert_eq!(err, "error: <stdin>: line 3: the unit id is empty (pass --skip-empty to skip empty lines)\n");
    assert!(!out.contains("\nc,"));
    let (code, out, _) = run(&["assign", "-e", "experiments/followup_timing.yaml", "--skip-empty"], "a\nb\n\r\nc\n");
    assert_eq!(code, 0);
    assert_eq!(out.lines().count(), 4);
}

#[test]
fn empty_line_numbers_count_across_chunks() {
    // Far past the first 64 KiB chunk.
    let mut input: String = (0..20_000).map(|i| format!("user_{i}\n")).collect();
    input += "\n";
    let (code, _, err) = run(&["assign", "-e", "experiments/followup_timing.yaml"], &input);
    assert_eq!(code, 2);
    assert!(err.contains("line 20001: the unit id is empty"), "{err}");
}

#[test]
fn invalid_utf8_is_an_error_with_its_line() {
    let out = abx()
        .args(["assign", "-e", "experiments/followup_timing.yaml"])
        .write_stdin(b"ok\n\xff\xfe\n".to_vec())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("line 2: the unit id is not valid UTF-8"));
}

#[test]
fn unicode_ids_hash_their_utf8_bytes() {
    let id = "ünïcødé-ユーザー";
    let (code, out, _) = run(&["assign", "-e", "experiments/followup_timing.yaml", "-f", "jsonl"], &format!("{id}\n"));
    assert_eq!(code, 0);
    let row: Value = serde_json::from_str(out.trim()).unwrap();
    assert_eq!(row["unit"], id);
    let d = common::sha256::digest(format!("{id}:followup_timing").as_bytes());
    let x = u64::from_be_bytes(d[..8].try_into().unwrap()) as f64 / 18_446_744_073_709_551_616.0;
    assert_eq!(row["bucket"].as_u64().unwrap(), (x * 10000.0).floor() as u64);
    assert_eq!(row["variant"], if x < 0.5 { "delay_30min" } else { "delay_5min" });
}

#[test]
fn allocation_leaves_units_unexposed() {
    let input: String = (0..2000).map(|i| format!("user_{i}\n")).collect();
    let (code, out, _) = run(&["assign", "-e", "experiments/llm_version_rollout.yaml"], &input);
    assert_eq!(code, 0);
    let exposed = out.lines().skip(1).filter(|l| !l.ends_with(',')).count();
    assert!((120..=280).contains(&exposed), "{exposed} of 2000 exposed at allocation 0.1");
}

#[test]
fn promoted_experiments_give_everyone_the_winner() {
    let (code, out, _) = run(&["assign", "-e", "fixtures/good/promoted.yaml", "-f", "jsonl"], "a\nb\nc\nd\n");
    assert_eq!(code, 0);
    for line in out.lines() {
        let row: Value = serde_json::from_str(line).unwrap();
        assert_eq!(row["variant"], "treatment");
        assert_eq!(row["params"]["color"], "blue");
    }
}

#[test]
fn explain_shows_the_whole_computation() {
    let (code, out, _) = run(
        &["assign", "--explain", "-e", "experiments/llm_version_rollout.yaml", "--id", "user_7", "-f", "table"],
        "",
    );
    assert_eq!(code, 0);
    insta::assert_snapshot!("explain_table", out);
    let (_, out, _) =
        run(&["assign", "--explain", "-e", "experiments/followup_timing.yaml", "--id", "user_1", "-f", "json"], "");
    let doc: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(doc["hash_input"], "user_1:followup_timing");
    let d = common::sha256::digest(b"user_1:followup_timing");
    assert_eq!(doc["sha256"], d.iter().map(|b| format!("{b:02x}")).collect::<String>());
    assert_eq!(doc["ranges"].as_array().unwrap().len(), 2);
    assert!(doc["reason"].as_str().unwrap().contains("lies in"));
    let (_, out, _) = run(
        &[
            "assign",
            "--explain",
            "-e",
            "fixtures/good/targeted.yaml",
            "--input",
            "fixtures/good/users.csv",
            "--id-column",
            "user_id",
            "-f",
            "json",
        ],
        "",
    );
    let doc: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(doc.as_array().unwrap().len(), 6);
    assert_eq!(doc[1]["eligible"], false);
    assert_eq!(doc[1]["failed_condition"], "user_level in [intermediate, expert]");
}

#[test]
fn a_closed_stdout_ends_quietly() {
    let mut input = Vec::new();
    for i in 0..400_000 {
        writeln!(input, "user_{i}").unwrap();
    }
    let bin = assert_cmd::cargo::cargo_bin("abx");
    let mut child = std::process::Command::new(bin)
        .current_dir(common::root())
        .args(["assign", "-e", "experiments/followup_timing.yaml"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(&input);
    });
    let mut stdout = child.stdout.take().unwrap();
    let mut head = [0u8; 100];
    stdout.read_exact(&mut head).unwrap();
    drop(stdout); // like `| head -c 100`
    let status = child.wait().unwrap();
    let _ = writer.join();
    let mut err = String::new();
    child.stderr.take().unwrap().read_to_string(&mut err).unwrap();
    assert_eq!(status.code(), Some(0), "stderr: {err}");
    assert!(err.is_empty(), "stderr: {err}");
    assert!(head.starts_with(b"unit,variant\n"));
}
