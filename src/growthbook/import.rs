//! `abx growthbook import`: a GrowthBook experiment (an experiment rule of a
//! payload's feature, or an inline experiment) as an abx experiment file
//! with `hashing: growthbook`, so that `abx assign` gives each unit what the
//! SDKs' `run` gives it. What the file cannot say exactly (prerequisites,
//! URL targeting, rollouts before the rule, a forced variation) is refused.

use serde_json::{json, Map, Value};

use super::condition::SavedGroups;
use super::{hash, js};
use crate::experiment::emit::Draft;
use crate::experiment::{AttributeType, GrowthbookFilter, GrowthbookHashing, Layer, Status, Variant};

/// The draft, and what the user should know about it.
#[derive(Debug)]
pub struct Imported {
    pub draft: Draft,
    pub notes: Vec<String>,
}

fn truthy<'a>(m: &'a Map<String, Value>, k: &str) -> Option<&'a Value> {
    m.get(k).filter(|v| js::truthy(v))
}

/// Is this rule an experiment rule (what the SDKs run as an experiment)?
fn is_experiment_rule(rule: &Map<String, Value>) -> bool {
    !rule.contains_key("force")
        && (rule.get("contextualVariations").is_some_and(|v| !v.is_null()) || truthy(rule, "variations").is_some())
}

fn rule_name(rule: &Map<String, Value>, feature: &str) -> String {
    let id = truthy(rule, "id").map(js::to_string);
    let key = truthy(rule, "key").map_or(feature.to_string(), js::to_string);
    match id {
        Some(id) => format!("rule `{id}` (experiment `{key}`)"),
        None => format!("the rule of experiment `{key}`"),
    }
}

