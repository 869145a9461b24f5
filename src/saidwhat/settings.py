"""Every environment variable saidwhat reads, in one place (read when asked, not at import,
so a test or a parent process can set one before it matters).

| variable | read by | what it sets |
|---|---|---|
| `SAIDWHAT_DB` | `store.open_store`, every command's `--db` default | the store when `--db` is not given (default `./saidwhat.db`) |
| `SAIDWHAT_THREADS` | the technique tagger | onnxruntime threads in each process; when set, the pools and Spark do not choose one per worker |
| `SAIDWHAT_TRAINING_CACHE` | `saidwhat train attribution|contents` | a folder for the rows training builds from PolNeAR, kept under a key of the data and of saidwhat's code (a change to either rebuilds them) |

Test-only: `SAIDWHAT_TEST_PG_URL` (a PostgreSQL server for the store's tests; `.ci/run` starts
one), `SAIDWHAT_CHAOS_KILLS` and `SAIDWHAT_CHAOS_SEED` (tests/test_chaos.py),
`SAIDWHAT_SCREENSHOTS` (tests/test_web_browser.py), `SAIDWHAT_SPARK_TEST_KILL` (a Spark worker
kills itself once, for tests/test_spark.py).
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Optional

SPARK_TEST_KILL = "SAIDWHAT_SPARK_TEST_KILL"


def _get(name: str) -> Optional[str]:
    value = os.environ.get(name, "").strip()
    return value or None


def store_url() -> Optional[str]:
    return _get("SAIDWHAT_DB")


def tagger_threads() -> Optional[int]:
    """The thread count asked for, or None (then the caller chooses; 0: onnxruntime's own)."""
    value = _get("SAIDWHAT_THREADS")
    if value is None:
        return None
    try:
        return max(0, int(value))
    except ValueError:
        raise ValueError(f"SAIDWHAT_THREADS must be a whole number, not {value!r}") from None


def training_cache() -> Optional[Path]:
    value = _get("SAIDWHAT_TRAINING_CACHE")
    return Path(value) if value else None


def spark_test_kill() -> Optional[str]:
    return _get(SPARK_TEST_KILL)
