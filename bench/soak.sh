#!/usr/bin/env bash
# Soak (issue #13): one `einv serve --demo` on loopback under a steady mix of valid, invalid,
# throttled and replayed v1 calls for minutes. Fails on any answer its kind did not intend;
# prints answers by kind and code, latency p50/p90/p99 and RSS every 5 s (flat memory).
# Not part of the test suite.
#
#   bench/soak.sh                                  # 3 minutes at 200 req/s, release build
#   SECONDS_TOTAL=600 RATE=400 bench/soak.sh
#   PROFILE=debug SECONDS_TOTAL=60 bench/soak.sh   # quick check without a release build
set -euo pipefail
cd "$(dirname "$0")/.."
PROFILE="${PROFILE:-release}"
PORT="${PORT:-18190}"
TARGET="${CARGO_TARGET_DIR:-target}"
if [ "$PROFILE" = release ]; then cargo build --release -q -p einv-cli; else cargo build -q -p einv-cli; fi
BIN="$TARGET/$PROFILE/einv"
DATA=$(mktemp -d /tmp/einv-soak.XXXXXX)
trap 'kill "$PID" 2>/dev/null || true; rm -rf "$DATA"' EXIT
# Throttling is per client IP (X-Forwarded-For from the trusted loopback proxy): the valid mix
# rotates over many addresses, the "throttled" kind hammers one, 30 calls a minute allowed.
env -u EINV_DATABASE_URL -u EINV_REDIS_URL "$BIN" serve --demo --data "$DATA" \
  --listen "127.0.0.1:$PORT" --trusted-proxy 127.0.0.1 --limit-ip 30/60 --limit-app 100000000/60 \
  >"$DATA/stdout" 2>"$DATA/serve.log" &
PID=$!
for _ in $(seq 1 300); do curl -s -o /dev/null "http://127.0.0.1:$PORT/healthz" && break; sleep 0.1; done
PORT="$PORT" SERVER_PID="$PID" DEMO_JSON="$DATA/demo.json" python3 bench/soak.py
echo "server errors logged: $(grep -c '"ERROR"\| ERROR ' "$DATA/serve.log" || true)"
