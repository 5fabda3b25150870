//! `abx assign`: put each unit in a variant, deterministically and stickily,
//! at stream speed (see the contract's bucketing in [`crate::assign`]).

use std::io::{self, IsTerminal, Read, Write};
use std::path::PathBuf;

use clap::Args;
use serde_json::json;

use super::{Ctx, Spinner};
use crate::assign::explain::Explanations;
use crate::assign::targeting::Targeting;
use crate::assign::{assign_into, assign_into_known, not_live, points_into, Assigned, Assigner, Bucketer};
use crate::data::lines::{lines, Chunk, LineChunker};
use crate::data::open_input;
use crate::data::pipeline::{self, Encoded, HeadFirst};
use crate::data::records::CsvBatches;
use crate::error::{AbxError, Result};
use crate::exit::ExitStatus;
use crate::experiment::Experiment;
use crate::report::rows::{Column, LayerColumn, RowEncoder, RowFormat};
use crate::report::{self, csv::may_need_quotes, Format, Table, View};

/// Bytes per chunk of input lines, and chunks per parallel batch: three
/// batches in flight keep memory to a few MiB whatever the input size.
const CHUNK_BYTES: usize = 64 * 1024;
const BATCH_CHUNKS: usize = 16;
const CSV_CHUNK_ROWS: usize = 2048;

#[derive(Debug, Args)]
#[command(
    about = "Assign units to variants, deterministically (SHA-256 bucketing)",
    long_about = "Assign units to variants, deterministically and stickily.\n\n\
A unit's point x is the first 8 bytes of SHA-256(\"{unit}:{salt}\") as a big-endian integer \
divided by 2^64; variant i covers [s_i, s_i + allocation * w_i) with s_i the sum of the \
normalised weights before it. Ids come from --id, from --input (a CSV with attributes for \
targeting), or from stdin, one per line. Output keeps input order; an ineligible or \
unexposed unit gets an empty variant.",
    after_help = "Examples:\n  \
abx assign -e experiments/followup_timing.yaml --id user_1 --id user_2\n  \
seq -f 'user_%g' 1 1000000 | abx assign -e experiments/followup_timing.yaml > assignments.csv\n  \
abx assign -e experiments/strategy_complexity.yaml --input fixtures/good/users.csv --id-column user_id\n  \
abx assign -e experiments/followup_timing.yaml -e experiments/backtest_window.yaml --id user_1 --format jsonl\n  \
abx assign --explain -e experiments/followup_timing.yaml --id user_1\n  \
abx assign -e fixtures/allocation/home_hero.yaml -e fixtures/allocation/home_copy.yaml --layers --id u1 --id u2 --id u3"
)]
pub struct AssignArgs {
    /// Experiment file; repeat for one column per experiment
    #[arg(short = 'e', long = "experiment", value_name = "FILE", required = true)]
    pub experiments: Vec<PathBuf>,
    /// A unit id (repeatable). Without --id or --input, ids are read from stdin, one per line
    #[arg(long = "id", value_name = "ID", conflicts_with = "input", allow_hyphen_values = true)]
    pub ids: Vec<String>,
    /// A CSV file with a header row: unit ids plus attribute columns for targeting ("-": stdin)
    #[arg(long, value_name = "FILE.csv")]
    pub input: Option<PathBuf>,
    /// The --input column that holds the unit ids
    #[arg(long, value_name = "COLUMN", default_value = "unit")]
    pub id_column: String,
    /// Output format [default: csv; with --explain, table on a terminal, else json]
    #[arg(long, short = 'f', value_enum)]
    pub format: Option<RowFormat>,
    /// Show the hash input, x, the ranges and why each unit landed where it did
    #[arg(long)]
    pub explain: bool,
    /// Add a column per layer (`layer:NAME`; JSON `layers`) naming the experiment of the layer that placed the unit
    #[arg(long, conflicts_with = "explain")]
    pub layers: bool,
    /// Skip empty lines (and empty ids in --input) instead of failing on them
    #[arg(long)]
    pub skip_empty: bool,
    /// Leave out the header row (csv, tsv, markdown)
    #[arg(long)]
    pub no_header: bool,
}

