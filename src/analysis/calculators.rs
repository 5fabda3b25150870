//! The calculators of `abx test`: two-sample tests of one or more treatments
//! against a control from summary numbers (Holm-adjusted across treatments),
//! and the sample-ratio check of observed counts.

use serde::Serialize;

use crate::stats::htest::{
    chi2_goodness_of_fit, chi2_independence, two_means, two_proportions, Counts, RelativeCi, Summary,
};
use crate::stats::multiple::{adjust, Correction};
use crate::stats::Alternative;

/// One comparison's figures; which of the optional ones are present depends on the test.
#[derive(Debug, Clone, Serialize)]
pub struct Figures {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rate_control: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rate_treatment: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mean_control: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mean_treatment: Option<f64>,
    pub statistic: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub df: Option<f64>,
    pub p_value: f64,
    pub diff: f64,
    pub ci_low: f64,
    pub ci_high: f64,
    pub lift: f64,
    pub lift_ci_low: f64,
    pub lift_ci_high: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cohens_h: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cohens_d: Option<f64>,
}

impl Figures {
    /// The control's and the treatment's estimate (rates or means).
    pub fn estimates(&self) -> (f64, f64) {
        match (self.rate_control, self.rate_treatment) {
            (Some(c), Some(t)) => (c, t),
            _ => (self.mean_control.unwrap_or(f64::NAN), self.mean_treatment.unwrap_or(f64::NAN)),
        }
    }
}

/// A treatment's comparison with control.
#[derive(Debug, Clone, Serialize)]
pub struct Compared {
    /// `treatment`, or `treatment_1`, `treatment_2`, ... with several.
    pub variant: String,
    #[serde(flatten)]
    pub figures: Figures,
    /// Holm-adjusted across the treatments.
    pub p_value_holm: f64,
}

/// A two-sample test of every treatment against one control. The first
/// comparison's figures are also at the top level (the contract's fields).
#[derive(Debug, Clone, Serialize)]
pub struct TwoSampleTest {
    /// Means: Student's pooled variance (true) or Welch's (false).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub equal_var: Option<bool>,
    /// Proportions with several treatments: chi-square independence over all arms.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub chi2: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub chi2_p_value: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dof: Option<u64>,
    #[serde(flatten)]
    pub first: Figures,
    pub alpha: f64,
    pub alternative: Alternative,
    pub relative_ci: RelativeCi,
    pub comparisons: Vec<Compared>,
    /// What was tested, in words.
    #[serde(skip)]
    pub title: String,
    /// Whether the figures are rates (proportions) or means.
    #[serde(skip)]
    pub rates: bool,
}

/// How the tests are run.
#[derive(Debug, Clone, Copy)]
pub struct Settings {
    pub alpha: f64,
    pub alternative: Alternative,
    pub relative_ci: RelativeCi,
}

fn compared(figures: Vec<Figures>) -> Vec<Compared> {
    let p: Vec<f64> = figures.iter().map(|f| f.p_value).collect();
    let holm = adjust(Correction::Holm, &p);
    let k = figures.len();
    figures
        .into_iter()
        .zip(holm)
        .enumerate()
        .map(|(i, (figures, p_value_holm))| Compared {
            variant: if k == 1 { "treatment".to_string() } else { format!("treatment_{}", i + 1) },
            figures,
            p_value_holm,
        })
        .collect()
}

fn two_sample(settings: Settings, figures: Vec<Figures>, title: String, rates: bool) -> TwoSampleTest {
    let comparisons = compared(figures);
    let first = comparisons.first().map(|c| c.figures.clone()).unwrap_or_else(nothing);
    TwoSampleTest {
        equal_var: None,
        chi2: None,
        chi2_p_value: None,
        dof: None,
        first,
        alpha: settings.alpha,
        alternative: settings.alternative,
        relative_ci: settings.relative_ci,
        comparisons,
        title,
        rates,
    }
}

/// Figures of no comparison: every value undefined.
fn nothing() -> Figures {
    let nan = f64::NAN;
    Figures {
        rate_control: None,
        rate_treatment: None,
        mean_control: None,
        mean_treatment: None,
        statistic: nan,
        df: None,
        p_value: nan,
        diff: nan,
        ci_low: nan,
        ci_high: nan,
        lift: nan,
        lift_ci_low: nan,
        lift_ci_high: nan,
        cohens_h: None,
        cohens_d: None,
    }
}

