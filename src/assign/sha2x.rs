//! Two one-block SHA-256 compressions at once (FIPS 180-4, 6.2.2), for the
//! bucketing's hot path.
//!
//! SHA-NI's round instruction has a latency of several cycles and each round
//! waits for the one before, so a single message leaves the unit idle most of
//! the time. Interleaving the rounds of two independent messages keeps it busy
//! (the "multi-buffer" technique of Intel's ISA-L). The `sha2` crate hashes
//! one message at a time; this module does only what it lacks, and its result
//! is checked against `sha2::compress256` (the tests below, and every bucketing
//! test, since [`prefixes`] is what `abx assign` uses).

/// SHA-256's initial hash value (FIPS 180-4, 5.3.3).
pub const H0: [u32; 8] =
    [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];

/// The first 64 bits of the digest of one padded block (state H0).
#[inline]
pub fn prefix(block: &[u8; 64]) -> u64 {
    let mut state = H0;
    sha2::compress256(&mut state, &[(*block).into()]);
    (u64::from(state[0]) << 32) | u64::from(state[1])
}

/// The first 64 bits of the digests of two padded blocks (state H0 each).
#[inline]
#[allow(unsafe_code)]
pub fn prefixes(a: &[u8; 64], b: &[u8; 64]) -> [u64; 2] {
    #[cfg(target_arch = "x86_64")]
    {
        if ni::available() {
            // SAFETY: the CPU has the features `ni::prefixes` is compiled for
            // (checked at run time just above).
            return unsafe { ni::prefixes(a, b) };
        }
    }
    [prefix(a), prefix(b)]
}

#[cfg(target_arch = "x86_64")]
mod ni {
    use core::arch::x86_64::*;

    /// SHA-256's round constants (FIPS 180-4, 4.2.2).
    const K: [u32; 64] = [
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98,
        0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
        0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8,
        0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
        0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819,
        0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
        0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
        0xc67178f2,
    ];

    pub fn available() -> bool {
        std::arch::is_x86_feature_detected!("sha")
            && std::arch::is_x86_feature_detected!("sse2")
            && std::arch::is_x86_feature_detected!("ssse3")
            && std::arch::is_x86_feature_detected!("sse4.1")
    }

    /// The two digests' first 64 bits; the rounds of both messages alternate.
    ///
    /// # Safety
    /// The CPU must have SHA-NI, SSE2, SSSE3 and SSE4.1 ([`available`]).
    #[allow(unsafe_code)]
    #[target_feature(enable = "sha,sse2,ssse3,sse4.1")]
    pub unsafe fn prefixes(a: &[u8; 64], b: &[u8; 64]) -> [u64; 2] {
        // The state in SHA-NI's layout: lanes (f, e, b, a) and (h, g, d, c).
        let h = super::H0;
        let abef0 = _mm_set_epi32(h[0] as i32, h[1] as i32, h[4] as i32, h[5] as i32);
        let cdgh0 = _mm_set_epi32(h[2] as i32, h[3] as i32, h[6] as i32, h[7] as i32);
        let (mut abef_a, mut cdgh_a, mut abef_b, mut cdgh_b) = (abef0, cdgh0, abef0, cdgh0);
        // Message words 4i..4i+4 of a block, big-endian, in lanes 0..3.
        let words = |block: &[u8; 64], i: usize| {
            let w = |j: usize| {
                let at = 16 * i + 4 * j;
                u32::from_be_bytes([block[at], block[at + 1], block[at + 2], block[at + 3]]) as i32
            };
            _mm_set_epi32(w(3), w(2), w(1), w(0))
        };
        let mut wa = [words(a, 0), words(a, 1), words(a, 2), words(a, 3)];
        let mut wb = [words(b, 0), words(b, 1), words(b, 2), words(b, 3)];
        // Four rounds of both messages on their words 4i..4i+4.
        macro_rules! rounds4 {
            ($i:expr, $xa:expr, $xb:expr) => {{
                let k =
                    _mm_set_epi32(K[4 * $i + 3] as i32, K[4 * $i + 2] as i32, K[4 * $i + 1] as i32, K[4 * $i] as i32);
                let ta = _mm_add_epi32($xa, k);
                let tb = _mm_add_epi32($xb, k);
                cdgh_a = _mm_sha256rnds2_epu32(cdgh_a, abef_a, ta);
                cdgh_b = _mm_sha256rnds2_epu32(cdgh_b, abef_b, tb);
                abef_a = _mm_sha256rnds2_epu32(abef_a, cdgh_a, _mm_shuffle_epi32(ta, 0x0E));
                abef_b = _mm_sha256rnds2_epu32(abef_b, cdgh_b, _mm_shuffle_epi32(tb, 0x0E));
            }};
        }
        // The message schedule (FIPS 180-4, 6.2.2 step 1) four words at a time.
        macro_rules! schedule {
            ($w:ident, $i:expr) => {{
                let t = _mm_sha256msg1_epu32($w[$i % 4], $w[($i + 1) % 4]);
                let t = _mm_add_epi32(t, _mm_alignr_epi8($w[($i + 3) % 4], $w[($i + 2) % 4], 4));
                $w[$i % 4] = _mm_sha256msg2_epu32(t, $w[($i + 3) % 4]);
            }};
        }
        rounds4!(0, wa[0], wb[0]);
        rounds4!(1, wa[1], wb[1]);
        rounds4!(2, wa[2], wb[2]);
        rounds4!(3, wa[3], wb[3]);
        macro_rules! scheduled {
            ($($i:expr),*) => {$(
                schedule!(wa, $i);
                schedule!(wb, $i);
                rounds4!($i, wa[$i % 4], wb[$i % 4]);
            )*};
        }
        scheduled!(4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
        abef_a = _mm_add_epi32(abef_a, abef0);
        abef_b = _mm_add_epi32(abef_b, abef0);
        // a and b, the digest's first two words, are lanes 3 and 2.
        macro_rules! top {
            ($abef:expr) => {
                (u64::from(_mm_extract_epi32($abef, 3) as u32) << 32) | u64::from(_mm_extract_epi32($abef, 2) as u32)
            };
        }
        [top!(abef_a), top!(abef_b)]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};

    #[test]
    fn two_at_once_equal_one_at_a_time() {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
        for _ in 0..2000 {
            let (mut a, mut b) = ([0u8; 64], [0u8; 64]);
            rng.fill(&mut a[..]);
            rng.fill(&mut b[..]);
            assert_eq!(prefixes(&a, &b), [prefix(&a), prefix(&b)]);
        }
        // The all-zero and all-one blocks, and one of each.
        let (z, o) = ([0u8; 64], [0xffu8; 64]);
        assert_eq!(prefixes(&z, &o), [prefix(&z), prefix(&o)]);
    }
}
