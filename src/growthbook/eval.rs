//! Feature and experiment evaluation as the JS SDK runs it (`core.ts`:
//! `evalFeature`, `runExperiment`, `getExperimentResult`), on one unit's
//! attributes, in batch: no sticky bucketing, no tracking callbacks, no URL.
//!
//! What a batch has no use for is left out, and said so: a unit has no URL,
//! so URL targeting (`urlPatterns`, `url`) excludes it and no query string
//! forces a variation; the context's `overrides` and `groups` (deprecated in
//! the SDKs) are not read.

use std::collections::HashSet;

use serde_json::{json, Map, Value};

use super::condition::{self, SavedGroups};
use super::hash;
use super::js;

/// What evaluates a unit: the payload's parts and the context's options.
#[derive(Debug, Clone, Default)]
pub struct Context {
    pub features: Map<String, Value>,
    pub saved_groups: SavedGroups,
    /// Experiment key to a variation index (the SDKs' `forcedVariations`).
    pub forced_variations: Map<String, Value>,
    /// The payload's `contextualBandits` definitions.
    pub contextual_bandits: Map<String, Value>,
    /// The SDKs' `qaMode`: nobody is put in an experiment by hashing.
    pub qa_mode: bool,
    /// The SDKs' `enabled: false`: nobody is put in any experiment.
    pub disabled: bool,
}

/// One unit's attributes.
pub struct Unit<'a> {
    pub attributes: &'a Value,
}

impl Unit<'_> {
    fn get(&self, name: &str) -> &Value {
        self.attributes.get(name).unwrap_or(&Value::Null)
    }
}

fn truthy_field<'v>(m: &'v Map<String, Value>, k: &str) -> Option<&'v Value> {
    m.get(k).filter(|v| js::truthy(v))
}

/// `getHashAttribute(attr)`: the attribute (default `id`) and its value,
/// "" when it is missing or falsy.
fn hash_attribute(unit: &Unit<'_>, attr: Option<&Value>) -> (String, Value) {
    let name = attr.filter(|v| js::truthy(v)).map_or("id".to_string(), js::to_string);
    let value = unit.get(&name);
    let value = if js::truthy(value) { value.clone() } else { Value::String(String::new()) };
    (name, value)
}

fn hash_of(seed: &str, value: &Value, version: u32) -> Option<f64> {
    hash::hash(seed, &js::to_string(value), version)
}

/// `x.hashVersion || default`, as `hash()` reads it: only the numbers 1 and
/// 2 hash (`version === 2`), so a version written as text has no hash.
fn version(m: &Map<String, Value>, k: &str, default: u32) -> u32 {
    match truthy_field(m, k) {
        None => default,
        Some(Value::Number(n)) => match n.as_f64() {
            Some(v) if v == 1.0 || v == 2.0 => v as u32,
            _ => u32::MAX,
        },
        Some(_) => u32::MAX,
    }
}

fn range_of(v: &Value) -> Option<[f64; 2]> {
    let a = v.as_array()?;
    Some([js::to_number(a.first()?), js::to_number(a.get(1)?)])
}

fn in_range(n: f64, r: [f64; 2]) -> bool {
    n >= r[0] && n < r[1]
}

/// `isFilteredOut`: some filter whose ranges miss the unit's hash.
fn filtered_out(filters: &Value, unit: &Unit<'_>) -> bool {
    filters.as_array().is_some_and(|fs| {
        fs.iter().any(|f| {
            let Some(f) = f.as_object() else { return true };
            let (_, value) = hash_attribute(unit, f.get("attribute"));
            if !js::truthy(&value) {
                return true;
            }
            let seed = f.get("seed").map_or_else(|| "undefined".to_string(), js::to_string);
            let Some(n) = hash_of(&seed, &value, version(f, "hashVersion", 2)) else { return true };
            let ranges = f.get("ranges").and_then(Value::as_array);
            !ranges.is_some_and(|rs| rs.iter().filter_map(range_of).any(|r| in_range(n, r)))
        })
    })
}

