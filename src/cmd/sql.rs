//! `abx sql assign|summary|audit`: print one query for the user's engine.

use std::io::Write;
use std::path::PathBuf;

use clap::{Args, Subcommand};

use super::Ctx;
use crate::error::{AbxError, Result};
use crate::exit::ExitStatus;
use crate::sql::summary::Variants;
use crate::sql::{self, Engine, Query};

const EXAMPLES: &str = "\
Examples:
  abx sql assign -e experiments/followup_timing.yaml --engine duckdb --from \"read_csv('units.csv', all_varchar = true)\"
  duckdb -csv -c \"$(abx sql summary -e fixtures/workflows/sql.yaml --engine duckdb \\
      --from \"read_csv('fixtures/workflows/sql_units.csv')\")\" | abx analyze -e fixtures/workflows/sql.yaml --summary -
  psql --csv -c \"$(abx sql summary -e experiments/followup_timing.yaml --engine postgres --from outcomes)\" \\
    | abx verdict -e experiments/followup_timing.yaml --summary -
  duckdb -c \"$(abx sql audit -e experiments/followup_timing.yaml --engine duckdb --from exposures)\"

The query goes to stdout and nothing else does; notes go to stderr.
Engines: duckdb, postgres, spark (also databricks), clickhouse (tested);
bigquery, snowflake, trino (checked to parse, not executed).

Exit codes: 0 query printed, 2 usage error or a query abx refuses to write.";

#[derive(Debug, Args)]
#[command(
    about = "Print SQL that assigns units and sums outcomes inside your own engine, exactly as abx does",
    after_help = EXAMPLES
)]
pub struct SqlArgs {
    #[command(subcommand)]
    pub command: SqlCommand,
}

#[derive(Debug, Subcommand)]
pub enum SqlCommand {
    Assign(AssignArgs),
    Summary(SummaryArgs),
    Audit(AuditArgs),
}

/// What every query needs.
#[derive(Debug, Args)]
pub struct Common {
    /// Experiment file
    #[arg(short = 'e', long = "experiment", value_name = "FILE")]
    pub experiment: PathBuf,
    /// The engine that runs the query
    #[arg(long, value_enum)]
    pub engine: Engine,
    /// A table name or any FROM item of the engine, inserted as given (DuckDB: read_csv('units.csv'))
    #[arg(long, value_name = "FROM")]
    pub from: String,
}

#[derive(Debug, Args)]
#[command(
    about = "A query giving every row of FROM its unit's variant and point x, as `abx assign` does",
    after_help = "The unit column is read as text: a number column prints as the engine prints it \
(an integer loses leading zeros), so keep ids in a text column. A NULL unit gets no variant; \
an empty string is hashed as `abx assign` hashes it. Targeting reads FROM's columns, as `abx assign --input` \
reads its CSV.\n\n\
Example:\n  duckdb -csv -c \"$(abx sql assign -e experiments/followup_timing.yaml --engine duckdb --from \"read_csv('units.csv', all_varchar=true)\")\""
)]
pub struct AssignArgs {
    #[command(flatten)]
    pub common: Common,
    /// The column of unit ids
    #[arg(long, value_name = "COLUMN", default_value = "unit")]
    pub unit_column: String,
    /// Take the hash prefix from this column (16 hex digits) instead of hashing the unit: to check the thresholds on chosen prefixes
    #[arg(long, value_name = "COLUMN", hide_short_help = true)]
    pub prefix_column: Option<String>,
}

#[derive(Debug, Args)]
#[command(
    about = "A query giving the sufficient statistics `abx analyze --summary -` reads, per variant (and segment)",
    after_help = "The result, as CSV with a header, gives `abx analyze -e FILE --summary -` the readout that \
`abx analyze -e FILE --data` gives on the same rows: mean, proportion, ratio and CUPED metrics, caps \
(the engine's exact percentile; Trino has only an approximate one), --events rolled up per unit by each \
metric's aggregate, --by segments.\n\n\
Where each row's variant comes from, as `abx analyze --data` decides: --variant-column C reads C; --bucketing \
assigns units by the experiment's bucketing of the unit column; with neither, the `variant` column, or with \
--unit-column named, FROM's `variant` column if it has one and else the bucketing (duckdb, postgres and spark \
only: the other engines cannot look a column up that may be missing, so they are told which).\n\n\
Example:\n  duckdb -csv -c \"$(abx sql summary -e experiments/followup_timing.yaml --engine duckdb --from \"read_csv('outcomes.csv')\")\" | abx analyze -e experiments/followup_timing.yaml --summary -"
)]
pub struct SummaryArgs {
    #[command(flatten)]
    pub common: Common,
    /// The column that holds each row's variant (a column named here must exist)
    #[arg(long, value_name = "COLUMN", conflicts_with = "bucketing")]
    pub variant_column: Option<String>,
    /// The column of unit ids [default: unit]: events are rolled up per unit; the bucketing hashes it; unit rows must be one per unit
    #[arg(long, value_name = "COLUMN")]
    pub unit_column: Option<String>,
    /// Assign units by the experiment's bucketing of the unit column, even if FROM has a variant column
    #[arg(long)]
    pub bucketing: bool,
    /// With bucketing, the ranges the experiment has while running, whatever its status now
    #[arg(long)]
    pub as_running: bool,
    /// FROM's rows are events: each metric is rolled up per unit (its aggregate) first
    #[arg(long)]
    pub events: bool,
    /// A segment column (repeatable, up to 3): rows per segment too, for `abx analyze --summary - --by COLUMN`
    #[arg(long, value_name = "COLUMN")]
    pub by: Vec<String>,
    /// Accept the engine's approximate percentile for percentile caps where it has no exact one (Trino)
    #[arg(long)]
    pub approximate_percentiles: bool,
}

