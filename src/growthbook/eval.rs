//! Feature and experiment evaluation as the JS SDK runs it (`core.ts`:
//! `evalFeature`, `runExperiment`, `getExperimentResult`), on one unit's
//! attributes, in batch: no sticky bucketing, no tracking callbacks, no URL.
//!
//! What a batch has no use for is left out, and said so: a unit has no URL,
//! so URL targeting (`urlPatterns`, `url`) excludes it and no query string
//! forces a variation; the context's `overrides` and `groups` (deprecated in
//! the SDKs) are not read.

use std::collections::HashMap;

use std::borrow::Cow;
use std::sync::OnceLock;

use serde::ser::{Serialize, SerializeMap, Serializer};
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
    /// Each feature and its rules, read at the first evaluation (so `features` must be set before it).
    pub rules: OnceLock<HashMap<String, Feature>>,
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

/// `getHashAttribute(attr)`: the attribute's name (default `id`) and its
/// value, borrowed, when it is truthy (the SDKs' "" otherwise).
fn hash_value<'u, 'r>(unit: &Unit<'u>, attr: Option<&'r Value>) -> (Cow<'r, str>, Option<&'u Value>) {
    let name: Cow<'r, str> = match attr.filter(|v| js::truthy(v)) {
        None => Cow::Borrowed("id"),
        Some(Value::String(s)) => Cow::Borrowed(s.as_str()),
        Some(v) => Cow::Owned(js::to_string(v)),
    };
    let value = unit.attributes.get(name.as_ref()).filter(|v| js::truthy(v));
    (name, value)
}

fn hash_of(seed: &str, value: &Value, version: u32) -> Option<f64> {
    match value {
        Value::String(v) => hash::hash(seed, v, version),
        other => hash::hash(seed, &js::to_string(other), version),
    }
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
            let Some(value) = hash_value(unit, f.get("attribute")).1 else { return true };
            let seed = f.get("seed").map_or_else(|| "undefined".to_string(), js::to_string);
            let Some(n) = hash_of(&seed, value, version(f, "hashVersion", 2)) else { return true };
            let ranges = f.get("ranges").and_then(Value::as_array);
            !ranges.is_some_and(|rs| rs.iter().filter_map(range_of).any(|r| in_range(n, r)))
        })
    })
}

/// What `runExperiment` reads from an experiment, whatever the unit: read
/// once per rule (or per inline experiment), not once per unit.
#[derive(Debug, Clone)]
pub struct Plan {
    key: String,
    n_var: usize,
    /// URL targeting that keeps a unit without a URL out.
    url_blocked: bool,
    /// `status: draft` or `active: false`.
    inactive: bool,
    hash_attribute: Option<Value>,
    /// Truthy `filters` (which replace the namespace).
    filters: bool,
    namespace: Option<(String, f64, f64)>,
    condition: bool,
    parents: bool,
    groups_or_url: bool,
    seed: String,
    version: u32,
    ranges: Vec<[f64; 2]>,
    /// `force`: the variation index, -1 when not an integer.
    force: Option<i64>,
    stopped: bool,
}

