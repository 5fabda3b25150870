//! How `abx drift` reads: the verdict and rule as fields, a table of every
//! column's figures with the reasons as notes; CSV with every figure at full
//! precision; Prometheus gauges per column.

use serde_json::{json, Value};

use crate::drift::report::DriftReport;
use crate::drift::{ColumnDrift, Kind, Method, Rules};
use crate::numfmt::{share_percent, sig};
use crate::report::{Output, Sample, Table, View};

/// A Prometheus gauge per column: name, help, value.
type Gauge = (&'static str, &'static str, fn(&ColumnDrift) -> Option<f64>);

fn num(x: Option<f64>) -> Value {
    x.and_then(serde_json::Number::from_f64).map_or(Value::Null, Value::Number)
}

impl Output for DriftReport {
    fn page(&self) -> crate::report::html::Page {
        super::pages::drift_page(self)
    }

    /// A row per column, every figure at full precision.
    fn csv(&self) -> Option<View> {
        let mut t = Table::new(&[
            "column",
            "kind",
            "drift",
            "n_reference",
            "n_current",
            "missing_reference",
            "missing_current",
            "psi",
            "ks_statistic",
            "ks_p_value",
            "wasserstein",
            "wasserstein_normed",
            "js_distance",
            "chi2_p_value",
            "mean_reference",
            "mean_current",
            "sd_reference",
            "sd_current",
            "new_categories",
            "reasons",
        ]);
        for c in &self.columns {
            t.push(vec![
                json!(c.column),
                json!(c.kind),
                json!(c.drift),
                json!(c.n_reference),
                json!(c.n_current),
                num(Some(c.missing_reference)),
                num(Some(c.missing_current)),
                num(c.psi),
                num(c.ks_statistic),
                num(c.ks_p_value),
                num(c.wasserstein),
                num(c.wasserstein_normed),
                num(c.js_distance),
                num(c.chi2_p_value),
                num(c.mean_reference),
                num(c.mean_current),
                num(c.sd_reference),
                num(c.sd_current),
                json!(c.new_categories.as_deref().unwrap_or_default().join(";")),
                json!(c.reasons.join("; ")),
            ]);
        }
        Some(View { tables: vec![t], ..View::default() })
    }

    fn view(&self) -> View {
        let v = self;
        let verdict = if v.drift {
            format!("DRIFT: {} of {} columns drifted", v.columns_drifted, v.columns_checked)
        } else {
            format!("no drift ({} of {} columns drifted)", v.columns_drifted, v.columns_checked)
        };
        let mut fields = vec![
            ("reference".to_string(), json!(format!("{} ({} rows)", self.reference, self.rows_reference))),
            ("current".to_string(), json!(format!("{} ({} rows)", self.current, self.rows_current))),
            ("rule".to_string(), json!(rule(&self.rules()))),
        ];
        if let Some(s) = self.drift_share_threshold {
            fields.push(("drift share needed".to_string(), json!(share_percent(s))));
        }
        fields.push(("verdict".to_string(), json!(verdict)));
        let cell = |x: Option<f64>| x.map_or(Value::Null, |x| json!(sig(x)));
        let mut t = Table::new(&[
            "column",
            "kind",
            "missing",
            "PSI",
            "KS D",
            "KS p",
            "W1",
            "W1 normed",
            "JS",
            "chi2 p",
            "drift",
        ]);
        for c in &self.columns {
            let missing = if c.missing_reference == c.missing_current {
                share_percent(c.missing_reference)
            } else {
                format!("{} -> {}", share_percent(c.missing_reference), share_percent(c.missing_current))
            };
            t.push(vec![
                json!(c.column),
                json!(match c.kind {
                    Kind::Numeric => "numeric",
                    Kind::Categorical => "categorical",
                    Kind::TypeMismatch => "type changed",
                    Kind::Empty => "empty",
                }),
                json!(missing),
                cell(c.psi),
                cell(c.ks_statistic),
                cell(c.ks_p_value),
                cell(c.wasserstein),
                cell(c.wasserstein_normed),
                cell(c.js_distance),
                cell(c.chi2_p_value),
                json!(if c.drift { "DRIFT" } else { "" }),
            ]);
        }
        let mut notes = Vec::new();
        for c in &self.columns {
            if c.drift {
                notes.push(format!("{}: {}", c.column, c.reasons.join("; ")));
            }
            if let Some(new) = c.new_categories.as_ref().filter(|n| !n.is_empty()) {
                let shown: Vec<&str> = new.iter().take(10).map(String::as_str).collect();
                let more = if new.len() > 10 { format!(" and {} more", new.len() - 10) } else { String::new() };
                notes.push(format!("{}: new categories {}{more}", c.column, shown.join(", ")));
            }
            for n in &c.notes {
                notes.push(format!("{}: {n}", c.column));
            }
            if let Some(a) = &c.approximate {
                notes.push(format!(
                    "{}: KS and W1 from the profile's sketch (KS D within {}, W1 within {})",
                    c.column,
                    sig(a.ks_statistic_error),
                    sig(a.wasserstein_error)
                ));
            }
        }
        if !self.only_in_reference.is_empty() {
            notes
                .push(format!("only in the reference, not compared: {}", crate::bounds::list(&self.only_in_reference)));
        }
        if !self.only_in_current.is_empty() {
            notes.push(format!(
                "only in the current data, not compared: {}",
                crate::bounds::list(&self.only_in_current)
            ));
        }
        for s in &self.skipped {
            notes.push(format!("{}: skipped, {}", s.column, s.reason));
        }
        if self.approximate_reference {
            notes.push(
                "reference from a profile: PSI, moments and categories are exact; KS and W1 are approximate".into(),
            );
        }
        View { title: Some("Drift: current vs reference".into()), fields, tables: vec![t], notes, headline: None }
    }

