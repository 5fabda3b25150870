//! The command line: one module per subcommand, each with its clap args and
//! a `run` that checks the flags, calls the library once and emits the
//! result (`Ctx::emit`); `util` holds what several commands share.

pub mod analyze;
pub mod assign;
pub mod bandit;
pub mod completions;
pub mod drift;
pub mod growthbook;
pub mod init;
pub mod man;
pub mod power;
pub mod report;
pub mod simulate;
pub mod sql;
pub mod test;
pub(crate) mod util;
pub mod validate;
pub mod verdict;

use std::io::{self, IsTerminal, Write};

use clap::{Parser, Subcommand};

use crate::error::Result;
use crate::exit::ExitStatus;
use crate::experiment::Style;
use crate::report::{Format, Output};

const EXAMPLES: &str = "\
Examples:
  abx init                                   scaffold experiments/example.yaml
  abx validate experiments/*.yaml            check experiment files
  abx assign -e experiments/followup_timing.yaml --id user_1 --id user_2
  seq -f 'user_%g' 1 1000000 | abx assign -e experiments/followup_timing.yaml > assignments.csv
  abx power proportion --baseline 0.12 --mde 0.05 --relative
  abx test proportions --control 480/10000 --treatment 552/10000
  abx analyze -e experiments/followup_timing.yaml --data outcomes.parquet
  abx verdict -e experiments/followup_timing.yaml --data outcomes.parquet && deploy.sh
  abx drift --reference train.parquet --current today.parquet || retrain.sh
  duckdb -csv -c \"$(abx sql summary -e exp.yaml --engine duckdb --from big_table)\" | abx analyze -e exp.yaml --summary -

Exit codes: 0 success, 2 usage or input error.
abx verdict: 0 promote, 1 keep_control, 3 continue, 4 invalid (SRM).
abx drift: 0 no drift, 1 drift.
Set NO_COLOR to turn colour off.";

#[derive(Debug, Parser)]
#[command(
    name = "abx",
    version,
    about = "Online experiments from the command line: design, assign, analyze, decide, monitor drift",
    after_help = EXAMPLES,
    propagate_version = true,
    disable_help_subcommand = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    Validate(validate::ValidateArgs),
    Init(init::InitArgs),
    Assign(assign::AssignArgs),
    Analyze(analyze::AnalyzeArgs),
    Verdict(verdict::VerdictArgs),
    Bandit(bandit::BanditArgs),
    Simulate(simulate::SimulateArgs),
    Drift(drift::DriftArgs),
    Sql(sql::SqlArgs),
    Growthbook(growthbook::GrowthbookArgs),
    Report(report::ReportArgs),
    Power(power::PowerArgs),
    Test(test::TestArgs),
    Completions(completions::CompletionsArgs),
    Man(man::ManArgs),
}

/// What a command needs to know about where it writes.
#[derive(Debug, Clone, Copy)]
pub struct Ctx {
    pub stdout_tty: bool,
    pub stderr_tty: bool,
    /// Colour on stderr: a terminal, and NO_COLOR unset or empty.
    pub color: bool,
}

impl Ctx {
    pub fn detect() -> Ctx {
        let stderr_tty = io::stderr().is_terminal();
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        Ctx { stdout_tty: io::stdout().is_terminal(), stderr_tty, color: stderr_tty && !no_color }
    }

    pub fn style(&self) -> Style {
        Style { color: self.color }
    }

    /// Writes a result to stdout in `format`.
    pub fn emit<T: Output + ?Sized>(&self, result: &T, format: Format) -> Result<()> {
        let mut buf = Vec::new();
        crate::report::render(result, format, &mut buf)?;
        let mut out = io::stdout().lock();
        out.write_all(&buf)?;
        out.flush()?;
        Ok(())
    }

    /// An HTML page on stdout.
    pub fn emit_page(&self, page: &crate::report::html::Page) -> Result<()> {
        let mut buf = Vec::new();
        crate::report::html::render(page, &mut buf)?;
        let mut out = io::stdout().lock();
        out.write_all(&buf)?;
        out.flush()?;
        Ok(())
    }

    /// A note on stderr (what was written where).
    pub fn info(&self, message: &str) {
        let _ = writeln!(io::stderr(), "{}", crate::bounds::clean_message(message));
    }

    /// A warning on stderr.
    pub fn warn(&self, message: &str) {
        let label = if self.color { "\x1b[1;33mwarning:\x1b[0m" } else { "warning:" };
        let _ = writeln!(io::stderr(), "{label} {}", crate::bounds::clean_message(message));
    }
}

/// Runs the parsed command and returns its exit code.
pub fn dispatch(cli: Cli, ctx: &Ctx) -> Result<ExitStatus> {
    match cli.command {
        Command::Validate(args) => validate::run(&args, ctx),
        Command::Init(args) => init::run(&args, ctx),
        Command::Report(args) => report::run(&args, ctx),
        Command::Assign(args) => assign::run(&args, ctx),
        Command::Analyze(args) => analyze::run(&args, ctx),
        Command::Verdict(args) => verdict::run(&args, ctx),
        Command::Bandit(args) => bandit::run(&args, ctx),
        Command::Simulate(args) => simulate::run(&args, ctx),
        Command::Drift(args) => drift::run(&args, ctx),
        Command::Sql(args) => sql::run(&args, ctx),
        Command::Growthbook(args) => growthbook::run(&args, ctx),
        Command::Power(args) => power::run(&args, ctx),
        Command::Test(args) => test::run(&args, ctx),
        Command::Completions(args) => completions::run(&args, ctx),
        Command::Man(args) => man::run(&args, ctx),
    }
}

/// A progress spinner on stderr, shown only when stderr is a terminal and
/// stdout is not (results printed to the same terminal would interleave with
/// it), and cleared when it goes out of scope, on success or on error.
pub(crate) struct Spinner(indicatif::ProgressBar);

impl Spinner {
    /// A spinner with `template` ("{spinner} {msg}" when None), ticking on its own when `steady`.
    pub(crate) fn new(ctx: &Ctx, template: Option<&str>, steady: bool) -> Spinner {
        if !ctx.stderr_tty || ctx.stdout_tty {
            return Spinner(indicatif::ProgressBar::hidden());
        }
        let pb = indicatif::ProgressBar::new_spinner();
        pb.set_draw_target(indicatif::ProgressDrawTarget::stderr());
        if let Some(Ok(style)) = template.map(indicatif::ProgressStyle::with_template) {
            pb.set_style(style);
        }
        if steady {
            pb.enable_steady_tick(std::time::Duration::from_millis(120));
        }
        Spinner(pb)
    }

    /// The underlying bar, for callbacks on other threads.
    pub(crate) fn bar(&self) -> indicatif::ProgressBar {
        self.0.clone()
    }
}

impl std::ops::Deref for Spinner {
    type Target = indicatif::ProgressBar;
    fn deref(&self) -> &indicatif::ProgressBar {
        &self.0
    }
}

impl Drop for Spinner {
    fn drop(&mut self) {
        self.0.finish_and_clear();
    }
}

/// A spinner on stderr while a large file is read.
pub(crate) fn spinner(ctx: &Ctx, what: &str) -> Spinner {
    let pb = Spinner::new(ctx, None, true);
    pb.set_message(format!("reading {what}"));
    pb
}
