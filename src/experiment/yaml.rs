//! A YAML document as a tree of nodes that remember where they stand in the
//! source (line and column), so that every problem can point at its text.
//!
//! serde_yaml stops at the first error and keeps no position for a value that
//! parses but is wrong (a negative weight), so abx reads YAML through
//! yaml-rust2's event parser and checks the tree itself.

use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::{Marker, TScalarStyle};

use super::diag::Diagnostic;

/// A 1-based line and column (in characters).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Pos {
    pub line: usize,
    pub col: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub pos: Pos,
    /// How many characters of the source the node spans on its first line
    /// (the width of the caret under it).
    pub width: usize,
    pub value: Value,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Seq(Vec<Node>),
    Map(Vec<(Node, Node)>),
}

impl Value {
    /// The YAML type name used in messages ("expected a string, found a list").
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Null => "nothing (null)",
            Value::Bool(_) => "a boolean",
            Value::Int(_) => "an integer",
            Value::Float(_) => "a number",
            Value::Str(_) => "a string",
            Value::Seq(_) => "a list",
            Value::Map(_) => "a mapping",
        }
    }
}

impl Node {
    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    /// Ints and floats as f64.
    pub fn as_f64(&self) -> Option<f64> {
        match self.value {
            Value::Int(i) => Some(i as f64),
            Value::Float(f) => Some(f),
            _ => None,
        }
    }

    /// A scalar written as text, whatever YAML type it resolved to (`5`, `true`,
    /// `abc`), for places where a scalar stands for a string, such as
    /// targeting values compared with CSV cells.
    pub fn scalar_text(&self) -> Option<String> {
        match &self.value {
            Value::Str(s) => Some(s.clone()),
            Value::Int(i) => Some(i.to_string()),
            Value::Float(f) => Some(f.to_string()),
            Value::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    }

    /// The node as JSON (variant params are handed to applications as JSON).
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value as J;
        match &self.value {
            Value::Null => J::Null,
            Value::Bool(b) => J::Bool(*b),
            Value::Int(i) => J::from(*i),
            Value::Float(f) => serde_json::Number::from_f64(*f).map_or(J::Null, J::Number),
            Value::Str(s) => J::String(s.clone()),
            Value::Seq(items) => J::Array(items.iter().map(Node::to_json).collect()),
            Value::Map(entries) => {
                J::Object(entries.iter().map(|(k, v)| (k.scalar_text().unwrap_or_default(), v.to_json())).collect())
            }
        }
    }
}

/// Parses one YAML document. A syntax error comes back as a diagnostic at the
/// place the parser stopped.
pub fn parse(src: &str) -> Result<Node, Diagnostic> {
    let lines: Vec<&str> = src.lines().collect();
    let mut builder = Builder {
        lines: &lines,
        stack: Vec::new(),
        anchors: std::collections::HashMap::new(),
        docs: Vec::new(),
        error: None,
        nodes: 0,
        alias_nodes: 0,
    };
    let mut parser = Parser::new_from_str(src);
    if let Err(e) = parser.load(&mut builder, true) {
        let m = e.marker();
        let msg = if e.info().contains("recursion limit") {
            format!("lists and mappings are nested more than {} deep here", crate::bounds::MAX_YAML_DEPTH)
        } else {
            format!("YAML syntax error: {}", e.info())
        };
        return Err(Diagnostic::new(Pos { line: m.line().max(1), col: m.col() + 1 }, 1, msg));
    }
    if let Some(d) = builder.error {
        return Err(d);
    }
    if !builder.stack.is_empty() {
        return Err(Diagnostic::new(Pos { line: 1, col: 1 }, 1, "the YAML document is not complete"));
    }
    let mut docs = builder.docs;
    match docs.len() {
        0 => Err(Diagnostic::new(
            Pos { line: 1, col: 1 },
            1,
            "the file is empty: an experiment needs at least `name` and `variants`",
        )),
        1 => Ok(docs.remove(0)),
        _ => Err(Diagnostic::new(
            docs[1].pos,
            1,
            "the file holds several YAML documents (`---`); an experiment file holds exactly one",
        )),
    }
}

enum Frame {
    Seq(Node),
    Map(Node, Option<Node>),
}

