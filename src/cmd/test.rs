//! `abx test`: hypothesis tests from summary numbers typed by hand.

use clap::{Args, Subcommand};
use serde_json::{json, Map, Value};

use super::util::usage;
use super::Ctx;
use crate::error::Result;
use crate::exit::ExitStatus;
use crate::numfmt::{json_number, sig_or_infinity};
use crate::report::{Document, Format, Table};
use crate::stats::htest::{
    chi2_goodness_of_fit, chi2_independence, two_means, two_proportions, Counts, RelativeCi, Summary,
};
use crate::stats::multiple::{adjust, Correction};
use crate::stats::Alternative;

#[derive(Debug, Args)]
#[command(
    about = "Hypothesis tests from summary numbers: proportions, means, sample ratio",
    after_help = "Examples:\n  \
abx test proportions --control 480/10000 --treatment 552/10000\n  \
abx test means --control 5000,12.3,4.1 --treatment 5100,12.6,4.3\n  \
abx test srm --observed 50421,49102 --weights 1,1"
)]
pub struct TestArgs {
    #[command(subcommand)]
    pub kind: TestKind,
}

#[derive(Debug, Subcommand)]
pub enum TestKind {
    /// Conversion rates: pooled two-proportion z-test; chi-square over all arms with several treatments
    #[command(after_help = "Examples:\n  abx test proportions --control 480/10000 --treatment 552/10000\n  \
abx test proportions --control 480/10000 --treatment 552/10000 --treatment 501/9800 --format json")]
    Proportions(ProportionsArgs),
    /// Means from n, mean and sd: Welch's t-test (Student's with --equal-var)
    #[command(after_help = "Examples:\n  abx test means --control 5000,12.3,4.1 --treatment 5100,12.6,4.3\n  \
abx test means --control 40,3.1,1.2 --treatment 38,3.6,1.1 --equal-var --alternative greater")]
    Means(MeansArgs),
    /// Sample ratio mismatch: chi-square goodness of fit of unit counts to planned weights
    #[command(
        after_help = "Examples:\n  abx test srm --observed 50421,49102 --weights 1,1\n  abx test srm --observed 1200,3900,3850 --weights 0.1,0.45,0.45"
    )]
    Srm(SrmArgs),
}

#[derive(Debug, Args)]
pub struct Options {
    /// Significance level of the confidence intervals
    #[arg(long, default_value_t = 0.05, value_name = "A")]
    pub alpha: f64,
    /// Alternative hypothesis about treatment minus control
    #[arg(long, value_enum, default_value_t = Alternative::TwoSided)]
    pub alternative: Alternative,
    /// Method of the relative lift's confidence interval
    #[arg(long, value_enum, default_value_t = RelativeCi::Delta)]
    pub relative_ci: RelativeCi,
    /// Output format [default: table on a terminal, else json]
    #[arg(long, short = 'f', value_parser = super::util::formats())]
    pub format: Option<Format>,
}

#[derive(Debug, Args)]
pub struct ProportionsArgs {
    /// Control successes/trials, e.g. 480/10000
    #[arg(long, value_name = "X/N")]
    pub control: String,
    /// Treatment successes/trials; repeat for several treatments
    #[arg(long, value_name = "X/N", required = true)]
    pub treatment: Vec<String>,
    #[command(flatten)]
    pub options: Options,
}

#[derive(Debug, Args)]
pub struct MeansArgs {
    /// Control n,mean,sd, e.g. 5000,12.3,4.1
    #[arg(long, value_name = "N,MEAN,SD", allow_hyphen_values = true)]
    pub control: String,
    /// Treatment n,mean,sd; repeat for several treatments
    #[arg(long, value_name = "N,MEAN,SD", required = true, allow_hyphen_values = true)]
    pub treatment: Vec<String>,
    /// Student's t-test with pooled variance instead of Welch's
    #[arg(long)]
    pub equal_var: bool,
    #[command(flatten)]
    pub options: Options,
}

#[derive(Debug, Args)]
pub struct SrmArgs {
    /// Units observed per variant, comma-separated
    #[arg(long, value_name = "C1,C2,...")]
    pub observed: String,
    /// Planned weights per variant, comma-separated (normalised)
    #[arg(long, value_name = "W1,W2,...")]
    pub weights: String,
    /// Output format [default: table on a terminal, else json]
    #[arg(long, short = 'f', value_parser = super::util::formats())]
    pub format: Option<Format>,
}

