//! GrowthBook's targeting conditions, as the JS SDK evaluates them
//! (`packages/sdk-js/src/mongrule.ts`): a MongoDB-like query on the unit's
//! attributes, with JavaScript's coercions ([`super::js`]). Every operator of
//! the SDKs' spec version 5: `$eq $ne $lt $lte $gt $gte $exists $in $nin
//! $ini $nini $all $alli $size $elemMatch $not $regex $regexi $type $veq $vne
//! $vgt $vgte $vlt $vlte $inGroup $notInGroup`, and `$and $or $nor $not` at
//! the top.
//!
//! Regular expressions run on Rust's `regex` crate: the patterns of
//! JavaScript that it lacks (look-around, back-references) do not compile,
//! and such a condition is false, as the SDK treats a pattern it cannot
//! compile.

use std::borrow::Cow;
use std::cmp::Ordering;

use serde_json::{Map, Value};

use super::js;

/// Saved groups: `savedGroups` of a payload, group id to its member ids.
pub type SavedGroups = Map<String, Value>;

/// `evalCondition(obj, condition, savedGroups)`.
pub fn eval(obj: &Value, condition: &Value, groups: &SavedGroups) -> bool {
    let Value::Object(cond) = condition else {
        // Object.entries of anything else has no entries that could fail.
        return true;
    };
    for (k, v) in cond {
        let ok = match k.as_str() {
            "$or" => eval_or(obj, v, groups),
            "$nor" => !eval_or(obj, v, groups),
            "$and" => v.as_array().is_none_or(|cs| cs.iter().all(|c| eval(obj, c, groups))),
            "$not" => !eval(obj, v, groups),
            path => eval_value(v, &get_path(obj, path), groups, false),
        };
        if !ok {
            return false;
        }
    }
    true
}

/// `$or`: true when empty (or not a list: `!conditions.length`).
fn eval_or(obj: &Value, v: &Value, groups: &SavedGroups) -> bool {
    match v.as_array() {
        Some(cs) if !cs.is_empty() => cs.iter().any(|c| eval(obj, c, groups)),
        _ => true,
    }
}

/// The value at a dot-separated path; null when any step is missing. An
/// array's steps are its indices and `length`, as `in` sees them.
pub fn get_path<'a>(obj: &'a Value, path: &str) -> Cow<'a, Value> {
    static NULL: Value = Value::Null;
    let mut current = obj;
    let mut parts = path.split('.').peekable();
    while let Some(part) = parts.next() {
        current = match current {
            Value::Object(m) => match m.get(part) {
                Some(v) => v,
                None => return Cow::Borrowed(&NULL),
            },
            // A number has no properties: `length` ends the path.
            Value::Array(a) if part == "length" => {
                return if parts.peek().is_none() { Cow::Owned(Value::from(a.len())) } else { Cow::Borrowed(&NULL) };
            }
            Value::Array(a) => match canonical_index(part).and_then(|k| a.get(k)) {
                Some(v) => v,
                None => return Cow::Borrowed(&NULL),
            },
            _ => return Cow::Borrowed(&NULL),
        };
    }
    Cow::Borrowed(current)
}

/// An array index as a property name: canonical decimal ("0", "12", not "01").
fn canonical_index(s: &str) -> Option<usize> {
    let i: usize = s.parse().ok()?;
    (i.to_string() == s).then_some(i)
}

/// Keys that all start with `$` (and at least one).
fn is_operator_object(v: &Value) -> bool {
    match v {
        Value::Object(m) => !m.is_empty() && m.keys().all(|k| k.starts_with('$')),
        _ => false,
    }
}

/// `evalConditionValue(condition, value, savedGroups, insensitive)`.
fn eval_value(condition: &Value, value: &Value, groups: &SavedGroups, insensitive: bool) -> bool {
    match condition {
        Value::String(c) if insensitive => js::to_string(value).to_lowercase() == c.to_lowercase(),
        Value::String(c) => js::to_string(value) == *c,
        Value::Number(c) => js::to_number(value) == c.as_f64().unwrap_or(f64::NAN),
        Value::Bool(c) => !value.is_null() && js::truthy(value) == *c,
        Value::Null => value.is_null(),
        Value::Object(ops) if is_operator_object(condition) => {
            ops.iter().all(|(op, expected)| eval_operator(op, value, expected, groups))
        }
        // Arrays and plain objects: JSON.stringify equality.
        _ => js::stringify(value) == js::stringify(condition),
    }
}

/// `getType`.
fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Array(_) => "array",
        Value::String(_) => "string",
        Value::Number(_) => "number",
        Value::Bool(_) => "boolean",
        Value::Object(_) => "object",
    }
}

/// `Array.prototype.includes`: SameValueZero, which on JSON values is `===`.
fn includes(list: &[Value], v: &Value) -> bool {
    list.iter().any(|e| js::strict_eq(e, v))
}

/// `isIn`: an array attribute is in the list when any element is.
fn is_in(actual: &Value, expected: &[Value], insensitive: bool) -> bool {
    if insensitive {
        let fold = |v: &Value| match v {
            Value::String(s) => Value::String(s.to_lowercase()),
            other => other.clone(),
        };
        let folded: Vec<Value> = expected.iter().map(fold).collect();
        return match actual {
            Value::Array(a) => a.iter().any(|e| includes(&folded, &fold(e))),
            other => includes(&folded, &fold(other)),
        };
    }
    match actual {
        Value::Array(a) => a.iter().any(|e| includes(expected, e)),
        other => includes(expected, other),
    }
}

