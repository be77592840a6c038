#!/usr/bin/env bash
# Issue 13's measure: two `einv serve` nodes against one, on the same PostgreSQL data (and the
# same Redis for flow control), v1 carrier list queries over loopback (docs/operations.md,
# "Two nodes vs one").
#
#   bench/nodes.sh                                   # 1 000 000 invoices, 3 × 10 s
#   SIZE=100000 DURATION=3s REPEAT=1 bench/nodes.sh  # a short validation run
#   PROFILE=debug SKIP_BUILD=1 …                     # binaries of target/debug (validation only)
#
# Per repetition: one node under one wrk with $CONNS connections, then two nodes (same data
# directory, so the same server key; same database; same Redis) each under its own wrk with
# half the connections, run at the same time; the two-node figure is the sum. The ratio is
# two-node ÷ one-node req/s of the same repetition, and the median ratio ends the output.
# Every answer is checked for MOF code 200 (bench/bodies.lua): a run with any other answer
# fails. Limits are raised out of the way. The data set is generated once into the database
# einv_nodes_<size> and kept. Loads stay on 127.0.0.1 and stop after $DURATION.
. "$(dirname "$0")/lib.sh"
SIZE="${SIZE:-1000000}"
DURATION="${DURATION:-10s}"
WARMUP="${WARMUP:-3s}"
REPEAT="${REPEAT:-3}"
CONNS="${CONNS:-32}"
USERS="${USERS:-200}"
BODY_COUNT="${BODY_COUNT:-50000}"
KIND="${KIND:-list}"
SIGNING="${SIGNING:-unsigned}"
WORK="${WORK:-/tmp/einv-nodes}"
PG_BASE="${PG_BASE:-postgres://postgres@127.0.0.1:5432}"
REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379}"
PORTS=(18280 18281)

build_einv bench_users bench_bodies
dir="$WORK/$SIZE"
url="$PG_BASE/einv_nodes_$SIZE"
db_args=(--data "$dir" --database-url "$url")
mkdir -p "$dir/bench"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

# One wrk run against one port: prints req/s; fails when an answer was not code 200.
measure() {
  local port=$1 bodies=$2 conns=$3 out err
  err=$(mktemp)
  out=$(BODIES="$bodies" URL_PATH=/PB2CAPIVAN/invServ/InvServ wrk -t1 -c"$conns" \
    -d"$DURATION" -s bench/bodies.lua "http://127.0.0.1:$port" 2>"$err")
  if grep -q ", [1-9][0-9]* other" "$err" || grep -q "Non-2xx\|Socket errors" <<<"$out"; then
    echo "  answers other than code 200 on port $port:" >&2; cat "$err" >&2
    rm -f "$err"; return 1
  fi
  rm -f "$err"
  awk '/^Requests\/sec:/ {print $2}' <<<"$out"
}

# Fresh bodies (all distinct, with timestamps valid for the run).
bodies_for() {
  local out="$dir/bench/bodies-$1.txt"
  "$EX/bench_bodies" "$KIND" "$SIGNING" "$dir/bench" "$MONTH" "$BODY_COUNT" >"$out"
  echo "$out"
}

start_node() {
  "$BIN" serve "${db_args[@]}" --listen "127.0.0.1:$1" --redis-url "$REDIS_URL" \
    --redis-namespace "einv-nodes-$$" --expected-nodes 2 \
    --limit-ip 1000000000/1 --limit-app 1000000000/1 >"$dir/serve-$1.log" 2>&1 &
  pids+=($!)
  wait_up "$1"
}

stop_nodes() {
  for p in "${pids[@]}"; do kill -INT "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  pids=()
}

if ! psql "$PG_BASE/postgres" -tAc "SELECT 1 FROM pg_database WHERE datname = 'einv_nodes_$SIZE'" | grep -q 1; then
  psql "$PG_BASE/postgres" -qc "CREATE DATABASE einv_nodes_$SIZE"
  "$BIN" migrate "${db_args[@]}" >&2
  echo "generating $SIZE invoices into einv_nodes_$SIZE …" >&2
  "$BIN" generate --invoices "$SIZE" --users $((SIZE / 1000 > USERS ? SIZE / 1000 : USERS)) \
    --into-db "${db_args[@]}" >/dev/null
fi
"$BIN" migrate "${db_args[@]}" >&2
"$EX/bench_users" "$dir" "$USERS" "$dir/bench" "$MONTH" "$url" >&2

echo "| rep | one node req/s ($CONNS conns) | two nodes req/s ($((CONNS / 2)) + $((CONNS / 2))) | ratio | load avg |"
echo "|---|---|---|---|---|"
ratios=()
for rep in $(seq 1 "$REPEAT"); do
  start_node "${PORTS[0]}"
  # Warm-up (each User's first call pays the argon2 check once); its answers are not counted.
  DURATION="$WARMUP" measure "${PORTS[0]}" "$(bodies_for warm)" "$CONNS" >/dev/null 2>&1 || true
  one=$(measure "${PORTS[0]}" "$(bodies_for one)" "$CONNS")
  start_node "${PORTS[1]}"
  DURATION="$WARMUP" measure "${PORTS[1]}" "$(bodies_for warm2)" "$((CONNS / 2))" >/dev/null 2>&1 || true
  a=$(bodies_for a); b=$(bodies_for b)
  measure "${PORTS[0]}" "$a" "$((CONNS / 2))" >"$dir/rps-a" & wa=$!
  measure "${PORTS[1]}" "$b" "$((CONNS / 2))" >"$dir/rps-b" & wb=$!
  wait "$wa"; wait "$wb"
  two=$(awk '{s += $1} END {printf "%.2f", s}' "$dir/rps-a" "$dir/rps-b")
  stop_nodes
  ratio=$(awk -v a="$two" -v b="$one" 'BEGIN {printf "%.3f", a / b}')
  ratios+=("$ratio")
  echo "| $rep | $one | $two | $ratio | $(cut -d' ' -f1 /proc/loadavg) |"
done
median=$(printf '%s\n' "${ratios[@]}" | sort -n | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}')
echo
echo "two nodes ÷ one node, median of $REPEAT: $median (cores: $(nproc))"