/// `isIncludedInRollout` (no fallback attribute without sticky bucketing).
fn in_rollout(unit: &Unit<'_>, seed: &str, rule: &Map<String, Value>) -> bool {
    let range = rule.get("range").filter(|v| js::truthy(v)).and_then(range_of);
    let coverage = rule.get("coverage");
    if range.is_none() && coverage.is_none() {
        return true;
    }
    if range.is_none() && coverage.is_some_and(|c| js::strict_eq(c, &json!(0))) {
        return false;
    }
    let (_, value) = hash_attribute(unit, rule.get("hashAttribute"));
    if !js::truthy(&value) {
        return false;
    }
    let Some(n) = hash_of(seed, &value, version(rule, "hashVersion", 1)) else { return false };
    match (range, coverage) {
        (Some(r), _) => in_range(n, r),
        (None, Some(c)) => n <= js::to_number(c),
        (None, None) => true,
    }
}

/// Prerequisites nested deeper than this are refused rather than followed
/// (the SDKs would exhaust their stack on a long enough chain).
pub const MAX_PREREQUISITE_DEPTH: usize = 256;

/// Where the evaluation of one top-level feature is: the features already
/// on the path (prerequisite cycles), how deep it is, and whether it went
/// deeper than [`MAX_PREREQUISITE_DEPTH`].
struct Stack {
    evaluated: HashSet<String>,
    depth: usize,
    too_deep: bool,
}

impl Stack {
    fn new() -> Stack {
        Stack { evaluated: HashSet::new(), depth: 0, too_deep: false }
    }
}

/// A payload abx will not evaluate as asked.
#[derive(Debug, Clone, PartialEq)]
pub struct TooDeep(pub String);

fn feature_result(value: Value, source: &str, rule_id: Option<&Value>) -> Map<String, Value> {
    let mut r = Map::new();
    let on = js::truthy(&value);
    r.insert("value".into(), value);
    r.insert("on".into(), Value::Bool(on));
    r.insert("off".into(), Value::Bool(!on));
    r.insert("source".into(), Value::String(source.into()));
    let id = rule_id.filter(|v| js::truthy(v)).map_or(String::new(), js::to_string);
    r.insert("ruleId".into(), Value::String(id));
    r
}

impl Context {
    /// `evalFeature(id)` for one unit: the SDKs' FeatureResult.
    pub fn eval_feature(&self, id: &str, unit: &Unit<'_>) -> Result<Map<String, Value>, TooDeep> {
        let mut stack = Stack::new();
        let r = self.feature_in(id, unit, &mut stack);
        deep_enough(&stack, &format!("feature `{id}`")).map(|()| r)
    }

    /// `run(experiment)` for one unit: the SDKs' Result.
    pub fn run(&self, experiment: &Map<String, Value>, unit: &Unit<'_>) -> Result<Map<String, Value>, TooDeep> {
        let mut exp = experiment.clone();
        let mut stack = Stack::new();
        let r = self.run_in(&mut exp, None, unit, &mut stack);
        deep_enough(&stack, "the experiment").map(|()| r)
    }

    fn condition_passes(&self, condition: &Value, unit: &Unit<'_>) -> bool {
        condition::eval(unit.attributes, condition, &self.saved_groups)
    }

