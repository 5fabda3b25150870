//! Hashing and bucketing: the contract's fixed algorithm, so that any other
//! system can reproduce an assignment.
//!
//! 1. h = SHA-256 of the UTF-8 bytes of `{unit}:{salt}`;
//! 2. x = first 8 bytes of h, big-endian u64, divided by 2^64;
//! 3. variant i covers [s_i, s_i + allocation * w_i), s_i = w_0 + ... + w_(i-1),
//!    with w normalised in file order; x in no range: not exposed.

pub mod explain;
pub mod layout;
pub mod targeting;

use sha2::{Digest, Sha256};

use crate::experiment::{Experiment, Status};

/// 2^64 as an f64 (exact).
pub const TWO_POW_64: f64 = 18_446_744_073_709_551_616.0;

pub mod sha2x;

/// Writes `{unit}:{salt}` padded to one SHA-256 block (FIPS 180-4, 5.1.1)
/// into `block`, when it fits one (messages of at most 55 bytes); false
/// (and `block` as it was) otherwise.
#[inline]
pub fn fill_block(unit: &[u8], salt: &[u8], block: &mut [u8; 64]) -> bool {
    let n = unit.len() + 1 + salt.len();
    if n > 55 {
        return false;
    }
    block[..unit.len()].copy_from_slice(unit);
    block[unit.len()] = b':';
    block[unit.len() + 1..n].copy_from_slice(salt);
    block[n] = 0x80;
    block[n + 1..56].fill(0);
    block[56..].copy_from_slice(&((n as u64) * 8).to_be_bytes());
    true
}

/// The first 8 bytes of SHA-256(`{unit}:{salt}`) as a big-endian u64.
///
/// Messages of at most 55 bytes fit one padded block, so the hot path pads by
/// hand and runs one compression (SHA-NI when the CPU has it), skipping the
/// streaming API's buffering.
#[inline]
pub fn hash_prefix(unit: &[u8], salt: &[u8]) -> u64 {
    let mut block = [0u8; 64];
    match fill_block(unit, salt, &mut block) {
        true => sha2x::prefix(&block),
        false => {
            let d = sha256_unit(unit, salt);
            u64::from_be_bytes([d[0], d[1], d[2], d[3], d[4], d[5], d[6], d[7]])
        }
    }
}

thread_local! {
    /// Each thread's padded blocks of [`points_into`], kept from one batch to the next.
    static BLOCKS: std::cell::RefCell<Vec<[u8; 64]>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// The points of many units with one salt, two SHA-256 compressions at a
/// time ([`sha2x::prefixes`]); equal to [`point`] of each. The blocks are
/// all padded first and hashed after, so that the hashing never waits for
/// the bytes just written into a block.
pub fn points_into(units: &[&[u8]], salt: &[u8], out: &mut Vec<f64>) {
    out.clear();
    out.resize(units.len(), f64::NAN);
    BLOCKS.with(|blocks| {
        let mut blocks = blocks.borrow_mut();
        // Where each block's point goes; a unit too long for one block is hashed on its own.
        let mut at: Vec<usize> = Vec::with_capacity(units.len());
        if blocks.len() < units.len() {
            blocks.resize(units.len(), [0u8; 64]);
        }
        let mut filled = 0;
        for (i, unit) in units.iter().enumerate() {
            if fill_block(unit, salt, &mut blocks[filled]) {
                filled += 1;
                at.push(i);
            } else {
                out[i] = point(unit, salt);
            }
        }
        let mut pairs = blocks[..filled].chunks_exact(2);
        let mut k = 0;
        for pair in pairs.by_ref() {
            let [a, b] = sha2x::prefixes(&pair[0], &pair[1]);
            out[at[k]] = a as f64 / TWO_POW_64;
            out[at[k + 1]] = b as f64 / TWO_POW_64;
            k += 2;
        }
        if let [last] = pairs.remainder() {
            out[at[k]] = sha2x::prefix(last) as f64 / TWO_POW_64;
        }
    });
}

/// SHA-256 of `{unit}:{salt}`.
pub fn sha256_unit(unit: &[u8], salt: &[u8]) -> [u8; 32] {
    let n = unit.len() + 1 + salt.len();
    let mut stack = [0u8; 120];
    if n <= stack.len() {
        // One contiguous buffer: the common case (short ids), at most two blocks.
        stack[..unit.len()].copy_from_slice(unit);
        stack[unit.len()] = b':';
        stack[unit.len() + 1..n].copy_from_slice(salt);
        Sha256::digest(&stack[..n]).into()
    } else {
        Sha256::new().chain_update(unit).chain_update(b":").chain_update(salt).finalize().into()
    }
}

/// The unit's point x in [0, 1): the hash prefix divided by 2^64, rounded to
/// the nearest f64 (as Python's `int / 2**64` and SQL's `UBIGINT / 2^64` do).
pub fn point(unit: &[u8], salt: &[u8]) -> f64 {
    hash_prefix(unit, salt) as f64 / TWO_POW_64
}

/// What places units on the unit interval: the contract's SHA-256, or
/// GrowthBook's FNV-1a hash of a version (`hashing: growthbook`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HashKind {
    Sha256,
    Growthbook(u32),
}

