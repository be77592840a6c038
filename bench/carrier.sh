#!/usr/bin/env bash
# Issue 3's measure: signed carrier-list queries (carrierInvChk) over loopback with wrk, against
# SQLite data sets of 1 and 10 million invoices, as a ratio to a bare axum handler returning a
# fixed JSON body measured in the same run; p99 latency; and the ratio between the two sizes.
#
#   bench/carrier.sh                 # SIZES="1000000 10000000" DURATION=15s CONNS=16
#
# Data sets are generated once into $WORK/<size> (a 10-million set takes minutes and ~5 GB) and
# kept for later runs. Loads stay on 127.0.0.1 and stop after $DURATION.
set -euo pipefail
cd "$(dirname "$0")/.."
SIZES="${SIZES:-1000000 10000000}"
DURATION="${DURATION:-15s}"
CONNS="${CONNS:-16}"
WORK="${WORK:-/tmp/einv-bench}"
TARGET="${CARGO_TARGET_DIR:-target}"
PORT=18180

cargo build --release -q -p einv-cli
cargo build --release -q -p einv-server --example bare_axum --example bench_users
BIN="$TARGET/release/einv"
MONTH="$(date -d "$(date +%Y-%m-15) -1 month" +%Y/%m)"
export MONTH

wait_up() {
  for _ in $(seq 1 200); do
    curl -s -o /dev/null "http://127.0.0.1:$PORT/$1" && return 0
    sleep 0.1
  done
  echo "server did not start" >&2
  return 1
}

# Prints "req/s p99_ms" for one wrk run.
measure() {
  local out
  out=$(wrk -t1 -c"$CONNS" -d"$DURATION" --latency "$@")
  local rps p99
  rps=$(awk '/^Requests\/sec:/ {print $2}' <<<"$out")
  p99=$(awk '$1 == "99%" {v=$2; if (v ~ /us$/) {sub(/us/,"",v); v=v/1000} else if (v ~ /ms$/) {sub(/ms/,"",v)} else if (v ~ /s$/) {sub(/s/,"",v); v=v*1000}; print v}' <<<"$out")
  local errors
  errors=$(awk '/Non-2xx|Socket errors/ {print}' <<<"$out")
  [ -n "$errors" ] && echo "  wrk: $errors" >&2
  echo "$rps $p99"
}

"$TARGET/release/examples/bare_axum" "127.0.0.1:$PORT" >/dev/null &
base_pid=$!
wait_up "PB2CAPIVAN/invServ/InvServ"
read -r base_rps base_p99 < <(measure -s bench/baseline.lua "http://127.0.0.1:$PORT")
kill "$base_pid"; wait "$base_pid" 2>/dev/null || true
echo "baseline (bare axum, fixed JSON): $base_rps req/s, p99 $base_p99 ms"

declare -A rps p99
for n in $SIZES; do
  dir="$WORK/$n"
  if [ ! -f "$dir/einv.db" ]; then
    mkdir -p "$dir"
    echo "generating $n invoices into $dir …"
    "$BIN" generate --invoices "$n" --users $((n / 1000)) --into-db --data "$dir" >/dev/null
  fi
  "$TARGET/release/examples/bench_users" "$dir" 200 "$dir/barcodes.txt" >/dev/null
  "$BIN" serve --data "$dir" --listen "127.0.0.1:$PORT" \
    --limit-ip 1000000000/1 --limit-app 1000000000/1 >"$dir/serve.log" 2>&1 &
  pid=$!
  wait_up healthz
  reply=$(curl -s "http://127.0.0.1:$PORT/PB2CAPIVAN/invServ/InvServ" \
    --data-urlencode version=0.5 --data-urlencode action=carrierInvChk --data-urlencode cardType=3J0002 \
    --data-urlencode "cardNo=$(head -1 "$dir/barcodes.txt")" --data-urlencode cardEncrypt=Bench123 \
    --data-urlencode "timeStamp=$(( $(date +%s) + 20 ))" --data-urlencode startDate="$MONTH/01" \
    --data-urlencode endDate="$MONTH/28" --data-urlencode uuid=b --data-urlencode appID=EINVBENCH00001)
  rows=$(grep -o '"rowNum"' <<<"$reply" | wc -l)
  echo "size $n: a sample query answers code $(grep -o '"code":[0-9]*' <<<"$reply") with $rows rows"
  # Warm-up: the first call of each User pays one argon2 check, later ones hit the cache.
  BARCODES="$dir/barcodes.txt" wrk -t1 -c"$CONNS" -d5s -s bench/carrier.lua "http://127.0.0.1:$PORT" >/dev/null
  read -r r p < <(BARCODES="$dir/barcodes.txt" measure -s bench/carrier.lua "http://127.0.0.1:$PORT")
  rps[$n]=$r; p99[$n]=$p
  kill -INT "$pid"; wait "$pid" 2>/dev/null || true
  echo "size $n: $r req/s (ratio to baseline $(awk -v a="$r" -v b="$base_rps" 'BEGIN{printf "%.3f", a/b}')), p99 $p ms"
done

set -- $SIZES
if [ $# -ge 2 ]; then
  echo "throughput ratio ${1} / ${2}: $(awk -v a="${rps[$1]}" -v b="${rps[$2]}" 'BEGIN{printf "%.2f", a/b}')"
fi