    /// Each prerequisite's value must pass its condition: Ok(true) when all
    /// do, Ok(false) at the first that does not (with its `gate`), Err on a cycle.
    /// `evaluated` is the stack as it was before the rules (each parent
    /// starts from it, as in the SDK).
    fn prerequisites(
        &self,
        parents: &Value,
        evaluated: &HashSet<String>,
        unit: &Unit<'_>,
        stack: &mut Stack,
    ) -> Result<Option<bool>, ()> {
        let Some(parents) = parents.as_array() else { return Ok(None) };
        for p in parents {
            stack.evaluated = evaluated.clone();
            let pid = p.get("id").map_or_else(|| "undefined".into(), js::to_string);
            let parent = self.feature_in(&pid, unit, stack);
            if parent.get("source").and_then(Value::as_str) == Some("cyclicPrerequisite") {
                return Err(());
            }
            let obj = json!({ "value": parent.get("value").cloned().unwrap_or(Value::Null) });
            let cond = p.get("condition").filter(|c| js::truthy(c)).cloned().unwrap_or_else(|| json!({}));
            if !condition::eval(&obj, &cond, &SavedGroups::new()) {
                return Ok(Some(p.get("gate").is_some_and(js::truthy)));
            }
        }
        Ok(None)
    }

    fn feature_in(&self, id: &str, unit: &Unit<'_>, stack: &mut Stack) -> Map<String, Value> {
        if stack.depth >= MAX_PREREQUISITE_DEPTH {
            stack.too_deep = true;
            return feature_result(Value::Null, "cyclicPrerequisite", None);
        }
        stack.depth += 1;
        let r = self.feature_at(id, unit, stack);
        stack.depth -= 1;
        r
    }

