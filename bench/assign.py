#!/usr/bin/env python3
"""Benchmark: `abx assign` against DuckDB computing the same assignment in SQL.

Both read 5M ids (user_0 .. user_4999999, one per line) and write a CSV
`unit,variant` in input order, for experiments/followup_timing.yaml (two
variants, equal weights, salt `followup_timing`). The outputs must be
identical byte for byte; the script fails otherwise.

DuckDB runs as its own CLI process (whole process against whole process),
both timed with their peak RSS by GNU time.

Run from the repository root, on a release build:
    cargo build --release && python3 bench/assign.py
Needs DuckDB's CLI at target/tools/duckdb/duckdb_cli/duckdb (`pip install
--target target/tools/duckdb duckdb-cli`, as .ci/run installs it; or DUCKDB=)
and GNU time. Prints a Markdown table for the README.
"""
import os, statistics, subprocess, sys, time

N = int(os.environ.get("ABX_BENCH_IDS", 5_000_000))
RUNS = int(os.environ.get("ABX_BENCH_RUNS", 9))
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.path.join(ROOT, "bench", "data")
ABX = os.path.join(ROOT, "target", "release", "abx")
EXP = os.path.join(ROOT, "experiments", "followup_timing.yaml")
DUCKDB = os.environ.get("DUCKDB", os.path.join(ROOT, "target/tools/duckdb/duckdb_cli/duckdb"))
IDS = os.path.join(DATA, f"ids_{N}.txt")


def make_ids():
    os.makedirs(DATA, exist_ok=True)
    if not os.path.exists(IDS):
        with open(IDS + ".tmp", "w") as f:
            f.write("".join(f"user_{i}\n" for i in range(N)))
        os.replace(IDS + ".tmp", IDS)


def run_abx(out):
    """Wall time and peak RSS (MiB) of one `abx assign` process.

    Peak RSS comes from GNU time: the rusage of a child forked from this
    Python process would carry the parent's high-water mark across exec.
    """
    with open(IDS, "rb") as stdin, open(out, "wb") as stdout:
        t = time.perf_counter()
        p = subprocess.run(["/usr/bin/time", "-f", "%M", ABX, "assign", "-e", EXP],
                           stdin=stdin, stdout=stdout, stderr=subprocess.PIPE, text=True)
        dt = time.perf_counter() - t
    if p.returncode != 0:
        sys.exit(f"abx failed: {p.stderr}")
    return dt, int(p.stderr.strip().splitlines()[-1]) / 1024


SQL = """
COPY (
  SELECT id AS unit,
         CASE WHEN x < 0.5 THEN 'delay_30min' WHEN x < 1.0 THEN 'delay_5min' END AS variant
  FROM (
    SELECT id,
           CAST('0x' || substr(sha256(id || ':followup_timing'), 1, 16) AS UBIGINT)
             / 18446744073709551616.0 AS x
    FROM read_csv('{ids}', header = false, columns = {{'id': 'VARCHAR'}}, delim = '\\t', quote = '')
  )
) TO '{out}' (HEADER, DELIMITER ',')
"""


def run_duckdb(out):
    """Wall time and peak RSS (MiB) of one DuckDB CLI process."""
    t = time.perf_counter()
    p = subprocess.run(["/usr/bin/time", "-f", "%M", DUCKDB, "-c", "SET threads = 2; " + SQL.format(ids=IDS, out=out)],
                       capture_output=True, text=True)
    dt = time.perf_counter() - t
    if p.returncode != 0:
        sys.exit(f"duckdb failed: {p.stderr}")
    return dt, int(p.stderr.strip().splitlines()[-1]) / 1024


def main():
    if not os.path.exists(ABX):
        sys.exit("build first: cargo build --release")
    make_ids()
    out_abx, out_duck = os.path.join(DATA, "abx.csv"), os.path.join(DATA, "duckdb.csv")
    abx_t, abx_rss, duck_t, duck_rss = [], [], [], []
    for _ in range(RUNS):  # interleaved, so that machine noise hits both alike
        d, rss = run_duckdb(out_duck)
        duck_t.append(d)
        duck_rss.append(rss)
        a, rss = run_abx(out_abx)
        abx_t.append(a)
        abx_rss.append(rss)
    with open(out_abx, "rb") as a, open(out_duck, "rb") as d:
        if a.read() != d.read():
            sys.exit("outputs differ: abx and DuckDB disagree on some assignment")
    a, d = statistics.median(abx_t), statistics.median(duck_t)
    version = subprocess.run([DUCKDB, "--version"], capture_output=True, text=True).stdout.split()[0]
    print(f"{N:,} ids, median of {RUNS} interleaved runs, {os.cpu_count()} cores, DuckDB {version} CLI; outputs identical\n")
    print("| engine | time (s) | ids/s | peak RSS |")
    print("|---|---:|---:|---:|")
    print(f"| abx assign | {a:.3f} | {N / a / 1e6:.1f}M | {max(abx_rss):.1f} MiB |")
    print(f"| DuckDB CLI | {d:.3f} | {N / d / 1e6:.1f}M | {max(duck_rss):.1f} MiB |")
    print(f"\nabx / DuckDB throughput ratio: {d / a:.2f}x (goal >= 8x); abx peak RSS {max(abx_rss):.1f} MiB (goal < 20 MiB)")


if __name__ == "__main__":
    main()
