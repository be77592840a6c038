# What the bench/*.sh scripts share; each sources it first (`. "$(dirname "$0")/lib.sh"`): strict
# mode, and the working directory is the repository root.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

TARGET="${CARGO_TARGET_DIR:-target}"
PROFILE="${PROFILE:-release}"
# The month the generated invoices' requests ask for: last month.
MONTH="${MONTH:-$(date -d "$(date +%Y-%m-15) -1 month" +%Y/%m)}"

# Builds `einv` and the einv-server examples named ("$@") for $PROFILE, unless SKIP_BUILD is
# set; sets BIN and EX to where they are.
build_einv() {
  local flag=() examples=()
  [ "$PROFILE" = release ] && flag=(--release)
  for example in "$@"; do examples+=(--example "$example"); done
  if [ -z "${SKIP_BUILD:-}" ]; then
    cargo build "${flag[@]}" -q -p einv-cli
    [ $# -eq 0 ] || cargo build "${flag[@]}" -q -p einv-server "${examples[@]}"
  fi
  BIN="$TARGET/$PROFILE/einv"
  EX="$TARGET/$PROFILE/examples"
}

# Waits until something answers HTTP on 127.0.0.1:$1 (any status: curl fails only when nothing
# listens), polling every 0.1 s up to WAIT_TRIES times (300 unless set).
wait_up() {
  for _ in $(seq 1 "${WAIT_TRIES:-300}"); do
    curl -s -o /dev/null "http://127.0.0.1:$1/healthz" && return 0
    sleep 0.1
  done
  echo "server on port $1 did not start" >&2
  return 1
}

# The v1 path a query kind is sent to.
path_of() {
  case "$1" in
    winning|qr) echo /PB2CAPIVAN/invapp/InvApp ;;
    *) echo /PB2CAPIVAN/invServ/InvServ ;;
  esac
}

# Builds einv, then starts `einv serve --demo` on 127.0.0.1:$PORT behind the trusted loopback
# proxy with its data in a fresh $DATA (mktemp template "$1", removed on exit) and the
# further flags "${@:2}"; sets BIN, DATA and PID, and returns once it answers.
serve_demo() {
  build_einv
  DATA=$(mktemp -d "$1")
  trap 'kill "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; rm -rf "$DATA"' EXIT
  env -u EINV_DATABASE_URL -u EINV_REDIS_URL "$BIN" serve --demo --data "$DATA" \
    --listen "127.0.0.1:$PORT" --trusted-proxy 127.0.0.1 "${@:2}" \
    >"$DATA/stdout" 2>"$DATA/serve.log" &
  PID=$!
  wait_up "$PORT"
}
