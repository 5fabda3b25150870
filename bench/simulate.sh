#!/usr/bin/env bash
# The statistical validity bar of `abx verdict`, at full scale (README figures):
#   A/A false-positive rate over 10,000 experiments, daily peeking over 14 days,
#   and 95% interval coverage on a known effect.
# Run from the repository root after `cargo build --release`.
set -euo pipefail
abx=${ABX:-target/release/abx}
exp=fixtures/verdict/two_arms.yaml
runs=${RUNS:-10000}
units=${UNITS:-10000}
echo "== A/A: $runs experiments of $units units, one look"
/usr/bin/time -f "%e s, %M KiB" "$abx" simulate -e $exp --units "$units" --aa --runs "$runs" --seed 1 -f table
echo "== A/A with daily peeking over 14 days: $runs experiments of $units units"
/usr/bin/time -f "%e s, %M KiB" "$abx" simulate -e $exp --units "$units" --aa --runs "$runs" --peek 14 --seed 2 -f table
echo "== known effect (conversion +10%, latency -5%): $runs experiments of $units units"
/usr/bin/time -f "%e s, %M KiB" "$abx" simulate -e $exp --units "$units" --runs "$runs" --seed 3 \
  --effect conversion=0.1 --effect latency_ms=-0.05 -f table
