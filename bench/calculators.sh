#!/usr/bin/env bash
# Whole-process time of `abx power` and `abx test` (startup included), with
# scipy/statsmodels computing the same numbers in a fresh Python as the anchor.
# /bin/true runs in the same hyperfine session: the goal is at most 2 ms beyond it.
# Run from the repository root:  cargo build --release && bash bench/calculators.sh
# Needs hyperfine (apt-get install hyperfine) and pip install scipy statsmodels.
set -euo pipefail
abx=target/release/abx
export NO_COLOR=1
hyperfine -N --warmup 20 --runs 200 --export-markdown /tmp/abx-calculators.md \
  "/bin/true" \
  "$abx power proportion --baseline 0.1180185478530374 --mde 0.1 --relative --alpha 0.01 --sided one --variants 4 --format json" \
  "$abx power mean --sd 6.346208743967505 --mde 3.1731043719837526 --format json" \
  "$abx test proportions --control 19609/76045 --treatment 19502/74217 --treatment 8917/17475 --format json" \
  "$abx test means --control 91940,62.973382844512614,25.577129171857774 --treatment 76365,62.65541558752486,41.67790285233667 --format json" \
  "$abx test srm --observed 135231,194670,209008 --weights 0.251,0.358,0.391 --format json" \
  >/dev/null
cat /tmp/abx-calculators.md
hyperfine -N --warmup 2 --runs 10 --export-markdown /tmp/abx-calculators-anchor.md \
  "python3 -c 'from statsmodels.stats.power import TTestIndPower; print(TTestIndPower().solve_power(0.5, alpha=0.05, power=0.8))'" \
  "python3 -c 'from scipy import stats; print(stats.ttest_ind_from_stats(62.97,25.58,91940,62.66,41.68,76365,equal_var=False))'" \
  >/dev/null
cat /tmp/abx-calculators-anchor.md