struct Builder<'a> {
    lines: &'a [&'a str],
    stack: Vec<(Frame, usize)>,
    /// Anchored nodes with their size in nodes.
    anchors: std::collections::HashMap<usize, (Node, usize)>,
    docs: Vec<Node>,
    error: Option<Diagnostic>,
    /// Nodes in the tree so far, and those of them copied in by aliases.
    nodes: usize,
    alias_nodes: usize,
}

/// The number of nodes in `node`'s tree.
fn size(node: &Node) -> usize {
    1 + match &node.value {
        Value::Seq(items) => items.iter().map(size).sum(),
        Value::Map(entries) => entries.iter().map(|(k, v)| size(k) + size(v)).sum(),
        _ => 0,
    }
}

/// The first character YAML does not allow in a file (C0 and C1 controls
/// other than tab and line breaks, and NUL above all, which would otherwise
/// end the document early), as a diagnostic at its line and column.
pub fn forbidden_character(src: &str) -> Option<Diagnostic> {
    // A lone CR (an old Mac line ending) breaks lines for YAML but not for
    // the line numbers of messages and of `--write`: refused too.
    let lone_cr = src.match_indices('\r').map(|(i, _)| i).find(|&i| src.as_bytes().get(i + 1) != Some(&b'\n'));
    let control = src.find(|c: char| c.is_control() && !matches!(c, '\t' | '\n' | '\r' | '\u{85}'));
    let at = match (control, lone_cr) {
        (Some(a), Some(b)) => a.min(b),
        (a, b) => a.or(b)?,
    };
    let before = &src[..at];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    let c = src[at..].chars().next().unwrap_or('\0');
    if c == '\r' {
        return Some(Diagnostic::new(
            Pos { line, col },
            1,
            "a line ends in a lone carriage return (CR); save the file with LF (or CRLF) line endings",
        ));
    }
    let what = if c == '\0' { "a NUL byte".to_string() } else { format!("the control character U+{:04X}", c as u32) };
    Some(Diagnostic::new(
        Pos { line, col },
        1,
        format!("{what} is not allowed in a YAML file (is this a binary file, or text saved in UTF-16?)"),
    ))
}

impl Builder<'_> {
    fn pos(m: &Marker) -> Pos {
        Pos { line: m.line().max(1), col: m.col() + 1 }
    }

    fn scalar_width(&self, pos: Pos, text: &str, style: TScalarStyle) -> usize {
        let rest = self.lines.get(pos.line - 1).map(|l| l.chars().count().saturating_sub(pos.col - 1)).unwrap_or(1);
        let want = match style {
            TScalarStyle::Plain => text.chars().count(),
            TScalarStyle::SingleQuoted | TScalarStyle::DoubleQuoted => text.chars().count() + 2,
            TScalarStyle::Literal | TScalarStyle::Folded => 1,
        };
        want.clamp(1, rest.max(1))
    }

    fn push_value(&mut self, node: Node, anchor: usize) {
        if anchor > 0 {
            let n = size(&node);
            self.anchors.insert(anchor, (node.clone(), n));
        }
        match self.stack.last_mut() {
            None => self.docs.push(node),
            Some((Frame::Seq(seq), _)) => {
                if let Value::Seq(items) = &mut seq.value {
                    items.push(node);
                }
            }
            Some((Frame::Map(map, key), _)) => match key.take() {
                None => *key = Some(node),
                Some(k) => {
                    if let Value::Map(entries) = &mut map.value {
                        entries.push((k, node));
                    }
                }
            },
        }
    }
}

