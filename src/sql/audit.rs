//! `abx sql audit`: logged variants against the variants abx's bucketing
//! gives the same units, one row per (logged, assigned, status) with the
//! units and rows in it.
//!
//! A unit logged in several variants is `__multiple__` (GrowthBook's label)
//! with status `multiple`; the others are `match`, `mismatch`,
//! `not_assigned` (logged, but the bucketing exposes it nowhere: allocation,
//! targeting or status) and `not_logged` (no logged variant).

use super::summary::MULTIPLE;
use super::{eligibility, header, variant_case, Engine, Query};
use crate::assign::Bucketer;
use crate::experiment::Experiment;

#[derive(Debug, Clone)]
pub struct AuditSpec<'a> {
    pub engine: Engine,
    pub from: &'a str,
    pub unit_column: &'a str,
    pub variant_column: &'a str,
    /// Compare with the ranges the experiment has while running, whatever its status now.
    pub as_running: bool,
}

pub fn query(spec: &AuditSpec<'_>, exp: &Experiment) -> Query {
    let engine = spec.engine;
    let bucketer = if spec.as_running { Bucketer::running(exp) } else { Bucketer::new(exp) };
    let attrs: Vec<&str> = exp.targeting.iter().map(|c| c.attribute.as_str()).collect();
    let mut rows = vec![
        format!("{} AS __abx_u", engine.text(&engine.ident(spec.unit_column))),
        format!("{} AS __abx_lv", engine.text(&engine.ident(spec.variant_column))),
    ];
    let mut per_unit = vec![
        "__abx_u".to_string(),
        "MIN(__abx_lv) AS __abx_ulv".to_string(),
        "MAX(__abx_lv) AS __abx_ulv2".to_string(),
        "COUNT(*) AS __abx_n".to_string(),
    ];
    for (i, a) in attrs.iter().enumerate() {
        rows.push(format!("{} AS __abx_a{i}", engine.text(&engine.ident(a))));
        per_unit.push(format!("MIN(__abx_a{i}) AS __abx_ua{i}"));
    }
    let conds = &exp.targeting;
    let eligible = eligibility(engine, conds, &|name| {
        format!("__abx_ua{}", conds.iter().position(|c| c.attribute == name).unwrap_or(0))
    });
    let assigned = variant_case(engine, exp, &bucketer, "__abx_k", "__abx_u", eligible.as_deref());
    let s = |v: &str| engine.string(v);
    let sql = format!(
        "{head}WITH __abx_rows AS (\n  SELECT {rows}\n  FROM {from}\n),\n__abx_units AS (\n  SELECT {per_unit}\n  FROM __abx_rows\n  GROUP BY __abx_u\n),\n__abx_keyed AS (\n  SELECT *, {key} AS __abx_k\n  FROM __abx_units\n),\n__abx_both AS (\n  SELECT CASE WHEN __abx_ulv <> __abx_ulv2 THEN {multiple} ELSE __abx_ulv END AS __abx_logged,\n    {assigned} AS __abx_assigned,\n    __abx_n\n  FROM __abx_keyed\n),\n__abx_status AS (\n  SELECT __abx_logged, __abx_assigned, __abx_n,\n    CASE WHEN __abx_logged = {multiple} THEN {m} WHEN __abx_logged IS NULL OR __abx_logged = '' THEN {nl} WHEN __abx_assigned IS NULL THEN {na} WHEN __abx_logged = __abx_assigned THEN {ok} ELSE {bad} END AS __abx_status\n  FROM __abx_both\n)\nSELECT __abx_status AS {status}, __abx_logged AS {logged}, __abx_assigned AS {assigned_a}, COUNT(*) AS {units}, SUM(__abx_n) AS {rows_a}\nFROM __abx_status\nGROUP BY __abx_status, __abx_logged, __abx_assigned\nORDER BY 1, 2, 3\n",
        head = header("audit", engine, exp),
        rows = rows.join(", "),
        from = spec.from,
        per_unit = per_unit.join(", "),
        key = engine.key(&engine.prefix("__abx_u", &exp.salt)),
        multiple = s(MULTIPLE),
        m = s("multiple"),
        nl = s("not_logged"),
        na = s("not_assigned"),
        ok = s("match"),
        bad = s("mismatch"),
        status = engine.alias("status"),
        logged = engine.alias("logged"),
        assigned_a = engine.alias("assigned"),
        units = engine.alias("units"),
        rows_a = engine.alias("rows"),
    );
    Query { sql, notes: Vec::new() }
}
