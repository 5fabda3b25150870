//! `abx completions SHELL`: shell completion scripts (clap_complete).

use std::io::Write;

use clap::{Args, CommandFactory};
use clap_complete::Shell;

use super::{Cli, Ctx};
use crate::error::Result;
use crate::exit::ExitStatus;

#[derive(Debug, Args)]
#[command(
    about = "Print a shell completion script",
    after_help = "Examples:\n  abx completions bash > ~/.local/share/bash-completion/completions/abx\n  abx completions zsh > ~/.zfunc/_abx"
)]
pub struct CompletionsArgs {
    /// The shell to complete for
    #[arg(value_enum)]
    pub shell: Shell,
}

/// The completion script for `shell`.
pub fn script(shell: Shell) -> Vec<u8> {
    let mut buf = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "abx", &mut buf);
    buf
}

pub fn run(args: &CompletionsArgs, _ctx: &Ctx) -> Result<ExitStatus> {
    let mut out = std::io::stdout().lock();
    out.write_all(&script(args.shell))?;
    out.flush()?;
    Ok(ExitStatus::Ok)
}
