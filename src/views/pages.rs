//! The HTML pages of results with charts: a readout (the SRM check first, a
//! forest plot per metric, segments as small multiples, results over time),
//! a verdict (its banner, then the readout it decided on), drift (each
//! column's two distributions, drifted columns first) and the power curve.
//! Built from the typed results only, as every other format is.

use serde_json::json;

use super::readout::{analysis_view, interval_text, mark, method_line, metric_table, readout_view};
use crate::analysis::readout::Readout;
use crate::analysis::verdict::{Outcome, Verdict};
use crate::analysis::{Analysis, Comparison, Method, MetricResult};
use crate::design::Design;
use crate::drift::report::DriftReport;
use crate::drift::{Kind, Shape};
use crate::experiment::Direction;
use crate::numfmt::{plural, sig, sig_percent};
use crate::report::html::{Block, Level, Page};
use crate::report::svg::{Axis, Bars, Forest, ForestRow, LineChart, Series, Tone, XScale};
use crate::report::{Headline, Output};

/// Wide charts fit 1280 px with the page's margins; small multiples fit three abreast.
const WIDE: f64 = 1100.0;
const SMALL: f64 = 360.0;

fn interval_word(method: Method) -> &'static str {
    match method {
        Method::Frequentist => "confidence interval",
        Method::Sequential => "always-valid confidence sequence",
        Method::Bayesian => "credible interval",
    }
}

/// The lift interval a comparison is judged by: open ends infinite, NaN when there is none.
fn lift_interval(c: &Comparison) -> (f64, f64, f64) {
    if !c.test.measurable || !c.lift.is_finite() {
        return (f64::NAN, f64::NAN, f64::NAN);
    }
    match c.test.lift_ci {
        Some(i) => (c.lift, i.low, i.high),
        None => (c.lift, f64::NEG_INFINITY, f64::INFINITY),
    }
}

fn tone(c: &Comparison) -> Tone {
    match (c.better, c.worse) {
        (true, _) => Tone::Good,
        (_, true) => Tone::Bad,
        _ => Tone::Neutral,
    }
}

/// What the mark says in words, with the test's figure.
fn note(a: &Analysis, c: &Comparison) -> String {
    let word = match mark(c) {
        "" => "not significant",
        m => m,
    };
    let figure = match (a.method, c.test.p_value_adjusted, c.test.chance_to_win) {
        (Method::Bayesian, _, Some(w)) => format!(" · chance to win {}", sig_percent(w)),
        (_, Some(p), _) => format!(" · p = {}", sig(p)),
        _ => String::new(),
    };
    format!("{word}{figure}")
}

/// The guardrail line of a metric: where the lift reaches its margin in the worse direction.
fn margin_line(r: &Readout, m: &MetricResult) -> Vec<(f64, String)> {
    r.guardrails
        .iter()
        .filter(|(name, margin)| *name == m.name && *margin > 0.0)
        .map(|(_, margin)| {
            let at = if m.direction == Direction::Increase { -margin } else { *margin };
            (at, format!("guardrail margin {}", crate::numfmt::signed_percent(at)))
        })
        .collect()
}

/// A metric's forest plot: a row per treatment.
fn forest(a: &Analysis, m: &MetricResult, refs: Vec<(f64, String)>, width: f64, title: String) -> Forest {
    let level = m.comparisons.first().map_or(1.0 - a.alpha, |c| c.test.level);
    let rows = m
        .comparisons
        .iter()
        .map(|c| {
            let (estimate, low, high) = lift_interval(c);
            ForestRow { label: c.variant.clone(), estimate, low, high, tone: tone(c), note: note(a, c) }
        })
        .collect();
    Forest {
        title,
        axis_title: format!(
            "lift vs control, {}% {} ({})",
            sig(level * 100.0),
            interval_word(a.method),
            if m.direction == Direction::Increase { "higher is better" } else { "lower is better" }
        ),
        percent: true,
        rows,
        refs,
        axis: None,
        width,
    }
}