/// The experiment rule `rule` (its id or its experiment's key) of feature
/// `feature`, or its only experiment rule, as the SDKs build it.
pub fn from_feature(
    features: &Map<String, Value>,
    groups: &SavedGroups,
    feature: &str,
    rule: Option<&str>,
) -> Result<Imported, String> {
    let Some(f) = features.get(feature) else {
        let known: Vec<String> = features.keys().cloned().collect();
        return Err(format!("the payload has no feature `{feature}`; it has: {}", crate::bounds::list(&known)));
    };
    let rules: Vec<&Map<String, Value>> = f
        .get("rules")
        .and_then(Value::as_array)
        .map_or(&[][..], Vec::as_slice)
        .iter()
        .filter_map(Value::as_object)
        .collect();
    let key_of = |r: &Map<String, Value>| truthy(r, "key").map_or(feature.to_string(), js::to_string);
    let candidates: Vec<usize> = (0..rules.len()).filter(|&i| is_experiment_rule(rules[i])).collect();
    let names = || candidates.iter().map(|&i| rule_name(rules[i], feature)).collect::<Vec<_>>().join(", ");
    let at = match rule {
        Some(want) => {
            let hits: Vec<usize> = candidates
                .iter()
                .copied()
                .filter(|&i| {
                    truthy(rules[i], "id").map(js::to_string).as_deref() == Some(want) || key_of(rules[i]) == want
                })
                .collect();
            match hits.as_slice() {
                [i] => *i,
                [] if candidates.is_empty() => return Err(format!("feature `{feature}` has no experiment rule")),
                [] => return Err(format!("feature `{feature}` has no experiment rule `{want}`; it has: {}", names())),
                _ => {
                    return Err(format!(
                        "more than one experiment rule of feature `{feature}` is `{want}`: {}",
                        names()
                    ))
                }
            }
        }
        None => match candidates.as_slice() {
            [i] => *i,
            [] => return Err(format!("feature `{feature}` has no experiment rule (a rule with `variations`)")),
            _ => {
                return Err(format!(
                    "feature `{feature}` has {} experiment rules: pick one with --rule (its id or experiment key): {}",
                    candidates.len(),
                    names()
                ))
            }
        },
    };
    let r = rules[at];
    let what = rule_name(r, feature);
    if r.contains_key("parentConditions") {
        return Err(format!(
            "{what} has prerequisites (`parentConditions`) on other features, which an abx experiment file cannot hold"
        ));
    }
    if r.get("contextualVariations").is_some_and(|v| !v.is_null()) || truthy(r, "contextualBanditRef").is_some() {
        return Err(format!("{what} is a contextual bandit: its weights change with each unit's context, which an abx experiment file cannot hold"));
    }
    // What the SDKs' evalFeature hands to run (the JS SDK's `_evalFeature`).
    let mut exp = Map::new();
    exp.insert("variations".into(), r.get("variations").cloned().unwrap_or(Value::Null));
    exp.insert("key".into(), Value::String(key_of(r)));
    if let Some(c) = r.get("coverage") {
        exp.insert("coverage".into(), c.clone());
    }
    for k in ["weights", "hashAttribute", "fallbackAttribute", "namespace", "meta", "ranges", "name", "phase", "seed"] {
        if let Some(v) = truthy(r, k) {
            exp.insert(k.into(), v.clone());
        }
    }
    for k in ["hashVersion", "filters", "condition"] {
        if let Some(v) = truthy(r, k) {
            exp.insert(k.into(), v.clone());
        }
    }
    // Units an earlier rule serves never reach this one: a force rule with
    // only a condition is a condition they must fail; any other earlier rule
    // (a rollout, another experiment, prerequisites) takes units by hash or
    // by other features, which a condition cannot say.
    let mut before = Vec::new();
    for (i, e) in rules[..at].iter().enumerate() {
        let id = truthy(e, "id").map_or(format!("rule {}", i + 1), |v| format!("rule `{}`", js::to_string(v)));
        if e.contains_key("parentConditions") {
            return Err(format!("{id}, before {what}, has prerequisites on other features: which units reach {what} depends on them, which an abx experiment file cannot hold"));
        }
        if is_experiment_rule(e) {
            return Err(format!("{id}, before {what}, is an experiment too: the units it takes never reach {what}, which an abx experiment file cannot hold"));
        }
        if !e.contains_key("force") {
            continue; // the SDKs skip a rule with neither `force` nor `variations`
        }
        if truthy(e, "range").is_some() || e.contains_key("coverage") || e.contains_key("filters") {
            return Err(format!("{id}, before {what}, is a rollout: the units it takes by hash never reach {what}, which an abx experiment file cannot hold"));
        }
        match truthy(e, "condition") {
            Some(c) => before.push(inline_groups(c, groups)?),
            None => return Err(format!("{id}, before {what}, serves every unit: no unit reaches {what}")),
        }
    }
    let source = format!("feature `{feature}`, {what}");
    convert(&exp, groups, before, &source)
}

/// An inline experiment (the SDKs' `run`).
pub fn from_experiment(exp: &Map<String, Value>, groups: &SavedGroups) -> Result<Imported, String> {
    let key = exp.get("key").map_or_else(String::new, js::to_string);
    convert(exp, groups, Vec::new(), &format!("experiment `{key}`"))
}

