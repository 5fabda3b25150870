//! `abx init [DIR]`: scaffold `experiments/example.yaml`, never overwriting.

use std::io::Write;
use std::path::PathBuf;

use clap::Args;

use super::Ctx;
use crate::error::{AbxError, Result};
use crate::exit::ExitStatus;
use crate::fsutil::write_atomic;
use crate::report::Format;

/// The scaffolded experiment, with every field commented.
pub const TEMPLATE: &str = include_str!("../../templates/example.yaml");

#[derive(Debug, Args)]
#[command(
    about = "Scaffold experiments/example.yaml with every field commented",
    after_help = "An existing file is never overwritten.\n\nExamples:\n  abx init\n  abx init my-project"
)]
pub struct InitArgs {
    /// The project directory; the file goes to DIR/experiments/example.yaml
    #[arg(default_value = ".", value_name = "DIR")]
    pub dir: PathBuf,
    /// Output format [default: the created path alone; json gives {"schema_version": 1, "created": PATH}]
    #[arg(long, short = 'f', value_parser = super::util::formats())]
    pub format: Option<Format>,
}

pub fn run(args: &InitArgs, ctx: &Ctx) -> Result<ExitStatus> {
    let folder = args.dir.join("experiments");
    std::fs::create_dir_all(&folder)
        .map_err(|source| AbxError::Write { path: folder.display().to_string(), source })?;
    let path = folder.join("example.yaml");
    // symlink_metadata: a dangling link is there too, and is never written through.
    if std::fs::symlink_metadata(&path).is_ok() {
        return Err(AbxError::input(
            path.display().to_string(),
            "already exists; abx init never overwrites a file (remove it or pick another DIR)",
        ));
    }
    write_atomic(&path, TEMPLATE.as_bytes(), false)?;
    let shown = path.display().to_string();
    match args.format {
        None => {
            let mut out = std::io::stdout().lock();
            writeln!(out, "{shown}")?;
            out.flush()?;
        }
        Some(format) => {
            ctx.emit(&crate::views::created::Created { created: shown.clone() }, format)?;
        }
    }
    ctx.info(&format!("created {shown}; check it with `abx validate {shown}`"));
    Ok(ExitStatus::Ok)
}
