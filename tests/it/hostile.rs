//! Hostile input, one case (at least) per class: abx answers with exit 2 and
//! a short message naming the file, never a panic, never a hang, never a
//! read without bound, never a half-written file. Every case runs under a
//! time limit; a case that hangs fails instead of stalling the suite.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::{fixture, root};

const EXP: &str = "experiments/prompt_engineering_test.yaml";
const UNITS: &str = "fixtures/analyze/prompt_engineering_test_units.csv";
const HEADER: &str = "variant,total_return,win_rate,max_drawdown";

/// What a run gave.
struct Run {
    code: i32,
    stdout: Vec<u8>,
    stderr: String,
    secs: f64,
}

enum Input<'a> {
    None,
    Bytes(&'a [u8]),
    File(&'a Path),
}

fn abx_bin() -> PathBuf {
    assert_cmd::cargo::cargo_bin("abx")
}

/// Runs `abx args` in `dir` with a time limit (killed past it, which fails).
fn run_in(dir: &Path, args: &[&str], input: Input<'_>, limit: u64) -> Run {
    run_with(dir, args, input, limit, None)
}

/// [`run_in`] with temporary files in `tmpdir`.
fn run_with(dir: &Path, args: &[&str], input: Input<'_>, limit: u64, tmpdir: Option<&Path>) -> Run {
    let mut cmd = Command::new(abx_bin());
    if let Some(t) = tmpdir {
        cmd.env("TMPDIR", t);
    }
    cmd.current_dir(dir).args(args).env("NO_COLOR", "1").stdout(Stdio::piped()).stderr(Stdio::piped());
    match input {
        Input::None | Input::Bytes(_) => cmd.stdin(Stdio::piped()),
        Input::File(p) => cmd.stdin(std::fs::File::open(p).unwrap()),
    };
    let start = Instant::now();
    let mut child = cmd.spawn().unwrap();
    let stdin = child.stdin.take();
    let data = match input {
        Input::Bytes(b) => b.to_vec(),
        _ => Vec::new(),
    };
    // The writer may fail with a broken pipe once abx has refused the input.
    let writer = std::thread::spawn(move || {
        if let Some(mut s) = stdin {
            let _ = s.write_all(&data);
        }
    });
    let mut out = child.stdout.take().unwrap();
    let mut err = child.stderr.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut b = Vec::new();
        let _ = out.read_to_end(&mut b);
        b
    });
    let ereader = std::thread::spawn(move || {
        let mut b = Vec::new();
        let _ = err.read_to_end(&mut b);
        b
    });
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if start.elapsed() > Duration::from_secs(limit) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("abx {args:?} did not finish within {limit} s");
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let secs = start.elapsed().as_secs_f64();
    let _ = writer.join();
    let stdout = reader.join().unwrap();
    let stderr = String::from_utf8_lossy(&ereader.join().unwrap()).into_owned();
    Run { code: status.code().unwrap_or(-1), stdout, stderr, secs }
}

fn run(args: &[&str], input: Input<'_>) -> Run {
    run_in(&root(), args, input, 60)
}

/// The promise for a refused input: exit 2, nothing on stdout, a short
/// one-paragraph message that names `file` and holds `words`, no panic, no
/// raw control character.
#[track_caller]
fn refused(r: &Run, file: &str, words: &str) {
    assert_eq!(r.code, 2, "exit code; stderr: {}", r.stderr);
    assert!(r.stdout.is_empty(), "stdout should be empty, got {} bytes", r.stdout.len());
    no_panic(r);
    assert!(r.stderr.contains(file), "the message should name {file}: {}", r.stderr);
    assert!(r.stderr.contains(words), "the message should say `{words}`: {}", r.stderr);
    assert!(r.stderr.len() < 1200, "a {} byte message", r.stderr.len());
}

#[track_caller]
fn no_panic(r: &Run) {
    for bad in ["panicked", "RUST_BACKTRACE", "memory allocation", "PlRefPath", "Consider setting", "entity not found"]
    {
        assert!(!r.stderr.contains(bad), "`{bad}` in: {}", r.stderr);
    }
    assert!(!r.stderr.bytes().any(|b| b == 0x1b || b == 0), "a raw control character in: {:?}", r.stderr);
}

fn tmp() -> tempfile::TempDir {
    tempfile::tempdir().unwrap()
}

fn write(dir: &Path, name: &str, bytes: impl AsRef<[u8]>) -> String {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p.to_str().unwrap().to_string()
}

fn units_csv() -> String {
    std::fs::read_to_string(root().join(UNITS)).unwrap()
}

#[test]
fn files_without_rows_or_values_are_answered_not_crashed_on() {
    let d = tmp();
    let empty = write(d.path(), "header_only.csv", format!("{HEADER}\n"));
    for cmd in ["analyze", "verdict"] {
        refused(&run(&[cmd, "-e", EXP, "--data", &empty], Input::None), "header_only.csv", "has no rows");
    }
    // A metric empty on every row: a readout with n = 0 for it, and a warning.
    let mut text = format!("{HEADER}\n");
    for i in 0..4400 {
        let v = ["control", "risk_first", "chain_of_thought", "few_shot"][i % 4];
        text += &format!("{v},{},,{}\n", (i % 7) as f64 / 10.0, (i % 5) as f64 / 10.0);
    }
    let f = write(d.path(), "no_win_rate.csv", text);
    let r = run(&["analyze", "-e", EXP, "--data", &f, "--format", "json"], Input::None);
    assert_eq!(r.code, 0, "{}", r.stderr);
    no_panic(&r);
    assert!(r.stderr.contains("warning") && r.stderr.contains("win_rate"), "{}", r.stderr);
    let doc: serde_json::Value = serde_json::from_slice(&r.stdout).unwrap();
    let m = doc["metrics"].as_array().unwrap().iter().find(|m| m["name"] == "win_rate").unwrap();
    for v in m["variants"].as_array().unwrap() {
        assert_eq!(v["n"], 0, "{v}");
    }
}