fn srm_alert(a: &Analysis) -> Block {
    let names: Vec<&str> =
        a.metrics.first().map(|m| m.variants.iter().map(|v| v.variant.as_str()).collect()).unwrap_or_default();
    let total: u64 = a.srm.observed.iter().sum();
    let split: Vec<String> = names
        .iter()
        .zip(&a.srm.observed)
        .zip(&a.srm.expected_share)
        .map(|((v, n), e)| {
            let share = if total > 0 { *n as f64 / total as f64 } else { f64::NAN };
            format!("{v} {n} ({} of units, planned {})", sig_percent(share), sig_percent(*e))
        })
        .collect();
    if a.srm.mismatch {
        Block::Alert {
            level: Level::Bad,
            text: format!(
                "Sample ratio mismatch (chi-square p = {}): the split differs from the plan, so the results below are not trustworthy. {}",
                sig(a.srm.p_value),
                split.join("; ")
            ),
        }
    } else {
        Block::Alert {
            level: Level::Ok,
            text: format!("Sample ratio check passed (chi-square p = {}). {}", sig(a.srm.p_value), split.join("; ")),
        }
    }
}

/// The readout's body: SRM, how it was judged, each metric's chart and table.
fn analysis_blocks(p: &mut Page, r: &Readout) {
    let a = &r.overall;
    p.push(srm_alert(a));
    p.push(Block::Paragraph(format!("How it was judged: {}.", method_line(a))));
    let view = readout_view(r);
    let fields: Vec<_> = view.fields.into_iter().filter(|(k, _)| k != "SRM").collect();
    if !fields.is_empty() {
        p.push(Block::Fields(fields));
    }
    // Asked for, the running results come first.
    if !r.over_time.is_empty() {
        over_time_blocks(p, r);
    }
    for m in &a.metrics {
        let t = metric_table(a, m);
        let title = t.title.clone().unwrap_or_else(|| m.name.clone());
        p.push(Block::Heading(title));
        let f = forest(a, m, margin_line(r, m), WIDE, format!("{}: lift per treatment", m.name));
        p.push(Block::Figure {
            svg: f.svg(),
            caption: format!(
                "Each bar is a treatment's lift over control with its interval; the square is the estimate. Green with ▲ is better, red with ▼ worse, grey not significant{}.",
                if margin_line(r, m).is_empty() { "" } else { "; the dashed line is the guardrail's margin" }
            ),
        });
        p.push(Block::Table(crate::report::Table { title: None, ..t }));
    }
    if !r.segments.is_empty() {
        segment_blocks(p, r);
    }
    let notes: Vec<String> = analysis_view(a).notes.into_iter().skip(1).collect();
    if !notes.is_empty() {
        p.push(Block::Heading("Notes".into()));
        p.push(Block::Notes(notes));
    }
}

/// Segments: the SRM per segment, then per metric a small forest per segment on one axis.
fn segment_blocks(p: &mut Page, r: &Readout) {
    let by: Vec<String> = r.segments.first().map(|s| s.segment.keys().cloned().collect()).unwrap_or_default();
    p.push(Block::Heading(format!("Segments by {}", by.join(", "))));
    if let Some(t) =
        readout_view(r).tables.into_iter().find(|t| t.title.as_deref().is_some_and(|x| x.starts_with("segments by")))
    {
        p.push(Block::Table(t));
    }
    let label = |s: &crate::analysis::readout::SegmentReadout| {
        s.segment.iter().map(|(k, v)| format!("{k} = {}", v.as_str().unwrap_or(""))).collect::<Vec<_>>().join(", ")
    };
    for (k, m) in r.overall.metrics.iter().enumerate() {
        let forests: Vec<(Forest, String)> = r
            .segments
            .iter()
            .filter_map(|s| {
                let sm = s.analysis.metrics.get(k)?;
                let units: u64 = s.analysis.srm.observed.iter().sum();
                Some((
                    forest(&s.analysis, sm, margin_line(r, m), SMALL, label(s)),
                    format!("{}: {}", label(s), plural(units, "unit")),
                ))
            })
            .collect();
        // One axis for all, so that the segments compare at a glance.
        let axis = Axis::covering(
            forests.iter().flat_map(|(f, _)| {
                let a = f.natural_axis();
                [a.lo, a.hi]
            }),
            5,
            true,
        );
        let figs = forests
            .into_iter()
            .map(|(mut f, caption)| {
                f.axis = Some(axis.clone());
                f.axis_title = "lift vs control".into();
                (f.svg(), caption)
            })
            .collect();
        p.push(Block::Paragraph(format!("{}: lift per treatment in each segment (shared axis)", m.name)));
        p.push(Block::Grid { min: SMALL as u32, figures: figs });
    }
}

