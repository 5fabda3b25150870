//! Reading input data. Unit ids stream through [`lines`] and [`records`] and
//! are processed by the ordered parallel [`pipeline`]. (Outcome data for
//! `abx analyze` will be read with polars here, and only here.)

pub mod lines;
pub mod pipeline;
pub mod records;
pub mod summary;
