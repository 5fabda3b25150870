//! A new experiment file written from a model, for `abx growthbook import`:
//! block mappings for the structure, JSON-style flow values (always quoted
//! strings, non-ASCII escaped) for conditions and params, so that every
//! value parses back to exactly what was written.

use std::fmt::Write as _;

use serde_json::Value as Json;

use super::{GrowthbookHashing, Status, Variant};

/// An experiment file to write: comment lines first, then the fields.
#[derive(Debug, Clone)]
pub struct Draft {
    /// Comment lines at the top (without `# `).
    pub header: Vec<String>,
    pub name: String,
    pub description: Option<String>,
    pub status: Status,
    pub allocation: Option<f64>,
    pub seed: String,
    pub hashing: GrowthbookHashing,
    pub variants: Vec<Variant>,
}

/// The YAML text of `d`.
pub fn to_yaml(d: &Draft) -> String {
    let mut s = String::new();
    for line in &d.header {
        let _ = writeln!(s, "# {line}");
    }
    let _ = writeln!(s, "name: {}", scalar(&d.name));
    if let Some(text) = &d.description {
        let _ = writeln!(s, "description: {}", quoted(text));
    }
    let status = match d.status {
        Status::Draft => "draft",
        Status::Running => "running",
        Status::Stopped => "stopped",
        Status::Promoted => "promoted",
    };
    let _ = writeln!(s, "status: {status}");
    if let Some(a) = d.allocation {
        let _ = writeln!(s, "allocation: {}", number(a));
    }
    let h = &d.hashing;
    s.push_str("hashing:\n  scheme: growthbook\n");
    let _ = writeln!(s, "  version: {}", h.version);
    let _ = writeln!(s, "  seed: {}", scalar(&d.seed));
    let _ = writeln!(s, "  hash_attribute: {}", scalar(&h.hash_attribute));
    if let Some(ns) = &h.namespace {
        let _ = writeln!(s, "  namespace: {{name: {}, range: {}}}", quoted(&ns.name), range(ns.range));
    }
    if !h.filters.is_empty() {
        s.push_str("  filters:\n");
        for f in &h.filters {
            let ranges: Vec<String> = f.ranges.iter().map(|r| range(*r)).collect();
            let _ = writeln!(
                s,
                "    - {{seed: {}, version: {}, ranges: [{}]}}",
                quoted(&f.seed),
                f.version,
                ranges.join(", ")
            );
        }
    }
    if let Some(rs) = &h.ranges {
        let ranges: Vec<String> = rs.iter().map(|r| range(*r)).collect();
        let _ = writeln!(s, "  ranges: [{}]", ranges.join(", "));
    }
    if !h.attributes.is_empty() {
        let attrs: Vec<String> = h.attributes.iter().map(|(a, t)| format!("{}: {}", quoted(a), t.name())).collect();
        let _ = writeln!(s, "  attributes: {{{}}}", attrs.join(", "));
    }
    if let Some(c) = &h.condition {
        let _ = writeln!(s, "  condition: {}", flow(c));
    }
    s.push_str("variants:\n");
    for v in &d.variants {
        let _ = writeln!(s, "  - name: {}", scalar(&v.name));
        let _ = writeln!(s, "    weight: {}", number(v.weight));
        if let Some(text) = &v.description {
            let _ = writeln!(s, "    description: {}", quoted(text));
        }
        if !v.params.is_empty() {
            let _ = writeln!(s, "    params: {}", flow(&Json::Object(v.params.clone())));
        }
    }
    s
}

fn range(r: [f64; 2]) -> String {
    format!("[{}, {}]", number(r[0]), number(r[1]))
}

/// A finite number as YAML reads it back: Rust's shortest round-trip
/// digits, never an exponent.
fn number(x: f64) -> String {
    format!("{x}")
}

/// A YAML scalar for a string: plain when YAML reads it back as that
/// string (a name such as `checkout-test`), else double-quoted.
pub fn scalar(s: &str) -> String {
    let plain = s.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && s.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
        && !matches!(
            s.to_ascii_lowercase().as_str(),
            "true" | "false" | "yes" | "no" | "on" | "off" | "null" | "y" | "n"
        );
    if plain {
        s.to_string()
    } else {
        quoted(s)
    }
}

/// A double-quoted YAML string: JSON's escapes, and every non-ASCII
/// character escaped (`\uXXXX`, `\UXXXXXXXX`), so no byte of the file is
/// anything but printable ASCII.
pub fn quoted(text: &str) -> String {
    let mut s = String::with_capacity(text.len() + 2);
    s.push('"');
    for c in text.chars() {
        match c {
            '"' => s.push_str("\\\""),
            '\\' => s.push_str("\\\\"),
            '\n' => s.push_str("\\n"),
            '\t' => s.push_str("\\t"),
            '\r' => s.push_str("\\r"),
            ' '..='~' => s.push(c),
            c if (c as u32) <= 0xFFFF => {
                let _ = write!(s, "\\u{:04X}", c as u32);
            }
            c => {
                let _ = write!(s, "\\U{:08X}", c as u32);
            }
        }
    }
    s.push('"');
    s
}

