#!/usr/bin/env bash
# The other supported Pythons (3.12 and 3.13; scripts/test.sh runs the full suite on the
# default one): in a fresh virtual environment each, install telenb with its test extra, run
# the README's Quick start and the core tests (no piper, browser or notebooks; Whisper is in the
# default install, so its tests among them run too), and
# check that the Quick start prints the same bytes on every version.
# Interpreters: pythonX.Y on PATH, else pyenv's, else `uv python install` (needs GitHub);
# when none can be had this fails, saying so: it never skips a version silently.
set -euo pipefail
cd "$(dirname "$0")/.."
VERSIONS=${TELENB_PYTHONS:-"3.12 3.13"}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
CORE=(tests/audio tests/flow tests/sim tests/providers tests/faults tests/sms
      tests/test_cli.py tests/test_layers.py tests/test_package.py tests/test_quickstart.py)

find_python() {  # $1 = 3.12: print the path of an interpreter for it, or nothing
  local v=$1 p root
  if p=$(command -v "python$v" 2>/dev/null) && "$p" -c pass 2>/dev/null; then echo "$p"; return; fi
  root=$(pyenv root 2>/dev/null || echo "${PYENV_ROOT:-$HOME/.pyenv}")
  for p in $(ls -d "$root"/versions/"$v".*/bin/python"$v" 2>/dev/null | sort -V -r); do
    "$p" -c pass 2>/dev/null && { echo "$p"; return; }
  done
  if [ ! -x "$WORK/uv/bin/uv" ]; then
    { python3 -m venv "$WORK/uv" && "$WORK/uv/bin/pip" install -q uv; } >/dev/null 2>&1 || return 0
  fi
  UV_PYTHON_INSTALL_DIR="$WORK/uv-pythons" "$WORK/uv/bin/uv" python install "$v" >/dev/null 2>&1 &&
    UV_PYTHON_INSTALL_DIR="$WORK/uv-pythons" "$WORK/uv/bin/uv" python find "$v" 2>/dev/null || true
}

python3 -m telenb.cli run examples/dress_shop.py --to +15550100 \
  --caller "say: purple; say: red" >"$WORK/quickstart-default.txt"
for v in $VERSIONS; do
  PY=$(find_python "$v")
  if [ -z "$PY" ]; then
    echo "== Python $v: no interpreter (not on PATH, not in pyenv, and 'uv python install $v'" \
         "could not download one). Install Python $v, or set TELENB_PYTHONS to the versions" \
         "to test." >&2
    exit 1
  fi
  echo "== Python $v: $PY ($("$PY" -c 'import sys; print(sys.version.split()[0])'))"
  start=$(date +%s)
  "$PY" -m venv "$WORK/venv$v"
  VPY="$WORK/venv$v/bin/python"
  if ! "$VPY" -m pip install -q --disable-pip-version-check -e ".[test]" >"$WORK/pip$v.log" 2>&1
  then
    cat "$WORK/pip$v.log"
    echo "== Python $v: pip could not install telenb's test extra (output above)" >&2
    exit 1
  fi
  echo "== Python $v: installed in $(( $(date +%s) - start )) s"
  # the Quick start, as the README gives it, from this venv's own `telenb` command
  "$WORK/venv$v/bin/telenb" run examples/dress_shop.py --to +15550100 \
    --caller "say: purple; say: red" >"$WORK/quickstart-$v.txt"
  if ! cmp -s "$WORK/quickstart-default.txt" "$WORK/quickstart-$v.txt"; then
    echo "== Python $v: the Quick start output differs from $(python3 -V):" >&2
    diff "$WORK/quickstart-default.txt" "$WORK/quickstart-$v.txt" >&2 || true
    exit 1
  fi
  echo "== Python $v: Quick start output identical to $(python3 -V)"
  start=$(date +%s)
  TELENB_CACHE_DIR="$WORK/cache$v" "$VPY" -m pytest "${CORE[@]}" -p no:cacheprovider \
    -m "not e2e and not slow" -q "$@"
  echo "== Python $v: core tests took $(( $(date +%s) - start )) s"
done