impl HashKind {
    /// The unit's point with `salt` (GrowthBook's seed): NaN, in no range,
    /// where GrowthBook has no hash (an empty unit, an unknown version).
    #[inline]
    pub fn point(self, unit: &[u8], salt: &[u8]) -> f64 {
        match self {
            HashKind::Sha256 => point(unit, salt),
            HashKind::Growthbook(version) => {
                // GrowthBook's SDKs put a unit whose hash value is empty in no experiment.
                if unit.is_empty() {
                    return f64::NAN;
                }
                let (unit, salt) = (String::from_utf8_lossy(unit), String::from_utf8_lossy(salt));
                crate::growthbook::hash::hash(&salt, &unit, version).unwrap_or(f64::NAN)
            }
        }
    }
}

/// The bucket shown to people and applications: floor(x * 10000).
pub fn bucket_of(x: f64) -> u32 {
    (x * 10_000.0).floor() as u32
}

/// A variant's range [start, end) on the unit interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Range {
    pub start: f64,
    pub end: f64,
}

/// What the experiment's status makes of the ranges.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Live {
    /// Running: the variant whose range holds x.
    Ranges,
    /// Draft or stopped: no unit is exposed.
    Nobody,
    /// Promoted: every (eligible) unit gets this variant.
    Promoted(usize),
}

/// A filter before the experiment's own bucketing (the contract's layers and
/// holdouts): the unit's point with `salt` must lie in [start, end) (`inside`)
/// or outside it.
#[derive(Debug, Clone, PartialEq)]
pub struct Filter {
    /// What the filter is, for people: `layer homepage`, `holdout global`.
    pub label: String,
    pub salt: Vec<u8>,
    pub range: Range,
    /// Further ranges that pass as `range` does (a GrowthBook filter's).
    pub more: Vec<Range>,
    pub inside: bool,
    pub hash: HashKind,
}

impl Filter {
    /// The filters of an experiment, in the order they apply: its layer, then its holdout.
    pub fn of(exp: &Experiment) -> Vec<Filter> {
        let mut out = Vec::new();
        if let Some(l) = &exp.layer {
            out.push(Filter {
                label: format!("layer {}", l.name),
                salt: l.salt().into_bytes(),
                range: Range { start: l.range[0], end: l.range[1] },
                more: Vec::new(),
                inside: true,
                hash: HashKind::Sha256,
            });
        }
        if let Some(h) = &exp.holdout {
            out.push(Filter {
                label: format!("holdout {}", h.name),
                salt: h.salt().into_bytes(),
                range: Range { start: 0.0, end: h.share },
                more: Vec::new(),
                inside: false,
                hash: HashKind::Sha256,
            });
        }
        if let Some(g) = &exp.growthbook {
            // GrowthBook's namespace: the version-1 hash with seed `__NAME`.
            if let Some(ns) = &g.namespace {
                out.push(Filter {
                    label: format!("namespace {}", ns.name),
                    salt: format!("__{}", ns.name).into_bytes(),
                    range: Range { start: ns.range[0], end: ns.range[1] },
                    more: Vec::new(),
                    inside: true,
                    hash: HashKind::Growthbook(1),
                });
            }
            for f in &g.filters {
                let mut ranges = f.ranges.iter().map(|r| Range { start: r[0], end: r[1] });
                out.push(Filter {
                    label: format!("filter {}", f.seed),
                    salt: f.seed.clone().into_bytes(),
                    range: ranges.next().unwrap_or(Range { start: 0.0, end: 0.0 }),
                    more: ranges.collect(),
                    inside: true,
                    hash: HashKind::Growthbook(f.version),
                });
            }
        }
        out
    }

