//! `abx power`: experiment designs. The sample size for an effect, the power
//! of a sample size, or the effect a sample size can detect, for a
//! two-proportion z-test or a two-sample t-test, with several treatments
//! tested against control at alpha / (K - 1).

use serde::ser::{Serialize, SerializeMap, Serializer};

use crate::numfmt::sig;
use crate::stats::power::{mean_mde, mean_n, mean_power, prop_mde, prop_n, prop_power};
use crate::stats::Sided;

/// What the design is for: the test's settings and what is given.
#[derive(Debug, Clone, Copy)]
pub struct Plan {
    /// Minimum detectable effect (absolute, or relative: see the test's inputs).
    pub mde: Option<f64>,
    /// Units per variant.
    pub n: Option<f64>,
    pub alpha: f64,
    pub power: f64,
    pub sided: Sided,
    /// Variants, control included.
    pub variants: u32,
    /// Treatment units per control unit.
    pub ratio: f64,
    pub daily_units: Option<f64>,
    /// Units per variant over MDEs from half to double `mde`.
    pub curve: bool,
}

impl Plan {
    /// What every design needs of the plan (the command line checks the same,
    /// with the flags' words, before it gets here).
    fn check(&self) -> Result<(), String> {
        let open = |x: f64| x > 0.0 && x < 1.0;
        if !(open(self.alpha) && open(self.power) && self.power > self.alpha) {
            return Err(format!(
                "alpha {} and power {} must lie in (0, 1) with power above alpha",
                self.alpha, self.power
            ));
        }
        if self.variants < 2 {
            return Err(format!("a design needs at least 2 variants (control included), got {}", self.variants));
        }
        if !(self.ratio > 0.0 && self.ratio.is_finite()) {
            return Err(format!("the allocation ratio must be positive, got {}", self.ratio));
        }
        Ok(())
    }
}

/// A figure of a design, typed as its JSON is.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Figure {
    Number(f64),
    /// A whole count of units or days.
    Count(u64),
    Flag(bool),
    Word(&'static str),
}

impl Figure {
    /// A unit count given by the user: an integer when whole.
    fn units(n: f64) -> Figure {
        if n.fract() == 0.0 && n < 9e15 {
            Figure::Count(n as u64)
        } else {
            Figure::Number(n)
        }
    }
}

impl Serialize for Figure {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match *self {
            Figure::Number(x) => x.serialize(s),
            Figure::Count(n) => n.serialize(s),
            Figure::Flag(b) => b.serialize(s),
            Figure::Word(w) => w.serialize(s),
        }
    }
}

/// Units per variant at one MDE of the curve.
#[derive(Debug, Clone, Copy, serde::Serialize)]
pub struct CurvePoint {
    pub mde: f64,
    pub n_per_variant: u64,
    pub n_exact: f64,
}

/// A design: its figures in order (inputs, then what was solved for), and the curve.
#[derive(Debug, Clone)]
pub struct Design {
    /// The test, in words.
    pub title: String,
    pub figures: Vec<(&'static str, Figure)>,
    pub curve: Option<Vec<CurvePoint>>,
    /// Solved for the sample size (so the Bonferroni split matters to the reader).
    pub solved_n: bool,
    pub variants: u32,
}

impl Serialize for Design {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.figures.len() + usize::from(self.curve.is_some())))?;
        for (k, v) in &self.figures {
            m.serialize_entry(k, v)?;
        }
        if let Some(c) = &self.curve {
            m.serialize_entry("curve", c)?;
        }
        m.end()
    }
}

