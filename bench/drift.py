#!/usr/bin/env python3
"""Benchmark: `abx drift` against scipy + numpy computing the same PSI, KS and
Wasserstein on the same Parquet files, side by side in one run.

3 numeric columns, 5M reference rows vs 5M current rows (a normal, a
lognormal with a shift, a rounded column with ties), made once under
bench/data/. The scipy side is a separate process per run (reads the Parquet
with polars, then per column: np.quantile edges + np.searchsorted
for PSI as the contract defines it, scipy.stats.ks_2samp(method='auto'),
scipy.stats.wasserstein_distance). Runs alternate abx / scipy; each process's
peak RSS comes from GNU time. The figures of both must agree (1e-9; KS p 1e-6).

    cargo build --release && python3 bench/drift.py
Needs numpy, scipy, polars (Python) and GNU time.
"""
import json, os, statistics, subprocess, sys

N = int(os.environ.get("ABX_BENCH_ROWS", 5_000_000))
RUNS = int(os.environ.get("ABX_BENCH_RUNS", 5))
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.path.join(ROOT, "bench", "data")
ABX = os.path.join(ROOT, "target", "release", "abx")
REF = os.path.join(DATA, f"drift_ref_{N}.parquet")
CUR = os.path.join(DATA, f"drift_cur_{N}.parquet")

SCIPY = r'''
import json, sys
import numpy as np, polars as pl
from scipy import stats
ref = pl.read_parquet(sys.argv[1]); cur = pl.read_parquet(sys.argv[2])
out = {}
for col in ref.columns:
    r = ref[col].drop_nulls().to_numpy(); c = cur[col].drop_nulls().to_numpy()
    edges = np.unique(np.quantile(r, np.linspace(0, 1, 11)))
    nb = len(edges) - 1
    def shares(x):
        i = np.clip(np.searchsorted(edges, x, side="right") - 1, 0, nb - 1)
        return np.maximum(np.bincount(i, minlength=nb) / len(x), 1e-4)
    a, e = shares(c), shares(r)
    ks = stats.ks_2samp(r, c, method="auto")
    out[col] = {"psi": float(np.sum((a - e) * np.log(a / e))), "ks_statistic": float(ks.statistic),
                "ks_p_value": float(ks.pvalue), "wasserstein": float(stats.wasserstein_distance(r, c))}
print(json.dumps(out))
'''


def make():
    if os.path.exists(REF) and os.path.exists(CUR):
        return
    import numpy as np
    import polars as pl
    os.makedirs(DATA, exist_ok=True)
    rng = np.random.default_rng(6)
    for path, shift in [(REF, 0.0), (CUR, 0.02)]:
        df = pl.DataFrame({
            "latency": rng.normal(100 + 10 * shift, 15, N),
            "spend": rng.lognormal(3 + shift, 1, N),
            "score": np.round(rng.normal(0.5 + shift, 0.1, N), 2),
        })
        df.write_parquet(path + ".tmp.parquet")
        os.replace(path + ".tmp.parquet", path)


def timed(cmd):
    """Runs cmd under GNU time: (wall seconds, peak RSS MiB, stdout)."""
    p = subprocess.run(["/usr/bin/time", "-f", "%e %M"] + cmd, capture_output=True, text=True)
    if p.returncode not in (0, 1):
        sys.exit(f"{cmd[0]} failed: {p.stderr}")
    wall, rss = p.stderr.strip().splitlines()[-1].split()
    return float(wall), int(rss) / 1024, p.stdout


def main():
    make()
    abx_t, abx_m, sp_t, sp_m = [], [], [], []
    abx_out = sp_out = None
    for _ in range(RUNS):
        t, m, out = timed([ABX, "drift", "-r", REF, "-c", CUR, "--format", "json"])
        abx_t.append(t); abx_m.append(m); abx_out = json.loads(out)
        t, m, out = timed([sys.executable, "-c", SCIPY, REF, CUR])
        sp_t.append(t); sp_m.append(m); sp_out = json.loads(out)
    worst = 0.0
    for c in abx_out["columns"]:
        for k, want in sp_out[c["column"]].items():
            got = c[k]
            rel = abs(got - want) / max(abs(want), 1e-300)
            tol = 1e-6 if k == "ks_p_value" else 1e-9
            if rel > tol and abs(got - want) > 1e-12:
                sys.exit(f"disagreement: {c['column']} {k} abx {got!r} scipy {want!r}")
            worst = max(worst, rel if abs(got - want) > 1e-12 else 0.0)
    ta, ts = statistics.median(abx_t), statistics.median(sp_t)
    print(f"3 numeric columns, {N:,} reference vs {N:,} current rows, Parquet; {RUNS} interleaved runs, medians")
    print(f"abx drift       {ta:6.2f} s  {max(abx_m):6.0f} MiB peak RSS")
    print(f"scipy + numpy   {ts:6.2f} s  {max(sp_m):6.0f} MiB peak RSS")
    print(f"abx is {ts / ta:.1f}x faster and uses {max(abx_m) / max(sp_m):.2f}x scipy's memory")
    print(f"agreement: worst relative difference {worst:.1e} over PSI, KS D, KS p, W1")


if __name__ == "__main__":
    main()
