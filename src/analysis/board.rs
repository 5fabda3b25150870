//! The overview of many experiments (`abx report`): each experiment's data
//! found in one directory by a naming rule, its readout and verdict, and a
//! row per experiment with its status, units, days running, the primary
//! metric's lift per treatment and the verdict.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use serde::Serialize;

use super::readout::{Hooks, Readout, Source};
use super::verdict::{verdict_of, Verdict};
use crate::error::{AbxError, Result};
use crate::experiment::{Experiment, Status};

/// The names an experiment's data may have in the data directory, in the
/// order they are tried: unit-level data, then a summary. Exactly one may exist.
pub fn candidates(name: &str) -> [(String, bool); 6] {
    [
        (format!("{name}.parquet"), false),
        (format!("{name}.csv"), false),
        (format!("{name}_units.parquet"), false),
        (format!("{name}_units.csv"), false),
        (format!("{name}.summary.csv"), true),
        (format!("{name}_summary.csv"), true),
    ]
}

/// The file holding `name`'s outcomes in `dir` (and whether it is a summary);
/// None when there is none, an error when two match.
pub fn find_data(dir: &Path, name: &str) -> Result<Option<(PathBuf, bool)>> {
    let found: Vec<(PathBuf, bool)> =
        candidates(name).into_iter().map(|(f, s)| (dir.join(f), s)).filter(|(p, _)| p.is_file()).collect();
    match found.len() {
        0 => Ok(None),
        1 => Ok(found.into_iter().next()),
        _ => Err(AbxError::input(
            dir.display().to_string(),
            format!(
                "experiment `{name}` has {} data files here ({}): abx does not choose between them; keep one",
                found.len(),
                found.iter().map(|(p, _)| p.display().to_string()).collect::<Vec<_>>().join(", ")
            ),
        )),
    }
}

/// One treatment's lift on the primary metric.
#[derive(Debug, Clone, Serialize)]
pub struct Lift {
    pub variant: String,
    pub lift: f64,
    /// The interval of the test the treatment is judged by (open ends null).
    pub lift_ci_low: Option<f64>,
    pub lift_ci_high: Option<f64>,
    pub better: bool,
    pub worse: bool,
    /// The test could be computed (else the lift and interval are not figures).
    pub measurable: bool,
}

/// One experiment on the board.
#[derive(Debug, Clone, Serialize)]
pub struct Entry {
    pub experiment: String,
    pub file: String,
    pub status: &'static str,
    /// The data file found by the naming rule (null: none yet).
    pub data: Option<String>,
    pub units: Option<u64>,
    pub start: Option<NaiveDate>,
    /// Days from `start` to today (or to `promoted_at`, or to `end` once past).
    pub days_running: Option<i64>,
    pub primary: String,
    pub lifts: Vec<Lift>,
    pub verdict: Option<&'static str>,
    pub verdict_variant: Option<String>,
    pub exit_code: Option<i32>,
    pub reasons: Vec<String>,
    /// What the as-of date makes odd about the experiment's dates: a start
    /// after it, or an experiment still running past its end.
    pub schedule: Option<String>,
    /// The experiment's own page, when the pages are written (`--output-dir`).
    pub page: Option<String>,
    /// Why this experiment could not be read (then the board exits 2).
    pub error: Option<String>,
    #[serde(skip)]
    pub full: Option<(Verdict, Option<Readout>)>,
}

impl Entry {
    /// A row with nothing read yet.
    pub fn blank(file: &Path, experiment: &str, status: &'static str) -> Entry {
        Entry {
            experiment: experiment.to_string(),
            file: file.display().to_string(),
            status,
            data: None,
            units: None,
            start: None,
            days_running: None,
            primary: String::new(),
            lifts: Vec::new(),
            verdict: None,
            verdict_variant: None,
            exit_code: None,
            reasons: Vec::new(),
            schedule: None,
            page: None,
            error: None,
            full: None,
        }
    }
}

/// Every experiment given, in the order given.
#[derive(Debug, Clone, Serialize)]
pub struct Board {
    pub as_of: NaiveDate,
    pub data_dir: String,
    pub experiments: Vec<Entry>,
}

/// Days running as of `today`: to the promotion, or to the end once past it.
fn days_running(exp: &Experiment, today: NaiveDate) -> Option<i64> {
    let start = exp.start?;
    let until = match (exp.status(), exp.promoted_at, exp.end) {
        (Status::Draft, _, _) => return None,
        (Status::Promoted, Some(p), _) => p,
        (_, _, Some(e)) if e < today => e,
        _ => today,
    };
    Some((until - start).num_days().max(0))
}

/// One experiment's row: its data found, read and decided on.
pub fn entry(file: &Path, exp: &Experiment, dir: &Path, today: NaiveDate, hooks: &Hooks<'_>) -> Entry {
    let mut e = read_entry(file, exp, dir, today, hooks);
    e.schedule = match (exp.start, exp.end) {
        (Some(s), _) if s > today => Some(format!("starts on {s}, after the as-of date {today}")),
        (_, Some(end)) if end < today && exp.status() == Status::Running => {
            Some(format!("still running after its end on {end} (as of {today})"))
        }
        _ => None,
    };
    e
}

fn read_entry(file: &Path, exp: &Experiment, dir: &Path, today: NaiveDate, hooks: &Hooks<'_>) -> Entry {
    let mut e = Entry::blank(file, &exp.name, exp.status().name());
    e.start = exp.start;
    e.days_running = days_running(exp, today);
    e.primary = exp.primary_name().to_string();
    let found = match find_data(dir, &exp.name) {
        Ok(Some(f)) => f,
        Ok(None) => {
            e.reasons.push(format!("no data yet: no file in {} is named after it", dir.display()));
            return e;
        }
        Err(err) => {
            e.error = Some(about_file(&err, file));
            return e;
        }
    };
    e.data = Some(found.0.display().to_string());
    let src = Source {
        experiment: file.to_path_buf(),
        data: (!found.1).then(|| found.0.clone()),
        summary: found.1.then(|| found.0.clone()),
        ..Source::default()
    };
    match verdict_of(&src, exp, today, hooks) {
        Ok((v, r)) => {
            e.units = Some(v.units.iter().map(|u| u.units).sum());
            if let Some(m) = r.as_ref().and_then(|r| r.overall.metrics.iter().find(|m| m.primary)) {
                e.lifts = m
                    .comparisons
                    .iter()
                    .map(|c| Lift {
                        variant: c.variant.clone(),
                        lift: c.lift,
                        lift_ci_low: c.test.lift_ci.map(|i| i.low).filter(|x| x.is_finite()),
                        lift_ci_high: c.test.lift_ci.map(|i| i.high).filter(|x| x.is_finite()),
                        better: c.better,
                        worse: c.worse,
                        measurable: c.test.measurable,
                    })
                    .collect();
            }
            e.verdict = Some(v.verdict.name());
            e.verdict_variant = v.variant.clone();
            e.exit_code = Some(v.exit_code);
            e.reasons = v.reasons.clone();
            e.full = Some((v, r));
        }
        Err(err) => e.error = Some(about_file(&err, file)),
    }
    e
}

/// An error's message without the experiment file it starts with: the row
/// (and the warning that repeats it) already names the file.
fn about_file(err: &AbxError, file: &Path) -> String {
    let text = err.to_string();
    match text.strip_prefix(&format!("{}: ", file.display())) {
        Some(rest) => rest.to_string(),
        None => text,
    }
}
