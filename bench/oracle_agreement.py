#!/usr/bin/env python3
"""Worst relative error of abx against the oracle, per file and field.

Run from the repository root after `cargo build --release`:
    python3 bench/oracle_agreement.py
"""
import json, os, subprocess, sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ABX = os.path.abspath(os.environ.get("ABX", os.path.join(ROOT, "target", "release", "abx")))
FILES = ["power_proportion", "power_mean", "test_proportions", "test_chi2", "test_means", "srm"]

for name in FILES:
    cases = json.load(open(os.path.join(ROOT, "fixtures", "oracle", name + ".json")))
    worst = {}
    for c in cases:
        out = json.loads(subprocess.run([ABX] + c["args"] + ["--format", "json"], capture_output=True, text=True, check=True).stdout)
        for k, v in c.items():
            if k == "args":
                continue
            err = abs(out[k] - v) / abs(v) if v else abs(out[k])
            worst[k] = max(worst.get(k, 0.0), err)
    print(f"{name:17s} {len(cases)} cases  " + "  ".join(f"{k} {e:.1e}" for k, e in worst.items()))

# gbstats (GrowthBook's stats engine) on abx analyze --summary, run inside fixtures/oracle.
oracle_dir = os.path.join(ROOT, "fixtures", "oracle")
doc = json.load(open(os.path.join(oracle_dir, "gbstats.json")))
worst = {}
for c in doc["cases"]:
    out = json.loads(subprocess.run([ABX] + c["args"] + ["--format", "json"], cwd=oracle_dir, capture_output=True, text=True, check=True).stdout)
    metric = next(m for m in out["metrics"] if m["name"] == c["metric"])
    cmp = next(x for x in metric["comparisons"] if x["variant"] == c["variant"])
    method = c["args"][c["args"].index("--method") + 1]
    for k, v in c["expected"].items():
        err = 0.0 if abs(cmp[k] - v) <= 1e-12 else abs(cmp[k] - v) / abs(v)
        worst[(method, k)] = max(worst.get((method, k), 0.0), err)
for method in ["frequentist", "sequential", "bayesian"]:
    n = sum(1 for c in doc["cases"] if method in c["args"])
    print(f"gbstats {method:11s} {n} cases  " + "  ".join(f"{k} {e:.1e}" for (m, k), e in worst.items() if m == method))

# abx drift: the contract's cases (run inside fixtures/oracle), then the scipy cases of fixtures/drift_extra.
def drift_worst(cwd, cases, keys, extra_args=()):
    worst = {}
    for c in cases:
        p = subprocess.run([ABX, "drift", "-r", c["reference"], "-c", c["current"], "--columns", c["column"], *extra_args,
                            "--format", "json"], cwd=cwd, capture_output=True, text=True)
        col = json.loads(p.stdout)["columns"][0]
        for k in keys:
            v = c[k]
            err = abs(col[k] - v) / abs(v) if v else abs(col[k])
            worst[k] = max(worst.get(k, 0.0), err)
    return worst


four = ["psi", "ks_statistic", "ks_p_value", "wasserstein"]
w = drift_worst(oracle_dir, json.load(open(os.path.join(oracle_dir, "drift.json"))), four)
print(f"drift (oracle)    6 cases  " + "  ".join(f"{k} {e:.1e}" for k, e in w.items()))
extra_dir = os.path.join(ROOT, "fixtures", "drift_extra")
extra = json.load(open(os.path.join(extra_dir, "cases.json")))
w = drift_worst(extra_dir, extra["numeric"], four + ["wasserstein_normed", "mean_current", "sd_current"])
print(f"drift (scipy)    {len(extra['numeric'])} cases  " + "  ".join(f"{k} {e:.1e}" for k, e in w.items()))
w = drift_worst(extra_dir, extra["categorical"], ["psi", "chi2_statistic", "chi2_p_value", "js_distance"])
print(f"drift (categorical) {len(extra['categorical'])} cases  " + "  ".join(f"{k} {e:.1e}" for k, e in w.items()))
