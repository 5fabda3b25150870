//! `abx growthbook features|run`: GrowthBook's SDK evaluation in batch, one
//! JSON line of attributes per unit in, one JSON line per unit (and
//! feature) out, as the JS SDK evaluates them ([`crate::growthbook`]).

use std::io::{self, Read as _, Write as _};
use std::path::{Path, PathBuf};

use clap::{Args, Subcommand, ValueEnum};
use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::{Map, Value};

use super::Ctx;
use crate::data::lines::{lines, Chunk, LineChunker};
use crate::data::open_input;
use crate::data::pipeline::{self, Encoded, HeadFirst};
use crate::error::{AbxError, Result};
use crate::exit::ExitStatus;
use crate::experiment::{self, emit};
use crate::fsutil::{write_atomic, write_output};
use crate::growthbook::eval::{Context, ExperimentResult, FeatureResult, Plan, Unit};
use crate::growthbook::import;
use crate::report::csv::write_field;

const CHUNK_BYTES: usize = 64 * 1024;
const BATCH_CHUNKS: usize = 32;
/// The largest payload, experiment or forced-variations file read.
const MAX_JSON_BYTES: u64 = 256 << 20;

const EXAMPLES: &str = "\
Examples:
  abx growthbook features --payload fixtures/growthbook/payload.json --input fixtures/growthbook/users.jsonl
  abx growthbook features --payload fixtures/growthbook/payload.json --input fixtures/growthbook/users.jsonl --feature checkout-flow --format csv --id-attribute id
  abx growthbook run --experiment fixtures/growthbook/experiment.json --input fixtures/growthbook/users.jsonl
  abx growthbook import --payload fixtures/growthbook/payload.json --feature checkout-flow

Each input line is one unit's attributes as a JSON object; blank lines are skipped.
The SDKs' context options that a batch has no use for are not offered: a unit has
no URL (so URL targeting excludes it and no query string forces a variation),
and nothing is tracked or kept in a sticky-bucket store. qaMode and
forcedVariations are offered as --qa-mode and --forced-variations.

Exit codes: 0 evaluated, 2 usage or input error (the file and line named).";

#[derive(Debug, Args)]
#[command(
    about = "Evaluate GrowthBook SDK payloads and experiments for many units, exactly as GrowthBook's SDKs do",
    after_help = EXAMPLES
)]
pub struct GrowthbookArgs {
    #[command(subcommand)]
    pub command: GrowthbookCommand,
}

#[derive(Debug, Subcommand)]
pub enum GrowthbookCommand {
    Features(FeaturesArgs),
    Run(RunArgs),
    Import(ImportArgs),
}

/// How results are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LineFormat {
    /// One JSON object per unit (and feature): the SDKs' result fields
    Jsonl,
    /// unit, feature, value, variation (run: unit, value, variation, in_experiment)
    Csv,
}

/// What both subcommands read.
#[derive(Debug, Args)]
pub struct Common {
    /// Units, one JSON object of attributes per line (`-` for stdin)
    #[arg(long, value_name = "FILE.jsonl")]
    pub input: PathBuf,
    /// Output format
    #[arg(long, short = 'f', value_enum, default_value = "jsonl")]
    pub format: LineFormat,
    /// Name each unit by this attribute's value instead of its line index (from 0)
    #[arg(long, value_name = "ATTRIBUTE")]
    pub id_attribute: Option<String>,
    /// A JSON object of experiment key to variation index (the SDKs' forcedVariations)
    #[arg(long, value_name = "FILE.json")]
    pub forced_variations: Option<PathBuf>,
    /// The SDKs' qaMode: no unit is put in an experiment by hashing
    #[arg(long)]
    pub qa_mode: bool,
}