/// Pooled two-proportion z-tests of each treatment against control, and
/// with several treatments the chi-square over all arms.
pub fn proportions(control: Counts, treatments: &[Counts], s: Settings) -> TwoSampleTest {
    let figures = treatments
        .iter()
        .map(|t| {
            let r = two_proportions(control, *t, s.alpha, s.alternative, s.relative_ci);
            Figures {
                rate_control: Some(control.rate()),
                rate_treatment: Some(t.rate()),
                statistic: r.statistic,
                p_value: r.p_value,
                diff: r.diff,
                ci_low: r.ci.low,
                ci_high: r.ci.high,
                lift: r.lift,
                lift_ci_low: r.lift_ci.low,
                lift_ci_high: r.lift_ci.high,
                cohens_h: Some(r.cohens_h),
                ..nothing()
            }
        })
        .collect();
    let mut test = two_sample(s, figures, "two-proportion z-test (pooled)".into(), true);
    if treatments.len() > 1 {
        let mut arms = vec![control];
        arms.extend(treatments);
        let chi = chi2_independence(&arms);
        test.chi2 = Some(chi.statistic);
        test.chi2_p_value = Some(chi.p_value);
        test.dof = Some(chi.dof as u64);
        test.title = format!(
            "two-proportion z-tests against control; chi-square over all {} arms: chi2 = {}, dof = {}, p = {}",
            arms.len(),
            crate::numfmt::sig(chi.statistic),
            chi.dof,
            crate::numfmt::sig(chi.p_value)
        );
    }
    test
}

/// Welch's (or with `equal_var` Student's) t-tests of each treatment against
/// control. Refused, with the reason, when a test cannot be computed: both
/// sds 0, or figures that overflow a double.
pub fn means(control: Summary, treatments: &[Summary], equal_var: bool, s: Settings) -> Result<TwoSampleTest, String> {
    let mut figures = Vec::new();
    for t in treatments {
        // A test that cannot be computed is refused, never printed as p = 1 or 0.
        if control.sd == 0.0 && t.sd == 0.0 {
            return Err("both arms have sd 0: a t-test needs variance in at least one of them (the difference is exact or meaningless)".into());
        }
        let r = two_means(control, *t, s.alpha, equal_var, s.alternative, s.relative_ci);
        if ![r.statistic, r.df, r.p_value, r.ci.low, r.ci.high].iter().all(|x| !x.is_nan())
            || !r.statistic.is_finite()
            || ![control.mean, t.mean, control.sd * control.sd, t.sd * t.sd].iter().all(|x| x.is_finite())
        {
            return Err("the numbers are too large to test in double precision (a squared sd or a mean overflows); rescale them (for example to thousands)".into());
        }
        figures.push(Figures {
            mean_control: Some(control.mean),
            mean_treatment: Some(t.mean),
            statistic: r.statistic,
            df: Some(r.df),
            p_value: r.p_value,
            diff: r.diff,
            ci_low: r.ci.low,
            ci_high: r.ci.high,
            lift: r.lift,
            lift_ci_low: r.lift_ci.low,
            lift_ci_high: r.lift_ci.high,
            cohens_d: Some(r.cohens_d),
            ..nothing()
        });
    }
    let title = if equal_var { "Student's t-test (pooled variance)" } else { "Welch's t-test" };
    let mut test = two_sample(s, figures, title.into(), false);
    test.equal_var = Some(equal_var);
    Ok(test)
}

/// The sample-ratio check: chi-square goodness of fit of observed counts to planned weights.
#[derive(Debug, Clone, Serialize)]
pub struct SrmTest {
    pub statistic: f64,
    pub p_value: f64,
    pub dof: u64,
    /// p < 0.001.
    pub srm: bool,
    pub observed: Vec<f64>,
    pub expected_share: Vec<f64>,
}

/// The p-value below which a split is a sample ratio mismatch.
pub const SRM_THRESHOLD: f64 = 0.001;

/// The sample-ratio check of `observed` counts against `weights` (normalised).
pub fn srm(observed: &[f64], weights: &[f64]) -> SrmTest {
    let chi = chi2_goodness_of_fit(observed, weights);
    let wsum: f64 = weights.iter().sum();
    SrmTest {
        statistic: chi.statistic,
        p_value: chi.p_value,
        dof: chi.dof as u64,
        srm: chi.p_value < SRM_THRESHOLD,
        observed: observed.to_vec(),
        expected_share: weights.iter().map(|w| w / wsum).collect(),
    }
}
