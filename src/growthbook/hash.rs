//! GrowthBook's bucketing (the JS SDK's `util.ts`): FNV-1a 32 over UTF-16
//! code units, hash versions 1 and 2, bucket ranges, namespaces.

/// FNV-1a, 32 bits, over the UTF-16 code units of `s` (JavaScript's
/// `charCodeAt`): the JS SDK's `hashFnv32a`, whose shifts and adds are a
/// multiplication by the FNV prime 16777619 modulo 2^32.
pub fn fnv32a(s: &str) -> u32 {
    fnv32a_on(0x811c_9dc5, s)
}

/// FNV-1a continued from state `h` over `s`: `fnv32a(a + b)` is
/// `fnv32a_on(fnv32a(a), b)`, with no concatenation.
fn fnv32a_on(mut h: u32, s: &str) -> u32 {
    if s.is_ascii() {
        // An ASCII byte is one UTF-16 code unit of the same value.
        for &b in s.as_bytes() {
            h ^= u32::from(b);
            h = h.wrapping_mul(16_777_619);
        }
    } else {
        for unit in s.encode_utf16() {
            h ^= u32::from(unit);
            h = h.wrapping_mul(16_777_619);
        }
    }
    h
}

/// The decimal text of `n`, on the stack.
fn decimal(mut n: u32, buf: &mut [u8; 10]) -> &str {
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    std::str::from_utf8(&buf[i..]).unwrap_or("0")
}

/// `hash(seed, value, version)`: version 2 is (fnv(fnv(seed + value) as
/// decimal text) mod 10000) / 10000, version 1 (fnv(value + seed) mod 1000)
/// / 1000; any other version has no hash (None).
pub fn hash(seed: &str, value: &str, version: u32) -> Option<f64> {
    match version {
        2 => {
            let first = fnv32a_on(fnv32a(seed), value);
            let mut buf = [0u8; 10];
            Some(f64::from(fnv32a(decimal(first, &mut buf)) % 10_000) / 10_000.0)
        }
        1 => Some(f64::from(fnv32a_on(fnv32a(value), seed) % 1_000) / 1_000.0),
        _ => None,
    }
}

/// `getEqualWeights(n)`.
pub fn equal_weights(n: i64) -> Vec<f64> {
    if n <= 0 {
        return Vec::new();
    }
    vec![1.0 / n as f64; n as usize]
}

/// The weights `getBucketRanges` splits by: these, or equal weights if
/// they are not `n` numbers summing to within [0.99, 1.01].
pub fn effective_weights(n: i64, weights: Option<&[f64]>) -> Vec<f64> {
    let equal = equal_weights(n);
    match weights {
        Some(w) if w.len() == equal.len() && (0.99..=1.01).contains(&w.iter().sum::<f64>()) => w.to_vec(),
        _ => equal,
    }
}

/// `getBucketRanges(numVariations, coverage, weights)`: coverage clamped
/// to [0, 1]; weights of the wrong length, or summing outside [0.99, 1.01],
/// become equal weights; variation i covers [c_i, c_i + coverage · w_i)
/// with c_i the sum of the weights before it.
pub fn bucket_ranges(n: i64, coverage: Option<f64>, weights: Option<&[f64]>) -> Vec<[f64; 2]> {
    let coverage = coverage.unwrap_or(1.0).clamp(0.0, 1.0);
    let mut cumulative = 0.0;
    effective_weights(n, weights)
        .iter()
        .map(|w| {
            let start = cumulative;
            cumulative += w;
            [start, start + coverage * w]
        })
        .collect()
}

/// `chooseVariation(n, ranges)`: the first range holding n, or -1.
pub fn choose_variation(n: f64, ranges: &[[f64; 2]]) -> i64 {
    ranges.iter().position(|r| n >= r[0] && n < r[1]).map_or(-1, |i| i as i64)
}

/// `inNamespace(hashValue, [id, start, end])`: the version-1 hash with
/// seed `__{id}` in [start, end).
pub fn in_namespace(hash_value: &str, id: &str, start: f64, end: f64) -> bool {
    match hash(&format!("__{id}"), hash_value, 1) {
        Some(n) => n >= start && n < end,
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv_matches_its_reference_values() {
        // The FNV-1a 32 test vectors (Fowler, Noll, Vo): "" and "a", "foobar".
        assert_eq!(fnv32a(""), 0x811c9dc5);
        assert_eq!(fnv32a("a"), 0xe40c292c);
        assert_eq!(fnv32a("foobar"), 0xbf9cf968);
        // Continued over a concatenation, ASCII or not, and decimal text.
        for (a, b) in [("foo", "bar"), ("s\u{e9}ed", "\u{1F600}x"), ("", "a")] {
            assert_eq!(fnv32a_on(fnv32a(a), b), fnv32a(&format!("{a}{b}")));
        }
        for n in [0, 7, 10, 4_294_967_295, 123_456] {
            assert_eq!(decimal(n, &mut [0; 10]), n.to_string());
        }
    }
}