#[test]
fn count_flags_are_bounded() {
    for bins in ["18446744073709551615", "1000000000", "1"] {
        let r = run(&["drift", "-r", UNITS, "-c", UNITS, "--bins", bins], Input::None);
        assert_eq!(r.code, 2, "{}", r.stderr);
        no_panic(&r);
        assert!(r.stderr.contains("--bins must be between 2 and 10000"), "{}", r.stderr);
    }
    let d = tmp();
    let out = d.path().join("s.csv");
    for units in ["18446744073709551615", "100000000000000", "100000001"] {
        for extra in [vec!["--output", out.to_str().unwrap()], vec!["--runs", "2"]] {
            let mut args = vec!["simulate", "-e", EXP, "--units", units];
            args.extend(extra);
            let r = run(&args, Input::None);
            assert_eq!(r.code, 2, "{}", r.stderr);
            no_panic(&r);
            assert!(r.stderr.contains("--units must be between 1 and 100000000"), "{}", r.stderr);
        }
    }
    assert!(!out.exists());
    let r = run(&["simulate", "-e", EXP, "--units", "100", "--runs", "100000000000"], Input::None);
    assert!(r.code == 2 && r.stderr.contains("--runs must be at most"), "{}", r.stderr);
    let r = run(&["simulate", "-e", EXP, "--units", "100", "--runs", "2", "--peek", "4000000000"], Input::None);
    assert!(r.code == 2 && r.stderr.contains("--peek must be at most"), "{}", r.stderr);
}

#[test]
fn yaml_bombs_deep_nesting_and_huge_files_are_refused_at_their_place() {
    let d = tmp();
    let mut bomb =
        String::from("a: &a [\"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\"]\n");
    for (i, c) in "bcdefghi".chars().enumerate() {
        let prev = (b'a' + i as u8) as char;
        bomb += &format!("{c}: &{c} [{}]\n", vec![format!("*{prev}"); 9].join(","));
    }
    bomb += "name: x\n";
    let f = write(d.path(), "bomb.yaml", &bomb);
    for args in [vec!["validate", f.as_str()], vec!["assign", "-e", f.as_str(), "--id", "u1"]] {
        let r = run(&args, Input::None);
        assert_eq!(r.code, 2);
        no_panic(&r);
        assert!(r.secs < 20.0);
        // The alias that passes the bound: line 5 (e = 9^4 * 9 nodes).
        assert!(r.stderr.contains("bomb.yaml:5:"), "{}", r.stderr);
        assert!(r.stderr.contains("alias"), "{}", r.stderr);
    }
    let deep = write(d.path(), "deep.yaml", format!("name: {}{}\n", "[".repeat(50_000), "]".repeat(50_000)));
    let r = run(&["validate", &deep], Input::None);
    assert!(r.code == 2 && r.stderr.contains("deep.yaml:1:") && r.stderr.contains("nested"), "{}", r.stderr);
    no_panic(&r);
    let many = write(d.path(), "many.yaml", format!("name: x\nlist:\n{}", "- 1\n".repeat(120_000)));
    let r = run(&["validate", &many], Input::None);
    assert!(r.code == 2 && r.stderr.contains("many.yaml:") && r.stderr.contains("100000 YAML nodes"), "{}", r.stderr);
    let big = write(d.path(), "big.yaml", format!("name: x\n#{}\n", "x".repeat(1 << 20)));
    let r = run(&["validate", &big], Input::None);
    assert!(r.code == 2 && r.stderr.contains("big.yaml") && r.stderr.contains("larger than 1 MiB"), "{}", r.stderr);
    let mut yaml = String::from("name: x\nvariants:\n");
    for i in 0..1001 {
        yaml += &format!("  - name: v{i}\n");
    }
    let f = write(d.path(), "variants.yaml", yaml);
    let r = run(&["validate", &f], Input::None);
    assert!(r.code == 2 && r.stderr.contains("at most 1000 variants"), "{}", r.stderr);
}

#[test]
fn endless_input_stops_at_the_line_limit() {
    let zero = Path::new("/dev/zero");
    let cases: Vec<(Vec<&str>, Input<'_>)> = vec![
        (vec!["analyze", "-e", EXP, "--summary", "/dev/zero"], Input::None),
        (vec!["analyze", "-e", EXP, "--data", "/dev/zero"], Input::None),
        (vec!["assign", "-e", EXP, "--input", "/dev/zero"], Input::None),
        (vec!["drift", "-r", "/dev/zero", "-c", UNITS], Input::None),
        (vec!["assign", "-e", EXP], Input::File(zero)),
        (vec!["assign", "-e", EXP, "--input", "-"], Input::File(zero)),
        (vec!["analyze", "-e", EXP, "--data", "-"], Input::File(zero)),
    ];
    for (args, input) in cases {
        let r = run(&args, input);
        let file = if args.contains(&"/dev/zero") { "/dev/zero" } else { "<stdin>" };
        refused(&r, file, "line 1 is longer than 1 MiB");
        assert!(r.secs < 30.0, "{args:?} took {} s", r.secs);
    }
}

