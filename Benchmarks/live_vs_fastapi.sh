#!/usr/bin/env bash
# Live mode against FastAPI + uvicorn doing the same fraud scoring, on loopback.
# Needs a release build, wrk (apt-get install wrk) and fastapi, uvicorn, uvloop,
# httptools (pip). Every run is bounded (DURATION seconds each).
#   Benchmarks/live_vs_fastapi.sh [DURATION]
set -euo pipefail
cd "$(dirname "$0")/.."
D=${1:-8}
TEMPO=.build/release/tempo; [ -x "$TEMPO" ] || TEMPO=$(ls -t .build*/release/tempo | head -1)
REF=$(mktemp -d)/fraud-reference.json
LUA=$(mktemp --suffix .lua)
cat > "$LUA" <<'LUA'
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local bodies = {}
for i = 0, 999 do
  bodies[i] = string.format('{"id":%d,"entity":%d,"item":%d,"amount":%.2f}', i, (i * 7919) % 200000, (i * 31) % 10000, 10 + (i % 97))
end
local n = 0
request = function() n = n + 1; return wrk.format(nil, nil, nil, bodies[n % 1000]) end
LUA
"$TEMPO" serve Scenarios/fraud.yaml --port 8080 --export-reference "$REF" > /tmp/live-bench-serve.out 2>/dev/null &
SERVE=$!
for _ in $(seq 1 120); do grep -q serving /tmp/live-bench-serve.out 2>/dev/null && break; sleep 1; done
TEMPO_REFERENCE="$REF" uvicorn fastapi_reference:app --app-dir Benchmarks --host 127.0.0.1 --port 8001 --workers 2 \
    --no-access-log --loop uvloop --http httptools --log-level warning &
UVICORN=$!
trap 'kill -TERM $SERVE $UVICORN 2>/dev/null; wait 2>/dev/null' EXIT
for _ in $(seq 1 60); do curl -sf localhost:8001/healthz >/dev/null && break; sleep 1; done
cpu() { local t=0; for p in "$@"; do for s in /proc/$p/task/*/stat; do t=$((t + $(awk '{print $14+$15}' "$s" 2>/dev/null || echo 0))); done; done; echo $t; }
pids() { if [ "$1" = 8080 ]; then echo $SERVE; else echo $UVICORN $(pgrep -P $UVICORN); fi; }
for c in 16 64; do
  for port in 8080 8001; do
    a=$(cpu $(pids $port))
    out=$(wrk -t1 -c$c -d${D}s --latency -s "$LUA" http://127.0.0.1:$port/predict/fraud)
    b=$(cpu $(pids $port))
    n=$(echo "$out" | awk '/requests in/{print $1}')
    echo "$out" | awk -v port=$port -v c=$c -v cpu=$(( (b - a) * 10000 )) -v n=$n \
      '/Requests\/sec/{r=$2} / 50%/{p50=$2} / 99%/{p99=$2} /Non-2xx/{e=" "$0} END{printf "wrk        %-8s c=%-3d %9.0f req/s  p50 %-8s p99 %-8s server CPU %5.1f µs/request%s\n", (port==8080?"tempo":"fastapi"), c, r, p50, p99, cpu/n, e}'
  done
done
for c in 16 64; do
  for port in 8080 8001; do
    printf "tempo load %-8s c=%-3d closed loop: " $([ $port = 8080 ] && echo tempo || echo fastapi) $c
    "$TEMPO" load http://127.0.0.1:$port/predict/fraud --scenario Scenarios/fraud.yaml --mode closed --duration ${D}s --connections $c 2>/dev/null \
      | awk '/^throughput/{t=$2} /^latency/{p50=$3" "$4; p99=$9" "$10} END{printf "%s answers/s  p50 %s  p99 %s\n", t, p50, p99}' || true
  done
done
for port in 8080 8001; do
  printf "tempo load %-8s open loop 3000/s, 64 connections: " $([ $port = 8080 ] && echo tempo || echo fastapi)
  "$TEMPO" load http://127.0.0.1:$port/predict/fraud --scenario Scenarios/fraud.yaml --rate 3000/s --duration ${D}s --connections 64 2>/dev/null \
    | awk '/^latency/{p50=$3" "$4; p99=$9" "$10} /^result/{r=$2} END{printf "p50 %s  p99 %s  (from scheduled times)  %s\n", p50, p99, r}' || true
done