impl Plan {
    pub fn of(exp: &Map<String, Value>) -> Plan {
        let key = exp.get("key").map_or_else(|| "undefined".into(), js::to_string);
        let n_var = exp.get("variations").and_then(Value::as_array).map_or(0, Vec::len);
        let url_blocked = exp.get("urlPatterns").and_then(Value::as_array).is_some_and(|p| {
            p.is_empty() || p.iter().any(|t| t.get("include").is_none_or(|i| i != &Value::Bool(false)))
        });
        let status = exp.get("status").and_then(Value::as_str);
        let filters = exp.get("filters").is_some_and(js::truthy);
        let namespace = truthy_field(exp, "namespace").and_then(Value::as_array).map(|ns| {
            let id = ns.first().map_or_else(String::new, js::to_string);
            (id, ns.get(1).map_or(f64::NAN, js::to_number), ns.get(2).map_or(f64::NAN, js::to_number))
        });
        let seed = truthy_field(exp, "seed").map_or_else(|| key.clone(), js::to_string);
        let ranges: Vec<[f64; 2]> = match truthy_field(exp, "ranges").and_then(Value::as_array) {
            Some(rs) => rs.iter().map(|r| range_of(r).unwrap_or([f64::NAN, f64::NAN])).collect(),
            None => {
                let coverage = Some(exp.get("coverage").map_or(1.0, js::to_number));
                let weights: Option<Vec<f64>> = truthy_field(exp, "weights")
                    .and_then(Value::as_array)
                    .map(|w| w.iter().map(js::to_number).collect());
                hash::bucket_ranges(n_var as i64, coverage, weights.as_deref())
            }
        };
        let force = exp.get("force").map(|f| {
            let i = js::to_number(f);
            if i.fract() == 0.0 {
                i as i64
            } else {
                -1
            }
        });
        Plan {
            n_var,
            url_blocked,
            inactive: status == Some("draft") || exp.get("active") == Some(&Value::Bool(false)),
            hash_attribute: exp.get("hashAttribute").cloned(),
            filters,
            namespace: if filters { None } else { namespace },
            condition: truthy_field(exp, "condition").is_some(),
            parents: exp.contains_key("parentConditions"),
            groups_or_url: exp.get("groups").is_some_and(js::truthy) || exp.get("url").is_some_and(js::truthy),
            seed,
            version: version(exp, "hashVersion", 1),
            ranges,
            force,
            stopped: status == Some("stopped"),
            key,
        }
    }
}

/// A (truthy) feature as `_evalFeature` reads it, looked up once.
#[derive(Debug, Clone, Default)]
pub struct Feature {
    default: Value,
    rules: Vec<Rule>,
}

/// A feature rule as `_evalFeature` reads it, looked up once.
#[derive(Debug, Clone, Default)]
pub struct Rule {
    /// Not an object: the SDKs skip it.
    skip: bool,
    parents: Option<Value>,
    filters: Option<Value>,
    force: Option<Value>,
    /// The condition, when truthy.
    condition: Option<Value>,
    rollout: Rollout,
    id: Option<Value>,
    bandit_ref: Option<String>,
    /// What the rule runs, when it is an experiment rule.
    experiment: Option<Map<String, Value>>,
    /// Its plan, when no unit's context changes it (no contextual bandit).
    plan: Option<Plan>,
}

/// `isIncludedInRollout` (no fallback attribute without sticky bucketing),
/// decided from the rule once: everyone, no one, or by the unit's hash.
#[derive(Debug, Clone, Default)]
enum Rollout {
    #[default]
    All,
    Nobody,
    Hash {
        seed: String,
        attribute: Option<Value>,
        version: u32,
        range: Option<[f64; 2]>,
        coverage: f64,
    },
}

impl Rule {
    fn of(feature: &str, rule: &Value) -> Rule {
        let Some(r) = rule.as_object() else { return Rule { skip: true, ..Rule::default() } };
        let range = r.get("range").filter(|v| js::truthy(v)).and_then(range_of);
        let coverage = r.get("coverage");
        let rollout = match (range, coverage) {
            (None, None) => Rollout::All,
            (None, Some(c)) if js::strict_eq(c, &json!(0)) => Rollout::Nobody,
            _ => Rollout::Hash {
                seed: truthy_field(r, "seed").map_or_else(|| feature.to_string(), js::to_string),
                attribute: r.get("hashAttribute").cloned(),
                version: version(r, "hashVersion", 1),
                range,
                coverage: coverage.map_or(f64::NAN, js::to_number),
            },
        };
        let experiment = if r.contains_key("force") { None } else { rule_experiment(feature, r) };
        let bandit_ref = truthy_field(r, "contextualBanditRef").map(js::to_string);
        Rule {
            skip: false,
            plan: experiment.as_ref().filter(|_| bandit_ref.is_none()).map(Plan::of),
            parents: r.get("parentConditions").cloned(),
            filters: r.get("filters").cloned(),
            force: r.get("force").cloned(),
            condition: truthy_field(r, "condition").cloned(),
            rollout,
            id: r.get("id").cloned(),
            bandit_ref,
            experiment,
        }
    }
}

