//! How `abx validate` reads: a row per file, and a count of the problems
//! (which themselves go to stderr at file:line:column).

use serde_json::{json, Value};

use crate::experiment::checked::Checked;
use crate::numfmt::plural;
use crate::report::{Output, Table, View};

impl Output for Checked {
    fn view(&self) -> View {
        let mut table = Table::new(&["file", "experiment", "variants", "metrics", "result"]);
        for f in &self.files {
            let result = match (f.counts, f.unreadable) {
                (Some(_), _) if f.valid => "ok".to_string(),
                (_, true) => "unreadable".to_string(),
                (_, false) => plural(f.problems.len() as u64, "problem"),
            };
            table.push(vec![
                json!(f.file),
                f.experiment.as_ref().map_or(Value::Null, |e| json!(e)),
                f.counts.map_or(Value::Null, |c| json!(c.0)),
                f.counts.map_or(Value::Null, |c| json!(c.1)),
                json!(result),
            ]);
        }
        let n = self.files.len();
        let bad = self.files.iter().filter(|f| !f.valid).count();
        let problems: usize = self.files.iter().map(|f| f.problems.len()).sum();
        let note = if bad == 0 {
            format!("{} valid", plural(n as u64, "file"))
        } else {
            format!("{bad} of {} invalid, {}", plural(n as u64, "file"), plural(problems as u64, "problem"))
        };
        View { tables: vec![table], notes: vec![note], ..View::default() }
    }
}