/// YAML 1.2 core schema resolution of a plain scalar.
fn resolve_plain(text: &str) -> Value {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "true" | "True" | "TRUE" => return Value::Bool(true),
        "false" | "False" | "FALSE" => return Value::Bool(false),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => return Value::Float(f64::INFINITY),
        "-.inf" | "-.Inf" | "-.INF" => return Value::Float(f64::NEG_INFINITY),
        ".nan" | ".NaN" | ".NAN" => return Value::Float(f64::NAN),
        _ => {}
    }
    let digits = text.strip_prefix(['-', '+']).unwrap_or(text);
    if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        if let Ok(i) = text.parse::<i64>() {
            return Value::Int(i);
        }
    }
    if let Some(hex) = text.strip_prefix("0x") {
        if let Ok(i) = i64::from_str_radix(hex, 16) {
            return Value::Int(i);
        }
    }
    if let Some(oct) = text.strip_prefix("0o") {
        if let Ok(i) = i64::from_str_radix(oct, 8) {
            return Value::Int(i);
        }
    }
    // [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?
    let mantissa_end = digits.find(['e', 'E']).unwrap_or(digits.len());
    let (mantissa, exponent) = digits.split_at(mantissa_end);
    let mantissa_ok = {
        let mut parts = mantissa.splitn(2, '.');
        let int = parts.next().unwrap_or("");
        let frac = parts.next();
        int.bytes().all(|b| b.is_ascii_digit())
            && frac.is_none_or(|f| f.bytes().all(|b| b.is_ascii_digit()))
            && (!int.is_empty() || frac.is_some_and(|f| !f.is_empty()))
    };
    let exponent_ok = exponent.is_empty() || {
        let e = &exponent[1..];
        let e = e.strip_prefix(['-', '+']).unwrap_or(e);
        !e.is_empty() && e.bytes().all(|b| b.is_ascii_digit())
    };
    if mantissa_ok && exponent_ok {
        if let Ok(f) = text.parse::<f64>() {
            return Value::Float(f);
        }
    }
    Value::Str(text.to_string())
}

