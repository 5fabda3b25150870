#!/usr/bin/env python3
"""Benchmark: layers, holdouts and bandits (issue 17), whole process against
whole process, with DuckDB's CLI as the anchor in the same run.

1. `abx assign` of 5M ids with fixtures/allocation/home_hero.yaml (a layer
   and a holdout: three SHA-256 a unit) against the same experiment without
   them (one SHA-256), and against DuckDB's CLI computing the filtered
   assignment in SQL. Goal: the filtered run at least 60% of the plain
   throughput. abx's and DuckDB's outputs must be identical byte for byte.
2. `abx bandit` on 10M rows of Parquet (three arms, a 0/1 metric, a first-
   exposure DATE over 11 days) for the reweighted router fixture, so that
   the means are weighted by period: goal under 1 s. The anchor is DuckDB's
   CLI grouping the same file by arm and day.

Run from the repository root, on a release build:
    cargo build --release && python3 bench/allocation.py
Needs GNU time and DuckDB's CLI (`pip install --target target/tools/duckdb duckdb-cli`,
as .ci/run does). Prints Markdown tables for the README.
"""
import os, statistics, subprocess, sys, time

N = int(os.environ.get("ABX_BENCH_IDS", 5_000_000))
ROWS = int(os.environ.get("ABX_BENCH_ROWS", 10_000_000))
RUNS = int(os.environ.get("ABX_BENCH_RUNS", 5))
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.path.join(ROOT, "bench", "data")
ABX = os.path.join(ROOT, "target", "release", "abx")
DUCKDB = os.environ.get("ABX_DUCKDB", os.path.join(ROOT, "target", "tools", "duckdb", "duckdb_cli", "duckdb"))
HERO = os.path.join(ROOT, "fixtures", "allocation", "home_hero.yaml")
ROUTER = os.path.join(ROOT, "fixtures", "bandit", "model_router_reweighted.yaml")
IDS = os.path.join(DATA, f"ids_{N}.txt")
ROUTER_DATA = os.path.join(DATA, f"router_{ROWS}.parquet")


def timed(cmd, stdin=None, stdout=subprocess.DEVNULL):
    """Wall time and peak RSS (MiB, from GNU time) of one process."""
    t = time.perf_counter()
    p = subprocess.run(["/usr/bin/time", "-f", "%M"] + cmd, stdin=stdin, stdout=stdout, stderr=subprocess.PIPE, text=True)
    dt = time.perf_counter() - t
    if p.returncode != 0:
        sys.exit(f"{cmd[0]} failed: {p.stderr}")
    return dt, int(p.stderr.strip().splitlines()[-1]) / 1024


def make_data():
    os.makedirs(DATA, exist_ok=True)
    if not os.path.exists(IDS):
        with open(IDS + ".tmp", "w") as f:
            f.write("".join(f"user_{i}\n" for i in range(N)))
        os.replace(IDS + ".tmp", IDS)
    if not os.path.exists(ROUTER_DATA):
        sql = f"""COPY (SELECT 'u' || i AS unit, ['small', 'medium', 'large'][i % 3 + 1] AS variant,
                  (hash(i) % 100 < 30 + 3 * (i % 3))::INTEGER AS resolved,
                  DATE '2026-11-20' + (i % 11)::INTEGER AS first_seen
                  FROM range({ROWS}) t(i)) TO '{ROUTER_DATA}.tmp' (FORMAT parquet, ROW_GROUP_SIZE 1000000)"""
        subprocess.run([DUCKDB, "-c", sql], check=True)
        os.replace(ROUTER_DATA + ".tmp", ROUTER_DATA)


