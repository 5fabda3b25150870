//! How a readout (`abx analyze`) reads in each format: a table per metric
//! with its judging test's figures, a flat CSV row per metric and variant,
//! and Prometheus samples.

use serde_json::{json, Value};

use crate::analysis::readout::Readout;
use crate::analysis::{Analysis, Comparison, Correction, Family, Method, MetricResult, SRM_P};
use crate::experiment::{Direction, MetricKind};
use crate::numfmt::{json_number, sig, sig_percent};
use crate::report::{Output, Sample, Table, View};

fn correction_name(c: Correction) -> &'static str {
    match c {
        Correction::None => "none",
        Correction::Bonferroni => "Bonferroni",
        Correction::Holm => "Holm",
        Correction::Bh => "Benjamini-Hochberg (FDR)",
    }
}

/// What judges each kind of metric under the readout's method.
pub(super) fn method_line(a: &Analysis) -> String {
    let level = sig((1.0 - a.alpha) * 100.0);
    let kinds = |k: MetricKind, cuped: bool| {
        a.metrics.iter().any(|m| m.kind == k && m.comparisons.iter().any(|c| c.theta.is_some()) == cuped)
    };
    let mut tests = Vec::new();
    let m = match a.method {
        Method::Frequentist => {
            if kinds(MetricKind::Mean, false) {
                tests.push("means by Welch's t-test (lift interval: Fieller's, from the same test)");
            }
            if kinds(MetricKind::Proportion, false) {
                tests.push("proportions by the pooled z-test (intervals: Mee's and Koopman's score intervals, which invert it)");
            }
            if a.metrics.iter().any(|m| m.kind == MetricKind::Ratio || m.comparisons.iter().any(|c| c.theta.is_some())) {
                tests.push("ratio and CUPED metrics by the delta-method t-test on the difference (lift interval: Fieller's)");
            }
            format!("frequentist, {level}% intervals: {}", tests.join("; "))
        }
        Method::Sequential => format!(
            "sequential: the lift's always-valid {level}% confidence sequence and p-value (gbstats), safe to re-run daily"
        ),
        Method::Bayesian => format!(
            "bayesian: the lift's posterior (gbstats); ▲ when the chance to win reaches {}% and the risk is at most {}%, the interval is the posterior's at the level of that chance",
            sig(a.chance_to_win_threshold.unwrap_or(f64::NAN) * 100.0),
            sig(a.max_risk.unwrap_or(f64::NAN) * 100.0)
        ),
    };
    let family = match a.correction_family {
        Family::Treatments => "across the treatments of each metric",
        Family::TreatmentsXMetrics => "across treatments x metrics",
    };
    let c = match (a.correction, a.method) {
        (Correction::None, _) => "no multiple-testing correction".to_string(),
        (c, Method::Bayesian) => {
            format!("{} correction {family}: the chance to win needed is Bonferroni-adjusted", correction_name(c))
        }
        (c, _) => format!(
            "{} correction {family} (the p-values shown are adjusted, the intervals are not)",
            correction_name(c)
        ),
    };
    let cuped = if a.metrics.iter().any(|m| m.comparisons.iter().any(|c| c.theta.is_some())) {
        "; CUPED with θ pooled over control and each treatment"
    } else {
        ""
    };
    format!("method: {m}; {c}{cuped}")
}

const CSV_COLUMNS: [&str; 25] = [
    "metric",
    "variant",
    "n",
    "mean",
    "sd",
    "diff",
    "ci_low",
    "ci_high",
    "lift",
    "lift_ci_low",
    "lift_ci_high",
    "p_value",
    "p_value_adjusted",
    "lift_p_value",
    "chance_to_win",
    "risk_control",
    "risk_treatment",
    "test",
    "test_measurable",
    "test_p_value_adjusted",
    "test_lift_ci_low",
    "test_lift_ci_high",
    "significant",
    "better",
    "worse",
];

