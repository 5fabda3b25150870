//! The experiment model: what an experiment file means once it has been checked.

use chrono::NaiveDate;
use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
pub struct Experiment {
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The hashing salt; the experiment's name when the file gives none.
    pub salt: String,
    /// Share of eligible units exposed, 0..=1.
    pub allocation: f64,
    /// Two or more; the first is the control.
    pub variants: Vec<Variant>,
    pub metrics: Vec<Metric>,
    /// The primary metric's name; the first metric when the file gives none.
    pub primary: Option<String>,
    pub decision: Decision,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<Status>,
    /// The variant every unit gets once the experiment is promoted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub promoted: Option<String>,
    /// The day the promotion was recorded (`abx verdict --write` sets it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub promoted_at: Option<NaiveDate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hypothesis: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start: Option<NaiveDate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end: Option<NaiveDate>,
    /// Conditions on unit attributes; a unit is eligible only if all hold.
    pub targeting: Vec<Condition>,
    /// Mutual exclusion: the unit takes part only if its layer point is in the range.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub layer: Option<Layer>,
    /// Units whose holdout point is below the share get no variant.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub holdout: Option<Holdout>,
    /// A feature gate (`gate: {rollout: R}`): variants `off` (the control) and
    /// `on`, `on` below R on the file's salt.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gate: Option<Gate>,
    /// A bandit's reweights, oldest first (`abx bandit --write`): the first
    /// entry holds the weights it started with, the last the variants' weights.
    /// With it, units are laid out on the unit interval as
    /// [`crate::assign::layout`] describes, so that a reweight moves few units.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub weight_history: Vec<WeightEntry>,
    /// `hashing: {scheme: growthbook, ...}`: units are bucketed as
    /// GrowthBook's SDKs bucket them, not by the contract's SHA-256 (the
    /// salt is then GrowthBook's seed).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub growthbook: Option<GrowthbookHashing>,
}

/// GrowthBook's bucketing of one experiment (its SDKs' `run`, without
/// sticky bucketing): FNV-1a hash `version` of the seed (the experiment's
/// salt) and the unit, GrowthBook's bucket ranges of the variants' weights
/// and `allocation` (its coverage), or `ranges` as given; the namespace or
/// the filters first; the condition on the unit's attributes.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GrowthbookHashing {
    /// 1 or 2 (`hashVersion`).
    pub version: u32,
    /// The attribute whose value is the unit (`hashAttribute`, default `id`).
    pub hash_attribute: String,
    /// `namespace: {name, range: [start, end]}`: the unit's version-1 hash
    /// with seed `__NAME` must lie in [start, end).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub namespace: Option<Layer>,
    /// GrowthBook's `filters`: each one's hash of the unit must lie in one of its ranges.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub filters: Vec<GrowthbookFilter>,
    /// The variants' ranges as GrowthBook's `ranges` (they replace the
    /// weights' ranges; the weights are then the ranges' widths).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ranges: Option<Vec<[f64; 2]>>,
    /// A GrowthBook condition on the unit's attributes (its syntax, JSON).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub condition: Option<serde_json::Value>,
    /// The attributes the condition reads, with the type each one's text
    /// (a CSV cell) is read as.
    pub attributes: Vec<(String, AttributeType)>,
}

/// One of GrowthBook's experiment filters, on the unit (the hash attribute).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GrowthbookFilter {
    pub seed: String,
    pub version: u32,
    pub ranges: Vec<[f64; 2]>,
}

/// How a data cell becomes a GrowthBook attribute value: text as it is, a
/// number, `true`/`false`, or JSON (arrays and objects).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AttributeType {
    String,
    Number,
    Boolean,
    Json,
}

impl AttributeType {
    pub const NAMES: [&'static str; 4] = ["string", "number", "boolean", "json"];

    pub fn name(self) -> &'static str {
        match self {
            AttributeType::String => "string",
            AttributeType::Number => "number",
            AttributeType::Boolean => "boolean",
            AttributeType::Json => "json",
        }
    }
}