#[test]
fn long_ids_are_linear_up_to_the_limit_and_refused_past_it() {
    // An id of just under 1 MiB is an id; one byte over the limit is line 3's error.
    let id = "x".repeat((1 << 20) - 1);
    let input = format!("a\nb\n{id}y\nc\n");
    let r = run(&["assign", "-e", EXP], Input::Bytes(input.as_bytes()));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(String::from_utf8_lossy(&r.stdout).lines().count(), 5);
    let input = format!("a\nb\n{id}yz\nc\n");
    refused(&run(&["assign", "-e", EXP], Input::Bytes(input.as_bytes())), "<stdin>", "line 3 is longer than 1 MiB");
    // Forty ids of nearly the limit each: linear, so quick even in a debug build.
    let many = format!("{id}\n").repeat(40);
    let r = run(&["assign", "-e", EXP, "--format", "jsonl"], Input::Bytes(many.as_bytes()));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.secs < 30.0, "{} s", r.secs);
    let d = tmp();
    let f = write(d.path(), "ids.csv", format!("unit\n{id}yz\n"));
    refused(&run(&["assign", "-e", EXP, "--input", &f], Input::None), "ids.csv", "line 2 is longer than 1 MiB");
    let f = write(d.path(), "data.csv", format!("{HEADER}\ncontrol,1,2,3\n{id}yz,1,2,3\n"));
    refused(&run(&["analyze", "-e", EXP, "--data", &f], Input::None), "data.csv", "line 3 is longer than 1 MiB");
    let f = write(d.path(), "summary.csv", format!("variant,metric,n,sum,sum_sq\n{id}yz\n"));
    refused(&run(&["analyze", "-e", EXP, "--summary", &f], Input::None), "summary.csv", "line 2 is longer than 1 MiB");
}

#[test]
fn drift_is_linear_in_the_number_of_columns_and_bounded() {
    let d = tmp();
    // 100,000 columns took 116 s when the column lookups were quadratic.
    let n = 100_000;
    let header: Vec<String> = (0..n).map(|i| format!("c{i}")).collect();
    let mut text = header.join(",") + "\n";
    for r in 0..3 {
        let row: Vec<String> = (0..n).map(|i| format!("{}.5", (i + r) % 97)).collect();
        text += &(row.join(",") + "\n");
    }
    let f = write(d.path(), "wide.csv", &text);
    let r = run_in(d.path(), &["drift", "-r", &f, "-c", &f, "--format", "json"], Input::None, 90);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let doc: serde_json::Value = serde_json::from_slice(&r.stdout).unwrap();
    assert_eq!(doc["columns"].as_array().unwrap().len(), n);
    let wider = write(d.path(), "wider.csv", format!("{},extra\n{},1\n", header.join(","), vec!["1"; n].join(",")));
    refused(&run(&["drift", "-r", &wider, "-c", &wider], Input::None), "wider.csv", "compares at most 100000");
}

/// Two JSON readouts alike, numbers to 1e-12 relative (a parallel fold may
/// add the same values in another order).
fn same_readout(a: &[u8], b: &[u8]) -> bool {
    fn same(a: &serde_json::Value, b: &serde_json::Value) -> bool {
        use serde_json::Value as V;
        match (a, b) {
            (V::Number(x), V::Number(y)) => {
                let (x, y) = (x.as_f64().unwrap(), y.as_f64().unwrap());
                x == y || (x - y).abs() <= 1e-12 * x.abs().max(y.abs())
            }
            (V::Array(x), V::Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same(x, y)),
            (V::Object(x), V::Object(y)) => {
                x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w)))
            }
            _ => a == b,
        }
    }
    match (serde_json::from_slice(a), serde_json::from_slice(b)) {
        (Ok(a), Ok(b)) => same(&a, &b),
        _ => false,
    }
}

