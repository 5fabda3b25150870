//! The JavaScript semantics GrowthBook's JS SDK relies on when it evaluates
//! conditions on JSON values (ECMA-262): ToString, ToNumber, truthiness,
//! strict equality, the relational comparison, and `JSON.stringify`. The
//! SDKs' cross-SDK cases follow the JS SDK, so abx follows JavaScript.

use std::cmp::Ordering;

use serde_json::Value;

/// ECMA-262 Number::toString(10): the shortest digits that round-trip,
/// written as JavaScript writes them ("1", "0.1", "1e+21", "1.5e-7").
pub fn number_to_string(x: f64) -> String {
    if x.is_nan() {
        return "NaN".into();
    }
    if x == 0.0 {
        return "0".into();
    }
    if x.is_infinite() {
        return if x > 0.0 { "Infinity".into() } else { "-Infinity".into() };
    }
    if x < 0.0 {
        return format!("-{}", number_to_string(-x));
    }
    // Rust's `{:e}` gives the shortest round-trip digits: d.ddd e±X.
    let e = format!("{x:e}");
    let (mantissa, exp) = e.split_once('e').unwrap_or((&e, "0"));
    let digits: String = mantissa.chars().filter(|c| c.is_ascii_digit()).collect();
    let k = digits.len() as i64;
    // x = 0.d1..dk × 10^n
    let n = exp.parse::<i64>().unwrap_or(0) + 1;
    if k <= n && n <= 21 {
        format!("{digits}{}", "0".repeat((n - k) as usize))
    } else if 0 < n && n <= 21 {
        format!("{}.{}", &digits[..n as usize], &digits[n as usize..])
    } else if -6 < n && n <= 0 {
        format!("0.{}{digits}", "0".repeat((-n) as usize))
    } else {
        let sign = if n - 1 < 0 { '-' } else { '+' };
        let e = (n - 1).abs();
        if k == 1 {
            format!("{digits}e{sign}{e}")
        } else {
            format!("{}.{}e{sign}{e}", &digits[..1], &digits[1..])
        }
    }
}

fn num(v: &serde_json::Number) -> f64 {
    v.as_f64().unwrap_or(f64::NAN)
}

/// ECMA-262 ToString of a JSON value (`value + ""`, `String(value)`).
pub fn to_string(v: &Value) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => number_to_string(num(n)),
        Value::String(s) => s.clone(),
        // Array.prototype.join: null elements are empty.
        Value::Array(a) => {
            a.iter().map(|e| if e.is_null() { String::new() } else { to_string(e) }).collect::<Vec<_>>().join(",")
        }
        Value::Object(_) => "[object Object]".into(),
    }
}

/// JavaScript's white space and line terminators (what `String.prototype.trim` removes).
fn js_space(c: char) -> bool {
    matches!(
        c,
        '\u{9}' | '\u{a}' | '\u{b}' | '\u{c}' | '\u{d}' | ' ' | '\u{a0}' | '\u{1680}' | '\u{2000}'
            ..='\u{200a}' | '\u{2028}' | '\u{2029}' | '\u{202f}' | '\u{205f}' | '\u{3000}' | '\u{feff}'
    )
}

/// ECMA-262 StringToNumber: trimmed; empty is 0; `Infinity` with a sign;
/// 0x, 0o, 0b integers; a decimal literal; anything else NaN.
pub fn string_to_number(s: &str) -> f64 {
    let t = s.trim_matches(js_space);
    if t.is_empty() {
        return 0.0;
    }
    // 0x, 0o and 0b integers (no sign, no fraction).
    if let Some(pre) = t.get(..2) {
        for (p, r) in [("0x", 16), ("0o", 8), ("0b", 2)] {
            if pre.eq_ignore_ascii_case(p) {
                let body = &t[2..];
                let mut v = 0.0f64;
                for c in body.chars() {
                    match c.to_digit(r) {
                        Some(d) => v = v * f64::from(r) + f64::from(d),
                        None => return f64::NAN,
                    }
                }
                return if body.is_empty() { f64::NAN } else { v };
            }
        }
    }
    let unsigned = t.strip_prefix(['+', '-']).unwrap_or(t);
    if unsigned == "Infinity" {
        return if t.starts_with('-') { f64::NEG_INFINITY } else { f64::INFINITY };
    }
    // StrDecimalLiteral: digits [. digits] | . digits, then an optional exponent.
    let b = unsigned.as_bytes();
    let mut i = 0;
    let int = b.iter().take_while(|c| c.is_ascii_digit()).count();
    i += int;
    let mut frac = 0;
    if b.get(i) == Some(&b'.') {
        i += 1;
        frac = b[i..].iter().take_while(|c| c.is_ascii_digit()).count();
        i += frac;
    }
    if int + frac == 0 {
        return f64::NAN;
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        let mut j = i + 1;
        if matches!(b.get(j), Some(b'+' | b'-')) {
            j += 1;
        }
        let exp = b[j..].iter().take_while(|c| c.is_ascii_digit()).count();
        if exp == 0 {
            return f64::NAN;
        }
        i = j + exp;
    }
    if i != b.len() {
        return f64::NAN;
    }
    t.parse::<f64>().unwrap_or(f64::NAN)
}