#[derive(Debug, Args)]
#[command(about = "Every feature (or --feature) of a GrowthBook SDK payload for each unit: the SDKs' evalFeature")]
pub struct FeaturesArgs {
    /// The SDK payload: {\"features\": {...}, \"savedGroups\": {...}}
    #[arg(long, value_name = "FILE.json")]
    pub payload: PathBuf,
    /// A feature to evaluate (repeatable) [default: every feature, in the payload's order]
    #[arg(long, value_name = "KEY")]
    pub feature: Vec<String>,
    /// The SDK connection's decryption key, for an encrypted payload (base64)
    #[arg(long, value_name = "KEY")]
    pub decryption_key: Option<String>,
    #[command(flatten)]
    pub common: Common,
}

#[derive(Debug, Args)]
#[command(about = "One inline GrowthBook experiment for each unit: the SDKs' run")]
pub struct RunArgs {
    /// The experiment definition: {\"key\": ..., \"variations\": [...], ...}
    #[arg(long, value_name = "FILE.json")]
    pub experiment: PathBuf,
    /// The payload whose features and saved groups the experiment's prerequisites and conditions read
    #[arg(long, value_name = "FILE.json")]
    pub payload: Option<PathBuf>,
    /// The decryption key of an encrypted --payload (base64)
    #[arg(long, value_name = "KEY", requires = "payload")]
    pub decryption_key: Option<String>,
    #[command(flatten)]
    pub common: Common,
}

#[derive(Debug, Args)]
#[command(
    about = "Write an abx experiment file (hashing: growthbook) from a GrowthBook experiment, so that abx assign, analyze and verdict use the SDKs' assignment",
    after_help = IMPORT_EXAMPLES
)]
#[command(group(clap::ArgGroup::new("from").required(true).args(["feature", "experiment"])))]
pub struct ImportArgs {
    /// The SDK payload whose feature holds the experiment rule (and whose saved groups its conditions read)
    #[arg(long, value_name = "FILE.json", required_unless_present = "experiment")]
    pub payload: Option<PathBuf>,
    /// The feature whose experiment rule to import
    #[arg(long, value_name = "KEY", requires = "payload")]
    pub feature: Option<String>,
    /// The experiment rule, by its id or its experiment's key [default: the feature's only experiment rule]
    #[arg(long, value_name = "ID", requires = "feature")]
    pub rule: Option<String>,
    /// An inline experiment (as for `abx growthbook run`) instead of a feature's rule
    #[arg(long, value_name = "FILE.json", conflicts_with = "feature")]
    pub experiment: Option<PathBuf>,
    /// The decryption key of an encrypted --payload (base64)
    #[arg(long, value_name = "KEY", requires = "payload")]
    pub decryption_key: Option<String>,
    /// Write the experiment file here (atomically) instead of to stdout
    #[arg(long, short = 'o', value_name = "FILE.yaml")]
    pub output: Option<PathBuf>,
    /// Replace an existing --output file
    #[arg(long, requires = "output")]
    pub force: bool,
}

const IMPORT_EXAMPLES: &str = "\
Examples:
  abx growthbook import --payload fixtures/growthbook/payload.json --feature checkout-flow
  abx growthbook import --payload fixtures/growthbook/payload.json --feature checkout-flow -o checkout-test.yaml
  abx assign -e checkout-test.yaml --input fixtures/growthbook/users.csv --id-column id
  abx growthbook import --experiment fixtures/growthbook/experiment.json

The file has `hashing: growthbook` with the experiment's hash version, seed, hash
attribute, namespace or filters, ranges or coverage and weights, and its condition
in GrowthBook's syntax (saved groups written out as `$in`/`$nin`; the conditions of
the feature's force rules before the experiment under `$nor`, since the units they
serve never reach it) on the attributes it reads, each with its type. Variants are
named by the variations' keys (meta keys, else 0, 1, ...), as GrowthBook's exposure
logs name them; each variation's value is the variant's `params.value`. abx assign
(with a CSV --input holding the attributes) then gives each unit the SDKs' variation;
add the metrics, and abx analyze and verdict read GrowthBook's exposures.

