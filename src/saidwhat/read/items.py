"""One input's bytes or record -> a Document, or a ReadFailure naming the input and its error:
what every reader (files, JSONL, WARC, Parquet, URLs, feeds) builds its items with.
"""
from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Optional, Union

from saidwhat.errors import SaidwhatError, too_large
from saidwhat.model import Document
from saidwhat.read.html import html_to_document, looks_like_html
from saidwhat.read.text import (MAX_CHARS, byte_limit, check_html_size, check_text, decode_bom,
                                decode_text, replace_surrogates)


@dataclass
class ReadFailure:
    id: str
    source: str
    error: SaidwhatError


Item = Union[Document, ReadFailure]


def failure(source: str, error: SaidwhatError) -> ReadFailure:
    """The failure of an input that gave no bytes to name it by (a URL that failed, ...)."""
    return ReadFailure(document_id(source, b""), source, error)


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
        if len(data) > byte_limit(max_chars):
            raise too_large(len(data), byte_limit(max_chars), "bytes")
        marked = decode_bom(data)  # UTF-16 or UTF-32 text, which has NUL bytes
        if looks_like_html(data if marked is None else marked, name):
            html = decode_html(data, max_chars=max_chars) if marked is None else marked
            return html_to_document(html, doc_id=doc_id, source=source, url=url,
                                    max_chars=max_chars, size=len(data))
        if marked is not None:
            text = check_text(marked, max_chars=max_chars)
        else:
            text = decode_text(data, max_chars=max_chars)
        return Document(id=doc_id, text=text, source=source, url=url, format="text")
    except SaidwhatError as exc:
        return ReadFailure(doc_id, source, exc)


def decode_html(data: bytes, *, max_chars: int = MAX_CHARS) -> str:
    check_html_size(len(data), max_chars)  # before decoding: charset detection reads it all
    if b"\x00" in data:  # anywhere: PostgreSQL refuses NUL in text
        raise SaidwhatError("binary", reason="it contains NUL bytes")
    # HTML declares its own charset often enough; trafilatura's decoder (charset detection with
    # a UTF-8 default) handles the rest better than a strict decode.
    from trafilatura.utils import decode_file

    return decode_file(data)


# The fields of a JSONL line and the JSON types they take (null is as if absent; other
# fields are ignored). An integer id is an id; anything else of the wrong type is an error,
# not silently turned into a string ("12345" analysed, an outlet stored as "{'o': 1}").
JSONL_FIELDS = {"text": (str,), "html": (str,), "url": (str,), "outlet": (str,),
                "published": (str,), "title": (str,), "id": (str, int)}
_JSON_TYPES = {str: "string", int: "integer", float: "number", bool: "boolean", list: "array",
               dict: "object"}


def _record_problem(record, number: int, *, url_only: bool = False) -> Optional[SaidwhatError]:
    """Why one parsed JSONL line is no article (None when it is one); ``url_only``: a url
    alone is one (it is fetched)."""
    if not isinstance(record, dict):
        return SaidwhatError("bad_jsonl", line=number, reason="not a JSON object")
    for name, types in JSONL_FIELDS.items():
        value = record.get(name)
        if value is not None and type(value) not in types:  # so True is no integer id
            return SaidwhatError("bad_field", line=number, field=name,
                                 expected=" or ".join(f"a {_JSON_TYPES[t]}" for t in types),
                                 found=_JSON_TYPES.get(type(value), type(value).__name__))
    if not (record.get("text") or record.get("html") or (url_only and record.get("url"))):
        return SaidwhatError("bad_jsonl", line=number, reason="no text or html field")
    return None


def plain_field(value: str) -> str:
    # NUL is refused in text and HTML (binary); in a title or an outlet it would only fail the
    # store (PostgreSQL refuses it), so it is replaced as a lone surrogate is.
    return replace_surrogates(value).replace("\x00", "\ufffd")


def record_item(record, number: int, source: str, raw: str, *,
                max_chars: int = MAX_CHARS) -> Item:
    """The Document (or ReadFailure) of one record: a JSONL line's object or a Parquet row,
    ``number`` its line or row, ``source`` "file:number", ``raw`` the line (the document id
    is made of it when the record has none)."""
    problem = _record_problem(record, number)
    if problem is not None:
        return ReadFailure(document_id(source, raw), source, problem)
    fields = _record_fields(record)
    url = fields.get("url")
    doc_id = fields.get("id") or document_id(source, raw)
    try:
        if "text" in fields:
            text = check_text(fields["text"], max_chars=max_chars)
            doc = Document(id=doc_id, text=text, source=url or source, url=url)
        else:
            doc = html_to_document(fields["html"], doc_id=doc_id,
                                   source=url or source, url=url, max_chars=max_chars)
    except SaidwhatError as exc:
        return ReadFailure(doc_id, source, exc)
    return _with_record_metadata(doc, fields)


def _record_fields(record: dict) -> dict[str, str]:
    # str() only turns an integer id into a string: every other field is one already.
    return {name: (replace_surrogates if name in ("text", "html") else plain_field)(
                str(record[name])) for name in JSONL_FIELDS
            if record.get(name) is not None and record.get(name) != ""}


def _with_record_metadata(doc: Document, fields: dict[str, str]) -> Document:
    doc.outlet = fields.get("outlet") or doc.outlet
    doc.published = fields.get("published") or doc.published
    doc.title = fields.get("title") or doc.title
    return doc