/// The experiments assigned, and the encoder of their rows.
struct Encoder {
    rows: RowEncoder,
    exps: Vec<Assigner>,
}

impl std::ops::Deref for Encoder {
    type Target = RowEncoder;
    fn deref(&self) -> &RowEncoder {
        &self.rows
    }
}

impl Encoder {
    fn new(format: RowFormat, exps: Vec<Experiment>, layers: bool) -> Result<Encoder> {
        let columns = exps.iter().map(Column::new).collect();
        let layers = match layers {
            false => Vec::new(),
            true if exps.iter().all(|e| e.layer.is_none()) => {
                return Err(AbxError::Usage(
                    "--layers: none of the experiments given with -e is in a layer (`layer:` in its file)".into(),
                ))
            }
            true => LayerColumn::of(&exps),
        };
        let exps = exps.into_iter().map(Assigner::new).collect();
        Ok(Encoder { rows: RowEncoder { format, columns, layers }, exps })
    }
}

fn empty_id(source: &str, line: u64) -> AbxError {
    AbxError::input(source, format!("line {line}: the unit id is empty (pass --skip-empty to skip empty lines)"))
}

fn not_utf8(source: &str, chunk: &Chunk, valid_up_to: usize) -> AbxError {
    let line = chunk.first_line + chunk.data[..valid_up_to].iter().filter(|&&b| b == b'\n').count() as u64;
    AbxError::input(source, format!("line {line}: the unit id is not valid UTF-8"))
}

/// One warning per experiment whose status exposes no unit, and for
/// filters that place nobody.
fn warn_status(ctx: &Ctx, exps: &[Experiment]) {
    for e in exps {
        if let Some(why) = not_live(e) {
            ctx.warn(&format!("experiment `{}` {why}: every unit gets an empty variant", e.name));
        }
        for w in e.filter_warnings() {
            ctx.warn(&w);
        }
    }
}

pub fn run(args: &AssignArgs, ctx: &Ctx) -> Result<ExitStatus> {
    let exps = super::util::load_experiments(&args.experiments)?;
    // Files whose layers or holdouts disagree would give a unit two variants of one layer.
    let indexed: Vec<(usize, Experiment)> = exps.iter().cloned().enumerate().collect();
    if let Some((i, message)) = crate::experiment::across(&indexed, &args.experiments).into_iter().next() {
        return Err(AbxError::input(args.experiments[i].display().to_string(), message));
    }
    warn_status(ctx, &exps);
    if args.explain {
        return explain(args, ctx, &exps);
    }
    let enc = Encoder::new(args.format.unwrap_or(RowFormat::Csv), exps, args.layers)?;
    if enc.format == RowFormat::Table && args.ids.is_empty() {
        return Err(AbxError::Usage(
            "--format table needs --id (or --explain); for streams use csv, tsv, jsonl, json or markdown".into(),
        ));
    }
    // The header goes out only once the input is known to be readable, so
    // that an error leaves stdout empty.
    let mut head = Vec::new();
    enc.header(&mut head, args.no_header);
    let mut out = io::stdout();
    let rows = match &args.input {
        Some(path) => assign_csv(args, ctx, &enc, path, &head, &mut out)?,
        None if !args.ids.is_empty() => return assign_ids(args, ctx, &enc, &head, out),
        None => assign_lines(args, ctx, &enc, &head, &mut out)?,
    };
    let mut tail = Vec::new();
    enc.footer(&mut tail);
    if rows == 0 && enc.format == RowFormat::Json {
        tail = b"]\n".to_vec();
    }
    out.write_all(&tail)?;
    out.flush()?;
    Ok(ExitStatus::Ok)
}

/// Per experiment, whether every unit is eligible when ids come without
/// attributes (None: it depends on the unit, for a GrowthBook condition
/// that reads its hash attribute), with a warning for each that has targeting.
fn warn_targeting_without_attributes(ctx: &Ctx, enc: &Encoder) -> Vec<Option<bool>> {
    enc.exps
        .iter()
        .map(|e| {
            if e.targeting.is_empty() {
                return Some(true);
            }
            let eligible = match &e.targeting {
                Targeting::Abx(_) => e.targeting.eligible("", &[]).ok(),
                Targeting::Growthbook { .. } => None,
            };
            let every = match eligible {
                Some(true) => "eligible",
                Some(false) => "ineligible (empty variant)",
                None => "without attributes but its id",
            };
            ctx.warn(&format!(
                "experiment `{}` has targeting but ids without attributes were given, so every unit is {every}; pass --input FILE.csv with the attribute columns",
                e.name,
            ));
            eligible
        })
        .collect()
}

