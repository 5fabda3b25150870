//! Numbers as people read them, in one place and with distinct names. A
//! bottom module: the domain (`analysis/`, `drift/`) and the renderers
//! (`report/`) both use it, and it imports nothing of abx.

use serde_json::Value;

/// A float to 6 significant digits, without trailing zeros: 0.123457, 1234.5, 1.00000e-9.
pub fn sig(x: f64) -> String {
    if x == 0.0 || !x.is_finite() {
        return x.to_string();
    }
    let mag = x.abs().log10().floor() as i32;
    if !(-4..6).contains(&mag) {
        return format!("{x:.5e}");
    }
    let decimals = (5 - mag).max(0) as usize;
    let s = format!("{x:.decimals$}");
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

/// A float to `digits` significant digits without trailing zeros (a chart's
/// label): 0.0123, 12.3, 1.23e6.
pub fn sig_digits(x: f64, digits: i32) -> String {
    if x == 0.0 || !x.is_finite() {
        return x.to_string();
    }
    let mag = x.abs().log10().floor() as i32;
    if !(-4..digits + 3).contains(&mag) {
        let s = format!("{x:.*e}", (digits - 1).max(0) as usize);
        return match s.split_once('e') {
            Some((m, e)) if m.contains('.') => format!("{}e{e}", m.trim_end_matches('0').trim_end_matches('.')),
            _ => s,
        };
    }
    let decimals = (digits - 1 - mag).max(0) as usize;
    let s = format!("{x:.decimals$}");
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

/// [`sig`], with infinities as ∞ and -∞ (an open end of an interval).
pub fn sig_or_infinity(x: f64) -> String {
    if x.is_infinite() {
        return if x > 0.0 { "∞".into() } else { "-∞".into() };
    }
    sig(x)
}

/// A fraction as a percentage to 6 significant digits (0.0123 is 1.23%); `-` when not finite.
pub fn sig_percent(x: f64) -> String {
    if x.is_finite() {
        format!("{}%", sig(x * 100.0))
    } else {
        "-".into()
    }
}

/// A relative change as a signed percentage: +12.4%, three decimals below 0.1%; `n/a` when not finite.
pub fn signed_percent(x: f64) -> String {
    if !x.is_finite() {
        return "n/a".into();
    }
    let digits = if x.abs() >= 0.001 || x == 0.0 { 1 } else { 3 };
    format!("{:+.*}%", digits, x * 100.0)
}

/// A share as a percentage: one decimal, two below 0.1%; `-` when undefined.
pub fn share_percent(x: f64) -> String {
    if x.is_nan() {
        return "-".into();
    }
    let p = 100.0 * x;
    if p != 0.0 && p.abs() < 0.1 {
        format!("{p:.2}%")
    } else {
        format!("{p:.1}%")
    }
}

/// A p-value compactly: 0.0123, 3e-6, `< 1e-300` below the smallest double.
pub fn p_value(p: f64) -> String {
    if !p.is_finite() {
        "n/a".into()
    } else if p == 0.0 {
        "< 1e-300".into()
    } else if p >= 0.001 {
        let s = format!("{p:.3}");
        if p >= 0.01 {
            s
        } else {
            format!("{p:.4}")
        }
    } else {
        let e = format!("{p:.0e}");
        e.replace("e-0", "e-")
    }
}

/// A row count compactly: 12345, 1.2M.
pub fn count(rows: u64) -> String {
    if rows >= 1_000_000 {
        format!("{:.1}M", rows as f64 / 1e6)
    } else {
        rows.to_string()
    }
}

/// A float as JSON: a number, or null when not finite (the contract has no NaN).
pub fn json_number(x: f64) -> Value {
    serde_json::Number::from_f64(x).map_or(Value::Null, Value::Number)
}

/// `1 experiment`, `2 experiments`: a count and its noun.
pub fn plural(n: u64, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn significant_digits() {
        assert_eq!(sig(0.123456789), "0.123457");
        assert_eq!(sig(1234.5), "1234.5");
        assert_eq!(sig(0.25), "0.25");
        assert_eq!(sig(1e-9), "1.00000e-9");
        assert_eq!(sig_or_infinity(f64::NEG_INFINITY), "-∞");
    }

    #[test]
    fn percentages_and_p_values() {
        assert_eq!(signed_percent(0.124), "+12.4%");
        assert_eq!(signed_percent(-0.0002), "-0.020%");
        assert_eq!(share_percent(0.0005), "0.05%");
        assert_eq!(share_percent(0.25), "25.0%");
        assert_eq!(sig_percent(0.0123), "1.23%");
        assert_eq!(p_value(0.0123), "0.012");
        assert_eq!(p_value(0.00123), "0.0012");
        assert_eq!(p_value(3e-6), "3e-6");
        assert_eq!(p_value(0.0), "< 1e-300");
        assert_eq!(count(1_234_567), "1.2M");
        assert_eq!(json_number(f64::NAN), Value::Null);
    }
}
