#!/usr/bin/env python3
"""Benchmark: `abx analyze --data` against DuckDB's plain GROUP BY on the same file.

20M unit rows (variant with 3 arms, a revenue float, a converted 0/1 column),
as Parquet and as CSV, made once by DuckDB under bench/data/. DuckDB runs
`SELECT variant, count(*), avg(x), stddev_samp(x) ... GROUP BY variant` for both
columns (in-process, 2 threads); abx runs the whole readout as a process. Runs
are interleaved; the per-variant means must agree. Peak RSS of abx by GNU time.

    cargo build --release && python3 bench/analyze.py
Needs `pip install duckdb` and GNU time.
"""
import json, os, statistics, subprocess, sys, time

N = int(os.environ.get("ABX_BENCH_ROWS", 20_000_000))
RUNS = int(os.environ.get("ABX_BENCH_RUNS", 5))
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.path.join(ROOT, "bench", "data")
ABX = os.path.join(ROOT, "target", "release", "abx")
EXP = os.path.join(ROOT, "bench", "analyze_experiment.yaml")


def make(con, path, fmt):
    if os.path.exists(path):
        return
    con.execute(f"""
        COPY (
          SELECT CASE WHEN u < 1/3 THEN 'control' WHEN u < 2/3 THEN 'treatment_a' ELSE 'treatment_b' END AS variant,
                 exp(random() * 2 + 1) * (1 + 0.02 * CAST(u >= 1/3 AS DOUBLE)) AS revenue,
                 CAST(random() < 0.1 + 0.005 * CAST(u >= 2/3 AS DOUBLE) AS INTEGER) AS converted
          FROM (SELECT random() AS u FROM range({N}))
        ) TO '{path}.tmp' (FORMAT {fmt})""")
    os.replace(path + ".tmp", path)


def duck(con, path):
    src = f"read_csv('{path}')" if path.endswith(".csv") else f"'{path}'"
    t = time.perf_counter()
    rows = con.execute(f"""SELECT variant, count(*), avg(revenue), stddev_samp(revenue), avg(converted), stddev_samp(converted)
                           FROM {src} GROUP BY variant ORDER BY variant""").fetchall()
    return time.perf_counter() - t, {r[0]: (r[2], r[4]) for r in rows}


def abx(path):
    t = time.perf_counter()
    p = subprocess.run(["/usr/bin/time", "-f", "%M", ABX, "analyze", "-e", EXP, "--data", path, "--format", "json"],
                       capture_output=True, text=True)
    dt = time.perf_counter() - t
    if p.returncode != 0:
        sys.exit(p.stderr)
    doc = json.loads(p.stdout)
    means = {}
    for m in doc["metrics"]:
        for v in m["variants"]:
            means.setdefault(v["variant"], {})[m["name"]] = v["mean"]
    return dt, int(p.stderr.strip().splitlines()[-1]) / 1024, means


def main():
    import duckdb
    os.makedirs(DATA, exist_ok=True)
    con = duckdb.connect()
    con.execute("SET threads = 2")
    files = [os.path.join(DATA, f"outcomes_{N}.parquet"), os.path.join(DATA, f"outcomes_{N}.csv")]
    make(con, files[0], "PARQUET")
    make(con, files[1], "CSV")
    print(f"{N:,} rows, median of {RUNS} interleaved runs, {os.cpu_count()} cores, DuckDB {duckdb.__version__}\n")
    print("| input | size | DuckDB GROUP BY (s) | abx analyze (s) | abx / DuckDB | abx peak RSS |")
    print("|---|---:|---:|---:|---:|---:|")
    for path in files:
        d_t, a_t, rss = [], [], []
        for _ in range(RUNS):
            dt, ref = duck(con, path)
            d_t.append(dt)
            at, r, means = abx(path)
            a_t.append(at)
            rss.append(r)
        for v, (rev, conv) in ref.items():
            if abs(means[v]["revenue"] - rev) > 1e-9 * abs(rev) or abs(means[v]["converted"] - conv) > 1e-12:
                sys.exit(f"means differ for {v}: abx {means[v]} DuckDB {(rev, conv)}")
        d, a = statistics.median(d_t), statistics.median(a_t)
        size = os.path.getsize(path) / 2**20
        print(f"| {os.path.basename(path)} | {size:.0f} MiB | {d:.3f} | {a:.3f} | {a / d:.2f} | {max(rss):.0f} MiB |")


if __name__ == "__main__":
    main()
