//! The Prometheus text exposition format (version 0.0.4), ready for
//! node_exporter's textfile collector: `# HELP` and `# TYPE` once per family,
//! then its samples, label values escaped.

use std::io::{self, Write};

/// One sample of a metric family.
#[derive(Debug, Clone)]
pub struct Sample {
    pub name: &'static str,
    pub help: &'static str,
    /// `counter` or `gauge`.
    pub kind: &'static str,
    pub labels: Vec<(String, String)>,
    pub value: f64,
}

fn escape(v: &str) -> String {
    // The exposition format's escapes, and other control characters as \u{..}.
    crate::bounds::escape(&v.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n"))
}

fn number(x: f64) -> String {
    if x.is_nan() {
        "NaN".into()
    } else if x == f64::INFINITY {
        "+Inf".into()
    } else if x == f64::NEG_INFINITY {
        "-Inf".into()
    } else if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{x}")
    } else if x != 0.0 && (x.abs() < 1e-4 || x.abs() >= 1e15) {
        // Shortest round-trip digits with an exponent, not 20 leading zeros.
        format!("{x:e}")
    } else {
        format!("{x}")
    }
}

/// Writes the samples grouped by family, families in order of first appearance.
pub fn render(samples: &[Sample], out: &mut dyn Write) -> io::Result<()> {
    let mut families: Vec<&'static str> = Vec::new();
    for s in samples {
        if !families.contains(&s.name) {
            families.push(s.name);
        }
    }
    for family in families {
        let mut first = true;
        for s in samples.iter().filter(|s| s.name == family) {
            if first {
                writeln!(out, "# HELP {} {}", s.name, s.help)?;
                writeln!(out, "# TYPE {} {}", s.name, s.kind)?;
                first = false;
            }
            let labels: Vec<String> = s.labels.iter().map(|(k, v)| format!("{k}=\"{}\"", escape(v))).collect();
            if labels.is_empty() {
                writeln!(out, "{} {}", s.name, number(s.value))?;
            } else {
                writeln!(out, "{}{{{}}} {}", s.name, labels.join(","), number(s.value))?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn families_are_grouped_and_labels_escaped() {
        let s = |name, v: &str, value| Sample {
            name,
            help: "h",
            kind: "gauge",
            labels: vec![("variant".into(), v.into())],
            value,
        };
        let samples = [s("a", "x\"y", 1.5), s("b", "z", f64::NAN), s("a", "w\\", 2.0), s("c", "t", 3.99965e-19)];
        let mut out = Vec::new();
        render(&samples, &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert_eq!(
            text,
            "# HELP a h\n# TYPE a gauge\na{variant=\"x\\\"y\"} 1.5\na{variant=\"w\\\\\"} 2\n\
             # HELP b h\n# TYPE b gauge\nb{variant=\"z\"} NaN\n\
             # HELP c h\n# TYPE c gauge\nc{variant=\"t\"} 3.99965e-19\n"
        );
    }
}
