//! `abx report`: the overview of many experiments (analysis::board), and with
//! --output-dir a static site: index.html and a page per experiment.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use clap::Args;

use super::Ctx;
use crate::analysis::board::{self, Board, Entry};
use crate::analysis::readout::Hooks;
use crate::error::{AbxError, Result};
use crate::exit::ExitStatus;
use crate::fsutil::write_output;
use crate::numfmt::plural;
use crate::report::html::Block;
use crate::report::Format;

#[derive(Debug, Args)]
#[command(
    about = "An overview of many experiments: status, units, days running, the primary lift and the verdict",
    long_about = "An overview of many experiments: status, units, days running, the primary metric's \
lift per treatment with its interval, and the verdict (as `abx verdict` gives it), one row per experiment.\n\n\
Each experiment's outcomes are found in --data-dir by the experiment's `name`, trying in order \
NAME.parquet, NAME.csv, NAME_units.parquet, NAME_units.csv (unit-level data, as --data reads it), \
NAME.summary.csv, NAME_summary.csv (a summary, as --summary reads it). Exactly one may exist: two are an \
error for that experiment, none shows it as having no data yet.\n\n\
With --output-dir, writes DIR/index.html (the overview, linking each experiment) and DIR/NAME.html \
(each experiment's verdict page with its readout and charts), each file atomically: the static \
page a CI job publishes as its experiment board; each page links back to the index. Other files \
in DIR are left as they are (pages of experiments no longer given included: start from an empty \
DIR to publish only these). The overview also goes to stdout in --format.\n\n\
Exit code 0 when every experiment was read, 2 when any could not be (its row says why; the other \
rows and pages are still written). Verdicts do not change the exit code: gate on `abx verdict` for that.",
    after_help = "Examples:\n  \
abx report experiments/prompt_engineering_test.yaml experiments/followup_timing.yaml --data-dir fixtures/report/board --format table\n  \
abx report experiments/*.yaml --data-dir fixtures/report/board --output-dir site --format json"
)]
pub struct ReportArgs {
    /// Experiment files
    #[arg(required = true, value_name = "FILE")]
    pub experiments: Vec<PathBuf>,
    /// The directory holding each experiment's data, named after the experiment (see above)
    #[arg(long, value_name = "DIR")]
    pub data_dir: PathBuf,
    /// Write index.html and NAME.html per experiment into this directory (created if missing)
    #[arg(long, value_name = "DIR")]
    pub output_dir: Option<PathBuf>,
    /// The date days running and each experiment's `end` are counted to [default: today]
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub as_of: Option<NaiveDate>,
    /// Output format [default: table on a terminal, else json]
    #[arg(long, short = 'f', value_parser = super::util::formats())]
    pub format: Option<Format>,
}

/// A file name for an experiment's page: its name with anything but
/// letters, digits, `-`, `_` and `.` replaced, never hidden.
fn page_name(name: &str) -> String {
    let safe: String =
        name.chars().map(|c| if c.is_ascii_alphanumeric() || "-_.".contains(c) { c } else { '_' }).collect();
    let safe = safe.trim_start_matches('.');
    let safe = if safe.is_empty() || safe.eq_ignore_ascii_case("index") {
        format!("experiment_{safe}")
    } else {
        safe.to_string()
    };
    format!("{safe}.html")
}

pub fn run(args: &ReportArgs, ctx: &Ctx) -> Result<ExitStatus> {
    if !args.data_dir.is_dir() {
        return Err(AbxError::input(args.data_dir.display().to_string(), "not a directory (--data-dir)"));
    }
    let today = args.as_of.unwrap_or_else(|| chrono::Local::now().date_naive());
    let mut entries: Vec<Entry> = Vec::new();
    for file in &args.experiments {
        let exp = match crate::experiment::load(file) {
            Ok(e) => e,
            Err(crate::experiment::LoadError::Invalid(e)) => {
                // Each problem at file:line:column, on one line for the row.
                let problems: Vec<String> = e
                    .diagnostics
                    .iter()
                    .map(|d| format!("{}:{}:{}: {}", e.path, d.pos.line, d.pos.col, d.message))
                    .collect();
                entries.push(unreadable(file, &problems.join("; ")));
                continue;
            }
            Err(e) => {
                let err: AbxError = e.into();
                entries.push(unreadable(file, &err.to_string()));
                continue;
            }
        };
        if entries.iter().any(|e| e.experiment == exp.name && e.error.is_none()) {
            return Err(AbxError::Usage(format!(
                "two experiment files are named `{}`; each needs its own name for its data and its page",
                exp.name
            )));
        }
        let name = exp.name.clone();
        let warn = |m: &str| ctx.warn(&format!("{name}: {m}"));
        let hooks = Hooks { warn: &warn, rows_read: None };
        entries.push(board::entry(file, &exp, &args.data_dir, today, &hooks));
    }
    let mut board = Board { as_of: today, data_dir: args.data_dir.display().to_string(), experiments: entries };
    if let Some(dir) = &args.output_dir {
        write_site(&mut board, dir, ctx)?;
    }
    ctx.emit(&board, Format::resolve(args.format, ctx.stdout_tty))?;
    let failed: Vec<&str> = board.experiments.iter().filter(|e| e.error.is_some()).map(|e| e.file.as_str()).collect();
    if failed.is_empty() {
        return Ok(ExitStatus::Ok);
    }
    for e in board.experiments.iter().filter(|e| e.error.is_some()) {
        ctx.warn(&format!("{}: {}", e.file, e.error.as_deref().unwrap_or("")));
    }
    let n = board.experiments.len();
    ctx.warn(&format!("{} of {} could not be read", failed.len(), plural(n as u64, "experiment")));
    Ok(ExitStatus::Usage)
}

/// A row for an experiment file that does not load.
fn unreadable(file: &Path, why: &str) -> Entry {
    let stem = file.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    Entry { error: Some(why.to_string()), ..Entry::blank(file, &stem, "unreadable") }
}

/// index.html and a page per experiment with a verdict.
fn write_site(board: &mut Board, dir: &Path, ctx: &Ctx) -> Result<()> {
    if dir.exists() && !dir.is_dir() {
        return Err(AbxError::input(dir.display().to_string(), "not a directory (--output-dir)"));
    }
    std::fs::create_dir_all(dir).map_err(|e| AbxError::Write { path: dir.display().to_string(), source: e })?;
    let mut names: Vec<String> = Vec::new();
    let as_of = board.as_of;
    for e in board.experiments.iter_mut() {
        let Some((verdict, readout)) = &e.full else { continue };
        let name = page_name(&e.experiment);
        if names.iter().any(|n| n.eq_ignore_ascii_case(&name)) {
            return Err(AbxError::Usage(format!(
                "experiments `{}` and another have the same page name {name}: rename one",
                e.experiment
            )));
        }
        let mut page = crate::views::pages::verdict_page(verdict, readout.as_ref());
        let back = format!("← All experiments (as of {as_of})");
        page.blocks.insert(0, Block::Links(vec![("index.html".into(), back)]));
        write_output(&dir.join(&name), crate::report::html::to_string(&page).as_bytes())?;
        e.page = Some(name.clone());
        names.push(name);
    }
    let index = crate::report::Output::page(&*board);
    write_output(&dir.join("index.html"), crate::report::html::to_string(&index).as_bytes())?;
    ctx.info(&format!(
        "wrote {} and {}",
        dir.join("index.html").display(),
        plural(names.len() as u64, "experiment page")
    ));
    Ok(())
}
