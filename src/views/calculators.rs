//! How `abx test` reads: a compact table of estimates with their intervals
//! in brackets, and the settings as notes.

use serde_json::json;

use crate::analysis::calculators::{SrmTest, TwoSampleTest};
use crate::numfmt::{json_number, sig, sig_or_infinity};
use crate::report::{Output, Table, View};
use crate::stats::htest::RelativeCi;
use crate::stats::Alternative;

fn alternative_name(a: Alternative) -> &'static str {
    match a {
        Alternative::TwoSided => "two-sided",
        Alternative::Greater => "greater",
        Alternative::Less => "less",
    }
}

impl Output for TwoSampleTest {
    fn view(&self) -> View {
        let (control_key, treatment_key) =
            if self.rates { ("rate_control", "rate_treatment") } else { ("mean_control", "mean_treatment") };
        let with_ci = |est: f64, lo: f64, hi: f64| {
            format!("{} [{}, {}]", sig_or_infinity(est), sig_or_infinity(lo), sig_or_infinity(hi))
        };
        let several = self.comparisons.len() > 1;
        let mut cols = vec!["variant", control_key, treatment_key, "diff [CI]", "lift [CI]", "statistic", "p_value"];
        if several {
            cols.push("p_value_holm");
        }
        let mut table = Table::new(&cols);
        for c in &self.comparisons {
            let f = &c.figures;
            let (control, treatment) = f.estimates();
            let mut row = vec![
                json!(c.variant),
                json_number(control),
                json_number(treatment),
                json!(with_ci(f.diff, f.ci_low, f.ci_high)),
                json!(with_ci(f.lift, f.lift_ci_low, f.lift_ci_high)),
                json_number(f.statistic),
                json_number(f.p_value),
            ];
            if several {
                row.push(json_number(c.p_value_holm));
            }
            table.push(row);
        }
        let mut notes = vec![format!(
            "{} test, {}% CIs, relative lift CI by the {} method",
            alternative_name(self.alternative),
            sig((1.0 - self.alpha) * 100.0),
            match self.relative_ci {
                RelativeCi::Delta => "delta",
                RelativeCi::Fieller => "Fieller",
            }
        )];
        if several {
            notes.push("p_value_holm: Holm-adjusted across the treatments".into());
        }
        View { title: Some(self.title.clone()), tables: vec![table], notes, ..View::default() }
    }
}

impl Output for SrmTest {
    fn view(&self) -> View {
        let total: f64 = self.observed.iter().sum();
        let mut table = Table::new(&["variant", "observed", "share", "planned"]);
        for (i, (o, w)) in self.observed.iter().zip(&self.expected_share).enumerate() {
            table.push(vec![json!(i + 1), json!(*o as u64), json_number(o / total), json_number(*w)]);
        }
        View {
            title: Some("sample ratio mismatch: chi-square goodness of fit".into()),
            fields: vec![
                ("statistic".into(), json_number(self.statistic)),
                ("dof".into(), json!(self.dof)),
                ("p_value".into(), json_number(self.p_value)),
            ],
            tables: vec![table],
            notes: vec![if self.srm {
                "SRM: the split differs from the plan (p < 0.001); do not trust this experiment's results".into()
            } else {
                "no sample ratio mismatch at p < 0.001".into()
            }],
            ..View::default()
        }
    }
}
