//! Checks a parsed YAML tree against the experiment schema, collecting every
//! problem at once, and builds the [`Experiment`] when there are none.

use std::collections::HashSet;

use chrono::NaiveDate;

use super::diag::{did_you_mean, Diagnostic};
use super::model::*;
use super::yaml::{Node, Value};

mod growthbook;
pub use growthbook::{HASHING_FIELDS, OPERATORS as GROWTHBOOK_OPERATORS, SCHEMES};

pub const TOP_FIELDS: &[&str] = &[
    "name",
    "description",
    "salt",
    "allocation",
    "variants",
    "metrics",
    "primary",
    "decision",
    "status",
    "promoted",
    "promoted_at",
    "owner",
    "hypothesis",
    "start",
    "end",
    "targeting",
    "layer",
    "holdout",
    "gate",
    "weight_history",
    "hashing",
];
pub const WEIGHT_ENTRY_FIELDS: &[&str] = &["date", "weights"];
pub const LAYER_FIELDS: &[&str] = &["name", "range"];
pub const HOLDOUT_FIELDS: &[&str] = &["name", "share"];
pub const GATE_FIELDS: &[&str] = &["rollout"];
pub const VARIANT_FIELDS: &[&str] = &["name", "weight", "params", "description"];
pub const METRIC_FIELDS: &[&str] = &[
    "name",
    "kind",
    "direction",
    "description",
    "numerator",
    "denominator",
    "covariate",
    "cap",
    "guardrail",
    "margin",
    "aggregate",
];
pub const CAP_FIELDS: &[&str] = &["percentile", "value"];
pub const DECISION_FIELDS: &[&str] = &[
    "alpha",
    "min_units_per_variant",
    "guardrails",
    "method",
    "correction",
    "chance_to_win",
    "max_risk",
    "sequential_tuning",
    "min_lift",
    "max_units_per_variant",
];
pub const GUARDRAIL_FIELDS: &[&str] = &["metric", "margin"];
pub const CONDITION_FIELDS: &[&str] = &["attribute", "op", "value", "values"];
/// The values of the fields with a fixed set of them (and, in the model, [`super::Aggregate::NAMES`] and [`super::Op::NAMES`]).
pub const STATUSES: &[&str] = &["draft", "running", "stopped", "promoted"];
pub const KINDS: &[&str] = &["mean", "proportion", "ratio"];
pub const DIRECTIONS: &[&str] = &["increase", "decrease"];
pub const METHODS: &[&str] = &["frequentist", "sequential", "bayesian"];
pub const CORRECTIONS: &[&str] = &["holm", "bonferroni", "bh", "none"];

/// The fields of a mapping, keyed by their (string) names.
struct Fields<'n> {
    node: &'n Node,
    entries: Vec<(&'n str, &'n Node, &'n Node)>,
}

impl<'n> Fields<'n> {
    fn get(&self, key: &str) -> Option<&'n Node> {
        self.entries.iter().find(|(k, _, _)| *k == key).map(|(_, _, v)| *v)
    }

    fn key(&self, key: &str) -> Option<&'n Node> {
        self.entries.iter().find(|(k, _, _)| *k == key).map(|(_, k, _)| *k)
    }
}

#[derive(Default)]
struct Checker {
    diags: Vec<Diagnostic>,
}

fn is_name(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'))
}

impl Checker {
    fn err(&mut self, node: &Node, msg: impl Into<String>) {
        self.diags.push(Diagnostic::new(node.pos, node.width, msg));
    }

    fn err_help(&mut self, node: &Node, msg: impl Into<String>, help: impl Into<String>) {
        self.diags.push(Diagnostic::new(node.pos, node.width, msg).with_help(help));
    }

    fn wrong_type(&mut self, node: &Node, what: &str, expected: &str) {
        let msg = format!("`{what}` must be {expected}, found {}", node.value.type_name());
        match (&node.value, expected) {
            (Value::Int(_) | Value::Float(_) | Value::Bool(_), "a string") => {
                let text = node.scalar_text().unwrap_or_default();
                self.err_help(node, msg, format!("quote it to make it a string: \"{text}\""))
            }
            _ => self.err(node, msg),
        }
    }

