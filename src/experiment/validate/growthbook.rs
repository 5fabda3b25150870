//! `hashing:` — the contract's SHA-256 (`abx`, the default) or GrowthBook's
//! bucketing (`growthbook`), with GrowthBook's options.

use super::*;

pub const HASHING_FIELDS: &[&str] =
    &["scheme", "version", "seed", "hash_attribute", "namespace", "filters", "ranges", "condition", "attributes"];
pub const SCHEMES: &[&str] = &["abx", "growthbook"];
const NAMESPACE_FIELDS: &[&str] = &["name", "range"];
const FILTER_FIELDS: &[&str] = &["seed", "version", "ranges"];

/// The operators of GrowthBook's conditions (the JS SDK's `mongrule.ts`);
/// `$inGroup` and `$notInGroup` need the payload's saved groups, which
/// `abx growthbook import` writes out as `$in` and `$nin`.
pub const OPERATORS: &[&str] = &[
    "$eq",
    "$ne",
    "$lt",
    "$lte",
    "$gt",
    "$gte",
    "$veq",
    "$vne",
    "$vgt",
    "$vgte",
    "$vlt",
    "$vlte",
    "$exists",
    "$in",
    "$ini",
    "$nin",
    "$nini",
    "$not",
    "$size",
    "$elemMatch",
    "$all",
    "$alli",
    "$regex",
    "$regexi",
    "$type",
    "$and",
    "$or",
    "$nor",
];

/// What `hashing:` gave: the scheme's settings and the seed, if any.
pub struct Hashing {
    pub growthbook: Option<GrowthbookHashing>,
    pub seed: Option<String>,
}

pub fn check_hashing(c: &mut Checker, node: &Node) -> Option<Hashing> {
    if node.as_str().is_some() {
        let scheme = c.choice(node, "hashing", SCHEMES)?;
        return Some(Hashing { growthbook: (scheme == "growthbook").then(default_growthbook), seed: None });
    }
    let f = c.map(node, "hashing", HASHING_FIELDS)?;
    let scheme = match f.get("scheme") {
        Some(n) => c.choice(n, "hashing.scheme", SCHEMES)?,
        None => {
            c.err_help(node, "missing required field `scheme` in `hashing`", "write `scheme: growthbook` (or `abx`)");
            return None;
        }
    };
    if scheme == "abx" {
        if let Some((k, _, _)) = f.entries.iter().find(|(k, _, _)| *k != "scheme") {
            let key = f.key(k).unwrap_or(f.node);
            c.err_help(key, format!("`hashing.{k}` is GrowthBook's"), "set `scheme: growthbook`, or remove it");
            return None;
        }
        return Some(Hashing { growthbook: None, seed: None });
    }
    let version = match f.get("version") {
        Some(n) => hash_version(c, n, "hashing.version"),
        None => Some(1),
    };
    let seed = f.get("seed").and_then(|n| {
        let s = c.string(n, "hashing.seed")?;
        if s.is_empty() {
            c.err(n, "`hashing.seed` must not be empty");
            return None;
        }
        Some(s)
    });
    let hash_attribute = match f.get("hash_attribute") {
        Some(n) => c.string(n, "hashing.hash_attribute").filter(|s| !s.is_empty()).or_else(|| {
            c.err(n, "`hashing.hash_attribute` must be an attribute's name");
            None
        }),
        None => Some("id".to_string()),
    };
    let namespace = f.get("namespace").map(|n| check_namespace(c, n)).transpose_opt();
    let filters = match f.get("filters") {
        Some(n) => check_filters(c, n),
        None => Some(Vec::new()),
    };
    if let (Some(k), Some(_)) = (f.key("namespace"), f.get("filters")) {
        c.err_help(
            k,
            "give `namespace` or `filters`, not both: GrowthBook's SDKs ignore the namespace of an experiment with filters",
            "remove `namespace`",
        );
    }
    let ranges = f.get("ranges").map(|n| ranges_at(c, n, "hashing.ranges")).transpose_opt();
    let attributes = match f.get("attributes") {
        Some(n) => check_attributes(c, n),
        None => Some(Vec::new()),
    };
    let condition = match (f.get("condition"), &attributes, &hash_attribute) {
        (Some(n), Some(attrs), Some(h)) => check_condition(c, n, attrs, h).map(Some),
        (Some(_), _, _) => None,
        (None, _, _) => Some(None),
    };
    Some(Hashing {
        growthbook: Some(GrowthbookHashing {
            version: version?,
            hash_attribute: hash_attribute?,
            namespace: namespace?,
            filters: filters?,
            ranges: ranges?,
            condition: condition?,
            attributes: attributes?,
        }),
        seed,
    })
}

fn default_growthbook() -> GrowthbookHashing {
    GrowthbookHashing {
        version: 1,
        hash_attribute: "id".into(),
        namespace: None,
        filters: Vec::new(),
        ranges: None,
        condition: None,
        attributes: Vec::new(),
    }
}

fn hash_version(c: &mut Checker, n: &Node, what: &str) -> Option<u32> {
    match n.value {
        Value::Int(v @ (1 | 2)) => Some(v as u32),
        _ => {
            c.err_help(
                n,
                format!("`{what}` must be 1 or 2, found `{}`", n.scalar_text().unwrap_or_default()),
                "GrowthBook's hash versions are 1 (the SDKs' default) and 2",
            );
            None
        }
    }
}

fn range_at(c: &mut Checker, n: &Node, what: &str) -> Option<[f64; 2]> {
    let help = "a range is [START, END) within [0, 1], e.g. [0, 0.5]";
    let items = c.seq(n, what)?;
    if items.len() != 2 {
        c.err_help(n, format!("a range in `{what}` must be [START, END], found {} values", items.len()), help);
        return None;
    }
    let (a, b) = (share(c, &items[0], what, help), share(c, &items[1], what, help));
    let (a, b) = (a?, b?);
    if a > b {
        c.err_help(n, format!("a range in `{what}` starts after it ends: [{a}, {b}]"), help);
        return None;
    }
    Some([a, b])
}

