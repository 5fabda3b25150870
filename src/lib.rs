//! abx: a command-line toolkit for online experiments (A/B tests).
//!
//! - [`experiment`]: experiment files (the only code that touches YAML);
//! - [`assign`]: hashing and bucketing;
//! - [`data`]: reading input data;
//! - [`analysis`]: readouts and the verdict, from sufficient statistics;
//! - [`sim`]: synthetic experiments and simulation studies;
//! - [`report`]: one renderer per output format;
//! - [`cmd`]: one module per subcommand.

pub mod analysis;
pub mod assign;
pub mod bounds;
#[cfg(feature = "cli")]
pub mod cmd;
pub mod data;
pub mod design;
pub mod drift;
pub mod error;
pub mod exit;
pub mod experiment;
pub mod fsutil;
pub mod numfmt;
pub mod report;
pub mod sim;

pub mod stats;
pub mod views;

pub use error::{AbxError, Result};