/// The points a chart draws: every one up to [`CHART_POINTS`], else evenly
/// spaced ones and the last, so that a page stays small.
const CHART_POINTS: usize = 400;

fn drawn_points(n: usize) -> Vec<usize> {
    if n <= CHART_POINTS {
        return (0..n).collect();
    }
    let mut out: Vec<usize> = (0..CHART_POINTS).map(|i| i * (n - 1) / (CHART_POINTS - 1)).collect();
    out.dedup();
    out
}

/// Results over time: per metric the running lift with its interval, then the units.
fn over_time_blocks(p: &mut Page, r: &Readout) {
    let column = r.over_time_column.clone().unwrap_or_default();
    let a = &r.overall;
    let labels: Vec<String> =
        r.over_time.iter().map(|pt| pt.until.as_str().map_or_else(|| pt.until.to_string(), String::from)).collect();
    p.push(Block::Heading(format!("Over {column} (cumulative)")));
    let why = match a.method {
        Method::Sequential => "The band is the always-valid confidence sequence: it holds at every look at once, so checking it daily and stopping when it clears zero keeps the error rate at alpha. ",
        Method::Frequentist => "A fixed-horizon interval holds at the planned end only: stopping early when it first clears zero inflates false positives (use --method sequential to look daily). ",
        Method::Bayesian => "",
    };
    p.push(Block::Paragraph(format!(
        "{why}Each line is a treatment's lift on the units up to each {column}, the band its {}; one chart per metric and treatment.",
        interval_word(a.method)
    )));
    for (k, m) in a.metrics.iter().enumerate() {
        let mut series = Vec::new();
        for c in &m.comparisons {
            let mut points = Vec::new();
            let mut band = Vec::new();
            for i in drawn_points(r.over_time.len()) {
                let pt = &r.over_time[i];
                let Some(pc) = pt.metrics.get(k).and_then(|pm| pm.comparisons.iter().find(|x| x.variant == c.variant))
                else {
                    continue;
                };
                let (est, lo, hi) = lift_interval(pc);
                if est.is_finite() {
                    points.push((i as f64, est));
                    band.push((i as f64, lo, hi));
                }
            }
            series.push(Series { name: c.variant.clone(), points, band: Some(band), step: false });
        }
        // One axis for every treatment: the estimates and the later half's
        // bands; earlier, wider bands are clipped at its edges.
        let half = r.over_time.len() / 2;
        let axis = Axis::covering(
            series
                .iter()
                .flat_map(|s| {
                    let est = s.points.iter().map(|p| p.1);
                    let late = s.band.iter().flatten().filter(|b| b.0 as usize >= half).flat_map(|b| [b.1, b.2]);
                    est.chain(late).collect::<Vec<_>>()
                })
                .chain([0.0]),
            6,
            true,
        );
        let figs = series
            .into_iter()
            .zip(&m.comparisons)
            .map(|(s, c)| {
                let title = format!("{}: {} vs control", m.name, s.name);
                let chart = LineChart {
                    y_percent: true,
                    refs: vec![(0.0, "no effect".into())],
                    y_axis: Some(axis.clone()),
                    width: 540.0,
                    ..LineChart::new(title, column.clone(), "cumulative lift", XScale::Labels(labels.clone()), vec![s])
                };
                let caption = format!(
                    "Last value: {} {}, {}.",
                    sig_percent(c.lift),
                    interval_text(c.test.lift_ci, sig_percent),
                    note(a, c)
                );
                (chart.svg(), caption)
            })
            .collect();
        p.push(Block::Grid { min: 540, figures: figs });
    }
    let names: Vec<String> =
        a.metrics.first().map(|m| m.variants.iter().map(|v| v.variant.clone()).collect()).unwrap_or_default();
    let series = names
        .iter()
        .enumerate()
        .map(|(j, v)| {
            let at = |i: usize| r.over_time[i].srm.observed.get(j).copied().unwrap_or(0) as f64;
            Series::line(
                v.clone(),
                drawn_points(r.over_time.len()).into_iter().map(|i| (i as f64, at(i))).collect(),
                false,
            )
        })
        .collect();
    let units =
        LineChart::new("Units per variant (cumulative)", column.clone(), "units", XScale::Labels(labels), series);
    p.push(Block::Figure { svg: units.svg(), caption: format!("Units per variant up to each {column}.") });
    p.push(Block::Table(over_time_table(r, &column)));
}

