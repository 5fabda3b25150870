#!/usr/bin/env python3
"""abx sql's queries against the plain query of the same columns, in the
same engine, whole process against whole process (issue 15's speed goals):

- DuckDB, N rows (default 20M): `abx sql summary`'s query against a plain
  `GROUP BY variant` with COUNT/SUM/SUM(x*x) of the same two columns, and
  `abx sql assign`'s query (its exposed units counted, and counted per
  variant, so that printing 20M rows does not dominate) in units per
  second, against DuckDB's sha256 of the same ids alone (the floor no
  assignment query can go below);
- PostgreSQL (a socket dir in $ABX_PGHOST) and Spark (pyspark on
  PYTHONPATH), on fewer rows (--small, default 2M): the same pair.

Usage: python3 bench/sql.py [--rows 20000000] [--small 2000000] [--runs 3]
  ABX=target/release/abx DUCKDB=target/tools/duckdb/duckdb_cli/duckdb
The data is generated inside each engine; nothing is read from files.
"""
import argparse, os, statistics, subprocess, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ABX = os.environ.get("ABX", os.path.join(ROOT, "target/release/abx"))
DUCKDB = os.environ.get("DUCKDB", os.path.join(ROOT, "target/tools/duckdb/duckdb_cli/duckdb"))
EXP = os.path.join(ROOT, "bench/sql_experiment.yaml")

PLAIN = """SELECT variant, COUNT(*) AS n, COUNT(converted) AS n0, SUM(converted) AS s0, SUM(converted * converted) AS q0,
COUNT(revenue) AS n1, SUM(revenue) AS s1, SUM(revenue * revenue) AS q1 FROM {t} GROUP BY variant ORDER BY 1"""


def sql(*args):
    return subprocess.run([ABX, "sql", *args, "-e", EXP], check=True, capture_output=True, text=True).stdout


def timed(cmd, runs, **kw):
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, **kw)
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def counted(q):
    # The assignment of every row, counted per variant: the hashing and
    # comparisons run on every row, the output is three lines.
    return f"SELECT variant, COUNT(*) FROM ({q}) AS a GROUP BY variant ORDER BY 1"


def exposed(q):
    # The assignment of every row, its exposed units counted: every row's
    # variant is still decided, without the cost of grouping by its text.
    return f"SELECT COUNT(variant) FROM ({q}) AS a"


def duckdb(rows, runs):
    # Doubles, as the metrics are: a DECIMAL column would make the plain sums integer sums.
    d = tempfile.mkdtemp()
    db = os.path.join(d, "bench.duckdb")
    subprocess.run([DUCKDB, db, "-c", f"""CREATE TABLE t AS SELECT 'user_' || i AS unit,
        CASE WHEN hash(i) % 2 = 0 THEN 'control' ELSE 'treatment' END AS variant,
        CAST(random() < 0.1 AS DOUBLE) AS converted, random() * 100 AS revenue
        FROM range({rows}) r(i)"""], check=True)
    summary = sql("summary", "--engine", "duckdb", "--from", "t", "--variant-column", "variant")
    query = sql("assign", "--engine", "duckdb", "--from", "t")
    t_plain = timed([DUCKDB, db, "-csv", "-c", PLAIN.format(t="t")], runs)
    t_summary = timed([DUCKDB, db, "-csv", "-c", summary], runs)
    t_assign = timed([DUCKDB, db, "-csv", "-c", exposed(query)], runs)
    t_grouped = timed([DUCKDB, db, "-csv", "-c", counted(query)], runs)
    t_count = timed([DUCKDB, db, "-csv", "-c", "SELECT COUNT(*) FROM t"], runs)
    # The floor: DuckDB hashing the same strings and nothing else.
    hashed = "SELECT COUNT(*) FROM t WHERE sha256(unit || ':sql_bench') < '8'"
    t_hash = timed([DUCKDB, db, "-csv", "-c", hashed], runs)
    rate = lambda t: rows / (t - t_count) / 1e6
    print(f"duckdb {rows} rows: plain GROUP BY {t_plain:.3f} s, abx sql summary {t_summary:.3f} s "
          f"({t_summary / t_plain:.2f}x); abx sql assign {t_assign:.3f} s = {rate(t_assign):.2f}M units/s "
          f"beyond a COUNT(*) ({t_count:.3f} s), counted per variant {t_grouped:.3f} s = {rate(t_grouped):.2f}M/s; "
          f"sha256 alone {t_hash:.3f} s = {rate(t_hash):.2f}M/s "
          f"(the assignment takes {t_assign / t_hash:.2f}x the hashing alone)")