fn convert(
    exp: &Map<String, Value>,
    groups: &SavedGroups,
    before: Vec<Value>,
    source: &str,
) -> Result<Imported, String> {
    let mut notes = Vec::new();
    let key = exp.get("key").map_or_else(String::new, js::to_string);
    let variations = exp.get("variations").and_then(Value::as_array).map_or(&[][..], Vec::as_slice);
    let n = variations.len();
    if n < 2 {
        return Err(format!(
            "{source} has {n} variation(s): GrowthBook's SDKs put no unit in an experiment of fewer than 2"
        ));
    }
    for (k, why) in [
        ("force", "forces one variation on every unit (`force`): no unit is in it"),
        (
            "parentConditions",
            "has prerequisites (`parentConditions`) on other features, which an abx experiment file cannot hold",
        ),
        ("urlPatterns", "targets URLs (`urlPatterns`): a unit in a batch has no URL"),
        ("url", "targets a URL (`url`): a unit in a batch has no URL"),
        ("groups", "targets the context's `groups`, which a batch has not"),
        ("contextualBanditRef", "is a contextual bandit, whose weights change with each unit's context"),
    ] {
        let present = match k {
            "url" | "groups" => exp.get(k).is_some_and(js::truthy),
            "force" => exp.contains_key(k),
            _ => exp.get(k).is_some_and(|v| !v.is_null()),
        };
        if present {
            return Err(format!("{source} {why}"));
        }
    }
    let status = if exp.get("status").and_then(Value::as_str) == Some("draft")
        || exp.get("active") == Some(&json!(false))
    {
        notes.push("the experiment is a draft or inactive in GrowthBook: it is imported as `status: draft` (no unit is assigned until `status: running`)".into());
        Status::Draft
    } else if exp.get("status").and_then(Value::as_str) == Some("stopped") {
        notes.push(
            "the experiment is stopped in GrowthBook: it is imported as `status: stopped` (no unit is assigned)".into(),
        );
        Status::Stopped
    } else {
        Status::Running
    };
    let hash_attribute = truthy(exp, "hashAttribute").map_or("id".to_string(), js::to_string);
    if truthy(exp, "fallbackAttribute").is_some() {
        notes.push("`fallbackAttribute` is left out: GrowthBook's SDKs use it only with sticky bucketing, which a batch has not".into());
    }
    let version = hash_version(exp, 1).ok_or_else(|| {
        format!("{source} has a `hashVersion` other than 1 or 2: GrowthBook's SDKs hash no unit for it")
    })?;
    let seed = truthy(exp, "seed").map_or(key.clone(), js::to_string);
    let (filters, namespace) = match truthy(exp, "filters") {
        Some(Value::Array(fs)) => {
            (fs.iter().map(|f| filter(f, &hash_attribute, source)).collect::<Result<Vec<_>, _>>()?, None)
        }
        Some(_) => (Vec::new(), None),
        None => (Vec::new(), namespace(exp, source)?),
    };
    let variants_ranges = match truthy(exp, "ranges") {
        Some(Value::Array(rs)) => Some(explicit_ranges(rs, n, source)?),
        _ => None,
    };
    let (allocation, weights) = match &variants_ranges {
        Some(rs) => (None, rs.iter().map(|r| r[1] - r[0]).collect::<Vec<f64>>()),
        None => {
            let coverage = exp.get("coverage").map_or(1.0, js::to_number);
            if coverage.is_nan() {
                return Err(format!(
                    "{source} has a `coverage` that is not a number: GrowthBook's SDKs put no unit in it"
                ));
            }
            let coverage = coverage.clamp(0.0, 1.0);
            if coverage == 0.0 {
                return Err(format!("{source} has coverage 0: no unit is in it"));
            }
            let raw: Option<Vec<f64>> =
                truthy(exp, "weights").and_then(Value::as_array).map(|w| w.iter().map(js::to_number).collect());
            let weights = hash::effective_weights(n as i64, raw.as_deref());
            if raw.is_some_and(|r| r != weights) {
                notes.push("the weights are not n numbers summing to 1, so GrowthBook's SDKs split equally: the file has equal weights".into());
            }
            if let Some(i) = weights.iter().position(|w| w.is_nan() || *w <= 0.0) {
                return Err(format!("{source}: variation {i} has weight {}: an abx experiment needs a positive weight for every variant", weights[i]));
            }
            ((coverage < 1.0).then_some(coverage), weights)
        }
    };
    let meta = exp.get("meta").and_then(Value::as_array);
    let mut variants = Vec::with_capacity(n);
    for (i, (value, weight)) in variations.iter().zip(&weights).enumerate() {
        let m = meta.and_then(|m| m.get(i)).and_then(Value::as_object);
        let name = m.and_then(|m| truthy(m, "key")).map_or(i.to_string(), js::to_string);
        if name.trim() != name || name.chars().any(char::is_control) {
            return Err(format!("{source}: variation {i}'s key `{name}` has surrounding spaces or control characters, which an abx variant name cannot"));
        }
        if variants.iter().any(|v: &Variant| v.name == name) {
            return Err(format!("{source}: two variations have the key `{name}`"));
        }
        if m.and_then(|m| truthy(m, "passthrough")).is_some() {
            notes.push(format!("variation `{name}` is a passthrough: in a feature, the SDKs serve its units the later rules' value; `abx assign` names the variation, as GrowthBook's exposure log does"));
        }
        let mut params = Map::new();
        params.insert("value".into(), value.clone());
        let description = m.and_then(|m| truthy(m, "name")).map(js::to_string);
        variants.push(Variant { name, weight: *weight, params, description });
    }
    let own = truthy(exp, "condition").map(|c| inline_groups(c, groups)).transpose()?;
    if own.as_ref().is_some_and(|c| !c.is_object()) {
        return Err(format!("{source} has a `condition` that is not an object"));
    }
    let condition = match (own, before.is_empty()) {
        (c, true) => c,
        (None, false) => Some(json!({"$nor": before})),
        (Some(c), false) => Some(json!({"$and": [c, {"$nor": before}]})),
    };
    if !before.is_empty() {
        notes.push("units that the feature's earlier force rules serve never reach the experiment: their conditions are in the file's condition, under `$nor`".into());
    }
    let attributes = match &condition {
        Some(c) => attribute_types(c, &hash_attribute).map_err(|m| format!("{source}: {m}"))?,
        None => Vec::new(),
    };
    if !attributes.is_empty() {
        let names: Vec<String> = attributes.iter().map(|(a, t)| format!("{a} ({})", t.name())).collect();
        notes.push(format!(
            "the condition reads {}: give `abx assign` a CSV --input with these columns",
            names.join(", ")
        ));
    }
    let name = file_name(&key);
    let description = truthy(exp, "name").map(js::to_string);
    let mut header = vec![
        format!("Imported by `abx growthbook import` from GrowthBook's {source}."),
        "abx assign gives each unit what GrowthBook's SDKs give it; add the metrics to analyze:".into(),
        "metrics:".into(),
        "  - {name: converted, kind: proportion}".into(),
    ];
    if name != key {
        header.insert(1, format!("The experiment's key `{key}` is `{name}` here; its seed keeps the hashing."));
    }
    Ok(Imported {
        draft: Draft {
            header,
            name,
            description,
            status,
            allocation,
            seed,
            hashing: GrowthbookHashing {
                version,
                hash_attribute,
                namespace,
                filters,
                ranges: variants_ranges,
                condition,
                attributes,
            },
            variants,
        },
        notes,
    })
}

