//! The CSV readers behind `abx analyze --data` (abx's fast reader, and
//! polars for quoted files), through the whole command: any file gives a
//! readout or exit 2 with a message, never a panic.
#![no_main]
use std::sync::OnceLock;

use abx::cmd::{dispatch, Cli, Ctx};
use clap::Parser;
use libfuzzer_sys::fuzz_target;

const EXPERIMENT: &str = "name: fuzz
variants:
  - name: control
  - name: treatment
metrics:
  - name: revenue
  - name: converted
    kind: proportion
  - name: per_session
    kind: ratio
    numerator: revenue
    denominator: sessions
  - name: spend
    covariate: pre
    cap: { percentile: 0.9 }
targeting:
  - attribute: plan
    op: in
    values: [pro, team]
";

fn dir() -> &'static tempfile::TempDir {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| {
        let d = tempfile::tempdir().unwrap();
        std::fs::write(d.path().join("e.yaml"), EXPERIMENT).unwrap();
        d
    })
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, body)) = data.split_first() else { return };
    let d = dir();
    let exp = d.path().join("e.yaml");
    let file = d.path().join(if mode & 8 == 0 { "d.csv" } else { "d.tsv" });
    std::fs::write(&file, body).unwrap();
    let (e, f) = (exp.to_str().unwrap(), file.to_str().unwrap());
    let mut args = vec!["abx", "analyze", "-e", e, "--data", f, "--format", "json"];
    match mode % 4 {
        1 => args.extend(["--unit-column", "unit"]),
        2 => args.extend(["--unit-column", "unit", "--events"]),
        3 => args.extend(["--unit-column", "unit", "--events", "--by", "segment"]),
        _ => {}
    }
    if mode & 4 != 0 {
        args.extend(["--variant-column", "arm"]);
    }
    let Ok(cli) = Cli::try_parse_from(&args) else { return };
    let ctx = Ctx { stdout_tty: false, stderr_tty: false, color: false };
    if let Err(e) = dispatch(cli, &ctx) {
        let text = e.to_string();
        assert!(!text.is_empty());
    }
});
