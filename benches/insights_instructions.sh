#!/usr/bin/env bash
# Insights' cost relative to validation, in instructions (valgrind's callgrind counts them,
# repeatably, whatever else the machine is doing): the validator bench's 1000 spans, validated
# N times, analysed N times, and neither (the set-up, subtracted from both).
# Usage: benches/insights_instructions.sh [N]   (default 20)
set -euo pipefail
cd "$(dirname "$0")/.."
iters="${1:-20}"
command -v valgrind >/dev/null || { echo "valgrind is not installed: nothing measured"; exit 0; }
cargo bench -p genai-validator --bench insights --no-run >/dev/null 2>&1
bin=$(ls -t target/release/deps/insights-* | grep -v '\.d$' | head -1)
count() {
  local out
  out=$(mktemp)
  INSIGHTS_COST="$1" INSIGHTS_COST_ITERS="$iters" valgrind --tool=callgrind \
    --callgrind-out-file="$out" "$bin" >/dev/null 2>&1
  grep -E '^(summary|totals):' "$out" | head -1 | awk '{print $2}'
  rm -f "$out"
}
base=$(count none)
validate=$(count validate)
insights=$(count insights)
awk -v b="$base" -v v="$validate" -v i="$insights" -v n="$iters" 'BEGIN {
  vs = (v - b) / n / 1000; is = (i - b) / n / 1000
  printf "per span: validation %.0f instructions, insights %.0f; (validation + insights) / validation = %.3f (target <= 1.2)\n", vs, is, (vs + is) / vs
}'