What a file cannot hold exactly is refused (exit 2): prerequisites, URL or group
targeting, contextual bandits, a forced variation, overlapping ranges, a zero weight,
and rollouts or experiments before the rule in the feature. Notes go to stderr.

Exit codes: 0 written, 2 usage or input error, or an experiment a file cannot hold.";

/// A JSON file, bounded, as a value; exit 2 naming the file and line:column.
fn read_json(path: &Path) -> Result<Value> {
    let shown = path.display().to_string();
    let file = std::fs::File::open(path).map_err(|source| AbxError::Read { path: shown.clone(), source })?;
    let mut text = Vec::new();
    io::Read::take(file, MAX_JSON_BYTES + 1)
        .read_to_end(&mut text)
        .map_err(|source| AbxError::Read { path: shown.clone(), source })?;
    if text.len() as u64 > MAX_JSON_BYTES {
        return Err(AbxError::input(&shown, format!("larger than {} MiB", MAX_JSON_BYTES >> 20)));
    }
    serde_json::from_slice(&text)
        .map_err(|e| AbxError::input(&shown, format!("{}:{}: not valid JSON: {e}", e.line(), e.column())))
}

fn context_of(payload: &Path, key: Option<&str>) -> Result<Context> {
    let v = read_json(payload)?;
    Context::from_payload(&v, key).map_err(|m| AbxError::input(payload.display().to_string(), m))
}

/// An experiment definition file: an object with `key` and `variations`.
fn experiment_object(path: &Path) -> Result<Map<String, Value>> {
    match read_json(path)? {
        Value::Object(m) if m.contains_key("key") && m.get("variations").is_some_and(Value::is_array) => Ok(m),
        _ => Err(AbxError::input(
            path.display().to_string(),
            "not a GrowthBook experiment: a JSON object with `key` and `variations` (a list)",
        )),
    }
}

fn context(payload: Option<&Path>, key: Option<&str>, common: &Common) -> Result<Context> {
    let mut ctx = match payload {
        Some(p) => context_of(p, key)?,
        None => Context::default(),
    };
    if let Some(f) = &common.forced_variations {
        match read_json(f)? {
            Value::Object(m) => ctx.forced_variations = m,
            _ => {
                return Err(AbxError::input(
                    f.display().to_string(),
                    "not a JSON object of experiment key to variation index, e.g. {\"my-test\": 1}",
                ))
            }
        }
    }
    ctx.qa_mode = common.qa_mode;
    Ok(ctx)
}

/// One output line: the unit (and feature), then the SDKs' result fields.
struct Line<'a> {
    unit: &'a Value,
    feature: Option<&'a str>,
    fields: Fields<'a>,
}

enum Fields<'a> {
    Feature(&'a FeatureResult<'a>),
    Experiment(&'a ExperimentResult<'a>),
}

impl Serialize for Line<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("unit", self.unit)?;
        if let Some(f) = self.feature {
            m.serialize_entry("feature", f)?;
        }
        match self.fields {
            Fields::Feature(r) => r.serialize_fields(&mut m)?,
            Fields::Experiment(r) => r.serialize_fields(&mut m)?,
        }
        m.end()
    }
}

/// What one unit's lines need: its attributes and its name in the output.
fn unit_name<'a>(attrs: &'a Value, index: u64, id_attribute: Option<&str>) -> std::borrow::Cow<'a, Value> {
    use std::borrow::Cow;
    match id_attribute {
        Some(a) => attrs.get(a).map_or(Cow::Owned(Value::Null), Cow::Borrowed),
        None => Cow::Owned(Value::from(index)),
    }
}

/// A CSV cell of a JSON value: text as it is, anything else as JSON.
fn csv_value(out: &mut Vec<u8>, v: &Value) {
    match v {
        Value::String(s) => write_field(out, s.as_bytes(), b','),
        Value::Null => {}
        other => write_field(out, serde_json::to_string(other).unwrap_or_default().as_bytes(), b','),
    }
}

