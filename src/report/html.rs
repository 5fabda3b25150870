//! `--format html`: one self-contained page. Inline CSS and inline SVG, no
//! script, nothing fetched; summary statistics only, so that the page stays
//! small whatever the data's size. A result gives a [`Page`] (by default its
//! [`View`] as headings and tables; results with charts add [`Block::Figure`]s).

use std::io::{self, Write};

use serde_json::Value;

use super::{human, Headline, Table, View};

/// HTML-escapes text (after escaping control characters, as every renderer does).
pub fn escape(text: &str) -> String {
    let clean = crate::bounds::escape(text);
    let mut out = String::with_capacity(clean.len());
    for c in clean.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// How an alert reads: its colour, and the word that says the same without colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Ok,
    Warn,
    Bad,
    Info,
}

impl Level {
    fn class(self) -> &'static str {
        match self {
            Level::Ok => "ok",
            Level::Warn => "warn",
            Level::Bad => "bad",
            Level::Info => "info",
        }
    }
}

/// A part of a page, in reading order.
#[derive(Debug, Clone)]
pub enum Block {
    /// The answer first (a verdict), with its reasons.
    Banner {
        level: Level,
        headline: Headline,
    },
    /// A one-line alert (the SRM check).
    Alert {
        level: Level,
        text: String,
    },
    Heading(String),
    Fields(Vec<(String, Value)>),
    Table(Table),
    /// An inline SVG chart with a caption.
    Figure {
        svg: String,
        caption: String,
    },
    /// Small multiples: figures side by side, each at least `min` px wide.
    Grid {
        min: u32,
        figures: Vec<(String, String)>,
    },
    Paragraph(String),
    Notes(Vec<String>),
    /// Links to other pages (an overview's experiments).
    Links(Vec<(String, String)>),
    /// A table whose cells may be links or charts (an overview).
    Rich {
        columns: Vec<String>,
        rows: Vec<Vec<Cell>>,
    },
}

/// A cell of a [`Block::Rich`] table.
#[derive(Debug, Clone)]
pub enum Cell {
    Text(String),
    /// Text drawn in a level's colour, the text saying the same.
    Marked(Level, String),
    Link {
        href: String,
        text: String,
    },
    Svg(String),
}

/// A whole page: its title and blocks.
#[derive(Debug, Clone, Default)]
pub struct Page {
    pub title: String,
    pub blocks: Vec<Block>,
}

impl Page {
    pub fn new(title: impl Into<String>) -> Page {
        Page { title: title.into(), blocks: Vec::new() }
    }

    pub fn push(&mut self, b: Block) {
        self.blocks.push(b);
    }

    /// A view as a page: the headline as a banner, then fields, tables and notes.
    pub fn from_view(view: &View) -> Page {
        let mut p = Page::new(view.title.clone().unwrap_or_else(|| "abx".into()));
        if let Some(h) = &view.headline {
            p.push(Block::Banner { level: Level::Info, headline: h.clone() });
        }
        p.add_view_body(view);
        p
    }

    /// A view's fields, tables and notes (no headline).
    pub fn add_view_body(&mut self, view: &View) {
        if !view.fields.is_empty() {
            self.push(Block::Fields(view.fields.clone()));
        }
        for t in &view.tables {
            self.push(Block::Table(t.clone()));
        }
        if !view.notes.is_empty() {
            self.push(Block::Notes(view.notes.clone()));
        }
    }
}

const STYLE: &str = "\
:root{color-scheme:light}\
*{box-sizing:border-box}\
body{margin:0;background:#fff;color:#24292f;font:14px/1.45 system-ui,-apple-system,'Segoe UI',sans-serif}\
main{max-width:1180px;margin:0 auto;padding:24px 28px 48px}\
h1{font-size:22px;margin:0 0 16px}\
h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #d0d7de;padding-bottom:4px}\
table{border-collapse:collapse;margin:8px 0 16px;font-variant-numeric:tabular-nums}\
caption{text-align:left;font-weight:600;padding:4px 0}\
th,td{border:1px solid #d0d7de;padding:4px 8px;text-align:left;vertical-align:top}\
th{background:#f6f8fa}\
td.num{text-align:right}\
dl{display:grid;grid-template-columns:max-content auto;gap:2px 16px;margin:8px 0 16px}\
dt{font-weight:600}dd{margin:0}\
.banner{border:2px solid;border-radius:6px;padding:12px 16px;margin:0 0 16px}\
.banner .word{font-size:20px;font-weight:700}\
.banner ul{margin:6px 0 0 18px;padding:0}\
.alert{border-left:6px solid;padding:8px 12px;margin:0 0 12px;background:#f6f8fa}\
.ok{border-color:#1a7f37}.warn{border-color:#bf8700}.bad{border-color:#cf222e}.info{border-color:#0969da}\
.banner.ok{background:#dafbe1}.banner.bad{background:#ffebe9}.banner.warn{background:#fff8c5}.banner.info{background:#ddf4ff}\
figure{margin:8px 0 20px}figcaption{color:#57606a;font-size:12px;max-width:900px}\
svg{max-width:100%;height:auto;display:block}td svg{width:340px;max-width:none}\
.grid{display:grid;gap:8px 16px}\
.grid figure{margin:0}\
.notes li{margin:2px 0}td.mark{font-weight:600;border-color:#d0d7de}td.mark.ok{color:#1a7f37}td.mark.bad{color:#cf222e}td.mark.warn{color:#7d4e00}\
footer{margin-top:32px;color:#57606a;font-size:12px}\
@media print{main{max-width:none;padding:0}.banner,.alert,th{-webkit-print-color-adjust:exact;print-color-adjust:exact}figure,table{break-inside:avoid}}";

