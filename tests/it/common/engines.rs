//! The real SQL engines the warehouse tests run queries on, each installed
//! on first use (as .ci/run does) so that a test never skips:
//! DuckDB's CLI, PostgreSQL (Debian's package, a throwaway cluster on a
//! socket in a temp dir, stopped when the test process ends), Spark in local
//! mode (pyspark, one session for a batch of queries) and ClickHouse (chDB).
//! Each returns what the engine's own CSV output holds.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Mutex, OnceLock};

use super::root;

/// Python packages for Spark, chDB and sqlglot, in target/tools/engines.
pub fn python_path() -> PathBuf {
    let dir = root().join("target").join("tools").join("engines");
    static INSTALL: Mutex<()> = Mutex::new(());
    let _guard = INSTALL.lock().unwrap_or_else(|e| e.into_inner());
    if !["pyspark", "chdb", "sqlglot"].iter().all(|p| dir.join(p).exists()) {
        let ok = Command::new("python3")
            .args(["-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--target"])
            .arg(&dir)
            .args(["pyspark", "chdb", "sqlglot"])
            .status()
            .is_ok_and(|s| s.success());
        assert!(ok, "could not install pyspark, chdb and sqlglot (python3 -m pip install --target {})", dir.display());
    }
    dir
}

/// Runs a Python script with the engines' packages; its stdout.
pub fn python(script: &str, args: &[&str]) -> String {
    let path = python_path();
    let out = Command::new("python3")
        .arg("-c")
        .arg(script)
        .args(args)
        .env("PYTHONPATH", &path)
        .env("PYSPARK_PYTHON", "python3")
        .output()
        .expect("python3");
    assert!(out.status.success(), "python failed:\n{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

/// `duckdb -csv -c QUERY` in `dir`.
pub fn duckdb_csv(dir: &Path, query: &str) -> String {
    let out = Command::new(super::duckdb()).args(["-csv", "-c", query]).current_dir(dir).output().unwrap();
    assert!(out.status.success(), "duckdb failed: {}\n{query}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

/// A PostgreSQL server for this test process: (bin dir, socket dir).
fn postgres() -> &'static (PathBuf, PathBuf) {
    static PG: OnceLock<(PathBuf, PathBuf)> = OnceLock::new();
    PG.get_or_init(|| {
        let find = || {
            let mut dirs: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
                .into_iter()
                .flatten()
                .flatten()
                .map(|e| e.path().join("bin"))
                .filter(|b| b.join("initdb").exists())
                .collect();
            dirs.sort();
            dirs.pop()
        };
        let bin = find().unwrap_or_else(|| {
            let ok = Command::new("sh")
                .args(["-c", "apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y postgresql"])
                .status()
                .is_ok_and(|s| s.success());
            assert!(ok, "could not install PostgreSQL (apt-get install -y postgresql)");
            find().expect("initdb after installing postgresql")
        });
        let dir = std::env::temp_dir().join(format!("abx-pg-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let root_user = Command::new("id").arg("-u").output().is_ok_and(|o| o.stdout.starts_with(b"0\n"));
        // initdb refuses to run as root: the cluster belongs to `postgres` then.
        let as_owner = |cmd: String| -> Command {
            let mut c = Command::new(if root_user { "su" } else { "sh" });
            if root_user {
                c.args(["postgres", "-s", "/bin/sh", "-c", &cmd]);
            } else {
                c.args(["-c", &cmd]);
            }
            c
        };
        if root_user {
            Command::new("chown").args(["postgres"]).arg(&dir).status().unwrap();
        }
        let (b, d) = (bin.display(), dir.display());
        let start = format!(
            "{b}/initdb -D {d}/data -A trust -U postgres -E UTF8 --locale=C.UTF-8 > {d}/initdb.log 2>&1 && \
             {b}/pg_ctl -D {d}/data -o \"-k {d} -c listen_addresses=''\" -l {d}/log -w start > /dev/null"
        );
        let ok = as_owner(start).status().is_ok_and(|s| s.success());
        assert!(ok, "could not start PostgreSQL in {d} (see {d}/initdb.log and {d}/log)");
        // Stopped when this test process ends.
        let stop = format!(
            "while [ -d /proc/{pid} ]; do sleep 1; done; {b}/pg_ctl -D {d}/data -m immediate stop > /dev/null 2>&1; rm -rf {d}",
            pid = std::process::id()
        );
        // The watchdog outlives this process by design: it is what stops the server.
        #[allow(clippy::zombie_processes)]
        as_owner(stop).stdin(std::process::Stdio::null()).spawn().unwrap();
        (bin, dir)
    })
}

/// `psql --csv` with each of `commands` (SQL or a backslash command) in turn.
pub fn psql(commands: &[&str]) -> String {
    let (bin, sock) = postgres();
    let mut c = Command::new(bin.join("psql"));
    c.arg("-h").arg(sock).args(["-U", "postgres", "-X", "-q", "-v", "ON_ERROR_STOP=1", "--csv"]);
    for q in commands {
        c.args(["-c", q]);
    }
    let out = c.output().unwrap();
    assert!(out.status.success(), "psql failed: {}\n{}", String::from_utf8_lossy(&out.stderr), commands.join("\n"));
    String::from_utf8(out.stdout).unwrap()
}

/// Loads a CSV file into a PostgreSQL table of text columns (empty fields are NULL).
pub fn postgres_table(name: &str, csv: &Path) {
    let header = std::fs::read_to_string(csv).unwrap().lines().next().unwrap().to_string();
    let cols: Vec<String> = header.split(',').map(|c| format!("\"{c}\" text")).collect();
    psql(&[
        &format!("DROP TABLE IF EXISTS {name}"),
        &format!("CREATE TABLE {name} ({})", cols.join(", ")),
        &format!("\\copy {name} FROM '{}' CSV HEADER", csv.display()),
    ]);
}

/// Runs `queries` in one local Spark session, with each CSV of `tables` as
/// a view of string columns (empty fields are NULL); each result as the CSV
/// Spark's own writer writes.
pub fn spark(tables: &[(&str, &Path)], queries: &[String]) -> Vec<String> {
    const SCRIPT: &str = r#"
import json, sys, os, glob
from pyspark.sql import SparkSession
spec = json.load(open(sys.argv[1]))
s = (SparkSession.builder.master("local[2]").config("spark.ui.enabled", "false")
     .config("spark.sql.shuffle.partitions", "2").config("spark.sql.ansi.enabled", "true").getOrCreate())
s.sparkContext.setLogLevel("ERROR")
for name, path in spec["tables"]:
    s.read.option("header", True).option("escape", '"').option("multiLine", True).csv(path).createOrReplaceTempView(name)
for i, q in enumerate(spec["queries"]):
    out = os.path.join(spec["out"], str(i))
    s.sql(q).coalesce(1).write.mode("overwrite").option("header", True).option("escape", '"').csv(out)
s.stop()
"#;
    let dir = tempfile::tempdir().unwrap();
    let spec = serde_json::json!({
        "tables": tables.iter().map(|(n, p)| (n.to_string(), p.display().to_string())).collect::<Vec<_>>(),
        "queries": queries,
        "out": dir.path().display().to_string(),
    });
    let spec_path = dir.path().join("spec.json");
    std::fs::write(&spec_path, spec.to_string()).unwrap();
    python(SCRIPT, &[spec_path.to_str().unwrap()]);
    (0..queries.len())
        .map(|i| {
            let part = std::fs::read_dir(dir.path().join(i.to_string()))
                .unwrap()
                .flatten()
                .map(|e| e.path())
                .find(|p| p.extension().is_some_and(|e| e == "csv"))
                .expect("a CSV part file");
            std::fs::read_to_string(part).unwrap()
        })
        .collect()
}

/// Runs `queries` in chDB (ClickHouse in process), each result as ClickHouse's CSVWithNames.
pub fn clickhouse(queries: &[String]) -> Vec<String> {
    const SCRIPT: &str = r#"
import json, sys, chdb
for q in json.load(open(sys.argv[1])):
    r = chdb.query(q, "CSVWithNames")
    sys.stdout.write(json.dumps(r.bytes().decode("utf-8")) + "\n")
"#;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("queries.json");
    std::fs::write(&path, serde_json::to_string(queries).unwrap()).unwrap();
    python(SCRIPT, &[path.to_str().unwrap()]).lines().map(|l| serde_json::from_str::<String>(l).unwrap()).collect()
}

/// A ClickHouse FROM item reading a CSV file with every column a nullable string.
pub fn clickhouse_from(csv: &Path) -> String {
    let header = std::fs::read_to_string(csv).unwrap().lines().next().unwrap().to_string();
    let cols: Vec<String> = header.split(',').map(|c| format!("`{c}` Nullable(String)")).collect();
    format!("file('{}', 'CSVWithNames', '{}')", csv.display(), cols.join(", "))
}

/// Whether sqlglot parses each query in `dialect` (None) or its error.
pub fn sqlglot_errors(dialect: &str, queries: &[String]) -> Vec<Option<String>> {
    const SCRIPT: &str = r#"
import json, sys, sqlglot
for q in json.load(open(sys.argv[2])):
    try:
        sqlglot.parse_one(q, read=sys.argv[1], error_level=sqlglot.ErrorLevel.RAISE)
        print(json.dumps(None))
    except Exception as e:
        print(json.dumps(str(e)[:500]))
"#;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("queries.json");
    std::fs::write(&path, serde_json::to_string(queries).unwrap()).unwrap();
    python(SCRIPT, &[dialect, path.to_str().unwrap()]).lines().map(|l| serde_json::from_str(l).unwrap()).collect()
}

/// Installs `package` from PyPI into target/tools/DIR on first use (as
/// .ci/run does), unless every one of `ready` is already there; the folder.
fn pip_target(dir: &str, package: &str, ready: &[&str]) -> PathBuf {
    let deps = root().join("target").join("tools").join(dir);
    static INSTALL: Mutex<()> = Mutex::new(());
    let _guard = INSTALL.lock().unwrap_or_else(|e| e.into_inner());
    if !ready.iter().all(|p| deps.join(p).exists()) {
        let ok = Command::new("python3")
            .args(["-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--target"])
            .arg(&deps)
            .arg(package)
            .status()
            .is_ok_and(|s| s.success());
        assert!(ok, "could not install {package} (python3 -m pip install --target {} {package})", deps.display());
    }
    deps
}

/// Runs `script` with PYTHONPATH `path`; its stdout.
fn python_with(path: &std::ffi::OsStr, script: &str, args: &[&str]) -> String {
    let out = Command::new("python3").arg("-c").arg(script).args(args).env("PYTHONPATH", path).output().expect("python3");
    assert!(out.status.success(), "python failed:\n{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

/// Runs a Python script with GrowthBook's gbstats (fixtures/gbstats, a copy
/// of its repository's package, which has the bandits PyPI's release lacks)
/// and the PyPI release's dependencies (numpy, scipy, pandas, pydantic) in
/// target/tools/gbstats; its stdout.
pub fn gbstats_python(script: &str, args: &[&str]) -> String {
    let deps = pip_target("gbstats", "gbstats", &["numpy", "scipy", "pandas", "pydantic"]);
    let path = std::env::join_paths([root().join("fixtures").join("gbstats"), deps]).unwrap();
    python_with(&path, script, args)
}

/// Runs a Python script with GrowthBook's Python SDK (PyPI `growthbook`
/// 4.0.0, in target/tools/growthbook); its stdout.
pub fn growthbook_python(script: &str, args: &[&str]) -> String {
    let deps = pip_target("growthbook", "growthbook==4.0.0", &["growthbook"]);
    python_with(deps.as_os_str(), script, args)
}
