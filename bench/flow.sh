#!/usr/bin/env bash
# Issue 13's measure: what flow control (R4.6) costs on the v1 hot path. One data set (the
# demo's, `einv serve --demo`), one query (carrierInvChk of the demo User's carrier for this
# month, unsigned, a fresh timeStamp per run), three servers measured in
# the same run, interleaved round by round so a busy machine weighs on all three alike:
#
#   off     --no-flow-control-for-benchmarks (the baseline: nothing counted)
#   memory  GCRA in process (governor), per IP and per AppID
#   redis   GCRA in Redis (per IP and per AppID in one EVALSHA: one round trip per call)
#
# Limits are high enough never to refuse; every answer is checked for MOF code 200
# (bench/bodies.lua), so a throttled or failed call fails the run.
#
#   bench/flow.sh                      # ROUNDS=3 DURATION=10s CONNS=8
. "$(dirname "$0")/lib.sh"
ROUNDS="${ROUNDS:-3}"
DURATION="${DURATION:-10s}"
WARMUP="${WARMUP:-3s}"
CONNS="${CONNS:-8}"
REDIS="${REDIS:-redis://127.0.0.1:6379}"
WORK="${WORK:-/tmp/einv-bench-flow}"
PORT=18190

build_einv
PATH_V1=/PB2CAPIVAN/invServ/InvServ
HIGH=(--limit-ip 100000000/60 --limit-app 100000000/60)
bodies="$WORK/bodies.txt"
mkdir -p "$WORK"

# The demo body, with a timeStamp fresh for this run (the Platform refuses stale ones).
write_body() {
  python3 - "$WORK/demo.json" "$bodies" <<'PY'
import json, sys, time, urllib.parse
d = json.load(open(sys.argv[1]))
today = time.strftime("%Y/%m/%d")
params = {"version": "0.5", "action": "carrierInvChk", "cardType": d["cardType"],
          "cardNo": d["cardNo"], "cardEncrypt": d["cardEncrypt"],
          "timeStamp": str(int(time.time()) + 20), "expTimeStamp": "2147483647",
          "startDate": today[:8] + "01", "endDate": today, "onlyWinningInv": "N",
          "uuid": "bench-device", "appID": d["appID"]}
open(sys.argv[2], "w").write(urllib.parse.urlencode(params) + "\n")
PY
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
  "$BIN" serve --demo --data "$WORK" --listen "127.0.0.1:$PORT" "${args[@]}" >"$WORK/serve-$1.log" 2>&1 &
  local pid=$!
  wait_up "$PORT"
  write_body
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
