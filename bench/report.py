#!/usr/bin/env python3
"""The reports' cost (issue 16's speed goals), whole process against whole
process, interleaved runs on one file (each round in
another order):

- `abx analyze --format html` against the same `abx analyze --format json`
  (goal: at most 1.05x): the page is drawn from the readout, so it should
  cost only its rendering;
- `abx analyze --over-time day` over 30 days against the plain analyze
  (goal: at most 2x): one pass grouped by (variant, day), then running sums;
- DuckDB's CLI on the same file, `GROUP BY variant` and `GROUP BY variant,
  day`, as the anchor.

N rows (default 20M; variant with 3 arms, a revenue float, a converted 0/1
column and a day DATE over 30 days), Parquet in 1M-row row groups, made once
by DuckDB's CLI under bench/data/. Peak RSS by GNU time. The HTML page's last
point must show the same lift as the JSON.

Usage: cargo build --release && python3 bench/report.py [--rows N] [--runs K]
  ABX=target/release/abx DUCKDB=target/tools/duckdb/duckdb_cli/duckdb
"""
import argparse, json, os, statistics, subprocess, sys, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ABX = os.environ.get("ABX", os.path.join(ROOT, "target/release/abx"))
DUCKDB = os.environ.get("DUCKDB", os.path.join(ROOT, "target/tools/duckdb/duckdb_cli/duckdb"))
EXP = os.path.join(ROOT, "bench/analyze_experiment.yaml")


def make(path, rows):
    if os.path.exists(path):
        return
    subprocess.run([DUCKDB, "-c", f"""COPY (
        SELECT CASE WHEN u < 1/3 THEN 'control' WHEN u < 2/3 THEN 'treatment_a' ELSE 'treatment_b' END AS variant,
               exp(random() * 2 + 1) * (1 + 0.02 * CAST(u >= 1/3 AS DOUBLE)) AS revenue,
               CAST(random() < 0.1 + 0.005 * CAST(u >= 2/3 AS DOUBLE) AS INTEGER) AS converted,
               DATE '2026-03-01' + CAST(floor(random() * 30) AS INTEGER) AS day
        FROM (SELECT random() AS u FROM range({rows}))
    ) TO '{path}.tmp' (FORMAT PARQUET, ROW_GROUP_SIZE 1000000)"""], check=True)
    os.replace(path + ".tmp", path)


def run(cmd):
    t = time.perf_counter()
    p = subprocess.run(["/usr/bin/time", "-f", "%M", *cmd], capture_output=True, text=True)
    dt = time.perf_counter() - t
    if p.returncode not in (0, 1):
        sys.exit(f"{cmd}: {p.stderr}")
    return dt, int(p.stderr.strip().splitlines()[-1]) / 1024, p.stdout


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=20_000_000)
    ap.add_argument("--runs", type=int, default=5)
    a = ap.parse_args()
    data = os.path.join(ROOT, "bench", "data")
    os.makedirs(data, exist_ok=True)
    path = os.path.join(data, f"daily_{a.rows}.parquet")
    make(path, a.rows)
    base = [ABX, "analyze", "-e", EXP, "--data", path]
    cases = {
        "abx analyze --format json": base + ["--format", "json"],
        "abx analyze --format html": base + ["--format", "html"],
        "abx analyze --over-time day --format json": base + ["--over-time", "day", "--format", "json"],
        "abx analyze --over-time day --format html": base + ["--over-time", "day", "--format", "html"],
        "duckdb GROUP BY variant": [DUCKDB, "-csv", "-c",
            f"SELECT variant, count(*), avg(revenue), stddev_samp(revenue), avg(converted) FROM '{path}' GROUP BY variant"],
        "duckdb GROUP BY variant, day": [DUCKDB, "-csv", "-c",
            f"SELECT variant, day, count(*), sum(revenue), sum(revenue*revenue), sum(converted) FROM '{path}' GROUP BY variant, day"],
    }
    times = {k: [] for k in cases}
    rss = {k: [] for k in cases}
    out = {}
    keys = list(cases)
    for i in range(a.runs):
        # Each round starts at another case, so that no case always runs first.
        for k in keys[i % len(keys):] + keys[:i % len(keys)]:
            dt, r, o = run(cases[k])
            times[k].append(dt)
            rss[k].append(r)
            out[k] = o
    plain = json.loads(out["abx analyze --format json"])
    over = json.loads(out["abx analyze --over-time day --format json"])
    if len(over["over_time"]) != 30:
        sys.exit(f"{len(over['over_time'])} days, not 30")
    for m, n in zip(plain["metrics"], over["over_time"][-1]["metrics"]):
        for c, d in zip(m["comparisons"], n["comparisons"]):
            if abs(c["lift"] - d["lift"]) > 1e-9 * abs(c["lift"]):
                sys.exit(f"the last point's lift {d['lift']} is not the readout's {c['lift']}")
    html = out["abx analyze --format html"]
    if "<svg" not in html or len(html) > 200_000:
        sys.exit("the page has no chart, or is too big")
    med = {k: statistics.median(v) for k, v in times.items()}
    ref = med["abx analyze --format json"]
    print(f"{a.rows:,} rows (30 days), median of {a.runs} interleaved runs, {os.cpu_count()} cores\n")
    print("| command | time (s) | vs abx analyze json | peak RSS (MiB) |")
    print("|---|---:|---:|---:|")
    for k in cases:
        print(f"| {k} | {med[k]:.3f} | {med[k] / ref:.2f}x | {max(rss[k]):.0f} |")
    print(f"\nHTML page: {len(html):,} bytes; over-time HTML page: {len(out['abx analyze --over-time day --format html']):,} bytes")


if __name__ == "__main__":
    main()
