//! Sorting doubles: a least-significant-digit radix sort on their bits
//! (Knuth, TAOCP vol. 3, 5.2.5), 11-bit digits, with the second buffer
//! given by the caller so that it is reused from one column to the next.
//!
//! `radsort` (8-bit digits, a fresh buffer per call) took half of `abx
//! drift`'s time; 11-bit digits need 6 passes instead of 8 (fewer where a
//! digit is the same for every value, as the exponent's top bits usually
//! are), and 2,048 buckets still fit the core's cache. The order is
//! `f64::total_cmp`'s, as radsort's: the result is the same array.

const BITS: usize = 11;
const RADIX: usize = 1 << BITS;
const MASK: u64 = (RADIX - 1) as u64;
/// 6 x 11 bits cover the 64 bits of a double.
const DIGITS: usize = 64usize.div_ceil(BITS);
/// Below this, a comparison sort is faster than six passes.
const SMALL: usize = 512;

/// The unsigned key whose order is `f64::total_cmp`'s: a positive double's
/// bits with the sign bit set, a negative double's bits inverted.
#[inline(always)]
fn key(x: f64) -> u64 {
    let b = x.to_bits();
    b ^ (((b as i64 >> 63) as u64) | (1 << 63))
}

#[inline(always)]
fn digit(k: u64, d: usize) -> usize {
    ((k >> (d * BITS)) & MASK) as usize
}

/// Sorts `v` ascending in `f64::total_cmp`'s order; `scratch` is the second
/// buffer (resized to `v`'s length; its contents are not kept).
pub fn sort_f64(v: &mut Vec<f64>, scratch: &mut Vec<f64>) {
    let n = v.len();
    if n < SMALL {
        v.sort_unstable_by(f64::total_cmp);
        return;
    }
    // Every digit's histogram in one pass.
    let mut counts = vec![[0usize; RADIX]; DIGITS];
    for &x in v.iter() {
        let k = key(x);
        for (d, c) in counts.iter_mut().enumerate() {
            c[digit(k, d)] += 1;
        }
    }
    let first = key(v[0]);
    scratch.clear();
    scratch.resize(n, 0.0);
    let mut offsets = [0usize; RADIX];
    for (d, c) in counts.iter().enumerate() {
        // A digit every value shares leaves the order as it is.
        if c[digit(first, d)] == n {
            continue;
        }
        let mut at = 0;
        for (o, &c) in offsets.iter_mut().zip(c.iter()) {
            *o = at;
            at += c;
        }
        for &x in v.iter() {
            let b = digit(key(x), d);
            scratch[offsets[b]] = x;
            offsets[b] += 1;
        }
        std::mem::swap(v, scratch);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn check(mut v: Vec<f64>) {
        let mut want = v.clone();
        want.sort_by(f64::total_cmp);
        let mut scratch = Vec::new();
        sort_f64(&mut v, &mut scratch);
        let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        assert_eq!(bits(&v), bits(&want));
    }

    #[test]
    fn sorts_as_total_cmp() {
        // Signed zeros, subnormals, extremes, ties, and sizes on both sides of SMALL.
        let special = [0.0, -0.0, 1e-310, -1e-310, f64::MAX, f64::MIN, f64::MIN_POSITIVE, 1.0, -1.0, 2.5, 2.5];
        for n in [0, 1, 2, SMALL - 1, SMALL, SMALL + 1, 5000] {
            let v: Vec<f64> = (0..n).map(|i| special[i % special.len()] * ((i % 7) as f64 - 3.0)).collect();
            check(v);
        }
        // Values sharing every high digit (one exponent) and ones spanning many.
        check((0..10_000).map(|i| 100.0 + (i * 7919 % 10_000) as f64 / 1e4).collect());
        check((0..10_000).map(|i| ((i * 7919 % 10_000) as f64 - 5000.0).powi(3)).collect());
    }

    proptest! {
        #[test]
        fn any_doubles(v in proptest::collection::vec(any::<f64>(), 0..3000)) {
            check(v);
        }

        #[test]
        fn reused_scratch(a in proptest::collection::vec(-1e6f64..1e6, 600..2000), b in proptest::collection::vec(-1.0f64..1.0, 0..1500)) {
            let mut scratch = vec![7.0; 5000];
            for v in [a, b] {
                let mut want = v.clone();
                want.sort_by(f64::total_cmp);
                let mut v = v;
                sort_f64(&mut v, &mut scratch);
                prop_assert_eq!(v, want);
            }
        }
    }
}