/// CSV rows (a row per metric x variant) of one analysis, after `lead` cells.
fn csv_rows(metrics: &[MetricResult], lead: &[Value], t: &mut Table) {
    for m in metrics {
        for v in &m.variants {
            let c = m.comparisons.iter().find(|c| c.variant == v.variant);
            let f = |g: &dyn Fn(&Comparison) -> f64| c.map_or(Value::Null, |c| json_number(g(c)));
            let o = |g: &dyn Fn(&Comparison) -> Option<f64>| c.and_then(g).map_or(Value::Null, json_number);
            let b = |g: &dyn Fn(&Comparison) -> bool| c.map_or(Value::Null, |c| json!(g(c)));
            let mut row = lead.to_vec();
            row.extend([
                json!(m.name),
                json!(v.variant),
                json!(v.n),
                json_number(v.mean),
                json_number(v.sd),
                f(&|c| c.diff),
                f(&|c| c.ci_low),
                f(&|c| c.ci_high),
                f(&|c| c.lift),
                f(&|c| c.lift_ci_low),
                f(&|c| c.lift_ci_high),
                f(&|c| c.p_value),
                f(&|c| c.p_value_adjusted),
                o(&|c| c.lift_p_value),
                o(&|c| c.chance_to_win),
                o(&|c| c.risk_control),
                o(&|c| c.risk_treatment),
                c.map_or(Value::Null, |c| json!(c.test.name)),
                b(&|c| c.test.measurable),
                o(&|c| c.test.p_value_adjusted),
                o(&|c| c.test.lift_ci.map(|i| i.low)),
                o(&|c| c.test.lift_ci.map(|i| i.high)),
                b(&|c| c.significant),
                b(&|c| c.better),
                b(&|c| c.worse),
            ]);
            t.push(row);
        }
    }
}

impl Output for Readout {
    fn view(&self) -> View {
        readout_view(self)
    }

    /// A row per segment x metric x variant, at full precision.
    fn csv(&self) -> Option<View> {
        if let Some(column) = &self.over_time_column {
            let mut cols = vec![column.as_str()];
            cols.extend(CSV_COLUMNS);
            let mut t = Table::new(&cols);
            for p in &self.over_time {
                csv_rows(&p.metrics, std::slice::from_ref(&p.until), &mut t);
            }
            return Some(View { tables: vec![t], ..View::default() });
        }
        let by: Vec<&String> = self.segments.first().map(|s| s.segment.keys().collect()).unwrap_or_default();
        let mut cols: Vec<&str> = by.iter().map(|b| b.as_str()).collect();
        cols.extend(CSV_COLUMNS);
        let mut t = Table::new(&cols);
        csv_rows(&self.overall.metrics, &vec![json!("(all)"); by.len()], &mut t);
        for s in &self.segments {
            csv_rows(&s.analysis.metrics, &s.segment.values().cloned().collect::<Vec<_>>(), &mut t);
        }
        Some(View { tables: vec![t], ..View::default() })
    }

    fn samples(&self) -> Option<Vec<Sample>> {
        Some(samples(&self.overall))
    }

    fn page(&self) -> crate::report::html::Page {
        super::pages::readout_page(self)
    }
}

/// The whole readout for people: all units first, then each segment.
pub(super) fn readout_view(r: &Readout) -> View {
    let by: Vec<&String> = r.segments.first().map(|s| s.segment.keys().collect()).unwrap_or_default();
    let mut out = analysis_view(&r.overall);
    if let Some(input) = &r.input {
        if input.assigned_by_bucketing {
            out.fields.push((
                "assignment".into(),
                json!(format!(
                    "by the experiment's bucketing of the unit column ({} units not exposed, {} ineligible by targeting)",
                    input.units_not_exposed, input.units_ineligible
                )),
            ));
        }
        for (m, c) in &input.caps {
            out.fields.push((format!("cap {m}"), json!(format!("values above {} set to it", human_num(c)))));
        }
    }
    if let Some(column) = &r.over_time_column {
        out.tables.extend(over_time_tables(r, column));
    }
    if !r.segments.is_empty() {
        let mut cols: Vec<&str> = by.iter().map(|b| b.as_str()).collect();
        cols.extend(["units", "SRM p-value"]);
        let mut t = Table::new(&cols);
        for s in &r.segments {
            let mut row: Vec<Value> = s.segment.values().cloned().collect();
            row.push(json!(s.analysis.srm.observed.iter().sum::<u64>()));
            let p = s.analysis.srm.p_value;
            row.push(json!(if s.analysis.srm.mismatch { format!("{} MISMATCH", sig(p)) } else { sig(p) }));
            t.push(row);
        }
        out.tables
            .push(t.titled(format!("segments by {}", by.iter().map(|b| b.as_str()).collect::<Vec<_>>().join(", "))));
        for s in &r.segments {
            let label: Vec<String> =
                s.segment.iter().map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or(""))).collect();
            for t in analysis_view(&s.analysis).tables {
                let title = t.title.clone().unwrap_or_default();
                out.tables.push(t.titled(format!("[{}] {title}", label.join(", "))));
            }
        }
        if r.input.as_ref().and_then(|i| i.units_in_several_segments).is_some_and(|n| n > 0) {
            out.notes.push(
                "segments roll events up per unit and segment: a unit with events in several segments counts in each"
                    .into(),
            );
        }
    }
    out
}

