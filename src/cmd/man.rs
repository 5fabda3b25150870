//! `abx man [COMMAND]`: the manual page of abx or of one command, in roff
//! (clap_mangen), from the same definitions as `--help`.

use std::io::Write;

use clap::{Args, CommandFactory};

use super::{Cli, Ctx};
use crate::error::{AbxError, Result};
use crate::exit::ExitStatus;

#[derive(Debug, Args)]
#[command(
    about = "Print the manual page of abx, or of one command (roff)",
    after_help = "Examples:\n  abx man | man -l -\n  abx man analyze > abx-analyze.1"
)]
pub struct ManArgs {
    /// The command whose page to print [default: abx itself]
    #[arg(value_name = "COMMAND")]
    pub command: Option<String>,
}

/// The commands with a page of their own, in `--help` order.
pub fn commands() -> Vec<String> {
    Cli::command().get_subcommands().map(|c| c.get_name().to_string()).collect()
}

/// The page of abx (`None`) or of one of its commands, or None if there is no such command.
pub fn page(command: Option<&str>) -> Option<Vec<u8>> {
    let root = Cli::command();
    let cmd = match command {
        None => root,
        Some(name) => {
            let version = root.get_version().unwrap_or_default().to_string();
            root.find_subcommand(name)?.clone().name(format!("abx-{name}")).version(version)
        }
    };
    let mut buf = Vec::new();
    clap_mangen::Man::new(cmd).render(&mut buf).ok()?;
    Some(buf)
}

pub fn run(args: &ManArgs, _ctx: &Ctx) -> Result<ExitStatus> {
    let Some(text) = page(args.command.as_deref()) else {
        return Err(AbxError::Usage(format!(
            "no command `{}`; the commands are: {}",
            crate::bounds::quote(args.command.as_deref().unwrap_or_default()),
            commands().join(", ")
        )));
    };
    let mut out = std::io::stdout().lock();
    out.write_all(&text)?;
    out.flush()?;
    Ok(ExitStatus::Ok)
}
