//! The abx binary: parse, dispatch, map typed errors to exit codes.

use std::io::Write;

use abx::cmd::{dispatch, Cli, Ctx};
use abx::error::AbxError;
use abx::exit::ExitStatus;
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
    #[allow(unsafe_code)]
    unsafe {
        libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
    }
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // --help and --version are not errors; a closed stdout is ignored.
            let status = if e.use_stderr() { ExitStatus::Usage } else { ExitStatus::Ok };
            let _ = e.print();
            std::process::exit(status.code());
        }
    };
    // A panic is a bug, and never the answer: inside a polars read it becomes
    // that file's error (data::guarded); anywhere else one short paragraph,
    // exit 2, without a backtrace.
    std::panic::set_hook(Box::new(|info| {
        let text = abx::data::panic_text(info.payload());
        if abx::data::in_guarded_read() {
            abx::data::keep_panic_message(text);
        } else {
            let at = info.location().map(|l| format!(" ({}:{})", l.file(), l.line())).unwrap_or_default();
            let _ = writeln!(
                std::io::stderr(),
                "error: internal error in abx: {}{at}; this is a bug, please report it with the command that caused it",
                abx::bounds::clean_message(&text)
            );
        }
    }));
    let ctx = Ctx::detect();
    let result = std::panic::catch_unwind(|| dispatch(cli, &ctx)).unwrap_or(Ok(ExitStatus::Usage));
    let code = match result {
        Ok(code) => code,
        Err(e) if e.is_broken_pipe() => ExitStatus::Ok,
        Err(AbxError::Experiment(errors)) => {
            let mut stderr = std::io::stderr().lock();
            for err in &errors {
                let _ = writeln!(stderr, "{}", err.render(ctx.style()));
            }
            let n: usize = errors.iter().map(|e| e.diagnostics.len()).sum();
            let _ = writeln!(
                stderr,
                "error: the experiment file has {}; check it with `abx validate`",
                abx::numfmt::plural(n as u64, "problem")
            );
            ExitStatus::Usage
        }
        Err(e) => {
            let label = if ctx.color { "\x1b[1;31merror:\x1b[0m" } else { "error:" };
            let _ = writeln!(std::io::stderr(), "{label} {}", abx::bounds::clean_message(&e.to_string()));
            e.exit_status()
        }
    };
    abx::data::outcomes::remove_spools();
    std::process::exit(code.code());
}
