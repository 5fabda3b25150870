//! JSON: the result's document, pretty-printed, with the schema's version
//! first; and a JSON string escaper for streamed rows.

use std::io::{self, Write};

use serde_json::Value;

/// Writes `doc`; a document that is an object gets `schema_version` as its
/// first field (its fields are moved behind it, not copied).
pub fn render(doc: Value, out: &mut dyn Write) -> io::Result<()> {
    match doc {
        Value::Object(fields) if !fields.contains_key("schema_version") => {
            let mut versioned = serde_json::Map::with_capacity(fields.len() + 1);
            versioned.insert("schema_version".into(), Value::from(super::SCHEMA_VERSION));
            versioned.extend(fields);
            serde_json::to_writer_pretty(&mut *out, &versioned)?;
        }
        other => serde_json::to_writer_pretty(&mut *out, &other)?,
    }
    out.write_all(b"\n")
}

/// Appends `s` as a JSON string literal (quotes included). `s` must be UTF-8.
pub fn write_str(out: &mut Vec<u8>, s: &[u8]) {
    out.push(b'"');
    let mut start = 0;
    for (i, &b) in s.iter().enumerate() {
        let esc: &[u8] = match b {
            b'"' => b"\\\"",
            b'\\' => b"\\\\",
            b'\n' => b"\\n",
            b'\r' => b"\\r",
            b'\t' => b"\\t",
            0..=0x1f => b"",
            _ => continue,
        };
        out.extend_from_slice(&s[start..i]);
        if esc.is_empty() {
            out.extend_from_slice(format!("\\u{b:04x}").as_bytes());
        } else {
            out.extend_from_slice(esc);
        }
        start = i + 1;
    }
    out.extend_from_slice(&s[start..]);
    out.push(b'"');
}

#[cfg(test)]
mod tests {
    #[test]
    fn escapes_like_serde_json() {
        for s in ["plain", "quo\"te", "back\\slash", "tab\tnew\nline", "ctl\u{1}", "ünï 😀"] {
            let mut out = Vec::new();
            super::write_str(&mut out, s.as_bytes());
            assert_eq!(String::from_utf8(out).unwrap(), serde_json::to_string(s).unwrap());
        }
    }
}
