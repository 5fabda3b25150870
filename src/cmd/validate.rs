//! `abx validate FILE...`: check experiment files, reporting every problem at once.

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::Args;
use serde_json::{json, Value};

use super::Ctx;
use crate::error::{AbxError, Result};
use crate::exit::ExitStatus;
use crate::experiment::{self, Diagnostic, Experiment, InvalidExperiment, LoadError};
use crate::report::{Document, Format, Table};

#[derive(Debug, Args)]
#[command(
    about = "Check experiment files and report every problem at once",
    after_help = "Problems are printed on stderr as file:line:column with the line quoted.\n\n\
Examples:\n  abx validate experiments/*.yaml\n  abx validate experiments/followup_timing.yaml --format json\n\n\
Exit codes: 0 all files valid, 2 any problem."
)]
pub struct ValidateArgs {
    /// Experiment files to check
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Output format of the summary [default: table on a terminal, else json]
    #[arg(long, short = 'f', value_parser = super::util::formats())]
    pub format: Option<Format>,
}

enum Outcome {
    Valid(Box<Experiment>),
    Invalid(InvalidExperiment),
    Unreadable(String),
}

fn check(path: &Path) -> Outcome {
    match experiment::load(path) {
        Ok(e) => Outcome::Valid(Box::new(e)),
        Err(LoadError::Invalid(e)) => Outcome::Invalid(e),
        Err(LoadError::Read(e)) => Outcome::Unreadable(crate::bounds::clean_message(&AbxError::from(e).to_string())),
    }
}

fn problem_json(d: &Diagnostic) -> Value {
    json!({"line": d.pos.line, "column": d.pos.col, "message": d.message, "help": d.help})
}

pub fn run(args: &ValidateArgs, ctx: &Ctx) -> Result<ExitStatus> {
    let mut table = Table::new(&["file", "experiment", "variants", "metrics", "result"]);
    let mut files = Vec::new();
    let mut bad_files = 0;
    let mut problems = 0;
    let mut stderr = Vec::new();
    for path in &args.files {
        let shown = path.display().to_string();
        match check(path) {
            Outcome::Valid(e) => {
                table.push(vec![
                    json!(shown),
                    json!(e.name),
                    json!(e.variants.len()),
                    json!(e.metrics.len()),
                    json!("ok"),
                ]);
                files.push(json!({"file": shown, "valid": true, "experiment": e.name, "problems": []}));
            }
            Outcome::Invalid(err) => {
                bad_files += 1;
                problems += err.diagnostics.len();
                let _ = writeln!(stderr, "{}", err.render(ctx.style()));
                let n = err.diagnostics.len();
                table.push(vec![
                    json!(shown),
                    Value::Null,
                    Value::Null,
                    Value::Null,
                    json!(format!("{n} problem{}", if n == 1 { "" } else { "s" })),
                ]);
                files.push(json!({"file": shown, "valid": false, "experiment": null,
                    "problems": err.diagnostics.iter().map(problem_json).collect::<Vec<_>>()}));
            }
            Outcome::Unreadable(msg) => {
                bad_files += 1;
                problems += 1;
                let _ = writeln!(stderr, "error: {msg}\n");
                table.push(vec![json!(shown), Value::Null, Value::Null, Value::Null, json!("unreadable")]);
                files.push(json!({"file": shown, "valid": false, "experiment": null,
                    "problems": [{"line": null, "column": null, "message": msg, "help": null}]}));
            }
        }
    }
    let _ = std::io::stderr().write_all(&stderr);
    let mut report =
        Document { json: json!({"valid": bad_files == 0, "files": files}), tables: vec![table], ..Document::default() };
    let n = args.files.len();
    report.notes.push(if bad_files == 0 {
        format!("{n} file{} valid", if n == 1 { "" } else { "s" })
    } else {
        format!(
            "{bad_files} of {n} file{} invalid, {problems} problem{}",
            if n == 1 { "" } else { "s" },
            if problems == 1 { "" } else { "s" }
        )
    });
    ctx.emit(&report, Format::resolve(args.format, ctx.stdout_tty))?;
    Ok(if bad_files == 0 { ExitStatus::Ok } else { ExitStatus::Usage })
}
