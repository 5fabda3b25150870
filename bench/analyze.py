#!/usr/bin/env python3
"""Benchmark: `abx analyze --data` against DuckDB's CLI running the same
group-by on the same file, whole process against whole process.

N unit rows (variant with 3 arms, a revenue float, a converted 0/1 column),
as Parquet in 1M-row row groups and as CSV, made once by DuckDB's CLI under
bench/data/. DuckDB runs `SELECT variant, count(*), avg(x), stddev_samp(x)
... GROUP BY variant` for both columns; abx runs the whole readout (start,
experiment file, reduction, statistics, JSON). Runs are interleaved, each
round in another order; the per-variant means must agree to 1e-9. Time and
peak RSS of both processes by GNU time.

    cargo build --release && python3 bench/analyze.py [--rows 20000000,100000000] [--runs 5] [--formats parquet,csv]
  ABX=target/release/abx DUCKDB=target/tools/duckdb/duckdb_cli/duckdb
"""
import argparse, json, os, statistics, subprocess, sys, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ABX = os.environ.get("ABX", os.path.join(ROOT, "target/release/abx"))
DUCKDB = os.environ.get("DUCKDB", os.path.join(ROOT, "target/tools/duckdb/duckdb_cli/duckdb"))
EXP = os.path.join(ROOT, "bench/analyze_experiment.yaml")
DATA = os.path.join(ROOT, "bench", "data")


def make(rows, fmt):
    """bench/data/outcomes_{rows}.{fmt}, made once (the CSV from the Parquet file)."""
    os.makedirs(DATA, exist_ok=True)
    pq = os.path.join(DATA, f"outcomes_{rows}.parquet")
    if not os.path.exists(pq):
        subprocess.run([DUCKDB, "-c", f"""COPY (
            SELECT CASE WHEN u < 1/3 THEN 'control' WHEN u < 2/3 THEN 'treatment_a' ELSE 'treatment_b' END AS variant,
                   exp(random() * 2 + 1) * (1 + 0.02 * CAST(u >= 1/3 AS DOUBLE)) AS revenue,
                   CAST(random() < 0.1 + 0.005 * CAST(u >= 2/3 AS DOUBLE) AS INTEGER) AS converted
            FROM (SELECT random() AS u FROM range({rows}))
        ) TO '{pq}.tmp' (FORMAT PARQUET, ROW_GROUP_SIZE 1000000)"""], check=True)
        os.replace(pq + ".tmp", pq)
    if fmt == "parquet":
        return pq
    csv = os.path.join(DATA, f"outcomes_{rows}.csv")
    if not os.path.exists(csv):
        subprocess.run([DUCKDB, "-c", f"COPY (FROM '{pq}') TO '{csv}.tmp' (FORMAT CSV, HEADER)"], check=True)
        os.replace(csv + ".tmp", csv)
    return csv


def run(cmd):
    """(wall seconds, peak RSS MiB, stdout) of one process under GNU time."""
    t = time.perf_counter()
    p = subprocess.run(["/usr/bin/time", "-f", "%M", *cmd], capture_output=True, text=True)
    dt = time.perf_counter() - t
    if p.returncode != 0:
        sys.exit(f"{cmd}: {p.stderr}")
    return dt, int(p.stderr.strip().splitlines()[-1]) / 1024, p.stdout


def duck_sql(path):
    src = f"read_csv('{path}')" if path.endswith(".csv") else f"'{path}'"
    return (f"SELECT variant, count(*), avg(revenue), stddev_samp(revenue), avg(converted), stddev_samp(converted) "
            f"FROM {src} GROUP BY variant ORDER BY variant")


def means_abx(out):
    doc = json.loads(out)
    means = {}
    for m in doc["metrics"]:
        for v in m["variants"]:
            means.setdefault(v["variant"], {})[m["name"]] = v["mean"]
    return means


def means_duck(out):
    lines = out.strip().splitlines()[1:]
    return {f[0]: {"revenue": float(f[2]), "converted": float(f[4])} for f in (l.split(",") for l in lines)}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", default="20000000")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--formats", default="parquet,csv")
    a = ap.parse_args()
    rows = [int(r) for r in a.rows.split(",")]
    files = [(n, make(n, f)) for n in rows for f in a.formats.split(",")]
    print(f"median of {a.runs} interleaved runs, {os.cpu_count()} cores, "
          f"{subprocess.run([DUCKDB, '--version'], capture_output=True, text=True).stdout.split()[0]} CLI\n")
    print("| input | size | DuckDB (s) | abx (s) | abx / DuckDB time | DuckDB peak RSS | abx peak RSS | abx / DuckDB memory |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for n, path in files:
        cases = {"abx": [ABX, "analyze", "-e", EXP, "--data", path, "--format", "json"],
                 "duckdb": [DUCKDB, "-csv", "-c", duck_sql(path)]}
        t = {k: [] for k in cases}
        m = {k: [] for k in cases}
        out = {}
        for i in range(a.runs):
            for k in (list(cases) if i % 2 == 0 else list(cases)[::-1]):
                dt, rss, o = run(cases[k])
                t[k].append(dt)
                m[k].append(rss)
                out[k] = o
        got, want = means_abx(out["abx"]), means_duck(out["duckdb"])
        for v, ms in want.items():
            for name, x in ms.items():
                if abs(got[v][name] - x) > 1e-9 * abs(x):
                    sys.exit(f"{path}: mean of {name} in {v}: abx {got[v][name]!r}, DuckDB {x!r}")
        ta, td = statistics.median(t["abx"]), statistics.median(t["duckdb"])
        ma, md = statistics.median(m["abx"]), statistics.median(m["duckdb"])
        size = os.path.getsize(path) / 2**20
        print(f"| {os.path.basename(path)} | {size:,.0f} MiB | {td:.3f} | {ta:.3f} | {ta / td:.2f} | "
              f"{md:.0f} MiB | {ma:.0f} MiB | {ma / md:.2f} |", flush=True)


if __name__ == "__main__":
    main()
