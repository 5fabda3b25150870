#!/usr/bin/env bash
# Runs every fuzz target for SECONDS (default 600) at once, each seeded with
# the inputs under tests/fuzz/<target>/, and prints the executions per target.
# Crashes land in fuzz/artifacts/<target>/; minimize one with
#   cargo +nightly fuzz tmin -s none --debug-assertions <target> <file>
# and add it to tests/fuzz/<target>/ (cargo test reruns it).
# Run from the repository root: bash fuzz/run.sh [SECONDS]
set -euo pipefail
secs=${1:-600}
targets="experiment csv_reader summary id_lines drift_profile yaml_edit"
cargo +nightly fuzz build -s none --debug-assertions
mkdir -p fuzz/logs
for t in $targets; do
  mkdir -p fuzz/corpus/$t
  cp -n tests/fuzz/$t/* fuzz/corpus/$t/ 2>/dev/null || true
  cargo +nightly fuzz run -s none --debug-assertions $t fuzz/corpus/$t -- \
    -max_total_time=$secs -close_fd_mask=3 -max_len=8192 -timeout=20 -rss_limit_mb=4096 \
    > fuzz/logs/$t.log 2>&1 &
done
wait || true
for t in $targets; do
  done_line=$(grep -E "^Done [0-9]+ runs" fuzz/logs/$t.log | tail -1 || true)
  crash=$(ls fuzz/artifacts/$t 2>/dev/null | wc -l)
  echo "$t: ${done_line:-no summary (see fuzz/logs/$t.log)}; artifacts: $crash"
done