/// A JSON value as a YAML flow value with spaces after `:` and `,`.
pub fn flow(v: &Json) -> String {
    let mut s = String::new();
    flow_into(&mut s, v);
    s
}

fn flow_into(s: &mut String, v: &Json) {
    match v {
        Json::Null => s.push_str("null"),
        Json::Bool(b) => s.push_str(if *b { "true" } else { "false" }),
        Json::Number(n) => match (n.as_i64(), n.as_u64(), n.as_f64()) {
            (Some(i), _, _) => {
                let _ = write!(s, "{i}");
            }
            (None, Some(u), _) => {
                let _ = write!(s, "{u}");
            }
            (None, None, Some(f)) => s.push_str(&float(f)),
            _ => s.push_str("null"),
        },
        Json::String(t) => s.push_str(&quoted(t)),
        Json::Array(items) => {
            s.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    s.push_str(", ");
                }
                flow_into(s, item);
            }
            s.push(']');
        }
        Json::Object(m) => {
            s.push('{');
            for (i, (k, item)) in m.iter().enumerate() {
                if i > 0 {
                    s.push_str(", ");
                }
                s.push_str(&quoted(k));
                s.push_str(": ");
                flow_into(s, item);
            }
            s.push('}');
        }
    }
}

/// A float that YAML reads as a float: with a `.0` when integral, so that
/// 1e300 does not become an integer too large for YAML's integers.
fn float(f: f64) -> String {
    let t = format!("{f}");
    if t.contains('.') {
        t
    } else {
        format!("{t}.0")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::experiment::{parse_str, AttributeType, GrowthbookFilter, Layer};

    fn draft() -> Draft {
        let mut params = serde_json::Map::new();
        params.insert("value".into(), serde_json::json!({"a": [1, 2.5, "x\u{e9}\u{1F600}"], "b": null}));
        Draft {
            header: vec!["imported".into()],
            name: "t-1".into(),
            description: Some("quote \" and \\ and \u{2028}".into()),
            status: Status::Running,
            allocation: Some(0.8),
            seed: "s\u{e9}ed".into(),
            hashing: GrowthbookHashing {
                version: 2,
                hash_attribute: "user id".into(),
                namespace: None,
                filters: vec![GrowthbookFilter { seed: "f".into(), version: 1, ranges: vec![[0.0, 0.25], [0.5, 1.0]] }],
                ranges: None,
                condition: Some(serde_json::json!({"country": {"$in": ["US", "CA"]}, "n": {"$gt": 1e300}})),
                attributes: vec![("country".into(), AttributeType::String), ("n".into(), AttributeType::Number)],
            },
            variants: vec![
                Variant { name: "0".into(), weight: 0.5, params: params.clone(), description: Some("Control".into()) },
                Variant { name: "1".into(), weight: 0.5, params, description: None },
            ],
        }
    }

    #[test]
    fn parses_back_to_what_was_written() {
        let d = draft();
        let text = to_yaml(&d);
        assert!(text.bytes().all(|b| b == b'\n' || (b' '..=b'~').contains(&b)), "{text}");
        let e = parse_str("t.yaml", &text).unwrap_or_else(|e| panic!("{text}\n{e:?}"));
        assert_eq!(e.name, d.name);
        assert_eq!(e.description, d.description);
        assert_eq!(e.salt, d.seed);
        assert_eq!(e.allocation, 0.8);
        assert_eq!(e.growthbook.as_ref(), Some(&d.hashing));
        let fields = |v: &[Variant]| -> Vec<_> {
            v.iter().map(|v| (v.name.clone(), v.weight, v.params.clone(), v.description.clone())).collect()
        };
        assert_eq!(fields(&e.variants), fields(&d.variants));
        assert_eq!(e.status, Some(Status::Running));
    }

    #[test]
    fn a_namespace_and_ranges_parse_back() {
        let mut d = draft();
        d.allocation = None;
        d.hashing.filters.clear();
        d.hashing.namespace = Some(Layer { name: "ns \u{1F600}".into(), range: [0.0, 0.5] });
        d.hashing.ranges = Some(vec![[0.0, 0.3], [0.5, 0.8]]);
        d.variants[0].weight = 0.3;
        d.variants[1].weight = 0.30000000000000004;
        let text = to_yaml(&d);
        let e = parse_str("t.yaml", &text).unwrap_or_else(|e| panic!("{text}\n{e:?}"));
        assert_eq!(e.growthbook.as_ref(), Some(&d.hashing));
    }
}
