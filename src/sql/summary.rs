//! `abx sql summary`: the sufficient statistics `abx analyze --summary`
//! reads, computed by the user's engine on the rows `abx analyze --data`
//! would read, with the same rules (see `data::outcomes`):
//! NaN is missing; a CUPED covariate's missing value is 0; a ratio's unit
//! counts only with both values; caps apply before the pairing, a
//! percentile cap being the linearly interpolated quantile over the units
//! with a variant, all variants pooled; `--events` rolls each metric up per
//! unit by its `aggregate` first, and per (unit, segment) for segments.
//!
//! What abx refuses when it reads the rows is measured in columns the
//! reader checks: `invalid`, 0 unless a proportion has a value other than 0
//! and 1 (or an event abx refuses), and `repeated_units` (unit rows that
//! are not one per unit); an infinite value makes the sums non-finite,
//! which the reader refuses too. A unit whose events carry two variants gets the variant
//! `__multiple__`, and one whose events carry two values of a targeting
//! attribute `__targeting_varies__`: the reader refuses both, or with
//! `--ignore-unknown-variants` leaves them out and says how many.

use super::{eligibility, header, status_note, variant_case, Engine, Query, Refusal};
use crate::analysis::readout::metric_inputs;
use crate::assign::Bucketer;
use crate::data::outcomes::MetricInput;
use crate::experiment::{Aggregate, Cap, Experiment};

/// The variant of units seen in several variants (GrowthBook's label).
pub const MULTIPLE: &str = "__multiple__";
/// The variant of units whose events disagree on a targeting attribute.
pub const TARGETING_VARIES: &str = "__targeting_varies__";
/// What the variant reads as when FROM has no variant column.
const NO_COLUMN: &str = "__abx_no_variant_column__";

/// The columns of the summary, in order, before any segment columns.
pub const COLUMNS: [&str; 16] = [
    "variant",
    "metric",
    "n",
    "sum",
    "sum_sq",
    "sum_y",
    "sum_y_sq",
    "sum_xy",
    "shift",
    "shift_y",
    "missing",
    "units",
    "invalid",
    "repeated_units",
    "cap",
    "cap_percentile",
];

/// Where each row's variant comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Variants<'a> {
    /// The `variant` column if FROM has one, else the bucketing of the unit
    /// column (as `abx analyze --data` decides; engines with LATERAL only).
    Default,
    /// This column (`--variant-column`).
    Column(&'a str),
    /// The bucketing of the unit column, whatever FROM holds (`--bucketing`).
    Bucketing,
}

#[derive(Debug, Clone)]
pub struct SummarySpec<'a> {
    pub engine: Engine,
    pub from: &'a str,
    pub variants: Variants<'a>,
    pub unit_column: &'a str,
    /// The unit column was named (`--unit-column`): unit rows must then be one per unit.
    pub unit_named: bool,
    pub events: bool,
    pub by: &'a [String],
    /// Bucket by the ranges the experiment has while running, whatever its status now.
    pub as_running: bool,
    /// Take an approximate percentile where the engine has no exact one.
    pub approximate: bool,
}

/// How a metric's rolled-up or row value is read and checked.
struct Metric<'a> {
    input: &'a MetricInput,
    k: usize,
}

impl Metric<'_> {
    fn x(&self) -> String {
        format!("__abx_x{}", self.k)
    }
    fn y(&self) -> String {
        format!("__abx_y{}", self.k)
    }
    fn bad(&self) -> String {
        format!("__abx_b{}", self.k)
    }
}

/// 1 when a value is infinite (x - x is NaN only then), or, for a 0/1
/// metric, neither 0 nor 1; else 0.
fn bad(x: &str, binary: bool) -> String {
    let binary = if binary { format!(" OR {x} <> 0 AND {x} <> 1") } else { String::new() };
    format!("CASE WHEN {x} - {x} <> 0{binary} THEN 1 ELSE 0 END")
}

