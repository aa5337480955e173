#!/usr/bin/env bash
# Every benchmark of the workspace (the `benches/` targets, harness = false): each runs on
# 127.0.0.1 only, bounded in time and count, and prints the ratios and counts it measured.
# Figures from one run on a shared machine are for comparing within that run, not across runs.
set -euo pipefail
cd "$(dirname "$0")/.."
exec cargo bench --locked --workspace --benches "$@"
