"""The Spark job's inputs: planned on the driver into units (one task each), read on the
executors with the readers of ``saidwhat.read``.

A unit is one WARC, JSONL or Parquet file (streamed record by record: never a whole file in
memory), or a run of up to ``FILES_PER_UNIT`` text/HTML files of a folder. Folders expand as
``saidwhat ingest`` expands them (``read.iter_folder`` and ``read.iter_warcs``, sorted), so the
documents come in the same order and get the same ids and sources.

Local paths are read with Python's ``open``; a URI (``hdfs://``, ``s3a://``, ``gs://``,
``file://`` …) through pyarrow's file systems, on the driver (listing folders) as on the
executors: HDFS needs libhdfs (``HADOOP_HOME``/``ARROW_LIBHDFS_DIR`` and the Hadoop
``CLASSPATH``, as on any YARN node), ``s3a://`` is read as ``s3://`` with the AWS credentials
of the environment or the instance.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Iterator, Optional

from saidwhat.errors import SaidwhatError

FILES_PER_UNIT = 32
_URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")


@dataclass
class Unit:
    kind: str  # files | warc | jsonl | parquet | missing
    paths: list[str] = field(default_factory=list)
    cwd: str = ""  # the driver's working directory, for relative local paths


def is_uri(path: str) -> bool:
    return bool(_URI.match(path))


def _filesystem(uri: str):
    from pyarrow import fs

    if uri.startswith("s3a://") or uri.startswith("s3n://"):
        uri = "s3://" + uri[6:]
    return fs.FileSystem.from_uri(uri)


def open_input(path: str):
    """A binary, seekable stream of a local path or a URI."""
    if not is_uri(path):
        return open(path, "rb")
    filesystem, inner = _filesystem(path)
    return filesystem.open_input_file(inner)


def _kind_of(name: str) -> Optional[str]:
    from saidwhat.read import ARTICLE_SUFFIXES
    from saidwhat.read.parquet import is_parquet
    from saidwhat.read.warc import is_warc

    lower = name.lower()
    if is_warc(lower):
        return "warc"
    if is_parquet(lower):
        return "parquet"
    if lower.endswith(".jsonl"):
        return "jsonl"
    if lower.endswith(ARTICLE_SUFFIXES):
        return "files"
    return None


def plan(inputs: list[str], *, files_per_unit: int = FILES_PER_UNIT) -> list[Unit]:
    """The units of ``inputs``, in input order."""
    from saidwhat.read import iter_folder, iter_warcs
    from saidwhat.read.url import is_url

    cwd = os.getcwd()
    units: list[Unit] = []

    def add(kind: str, path: str) -> None:
        if kind == "files" and units and units[-1].kind == "files" and \
                len(units[-1].paths) < files_per_unit:
            units[-1].paths.append(path)
        else:
            units.append(Unit(kind, [path], cwd))

    for raw in inputs:
        if raw == "-" or is_url(raw):
            raise SaidwhatError("bad_option", option=raw, reason=(
                "the Spark job reads files, folders and file-system URIs (hdfs://, s3a://, "
                "file://), not standard input or web pages: use 'saidwhat ingest' for those"))
        if is_uri(raw):
            for child, kind in _list_uri(raw):
                add(kind, child)
            continue
        path = Path(raw)
        if path.is_dir():
            for child in sorted(set(iter_folder(path)) | set(iter_warcs(path))):
                add(_kind_of(child.name) or "files", str(child))
        elif path.exists() or path.is_symlink():
            kind = _kind_of(path.name)
            add(kind if kind and (kind == "files" or path.is_file()) else "files", str(path))
        else:
            add("missing", raw)
    return units


def _list_uri(uri: str) -> Iterator[tuple[str, str]]:
    """(URI, kind) of a file URI, or of every input file under a folder URI (sorted)."""
    from pyarrow import fs

    try:
        filesystem, inner = _filesystem(uri)
        info = filesystem.get_file_info(inner)
    except (OSError, ValueError) as exc:
        raise SaidwhatError("unreadable", path=uri, reason=str(exc)) from None
    if info.type == fs.FileType.NotFound:
        yield uri, "missing"
        return
    if info.type != fs.FileType.Directory:
        yield uri, _kind_of(inner) or "files"
        return
    base = uri.rstrip("/")
    root = inner.rstrip("/")
    found = filesystem.get_file_info(fs.FileSelector(inner, recursive=True))
    for child in sorted((f for f in found if f.type == fs.FileType.File), key=lambda f: f.path):
        kind = _kind_of(child.path)
        if kind in ("files", "warc"):  # what a local folder holds for ingest too
            yield base + child.path[len(root):], kind


def _local(path: str, cwd: str) -> str:
    """A relative local path as given when this process runs where the driver does (so the
    source and the document id are those ``saidwhat ingest`` gives), else made absolute."""
    if os.path.isabs(path) or os.getcwd() == cwd:
        return path
    return os.path.join(cwd, path)


def read_unit(unit: Unit, *, max_chars: int) -> Iterator:
    """The Documents and ReadFailures of one unit, in order."""
    from saidwhat.read import (ReadFailure, bounded_lines, document_id, jsonl_line_limit,
                               read_file, read_jsonl, source_name)
    from saidwhat.read.parquet import read_parquet
    from saidwhat.read.warc import read_warc

    for raw in unit.paths:
        uri = is_uri(raw)
        path = raw if uri else _local(raw, unit.cwd)
        if unit.kind == "missing":
            name = source_name(raw)
            yield ReadFailure(document_id(name, b""), name, SaidwhatError("not_found", path=name))
        elif unit.kind == "warc":
            yield from read_warc(path, max_chars=max_chars, opener=open_input)
        elif unit.kind == "parquet":
            yield from read_parquet(path, max_chars=max_chars, opener=open_input)
        elif unit.kind == "jsonl":
            source = source_name(path)
            try:
                handle = open_input(path)
            except OSError as exc:
                yield ReadFailure(document_id(source, b""), source,
                                  SaidwhatError("unreadable", path=source,
                                                reason=exc.strerror or exc))
                continue
            with handle:
                yield from read_jsonl(bounded_lines(handle, jsonl_line_limit(max_chars)),
                                      source=source, max_chars=max_chars)
        elif uri:
            yield _read_uri_file(path, max_chars=max_chars)
        else:
            yield read_file(Path(path), max_chars=max_chars)


def _read_uri_file(uri: str, *, max_chars: int):
    """``read.read_file`` for a file behind a URI: the same size check before reading."""
    from saidwhat.errors import too_large
    from saidwhat.read import ReadFailure, byte_limit, document_id, read_bytes, read_limited

    limit = byte_limit(max_chars)
    try:
        filesystem, inner = _filesystem(uri)
        size = filesystem.get_file_info(inner).size or 0
        if size > limit:
            raise too_large(size, limit, "bytes")
        with filesystem.open_input_stream(inner) as handle:
            data = read_limited(handle, limit)
    except SaidwhatError as exc:
        return ReadFailure(document_id(uri, b""), uri, exc)
    except OSError as exc:
        return ReadFailure(document_id(uri, b""), uri,
                           SaidwhatError("unreadable", path=uri, reason=str(exc)))
    return read_bytes(data, source=uri, name=PurePosixPath(uri).name, max_chars=max_chars)