/// The first metric's running figures as a table, for readers of the text.
fn over_time_table(r: &Readout, column: &str) -> crate::report::Table {
    let mut t = readout_view(r)
        .tables
        .into_iter()
        .find(|t| t.title.as_deref().is_some_and(|x| x.ends_with("(cumulative)")))
        .unwrap_or_else(|| crate::report::Table::new(&[column]));
    // The rows the charts draw (all of them up to CHART_POINTS); JSON and CSV have every one.
    if t.rows.len() > CHART_POINTS {
        let keep = drawn_points(t.rows.len());
        t.rows = keep.into_iter().map(|i| t.rows[i].clone()).collect();
        t.title = t.title.map(|x| format!("{x}, {CHART_POINTS} of its values"));
    }
    t
}

/// `abx analyze --format html`.
pub fn readout_page(r: &Readout) -> Page {
    let mut p = Page::new(format!("Experiment {}", r.overall.experiment));
    analysis_blocks(&mut p, r);
    p
}

fn verdict_level(v: &Verdict) -> Level {
    match v.verdict {
        Outcome::Promote => Level::Ok,
        Outcome::KeepControl | Outcome::Invalid => Level::Bad,
        Outcome::Continue => Level::Warn,
    }
}

/// `abx verdict --format html`: the verdict and its reasons first, the
/// figures it was decided on, then the readout when there is one.
pub fn verdict_page(v: &Verdict, readout: Option<&Readout>) -> Page {
    let mut p = Page::new(format!("Verdict for {}", v.experiment));
    let view = v.view();
    let headline = view.headline.clone().unwrap_or_default();
    p.push(Block::Banner { level: verdict_level(v), headline: Headline { label: "Verdict".into(), ..headline } });
    p.add_view_body(&view);
    if let Some(r) = readout {
        p.push(Block::Heading("The readout it was decided on".into()));
        analysis_blocks(&mut p, r);
    }
    p
}

/// `abx drift --format html`.
pub fn drift_page(d: &DriftReport) -> Page {
    let mut p = Page::new(format!("Drift: {} against {}", d.current, d.reference));
    let word = if d.drift { "DRIFT" } else { "NO DRIFT" };
    let points = vec![format!(
        "{} of {} columns drifted ({}); {} rows in the reference, {} in the current data",
        d.columns_drifted,
        d.columns_checked,
        sig_percent(d.drift_share),
        d.rows_reference,
        d.rows_current
    )];
    p.push(Block::Banner {
        level: if d.drift { Level::Bad } else { Level::Ok },
        headline: Headline { label: "Dataset".into(), text: word.into(), points },
    });
    let view = d.view();
    p.push(Block::Fields(view.fields.clone()));
    let mut cols: Vec<&crate::drift::ColumnDrift> = d.columns.iter().collect();
    cols.sort_by_key(|c| !c.drift);
    for c in cols {
        let verdict = if c.drift { "DRIFT" } else { "no drift" };
        let kind =
            serde_json::to_value(c.kind).ok().and_then(|k| k.as_str().map(|k| k.replace('_', " "))).unwrap_or_default();
        p.push(Block::Heading(format!("{}: {verdict} ({kind})", c.column)));
        let stat = column_statistics(c, d);
        p.push(Block::Paragraph(stat));
        match &c.shape {
            Some(Shape::Ecdf { reference, current }) => {
                let series = vec![
                    Series::line("reference", reference.clone(), true),
                    Series::line("current", current.clone(), true),
                ];
                let title = format!("{}: cumulative distribution", c.column);
                let x = XScale::Numbers { percent: false };
                let chart = LineChart {
                    y_percent: true,
                    ..LineChart::new(title, c.column.clone(), "share of values at most x", x, series)
                };
                p.push(Block::Figure {
                    svg: chart.svg(),
                    caption: "Empirical cumulative distributions (from at most 200 quantiles of each side): the largest vertical gap is the KS statistic.".into(),
                });
            }
            Some(Shape::Shares(rows)) => {
                let bars = Bars {
                    title: format!("{}: share of each category", c.column),
                    groups: vec!["reference".into(), "current".into()],
                    rows: rows.iter().map(|(k, r, cur)| (k.clone(), vec![*r, *cur])).collect(),
                    x_title: "share of non-missing values".into(),
                    width: WIDE,
                };
                p.push(Block::Figure {
                    svg: bars.svg(),
                    caption: "Reference bars solid, current bars outlined.".into(),
                });
            }
            None => {}
        }
        let mut notes = c.reasons.clone();
        notes.extend(c.notes.iter().cloned());
        if !notes.is_empty() {
            p.push(Block::Notes(notes));
        }
    }
    for t in view.tables {
        p.push(Block::Table(t));
    }
    p.push(Block::Notes(view.notes));
    p
}