#[test]
fn pipes_are_read_once_and_a_process_substitution_works() {
    let d = tmp();
    // Temporary copies go here, to see that none is left behind.
    let spool = tmp();
    let piped = |args: &[&str]| run_with(&root(), args, Input::None, 60, Some(spool.path()));
    let want = run(&["analyze", "-e", EXP, "--data", UNITS, "--format", "json"], Input::None);
    assert_eq!(want.code, 0);
    for (name, source) in
        [("units.csv", UNITS), ("units.parquet", "fixtures/analyze/prompt_engineering_test_units.parquet")]
    {
        let want = run(&["analyze", "-e", EXP, "--data", source, "--format", "json"], Input::None);
        assert_eq!(want.code, 0);
        // A FIFO named like /dev/fd/63: no extension, so Parquet is known by its magic bytes.
        let fifo = d.path().join(format!("fd-{name}").replace('.', "-"));
        assert!(Command::new("mkfifo").arg(&fifo).status().unwrap().success());
        let bytes = std::fs::read(root().join(source)).unwrap();
        let f2 = fifo.clone();
        let writer = std::thread::spawn(move || std::fs::write(f2, bytes));
        let r = piped(&["analyze", "-e", EXP, "--data", fifo.to_str().unwrap(), "--format", "json"]);
        writer.join().unwrap().unwrap();
        assert_eq!(r.code, 0, "{name}: {}", r.stderr);
        assert!(same_readout(&r.stdout, &want.stdout), "{name}: the readout differs from the file's");
    }
    // drift reads a file twice (schema, then values): a pipe is copied once.
    let fifo = d.path().join("ref");
    assert!(Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    let bytes = units_csv();
    let f2 = fifo.clone();
    let writer = std::thread::spawn(move || std::fs::write(f2, bytes));
    let r = piped(&["drift", "-r", fifo.to_str().unwrap(), "-c", UNITS, "--format", "json"]);
    writer.join().unwrap().unwrap();
    assert_eq!(r.code, 0, "{}", r.stderr);
    // Real process substitution, through bash.
    let script = format!(
        "cd {} && {} analyze -e {EXP} --data <(cat {UNITS}) --format json",
        root().display(),
        abx_bin().display()
    );
    let out = Command::new("bash").env("TMPDIR", spool.path()).arg("-c").arg(script).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(same_readout(&out.stdout, &want.stdout), "the readout through <(cat ...) differs from the file's");
    // No temporary copy is left behind.
    let left: Vec<_> = std::fs::read_dir(spool.path()).unwrap().flatten().map(|e| e.file_name()).collect();
    assert!(left.is_empty(), "{left:?}");
}

#[test]
fn nul_bytes_a_bom_and_bad_utf8_in_yaml() {
    let d = tmp();
    let f = write(d.path(), "nul.yaml", b"name: x\0\nallocation: 5\n");
    let r = run(&["validate", &f], Input::None);
    assert_eq!(r.code, 2);
    no_panic(&r);
    assert!(r.stderr.contains("nul.yaml:1:8:") && r.stderr.contains("NUL"), "{}", r.stderr);
    let f = write(d.path(), "ctl.yaml", b"name: x\nowner: a\x1b[31mb\n");
    let r = run(&["validate", &f], Input::None);
    assert!(r.code == 2 && r.stderr.contains("ctl.yaml:2:9:") && r.stderr.contains("U+001B"), "{}", r.stderr);
    no_panic(&r);
    let exp = std::fs::read(root().join(EXP)).unwrap();
    let mut bom = b"\xef\xbb\xbf".to_vec();
    bom.extend_from_slice(&exp);
    let f = write(d.path(), "bom.yaml", &bom);
    let r = run(&["validate", &f], Input::None);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = run(&["assign", "-e", &f, "--id", "u1"], Input::None);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let f = write(d.path(), "latin1.yaml", b"name: x\nowner: Jos\xe9\n");
    let r = run(&["validate", &f], Input::None);
    assert!(r.code == 2 && r.stderr.contains("latin1.yaml:2:11:") && r.stderr.contains("UTF-8"), "{}", r.stderr);
}

#[test]
fn ragged_rows_are_refused_everywhere_with_their_line() {
    let d = tmp();
    let csv = units_csv();
    for (name, row, quoted) in [
        ("short.csv", "control,1,2", false),
        ("long.csv", "control,1,2,3,4", false),
        ("short_q.csv", "\"control\",1,2", true),
        ("long_q.csv", "\"control\",1,2,3,4", true),
    ] {
        let mut lines: Vec<String> = csv.lines().map(str::to_string).collect();
        // Line 11; a quote (line 4) sends the file to polars instead of abx's fast reader.
        lines[10] = row.to_string();
        if quoted {
            lines[3] = format!("\"{}", lines[3].replacen(',', "\",", 1));
        }
        let f = write(d.path(), name, lines.join("\n") + "\n");
        for args in [
            vec!["analyze", "-e", EXP, "--data", f.as_str()],
            vec!["verdict", "-e", EXP, "--data", f.as_str()],
            vec!["drift", "-r", f.as_str(), "-c", UNITS],
            vec!["drift", "-r", UNITS, "-c", f.as_str()],
        ] {
            let r = run(&args, Input::None);
            refused(&r, name, "line 11");
            assert!(r.stderr.contains("fields where the header has 4"), "{args:?}: {}", r.stderr);
        }
    }
    let f = write(d.path(), "ids.csv", "unit,plan\nu1,pro\nu2\n");
    refused(&run(&["assign", "-e", EXP, "--input", &f], Input::None), "ids.csv", "line 3");
    let f = write(d.path(), "summary.csv", "variant,metric,n,sum,sum_sq\ncontrol,total_return,10,1\n");
    refused(&run(&["analyze", "-e", EXP, "--summary", &f], Input::None), "summary.csv", "line 2");
}

#[test]
fn power_never_prints_a_wrapped_integer() {
    for args in [
        vec!["power", "proportion", "--baseline", "0.5", "--mde", "1e-12"],
        vec!["power", "mean", "--baseline-mean", "1", "--sd", "1", "--mde", "1e-15"],
        vec!["power", "proportion", "--baseline", "0.5", "--mde", "1e-7", "--alpha", "1e-300"],
        vec!["power", "proportion", "--baseline", "0.5", "--mde", "1e-9", "--curve"],
    ] {
        for format in ["json", "table"] {
            let mut a = args.clone();
            a.extend(["--format", format]);
            let r = run(&a, Input::None);
            assert!(!String::from_utf8_lossy(&r.stdout).contains("18446744073709551615"));
            assert_eq!(r.code, 2, "{a:?}: {}", String::from_utf8_lossy(&r.stdout));
            no_panic(&r);
            assert!(r.stderr.contains("more than 2^53"), "{}", r.stderr);
        }
    }
    let r = run(&["analyze", "-e", EXP, "--data", UNITS, "--prior-mean", "NaN", "--prior-variance", "1"], Input::None);
    assert!(r.code == 2 && r.stderr.contains("--prior-mean"), "{}", r.stderr);
    let r = run(&["analyze", "-e", EXP, "--data", UNITS, "--prior-mean", "0", "--prior-variance", "NaN"], Input::None);
    assert!(r.code == 2 && r.stderr.contains("--prior-variance"), "{}", r.stderr);
}

#[test]
fn messages_quote_a_short_escaped_window() {
    let d = tmp();
    // A stray quote in a 12 MB file.
    let mut text = format!("{HEADER}\n");
    let mut i = 0;
    while text.len() < 12_000_000 {
        let v = ["control", "risk_first", "chain_of_thought", "few_shot"][i % 4];
        text += &format!("{v},0.{i},0.5,0.25\n");
        if i == 500 {
            text += "control,\"1.5,0.2,0.1\n";
        }
        i += 1;
    }
    let f = write(d.path(), "stray.csv", &text);
    for args in [vec!["analyze", "-e", EXP, "--data", f.as_str()], vec!["drift", "-r", f.as_str(), "-c", UNITS]] {
        let r = run(&args, Input::None);
        assert_eq!(r.code, 2, "{}", r.stderr);
        no_panic(&r);
        assert!(r.stderr.contains("stray.csv") && r.stderr.len() < 600, "{} bytes: {}", r.stderr.len(), r.stderr);
    }
    // A 1 MB variant name and a 1 MB column name.
    let f = write(d.path(), "name.csv", format!("{HEADER}\n{},1,2,3\n", "v".repeat(1_000_000)));
    let r = run(&["analyze", "-e", EXP, "--data", &f], Input::None);
    refused(&r, "name.csv", "more characters");
    let f = write(d.path(), "col.csv", format!("{},b\n1,2\n", "c".repeat(1_000_000)));
    let r = run(&["analyze", "-e", EXP, "--data", &f], Input::None);
    refused(&r, "col.csv", "no column");
    let r = run(&["assign", "-e", EXP, "--input", &f], Input::None);
    refused(&r, "col.csv", "no column `unit`");
    // Escape sequences from a file are shown escaped.
    let f = write(d.path(), "esc.csv", format!("{HEADER}\n\x1b[31mred\x07,1,2,3\n"));
    let r = run(&["analyze", "-e", EXP, "--data", &f], Input::None);
    refused(&r, "esc.csv", "\\u{1b}[31mred\\u{7}");
    let f = write(d.path(), "esc.yaml", "name: x\nvariants: [{name: a}, {name: a}]\nbogus\x1b[2J: 1\n");
    let r = run(&["validate", &f], Input::None);
    assert_eq!(r.code, 2);
    no_panic(&r);
}

#[test]
fn directories_and_missing_files_are_said_in_plain_words() {
    let d = tmp();
    let dir = d.path().to_str().unwrap();
    std::fs::write(d.path().join("a.csv"), "x\n1\n").unwrap();
    std::fs::write(d.path().join("b.json"), "{}").unwrap();
    for args in [
        vec!["analyze", "-e", EXP, "--data", dir],
        vec!["analyze", "-e", EXP, "--summary", dir],
        vec!["verdict", "-e", EXP, "--data", dir],
        vec!["drift", "-r", dir, "-c", UNITS],
        vec!["drift", "--reference-profile", dir, "-c", UNITS],
        vec!["assign", "-e", EXP, "--input", dir],
        vec!["validate", dir],
        vec!["analyze", "-e", dir, "--data", UNITS],
    ] {
        let r = run(&args, Input::None);
        assert_eq!(r.code, 2, "{args:?}");
        no_panic(&r);
        assert!(r.stderr.contains(dir) && r.stderr.contains("directory"), "{args:?}: {}", r.stderr);
    }
    let missing = d.path().join("missing.csv");
    let m = missing.to_str().unwrap();
    for args in [
        vec!["analyze", "-e", EXP, "--data", m],
        vec!["analyze", "-e", EXP, "--summary", m],
        vec!["drift", "-r", m, "-c", UNITS],
        vec!["drift", "--reference-profile", m, "-c", UNITS],
        vec!["assign", "-e", EXP, "--input", m],
        vec!["validate", m],
        vec!["analyze", "-e", m, "--data", UNITS],
    ] {
        let r = run(&args, Input::None);
        assert_eq!(r.code, 2, "{args:?}");
        no_panic(&r);
        assert!(r.stderr.contains(m) && r.stderr.contains("no such file"), "{args:?}: {}", r.stderr);
        assert!(!r.stderr.contains("os error"), "{}", r.stderr);
    }
    let f = write(d.path(), "notparquet.parquet", "variant\ncontrol\n");
    let r = run(&["analyze", "-e", EXP, "--data", &f], Input::None);
    refused(&r, "notparquet.parquet", "cannot read the data");
}

#[test]
fn assign_writes_nothing_when_it_fails_before_its_first_row() {
    let d = tmp();
    for (input, words) in [(&b"\nu2\n"[..], "line 1"), (&b"u1\xff\n"[..], "UTF-8")] {
        let r = run(&["assign", "-e", EXP], Input::Bytes(input));
        refused(&r, "<stdin>", words);
    }
    let f = write(d.path(), "ids.csv", "unit\n\"\"\nu2\n");
    let f2 = write(d.path(), "ids2.csv", "unit\n,\n");
    for f in [f, f2] {
        let r = run(&["assign", "-e", EXP, "--input", &f, "--format", "json"], Input::None);
        assert_eq!(r.code, 2, "{}", r.stderr);
        assert!(r.stdout.is_empty(), "{}", String::from_utf8_lossy(&r.stdout));
    }
    // No input at all is still a header (or an empty JSON array).
    let r = run(&["assign", "-e", EXP], Input::Bytes(b""));
    assert_eq!((r.code, String::from_utf8_lossy(&r.stdout).as_ref()), (0, "unit,variant\n"));
}

#[test]
fn a_file_size_limit_is_an_error_and_leaves_no_temporary_file() {
    let d = tmp();
    let dir = d.path();
    std::fs::copy(root().join(EXP), dir.join("e.yaml")).unwrap();
    std::fs::copy(root().join(UNITS), dir.join("units.csv")).unwrap();
    let abx = abx_bin();
    for (cmd, out) in [
        (format!("{} simulate -e e.yaml --units 200000 --output sim.csv", abx.display()), "sim.csv"),
        (format!("{} drift -r units.csv --save-profile profile.json", abx.display()), "profile.json"),
    ] {
        // 16 blocks of 512 bytes: far less than either output.
        let out_ =
            Command::new("bash").current_dir(dir).arg("-c").arg(format!("ulimit -f 16; {cmd}")).output().unwrap();
        let stderr = String::from_utf8_lossy(&out_.stderr);
        assert_eq!(out_.status.code(), Some(2), "{cmd}: {stderr}");
        assert!(stderr.contains(out) && stderr.contains("too large"), "{stderr}");
        assert!(!dir.join(out).exists());
        let left: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.contains("abx-partial"))
            .collect();
        assert!(left.is_empty(), "{left:?}");
    }
}

