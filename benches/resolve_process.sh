#!/usr/bin/env bash
# Whole-process cost of `semconv resolve` (wall time median and peak RSS over N runs).
# Usage: benches/resolve_process.sh [SNAPSHOT_DIR] [RUNS]
#   SNAPSHOT_DIR defaults to $SEMCONV_UPSTREAM/v1.44.0-full/model (252 files).
set -euo pipefail
cd "$(dirname "$0")/.."
upstream="${SEMCONV_UPSTREAM:-$(cd .. && pwd)/shared/semconv-upstream}"
dir="${1:-$upstream/v1.44.0-full/model}"
runs="${2:-21}"
cargo build --release --bin semconv >/dev/null 2>&1
bin=target/release/semconv
out=$(mktemp)
for _ in $(seq "$runs"); do
  start=$(date +%s%N)
  /usr/bin/time -f "%M" -o "$out.rss" "$bin" resolve -r "$dir" --format json -o "$out"
  end=$(date +%s%N)
  echo "$(( (end - start) / 1000 )) $(cat "$out.rss")"
done | sort -n | awk -v runs="$runs" '
  { t[NR] = $1; if ($2 > rss) rss = $2 }
  END { printf "runs=%d median=%.1f ms min=%.1f ms peak_rss=%.1f MiB\n", runs, t[int((NR+1)/2)]/1000, t[1]/1000, rss/1024 }'
rm -f "$out" "$out.rss"