fn in_rollout(unit: &Unit<'_>, rollout: &Rollout) -> bool {
    match rollout {
        Rollout::All => true,
        Rollout::Nobody => false,
        Rollout::Hash { seed, attribute, version, range, coverage } => {
            let Some(value) = hash_value(unit, attribute.as_ref()).1 else { return false };
            let Some(n) = hash_of(seed, value, *version) else { return false };
            match range {
                Some(r) => in_range(n, *r),
                None => n <= *coverage,
            }
        }
    }
}

/// Prerequisites nested deeper than this are refused rather than followed
/// (the SDKs would exhaust their stack on a long enough chain).
pub const MAX_PREREQUISITE_DEPTH: usize = 256;

/// Where the evaluation of one top-level feature is: the features already
/// on the path (prerequisite cycles), how deep it is, and whether it went
/// deeper than [`MAX_PREREQUISITE_DEPTH`].
struct Stack<'a> {
    /// The payload's feature keys on the path (few: a list beats a set).
    evaluated: Vec<&'a str>,
    depth: usize,
    too_deep: bool,
}

impl Stack<'_> {
    fn new() -> Self {
        Stack { evaluated: Vec::new(), depth: 0, too_deep: false }
    }
}

/// A payload abx will not evaluate as asked.
#[derive(Debug, Clone, PartialEq)]
pub struct TooDeep(pub String);

static NULL: Value = Value::Null;

/// The SDKs' FeatureResult, typed: serialized with the SDKs' keys in their
/// order (`value`, `on`, `off`, `source`, `ruleId`, `experiment`,
/// `experimentResult`). It borrows what it can from the payload.
#[derive(Debug, Clone)]
pub struct FeatureResult<'a> {
    pub value: Cow<'a, Value>,
    pub source: &'static str,
    /// The rule's `id`, as the SDKs read it (`""` when falsy).
    pub rule_id: Option<&'a Value>,
    pub experiment: Option<Cow<'a, Map<String, Value>>>,
    pub experiment_result: Option<ExperimentResult<'a>>,
}

/// The SDKs' experiment Result, typed, serialized in the SDKs' key order.
#[derive(Debug, Clone)]
pub struct ExperimentResult<'a> {
    pub key: Cow<'a, str>,
    pub feature_id: Option<&'a str>,
    pub in_experiment: bool,
    pub hash_used: bool,
    pub variation_id: usize,
    pub value: Value,
    pub hash_attribute: Cow<'a, str>,
    pub hash_value: Value,
    pub name: Option<Value>,
    pub bucket: Option<f64>,
    pub passthrough: Option<Value>,
    /// `leafId`, `variationWeights`, `banditVersion` of a contextual bandit, as present.
    pub bandit: Vec<(&'static str, Value)>,
}

fn feature_result<'a>(value: Cow<'a, Value>, source: &'static str, rule_id: Option<&'a Value>) -> FeatureResult<'a> {
    FeatureResult { value, source, rule_id, experiment: None, experiment_result: None }
}

impl FeatureResult<'_> {
    /// Whether the value is truthy (`on`).
    pub fn on(&self) -> bool {
        js::truthy(&self.value)
    }

    /// The fields, in order, into a map being serialized (after any of the caller's).
    pub fn serialize_fields<M: SerializeMap>(&self, m: &mut M) -> Result<(), M::Error> {
        let on = self.on();
        m.serialize_entry("value", &*self.value)?;
        m.serialize_entry("on", &on)?;
        m.serialize_entry("off", &!on)?;
        m.serialize_entry("source", self.source)?;
        match self.rule_id.filter(|v| js::truthy(v)) {
            Some(Value::String(s)) => m.serialize_entry("ruleId", s)?,
            Some(v) => m.serialize_entry("ruleId", &js::to_string(v))?,
            None => m.serialize_entry("ruleId", "")?,
        }
        if let Some(e) = &self.experiment {
            m.serialize_entry("experiment", &**e)?;
        }
        if let Some(r) = &self.experiment_result {
            m.serialize_entry("experimentResult", r)?;
        }
        Ok(())
    }

    /// As a JSON object.
    pub fn to_map(&self) -> Map<String, Value> {
        match serde_json::to_value(self) {
            Ok(Value::Object(m)) => m,
            _ => Map::new(),
        }
    }
}

