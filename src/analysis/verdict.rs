//! The promotion decision: from an experiment's readout and its `decision`
//! section to promote / keep_control / continue / invalid, with reasons a
//! person can act on. No I/O; `abx verdict` and `abx simulate` both call
//! [`decide`].
//!
//! Order (../shared/CONTRACT.md, then extensions):
//! 1. invalid when the sample-ratio check fails (p < 0.001);
//! 2. continue while any variant has fewer than `min_units_per_variant` units;
//! 3. promote the best treatment that beats control on the primary metric
//!    (corrected across treatments), clears `min_lift`, and worsens no
//!    guardrail beyond its margin;
//! 4. with a horizon (`max_units_per_variant` or `end`) not yet reached and a
//!    treatment still in the running: continue;
//! 5. else keep_control.
//!
//! Before all of that, the lifecycle (CONTRACT.md, Lifecycle): a draft is
//! `continue`, a stopped experiment `keep_control`, a promoted one `promote`
//! its promoted variant, whatever the data holds ([`lifecycle`]).
//!
//! A treatment is judged by the primary comparison's one test (see
//! [`super::Judgement`]); a comparison that test cannot compute never wins,
//! and a guardrail whose interval cannot be computed is not shown to hold.

use chrono::NaiveDate;
use serde::Serialize;

use super::{Analysis, Comparison, Method, MetricResult, SRM_P};
use crate::exit::ExitStatus;
use crate::experiment::{Correction, Direction, Experiment, Status};
use crate::numfmt::{p_value, signed_percent};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Promote,
    KeepControl,
    Continue,
    Invalid,
}

