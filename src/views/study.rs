//! How a simulation study (`abx simulate --runs`) reads: per method, the
//! share of runs called significant, promoted and covered, with Wilson
//! intervals.

use serde_json::{json, Value};

use crate::numfmt::sig;
use crate::report::{Output, Table, View};
use crate::sim::{Rate, StudyResult};

fn rate_cells(r: &Rate) -> Vec<Value> {
    vec![
        json!(format!("{}%", sig(r.rate * 100.0))),
        json!(format!("[{:.2}%, {:.2}%]", r.ci_low * 100.0, r.ci_high * 100.0)),
    ]
}

impl Output for StudyResult {
    fn view(&self) -> View {
        study_view(self)
    }
}

fn study_view(r: &StudyResult) -> View {
    let aa = r.aa;
    let kind = if aa { "A/A" } else { "simulated" };
    let looks = if r.looks > 1 { format!(", {} daily looks", r.looks) } else { String::new() };
    let mut rep = View {
        title: Some(format!(
            "{} {kind} experiments of {}: {} units each{looks}, seed {}",
            r.runs, r.experiment, r.units, r.seed
        )),
        ..View::default()
    };
    let lifts: Vec<String> =
        r.true_lifts.iter().map(|(v, l)| format!("{v} {}", crate::numfmt::signed_percent(*l))).collect();
    rep.fields = vec![
        ("primary".into(), json!(r.primary)),
        ("true lift".into(), json!(lifts.join(", "))),
        ("alpha".into(), json!(r.alpha)),
    ];
    let rate = if aa { "false positives" } else { "significant" };
    let mut cols = vec!["method".to_string()];
    let any = if r.looks > 1 { " (any look)" } else { "" };
    cols.extend([format!("{rate}{any}"), "95% CI".into()]);
    if r.looks > 1 {
        cols.extend([format!("{rate} (last look)"), "95% CI".into()]);
    }
    cols.extend(["promoted".to_string(), "95% CI".into(), "lift CI coverage".into(), "95% CI".into()]);
    let mut t = Table { title: None, columns: cols, rows: Vec::new() };
    for m in &r.methods {
        let mut row = vec![json!(format!("{:?}", m.method).to_lowercase())];
        row.extend(rate_cells(&m.significant));
        if r.looks > 1 {
            row.extend(rate_cells(&m.significant_at_end));
        }
        row.extend(rate_cells(&m.promoted));
        row.extend(rate_cells(&m.lift_coverage));
        t.push(row);
    }
    rep.tables.push(t);
    rep.notes.push(format!(
        "difference CI coverage (Welch / z, all methods): {}% [{:.2}%, {:.2}%]",
        sig(r.diff_coverage.rate * 100.0),
        r.diff_coverage.ci_low * 100.0,
        r.diff_coverage.ci_high * 100.0
    ));
    rep
}
