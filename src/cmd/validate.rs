//! `abx validate FILE...`: check experiment files, reporting every problem at once.

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::Args;

use super::Ctx;
use crate::error::{AbxError, Result};
use crate::exit::ExitStatus;
use crate::experiment::checked::{Checked, FileCheck, Problem};
use crate::experiment::{self, Experiment, InvalidExperiment, LoadError};
use crate::report::Format;

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

pub fn run(args: &ValidateArgs, ctx: &Ctx) -> Result<ExitStatus> {
    let mut files = Vec::new();
    let mut stderr = Vec::new();
    for path in &args.files {
        let file = path.display().to_string();
        files.push(match check(path) {
            Outcome::Valid(e) => {
                for w in e.filter_warnings() {
                    ctx.warn(&format!("{file}: {w}"));
                }
                FileCheck {
                    file,
                    valid: true,
                    experiment: Some(e.name.clone()),
                    problems: Vec::new(),
                    counts: Some((e.variants.len(), e.metrics.len())),
                    unreadable: false,
                }
            }
            Outcome::Invalid(err) => {
                let _ = writeln!(stderr, "{}", err.render(ctx.style()));
                let problems = err.diagnostics.iter().map(Problem::from).collect();
                FileCheck { file, valid: false, experiment: None, problems, counts: None, unreadable: false }
            }
            Outcome::Unreadable(message) => {
                let _ = writeln!(stderr, "error: {message}\n");
                let problems = vec![Problem { line: None, column: None, message, help: None }];
                FileCheck { file, valid: false, experiment: None, problems, counts: None, unreadable: true }
            }
        });
    }
    // Across files: the layers and holdouts of the valid experiments.
    let valid: Vec<(usize, Experiment)> = args
        .files
        .iter()
        .enumerate()
        .filter(|(i, _)| files[*i].valid)
        .filter_map(|(i, p)| experiment::load(p).ok().map(|e| (i, e)))
        .collect();
    for (i, message) in experiment::across(&valid, &args.files) {
        let _ = writeln!(stderr, "error: {}: {message}\n", files[i].file);
        files[i].valid = false;
        files[i].problems.push(Problem { line: None, column: None, message, help: None });
    }
    let _ = std::io::stderr().write_all(&stderr);
    let checked = Checked { valid: files.iter().all(|f| f.valid), files };
    ctx.emit(&checked, Format::resolve(args.format, ctx.stdout_tty))?;
    Ok(if checked.valid { ExitStatus::Ok } else { ExitStatus::Usage })
}
