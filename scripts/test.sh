#!/bin/sh
# Set everything up, then run the whole test suite.
set -eu
cd "$(dirname "$0")/.."
sh scripts/setup.sh
.venv/bin/python -m pytest "$@"
