//! Pure numerics: distributions, tests from sufficient statistics, multiple
//! testing, power. Plain numbers in, plain numbers out: no I/O.

pub mod bandit;
pub mod dist;
pub mod drift;
pub mod gbstats;
pub mod htest;
pub mod kolmogorov;
pub mod moments;
pub mod multiple;
pub mod power;
pub mod solve;
pub mod sort;

use serde::Serialize;

/// The alternative hypothesis, about treatment minus control.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
#[serde(rename_all = "kebab-case")]
pub enum Alternative {
    /// treatment differs from control
    TwoSided,
    /// treatment is larger than control
    Greater,
    /// treatment is smaller than control
    Less,
}

/// Sidedness of a power calculation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
#[serde(rename_all = "lowercase")]
pub enum Sided {
    Two,
    One,
}

/// A confidence interval; an open end is infinite.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Interval {
    pub low: f64,
    pub high: f64,
}
