#!/usr/bin/env python3
"""Hostile input at scale, the cases that were quadratic (README, Limits):

- `abx drift` over 10,000 / 40,000 / 100,000 columns (5 rows each), against
  pandas+scipy doing the same per-column KS in the same run;
- ids near the 1 MiB line limit on stdin: 10 / 20 / 40 of them (10-40 MB),
  time per megabyte should stay flat (it was quadratic in one long id);
- how quickly a reader stops on endless input (`/dev/zero`).

Whole process against whole process, median of 3, peak RSS from GNU time.
Run from the repository root after `cargo build --release`:
    python3 bench/hostile.py
"""
import os, subprocess, sys, tempfile, time, statistics, random

ABX = os.environ.get("ABX", "target/release/abx")
EXP = "experiments/prompt_engineering_test.yaml"


def timed(cmd, stdin=None):
    best = []
    rss = 0
    for _ in range(3):
        f = open(stdin, "rb") if stdin else subprocess.DEVNULL
        t = time.perf_counter()
        p = subprocess.run(["/usr/bin/time", "-f", "%M"] + cmd, stdin=f, stdout=subprocess.DEVNULL,
                           stderr=subprocess.PIPE, text=True)
        best.append(time.perf_counter() - t)
        rss = max(rss, int(p.stderr.strip().splitlines()[-1]))
        if stdin:
            f.close()
    return statistics.median(best), rss / 1024, p.returncode


def main():
    d = tempfile.mkdtemp()
    print("drift, columns x 5 rows (CSV):")
    print("| columns | abx drift | per 10k columns | pandas+scipy ks_2samp | abx peak RSS |")
    print("|---|---|---|---|---|")
    random.seed(1)
    for n in (10_000, 40_000, 100_000):
        path = os.path.join(d, f"wide{n}.csv")
        with open(path, "w") as f:
            f.write(",".join(f"c{i}" for i in range(n)) + "\n")
            for _ in range(5):
                f.write(",".join(f"{random.random():.4f}" for _ in range(n)) + "\n")
        t, rss, rc = timed([ABX, "drift", "-r", path, "-c", path, "--method", "ks", "--format", "json"])
        assert rc == 0, rc
        py = ("import pandas as pd, scipy.stats as s, sys; a=pd.read_csv(sys.argv[1]); "
              "[s.ks_2samp(a[c], a[c]) for c in a.columns]")
        tp, _, _ = timed([sys.executable, "-c", py, path])
        print(f"| {n:,} | {t:.2f} s | {t / n * 1e4:.2f} s | {tp:.2f} s | {rss:.0f} MiB |")
    print()
    print("ids of 1 MiB on stdin (abx assign):")
    print("| ids | MB | abx assign | s per 100 MB | peak RSS |")
    print("|---|---|---|---|---|")
    line = b"x" * ((1 << 20) - 1) + b"\n"
    for k in (10, 20, 40):
        path = os.path.join(d, f"ids{k}.txt")
        with open(path, "wb") as f:
            for i in range(k):
                f.write(line)
        t, rss, rc = timed([ABX, "assign", "-e", EXP], stdin=path)
        assert rc == 0, rc
        mb = k * len(line) / 1e6
        print(f"| {k} | {mb:.0f} | {t:.2f} s | {t / mb * 100:.2f} s | {rss:.0f} MiB |")
    print()
    print("endless input (/dev/zero): time to exit 2")
    for cmd, stdin in [([ABX, "assign", "-e", EXP], "/dev/zero"),
                       ([ABX, "analyze", "-e", EXP, "--summary", "/dev/zero"], None),
                       ([ABX, "analyze", "-e", EXP, "--data", "/dev/zero"], None)]:
        t, rss, rc = timed(cmd, stdin=stdin)
        assert rc == 2, rc
        print(f"- `{' '.join(c for c in cmd[1:4])}{' < /dev/zero' if stdin else ''}`: {t:.3f} s, {rss:.0f} MiB")


if __name__ == "__main__":
    main()
