//! How `abx report`'s overview reads: a row per experiment (the lifts of
//! its treatments in one cell); CSV a row per experiment and treatment; the
//! HTML page with each experiment's lifts drawn and linked to its page.

use serde_json::{json, Value};

use crate::analysis::board::{Board, Entry, Lift};
use crate::numfmt::{json_number, plural, signed_percent};
use crate::report::html::{Block, Cell, Level, Page};
use crate::report::svg::{Forest, ForestRow, Tone};
use crate::report::{Output, Table, View};

fn lift_text(l: &Lift) -> String {
    if !l.measurable {
        return format!("{} not measurable", l.variant);
    }
    let end = |x: Option<f64>, open: &str| x.map_or(open.to_string(), signed_percent);
    let mark = if l.better {
        " ▲"
    } else if l.worse {
        " ▼"
    } else {
        ""
    };
    format!(
        "{} {} [{}, {}]{mark}",
        l.variant,
        signed_percent(l.lift),
        end(l.lift_ci_low, "-∞"),
        end(l.lift_ci_high, "∞")
    )
}

/// What a row says beyond the figures: the error, or the schedule's oddity
/// and the verdict's first reason.
fn remark(e: &Entry) -> String {
    if let Some(err) = &e.error {
        return err.clone();
    }
    e.schedule.iter().chain(e.reasons.first()).cloned().collect::<Vec<_>>().join("; ")
}

fn verdict_text(e: &Entry) -> String {
    match (e.verdict, &e.verdict_variant) {
        (Some(v), Some(w)) => format!("{v}: {w}"),
        (Some(v), None) => v.to_string(),
        (None, _) if e.error.is_some() => "error".into(),
        (None, _) => "no data".into(),
    }
}

fn opt(x: Option<u64>) -> Value {
    x.map_or(Value::Null, |x| json!(x))
}

impl Output for Board {
    fn view(&self) -> View {
        let mut t =
            Table::new(&["experiment", "status", "units", "days", "primary", "lift [interval]", "verdict", "remark"]);
        for e in &self.experiments {
            let lifts: Vec<String> = e.lifts.iter().map(lift_text).collect();
            t.push(vec![
                json!(e.experiment),
                json!(e.status),
                opt(e.units),
                e.days_running.map_or(Value::Null, |d| json!(d)),
                json!(e.primary),
                json!(if lifts.is_empty() { "-".to_string() } else { lifts.join("; ") }),
                json!(verdict_text(e)),
                json!(remark(e)),
            ]);
        }
        View {
            title: Some(plural(self.experiments.len() as u64, "experiment")),
            fields: vec![("as of".into(), json!(self.as_of.to_string())), ("data".into(), json!(self.data_dir))],
            tables: vec![t],
            ..View::default()
        }
    }

    /// A row per experiment and treatment (one without treatments when there is no readout).
    fn csv(&self) -> Option<View> {
        let mut t = Table::new(&[
            "experiment",
            "status",
            "units",
            "days_running",
            "primary",
            "variant",
            "lift",
            "lift_ci_low",
            "lift_ci_high",
            "better",
            "worse",
            "verdict",
            "verdict_variant",
            "exit_code",
            "page",
            "error",
            "schedule",
            "reasons",
        ]);
        for e in &self.experiments {
            let lead = |l: Option<&Lift>| {
                vec![
                    json!(e.experiment),
                    json!(e.status),
                    opt(e.units),
                    e.days_running.map_or(Value::Null, |d| json!(d)),
                    json!(e.primary),
                    l.map_or(Value::Null, |l| json!(l.variant)),
                    l.map_or(Value::Null, |l| json_number(l.lift)),
                    l.and_then(|l| l.lift_ci_low).map_or(Value::Null, json_number),
                    l.and_then(|l| l.lift_ci_high).map_or(Value::Null, json_number),
                    l.map_or(Value::Null, |l| json!(l.better)),
                    l.map_or(Value::Null, |l| json!(l.worse)),
                    json!(e.verdict),
                    json!(e.verdict_variant),
                    json!(e.exit_code),
                    json!(e.page),
                    json!(e.error),
                    json!(e.schedule),
                    json!(e.reasons.join("; ")),
                ]
            };
            if e.lifts.is_empty() {
                t.push(lead(None));
            }
            for l in &e.lifts {
                t.push(lead(Some(l)));
            }
        }
        Some(View { tables: vec![t], ..View::default() })
    }

