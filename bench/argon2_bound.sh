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
. "$(dirname "$0")/lib.sh"
PORT="${PORT:-18191}"
serve_demo /tmp/einv-argon2.XXXXXX --limit-ip 100000/60 --limit-app 100000000/60
echo "cores: $(nproc); load average: $(cut -d' ' -f1-3 /proc/loadavg) (the machine is shared)"
PORT="$PORT" SERVER_PID="$PID" DEMO_JSON="$DATA/demo.json" python3 bench/argon2_bound.py