    /// The unit's point on this filter, and whether it passes.
    pub fn check(&self, unit: &[u8]) -> (f64, bool) {
        let x = self.hash.point(unit, &self.salt);
        let within = |r: &Range| r.start <= x && x < r.end;
        (x, (within(&self.range) || self.more.iter().any(within)) == self.inside)
    }
}

/// One experiment's bucketing, precomputed for speed.
#[derive(Debug, Clone)]
pub struct Bucketer {
    salt: Vec<u8>,
    hash: HashKind,
    ranges: Vec<Range>,
    live: Live,
    filters: Vec<Filter>,
    /// A bandit whose weights changed: the layout of [`layout`] instead of `ranges`.
    pieces: Option<Vec<layout::Piece>>,
}

impl Bucketer {
    /// The assignment the experiment gives now, by its status (the
    /// contract's Lifecycle): running by the ranges, draft and stopped
    /// nobody, promoted the promoted variant.
    pub fn new(exp: &Experiment) -> Self {
        let live = match exp.status() {
            Status::Running => Live::Ranges,
            Status::Draft | Status::Stopped => Live::Nobody,
            // A promoted file always names its variant (validated); without one, nobody.
            Status::Promoted => {
                exp.promoted.as_deref().and_then(|p| exp.variant_index(p)).map_or(Live::Nobody, Live::Promoted)
            }
        };
        Bucketer { live, ..Bucketer::running(exp) }
    }

    /// The assignment by the ranges alone, as while the experiment runs,
    /// whatever its status says now.
    pub fn running(exp: &Experiment) -> Self {
        let ranges = match exp.gate {
            // A gate: `on` below the rollout, `off` at and above it (x = 1.0 included).
            Some(g) => vec![Range { start: g.rollout, end: f64::INFINITY }, Range { start: 0.0, end: g.rollout }],
            None if exp.growthbook.is_some() => {
                let g = exp.growthbook.as_ref().map(|g| g.ranges.clone());
                let ranges = g.flatten().unwrap_or_else(|| {
                    // GrowthBook's getBucketRanges on the weights as written.
                    let weights: Vec<f64> = exp.variants.iter().map(|v| v.weight).collect();
                    crate::growthbook::hash::bucket_ranges(
                        exp.variants.len() as i64,
                        Some(exp.allocation),
                        Some(&weights),
                    )
                });
                ranges.iter().map(|r| Range { start: r[0], end: r[1] }).collect()
            }
            None => {
                let mut ranges = Vec::with_capacity(exp.variants.len());
                let mut s = 0.0;
                for w in exp.normalized_weights() {
                    ranges.push(Range { start: s, end: s + exp.allocation * w });
                    s += w;
                }
                ranges
            }
        };
        let pieces = (exp.weight_history.len() > 1).then(|| {
            let history: Vec<Vec<f64>> = exp.weight_history.iter().map(|e| e.weights.clone()).collect();
            layout::replay(exp.allocation, &history)
        });
        let hash = exp.growthbook.as_ref().map_or(HashKind::Sha256, |g| HashKind::Growthbook(g.version));
        Bucketer {
            salt: exp.salt.as_bytes().to_vec(),
            hash,
            ranges,
            live: Live::Ranges,
            filters: Filter::of(exp),
            pieces,
        }
    }