/// Streams the input's lines through `each` (one unit's attributes, its
/// index, the output buffer) in parallel, in order.
fn stream<F>(input: &Path, head: &[u8], each: F) -> Result<u64>
where
    F: Fn(&Value, u64, &mut Vec<u8>) -> std::result::Result<(), String> + Sync,
{
    let (reader, source) = open_input(input)?;
    let mut chunker = LineChunker::new(reader, CHUNK_BYTES);
    let mut stdout = io::stdout();
    let mut out = HeadFirst::new(head, &mut stdout);
    let rows = pipeline::run(
        |spent| chunker.next_batch(BATCH_CHUNKS, spent).map_err(|e| AbxError::Read { path: source.clone(), source: e }),
        &mut out,
        |chunk: &Chunk, mut bytes: Vec<u8>| {
            let mut rows = 0;
            for (i, line) in lines(&chunk.data).enumerate() {
                let line_no = chunk.first_line + i as u64;
                if line.iter().all(u8::is_ascii_whitespace) {
                    continue;
                }
                let attrs: Value = serde_json::from_slice(line).map_err(|e| {
                    AbxError::input(&source, format!("line {line_no}:{}: not valid JSON: {e}", e.column()))
                })?;
                if !attrs.is_object() {
                    return Err(AbxError::input(
                        &source,
                        format!("line {line_no}: not a JSON object of the unit's attributes"),
                    ));
                }
                each(&attrs, line_no - 1, &mut bytes)
                    .map_err(|m| AbxError::input(&source, format!("line {line_no}: {m}")))?;
                rows += 1;
            }
            Ok(Encoded { bytes, rows })
        },
        0,
        |_| {},
    )?;
    out.finish()?;
    Ok(rows)
}

fn features(args: &FeaturesArgs) -> Result<ExitStatus> {
    let ctx = context(Some(&args.payload), args.decryption_key.as_deref(), &args.common)?;
    let keys: Vec<String> =
        if args.feature.is_empty() { ctx.features.keys().cloned().collect() } else { args.feature.clone() };
    for k in &keys {
        if !ctx.features.contains_key(k) {
            // The SDKs answer `unknownFeature`; a typo in a flag should not pass unseen.
            return Err(AbxError::Usage(format!(
                "--feature {k}: the payload has no such feature; it has: {}",
                crate::bounds::list(&ctx.features.keys().cloned().collect::<Vec<_>>())
            )));
        }
    }
    let csv = args.common.format == LineFormat::Csv;
    let head: &[u8] = if csv { b"unit,feature,value,variation\n" } else { b"" };
    let id_attr = args.common.id_attribute.as_deref();
    stream(&args.common.input, head, |attrs, index, out| {
        let unit = Unit { attributes: attrs };
        let name = unit_name(attrs, index, id_attr);
        for key in &keys {
            let result = ctx.feature(key, &unit).map_err(|e| e.0)?;
            if csv {
                csv_value(out, &name);
                out.push(b',');
                write_field(out, key.as_bytes(), b',');
                out.push(b',');
                csv_value(out, &result.value);
                out.push(b',');
                if let Some(r) = &result.experiment_result {
                    let _ = write!(out, "{}", r.variation_id);
                }
                out.push(b'\n');
            } else {
                let line = Line { unit: &name, feature: Some(key), fields: Fields::Feature(&result) };
                serde_json::to_writer(&mut *out, &line).map_err(|e| e.to_string())?;
                out.push(b'\n');
            }
        }
        Ok(())
    })?;
    Ok(ExitStatus::Ok)
}

