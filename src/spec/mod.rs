//! Experiment files: the only code that touches YAML.

pub mod diag;
pub mod edit;
pub mod model;
pub mod validate;
pub mod yaml;

use std::path::Path;

pub use diag::{did_you_mean, Diagnostic, Style};
pub use model::*;

use crate::error::AbxError;

/// The problems found in one experiment file, with its text for quoting.
#[derive(Debug, Clone)]
pub struct SpecError {
    pub path: String,
    pub source: String,
    pub diagnostics: Vec<Diagnostic>,
}

impl SpecError {
    pub fn render(&self, style: Style) -> String {
        self.diagnostics.iter().map(|d| diag::render(&self.path, &self.source, d, style)).collect::<Vec<_>>().join("\n")
    }
}

/// Parses and checks experiment YAML held in memory; `path` names it in diagnostics.
pub fn parse_str(path: &str, source: &str) -> Result<Experiment, SpecError> {
    let fail = |diagnostics| SpecError { path: path.to_string(), source: source.to_string(), diagnostics };
    let root = yaml::parse(source).map_err(|d| fail(vec![d]))?;
    validate::check(&root).map_err(fail)
}

/// Reads, parses and checks an experiment file.
pub fn load(path: &Path) -> Result<Experiment, AbxError> {
    let shown = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|source| AbxError::Read { path: shown.clone(), source })?;
    let source = String::from_utf8(bytes).map_err(|e| {
        AbxError::input(
            &shown,
            format!("the file is not valid UTF-8 (first bad byte at offset {})", e.utf8_error().valid_up_to()),
        )
    })?;
    parse_str(&shown, &source).map_err(|e| AbxError::Spec(vec![e]))
}
