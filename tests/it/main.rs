//! Every integration test, in one binary. Each file here was once its own
//! test target; as modules of one crate they share a single link of polars,
//! which keeps `cargo test` fast and its target directory small.
//! Run one group with `cargo test --test it drift::`.

// Tests may unwrap and panic: a failure is the point.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

mod allocation;
mod analyze;
mod analyze_features;
mod assign;
mod assign_props;
mod assign_vectors;
mod bandit;
mod cli;
mod commands;
mod drift;
mod fuzz_checks;
mod fuzz_regressions;
mod growthbook;
mod growthbook_import;
mod hostile;
mod init;
mod oracle;
mod power;
mod readme;
mod report;
mod schema;
mod sql;
mod stats_reference;
mod test_cmd;
mod validate;
mod verdict;
mod workflows;
