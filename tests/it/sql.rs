//! `abx sql` against the real engines: DuckDB, PostgreSQL, Spark and
//! ClickHouse run the queries, through their own command line or writer to
//! CSV, and the result must equal what abx computes itself:
//! - `abx sql assign` equals `abx assign` on 20,000 ids (unicode, quotes,
//!   backslashes, ids over 55 bytes), with x bit for bit; and on synthetic
//!   prefixes within ±1000 of every threshold, fed through the engine's
//!   comparison, equals the contract's f64 rule written again here;
//! - `abx sql summary` piped into `abx analyze --summary -` gives every
//!   figure of `abx analyze --data` on the same rows within 1e-9 relative,
//!   for every metric kind, caps, targeting, events and segments.
//!
//! BigQuery, Snowflake and Trino cannot run here: their queries are parsed
//! by sqlglot and snapshotted.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::common::engines::{self, clickhouse_from};
use crate::common::{abx, root, run, sha256, Abx};

const TWO_64: f64 = 18_446_744_073_709_551_616.0;

/// A deterministic stream of numbers (an LCG: the data only has to be varied).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        self.0 >> 33
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn unit(&mut self) -> f64 {
        self.next() as f64 / (1u64 << 31) as f64
    }
}

/// Ids of every kind: plain, unicode, quotes, backslashes, commas, colons, long.
fn ids(n: usize) -> Vec<String> {
    let mut r = Lcg(7);
    (0..n)
        .map(|i| match i % 9 {
            0 => format!("user_{i}"),
            1 => format!("é{i}日本語"),
            2 => format!("it's {i}"),
            3 => format!("back\\slash{i}"),
            4 => format!("a,b \"{i}\""),
            5 => format!("{i}:{i}"),
            6 => format!("{}{i}", "x".repeat(50 + (i % 20))),
            7 => format!("{}{i}", "long-id-".repeat(25)),
            _ => format!("🙂{}", r.next()),
        })
        .collect()
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// The rows of a CSV text, by header name; NULL spellings read as "".
fn read_csv(text: &str) -> Vec<HashMap<String, String>> {
    let mut rdr = csv::Reader::from_reader(text.as_bytes());
    let headers: Vec<String> = rdr.headers().unwrap().iter().map(String::from).collect();
    rdr.records()
        .map(|r| {
            let r = r.unwrap();
            headers
                .iter()
                .zip(r.iter())
                .map(|(h, v)| (h.clone(), if matches!(v, "NULL" | "\\N") { String::new() } else { v.to_string() }))
                .collect()
        })
        .collect()
}

/// The contract's ranges in f64, written again here.
fn ranges(weights: &[f64], allocation: f64) -> Vec<(f64, f64)> {
    let total: f64 = weights.iter().sum();
    let mut s = 0.0;
    weights
        .iter()
        .map(|w| {
            let w = w / total;
            let r = (s, s + allocation * w);
            s += w;
            r
        })
        .collect()
}

fn variant_of(u: u64, ranges: &[(f64, f64)], names: &[&str]) -> String {
    let x = u as f64 / TWO_64;
    ranges.iter().position(|&(a, b)| a <= x && x < b).map_or(String::new(), |i| names[i].to_string())
}

/// The smallest u whose f64 point reaches b (a second, independent search).
fn threshold(b: f64) -> u128 {
    let (mut lo, mut hi) = (0u128, 1u128 << 64);
    while lo < hi {
        let mid = (lo + hi) / 2;
        if (mid as f64) / TWO_64 >= b {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    lo
}

/// One engine as the tests use it: how a CSV file becomes a FROM item, and
/// how a batch of queries runs to CSV text.
struct Engine {
    name: &'static str,
    /// Can tell a missing variant column (LATERAL): the default works.
    lateral: bool,
}

impl Engine {
    fn from(&self, csv: &Path, table: &str) -> String {
        match self.name {
            "duckdb" => format!("read_csv('{}', all_varchar = true, header = true)", csv.display()),
            "postgres" => {
                engines::postgres_table(table, csv);
                table.to_string()
            }
            "spark" => table.to_string(),
            _ => clickhouse_from(csv),
        }
    }

    fn run(&self, tables: &[(String, PathBuf)], queries: &[String]) -> Vec<String> {
        match self.name {
            "duckdb" => queries.iter().map(|q| engines::duckdb_csv(&root(), q)).collect(),
            "postgres" => queries.iter().map(|q| engines::psql(&[q])).collect(),
            "spark" => {
                let t: Vec<(&str, &Path)> = tables.iter().map(|(n, p)| (n.as_str(), p.as_path())).collect();
                engines::spark(&t, queries)
            }
            _ => engines::clickhouse(queries),
        }
    }
}

/// An experiment file written for a test.
fn experiment(dir: &Path, name: &str, salt: &str, weights: &[f64], allocation: f64, extra: &str) -> PathBuf {
    let variants: Vec<String> =
        weights.iter().enumerate().map(|(i, w)| format!("  - {{name: v{i}, weight: {w}}}")).collect();
    let yaml = format!(
        "name: {name}\nsalt: {}\nallocation: {allocation}\nvariants:\n{}\nmetrics:\n  - {{name: m}}\n{extra}",
        serde_json::to_string(salt).unwrap(),
        variants.join("\n")
    );
    let path = dir.join(format!("{name}.yaml"));
    std::fs::write(&path, yaml).unwrap();
    path
}

/// A check on one query's CSV result.
type Check = Box<dyn Fn(&str)>;

/// The assignment cases: for each experiment, units from a CSV with targeting attributes.
fn assign_cases(dir: &Path, engine: &Engine, tables: &mut Vec<(String, PathBuf)>) -> Vec<(String, Check)> {
    let units = ids(20_000);
    let mut r = Lcg(11);
    let mut csv = String::from("unit,plan,age\n");
    for u in &units {
        let plan = ["free", "pro", "team", ""][r.below(4) as usize];
        let age = match r.below(5) {
            0 => String::new(),
            1 => format!(" {} ", r.below(80)),
            2 => format!("{}.5", r.below(80)),
            _ => r.below(80).to_string(),
        };
        csv.push_str(&format!("{},{plan},{age}\n", csv_field(u)));
    }
    let path = dir.join("units.csv");
    std::fs::write(&path, &csv).unwrap();
    tables.push(("units".into(), path.clone()));
    // A boundary exactly on a unit's point: weights x0 and 1 - x0.
    let d = sha256::digest(format!("{}:edge", units[0]).as_bytes());
    let x0 = u64::from_be_bytes(d[..8].try_into().unwrap()) as f64 / TWO_64;
    let exps = [
        experiment(dir, "thirds", "it's a \"salt\" \\ with: quotes", &[1.0, 1.0, 1.0], 0.9, ""),
        experiment(dir, "halves", "h", &[1.0, 1.0], 1.0, ""),
        experiment(dir, "edge", "edge", &[x0, 1.0 - x0], 1.0, ""),
        experiment(
            dir,
            "targeted",
            "t",
            &[2.0, 1.0, 1.0],
            0.75,
            "targeting:\n  - {attribute: plan, op: in, values: [pro, team]}\n  - {attribute: age, op: gte, value: 18}\n",
        ),
        // A layer and a holdout, with targeting: the filters hash the unit with their own salts.
        experiment(
            dir,
            "layered",
            "layered",
            &[1.0, 1.0],
            1.0,
            "layer: {name: home.page-1, range: [0.25, 0.8]}\nholdout: {name: global, share: 0.1}\ntargeting:\n  - {attribute: plan, op: ne, value: team}\n",
        ),
        // A gate behind a holdout: on below the rollout, off above it.
        {
            let p = dir.join("gate.yaml");
            std::fs::write(&p, "name: gate\nsalt: \"gate\"\ngate: {rollout: 0.3}\nholdout: {name: global, share: 0.2}\nmetrics:\n  - {name: m}\n").unwrap();
            p
        },
        // A bandit after two reweights: its pieces, not the contract's ranges.
        experiment(
            dir,
            "reweighted",
            "reweighted",
            &[0.1, 0.6, 0.3],
            1.0,
            "start: 2026-01-01\nweight_history:\n  - {date: 2026-01-01, weights: {v0: 0.3333333333333333, v1: 0.3333333333333333, v2: 0.3333333333333333}}\n  - {date: 2026-01-05, weights: {v0: 0.5, v1: 0.2, v2: 0.3}}\n  - {date: 2026-01-09, weights: {v0: 0.1, v1: 0.6, v2: 0.3}}\n",
        ),
    ];
    let from = engine.from(&path, "units");
    let mut cases: Vec<(String, Check)> = Vec::new();
    for exp in exps {
        let e = exp.to_str().unwrap().to_string();
        let (code, sql, err) = abx(&["sql", "assign", "-e", &e, "--engine", engine.name, "--from", &from]);
        assert_eq!(code, 0, "{err}");
        let (code, out, err) = abx(&["assign", "-e", &e, "--input", path.to_str().unwrap()]);
        assert_eq!(code, 0, "{err}");
        let want: HashMap<String, String> =
            read_csv(&out).into_iter().map(|r| (r["unit"].clone(), r["variant"].clone())).collect();
        let salt: String = {
            let text = std::fs::read_to_string(&exp).unwrap();
            let line = text.lines().find(|l| l.starts_with("salt: ")).unwrap();
            serde_json::from_str(&line["salt: ".len()..]).unwrap()
        };
        let label = format!("{} assign {}", engine.name, exp.file_name().unwrap().to_string_lossy());
        cases.push((
            sql,
            Box::new(move |csv: &str| {
                let rows = read_csv(csv);
                assert_eq!(rows.len(), want.len(), "{label}: rows");
                let mut exposed = 0;
                for row in rows {
                    let unit = &row["unit"];
                    assert_eq!(Some(&row["variant"]), want.get(unit), "{label}: unit {unit:?}");
                    exposed += usize::from(!row["variant"].is_empty());
                    let d = sha256::digest(format!("{unit}:{salt}").as_bytes());
                    let x = u64::from_be_bytes(d[..8].try_into().unwrap()) as f64 / TWO_64;
                    let got: f64 = row["x"].parse().unwrap();
                    assert_eq!(got.to_bits(), x.to_bits(), "{label}: x of {unit:?}");
                }
                assert!(exposed > 1000, "{label}: only {exposed} exposed");
            }),
        ));
    }
    cases
}

/// Prefixes within ±1000 of every threshold (and the ends of the u64 range)
/// through the engine's comparison, for 1:1:1 at 0.9, 1:1 at 1.0 and weights
/// that put a boundary on a unit's point.
fn prefix_cases(dir: &Path, engine: &Engine, tables: &mut Vec<(String, PathBuf)>) -> Vec<(String, Check)> {
    let configs: [(&str, Vec<f64>, f64); 3] = [
        ("p_thirds", vec![1.0, 1.0, 1.0], 0.9),
        ("p_halves", vec![1.0, 1.0], 1.0),
        ("p_odd", vec![0.3, 0.2, 0.5], 0.95),
    ];
    let mut cases: Vec<(String, Check)> = Vec::new();
    for (name, weights, allocation) in configs {
        let rs = ranges(&weights, allocation);
        let mut us: Vec<u64> = vec![0, 1, u64::MAX, u64::MAX - 1023, u64::MAX - 1024, 1 << 53, (1 << 53) + 1, 1 << 63];
        for &(a, b) in &rs {
            for t in [threshold(a), threshold(b)] {
                for d in -1000i128..=1000 {
                    let u = t as i128 + d;
                    if (0..=u64::MAX as i128).contains(&u) {
                        us.push(u as u64);
                    }
                }
            }
        }
        us.sort_unstable();
        us.dedup();
        let mut csv = String::from("unit,h\n");
        for u in &us {
            csv.push_str(&format!("{u},{u:016x}\n"));
        }
        let path = dir.join(format!("{name}.csv"));
        std::fs::write(&path, csv).unwrap();
        tables.push((name.to_string(), path.clone()));
        let exp = experiment(dir, name, name, &weights, allocation, "");
        let from = engine.from(&path, name);
        let (code, sql, err) = abx(&[
            "sql",
            "assign",
            "-e",
            exp.to_str().unwrap(),
            "--engine",
            engine.name,
            "--from",
            &from,
            "--prefix-column",
            "h",
        ]);
        assert_eq!(code, 0, "{err}");
        let names: Vec<String> = (0..weights.len()).map(|i| format!("v{i}")).collect();
        let label = format!("{} prefixes {name}", engine.name);
        let n = us.len();
        cases.push((
            sql,
            Box::new(move |csv: &str| {
                let rows = read_csv(csv);
                assert_eq!(rows.len(), n, "{label}: rows");
                let names: Vec<&str> = names.iter().map(String::as_str).collect();
                for row in rows {
                    let u: u64 = row["unit"].parse().unwrap();
                    assert_eq!(row["variant"], variant_of(u, &rs, &names), "{label}: u = {u:#x}");
                    let x: f64 = row["x"].parse().unwrap();
                    assert_eq!(x.to_bits(), (u as f64 / TWO_64).to_bits(), "{label}: x of {u:#x}");
                }
            }),
        ));
    }
    cases
}

/// Unit rows with every kind of value: missing, NaN, negative, 0/1.
fn unit_rows(dir: &Path, with_variant: bool) -> PathBuf {
    let mut r = Lcg(3);
    let mut csv = String::from(if with_variant {
        "unit,variant,plan,age,country,converted,revenue,gross,sessions,pre,spend,epoch\n"
    } else {
        "unit,plan,age,country,converted,revenue,gross,sessions,pre,spend,epoch\n"
    });
    for (i, u) in ids(6000).iter().enumerate() {
        let variant = ["control", "treatment"][r.below(2) as usize];
        let plan = ["free", "pro", "team", ""][r.below(4) as usize];
        let age = if r.below(10) == 0 { String::new() } else { r.below(70).to_string() };
        let country = ["de", "fr", "us", ""][r.below(4) as usize];
        let converted =
            if r.below(50) == 0 { String::new() } else { if r.below(10) < 2 { "1" } else { "0" }.to_string() };
        let revenue = match r.below(100) {
            0 => String::new(),
            1 => "NaN".to_string(),
            _ => format!("{:.3}", (r.unit() * 3.0).exp() * 2.0 - 1.5),
        };
        let gross = format!("{:.2}", r.unit() * 80.0);
        let sessions = if r.below(30) == 0 { String::new() } else { (1 + r.below(9)).to_string() };
        let pre = if r.below(8) == 0 { String::new() } else { format!("{:.4}", 20.0 + 10.0 * r.unit()) };
        let spend = format!("{:.4}", 22.0 + 10.0 * r.unit() + (i % 7) as f64);
        // Far from 0 with a small spread: raw sums of squares would lose the variance.
        let epoch = format!("{:.6}", 1.7e9 + r.unit());
        let v = if with_variant { format!("{variant},") } else { String::new() };
        csv.push_str(&format!(
            "{},{v}{plan},{age},{country},{converted},{revenue},{gross},{sessions},{pre},{spend},{epoch}\n",
            csv_field(u)
        ));
    }
    let path = dir.join(if with_variant { "outcomes.csv" } else { "outcomes_nov.csv" });
    std::fs::write(&path, csv).unwrap();
    path
}

/// Every number of two readouts within 1e-9 relative (1e-12 absolute near
/// 0), every other value equal; the --data readout's input notes aside.
fn same_readout(a: &Value, b: &Value, path: &str, label: &str) -> usize {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            let keys: Vec<&String> = y.keys().filter(|k| !(path.is_empty() && *k == "input")).collect();
            assert_eq!(x.keys().collect::<Vec<_>>(), keys, "{label}: fields at {path}");
            keys.iter().map(|k| same_readout(&x[*k], &y[*k], &format!("{path}.{k}"), label)).sum()
        }
        (Value::Array(x), Value::Array(y)) => {
            assert_eq!(x.len(), y.len(), "{label}: length at {path}");
            x.iter().zip(y).enumerate().map(|(i, (p, q))| same_readout(p, q, &format!("{path}[{i}]"), label)).sum()
        }
        (Value::Number(x), Value::Number(y)) => {
            let (x, y) = (x.as_f64().unwrap(), y.as_f64().unwrap());
            let ok = (x - y).abs() <= 1e-9 * x.abs().max(y.abs()) || (x - y).abs() <= 1e-12;
            assert!(ok, "{label}: {path}: summary {x} vs data {y}");
            1
        }
        _ => {
            assert_eq!(a, b, "{label}: {path}");
            0
        }
    }
}

/// (experiment, data, `abx sql summary` flags, `abx analyze --data` flags).
type SummaryCase = (&'static str, PathBuf, Vec<&'static str>, Vec<&'static str>);

fn summary_cases(dir: &Path, engine: &Engine, tables: &mut Vec<(String, PathBuf)>) -> Vec<(String, Check)> {
    let with = unit_rows(dir, true);
    let without = unit_rows(dir, false);
    let events = root().join("fixtures/workflows/events.csv");
    tables.push(("outcomes".into(), with.clone()));
    tables.push(("outcomes_nov".into(), without.clone()));
    tables.push(("events".into(), events.clone()));
    // Engines without LATERAL are told where the variant is.
    let logged: Vec<&'static str> = if engine.lateral { vec![] } else { vec!["--variant-column", "variant"] };
    let bucketed: Vec<&'static str> = if engine.lateral { vec!["--unit-column", "unit"] } else { vec!["--bucketing"] };
    let cat = |a: &[&'static str], b: &[&'static str]| -> Vec<&'static str> { a.iter().chain(b).copied().collect() };
    let cases: Vec<SummaryCase> = vec![
        ("fixtures/sql/units.yaml", with.clone(), logged.clone(), vec![]),
        (
            "fixtures/sql/units.yaml",
            with.clone(),
            cat(&logged, &["--unit-column", "unit", "--by", "country"]),
            vec!["--unit-column", "unit", "--by", "country"],
        ),
        (
            "fixtures/sql/units.yaml",
            with.clone(),
            cat(&logged, &["--by", "plan", "--by", "country"]),
            vec!["--by", "plan", "--by", "country"],
        ),
        ("fixtures/sql/targeted.yaml", without.clone(), bucketed.clone(), vec!["--unit-column", "unit"]),
        ("fixtures/sql/layered.yaml", without.clone(), bucketed.clone(), vec!["--unit-column", "unit"]),
        (
            "fixtures/sql/layered.yaml",
            with.clone(),
            vec!["--bucketing", "--unit-column", "unit", "--by", "country"],
            vec!["--bucketing", "--unit-column", "unit", "--by", "country"],
        ),
        (
            "fixtures/sql/targeted.yaml",
            without.clone(),
            cat(&bucketed, &["--by", "plan"]),
            vec!["--unit-column", "unit", "--by", "plan"],
        ),
        (
            "fixtures/sql/targeted.yaml",
            with.clone(),
            vec!["--bucketing", "--unit-column", "unit", "--by", "country"],
            vec!["--bucketing", "--unit-column", "unit", "--by", "country"],
        ),
        (
            "fixtures/workflows/events.yaml",
            events.clone(),
            cat(&logged, &["--events", "--unit-column", "user", "--by", "surface"]),
            vec!["--events", "--unit-column", "user", "--by", "surface"],
        ),
        (
            "fixtures/sql/events.yaml",
            events.clone(),
            vec!["--events", "--unit-column", "user", "--bucketing", "--by", "plan"],
            vec!["--events", "--unit-column", "user", "--bucketing", "--by", "plan"],
        ),
        (
            "fixtures/sql/events.yaml",
            events.clone(),
            cat(&logged, &["--events", "--unit-column", "user"]),
            vec!["--events", "--unit-column", "user"],
        ),
    ];
    let mut out: Vec<(String, Check)> = Vec::new();
    for (exp, data, sql_flags, data_flags) in cases {
        let table = data.file_stem().unwrap().to_string_lossy().to_string();
        let from = engine.from(&data, &table);
        let mut args = vec!["sql", "summary", "-e", exp, "--engine", engine.name, "--from", &from];
        args.extend(&sql_flags);
        let out_sql = Abx::new(&args).dir(&root()).run();
        assert_eq!(out_sql.code, 0, "{}", out_sql.stderr);
        let sql = out_sql.stdout;
        let data_s = data.to_str().unwrap().to_string();
        let mut dargs: Vec<String> =
            ["analyze", "-e", exp, "--data", &data_s, "--format", "json"].map(String::from).to_vec();
        dargs.extend(data_flags.iter().map(|s| s.to_string()));
        let dargs_ref: Vec<&str> = dargs.iter().map(String::as_str).collect();
        let (code, from_data, err) = crate::common::abx_in(&root(), &dargs_ref, "");
        assert_eq!(code, 0, "{err}");
        let from_data: Value = serde_json::from_str(&from_data).unwrap();
        let by: Vec<String> = sql_flags
            .windows(2)
            .filter(|w| w[0] == "--by")
            .flat_map(|w| ["--by".to_string(), w[1].to_string()])
            .collect();
        let label = format!("{} summary {exp} {}", engine.name, sql_flags.join(" "));
        let exp = exp.to_string();
        out.push((
            sql,
            Box::new(move |csv: &str| {
                let mut args: Vec<&str> = vec!["analyze", "-e", &exp, "--summary", "-", "--format", "json"];
                args.extend(by.iter().map(String::as_str));
                let (code, from_sql, err) = crate::common::abx_in(&root(), &args, csv);
                assert_eq!(code, 0, "{label}: {err}\n{csv}");
                let from_sql: Value = serde_json::from_str(&from_sql).unwrap();
                let checked = same_readout(&from_sql, &from_data, "", &label);
                assert!(checked > 50, "{label}: only {checked} numbers compared");
            }),
        ));
    }
    out
}

fn check_engine(name: &'static str, lateral: bool) {
    let engine = Engine { name, lateral };
    let dir = tempfile::tempdir().unwrap();
    let mut tables = Vec::new();
    let mut cases = assign_cases(dir.path(), &engine, &mut tables);
    cases.extend(prefix_cases(dir.path(), &engine, &mut tables));
    cases.extend(summary_cases(dir.path(), &engine, &mut tables));
    let queries: Vec<String> = cases.iter().map(|(q, _)| q.clone()).collect();
    let results = engine.run(&tables, &queries);
    for ((_, check), csv) in cases.iter().zip(&results) {
        check(csv);
    }
}

#[test]
fn duckdb_runs_abx_sql_as_abx_does() {
    check_engine("duckdb", true);
}

#[test]
fn postgres_runs_abx_sql_as_abx_does() {
    check_engine("postgres", true);
}

#[test]
fn spark_runs_abx_sql_as_abx_does() {
    check_engine("spark", true);
}

#[test]
fn clickhouse_runs_abx_sql_as_abx_does() {
    check_engine("clickhouse", false);
}

/// The queries of the engines that cannot run here, for one of each command.
fn unrun_queries(engine: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let args: [(&str, Vec<&str>); 5] = [
        ("assign_targeted", vec!["sql", "assign", "-e", "fixtures/sql/targeted.yaml", "--from", "units"]),
        (
            "summary_units",
            vec![
                "sql",
                "summary",
                "-e",
                "fixtures/sql/units.yaml",
                "--from",
                "outcomes",
                "--variant-column",
                "variant",
                "--by",
                "country",
                "--approximate-percentiles",
            ],
        ),
        (
            "summary_targeted",
            vec!["sql", "summary", "-e", "fixtures/sql/targeted.yaml", "--from", "outcomes", "--bucketing"],
        ),
        (
            "summary_events",
            vec![
                "sql",
                "summary",
                "-e",
                "fixtures/sql/events.yaml",
                "--from",
                "events",
                "--events",
                "--unit-column",
                "user",
                "--bucketing",
                "--approximate-percentiles",
            ],
        ),
        ("audit", vec!["sql", "audit", "-e", "fixtures/sql/targeted.yaml", "--from", "exposures"]),
    ];
    for (name, mut a) in args {
        a.extend(["--engine", engine]);
        let (code, sql, err) = run(&a, "");
        assert_eq!(code, 0, "{name}: {err}");
        out.push((name.to_string(), sql));
    }
    out
}

#[test]
fn bigquery_snowflake_and_trino_queries_parse_and_are_snapshotted() {
    for (engine, dialect) in [("bigquery", "bigquery"), ("snowflake", "snowflake"), ("trino", "trino")] {
        let queries = unrun_queries(engine);
        let sql: Vec<String> = queries.iter().map(|(_, q)| q.clone()).collect();
        for ((name, _), err) in queries.iter().zip(engines::sqlglot_errors(dialect, &sql)) {
            assert!(err.is_none(), "{engine} {name}: sqlglot cannot parse it: {}", err.unwrap_or_default());
        }
        for (name, q) in queries {
            insta::assert_snapshot!(format!("sql_{engine}_{name}"), q);
        }
    }
}

#[test]
fn audit_counts_matches_mismatches_and_units_in_several_variants() {
    let dir = tempfile::tempdir().unwrap();
    let e = experiment(dir.path(), "audited", "a", &[1.0, 1.0], 0.8, "");
    let (_, out, _) =
        run(&["assign", "-e", e.to_str().unwrap()], &(0..2000).map(|i| format!("u{i}\n")).collect::<String>());
    // Logged exposures: mostly right, 50 flipped, 20 units in both variants, each unit logged twice.
    let mut csv = String::from("unit,variant\n");
    let (mut flipped, mut multiple) = (0, 0);
    for (i, row) in read_csv(&out).iter().enumerate() {
        let v = &row["variant"];
        if v.is_empty() {
            continue;
        }
        let other = if v == "v0" { "v1" } else { "v0" };
        let (first, second) = if i % 40 == 1 {
            flipped += 1;
            (other, other)
        } else if i % 100 == 2 {
            multiple += 1;
            (v.as_str(), other)
        } else {
            (v.as_str(), v.as_str())
        };
        csv.push_str(&format!("{},{first}\n{},{second}\n", row["unit"], row["unit"]));
    }
    let log = dir.path().join("log.csv");
    std::fs::write(&log, csv).unwrap();
    let from = format!("read_csv('{}', all_varchar = true, header = true)", log.display());
    let (code, sql, err) = run(&["sql", "audit", "-e", e.to_str().unwrap(), "--engine", "duckdb", "--from", &from], "");
    assert_eq!(code, 0, "{err}");
    let rows = read_csv(&engines::duckdb_csv(dir.path(), &sql));
    let units = |status: &str| -> u64 {
        rows.iter().filter(|r| r["status"] == status).map(|r| r["units"].parse::<u64>().unwrap()).sum()
    };
    assert_eq!(units("mismatch"), flipped);
    assert_eq!(units("multiple"), multiple);
    assert!(units("match") > 1000);
    assert!(rows.iter().filter(|r| r["status"] == "multiple").all(|r| r["logged"] == "__multiple__"));
    // The summary of such a log refuses the units in several variants, or leaves them out and says how many.
    let data = dir.path().join("data.csv");
    std::fs::write(
        &data,
        std::fs::read_to_string(&log)
            .unwrap()
            .replace("unit,variant", "unit,variant,m")
            .replace('\n', ",1\n")
            .replacen("unit,variant,m,1", "unit,variant,m", 1),
    )
    .unwrap();
    let from = format!("read_csv('{}', all_varchar = true, header = true)", data.display());
    let (_, sql, _) =
        run(&["sql", "summary", "-e", e.to_str().unwrap(), "--engine", "duckdb", "--from", &from, "--events"], "");
    let summary = engines::duckdb_csv(dir.path(), &sql);
    let (code, _, err) = run(&["analyze", "-e", e.to_str().unwrap(), "--summary", "-"], &summary);
    assert_eq!(code, 2);
    assert!(err.contains(&format!("{multiple} units were seen in several variants")), "{err}");
    let (code, _, err) =
        run(&["analyze", "-e", e.to_str().unwrap(), "--summary", "-", "--ignore-unknown-variants"], &summary);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("are left out"), "{err}");
}

#[test]
fn refusals_say_why() {
    // An engine that cannot look up a possibly missing column must be told
    // where the variant is when the unit column could give it.
    let (code, out, err) = abx(&[
        "sql",
        "summary",
        "-e",
        "fixtures/sql/units.yaml",
        "--engine",
        "clickhouse",
        "--from",
        "t",
        "--unit-column",
        "unit",
    ]);
    assert_eq!((code, out.as_str()), (2, ""));
    assert!(err.contains("--variant-column variant") && err.contains("--bucketing"), "{err}");
    // Trino's percentile is approximate: refused unless accepted.
    let (code, _, err) = abx(&[
        "sql",
        "summary",
        "-e",
        "fixtures/sql/units.yaml",
        "--engine",
        "trino",
        "--from",
        "t",
        "--variant-column",
        "variant",
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("approximate"), "{err}");
    // A segment column that collides with a summary column.
    let (code, _, err) =
        abx(&["sql", "summary", "-e", "fixtures/sql/units.yaml", "--engine", "duckdb", "--from", "t", "--by", "n"]);
    assert_eq!(code, 2);
    assert!(err.contains("--by n"), "{err}");
    // Summary rows that count refused values or repeated units exit 2.
    let head = "variant,metric,n,sum,sum_sq,invalid,repeated_units\n";
    let exp = "fixtures/workflows/events.yaml";
    let ok = "control,purchased,10,2,2,0,0\ntreatment,purchased,10,3,3,0,0\ncontrol,revenue,10,2,2,0,0\ntreatment,revenue,10,2,2,0,0\ncontrol,time_on_page,10,2,2,0,0\ntreatment,time_on_page,10,2,2,0,0\n";
    let (code, _, err) = run(&["analyze", "-e", exp, "--summary", "-"], &format!("{head}{ok}"));
    assert_eq!(code, 0, "{err}");
    let bad = ok.replacen("control,purchased,10,2,2,0,0", "control,purchased,10,2,2,1,0", 1);
    let (code, _, err) = run(&["analyze", "-e", exp, "--summary", "-"], &format!("{head}{bad}"));
    assert_eq!(code, 2);
    assert!(err.contains("cannot be analyzed"), "{err}");
    let repeated = ok.replacen("control,purchased,10,2,2,0,0", "control,purchased,10,2,2,0,3", 1);
    let (code, _, err) = run(&["analyze", "-e", exp, "--summary", "-"], &format!("{head}{repeated}"));
    assert_eq!(code, 2);
    assert!(err.contains("repeat a unit"), "{err}");
}

#[test]
fn growthbook_column_names_feed_the_summary() {
    // gbstats' input columns for one metric: variation, users, main_sum, main_sum_squares.
    let dir = tempfile::tempdir().unwrap();
    let e = dir.path().join("e.yaml");
    std::fs::write(&e, "name: g\nvariants: [{name: '0'}, {name: '1'}]\nmetrics:\n  - {name: revenue}\n").unwrap();
    let gb = "variation,dimension,users,main_sum,main_sum_squares\n0,All,1000,5000,30000\n1,All,1010,5200,31500\n";
    let ours = "variant,metric,n,sum,sum_sq\n0,revenue,1000,5000,30000\n1,revenue,1010,5200,31500\n";
    let e = e.to_str().unwrap();
    let (code, a, err) = run(&["analyze", "-e", e, "--summary", "-", "--format", "json"], gb);
    assert_eq!(code, 0, "{err}");
    let (_, b, _) = run(&["analyze", "-e", e, "--summary", "-", "--format", "json"], ours);
    assert_eq!(a, b);
    // A ratio metric's denominator columns, by GrowthBook's names.
    std::fs::write(dir.path().join("r.yaml"), "name: r\nvariants: [{name: a}, {name: b}]\nmetrics:\n  - {name: rps, kind: ratio, numerator: x, denominator: y}\n").unwrap();
    let r = dir.path().join("r.yaml");
    let gb = "variation,metric,users,main_sum,main_sum_squares,denominator_sum,denominator_sum_squares,main_denominator_sum_product\na,rps,100,50,60,200,500,110\nb,rps,100,55,70,210,520,125\n";
    let ours = gb.replace("variation,metric,users,main_sum,main_sum_squares,denominator_sum,denominator_sum_squares,main_denominator_sum_product", "variant,metric,n,sum,sum_sq,sum_y,sum_y_sq,sum_xy");
    let (code, a, err) = run(&["analyze", "-e", r.to_str().unwrap(), "--summary", "-", "--format", "json"], gb);
    assert_eq!(code, 0, "{err}");
    let (_, b, _) = run(&["analyze", "-e", r.to_str().unwrap(), "--summary", "-", "--format", "json"], &ours);
    assert_eq!(a, b);
}

#[test]
fn values_abx_refuses_are_refused_through_the_engine_too() {
    // Proportion values 0.5 (x8) and 2 whose sums look like 0/1 data:
    // Σx = Σx² = 6 of n = 9. `--data` refuses them; so must the summary.
    let dir = tempfile::tempdir().unwrap();
    let e = dir.path().join("e.yaml");
    std::fs::write(
        &e,
        "name: p\nvariants: [{name: a}, {name: b}]\nmetrics:\n  - {name: c, kind: proportion}\n  - {name: r}\n",
    )
    .unwrap();
    let mut csv = String::from("unit,variant,c,r\n");
    for i in 0..8 {
        csv.push_str(&format!("a{i},a,0.5,1\n"));
    }
    csv.push_str("a8,a,2,1\n");
    for i in 0..9 {
        csv.push_str(&format!("b{i},b,{},1\n", i % 2));
    }
    let data = dir.path().join("d.csv");
    std::fs::write(&data, &csv).unwrap();
    let e = e.to_str().unwrap();
    let (code, _, _) = run(&["analyze", "-e", e, "--data", data.to_str().unwrap()], "");
    assert_eq!(code, 2);
    let from = format!("read_csv('{}')", data.display());
    let (_, sql, _) = run(&["sql", "summary", "-e", e, "--engine", "duckdb", "--from", &from], "");
    let summary = engines::duckdb_csv(dir.path(), &sql);
    let (code, _, err) = run(&["analyze", "-e", e, "--summary", "-"], &summary);
    assert_eq!(code, 2, "{summary}");
    assert!(err.contains("cannot be analyzed"), "{err}");
    // An infinite value makes the sums non-finite: refused.
    std::fs::write(
        &data,
        csv.replace("b0,b,0,1", "b0,b,0,inf").replace("a8,a,2,1", "a8,a,1,1").replace(",0.5,", ",0,"),
    )
    .unwrap();
    let summary = engines::duckdb_csv(dir.path(), &sql);
    let (code, _, err) = run(&["analyze", "-e", e, "--summary", "-"], &summary);
    assert_eq!(code, 2, "{summary}");
    assert!(err.contains("not a number"), "{err}");
    // A proportion's value that is infinite, subnormal, or one ulp from 1.
    let good = csv.replace("a8,a,2,1", "a8,a,1,1").replace(",0.5,", ",0,");
    for v in ["inf", "-inf", "5e-324", "1.0000000000000002", "0.9999999999999999"] {
        std::fs::write(&data, good.replace("b1,b,1,1", &format!("b1,b,{v},1"))).unwrap();
        let (code, _, _) = run(&["analyze", "-e", e, "--data", data.to_str().unwrap()], "");
        assert_eq!(code, 2, "{v}: --data refuses it");
        let summary = engines::duckdb_csv(dir.path(), &sql);
        let (code, _, err) = run(&["analyze", "-e", e, "--summary", "-"], &summary);
        assert_eq!(code, 2, "{v}: {summary}");
        // An infinite value also makes the sum itself not a number.
        assert!(err.contains("cannot be analyzed") || v.contains("inf") && err.contains("not a number"), "{v}: {err}");
    }
    std::fs::write(&data, &good).unwrap();
    let (code, _, err) = run(&["analyze", "-e", e, "--summary", "-"], &engines::duckdb_csv(dir.path(), &sql));
    assert_eq!(code, 0, "{err}");
    // A row without a variant is not analyzed, so neither path checks it.
    std::fs::write(&data, format!("{good}z0,,0.5,1\n")).unwrap();
    let (code, by_data, err) = run(&["analyze", "-e", e, "--data", data.to_str().unwrap(), "--format", "json"], "");
    assert_eq!(code, 0, "{err}");
    let summary = engines::duckdb_csv(dir.path(), &sql);
    let (code, by_summary, err) = run(&["analyze", "-e", e, "--summary", "-", "--format", "json"], &summary);
    assert_eq!(code, 0, "{err}");
    let (a, b): (Value, Value) = (serde_json::from_str(&by_data).unwrap(), serde_json::from_str(&by_summary).unwrap());
    assert!(same_readout(&b, &a, "", "a row without a variant") > 0);
}

#[test]
fn infinite_values_hidden_by_a_cap_or_a_missing_partner_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let e = dir.path().join("e.yaml");
    std::fs::write(
        &e,
        "name: i\nvariants: [{name: a}, {name: b}]\nmetrics:\n  - {name: g, cap: {value: 50}}\n  - {name: rr, kind: ratio, numerator: x, denominator: y}\n",
    )
    .unwrap();
    let e = e.to_str().unwrap();
    for (what, bad_row) in [("a capped inf", "a0,a,inf,1,1"), ("an inf numerator without a denominator", "a0,a,1,inf,")]
    {
        let mut csv = String::from("unit,variant,g,x,y\n");
        csv.push_str(&format!("{bad_row}\n"));
        for i in 1..20 {
            csv.push_str(&format!("{}{i},{},{i},{i},2\n", ["a", "b"][i % 2], ["a", "b"][i % 2]));
        }
        let data = dir.path().join("d.csv");
        std::fs::write(&data, &csv).unwrap();
        let (code, _, _) = run(&["analyze", "-e", e, "--data", data.to_str().unwrap()], "");
        assert_eq!(code, 2, "{what}: --data refuses it");
        let from = format!("read_csv('{}')", data.display());
        let (_, sql, _) = run(&["sql", "summary", "-e", e, "--engine", "duckdb", "--from", &from], "");
        let summary = engines::duckdb_csv(dir.path(), &sql);
        let (code, _, err) = run(&["analyze", "-e", e, "--summary", "-"], &summary);
        assert_eq!(code, 2, "{what}: the summary must be refused too:\n{summary}\n{err}");
    }
}

#[test]
fn a_summarys_caps_must_be_the_experiments() {
    // The summary says what it capped (`cap`); analyzed with an experiment
    // whose caps differ, its sums would be silently wrong: refused.
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, metrics: &str| {
        let p = dir.path().join(name);
        std::fs::write(&p, format!("name: c\nvariants: [{{name: a}}, {{name: b}}]\nmetrics:\n{metrics}")).unwrap();
        p.to_str().unwrap().to_string()
    };
    let capped = write("capped.yaml", "  - {name: g, cap: {value: 50}}\n  - {name: r, cap: {percentile: 0.9}}\n");
    let mut csv = String::from("unit,variant,g,r\n");
    for i in 0..40 {
        csv.push_str(&format!("u{i},{},{},{}\n", ["a", "b"][i % 2], i * 3, (i * 7) % 23));
    }
    let data = dir.path().join("d.csv");
    std::fs::write(&data, &csv).unwrap();
    let from = format!("read_csv('{}')", data.display());
    let (_, sql, _) = run(&["sql", "summary", "-e", &capped, "--engine", "duckdb", "--from", &from], "");
    let summary = engines::duckdb_csv(dir.path(), &sql);
    assert!(summary.lines().next().unwrap().ends_with(",cap,cap_percentile"), "{summary}");
    // The same experiment: analyzed, and no warning that the caps are unknown.
    let (code, _, err) = run(&["analyze", "-e", &capped, "--summary", "-"], &summary);
    assert_eq!(code, 0, "{err}");
    assert!(!err.contains("has a cap"), "{err}");
    for (what, metrics, says) in [
        ("another value", "  - {name: g, cap: {value: 60}}\n  - {name: r, cap: {percentile: 0.9}}\n", "capped at 50"),
        ("no cap", "  - {name: g, cap: {value: 50}}\n  - {name: r}\n", "has no cap"),
        (
            "another level",
            "  - {name: g, cap: {value: 50}}\n  - {name: r, cap: {percentile: 0.5}}\n",
            "their 0.9 percentile",
        ),
        (
            "a value for a percentile",
            "  - {name: g, cap: {value: 50}}\n  - {name: r, cap: {value: 10}}\n",
            "their 0.9 percentile",
        ),
        (
            "a percentile for a value",
            "  - {name: g, cap: {percentile: 0.9}}\n  - {name: r, cap: {percentile: 0.9}}\n",
            "capped at 50",
        ),
        ("a cap the summary lacks", "  - {name: g, cap: {value: 50}}\n  - {name: r, cap: {percentile: 0.9}}\n", ""),
    ] {
        let e = write("other.yaml", metrics);
        let input = if says.is_empty() {
            // An uncapped summary of r, analyzed with r capped.
            let (_, sql, _) = run(
                &[
                    "sql",
                    "summary",
                    "-e",
                    &write("plain.yaml", "  - {name: g, cap: {value: 50}}\n  - {name: r}\n"),
                    "--engine",
                    "duckdb",
                    "--from",
                    &from,
                ],
                "",
            );
            engines::duckdb_csv(dir.path(), &sql)
        } else {
            summary.clone()
        };
        let (code, _, err) = run(&["analyze", "-e", &e, "--summary", "-"], &input);
        assert_eq!(code, 2, "{what}: {err}");
        let says = if says.is_empty() { "uncapped values" } else { says };
        assert!(err.contains(says), "{what}: {err}");
    }
    // A summary without a `cap` column: abx cannot check, and says so.
    let plain = "variant,metric,n,sum,sum_sq\na,g,10,20,60\nb,g,10,22,70\na,r,10,20,60\nb,r,10,22,70\n";
    let (code, _, err) = run(&["analyze", "-e", &capped, "--summary", "-"], plain);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("has a cap"), "{err}");
}

