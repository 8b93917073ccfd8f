#!/usr/bin/env bash
# Runs every Madoguchi test on a fresh Debian/Ubuntu machine: installs what the tests need
# when it is missing (Dovecot, Chromium, CJK fonts, node modules), then type-checks, lints,
# builds, and runs the unit, integration, end-to-end and Electron smoke tests.
set -euo pipefail
cd "$(dirname "$0")/.."

installed() { [ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" = "install ok installed" ]; }
need_apt=()
for pkg in dovecot-imapd chromium fonts-noto-cjk; do installed "$pkg" || need_apt+=("$pkg"); done
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "Installing Debian packages the tests need: ${need_apt[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi
# Debian's package starts a system Dovecot on the standard ports; the tests run their own.
if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet dovecot 2>/dev/null; then
  systemctl stop dovecot || true
fi

if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ] \
   || ! node -e "require('better-sqlite3-multiple-ciphers')" 2>/dev/null; then
  echo "Installing node modules (the encrypted SQLite module builds from source: about two minutes)"
  ELECTRON_SKIP_BINARY_DOWNLOAD=1 npm ci --no-audit --no-fund
fi

rm -rf test-results && mkdir -p test-results
status=0
run() { echo; echo "== $*"; "$@" || status=1; }
run npm run --silent typecheck
run npm run --silent lint
run npm run --silent build
run npx vitest run --reporter=default --reporter=json --outputFile=test-results/vitest.json
run env PLAYWRIGHT_JSON_OUTPUT_NAME="$PWD/test-results/e2e.json" npx playwright test --reporter=list,json
run env PLAYWRIGHT_JSON_OUTPUT_NAME="$PWD/test-results/electron.json" npx playwright test --config test/electron/playwright.config.ts --reporter=list,json
node scripts/summarise-tests.mjs || status=1
exit $status
