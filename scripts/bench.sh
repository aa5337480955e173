#!/usr/bin/env bash
# Every benchmark of the workspace (the `benches/` targets, harness = false): each runs on
# 127.0.0.1 only, bounded in time and count, and prints the ratios and counts it measured.
# Figures from one run on a shared machine are for comparing within that run, not across runs.
set -euo pipefail
cd "$(dirname "$0")/.."
# Name each bench target: `--benches` would also run every library's tests in bench mode.
targets=()
for bench in crates/*/benches/*.rs; do
  crate=${bench%/benches/*}
  targets+=(-p "$(sed -n 's/^name = "\(.*\)"/\1/p' "$crate/Cargo.toml" | head -n 1)")
  targets+=(--bench "$(basename "$bench" .rs)")
done
exec cargo bench --locked "${targets[@]}" "$@"