#[test]
fn a_null_unit_has_no_variant() {
    // The last range is open-ended (allocation 1), or a promoted variant
    // takes every unit: the key is still tested, NULL for a NULL unit.
    let dir = tempfile::tempdir().unwrap();
    for (name, variants) in
        [("two", "[{name: a}, {name: b}]"), ("promoted", "[{name: a}, {name: b}]\nstatus: promoted\npromoted: b")]
    {
        let e = dir.path().join(format!("{name}.yaml"));
        std::fs::write(&e, format!("name: {name}\nvariants: {variants}\nmetrics:\n  - {{name: m}}\n")).unwrap();
        let from = "(SELECT CAST(NULL AS VARCHAR) AS unit UNION ALL SELECT 'u1') AS s";
        let (code, sql, err) =
            run(&["sql", "assign", "-e", e.to_str().unwrap(), "--engine", "duckdb", "--from", from], "");
        assert_eq!(code, 0, "{err}");
        let rows = read_csv(&engines::duckdb_csv(dir.path(), &format!("{sql} ORDER BY 1 NULLS FIRST")));
        assert_eq!(rows.len(), 2);
        assert!(matches!(rows[0]["variant"].as_str(), "" | "NULL"), "{name}: {:?}", rows[0]);
        assert!(!matches!(rows[1]["variant"].as_str(), "" | "NULL"), "{name}: {:?}", rows[1]);
    }
}
