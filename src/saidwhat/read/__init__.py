"""Readers: files, folders, stdin and JSONL streams -> Documents.

Every reader yields either a ``Document`` or a ``ReadFailure`` (the source and its error), so a
batch always goes on past a bad input and reports it.
"""
from __future__ import annotations

import hashlib
import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator, Optional, Union

from saidwhat.errors import SaidwhatError
from saidwhat.model import Document
from saidwhat.read.html import html_to_document, looks_like_html
from saidwhat.read.text import MAX_CHARS, check_text, decode_text, replace_surrogates

ARTICLE_SUFFIXES = (".txt", ".text", ".html", ".htm", ".xhtml", ".md")


@dataclass
class ReadFailure:
    id: str
    source: str
    error: SaidwhatError


Item = Union[Document, ReadFailure]


def document_id(source: str, data: bytes | str) -> str:
    raw = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data
    return hashlib.sha1(source.encode("utf-8", "surrogatepass") + b"\0" + raw).hexdigest()[:16]


def source_name(path: str | Path) -> str:
    """A path as the source of its documents: a file name that is not valid UTF-8 (Python
    holds its bad bytes as surrogates) shows them as ``\\xff``, since no output, database or
    terminal takes the surrogates themselves."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def read_bytes(data: bytes, *, source: str, name: str = "", url: str | None = None,
               max_chars: int = MAX_CHARS) -> Item:
    doc_id = document_id(source, data)
    try:
        if not data.strip():
            raise SaidwhatError("empty")
        if looks_like_html(data, name):
            html = decode_html(data)
            return html_to_document(html, doc_id=doc_id, source=source, url=url)
        text = decode_text(data, max_chars=max_chars)
        return Document(id=doc_id, text=text, source=source, url=url, format="text")
    except SaidwhatError as exc:
        return ReadFailure(doc_id, source, exc)


def decode_html(data: bytes) -> str:
    if b"\x00" in data[:65536]:
        raise SaidwhatError("binary", reason="it contains NUL bytes")
    # HTML declares its own charset often enough; trafilatura's decoder (charset detection with
    # a UTF-8 default) handles the rest better than a strict decode.
    from trafilatura.utils import decode_file

    return decode_file(data)


def read_file(path: Path, *, max_chars: int = MAX_CHARS) -> Item:
    source = source_name(path)
    try:
        size = path.stat().st_size
        # Refuse before reading when even the bytes are far beyond the character cap.
        if size > 4 * max_chars + 4:
            raise SaidwhatError("too_large", size=size, limit=max_chars)
        data = path.read_bytes()
    except SaidwhatError as exc:
        return ReadFailure(document_id(source, b""), source, exc)
    except OSError as exc:
        return ReadFailure(document_id(source, b""), source,
                           SaidwhatError("unreadable", path=source, reason=exc.strerror or exc))
    if path.suffix.lower() == ".jsonl":
        raise ValueError("use read_jsonl for JSONL files")
    return read_bytes(data, source=source, name=path.name, max_chars=max_chars)


def iter_folder(folder: Path) -> Iterator[Path]:
    for path in sorted(folder.rglob("*")):
        if path.is_file() and path.suffix.lower() in ARTICLE_SUFFIXES:
            yield path


def iter_warcs(folder: Path) -> Iterator[Path]:
    from saidwhat.read.warc import is_warc

    for path in sorted(folder.rglob("*")):
        if path.is_file() and is_warc(path):
            yield path


# The fields of a JSONL line and the JSON types they take (null is as if absent; other
# fields are ignored). An integer id is an id; anything else of the wrong type is an error,
# not silently turned into a string ("12345" analysed, an outlet stored as "{'o': 1}").
JSONL_FIELDS = {"text": (str,), "html": (str,), "url": (str,), "outlet": (str,),
                "published": (str,), "title": (str,), "id": (str, int)}
_JSON_TYPES = {str: "string", int: "integer", float: "number", bool: "boolean", list: "array",
               dict: "object"}


def _record_problem(record, number: int) -> Optional[SaidwhatError]:
    """Why one parsed JSONL line is no article (None when it is one)."""
    if not isinstance(record, dict):
        return SaidwhatError("bad_jsonl", line=number, reason="not a JSON object")
    for name, types in JSONL_FIELDS.items():
        value = record.get(name)
        if value is not None and type(value) not in types:  # so True is no integer id
            return SaidwhatError("bad_field", line=number, field=name,
                                 expected=" or ".join(f"a {_JSON_TYPES[t]}" for t in types),
                                 found=_JSON_TYPES.get(type(value), type(value).__name__))
    if not (record.get("text") or record.get("html")):
        return SaidwhatError("bad_jsonl", line=number, reason="no text or html field")
    return None


def read_jsonl(lines: Iterable[str], *, source: str, max_chars: int = MAX_CHARS) -> Iterator[Item]:
    """One article per line: ``text`` or ``html``, optional url, outlet, published, title, id
    (strings; the id may be an integer). A line with a field of another type is an error."""
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        line_source = f"{source}:{number}"
        try:
            record = json.loads(line)
        except ValueError as exc:
            problem = SaidwhatError("bad_jsonl", line=number, reason=exc)
        else:
            problem = _record_problem(record, number)
        if problem is not None:
            yield ReadFailure(document_id(line_source, line), line_source, problem)
            continue
        # str() only turns an integer id into a string: every other field is one already.
        fields = {name: replace_surrogates(str(record[name])) for name in JSONL_FIELDS
                  if record.get(name) is not None and record.get(name) != ""}
        url = fields.get("url")
        doc_id = fields.get("id") or document_id(line_source, line)
        try:
            if "text" in fields:
                text = check_text(fields["text"], max_chars=max_chars)
                doc = Document(id=doc_id, text=text, source=url or line_source, url=url)
            else:
                doc = html_to_document(fields["html"], doc_id=doc_id,
                                       source=url or line_source, url=url)
        except SaidwhatError as exc:
            yield ReadFailure(doc_id, line_source, exc)
            continue
        doc.outlet = fields.get("outlet") or doc.outlet
        doc.published = fields.get("published") or doc.published
        doc.title = fields.get("title") or doc.title
        yield doc


def read_inputs(paths: list[str], *, max_chars: int = MAX_CHARS,
                allow_private: bool = False) -> Iterator[Item]:
    """Files, folders (recursively: .txt/.html/... and .warc/.warc.gz), .jsonl, .warc and
    .warc.gz files, http(s) URLs (fetched; non-public addresses refused unless
    ``allow_private``) and ``-`` for stdin (JSONL or one article)."""
    from saidwhat.read.url import fetch_url, is_url
    from saidwhat.read.warc import is_warc, read_warc

    for raw in paths:
        if raw == "-":
            yield from read_stdin(max_chars=max_chars)
            continue
        if is_url(raw):
            try:
                yield fetch_url(raw, allow_private=allow_private, max_chars=max_chars)
            except SaidwhatError as exc:
                yield ReadFailure(document_id(raw, b""), raw, exc)
            continue
        path = Path(raw)
        if path.is_dir():
            for child in sorted(set(iter_folder(path)) | set(iter_warcs(path))):
                if is_warc(child):
                    yield from read_warc(child, max_chars=max_chars)
                else:
                    yield read_file(child, max_chars=max_chars)
        elif is_warc(path) and path.is_file():
            yield from read_warc(path, max_chars=max_chars)
        elif path.suffix.lower() == ".jsonl" and path.is_file():
            with path.open(encoding="utf-8", errors="replace") as lines:
                yield from read_jsonl(lines, source=source_name(path), max_chars=max_chars)
        elif path.exists():
            yield read_file(path, max_chars=max_chars)
        else:
            name = source_name(raw)
            yield ReadFailure(document_id(name, b""), name, SaidwhatError("not_found", path=name))


def read_stdin(*, max_chars: int = MAX_CHARS) -> Iterator[Item]:
    data = sys.stdin.buffer.read()
    first = data.lstrip()[:1]
    if first == b"{":
        text = data.decode("utf-8", "replace")
        yield from read_jsonl(text.splitlines(), source="<stdin>", max_chars=max_chars)
    else:
        yield read_bytes(data, source="<stdin>", max_chars=max_chars)
