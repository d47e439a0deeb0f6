#!/usr/bin/env bash
# Set up and run the whole test suite (unit, notebooks under nbval, real-browser e2e).
# Works on a fresh machine: installs Python packages, and Debian's chromium when run as root.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}

if ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "== installing Debian chromium for the browser tests"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "== chromium not found and cannot apt-get: browser tests will skip"
  fi
fi

echo "== installing telenb with its test, piper and whisper extras"
$PY -m pip install -q --disable-pip-version-check -e ".[test,piper,whisper]"

echo "== ruff"
$PY -m ruff check .

echo "== pytest (tests/ and notebooks/ under nbval)"
exec $PY -m pytest tests --nbval notebooks --nbval-sanitize-with notebooks/nbval-sanitize.cfg -p no:cacheprovider "$@"