/// `x.hashVersion || default`, as the SDKs' `hash()` reads it (1 or 2, else none).
fn hash_version(m: &Map<String, Value>, default: u32) -> Option<u32> {
    match truthy(m, "hashVersion") {
        None => Some(default),
        Some(Value::Number(v)) if v.as_f64() == Some(1.0) => Some(1),
        Some(Value::Number(v)) if v.as_f64() == Some(2.0) => Some(2),
        Some(_) => None,
    }
}

/// A range of a hash in [0, 1) as GrowthBook's `[start, end)` tests it,
/// clamped to [0, 1] (the same units); `None` if it holds none.
fn clamp_range(r: &Value) -> Option<[f64; 2]> {
    let a = r.as_array()?;
    let (s, e) = (js::to_number(a.first()?), js::to_number(a.get(1)?));
    let (s, e) = (s.max(0.0), e.min(1.0));
    (s < e).then_some([s, e])
}

fn filter(f: &Value, hash_attribute: &str, source: &str) -> Result<GrowthbookFilter, String> {
    let Some(f) = f.as_object() else {
        return Err(format!("{source} has a filter that is not an object: GrowthBook's SDKs put no unit in it"));
    };
    let attribute = truthy(f, "attribute").map_or("id".to_string(), js::to_string);
    if attribute != hash_attribute {
        return Err(format!("{source} has a filter on attribute `{attribute}`, not on its hash attribute `{hash_attribute}`: abx hashes the unit only"));
    }
    let seed = f.get("seed").map_or_else(|| "undefined".to_string(), js::to_string);
    let version =
        hash_version(f, 2).ok_or_else(|| format!("{source} has a filter whose `hashVersion` is not 1 or 2"))?;
    let ranges: Vec<[f64; 2]> = f
        .get("ranges")
        .and_then(Value::as_array)
        .map_or_else(Vec::new, |rs| rs.iter().filter_map(clamp_range).collect());
    if ranges.is_empty() {
        return Err(format!("{source} has a filter (seed `{seed}`) whose ranges hold no unit: no unit is in it"));
    }
    Ok(GrowthbookFilter { seed, version, ranges })
}

