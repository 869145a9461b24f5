"""Parquet files -> Documents: one article per row, with the columns of a JSONL line.

Columns ``text`` or ``html``, and ``url``, ``outlet``, ``published``, ``title``, ``id``; other
columns are ignored. A row is checked as a JSONL line is (``read.record_item``), its number
counting from 1 in file order, so a row with a field of another type is one ``bad_field``
failure; ``published`` may also be a Parquet date or timestamp. The file is read one batch of
rows at a time (pyarrow reads a row group's columns at once), never whole.
"""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Iterator

from saidwhat.errors import SaidwhatError
from saidwhat.read.text import MAX_CHARS

PARQUET_SUFFIXES = (".parquet", ".pq")
# rows converted to Python at once: an article may be megabytes
BATCH_ROWS = 64


def is_parquet(path: str | Path) -> bool:
    return str(path).lower().endswith(PARQUET_SUFFIXES)


def _open_binary(path: str | Path):
    return open(path, "rb")


def _plain(value):
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


def read_parquet(path: str | Path, *, max_chars: int = MAX_CHARS, opener=None) -> Iterator:
    """Documents and ReadFailures from one Parquet file, in row order. ``opener(path)``
    gives a binary stream of the file (default: ``open``)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from saidwhat.read.items import JSONL_FIELDS, ReadFailure, document_id, record_item, source_name

    source = source_name(path)
    number = 0
    try:
        with (opener or _open_binary)(path) as handle:
            table = pq.ParquetFile(handle)
            columns = [c for c in JSONL_FIELDS if c in table.schema_arrow.names]
            for batch in table.iter_batches(batch_size=BATCH_ROWS, columns=columns):
                for record in batch.to_pylist():
                    number += 1
                    record = {k: _plain(v) for k, v in record.items()}
                    raw = json.dumps(record, sort_keys=True, ensure_ascii=False)
                    yield record_item(record, number, f"{source}:{number}", raw,
                                      max_chars=max_chars)
    except (OSError, pa.ArrowException, ValueError) as exc:
        yield ReadFailure(document_id(f"{source}:{number}", b""), source,
                          SaidwhatError("unreadable", path=source,
                                        reason=str(exc) or type(exc).__name__))
