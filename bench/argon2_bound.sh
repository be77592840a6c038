#!/usr/bin/env bash
# Argon2's bound (issue #9, hole 5): one `einv serve --demo` on loopback receives 50 parallel
# wrong verification-code guesses (v1 carrierInvChk) and then 50 parallel wrong passwords
# (/developer/login), each from its own /24 through the trusted loopback proxy so no guessing
# delay refuses them before hashing. Prints the server's RSS before, at its peak (VmHWM, reset
# before each burst) and after, and how /healthz and QryWinningList answer meanwhile compared
# with before. Not part of the test suite.
#
#   bench/argon2_bound.sh                  # release build
#   PROFILE=debug bench/argon2_bound.sh    # quick check without a release build
set -euo pipefail
cd "$(dirname "$0")/.."
PROFILE="${PROFILE:-release}"
PORT="${PORT:-18191}"
TARGET="${CARGO_TARGET_DIR:-target}"
if [ "$PROFILE" = release ]; then cargo build --release -q -p einv-cli; else cargo build -q -p einv-cli; fi
BIN="$TARGET/$PROFILE/einv"
DATA=$(mktemp -d /tmp/einv-argon2.XXXXXX)
trap 'kill "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; rm -rf "$DATA"' EXIT
env -u EINV_DATABASE_URL -u EINV_REDIS_URL "$BIN" serve --demo --data "$DATA" \
  --listen "127.0.0.1:$PORT" --trusted-proxy 127.0.0.1 --limit-ip 100000/60 --limit-app 100000000/60 \
  >"$DATA/stdout" 2>"$DATA/serve.log" &
PID=$!
for _ in $(seq 1 300); do curl -s -o /dev/null "http://127.0.0.1:$PORT/healthz" && break; sleep 0.1; done
echo "cores: $(nproc); load average: $(cut -d' ' -f1-3 /proc/loadavg) (the machine is shared)"
PORT="$PORT" SERVER_PID="$PID" DEMO_JSON="$DATA/demo.json" python3 bench/argon2_bound.py
