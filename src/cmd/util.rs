//! What several commands share, in one place (as xsv's `util`): the usage
//! error, the range checks of flags, the input opener.

use std::io::Read;
use std::path::Path;

use crate::error::{AbxError, Result};

/// A bad combination of flags or values: exit 2 with `msg`.
pub(crate) fn usage(msg: impl Into<String>) -> AbxError {
    AbxError::Usage(msg.into())
}

/// `x` for a flag that takes a probability strictly between 0 and 1
/// (`--alpha`, `--power`).
pub(crate) fn open_fraction(flag: &str, x: f64) -> Result<f64> {
    if x > 0.0 && x < 1.0 {
        Ok(x)
    } else {
        Err(usage(format!("{flag} must be between 0 and 1, got {x}")))
    }
}

/// The name errors give an input: `<stdin>` for `-`, else the path.
pub(crate) fn input_name(path: &Path) -> String {
    if path.as_os_str() == "-" {
        "<stdin>".to_string()
    } else {
        path.display().to_string()
    }
}

/// An input stream and the name errors give it: `-` is stdin, anything else
/// a file (which must exist and not be a directory), buffered. The readers
/// that parse it bound its lines ([`crate::bounds::LineLimited`]).
pub(crate) fn open_input(path: &Path) -> Result<(Box<dyn Read + Send>, String)> {
    let shown = input_name(path);
    if path.as_os_str() == "-" {
        return Ok((Box::new(std::io::stdin()), shown));
    }
    if path.is_dir() {
        return Err(AbxError::input(&shown, "is a directory; give a file"));
    }
    let file = std::fs::File::open(path).map_err(|source| AbxError::Read { path: shown.clone(), source })?;
    Ok((Box::new(std::io::BufReader::with_capacity(256 * 1024, file)), shown))
}
