"""WARC and WARC.gz files -> Documents (FastWARC), one per HTML or text response record.

Only ``response`` records with a 2xx HTTP status and an HTML or text payload are articles;
request, metadata, revisit, redirect and image records are passed over silently, but a file
with records and no article among them is one ``no_articles`` failure. A truncated
or damaged file yields the good records before the damage and then one ``ReadFailure`` for
the file, so a batch reports it and goes on.
"""
from __future__ import annotations

import zlib
from pathlib import Path
from typing import Iterator, Optional

from saidwhat.errors import SaidwhatError, too_large
from saidwhat.read.text import MAX_CHARS

WARC_SUFFIXES = (".warc", ".warc.gz")
# One record over this is not an article page (and would not pass the text cap anyway).
MAX_RECORD_BYTES = 20_000_000


def is_warc(path: str | Path) -> bool:
    return str(path).lower().endswith(WARC_SUFFIXES)


def read_warc(path: str | Path, *, max_chars: int = MAX_CHARS, opener=None) -> Iterator:
    """Documents and ReadFailures from one WARC file, in file order. ``opener(path)`` gives
    a binary stream of the file (default: ``open``; the Spark job reads other file systems)."""
    from fastwarc.warc import ArchiveIterator, WarcRecordType

    from saidwhat.read.items import ReadFailure, document_id, source_name

    opener = opener or _open_binary
    source = source_name(path)
    try:
        stream = opener(path)
    except OSError as exc:
        yield ReadFailure(document_id(source, b""), source,
                          SaidwhatError("unreadable", path=source, reason=exc.strerror or exc))
        return
    offset = 0
    records = items = 0
    with stream:
        try:
            for record in ArchiveIterator(stream, parse_http=False):
                records += 1
                offset = record.stream_pos
                failure = _check_record(record)
                if failure:
                    yield ReadFailure(document_id(f"{source}:{offset}", b""), source,
                                      SaidwhatError("warc_damaged", offset=offset,
                                                    reason=failure))
                    return
                if record.record_type != WarcRecordType.response:
                    continue
                block = record.reader.read(MAX_RECORD_BYTES + 1)
                if len(block) < record.content_length and len(block) <= MAX_RECORD_BYTES:
                    yield ReadFailure(document_id(f"{source}:{offset}", b""), source,
                                      SaidwhatError("warc_damaged", offset=offset,
                                                    reason="a record is cut short"))
                    return
                item = _record_item(record, block, source, offset, max_chars)
                if item is not None:
                    items += 1
                    yield item
        except (OSError, ValueError, EOFError, zlib.error) as exc:
            yield ReadFailure(document_id(f"{source}:{offset}", b""), source,
                              SaidwhatError("warc_damaged", offset=offset,
                                            reason=str(exc) or type(exc).__name__))
            return
    # FastWARC stops quietly at a gzip member cut short: check the compression on its own.
    problem = gzip_problem(path, opener=opener) if str(path).lower().endswith(".gz") else None
    if problem is None and records == 0:
        problem = (0, "no WARC record in it")
    if problem:
        yield ReadFailure(document_id(f"{source}:{problem[0]}", b""), source,
                          SaidwhatError("warc_damaged", offset=problem[0], reason=problem[1]))
    elif items == 0:  # else a batch of such files gives no output and exits with 0
        yield ReadFailure(document_id(source, b""), source,
                          SaidwhatError("no_articles", path=source, records=records))


def _open_binary(path: str | Path):
    return open(path, "rb")


def gzip_problem(path: str | Path, *, opener=None) -> Optional[tuple[int, str]]:
    """(compressed offset, reason) where a multi-member gzip file is cut short or corrupt;
    None when it is whole."""
    offset = 0
    with (opener or _open_binary)(path) as handle:
        inflater = zlib.decompressobj(31)
        member_start = 0
        while True:
            chunk = handle.read(1 << 20)
            if not chunk:
                break
            data = chunk
            while data:
                try:
                    inflater.decompress(data, 1 << 16)
                    # At the end of a member zlib leaves the rest of the input in
                    # unconsumed_tail as well as in unused_data: stop at eof, or a member
                    # that inflates past 64 KiB followed by another loops forever.
                    while inflater.unconsumed_tail and not inflater.eof:
                        inflater.decompress(inflater.unconsumed_tail, 1 << 16)
                except zlib.error as exc:
                    return member_start, f"bad gzip data: {exc}"
                if inflater.eof:
                    used = len(data) - len(inflater.unused_data)
                    offset += used
                    data = inflater.unused_data
                    member_start = offset
                    inflater = zlib.decompressobj(31)
                    if data and not data.lstrip(b"\0"):
                        data = b""  # zero padding after the last member
                        offset += len(data)
                else:
                    offset += len(data)
                    data = b""
        if offset > member_start:  # a member started and never ended
            return member_start, "the gzip stream is cut short"
    return None


