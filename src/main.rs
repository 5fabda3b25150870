//! The abx binary: parse, dispatch, map typed errors to exit codes.

use std::io::Write;

use abx::cmd::{dispatch, Cli, Ctx};
use abx::error::{exit, AbxError};
use clap::Parser;

// polars allocates heavily from many threads; mimalloc is what its own
// releases ship with and is several times faster than glibc malloc there.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    // A file-size limit (ulimit -f) would kill the process with SIGXFSZ mid-write
    // and leave a temporary file; ignored, the write fails with EFBIG instead,
    // which abx reports after removing the temporary file.
    #[cfg(unix)]
    // SAFETY: setting a signal's disposition to SIG_IGN before any thread starts.
    unsafe {
        libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
    }
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // --help and --version are not errors; a closed stdout is ignored.
            let code = if e.use_stderr() { exit::USAGE } else { exit::OK };
            let _ = e.print();
            std::process::exit(code);
        }
    };
    let ctx = Ctx::detect();
    let code = match dispatch(cli, &ctx) {
        Ok(code) => code,
        Err(e) if e.is_broken_pipe() => exit::OK,
        Err(AbxError::Spec(errors)) => {
            let mut stderr = std::io::stderr().lock();
            for err in &errors {
                let _ = writeln!(stderr, "{}", err.render(ctx.style()));
            }
            let n: usize = errors.iter().map(|e| e.diagnostics.len()).sum();
            let _ = writeln!(
                stderr,
                "error: the experiment file has {n} problem{}; check it with `abx validate`",
                if n == 1 { "" } else { "s" }
            );
            exit::USAGE
        }
        Err(e) => {
            let label = if ctx.color { "\x1b[1;31merror:\x1b[0m" } else { "error:" };
            let _ = writeln!(std::io::stderr(), "{label} {}", abx::bounds::clean_message(&e.to_string()));
            e.exit_code()
        }
    };
    abx::data::outcomes::remove_spools();
    std::process::exit(code);
}