impl Outcome {
    /// The contract's exit statuses.
    pub fn exit_status(self) -> ExitStatus {
        match self {
            Outcome::Promote => ExitStatus::Ok,
            Outcome::KeepControl => ExitStatus::Failure,
            Outcome::Continue => ExitStatus::Continue,
            Outcome::Invalid => ExitStatus::Invalid,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Outcome::Promote => "promote",
            Outcome::KeepControl => "keep_control",
            Outcome::Continue => "continue",
            Outcome::Invalid => "invalid",
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct GuardrailCheck {
    pub metric: String,
    pub margin: f64,
    pub lift: f64,
    /// The end of the relative-lift interval in the metric's worse direction
    /// (null when the interval could not be computed).
    pub worst_case: f64,
    /// The interval could be computed.
    pub measured: bool,
    /// Why not, when it could not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub not_measured: Option<String>,
    /// The worst case stays within the margin (false when not measured).
    pub ok: bool,
    /// Even the better end of the interval is beyond the margin.
    pub clearly_broken: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct VariantUnits {
    pub variant: String,
    pub units: u64,
    pub share: f64,
    pub planned_share: f64,
}

/// One treatment judged against control.
#[derive(Debug, Clone, Serialize)]
pub struct Candidate {
    pub variant: String,
    pub units: u64,
    pub lift: f64,
    /// The relative-lift interval of the judging test (null when it has none).
    pub lift_ci_low: f64,
    pub lift_ci_high: f64,
    /// Treatment minus control, and its interval by the judging test (frequentist).
    pub diff: f64,
    pub diff_ci_low: f64,
    pub diff_ci_high: f64,
    /// Whether the relative lift is defined (a positive control mean).
    pub relative: bool,
    /// The judging test (see the readout's `test`).
    pub test: &'static str,
    /// The p-value the decision uses (frequentist: the contract's p_value;
    /// sequential: the always-valid one); null for bayesian.
    pub p_value: Option<f64>,
    /// `p_value` after the correction across treatments.
    pub p_value_adjusted: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub chance_to_win: Option<f64>,
    /// Bayesian: the expected relative loss of promoting this treatment.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub risk: Option<f64>,
    /// The primary comparison could be computed.
    pub measurable: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub not_measurable: Option<String>,
    /// Significantly better than control on the primary, in its better direction.
    pub beats_control: bool,
    /// Significantly worse than control on the primary.
    pub worse_than_control: bool,
    pub meets_min_lift: bool,
    pub guardrails: Vec<GuardrailCheck>,
    /// Beats control, meets min_lift and keeps every guardrail.
    pub eligible: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct Verdict {
    pub verdict: Outcome,
    /// The variant to promote, or null.
    pub variant: Option<String>,
    pub reasons: Vec<String>,
    pub exit_code: i32,
    pub experiment: String,
    /// The experiment's lifecycle status.
    pub status: Status,
    pub primary: String,
    pub method: Method,
    pub alpha: f64,
    pub correction: Correction,
    /// Null when the lifecycle decides without a sample-ratio check.
    pub srm_p_value: f64,
    /// Units per variant, in file order.
    pub units: Vec<VariantUnits>,
    pub min_units_per_variant: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_units_per_variant: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end: Option<NaiveDate>,
    /// Whether the planned horizon (max units or end date) is reached; null without one.
    pub horizon_reached: Option<bool>,
    pub candidates: Vec<Candidate>,
}

fn finish(mut v: Verdict, outcome: Outcome) -> Verdict {
    v.verdict = outcome;
    v.exit_code = outcome.exit_status().code();
    v
}

fn variant_units(exp: &Experiment, units: &[(String, u64)]) -> Vec<VariantUnits> {
    let total: u64 = units.iter().map(|u| u.1).sum();
    let planned = exp.normalized_weights();
    units
        .iter()
        .map(|(name, n)| VariantUnits {
            variant: name.clone(),
            units: *n,
            share: if total > 0 { *n as f64 / total as f64 } else { f64::NAN },
            planned_share: exp.variant_index(name).map_or(0.0, |i| planned[i]),
        })
        .collect()
}

fn blank(exp: &Experiment, method: Method, alpha: f64, units: &[(String, u64)]) -> Verdict {
    let d = &exp.decision;
    Verdict {
        verdict: Outcome::KeepControl,
        variant: None,
        reasons: Vec::new(),
        exit_code: 0,
        experiment: exp.name.clone(),
        status: exp.status(),
        primary: exp.primary_name(),
        method,
        alpha,
        correction: d.correction,
        srm_p_value: f64::NAN,
        units: variant_units(exp, units),
        min_units_per_variant: d.min_units_per_variant,
        max_units_per_variant: d.max_units_per_variant,
        end: exp.end,
        horizon_reached: None,
        candidates: Vec::new(),
    }
}

/// The verdict an experiment's status gives on its own, whatever the data
/// holds (`units`: the units per variant found in the data, for the record):
/// a draft continues, a stopped experiment keeps control, a promoted one
/// promotes its variant. None for a running experiment.
pub fn lifecycle(exp: &Experiment, units: &[(String, u64)], method: Method, alpha: f64) -> Option<Verdict> {
    let mut v = blank(exp, method, alpha, units);
    let seen: Vec<String> = units.iter().filter(|u| u.1 > 0).map(|(n, c)| format!("{n} {c}")).collect();
    let seen = if seen.is_empty() { "no units".to_string() } else { format!("units: {}", seen.join(", ")) };
    match exp.status() {
        Status::Running => None,
        Status::Draft => {
            v.reasons.push(
                "the experiment is a draft (status: draft): it exposes no unit until `status: running`, so there is nothing to decide yet"
                    .into(),
            );
            v.reasons.push(format!("the data holds {seen}"));
            Some(finish(v, Outcome::Continue))
        }
        Status::Stopped => {
            v.reasons.push(
                "the experiment is stopped (status: stopped): it exposes no unit and no variant can be promoted; set `status: running` to resume it"
                    .into(),
            );
            v.reasons.push(format!("the data holds {seen}"));
            Some(finish(v, Outcome::KeepControl))
        }
        Status::Promoted => {
            let p = exp.promoted.clone().unwrap_or_default();
            let when = exp.promoted_at.map_or_else(
                || "the promotion's date is not recorded (`promoted_at`)".to_string(),
                |d| format!("promoted on {d}"),
            );
            v.reasons.push(format!(
                "{p} was promoted (status: promoted, {when}): every eligible unit gets {p}, so the data since has one variant and needs no sample-ratio check"
            ));
            v.reasons.push(format!("the data holds {seen}"));
            v.variant = Some(p);
            Some(finish(v, Outcome::Promote))
        }
    }
}

/// Decides on `analysis` (of `exp`, a running experiment). `today` is
/// compared with `end`. An error when the decision cannot be made
/// correctly at all (a relative method or margin on a metric whose control
/// mean is not positive).
pub fn decide(exp: &Experiment, analysis: &Analysis, today: NaiveDate) -> Result<Verdict, String> {
    let d = &exp.decision;
    let primary_name = exp.primary_name();
    let units: Vec<(String, u64)> =
        exp.variants.iter().map(|v| v.name.clone()).zip(analysis.srm.observed.iter().copied()).collect();
    let total: u64 = units.iter().map(|u| u.1).sum();
    let horizon_reached = match (d.max_units_per_variant, exp.end) {
        (None, None) => None,
        (max, end) => Some(max.is_some_and(|m| units.iter().all(|u| u.1 >= m)) || end.is_some_and(|e| today >= e)),
    };
    let mut v = blank(exp, analysis.method, analysis.alpha, &units);
    v.srm_p_value = analysis.srm.p_value;
    v.horizon_reached = horizon_reached;
    let primary = analysis.metrics.iter().find(|m| m.name == primary_name);
    if let Some(p) = primary {
        refuse_relative(exp, analysis, p)?;
        v.candidates = candidates(exp, analysis, p, &units);
    }

    // 1. The sample-ratio check.
    if analysis.srm.p_value < SRM_P || total == 0 {
        v.reasons.push(srm_reason(analysis, &units, total));
        return Ok(finish(v, Outcome::Invalid));
    }
    // 2. The minimum sample.
    let short: Vec<&(String, u64)> = units.iter().filter(|u| u.1 < d.min_units_per_variant).collect();
    if !short.is_empty() {
        for (name, n) in short {
            v.reasons.push(format!(
                "{name} has {n} units, fewer than min_units_per_variant {}: keep collecting",
                d.min_units_per_variant
            ));
        }
        return Ok(finish(v, Outcome::Continue));
    }
    let Some(primary) = primary else {
        return Err(format!("the primary metric {primary_name} has no results"));
    };
    // 3. A winner: the eligible treatment with the largest lift in the better direction.
    let sign = if primary.direction == Direction::Increase { 1.0 } else { -1.0 };
    let winner = v
        .candidates
        .iter()
        .filter(|c| c.eligible)
        .max_by(|a, b| (sign * a.lift).total_cmp(&(sign * b.lift)))
        .map(|c| c.variant.clone());
    let method_note = method_note(analysis.method, d.correction, exp.variants.len() - 1);
    if let Some(w) = winner {
        let c = v.candidates.iter().find(|c| c.variant == w).cloned();
        if let Some(c) = c {
            v.reasons.push(format!("{} beats control on {}: {}{}", c.variant, primary.name, effect(&c), method_note));
            if let Some(m) = d.min_lift {
                v.reasons.push(format!("lift {} clears min_lift {}", signed_percent(sign * c.lift), margin(m)));
            }
            for g in &c.guardrails {
                v.reasons.push(guardrail_reason(g));
            }
        }
        v.variant = Some(w);
        return Ok(finish(v, Outcome::Promote));
    }
    for c in &v.candidates.clone() {
        v.reasons.push(why_not(c, primary, d.min_lift, &method_note));
    }
    // 4. A planned horizon not reached: keep going while a treatment can still win.
    let still_running = v.candidates.iter().any(|c| !lost(c));
    if horizon_reached == Some(false) && still_running {
        let until = horizon_text(d.max_units_per_variant, exp.end);
        v.reasons.push(format!("no winner yet; the experiment runs until {until}"));
        return Ok(finish(v, Outcome::Continue));
    }
    match horizon_reached {
        Some(true) => v.reasons.push(format!(
            "the horizon ({}) is reached without a winner",
            horizon_text(d.max_units_per_variant, exp.end)
        )),
        Some(false) => v.reasons.push("every treatment is worse or breaks a guardrail: stopping early".into()),
        None => {}
    }
    Ok(finish(v, Outcome::KeepControl))
}

/// A relative effect needs a positive control mean: the sequential and
/// bayesian methods judge the primary by one, and every method judges a
/// guardrail's margin by one. Without it the question has no answer.
fn refuse_relative(exp: &Experiment, analysis: &Analysis, primary: &MetricResult) -> Result<(), String> {
    let control_mean = |m: &MetricResult| m.variants.first().map_or(f64::NAN, |v| v.mean);
    let relative_method = matches!(analysis.method, Method::Sequential | Method::Bayesian);
    let base = control_mean(primary);
    if relative_method && base.is_finite() && base <= 0.0 {
        return Err(format!(
            "the primary metric {} has a control mean of {}: the {} method judges the relative lift (treatment / control - 1), which is not defined for a control mean that is not positive; use `method: frequentist`, which judges the difference",
            primary.name,
            crate::numfmt::sig(base),
            serde_json::to_value(analysis.method).ok().and_then(|v| v.as_str().map(String::from)).unwrap_or_default()
        ));
    }
    if let (Some(m), true) = (exp.decision.min_lift, base.is_finite() && base <= 0.0) {
        return Err(format!(
            "`min_lift` ({}) is a relative lift, and the primary metric {} has a control mean of {}: a relative lift is not defined for a mean that is not positive; remove `min_lift` to decide on the difference",
            margin(m),
            primary.name,
            crate::numfmt::sig(base)
        ));
    }
    for g in exp.guardrails() {
        let Some(m) = analysis.metrics.iter().find(|m| m.name == g.metric) else { continue };
        let base = control_mean(m);
        if base.is_finite() && base <= 0.0 {
            return Err(format!(
                "guardrail {} has a control mean of {}: its margin {} is relative (a share of control's mean), which is not defined for a mean that is not positive",
                g.metric,
                crate::numfmt::sig(base),
                margin(g.margin)
            ));
        }
    }
    Ok(())
}

/// A treatment that can no longer win: significantly worse on the primary, or
/// a guardrail broken beyond its margin even at the best end of its interval.
fn lost(c: &Candidate) -> bool {
    c.worse_than_control || c.guardrails.iter().any(|g| g.clearly_broken)
}

fn horizon_text(max: Option<u64>, end: Option<NaiveDate>) -> String {
    match (max, end) {
        (Some(m), Some(e)) => format!("{m} units per variant or {e}"),
        (Some(m), None) => format!("{m} units per variant"),
        (None, Some(e)) => format!("{e}"),
        (None, None) => String::new(),
    }
}

fn candidates(
    exp: &Experiment,
    analysis: &Analysis,
    primary: &MetricResult,
    units: &[(String, u64)],
) -> Vec<Candidate> {
    let d = &exp.decision;
    let sign = if primary.direction == Direction::Increase { 1.0 } else { -1.0 };
    primary
        .comparisons
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let j = &c.test;
            let meets_min_lift = d.min_lift.is_none_or(|m| sign * c.lift >= m);
            let guardrails = exp
                .guardrails()
                .iter()
                .filter_map(|g| {
                    let m = analysis.metrics.iter().find(|m| m.name == g.metric)?;
                    let gc = m.comparisons.iter().find(|x| x.variant == c.variant)?;
                    Some(guardrail_check(&g.metric, g.margin, m.direction, gc))
                })
                .collect::<Vec<_>>();
            let beats = c.better && j.measurable;
            let eligible = beats && meets_min_lift && guardrails.iter().all(|g| g.ok);
            let (low, high) = j.lift_ci.map_or((f64::NAN, f64::NAN), |i| (i.low, i.high));
            let (dlow, dhigh) = j.diff_ci.map_or((f64::NAN, f64::NAN), |i| (i.low, i.high));
            let base = primary.variants.first().map_or(f64::NAN, |v| v.mean);
            Candidate {
                variant: c.variant.clone(),
                units: units.get(i + 1).map_or(0, |u| u.1),
                lift: c.lift,
                lift_ci_low: low,
                lift_ci_high: high,
                diff: c.diff,
                diff_ci_low: dlow,
                diff_ci_high: dhigh,
                relative: base > 0.0,
                test: j.name,
                p_value: j.p_value,
                p_value_adjusted: j.p_value_adjusted,
                chance_to_win: j.chance_to_win,
                risk: j.risk,
                measurable: j.measurable,
                not_measurable: j.not_measurable.clone(),
                beats_control: beats,
                worse_than_control: c.worse,
                meets_min_lift,
                guardrails,
                eligible,
            }
        })
        .collect()
}

/// Non-inferiority: the end of the relative-lift interval in the worse
/// direction must stay within the margin (CONTRACT.md, decision rules). The
/// interval is the judging test's; without one the guardrail is not shown
/// to hold.
fn guardrail_check(metric: &str, margin: f64, direction: Direction, c: &Comparison) -> GuardrailCheck {
    let mut g = GuardrailCheck {
        metric: metric.to_string(),
        margin,
        lift: c.lift,
        worst_case: f64::NAN,
        measured: false,
        not_measured: None,
        ok: false,
        clearly_broken: false,
    };
    let interval = c.test.lift_ci.filter(|i| c.test.measurable && i.low.is_finite() && i.high.is_finite());
    let Some(ci) = interval else {
        g.not_measured = Some(
            c.test.not_measurable.clone().or_else(|| c.test.lift_note.clone()).unwrap_or_else(|| "no interval".into()),
        );
        return g;
    };
    // Worsening is the relative change in the worse direction, positive when worse.
    let (worst_case, best_case, worse) = match direction {
        Direction::Increase => (ci.low, ci.high, -1.0),
        Direction::Decrease => (ci.high, ci.low, 1.0),
    };
    g.worst_case = worst_case;
    g.measured = true;
    g.ok = worse * worst_case <= margin;
    g.clearly_broken = worse * best_case > margin;
    g
}

fn effect(c: &Candidate) -> String {
    let ci = if c.relative {
        format!("{} [{}, {}]", signed_percent(c.lift), signed_percent(c.lift_ci_low), signed_percent(c.lift_ci_high))
    } else {
        let f = |x: f64| match x {
            x if !x.is_finite() => "n/a".to_string(),
            x if x > 0.0 => format!("+{}", crate::numfmt::sig(x)),
            x => crate::numfmt::sig(x),
        };
        format!(
            "difference {} [{}, {}] (a relative lift is not defined here)",
            f(c.diff),
            f(c.diff_ci_low),
            f(c.diff_ci_high)
        )
    };
    match (c.p_value_adjusted, c.chance_to_win) {
        (Some(p), _) => format!("{ci}, p = {}", p_value(p)),
        (None, Some(w)) => {
            format!("{ci}, chance to win {:.1}%, risk {}", w * 100.0, c.risk.map_or("n/a".into(), margin))
        }
        _ => ci,
    }
}

fn method_note(method: Method, correction: Correction, treatments: usize) -> String {
    let corr = match correction {
        Correction::None => "uncorrected",
        Correction::Bonferroni => "Bonferroni",
        Correction::Holm => "Holm",
        Correction::Bh => "Benjamini-Hochberg",
    };
    match (method, treatments > 1 && correction != Correction::None) {
        (Method::Frequentist, true) => format!(" ({corr})"),
        (Method::Frequentist, false) => String::new(),
        (Method::Sequential, true) => format!(" (sequential, {corr})"),
        (Method::Sequential, false) => " (sequential)".into(),
        (Method::Bayesian, true) => format!(" (bayesian, threshold Bonferroni-adjusted over {treatments} treatments)"),
        (Method::Bayesian, false) => " (bayesian)".into(),
    }
}

fn guardrail_reason(g: &GuardrailCheck) -> String {
    if !g.measured {
        return format!(
            "{} guardrail could not be measured: {}",
            g.metric,
            g.not_measured.as_deref().unwrap_or("no interval")
        );
    }
    let within = if g.ok { "within" } else { "beyond" };
    format!("{} guardrail: worst case {} {within} margin {}", g.metric, signed_percent(g.worst_case), margin(g.margin))
}

fn margin(m: f64) -> String {
    format!("{}%", crate::numfmt::sig(m * 100.0))
}

fn why_not(c: &Candidate, primary: &MetricResult, min_lift: Option<f64>, note: &str) -> String {
    let sign = if primary.direction == Direction::Increase { 1.0 } else { -1.0 };
    let e = effect(c);
    let m = &primary.name;
    let v = &c.variant;
    if !c.measurable {
        return format!(
            "{v} cannot be judged on {m}: {}",
            c.not_measurable.as_deref().unwrap_or("the test cannot be computed")
        );
    }
    if c.worse_than_control {
        return format!("{v} is worse than control on {m}: {e}{note}");
    }
    if !c.beats_control {
        return format!("{v} does not beat control on {m}: {e}{note}");
    }
    if !c.meets_min_lift {
        return format!(
            "{v} beats control on {m}: {e}{note}, but the lift {} is below min_lift {}",
            signed_percent(sign * c.lift),
            margin(min_lift.unwrap_or(0.0))
        );
    }
    let broken: Vec<String> = c
        .guardrails
        .iter()
        .filter(|g| !g.ok)
        .map(|g| match g.measured {
            true => {
                format!(
                    "{} worsens by up to {} beyond its margin {}",
                    g.metric,
                    signed_percent(g.worst_case),
                    margin(g.margin)
                )
            }
            false => format!(
                "{} could not be measured ({}), so it is not shown to hold",
                g.metric,
                g.not_measured.as_deref().unwrap_or("no interval")
            ),
        })
        .collect();
    let how = if c.guardrails.iter().all(|g| g.ok || g.measured) {
        "breaks its guardrails"
    } else {
        "its guardrails do not hold"
    };
    format!("{v} beats control on {m}: {e}{note}, but {how}: {}", broken.join("; "))
}

fn srm_reason(analysis: &Analysis, units: &[(String, u64)], total: u64) -> String {
    if total == 0 {
        return "SRM: no units at all".into();
    }
    // Name the variant furthest from its planned share.
    let (i, _) = units
        .iter()
        .enumerate()
        .map(|(i, u)| (i, (u.1 as f64 / total as f64 - analysis.srm.expected_share[i]).abs()))
        .max_by(|a, b| a.1.total_cmp(&b.1))
        .unwrap_or((0, 0.0));
    format!(
        "SRM: {} has {:.1}% of units, planned {}%, p = {}: the split is broken, fix the assignment before reading results",
        units[i].0,
        units[i].1 as f64 / total as f64 * 100.0,
        crate::numfmt::sig(analysis.srm.expected_share[i] * 100.0),
        p_value(analysis.srm.p_value)
    )
}

/// The verdict on `src` and the readout it was decided on (none when the
/// lifecycle decides), as `abx verdict` gives them.
pub fn verdict_of(
    src: &super::readout::Source,
    exp: &Experiment,
    today: NaiveDate,
    hooks: &super::readout::Hooks<'_>,
) -> crate::error::Result<(Verdict, Option<super::readout::Readout>)> {
    match exp.status() {
        Status::Draft | Status::Stopped | Status::Promoted => {
            let units = super::readout::units_per_variant(src, exp, hooks)?;
            let v = lifecycle(exp, &units, exp.decision.method, exp.decision.alpha)
                .ok_or_else(|| crate::error::AbxError::Usage("the lifecycle gave no verdict".into()))?;
            Ok((v, None))
        }
        Status::Running => {
            let r = super::readout::readout(src, &[], &super::Options::from_decision(&exp.decision), exp, hooks)?;
            let v = decide(exp, &r.overall, today)
                .map_err(|m| crate::error::AbxError::input(src.experiment.display().to_string(), m))?;
            Ok((v, Some(r)))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        assert_eq!(signed_percent(0.124), "+12.4%");
        assert_eq!(signed_percent(-0.0123), "-1.2%");
        assert_eq!(p_value(3e-6), "3e-6");
        assert_eq!(p_value(0.0123), "0.012");
        assert_eq!(p_value(0.00123), "0.0012");
        assert_eq!(p_value(0.5), "0.500");
    }
}