/// Per experiment, the points of `units` computed two hashes at a time,
/// where the experiment allows it ([`Bucketer::batch_hashable`]).
fn batch_points(enc: &Encoder, units: &[&[u8]]) -> Vec<Option<Vec<f64>>> {
    enc.exps
        .iter()
        .map(|e| {
            e.bucketer.batch_hashable(enc.needs_point()).then(|| {
                let mut points = Vec::new();
                points_into(units, e.bucketer.salt(), &mut points);
                points
            })
        })
        .collect()
}

/// Whether a unit given without attributes is eligible in experiment `k`.
fn eligible_bare(enc: &Encoder, eligible: &[Option<bool>], k: usize, unit: &[u8]) -> bool {
    eligible[k].unwrap_or_else(|| enc.exps[k].targeting.eligible(&String::from_utf8_lossy(unit), &[]).unwrap_or(false))
}

fn assign_ids(args: &AssignArgs, ctx: &Ctx, enc: &Encoder, head: &[u8], mut out: io::Stdout) -> Result<ExitStatus> {
    let eligible = warn_targeting_without_attributes(ctx, enc);
    let mut results = Vec::new();
    let mut rows: Vec<(String, Vec<Assigned>)> = Vec::new();
    for (i, id) in args.ids.iter().enumerate() {
        if id.is_empty() {
            if args.skip_empty {
                continue;
            }
            return Err(AbxError::Usage(format!("--id number {} is empty", i + 1)));
        }
        assign_into(&enc.exps, &mut results, id.as_bytes(), enc.needs_point(), |k| {
            eligible_bare(enc, &eligible, k, id.as_bytes())
        });
        rows.push((id.clone(), results.clone()));
    }
    if enc.format == RowFormat::Table {
        let mut cols = vec!["unit".to_string()];
        if enc.exps.len() == 1 {
            cols.push("variant".into());
        } else {
            cols.extend(enc.exps.iter().map(|e| e.name.clone()));
        }
        cols.extend(enc.layers.iter().map(|l| l.header().to_string()));
        let mut table = Table { columns: cols, ..Table::default() };
        for (id, res) in &rows {
            let mut row = vec![json!(id)];
            for (e, (v, _)) in enc.exps.iter().zip(res) {
                row.push(v.map_or(json!(""), |i| json!(e.exp.variants[i].name)));
            }
            for l in &enc.layers {
                row.push(json!(l.placed_name(id.as_bytes()).unwrap_or_default()));
            }
            table.push(row);
        }
        let mut buf = head.to_vec();
        report::table::render(&View { tables: vec![table], ..View::default() }, &mut buf)?;
        out.write_all(&buf)?;
    } else {
        let mut buf = head.to_vec();
        for (i, (id, res)) in rows.iter().enumerate() {
            let start = buf.len();
            enc.row(&mut buf, id.as_bytes(), res, false);
            if i == 0 {
                buf.drain(start..start + enc.leading());
            }
        }
        if rows.is_empty() && enc.format == RowFormat::Json {
            buf.extend_from_slice(b"]\n");
        } else {
            enc.footer(&mut buf);
        }
        out.write_all(&buf)?;
    }
    out.flush()?;
    Ok(ExitStatus::Ok)
}

/// Runs the ordered parallel pipeline with a progress spinner on a terminal.
fn stream<T, R, F, W>(ctx: &Ctx, enc: &Encoder, out: &mut W, next_batch: R, work: F) -> Result<u64>
where
    W: Write + Send,
    T: Send + Sync,
    R: FnMut(Vec<T>) -> Result<Vec<T>> + Send,
    F: Fn(&T, Vec<u8>) -> Result<Encoded> + Sync,
{
    let pb = Spinner::new(ctx, Some("{spinner} {human_pos} ids assigned ({elapsed})"), false);
    pipeline::run(next_batch, out, work, enc.leading(), |n| pb.set_position(n))
}

