//! Warehouse SQL: the queries `abx sql` prints, so that the user's own
//! engine assigns units exactly as `abx assign` does and computes the
//! sufficient statistics that `abx analyze --summary` reads.
//!
//! Exactness: abx's point is a double, `(u as f64) / 2^64`, and its range
//! ends are doubles. The queries never print a double boundary: they compare
//! the 64-bit prefix u with the exact integer thresholds of abx's own
//! boundaries ([`crate::assign::threshold`]), as integers, bytes or
//! fixed-width hex, per engine ([`Engine`]).
//!
//! Pure text generation: no I/O, no engine is contacted.

pub mod assign;
pub mod audit;
pub mod engine;
pub mod summary;

pub use engine::Engine;

use crate::assign::targeting;
use crate::assign::{Bucketer, PrefixRange};
use crate::experiment::{CondValue, Condition, Experiment, Op};

/// A query and what the user should know about it (stderr).
#[derive(Debug, Clone)]
pub struct Query {
    pub sql: String,
    pub notes: Vec<String>,
}

/// Why a query cannot be written as asked (exit 2).
#[derive(Debug, Clone, PartialEq)]
pub struct Refusal(pub String);

/// The variant, by the bucketing, of the unit whose key (see
/// [`Engine::key`]) is `key` and whose text is `unit`: a CASE over the exact
/// prefix thresholds (a reweighted bandit's pieces included), NULL when not
/// exposed. `eligible` is the targeting condition, if any; the layer and
/// holdout filters hash `unit` with their own salts.
pub fn variant_case(
    engine: Engine,
    exp: &Experiment,
    bucketer: &Bucketer,
    key: &str,
    unit: &str,
    eligible: Option<&str>,
) -> String {
    let names: Vec<String> = exp.variants.iter().map(|v| engine.string(&v.name)).collect();
    let by_status = if bucketer.exposes_nobody() {
        return engine.null_text();
    } else if let Some(i) = bucketer.promoted() {
        // A NULL key (a NULL unit) has no variant.
        format!("CASE WHEN {key} IS NOT NULL THEN {} END", names[i])
    } else {
        let ranges: Vec<(PrefixRange, &String)> =
            bucketer.prefix_pieces().into_iter().filter(|(r, _)| !r.empty).map(|(r, i)| (r, &names[i])).collect();
        if ranges.is_empty() {
            return engine.null_text();
        }
        // Ranges in ascending order (as the bucketing lays them): one test per
        // arm, the CASE's order giving the lower ends, a gap an arm of its own
        // (else two tests per range).
        let lo = |r: &PrefixRange| r.start.unwrap_or(0);
        let ascending = ranges.windows(2).all(|w| w[0].0.end.is_some_and(|e| e <= lo(&w[1].0)));
        let mut arms = Vec::new();
        let mut reached = 0u64;
        for (r, name) in ranges.iter().filter(|_| ascending) {
            if lo(r) > reached {
                arms.push(format!("WHEN {key} < {} THEN NULL", engine.key_lit(lo(r))));
            }
            match r.end {
                Some(e) => {
                    arms.push(format!("WHEN {key} < {} THEN {name}", engine.key_lit(e)));
                    reached = e;
                }
                // Not ELSE: a NULL key (a NULL unit) has no variant.
                None if lo(r) > 0 => arms.push(format!("WHEN {key} >= {} THEN {name}", engine.key_lit(lo(r)))),
                None => arms.push(format!("WHEN {key} IS NOT NULL THEN {name}")),
            }
        }
        for (r, name) in ranges.iter().filter(|_| !ascending) {
            let mut tests = Vec::new();
            if let Some(s) = r.start {
                tests.push(format!("{key} >= {}", engine.key_lit(s)));
            }
            if let Some(e) = r.end {
                tests.push(format!("{key} < {}", engine.key_lit(e)));
            }
            if tests.is_empty() {
                tests.push("1 = 1".into());
            }
            arms.push(format!("WHEN {} THEN {name}", tests.join(" AND ")));
        }
        format!("CASE {} END", arms.join(" "))
    };
    // The filters apply before targeting; both only decide whether the unit
    // takes part, so one conjunction gives the same variants.
    let mut conds: Vec<String> = bucketer.filters().iter().filter_map(|f| filter_condition(engine, f, unit)).collect();
    conds.extend(eligible.map(str::to_string));
    if conds.is_empty() {
        by_status
    } else {
        format!("CASE WHEN {} THEN {by_status} END", conds.join(" AND "))
    }
}

