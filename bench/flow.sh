#!/usr/bin/env bash
# Issue 13's measure: what flow control (R4.6) costs on the v1 hot path. One data set, one
# query (carrierInvChk, unsigned, the demo-sized generated data), three servers measured in
# the same run, interleaved round by round so a busy machine weighs on all three alike:
#
#   off     --no-flow-control-for-benchmarks (the baseline: nothing counted)
#   memory  GCRA in process (governor), per IP and per AppID
#   redis   GCRA in Redis (one EVALSHA per limit: two round trips per call)
#
# Limits are high enough never to refuse; every answer is checked for MOF code 200
# (bench/bodies.lua), so a throttled or failed call fails the run.
#
#   bench/flow.sh                      # ROUNDS=3 DURATION=10s CONNS=8 INVOICES=200000
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS="${ROUNDS:-3}"
DURATION="${DURATION:-10s}"
WARMUP="${WARMUP:-3s}"
CONNS="${CONNS:-8}"
INVOICES="${INVOICES:-200000}"
USERS="${USERS:-200}"
REDIS="${REDIS:-redis://127.0.0.1:6379}"
WORK="${WORK:-/tmp/einv-bench-flow}"
TARGET="${CARGO_TARGET_DIR:-target}"
PORT=18190
MONTH="${MONTH:-$(date -d "$(date +%Y-%m-15) -1 month" +%Y/%m)}"

cargo build --release -q -p einv-cli
cargo build --release -q -p einv-server --example bench_users --example bench_bodies
BIN="$TARGET/release/einv"
EX="$TARGET/release/examples"
PATH_V1=/PB2CAPIVAN/invServ/InvServ
HIGH=(--limit-ip 100000000/60 --limit-app 100000000/60)

mkdir -p "$WORK"
if [ ! -f "$WORK/einv.db" ]; then
  echo "generating $INVOICES invoices into $WORK …" >&2
  "$BIN" generate --invoices "$INVOICES" --users $((INVOICES / 1000)) --into-db --data "$WORK" >/dev/null
fi
"$EX/bench_users" "$WORK" "$USERS" "$WORK/bench" "$MONTH" >&2
bodies="$WORK/bench/bodies-list-unsigned.txt"
"$EX/bench_bodies" list unsigned "$WORK/bench" "$MONTH" 4000 >"$bodies"

wait_up() {
  for _ in $(seq 1 300); do
    curl -s -o /dev/null "http://127.0.0.1:$PORT/healthz" && return 0
    sleep 0.1
  done
  echo "server did not start" >&2; return 1
}

# One wrk run: prints req/s; fails when an answer was not code 200.
measure() {
  local out err
  err=$(mktemp)
  out=$(BODIES="$bodies" URL_PATH="$PATH_V1" wrk -t1 -c"$CONNS" -d"$1" --latency \
    -s bench/bodies.lua "http://127.0.0.1:$PORT" 2>"$err")
  if grep -q ", [1-9][0-9]* other" "$err" || grep -q "Non-2xx\|Socket errors" <<<"$out"; then
    echo "answers other than code 200:" >&2; cat "$err" >&2; rm -f "$err"; return 1
  fi
  rm -f "$err"
  awk '/^Requests\/sec:/ {print $2}' <<<"$out"
}

run() { # mode → req/s
  local args=("${HIGH[@]}")
  case "$1" in
    off) args+=(--no-flow-control-for-benchmarks) ;;
    redis) args+=(--redis-url "$REDIS" --redis-namespace "bench-flow-$$-$RANDOM") ;;
  esac
  "$BIN" serve --data "$WORK" --listen "127.0.0.1:$PORT" "${args[@]}" >"$WORK/serve-$1.log" 2>&1 &
  local pid=$!
  wait_up
  measure "$WARMUP" >/dev/null
  local rps
  rps=$(measure "$DURATION")
  kill -INT "$pid"; wait "$pid" 2>/dev/null || true
  echo "$rps"
}

echo "| round | off req/s | memory req/s | redis req/s | memory / off | redis / off | load avg |"
echo "|---|---|---|---|---|---|---|"
for r in $(seq 1 "$ROUNDS"); do
  off=$(run off); mem=$(run memory); red=$(run redis)
  awk -v r="$r" -v o="$off" -v m="$mem" -v x="$red" -v l="$(cut -d' ' -f1 /proc/loadavg)" \
    'BEGIN{printf "| %d | %.0f | %.0f | %.0f | %.3f | %.3f | %s |\n", r, o, m, x, m/o, x/o, l}'
done