fn assign_lines(args: &AssignArgs, ctx: &Ctx, enc: &Encoder, head: &[u8], out: &mut io::Stdout) -> Result<u64> {
    let source = "<stdin>";
    let eligible = warn_targeting_without_attributes(ctx, enc);
    if ctx.stderr_tty && io::stdin().is_terminal() {
        let _ =
            writeln!(io::stderr(), "reading unit ids from stdin, one per line (Ctrl-D to end; see --id and --input)");
    }
    let mut chunker = LineChunker::new(io::stdin(), CHUNK_BYTES);
    let mut out = HeadFirst::new(head, out);
    let rows = stream(
        ctx,
        enc,
        &mut out,
        |spent| {
            chunker.next_batch(BATCH_CHUNKS, spent).map_err(|source| AbxError::Read { path: "<stdin>".into(), source })
        },
        |chunk: &Chunk, mut bytes: Vec<u8>| {
            if let Err(e) = std::str::from_utf8(&chunk.data) {
                return Err(not_utf8(source, chunk, e.valid_up_to()));
            }
            bytes.reserve(chunk.data.len() * 2);
            let mut results = Vec::with_capacity(enc.exps.len());
            let plain = !may_need_quotes(&chunk.data, enc.delimiter());
            let mut units = Vec::with_capacity(chunk.data.len() / 8);
            for (i, line) in lines(&chunk.data).enumerate() {
                let line_no = chunk.first_line + i as u64;
                let unit = if line_no == 1 { line.strip_prefix("\u{feff}".as_bytes()).unwrap_or(line) } else { line };
                if unit.is_empty() {
                    if args.skip_empty {
                        continue;
                    }
                    return Err(empty_id(source, line_no));
                }
                units.push(unit);
            }
            let known = batch_points(enc, &units);
            for (j, unit) in units.iter().enumerate() {
                assign_into_known(
                    &enc.exps,
                    &mut results,
                    unit,
                    enc.needs_point(),
                    |k| eligible_bare(enc, &eligible, k, unit),
                    |k| known[k].as_ref().map(|p| p[j]),
                );
                enc.row(&mut bytes, unit, &results, plain);
            }
            Ok(Encoded { bytes, rows: units.len() as u64 })
        },
    )?;
    out.finish()?;
    Ok(rows)
}

/// For each experiment, the --input column of each targeting condition's attribute.
fn attribute_columns(ctx: &Ctx, enc: &Encoder, headers: &[String], source: &str) -> Vec<Vec<Option<usize>>> {
    enc.exps
        .iter()
        .map(|e| {
            e.targeting
                .attributes()
                .into_iter()
                .map(|a| {
                    let col = headers.iter().position(|h| h == a);
                    if col.is_none() {
                        ctx.warn(&format!(
                            "{source} has no column `{a}` (targeting of `{}`): it counts as missing for every unit",
                            e.name
                        ));
                    }
                    col
                })
                .collect()
        })
        .collect()
}