FILTERED_SQL = """
COPY (
  SELECT id AS unit,
    CASE WHEN lx >= 0 AND lx < 0.5 AND NOT (hx < 0.1) THEN
      CASE WHEN x < 0.5 THEN 'control' WHEN x < 1.0 THEN 'big_image' END
    END AS variant
  FROM (
    SELECT id,
      CAST('0x' || substr(sha256(id || ':home_hero'), 1, 16) AS UBIGINT) / 18446744073709551616.0 AS x,
      CAST('0x' || substr(sha256(id || ':layer/homepage'), 1, 16) AS UBIGINT) / 18446744073709551616.0 AS lx,
      CAST('0x' || substr(sha256(id || ':holdout/global'), 1, 16) AS UBIGINT) / 18446744073709551616.0 AS hx
    FROM read_csv('{ids}', header = false, columns = {{'id': 'VARCHAR'}}, delim = '\\t', quote = '')
  )
) TO '{out}' (HEADER, DELIMITER ',')
"""

GROUP_SQL = """SELECT variant, first_seen, count(*), sum(resolved), sum(resolved * resolved)
FROM '{data}' GROUP BY ALL ORDER BY ALL"""


def main():
    if not os.path.exists(ABX):
        sys.exit("build first: cargo build --release")
    make_data()
    plain = os.path.join(DATA, "home_hero_plain.yaml")
    with open(HERO) as f:
        text = "".join(l for l in f if not l.startswith(("layer:", "holdout:")))
    with open(plain, "w") as f:
        f.write(text)
    out_abx, out_duck = os.path.join(DATA, "alloc_abx.csv"), os.path.join(DATA, "alloc_duckdb.csv")
    t = {"plain": [], "filtered": [], "duckdb": [], "bandit": [], "group": []}
    rss = {"plain": [], "filtered": [], "bandit": [], "group": [], "duckdb": []}
    for _ in range(RUNS):  # interleaved, so that machine noise hits every engine alike
        for name, exp in (("plain", plain), ("filtered", HERO)):
            with open(IDS, "rb") as i, open(out_abx, "wb") as o:
                dt, m = timed([ABX, "assign", "-e", exp], stdin=i, stdout=o)
            t[name].append(dt)
            rss[name].append(m)
        dt, m = timed([DUCKDB, "-c", "SET threads = 2; " + FILTERED_SQL.format(ids=IDS, out=out_duck)])
        t["duckdb"].append(dt)
        rss["duckdb"].append(m)
        dt, m = timed([ABX, "bandit", "-e", ROUTER, "--data", ROUTER_DATA, "--period-column", "first_seen", "--format", "json"])
        t["bandit"].append(dt)
        rss["bandit"].append(m)
        dt, m = timed([DUCKDB, "-c", "SET threads = 2; " + GROUP_SQL.format(data=ROUTER_DATA)])
        t["group"].append(dt)
        rss["group"].append(m)
    with open(out_abx, "rb") as a, open(out_duck, "rb") as d:
        if a.read() != d.read():
            sys.exit("outputs differ: abx and DuckDB disagree on some assignment with the layer and holdout")
    med = {k: statistics.median(v) for k, v in t.items()}
    print(f"median of {RUNS} interleaved runs, {os.cpu_count()} cores; filtered outputs identical to DuckDB's\n")
    print("| work | time (s) | peak RSS | ratio |")
    print("|---|---:|---:|---:|")
    print(f"| abx assign, {N:,} ids, no filter | {med['plain']:.3f} | {max(rss['plain']):.1f} MiB | |")
    print(f"| abx assign, a layer and a holdout | {med['filtered']:.3f} | {max(rss['filtered']):.1f} MiB | "
          f"{med['plain'] / med['filtered']:.2f}x the plain throughput (goal >= 0.6x) |")
    print(f"| DuckDB CLI, the same filtered assignment | {med['duckdb']:.3f} | {max(rss['duckdb']):.1f} MiB | "
          f"abx {med['duckdb'] / med['filtered']:.2f}x faster |")
    print(f"| abx bandit, {ROWS:,} rows, by period | {med['bandit']:.3f} | {max(rss['bandit']):.1f} MiB | goal < 1 s |")
    print(f"| DuckDB CLI, GROUP BY arm and day | {med['group']:.3f} | {max(rss['group']):.1f} MiB | "
          f"abx {med['group'] / med['bandit']:.2f}x DuckDB's speed |")


if __name__ == "__main__":
    main()
