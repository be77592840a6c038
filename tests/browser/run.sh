#!/usr/bin/env bash
# Runs the browser tests: builds the einv binary, installs playwright-core (no browser download:
# Debian's Chromium is used), then runs every *.test.mjs here with node's test runner.
set -euo pipefail
cd "$(dirname "$0")"
if ! command -v "${CHROMIUM:-/usr/bin/chromium}" >/dev/null; then
  echo "browser tests: Chromium not found at ${CHROMIUM:-/usr/bin/chromium} (apt-get install chromium)" >&2
  exit 1
fi
# The same build as the test suite's (`cargo nextest run --workspace` selects tests and examples,
# so dev-dependencies shape the features): after it, nothing is compiled again.
(cd ../.. && cargo build --locked --workspace --bins --tests --examples)
export EINV_BIN="${CARGO_TARGET_DIR:-$(cd ../.. && pwd)/target}/debug/einv"
if [ ! -d node_modules/playwright-core ] || [ ! -d node_modules/axe-core ]; then
  PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm install --no-audit --no-fund --silent
fi
shopt -s nullglob
tests=(*.test.mjs)
if [ ${#tests[@]} -eq 0 ]; then
  echo "browser tests: none yet"
  exit 0
fi
node --test --test-concurrency=1 "${tests[@]}"
