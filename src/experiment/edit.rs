//! Targeted textual edits of an experiment file: the lines that change are
//! rewritten, every other byte (comments, order, blank lines, quoting) stays.
//! A re-serialisation would lose comments, so abx never does one.

use chrono::NaiveDate;

use super::emit::scalar as yaml_scalar;
use super::yaml::{self, Value};
use super::{parse_str, Status};

/// Records a promotion: `status: promoted`, `promoted: VARIANT` and, when
/// given, `promoted_at: DATE` at the top level of the experiment file
/// `source` (which must already be valid). Returns the new text, checked to
/// parse back to the promoted experiment.
pub fn set_promoted(path: &str, source: &str, variant: &str, on: Option<NaiveDate>) -> Result<String, String> {
    let root = yaml::parse(source).map_err(|d| d.message)?;
    let Value::Map(entries) = &root.value else {
        return Err("the top level is not a mapping".into());
    };
    if source.trim_start().starts_with('{') {
        return Err("the file's top level is a flow mapping ({...}); abx edits block mappings only".into());
    }
    let line_of =
        |key: &str| entries.iter().find(|(k, _)| k.as_str() == Some(key)).map(|(k, _)| (k.pos.line, k.pos.col));
    let mut lines: Vec<String> = source.split_inclusive('\n').map(str::to_string).collect();
    let eol = if source.contains("\r\n") { "\r\n" } else { "\n" };
    let value = yaml_scalar(variant);
    let mut wanted = vec![("status", "promoted".to_string()), ("promoted", value.clone())];
    if let Some(d) = on {
        wanted.push(("promoted_at", d.format("%Y-%m-%d").to_string()));
    }
    // Keys of a block mapping share one column.
    let indent = entries.first().map_or(0, |(k, _)| k.pos.col.saturating_sub(1));
    // Existing keys are rewritten in place (bottom-up, so line numbers stay
    // valid); missing ones go after the last present one, or at the end.
    let mut present: Vec<(usize, usize, &str, &str)> =
        wanted.iter().filter_map(|(k, v)| line_of(k).map(|(line, col)| (line, col, *k, v.as_str()))).collect();
    present.sort_by_key(|p| std::cmp::Reverse(p.0));
    for &(line, col, key, v) in &present {
        rewrite_line(&mut lines, (line, col), key, v)?;
    }
    let anchor = present.iter().map(|p| (p.0, p.1)).max_by_key(|p| p.0);
    let missing: Vec<String> = wanted
        .iter()
        .filter(|(k, _)| line_of(k).is_none())
        .map(|(k, v)| {
            let pad = " ".repeat(anchor.map_or(indent, |a| a.1 - 1));
            format!("{pad}{k}: {v}{eol}")
        })
        .collect();
    match anchor {
        Some((line, _)) => {
            for (i, l) in missing.into_iter().enumerate() {
                lines.insert(line + i, l);
            }
        }
        None => {
            if let Some(last) = lines.last_mut() {
                if !last.ends_with('\n') {
                    last.push_str(eol);
                }
            }
            lines.extend(missing);
        }
    }
    let out: String = lines.concat();
    // The edit must mean what it says; anything else is refused, not written.
    match parse_str(path, &out) {
        Ok(e)
            if e.status == Some(Status::Promoted)
                && e.promoted.as_deref() == Some(variant)
                && (on.is_none() || e.promoted_at == on) =>
        {
            Ok(out)
        }
        _ => Err(format!(
            "the file's layout defeats a line edit; add `status: promoted` and `promoted: {value}` by hand"
        )),
    }
}