    /// The two groups that read a holdout (GrowthBook's layout): `held_out`
    /// [0, s) and `measured` [s, 2s) on the holdout's salt, variants 0 and 1
    /// of [`Experiment::holdout_study`].
    pub fn holdout_groups(h: &crate::experiment::Holdout) -> Self {
        let s = h.share;
        Bucketer {
            salt: h.salt().into_bytes(),
            hash: HashKind::Sha256,
            ranges: vec![Range { start: 0.0, end: s }, Range { start: s, end: 2.0 * s }],
            live: Live::Ranges,
            filters: Vec::new(),
            pieces: None,
        }
    }

    /// A bandit's layout after its reweights, when its weights have changed.
    pub fn pieces(&self) -> Option<&[layout::Piece]> {
        self.pieces.as_deref()
    }

    /// The layer and holdout filters, in the order they apply.
    pub fn filters(&self) -> &[Filter] {
        &self.filters
    }

    pub fn salt(&self) -> &[u8] {
        &self.salt
    }

    pub fn ranges(&self) -> &[Range] {
        &self.ranges
    }

    /// The variant a promoted experiment now gives every eligible unit.
    pub fn promoted(&self) -> Option<usize> {
        match self.live {
            Live::Promoted(i) => Some(i),
            Live::Ranges | Live::Nobody => None,
        }
    }

    /// True when the status exposes no unit (draft, stopped).
    pub fn exposes_nobody(&self) -> bool {
        self.live == Live::Nobody
    }

    pub fn point(&self, unit: &[u8]) -> f64 {
        self.hash.point(unit, &self.salt)
    }

    /// What places units: SHA-256, or GrowthBook's hash.
    pub fn hash(&self) -> HashKind {
        self.hash
    }

    /// The variant whose range holds x: the contract's rule, or a bandit's layout.
    #[inline]
    pub fn variant_at(&self, x: f64) -> Option<usize> {
        match &self.pieces {
            Some(p) => layout::piece_at(p, x).map(|p| p.arm),
            None => self.ranges.iter().position(|r| r.start <= x && x < r.end),
        }
    }

    /// True when the unit passes every filter (its layer, its holdout).
    #[inline]
    pub fn passes(&self, unit: &[u8]) -> bool {
        self.filters.iter().all(|f| f.check(unit).1)
    }

    /// The unit's variant and point; `None` when it is not exposed (filtered
    /// out by its layer or holdout, outside every range, or not live).
    pub fn assign(&self, unit: &[u8]) -> (Option<usize>, f64) {
        let x = self.point(unit);
        if !self.filters.is_empty() && !self.passes(unit) {
            return (None, x);
        }
        (self.live_variant(x), x)
    }

    /// The unit's variant alone: a unit its layer or holdout keeps out is
    /// not hashed with the experiment's salt (one hash fewer).
    pub fn variant(&self, unit: &[u8]) -> Option<usize> {
        if !self.filters.is_empty() && !self.passes(unit) {
            return None;
        }
        match self.live {
            // A promoted file gives its variant whatever the point.
            Live::Promoted(i) => Some(i),
            Live::Nobody => None,
            Live::Ranges => self.variant_at(self.point(unit)),
        }
    }

    /// Whether a point computed beforehand in a batch ([`points_into`] with
    /// [`Self::salt`]) may be given to [`Self::at_point`]: the contract's hash
    /// and no filter (a filtered unit is hashed with the salt only when it
    /// passes), and for outputs without points, only where the point decides.
    pub fn batch_hashable(&self, with_point: bool) -> bool {
        self.hash == HashKind::Sha256 && self.filters.is_empty() && (with_point || self.live == Live::Ranges)
    }

    /// What [`assign_into`] gives a unit whose point x is known (only where
    /// [`Self::batch_hashable`]).
    #[inline]
    pub fn at_point(&self, x: f64, eligible: bool, with_point: bool) -> Assigned {
        let v = if eligible { self.live_variant(x) } else { None };
        (v, if with_point { x } else { f64::NAN })
    }

    #[inline]
    fn live_variant(&self, x: f64) -> Option<usize> {
        match self.live {
            Live::Ranges => self.variant_at(x),
            Live::Nobody => None,
            Live::Promoted(i) => Some(i),
        }
    }
}

