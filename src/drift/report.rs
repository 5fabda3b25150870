//! The result of `abx drift`: the dataset's verdict, the rules it was
//! judged by, and every compared column.

use serde::Serialize;

use super::{Binning, ColumnDrift, Method, Rules};

/// What `abx drift` found.
#[derive(Debug, Clone, Serialize)]
pub struct DriftReport {
    pub drift: bool,
    pub reference: String,
    pub reference_is_profile: bool,
    pub current: String,
    pub rows_reference: u64,
    pub rows_current: u64,
    pub method: Method,
    pub threshold: f64,
    pub psi_threshold: f64,
    pub bins: usize,
    pub binning: Binning,
    pub drift_share_threshold: Option<f64>,
    pub columns_checked: usize,
    pub columns_drifted: usize,
    pub drift_share: f64,
    pub columns: Vec<ColumnDrift>,
    pub only_in_reference: Vec<String>,
    pub only_in_current: Vec<String>,
    pub skipped: Vec<Skipped>,
    /// The reference is a profile whose numeric sketches are approximate.
    #[serde(skip)]
    pub approximate_reference: bool,
}

/// A column left out, and why.
#[derive(Debug, Clone, Serialize)]
pub struct Skipped {
    pub column: String,
    pub reason: String,
}

impl DriftReport {
    /// The rules the columns were judged by.
    pub fn rules(&self) -> Rules {
        Rules {
            method: self.method,
            threshold: self.threshold,
            psi_threshold: self.psi_threshold,
            drift_share: self.drift_share_threshold,
        }
    }
}
