//! The process's exit statuses (../shared/CONTRACT.md), typed: commands
//! return one, and only `main` turns it into a number.

/// How a command ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitStatus {
    /// Success; `abx verdict`: promote; `abx drift`: no drift.
    Ok,
    /// `abx verdict`: keep_control; `abx drift`: drift found.
    Failure,
    /// A usage or input error: nothing was decided.
    Usage,
    /// `abx verdict`: continue.
    Continue,
    /// `abx verdict`: invalid (sample ratio mismatch).
    Invalid,
}

impl ExitStatus {
    /// The number the process exits with.
    pub const fn code(self) -> i32 {
        match self {
            ExitStatus::Ok => 0,
            ExitStatus::Failure => 1,
            ExitStatus::Usage => 2,
            ExitStatus::Continue => 3,
            ExitStatus::Invalid => 4,
        }
    }
}