    /// A mapping with known fields: unknown, duplicate and non-string keys are reported.
    fn map<'n>(&mut self, node: &'n Node, what: &str, known: &[&str]) -> Option<Fields<'n>> {
        let Value::Map(entries) = &node.value else {
            self.wrong_type(node, what, "a mapping");
            return None;
        };
        let mut fields = Fields { node, entries: Vec::new() };
        let mut seen = HashSet::new();
        for (k, v) in entries {
            let Some(key) = k.as_str() else {
                self.err(k, format!("keys in `{what}` must be strings, found {}", k.value.type_name()));
                continue;
            };
            if !seen.insert(key) {
                self.err(k, format!("`{key}` is given twice in `{what}`"));
                continue;
            }
            if !known.is_empty() && !known.contains(&key) {
                let msg = format!("unknown field `{key}` in `{what}`");
                match did_you_mean(key, known) {
                    Some(s) => self.err_help(k, msg, format!("did you mean `{s}`?")),
                    None => self.err_help(k, msg, format!("expected one of: {}", known.join(", "))),
                }
                continue;
            }
            fields.entries.push((key, k, v));
        }
        Some(fields)
    }

    fn seq<'n>(&mut self, node: &'n Node, what: &str) -> Option<&'n [Node]> {
        match &node.value {
            Value::Seq(items) => Some(items),
            _ => {
                self.wrong_type(node, what, "a list");
                None
            }
        }
    }

    fn string(&mut self, node: &Node, what: &str) -> Option<String> {
        match node.as_str() {
            Some(s) => Some(s.to_string()),
            None => {
                self.wrong_type(node, what, "a string");
                None
            }
        }
    }

    fn opt_string(&mut self, f: &Fields<'_>, key: &str, what: &str) -> Option<String> {
        f.get(key).and_then(|n| self.string(n, what))
    }

    fn number(&mut self, node: &Node, what: &str) -> Option<f64> {
        match node.as_f64() {
            Some(x) if x.is_nan() => {
                self.err(node, format!("`{what}` must be a number, found NaN"));
                None
            }
            Some(x) => Some(x),
            None => {
                self.wrong_type(node, what, "a number");
                None
            }
        }
    }

    fn required<'n>(&mut self, f: &Fields<'n>, key: &str, what: &str) -> Option<&'n Node> {
        let found = f.get(key);
        if found.is_none() {
            self.err(f.node, format!("missing required field `{key}` in {what}"));
        }
        found
    }

    fn choice(&mut self, node: &Node, what: &str, choices: &[&'static str]) -> Option<&'static str> {
        let s = self.string(node, what)?;
        if let Some(c) = choices.iter().find(|c| **c == s) {
            return Some(c);
        }
        let msg = format!("`{what}` must be one of {}, found `{s}`", choices.join(", "));
        match did_you_mean(&s, choices) {
            Some(c) => self.err_help(node, msg, format!("did you mean `{c}`?")),
            None => self.err(node, msg),
        }
        None
    }

    fn date(&mut self, node: &Node, what: &str) -> Option<NaiveDate> {
        let s = self.string(node, what)?;
        match NaiveDate::parse_from_str(&s, "%Y-%m-%d") {
            Ok(d) => Some(d),
            Err(_) => {
                self.err_help(
                    node,
                    format!("`{what}` is not a valid date: `{s}`"),
                    "write dates as YYYY-MM-DD, e.g. 2026-01-31",
                );
                None
            }
        }
    }
}

/// Checks a parsed experiment file. All problems are returned together.
pub fn check(root: &Node) -> Result<Experiment, Vec<Diagnostic>> {
    let mut c = Checker::default();
    let exp = check_root(&mut c, root);
    match exp {
        Some(e) if c.diags.is_empty() => Ok(e),
        _ => {
            let mut diags = c.diags;
            diags.sort_by_key(|d| (d.pos.line, d.pos.col));
            Err(diags)
        }
    }
}

fn check_root(c: &mut Checker, root: &Node) -> Option<Experiment> {
    let f = c.map(root, "experiment", TOP_FIELDS)?;

    let name = c
        .required(&f, "name", "the experiment")
        .and_then(|n| name_at(c, n, "name", "experiment", "prompt_engineering_test"));
    let description = c.opt_string(&f, "description", "description");
    let salt = match f.get("salt") {
        Some(n) => c.string(n, "salt").and_then(|s| {
            if s.is_empty() {
                c.err(n, "`salt` must not be empty");
                return None;
            }
            if s.starts_with("layer/") || s.starts_with("holdout/") {
                c.err_help(
                    n,
                    format!("the salt `{s}` is of the form of a layer's or a holdout's"),
                    "salts `layer/NAME` and `holdout/NAME` place units in layers and holdouts; give the experiment a salt of its own",
                );
                return None;
            }
            Some(s)
        }),
        None => name.clone(),
    };
    let allocation = match f.get("allocation") {
        Some(n) => c.number(n, "allocation").and_then(|a| {
            if !(0.0..=1.0).contains(&a) {
                c.err_help(
                    n,
                    format!("`allocation` must be between 0 and 1, got {a}"),
                    "allocation is the share of eligible units exposed, e.g. 0.1 for 10%",
                );
                return None;
            }
            Some(a)
        }),
        None => Some(1.0),
    };

    let gate = f.get("gate").map(|n| check_gate(c, n));
    let variants = match (&gate, f.get("variants")) {
        // A gate's variants are `off` (the control) and `on`.
        (Some(g), None) => g.map(gate_variants),
        (Some(_), Some(_)) => {
            if let Some(k) = f.key("variants") {
                c.err_help(
                    k,
                    "a feature gate has no `variants`: its units are `on` or `off`",
                    "remove `variants`, or remove `gate` to make this an experiment",
                );
            }
            None
        }
        (None, _) => c
            .required(&f, "variants", "the experiment")
            .and_then(|n| check_variants(c, n, f.key("variants").unwrap_or(n))),
    };
    if let (Some(_), Some(k)) = (&gate, f.key("allocation")) {
        c.err_help(
            k,
            "a feature gate has no `allocation`",
            "its `rollout` is the share of eligible units that are `on`",
        );
    }
    let layer = f.get("layer").map(|n| check_layer(c, n));
    let holdout = f.get("holdout").map(|n| check_holdout(c, n));
    // Metric names are checked against every metric whose name could be read,
    // even when another of its fields is wrong, so that all problems show at once.
    let (metrics, metric_names) = match f.get("metrics") {
        Some(n) => check_metrics(c, n),
        None => (Some(Vec::new()), Some(Vec::new())),
    };
    let names_ref: Vec<&str> = metric_names.iter().flatten().map(String::as_str).collect();
    let primary = match f.get("primary") {
        Some(n) => c.string(n, "primary").and_then(|p| {
            if metric_names.is_some() && !names_ref.contains(&p.as_str()) {
                unknown_metric(c, n, "`primary`", &p, &names_ref);
                return None;
            }
            Some(Some(p))
        }),
        None => Some(names_ref.first().map(|s| s.to_string())),
    };
    let decision = match f.get("decision") {
        Some(n) => check_decision(c, n, metric_names.is_some().then_some(&names_ref[..])),
        None => Some(Decision::default()),
    };

    let status = f.get("status").and_then(|n| {
        c.choice(n, "status", STATUSES).map(|s| match s {
            "draft" => Status::Draft,
            "running" => Status::Running,
            "stopped" => Status::Stopped,
            _ => Status::Promoted,
        })
    });
    let promoted = f.get("promoted").and_then(|n| {
        let p = c.string(n, "promoted")?;
        if let Some(vs) = &variants {
            if !vs.iter().any(|v| v.name == p) {
                let names: Vec<&str> = vs.iter().map(|v| v.name.as_str()).collect();
                let msg = format!("`promoted` names no variant: `{p}`");
                match did_you_mean(&p, &names) {
                    Some(s) => c.err_help(n, msg, format!("did you mean `{s}`?")),
                    None => c.err_help(n, msg, format!("variants are: {}", names.join(", "))),
                }
                return None;
            }
        }
        Some(p)
    });
    if let (Some(Status::Promoted), None) = (status, f.get("promoted")) {
        if let Some(k) = f.key("status") {
            c.err_help(
                k,
                "`status: promoted` needs `promoted: VARIANT`",
                "name the variant every unit now gets, e.g. promoted: treatment",
            );
        }
    }
    if let (Some(k), Some(s)) = (f.key("promoted"), status) {
        if s != Status::Promoted {
            c.err_help(
                k,
                "`promoted` is set but `status` is not `promoted`",
                "set `status: promoted`, or remove `promoted`",
            );
        }
    } else if let (Some(k), None) = (f.key("promoted"), f.get("status")) {
        c.err_help(
            k,
            "`promoted` is set but `status` is not `promoted`",
            "set `status: promoted`, or remove `promoted`",
        );
    }

    let promoted_at = f.get("promoted_at").and_then(|n| c.date(n, "promoted_at"));
    if let (Some(k), false) = (f.key("promoted_at"), status == Some(Status::Promoted)) {
        c.err_help(
            k,
            "`promoted_at` is set but `status` is not `promoted`",
            "set `status: promoted` and `promoted: VARIANT`, or remove `promoted_at`",
        );
    }
    let owner = c.opt_string(&f, "owner", "owner");
    let hypothesis = c.opt_string(&f, "hypothesis", "hypothesis");
    let start = f.get("start").and_then(|n| c.date(n, "start"));
    let end = f.get("end").and_then(|n| c.date(n, "end"));
    if let (Some(s), Some(e), Some(en)) = (start, end, f.get("end")) {
        if e < s {
            c.err(en, format!("`end` ({e}) is before `start` ({s})"));
        }
    }
    let targeting = match f.get("targeting") {
        Some(n) => check_targeting(c, n),
        None => Some(Vec::new()),
    };
    let weight_history = match (f.get("weight_history"), &variants) {
        (None, _) => Some(Vec::new()),
        (Some(n), _) if gate.is_some() => {
            c.err_help(
                n,
                "a feature gate has no `weight_history`",
                "a weight history is a bandit's: raise a gate's share with `gate.rollout`",
            );
            None
        }
        (Some(n), Some(vs)) => check_weight_history(c, n, vs),
        (Some(_), None) => None,
    };

    let hashing = match f.get("hashing") {
        Some(n) => growthbook::check_hashing(c, n),
        None => Some(growthbook::Hashing { growthbook: None, seed: None }),
    };
    let salt = match (&hashing, f.key("salt")) {
        (Some(growthbook::Hashing { seed: Some(_), .. }), Some(k)) => {
            c.err_help(
                k,
                "give `salt` or `hashing.seed`, not both",
                "GrowthBook's seed is the salt of its bucketing: keep `hashing.seed`",
            );
            None
        }
        (Some(growthbook::Hashing { seed: Some(seed), .. }), None) => Some(seed.clone()),
        _ => salt,
    };
    let gb = hashing.as_ref().and_then(|h| h.growthbook.as_ref());
    if let (Some(g), Some(hk)) = (gb, f.key("hashing")) {
        for (field, why) in [
            ("targeting", "write the condition in GrowthBook's syntax under `hashing.condition`"),
            ("layer", "GrowthBook's mutual exclusion is `hashing.namespace`"),
            ("holdout", "abx's holdouts hash with SHA-256; GrowthBook's holdouts are `hashing.filters`"),
            ("gate", "a GrowthBook feature rollout is not an experiment: give `variants`"),
            ("weight_history", "a bandit's reweights move units by abx's layout, not GrowthBook's ranges"),
        ] {
            if let Some(k) = f.key(field) {
                c.err_help(k, format!("`{field}` cannot be combined with `hashing: growthbook`"), why);
            }
        }
        if let (Some(vs), Some(r)) = (&variants, &g.ranges) {
            // Diagnostics point at `ranges` inside `hashing`.
            let rk = match f.get("hashing").map(|n| &n.value) {
                Some(Value::Map(entries)) => entries.iter().find(|(k, _)| k.as_str() == Some("ranges")).map(|(k, _)| k),
                _ => None,
            };
            let hk = rk.unwrap_or(hk);
            if r.len() != vs.len() {
                c.err_help(
                    hk,
                    format!("`hashing.ranges` has {} ranges for {} variants", r.len(), vs.len()),
                    "give one range per variant, in variant order",
                );
            } else if let Some(k) = f.key("allocation") {
                c.err_help(k, "with `hashing.ranges`, the ranges give the allocation", "remove `allocation`");
            } else {
                let widths: Vec<f64> = r.iter().map(|r| r[1] - r[0]).collect();
                let total: f64 = widths.iter().sum();
                let wsum: f64 = vs.iter().map(|v| v.weight).sum();
                let off = vs.iter().zip(&widths).any(|(v, w)| (v.weight / wsum - w / total).abs() > 1e-9);
                if total <= 0.0 || off {
                    c.err_help(
                        hk,
                        "the variants' weights must be the widths of `hashing.ranges` (normalised), the split that the sample-ratio check expects",
                        format!("write weights {:?}", widths),
                    );
                }
            }
        } else if let Some(vs) = &variants {
            let total: f64 = vs.iter().map(|v| v.weight).sum();
            if !(0.99..=1.01).contains(&total) {
                if let Some(k) = f.key("variants") {
                    c.err_help(
                        k,
                        format!("the variants' weights sum to {total}: GrowthBook splits units equally unless the weights sum to 1 (0.99 to 1.01)"),
                        "write weights that sum to 1, as GrowthBook's own experiments have",
                    );
                }
            }
        }
    }

    Some(Experiment {
        name: name?,
        description,
        salt: salt?,
        allocation: allocation?,
        variants: variants?,
        metrics: metrics?,
        primary: primary?,
        decision: decision?,
        status,
        promoted,
        promoted_at,
        owner,
        hypothesis,
        start,
        end,
        targeting: targeting?,
        layer: layer.transpose_opt()?,
        holdout: holdout.transpose_opt()?,
        gate: gate.transpose_opt()?,
        weight_history: weight_history?,
        growthbook: hashing?.growthbook,
    })
}

/// `weight_history`: entries `{date, weights: {VARIANT: W, ...}}` with dates
/// strictly increasing, every variant's weight in each, and the last entry's
/// weights the variants' (what `abx bandit --write` keeps).
fn check_weight_history(c: &mut Checker, node: &Node, variants: &[Variant]) -> Option<Vec<WeightEntry>> {
    let items = c.seq(node, "weight_history")?;
    let help = "write each entry as {date: YYYY-MM-DD, weights: {VARIANT: W, ...}}, as `abx bandit --write` does";
    if items.is_empty() {
        c.err_help(node, "`weight_history` is empty", "remove it, or let `abx bandit --write` write it");
        return None;
    }
    let mut out: Vec<WeightEntry> = Vec::new();
    let mut ok = true;
    for item in items {
        let Some(f) = c.map(item, "weight_history entry", WEIGHT_ENTRY_FIELDS) else {
            ok = false;
            continue;
        };
        let date = c.required(&f, "date", "a `weight_history` entry").and_then(|n| c.date(n, "weight_history.date"));
        let weights = c.required(&f, "weights", "a `weight_history` entry").and_then(|n| {
            let wf = c.map(n, "weight_history.weights", &[])?;
            let mut w = vec![f64::NAN; variants.len()];
            for (name, k, v) in &wf.entries {
                let Some(i) = variants.iter().position(|x| x.name == *name) else {
                    let names: Vec<&str> = variants.iter().map(|v| v.name.as_str()).collect();
                    c.err_help(k, format!("`{name}` is not a variant"), format!("variants are: {}", names.join(", ")));
                    return None;
                };
                let x = c.number(v, "weight_history.weights")?;
                if !(x >= 0.0 && x.is_finite()) {
                    c.err(v, format!("a weight must be a finite number of at least 0, got {x}"));
                    return None;
                }
                w[i] = x;
            }
            if let Some(i) = w.iter().position(|x| x.is_nan()) {
                c.err_help(n, format!("the weights have no `{}`", variants[i].name), help);
                return None;
            }
            let total: f64 = w.iter().sum();
            if total <= 0.0 {
                c.err(n, "the weights sum to 0");
                return None;
            }
            Some(w.iter().map(|x| x / total).collect::<Vec<f64>>())
        });
        match (date, weights) {
            (Some(date), Some(weights)) => {
                if let Some(prev) = out.last() {
                    if date <= prev.date {
                        c.err_help(
                            f.get("date").unwrap_or(item),
                            format!("`weight_history` dates must increase: {date} is not after {}", prev.date),
                            "a unit's period is the last reweight on or before the day it was first exposed, so two entries need two days",
                        );
                        ok = false;
                    }
                }
                out.push(WeightEntry { date, weights });
            }
            _ => ok = false,
        }
    }
    if !ok {
        return None;
    }
    // The variants' weights are the current ones: the last entry's.
    let total: f64 = variants.iter().map(|v| v.weight).sum();
    let last = out.last()?;
    let differs = variants.iter().zip(&last.weights).any(|(v, w)| (v.weight / total - w).abs() > 1e-9 * w.max(1e-300));
    if differs {
        c.err_help(
            items.last().unwrap_or(node),
            format!("the last `weight_history` entry ({}) has other weights than `variants`", last.date),
            "the variants' weights are the bandit's current ones, which `abx bandit --write` writes to both; make them agree",
        );
        return None;
    }
    Some(out)
}

/// An optional field that, when given, must be valid.
trait TransposeOpt<T> {
    /// None (given but invalid) fails; Some(None) is absent.
    fn transpose_opt(self) -> Option<Option<T>>;
}

impl<T> TransposeOpt<T> for Option<Option<T>> {
    fn transpose_opt(self) -> Option<Option<T>> {
        match self {
            None => Some(None),
            Some(None) => None,
            Some(Some(t)) => Some(Some(t)),
        }
    }
}

/// A share of the unit interval: a number in [0, 1].
fn share(c: &mut Checker, node: &Node, what: &str, help: &str) -> Option<f64> {
    let x = c.number(node, what)?;
    if !(0.0..=1.0).contains(&x) {
        c.err_help(node, format!("`{what}` must be between 0 and 1, got {x}"), help);
        return None;
    }
    Some(x)
}

/// A name of letters, digits, `_`, `.` and `-` at `n` (the field `field`
/// of a `what`), with an example for the help.
fn name_at(c: &mut Checker, n: &Node, field: &str, what: &str, example: &str) -> Option<String> {
    let s = c.string(n, field)?;
    if !is_name(&s) {
        c.err_help(
            n,
            format!("{what} name `{s}` has characters outside [A-Za-z0-9_.-]"),
            format!("use letters, digits, `_`, `.` and `-` only, e.g. {example}"),
        );
        return None;
    }
    Some(s)
}

/// A layer's or holdout's name: it is part of a salt.
fn filter_name(c: &mut Checker, f: &Fields<'_>, what: &str) -> Option<String> {
    let n = c.required(f, "name", &format!("`{what}`"))?;
    name_at(c, n, &format!("{what}.name"), what, "homepage")
}

fn check_layer(c: &mut Checker, node: &Node) -> Option<Layer> {
    let f = c.map(node, "layer", LAYER_FIELDS)?;
    let name = filter_name(c, &f, "layer");
    let range = c.required(&f, "range", "`layer`").and_then(|n| {
        let help = "the layer's share this experiment takes, as [START, END) within [0, 1], e.g. [0, 0.5]";
        let items = c.seq(n, "layer.range")?;
        if items.len() != 2 {
            c.err_help(n, format!("`layer.range` must be [START, END], found {} values", items.len()), help);
            return None;
        }
        let (a, b) = (share(c, &items[0], "layer.range", help), share(c, &items[1], "layer.range", help));
        let (a, b) = (a?, b?);
        if a > b {
            c.err_help(n, format!("`layer.range` starts after it ends: [{a}, {b}]"), help);
            return None;
        }
        Some([a, b])
    });
    Some(Layer { name: name?, range: range? })
}

fn check_holdout(c: &mut Checker, node: &Node) -> Option<Holdout> {
    let f = c.map(node, "holdout", HOLDOUT_FIELDS)?;
    let name = filter_name(c, &f, "holdout");
    let help = "the share of all units held out of every launch, e.g. 0.05";
    let share = c.required(&f, "share", "`holdout`").and_then(|n| share(c, n, "holdout.share", help));
    Some(Holdout { name: name?, share: share? })
}

fn check_gate(c: &mut Checker, node: &Node) -> Option<Gate> {
    let f = c.map(node, "gate", GATE_FIELDS)?;
    let help = "the share of eligible units that are `on`, e.g. 0.1 for 10%";
    let rollout = c.required(&f, "rollout", "`gate`").and_then(|n| share(c, n, "gate.rollout", help))?;
    Some(Gate { rollout })
}

/// A gate's variants: `off` (the control, weight 1 - R) and `on` (weight R),
/// the shares its units fall in.
fn gate_variants(g: Gate) -> Vec<Variant> {
    let v = |name: &str, weight: f64| Variant {
        name: name.into(),
        weight,
        params: serde_json::Map::new(),
        description: None,
    };
    vec![v("off", 1.0 - g.rollout), v("on", g.rollout)]
}

fn unknown_metric(c: &mut Checker, node: &Node, what: &str, name: &str, names: &[&str]) {
    let msg = format!("{what} names no metric: `{name}`");
    match (did_you_mean(name, names), names.is_empty()) {
        (Some(s), _) => c.err_help(node, msg, format!("did you mean `{s}`?")),
        (None, true) => c.err_help(node, msg, "the experiment has no `metrics`"),
        (None, false) => c.err_help(node, msg, format!("metrics are: {}", names.join(", "))),
    }
}

/// `key` is the `variants:` key, where a problem with the list as a whole is shown.
fn check_variants(c: &mut Checker, node: &Node, key: &Node) -> Option<Vec<Variant>> {
    let items = c.seq(node, "variants")?;
    let mut out = Vec::new();
    let mut ok = true;
    let mut seen: Vec<String> = Vec::new();
    for item in items {
        let Some(f) = c.map(item, "variant", VARIANT_FIELDS) else {
            ok = false;
            continue;
        };
        let name = c.required(&f, "name", "a variant").and_then(|n| {
            let s = n.scalar_text().filter(|_| !matches!(n.value, Value::Bool(_)));
            let Some(s) = s else {
                c.wrong_type(n, "name", "a string");
                return None;
            };
            if s.trim().is_empty() || s.trim() != s || s.chars().any(char::is_control) {
                c.err(
                    n,
                    format!("variant name `{s}` must be non-empty, without surrounding spaces or control characters"),
                );
                return None;
            }
            if seen.contains(&s) {
                c.err(n, format!("duplicate variant name `{s}`"));
                return None;
            }
            seen.push(s.clone());
            Some(s)
        });
        let weight = match f.get("weight") {
            Some(n) => c.number(n, "weight").and_then(|w| {
                if !(w > 0.0 && w.is_finite()) {
                    c.err_help(n, format!("`weight` must be positive, got {w}"), "weights are relative shares, e.g. 1 and 1 for an even split; use `allocation` to expose fewer units");
                    return None;
                }
                Some(w)
            }),
            None => Some(1.0),
        };
        let params = match f.get("params") {
            Some(n) => match (&n.value, n.to_json()) {
                (Value::Map(_), serde_json::Value::Object(m)) => Some(m),
                (Value::Null, _) => Some(serde_json::Map::new()),
                _ => {
                    c.wrong_type(n, "params", "a mapping");
                    None
                }
            },
            None => Some(serde_json::Map::new()),
        };
        let description = c.opt_string(&f, "description", "description");
        match (name, weight, params) {
            (Some(name), Some(weight), Some(params)) => out.push(Variant { name, weight, params, description }),
            _ => ok = false,
        }
    }
    if items.len() < 2 {
        c.err_help(
            key,
            format!("an experiment needs at least 2 variants, found {}", items.len()),
            "the first variant is the control; add the treatment(s) after it",
        );
        return None;
    }
    if items.len() > crate::bounds::MAX_VARIANTS {
        c.err(
            key,
            format!("an experiment has at most {} variants, found {}", crate::bounds::MAX_VARIANTS, items.len()),
        );
        return None;
    }
    if ok {
        // Normalising divides by the sum: it must be finite, and every share above 0.
        let total: f64 = out.iter().map(|v| v.weight).sum();
        if !total.is_finite() {
            c.err_help(
                key,
                format!(
                    "the variants' weights add up to more than the largest number ({:e}), too large to normalise",
                    f64::MAX
                ),
                "weights are relative shares: write 1 and 1 (or 50 and 50) for an even split",
            );
            return None;
        }
        if let Some(v) = out.iter().find(|v| v.weight / total == 0.0) {
            c.err_help(
                key,
                format!(
                    "variant `{}` gets no share: its weight {:e} is negligible next to the sum {total:e}",
                    v.name, v.weight
                ),
                "weights are relative shares: write 1 and 1 (or 50 and 50) for an even split",
            );
            return None;
        }
    }
    ok.then_some(out)
}

/// The metrics, and the names of those whose name could be read.
fn check_metrics(c: &mut Checker, node: &Node) -> (Option<Vec<Metric>>, Option<Vec<String>>) {
    let Some(items) = c.seq(node, "metrics") else {
        return (None, None);
    };
    let mut out = Vec::new();
    let mut names: Vec<String> = Vec::new();
    let mut ok = true;
    for item in items {
        let Some(f) = c.map(item, "metric", METRIC_FIELDS) else {
            ok = false;
            continue;
        };
        let name = c.required(&f, "name", "a metric").and_then(|n| {
            let s = c.string(n, "name")?;
            if s.trim().is_empty() {
                c.err(n, "metric name must not be empty");
                return None;
            }
            if names.contains(&s) {
                c.err(n, format!("duplicate metric name `{s}`"));
                return None;
            }
            names.push(s.clone());
            Some(s)
        });
        let kind = match f.get("kind") {
            Some(n) => c.choice(n, "kind", KINDS).map(|k| match k {
                "mean" => MetricKind::Mean,
                "proportion" => MetricKind::Proportion,
                _ => MetricKind::Ratio,
            }),
            None => Some(MetricKind::Mean),
        };
        let direction = match f.get("direction") {
            Some(n) => c.choice(n, "direction", DIRECTIONS).map(|d| {
                if d == "increase" {
                    Direction::Increase
                } else {
                    Direction::Decrease
                }
            }),
            None => Some(Direction::Increase),
        };
        let description = c.opt_string(&f, "description", "description");
        let mut good = name.is_some() && kind.is_some() && direction.is_some();
        let mut column = |c: &mut Checker, key: &str| -> Option<String> {
            let n = f.get(key)?;
            let s = c.string(n, key);
            if s.as_deref().is_some_and(|s| s.trim().is_empty()) {
                c.err(n, format!("`{key}` must name a column"));
                good = false;
                return None;
            }
            good &= s.is_some();
            s
        };
        let numerator = column(c, "numerator");
        let denominator = column(c, "denominator");
        let covariate = column(c, "covariate");
        if kind == Some(MetricKind::Ratio) {
            for key in ["numerator", "denominator"] {
                if f.get(key).is_none() {
                    c.err_help(
                        f.node,
                        format!("a ratio metric needs `{key}`"),
                        "e.g. numerator: revenue and denominator: sessions, two columns of the data",
                    );
                    good = false;
                }
            }
            if let Some(n) = f.get("covariate") {
                c.err(n, "`covariate` (CUPED) is not supported for ratio metrics");
                good = false;
            }
        } else {
            for key in ["numerator", "denominator"] {
                if let Some(n) = f.key(key) {
                    c.err_help(n, format!("`{key}` is only for ratio metrics"), "add `kind: ratio`");
                    good = false;
                }
            }
        }
        let cap = f.get("cap").and_then(|n| {
            let capf = c.map(n, "cap", CAP_FIELDS)?;
            let out = match (capf.get("percentile"), capf.get("value")) {
                (Some(p), None) => c.number(p, "percentile").and_then(|x| {
                    if x > 0.0 && x < 1.0 {
                        Some(Cap::Percentile(x))
                    } else {
                        c.err_help(p, format!("`percentile` must be between 0 and 1, got {x}"), "e.g. 0.999");
                        None
                    }
                }),
                (None, Some(v)) => c.number(v, "value").and_then(|x| {
                    if x.is_finite() {
                        Some(Cap::Value(x))
                    } else {
                        c.err(v, format!("`value` must be finite, got {x}"));
                        None
                    }
                }),
                _ => {
                    c.err_help(
                        n,
                        "`cap` needs exactly one of `percentile` or `value`",
                        "e.g. cap: { percentile: 0.999 }",
                    );
                    None
                }
            };
            if out.is_some() && kind == Some(MetricKind::Proportion) {
                c.err(n, "a proportion metric holds only 0 and 1, so it cannot be capped");
                return None;
            }
            out
        });
        good &= f.get("cap").is_none() || cap.is_some();
        let guardrail = match f.get("guardrail") {
            Some(n) => match n.value {
                Value::Bool(b) => b,
                _ => {
                    c.wrong_type(n, "guardrail", "true or false");
                    good = false;
                    false
                }
            },
            None => false,
        };
        let margin = f.get("margin").and_then(|m| {
            let x = c.number(m, "margin")?;
            if x >= 0.0 && x.is_finite() {
                Some(x)
            } else {
                c.err_help(
                    m,
                    format!("`margin` must be zero or positive, got {x}"),
                    "the margin is the relative worsening tolerated, e.g. 0.05 for 5%",
                );
                None
            }
        });
        good &= f.get("margin").is_none() || margin.is_some();
        let default_aggregate = Aggregate::default_for(kind.unwrap_or(MetricKind::Mean));
        let aggregate = match f.get("aggregate") {
            Some(n) => match c.choice(n, "aggregate", &Aggregate::NAMES) {
                Some(a) => {
                    let a = match a {
                        "sum" => Aggregate::Sum,
                        "count" => Aggregate::Count,
                        "max" => Aggregate::Max,
                        "mean" => Aggregate::Mean,
                        _ => Aggregate::Any,
                    };
                    if kind == Some(MetricKind::Proportion) && !a.keeps_binary() {
                        c.err_help(
                            n,
                            format!(
                                "a proportion metric holds 0 or 1 per unit, so its events cannot roll up by `{}`",
                                a.name()
                            ),
                            "use `aggregate: any` (1 if any event is above 0, the default) or `max`",
                        );
                        good = false;
                    }
                    a
                }
                None => {
                    good = false;
                    default_aggregate
                }
            },
            None => default_aggregate,
        };
        match (name, kind, direction) {
            (Some(name), Some(kind), Some(direction)) if good => out.push(Metric {
                name,
                kind,
                direction,
                description,
                numerator,
                denominator,
                covariate,
                cap,
                guardrail,
                margin,
                aggregate,
            }),
            _ => ok = false,
        }
    }
    (ok.then_some(out), Some(names))
}

fn check_decision(c: &mut Checker, node: &Node, metrics: Option<&[&str]>) -> Option<Decision> {
    let f = c.map(node, "decision", DECISION_FIELDS)?;
    let mut d = Decision::default();
    let mut ok = true;
    if let Some(n) = f.get("alpha") {
        match c.number(n, "alpha") {
            Some(a) if a > 0.0 && a < 1.0 => d.alpha = a,
            Some(a) => {
                c.err_help(
                    n,
                    format!("`alpha` must be between 0 and 1 (exclusive), got {a}"),
                    "the usual choice is 0.05",
                );
                ok = false;
            }
            None => ok = false,
        }
    }
    let units = |c: &mut Checker, key: &str| -> Option<Option<u64>> {
        let Some(n) = f.get(key) else { return Some(None) };
        match n.value {
            Value::Int(i) if i >= 0 => Some(Some(i as u64)),
            Value::Int(i) => {
                c.err(n, format!("`{key}` must not be negative, got {i}"));
                None
            }
            _ => {
                c.wrong_type(n, key, "a whole number");
                None
            }
        }
    };
    match units(c, "min_units_per_variant") {
        Some(Some(m)) => d.min_units_per_variant = m,
        Some(None) => {}
        None => ok = false,
    }
    match units(c, "max_units_per_variant") {
        Some(Some(m)) if m < d.min_units_per_variant => {
            if let Some(n) = f.get("max_units_per_variant") {
                c.err_help(
                    n,
                    format!(
                        "`max_units_per_variant` ({m}) is below `min_units_per_variant` ({})",
                        d.min_units_per_variant
                    ),
                    "the horizon must leave room for the minimum sample",
                );
            }
            ok = false;
        }
        Some(m) => d.max_units_per_variant = m,
        None => ok = false,
    }
    if let Some(n) = f.get("method") {
        match c.choice(n, "method", METHODS) {
            Some("sequential") => d.method = Method::Sequential,
            Some("bayesian") => d.method = Method::Bayesian,
            Some(_) => d.method = Method::Frequentist,
            None => ok = false,
        }
    }
    if let Some(n) = f.get("correction") {
        match c.choice(n, "correction", CORRECTIONS) {
            Some("bonferroni") => d.correction = Correction::Bonferroni,
            Some("bh") => d.correction = Correction::Bh,
            Some("none") => d.correction = Correction::None,
            Some(_) => d.correction = Correction::Holm,
            None => ok = false,
        }
    }
    // Numbers with a range: (field, low, high, low inclusive, hint).
    let ranged: [(&str, f64, f64, bool, &str); 4] = [
        ("chance_to_win", 0.5, 1.0, false, "e.g. 0.95 to promote at a 95% chance to beat control"),
        ("max_risk", 0.0, f64::INFINITY, false, "the expected relative loss accepted, e.g. 0.0025 for 0.25%"),
        ("sequential_tuning", 0.0, f64::INFINITY, false, "the number of units the sequence is tuned for, e.g. 5000"),
        ("min_lift", 0.0, f64::INFINITY, true, "the smallest relative lift worth shipping, e.g. 0.02 for 2%"),
    ];
    for (key, low, high, inclusive, hint) in ranged {
        let Some(n) = f.get(key) else { continue };
        let Some(x) = c.number(n, key) else {
            ok = false;
            continue;
        };
        let above = if inclusive { x >= low } else { x > low };
        if !(above && x < high) {
            let range = if high.is_finite() {
                format!("between {low} and {high} (exclusive)")
            } else if inclusive {
                format!("{low} or more")
            } else {
                format!("above {low}")
            };
            c.err_help(n, format!("`{key}` must be {range}, got {x}"), hint);
            ok = false;
            continue;
        }
        match key {
            "chance_to_win" => d.chance_to_win = x,
            "max_risk" => d.max_risk = x,
            "sequential_tuning" => d.sequential_tuning = x,
            _ => d.min_lift = Some(x),
        }
    }
    if let Some(n) = f.get("guardrails") {
        match c.seq(n, "guardrails") {
            Some(items) => {
                for item in items {
                    let Some(g) = c.map(item, "guardrail", GUARDRAIL_FIELDS) else {
                        ok = false;
                        continue;
                    };
                    let metric = c.required(&g, "metric", "a guardrail").and_then(|m| {
                        let s = c.string(m, "metric")?;
                        if let Some(names) = metrics {
                            if !names.contains(&s.as_str()) {
                                unknown_metric(c, m, "the guardrail", &s, names);
                                return None;
                            }
                        }
                        Some(s)
                    });
                    let margin = match g.get("margin") {
                        Some(m) => c.number(m, "margin").and_then(|x| {
                            if !(x >= 0.0 && x.is_finite()) {
                                c.err_help(
                                    m,
                                    format!("`margin` must be zero or positive, got {x}"),
                                    "the margin is the relative worsening tolerated, e.g. 0.05 for 5%",
                                );
                                return None;
                            }
                            Some(x)
                        }),
                        None => Some(0.0),
                    };
                    match (metric, margin) {
                        (Some(metric), Some(margin)) => d.guardrails.push(Guardrail { metric, margin }),
                        _ => ok = false,
                    }
                }
            }
            None => ok = false,
        }
    }
    ok.then_some(d)
}

fn cond_value(c: &mut Checker, n: &Node, what: &str) -> Option<CondValue> {
    match &n.value {
        Value::Str(s) => Some(CondValue { text: s.clone(), number: None }),
        Value::Int(_) | Value::Float(_) => Some(CondValue { text: n.scalar_text()?, number: n.as_f64() }),
        Value::Bool(b) => Some(CondValue { text: b.to_string(), number: None }),
        _ => {
            c.wrong_type(n, what, "a string, number or boolean");
            None
        }
    }
}

fn check_targeting(c: &mut Checker, node: &Node) -> Option<Vec<Condition>> {
    let items = c.seq(node, "targeting")?;
    let mut out = Vec::new();
    let mut ok = true;
    for item in items {
        let Some(f) = c.map(item, "targeting condition", CONDITION_FIELDS) else {
            ok = false;
            continue;
        };
        let attribute = c.required(&f, "attribute", "a targeting condition").and_then(|n| {
            let s = c.string(n, "attribute")?;
            if s.is_empty() {
                c.err(n, "`attribute` must not be empty");
                return None;
            }
            Some(s)
        });
        let op = c.required(&f, "op", "a targeting condition").and_then(|n| {
            let s = c.choice(n, "op", &Op::NAMES)?;
            Op::parse(s)
        });
        let values = op.and_then(|op| match op {
            Op::In | Op::NotIn => {
                if let Some(k) = f.key("value").filter(|_| f.get("values").is_some()) {
                    c.err(k, "give either `value` or `values`, not both");
                    return None;
                }
                let Some(n) = f.get("values").or_else(|| f.get("value").filter(|v| matches!(v.value, Value::Seq(_))))
                else {
                    c.err_help(
                        f.node,
                        format!("`op: {}` needs `values: [...]`", op.name()),
                        "e.g. values: [pro, expert]",
                    );
                    return None;
                };
                let list = c.seq(n, "values")?;
                if list.is_empty() {
                    c.err(n, "`values` must not be empty");
                    return None;
                }
                list.iter().map(|v| cond_value(c, v, "values")).collect::<Option<Vec<_>>>()
            }
            Op::Exists => {
                if let Some(k) = f.key("values") {
                    c.err(k, "`op: exists` takes no `values` (use `value: false` for \"must be absent\")");
                    return None;
                }
                match f.get("value") {
                    Some(n) => match n.value {
                        Value::Bool(b) => Some(vec![CondValue { text: b.to_string(), number: None }]),
                        _ => {
                            c.wrong_type(n, "value", "a boolean");
                            None
                        }
                    },
                    None => Some(vec![CondValue { text: "true".into(), number: None }]),
                }
            }
            _ => {
                if let Some(k) = f.key("values") {
                    c.err_help(
                        k,
                        format!("`op: {}` takes one `value`, not `values`", op.name()),
                        "use `op: in` to match any of several values",
                    );
                    return None;
                }
                let Some(n) = f.get("value") else {
                    c.err(f.node, format!("`op: {}` needs a `value`", op.name()));
                    return None;
                };
                cond_value(c, n, "value").map(|v| vec![v])
            }
        });
        match (attribute, op, values) {
            (Some(attribute), Some(op), Some(values)) => out.push(Condition { attribute, op, values }),
            _ => ok = false,
        }
    }
    ok.then_some(out)
}