/// A column's statistics against their thresholds, in words.
fn column_statistics(c: &crate::drift::ColumnDrift, d: &DriftReport) -> String {
    let mut parts = Vec::new();
    if let Some(psi) = c.psi {
        parts.push(format!("PSI {} (threshold {})", sig(psi), sig(d.psi_threshold)));
    }
    if let (Some(ks), Some(p)) = (c.ks_statistic, c.ks_p_value) {
        parts.push(format!("KS {} (p = {})", sig(ks), sig(p)));
    }
    if let Some(w) = c.wasserstein_normed {
        parts.push(format!("normed Wasserstein {}", sig(w)));
    }
    if let Some(js) = c.js_distance {
        parts.push(format!("Jensen-Shannon {}", sig(js)));
    }
    if let Some(p) = c.chi2_p_value {
        parts.push(format!("chi-square p = {}", sig(p)));
    }
    if (c.kind == Kind::Numeric || c.kind == Kind::Categorical) && d.method != crate::drift::Method::Psi {
        parts.push(format!("rule: {:?} at {}", d.method, sig(d.threshold)).to_lowercase());
    }
    parts.push(format!(
        "{} reference and {} current values; missing {} and {}",
        c.n_reference,
        c.n_current,
        sig_percent(c.missing_reference),
        sig_percent(c.missing_current)
    ));
    parts.join("; ")
}

/// `abx power --curve --format html`.
pub fn design_page(d: &Design, view: &crate::report::View) -> Page {
    let mut p = Page::new(d.title.clone());
    p.add_view_body(&crate::report::View { tables: Vec::new(), ..view.clone() });
    if let Some(points) = &d.curve {
        let relative =
            d.figures.iter().any(|(k, f)| *k == "relative" && serde_json::to_value(f).ok() == Some(json!(true)));
        let x_title = if relative { "minimum detectable effect (relative)" } else { "minimum detectable effect" };
        let curve = points.iter().map(|c| (c.mde, c.n_per_variant as f64)).collect();
        let chart = LineChart::new(
            "Units per variant needed by minimum detectable effect",
            x_title,
            "units per variant",
            XScale::Numbers { percent: relative },
            vec![Series::line("units per variant", curve, false)],
        );
        p.push(Block::Figure {
            svg: chart.svg(),
            caption: "Halving the effect to detect roughly quadruples the units needed.".into(),
        });
    }
    // The table's text bars are for terminals: the chart draws them here.
    for t in &view.tables {
        let keep: Vec<usize> = (0..t.columns.len()).filter(|&i| !t.columns[i].is_empty()).collect();
        let pick = |r: &Vec<serde_json::Value>| keep.iter().map(|&i| r[i].clone()).collect();
        p.push(Block::Table(crate::report::Table {
            title: t.title.clone(),
            columns: keep.iter().map(|&i| t.columns[i].clone()).collect(),
            rows: t.rows.iter().map(pick).collect(),
        }));
    }
    p
}
