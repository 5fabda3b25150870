//! Streamed rows (`abx assign`): a unit and its variant in each experiment,
//! encoded in the chosen format as they come, each variant's cells encoded
//! once per run. CSV and TSV quote as the csv crate does, JSON strings
//! escape as serde_json does, Markdown cells escape as the Markdown renderer.

use super::csv::write_field;
use super::json::write_str;
use super::markdown::write_cell;
use crate::assign::{bucket_of, point, Assigned};
use crate::experiment::Experiment;

/// `abx assign --format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
pub enum RowFormat {
    /// `unit,variant` with a header (the default)
    Csv,
    /// Tab-separated, with a header
    Tsv,
    /// One JSON object per line: unit, variant, bucket and the variant's params
    Jsonl,
    /// One JSON array of the jsonl objects
    Json,
    /// A Markdown table
    Markdown,
    /// An aligned table (with --id or --explain only)
    Table,
}

/// One experiment's column, with each variant's cells encoded once.
pub struct Column {
    csv: Vec<Vec<u8>>,
    tsv: Vec<Vec<u8>>,
    json_name: Vec<Vec<u8>>,
    json_params: Vec<Vec<u8>>,
    md: Vec<Vec<u8>>,
    json_key: Vec<u8>,
    name: String,
}

impl Column {
    pub fn new(exp: &Experiment) -> Self {
        let enc = |f: &dyn Fn(&mut Vec<u8>, &[u8])| -> Vec<Vec<u8>> {
            exp.variants
                .iter()
                .map(|v| {
                    let mut b = Vec::new();
                    f(&mut b, v.name.as_bytes());
                    b
                })
                .collect()
        };
        let csv = enc(&|b, s| write_field(b, s, b','));
        let tsv = enc(&|b, s| write_field(b, s, b'\t'));
        let json_name = enc(&|b, s| write_str(b, s));
        let md = enc(&|b, s| write_cell(b, s));
        let json_params =
            exp.variants.iter().map(|v| serde_json::to_vec(&v.params).unwrap_or_else(|_| b"{}".to_vec())).collect();
        let mut json_key = Vec::new();
        write_str(&mut json_key, exp.name.as_bytes());
        json_key.push(b':');
        Column { name: exp.name.clone(), csv, tsv, json_name, json_params, md, json_key }
    }
}

/// A text cell encoded once for every format: csv, tsv, JSON, Markdown.
struct Cell([Vec<u8>; 4]);

impl Cell {
    fn new(s: &str) -> Cell {
        let mut c: [Vec<u8>; 4] = Default::default();
        write_field(&mut c[0], s.as_bytes(), b',');
        write_field(&mut c[1], s.as_bytes(), b'\t');
        write_str(&mut c[2], s.as_bytes());
        write_cell(&mut c[3], s.as_bytes());
        Cell(c)
    }
}

/// `abx assign --layers`: one column per layer naming the experiment whose
/// range in the layer holds the unit's layer point (the contract's layer
/// filter; the experiment's holdout, targeting and ranges then decide its
/// variant), empty when no experiment given has that part of the layer.
pub struct LayerColumn {
    /// The column's name: `layer:NAME`.
    header: String,
    json_key: Vec<u8>,
    salt: Vec<u8>,
    /// The layer's experiments: their range in the layer and their name.
    members: Vec<(f64, f64, Cell)>,
}

impl LayerColumn {
    /// The layers of `exps`, in the order they first appear.
    pub fn of(exps: &[Experiment]) -> Vec<LayerColumn> {
        let mut out: Vec<LayerColumn> = Vec::new();
        for e in exps {
            let Some(layer) = &e.layer else { continue };
            let header = format!("layer:{}", layer.name);
            let i = match out.iter().position(|c| c.header == header) {
                Some(i) => i,
                None => {
                    let mut json_key = Vec::new();
                    write_str(&mut json_key, layer.name.as_bytes());
                    json_key.push(b':');
                    out.push(LayerColumn { header, json_key, salt: layer.salt().into_bytes(), members: Vec::new() });
                    out.len() - 1
                }
            };
            out[i].members.push((layer.range[0], layer.range[1], Cell::new(&e.name)));
        }
        out
    }

    /// The member whose range holds the unit's layer point: at most one, as
    /// the ranges of a layer do not overlap (checked before assigning).
    fn placed(&self, unit: &[u8]) -> Option<&Cell> {
        let x = point(unit, &self.salt);
        self.members.iter().find(|(a, b, _)| *a <= x && x < *b).map(|(_, _, c)| c)
    }

    /// The name of the experiment that placed the unit, for tables.
    pub fn placed_name(&self, unit: &[u8]) -> Option<String> {
        // The JSON cell is the name as a JSON string.
        self.placed(unit).and_then(|c| serde_json::from_slice(&c.0[2]).ok())
    }

    pub fn header(&self) -> &str {
        &self.header
    }
}

/// Encodes rows in the chosen format.
pub struct RowEncoder {
    pub format: RowFormat,
    pub columns: Vec<Column>,
    /// `--layers`: a column per layer after the experiments' columns.
    pub layers: Vec<LayerColumn>,
}