impl MarkedEventReceiver for Builder<'_> {
    fn on_event(&mut self, ev: Event, mark: Marker) {
        if self.error.is_some() {
            return;
        }
        let pos = Self::pos(&mark);
        if matches!(ev, Event::Scalar(..) | Event::SequenceStart(..) | Event::MappingStart(..)) {
            self.nodes += 1;
            if self.nodes > crate::bounds::MAX_YAML_NODES {
                self.error = Some(Diagnostic::new(
                    pos,
                    1,
                    format!(
                        "the file has more than {} YAML nodes; an experiment file is far smaller",
                        crate::bounds::MAX_YAML_NODES
                    ),
                ));
                return;
            }
        }
        if matches!(ev, Event::SequenceStart(..) | Event::MappingStart(..))
            && self.stack.len() >= crate::bounds::MAX_YAML_DEPTH
        {
            self.error = Some(Diagnostic::new(
                pos,
                1,
                format!("lists and mappings are nested more than {} deep here", crate::bounds::MAX_YAML_DEPTH),
            ));
            return;
        }
        match ev {
            Event::Scalar(text, style, anchor, tag) => {
                let width = self.scalar_width(pos, &text, style);
                let forced_str = tag.as_ref().is_some_and(|t| t.suffix == "str");
                let value =
                    if style == TScalarStyle::Plain && !forced_str { resolve_plain(&text) } else { Value::Str(text) };
                self.push_value(Node { pos, width, value }, anchor);
            }
            Event::SequenceStart(anchor, _) => {
                let node = Node { pos, width: 1, value: Value::Seq(Vec::new()) };
                self.stack.push((Frame::Seq(node), anchor));
            }
            Event::MappingStart(anchor, _) => {
                let node = Node { pos, width: 1, value: Value::Map(Vec::new()) };
                self.stack.push((Frame::Map(node, None), anchor));
            }
            Event::SequenceEnd | Event::MappingEnd => {
                if let Some((frame, anchor)) = self.stack.pop() {
                    let mut node = match frame {
                        Frame::Seq(n) => n,
                        Frame::Map(n, _) => n,
                    };
                    // A block mapping is marked after its first key: point at the key.
                    if let Value::Map(entries) = &node.value {
                        if let Some((k, _)) = entries.first() {
                            if (k.pos.line, k.pos.col) < (node.pos.line, node.pos.col) {
                                node.pos = k.pos;
                            }
                        }
                    }
                    self.push_value(node, anchor);
                }
            }
            Event::Alias(id) => match self.anchors.get(&id) {
                Some((node, n)) => {
                    self.alias_nodes += n;
                    self.nodes += n;
                    if self.alias_nodes > crate::bounds::MAX_ALIAS_NODES {
                        self.error = Some(Diagnostic::new(
                            pos,
                            1,
                            format!(
                                "YAML aliases here expand to more than {} nodes (an alias bomb?); write the values out",
                                crate::bounds::MAX_ALIAS_NODES
                            ),
                        ));
                        return;
                    }
                    let mut node = node.clone();
                    node.pos = pos;
                    self.push_value(node, 0);
                }
                None => self.error = Some(Diagnostic::new(pos, 1, "YAML alias refers to an unknown anchor")),
            },
            Event::StreamStart | Event::StreamEnd | Event::DocumentStart | Event::DocumentEnd | Event::Nothing => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_core_schema_scalars() {
        assert_eq!(resolve_plain("12"), Value::Int(12));
        assert_eq!(resolve_plain("-3"), Value::Int(-3));
        assert_eq!(resolve_plain("0.5"), Value::Float(0.5));
        assert_eq!(resolve_plain(".5"), Value::Float(0.5));
        assert_eq!(resolve_plain("1e3"), Value::Float(1000.0));
        assert_eq!(resolve_plain("true"), Value::Bool(true));
        assert_eq!(resolve_plain("~"), Value::Null);
        assert_eq!(resolve_plain("gpt-3.5"), Value::Str("gpt-3.5".into()));
        assert_eq!(resolve_plain("1.2.3"), Value::Str("1.2.3".into()));
        assert_eq!(resolve_plain("yes"), Value::Str("yes".into()));
        assert_eq!(resolve_plain("2026-01-15"), Value::Str("2026-01-15".into()));
        assert_eq!(resolve_plain("e5"), Value::Str("e5".into()));
    }

    #[test]
    fn keeps_positions() {
        let n = parse("name: x\nvariants:\n  - name: a\n    weight: -1\n").unwrap();
        let Value::Map(entries) = &n.value else { panic!("not a map") };
        assert_eq!(n.pos, Pos { line: 1, col: 1 });
        let (_, variants) = &entries[1];
        let Value::Seq(items) = &variants.value else { panic!("not a seq") };
        let Value::Map(v) = &items[0].value else { panic!("not a map") };
        assert_eq!(items[0].pos, Pos { line: 3, col: 5 });
        assert_eq!(v[1].1.pos, Pos { line: 4, col: 13 });
        assert_eq!(v[1].1.width, 2);
        assert_eq!(v[1].1.value, Value::Int(-1));
    }

    #[test]
    fn quoted_scalars_stay_strings() {
        let n = parse("a: '5'\nb: !!str 6\n").unwrap();
        let Value::Map(e) = &n.value else { panic!("not a map") };
        assert_eq!(e[0].1.value, Value::Str("5".into()));
        assert_eq!(e[1].1.value, Value::Str("6".into()));
    }

    #[test]
    fn syntax_errors_have_positions() {
        let d = parse("a: [1, 2\nb: 3\n").unwrap_err();
        assert_eq!(d.pos.line, 2);
        assert!(d.message.starts_with("YAML syntax error"));
    }

    #[test]
    fn alias_bombs_and_deep_nesting_are_refused() {
        let mut src = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        for (i, c) in "bcdefghij".chars().enumerate() {
            let prev = (b'a' + i as u8) as char;
            src.push_str(&format!("{c}: &{c} [{}]\n", vec![format!("*{prev}"); 10].join(", ")));
        }
        let d = parse(&src).unwrap_err();
        assert!(d.message.contains("alias"), "{}", d.message);
        assert!(d.pos.line > 1);
        let deep = format!("a: {}{}\n", "[".repeat(10_000), "]".repeat(10_000));
        assert!(parse(&deep).unwrap_err().message.contains("nested"));
        let d = forbidden_character("name: x\nallocation: 1\0\nmore").unwrap();
        assert_eq!((d.pos.line, d.pos.col), (2, 14));
    }

    #[test]
    fn aliases_resolve() {
        let n = parse("a: &x {k: 1}\nb: *x\n").unwrap();
        let Value::Map(e) = &n.value else { panic!("not a map") };
        assert_eq!(e[1].1.to_json(), serde_json::json!({"k": 1}));
    }
}
