//! A reusable reference profile (`--save-profile`, `--reference-profile`):
//! per column the missing count, PSI cut points and counts, moments, category
//! counts, and a quantile sketch. PSI, means, sds, missing shares and every
//! categorical statistic are exact from a profile; KS and Wasserstein come
//! from the sketch with a stated error bound, unless the reference had at
//! most [`SKETCH_POINTS`] values (then the sketch is the data, and exact).

use std::collections::{BTreeMap, HashMap, HashSet};

use serde::{Deserialize, Serialize};

use super::{NumericRef, RefColumn, RefValues, Sample};

/// The number of points in a quantile sketch.
pub const SKETCH_POINTS: usize = 10_000;

pub const FORMAT: &str = "abx-drift-profile";
pub const VERSION: u32 = 1;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Profile {
    pub format: String,
    pub version: u32,
    /// The reference file the profile was made from.
    pub source: String,
    pub rows: u64,
    /// The PSI bin count the cut points were made for.
    pub bins: usize,
    pub columns: Vec<ColumnProfile>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ColumnProfile {
    pub name: String,
    /// The column's type in the reference file.
    pub dtype: String,
    pub missing: u64,
    /// The column holds numbers in the file.
    pub number: bool,
    /// Compared as categories by request (--categorical when the profile was saved).
    #[serde(default)]
    pub categorical: bool,
    #[serde(flatten)]
    pub values: ProfileValues,
}

/// A number that JSON may hold as null: abx writes a non-finite figure (the
/// mean of a column without values) as null, and reads it back as NaN.
fn nullable<'de, D: serde::Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
    Ok(Option::<f64>::deserialize(d)?.unwrap_or(f64::NAN))
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum ProfileValues {
    Numeric {
        n: u64,
        #[serde(deserialize_with = "nullable")]
        mean: f64,
        #[serde(deserialize_with = "nullable")]
        sd: f64,
        #[serde(deserialize_with = "nullable")]
        sd_pop: f64,
        #[serde(deserialize_with = "nullable")]
        min: f64,
        #[serde(deserialize_with = "nullable")]
        max: f64,
        cuts: Vec<f64>,
        counts: Vec<u64>,
        /// True when `sketch` holds every value.
        sketch_exact: bool,
        sketch: Vec<f64>,
    },
    Categorical {
        categories: BTreeMap<String, u64>,
    },
}

/// Order statistics at levels (i + 0.5) / q of sorted data (or all of it when short).
pub fn sketch(sorted: &[f64], q: usize) -> (bool, Vec<f64>) {
    let n = sorted.len();
    if n <= q {
        return (true, sorted.to_vec());
    }
    let points = (0..q)
        .map(|i| {
            let k = ((i as f64 + 0.5) * n as f64 / q as f64).floor() as usize;
            sorted[k.min(n - 1)]
        })
        .collect();
    (false, points)
}

impl Profile {
    pub fn of(source: &str, rows: u64, bins: usize, columns: &[RefColumn], forced: &HashSet<String>) -> Profile {
        let columns = columns
            .iter()
            .map(|c| ColumnProfile {
                name: c.name.clone(),
                dtype: c.dtype.clone(),
                missing: c.missing,
                number: c.is_number,
                categorical: forced.contains(&c.name),
                values: match &c.values {
                    RefValues::Numbers(r) => {
                        let (exact, points) = match &r.sample {
                            Sample::Exact(sorted) => sketch(sorted, SKETCH_POINTS),
                            Sample::Sketch(p) => (false, p.clone()),
                        };
                        ProfileValues::Numeric {
                            n: r.n,
                            mean: r.mean,
                            sd: r.sd,
                            sd_pop: r.sd_pop,
                            min: r.min,
                            max: r.max,
                            cuts: r.cuts.clone(),
                            counts: r.counts.clone(),
                            sketch_exact: exact,
                            sketch: points,
                        }
                    }
                    RefValues::Categories(c) => {
                        ProfileValues::Categorical { categories: c.iter().map(|(k, v)| (k.clone(), *v)).collect() }
                    }
                },
            })
            .collect();
        Profile { format: FORMAT.into(), version: VERSION, source: source.into(), rows, bins, columns }
    }

    /// Reads a profile saved by `--save-profile`: JSON errors at line:column,
    /// then [`Profile::check`].
    pub fn parse(bytes: &[u8]) -> Result<Profile, String> {
        let profile: Profile = serde_json::from_slice(bytes).map_err(|e| {
            format!("{}:{}: not a valid drift profile: {}", e.line(), e.column(), crate::bounds::quote(&e.to_string()))
        })?;
        profile.check()?;
        Ok(profile)
    }

    /// Checks what serde cannot: the format tag, and that counts add up.
    pub fn check(&self) -> Result<(), String> {
        if self.format != FORMAT {
            return Err(format!("not an abx drift profile (format is `{}`, expected `{FORMAT}`)", self.format));
        }
        if self.rows == 0 {
            return Err("the profile has no rows (`rows: 0`): there is no reference to compare with".into());
        }
        if self.version != VERSION {
            return Err(format!(
                "profile version {} is not supported (this abx reads version {VERSION})",
                self.version
            ));
        }
        if !(2..=crate::bounds::MAX_BINS).contains(&self.bins) {
            return Err(format!(
                "the profile's bins ({}) must be between 2 and {}",
                self.bins,
                crate::bounds::MAX_BINS
            ));
        }
        let mut names = HashSet::new();
        for c in &self.columns {
            if !names.insert(c.name.as_str()) {
                return Err(format!("column `{}` is profiled twice", crate::bounds::quote(&c.name)));
            }
            if let ProfileValues::Numeric { n, cuts, counts, sketch, sketch_exact, .. } = &c.values {
                let sum = counts.iter().try_fold(0u64, |a, &b| a.checked_add(b));
                if counts.len() != cuts.len() + 1 || sum != Some(*n) || (*n > 0 && sketch.is_empty()) {
                    return Err(format!("column `{}`: the PSI counts or the sketch do not match n = {n}", c.name));
                }
                if *sketch_exact && sketch.len() as u64 != *n {
                    return Err(format!("column `{}`: an exact sketch must hold all {n} values", c.name));
                }
                if sketch.windows(2).any(|w| w[0] > w[1]) || cuts.windows(2).any(|w| w[0] >= w[1]) {
                    return Err(format!("column `{}`: the sketch and the cut points must be sorted", c.name));
                }
            }
            if c.missing > self.rows {
                return Err(format!("column `{}`: more missing values than rows", c.name));
            }
            // Every row is a value or a missing value.
            let values = match &c.values {
                ProfileValues::Numeric { n, .. } => Some(*n),
                ProfileValues::Categorical { categories } => {
                    categories.values().try_fold(0u64, |a, &b| a.checked_add(b))
                }
            };
            let values = values.unwrap_or(u64::MAX);
            if values.checked_add(c.missing) != Some(self.rows) {
                return Err(format!(
                    "column `{}`: {values} values and {} missing do not add up to the profile's {} rows",
                    c.name, c.missing, self.rows
                ));
            }
        }
        Ok(())
    }

    /// The reference columns the profile stands for.
    pub fn reference(&self) -> Vec<RefColumn> {
        self.columns
            .iter()
            .map(|c| RefColumn {
                name: c.name.clone(),
                dtype: c.dtype.clone(),
                rows: self.rows,
                missing: c.missing,
                is_number: c.number,
                values: match &c.values {
                    ProfileValues::Numeric { n, mean, sd, sd_pop, min, max, cuts, counts, sketch_exact, sketch } => {
                        RefValues::Numbers(NumericRef {
                            n: *n,
                            mean: *mean,
                            sd: *sd,
                            sd_pop: *sd_pop,
                            min: *min,
                            max: *max,
                            cuts: cuts.clone(),
                            counts: counts.clone(),
                            sample: if *sketch_exact {
                                Sample::Exact(sketch.clone())
                            } else {
                                Sample::Sketch(sketch.clone())
                            },
                        })
                    }
                    ProfileValues::Categorical { categories } => RefValues::Categories(
                        categories.iter().map(|(k, v)| (k.clone(), *v)).collect::<HashMap<_, _>>(),
                    ),
                },
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Equal as a profile must be: NaN equals NaN (a column without values).
    fn same(a: f64, b: f64) -> bool {
        a == b || (a.is_nan() && b.is_nan())
    }

    proptest! {
        // Every profile abx writes reads back to the same reference: save, load, compare.
        #[test]
        fn profiles_round_trip(
            numbers in proptest::collection::vec(proptest::option::of(-1e6f64..1e6), 0..300),
            words in proptest::collection::vec(proptest::option::of("[a-c]{0,2}"), 1..50),
            bins in 2usize..20,
        ) {
            let rows = numbers.len().max(words.len()) as u64;
            let mut sorted: Vec<f64> = numbers.iter().flatten().copied().collect();
            sorted.sort_by(f64::total_cmp);
            let mut cats = HashMap::new();
            for w in words.iter().flatten() {
                *cats.entry(w.clone()).or_insert(0u64) += 1;
            }
            let columns = vec![
                RefColumn {
                    name: "x".into(),
                    dtype: "f64".into(),
                    rows,
                    missing: rows - sorted.len() as u64,
                    is_number: true,
                    values: RefValues::Numbers(NumericRef::from_sorted(sorted, bins)),
                },
                RefColumn {
                    name: "w".into(),
                    dtype: "str".into(),
                    rows,
                    missing: rows - words.iter().flatten().count() as u64,
                    is_number: false,
                    values: RefValues::Categories(cats),
                },
            ];
            let p = Profile::of("ref.csv", rows, bins, &columns, &HashSet::new());
            let text = serde_json::to_string(&p).unwrap();
            let back: Profile = serde_json::from_str(&text).unwrap();
            if rows > 0 {
                prop_assert!(back.check().is_ok(), "{:?}", back.check());
            }
            for (a, b) in p.reference().iter().zip(back.reference()) {
                prop_assert_eq!(&a.name, &b.name);
                prop_assert_eq!(a.missing, b.missing);
                match (&a.values, &b.values) {
                    (RefValues::Numbers(x), RefValues::Numbers(y)) => {
                        prop_assert_eq!(x.n, y.n);
                        for (u, v) in [(x.mean, y.mean), (x.sd, y.sd), (x.sd_pop, y.sd_pop), (x.min, y.min), (x.max, y.max)] {
                            prop_assert!(same(u, v), "{} vs {}", u, v);
                        }
                        prop_assert_eq!(&x.cuts, &y.cuts);
                        prop_assert_eq!(&x.counts, &y.counts);
                    }
                    (RefValues::Categories(x), RefValues::Categories(y)) => prop_assert_eq!(x, y),
                    _ => prop_assert!(false, "kind changed"),
                }
            }
        }
    }

    #[test]
    fn sketch_points_are_order_statistics() {
        let data: Vec<f64> = (0..100).map(f64::from).collect();
        let (exact, p) = sketch(&data, 10);
        assert!(!exact);
        assert_eq!(p, vec![5.0, 15.0, 25.0, 35.0, 45.0, 55.0, 65.0, 75.0, 85.0, 95.0]);
        let (exact, p) = sketch(&data[..5], 10);
        assert!(exact);
        assert_eq!(p.len(), 5);
    }
}