/// The exact integer threshold of a boundary `b`: the smallest prefix u in
/// [0, 2^64] whose point `(u as f64) / 2^64` is at least `b`, found by a
/// 65-step binary search on abx's own f64 arithmetic. Because u -> x is
/// monotone, `x < b` exactly when `u < threshold(b)`, so another system that
/// compares the 64-bit prefix with these integers reproduces abx bit for bit
/// (anchors-next §1.2). 2^64 means no prefix reaches `b`.
pub fn threshold(b: f64) -> u128 {
    let reaches = |u: u128| (u as f64) / TWO_POW_64 >= b;
    let (mut lo, mut hi) = (0u128, 1u128 << 64);
    if !reaches(hi) {
        return hi;
    }
    // Invariant: reaches(hi), and every u < lo does not reach b.
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        if reaches(mid) {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    hi
}

/// A variant's range as prefixes: u in [start, end); `None` ends are open
/// (0 and 2^64, which every u satisfies).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PrefixRange {
    pub start: Option<u64>,
    pub end: Option<u64>,
    /// No prefix falls in it (a zero-width range).
    pub empty: bool,
}

impl PrefixRange {
    /// The prefixes u whose point lies in [start, end).
    pub fn of(start: f64, end: f64) -> PrefixRange {
        let (s, e) = (threshold(start), threshold(end));
        PrefixRange { start: (s > 0).then_some(s as u64), end: u64::try_from(e).ok(), empty: s >= e }
    }
}

impl Bucketer {
    /// The ranges as exact prefix thresholds, in variant order.
    pub fn prefix_ranges(&self) -> Vec<PrefixRange> {
        self.ranges.iter().map(|r| PrefixRange::of(r.start, r.end)).collect()
    }

    /// What places units, as exact prefix thresholds with each one's variant:
    /// the ranges in variant order, or a reweighted bandit's pieces in
    /// ascending order.
    pub fn prefix_pieces(&self) -> Vec<(PrefixRange, usize)> {
        match &self.pieces {
            Some(p) => p.iter().map(|p| (PrefixRange::of(p.start, p.end), p.arm)).collect(),
            None => self.prefix_ranges().into_iter().enumerate().map(|(i, r)| (r, i)).collect(),
        }
    }
}

/// One experiment as it assigns: its name, its bucketing, its file.
pub struct Assigner {
    pub name: String,
    pub bucketer: Bucketer,
    pub targeting: targeting::Targeting,
    pub exp: Experiment,
}

impl Assigner {
    pub fn new(exp: Experiment) -> Assigner {
        Assigner {
            name: exp.name.clone(),
            bucketer: Bucketer::new(&exp),
            targeting: targeting::Targeting::of(&exp),
            exp,
        }
    }
}

/// A unit's variant in one experiment (None: not exposed) and its point x.
pub type Assigned = (Option<usize>, f64);

/// Assigns one unit in every experiment of `exps` into `results`;
/// `eligible(k)` tells whether the unit passes experiment k's targeting.
/// Without `with_point` the points are not computed (NaN): for outputs
/// that show only the variant.
pub fn assign_into(
    exps: &[Assigner],
    results: &mut Vec<Assigned>,
    unit: &[u8],
    with_point: bool,
    eligible: impl Fn(usize) -> bool,
) {
    assign_into_known(exps, results, unit, with_point, eligible, |_| None);
}

/// [`assign_into`], with `known(k)` the unit's point in experiment k where
/// it was computed beforehand ([`Bucketer::batch_hashable`]).
pub fn assign_into_known(
    exps: &[Assigner],
    results: &mut Vec<Assigned>,
    unit: &[u8],
    with_point: bool,
    eligible: impl Fn(usize) -> bool,
    known: impl Fn(usize) -> Option<f64>,
) {
    results.clear();
    for (k, e) in exps.iter().enumerate() {
        if let Some(x) = known(k) {
            results.push(e.bucketer.at_point(x, eligible(k), with_point));
            continue;
        }
        results.push(match (eligible(k), with_point) {
            (true, true) => e.bucketer.assign(unit),
            (false, true) => (None, e.bucketer.point(unit)),
            (true, false) => (e.bucketer.variant(unit), f64::NAN),
            (false, false) => (None, f64::NAN),
        });
    }
}