def _check_record(record) -> Optional[str]:
    headers = record.headers
    for name in ("WARC-Record-ID", "Content-Length", "WARC-Type"):
        if not headers.get(name):
            return f"a record has no {name} header"
    if not headers.get("WARC-Record-ID", "").strip().endswith(">"):
        return "a record header is cut short"
    return None


def _record_item(record, block: bytes, source: str, offset: int, max_chars: int):
    """The Document (or ReadFailure) of one response record; None when it is no article."""
    from saidwhat.read.items import ReadFailure, document_id, read_bytes
    from saidwhat.read.url import complete_metadata

    url = record.headers.get("WARC-Target-URI") or None
    item_source = url or f"{source}:{offset}"
    if len(block) > MAX_RECORD_BYTES:
        return ReadFailure(document_id(item_source, b""), item_source,
                           too_large(len(block), MAX_RECORD_BYTES, "bytes"))
    try:
        status, headers, body = parse_http_response(block)
    except ValueError:
        return None  # a non-HTTP response (dns:, whois:) is no article
    if not 200 <= status < 300:
        return None
    media = headers.get("content-type", "").split(";")[0].strip().lower()
    if media and not (media.startswith("text/") or "html" in media):
        return None
    try:
        if "chunked" in headers.get("transfer-encoding", "").lower():
            body = _dechunk(body)
        body = _inflate(body, headers.get("content-encoding", ""))
    except (ValueError, zlib.error) as exc:
        return ReadFailure(document_id(item_source, block), item_source,
                           SaidwhatError("warc_not_article", url=url or item_source,
                                         reason=f"its body cannot be decoded: {exc}"))
    item = read_bytes(body, source=item_source, url=url,
                      name=".html" if "html" in media else "", max_chars=max_chars)
    if isinstance(item, ReadFailure):
        return item
    complete_metadata(item, html=body if item.format == "html" else None)
    return item


def parse_http_response(block: bytes) -> tuple[int, dict[str, str], bytes]:
    """Status, lower-cased headers and body of a raw HTTP response (``ValueError`` if none)."""
    end = block.find(b"\r\n\r\n")
    sep = 4
    if end < 0:
        end, sep = block.find(b"\n\n"), 2
    if end < 0 or not block.startswith(b"HTTP/"):
        raise ValueError("not an HTTP response")
    head = block[:end].decode("latin-1").splitlines()
    parts = head[0].split(None, 2)
    if len(parts) < 2 or not parts[1].isdigit():
        raise ValueError("bad status line")
    headers: dict[str, str] = {}
    for line in head[1:]:
        name, colon, value = line.partition(":")
        if colon:
            headers[name.strip().lower()] = value.strip()
    return int(parts[1]), headers, block[end + sep:]


def _dechunk(body: bytes) -> bytes:
    out, pos = [], 0
    while pos < len(body):
        eol = body.find(b"\r\n", pos)
        if eol < 0:
            break
        size_text = body[pos:eol].split(b";")[0].strip()
        if not size_text:
            pos = eol + 2
            continue
        size = int(size_text, 16)
        if size == 0:
            break
        out.append(body[eol + 2:eol + 2 + size])
        pos = eol + 2 + size + 2
    return b"".join(out)


def _inflate(body: bytes, encoding: str) -> bytes:
    encoding = encoding.strip().lower()
    if encoding in ("gzip", "x-gzip"):
        data = zlib.decompressobj(47).decompress(body, MAX_RECORD_BYTES + 1)
    elif encoding == "deflate":
        try:
            data = zlib.decompressobj(15).decompress(body, MAX_RECORD_BYTES + 1)
        except zlib.error:
            data = zlib.decompressobj(-15).decompress(body, MAX_RECORD_BYTES + 1)
    elif encoding in ("", "identity"):
        return body
    else:
        raise ValueError(f"unsupported Content-Encoding {encoding}")
    if len(data) > MAX_RECORD_BYTES:
        raise ValueError("it inflates past the size limit")
    return data
