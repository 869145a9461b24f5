"""Parquet inputs: one article per row, checked as a JSONL line is (read/parquet.py)."""
from __future__ import annotations

import datetime as dt

import pyarrow as pa
import pyarrow.parquet as pq

from saidwhat.model import Document
from saidwhat.read import ReadFailure, read_inputs

TEXT = "The minister said on Monday that the bridge would reopen in May after repairs."


def test_parquet_rows_are_documents_and_bad_rows_failures(tmp_path):
    path = tmp_path / "feed.parquet"
    pq.write_table(pa.table({
        "text": [TEXT, None, TEXT + " Again."],
        "html": [None, None, None],
        "outlet": ["nyt", "nyt", "wash-post"],
        "published": [dt.date(2016, 9, 1), None, dt.date(2016, 10, 2)],
        "id": [7, 8, 9],
        "other": ["ignored", "ignored", "ignored"],
    }), path, row_group_size=2)
    items = list(read_inputs([str(path)]))
    assert [type(i) for i in items] == [Document, ReadFailure, Document]
    first, bad, last = items
    assert (first.id, first.outlet, first.published, first.source) == (
        "7", "nyt", "2016-09-01", f"{path}:1")
    assert bad.error.code == "bad_jsonl" and bad.source == f"{path}:2"
    assert last.text.endswith("Again.") and last.published == "2016-10-02"


def test_a_damaged_parquet_file_is_one_failure(tmp_path):
    path = tmp_path / "cut.parquet"
    pq.write_table(pa.table({"text": [TEXT] * 3}), path)
    path.write_bytes(path.read_bytes()[:-20])
    items = list(read_inputs([str(path)]))
    assert [i.error.code for i in items] == ["unreadable"]