#[test]
fn hostile_profiles_and_summaries_are_refused() {
    let d = tmp();
    for (name, text, words) in [
        ("trunc.json", "{\"format\": \"abx-drift-profile\", \"version\": 1,", "not a valid drift profile"),
        ("bins.json", "{\"format\":\"abx-drift-profile\",\"version\":1,\"source\":\"x\",\"rows\":1,\"bins\":18446744073709551615,\"columns\":[]}", "bins"),
        ("nul.json", "\0\0\0\0", "not a valid drift profile"),
    ] {
        let f = write(d.path(), name, text);
        let r = run(&["drift", "--reference-profile", &f, "-c", UNITS], Input::None);
        refused(&r, name, words);
    }
    // A profile past 1 GiB (sparse, so the test writes nothing) is refused unread.
    let big = d.path().join("big.json");
    std::fs::File::create(&big).unwrap().set_len((1 << 30) + 1).unwrap();
    let r = run(&["drift", "--reference-profile", big.to_str().unwrap(), "-c", UNITS], Input::None);
    refused(&r, "big.json", "larger than 1 GiB");
    assert!(r.secs < 20.0);
    let f = write(d.path(), "s.csv", "variant,metric,n,sum,sum_sq\ncontrol,total_return,1e400,1,1\n");
    let r = run(&["analyze", "-e", EXP, "--summary", &f], Input::None);
    refused(&r, "s.csv", "line 2");
    let _ = fixture("analyze");
}