/// `isInAll`: every expected value matches some element.
fn is_in_all(actual: &Value, expected: &[Value], groups: &SavedGroups, insensitive: bool) -> bool {
    let Value::Array(a) = actual else { return false };
    expected.iter().all(|e| a.iter().any(|x| eval_value(e, x, groups, insensitive)))
}

/// `elemMatch`: some truthy element matches.
fn elem_match(actual: &Value, expected: &Value, groups: &SavedGroups) -> bool {
    let Value::Array(a) = actual else { return false };
    let operator = is_operator_object(expected);
    a.iter().filter(|v| js::truthy(v)).any(|v| {
        if operator {
            eval_value(expected, v, groups, false)
        } else {
            eval(v, expected, groups)
        }
    })
}

thread_local! {
    /// Compiled patterns, per thread, as the SDK's `_regexCache` (a batch
    /// meets the same few patterns millions of times).
    static REGEXES: std::cell::RefCell<std::collections::HashMap<(String, bool), Option<regex::Regex>>> =
        std::cell::RefCell::new(std::collections::HashMap::new());
}

/// Patterns kept per thread at most (a payload has a few; the cache is
/// emptied rather than grown without bound).
const MAX_CACHED_PATTERNS: usize = 4096;

fn regex_test(pattern: &Value, actual: &Value, insensitive: bool) -> bool {
    let pattern = js::to_string(pattern);
    REGEXES.with(|cache| {
        let mut cache = cache.borrow_mut();
        if cache.len() >= MAX_CACHED_PATTERNS {
            cache.clear();
        }
        let re = cache.entry((pattern, insensitive)).or_insert_with_key(|(p, i)| {
            // The SDK catches a pattern that does not compile: the test is false.
            regex::RegexBuilder::new(p).case_insensitive(*i).build().ok()
        });
        re.as_ref().is_some_and(|re| re.is_match(&js::to_string(actual)))
    })
}

/// `paddedVersionString`: numeric parts padded to 5 so that versions
/// compare as strings; a release without a pre-release tag gets `~`, which
/// sorts after every tag.
pub fn padded_version(input: &Value) -> String {
    let text = match input {
        Value::Number(_) => js::to_string(input),
        Value::String(s) if !s.is_empty() => s.clone(),
        _ => "0".into(),
    };
    // /(^v|\+.*$)/g: a leading `v`, and build metadata from the first `+`
    // (`.` stops at a line break).
    let mut t = text.strip_prefix('v').unwrap_or(&text).to_string();
    if let Some(plus) = t.find('+') {
        if !t[plus..].contains(['\n', '\r', '\u{2028}', '\u{2029}']) {
            t.truncate(plus);
        }
    }
    let mut parts: Vec<String> = t.split(['-', '.']).map(str::to_string).collect();
    if parts.len() == 3 {
        parts.push("~".into());
    }
    parts
        .iter()
        .map(|p| {
            if !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()) && p.len() < 5 {
                format!("{}{p}", " ".repeat(5 - p.len()))
            } else {
                p.clone()
            }
        })
        .collect::<Vec<_>>()
        .join("-")
}

fn version_cmp(a: &Value, b: &Value) -> Ordering {
    js::cmp_utf16(&padded_version(a), &padded_version(b))
}

/// `evalOperatorCondition`.
fn eval_operator(op: &str, actual: &Value, expected: &Value, groups: &SavedGroups) -> bool {
    let list = expected.as_array().map(Vec::as_slice);
    match op {
        "$veq" => version_cmp(actual, expected) == Ordering::Equal,
        "$vne" => version_cmp(actual, expected) != Ordering::Equal,
        "$vgt" => version_cmp(actual, expected) == Ordering::Greater,
        "$vgte" => version_cmp(actual, expected) != Ordering::Less,
        "$vlt" => version_cmp(actual, expected) == Ordering::Less,
        "$vlte" => version_cmp(actual, expected) != Ordering::Greater,
        "$eq" => js::strict_eq(actual, expected),
        "$ne" => !js::strict_eq(actual, expected),
        "$lt" => js::compare(actual, expected) == Some(Ordering::Less),
        "$lte" => matches!(js::compare(actual, expected), Some(Ordering::Less | Ordering::Equal)),
        "$gt" => js::compare(actual, expected) == Some(Ordering::Greater),
        "$gte" => matches!(js::compare(actual, expected), Some(Ordering::Greater | Ordering::Equal)),
        "$exists" => js::truthy(expected) != actual.is_null(),
        "$in" => list.is_some_and(|l| is_in(actual, l, false)),
        "$ini" => list.is_some_and(|l| is_in(actual, l, true)),
        "$nin" => list.is_some_and(|l| !is_in(actual, l, false)),
        "$nini" => list.is_some_and(|l| !is_in(actual, l, true)),
        "$inGroup" | "$notInGroup" => {
            let members = groups.get(&js::to_string(expected)).and_then(Value::as_array).map_or(&[][..], Vec::as_slice);
            is_in(actual, members, false) == (op == "$inGroup")
        }
        "$not" => !eval_value(expected, actual, groups, false),
        "$size" => match actual {
            Value::Array(a) => eval_value(expected, &Value::from(a.len()), groups, false),
            _ => false,
        },
        "$elemMatch" => elem_match(actual, expected, groups),
        "$all" => list.is_some_and(|l| is_in_all(actual, l, groups, false)),
        "$alli" => list.is_some_and(|l| is_in_all(actual, l, groups, true)),
        "$regex" => regex_test(expected, actual, false),
        "$regexi" => regex_test(expected, actual, true),
        "$type" => matches!(expected, Value::String(t) if t == type_name(actual)),
        // An unknown operator fails (the SDK logs it).
        _ => false,
    }
}