    fn feature_at(&self, id: &str, unit: &Unit<'_>, stack: &mut Stack) -> Map<String, Value> {
        if stack.evaluated.contains(id) {
            return feature_result(Value::Null, "cyclicPrerequisite", None);
        }
        stack.evaluated.insert(id.to_string());
        let Some(feature) = self.features.get(id).filter(|f| js::truthy(f)) else {
            return feature_result(Value::Null, "unknownFeature", None);
        };
        let rules = feature.get("rules").and_then(Value::as_array).map_or(&[][..], Vec::as_slice);
        let evaluated = stack.evaluated.clone();
        'rules: for rule in rules {
            let Some(rule) = rule.as_object() else { continue };
            if let Some(parents) = rule.get("parentConditions") {
                match self.prerequisites(parents, &evaluated, unit, stack) {
                    Err(()) => return feature_result(Value::Null, "cyclicPrerequisite", None),
                    Ok(Some(true)) => return feature_result(Value::Null, "prerequisite", None),
                    Ok(Some(false)) => continue 'rules,
                    Ok(None) => {}
                }
            }
            if rule.get("filters").is_some_and(|f| filtered_out(f, unit)) {
                continue;
            }
            if let Some(force) = rule.get("force") {
                if rule.get("condition").is_some_and(|c| js::truthy(c) && !self.condition_passes(c, unit)) {
                    continue;
                }
                let seed = truthy_field(rule, "seed").map_or(id.to_string(), js::to_string);
                if !in_rollout(unit, &seed, rule) {
                    continue;
                }
                return feature_result(force.clone(), "force", rule.get("id"));
            }
            let variations = match rule.get("contextualVariations").filter(|v| !v.is_null()) {
                Some(v) => v,
                None => match rule.get("variations") {
                    Some(v) if js::truthy(v) => v,
                    _ => continue,
                },
            };
            let mut exp = Map::new();
            exp.insert("variations".into(), variations.clone());
            exp.insert("key".into(), truthy_field(rule, "key").cloned().unwrap_or_else(|| Value::String(id.into())));
            if let Some(c) = rule.get("coverage") {
                exp.insert("coverage".into(), c.clone());
            }
            for k in ["weights", "hashAttribute", "fallbackAttribute", "disableStickyBucketing"] {
                if let Some(v) = truthy_field(rule, k) {
                    exp.insert(k.into(), v.clone());
                }
            }
            for k in ["bucketVersion", "minBucketVersion"] {
                if let Some(v) = rule.get(k) {
                    exp.insert(k.into(), v.clone());
                }
            }
            for k in ["namespace", "meta", "ranges", "name", "phase", "seed", "hashVersion", "filters", "condition"] {
                if let Some(v) = truthy_field(rule, k) {
                    exp.insert(k.into(), v.clone());
                }
            }
            if let Some(r) = truthy_field(rule, "contextualBanditRef") {
                self.contextual_bandit(&mut exp, &js::to_string(r), unit);
            }
            let result = self.run_in(&mut exp, Some(id), unit, stack);
            let entered = |k: &str| result.get(k).is_some_and(js::truthy);
            if exp.contains_key("contextualBandit") && !(entered("hashUsed") && entered("inExperiment")) {
                exp.remove("contextualBandit");
            }
            if entered("inExperiment") && !entered("passthrough") {
                let value = result.get("value").cloned().unwrap_or(Value::Null);
                let mut r = feature_result(value, "experiment", rule.get("id"));
                r.insert("experiment".into(), Value::Object(exp));
                r.insert("experimentResult".into(), Value::Object(result));
                return r;
            }
        }
        let default = feature.get("defaultValue").cloned().unwrap_or(Value::Null);
        feature_result(default, "defaultValue", None)
    }

    /// `buildContextualBanditExperiment`: the first context whose condition
    /// passes gives the weights; else the rule's (or equal) weights, leaf -1.
    fn contextual_bandit(&self, exp: &mut Map<String, Value>, reference: &str, unit: &Unit<'_>) {
        let Some(def) = self.contextual_bandits.get(reference).and_then(Value::as_object) else { return };
        let leaf = def.get("contexts").and_then(Value::as_array).and_then(|cs| {
            cs.iter().find(|c| {
                let cond = c.get("condition").filter(|v| js::truthy(v)).cloned().unwrap_or_else(|| json!({}));
                self.condition_passes(&cond, unit)
            })
        });
        let mut cb = Map::new();
        match leaf {
            Some(leaf) => {
                let weights = leaf.get("weights").cloned().unwrap_or(Value::Null);
                exp.insert("weights".into(), weights.clone());
                cb.insert("leafId".into(), leaf.get("leafId").cloned().unwrap_or(Value::Null));
                cb.insert("variationWeights".into(), weights);
            }
            None => {
                let n = exp.get("variations").and_then(Value::as_array).map_or(0, Vec::len);
                let weights = exp.get("weights").cloned().unwrap_or_else(|| json!(hash::equal_weights(n as i64)));
                cb.insert("leafId".into(), json!(-1));
                cb.insert("variationWeights".into(), weights);
            }
        }
        if let Some(v) = def.get("banditVersion") {
            cb.insert("banditVersion".into(), v.clone());
        }
        exp.insert("contextualBandit".into(), Value::Object(cb));
    }

    /// `runExperiment`, steps 1 to 13 (no sticky buckets, no tracking).
    fn run_in(
        &self,
        exp: &mut Map<String, Value>,
        feature_id: Option<&str>,
        unit: &Unit<'_>,
        stack: &mut Stack,
    ) -> Map<String, Value> {
        let out = |exp: &Map<String, Value>, i: i64, hash_used: bool, bucket: Option<f64>| {
            experiment_result(exp, i, hash_used, feature_id, bucket, unit)
        };
        let key = exp.get("key").map_or_else(|| "undefined".into(), js::to_string);
        let n_var = exp.get("variations").and_then(Value::as_array).map_or(0, Vec::len);
        if n_var < 2 || self.disabled {
            return out(exp, -1, false, None);
        }
        if exp.contains_key("contextualBandit") {
            if let Some(w) = truthy_field(exp, "weights").cloned() {
                if let Some(Value::Object(cb)) = exp.get_mut("contextualBandit") {
                    cb.insert("variationWeights".into(), w);
                }
            }
        }
        // A unit has no URL: URL targeting keeps it out; no query string forces a variation.
        if let Some(p) = exp.get("urlPatterns").and_then(Value::as_array) {
            let include = p.iter().any(|t| t.get("include").is_none_or(|i| i != &Value::Bool(false)));
            if p.is_empty() || include {
                return out(exp, -1, false, None);
            }
        }
        if let Some(v) = self.forced_variations.get(&key) {
            let i = js::to_number(v);
            return out(exp, if i.fract() == 0.0 { i as i64 } else { -1 }, false, None);
        }
        if exp.get("status").and_then(Value::as_str) == Some("draft") || exp.get("active") == Some(&Value::Bool(false))
        {
            return out(exp, -1, false, None);
        }
        let (_, value) = hash_attribute(unit, exp.get("hashAttribute"));
        if !js::truthy(&value) {
            return out(exp, -1, false, None);
        }
        if let Some(f) = exp.get("filters").filter(|f| js::truthy(f)) {
            if filtered_out(f, unit) {
                return out(exp, -1, false, None);
            }
        } else if let Some(ns) = truthy_field(exp, "namespace").and_then(Value::as_array) {
            let id = ns.first().map_or_else(String::new, js::to_string);
            let (a, b) = (ns.get(1).map_or(f64::NAN, js::to_number), ns.get(2).map_or(f64::NAN, js::to_number));
            if !hash::in_namespace(&js::to_string(&value), &id, a, b) {
                return out(exp, -1, false, None);
            }
        }
        if let Some(c) = truthy_field(exp, "condition") {
            if !self.condition_passes(c, unit) {
                return out(exp, -1, false, None);
            }
        }
        if let Some(parents) = exp.get("parentConditions").cloned() {
            let evaluated = stack.evaluated.clone();
            if !matches!(self.prerequisites(&parents, &evaluated, unit, stack), Ok(None)) {
                return out(exp, -1, false, None);
            }
        }
        // The context has no `groups`: an experiment that asks for some excludes everyone.
        if exp.get("groups").is_some_and(js::truthy) || exp.get("url").is_some_and(js::truthy) {
            return out(exp, -1, false, None);
        }
        let seed = truthy_field(exp, "seed").map_or(key.clone(), js::to_string);
        let Some(n) = hash_of(&seed, &value, version(exp, "hashVersion", 1)) else {
            return out(exp, -1, false, None);
        };
        let ranges: Vec<[f64; 2]> = match truthy_field(exp, "ranges").and_then(Value::as_array) {
            Some(rs) => rs.iter().map(|r| range_of(r).unwrap_or([f64::NAN, f64::NAN])).collect(),
            None => {
                let coverage = match exp.get("coverage") {
                    None => Some(1.0),
                    Some(c) => Some(js::to_number(c)),
                };
                let weights: Option<Vec<f64>> = truthy_field(exp, "weights")
                    .and_then(Value::as_array)
                    .map(|w| w.iter().map(js::to_number).collect());
                hash::bucket_ranges(n_var as i64, coverage, weights.as_deref())
            }
        };
        let assigned = hash::choose_variation(n, &ranges);
        if assigned < 0 {
            return out(exp, -1, false, None);
        }
        if let Some(f) = exp.get("force") {
            let i = js::to_number(f);
            return out(exp, if i.fract() == 0.0 { i as i64 } else { -1 }, false, None);
        }
        if self.qa_mode || exp.get("status").and_then(Value::as_str) == Some("stopped") {
            return out(exp, -1, false, None);
        }
        out(exp, assigned, true, Some(n))
    }
}