#[test]
fn compressed_and_cr_only_files_are_named_not_misread() {
    let d = tmp();
    for (name, bytes, words) in [
        ("gz.csv", &b"\x1f\x8b\x08\x00\x00\x00\x00\x00"[..], "gzip-compressed"),
        ("zst.csv", &b"\x28\xb5\x2f\xfd\x00\x00"[..], "zstd-compressed"),
        ("mac.csv", &b"variant,total_return,win_rate,max_drawdown\rcontrol,1,2,3\r"[..], "carriage return"),
    ] {
        let f = write(d.path(), name, bytes);
        for args in [vec!["analyze", "-e", EXP, "--data", f.as_str()], vec!["drift", "-r", f.as_str(), "-c", UNITS]] {
            refused(&run(&args, Input::None), name, words);
        }
        refused(&run(&["analyze", "-e", EXP, "--data", "-"], Input::Bytes(bytes)), "<stdin>", words);
    }
    let f = write(d.path(), "mac.yaml", "name: x\rvariants: [{name: a}, {name: b}]\r");
    let r = run(&["validate", &f], Input::None);
    assert!(r.code == 2 && r.stderr.contains("mac.yaml:1:8:") && r.stderr.contains("carriage return"), "{}", r.stderr);
}

#[test]
fn every_parquet_type_reads_and_damaged_files_are_errors() {
    // Int16, UInt8, Decimal and Float16 metrics, beside date and list columns.
    let r =
        run(&["analyze", "-e", "fixtures/hostile/types.yaml", "--data", "fixtures/hostile/types.parquet"], Input::None);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let doc: serde_json::Value = serde_json::from_slice(&r.stdout).unwrap();
    let want: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(fixture("hostile/types_expected.json")).unwrap()).unwrap();
    for m in doc["metrics"].as_array().unwrap() {
        for v in m["variants"].as_array().unwrap() {
            let key = format!("{}/{}", m["name"].as_str().unwrap(), v["variant"].as_str().unwrap());
            let (got, exp) = (v["mean"].as_f64().unwrap(), want[&key].as_f64().unwrap());
            assert!((got - exp).abs() <= 1e-12 * exp.abs(), "{key}: {got} vs {exp}");
        }
    }
    // The red team's Parquet corpus: odd types, truncations, flipped bytes.
    let dir = fixture("hostile/parquet");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir).unwrap().flatten().map(|e| e.path()).collect();
    files.sort();
    assert!(files.len() > 50);
    for f in &files {
        let p = f.to_str().unwrap();
        let name = f.file_name().unwrap().to_str().unwrap();
        for args in
            [vec!["analyze", "-e", "experiments/followup_timing.yaml", "--data", p], vec!["drift", "-r", p, "-c", p]]
        {
            let r = run(&args, Input::None);
            no_panic(&r);
            assert!(matches!(r.code, 0..=2), "{args:?}: exit {}: {}", r.code, r.stderr);
            if r.code == 2 {
                assert!(r.stderr.contains(name) && r.stderr.len() < 1200, "{args:?}: {}", r.stderr);
                assert!(!r.stderr.contains("Error {") && !r.stderr.contains("thrift"), "{}", r.stderr);
            }
        }
    }
}

