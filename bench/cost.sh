#!/usr/bin/env bash
# CPU cost per call of the v1 hot path, for comparing two builds on a shared machine where
# req/s mean little: the server's CPU time (task-clock) and context switches per answered call,
# counted by `perf stat` on the server process while wrk sends a fixed-length load, divided by
# the calls wrk counted (every answer checked for MOF code 200, bench/bodies.lua).
#
#   bench/cost.sh                                   # the kinds below, 8 connections, 5 s each
#   KINDS="list:unsigned" CONNS=1 DURATION=5s bench/cost.sh
#   CALLGRIND=1 KINDS="list:unsigned" bench/cost.sh # instructions per call under callgrind
#
# Needs a data set made by bench/hotpath.sh (or `einv generate --into-db` + bench_users) in
# $DATA; it is copied once to $COPY so the audit entries this writes stay out of it.
. "$(dirname "$0")/lib.sh"
DATA="${DATA:-/tmp/einv-bench/1000000}"
COPY="${COPY:-/tmp/einv-cost/$(basename "$DATA")}"
KINDS="${KINDS:-list:unsigned list:signed detail:unsigned winning:unsigned}"
DURATION="${DURATION:-5s}"
CONNS="${CONNS:-8}"
BIN="${BIN:-$TARGET/release/einv}"
EX="${EX:-$TARGET/release/examples}"
PORT="${PORT:-18190}"
WARMUP="${WARMUP:-10s}"

if [ ! -f "$COPY/einv.db" ]; then
  mkdir -p "$COPY"
  sqlite3 "$DATA/einv.db" ".backup '$COPY/einv.db'"
  cp "$DATA/server.key" "$COPY/"
  cp -r "$DATA/bench" "$COPY/"
fi

# Under callgrind every first call of a User pays argon2 at 1/50 speed: FEW_USERS=5 sends the
# calls of the first five benchmark Users only.
if [ -n "${FEW_USERS:-}" ] && [ -f "$COPY/einv.db" ]; then
  mkdir -p "$COPY/bench-few"
  head -n "$FEW_USERS" "$COPY/bench/barcodes.txt" >"$COPY/bench-few/barcodes.txt"
  grep -F -f "$COPY/bench-few/barcodes.txt" "$COPY/bench/invoices.txt" >"$COPY/bench-few/invoices.txt" || true
fi
BENCH_DIR="$COPY/bench${FEW_USERS:+-few}"

run_wrk() { # bodies path duration conns → "requests other"
  local err out
  err=$(mktemp)
  out=$(BODIES="$1" URL_PATH="$2" wrk -t1 -c"$4" -d"$3" -s bench/bodies.lua "http://127.0.0.1:$PORT" 2>"$err")
  local calls other
  calls=$(awk '/requests in/ {print $1}' <<<"$out")
  other=$(grep -o '[0-9]* other' "$err" | cut -d' ' -f1)
  rm -f "$err"
  echo "$calls ${other:-0}"
}

serve=("$BIN" serve --data "$COPY" --listen "127.0.0.1:$PORT" --limit-ip 1000000000/1 --limit-app 1000000000/1)
if [ -n "${CALLGRIND:-}" ]; then
  valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file="$COPY/callgrind.out" \
    "${serve[@]}" >"$COPY/serve.log" 2>&1 &
else
  "${serve[@]}" >"$COPY/serve.log" 2>&1 &
fi
pid=$!
trap 'kill -INT $pid 2>/dev/null || true; wait $pid 2>/dev/null || true' EXIT
WAIT_TRIES=1200 wait_up "$PORT" # two minutes: callgrind starts slowly

echo "| query | conns | calls | server CPU µs / call | context switches / call | instructions / call |"
echo "|---|---|---|---|---|---|"
for spec in $KINDS; do
  kind=${spec%%:*}; signing=${spec##*:}
  path=$(path_of "$kind")
  bodies="$COPY/bench/cost-$kind-$signing.txt"
  "$EX/bench_bodies" "$kind" "$signing" "$BENCH_DIR" "$MONTH" 50000 >"$bodies"
  run_wrk "$bodies" "$path" "$WARMUP" "$CONNS" >/dev/null # warm-up: argon2 checks, caches
  "$EX/bench_bodies" "$kind" "$signing" "$BENCH_DIR" "$MONTH" 50000 >"$bodies"
  if [ -n "${CALLGRIND:-}" ]; then
    callgrind_control -z "$pid" >/dev/null
    callgrind_control -i on "$pid" >/dev/null
    read -r calls other < <(run_wrk "$bodies" "$path" "$DURATION" "$CONNS")
    callgrind_control -i off "$pid" >/dev/null
    callgrind_control -d "$pid" >/dev/null
    sleep 1
    ir=$(callgrind_annotate "$(ls -t "$COPY"/callgrind.out* | head -1)" 2>/dev/null | awk '/PROGRAM TOTALS/ {gsub(",","",$1); print $1}')
    echo "| $kind $signing | $CONNS | $calls (other: $other) | – | – | $(( ir / calls )) |"
  else
    stat=$(mktemp)
    perf stat -x, -e task-clock,context-switches -p "$pid" -o "$stat" &
    perf_pid=$!
    read -r calls other < <(run_wrk "$bodies" "$path" "$DURATION" "$CONNS")
    kill -INT "$perf_pid"; wait "$perf_pid" 2>/dev/null || true
    ms=$(awk -F, '$3 == "task-clock" {print $1}' "$stat")
    cs=$(awk -F, '$3 == "context-switches" {print $1}' "$stat")
    rm -f "$stat"
    echo "| $kind $signing | $CONNS | $calls (other: $other) | $(awk -v m="$ms" -v c="$calls" 'BEGIN{printf "%.0f", m*1000/c}') | $(awk -v s="$cs" -v c="$calls" 'BEGIN{printf "%.1f", s/c}') | – |"
  fi
done