/// Why an experiment exposes no unit now (draft, stopped), if it does not.
pub fn not_live(e: &Experiment) -> Option<String> {
    match e.status() {
        Status::Draft => Some("is a draft (status: draft); it exposes no unit until `status: running`".into()),
        Status::Stopped => Some("is stopped (status: stopped); it exposes no unit any more".into()),
        Status::Running | Status::Promoted => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn batch_points_equal_one_by_one() {
        // Odd and even counts, and units too long for one block among them.
        for n in [0usize, 1, 2, 7, 101] {
            let units: Vec<Vec<u8>> = (0..n).map(|i| format!("user_{i}{}", "x".repeat(i % 60)).into_bytes()).collect();
            let refs: Vec<&[u8]> = units.iter().map(Vec::as_slice).collect();
            let mut out = vec![1.0; 3];
            points_into(&refs, b"salt", &mut out);
            assert_eq!(out.len(), n);
            for (u, x) in refs.iter().zip(&out) {
                assert_eq!(x.to_bits(), point(u, b"salt").to_bits());
            }
        }
    }

    #[test]
    fn known_digest() {
        // printf 'user_1:exp' | sha256sum
        let d = sha256_unit(b"user_1", b"exp");
        let hex: String = d.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(hex, "17622c1cf2787c25876c2f0cc5a791d40793bd57a52c6b70cefc325f1f1d415a");
        assert_eq!(hash_prefix(b"user_1", b"exp"), 0x17622c1cf2787c25);
        // Long inputs take the streaming path and agree with one-shot hashing.
        let long = vec![b'a'; 300];
        let mut joined = long.clone();
        joined.extend_from_slice(b":s");
        assert_eq!(sha256_unit(&long, b"s"), <[u8; 32]>::from(Sha256::digest(&joined)));
    }

    #[test]
    fn one_block_fast_path_agrees_with_the_digest() {
        for len in 0..=120 {
            let unit: Vec<u8> = (0..len).map(|i| b'a' + (i % 26) as u8).collect();
            for salt in [&b"s"[..], b"followup_timing", b""] {
                let d = sha256_unit(&unit, salt);
                let want = u64::from_be_bytes(d[..8].try_into().unwrap());
                assert_eq!(hash_prefix(&unit, salt), want, "len {len}");
            }
        }
    }

    #[test]
    fn thresholds_are_exact() {
        // anchors-next §1.2: T(0.3) differs from ceil(0.3 * 2^64).
        assert_eq!(threshold(0.3), 0x4cccccccccccca01);
        assert_eq!(threshold(0.5), 0x7ffffffffffffe00);
        assert_eq!(threshold(1.0), 0xfffffffffffffc00);
        assert_eq!(threshold(0.0), 0);
        assert_eq!(threshold(1.5), 1u128 << 64);
        // Either side of every threshold of a 1:1:1 split at 0.9, the integer
        // rule and the f64 rule agree.
        let yaml = "name: t\nsalt: exp_salt\nallocation: 0.9\nvariants:\n  - {name: a, weight: 1}\n  - {name: b, weight: 1}\n  - {name: c, weight: 1}\nmetrics:\n  - {name: m, kind: mean}\n";
        let exp = crate::experiment::parse_str("t.yaml", yaml).unwrap();
        let b = Bucketer::new(&exp);
        let ranges = b.prefix_ranges();
        let by_prefix = |u: u64| {
            ranges.iter().position(|r| !r.empty && r.start.is_none_or(|s| u >= s) && r.end.is_none_or(|e| u < e))
        };
        for r in b.ranges() {
            for t in [threshold(r.start), threshold(r.end)] {
                for d in -1100i128..=1100 {
                    let u = (t as i128 + d).clamp(0, u64::MAX as i128) as u64;
                    assert_eq!(by_prefix(u), b.variant_at(u as f64 / TWO_POW_64), "u = {u:#x}");
                }
            }
        }
    }

    #[test]
    fn point_is_in_unit_interval() {
        for i in 0..1000 {
            let x = point(format!("u{i}").as_bytes(), b"salt");
            assert!((0.0..1.0).contains(&x));
        }
    }
}