fn run_experiment(args: &RunArgs) -> Result<ExitStatus> {
    let ctx = context(args.payload.as_deref(), args.decryption_key.as_deref(), &args.common)?;
    let exp = experiment_object(&args.experiment)?;
    let plan = Plan::of(&exp);
    let csv = args.common.format == LineFormat::Csv;
    let head: &[u8] = if csv { b"unit,value,variation,in_experiment\n" } else { b"" };
    let id_attr = args.common.id_attribute.as_deref();
    stream(&args.common.input, head, |attrs, index, out| {
        let result = ctx.run_planned(&exp, Some(&plan), &Unit { attributes: attrs }).map_err(|e| e.0)?;
        let name = unit_name(attrs, index, id_attr);
        if csv {
            csv_value(out, &name);
            out.push(b',');
            csv_value(out, &result.value);
            out.push(b',');
            if result.in_experiment {
                let _ = write!(out, "{}", result.variation_id);
            }
            out.extend_from_slice(if result.in_experiment { b",true\n" } else { b",false\n" });
        } else {
            let line = Line { unit: &name, feature: None, fields: Fields::Experiment(&result) };
            serde_json::to_writer(&mut *out, &line).map_err(|e| e.to_string())?;
            out.push(b'\n');
        }
        Ok(())
    })?;
    Ok(ExitStatus::Ok)
}

fn import(args: &ImportArgs, ctx_out: &Ctx) -> Result<ExitStatus> {
    let ctx = match &args.payload {
        Some(p) => context_of(p, args.decryption_key.as_deref())?,
        None => Context::default(),
    };
    let imported = match (&args.feature, &args.experiment) {
        (Some(feature), _) => {
            let shown = args.payload.as_ref().map_or_else(String::new, |p| p.display().to_string());
            import::from_feature(&ctx.features, &ctx.saved_groups, feature, args.rule.as_deref())
                .map_err(|m| AbxError::input(shown, m))?
        }
        (None, Some(path)) => {
            let shown = path.display().to_string();
            let exp = experiment_object(path)?;
            import::from_experiment(&exp, &ctx.saved_groups).map_err(|m| AbxError::input(shown, m))?
        }
        (None, None) => return Err(AbxError::Usage("give --feature (with --payload) or --experiment".into())),
    };
    let text = emit::to_yaml(&imported.draft);
    let shown = args.output.as_ref().map_or("the imported experiment".to_string(), |p| p.display().to_string());
    // The file must parse back to what was imported: anything else is refused, not written.
    match experiment::parse_str(&shown, &text) {
        Ok(e) if e.growthbook.as_ref() == Some(&imported.draft.hashing) => {}
        Ok(_) => {
            return Err(AbxError::input(
                shown,
                "the written file does not read back as the experiment imported; abx refuses to write it",
            ))
        }
        Err(e) => {
            return Err(AbxError::input(
                shown,
                format!(
                    "the experiment cannot be an abx experiment file: {}",
                    e.diagnostics.iter().map(|d| d.message.as_str()).collect::<Vec<_>>().join("; ")
                ),
            ))
        }
    }
    for note in &imported.notes {
        ctx_out.info(&format!("note: {note}"));
    }
    match &args.output {
        Some(path) if args.force => write_output(path, text.as_bytes())?,
        Some(path) => write_atomic(path, text.as_bytes(), false)?,
        None => {
            use std::io::Write as _;
            let mut out = io::stdout().lock();
            out.write_all(text.as_bytes()).and_then(|()| out.flush()).map_err(AbxError::from)?;
        }
    }
    if let Some(path) = &args.output {
        ctx_out.info(&format!("wrote {}: add its metrics, then `abx assign -e {}`", path.display(), path.display()));
    }
    Ok(ExitStatus::Ok)
}

pub fn run(args: &GrowthbookArgs, ctx: &Ctx) -> Result<ExitStatus> {
    match &args.command {
        GrowthbookCommand::Features(a) => features(a),
        GrowthbookCommand::Run(a) => run_experiment(a),
        GrowthbookCommand::Import(a) => import(a, ctx),
    }
}
