//! How `abx power` reads: the design's figures as fields, and the curve as
//! a table with bars.

use serde_json::json;

use crate::design::Design;
use crate::numfmt::sig;
use crate::report::{Output, Table, View};

impl Output for Design {
    fn page(&self) -> crate::report::html::Page {
        super::pages::design_page(self, &self.view())
    }

    fn view(&self) -> View {
        let fields = self
            .figures
            .iter()
            .map(|(k, v)| (k.replace('_', " "), serde_json::to_value(v).unwrap_or_default()))
            .collect();
        let mut view = View { title: Some(self.title.clone()), fields, ..View::default() };
        if let Some(points) = &self.curve {
            let max = points.iter().map(|p| p.n_exact).fold(0.0, f64::max);
            let mut t = Table::new(&["mde", "n_per_variant", ""]).titled("units per variant by MDE");
            for p in points {
                let width = if max > 0.0 { (p.n_exact / max * 40.0).round() as usize } else { 0 };
                t.push(vec![json!(sig(p.mde)), json!(p.n_per_variant), json!("█".repeat(width.max(1)))]);
            }
            view.tables.push(t);
        }
        if self.solved_n && self.variants > 2 {
            let k = self.variants - 1;
            view.notes
                .push(format!("each of the {k} treatments is tested against control at alpha / {k} (Bonferroni)"));
        }
        view
    }
}
