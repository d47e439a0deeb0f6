#!/usr/bin/env bash
# Set up and run the whole test suite: unit tests, the course notebooks under nbval (run by
# tests/notebook/test_binder_env.py in a fresh environment built from binder/, outputs
# compared), and the real-browser e2e tests.
# Works on a fresh machine: installs Python packages, and Debian's chromium when run as root.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}

# The browser tests launch exactly /usr/bin/chromium (Debian's package; Playwright never
# downloads a browser).  Tropo scripts in JavaScript, Groovy, Ruby and PHP run in Debian's
# interpreters (tests/flow/test_tropo_langs.py); the SIP tests use sipp and Kamailio (in
# /usr/sbin, on root's PATH).  Tests skip, naming the package, only when one
# is absent; as root, the missing ones are installed.
CHROMIUM=/usr/bin/chromium
missing=()
for pair in "chromium:$CHROMIUM" nodejs:node groovy:groovy ruby:ruby php-cli:php sip-tester:sipp kamailio:kamailio flite:flite; do
  command -v "${pair#*:}" >/dev/null 2>&1 || missing+=("${pair%%:*}")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "== installing Debian ${missing[*]} for the tests"
    log=$(mktemp)
    if ! { DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
           DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"; } >"$log" 2>&1; then
      cat "$log"
      echo "== apt-get could not install ${missing[*]} (output above)" >&2
      exit 1
    fi
    rm -f "$log"
    [ -x "$CHROMIUM" ] || { echo "== chromium installed but $CHROMIUM is missing" >&2; exit 1; }
  else
    echo "== not installed and cannot apt-get (not root): ${missing[*]}; their tests will skip"
  fi
fi
if [ -x "$CHROMIUM" ]; then
  echo "== browser: $("$CHROMIUM" --version 2>/dev/null || echo "$CHROMIUM")"
fi

echo "== installing telenb with its test, piper, whisper and sip extras (the SIP tests call real pjsua2 workers)"
$PY -m pip install -q --disable-pip-version-check -e ".[test,piper,whisper,sip]"

echo "== ruff"
$PY -m ruff check .

echo "== mypy (configured in pyproject.toml)"
$PY -m mypy

# A fresh synthesis cache: every output the suite compares is computed by this checkout's
# code, never served from a cache that older code filled on this machine.
TELENB_CACHE_DIR=$(mktemp -d)
export TELENB_CACHE_DIR
trap 'rm -rf "$TELENB_CACHE_DIR"' EXIT

echo "== pytest (tests/; the notebooks run under nbval in the Binder environment)"
$PY -m pytest tests -p no:cacheprovider "$@"
