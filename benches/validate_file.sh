#!/usr/bin/env bash
# Whole-process cost of `semconv validate` on an OTLP/JSON Lines file of GenAI spans, per
# report format: median wall time, spans/s and peak RSS over N runs.
# Usage: benches/validate_file.sh [SPANS] [RUNS]   (defaults: 32768 spans, 7 runs)
# SHAPE=document: one OTLP/JSON document (one resource, one scope, every span) instead of
# JSON Lines of 512 spans each. SEMCONV_BIN runs a given build.
set -euo pipefail
cd "$(dirname "$0")/.."
spans="${1:-32768}"
runs="${2:-7}"
if [ "${SHAPE:-lines}" = document ]; then
  file=$(mktemp --suffix=.json)
  python3 benches/genai_spans_jsonl.py "$file" "$spans" 0
else
  file=$(mktemp --suffix=.jsonl)
  python3 benches/genai_spans_jsonl.py "$file" "$spans"
fi
echo "input: $spans spans, $(du -m "$file" | cut -f1) MB"
if [ -n "${SEMCONV_BIN:-}" ]; then
  bin=$SEMCONV_BIN
else
  cargo build --release --bin semconv >/dev/null 2>&1
  bin=target/release/semconv
fi
for format in text json junit; do
  for _ in $(seq "$runs"); do
    start=$(date +%s%N)
    /usr/bin/time -f "%M" -o "$file.rss" "$bin" validate --format "$format" "$file" >/dev/null || true
    end=$(date +%s%N)
    echo "$(( (end - start) / 1000 )) $(cat "$file.rss")"
  done | sort -n | awk -v runs="$runs" -v spans="$spans" -v fmt="$format" '
    { t[NR] = $1; if ($2 > rss) rss = $2 }
    END { m = t[int((NR+1)/2)]; printf "%-5s runs=%d median=%.1f ms spans/s=%.0f peak_rss=%.1f MiB\n", fmt, runs, m/1000, spans/(m/1e6), rss/1024 }'
done
rm -f "$file" "$file.rss"
