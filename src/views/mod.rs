//! How each command's result reads: one file per result type, each
//! implementing [`crate::report::Output`] (its view for people, its CSV
//! form, its Prometheus samples). The formats themselves are in `report/`;
//! the results' types and their JSON (serde) are in the domain modules.

pub mod bandit;
pub mod board;
pub mod calculators;
pub mod checked;
pub mod created;
pub mod design;
pub mod drift;
pub mod explain;
pub mod pages;
pub mod readout;
pub mod study;
pub mod verdict;