/// A layer's or holdout's test (the contract's "Layers, holdouts, gates"):
/// the unit's point with the filter's own salt inside (a layer) or outside
/// (a holdout) its range, by the exact thresholds. None when every unit passes.
fn filter_condition(engine: Engine, f: &crate::assign::Filter, unit: &str) -> Option<String> {
    let r = PrefixRange::of(f.range.start, f.range.end);
    let key = engine.key(&engine.prefix(unit, &String::from_utf8_lossy(&f.salt)));
    let mut tests = Vec::new();
    if let Some(s) = r.start {
        tests.push(format!("{key} >= {}", engine.key_lit(s)));
    }
    if let Some(e) = r.end {
        tests.push(format!("{key} < {}", engine.key_lit(e)));
    }
    let inside = match (r.empty, tests.is_empty()) {
        (true, _) => "1 = 0".to_string(),
        // Every prefix is inside: a holdout then keeps every unit out.
        (false, true) => return (!f.inside).then(|| format!("/* {} */ 1 = 0", comment(&f.label))),
        (false, false) => tests.join(" AND "),
    };
    let test = if f.inside {
        format!("({inside})")
    } else if r.empty {
        return None;
    } else {
        format!("NOT ({inside})")
    };
    Some(format!("/* {} [{}, {}) */ {test}", comment(&f.label), f.range.start, f.range.end))
}

/// The targeting of `conds` as one SQL condition (None without targeting),
/// reading each attribute's text through `attr`. As `abx assign --input`
/// reads a CSV: a missing or empty attribute fails eq, in and the
/// comparisons and satisfies ne and not_in; a value written as a number is
/// compared numerically with an attribute that parses as one, anything else
/// as text in byte order.
pub fn eligibility(engine: Engine, conds: &[Condition], attr: &dyn Fn(&str) -> String) -> Option<String> {
    if conds.is_empty() {
        return None;
    }
    let f = engine.false_lit();
    let parts: Vec<String> = conds
        .iter()
        .map(|c| {
            let t = attr(&c.attribute);
            let present = format!("COALESCE({t} <> '', {f})");
            let equals = |v: &CondValue| match v.number {
                Some(n) => format!("{} = {}", engine.number(&t), engine.double_lit(n)),
                None => format!("{t} = {}", engine.string(&v.text)),
            };
            let any = || {
                let alts: Vec<String> = c.values.iter().map(|v| format!("COALESCE({}, {f})", equals(v))).collect();
                if alts.is_empty() {
                    f.to_string()
                } else {
                    format!("({})", alts.join(" OR "))
                }
            };
            let holds = match c.op {
                Op::Exists if c.values.first().is_none_or(|v| v.text == "true") => present,
                Op::Exists => format!("NOT {present}"),
                Op::Eq | Op::In => format!("({present} AND {})", any()),
                Op::Ne | Op::NotIn => format!("NOT ({present} AND {})", any()),
                Op::Gt | Op::Gte | Op::Lt | Op::Lte => {
                    let sym = match c.op {
                        Op::Gt => ">",
                        Op::Gte => ">=",
                        Op::Lt => "<",
                        _ => "<=",
                    };
                    match c.values.first() {
                        Some(v) => {
                            let cmp = match v.number {
                                Some(n) => format!("{} {sym} {}", engine.number(&t), engine.double_lit(n)),
                                None => format!(
                                    "{} {sym} {}",
                                    engine.bytewise(&t),
                                    engine.bytewise(&engine.string(&v.text))
                                ),
                            };
                            format!("({present} AND COALESCE({cmp}, {f}))")
                        }
                        None => f.to_string(),
                    }
                }
            };
            format!("/* {} */ {holds}", comment(&targeting::describe(c)))
        })
        .collect();
    Some(format!("({})", parts.join(" AND ")))
}

/// Text safe inside a /* */ comment.
fn comment(s: &str) -> String {
    s.replace("*/", "* /").replace("/*", "/ *").replace(['\n', '\r'], " ")
}

/// Why the experiment's assignment now is not what its units had, if it is
/// not running (as `abx assign` warns).
pub fn status_note(exp: &Experiment) -> Option<String> {
    crate::assign::not_live(exp).map(|why| format!("experiment `{}` {why}: the query gives every unit NULL", exp.name))
}

/// The header comment of every query: what it is and which abx wrote it.
fn header(what: &str, engine: Engine, exp: &Experiment) -> String {
    format!(
        "-- abx {} {what}: experiment {} for {} (abx {})\n",
        "sql",
        comment(&exp.name),
        engine.name(),
        env!("CARGO_PKG_VERSION")
    )
}
