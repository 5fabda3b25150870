//! abx: a command-line toolkit for online experiments (A/B tests).
//!
//! Dependencies point one way, down this list: a command parses its flags,
//! calls the domain, and hands the result to `report`, which renders it
//! through its view; the domain never imports `cmd`, `report` or `views`.
//!
//! - [`cmd`]: one module per subcommand (behind the default `cli` feature);
//! - [`views`]: how each result reads in each format ([`report::Output`]);
//! - [`report`]: the formats, one file each;
//! - [`analysis`], [`design`], [`drift`], [`sim`], [`assign`], [`growthbook`]:
//!   the domain: readouts and verdicts, designs, drift, simulations,
//!   bucketing, GrowthBook's SDK semantics;
//! - [`experiment`]: experiment files (the only code that touches YAML);
//! - [`data`]: reading input data (the only polars code);
//! - [`stats`]: pure numerics;
//! - [`numfmt`], [`bounds`], [`exit`], [`error`], [`fsutil`]: numbers for
//!   people, input limits, exit statuses, typed errors, atomic writes.

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
pub mod growthbook;
pub mod numfmt;
pub mod report;
pub mod sim;
pub mod sql;

pub mod stats;
pub mod views;

pub use error::{AbxError, Result};
