//! How `abx assign --explain` reads: per experiment and unit, the hash
//! computation as fields, the variants' ranges as a table, and the reason.

use serde_json::{json, Value};

use crate::assign::explain::{Explanation, Explanations};
use crate::report::{Output, Table, View};

impl Output for Explanations {
    fn view(&self) -> View {
        match &self.0[..] {
            [one] => view(one),
            many => View::concat(many.iter().map(view).collect()),
        }
    }
}

fn view(e: &Explanation) -> View {
    let mut table = Table::new(&["variant", "weight", "share", "start", "end", "holds x"]);
    for (i, r) in e.ranges.iter().enumerate() {
        table.push(vec![
            json!(r.variant),
            json!(r.weight),
            json!(r.share),
            json!(r.start.to_string()),
            json!(r.end.to_string()),
            json!(if e.holding_range == Some(i) { "<- x" } else { "" }),
        ]);
    }
    let mut fields = vec![
        ("experiment".to_string(), json!(e.experiment)),
        ("unit".into(), json!(e.unit)),
        ("hash input".into(), json!(e.hash_input)),
    ];
    match (&e.sha256, &e.prefix_hex, e.prefix) {
        (Some(sha), Some(hex), Some(prefix)) => fields.extend([
            ("sha256".into(), json!(sha)),
            ("first 8 bytes".into(), json!(format!("0x{hex}"))),
            ("as integer".into(), json!(prefix.to_string())),
            ("x = int / 2^64".into(), json!(e.x.to_string())),
        ]),
        _ => fields.push((format!("x = GrowthBook's hash ({})", e.hash), json!(e.x.to_string()))),
    }
    fields.extend([
        ("bucket".into(), json!(e.bucket)),
        ("allocation".into(), json!(e.allocation)),
        ("status".into(), json!(e.status)),
        ("targeting".into(), json!(e.targeting)),
        ("variant".into(), e.variant.clone().map_or(json!("(none)"), Value::String)),
    ]);
    // The layer and holdout come before the experiment's own hash.
    let filters = e.filters.iter().map(|f| {
        let (rule, verdict) = if f.rule == "inside" {
            (format!("in [{}, {})", f.start, f.end), if f.passes { "in the range" } else { "outside: filtered out" })
        } else {
            (format!("at least {}", f.end), if f.passes { "not held out" } else { "held out" })
        };
        (f.filter.clone(), json!(format!("x = {} with salt `{}`, needs {rule}: {verdict}", f.x, f.salt)))
    });
    let at = fields.iter().position(|(k, _)| k == "hash input").unwrap_or(0);
    fields.splice(at..at, filters);
    View {
        title: Some(format!("{} / {}", e.experiment, e.unit)),
        fields,
        tables: vec![table.titled(if e.layout == "ranges" { "ranges" } else { "bandit layout (weight_history)" })],
        notes: vec![e.reason.clone()],
        headline: None,
    }
}