/// What was solved for, as (field, value) pairs in order.
struct Solution {
    fields: Vec<(&'static str, Figure)>,
    n_exact: Option<f64>,
}

/// The most units abx reports as an integer: 2^53, the largest count a
/// double (and a JSON reader) holds exactly.
pub const MAX_UNITS: f64 = 9_007_199_254_740_992.0;

/// A sample size beyond [`MAX_UNITS`] is no design anyone can run: an error,
/// never a wrapped integer.
fn too_many(n: f64) -> String {
    format!(
        "the design needs more than 2^53 (about 9.0e15) units (about {} units); no experiment can reach it: raise --mde or alpha, bring --ratio nearer 1, or lower --power",
        sig(n)
    )
}

fn totals(n_exact: f64, c: &Plan) -> Result<Vec<(&'static str, Figure)>, String> {
    let n_per_variant = n_exact.ceil();
    let n_treatment = (n_exact * c.ratio).ceil();
    let n_total = n_per_variant + n_treatment * f64::from(c.variants - 1);
    if !(n_total.is_finite() && n_total <= MAX_UNITS && n_exact >= 0.0) {
        return Err(too_many(if n_per_variant > MAX_UNITS { n_exact } else { n_total }));
    }
    let mut out = vec![
        ("n_exact", Figure::Number(n_exact)),
        ("n_per_variant", Figure::Count(n_per_variant as u64)),
        ("n_treatment", Figure::Count(n_treatment as u64)),
        ("n_total", Figure::Count(n_total as u64)),
    ];
    if let Some(u) = c.daily_units {
        let days = (n_total / u).ceil();
        if !(days.is_finite() && days <= MAX_UNITS) {
            return Err(format!("at --daily-units {u:?} the design takes more than 2^53 days; check --daily-units"));
        }
        out.push(("days", Figure::Count(days as u64)));
    }
    Ok(out)
}

/// The design from the inputs and the solution: the common settings after
/// the test's inputs, then what was solved, then the curve.
fn finish(
    c: &Plan,
    title: &str,
    mut inputs: Vec<(&'static str, Figure)>,
    sol: Solution,
    curve: Option<Vec<(f64, f64)>>,
) -> Result<Design, String> {
    inputs.push(("alpha", Figure::Number(c.alpha)));
    inputs.push(("alpha_per_comparison", Figure::Number(c.alpha / f64::from(c.variants - 1))));
    inputs.push((
        "sided",
        Figure::Word(match c.sided {
            Sided::Two => "two",
            Sided::One => "one",
        }),
    ));
    inputs.push(("variants", Figure::Count(u64::from(c.variants))));
    inputs.push(("ratio", Figure::Number(c.ratio)));
    inputs.extend(sol.fields);
    let curve = match curve {
        None => None,
        Some(points) => {
            let mut list = Vec::new();
            for (mde, n) in points {
                if !(n.is_finite() && n <= MAX_UNITS) {
                    return Err(too_many(n));
                }
                list.push(CurvePoint { mde, n_per_variant: n.ceil() as u64, n_exact: n });
            }
            Some(list)
        }
    };
    Ok(Design { title: title.into(), figures: inputs, curve, solved_n: sol.n_exact.is_some(), variants: c.variants })
}

/// MDE values for --curve: half to double the given one, 11 points.
fn curve_points(mde: f64) -> Vec<f64> {
    (0..11).map(|i| mde * 0.5 * 4f64.powf(i as f64 / 10.0)).collect()
}

/// A two-proportion z-test's design: `baseline` is the control's rate; a
/// relative MDE multiplies it.
pub fn proportion(c: &Plan, baseline: f64, relative: bool) -> Result<Design, String> {
    c.check()?;
    let p1 = baseline;
    if !(p1 > 0.0 && p1 < 1.0) {
        return Err(format!("--baseline must be a rate between 0 and 1 (exclusive), got {p1:?}"));
    }
    let alpha = c.alpha / f64::from(c.variants - 1);
    let treated = |m: f64| if relative { p1 * (1.0 + m) } else { p1 + m };
    let mut inputs = vec![("baseline", Figure::Number(p1))];
    let sol = match (c.mde, c.n) {
        (Some(m), n) => {
            let p2 = treated(m);
            if !(p2 > 0.0 && p2 < 1.0) || m == 0.0 {
                return Err(format!("--mde {m:?} puts the treatment rate at {p2:?}; it must differ from the baseline and stay between 0 and 1"));
            }
            inputs.push(("mde", Figure::Number(m)));
            inputs.push(("relative", Figure::Flag(relative)));
            inputs.push(("treatment_rate", Figure::Number(p2)));
            match n {
                None => {
                    let n_exact = prop_n(p1, p2, alpha, c.power, c.sided, c.ratio);
                    inputs.push(("power", Figure::Number(c.power)));
                    Solution { fields: totals(n_exact, c)?, n_exact: Some(n_exact) }
                }
                Some(n) => Solution {
                    fields: vec![
                        ("n_per_variant", Figure::units(n)),
                        ("power", Figure::Number(prop_power(p1, p2, n, alpha, c.sided, c.ratio))),
                    ],
                    n_exact: None,
                },
            }
        }
        (None, Some(n)) => {
            let d = prop_mde(p1, n, alpha, c.power, c.sided, c.ratio).ok_or_else(|| {
                format!("no increase over {p1:?} reaches power {:?} with {n:?} units per variant", c.power)
            })?;
            inputs.push(("power", Figure::Number(c.power)));
            Solution {
                fields: vec![
                    ("n_per_variant", Figure::units(n)),
                    ("mde", Figure::Number(d)),
                    ("mde_relative", Figure::Number(d / p1)),
                    ("treatment_rate", Figure::Number(p1 + d)),
                ],
                n_exact: None,
            }
        }
        (None, None) => return Err(GIVE.into()),
    };
    let curve = match (c.curve, c.mde) {
        (true, Some(m)) => Some(
            curve_points(m)
                .into_iter()
                .filter(|&m| (0.0..1.0).contains(&treated(m)))
                .map(|m| (m, prop_n(p1, treated(m), alpha, c.power, c.sided, c.ratio)))
                .collect(),
        ),
        _ => None,
    };
    finish(c, "power: two-proportion z-test", inputs, sol, curve)
}

/// Neither an MDE nor a sample size: nothing to solve for.
const GIVE: &str = "give --mde to solve for the sample size, or --n to solve for the MDE";

/// A two-sample t-test's design: `sd` per unit; with `baseline_mean`, the MDE is relative to it.
pub fn mean(c: &Plan, sd: f64, baseline_mean: Option<f64>) -> Result<Design, String> {
    c.check()?;
    if !(sd > 0.0 && sd.is_finite()) {
        return Err(format!("--sd must be positive, got {:?}", sd));
    }
    if let Some(b) = baseline_mean {
        if !(b != 0.0 && b.is_finite()) {
            return Err(format!("--baseline-mean must be a non-zero number, got {b:?}"));
        }
    }
    let alpha = c.alpha / f64::from(c.variants - 1);
    let absolute = |m: f64| baseline_mean.map_or(m, |b| m * b.abs());
    let mut inputs = vec![("sd", Figure::Number(sd))];
    if let Some(b) = baseline_mean {
        inputs.push(("baseline_mean", Figure::Number(b)));
    }
    let no_solution = || "the power solve did not converge for these inputs".to_string();
    let sol = match (c.mde, c.n) {
        (Some(m), n) => {
            let d = absolute(m);
            if d == 0.0 || !d.is_finite() {
                return Err(format!("--mde must be a non-zero effect, got {m:?}"));
            }
            inputs.push(("mde", Figure::Number(m)));
            inputs.push(("mde_absolute", Figure::Number(d)));
            inputs.push(("effect_size", Figure::Number(d / sd)));
            match n {
                None => {
                    let n_exact = mean_n(d / sd, alpha, c.power, c.sided, c.ratio).ok_or_else(no_solution)?;
                    inputs.push(("power", Figure::Number(c.power)));
                    Solution { fields: totals(n_exact, c)?, n_exact: Some(n_exact) }
                }
                Some(n) => Solution {
                    fields: vec![
                        ("n_per_variant", Figure::units(n)),
                        ("power", Figure::Number(mean_power(d / sd, n, alpha, c.sided, c.ratio))),
                    ],
                    n_exact: None,
                },
            }
        }
        (None, Some(n)) => {
            let es = mean_mde(n, alpha, c.power, c.sided, c.ratio).ok_or_else(no_solution)?;
            inputs.push(("power", Figure::Number(c.power)));
            let mut fields = vec![
                ("n_per_variant", Figure::units(n)),
                ("effect_size", Figure::Number(es)),
                ("mde_absolute", Figure::Number(es * sd)),
            ];
            if let Some(b) = baseline_mean {
                fields.push(("mde", Figure::Number(es * sd / b.abs())));
            } else {
                fields.push(("mde", Figure::Number(es * sd)));
            }
            Solution { fields, n_exact: None }
        }
        (None, None) => return Err(GIVE.into()),
    };
    let curve = match (c.curve, c.mde) {
        (true, Some(m)) => Some(
            curve_points(m)
                .into_iter()
                .filter_map(|m| mean_n(absolute(m) / sd, alpha, c.power, c.sided, c.ratio).map(|n| (m, n)))
                .collect(),
        ),
        _ => None,
    };
    finish(c, "power: two-sample t-test", inputs, sol, curve)
}
