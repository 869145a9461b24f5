"""Readers: files, folders, stdin and JSONL streams -> Documents.

Every reader yields either a ``Document`` or a ``ReadFailure`` (the source and its error), so a
batch always goes on past a bad input and reports it.
"""
from __future__ import annotations

import io
import itertools
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator, Union

from saidwhat.errors import SaidwhatError, too_large
from saidwhat.read.items import (Item, ReadFailure, _record_fields, _record_problem,
                                 _with_record_metadata, document_id, failure, read_bytes,
                                 record_item, source_name)
from saidwhat.read.text import MAX_CHARS, byte_limit

ARTICLE_SUFFIXES = (".txt", ".text", ".html", ".htm", ".xhtml", ".md")


def read_limited(stream, limit: int) -> bytes:
    """At most ``limit`` bytes of ``stream``; ``too_large`` when more follow (a device such as
    /dev/zero, a pipe or a growing file has no size to check first)."""
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise too_large(limit, limit, "bytes", stopped=True)
    return data


def read_file(path: Path, *, max_chars: int = MAX_CHARS) -> Item:
    """One file as one article (a feed in it too: ``read_path`` reads the articles it lists)."""
    source = source_name(path)
    try:
        data = file_bytes(path, max_chars=max_chars)
    except SaidwhatError as exc:
        return failure(source, exc)
    return read_bytes(data, source=source, name=path.name, max_chars=max_chars)


def file_bytes(path: Path, *, max_chars: int = MAX_CHARS) -> bytes:
    """The bytes of one file, at most the byte limit (``SaidwhatError`` when over it or
    unreadable: a broken link, a folder, no permission)."""
    source = source_name(path)
    limit = byte_limit(max_chars)
    try:
        size = path.stat().st_size
        # Refuse before reading when even the bytes are beyond the character cap.
        if size > limit:
            raise too_large(size, limit, "bytes")
        with path.open("rb") as handle:
            data = read_limited(handle, limit)
    except OSError as exc:
        raise SaidwhatError("unreadable", path=source, reason=exc.strerror or exc) from None
    if path.suffix.lower() == ".jsonl":
        raise ValueError("use read_jsonl for JSONL files")
    return data


def read_path(path: Path, *, max_chars: int = MAX_CHARS,
              allow_private: bool = False) -> Iterator[Item]:
    """One file: an article, or a feed or sitemap (known by its root element, whatever its
    name) whose articles are fetched."""
    from saidwhat.read.feeds import listing_kind, read_listing

    source = source_name(path)
    try:
        data = file_bytes(path, max_chars=max_chars)
    except SaidwhatError as exc:
        yield failure(source, exc)
        return
    if listing_kind(data) is not None:
        yield from read_listing(data, source, allow_private=allow_private, max_chars=max_chars)
    else:
        yield read_bytes(data, source=source, name=path.name, max_chars=max_chars)


def _broken_link(path: Path) -> bool:
    """A symbolic link that leads nowhere: a loop or a missing target. It is reported (as
    unreadable) rather than passed over, since it was meant to be read."""
    return path.is_symlink() and not path.exists()


def iter_folder(folder: Path) -> Iterator[Path]:
    for path in sorted(folder.rglob("*")):
        if path.suffix.lower() in ARTICLE_SUFFIXES and (path.is_file() or _broken_link(path)):
            yield path


def iter_warcs(folder: Path) -> Iterator[Path]:
    from saidwhat.read.warc import is_warc

    for path in sorted(folder.rglob("*")):
        if is_warc(path) and (path.is_file() or _broken_link(path)):
            yield path


@dataclass
class LineTooLong:
    """In place of a JSONL line over the line limit (its bytes were skipped, not kept)."""
    size: int
    limit: int


def jsonl_line_limit(max_chars: int) -> int:
    """The most bytes of one JSONL line: an article at the limit with every character escaped
    as \\uXXXX (six bytes, Python's json.dumps default), and room for the other fields."""
    return 6 * max_chars + 65536


def bounded_lines(stream, limit: int, *,
                  ends: bool = True) -> Iterator[Union[str, LineTooLong]]:
    """The lines of a binary stream, decoded (bad UTF-8 replaced), ending in "\\n" as a
    text-mode file gives them, or with no end unless ``ends``, as ``str.splitlines`` gives
    them (a line's text is part of its document id, which must not change). A line over
    ``limit`` bytes is read past in pieces and given as ``LineTooLong``: none is held whole."""
    while True:
        line = stream.readline(limit + 1)
        if not line:
            return
        if len(line) > limit and not line.endswith(b"\n"):
            size = len(line)
            while True:
                rest = stream.readline(1 << 20)
                size += len(rest)
                if not rest or rest.endswith(b"\n"):
                    break
            yield LineTooLong(size, limit)
            continue
        text = line.decode("utf-8", "replace")
        if text.endswith("\r\n"):
            text = text[:-2] + "\n"
        yield text if ends else text.rstrip("\n")