fn cell(v: &Value) -> (String, bool) {
    let numeric = matches!(v, Value::Number(_));
    (escape(&human(v)), numeric)
}

fn table(out: &mut String, t: &Table) {
    out.push_str("<table>");
    if let Some(title) = &t.title {
        out.push_str(&format!("<caption>{}</caption>", escape(title)));
    }
    out.push_str("<thead><tr>");
    for c in &t.columns {
        out.push_str(&format!("<th scope=\"col\">{}</th>", escape(c)));
    }
    out.push_str("</tr></thead><tbody>");
    for r in &t.rows {
        out.push_str("<tr>");
        for v in r {
            let (s, numeric) = cell(v);
            out.push_str(if numeric { "<td class=\"num\">" } else { "<td>" });
            out.push_str(&s);
            out.push_str("</td>");
        }
        out.push_str("</tr>");
    }
    out.push_str("</tbody></table>");
}

/// The page as one HTML document.
pub fn to_string(page: &Page) -> String {
    let mut out = String::with_capacity(16 * 1024);
    out.push_str("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">");
    out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">");
    // Nothing may be fetched: no scripts, styles, fonts or images from anywhere.
    out.push_str("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">");
    out.push_str(&format!("<title>{}</title><style>{STYLE}</style></head>\n<body><main>", escape(&page.title)));
    out.push_str(&format!("<h1>{}</h1>\n", escape(&page.title)));
    for b in &page.blocks {
        match b {
            Block::Banner { level, headline } => {
                out.push_str(&format!(
                    "<section class=\"banner {}\" role=\"status\"><div>{}: <span class=\"word\">{}</span></div>",
                    level.class(),
                    escape(&headline.label),
                    escape(&headline.text)
                ));
                if !headline.points.is_empty() {
                    out.push_str("<ul>");
                    for p in &headline.points {
                        out.push_str(&format!("<li>{}</li>", escape(p)));
                    }
                    out.push_str("</ul>");
                }
                out.push_str("</section>\n");
            }
            Block::Alert { level, text } => {
                out.push_str(&format!("<p class=\"alert {}\">{}</p>\n", level.class(), escape(text)));
            }
            Block::Heading(h) => out.push_str(&format!("<h2>{}</h2>\n", escape(h))),
            Block::Fields(fields) => {
                out.push_str("<dl>");
                for (k, v) in fields {
                    out.push_str(&format!("<dt>{}</dt><dd>{}</dd>", escape(k), escape(&human(v))));
                }
                out.push_str("</dl>\n");
            }
            Block::Table(t) => {
                table(&mut out, t);
                out.push('\n');
            }
            Block::Figure { svg, caption } => {
                out.push_str(&format!("<figure>{svg}<figcaption>{}</figcaption></figure>\n", escape(caption)));
            }
            Block::Grid { min, figures: figs } => {
                out.push_str(&format!(
                    "<div class=\"grid\" style=\"grid-template-columns:repeat(auto-fill,minmax({min}px,1fr))\">"
                ));
                for (svg, caption) in figs {
                    out.push_str(&format!("<figure>{svg}<figcaption>{}</figcaption></figure>", escape(caption)));
                }
                out.push_str("</div>\n");
            }
            Block::Paragraph(p) => out.push_str(&format!("<p>{}</p>\n", escape(p))),
            Block::Notes(notes) => {
                out.push_str("<ul class=\"notes\">");
                for n in notes {
                    out.push_str(&format!("<li>{}</li>", escape(n)));
                }
                out.push_str("</ul>\n");
            }
            Block::Rich { columns, rows } => {
                out.push_str("<table><thead><tr>");
                for c in columns {
                    out.push_str(&format!("<th scope=\"col\">{}</th>", escape(c)));
                }
                out.push_str("</tr></thead><tbody>");
                for r in rows {
                    out.push_str("<tr>");
                    for c in r {
                        match c {
                            Cell::Text(t) => out.push_str(&format!("<td>{}</td>", escape(t))),
                            Cell::Marked(l, t) => {
                                out.push_str(&format!("<td class=\"mark {}\">{}</td>", l.class(), escape(t)))
                            }
                            Cell::Link { href, text } => {
                                out.push_str(&format!("<td><a href=\"{}\">{}</a></td>", escape(href), escape(text)))
                            }
                            Cell::Svg(svg) => out.push_str(&format!("<td>{svg}</td>")),
                        }
                    }
                    out.push_str("</tr>");
                }
                out.push_str("</tbody></table>\n");
            }
            Block::Links(links) => {
                out.push_str("<ul>");
                for (href, text) in links {
                    out.push_str(&format!("<li><a href=\"{}\">{}</a></li>", escape(href), escape(text)));
                }
                out.push_str("</ul>\n");
            }
        }
    }
    out.push_str(&format!(
        "<footer>Written by abx {}. Summary statistics only; no data rows are in this page.</footer>",
        env!("CARGO_PKG_VERSION")
    ));
    out.push_str("</main></body></html>\n");
    out
}

pub fn render(page: &Page, out: &mut dyn Write) -> io::Result<()> {
    out.write_all(to_string(page).as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped() {
        assert_eq!(escape("<a href=\"x\">&'"), "&lt;a href=&quot;x&quot;&gt;&amp;&#39;");
        let mut p = Page::new("t<script>");
        p.push(Block::Paragraph("</p><script>alert(1)</script>".into()));
        let html = to_string(&p);
        assert!(!html.contains("<script>"), "{html}");
    }
}
