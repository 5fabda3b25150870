//! Reading input data. Unit ids stream through [`lines`] and [`records`] and
//! are processed by the ordered parallel [`pipeline`]. Outcome data for
//! `abx analyze` is reduced with polars in [`outcomes`] (the only polars
//! code) or read pre-aggregated by [`summary`].

pub mod columns;
mod csvfast;
pub mod lines;
pub mod outcomes;
pub mod pipeline;
pub mod records;
pub mod summary;
pub mod write;

pub use outcomes::is_parquet;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use crate::error::AbxError;

/// How many [`guarded`] reads are under way, and the message of a panic
/// raised in one of them (on any thread).
static GUARDED: AtomicUsize = AtomicUsize::new(0);
static PANIC_MESSAGE: Mutex<Option<String>> = Mutex::new(None);

/// True while a [`guarded`] read runs: the panic hook then keeps the message
/// for the error instead of printing a backtrace.
pub fn in_guarded_read() -> bool {
    GUARDED.load(Ordering::SeqCst) > 0
}

/// Keeps a panic's message for [`guarded`] (called by the binary's panic hook).
pub fn keep_panic_message(message: String) {
    if let Ok(mut m) = PANIC_MESSAGE.lock() {
        m.get_or_insert(message);
    }
}

/// The text of a panic payload.
pub fn panic_text(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "an unexpected failure".into())
}

/// Runs a read through polars. polars panics on some damaged files and on
/// types it was built without (a truncated Parquet footer, a compressed CSV);
/// here such a panic becomes an error naming the file, exit 2, as any other
/// unreadable input.
pub(crate) fn guarded<T>(shown: &str, f: impl FnOnce() -> Result<T, AbxError>) -> Result<T, AbxError> {
    GUARDED.fetch_add(1, Ordering::SeqCst);
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
    GUARDED.fetch_sub(1, Ordering::SeqCst);
    // A panic polars caught itself (and turned into an error) leaves its message: drop it.
    let kept = PANIC_MESSAGE.lock().ok().and_then(|mut m| m.take());
    match result {
        Ok(r) => r,
        Err(payload) => {
            let text = kept.unwrap_or_else(|| panic_text(payload.as_ref()));
            // polars' own words end with hints about its build ("activate the … feature").
            let text = text.split(". You probably").next().unwrap_or(&text).to_string();
            let text = text.split("activate '").next().unwrap_or(&text).trim_end_matches([' ', ':', ',']).to_string();
            let words = outcomes::library_words(&text);
            let hint = if words.starts_with("the Parquet file") {
                ""
            } else {
                " (the file may be damaged or truncated, or hold a column type abx cannot read)"
            };
            Err(AbxError::input(shown, format!("cannot read the data: {words}{hint}")))
        }
    }
}

/// The name errors give an input: `<stdin>` for `-`, else the path.
pub fn input_name(path: &std::path::Path) -> String {
    if path.as_os_str() == "-" {
        "<stdin>".to_string()
    } else {
        path.display().to_string()
    }
}

/// An input stream and the name errors give it: `-` is stdin, anything else
/// a file, buffered (a directory fails at the first read). The readers
/// that parse it bound its lines ([`crate::bounds::LineLimited`]).
pub fn open_input(path: &std::path::Path) -> Result<(Box<dyn std::io::Read + Send>, String), AbxError> {
    let shown = input_name(path);
    if path.as_os_str() == "-" {
        return Ok((Box::new(std::io::stdin()), shown));
    }
    let file = std::fs::File::open(path).map_err(|source| AbxError::Read { path: shown.clone(), source })?;
    Ok((Box::new(std::io::BufReader::with_capacity(256 * 1024, file)), shown))
}
