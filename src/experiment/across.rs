//! What is wrong between experiment files that assign the same units:
//! `abx validate` reports it per file, `abx assign` refuses it.

use std::path::PathBuf;

use super::Experiment;

/// What is wrong between files (each problem with the index of the file it
/// is reported on): two experiments of one layer with overlapping ranges,
/// one experiment in two layers, one holdout with two shares. (A salt of
/// the form `layer/NAME` or `holdout/NAME` is refused in its own file.)
pub fn across(exps: &[(usize, Experiment)], paths: &[PathBuf]) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let shown = |i: usize| paths[i].display().to_string();
    // A file given twice (`experiments/*.yaml experiments/a.yaml`) is one file.
    let same_file = |i: usize, j: usize| {
        paths[i] == paths[j]
            || std::fs::canonicalize(&paths[i]).ok().is_some_and(|p| Some(p) == std::fs::canonicalize(&paths[j]).ok())
    };
    for (a, (i, e)) in exps.iter().enumerate() {
        for (j, f) in exps.iter().skip(a + 1).map(|(j, f)| (*j, f)) {
            if same_file(*i, j) {
                continue;
            }
            if let (Some(h), Some(g)) = (&e.holdout, &f.holdout) {
                if h.name == g.name && h.share != g.share {
                    for (k, other, mine, theirs) in [(*i, j, h, g), (j, *i, g, h)] {
                        out.push((
                            k,
                            format!(
                                "holdout `{}` has share {} here but {} in {}: a holdout is one set of units, so every experiment must give it the same share",
                                mine.name,
                                mine.share,
                                theirs.share,
                                shown(other)
                            ),
                        ));
                    }
                }
            }
            match (&e.layer, &f.layer) {
                (Some(l), Some(m)) if l.name == m.name => {
                    let (lo, hi) = (l.range[0].max(m.range[0]), l.range[1].min(m.range[1]));
                    if lo < hi {
                        for (k, other, mine, theirs) in [(*i, j, l, m), (j, *i, m, l)] {
                            out.push((
                                k,
                                format!(
                                    "layer `{}`: this experiment's range [{}, {}) overlaps [{}, {}) of `{}` in {} (on [{lo}, {hi})): a unit there would be in both; give each experiment of a layer its own range",
                                    l.name, mine.range[0], mine.range[1], theirs.range[0], theirs.range[1],
                                    if k == *i { &f.name } else { &e.name }, shown(other)
                                ),
                            ));
                        }
                    }
                }
                (Some(l), Some(m)) if e.name == f.name => {
                    for (k, other, theirs) in [(*i, j, m), (j, *i, l)] {
                        out.push((
                            k,
                            format!(
                                "experiment `{}` is also in layer `{}` ({}): an experiment belongs to one layer",
                                e.name,
                                theirs.name,
                                shown(other)
                            ),
                        ));
                    }
                }
                _ => {}
            }
        }
    }
    out
}