#[test]
fn event_values_are_read_as_their_rows_would_be() {
    let d = tmp();
    let events = std::fs::read_to_string(fixture("analyze/events.csv")).unwrap();
    let json = |data: &str| {
        let f = write(d.path(), "ev.csv", data);
        let r = run(
            &["analyze", "-e", "fixtures/analyze/events.yaml", "--data", &f, "--events", "--unit-column", "user_id"],
            Input::None,
        );
        (r.code, r.stderr, serde_json::from_slice::<serde_json::Value>(&r.stdout).ok())
    };
    let (code, _, base) = json(&events);
    assert_eq!(code, 0);
    // A NaN event value is missing, as an empty one is.
    let with_empty = events.clone() + "user-1,,,1\n";
    let with_nan = events.clone() + "user-1,NaN,NaN,1\n";
    let (a, b) = (json(&with_empty).2.unwrap(), json(&with_nan).2.unwrap());
    let bytes = |v: &serde_json::Value| serde_json::to_vec(&v["metrics"]).unwrap();
    assert!(same_readout(&bytes(&a), &bytes(&b)), "NaN events read otherwise than empty ones");
    assert!(base.is_some());
    // A proportion's event must be 0 or 1.
    for bad in ["2", "-1", "0.5"] {
        let (code, err, _) = json(&(events.clone() + &format!("user-1,5,{bad},1\n")));
        assert_eq!(code, 2, "{bad}: {err}");
        assert!(err.contains("ev.csv") && err.contains("`booked`") && err.contains("0 or 1"), "{err}");
        assert!(err.contains(&format!("found `{bad}`")), "{err}");
    }
}

#[test]
fn calculators_refuse_what_double_precision_cannot_answer() {
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (vec!["test", "srm", "--observed", "100,1000", "--weights", "1e308,1e308"], "too large"),
        (vec!["test", "means", "--control", "5,1,0", "--treatment", "5,2,0"], "sd 0"),
        (vec!["test", "means", "--control", "5,1,0", "--treatment", "5,2,0", "--equal-var"], "sd 0"),
        (vec!["test", "means", "--control", "5,1e308,1e308", "--treatment", "5100,12.6,4.3"], "too large"),
        (vec!["power", "proportion", "--baseline", "0.1", "--mde", "0.01", "--power", "0.01"], "not above --alpha"),
        (vec!["power", "proportion", "--baseline", "0.1", "--mde", "0.01", "--daily-units", "1e-320"], "2^53 days"),
        (vec!["power", "proportion", "--baseline", "0.5", "--n", "1e308"], "at most 2^53"),
        (vec!["power", "proportion", "--baseline", "0.5", "--mde", "1e308"], "--mde"),
    ];
    for (args, words) in cases {
        let r = run(&args, Input::None);
        assert_eq!(r.code, 2, "{args:?}: {}", String::from_utf8_lossy(&r.stdout));
        no_panic(&r);
        assert!(r.stderr.contains(words) && r.stderr.len() < 400, "{args:?}: {}", r.stderr);
    }
    // A large effect is reached at a small n, not "did not converge".
    for mde in ["4", "5", "10", "100"] {
        let r = run(&["power", "mean", "--sd", "1", "--mde", mde, "--format", "json"], Input::None);
        assert_eq!(r.code, 0, "--mde {mde}: {}", r.stderr);
        let doc: serde_json::Value = serde_json::from_slice(&r.stdout).unwrap();
        assert!(doc["n_per_variant"].as_u64().unwrap() <= 3, "{doc}");
    }
}