    fn samples(&self) -> Option<Vec<Sample>> {
        let mut out = Vec::new();
        let label = |c: &str| vec![("column".to_string(), c.to_string())];
        let gauges: [Gauge; 7] = [
            ("drift_psi", "Population stability index of the column.", |c| c.psi),
            ("drift_ks_statistic", "Two-sample Kolmogorov-Smirnov statistic.", |c| c.ks_statistic),
            ("drift_ks_p_value", "Two-sample Kolmogorov-Smirnov p-value.", |c| c.ks_p_value),
            ("drift_wasserstein", "Wasserstein-1 distance.", |c| c.wasserstein),
            ("drift_wasserstein_normed", "Wasserstein-1 over the reference's standard deviation.", |c| {
                c.wasserstein_normed
            }),
            ("drift_js_distance", "Jensen-Shannon distance (base 2) over categories.", |c| c.js_distance),
            ("drift_chi2_p_value", "Chi-square p-value of current counts against reference shares.", |c| {
                c.chi2_p_value
            }),
        ];
        for (name, help, get) in gauges {
            for c in &self.columns {
                if let Some(v) = get(c) {
                    out.push(Sample { name, help, kind: "gauge", labels: label(&c.column), value: v });
                }
            }
        }
        for c in &self.columns {
            for (dataset, share) in [("reference", c.missing_reference), ("current", c.missing_current)] {
                let mut l = label(&c.column);
                l.push(("dataset".to_string(), dataset.to_string()));
                out.push(Sample {
                    name: "drift_missing_share",
                    help: "Share of missing values (null, NaN, inf).",
                    kind: "gauge",
                    labels: l,
                    value: share,
                });
            }
        }
        for c in &self.columns {
            out.push(Sample {
                name: "drift_column_drifted",
                help: "1 when the column drifted.",
                kind: "gauge",
                labels: label(&c.column),
                value: f64::from(u8::from(c.drift)),
            });
        }
        out.push(Sample {
            name: "drift_columns_drifted",
            help: "Columns that drifted.",
            kind: "gauge",
            labels: Vec::new(),
            value: self.columns_drifted as f64,
        });
        out.push(Sample {
            name: "drift_dataset_drifted",
            help: "1 when the data drifted.",
            kind: "gauge",
            labels: Vec::new(),
            value: f64::from(u8::from(self.drift)),
        });
        Some(out)
    }
}

/// The rules in words.
fn rule(r: &Rules) -> String {
    let main = match r.method {
        Method::Psi => format!("PSI >= {}", sig(r.threshold)),
        Method::Ks => {
            format!("KS p-value < {} (numeric), PSI >= {} (categorical)", sig(r.threshold), sig(r.psi_threshold))
        }
        Method::Wasserstein => format!(
            "normed Wasserstein >= {} (numeric), PSI >= {} (categorical)",
            sig(r.threshold),
            sig(r.psi_threshold)
        ),
        Method::Js => {
            format!("Jensen-Shannon >= {} (categorical), PSI >= {} (numeric)", sig(r.threshold), sig(r.psi_threshold))
        }
        Method::Chi2 => format!(
            "chi-square p-value < {} (categorical), PSI >= {} (numeric)",
            sig(r.threshold),
            sig(r.psi_threshold)
        ),
    };
    format!("{main}; missing share PSI >= {}; a type change", sig(r.psi_threshold))
}