impl Serialize for FeatureResult<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        self.serialize_fields(&mut m)?;
        m.end()
    }
}

impl ExperimentResult<'_> {
    /// The fields, in order, into a map being serialized (after any of the caller's).
    pub fn serialize_fields<M: SerializeMap>(&self, m: &mut M) -> Result<(), M::Error> {
        m.serialize_entry("key", &*self.key)?;
        m.serialize_entry("featureId", &self.feature_id)?;
        m.serialize_entry("inExperiment", &self.in_experiment)?;
        m.serialize_entry("hashUsed", &self.hash_used)?;
        m.serialize_entry("variationId", &self.variation_id)?;
        m.serialize_entry("value", &self.value)?;
        m.serialize_entry("hashAttribute", &*self.hash_attribute)?;
        m.serialize_entry("hashValue", &self.hash_value)?;
        m.serialize_entry("stickyBucketUsed", &false)?;
        if let Some(n) = &self.name {
            m.serialize_entry("name", n)?;
        }
        if let Some(b) = self.bucket {
            m.serialize_entry("bucket", &b)?;
        }
        if let Some(p) = &self.passthrough {
            m.serialize_entry("passthrough", p)?;
        }
        for (k, v) in &self.bandit {
            m.serialize_entry(k, v)?;
        }
        Ok(())
    }

    /// As a JSON object.
    pub fn to_map(&self) -> Map<String, Value> {
        match serde_json::to_value(self) {
            Ok(Value::Object(m)) => m,
            _ => Map::new(),
        }
    }
}

impl Serialize for ExperimentResult<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        self.serialize_fields(&mut m)?;
        m.end()
    }
}

