#!/bin/sh
# Set everything up, then analyse the founding example and score it against its gold.
set -eu
cd "$(dirname "$0")/.."
sh scripts/setup.sh
EXAMPLE=../shared/examples/konashenkov-aleppo.txt
.venv/bin/saidwhat analyze "$EXAMPLE"
OUT=$(mktemp)
.venv/bin/saidwhat analyze "$EXAMPLE" --format json > "$OUT"
.venv/bin/python ../shared/tools/seedcheck.py "$OUT" ../shared/examples/konashenkov-aleppo.gold.json
rm -f "$OUT"