def postgres(rows, runs):
    host = os.environ.get("ABX_PGHOST")
    if not host:
        print("postgres: set ABX_PGHOST to a socket dir to measure it")
        return
    psql = ["psql", "-h", host, "-U", "postgres", "-X", "-q", "--csv", "-c"]
    subprocess.run(psql + [f"""DROP TABLE IF EXISTS bench_t; CREATE TABLE bench_t AS SELECT 'user_' || i AS unit,
        CASE WHEN i % 2 = 0 THEN 'control' ELSE 'treatment' END AS variant,
        CASE WHEN random() < 0.1 THEN 1.0 ELSE 0.0 END::float8 AS converted, (random() * 100)::float8 AS revenue
        FROM generate_series(1, {rows}) i; ANALYZE bench_t"""], check=True)
    summary = sql("summary", "--engine", "postgres", "--from", "bench_t", "--variant-column", "variant")
    assign = counted(sql("assign", "--engine", "postgres", "--from", "bench_t"))
    t_plain = timed(psql + [PLAIN.format(t="bench_t")], runs)
    t_summary = timed(psql + [summary], runs)
    t_assign = timed(psql + [assign], runs)
    print(f"postgres {rows} rows: plain GROUP BY {t_plain:.3f} s, abx sql summary {t_summary:.3f} s "
          f"({t_summary / t_plain:.2f}x); abx sql assign {t_assign:.3f} s = {rows / t_assign / 1e6:.2f}M units/s")


SPARK = r"""
import sys, time, statistics
from pyspark.sql import SparkSession
rows, runs = int(sys.argv[1]), int(sys.argv[2])
plain, summary, assign = open(sys.argv[3]).read(), open(sys.argv[4]).read(), open(sys.argv[5]).read()
s = SparkSession.builder.master("local[2]").config("spark.ui.enabled", "false").getOrCreate()
s.sparkContext.setLogLevel("ERROR")
s.sql(f"SELECT concat('user_', id) AS unit, CASE WHEN id % 2 = 0 THEN 'control' ELSE 'treatment' END AS variant, "
      f"CASE WHEN rand() < 0.1 THEN 1.0D ELSE 0.0D END AS converted, rand() * 100 AS revenue FROM range({rows})"
      ).cache().createOrReplaceTempView("t")
s.sql("SELECT COUNT(*) FROM t").collect()
def med(q):
    ts = []
    for _ in range(runs):
        t = time.perf_counter(); s.sql(q).collect(); ts.append(time.perf_counter() - t)
    return statistics.median(ts)
tp, ts_, ta = med(plain), med(summary), med(assign)
print(f"spark {rows} rows (cached, one session): plain GROUP BY {tp:.3f} s, abx sql summary {ts_:.3f} s "
      f"({ts_ / tp:.2f}x); abx sql assign {ta:.3f} s = {rows / ta / 1e6:.2f}M units/s")
"""


def spark(rows, runs):
    d = tempfile.mkdtemp()
    files = []
    for name, q in [("plain", PLAIN.format(t="t")),
                    ("summary", sql("summary", "--engine", "spark", "--from", "t", "--variant-column", "variant")),
                    ("assign", counted(sql("assign", "--engine", "spark", "--from", "t")))]:
        p = os.path.join(d, name + ".sql")
        open(p, "w").write(q)
        files.append(p)
    try:
        subprocess.run(["python3", "-c", SPARK, str(rows), str(runs), *files], check=True, stderr=subprocess.DEVNULL)
    except (subprocess.CalledProcessError, FileNotFoundError) as e:
        print(f"spark: not measured ({e}); put pyspark on PYTHONPATH")


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=20_000_000)
    ap.add_argument("--small", type=int, default=2_000_000)
    ap.add_argument("--runs", type=int, default=3)
    a = ap.parse_args()
    duckdb(a.rows, a.runs)
    postgres(a.small, a.runs)
    spark(a.small, a.runs)
