//! GrowthBook interoperability (issue 18, in progress): evaluating what
//! GrowthBook's SDKs evaluate, exactly as the JS SDK does, so that abx can
//! run a GrowthBook payload over many units in batch. So far: targeting
//! conditions ([`condition`]) on JavaScript's semantics ([`js`]), and the
//! hashing, bucket ranges and namespaces ([`hash`]), and features and
//! experiments ([`eval`]).

pub mod condition;
pub mod decrypt;
pub mod eval;
pub mod hash;
pub mod js;