#[test]
fn simulated_files_read_back_whatever_the_names() {
    let d = tmp();
    let exp = write(
        d.path(),
        "e.yaml",
        "name: odd\nvariants:\n  - name: control\n  - name: 't,r\"x'\nmetrics:\n  - name: 'a,b'\n  - name: c\n    kind: proportion\n",
    );
    let out = d.path().join("sim.csv");
    let r = run(&["simulate", "-e", &exp, "--units", "2000", "--output", out.to_str().unwrap()], Input::None);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = run(&["analyze", "-e", &exp, "--data", out.to_str().unwrap(), "--format", "json"], Input::None);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let doc: serde_json::Value = serde_json::from_slice(&r.stdout).unwrap();
    let n: u64 = doc["metrics"][0]["variants"].as_array().unwrap().iter().map(|v| v["n"].as_u64().unwrap()).sum();
    assert_eq!(n, 2000);
    let clash =
        write(d.path(), "clash.yaml", "name: clash\nvariants: [{name: a}, {name: b}]\nmetrics:\n  - name: unit\n");
    let r = run(&["simulate", "-e", &clash, "--units", "10", "--output", "-"], Input::None);
    assert!(r.code == 2 && r.stderr.contains("`unit`"), "{}", r.stderr);
    let r = run(
        &[
            "simulate",
            "-e",
            EXP,
            "--units",
            "10",
            "--baseline",
            "total_return=1e308",
            "--effect",
            "total_return=0.5",
            "--output",
            "-",
        ],
        Input::None,
    );
    assert!(r.code == 2 && r.stderr.contains("too large to simulate"), "{}", r.stderr);
}

#[test]
fn drift_keeps_numbers_past_the_inferred_type_and_at_the_edge_of_doubles() {
    let d = tmp();
    // An integer column with 2^64 far past the rows polars infers its type from.
    let mut text = String::from("x\n");
    for i in 0..20_000 {
        text += &format!("{}\n", i % 1000);
    }
    text += "18446744073709551616\n";
    let f = write(d.path(), "ints.csv", &text);
    let r = run(&["drift", "-r", &f, "-c", &f, "--format", "json"], Input::None);
    assert_eq!(r.code, 0, "{}", r.stderr);
    // Values near ±1e308: their sd is not 0, nor is the reference constant.
    let mut a = String::from("x\n");
    let mut b = String::from("x\n");
    for i in 0..200 {
        a += &format!("{}\n", if i % 2 == 0 { "-1e308" } else { "1e308" });
        b += &format!("{}e306\n", i % 50);
    }
    let (fa, fb) = (write(d.path(), "a.csv", &a), write(d.path(), "b.csv", &b));
    for binning in ["quantile", "sturges"] {
        let r = run(&["drift", "-r", &fa, "-c", &fb, "--binning", binning, "--format", "json"], Input::None);
        assert_eq!(r.code, 1, "{binning}: {}", r.stderr);
        let doc: serde_json::Value = serde_json::from_slice(&r.stdout).unwrap();
        let c = &doc["columns"][0];
        assert!(c["sd_reference"].as_f64().unwrap() > 9e307, "{c}");
        assert!(!c.to_string().contains("constant"), "{c}");
    }
}

#[test]
fn headers_that_cannot_be_read_as_written_are_refused() {
    let d = tmp();
    let f = write(d.path(), "dup_summary.csv", "variant,metric,n,n,sum,sum_sq\ncontrol,total_return,10,10,1,1\n");
    refused(&run(&["analyze", "-e", EXP, "--summary", &f], Input::None), "dup_summary.csv", "two columns named `n`");
    let f = write(d.path(), "dup_ids.csv", "user_id,user_id\na,b\n");
    let r = run(&["assign", "-e", EXP, "--input", &f, "--id-column", "user_id"], Input::None);
    refused(&r, "dup_ids.csv", "two columns named `user_id`");
    let f = write(d.path(), "q.csv", format!("{}\n\"control\",1,2,3\n", HEADER.replace("win_rate", "\"win\"\"rate\"")));
    for args in [vec!["analyze", "-e", EXP, "--data", f.as_str()], vec!["drift", "-r", f.as_str(), "-c", f.as_str()]] {
        refused(&run(&args, Input::None), "q.csv", "holds a quote");
    }
    let f = write(d.path(), "empty.csv", "");
    refused(&run(&["assign", "-e", EXP, "--input", &f], Input::None), "empty.csv", "the file is empty");
}

/// Output to a device or a FIFO goes through it: abx never renames a file
/// over it (as root, that replaced /dev/null itself for the whole machine).
#[test]
fn outputs_to_devices_and_fifos_are_written_through() {
    use std::os::unix::fs::FileTypeExt;
    let d = tempfile::tempdir().unwrap();
    let null = d.path().join("null");
    std::os::unix::fs::symlink("/dev/null", &null).unwrap();
    let null_s = null.to_str().unwrap();
    let sim = ["simulate", "-e", EXP, "--units", "200", "--seed", "1", "--output"];
    for args in [[&sim[..], &[null_s]].concat(), vec!["drift", "-r", UNITS, "--save-profile", null_s]] {
        let r = run(&args, Input::None);
        assert_eq!(r.code, 0, "{args:?}: {}", r.stderr);
        assert!(std::fs::symlink_metadata(&null).unwrap().file_type().is_symlink(), "{args:?}");
        assert!(std::fs::metadata("/dev/null").unwrap().file_type().is_char_device(), "{args:?}");
    }
    let fifo = d.path().join("profile");
    assert!(Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    let f2 = fifo.clone();
    let reader = std::thread::spawn(move || std::fs::read(f2).unwrap());
    let r = run(&["drift", "-r", UNITS, "--save-profile", fifo.to_str().unwrap()], Input::None);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let got = reader.join().unwrap();
    assert!(serde_json::from_slice::<serde_json::Value>(&got).is_ok(), "the profile came through the FIFO whole");
    assert!(std::fs::symlink_metadata(&fifo).unwrap().file_type().is_fifo());
    let leftovers = std::fs::read_dir(d.path()).unwrap().filter(|e| e.is_ok()).count();
    assert_eq!(leftovers, 2, "no temporary file is left beside them");
}
