//! Diagnostics in the style of rustc and ruff: `file:line:col: error: message`,
//! the offending line quoted, and a caret under the offending text.

use std::fmt::Write as _;

use super::yaml::Pos;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub pos: Pos,
    pub width: usize,
    pub message: String,
    pub help: Option<String>,
}

impl Diagnostic {
    pub fn new(pos: Pos, width: usize, message: impl Into<String>) -> Self {
        Diagnostic { pos, width: width.max(1), message: message.into(), help: None }
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
}

/// ANSI styling for diagnostics, off when NO_COLOR is set or stderr is not a terminal.
#[derive(Debug, Clone, Copy)]
pub struct Style {
    pub color: bool,
}

impl Style {
    fn paint(&self, code: &str, text: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }
}

/// Renders one diagnostic against the file's source text.
pub fn render(path: &str, source: &str, d: &Diagnostic, style: Style) -> String {
    let mut out = String::new();
    let location = format!("{}:{}:{}:", crate::bounds::escape(path), d.pos.line, d.pos.col);
    let _ = writeln!(
        out,
        "{} {} {}",
        style.paint("1", &location),
        style.paint("1;31", "error:"),
        style.paint("1", &crate::bounds::clean_message(&d.message))
    );
    if let Some(line) = source.lines().nth(d.pos.line.saturating_sub(1)) {
        let number = d.pos.line.to_string();
        let pad = " ".repeat(number.len());
        let bar = style.paint("1;34", "|");
        let (line, col) = window(&line.replace('\t', " "), d.pos.col);
        // Control characters would act on the terminal: show them as `?`.
        let line: String = line.chars().map(|c| if c.is_control() { '?' } else { c }).collect();
        let _ = writeln!(out, "{pad} {bar}");
        let _ = writeln!(out, "{} {bar} {line}", style.paint("1;34", &number));
        let lead = " ".repeat(col.saturating_sub(1));
        let width = d.width.min(line.chars().count().saturating_sub(col - 1)).max(1);
        let carets = style.paint("1;31", &"^".repeat(width));
        let _ = writeln!(out, "{pad} {bar} {lead}{carets}");
    }
    if let Some(help) = &d.help {
        let pad = " ".repeat(d.pos.line.to_string().len());
        let _ = writeln!(out, "{pad} = {} {help}", style.paint("1;36", "help:"));
    }
    out
}

/// The widest source line quoted in full; longer ones are cut around the column.
const MAX_QUOTED: usize = 120;

/// The part of `line` to quote and the column within it.
fn window(line: &str, col: usize) -> (String, usize) {
    let chars: Vec<char> = line.chars().collect();
    if chars.len() <= MAX_QUOTED {
        return (line.to_string(), col.max(1));
    }
    let start = col.saturating_sub(1 + MAX_QUOTED / 2).min(chars.len().saturating_sub(MAX_QUOTED));
    let end = (start + MAX_QUOTED).min(chars.len());
    let mut text: String = chars[start..end].iter().collect();
    let mut col = col - start;
    if start > 0 {
        text.insert_str(0, "...");
        col += 3;
    }
    if end < chars.len() {
        text.push_str("...");
    }
    (text, col.max(1))
}

/// The closest of `candidates` to `word`, if it is close enough to be a likely typo.
pub fn did_you_mean<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    candidates
        .iter()
        .map(|c| (strsim::jaro_winkler(word, c), *c))
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_caret_under_the_value() {
        let src = "name: x\nallocation: 1.5\n";
        let d = Diagnostic::new(Pos { line: 2, col: 13 }, 3, "allocation must be between 0 and 1, got 1.5");
        let text = render("e.yaml", src, &d, Style { color: false });
        assert_eq!(
            text,
            "e.yaml:2:13: error: allocation must be between 0 and 1, got 1.5\n  |\n2 | allocation: 1.5\n  |             ^^^\n"
        );
    }

    #[test]
    fn long_lines_are_cut_around_the_column() {
        let src = format!("name: {}BAD{}\n", "a".repeat(300), "b".repeat(300));
        let d = Diagnostic::new(Pos { line: 1, col: 307 }, 3, "bad");
        let text = render("e.yaml", &src, &d, Style { color: false });
        let lines: Vec<&str> = text.lines().collect();
        assert!(lines[2].len() < 140 && lines[2].contains("BAD"), "{}", lines[2]);
        let caret = lines[3].find('^').unwrap();
        assert_eq!(&lines[2][caret..caret + 3], "BAD");
    }

    #[test]
    fn suggests_close_words_only() {
        assert_eq!(did_you_mean("varaints", &["variants", "metrics"]), Some("variants"));
        assert_eq!(did_you_mean("zzz", &["variants", "metrics"]), None);
    }
}