/// A rule's experiment as `_evalFeature` builds it for `run`, from the
/// rule alone (so built once per rule, not once per unit).
fn rule_experiment(id: &str, rule: &Map<String, Value>) -> Option<Map<String, Value>> {
    let variations = match rule.get("contextualVariations").filter(|v| !v.is_null()) {
        Some(v) => v,
        None => match rule.get("variations") {
            Some(v) if js::truthy(v) => v,
            _ => return None,
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
    Some(exp)
}

impl Context {
    /// The experiments of every feature's rules, by feature and rule index.
    /// Every feature's rules, read once: what `_evalFeature` looks up in a
    /// rule for each unit, looked up for all of them.
    fn rules(&self) -> &HashMap<String, Feature> {
        self.rules.get_or_init(|| {
            self.features
                .iter()
                .filter(|(_, f)| js::truthy(f))
                .map(|(id, f)| {
                    let rules = f.get("rules").and_then(Value::as_array).map_or(&[][..], Vec::as_slice);
                    let feature = Feature {
                        default: f.get("defaultValue").cloned().unwrap_or(Value::Null),
                        rules: rules.iter().map(|r| Rule::of(id, r)).collect(),
                    };
                    (id.clone(), feature)
                })
                .collect()
        })
    }

    /// `evalFeature(id)` for one unit: the SDKs' FeatureResult, as a JSON object.
    pub fn eval_feature(&self, id: &str, unit: &Unit<'_>) -> Result<Map<String, Value>, TooDeep> {
        self.feature(id, unit).map(|r| r.to_map())
    }

    /// `evalFeature(id)` for one unit: the SDKs' FeatureResult.
    pub fn feature(&self, id: &str, unit: &Unit<'_>) -> Result<FeatureResult<'_>, TooDeep> {
        let mut stack = Stack::new();
        let r = self.feature_in(id, unit, &mut stack);
        deep_enough(&stack, &format!("feature `{id}`")).map(|()| r)
    }

    /// `run(experiment)` for one unit: the SDKs' Result, as a JSON object.
    pub fn run(&self, experiment: &Map<String, Value>, unit: &Unit<'_>) -> Result<Map<String, Value>, TooDeep> {
        self.run_experiment(experiment, unit).map(|r| r.to_map())
    }

    /// `run(experiment)` for one unit: the SDKs' Result.
    pub fn run_experiment<'e>(
        &'e self,
        experiment: &'e Map<String, Value>,
        unit: &Unit<'_>,
    ) -> Result<ExperimentResult<'e>, TooDeep> {
        self.run_planned(experiment, None, unit)
    }

    /// `run(experiment)` for one unit, with the experiment's [`Plan`] made
    /// once for many units.
    pub fn run_planned<'e>(
        &'e self,
        experiment: &'e Map<String, Value>,
        plan: Option<&Plan>,
        unit: &Unit<'_>,
    ) -> Result<ExperimentResult<'e>, TooDeep> {
        let mut exp = Cow::Borrowed(experiment);
        let mut stack = Stack::new();
        let (i, hash_used, bucket) = self.run_in(&mut exp, plan, unit, &mut stack);
        let r = experiment_result(&exp, i, hash_used, None, bucket, unit);
        deep_enough(&stack, "the experiment").map(|()| r)
    }

    fn condition_passes(&self, condition: &Value, unit: &Unit<'_>) -> bool {
        condition::eval(unit.attributes, condition, &self.saved_groups)
    }

    /// Each prerequisite's value must pass its condition: Ok(true) when all
    /// do, Ok(false) at the first that does not (with its `gate`), Err on a cycle.
    /// `evaluated` is the stack as it was before the rules (each parent
    /// starts from it, as in the SDK).
    fn prerequisites<'a>(
        &'a self,
        parents: &Value,
        evaluated: &[&'a str],
        unit: &Unit<'_>,
        stack: &mut Stack<'a>,
    ) -> Result<Option<bool>, ()> {
        let Some(parents) = parents.as_array() else { return Ok(None) };
        for p in parents {
            stack.evaluated.clear();
            stack.evaluated.extend_from_slice(evaluated);
            let pid = p.get("id").map_or_else(|| "undefined".into(), js::to_string);
            let parent = self.feature_in(&pid, unit, stack);
            if parent.source == "cyclicPrerequisite" {
                return Err(());
            }
            let mut obj = Map::with_capacity(1);
            obj.insert("value".into(), parent.value.into_owned());
            let obj = Value::Object(obj);
            let empty = Value::Object(Map::new());
            let cond = p.get("condition").filter(|c| js::truthy(c)).unwrap_or(&empty);
            if !condition::eval(&obj, cond, &SavedGroups::new()) {
                return Ok(Some(p.get("gate").is_some_and(js::truthy)));
            }
        }
        Ok(None)
    }

    fn feature_in<'a>(&'a self, id: &str, unit: &Unit<'_>, stack: &mut Stack<'a>) -> FeatureResult<'a> {
        if stack.depth >= MAX_PREREQUISITE_DEPTH {
            stack.too_deep = true;
            return feature_result(Cow::Borrowed(&NULL), "cyclicPrerequisite", None);
        }
        stack.depth += 1;
        let r = self.feature_at(id, unit, stack);
        stack.depth -= 1;
        r
    }

    fn feature_at<'a>(&'a self, id: &str, unit: &Unit<'_>, stack: &mut Stack<'a>) -> FeatureResult<'a> {
        if stack.evaluated.contains(&id) {
            return feature_result(Cow::Borrowed(&NULL), "cyclicPrerequisite", None);
        }
        // An unknown feature ends here, so only known ones need to be on the path.
        let Some((fid, feature)) = self.rules().get_key_value(id) else {
            return feature_result(Cow::Borrowed(&NULL), "unknownFeature", None);
        };
        stack.evaluated.push(fid.as_str());
        let rules = feature.rules.as_slice();
        // The stack as it was before the rules, taken when a rule first needs it.
        let mut before: Option<Vec<&'a str>> = None;
        'rules: for rule in rules {
            if rule.skip {
                continue;
            }
            if let Some(parents) = &rule.parents {
                let evaluated = before.get_or_insert_with(|| stack.evaluated.clone()).clone();
                match self.prerequisites(parents, &evaluated, unit, stack) {
                    Err(()) => return feature_result(Cow::Borrowed(&NULL), "cyclicPrerequisite", None),
                    Ok(Some(true)) => return feature_result(Cow::Borrowed(&NULL), "prerequisite", None),
                    Ok(Some(false)) => continue 'rules,
                    Ok(None) => {}
                }
            }
            if rule.filters.as_ref().is_some_and(|f| filtered_out(f, unit)) {
                continue;
            }
            if let Some(force) = &rule.force {
                if rule.condition.as_ref().is_some_and(|c| !self.condition_passes(c, unit)) {
                    continue;
                }
                if !in_rollout(unit, &rule.rollout) {
                    continue;
                }
                return feature_result(Cow::Borrowed(force), "force", rule.id.as_ref());
            }
            let Some(base) = &rule.experiment else { continue };
            let mut exp = Cow::Borrowed(base);
            if let Some(r) = &rule.bandit_ref {
                self.contextual_bandit(exp.to_mut(), r, unit);
            }
            let (i, hash_used, bucket) = self.run_in(&mut exp, rule.plan.as_ref(), unit, stack);
            let n_var = exp.get("variations").and_then(Value::as_array).map_or(0, Vec::len);
            let in_experiment = i >= 0 && (i as usize) < n_var;
            if exp.contains_key("contextualBandit") && !(hash_used && in_experiment) {
                exp.to_mut().remove("contextualBandit");
            }
            // The Result is built only for a unit the experiment decides.
            let passthrough = || {
                exp.get("meta")
                    .and_then(|m| m.get(i as usize))
                    .and_then(Value::as_object)
                    .is_some_and(|m| truthy_field(m, "passthrough").is_some())
            };
            if in_experiment && !passthrough() {
                let result = experiment_result(&exp, i, hash_used, Some(fid.as_str()), bucket, unit);
                let mut r = feature_result(Cow::Owned(result.value.clone()), "experiment", rule.id.as_ref());
                r.experiment = Some(exp);
                r.experiment_result = Some(result);
                return r;
            }
        }
        feature_result(Cow::Borrowed(&feature.default), "defaultValue", None)
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
    /// The variation index (-1: none), whether the hash chose it, and the
    /// unit's hash: what [`experiment_result`] makes the Result of.
    fn run_in<'e>(
        &'e self,
        exp: &mut Cow<'e, Map<String, Value>>,
        plan: Option<&Plan>,
        unit: &Unit<'_>,
        stack: &mut Stack<'e>,
    ) -> (i64, bool, Option<f64>) {
        let own;
        let plan = match plan {
            Some(p) => p,
            None => {
                own = Plan::of(exp);
                &own
            }
        };
        if plan.n_var < 2 || self.disabled {
            return (-1, false, None);
        }
        if exp.contains_key("contextualBandit") {
            if let Some(w) = truthy_field(exp, "weights").cloned() {
                if let Some(Value::Object(cb)) = exp.to_mut().get_mut("contextualBandit") {
                    cb.insert("variationWeights".into(), w);
                }
            }
        }
        // A unit has no URL: URL targeting keeps it out; no query string forces a variation.
        if plan.url_blocked {
            return (-1, false, None);
        }
        if let Some(v) = self.forced_variations.get(plan.key.as_str()) {
            let i = js::to_number(v);
            return (if i.fract() == 0.0 { i as i64 } else { -1 }, false, None);
        }
        if plan.inactive {
            return (-1, false, None);
        }
        let Some(value) = hash_value(unit, plan.hash_attribute.as_ref()).1 else {
            return (-1, false, None);
        };
        if plan.filters {
            if exp.get("filters").is_some_and(|f| filtered_out(f, unit)) {
                return (-1, false, None);
            }
        } else if let Some((id, a, b)) = &plan.namespace {
            let inside = match value {
                Value::String(v) => hash::in_namespace(v, id, *a, *b),
                other => hash::in_namespace(&js::to_string(other), id, *a, *b),
            };
            if !inside {
                return (-1, false, None);
            }
        }
        if plan.condition {
            if let Some(c) = truthy_field(exp, "condition") {
                if !self.condition_passes(c, unit) {
                    return (-1, false, None);
                }
            }
        }
        if plan.parents {
            if let Some(parents) = exp.get("parentConditions").cloned() {
                let evaluated = stack.evaluated.clone();
                if !matches!(self.prerequisites(&parents, &evaluated, unit, stack), Ok(None)) {
                    return (-1, false, None);
                }
            }
        }
        // The context has no `groups`: an experiment that asks for some excludes everyone.
        if plan.groups_or_url {
            return (-1, false, None);
        }
        let Some(n) = hash_of(&plan.seed, value, plan.version) else {
            return (-1, false, None);
        };
        let assigned = hash::choose_variation(n, &plan.ranges);
        if assigned < 0 {
            return (-1, false, None);
        }
        if let Some(i) = plan.force {
            return (i, false, None);
        }
        if self.qa_mode || plan.stopped {
            return (-1, false, None);
        }
        (assigned, true, Some(n))
    }
}

