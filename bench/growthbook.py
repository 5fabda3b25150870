#!/usr/bin/env python3
"""Benchmark: `abx growthbook features` (issue 18), whole process against
whole process, with GrowthBook's Python SDK as the anchor in the same run.

1M units (JSON lines: id, country, plan, appVersion) through
fixtures/growthbook/payload.json (three features: a forced rule, an
experiment rule with a condition, a saved group, a rollout, a prerequisite,
a version condition), all features, JSON lines out and CSV out. Goal: at
least 1M units a second on 2 cores, memory flat. The anchor is GrowthBook's
Python SDK (pip growthbook==4.0.0, as .ci/run installs it) evaluating the
same payload for the first 50,000 units, one GrowthBook object per unit as
its docs show; its rate is per unit. The values of both must agree.

Run from the repository root, on a release build:
    cargo build --release && python3 bench/growthbook.py
Needs GNU time. Prints a Markdown table for the README.
"""
import json, os, statistics, subprocess, sys, time

N = int(os.environ.get("ABX_BENCH_UNITS", 1_000_000))
SDK_UNITS = int(os.environ.get("ABX_BENCH_SDK_UNITS", 50_000))
RUNS = int(os.environ.get("ABX_BENCH_RUNS", 5))
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.path.join(ROOT, "bench", "data")
ABX = os.path.join(ROOT, "target", "release", "abx")
PAYLOAD = os.path.join(ROOT, "fixtures", "growthbook", "payload.json")
USERS = os.path.join(DATA, f"gb_users_{N}.jsonl")
SDK = os.path.join(ROOT, "target", "tools", "growthbook")

SDK_SCRIPT = """
import json, sys, time
from growthbook import GrowthBook
payload = json.load(open(sys.argv[1]))
users = [json.loads(l) for _, l in zip(range(int(sys.argv[3])), open(sys.argv[2]))]
t = time.perf_counter()
out = []
for u in users:
    gb = GrowthBook(attributes=u, features=payload["features"], saved_groups=payload["savedGroups"])
    out.append([gb.eval_feature(k).value for k in payload["features"]])
    gb.destroy()
print(json.dumps({"seconds": time.perf_counter() - t, "values": out}))
"""


def timed(cmd, stdout=subprocess.DEVNULL):
    """Wall time and peak RSS (MiB, from GNU time) of one process."""
    t = time.perf_counter()
    p = subprocess.run(["/usr/bin/time", "-f", "%M"] + cmd, stdout=stdout, stderr=subprocess.PIPE, text=True)
    dt = time.perf_counter() - t
    if p.returncode != 0:
        sys.exit(f"{cmd[0]} failed: {p.stderr}")
    return dt, int(p.stderr.strip().splitlines()[-1]) / 1024


def make_data():
    os.makedirs(DATA, exist_ok=True)
    if os.path.exists(USERS):
        return
    countries = ["US", "CA", "FR", "DE", "GB"]
    versions = ["2.3.9", "2.4.0", "2.4.1", "2.10.0", "3.0.0", "v2.4.0-rc.1"]
    with open(USERS + ".tmp", "w") as f:
        for i in range(N):
            f.write(json.dumps({"id": f"u{i}", "country": countries[i % 5], "plan": ["free", "pro"][i % 2],
                                "appVersion": versions[i % 6]}) + "\n")
    os.replace(USERS + ".tmp", USERS)


def main():
    if not os.path.exists(ABX):
        sys.exit("build first: cargo build --release")
    make_data()
    base = [ABX, "growthbook", "features", "--payload", PAYLOAD, "--input", USERS]
    runs = {"jsonl": [], "csv": []}
    for _ in range(RUNS):
        runs["jsonl"].append(timed(base))
        runs["csv"].append(timed(base + ["--format", "csv"]))
    # The anchor, and agreement on its units.
    env = dict(os.environ, PYTHONPATH=SDK)
    p = subprocess.run([sys.executable, "-c", SDK_SCRIPT, PAYLOAD, USERS, str(SDK_UNITS)], capture_output=True,
                       text=True, env=env)
    if p.returncode != 0:
        sys.exit(f"the Python SDK failed (pip install --target target/tools/growthbook growthbook==4.0.0): {p.stderr}")
    # The SDK logs skipped rules on stdout: the result is the last line.
    sdk = json.loads(p.stdout.strip().splitlines()[-1])
    head = subprocess.run(f"head -n {SDK_UNITS} {USERS} | {ABX} growthbook features --payload {PAYLOAD} --input -",
                          shell=True, capture_output=True, text=True, check=True).stdout.splitlines()
    ours = [json.loads(l)["value"] for l in head]
    theirs = [v for row in sdk["values"] for v in row]
    if ours != theirs:
        sys.exit("abx and the Python SDK disagree")
    print(f"median of {RUNS} runs, {N:,} units, 3 features each, 2 cores; values identical to the Python SDK's on {SDK_UNITS:,} units\n")
    print("| work | time (s) | peak RSS | units/s |")
    print("|---|---:|---:|---:|")
    for name, r in runs.items():
        t = statistics.median(x[0] for x in r)
        m = statistics.median(x[1] for x in r)
        print(f"| abx growthbook features, {name} out | {t:.3f} | {m:.1f} MiB | {N / t:,.0f} |")
    rate = SDK_UNITS / sdk["seconds"]
    t = statistics.median(x[0] for x in runs["jsonl"])
    print(f"| GrowthBook Python SDK, {SDK_UNITS:,} units (in-process loop) | {sdk['seconds']:.3f} | | {rate:,.0f} |")
    print(f"\nabx (JSON lines) evaluates {N / t / rate:.1f}x as many units a second as the Python SDK.")


if __name__ == "__main__":
    main()