fn namespace(exp: &Map<String, Value>, source: &str) -> Result<Option<Layer>, String> {
    let Some(ns) = truthy(exp, "namespace").and_then(Value::as_array) else { return Ok(None) };
    let name = ns.first().map_or_else(String::new, js::to_string);
    let range = clamp_range(&Value::Array(ns.iter().skip(1).cloned().collect()))
        .ok_or_else(|| format!("{source} has a namespace (`{name}`) whose range holds no unit: no unit is in it"))?;
    Ok(Some(Layer { name, range }))
}

fn explicit_ranges(rs: &[Value], n: usize, source: &str) -> Result<Vec<[f64; 2]>, String> {
    if rs.len() != n {
        return Err(format!(
            "{source} has {} ranges for {n} variations: an abx experiment needs one per variant",
            rs.len()
        ));
    }
    let ranges: Vec<[f64; 2]> = rs
        .iter()
        .enumerate()
        .map(|(i, r)| {
            clamp_range(r).ok_or_else(|| {
                format!("{source}: the range of variation {i} holds no unit, which an abx variant cannot")
            })
        })
        .collect::<Result<_, _>>()?;
    let mut sorted = ranges.clone();
    sorted.sort_by(|a, b| a[0].total_cmp(&b[0]));
    if sorted.windows(2).any(|w| w[1][0] < w[0][1]) {
        return Err(format!("{source} has overlapping ranges: the variants' shares would not be their ranges' widths"));
    }
    Ok(ranges)
}

/// The condition with `$inGroup` / `$notInGroup` written out as `$in` /
/// `$nin` of the saved group's members (the same `isIn`; an unknown group
/// has none), wherever the SDKs read an operator.
pub fn inline_groups(c: &Value, groups: &SavedGroups) -> Result<Value, String> {
    let Value::Object(m) = c else { return Ok(c.clone()) };
    let mut out = Map::new();
    for (k, v) in m {
        let v = match k.as_str() {
            "$or" | "$nor" | "$and" => match v {
                Value::Array(items) => {
                    Value::Array(items.iter().map(|i| inline_groups(i, groups)).collect::<Result<_, _>>()?)
                }
                other => other.clone(),
            },
            "$not" => inline_groups(v, groups)?,
            _ => inline_value(v, groups)?,
        };
        out.insert(k.clone(), v);
    }
    Ok(Value::Object(out))
}

fn is_operator_object(v: &Value) -> bool {
    v.as_object().is_some_and(|m| !m.is_empty() && m.keys().all(|k| k.starts_with('$')))
}

fn inline_value(v: &Value, groups: &SavedGroups) -> Result<Value, String> {
    let Some(m) = v.as_object().filter(|_| is_operator_object(v)) else { return Ok(v.clone()) };
    if m.contains_key("$in") && m.contains_key("$inGroup") || m.contains_key("$nin") && m.contains_key("$notInGroup") {
        return Err("a condition has `$in` and `$inGroup` (or `$nin` and `$notInGroup`) on one attribute, which abx cannot write out as one `$in`: split them with `$and`".into());
    }
    let mut out = Map::new();
    for (op, operand) in m {
        let (op, operand) = match op.as_str() {
            "$inGroup" | "$notInGroup" => {
                let members =
                    groups.get(&js::to_string(operand)).and_then(Value::as_array).cloned().unwrap_or_default();
                (if op == "$inGroup" { "$in" } else { "$nin" }, Value::Array(members))
            }
            "$not" => ("$not", inline_value(operand, groups)?),
            "$elemMatch" if is_operator_object(operand) => ("$elemMatch", inline_value(operand, groups)?),
            "$elemMatch" => ("$elemMatch", inline_groups(operand, groups)?),
            other => (other, operand.clone()),
        };
        out.insert(op.to_string(), operand);
    }
    Ok(Value::Object(out))
}