/// Records a bandit's reweight: each variant's `weight` becomes `weights`
/// (rewritten in place, or a `weight:` line added after a block variant's
/// `name:`), and `{date, weights}` is appended to `weight_history`, after
/// `first` (the weights the bandit started with, and their date) when the
/// file has no history yet. Returns the new text, checked to parse back to
/// those weights and that history.
pub fn set_weights(
    path: &str,
    source: &str,
    weights: &[f64],
    date: NaiveDate,
    first: Option<(NaiveDate, &[f64])>,
) -> Result<String, String> {
    let root = yaml::parse(source).map_err(|d| d.message)?;
    let Value::Map(entries) = &root.value else {
        return Err("the top level is not a mapping".into());
    };
    if source.trim_start().starts_with('{') {
        return Err("the file's top level is a flow mapping ({...}); abx edits block mappings only".into());
    }
    let get = |key: &str| entries.iter().find(|(k, _)| k.as_str() == Some(key));
    let Some((_, variants)) = get("variants") else { return Err("the file has no `variants`".into()) };
    let Value::Seq(items) = &variants.value else { return Err("`variants` is not a list".into()) };
    if items.len() != weights.len() {
        return Err("the variants changed while abx read them".into());
    }
    let mut lines: Vec<String> = source.split_inclusive('\n').map(str::to_string).collect();
    let eol = if source.contains("\r\n") { "\r\n" } else { "\n" };
    // Replacements (line, column, width, text) and insertions after a line.
    let mut replace: Vec<(usize, usize, usize, String)> = Vec::new();
    let mut insert: Vec<(usize, String)> = Vec::new();
    for (item, w) in items.iter().zip(weights) {
        let Value::Map(fields) = &item.value else { return Err("a variant is not a mapping".into()) };
        let flow = lines.get(item.pos.line - 1).and_then(|l| l.chars().nth(item.pos.col - 1)) == Some('{');
        match fields.iter().find(|(k, _)| k.as_str() == Some("weight")) {
            Some((_, v)) => replace.push((v.pos.line, v.pos.col, v.width, w.to_string())),
            None if flow => {
                return Err("a variant written as a flow mapping ({name: ...}) has no `weight` to rewrite; add `weight: 1` to each variant".into())
            }
            None => {
                let (name_key, _) = fields.iter().find(|(k, _)| k.as_str() == Some("name")).ok_or("a variant has no `name`")?;
                insert.push((name_key.pos.line, format!("{}weight: {w}{eol}", " ".repeat(name_key.pos.col - 1))));
            }
        }
    }
    replace.sort_by_key(|r| std::cmp::Reverse((r.0, r.1)));
    for (line, col, width, text) in replace {
        let l = lines.get_mut(line - 1).ok_or("a weight's line is out of range")?;
        let start = l.char_indices().nth(col - 1).map(|(i, _)| i).ok_or("a weight's column is out of range")?;
        let end =
            l[start..].char_indices().nth(width).map_or(l.trim_end_matches(['\n', '\r']).len(), |(i, _)| start + i);
        l.replace_range(start..end, &text);
    }
    // The new history entries, and where they go.
    let entry = |pad: &str, d: NaiveDate, w: &[f64]| -> String {
        let pairs: Vec<String> = items
            .iter()
            .zip(w)
            .map(|(item, x)| {
                let name = match &item.value {
                    Value::Map(f) => f.iter().find(|(k, _)| k.as_str() == Some("name")).and_then(|(_, v)| v.as_str()),
                    _ => None,
                };
                format!("{}: {x}", yaml_scalar(name.unwrap_or_default()))
            })
            .collect();
        format!("{pad}- date: {}{eol}{pad}  weights: {{{}}}{eol}", d.format("%Y-%m-%d"), pairs.join(", "))
    };
    let mut new_entries = String::new();
    match get("weight_history") {
        Some((key, hist)) => {
            let Value::Seq(h) = &hist.value else { return Err("`weight_history` is not a list".into()) };
            let Some(first_item) = h.first() else { return Err("`weight_history` is empty".into()) };
            let item_line = lines.get(first_item.pos.line - 1).ok_or("out of range")?;
            let dash = item_line.len() - item_line.trim_start().len();
            if !item_line.trim_start().starts_with('-') || first_item.pos.line == key.pos.line {
                return Err("`weight_history` is a flow list ([...]); abx appends to a block list only".into());
            }
            new_entries.push_str(&entry(&item_line[..dash], date, weights));
            // After the history's last line: before the next top-level key
            // (and the blank and comment lines above it), else at the end.
            let next_key = entries.iter().map(|(k, _)| k.pos.line).filter(|&l| l > key.pos.line).min();
            let mut at = next_key.map_or(lines.len(), |l| l - 1);
            while at > key.pos.line && {
                let t = lines[at - 1].trim();
                t.is_empty() || (t.starts_with('#') && !lines[at - 1].starts_with(' '))
            } {
                at -= 1;
            }
            insert.push((at, new_entries));
        }
        None => {
            let indent = entries.first().map_or(0, |(k, _)| k.pos.col.saturating_sub(1));
            let pad = " ".repeat(indent);
            new_entries.push_str(&format!("{pad}weight_history:{eol}"));
            if let Some((d, w)) = first {
                new_entries.push_str(&entry(&format!("{pad}  "), d, w));
            }
            new_entries.push_str(&entry(&format!("{pad}  "), date, weights));
            if let Some(last) = lines.last_mut() {
                if !last.ends_with('\n') {
                    last.push_str(eol);
                }
            }
            insert.push((lines.len(), new_entries));
        }
    }
    insert.sort_by_key(|i| std::cmp::Reverse(i.0));
    for (after, text) in insert {
        lines.insert(after, text);
    }
    let out: String = lines.concat();
    // The edit must mean what it says; anything else is refused, not written.
    let total: f64 = weights.iter().sum();
    let same =
        |a: &[f64], b: &[f64]| a.len() == b.len() && a.iter().zip(b).all(|(x, y)| (x - y / total).abs() <= 1e-12);
    match parse_str(path, &out) {
        Ok(e)
            if same(&e.normalized_weights(), weights)
                && e.weight_history.last().is_some_and(|h| h.date == date && same(&h.weights, weights)) =>
        {
            Ok(out)
        }
        Ok(_) => Err("the file's layout defeats a line edit; write the weights and `weight_history` by hand".into()),
        Err(e) => Err(format!(
            "the edited file would not be valid ({}); write the weights by hand",
            e.diagnostics.first().map_or("", |d| d.message.as_str())
        )),
    }
}