/// Per metric, the running lift of each treatment at each value of the column.
fn over_time_tables(r: &Readout, column: &str) -> Vec<Table> {
    let mut out = Vec::new();
    for (k, m) in r.overall.metrics.iter().enumerate() {
        let mut cols = vec![column.to_string(), "units".to_string()];
        cols.extend(m.comparisons.iter().map(|c| format!("{} lift [interval]", c.variant)));
        let colrefs: Vec<&str> = cols.iter().map(String::as_str).collect();
        let mut t = Table::new(&colrefs);
        for p in &r.over_time {
            let mut row = vec![p.until.clone(), json!(p.srm.observed.iter().sum::<u64>())];
            let Some(pm) = p.metrics.get(k) else { continue };
            for c in &m.comparisons {
                row.push(match pm.comparisons.iter().find(|pc| pc.variant == c.variant) {
                    Some(pc) if pc.test.measurable => json!(format!(
                        "{} {} {}",
                        sig_percent(pc.lift),
                        interval_text(pc.test.lift_ci, sig_percent),
                        mark(pc)
                    )
                    .trim_end()),
                    _ => json!("-"),
                });
            }
            t.push(row);
        }
        out.push(t.titled(format!("{} over {column} (cumulative)", m.name)));
    }
    out
}

fn human_num(v: &Value) -> String {
    v.as_f64().map_or_else(|| v.to_string(), sig)
}

/// The Prometheus samples of an analysis.
fn samples(a: &Analysis) -> Vec<Sample> {
    let labels = |v: &str, m: Option<&str>| {
        let mut l = vec![("experiment".to_string(), a.experiment.clone()), ("variant".to_string(), v.to_string())];
        if let Some(m) = m {
            l.push(("metric".to_string(), m.to_string()));
        }
        l
    };
    let mut out = Vec::new();
    let mut sample = |name, help, kind, labels, value| out.push(Sample { name, help, kind, labels, value });
    for (v, n) in a.metrics.first().map(|m| &m.variants).into_iter().flatten().zip(&a.srm.observed) {
        sample(
            "experiment_variant_assigned_total",
            "Units assigned to the variant.",
            "counter",
            labels(&v.variant, None),
            *n as f64,
        );
    }
    for m in &a.metrics {
        for v in &m.variants {
            let l = labels(&v.variant, Some(&m.name));
            sample(
                "experiment_outcome_total",
                "Sum of the metric over the variant's units (conversions for a proportion).",
                "counter",
                l.clone(),
                v.sum,
            );
            if m.kind == MetricKind::Proportion {
                sample(
                    "experiment_conversion_rate",
                    "Share of the variant's units that converted.",
                    "gauge",
                    l.clone(),
                    v.mean,
                );
            } else {
                sample("experiment_metric_mean", "Mean of the metric in the variant.", "gauge", l.clone(), v.mean);
            }
            sample("experiment_sample_size", "Units with a value of the metric.", "gauge", l, v.n as f64);
        }
    }
    sample(
        "experiment_srm_p_value",
        "Sample-ratio check p-value (chi-square against the planned split).",
        "gauge",
        vec![("experiment".to_string(), a.experiment.clone())],
        a.srm.p_value,
    );
    out
}

/// An interval as people read it, with its open or missing ends.
pub(super) fn interval_text(i: Option<crate::stats::Interval>, f: impl Fn(f64) -> String) -> String {
    match i {
        Some(i) if i.low.is_finite() && i.high.is_finite() => format!("[{}, {}]", f(i.low), f(i.high)),
        Some(i) if i.low.is_finite() => format!("[{}, ∞)", f(i.low)),
        Some(i) if i.high.is_finite() => format!("(-∞, {}]", f(i.high)),
        Some(_) | None => "[unbounded]".into(),
    }
}

/// The table's mark: from the judging test alone.
pub(super) fn mark(c: &Comparison) -> &'static str {
    match (c.test.measurable, c.better, c.worse) {
        (false, _, _) => "not measurable",
        (true, true, _) => "▲ better",
        (true, _, true) => "▼ worse",
        (true, false, false) => "",
    }
}

/// One analysis for people: the sample-ratio check, a table per metric, and how it was judged.
pub fn analysis_view(a: &Analysis) -> View {
    let srm = &a.srm;
    let srm_text = if srm.mismatch {
        format!(
            "MISMATCH, p = {} < {SRM_P}: the split differs from the plan, do not trust these results",
            sig(srm.p_value)
        )
    } else {
        format!("ok (chi2 = {}, p = {})", sig(srm.statistic), sig(srm.p_value))
    };
    let fields = vec![("SRM".to_string(), json!(srm_text))];
    let mut tables = Vec::new();
    let mut notes = vec![method_line(a)];
    for m in &a.metrics {
        tables.push(metric_table(a, m));
        for c in &m.comparisons {
            if let Some(why) = &c.test.not_measurable {
                notes.push(format!("{} on {}: not measurable: {why}", c.variant, m.name));
            } else if let Some(why) = &c.test.lift_note {
                notes.push(format!("{} on {}: lift interval: {why}", c.variant, m.name));
            }
        }
    }
    View { title: Some(format!("experiment {}", a.experiment)), fields, tables, notes, headline: None }
}