def read_jsonl(lines: Iterable[Union[str, LineTooLong]], *, source: str,
               max_chars: int = MAX_CHARS, fetch: bool = False,
               allow_private: bool = False) -> Iterator[Item]:
    """One article per line: ``text`` or ``html``, optional url, outlet, published, title, id
    (strings; the id may be an integer). A line with a field of another type is an error.
    ``fetch``: a line with a url and neither text nor html is the page at that url, fetched
    (``allow_private`` as for any URL); otherwise it is an error."""
    for number, line in enumerate(lines, 1):
        line_source = f"{source}:{number}"
        if isinstance(line, LineTooLong):
            yield ReadFailure(document_id(line_source, b""), line_source,
                              too_large(line.size, line.limit, "bytes"))
            continue
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except ValueError as exc:
            yield ReadFailure(document_id(line_source, line), line_source,
                              SaidwhatError("bad_jsonl", line=number, reason=exc))
            continue
        if fetch and isinstance(record, dict) and not (record.get("text") or record.get("html")):
            yield url_record_item(record, number, line_source, line, max_chars=max_chars,
                                  allow_private=allow_private)
        else:
            yield record_item(record, number, line_source, line, max_chars=max_chars)


def url_record_item(record, number: int, source: str, raw: str, *, max_chars: int = MAX_CHARS,
                    allow_private: bool = False) -> Item:
    """The page a record with only a url (and metadata) names, fetched as any URL is; the
    record's id, outlet, date and title win over the page's, as they do for text and html."""
    from saidwhat.read.url import fetch_url

    problem = _record_problem(record, number, url_only=True)
    if problem is not None:
        return ReadFailure(document_id(source, raw), source, problem)
    fields = _record_fields(record)
    try:
        doc = fetch_url(fields["url"], allow_private=allow_private, max_chars=max_chars)
    except SaidwhatError as exc:
        return ReadFailure(fields.get("id") or document_id(source, raw), source, exc)
    doc.id = fields.get("id") or doc.id
    return _with_record_metadata(doc, fields)


def read_inputs(paths: list[str], *, max_chars: int = MAX_CHARS,
                allow_private: bool = False) -> Iterator[Item]:
    """Files, folders (recursively: .txt/.html/... and .warc/.warc.gz), .jsonl, .parquet,
    .warc and .warc.gz files, http(s) URLs (fetched; non-public addresses refused unless
    ``allow_private``) and ``-`` for stdin (JSONL or one article). A feed, sitemap or sitemap
    index (a file, stdin or a URL) and a site's home page that links feeds give the articles
    they list, each fetched; so is a JSONL line with only a url."""
    from saidwhat.read.feeds import read_url
    from saidwhat.read.parquet import is_parquet, read_parquet
    from saidwhat.read.url import is_url
    from saidwhat.read.warc import is_warc, read_warc

    for raw in paths:
        if raw == "-":
            yield from read_stdin(max_chars=max_chars, allow_private=allow_private)
            continue
        if is_url(raw):
            yield from read_url(raw, allow_private=allow_private, max_chars=max_chars)
            continue
        path = Path(raw)
        if path.is_dir():
            for child in sorted(set(iter_folder(path)) | set(iter_warcs(path))):
                if is_warc(child):
                    yield from read_warc(child, max_chars=max_chars)
                else:
                    yield from read_path(child, max_chars=max_chars,
                                         allow_private=allow_private)
        elif is_warc(path) and path.is_file():
            yield from read_warc(path, max_chars=max_chars)
        elif is_parquet(path) and path.is_file():
            yield from read_parquet(path, max_chars=max_chars)
        elif path.suffix.lower() == ".jsonl" and path.is_file():
            with path.open("rb") as handle:
                yield from read_jsonl(bounded_lines(handle, jsonl_line_limit(max_chars)),
                                      source=source_name(path), max_chars=max_chars,
                                      fetch=True, allow_private=allow_private)
        elif path.exists() or path.is_symlink():  # a link loop is unreadable, not missing
            yield from read_path(path, max_chars=max_chars, allow_private=allow_private)
        else:
            name = source_name(raw)
            yield ReadFailure(document_id(name, b""), name, SaidwhatError("not_found", path=name))


def read_stdin(*, max_chars: int = MAX_CHARS, allow_private: bool = False) -> Iterator[Item]:
    """JSONL (the first byte that is not blank is ``{``), read line by line, or one article
    (or a feed or sitemap) of at most the byte limit: stdin may be endless (``< /dev/zero``).
    URLs (JSONL lines with only a url, a feed's items) are fetched as ``allow_private`` says."""
    from saidwhat.read.feeds import listing_kind, read_listing
    from saidwhat.read.listing import is_json_feed

    stream = sys.stdin.buffer
    if not hasattr(stream, "peek"):
        stream = io.BufferedReader(stream)
    limit = byte_limit(max_chars)
    blank = b""  # leading blank bytes beyond what one peek shows
    while len(blank) <= limit:
        ahead = stream.peek(65536)
        if not ahead or ahead.lstrip():
            break
        blank += stream.read(len(ahead))
    ahead = stream.peek(65536).lstrip()
    # a JSON Feed is one object over many lines, not JSONL (its version is named near the top)
    if ahead[:1] == b"{" and not is_json_feed(ahead):
        # The blank lines before the first record keep the line numbers right.
        lines = itertools.chain([""] * blank.count(b"\n"),
                                bounded_lines(stream, jsonl_line_limit(max_chars), ends=False))
        yield from read_jsonl(lines, source="<stdin>", max_chars=max_chars, fetch=True,
                              allow_private=allow_private)
        return
    data = blank + stream.read(limit + 1 - len(blank)) if len(blank) <= limit else blank
    if len(data) > limit:
        yield ReadFailure(document_id("<stdin>", b""), "<stdin>",
                          too_large(limit, limit, "bytes", stopped=True))
        return
    if listing_kind(data) is not None:
        yield from read_listing(data, "<stdin>", allow_private=allow_private, max_chars=max_chars)
    else:
        yield read_bytes(data, source="<stdin>", max_chars=max_chars)
