//! The CSV readers behind `abx analyze --data` (abx's fast reader, and
//! polars for quoted files), through the whole command in-process: any file
//! gives a readout or an error, never a panic. See `tests/it/fuzz_checks.rs`.
#![no_main]
use std::sync::OnceLock;

use abx::cmd::{dispatch, Cli, Ctx};
use clap::Parser;
use libfuzzer_sys::fuzz_target;

#[path = "../../tests/it/fuzz_checks.rs"]
mod checks;

fn dir() -> &'static tempfile::TempDir {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| {
        let d = tempfile::tempdir().unwrap();
        std::fs::write(d.path().join("e.yaml"), checks::CSV_EXPERIMENT).unwrap();
        d
    })
}

fuzz_target!(|data: &[u8]| {
    let Some((name, body, flags)) = checks::csv_case(data) else { return };
    let d = dir();
    let exp = d.path().join("e.yaml");
    let file = d.path().join(name);
    std::fs::write(&file, body).unwrap();
    let mut args = vec!["abx", "analyze", "-e", exp.to_str().unwrap(), "--data", file.to_str().unwrap()];
    args.extend(flags);
    let Ok(cli) = Cli::try_parse_from(&args) else { return };
    let ctx = Ctx { stdout_tty: false, stderr_tty: false, color: false };
    if let Err(e) = dispatch(cli, &ctx) {
        assert!(!e.to_string().is_empty());
    }
});
