//! How `abx verdict` reads: the verdict as a headline with its reasons,
//! the settings as fields, the treatments against control as a table; CSV
//! a row per reason.

use serde_json::{json, Value};

use crate::analysis::verdict::Verdict;
use crate::numfmt::signed_percent;
use crate::report::{Headline, Output, Table, View};

fn banner(v: &Verdict) -> String {
    let word = v.verdict.name().to_uppercase().replace('_', " ");
    match &v.variant {
        Some(w) => format!("{word}: {w}"),
        None => word,
    }
}

impl Output for Verdict {
    fn page(&self) -> crate::report::html::Page {
        super::pages::verdict_page(self, None)
    }

    fn csv(&self) -> Option<View> {
        let mut t = Table::new(&["verdict", "variant", "reason"]);
        for reason in &self.reasons {
            t.push(vec![json!(self.verdict.name()), json!(self.variant), json!(reason)]);
        }
        Some(View { tables: vec![t], ..View::default() })
    }

    fn view(&self) -> View {
        let v = self;
        let headline = Headline { label: "Verdict".into(), text: banner(v), points: v.reasons.clone() };
        let mut r = View { headline: Some(headline), ..View::default() };
        let units: Vec<String> = v.units.iter().map(|u| format!("{} {}", u.variant, u.units)).collect();
        r.fields = vec![
            ("experiment".into(), json!(v.experiment)),
            ("status".into(), json!(v.status.name())),
            ("primary".into(), json!(v.primary)),
            ("method".into(), json!(format!("{:?}", v.method).to_lowercase())),
            ("alpha".into(), json!(v.alpha)),
            ("units".into(), json!(units.join(", "))),
            ("exit code".into(), json!(v.exit_code)),
        ];
        let mut t =
            Table::new(&["variant", "lift", "interval", "p (adjusted)", "chance to win", "guardrails", "eligible"]);
        for c in &v.candidates {
            let guards: Vec<String> = c
                .guardrails
                .iter()
                .map(|g| match (g.measured, g.ok) {
                    (false, _) => format!("{} not measured", g.metric),
                    (true, ok) => {
                        format!("{} {} {}", g.metric, signed_percent(g.worst_case), if ok { "ok" } else { "BROKEN" })
                    }
                })
                .collect();
            t.push(vec![
                json!(c.variant),
                json!(signed_percent(c.lift)),
                json!(format!("[{}, {}]", signed_percent(c.lift_ci_low), signed_percent(c.lift_ci_high))),
                c.p_value_adjusted.map_or(Value::Null, |p| json!(p)),
                c.chance_to_win.map_or(Value::Null, |p| json!(p)),
                json!(if guards.is_empty() { "-".to_string() } else { guards.join("; ") }),
                json!(if c.eligible { "yes" } else { "no" }),
            ]);
        }
        if !t.rows.is_empty() {
            r.tables.push(t.titled(format!("Treatments against control on {}", v.primary)));
        }
        r
    }
}