    fn page(&self) -> Page {
        let mut p = Page::new("Experiments");
        let errors = self.experiments.iter().filter(|e| e.error.is_some()).count();
        let count = |v: &str| self.experiments.iter().filter(|e| e.verdict == Some(v)).count();
        p.push(Block::Alert {
            level: if errors > 0 { Level::Bad } else { Level::Info },
            text: format!(
                "{} as of {}: {} promote, {} keep control, {} continue, {} invalid, {} without data{}.",
                plural(self.experiments.len() as u64, "experiment"),
                self.as_of,
                count("promote"),
                count("keep_control"),
                count("continue"),
                count("invalid"),
                self.experiments.iter().filter(|e| e.verdict.is_none() && e.error.is_none()).count(),
                if errors > 0 { format!(", {errors} could not be read") } else { String::new() }
            ),
        });
        let columns = ["experiment", "status", "units", "days", "primary", "lift vs control", "verdict", "remark"];
        let rows = self
            .experiments
            .iter()
            .map(|e| {
                let name = match &e.page {
                    Some(href) => Cell::Link { href: href.clone(), text: e.experiment.clone() },
                    None => Cell::Text(e.experiment.clone()),
                };
                let lifts = if e.lifts.is_empty() {
                    Cell::Text("-".into())
                } else {
                    let rows = e
                        .lifts
                        .iter()
                        .map(|l| ForestRow {
                            label: l.variant.clone(),
                            estimate: if l.measurable { l.lift } else { f64::NAN },
                            low: if l.measurable { l.lift_ci_low.unwrap_or(f64::NEG_INFINITY) } else { f64::NAN },
                            high: if l.measurable { l.lift_ci_high.unwrap_or(f64::INFINITY) } else { f64::NAN },
                            tone: if l.better {
                                Tone::Good
                            } else if l.worse {
                                Tone::Bad
                            } else {
                                Tone::Neutral
                            },
                            note: lift_text(l),
                        })
                        .collect();
                    let f = Forest {
                        title: format!("{}: {}", e.experiment, e.primary),
                        axis_title: "lift".into(),
                        percent: true,
                        rows,
                        refs: Vec::new(),
                        axis: None,
                        width: 340.0,
                    };
                    let text: Vec<String> = e.lifts.iter().map(lift_text).collect();
                    Cell::Svg(format!("{}<div>{}</div>", f.svg(), crate::report::html::escape(&text.join("; "))))
                };
                let level = match e.verdict {
                    Some("promote") => Level::Ok,
                    Some("keep_control") | Some("invalid") => Level::Bad,
                    Some(_) => Level::Warn,
                    None if e.error.is_some() => Level::Bad,
                    None => Level::Info,
                };
                vec![
                    name,
                    Cell::Text(e.status.to_string()),
                    Cell::Text(e.units.map_or("-".into(), |u| u.to_string())),
                    Cell::Text(e.days_running.map_or("-".into(), |d| d.to_string())),
                    Cell::Text(e.primary.clone()),
                    lifts,
                    Cell::Marked(level, verdict_text(e)),
                    Cell::Text(remark(e)),
                ]
            })
            .collect();
        p.push(Block::Rich { columns: columns.iter().map(|c| c.to_string()).collect(), rows });
        p.push(Block::Paragraph(format!("Data from {}; lifts are relative to control on each experiment's primary metric, with the interval of the test its verdict uses.", self.data_dir)));
        p
    }
}
