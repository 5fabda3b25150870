//! `abx assign --explain`: the whole computation behind one unit's variant,
//! from the same functions the assignment itself uses.

use serde::Serialize;

use super::targeting::{self, Targeting};
use super::{bucket_of, hash_prefix, not_live, sha256_unit, Bucketer, HashKind};
use crate::experiment::Experiment;

/// Why a unit got its variant in an experiment.
#[derive(Debug, Clone, Serialize)]
pub struct Explanation {
    pub experiment: String,
    pub unit: String,
    pub salt: String,
    /// What places units: `sha256` (the contract's), or `growthbook-v1` /
    /// `growthbook-v2` (GrowthBook's FNV-1a hashes, `hashing: growthbook`).
    pub hash: String,
    /// What is hashed: `{unit}:{salt}` (GrowthBook: `{seed}{unit}` in
    /// version 2, `{unit}{seed}` in version 1).
    pub hash_input: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sha256: Option<String>,
    /// The first 8 bytes of the digest, in hex.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prefix_hex: Option<String>,
    /// The same bytes as a big-endian integer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prefix: Option<u64>,
    /// The unit's point: prefix / 2^64 (GrowthBook: its hash, in [0, 1]).
    pub x: f64,
    pub bucket: u32,
    pub allocation: f64,
    pub eligible: bool,
    /// The targeting condition that fails, if one does.
    pub failed_condition: Option<String>,
    pub status: &'static str,
    pub promoted: Option<String>,
    /// The layer and holdout the unit must pass first, with its point on each.
    pub filters: Vec<FilterCheck>,
    /// The variants' ranges; for a bandit whose weights changed, the pieces
    /// of its layout (`layout`), in order of x.
    pub ranges: Vec<VariantRange>,
    /// `ranges` (the contract's) or `weight_history` (a bandit's layout after its reweights).
    pub layout: &'static str,
    pub variant: Option<String>,
    pub reason: String,
    /// The targeting in words (people's view only).
    #[serde(skip)]
    pub targeting: String,
    /// The index of the range that holds x, if one does (people's view only).
    #[serde(skip)]
    pub holding_range: Option<usize>,
}

/// The unit on one layer or holdout.
#[derive(Debug, Clone, Serialize)]
pub struct FilterCheck {
    /// `layer NAME` or `holdout NAME`.
    pub filter: String,
    pub salt: String,
    /// The unit's point with the filter's salt.
    pub x: f64,
    /// The layer's range the unit must be in, or the held-out share it must be outside.
    pub start: f64,
    pub end: f64,
    /// `inside` (a layer: the unit must be in [start, end)) or `outside`
    /// (a holdout: the held-out share [start, end) must not hold it).
    pub rule: &'static str,
    pub passes: bool,
}

/// A variant's slice of [0, 1).
#[derive(Debug, Clone, Serialize)]
pub struct VariantRange {
    pub variant: String,
    pub weight: f64,
    /// The normalised weight.
    pub share: f64,
    pub start: f64,
    pub end: f64,
}

/// Several explanations: one object in JSON when there is one, else a list.
#[derive(Debug, Clone)]
pub struct Explanations(pub Vec<Explanation>);

impl Serialize for Explanations {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match &self.0[..] {
            [one] => one.serialize(s),
            many => many.serialize(s),
        }
    }
}

