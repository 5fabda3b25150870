//! Reading input data. Unit ids stream through [`lines`] and [`records`] and
//! are processed by the ordered parallel [`pipeline`]. Outcome data for
//! `abx analyze` is reduced with polars in [`outcomes`] (the only polars
//! code) or read pre-aggregated by [`summary`].

pub mod columns;
mod csvfast;
pub mod lines;
pub mod outcomes;
pub mod pipeline;
pub mod records;
pub mod summary;
pub mod write;
