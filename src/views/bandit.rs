//! How `abx bandit` reads: a table of arms (units, mean and interval,
//! P(best), weight now and next), the periods, the bandit's SRM and notes.

use serde_json::json;

use crate::analysis::bandit::{BanditResult, Strategy};
use crate::numfmt::{json_number, p_value, share_percent, sig};
use crate::report::html::{Block, Page};
use crate::report::svg::{Bars, LineChart, Series, XScale};
use crate::report::{Output, Table, View};

impl Output for BanditResult {
    fn view(&self) -> View {
        let level = format!("{}% CI", sig(self.level * 100.0));
        let mut arms = Table::new(&["variant", "units", "mean", &level, "P(best)", "weight", "next weight"]);
        for a in &self.weights {
            arms.push(vec![
                json!(a.variant),
                json!(a.units),
                json_number(a.mean),
                json!(format!("[{}, {}]", sig(a.ci[0]), sig(a.ci[1]))),
                json_number(a.probability_best),
                json_number(a.current_weight),
                json_number(a.weight),
            ]);
        }
        let mut tables = vec![arms.titled("arms")];
        if self.periods.len() > 1 {
            let names: Vec<&str> = self.weights.iter().map(|a| a.variant.as_str()).collect();
            let mut t = Table::new(&["from", "units", "weights"]);
            for p in &self.periods {
                let w: Vec<String> = names.iter().zip(&p.weights).map(|(n, w)| format!("{n} {}", sig(*w))).collect();
                t.push(vec![json!(p.from.to_string()), json!(p.units), json!(w.join(", "))]);
            }
            tables.push(t.titled("periods (weight_history)"));
        }
        let strategy = match self.strategy {
            Strategy::Thompson => "thompson (P(best) by quadrature, floor 0.01)".to_string(),
            Strategy::EpsilonGreedy => format!("epsilon-greedy (epsilon {})", sig(self.epsilon.unwrap_or(0.0))),
        };
        let srm = match (self.srm.p_value, &self.srm.not_computed) {
            (Some(p), _) => format!(
                "p = {}{}",
                p_value(p),
                if self.srm.mismatch { ": MISMATCH, the units do not follow the weights" } else { "" }
            ),
            (None, Some(why)) => format!("not computed: {why}"),
            (None, None) => "not computed".into(),
        };
        let mut fields = vec![
            ("experiment".to_string(), json!(self.experiment)),
            ("metric".into(), json!(format!("{} ({})", self.metric, direction(self)))),
            ("strategy".into(), json!(strategy)),
            ("weights".into(), json!(self.message)),
            ("units switching".into(), json!(share_percent(self.units_switching))),
            ("bandit SRM".into(), json!(srm)),
        ];
        if let Some(t) = self.cuped_theta {
            fields.insert(2, ("CUPED theta (pooled, GrowthBook's)".into(), json_number(t)));
        }
        View {
            title: Some(format!("bandit {}", self.experiment)),
            fields,
            tables,
            notes: self.notes.clone(),
            headline: None,
        }
    }

    fn page(&self) -> Page {
        bandit_page(self)
    }
}

/// The page: the view, then the weights over the history (each period's
/// weights, then the next ones) and P(best) next to the next weights.
fn bandit_page(r: &BanditResult) -> Page {
    let view = r.view();
    let mut p = Page::from_view(&view);
    let mut labels: Vec<String> = r.periods.iter().map(|p| p.from.to_string()).collect();
    let mut history: Vec<Vec<f64>> = r.periods.iter().map(|p| p.weights.clone()).collect();
    if history.is_empty() {
        labels.push("now".into());
        history.push(r.weights.iter().map(|a| a.current_weight).collect());
    }
    labels.push("next".into());
    history.push(r.weights.iter().map(|a| a.weight).collect());
    let series = r
        .weights
        .iter()
        .enumerate()
        .map(|(v, a)| {
            Series::line(a.variant.clone(), history.iter().enumerate().map(|(i, w)| (i as f64, w[v])).collect(), true)
        })
        .collect();
    let chart = LineChart {
        y_percent: true,
        ..LineChart::new(
            format!("Weights of {} over its history", r.experiment),
            "weights from",
            "weight",
            XScale::Labels(labels),
            series,
        )
    };
    p.push(Block::Figure {
        svg: chart.svg(),
        caption: "Each arm's share of traffic from each reweight in weight_history on, and the next weights (the last point)."
            .into(),
    });
    let mut groups = vec!["next weight".to_string()];
    if r.strategy == Strategy::Thompson {
        groups.insert(0, "P(best)".into());
    }
    let rows = r
        .weights
        .iter()
        .map(|a| {
            let mut shares = vec![a.weight];
            if r.strategy == Strategy::Thompson {
                shares.insert(0, a.probability_best);
            }
            (a.variant.clone(), shares)
        })
        .collect();
    let bars = Bars {
        title: format!("Next weights of {}", r.experiment),
        groups,
        rows,
        x_title: "share".into(),
        width: 1100.0,
    };
    p.push(Block::Figure { svg: bars.svg(), caption: r.message.clone() });
    p
}

fn direction(r: &BanditResult) -> &'static str {
    match r.direction {
        crate::experiment::Direction::Increase => "higher is better",
        crate::experiment::Direction::Decrease => "lower is better",
    }
}

impl Output for crate::sim::bandit::BanditStudyResult {
    fn view(&self) -> View {
        let mut arms = Table::new(&["variant", "true mean", "share of units"]);
        for ((v, t), (_, share)) in self.true_means.iter().zip(&self.share_of_units) {
            arms.push(vec![json!(v), json_number(*t), json!(share_percent(*share))]);
        }
        let strategy = match self.strategy {
            Strategy::Thompson => "thompson".to_string(),
            Strategy::EpsilonGreedy => format!("epsilon-greedy (epsilon {})", sig(self.epsilon.unwrap_or(0.0))),
        };
        let ends = match &self.picked_best {
            Some(p) => {
                format!("{} [{}, {}] of runs", share_percent(p.rate), share_percent(p.ci_low), share_percent(p.ci_high))
            }
            None => "- (arms tie for best)".into(),
        };
        let fields = vec![
            ("experiment".to_string(), json!(self.experiment)),
            ("strategy".into(), json!(strategy)),
            (
                "runs".into(),
                json!(format!("{} of {} units, {} periods (seed {})", self.runs, self.units, self.periods, self.seed)),
            ),
            ("best arm".into(), json!(self.best.as_deref().unwrap_or("none: arms tie for best"))),
            ("regret per unit".into(), json!(format!("{} (se {})", sig(self.regret_per_unit), sig(self.regret_se)))),
            ("fixed split's regret".into(), json_number(self.fixed_split_regret_per_unit)),
            ("ends on the best arm".into(), json!(ends)),
            ("best arm's final weight".into(), self.final_weight_of_best.map_or(json!("-"), json_number)),
        ];
        View {
            title: Some(format!("bandit study {}", self.experiment)),
            fields,
            tables: vec![arms.titled("arms")],
            notes: vec![format!(
                "regret: the mean shortfall per unit of `{}` against always giving the best arm; `ends on the best arm`: the best arm has the highest P(best) after the last period (95% Wilson interval)",
                self.metric
            )],
            headline: None,
        }
    }
}