/// The largest of 0/1 flags (one flag as it is: some engines need two arguments).
fn greatest(flags: &[String]) -> String {
    match flags {
        [one] => one.clone(),
        _ => format!("GREATEST({})", flags.join(", ")),
    }
}

pub fn query(spec: &SummarySpec<'_>, exp: &Experiment) -> Result<Query, Refusal> {
    let engine = spec.engine;
    if spec.by.len() > 3 {
        return Err(Refusal("--by takes at most 3 columns".into()));
    }
    for b in spec.by {
        if COLUMNS.contains(&b.as_str()) || b == "scope" {
            return Err(Refusal(format!(
                "--by {b}: the summary has a column of that name already; rename the segment column in FROM"
            )));
        }
    }
    if exp.metrics.is_empty() {
        return Err(Refusal(format!("experiment `{}` has no `metrics` to summarise", exp.name)));
    }
    // As `abx analyze --data`: the `variant` column, or with a unit column
    // named, the `variant` column if FROM has one and else the bucketing.
    let variants = match spec.variants {
        Variants::Default if !spec.unit_named => Variants::Column("variant"),
        v => v,
    };
    let lateral = matches!(engine, Engine::Duckdb | Engine::Postgres | Engine::Spark);
    if variants == Variants::Default && !lateral {
        return Err(Refusal(format!(
            "for {}, abx cannot tell whether FROM has a variant column: pass --variant-column variant to read the logged variant, or --bucketing to assign units by the experiment's bucketing of the unit column",
            engine.name()
        )));
    }
    let inputs = metric_inputs(exp);
    let metrics: Vec<Metric<'_>> = inputs.iter().enumerate().map(|(k, input)| Metric { input, k }).collect();
    let mut notes = Vec::new();
    if variants == Variants::Default {
        notes.push(format!(
            "FROM's `variant` column gives each row's variant if FROM has one; if not, units are assigned by the bucketing of `{}` (pass --variant-column or --bucketing to say which)",
            spec.unit_column
        ));
    }
    for m in &metrics {
        if let Some(Cap::Percentile(q)) = m.input.cap {
            if engine.percentile("x", q).is_none() && !spec.approximate {
                return Err(Refusal(format!(
                    "metric `{}` has a percentile cap, and {} has only an approximate percentile (approx_percentile): the readout would not match `abx analyze --data`; pass --approximate-percentiles to accept that",
                    m.input.name,
                    engine.name()
                )));
            }
        }
    }
    let hashing = !matches!(variants, Variants::Column(_));
    let bucketer = if spec.as_running { Bucketer::running(exp) } else { Bucketer::new(exp) };
    // As `abx analyze --data`: the assignment of a draft, stopped or promoted
    // experiment now is not what its units had while it ran.
    if hashing && !spec.as_running && exp.status() != crate::experiment::Status::Running {
        let why = status_note(exp).unwrap_or_else(|| {
            format!(
                "experiment `{}` is promoted: every unit now gets {}",
                exp.name,
                exp.promoted.as_deref().unwrap_or("")
            )
        });
        return Err(Refusal(format!(
            "{why}, not the variants units had while it ran: pass --variant-column for logged variants, or --as-running if the data was collected while it ran"
        )));
    }
    let ident = |c: &str| engine.ident(c);
    let unit = engine.text(&ident(spec.unit_column));

    // 1. The rows (events or units) with their logged variant, unit,
    // targeting attributes, segments, and metric values (NaN made NULL).
    let mut first = Vec::new();
    let logged = match variants {
        Variants::Column(c) => engine.text(&ident(c)),
        Variants::Default => engine.text(&ident("variant")),
        Variants::Bucketing => engine.string(NO_COLUMN),
    };
    first.push(format!("{logged} AS __abx_lv"));
    if hashing || spec.events || spec.unit_named {
        first.push(format!("{unit} AS __abx_u"));
    }
    let attrs: Vec<&str> = if hashing { exp.targeting.iter().map(|c| c.attribute.as_str()).collect() } else { vec![] };
    for (i, a) in attrs.iter().enumerate() {
        first.push(format!("{} AS __abx_a{i}", engine.text(&ident(a))));
    }
    let mut second = vec!["__abx_lv".to_string()];
    if hashing || spec.events || spec.unit_named {
        second.push("__abx_u".into());
    }
    for i in 0..attrs.len() {
        second.push(format!("__abx_a{i}"));
    }
    for (i, b) in spec.by.iter().enumerate() {
        // Qualified: a fallback column of the same name must not make it ambiguous.
        second.push(format!("COALESCE({}, '(null)') AS __abx_s{i}", engine.text(&format!("__abx_l.{}", ident(b)))));
    }
    for m in &metrics {
        let v = |c: &str| engine.nan_to_null(&engine.double(&format!("__abx_l.{}", ident(c))));
        second.push(format!("{} AS {}", v(&m.input.x), m.x()));
        if let Some(y) = &m.input.y {
            let y = if m.input.y_is_covariate && !spec.events {
                format!("COALESCE({}, {})", v(y), engine.double_lit(0.0))
            } else {
                v(y)
            };
            second.push(format!("{y} AS {}", m.y()));
        }
    }
    let source = if variants == Variants::Default {
        // Inner names resolve first: FROM's `variant`, unit and attribute
        // columns if it has them, else these fallbacks (a missing attribute
        // is missing for every unit, as in `abx assign --input`).
        let mut fb = vec![format!("{} AS {}", engine.string(NO_COLUMN), ident("variant"))];
        for a in &attrs {
            if !fb.iter().any(|f| f.ends_with(&format!(" AS {}", ident(a)))) {
                fb.push(format!("{} AS {}", engine.null_text(), ident(a)));
            }
        }
        format!(
            "(SELECT {}) AS __abx_fb, LATERAL (SELECT *, {} FROM {}) AS __abx_l",
            fb.join(", "),
            first.join(", "),
            spec.from
        )
    } else {
        format!("(SELECT *, {} FROM {}) AS __abx_l", first.join(", "), spec.from)
    };
    let mut ctes = vec![format!("__abx_rows AS (\n  SELECT {}\n  FROM {source}\n)", second.join(",\n    "))];

    // The variant of a row (or unit) from its logged variant and its key.
    let assign = |keyed: &str, lv: &str, a: &dyn Fn(usize) -> String| -> String {
        if !hashing {
            return lv.to_string();
        }
        let conds = &exp.targeting;
        let eligible = eligibility(engine, conds, &|name| {
            let i = conds.iter().position(|c| c.attribute == name).unwrap_or(0);
            a(i)
        });
        let case = variant_case(engine, exp, &bucketer, keyed, "__abx_u", eligible.as_deref());
        // No key (a NULL or empty unit): no variant, as `--data` leaves such rows out.
        format!(
            "CASE WHEN {lv} = {} THEN CASE WHEN {keyed} IS NOT NULL THEN {case} END ELSE {lv} END",
            engine.string(NO_COLUMN)
        )
    };
    // Only rows that need it are hashed.
    let key = |u: &str, lv: &str| {
        format!(
            "CASE WHEN {lv} = {} AND {u} <> '' THEN {} END AS __abx_k",
            engine.string(NO_COLUMN),
            engine.key(&engine.prefix(u, &exp.salt))
        )
    };

    // 2. One row per unit (and per unit and segment) with its variant.
    let segs: Vec<String> = (0..spec.by.len()).map(|i| format!("__abx_s{i}")).collect();
    let unit_level = |name: &str, with_segments: bool| -> String {
        let mut cols = vec!["__abx_u".to_string()];
        let mut group = vec!["__abx_u".to_string()];
        if with_segments {
            cols.extend(segs.iter().cloned());
            group.extend(segs.iter().cloned());
        }
        // New names at each level: ClickHouse lets an alias shadow a column.
        cols.push("MIN(__abx_lv) AS __abx_ulv".into());
        cols.push("MAX(__abx_lv) AS __abx_ulv2".into());
        for i in 0..attrs.len() {
            cols.push(format!("MIN(__abx_a{i}) AS __abx_ua{i}"));
            cols.push(format!("MAX(__abx_a{i}) AS __abx_uA{i}"));
        }
        for m in &metrics {
            let x = m.x();
            let one = engine.double_lit(1.0);
            let zero = engine.double_lit(0.0);
            let roll = |e: &str| match m.input.aggregate {
                Aggregate::Sum => format!("COALESCE(SUM({e}), {zero})"),
                Aggregate::Count => engine.double(&format!("COUNT({e})")),
                Aggregate::Max => format!("MAX({e})"),
                Aggregate::Mean => format!("AVG({e})"),
                Aggregate::Any => format!("MAX(CASE WHEN {e} > 0 THEN {one} WHEN {e} IS NOT NULL THEN {zero} END)"),
            };
            cols.push(format!("{} AS __abx_rx{}", roll(&x), m.k));
            let mut event_bad = vec![format!("MAX({})", bad(&x, m.input.binary))];
            if m.input.y.is_some() {
                let y = m.y();
                let rolled = if m.input.y_is_covariate { format!("COALESCE(MAX({y}), {zero})") } else { roll(&y) };
                cols.push(format!("{rolled} AS __abx_ry{}", m.k));
                event_bad.push(format!("MAX({})", bad(&y, m.input.binary && m.input.y_is_covariate)));
            }
            cols.push(format!("{} AS __abx_e{}", greatest(&event_bad), m.k));
        }
        format!("{name} AS (\n  SELECT {}\n  FROM __abx_rows\n  GROUP BY {}\n)", cols.join(",\n    "), group.join(", "))
    };
    let unit_variant = |src: &str, name: &str| -> String {
        let mut varies = Vec::new();
        for i in 0..attrs.len() {
            varies.push(format!("__abx_ua{i} <> __abx_uA{i}"));
        }
        let a = |i: usize| format!("__abx_ua{i}");
        let assigned = assign("__abx_k", "__abx_ulv", &a);
        let mut arms = Vec::new();
        if !varies.is_empty() {
            arms.push(format!(
                "WHEN __abx_ulv = {} AND __abx_k IS NOT NULL AND ({}) THEN {}",
                engine.string(NO_COLUMN),
                varies.join(" OR "),
                engine.string(TARGETING_VARIES)
            ));
        }
        arms.push(format!("WHEN __abx_ulv <> __abx_ulv2 THEN {}", engine.string(MULTIPLE)));
        let keyed = if hashing { format!(", {}", key("__abx_u", "__abx_ulv")) } else { String::new() };
        format!(
            "{name}_k AS (\n  SELECT *{keyed}\n  FROM {src}\n),\n{name} AS (\n  SELECT *, CASE {} ELSE {assigned} END AS __abx_v\n  FROM {name}_k\n)",
            arms.join(" ")
        )
    };
    let row_variant = || -> String {
        let a = |i: usize| format!("__abx_a{i}");
        let assigned = assign("__abx_k", "__abx_lv", &a);
        let keyed = if hashing { format!(", {}", key("__abx_u", "__abx_lv")) } else { String::new() };
        format!(
            "__abx_rows_k AS (\n  SELECT *{keyed}\n  FROM __abx_rows\n),\n__abx_units AS (\n  SELECT *, {assigned} AS __abx_v\n  FROM __abx_rows_k\n)"
        )
    };
    if spec.events {
        ctes.push(unit_level("__abx_rolled", false));
        ctes.push(unit_variant("__abx_rolled", "__abx_units"));
        if !spec.by.is_empty() {
            ctes.push(unit_level("__abx_rolled_s", true));
            ctes.push(unit_variant("__abx_rolled_s", "__abx_unit_segments"));
        }
    } else {
        ctes.push(row_variant());
    }
    let with_variant = "__abx_v IS NOT NULL AND __abx_v <> ''";

    // 3. Caps: one row of the caps' values over the units with a variant.
    // The value names of the units' CTE: rolled up with events.
    let (xn, yn) = if spec.events { ("__abx_rx", "__abx_ry") } else { ("__abx_x", "__abx_y") };
    let mut caps = Vec::new();
    for m in &metrics {
        match m.input.cap {
            Some(Cap::Value(c)) => caps.push((m.k, engine.double_lit(c))),
            Some(Cap::Percentile(q)) => {
                let x = format!("{xn}{}", m.k);
                let p = match engine.percentile(&x, q) {
                    Some(p) => p,
                    None => {
                        notes.push(format!(
                            "metric `{}`: {}'s percentile is approximate (approx_percentile), so the cap and the readout may differ from `abx analyze --data`",
                            m.input.name,
                            engine.name()
                        ));
                        format!("approx_percentile({x}, {})", engine.double_lit(q))
                    }
                };
                caps.push((m.k, format!("{p} AS __abx_c{}", m.k)));
            }
            None => {}
        }
    }
    let percentiles: Vec<&String> = caps.iter().filter(|(_, c)| c.contains(" AS __abx_c")).map(|(_, c)| c).collect();
    let has_percentiles = !percentiles.is_empty();
    if has_percentiles {
        let cols: Vec<String> = percentiles.iter().map(|c| c.to_string()).collect();
        let limit = if engine.percentile_is_window() { "\n  LIMIT 1" } else { "" };
        ctes.push(format!(
            "__abx_caps AS (\n  SELECT {}\n  FROM __abx_units\n  WHERE {with_variant}{limit}\n)",
            cols.join(", ")
        ));
    }
    let cap_of = |k: usize| -> Option<String> {
        caps.iter().find(|(j, _)| *j == k).map(|(_, c)| {
            if c.contains(" AS __abx_c") {
                format!("__abx_c{k}")
            } else {
                c.clone()
            }
        })
    };

    // 3b. Shifts: a value of each metric's column (the first FROM gives),
    // subtracted before summing, so that a metric far from 0 keeps its
    // variance's precision; 0/1 values are summed as they are.
    let mut shift_cols = Vec::new();
    for m in &metrics {
        let first = |c: &str| {
            let v = engine.nan_to_null(&engine.double(&ident(c)));
            format!("(SELECT {v} FROM {} WHERE {v} IS NOT NULL LIMIT 1)", spec.from)
        };
        if !m.input.binary {
            shift_cols.push(format!("COALESCE({}, {}) AS __abx_sh{}", first(&m.input.x), engine.double_lit(0.0), m.k));
        }
        if let Some(y) = m.input.y.as_ref().filter(|_| !(m.input.binary && m.input.y_is_covariate)) {
            shift_cols.push(format!("COALESCE({}, {}) AS __abx_th{}", first(y), engine.double_lit(0.0), m.k));
        }
    }
    let has_shifts = !shift_cols.is_empty();
    if has_shifts {
        ctes.push(format!("__abx_shifts AS (\n  SELECT {}\n)", shift_cols.join(",\n    ")));
    }
    let shift_of = |m: &Metric<'_>, y: bool| -> String {
        let zero = engine.double_lit(0.0);
        if y {
            match &m.input.y {
                Some(_) if !(m.input.binary && m.input.y_is_covariate) => format!("__abx_th{}", m.k),
                _ => zero,
            }
        } else if m.input.binary {
            zero
        } else {
            format!("__abx_sh{}", m.k)
        }
    };

    // 4. Per unit: capped values, paired (a ratio's unit counts with both
    // values), and whether any value is one abx refuses.
    let values = |src: &str, name: &str| -> String {
        let mut cols = vec!["__abx_v".to_string()];
        if spec.unit_named || hashing {
            cols.push("__abx_u".into());
        }
        if src == "__abx_unit_segments" || !spec.events {
            cols.extend(segs.iter().cloned());
        }
        for m in &metrics {
            let (x0, y0, k) = (format!("{xn}{}", m.k), format!("{yn}{}", m.k), m.k);
            let x = match cap_of(k) {
                Some(c) => format!("CASE WHEN {x0} > {c} THEN {c} ELSE {x0} END"),
                None => x0.clone(),
            };
            // Values less the metric's shift (see `__abx_shifts`), so that the
            // sums keep the variance's precision as `--data`'s do.
            let zero = engine.double_lit(0.0);
            // A scalar subquery, evaluated once (a join to the one-row CTE
            // costs PostgreSQL a nested loop over every row).
            let less = |s: String| if s == zero { String::new() } else { format!(" - (SELECT {s} FROM __abx_shifts)") };
            let (sx, sy) = (less(shift_of(m, false)), less(shift_of(m, true)));
            match &m.input.y {
                None => cols.push(format!("{x}{sx} AS __abx_px{k}")),
                Some(_) => {
                    if m.input.y_is_covariate {
                        cols.push(format!("{x}{sx} AS __abx_px{k}"));
                    } else {
                        cols.push(format!("CASE WHEN {y0} IS NOT NULL THEN {x} END{sx} AS __abx_px{k}"));
                    }
                    cols.push(format!("CASE WHEN {x0} IS NOT NULL THEN {y0} END{sy} AS __abx_py{k}"));
                }
            }
            // `--data` refuses an infinite value before capping and pairing
            // (x * 0 is NaN only then), and a 0/1 covariate's other values.
            if cap_of(k).is_some() || m.input.y.is_some() {
                cols.push(format!("{x0} * 0 AS __abx_zx{k}"));
            }
            if m.input.y.is_some() {
                cols.push(format!("{y0} * 0 AS __abx_zy{k}"));
                if m.input.binary && m.input.y_is_covariate {
                    cols.push(format!("{y0} AS __abx_qy{k}"));
                }
            }
            if spec.events {
                cols.push(format!("__abx_e{k} AS {}", m.bad()));
            }
        }
        let join = if has_percentiles { " CROSS JOIN __abx_caps" } else { "" };
        // Rows without a variant are summed too, and their group dropped at
        // the end: cheaper than a filter on every row.
        format!("{name} AS (\n  SELECT {}\n  FROM {src}{join}\n)", cols.join(",\n    "))
    };
    ctes.push(values("__abx_units", "__abx_values"));
    let segmented_src = if spec.events { "__abx_unit_segments" } else { "__abx_units" };
    if !spec.by.is_empty() {
        ctes.push(values(segmented_src, "__abx_values_s"));
    }

    // 5. The sums per variant (and segment).
    let aggregate = |src: &str, name: &str, with_segments: bool| -> String {
        let mut cols = vec!["__abx_v".to_string()];
        let mut group = vec!["__abx_v".to_string()];
        if with_segments {
            cols.extend(segs.iter().cloned());
            group.extend(segs.iter().cloned());
        }
        cols.push("COUNT(*) AS __abx_units".into());
        let zero = engine.double_lit(0.0);
        for m in &metrics {
            let k = m.k;
            let x = format!("__abx_px{k}");
            cols.push(format!("COUNT({x}) AS __abx_n{k}"));
            cols.push(format!("COALESCE(SUM({x}), {zero}) AS __abx_sum{k}"));
            // A 0/1 metric's squares are its values (the reader refuses any
            // other value, measured below): no sum of squares to pay for.
            if !m.input.binary {
                cols.push(format!("COALESCE(SUM({x} * {x}), {zero}) AS __abx_sq{k}"));
            }
            if m.input.y.is_some() {
                let y = format!("__abx_py{k}");
                cols.push(format!("COALESCE(SUM({y}), {zero}) AS __abx_sy{k}"));
                cols.push(format!("COALESCE(SUM({y} * {y}), {zero}) AS __abx_syy{k}"));
                cols.push(format!("COALESCE(SUM({x} * {y}), {zero}) AS __abx_sxy{k}"));
            }
            // What the reader refuses, as a measure that is 0 only when all
            // is well: a proportion's values other than 0 and 1, infinite
            // values a cap or the pairing would hide (x * 0 is NaN only
            // then), events abx refuses; an infinite value elsewhere makes
            // the sums themselves non-finite.
            let mut bad = Vec::new();
            let sum = |e: String| format!("COALESCE(SUM({e}), {zero})");
            // The values other than 0 and 1. Where doubles overflow to inf
            // rather than raise, measured by Σ|x(x - 1)| (cheaper in DuckDB
            // than a count of a CASE): x - 1 is 0 only for 1, a product of
            // two non-zero values underflows to 0 only below 2^-1075 (and for
            // |x| < 0.5, |x - 1| >= 0.5), a sum of terms at least 0 is 0 only
            // when all are, and an infinite value makes it infinite, which the
            // reader refuses too. Elsewhere (PostgreSQL raises on overflow and
            // underflow), counted.
            let off = |v: &str| {
                if engine.overflows_to_infinity() {
                    sum(format!("ABS({v} * ({v} - 1))"))
                } else {
                    engine.double(&format!("COUNT(CASE WHEN {v} <> 0 AND {v} <> 1 THEN 1 END)"))
                }
            };
            if m.input.binary {
                // A 0/1 metric's shift is 0: these are its values.
                bad.push(off(&x));
                if m.input.y_is_covariate {
                    bad.push(off(&format!("__abx_qy{k}")));
                }
            }
            if cap_of(k).is_some() || m.input.y.is_some() {
                bad.push(sum(format!("__abx_zx{k}")));
            }
            if m.input.y.is_some() {
                bad.push(sum(format!("__abx_zy{k}")));
            }
            if spec.events {
                bad.push(sum(engine.double(&m.bad())));
            }
            if !bad.is_empty() {
                cols.push(format!("{} AS __abx_bad{k}", bad.join(" + ")));
            }
        }
        format!("{name} AS (\n  SELECT {}\n  FROM {src}\n  GROUP BY {}\n)", cols.join(",\n    "), group.join(", "))
    };
    ctes.push(aggregate("__abx_values", "__abx_sums", false));
    if !spec.by.is_empty() {
        ctes.push(aggregate("__abx_values_s", "__abx_sums_s", true));
    }

    // 6. One row per variant (segment) and metric.
    // As `--data`: with a unit column (named, or hashed), unit rows must be one per unit.
    let repeated = if (spec.unit_named || hashing) && !spec.events {
        format!("(SELECT COUNT(__abx_u) - COUNT(DISTINCT __abx_u) FROM __abx_values WHERE {with_variant})")
    } else {
        "0".to_string()
    };
    let metric_rows: Vec<String> = (0..metrics.len()).map(|k| format!("SELECT {k} AS __abx_i")).collect();
    ctes.push(format!("__abx_metrics AS (\n  {}\n)", metric_rows.join("\n  UNION ALL ")));
    let pick = |f: &dyn Fn(&Metric<'_>) -> String| -> String {
        let arms: Vec<String> = metrics.iter().map(|m| format!("WHEN {} THEN {}", m.k, f(m))).collect();
        format!("CASE __abx_i {} END", arms.join(" "))
    };
    let null = engine.double("NULL");
    let second_col = |m: &Metric<'_>, name: &str| {
        if m.input.y.is_some() {
            format!("__abx_{name}{}", m.k)
        } else {
            null.clone()
        }
    };
    let out = |src: &str, scope: Option<&str>| -> String {
        let mut cols = vec![
            format!("__abx_v AS {}", engine.alias("variant")),
            format!("{} AS {}", pick(&|m| engine.string(&m.input.name)), engine.alias("metric")),
        ];
        for (i, b) in spec.by.iter().enumerate() {
            let v = if scope == Some("segment") { format!("__abx_s{i}") } else { engine.null_text() };
            cols.push(format!("{v} AS {}", engine.alias(b)));
        }
        if let Some(s) = scope {
            cols.push(format!("{} AS {}", engine.string(s), engine.alias("scope")));
        }
        cols.push(format!("{} AS {}", pick(&|m| format!("__abx_n{}", m.k)), engine.alias("n")));
        cols.push(format!("{} AS {}", pick(&|m| format!("__abx_sum{}", m.k)), engine.alias("sum")));
        cols.push(format!(
            "{} AS {}",
            pick(&|m| format!("__abx_{}{}", if m.input.binary { "sum" } else { "sq" }, m.k)),
            engine.alias("sum_sq")
        ));
        cols.push(format!("{} AS {}", pick(&|m| second_col(m, "sy")), engine.alias("sum_y")));
        cols.push(format!("{} AS {}", pick(&|m| second_col(m, "syy")), engine.alias("sum_y_sq")));
        cols.push(format!("{} AS {}", pick(&|m| second_col(m, "sxy")), engine.alias("sum_xy")));
        cols.push(format!("{} AS {}", pick(&|m| shift_of(m, false)), engine.alias("shift")));
        cols.push(format!(
            "{} AS {}",
            pick(&|m| if m.input.y.is_some() { shift_of(m, true) } else { null.clone() }),
            engine.alias("shift_y")
        ));
        cols.push(format!("__abx_units - {} AS {}", pick(&|m| format!("__abx_n{}", m.k)), engine.alias("missing")));
        cols.push(format!("__abx_units AS {}", engine.alias("units")));
        let zero = engine.double_lit(0.0);
        let invalid = pick(&|m| {
            if m.input.binary || spec.events || m.input.y.is_some() || cap_of(m.k).is_some() {
                engine.double(&format!("__abx_bad{}", m.k))
            } else {
                zero.clone()
            }
        });
        cols.push(format!("{invalid} AS {}", engine.alias("invalid")));
        cols.push(format!("{repeated} AS {}", engine.alias("repeated_units")));
        // The cap the sums are of, for the reader to check against the experiment's.
        cols.push(format!("{} AS {}", pick(&|m| cap_of(m.k).unwrap_or_else(|| null.clone())), engine.alias("cap")));
        let level = |m: &Metric<'_>| match m.input.cap {
            Some(Cap::Percentile(q)) => engine.double_lit(q),
            _ => null.clone(),
        };
        cols.push(format!("{} AS {}", pick(&level), engine.alias("cap_percentile")));
        let shifts = match (has_shifts, has_percentiles) {
            (false, false) => "",
            (true, false) => " CROSS JOIN __abx_shifts",
            (false, true) => " CROSS JOIN __abx_caps",
            (true, true) => " CROSS JOIN __abx_shifts CROSS JOIN __abx_caps",
        };
        // The groups without a variant dropped by one predicate that names an
        // aggregate, so that no engine pushes it below the GROUP BY onto every
        // row (in DuckDB that filter costs a quarter of the plain GROUP BY).
        format!(
            "SELECT {}\nFROM {src} CROSS JOIN __abx_metrics{shifts}\nWHERE (__abx_v <> '' OR __abx_units < 0)",
            cols.join(",\n  ")
        )
    };
    let body = if spec.by.is_empty() {
        out("__abx_sums", None)
    } else {
        format!("{}\nUNION ALL\n{}", out("__abx_sums", Some("all")), out("__abx_sums_s", Some("segment")))
    };
    let order: Vec<String> =
        (1..=2 + spec.by.len() + usize::from(!spec.by.is_empty())).map(|i| i.to_string()).collect();
    let sql =
        format!("{}WITH {}\n{body}\nORDER BY {}\n", header("summary", engine, exp), ctes.join(",\n"), order.join(", "));
    Ok(Query { sql, notes })
}
