//! Experiment files: the only code that touches YAML. Its product is the
//! [`Experiment`]; its errors are its own ([`LoadError`], [`InvalidExperiment`]),
//! and it imports nothing of abx but the bounds on what it reads.

mod across;
pub mod checked;
pub mod diag;
pub mod edit;
pub mod emit;
pub mod model;
pub mod validate;
pub mod yaml;

use std::path::Path;

pub use across::across;
pub use diag::{did_you_mean, Diagnostic, Style};
pub use model::*;

use crate::bounds::FileReadError;

/// The problems found in one experiment file, with its text for quoting.
#[derive(Debug, Clone)]
pub struct InvalidExperiment {
    pub path: String,
    pub source: String,
    pub diagnostics: Vec<Diagnostic>,
}

impl InvalidExperiment {
    pub fn render(&self, style: Style) -> String {
        self.diagnostics.iter().map(|d| diag::render(&self.path, &self.source, d, style)).collect::<Vec<_>>().join("\n")
    }
}

/// Parses and checks experiment YAML held in memory; `path` names it in diagnostics.
pub fn parse_str(path: &str, source: &str) -> Result<Experiment, InvalidExperiment> {
    // A byte-order mark is no part of the document.
    let source = source.strip_prefix('\u{feff}').unwrap_or(source);
    let fail = |diagnostics| InvalidExperiment { path: path.to_string(), source: source.to_string(), diagnostics };
    if let Some(d) = yaml::forbidden_character(source) {
        return Err(fail(vec![d]));
    }
    let root = yaml::parse(source).map_err(|d| fail(vec![d]))?;
    validate::check(&root).map_err(fail)
}

/// Parses and checks experiment YAML given as bytes: invalid UTF-8 is a
/// diagnostic at its line and column.
pub fn parse_bytes(path: &str, bytes: &[u8]) -> Result<Experiment, InvalidExperiment> {
    match std::str::from_utf8(bytes) {
        Ok(source) => parse_str(path, source),
        Err(e) => {
            let good = &bytes[..e.valid_up_to()];
            let line = memchr::memchr_iter(b'\n', good).count() + 1;
            let start = memchr::memrchr(b'\n', good).map_or(0, |p| p + 1);
            // Valid up to here, so the column counts characters.
            let col = std::str::from_utf8(&good[start..]).map_or(1, |t| t.chars().count() + 1);
            let byte = bytes[e.valid_up_to()];
            let d = Diagnostic::new(
                yaml::Pos { line, col },
                1,
                format!("the file is not valid UTF-8 (byte 0x{byte:02X}); save it as UTF-8"),
            );
            Err(InvalidExperiment {
                path: path.to_string(),
                source: String::from_utf8_lossy(bytes).into_owned(),
                diagnostics: vec![d],
            })
        }
    }
}

/// Why an experiment file could not be loaded.
#[derive(Debug)]
pub enum LoadError {
    /// The file cannot be read, or is refused before reading.
    Read(FileReadError),
    /// The file's problems, at line:column.
    Invalid(InvalidExperiment),
}

impl From<FileReadError> for LoadError {
    fn from(e: FileReadError) -> Self {
        LoadError::Read(e)
    }
}

/// Reads, parses and checks an experiment file.
pub fn load(path: &Path) -> Result<Experiment, LoadError> {
    let shown = path.display().to_string();
    let bytes = read_file(path)?;
    parse_bytes(&shown, &bytes).map_err(LoadError::Invalid)
}

/// An experiment file's bytes, at most [`crate::bounds::MAX_EXPERIMENT_BYTES`].
pub fn read_file(path: &Path) -> Result<Vec<u8>, FileReadError> {
    crate::bounds::read_file_at_most(path, crate::bounds::MAX_EXPERIMENT_BYTES, "an experiment file (.yaml)")
}
