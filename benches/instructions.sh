#!/usr/bin/env bash
# Instruction counts (valgrind's callgrind: repeatable, whatever else the machine is doing) of
# one bench's two sides, each minus the set-up alone:
#   insights [N]  the validator bench's 1000 spans validated N times against validated and
#                 analysed N times (`validate_with_insights`; default 20); target <= 1.2
#   builder [N]   N `execute_tool` spans by the generated builder against the same span by
#                 hand (genai-semconv's instrument bench, case (e); default 20000); target <= 1.05
#   macro [N]     N `#[instrument_tool]` calls against the same span by hand (case (a))
#   agent [N]     N `#[instrument_agent]` invocations with one tool call and their metrics
#                 against the same by hand (case (f))
# Usage: benches/instructions.sh insights|builder|macro|agent [N]
set -euo pipefail
cd "$(dirname "$0")/.."
command -v valgrind >/dev/null || { echo "valgrind is not installed: nothing measured"; exit 0; }
case "${1:-}" in
  insights) crate=genai-validator bench=insights var=INSIGHTS_COST a=validate b=both n="${2:-20}" per=1000 ;;
  builder) crate=genai-semconv bench=instrument var=GENAI_BENCH_COST a=hand b=builder n="${2:-20000}" per=1 ;;
  macro) crate=genai-semconv bench=instrument var=GENAI_BENCH_COST a=tool_hand b=tool_macro n="${2:-20000}" per=1 ;;
  agent) crate=genai-semconv bench=instrument var=GENAI_BENCH_COST a=agent_hand b=agent_macro n="${2:-5000}" per=1 ;;
  *) echo "usage: $0 insights|builder|macro|agent [N]" >&2; exit 2 ;;
esac
cargo bench -p "$crate" --bench "$bench" --no-run >/dev/null 2>&1
bin=$(ls -t "${CARGO_TARGET_DIR:-target}"/release/deps/"$bench"-* | grep -v "\.d$" | head -1)
count() {
  local out
  out=$(mktemp)
  env "$var=$1" "${var}_ITERS=$n" valgrind --tool=callgrind --callgrind-out-file="$out" "$bin" >/dev/null 2>&1
  grep -E '^(summary|totals):' "$out" | head -1 | awk '{print $2}'
  rm -f "$out"
}
base=$(count none)
first=$(count "$a")
second=$(count "$b")
awk -v base="$base" -v x="$first" -v y="$second" -v n="$n" -v per="$per" -v what="$1" 'BEGIN {
  xs = (x - base) / n / per; ys = (y - base) / n / per
  if (what == "insights")
    printf "per span: validation %.0f instructions, validation with insights %.0f; ratio %.3f (target <= 1.2)\n", xs, ys, ys / xs
  else if (what == "builder")
    printf "per span: by hand %.0f instructions, generated builder %.0f; builder / hand = %.3f (target <= 1.05)\n", xs, ys, ys / xs
  else
    printf "per call (%s): by hand %.0f instructions, macro %.0f; macro / hand = %.3f\n", what, xs, ys, ys / xs
}'