impl RowEncoder {
    pub fn header(&self, out: &mut Vec<u8>, no_header: bool) {
        let mut names: Vec<&str> = vec!["unit"];
        if self.columns.len() == 1 {
            names.push("variant");
        } else {
            names.extend(self.columns.iter().map(|e| e.name.as_str()));
        }
        names.extend(self.layers.iter().map(|l| l.header.as_str()));
        match self.format {
            RowFormat::Json => out.extend_from_slice(b"["),
            _ if no_header => {}
            RowFormat::Csv | RowFormat::Tsv => {
                let d = if self.format == RowFormat::Csv { b',' } else { b'\t' };
                for (i, n) in names.iter().enumerate() {
                    if i > 0 {
                        out.push(d);
                    }
                    write_field(out, n.as_bytes(), d);
                }
                out.push(b'\n');
            }
            RowFormat::Markdown => {
                out.push(b'|');
                for n in &names {
                    out.push(b' ');
                    write_cell(out, n.as_bytes());
                    out.extend_from_slice(b" |");
                }
                out.extend_from_slice(b"\n|");
                out.extend_from_slice(" --- |".repeat(names.len()).as_bytes());
                out.push(b'\n');
            }
            RowFormat::Jsonl | RowFormat::Table => {}
        }
    }

    pub fn footer(&self, out: &mut Vec<u8>) {
        if self.format == RowFormat::Json {
            out.extend_from_slice(b"\n]\n");
        }
    }

    /// Whether rows show the units' points (JSON's `bucket`); the other
    /// formats show the variants alone.
    pub fn needs_point(&self) -> bool {
        matches!(self.format, RowFormat::Jsonl | RowFormat::Json)
    }

    /// Bytes before each row that the first row drops (JSON's comma).
    pub fn leading(&self) -> usize {
        usize::from(self.format == RowFormat::Json)
    }

    fn json_object(&self, out: &mut Vec<u8>, e: &Column, (v, x): Assigned) {
        out.extend_from_slice(b"\"variant\":");
        match v {
            Some(i) => out.extend_from_slice(&e.json_name[i]),
            None => out.extend_from_slice(b"null"),
        }
        out.extend_from_slice(b",\"bucket\":");
        out.extend_from_slice(bucket_of(x).to_string().as_bytes());
        out.extend_from_slice(b",\"params\":");
        match v {
            Some(i) => out.extend_from_slice(&e.json_params[i]),
            None => out.extend_from_slice(b"null"),
        }
    }

    /// The delimiter of csv and tsv.
    pub fn delimiter(&self) -> u8 {
        if self.format == RowFormat::Tsv {
            b'\t'
        } else {
            b','
        }
    }

    /// Appends one row. `plain` promises that `unit` needs no CSV quoting
    /// (checked once per chunk with [`may_need_quotes`]).
    pub fn row(&self, out: &mut Vec<u8>, unit: &[u8], results: &[Assigned], plain: bool) {
        match self.format {
            RowFormat::Csv | RowFormat::Tsv => {
                let (d, cells) = if self.format == RowFormat::Csv { (b',', 0) } else { (b'\t', 1) };
                if plain {
                    out.extend_from_slice(unit);
                } else {
                    write_field(out, unit, d);
                }
                for (e, (v, _)) in self.columns.iter().zip(results) {
                    out.push(d);
                    if let Some(i) = v {
                        out.extend_from_slice(if cells == 0 { &e.csv[*i] } else { &e.tsv[*i] });
                    }
                }
                for l in &self.layers {
                    out.push(d);
                    if let Some(c) = l.placed(unit) {
                        out.extend_from_slice(&c.0[cells]);
                    }
                }
                out.push(b'\n');
            }
            RowFormat::Jsonl | RowFormat::Json => {
                if self.format == RowFormat::Json {
                    out.extend_from_slice(b",\n");
                }
                out.extend_from_slice(b"{\"unit\":");
                write_str(out, unit);
                if let ([e], [r]) = (&self.columns[..], results) {
                    out.push(b',');
                    self.json_object(out, e, *r);
                } else {
                    for (e, r) in self.columns.iter().zip(results) {
                        out.push(b',');
                        out.extend_from_slice(&e.json_key);
                        out.push(b'{');
                        self.json_object(out, e, *r);
                        out.push(b'}');
                    }
                }
                if !self.layers.is_empty() {
                    out.extend_from_slice(b",\"layers\":{");
                    for (j, l) in self.layers.iter().enumerate() {
                        if j > 0 {
                            out.push(b',');
                        }
                        out.extend_from_slice(&l.json_key);
                        match l.placed(unit) {
                            Some(c) => out.extend_from_slice(&c.0[2]),
                            None => out.extend_from_slice(b"null"),
                        }
                    }
                    out.push(b'}');
                }
                out.push(b'}');
                if self.format == RowFormat::Jsonl {
                    out.push(b'\n');
                }
            }
            RowFormat::Markdown | RowFormat::Table => {
                out.extend_from_slice(b"| ");
                write_cell(out, unit);
                for (e, (v, _)) in self.columns.iter().zip(results) {
                    out.extend_from_slice(b" | ");
                    if let Some(i) = v {
                        out.extend_from_slice(&e.md[*i]);
                    }
                }
                for l in &self.layers {
                    out.extend_from_slice(b" | ");
                    if let Some(c) = l.placed(unit) {
                        out.extend_from_slice(&c.0[3]);
                    }
                }
                out.extend_from_slice(b" |\n");
            }
        }
    }
}
