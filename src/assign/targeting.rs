//! Targeting: a unit is eligible only if every condition holds on its attributes.
//!
//! As GrowthBook's conditions do, a missing attribute fails eq, in and the
//! comparisons, and satisfies ne and not_in. A value the file wrote as a number
//! is compared numerically with an attribute that parses as a number; anything
//! else compares as text (so ISO dates order correctly).

use std::cmp::Ordering;

use crate::experiment::{AttributeType, CondValue, Condition, Experiment, Op};

/// Who is eligible: abx's conditions, or a GrowthBook condition on typed
/// attributes (`hashing: growthbook`). Both read one text value (a data
/// cell, `None` when missing or empty) per attribute of [`Targeting::attributes`].
#[derive(Debug, Clone)]
pub enum Targeting {
    Abx(Vec<Condition>),
    Growthbook { condition: serde_json::Value, attributes: Vec<(String, AttributeType)>, hash_attribute: String },
}

impl Targeting {
    pub fn of(exp: &Experiment) -> Targeting {
        match exp.growthbook.as_ref() {
            Some(g) => match &g.condition {
                Some(c) => Targeting::Growthbook {
                    condition: c.clone(),
                    attributes: g.attributes.clone(),
                    hash_attribute: g.hash_attribute.clone(),
                },
                None => Targeting::Abx(Vec::new()),
            },
            None => Targeting::Abx(exp.targeting.clone()),
        }
    }

    /// True when every unit is eligible.
    pub fn is_empty(&self) -> bool {
        matches!(self, Targeting::Abx(c) if c.is_empty())
    }

    /// The attributes read, in the order `eligible` takes their values (for
    /// abx's conditions one per condition; for GrowthBook's the declared
    /// attributes, the unit standing for its hash attribute).
    pub fn attributes(&self) -> Vec<&str> {
        match self {
            Targeting::Abx(cs) => cs.iter().map(|c| c.attribute.as_str()).collect(),
            Targeting::Growthbook { attributes, hash_attribute, .. } => {
                attributes.iter().map(|(a, _)| a.as_str()).filter(|a| a != hash_attribute).collect()
            }
        }
    }

    /// Whether the unit is eligible, given its attributes' values in the
    /// order of [`Targeting::attributes`]; Err names a value that is not of
    /// its declared type (GrowthBook's).
    pub fn eligible(&self, unit: &str, values: &[Option<&str>]) -> Result<bool, String> {
        match self {
            Targeting::Abx(cs) => Ok(cs.iter().enumerate().all(|(i, c)| holds(c, values.get(i).copied().flatten()))),
            Targeting::Growthbook { condition, .. } => {
                let obj = self.growthbook_attributes(unit, values)?;
                Ok(crate::growthbook::condition::eval(&obj, condition, &Default::default()))
            }
        }
    }

    /// The unit's GrowthBook attributes as JSON: each value read as its
    /// declared type, a missing one absent, the unit under the hash attribute.
    pub fn growthbook_attributes(&self, unit: &str, values: &[Option<&str>]) -> Result<serde_json::Value, String> {
        let mut m = serde_json::Map::new();
        if let Targeting::Growthbook { attributes, hash_attribute, .. } = self {
            let declared = attributes.iter().filter(|(a, _)| a != hash_attribute);
            for ((name, t), v) in declared.zip(values) {
                let Some(text) = v.filter(|v| !v.is_empty()) else { continue };
                m.insert(name.clone(), typed(name, *t, text)?);
            }
            m.insert(hash_attribute.clone(), serde_json::Value::String(unit.to_string()));
        }
        Ok(serde_json::Value::Object(m))
    }
}

/// A cell's text as an attribute of type `t`.
fn typed(name: &str, t: AttributeType, text: &str) -> Result<serde_json::Value, String> {
    use serde_json::Value;
    let wrong =
        |what: &str| format!("attribute `{name}` is declared {what} (hashing.attributes), but a unit has `{text}`");
    match t {
        AttributeType::String => Ok(Value::String(text.to_string())),
        AttributeType::Number => text
            .trim()
            .parse::<f64>()
            .ok()
            .and_then(serde_json::Number::from_f64)
            .map(Value::Number)
            .ok_or_else(|| wrong("a number")),
        AttributeType::Boolean => match text.trim() {
            "true" => Ok(Value::Bool(true)),
            "false" => Ok(Value::Bool(false)),
            _ => Err(wrong("a boolean (true or false)")),
        },
        AttributeType::Json => serde_json::from_str(text).map_err(|_| wrong("JSON")),
    }
}