fn deep_enough(stack: &Stack, what: &str) -> Result<(), TooDeep> {
    if stack.too_deep {
        return Err(TooDeep(format!(
            "the prerequisites of {what} are nested deeper than {MAX_PREREQUISITE_DEPTH} features: abx refuses to follow them"
        )));
    }
    Ok(())
}

/// `getExperimentResult`: an index outside the variations is the first,
/// not in the experiment.
fn experiment_result(
    exp: &Map<String, Value>,
    index: i64,
    hash_used: bool,
    feature_id: Option<&str>,
    bucket: Option<f64>,
    unit: &Unit<'_>,
) -> Map<String, Value> {
    let variations = exp.get("variations").and_then(Value::as_array).map_or(&[][..], Vec::as_slice);
    let (index, in_experiment) =
        if index < 0 || index as usize >= variations.len() { (0, false) } else { (index as usize, true) };
    let (attr, value) = hash_attribute(unit, exp.get("hashAttribute"));
    let meta = exp.get("meta").and_then(|m| m.get(index)).and_then(Value::as_object);
    let meta_field = |k: &str| meta.and_then(|m| truthy_field(m, k));
    let mut r = Map::new();
    r.insert(
        "key".into(),
        meta_field("key").map_or(Value::String(index.to_string()), |k| Value::String(js::to_string(k))),
    );
    r.insert("featureId".into(), feature_id.map_or(Value::Null, |f| Value::String(f.into())));
    r.insert("inExperiment".into(), Value::Bool(in_experiment));
    r.insert("hashUsed".into(), Value::Bool(hash_used));
    r.insert("variationId".into(), json!(index));
    r.insert("value".into(), variations.get(index).cloned().unwrap_or(Value::Null));
    r.insert("hashAttribute".into(), Value::String(attr));
    r.insert("hashValue".into(), value);
    r.insert("stickyBucketUsed".into(), Value::Bool(false));
    if let Some(name) = meta_field("name") {
        r.insert("name".into(), name.clone());
    }
    if let Some(b) = bucket {
        r.insert("bucket".into(), json!(b));
    }
    if let Some(p) = meta_field("passthrough") {
        r.insert("passthrough".into(), p.clone());
    }
    if let Some(Value::Object(cb)) = exp.get("contextualBandit") {
        if hash_used && in_experiment {
            for k in ["leafId", "variationWeights", "banditVersion"] {
                if let Some(v) = cb.get(k) {
                    r.insert(k.into(), v.clone());
                }
            }
        }
    }
    r
}