/// ECMA-262 ToNumber of a JSON value (`value * 1`): arrays through their
/// string, objects NaN.
pub fn to_number(v: &Value) -> f64 {
    match v {
        Value::Null => 0.0,
        Value::Bool(b) => f64::from(u8::from(*b)),
        Value::Number(n) => num(n),
        Value::String(s) => string_to_number(s),
        Value::Array(_) => string_to_number(&to_string(v)),
        Value::Object(_) => f64::NAN,
    }
}

/// ECMA-262 ToBoolean (`!!value`).
pub fn truthy(v: &Value) -> bool {
    match v {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => {
            let x = num(n);
            x != 0.0 && !x.is_nan()
        }
        Value::String(s) => !s.is_empty(),
        Value::Array(_) | Value::Object(_) => true,
    }
}

/// `a === b` on values parsed from JSON: arrays and objects are never the
/// same object, so never equal.
pub fn strict_eq(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Null, Value::Null) => true,
        (Value::Bool(x), Value::Bool(y)) => x == y,
        (Value::Number(x), Value::Number(y)) => num(x) == num(y),
        (Value::String(x), Value::String(y)) => x == y,
        _ => false,
    }
}

/// Strings compare by UTF-16 code units in JavaScript.
pub fn cmp_utf16(a: &str, b: &str) -> Ordering {
    a.encode_utf16().cmp(b.encode_utf16())
}

/// The abstract relational comparison of `a` with `b` (ECMA-262
/// IsLessThan): strings by code units when both are strings (arrays and
/// objects become strings first), else numbers; None when a NaN is involved.
pub fn compare(a: &Value, b: &Value) -> Option<Ordering> {
    let primitive = |v: &Value| match v {
        Value::Array(_) | Value::Object(_) => Value::String(to_string(v)),
        other => other.clone(),
    };
    let (pa, pb) = (primitive(a), primitive(b));
    if let (Value::String(x), Value::String(y)) = (&pa, &pb) {
        return Some(cmp_utf16(x, y));
    }
    let (x, y) = (to_number(&pa), to_number(&pb));
    x.partial_cmp(&y)
}

/// `JSON.stringify(value)`: keys in their order, numbers as JavaScript writes them.
pub fn stringify(v: &Value) -> String {
    let mut out = String::new();
    write_json(v, &mut out);
    out
}

fn write_json(v: &Value, out: &mut String) {
    match v {
        Value::Number(n) => {
            let x = num(n);
            out.push_str(&if x.is_finite() { number_to_string(x) } else { "null".into() });
        }
        Value::Array(a) => {
            out.push('[');
            for (i, e) in a.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_json(e, out);
            }
            out.push(']');
        }
        Value::Object(m) => {
            out.push('{');
            for (i, (k, e)) in m.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&serde_json::to_string(k).unwrap_or_default());
                out.push(':');
                write_json(e, out);
            }
            out.push('}');
        }
        // null, booleans and strings are written as JSON writes them.
        other => out.push_str(&serde_json::to_string(other).unwrap_or_default()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn numbers_print_as_javascript_prints_them() {
        // Values from node: String(x).
        for (x, s) in [
            (1.0, "1"),
            (0.1, "0.1"),
            (-2.5, "-2.5"),
            (1e21, "1e+21"),
            (1e20, "100000000000000000000"),
            (123456789012345680000.0, "123456789012345680000"),
            (1.5e-7, "1.5e-7"),
            (0.000001, "0.000001"),
            (1e-7, "1e-7"),
            (2f64.powi(53), "9007199254740992"),
            (1.7976931348623157e308, "1.7976931348623157e+308"),
            (5e-324, "5e-324"),
        ] {
            assert_eq!(number_to_string(x), s, "{x:e}");
        }
    }

    #[test]
    fn strings_become_numbers_as_in_javascript() {
        for (s, x) in [("", 0.0), ("  12 ", 12.0), ("0x1A", 26.0), ("1e3", 1000.0), (".5", 0.5), ("5.", 5.0)] {
            assert_eq!(string_to_number(s), x, "{s:?}");
        }
        for s in ["abc", "1_000", "inf", "NaN", "0x", "1e", "+0x10", "1 2"] {
            assert!(string_to_number(s).is_nan(), "{s:?}");
        }
        assert_eq!(string_to_number("-Infinity"), f64::NEG_INFINITY);
        assert_eq!(to_number(&json!([5])), 5.0);
        assert!(to_number(&json!([1, 2])).is_nan());
        assert_eq!(to_number(&json!([])), 0.0);
    }

    #[test]
    fn comparisons_follow_the_abstract_relational_comparison() {
        assert_eq!(compare(&json!("10"), &json!("9")), Some(Ordering::Less));
        assert_eq!(compare(&json!("10"), &json!(9)), Some(Ordering::Greater));
        assert_eq!(compare(&Value::Null, &json!(1)), Some(Ordering::Less));
        assert_eq!(compare(&json!("a"), &json!(1)), None);
        assert_eq!(stringify(&json!({"b": [1.0, "x"], "a": null})), r#"{"b":[1,"x"],"a":null}"#);
    }
}