fn compare(attr: &str, v: &CondValue) -> Option<Ordering> {
    match v.number {
        Some(n) => attr.trim().parse::<f64>().ok().and_then(|a| a.partial_cmp(&n)),
        None => Some(attr.cmp(v.text.as_str())),
    }
}

fn equals(attr: &str, v: &CondValue) -> bool {
    compare(attr, v) == Some(Ordering::Equal)
}

/// Whether `cond` holds for the attribute's value (`None`: missing or empty).
pub fn holds(cond: &Condition, attr: Option<&str>) -> bool {
    let attr = attr.filter(|a| !a.is_empty());
    match cond.op {
        Op::Exists => attr.is_some() == (cond.values.first().is_none_or(|v| v.text == "true")),
        Op::Ne => !attr.is_some_and(|a| cond.values.iter().any(|v| equals(a, v))),
        Op::NotIn => !attr.is_some_and(|a| cond.values.iter().any(|v| equals(a, v))),
        Op::Eq | Op::In => attr.is_some_and(|a| cond.values.iter().any(|v| equals(a, v))),
        Op::Gt | Op::Gte | Op::Lt | Op::Lte => {
            let order = attr.zip(cond.values.first()).and_then(|(a, v)| compare(a, v));
            order.is_some_and(|o| match cond.op {
                Op::Gt => o == Ordering::Greater,
                Op::Gte => o != Ordering::Less,
                Op::Lt => o == Ordering::Less,
                _ => o != Ordering::Greater,
            })
        }
    }
}

/// A condition as people write it: `user_level in [pro, expert]`.
pub fn describe(cond: &Condition) -> String {
    let values: Vec<&str> = cond.values.iter().map(|v| v.text.as_str()).collect();
    match cond.op {
        Op::In | Op::NotIn => format!("{} {} [{}]", cond.attribute, cond.op.name(), values.join(", ")),
        Op::Exists if values.first() == Some(&"false") => {
            format!("{} does not exist", cond.attribute)
        }
        Op::Exists => format!("{} exists", cond.attribute),
        _ => format!("{} {} {}", cond.attribute, cond.op.name(), values.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cond(op: Op, values: &[(&str, Option<f64>)]) -> Condition {
        Condition {
            attribute: "a".into(),
            op,
            values: values.iter().map(|(t, n)| CondValue { text: t.to_string(), number: *n }).collect(),
        }
    }

    #[test]
    fn operators() {
        let eq = cond(Op::Eq, &[("pro", None)]);
        assert!(holds(&eq, Some("pro")));
        assert!(!holds(&eq, Some("Pro")));
        assert!(!holds(&eq, None));
        let ne = cond(Op::Ne, &[("pro", None)]);
        assert!(holds(&ne, None) && holds(&ne, Some("beginner")) && !holds(&ne, Some("pro")));
        let num = cond(Op::Eq, &[("3", Some(3.0))]);
        assert!(holds(&num, Some("3.0")) && holds(&num, Some(" 3")) && !holds(&num, Some("three")));
        let gt = cond(Op::Gt, &[("10", Some(10.0))]);
        assert!(
            holds(&gt, Some("10.5")) && !holds(&gt, Some("10")) && !holds(&gt, Some("9")) && !holds(&gt, Some("x"))
        );
        let gte = cond(Op::Gte, &[("10", Some(10.0))]);
        assert!(holds(&gte, Some("10")) && !holds(&gte, None));
        let lt = cond(Op::Lt, &[("2026-01-01", None)]);
        assert!(holds(&lt, Some("2025-12-31")) && !holds(&lt, Some("2026-01-01")));
        let lte = cond(Op::Lte, &[("5", Some(5.0))]);
        assert!(holds(&lte, Some("5")) && holds(&lte, Some("-1")) && !holds(&lte, Some("6")));
        let inn = cond(Op::In, &[("pro", None), ("expert", None)]);
        assert!(holds(&inn, Some("expert")) && !holds(&inn, Some("beginner")) && !holds(&inn, None));
        let nin = cond(Op::NotIn, &[("pro", None)]);
        assert!(holds(&nin, None) && !holds(&nin, Some("pro")));
        let exists = cond(Op::Exists, &[("true", None)]);
        assert!(holds(&exists, Some("x")) && !holds(&exists, Some("")) && !holds(&exists, None));
        let absent = cond(Op::Exists, &[("false", None)]);
        assert!(holds(&absent, None) && !holds(&absent, Some("x")));
    }
}
