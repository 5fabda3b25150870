#!/usr/bin/env python3
"""How abx's cost grows with the input: time and peak RSS of `abx analyze`
(Parquet and CSV), `abx assign` and `abx drift` at 1M, 10M and 100M rows,
whole processes under GNU time, with DuckDB's CLI on the same analyze and
assign inputs as the anchor. Each figure is the median of --runs runs.

The inputs are made once under bench/data/ (by DuckDB's CLI: Parquet in
1M-row row groups; the drift files by numpy and polars as in bench/drift.py).

    cargo build --release && python3 bench/scaling.py [--rows 1000000,10000000,100000000] [--runs 3] [--only analyze,assign,drift]
"""
import argparse, os, statistics, subprocess, sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "bench"))
import analyze  # noqa: E402  (bench/analyze.py: its data and its DuckDB query)

ABX = analyze.ABX
DUCKDB = analyze.DUCKDB
DATA = analyze.DATA
EXP_ASSIGN = os.path.join(ROOT, "experiments", "followup_timing.yaml")


def timed(cmd, stdin=None, stdout=subprocess.DEVNULL):
    """(wall seconds, peak RSS MiB) of one process under GNU time."""
    p = subprocess.run(["/usr/bin/time", "-f", "%e %M", *cmd], stdin=stdin, stdout=stdout,
                       stderr=subprocess.PIPE, text=True)
    if p.returncode not in (0, 1):
        sys.exit(f"{cmd}: {p.stderr}")
    wall, rss = p.stderr.strip().splitlines()[-1].split()
    return float(wall), int(rss) / 1024


def median_of(runs, f):
    got = [f() for _ in range(runs)]
    return statistics.median(g[0] for g in got), statistics.median(g[1] for g in got)


def ids(n):
    path = os.path.join(DATA, f"ids_{n}.txt")
    if not os.path.exists(path):
        with open(path + ".tmp", "w") as f:
            for start in range(0, n, 1_000_000):
                f.write("".join(f"user_{i}\n" for i in range(start, min(n, start + 1_000_000))))
        os.replace(path + ".tmp", path)
    return path


def drift_files(n):
    ref, cur = (os.path.join(DATA, f"drift_{w}_{n}.parquet") for w in ("ref", "cur"))
    if not (os.path.exists(ref) and os.path.exists(cur)):
        import numpy as np
        import polars as pl
        rng = np.random.default_rng(6)
        for path, shift in [(ref, 0.0), (cur, 0.02)]:
            pl.DataFrame({
                "latency": rng.normal(100 + 10 * shift, 15, n),
                "spend": rng.lognormal(3 + shift, 1, n),
                "score": np.round(rng.normal(0.5 + shift, 0.1, n), 2),
            }).write_parquet(path + ".tmp.parquet")
            os.replace(path + ".tmp.parquet", path)
    return ref, cur


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", default="1000000,10000000,100000000")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--only", default="analyze,assign,drift")
    a = ap.parse_args()
    only = a.only.split(",")
    print(f"{os.cpu_count()} cores, median of {a.runs} runs; time in seconds, peak RSS in MiB\n")
    print("| work | rows | abx time | abx peak RSS | DuckDB CLI time | DuckDB peak RSS |")
    print("|---|---:|---:|---:|---:|---:|")
    for n in (int(r) for r in a.rows.split(",")):
        if "analyze" in only:
            for fmt in ("parquet", "csv"):
                path = analyze.make(n, fmt)
                t, m = median_of(a.runs, lambda: timed([ABX, "analyze", "-e", analyze.EXP, "--data", path, "--format", "json"]))
                dt, dm = median_of(a.runs, lambda: timed([DUCKDB, "-csv", "-c", analyze.duck_sql(path)]))
                print(f"| analyze, {fmt} | {n:,} | {t:.2f} | {m:.0f} | {dt:.2f} | {dm:.0f} |", flush=True)
        if "assign" in only:
            path = ids(n)

            def run_abx():
                with open(path) as f:
                    return timed([ABX, "assign", "-e", EXP_ASSIGN], stdin=f)

            out = os.path.join(DATA, "scaling_duckdb.csv")
            sql = "SET threads = 2; " + __import__("assign").SQL.format(ids=path, out=out)
            t, m = median_of(a.runs, run_abx)
            dt, dm = median_of(a.runs, lambda: timed([DUCKDB, "-c", sql]))
            print(f"| assign | {n:,} | {t:.2f} | {m:.0f} | {dt:.2f} | {dm:.0f} |", flush=True)
        if "drift" in only:
            ref, cur = drift_files(n)
            t, m = median_of(a.runs, lambda: timed([ABX, "drift", "-r", ref, "-c", cur, "--format", "json"]))
            print(f"| drift, 3 columns, reference and current of | {n:,} | {t:.2f} | {m:.0f} | | |", flush=True)


if __name__ == "__main__":
    main()
