//! The result of `abx validate`: each file's experiment or its problems.

use serde::Serialize;

use super::Diagnostic;

/// The files checked.
#[derive(Debug, Clone, Serialize)]
pub struct Checked {
    /// Every file is valid.
    pub valid: bool,
    pub files: Vec<FileCheck>,
}

/// One file: its experiment when valid, else its problems.
#[derive(Debug, Clone, Serialize)]
pub struct FileCheck {
    pub file: String,
    pub valid: bool,
    pub experiment: Option<String>,
    pub problems: Vec<Problem>,
    /// Variants and metrics of a valid file (people's view only).
    #[serde(skip)]
    pub counts: Option<(usize, usize)>,
    /// The file could not be read.
    #[serde(skip)]
    pub unreadable: bool,
}

/// A problem, at its line and column when it has one.
#[derive(Debug, Clone, Serialize)]
pub struct Problem {
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub message: String,
    pub help: Option<String>,
}

impl From<&Diagnostic> for Problem {
    fn from(d: &Diagnostic) -> Self {
        Problem { line: Some(d.pos.line), column: Some(d.pos.col), message: d.message.clone(), help: d.help.clone() }
    }
}