fn ranges_at(c: &mut Checker, n: &Node, what: &str) -> Option<Vec<[f64; 2]>> {
    let items = c.seq(n, what)?;
    let ranges: Vec<Option<[f64; 2]>> = items.iter().map(|r| range_at(c, r, what)).collect();
    ranges.into_iter().collect()
}

fn check_namespace(c: &mut Checker, node: &Node) -> Option<Layer> {
    let f = c.map(node, "hashing.namespace", NAMESPACE_FIELDS)?;
    let name = c.required(&f, "name", "`hashing.namespace`").and_then(|n| c.string(n, "hashing.namespace.name"));
    let range = c.required(&f, "range", "`hashing.namespace`").and_then(|n| range_at(c, n, "hashing.namespace.range"));
    Some(Layer { name: name?, range: range? })
}

fn check_filters(c: &mut Checker, node: &Node) -> Option<Vec<GrowthbookFilter>> {
    let items = c.seq(node, "hashing.filters")?;
    let mut out = Vec::new();
    let mut ok = true;
    for item in items {
        let Some(f) = c.map(item, "a filter in `hashing.filters`", FILTER_FIELDS) else {
            ok = false;
            continue;
        };
        let seed = c.required(&f, "seed", "a filter").and_then(|n| c.string(n, "seed"));
        let version = match f.get("version") {
            Some(n) => hash_version(c, n, "version"),
            None => Some(2),
        };
        let ranges = c.required(&f, "ranges", "a filter").and_then(|n| ranges_at(c, n, "ranges"));
        match (seed, version, ranges) {
            (Some(seed), Some(version), Some(ranges)) => out.push(GrowthbookFilter { seed, version, ranges }),
            _ => ok = false,
        }
    }
    ok.then_some(out)
}

fn check_attributes(c: &mut Checker, node: &Node) -> Option<Vec<(String, AttributeType)>> {
    let f = c.map(node, "hashing.attributes", &[])?;
    let mut out = Vec::new();
    let mut ok = true;
    for (name, _, v) in &f.entries {
        let t = c.choice(v, &format!("hashing.attributes.{name}"), &AttributeType::NAMES);
        match t {
            Some(t) => out.push((
                name.to_string(),
                match t {
                    "number" => AttributeType::Number,
                    "boolean" => AttributeType::Boolean,
                    "json" => AttributeType::Json,
                    _ => AttributeType::String,
                },
            )),
            None => ok = false,
        }
    }
    ok.then_some(out)
}

/// A GrowthBook condition: a mapping of attribute paths and operators. Every
/// operator must be GrowthBook's, and every attribute it reads declared in
/// `hashing.attributes` (or the hash attribute, the unit).
fn check_condition(
    c: &mut Checker,
    node: &Node,
    attrs: &[(String, AttributeType)],
    hash_attribute: &str,
) -> Option<serde_json::Value> {
    let before = c.diags.len();
    if !matches!(node.value, Value::Map(_)) {
        c.wrong_type(node, "hashing.condition", "a mapping (a GrowthBook condition)");
        return None;
    }
    walk_condition(c, node, attrs, hash_attribute, true);
    (c.diags.len() == before).then(|| node.to_json())
}

fn walk_condition(c: &mut Checker, node: &Node, attrs: &[(String, AttributeType)], hash: &str, top: bool) {
    match &node.value {
        Value::Map(entries) => {
            for (k, v) in entries {
                let Some(key) = k.as_str() else {
                    c.err(k, format!("keys in a condition must be strings, found {}", k.value.type_name()));
                    continue;
                };
                if key.starts_with('$') {
                    if key == "$inGroup" || key == "$notInGroup" {
                        c.err_help(
                            k,
                            format!("`{key}` needs the payload's saved groups, which an experiment file does not have"),
                            "list the group's members with `$in` / `$nin` (as `abx growthbook import` writes it)",
                        );
                        continue;
                    }
                    if !OPERATORS.contains(&key) {
                        let msg = format!("`{key}` is not an operator of GrowthBook's conditions");
                        match did_you_mean(key, OPERATORS) {
                            Some(s) => c.err_help(k, msg, format!("did you mean `{s}`?")),
                            None => c.err_help(k, msg, format!("operators are: {}", OPERATORS.join(" "))),
                        }
                        continue;
                    }
                    // Sub-conditions are conditions again; operands are values.
                    match key {
                        "$and" | "$or" | "$nor" => {
                            if let Value::Seq(items) = &v.value {
                                for item in items {
                                    walk_condition(c, item, attrs, hash, true);
                                }
                            }
                        }
                        "$not" if top => walk_condition(c, v, attrs, hash, true),
                        "$not" => walk_condition(c, v, attrs, hash, false),
                        "$elemMatch" => {}
                        _ => {}
                    }
                } else if top {
                    let first = key.split('.').next().unwrap_or(key);
                    if first != hash && !attrs.iter().any(|(a, _)| a == first) {
                        c.err_help(
                            k,
                            format!("the condition reads attribute `{first}`, which `hashing.attributes` does not declare"),
                            format!("declare it with its type, e.g. attributes: {{{first}: string}} (string, number, boolean or json)"),
                        );
                    }
                    walk_condition(c, v, attrs, hash, false);
                }
            }
        }
        Value::Seq(_) | Value::Null | Value::Bool(_) | Value::Int(_) | Value::Float(_) | Value::Str(_) => {}
    }
}
