//! Typed errors and the exit codes they map to, in one place.

use std::io;

use crate::bounds::FileReadError;
use crate::experiment::{InvalidExperiment, LoadError};

pub use crate::exit::ExitStatus;

#[derive(Debug, thiserror::Error)]
pub enum AbxError {
    /// A bad combination of flags or values.
    #[error("{0}")]
    Usage(String),
    /// A file or stream whose content is wrong.
    #[error("{path}: {message}")]
    Input { path: String, message: String },
    #[error("cannot read {path}: {}", describe_io(.source))]
    Read {
        path: String,
        #[source]
        source: io::Error,
    },
    #[error("cannot write {path}: {}", describe_io(.source))]
    Write {
        path: String,
        #[source]
        source: io::Error,
    },
    /// One or more experiment files with problems; rendered as diagnostics.
    #[error("{} experiment file(s) have problems", .0.len())]
    Experiment(Vec<InvalidExperiment>),
    /// Writing results to stdout failed (a closed pipe is not an error).
    #[error("cannot write to stdout: {0}")]
    Output(#[from] io::Error),
}

impl AbxError {
    pub fn input(path: impl Into<String>, message: impl Into<String>) -> Self {
        AbxError::Input { path: path.into(), message: message.into() }
    }

    pub fn exit_status(&self) -> ExitStatus {
        match self {
            AbxError::Output(e) if e.kind() == io::ErrorKind::BrokenPipe => ExitStatus::Ok,
            _ => ExitStatus::Usage,
        }
    }

    /// True when stdout was closed by the reader (`abx assign ... | head`):
    /// the process then ends quietly with success.
    pub fn is_broken_pipe(&self) -> bool {
        matches!(self, AbxError::Output(e) if e.kind() == io::ErrorKind::BrokenPipe)
    }
}

/// An I/O error in abx's words ("no such file"), not the platform's
/// ("entity not found", "os error 2").
pub fn describe_io(e: &io::Error) -> String {
    use io::ErrorKind as K;
    if let Some(long) = crate::bounds::line_too_long(e) {
        return long.to_string();
    }
    match e.kind() {
        K::NotFound => "no such file".into(),
        K::PermissionDenied => "permission denied".into(),
        K::IsADirectory => "it is a directory, not a file".into(),
        K::StorageFull => "no space left on the device".into(),
        K::FileTooLarge => "the file is too large (a file-size limit: ulimit -f)".into(),
        K::ReadOnlyFilesystem => "the file system is read-only".into(),
        K::InvalidData | K::Other => e.to_string(),
        _ => {
            // The platform's text without its "(os error N)" tail.
            let text = e.to_string();
            match text.find(" (os error") {
                Some(p) => text[..p].to_string(),
                None => text,
            }
        }
    }
}

impl From<FileReadError> for AbxError {
    fn from(e: FileReadError) -> Self {
        match e {
            FileReadError::Io { path, source } => AbxError::Read { path, source },
            FileReadError::Refused { path, message } => AbxError::Input { path, message },
        }
    }
}

impl From<LoadError> for AbxError {
    fn from(e: LoadError) -> Self {
        match e {
            LoadError::Read(e) => e.into(),
            LoadError::Invalid(e) => AbxError::Experiment(vec![e]),
        }
    }
}

pub type Result<T, E = AbxError> = std::result::Result<T, E>;