#[derive(Debug, Args)]
#[command(
    about = "A query comparing logged variants with the variants the bucketing gives: matches, mismatches, units in several variants",
    after_help = "One row per (status, logged, assigned) with its units and rows. Status: match, mismatch, \
not_assigned (logged, but the bucketing exposes the unit nowhere), not_logged, multiple (logged in several \
variants: GrowthBook's `__multiple__`; `abx analyze --summary` refuses such units, or leaves them out with \
--ignore-unknown-variants and says how many).\n\n\
Example:\n  duckdb -c \"$(abx sql audit -e experiments/followup_timing.yaml --engine duckdb --from \"read_csv('exposures.csv')\")\""
)]
pub struct AuditArgs {
    #[command(flatten)]
    pub common: Common,
    /// The column of unit ids
    #[arg(long, value_name = "COLUMN", default_value = "unit")]
    pub unit_column: String,
    /// The column of logged variants
    #[arg(long, value_name = "COLUMN", default_value = "variant")]
    pub variant_column: String,
    /// Compare with the ranges the experiment has while running, whatever its status now
    #[arg(long)]
    pub as_running: bool,
}

fn print(q: Query, ctx: &Ctx) -> Result<ExitStatus> {
    for n in &q.notes {
        ctx.warn(n);
    }
    let mut out = std::io::stdout().lock();
    out.write_all(q.sql.as_bytes())?;
    out.flush()?;
    Ok(ExitStatus::Ok)
}

/// The SQL hashes units as the contract does (SHA-256); GrowthBook's FNV-1a
/// over UTF-16 code units is not generated, so such a file is refused
/// rather than bucketed differently.
fn sha256_hashing(exp: &crate::experiment::Experiment, command: &str) -> Result<()> {
    match &exp.growthbook {
        Some(_) => Err(AbxError::Usage(format!(
            "`abx sql {command}` cannot place units of experiment `{}`: it is bucketed as GrowthBook buckets              (hashing: growthbook), and abx generates SQL for the contract's SHA-256 bucketing only. Assign with              `abx assign` (or `abx growthbook`), or log the variant at exposure and name its column (--variant-column).",
            exp.name
        ))),
        None => Ok(()),
    }
}

/// A reweighted bandit has had one layout per period: the bucketing by its
/// latest layout is not the variant that a unit exposed before the last
/// reweight got, so comparing logs or summing outcomes by it is refused.
/// (`abx sql assign` gives the assignment now, as `abx assign` does.)
fn one_layout(exp: &crate::experiment::Experiment, command: &str) -> Result<()> {
    sha256_hashing(exp, command)?;
    match exp.weight_history.last() {
        Some(last) if exp.weight_history.len() > 1 => Err(AbxError::Usage(format!(
            "`abx sql {command}` cannot place units by the bucketing of experiment `{}`: it has been reweighted \
             (weight_history, last on {}), so a unit exposed before a reweight may have had another variant than \
             the latest layout gives it. Log the variant at exposure and name its column (--variant-column), or \
             use `abx sql assign` for the assignment now.",
            exp.name, last.date
        ))),
        _ => Ok(()),
    }
}

pub fn run(args: &SqlArgs, ctx: &Ctx) -> Result<ExitStatus> {
    let refused = |r: sql::Refusal| AbxError::Usage(r.0);
    match &args.command {
        SqlCommand::Assign(a) => {
            let exp = super::util::load_experiments(std::slice::from_ref(&a.common.experiment))?.remove(0);
            sha256_hashing(&exp, "assign")?;
            let spec = sql::assign::AssignSpec {
                engine: a.common.engine,
                from: &a.common.from,
                unit_column: &a.unit_column,
                prefix_column: a.prefix_column.as_deref(),
            };
            print(sql::assign::query(&spec, &exp), ctx)
        }
        SqlCommand::Summary(a) => {
            let exp = super::util::load_experiments(std::slice::from_ref(&a.common.experiment))?.remove(0);
            let variants = match (&a.variant_column, a.bucketing) {
                (Some(c), _) => Variants::Column(c),
                (None, true) => {
                    one_layout(&exp, "summary --bucketing")?;
                    Variants::Bucketing
                }
                (None, false) => {
                    // The query hashes the units when the table has no variant column.
                    if a.unit_column.is_some() {
                        one_layout(&exp, "summary")?;
                    }
                    Variants::Default
                }
            };
            let spec = sql::summary::SummarySpec {
                engine: a.common.engine,
                from: &a.common.from,
                variants,
                unit_column: a.unit_column.as_deref().unwrap_or("unit"),
                unit_named: a.unit_column.is_some(),
                events: a.events,
                by: &a.by,
                as_running: a.as_running,
                approximate: a.approximate_percentiles,
            };
            print(sql::summary::query(&spec, &exp).map_err(refused)?, ctx)
        }
        SqlCommand::Audit(a) => {
            let exp = super::util::load_experiments(std::slice::from_ref(&a.common.experiment))?.remove(0);
            one_layout(&exp, "audit")?;
            let spec = sql::audit::AuditSpec {
                engine: a.common.engine,
                from: &a.common.from,
                unit_column: &a.unit_column,
                variant_column: &a.variant_column,
                as_running: a.as_running,
            };
            print(sql::audit::query(&spec, &exp), ctx)
        }
    }
}
