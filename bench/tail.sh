#!/usr/bin/env bash
# The latency of the durable v1 calls, for comparing two builds: req/s and p50 / p99 at 8 and
# 32 connections for the unsigned carrier list, the QR lookup (qryInvHeader) and the detail,
# every answer checked for MOF code 200 (bench/bodies.lua). No ceiling: read the figures of
# two binaries run one after the other on the same machine, not against another session's.
#
#   bench/tail.sh BIN LABEL        # e.g. bench/tail.sh /tmp/einv-before before
#   DUR=10s DATA=/tmp/einv-bench/1000000 bench/tail.sh target/release/einv after
#
# Needs a set made by bench/hotpath.sh in $DATA. The server and wrk run at nice -15 when
# allowed, so a build elsewhere on the machine disturbs them less.
. "$(dirname "$0")/lib.sh"
BIN="${1:?usage: bench/tail.sh BIN LABEL}"
LABEL="${2:-einv}"
PORT="${PORT:-18400}"
DATA="${DATA:-/tmp/einv-bench/1000000}"
DUR="${DUR:-8s}"
EX="${EX:-$TARGET/release/examples}"
NICE=(nice -n -15)
"${NICE[@]}" true 2>/dev/null || NICE=()

"${NICE[@]}" "$BIN" serve --data "$DATA" --listen "127.0.0.1:$PORT" --limit-ip 1000000000/1 \
  --limit-app 1000000000/1 >"$DATA/tail-$LABEL.log" 2>&1 &
pid=$!
trap 'kill -INT $pid 2>/dev/null || true; wait $pid 2>/dev/null || true' EXIT
wait_up "$PORT"

run() { # kind conns → "req/s p50=… p99=… other=…"
  local kind=$1 conns=$2 bodies="$DATA/bench/tail-$1.txt" out err other
  "$EX/bench_bodies" "$kind" unsigned "$DATA/bench" "$MONTH" 100000 >"$bodies"
  err=$(mktemp)
  out=$(BODIES="$bodies" URL_PATH=$(path_of "$kind") "${NICE[@]}" wrk -t1 -c"$conns" -d"$DUR" \
    --latency -s bench/bodies.lua "http://127.0.0.1:$PORT" 2>"$err")
  other=$(grep -o '[0-9]* other' "$err" | cut -d' ' -f1)
  rm -f "$err"
  echo "$(awk '/^Requests\/sec:/ {print $2}' <<<"$out") p50=$(awk '$1=="50%" {print $2}' <<<"$out")" \
    "p99=$(awk '$1=="99%" {print $2}' <<<"$out") other=${other:-0}"
}

run list 32 >/dev/null # warm-up: argon2 checks, caches
run qr 32 >/dev/null
for kind in list qr detail; do
  echo "$LABEL $kind @8: $(run "$kind" 8)   @32: $(run "$kind" 32)"
done