fn assign_csv(
    args: &AssignArgs,
    ctx: &Ctx,
    enc: &Encoder,
    path: &std::path::Path,
    head: &[u8],
    out: &mut io::Stdout,
) -> Result<u64> {
    let (reader, source) = open_input(path)?;
    let mut batches = CsvBatches::new(reader, &source)?;
    let id_col = batches.column(&args.id_column).ok_or_else(|| {
        AbxError::input(
            &source,
            format!(
                "no column `{}` for the unit ids (pass --id-column); the columns are: {}",
                args.id_column,
                crate::bounds::list(&batches.headers)
            ),
        )
    })?;
    let columns = attribute_columns(ctx, enc, &batches.headers, &source);
    let mut out = HeadFirst::new(head, out);
    let rows = stream(
        ctx,
        enc,
        &mut out,
        |_| batches.next_batch(BATCH_CHUNKS, CSV_CHUNK_ROWS),
        |records: &Vec<csv::ByteRecord>, mut bytes: Vec<u8>| {
            bytes.reserve(records.len() * 32);
            let mut results = Vec::with_capacity(enc.exps.len());
            let mut values: Vec<Option<&str>> = Vec::new();
            let mut eligible: Vec<bool> = Vec::with_capacity(enc.exps.len());
            let mut wrong = None;
            let mut rows = 0;
            for rec in records {
                let line = rec.position().map_or(0, |p| p.line());
                let unit = rec.get(id_col).unwrap_or_default();
                if std::str::from_utf8(rec.as_slice()).is_err() {
                    return Err(AbxError::input(&source, format!("line {line}: the row is not valid UTF-8")));
                }
                if unit.is_empty() {
                    if args.skip_empty {
                        continue;
                    }
                    return Err(AbxError::input(
                        &source,
                        format!(
                            "line {line}: the unit id in column `{}` is empty (pass --skip-empty to skip such rows)",
                            args.id_column
                        ),
                    ));
                }
                let attr = |col: Option<usize>| col.and_then(|c| rec.get(c)).and_then(|b| std::str::from_utf8(b).ok());
                let text = std::str::from_utf8(unit).unwrap_or_default();
                eligible.clear();
                for (e, cols) in enc.exps.iter().zip(&columns) {
                    if e.targeting.is_empty() {
                        eligible.push(true);
                        continue;
                    }
                    values.clear();
                    values.extend(cols.iter().map(|c| attr(*c)));
                    match e.targeting.eligible(text, &values) {
                        Ok(ok) => eligible.push(ok),
                        Err(why) => {
                            wrong = Some(format!("line {line}: {why}"));
                            eligible.push(false);
                        }
                    }
                }
                if let Some(why) = wrong.take() {
                    return Err(AbxError::input(&source, why));
                }
                assign_into(&enc.exps, &mut results, unit, enc.needs_point(), |k| eligible[k]);
                enc.row(&mut bytes, unit, &results, false);
                rows += 1;
            }
            Ok(Encoded { bytes, rows })
        },
    )?;
    out.finish()?;
    Ok(rows)
}

/// One unit to explain, with its attributes when the input had them.
struct Subject {
    unit: String,
    attributes: Option<Vec<(String, String)>>,
}

fn explain_subjects(args: &AssignArgs) -> Result<Vec<Subject>> {
    if !args.ids.is_empty() {
        return Ok(args.ids.iter().map(|u| Subject { unit: u.clone(), attributes: None }).collect());
    }
    if let Some(path) = &args.input {
        let (reader, source) = open_input(path)?;
        let units = crate::data::records::units_with_attributes(reader, &source, &args.id_column)?;
        return Ok(units
            .into_iter()
            .map(|(unit, attributes)| Subject { unit, attributes: Some(attributes) })
            .collect());
    }
    let mut text = String::new();
    crate::bounds::LineLimited::new(io::stdin())
        .read_to_string(&mut text)
        .map_err(|source| AbxError::Read { path: "<stdin>".into(), source })?;
    Ok(text
        .lines()
        .map(|l| l.trim_start_matches('\u{feff}'))
        .filter(|l| !l.is_empty())
        .map(|l| Subject { unit: l.to_string(), attributes: None })
        .collect())
}

fn explain(args: &AssignArgs, ctx: &Ctx, exps: &[Experiment]) -> Result<ExitStatus> {
    let format = match args.format {
        Some(RowFormat::Json | RowFormat::Jsonl) => Format::Json,
        Some(RowFormat::Markdown) => Format::Markdown,
        Some(RowFormat::Csv | RowFormat::Tsv) => Format::Csv,
        Some(RowFormat::Table) => Format::Table,
        None => Format::resolve(None, ctx.stdout_tty),
    };
    let subjects = explain_subjects(args)?;
    if subjects.is_empty() {
        return Err(AbxError::Usage("--explain needs at least one unit (--id ID)".into()));
    }
    let mut all = Vec::new();
    for exp in exps {
        let b = Bucketer::new(exp);
        for s in &subjects {
            all.push(crate::assign::explain::explain(exp, &b, &s.unit, s.attributes.as_deref()));
        }
    }
    ctx.emit(&Explanations(all), format)?;
    Ok(ExitStatus::Ok)
}
