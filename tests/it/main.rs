//! Every integration test, in one binary. Each file here was once its own
//! test target; as modules of one crate they share a single link of polars,
//! which keeps `cargo test` fast and its target directory small.
//! Run one group with `cargo test --test it drift::`.

mod common;

mod assign_props;
mod assign_vectors;
mod cli;
mod cli_analyze;
mod cli_analyze_features;
mod cli_stats;
mod commands;
mod drift;
mod fuzz_checks;
mod fuzz_regressions;
mod hostile;
mod oracle;
mod readme;
mod stats_reference;
mod verdict;
mod workflows;