/// Rewrites the line `at` (1-based line and column of the key) as `key: value`,
/// keeping its indentation, its trailing comment and its line ending.
fn rewrite_line(lines: &mut [String], at: (usize, usize), key: &str, value: &str) -> Result<(), String> {
    let line = lines.get_mut(at.0 - 1).ok_or("a key's line is out of range")?;
    let body_end = line.trim_end_matches(['\n', '\r']).len();
    let ending = line[body_end..].to_string();
    let body = &line[..body_end];
    let indent: String = body.chars().take(at.1 - 1).collect();
    if !indent.chars().all(|c| c == ' ' || c == '-') {
        return Err(format!("`{key}` shares its line with another key"));
    }
    // The comment keeps the spacing before it, so every other byte stays.
    let comment = comment_start(body).map(|i| &body[body[..i].trim_end().len()..]).unwrap_or_default();
    *line = format!("{indent}{key}: {value}{comment}{ending}");
    Ok(())
}

/// The byte index of a trailing `# comment` outside quotes, if any.
fn comment_start(line: &str) -> Option<usize> {
    let mut quote: Option<char> = None;
    let mut prev = ' ';
    for (i, ch) in line.char_indices() {
        match quote {
            Some(q) if ch == q => quote = None,
            Some(_) => {}
            None if ch == '#' && prev.is_whitespace() => return Some(i),
            None if (ch == '"' || ch == '\'') && (prev.is_whitespace() || prev == ':') => quote = Some(ch),
            None => {}
        }
        prev = ch;
    }
    None
}

/// A variant name as a YAML scalar: bare when YAML reads it back as the same
/// string, else double-quoted (a JSON string is a valid YAML double-quoted one).
#[cfg(test)]
mod tests {
    use super::*;

    const BASE: &str = "# An experiment\nname: t   # the name\nvariants:\n  - name: control  # c\n  - name: treatment\nmetrics:\n  - name: m\n";

    #[test]
    fn appends_when_absent_and_keeps_every_other_byte() {
        let out = set_promoted("t.yaml", BASE, "treatment", None).unwrap();
        assert_eq!(out, format!("{BASE}status: promoted\npromoted: treatment\n"));
    }

    #[test]
    fn rewrites_status_in_place_with_its_comment() {
        let src = format!("{BASE}status: running   # flipped by CI\nowner: me\n");
        let out = set_promoted("t.yaml", &src, "treatment", None).unwrap();
        assert_eq!(out, format!("{BASE}status: promoted   # flipped by CI\npromoted: treatment\nowner: me\n"));
    }

    #[test]
    fn keeps_crlf_and_a_missing_final_newline() {
        let src = BASE.replace('\n', "\r\n");
        let src = src.trim_end_matches("\r\n");
        let out = set_promoted("t.yaml", src, "treatment", None).unwrap();
        assert!(out.starts_with(src));
        assert!(out.ends_with("\r\nstatus: promoted\r\npromoted: treatment\r\n"));
    }

    #[test]
    fn quotes_names_yaml_would_misread() {
        assert_eq!(yaml_scalar("treatment"), "treatment");
        assert_eq!(yaml_scalar("yes"), "\"yes\"");
        assert_eq!(yaml_scalar("1.5"), "\"1.5\"");
        assert_eq!(comment_start("a: \"x # y\" # z"), Some(11));
    }

    #[test]
    fn records_the_day_and_rewrites_an_earlier_one() {
        let day = NaiveDate::from_ymd_opt(2026, 12, 1);
        let out = set_promoted("t.yaml", BASE, "treatment", day).unwrap();
        assert_eq!(out, format!("{BASE}status: promoted\npromoted: treatment\npromoted_at: 2026-12-01\n"));
        let src = format!("{BASE}status: running # was\nowner: me\n");
        let out = set_promoted("t.yaml", &src, "treatment", day).unwrap();
        assert_eq!(
            out,
            format!("{BASE}status: promoted # was\npromoted: treatment\npromoted_at: 2026-12-01\nowner: me\n")
        );
        let again = set_promoted("t.yaml", &out, "treatment", NaiveDate::from_ymd_opt(2026, 12, 2)).unwrap();
        assert!(again.contains("promoted_at: 2026-12-02\nowner: me\n"), "{again}");
    }

    #[test]
    fn refuses_flow_mappings() {
        let src = "{name: t, variants: [{name: a}, {name: b}]}\n";
        assert!(set_promoted("t.yaml", src, "b", None).is_err());
    }
}