fn deep_enough(stack: &Stack<'_>, what: &str) -> Result<(), TooDeep> {
    if stack.too_deep {
        return Err(TooDeep(format!(
            "the prerequisites of {what} are nested deeper than {MAX_PREREQUISITE_DEPTH} features: abx refuses to follow them"
        )));
    }
    Ok(())
}

/// `getExperimentResult`: an index outside the variations is the first,
/// not in the experiment.
fn experiment_result<'e>(
    exp: &Cow<'e, Map<String, Value>>,
    index: i64,
    hash_used: bool,
    feature_id: Option<&'e str>,
    bucket: Option<f64>,
    unit: &Unit<'_>,
) -> ExperimentResult<'e> {
    const KEYS: [&str; 10] = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"];
    let variations = exp.get("variations").and_then(Value::as_array).map_or(&[][..], Vec::as_slice);
    let (index, in_experiment) =
        if index < 0 || index as usize >= variations.len() { (0, false) } else { (index as usize, true) };
    let text = |v: &Value| -> Cow<'e, str> { Cow::Owned(js::to_string(v)) };
    let attr = exp.get("hashAttribute").filter(|v| js::truthy(v));
    let hash_attribute = match (exp, attr) {
        (Cow::Borrowed(m), Some(Value::String(_))) => match m.get("hashAttribute") {
            Some(Value::String(a)) => Cow::Borrowed(a.as_str()),
            _ => Cow::Borrowed("id"),
        },
        (_, Some(v)) => text(v),
        (_, None) => Cow::Borrowed("id"),
    };
    let hash_value = match unit.get(&hash_attribute) {
        v if js::truthy(v) => v.clone(),
        _ => Value::String(String::new()),
    };
    let meta = exp.get("meta").and_then(|m| m.get(index)).and_then(Value::as_object);
    let meta_field = |k: &str| meta.and_then(|m| truthy_field(m, k));
    let key = match (exp, meta_field("key")) {
        (Cow::Borrowed(m), Some(Value::String(_))) => {
            match m.get("meta").and_then(|x| x.get(index)).and_then(|x| x.get("key")) {
                Some(Value::String(k)) => Cow::Borrowed(k.as_str()),
                _ => Cow::Borrowed(""),
            }
        }
        (_, Some(k)) => text(k),
        (_, None) => KEYS.get(index).map_or_else(|| Cow::Owned(index.to_string()), |k| Cow::Borrowed(*k)),
    };
    let mut bandit = Vec::new();
    if let Some(Value::Object(cb)) = exp.get("contextualBandit") {
        if hash_used && in_experiment {
            for k in ["leafId", "variationWeights", "banditVersion"] {
                if let Some(v) = cb.get(k) {
                    bandit.push((k, v.clone()));
                }
            }
        }
    }
    ExperimentResult {
        key,
        feature_id,
        in_experiment,
        hash_used,
        variation_id: index,
        value: variations.get(index).cloned().unwrap_or(Value::Null),
        hash_attribute,
        hash_value,
        name: meta_field("name").cloned(),
        bucket,
        passthrough: meta_field("passthrough").cloned(),
        bandit,
    }
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
