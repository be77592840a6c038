#!/usr/bin/env bash
# Soak (issue #13): one `einv serve --demo` on loopback under a steady mix of valid, invalid,
# throttled and replayed v1 calls for minutes. Fails on any answer its kind did not intend;
# prints answers by kind and code, latency p50/p90/p99 and RSS every 5 s (flat memory).
# Not part of the test suite.
#
#   bench/soak.sh                                  # 3 minutes at 200 req/s, release build
#   SECONDS_TOTAL=600 RATE=400 bench/soak.sh
#   PROFILE=debug SECONDS_TOTAL=60 bench/soak.sh   # quick check without a release build
. "$(dirname "$0")/lib.sh"
PORT="${PORT:-18190}"
# Throttling is per client IP (X-Forwarded-For from the trusted loopback proxy): the valid mix
# rotates over many addresses, the "throttled" kind hammers one, 30 calls a minute allowed.
serve_demo /tmp/einv-soak.XXXXXX --limit-ip 30/60 --limit-app 100000000/60
PORT="$PORT" SERVER_PID="$PID" DEMO_JSON="$DATA/demo.json" python3 bench/soak.py
echo "server errors logged: $(grep -c '"ERROR"\| ERROR ' "$DATA/serve.log" || true)"
