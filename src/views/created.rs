//! `abx init --format`: the file it created.

use serde::Serialize;
use serde_json::json;

use crate::report::{Output, View};

/// A file abx created.
#[derive(Debug, Clone, Serialize)]
pub struct Created {
    pub created: String,
}

impl Output for Created {
    fn view(&self) -> View {
        View { fields: vec![("created".into(), json!(self.created))], ..View::default() }
    }
}