impl Context {
    /// A context from an SDK payload (`{"features": {...}, "savedGroups":
    /// {...}, "contextualBandits": {...}}`); `encryptedFeatures` and
    /// `encryptedSavedGroups` are decrypted with `key` ([`super::decrypt`]).
    pub fn from_payload(payload: &Value, key: Option<&str>) -> Result<Context, String> {
        let Value::Object(p) = payload else {
            return Err("the payload is not a JSON object (an SDK payload is {\"features\": {...}, ...})".into());
        };
        let object = |k: &str| -> Result<Map<String, Value>, String> {
            let encrypted = format!("encrypted{}{}", k[..1].to_uppercase(), &k[1..]);
            if let Some(e) = p.get(&encrypted).filter(|v| !v.is_null()) {
                let Some(key) = key else {
                    return Err(format!(
                        "the payload is encrypted (`{encrypted}`): pass its key with --decryption-key"
                    ));
                };
                let text = e.as_str().and_then(|t| super::decrypt::decrypt(t, key)).ok_or_else(|| {
                    format!("`{encrypted}` does not decrypt with the --decryption-key given (a wrong key, or a damaged payload)")
                })?;
                return match serde_json::from_str::<Value>(&text) {
                    Ok(Value::Object(m)) => Ok(m),
                    _ => Err(format!("`{encrypted}` decrypts to text that is not a JSON object")),
                };
            }
            match p.get(k) {
                None | Some(Value::Null) => Ok(Map::new()),
                Some(Value::Object(m)) => Ok(m.clone()),
                Some(other) => Err(format!("`{k}` is {}, not an object", type_word(other))),
            }
        };
        if !p.contains_key("features") && !p.contains_key("encryptedFeatures") {
            return Err("the payload has no `features` (an SDK payload is {\"features\": {...}, ...})".into());
        }
        Ok(Context {
            features: object("features")?,
            saved_groups: object("savedGroups")?,
            contextual_bandits: object("contextualBandits")?,
            ..Context::default()
        })
    }
}

fn type_word(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}
