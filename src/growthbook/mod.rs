//! GrowthBook interoperability: evaluating what GrowthBook's SDKs evaluate,
//! exactly as the JS SDK does, so that abx can run a GrowthBook payload
//! over many units in batch: targeting conditions ([`condition`]) on
//! JavaScript's semantics ([`js`]), the hashing, bucket ranges and
//! namespaces ([`hash`]), features and experiments ([`eval`]), encrypted
//! payloads ([`decrypt`]), and GrowthBook experiments as abx experiment
//! files with `hashing: growthbook` ([`import`]).

pub mod condition;
pub mod decrypt;
pub mod eval;
pub mod hash;
pub mod import;
pub mod js;
