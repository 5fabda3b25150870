//! `abx sql assign`: every row of FROM with its unit's variant and point,
//! as `abx assign` gives them.

use super::{eligibility, header, status_note, variant_case, Engine, Query};
use crate::assign::Bucketer;
use crate::experiment::Experiment;

/// What to assign.
#[derive(Debug, Clone)]
pub struct AssignSpec<'a> {
    pub engine: Engine,
    /// A FROM item, inserted as given.
    pub from: &'a str,
    pub unit_column: &'a str,
    /// A column of 16 hex digits to use as the hash prefix instead of hashing
    /// the unit (to test the thresholds on chosen prefixes).
    pub prefix_column: Option<&'a str>,
}

/// The CTEs that give every row of FROM its prefix `__abx_p` and key `__abx_k`.
pub(crate) fn keyed(engine: Engine, exp: &Experiment, from: &str, unit: &str, prefix_column: Option<&str>) -> String {
    let p = match prefix_column {
        Some(c) => engine.prefix_from_hex(&engine.ident(c)),
        None => engine.prefix(unit, &exp.salt),
    };
    format!(
        "__abx_in AS (\n  SELECT *, {p} AS __abx_p\n  FROM {from}\n),\n__abx_keyed AS (\n  SELECT *, {} AS __abx_k\n  FROM __abx_in\n)",
        engine.key("__abx_p")
    )
}

pub fn query(spec: &AssignSpec<'_>, exp: &Experiment) -> Query {
    let engine = spec.engine;
    let unit = engine.text(&engine.ident(spec.unit_column));
    let bucketer = Bucketer::new(exp);
    let eligible = eligibility(engine, &exp.targeting, &|a| engine.text(&engine.ident(a)));
    let variant = variant_case(engine, exp, &bucketer, "__abx_k", &unit, eligible.as_deref());
    let sql = format!(
        "{head}WITH {keyed}\nSELECT\n  {unit} AS {u},\n  {variant} AS {v},\n  {x} AS {xa}\nFROM __abx_keyed\n",
        head = header("assign", engine, exp),
        keyed = keyed(engine, exp, spec.from, &unit, spec.prefix_column),
        u = engine.alias("unit"),
        v = engine.alias("variant"),
        x = engine.point("__abx_p"),
        xa = engine.alias("x"),
    );
    Query { sql, notes: status_note(exp).into_iter().collect() }
}
