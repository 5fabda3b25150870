//! The unit interval of a bandit: which arm each point x belongs to once its
//! weights have changed.
//!
//! abx keeps no store of who got what, so a reweight must move as few units
//! as the new weights require. The layout is derived from the file alone:
//!
//! 1. The first `weight_history` entry lays the arms out as the contract's
//!    ranges do: arm i covers [s_i, s_i + allocation·w_i), s_i = w_0 + … + w_(i-1).
//! 2. Each later entry with weights w' reweights. Let m_i be the length arm i
//!    holds and M = Σ m_i; its target is M·w'_i. An arm above its target gives
//!    up the excess from its highest points down (splitting a piece where
//!    needed); the freed pieces, in ascending order of x, go to the arms
//!    below their targets in variant order, each taking what it lacks (the
//!    last takes what is left, so no point is lost to rounding).
//!
//! Only freed points change arm, so the share of exposed units that switch is
//! Σ max(0, m_i − M·w'_i)/M, the total variation distance between the old
//! and new weights. Points outside every piece are not exposed (allocation).

/// A stretch [start, end) of the unit interval held by one arm.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Piece {
    pub start: f64,
    pub end: f64,
    pub arm: usize,
}

impl Piece {
    fn len(&self) -> f64 {
        self.end - self.start
    }
}

/// The pieces after the whole history, sorted by start, adjacent pieces of
/// one arm merged. `history[0]` is the starting weights (normalised).
pub fn replay(allocation: f64, history: &[Vec<f64>]) -> Vec<Piece> {
    let Some(first) = history.first() else { return Vec::new() };
    let mut pieces = Vec::with_capacity(first.len());
    let mut s = 0.0;
    for (arm, w) in first.iter().enumerate() {
        pieces.push(Piece { start: s, end: s + allocation * w, arm });
        s += w;
    }
    pieces.retain(|p| p.len() > 0.0);
    for w in &history[1..] {
        pieces = reweight(pieces, w);
    }
    pieces
}

/// One reweight of `pieces` to the weights `w` (normalised), as the module says.
pub fn reweight(mut pieces: Vec<Piece>, w: &[f64]) -> Vec<Piece> {
    let k = w.len();
    let mut held = vec![0.0; k];
    for p in &pieces {
        held[p.arm] += p.len();
    }
    let total: f64 = held.iter().sum();
    if total <= 0.0 {
        return pieces;
    }
    let target: Vec<f64> = w.iter().map(|x| total * x).collect();
    // Arms above target give up their highest points.
    let mut freed: Vec<Piece> = Vec::new();
    pieces.sort_by(|a, b| b.start.total_cmp(&a.start));
    let mut excess: Vec<f64> = (0..k).map(|i| (held[i] - target[i]).max(0.0)).collect();
    let mut kept: Vec<Piece> = Vec::with_capacity(pieces.len() + k);
    for p in pieces {
        let e = &mut excess[p.arm];
        if *e <= 0.0 {
            kept.push(p);
        } else if p.len() <= *e {
            *e -= p.len();
            freed.push(p);
        } else {
            let cut = p.end - *e;
            *e = 0.0;
            kept.push(Piece { end: cut, ..p });
            freed.push(Piece { start: cut, ..p });
        }
    }
    // The freed points, lowest first, go to the arms below target in variant order.
    freed.sort_by(|a, b| a.start.total_cmp(&b.start));
    let gaining: Vec<usize> = (0..k).filter(|&i| target[i] > held[i]).collect();
    let mut freed = freed.into_iter().peekable();
    for (g, &arm) in gaining.iter().enumerate() {
        let last = g + 1 == gaining.len();
        let mut need = target[arm] - held[arm];
        while let Some(p) = freed.peek_mut() {
            if !last && need <= 0.0 {
                break;
            }
            if last || p.len() <= need {
                need -= p.len();
                kept.push(Piece { arm, ..*p });
                freed.next();
            } else {
                let cut = p.start + need;
                kept.push(Piece { start: p.start, end: cut, arm });
                p.start = cut;
                need = 0.0;
            }
        }
    }
    // Nobody gains (equal weights again): the freed points go back as they were.
    kept.extend(freed);
    kept.retain(|p| p.len() > 0.0);
    kept.sort_by(|a, b| a.start.total_cmp(&b.start));
    let mut merged: Vec<Piece> = Vec::with_capacity(kept.len());
    for p in kept {
        match merged.last_mut() {
            Some(m) if m.arm == p.arm && m.end == p.start => m.end = p.end,
            _ => merged.push(p),
        }
    }
    merged
}

/// The piece holding x, if any (pieces sorted by start, disjoint).
pub fn piece_at(pieces: &[Piece], x: f64) -> Option<&Piece> {
    let i = pieces.partition_point(|p| p.start <= x);
    pieces[..i].last().filter(|p| x < p.end)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn share(pieces: &[Piece], k: usize) -> Vec<f64> {
        let mut h = vec![0.0; k];
        for p in pieces {
            h[p.arm] += p.len();
        }
        h
    }

    #[test]
    fn first_entry_is_the_contract_ranges() {
        let p = replay(0.9, &[vec![0.5, 0.25, 0.25]]);
        assert_eq!(
            p,
            vec![
                Piece { start: 0.0, end: 0.45, arm: 0 },
                Piece { start: 0.5, end: 0.725, arm: 1 },
                Piece { start: 0.75, end: 0.975, arm: 2 }
            ]
        );
    }

    #[test]
    fn a_reweight_moves_the_total_variation_and_reaches_the_weights() {
        let h = [vec![0.5, 0.5], vec![0.2, 0.8], vec![0.6, 0.4], vec![0.1, 0.9]];
        let mut pieces = replay(1.0, &h[..1]);
        for w in &h[1..] {
            let next = reweight(pieces.clone(), w);
            let held = share(&next, 2);
            for (a, b) in held.iter().zip(w) {
                assert!((a - b).abs() < 1e-15, "{held:?} vs {w:?}");
            }
            // The measure of points whose arm changed.
            let mut moved = 0.0;
            let mut cuts: Vec<f64> = pieces.iter().chain(&next).flat_map(|p| [p.start, p.end]).collect();
            cuts.sort_by(f64::total_cmp);
            for c in cuts.windows(2) {
                let mid = 0.5 * (c[0] + c[1]);
                let (a, b) = (piece_at(&pieces, mid).map(|p| p.arm), piece_at(&next, mid).map(|p| p.arm));
                if a != b {
                    moved += c[1] - c[0];
                }
            }
            let before = share(&pieces, 2);
            let tv = 0.5 * before.iter().zip(w).map(|(a, b)| (a - b).abs()).sum::<f64>();
            assert!((moved - tv).abs() < 1e-12, "moved {moved}, tv {tv}");
            pieces = next;
        }
    }

    #[test]
    fn allocation_gaps_stay_unexposed() {
        let p = replay(0.5, &[vec![0.5, 0.5], vec![0.9, 0.1]]);
        assert!(piece_at(&p, 0.3).is_none(), "{p:?}");
        assert!(piece_at(&p, 0.8).is_none(), "{p:?}");
        let held = share(&p, 2);
        assert!((held[0] - 0.45).abs() < 1e-15 && (held[1] - 0.05).abs() < 1e-15, "{held:?}");
    }
}