fn number(flag: &str, text: &str, s: &str) -> Result<f64> {
    let v: f64 = s.trim().parse().map_err(|_| usage(format!("{flag} {text}: `{}` is not a number", s.trim())))?;
    if !v.is_finite() {
        return Err(usage(format!("{flag} {text}: `{}` is not a finite number", s.trim())));
    }
    Ok(v)
}

fn whole(flag: &str, text: &str, s: &str, what: &str) -> Result<f64> {
    let v = number(flag, text, s)?;
    if v < 0.0 || v.fract() != 0.0 {
        return Err(usage(format!("{flag} {text}: {what} must be a whole number of at least 0, got {}", s.trim())));
    }
    Ok(v)
}

/// Parses `X/N`.
pub fn parse_counts(flag: &str, text: &str) -> Result<Counts> {
    let (x, n) = text
        .split_once('/')
        .ok_or_else(|| usage(format!("{flag} {text}: expected SUCCESSES/TRIALS, e.g. 480/10000")))?;
    let successes = whole(flag, text, x, "successes")?;
    let trials = whole(flag, text, n, "trials")?;
    if trials == 0.0 {
        return Err(usage(format!("{flag} {text}: there are no trials (N must be positive)")));
    }
    if successes > trials {
        return Err(usage(format!(
            "{flag} {text}: {successes} successes out of {trials} trials (successes cannot exceed trials)"
        )));
    }
    Ok(Counts { successes, trials })
}

/// Parses `N,MEAN,SD`.
pub fn parse_summary(flag: &str, text: &str) -> Result<Summary> {
    let parts: Vec<&str> = text.split(',').collect();
    let [n, mean, sd] = parts[..] else {
        return Err(usage(format!("{flag} {text}: expected N,MEAN,SD, e.g. 5000,12.3,4.1")));
    };
    let n = whole(flag, text, n, "n")?;
    if n < 2.0 {
        return Err(usage(format!("{flag} {text}: a t-test needs n >= 2 in every arm, got {n}")));
    }
    let mean = number(flag, text, mean)?;
    let sd = number(flag, text, sd)?;
    if sd < 0.0 {
        return Err(usage(format!("{flag} {text}: the sd cannot be negative, got {sd}")));
    }
    Ok(Summary { n, mean, sd })
}

fn alternative_name(a: Alternative) -> &'static str {
    match a {
        Alternative::TwoSided => "two-sided",
        Alternative::Greater => "greater",
        Alternative::Less => "less",
    }
}

pub fn run(args: &TestArgs, ctx: &Ctx) -> Result<ExitStatus> {
    match &args.kind {
        TestKind::Proportions(a) => run_proportions(a, ctx),
        TestKind::Means(a) => run_means(a, ctx),
        TestKind::Srm(a) => run_srm(a, ctx),
    }
}