/// One metric's table: its judging test's figures only, headed by what they are.
pub(super) fn metric_table(a: &Analysis, m: &MetricResult) -> Table {
    let level = m.comparisons.first().map_or(1.0 - a.alpha, |c| c.test.level);
    let lvl = format!("{}%", sig(level * 100.0));
    let adjusted = a.correction != Correction::None;
    let with_missing = m.variants.iter().any(|v| v.missing > 0);
    let mut cols: Vec<String> = vec!["variant".into(), "n".into()];
    if with_missing {
        cols.push("missing".into());
    }
    cols.push("mean".into());
    match a.method {
        Method::Frequentist => {
            cols.push(format!("diff [{lvl} CI]"));
            cols.push(format!("lift [{lvl} CI]"));
            cols.push(if adjusted { format!("p ({})", correction_name(a.correction)) } else { "p-value".into() });
        }
        Method::Sequential => {
            cols.push("diff".into());
            cols.push(format!("lift [{lvl} CS]"));
            cols.push(if adjusted {
                format!("p, always valid ({})", correction_name(a.correction))
            } else {
                "p, always valid".into()
            });
        }
        Method::Bayesian => {
            cols.push("diff".into());
            cols.push(format!("lift [{lvl} CrI]"));
            cols.push("chance to win".into());
            cols.push("risk".into());
        }
    }
    cols.push("".into());
    let colrefs: Vec<&str> = cols.iter().map(String::as_str).collect();
    let mut t = Table::new(&colrefs);
    for v in &m.variants {
        let c = m.comparisons.iter().find(|c| c.variant == v.variant);
        let mut row = vec![json!(v.variant), json!(v.n)];
        if with_missing {
            row.push(json!(v.missing));
        }
        row.push(json_number(v.mean));
        let Some(c) = c else {
            row.push(json!("(control)"));
            while row.len() < cols.len() {
                row.push(json!(""));
            }
            t.push(row);
            continue;
        };
        let j = &c.test;
        let lift = match (j.measurable, j.lift_ci, &j.lift_note) {
            (false, _, _) => "-".to_string(),
            (true, None, _) if j.lift_rays.is_some() => {
                let [low, high] = j.lift_rays.unwrap_or_default();
                format!("{} (-∞, {}] ∪ [{}, ∞)", sig_percent(c.lift), sig_percent(low), sig_percent(high))
            }
            (true, None, Some(_)) if m.variants[0].mean.is_nan() || m.variants[0].mean <= 0.0 => "n/a".to_string(),
            (true, ci, _) => format!("{} {}", sig_percent(c.lift), interval_text(ci, sig_percent)),
        };
        let diff = if c.diff.is_finite() { sig(c.diff) } else { "-".into() };
        let diff_ci = if j.measurable { format!("{diff} {}", interval_text(j.diff_ci, sig)) } else { diff };
        match a.method {
            Method::Frequentist => {
                row.push(json!(diff_ci));
                row.push(json!(lift));
                row.push(j.p_value_adjusted.map_or(json!("-"), json_number));
            }
            Method::Sequential => {
                row.push(json_number(c.diff));
                row.push(json!(lift));
                row.push(j.p_value_adjusted.map_or(json!("-"), json_number));
            }
            Method::Bayesian => {
                row.push(json_number(c.diff));
                row.push(json!(lift));
                row.push(json!(j.chance_to_win.map_or("-".into(), sig_percent)));
                row.push(json!(j.risk.map_or("-".into(), sig_percent)));
            }
        }
        row.push(json!(mark(c)));
        t.push(row);
    }
    let dir = if m.direction == Direction::Increase { "higher is better" } else { "lower is better" };
    let kind = serde_json::to_value(m.kind).ok().and_then(|k| k.as_str().map(String::from)).unwrap_or_default();
    let primary = if m.primary { ", primary" } else { "" };
    let reductions: Vec<String> = m.comparisons.iter().filter_map(|c| c.variance_reduction).map(sig_percent).collect();
    let cuped = if reductions.is_empty() {
        String::new()
    } else {
        format!(", CUPED: variance reduced by {}", reductions.join(" / "))
    };
    t.titled(format!("{} ({kind}, {dir}{primary}{cuped})", m.name))
}