/// The attributes a condition reads (the first segment of each path), with
/// the type of the literals it compares them with: a nested path, or an
/// array operator, reads JSON; the hash attribute is the unit itself.
fn attribute_types(c: &Value, hash_attribute: &str) -> Result<Vec<(String, AttributeType)>, String> {
    let mut out: Vec<(String, AttributeType)> = Vec::new();
    let mut unit_typed = false;
    collect(c, hash_attribute, &mut out, &mut unit_typed);
    if unit_typed {
        // `{"id": {"$eq": 5}}` holds for the number 5 in the SDKs, never for the text "5".
        return Err(format!(
            "the condition compares the hash attribute `{hash_attribute}` with a number, a boolean or JSON, but abx's units are text: the condition could hold in the SDKs and not in abx"
        ));
    }
    Ok(out)
}

fn collect(c: &Value, hash: &str, out: &mut Vec<(String, AttributeType)>, unit_typed: &mut bool) {
    let Value::Object(m) = c else { return };
    for (k, v) in m {
        match k.as_str() {
            "$or" | "$nor" | "$and" => {
                for item in v.as_array().map_or(&[][..], Vec::as_slice) {
                    collect(item, hash, out, unit_typed);
                }
            }
            "$not" => collect(v, hash, out, unit_typed),
            path => {
                let first = path.split('.').next().unwrap_or(path);
                let t = if first != path { Some(AttributeType::Json) } else { value_type(v) };
                if first == hash {
                    *unit_typed |= t.is_some_and(|t| t != AttributeType::String);
                    continue;
                }
                match out.iter_mut().find(|(a, _)| a == first) {
                    Some((_, have)) => {
                        if let Some(t) = t {
                            if *have != t {
                                *have = if *have == AttributeType::Json || t == AttributeType::Json {
                                    AttributeType::Json
                                } else {
                                    *have
                                };
                            }
                        }
                    }
                    None => out.push((first.to_string(), t.unwrap_or(AttributeType::String))),
                }
            }
        }
    }
}

fn literal_type(v: &Value) -> Option<AttributeType> {
    match v {
        Value::String(_) => Some(AttributeType::String),
        Value::Number(_) => Some(AttributeType::Number),
        Value::Bool(_) => Some(AttributeType::Boolean),
        Value::Null => None,
        Value::Array(_) | Value::Object(_) => Some(AttributeType::Json),
    }
}

/// The type a value condition (an operator object or a literal) compares with.
fn value_type(v: &Value) -> Option<AttributeType> {
    if !is_operator_object(v) {
        return literal_type(v);
    }
    let m = v.as_object()?;
    for (op, operand) in m {
        let t = match op.as_str() {
            "$eq" | "$ne" | "$lt" | "$lte" | "$gt" | "$gte" => literal_type(operand),
            "$in" | "$nin" | "$ini" | "$nini" => operand.as_array().and_then(|a| a.iter().find_map(literal_type)),
            "$veq" | "$vne" | "$vgt" | "$vgte" | "$vlt" | "$vlte" | "$regex" | "$regexi" => Some(AttributeType::String),
            "$size" | "$elemMatch" | "$all" | "$alli" => Some(AttributeType::Json),
            "$type" => match operand.as_str() {
                Some("number") => Some(AttributeType::Number),
                Some("boolean") => Some(AttributeType::Boolean),
                Some("string") => Some(AttributeType::String),
                Some("array" | "object" | "null") => Some(AttributeType::Json),
                _ => None,
            },
            "$not" => value_type(operand),
            _ => None,
        };
        if t.is_some() {
            return t;
        }
    }
    None
}

/// An abx name for a GrowthBook key: [A-Za-z0-9_.-], others as `_`.
fn file_name(key: &str) -> String {
    let s: String =
        key.chars().map(|c| if c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-') { c } else { '_' }).collect();
    if s.is_empty() {
        "growthbook_experiment".into()
    } else {
        s
    }
}