/// Explains `unit` (with its `attributes`, when the input had them) in `exp`, bucketed by `b`.
pub fn explain(exp: &Experiment, b: &Bucketer, unit: &str, attributes: Option<&[(String, String)]>) -> Explanation {
    let bytes = unit.as_bytes();
    let (hash, hash_input, hex, prefix) = match b.hash() {
        HashKind::Sha256 => {
            let hex: String = sha256_unit(bytes, exp.salt.as_bytes()).iter().map(|x| format!("{x:02x}")).collect();
            (
                "sha256".to_string(),
                format!("{unit}:{}", exp.salt),
                Some(hex),
                Some(hash_prefix(bytes, exp.salt.as_bytes())),
            )
        }
        HashKind::Growthbook(v) => {
            let input = if v == 2 { format!("{}{unit}", exp.salt) } else { format!("{unit}{}", exp.salt) };
            (format!("growthbook-v{v}"), input, None, None)
        }
    };
    let x = b.point(bytes);
    let weights = exp.normalized_weights();
    let get = |name: &str| attributes.and_then(|a| a.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str()));
    let gb_targeting = Targeting::of(exp);
    let (eligible, targeting_text, failed) = if let Targeting::Growthbook { condition, .. } = &gb_targeting {
        let values: Vec<Option<&str>> = gb_targeting.attributes().into_iter().map(get).collect();
        let text = serde_json::to_string(condition).unwrap_or_default();
        match gb_targeting.eligible(unit, &values) {
            Ok(true) => (true, format!("eligible: GrowthBook's condition {text} holds"), None),
            Ok(false) => (false, format!("ineligible: GrowthBook's condition {text} does not hold"), Some(text)),
            Err(why) => (false, format!("ineligible: {why}"), Some(text)),
        }
    } else if exp.targeting.is_empty() {
        (true, "no targeting".to_string(), None)
    } else {
        match exp.targeting.iter().find(|c| !targeting::holds(c, get(&c.attribute))) {
            None => (true, format!("eligible: all {} conditions hold", exp.targeting.len()), None),
            Some(c) => {
                let seen =
                    get(&c.attribute).filter(|v| !v.is_empty()).map_or("missing".to_string(), |v| format!("`{v}`"));
                let why = format!("ineligible: `{}` does not hold ({} is {seen})", targeting::describe(c), c.attribute);
                (false, why, Some(targeting::describe(c)))
            }
        }
    };
    let by_range = b.variant_at(x);
    // The index in `ranges` of the range (or bandit piece) that holds x.
    let holding = match b.pieces() {
        Some(p) => p.iter().position(|p| p.start <= x && x < p.end),
        None => by_range,
    };
    let variant = if eligible { b.assign(bytes).0 } else { None };
    let filters: Vec<FilterCheck> = b
        .filters()
        .iter()
        .map(|f| {
            let (fx, passes) = f.check(bytes);
            FilterCheck {
                filter: f.label.clone(),
                salt: String::from_utf8_lossy(&f.salt).into_owned(),
                x: fx,
                start: f.range.start,
                end: f.range.end,
                rule: if f.inside { "inside" } else { "outside" },
                passes,
            }
        })
        .collect();
    let stopped_by = filters.iter().find(|f| !f.passes);
    let filtered_out = stopped_by.is_some();
    let reason = if let Some(why) = not_live(exp) {
        format!("the experiment {why}, so the unit gets no variant")
    } else if let Some(f) = stopped_by {
        let place = if f.rule == "inside" {
            format!("outside the experiment's range [{}, {}) of {}", f.start, f.end, f.filter)
        } else {
            format!("below the held-out share {} of {}", f.end, f.filter)
        };
        format!("its point {} (salt `{}`) is {place}, so the unit gets no variant", f.x, f.salt)
    } else if !eligible {
        format!("{targeting_text}, so the unit gets no variant")
    } else if let Some(p) = b.promoted() {
        format!("the experiment is promoted: every eligible unit gets `{}`", exp.variants[p].name)
    } else if let (Some(i), Some(p)) = (holding, b.pieces()) {
        let (p, n) = (p[i], exp.weight_history.len() - 1);
        format!(
            "x = {x} lies in [{}, {}), a piece of `{}` in the bandit's layout after {n} reweight{} (weight_history)",
            p.start,
            p.end,
            exp.variants[p.arm].name,
            if n == 1 { "" } else { "s" }
        )
    } else if let Some(i) = by_range {
        let r = b.ranges()[i];
        format!("x = {x} lies in [{}, {}), the range of `{}`", r.start, r.end, exp.variants[i].name)
    } else {
        format!(
            "x = {x} lies in no variant's range: with allocation {} only that share of each variant's slice is exposed, so the unit is not exposed",
            exp.allocation
        )
    };
    let holding_range = holding.filter(|_| !filtered_out);
    let ranges = match b.pieces() {
        Some(pieces) => pieces
            .iter()
            .map(|p| VariantRange {
                variant: exp.variants[p.arm].name.clone(),
                weight: exp.variants[p.arm].weight,
                share: weights[p.arm],
                start: p.start,
                end: p.end,
            })
            .collect(),
        None => exp
            .variants
            .iter()
            .zip(b.ranges())
            .zip(&weights)
            .map(|((v, r), share)| VariantRange {
                variant: v.name.clone(),
                weight: v.weight,
                share: *share,
                start: r.start,
                end: r.end,
            })
            .collect(),
    };
    Explanation {
        experiment: exp.name.clone(),
        unit: unit.to_string(),
        salt: exp.salt.clone(),
        hash,
        hash_input,
        prefix_hex: hex.as_ref().map(|h| h[..16].to_string()),
        sha256: hex,
        prefix,
        x,
        bucket: bucket_of(x),
        allocation: exp.allocation,
        eligible,
        failed_condition: failed,
        status: exp.status().name(),
        promoted: exp.promoted.clone(),
        filters,
        ranges,
        layout: if b.pieces().is_some() { "weight_history" } else { "ranges" },
        variant: variant.map(|i| exp.variants[i].name.clone()),
        reason,
        targeting: targeting_text,
        // A unit its layer or holdout keeps out is in no range.
        holding_range,
    }
}
