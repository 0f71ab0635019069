#!/usr/bin/env bash
# `semconv live-check` (release build) under wrk: OTLP/HTTP protobuf bodies of GenAI spans
# posted to /v1/traces; then POST /stop and the JSON report's counters. Prints wrk's figures
# (accepted spans/s, latency p50/p99), received and validated spans (must be equal), and the
# process's resident memory sampled every second (first, middle, last, peak).
#
# Usage: benches/live_check.sh [SECONDS=30] [CONNECTIONS=8] [WORKERS=cores] [DELAY_MS=0]
#   full rate:  benches/live_check.sh 30 8
#   soak:       benches/live_check.sh 600 4 "" 40    (fixed, lower rate: 4 connections, each
#               waiting 40 ms between requests of 512 spans, about 45k spans/s at most)
# SEMCONV_BIN=PATH runs that binary instead of building and running target/release/semconv
# (for A/B runs of two builds).
# Installs wrk (Debian package) when missing and running as root.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-30}"
connections="${2:-8}"
workers="${3:-}"
delay="${4:-0}"
if ! command -v wrk >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
  else
    echo "wrk is missing (and not root to install it): skipping" >&2
    exit 0
  fi
fi
bin="${SEMCONV_BIN:-}"
if [ -z "$bin" ]; then
  cargo build --release --bin semconv >/dev/null 2>&1
  bin=target/release/semconv
fi
bodies=$(mktemp -d)
python3 benches/wrk/make_bodies.py "$bodies" 128 512 >/dev/null
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
token="bench-token-$(date +%s%N)"
report=$(mktemp --suffix=.json)
args=(live-check --http-port "$port" --no-grpc --no-page --quiet --format json -o "$report" --token "$token")
if [ -n "$workers" ]; then args+=(--workers "$workers"); fi
"$bin" "${args[@]}" 2>"$report.log" &
pid=$!
for _ in $(seq 100); do
  curl -sf "http://127.0.0.1:$port/health" >/dev/null 2>&1 && break
  sleep 0.1
done
(
  while kill -0 "$pid" 2>/dev/null; do
    awk '/VmRSS/ {print $2}' "/proc/$pid/status" 2>/dev/null || true
    sleep 1
  done
) >"$report.rss" &
sampler=$!
BODIES="$bodies" SPANS=512 DELAY_MS="$delay" wrk -t2 -c"$connections" -d"${seconds}s" --latency \
  -s benches/wrk/otlp.lua "http://127.0.0.1:$port/v1/traces"
curl -sf -X POST -H "Authorization: Bearer $token" "http://127.0.0.1:$port/stop" >/dev/null || true
wait "$pid" || true
wait "$sampler" 2>/dev/null || true
python3 - "$report" "$report.rss" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["live_check"]
rss = [int(x) for x in open(sys.argv[2]).read().split() if x.strip()]
print(f"received spans {r['received']['spans']}, validated spans {r['validated']['spans']}, "
      f"requests {r['requests']}")
if rss:
    mid = rss[len(rss) // 2]
    print(f"RSS MiB: first {rss[0]/1024:.0f}, middle {mid/1024:.0f}, last {rss[-1]/1024:.0f}, "
          f"peak {max(rss)/1024:.0f} ({len(rss)} samples)")
assert r["received"]["spans"] == r["validated"]["spans"], "received != validated"
PY
rm -rf "$bodies" "$report" "$report.log" "$report.rss"