/// One reweight: from `date` on, the variants' weights are `weights` (in
/// variant order, normalised to sum to 1).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WeightEntry {
    pub date: NaiveDate,
    pub weights: Vec<f64>,
}

/// `layer: {name: NAME, range: [START, END]}`: the unit's point with salt
/// `layer/NAME` must lie in [START, END).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Layer {
    pub name: String,
    pub range: [f64; 2],
}

impl Layer {
    /// The salt of the layer's points.
    pub fn salt(&self) -> String {
        format!("layer/{}", self.name)
    }
}

/// `holdout: {name: NAME, share: S}`: a unit whose point with salt
/// `holdout/NAME` is below S is held out.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Holdout {
    pub name: String,
    pub share: f64,
}

impl Holdout {
    pub fn salt(&self) -> String {
        format!("holdout/{}", self.name)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Gate {
    pub rollout: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Variant {
    pub name: String,
    /// The weight as written; see [`Experiment::normalized_weights`].
    pub weight: f64,
    /// The variant's dynamic config, handed to applications as JSON.
    pub params: serde_json::Map<String, serde_json::Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MetricKind {
    Mean,
    Proportion,
    /// Σ numerator / Σ denominator over units (e.g. revenue per session), by the delta method.
    Ratio,
}

/// How `--events` rows are rolled up into one value per unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Aggregate {
    Sum,
    /// Events with a value.
    Count,
    Max,
    /// The mean of the unit's event values.
    Mean,
    /// 1 if any event has a value above 0, else 0.
    Any,
}

impl Aggregate {
    pub const NAMES: [&'static str; 5] = ["sum", "count", "max", "mean", "any"];

    /// The roll-up a metric gets when its file names none: `any` for a
    /// proportion (a unit converted if any of its events did), else `sum`.
    pub fn default_for(kind: MetricKind) -> Aggregate {
        match kind {
            MetricKind::Proportion => Aggregate::Any,
            MetricKind::Mean | MetricKind::Ratio => Aggregate::Sum,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Aggregate::Sum => "sum",
            Aggregate::Count => "count",
            Aggregate::Max => "max",
            Aggregate::Mean => "mean",
            Aggregate::Any => "any",
        }
    }

    /// Whether rolled-up 0/1 values stay 0/1 (what a proportion needs).
    pub fn keeps_binary(self) -> bool {
        match self {
            Aggregate::Max | Aggregate::Any => true,
            Aggregate::Sum | Aggregate::Count | Aggregate::Mean => false,
        }
    }
}

/// Winsorizing: values above the cap are set to it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Cap {
    /// The cap is this quantile of the metric over all units (pooled across variants).
    Percentile(f64),
    Value(f64),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    Increase,
    Decrease,
}

#[derive(Debug, Clone, Serialize)]
pub struct Metric {
    pub name: String,
    pub kind: MetricKind,
    pub direction: Direction,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Ratio metrics: the numerator and denominator columns.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub numerator: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub denominator: Option<String>,
    /// CUPED: the pre-period column the metric is adjusted by.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub covariate: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cap: Option<Cap>,
    /// A guardrail: the verdict refuses a treatment that worsens it beyond `margin`.
    pub guardrail: bool,
    /// Relative worsening tolerated when a guardrail (non-inferiority margin).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub margin: Option<f64>,
    pub aggregate: Aggregate,
}

impl Metric {
    /// A mean metric named `name`, with every optional field unset.
    pub fn new(name: &str, kind: MetricKind) -> Metric {
        Metric {
            name: name.to_string(),
            kind,
            direction: Direction::Increase,
            description: None,
            numerator: None,
            denominator: None,
            covariate: None,
            cap: None,
            guardrail: false,
            margin: None,
            aggregate: Aggregate::default_for(kind),
        }
    }

    /// The data column of a mean or proportion metric (its name), or a ratio's numerator.
    pub fn column(&self) -> &str {
        self.numerator.as_deref().unwrap_or(&self.name)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
#[serde(rename_all = "lowercase")]
pub enum Method {
    /// Fixed-horizon t-test (gbstats' frequentist engine)
    Frequentist,
    /// Always-valid confidence sequences, safe to peek at (gbstats' sequential engine)
    Sequential,
    /// Gaussian effect model: chance to win and risk (gbstats' Bayesian engine)
    Bayesian,
}

pub use crate::stats::multiple::Correction;

#[derive(Debug, Clone, Serialize)]
pub struct Decision {
    pub alpha: f64,
    pub min_units_per_variant: u64,
    pub guardrails: Vec<Guardrail>,
    /// How the primary metric is judged.
    pub method: Method,
    /// Across treatments on the primary metric (frequentist and sequential p-values;
    /// for bayesian, the chance-to-win threshold is Bonferroni-adjusted unless `none`).
    pub correction: Correction,
    /// Bayesian: the chance to beat control needed to promote.
    pub chance_to_win: f64,
    /// Bayesian: the largest expected relative loss of promoting that is accepted.
    pub max_risk: f64,
    /// Sequential: the number of units the confidence sequence is tuned for.
    pub sequential_tuning: f64,
    /// The smallest relative lift of the primary, in its better direction, worth promoting.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_lift: Option<f64>,
    /// The planned horizon: once every variant has this many units without a
    /// winner, the verdict is keep_control.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_units_per_variant: Option<u64>,
}

impl Default for Decision {
    fn default() -> Self {
        Decision {
            alpha: 0.05,
            min_units_per_variant: 100,
            guardrails: Vec::new(),
            method: Method::Frequentist,
            correction: Correction::Holm,
            chance_to_win: 0.95,
            max_risk: 0.0025,
            sequential_tuning: 5000.0,
            min_lift: None,
            max_units_per_variant: None,
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Guardrail {
    pub metric: String,
    /// Relative worsening tolerated (non-inferiority margin).
    pub margin: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Not started: exposes no unit.
    Draft,
    Running,
    /// Ended without a promotion: exposes no unit.
    Stopped,
    /// Ended with a winner: every eligible unit gets the promoted variant.
    Promoted,
}

impl Status {
    pub fn name(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::Running => "running",
            Status::Stopped => "stopped",
            Status::Promoted => "promoted",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Op {
    Eq,
    Ne,
    In,
    NotIn,
    Gt,
    Gte,
    Lt,
    Lte,
    Exists,
}

impl Op {
    pub const NAMES: [&'static str; 9] = ["eq", "ne", "in", "not_in", "gt", "gte", "lt", "lte", "exists"];

    pub fn parse(s: &str) -> Option<Op> {
        Some(match s {
            "eq" => Op::Eq,
            "ne" => Op::Ne,
            "in" => Op::In,
            "not_in" => Op::NotIn,
            "gt" => Op::Gt,
            "gte" => Op::Gte,
            "lt" => Op::Lt,
            "lte" => Op::Lte,
            "exists" => Op::Exists,
            _ => return None,
        })
    }

    pub fn name(self) -> &'static str {
        Op::NAMES[self as usize]
    }
}

/// A value in a targeting condition: its text, and its number when the file
/// wrote a number (then a numeric attribute is compared as a number).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CondValue {
    pub text: String,
    #[serde(skip)]
    pub number: Option<f64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Condition {
    pub attribute: String,
    pub op: Op,
    /// One value for eq/ne/gt/gte/lt/lte, the list for in/not_in, and for
    /// exists `true` (must be present) or `false` (must be absent).
    pub values: Vec<CondValue>,
}

impl Experiment {
    /// Layer, holdout and gate settings that are valid but leave the file
    /// placing nobody, or that `abx analyze --holdout` cannot read: warned
    /// by `abx validate` and `abx assign`.
    pub fn filter_warnings(&self) -> Vec<String> {
        let mut out = Vec::new();
        if let Some(l) = &self.layer {
            if l.range[0] >= l.range[1] {
                out.push(format!(
                    "layer `{}`: the range [{}, {}) is empty, so experiment `{}` exposes no unit",
                    l.name, l.range[0], l.range[1], self.name
                ));
            }
        }
        if let Some(h) = &self.holdout {
            if h.share >= 1.0 {
                out.push(format!(
                    "holdout `{}` has share 1: every unit is held out, so experiment `{}` exposes no unit",
                    h.name, self.name
                ));
            } else if h.share > 0.5 {
                out.push(format!(
                    "holdout `{}` has share {}: `abx analyze --holdout` compares the held-out units with as many measured ones, so it needs a share of at most 0.5",
                    h.name, h.share
                ));
            } else if h.share <= 0.0 {
                out.push(format!("holdout `{}` has share 0: it holds out no unit", h.name));
            }
        }
        if let Some(g) = self.gate {
            if g.rollout <= 0.0 {
                out.push(format!("gate `{}` has rollout 0: every eligible unit is `off`", self.name));
            }
        }
        out
    }

    /// Why the experiment has nothing to compare: a gate rolled out to nobody
    /// or to everyone has one side only (None: it has two).
    pub fn one_sided(&self) -> Option<String> {
        let g = self.gate?;
        (g.rollout <= 0.0 || g.rollout >= 1.0).then(|| {
            format!(
                "the gate's rollout is {}: every unit is `{}`, so there is no `on` against `off` to compare",
                g.rollout,
                if g.rollout <= 0.0 { "off" } else { "on" }
            )
        })
    }

    /// The experiment that reads holdout `h` (GrowthBook's layout): variants
    /// `held_out` (the control: units whose point with salt `holdout/NAME` is
    /// in [0, s)) and `measured` ([s, 2s), as many units, exposed to every
    /// launch), with this file's metrics and decision. The bucketing of the
    /// two groups is [`crate::assign::Bucketer::holdout_groups`].
    pub fn holdout_study(&self, h: &Holdout) -> Experiment {
        let v =
            |name: &str| Variant { name: name.into(), weight: 1.0, params: serde_json::Map::new(), description: None };
        Experiment {
            name: h.salt(),
            description: None,
            salt: h.salt(),
            allocation: 1.0,
            variants: vec![v("held_out"), v("measured")],
            status: None,
            promoted: None,
            promoted_at: None,
            start: None,
            end: None,
            targeting: Vec::new(),
            layer: None,
            holdout: None,
            gate: None,
            weight_history: Vec::new(),
            growthbook: None,
            ..self.clone()
        }
    }

    /// The lifecycle status (`running` when the file gives none).
    pub fn status(&self) -> Status {
        self.status.unwrap_or(Status::Running)
    }

    /// Weights normalised to sum to 1, in file order.
    pub fn normalized_weights(&self) -> Vec<f64> {
        let total: f64 = self.variants.iter().map(|v| v.weight).sum();
        self.variants.iter().map(|v| v.weight / total).collect()
    }

    pub fn variant_index(&self, name: &str) -> Option<usize> {
        self.variants.iter().position(|v| v.name == name)
    }

    /// The primary metric's name: `primary`, else the first metric ("" without metrics).
    pub fn primary_name(&self) -> String {
        self.primary.clone().or_else(|| self.metrics.first().map(|m| m.name.clone())).unwrap_or_default()
    }

    pub fn metric(&self, name: &str) -> Option<&Metric> {
        self.metrics.iter().find(|m| m.name == name)
    }

    /// Every guardrail with its margin: `decision.guardrails`, then metrics
    /// marked `guardrail: true` (margin 0 when none is given).
    pub fn guardrails(&self) -> Vec<Guardrail> {
        let mut out = self.decision.guardrails.clone();
        for m in self.metrics.iter().filter(|m| m.guardrail) {
            if !out.iter().any(|g| g.metric == m.name) {
                out.push(Guardrail { metric: m.name.clone(), margin: m.margin.unwrap_or(0.0) });
            }
        }
        out
    }
}