/// One comparison's figures, in output order.
type Figures = Vec<(&'static str, f64)>;

/// The report of several comparisons against one control: the first is also
/// given at the top level (the contract's fields), all are in `comparisons`
/// with Holm-adjusted p-values.
fn comparisons_report(title: &str, figures: Vec<Figures>, opts: &Options, mut top: Map<String, Value>) -> Document {
    let names: Vec<String> = match figures.len() {
        1 => vec!["treatment".to_string()],
        k => (1..=k).map(|i| format!("treatment_{i}")).collect(),
    };
    let p: Vec<f64> =
        figures.iter().map(|f| f.iter().find(|(k, _)| *k == "p_value").map_or(f64::NAN, |x| x.1)).collect();
    let p_holm = adjust(Correction::Holm, &p);
    let mut list = Vec::new();
    for (i, (name, f)) in names.iter().zip(&figures).enumerate() {
        let mut o = Map::new();
        o.insert("variant".into(), json!(name));
        for (k, v) in f {
            o.insert(k.to_string(), json_number(*v));
        }
        o.insert("p_value_holm".into(), json_number(p_holm[i]));
        list.push(Value::Object(o));
    }
    if let Some(first) = figures.first() {
        for (k, v) in first {
            top.insert(k.to_string(), json_number(*v));
        }
    }
    top.insert("alpha".into(), json!(opts.alpha));
    top.insert("alternative".into(), json!(alternative_name(opts.alternative)));
    top.insert(
        "relative_ci".into(),
        json!(match opts.relative_ci {
            RelativeCi::Delta => "delta",
            RelativeCi::Fieller => "fieller",
        }),
    );
    top.insert("comparisons".into(), Value::Array(list));

    // People get a compact table: estimates with their intervals in brackets.
    let get = |f: &Figures, k: &str| f.iter().find(|(n, _)| *n == k).map_or(f64::NAN, |x| x.1);
    let (control_key, treatment_key) = if figures.first().is_some_and(|f| f.iter().any(|(k, _)| *k == "rate_control")) {
        ("rate_control", "rate_treatment")
    } else {
        ("mean_control", "mean_treatment")
    };
    let with_ci = |est: f64, lo: f64, hi: f64| {
        format!("{} [{}, {}]", sig_or_infinity(est), sig_or_infinity(lo), sig_or_infinity(hi))
    };
    let mut cols = vec!["variant", control_key, treatment_key, "diff [CI]", "lift [CI]", "statistic", "p_value"];
    if figures.len() > 1 {
        cols.push("p_value_holm");
    }
    let mut table = Table::new(&cols);
    for (i, (name, f)) in names.iter().zip(&figures).enumerate() {
        let mut row = vec![
            json!(name),
            json_number(get(f, control_key)),
            json_number(get(f, treatment_key)),
            json!(with_ci(get(f, "diff"), get(f, "ci_low"), get(f, "ci_high"))),
            json!(with_ci(get(f, "lift"), get(f, "lift_ci_low"), get(f, "lift_ci_high"))),
            json_number(get(f, "statistic")),
            json_number(get(f, "p_value")),
        ];
        if figures.len() > 1 {
            row.push(json_number(p_holm[i]));
        }
        table.push(row);
    }
    let level = (1.0 - opts.alpha) * 100.0;
    let mut notes = vec![format!(
        "{} test, {}% CIs, relative lift CI by the {} method",
        alternative_name(opts.alternative),
        crate::numfmt::sig(level),
        match opts.relative_ci {
            RelativeCi::Delta => "delta",
            RelativeCi::Fieller => "Fieller",
        }
    )];
    if figures.len() > 1 {
        notes.push("p_value_holm: Holm-adjusted across the treatments".into());
    }
    Document { title: Some(title.into()), tables: vec![table], notes, json: Value::Object(top), ..Document::default() }
}

fn run_proportions(a: &ProportionsArgs, ctx: &Ctx) -> Result<ExitStatus> {
    let o = &a.options;
    super::util::open_fraction("--alpha", o.alpha)?;
    let control = parse_counts("--control", &a.control)?;
    let treatments = a.treatment.iter().map(|t| parse_counts("--treatment", t)).collect::<Result<Vec<_>>>()?;
    let figures: Vec<Figures> = treatments
        .iter()
        .map(|t| {
            let r = two_proportions(control, *t, o.alpha, o.alternative, o.relative_ci);
            vec![
                ("rate_control", control.rate()),
                ("rate_treatment", t.rate()),
                ("statistic", r.statistic),
                ("p_value", r.p_value),
                ("diff", r.diff),
                ("ci_low", r.ci.low),
                ("ci_high", r.ci.high),
                ("lift", r.lift),
                ("lift_ci_low", r.lift_ci.low),
                ("lift_ci_high", r.lift_ci.high),
                ("cohens_h", r.cohens_h),
            ]
        })
        .collect();
    let mut top = Map::new();
    let mut title = "two-proportion z-test (pooled)".to_string();
    if treatments.len() > 1 {
        let mut arms = vec![control];
        arms.extend(&treatments);
        let chi = chi2_independence(&arms);
        top.insert("chi2".into(), json_number(chi.statistic));
        top.insert("chi2_p_value".into(), json_number(chi.p_value));
        top.insert("dof".into(), json!(chi.dof as u64));
        title = format!(
            "two-proportion z-tests against control; chi-square over all {} arms: chi2 = {}, dof = {}, p = {}",
            arms.len(),
            crate::numfmt::sig(chi.statistic),
            chi.dof,
            crate::numfmt::sig(chi.p_value)
        );
    }
    let report = comparisons_report(&title, figures, o, top);
    ctx.emit(&report, Format::resolve(o.format, ctx.stdout_tty))?;
    Ok(ExitStatus::Ok)
}

fn run_means(a: &MeansArgs, ctx: &Ctx) -> Result<ExitStatus> {
    let o = &a.options;
    super::util::open_fraction("--alpha", o.alpha)?;
    let control = parse_summary("--control", &a.control)?;
    let treatments = a.treatment.iter().map(|t| parse_summary("--treatment", t)).collect::<Result<Vec<_>>>()?;
    for t in &treatments {
        // A test that cannot be computed is refused, never printed as p = 1 or 0.
        if control.sd == 0.0 && t.sd == 0.0 {
            return Err(usage(
                "both arms have sd 0: a t-test needs variance in at least one of them (the difference is exact or meaningless)",
            ));
        }
        let r = two_means(control, *t, o.alpha, a.equal_var, o.alternative, o.relative_ci);
        if ![r.statistic, r.df, r.p_value, r.ci.low, r.ci.high].iter().all(|x| !x.is_nan())
            || !r.statistic.is_finite()
            || ![control.mean, t.mean, control.sd * control.sd, t.sd * t.sd].iter().all(|x| x.is_finite())
        {
            return Err(usage(
                "the numbers are too large to test in double precision (a squared sd or a mean overflows); rescale them (for example to thousands)",
            ));
        }
    }
    let figures: Vec<Figures> = treatments
        .iter()
        .map(|t| {
            let r = two_means(control, *t, o.alpha, a.equal_var, o.alternative, o.relative_ci);
            vec![
                ("mean_control", control.mean),
                ("mean_treatment", t.mean),
                ("statistic", r.statistic),
                ("df", r.df),
                ("p_value", r.p_value),
                ("diff", r.diff),
                ("ci_low", r.ci.low),
                ("ci_high", r.ci.high),
                ("lift", r.lift),
                ("lift_ci_low", r.lift_ci.low),
                ("lift_ci_high", r.lift_ci.high),
                ("cohens_d", r.cohens_d),
            ]
        })
        .collect();
    let mut top = Map::new();
    top.insert("equal_var".into(), json!(a.equal_var));
    let title = if a.equal_var { "Student's t-test (pooled variance)" } else { "Welch's t-test" };
    let report = comparisons_report(title, figures, o, top);
    ctx.emit(&report, Format::resolve(o.format, ctx.stdout_tty))?;
    Ok(ExitStatus::Ok)
}

fn list(flag: &str, text: &str) -> Result<Vec<f64>> {
    text.split(',').map(|s| number(flag, text, s)).collect()
}

fn run_srm(a: &SrmArgs, ctx: &Ctx) -> Result<ExitStatus> {
    let observed = list("--observed", &a.observed)?;
    let weights = list("--weights", &a.weights)?;
    if observed.len() < 2 {
        return Err(usage(format!("--observed {}: give the counts of at least 2 variants", a.observed)));
    }
    if weights.len() != observed.len() {
        return Err(usage(format!(
            "--weights {} has {} values but --observed {} has {}: give one weight per variant",
            a.weights,
            weights.len(),
            a.observed,
            observed.len()
        )));
    }
    if let Some(o) = observed.iter().find(|o| **o < 0.0 || o.fract() != 0.0) {
        return Err(usage(format!("--observed {}: counts must be whole numbers of at least 0, got {o}", a.observed)));
    }
    if let Some(w) = weights.iter().find(|w| **w <= 0.0) {
        return Err(usage(format!("--weights {}: weights must be positive, got {w}", a.weights)));
    }
    let wsum: f64 = weights.iter().sum();
    if !wsum.is_finite() || weights.iter().any(|w| w / wsum == 0.0) {
        return Err(usage(format!(
            "--weights {}: the weights are too large or too far apart to normalise (a share rounds to 0); give them as shares, such as 1,1",
            a.weights
        )));
    }
    let total: f64 = observed.iter().sum();
    if total == 0.0 {
        return Err(usage(format!("--observed {}: there are no units", a.observed)));
    }
    let chi = chi2_goodness_of_fit(&observed, &weights);
    let mut table = Table::new(&["variant", "observed", "share", "planned"]);
    for (i, (o, w)) in observed.iter().zip(&weights).enumerate() {
        table.push(vec![json!(i + 1), json!(*o as u64), json_number(o / total), json_number(w / wsum)]);
    }
    let flagged = chi.p_value < 0.001;
    let report = Document {
        title: Some("sample ratio mismatch: chi-square goodness of fit".into()),
        fields: vec![
            ("statistic".into(), json_number(chi.statistic)),
            ("dof".into(), json!(chi.dof as u64)),
            ("p_value".into(), json_number(chi.p_value)),
        ],
        tables: vec![table],
        notes: vec![if flagged {
            "SRM: the split differs from the plan (p < 0.001); do not trust this experiment's results".into()
        } else {
            "no sample ratio mismatch at p < 0.001".into()
        }],
        json: json!({
            "statistic": json_number(chi.statistic),
            "p_value": json_number(chi.p_value),
            "dof": chi.dof as u64,
            "srm": flagged,
            "observed": observed,
            "expected_share": weights.iter().map(|w| w / wsum).collect::<Vec<_>>(),
        }),
    };
    ctx.emit(&report, Format::resolve(a.format, ctx.stdout_tty))?;
    Ok(ExitStatus::Ok)
}
