"""Bytes -> text, with the checks that turn hostile input into one clear error."""
from __future__ import annotations

import re

from saidwhat.errors import SaidwhatError, too_large

# Twenty megabytes of text is not an article; the cap keeps one bad file from stalling a batch.
MAX_CHARS = 5_000_000
# Byte-order marks of the encodings other than UTF-8 that a text file may declare (UTF-32
# first: its little-endian mark begins with UTF-16's).
_BOMS = ((b"\xff\xfe\x00\x00", "utf-32"), (b"\x00\x00\xfe\xff", "utf-32"),
         (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"))
_CONTROL = set(range(0, 32)) - {9, 10, 12, 13}
_SURROGATE = re.compile("[\ud800-\udfff]")


def byte_limit(max_chars: int) -> int:
    """The most bytes read of one input before it is decoded: UTF-8 takes at most four bytes
    a character, so no text under ``max_chars`` is refused for its bytes."""
    return 4 * max_chars


def html_byte_limit(max_chars: int) -> int:
    """The most bytes of HTML parsed for one article: the character limit, counted in bytes.
    Extraction takes many times the page's size in memory, and a page's text is a fraction of
    its markup, so a page over this is no article worth the memory."""
    return max_chars


def check_html_size(size: int, max_chars: int) -> None:
    if size > html_byte_limit(max_chars):
        raise too_large(size, html_byte_limit(max_chars), "bytes")


def decode_bom(data: bytes) -> str | None:
    """``data`` decoded by its UTF-16 or UTF-32 byte-order mark (without it); None when it has
    none, or what follows the mark is not in that encoding (then it is judged as any other
    bytes). Such text is full of NUL bytes, which must not make it look binary."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(codec)
            except UnicodeDecodeError:
                return None
    return None


def decode_text(data: bytes, *, max_chars: int = MAX_CHARS) -> str:
    """Decode UTF-8 exactly (offsets index the decoded str), or UTF-16/32 by its byte-order
    mark, refusing binary or oversized input."""
    if not data.strip():
        raise SaidwhatError("empty")
    if len(data) > byte_limit(max_chars):
        raise too_large(len(data), byte_limit(max_chars), "bytes")
    text = decode_bom(data)
    if text is None:
        # Anywhere, not only near the start: PostgreSQL refuses NUL in text.
        if b"\x00" in data:
            raise SaidwhatError("binary", reason="it contains NUL bytes")
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise SaidwhatError("encoding", position=exc.start) from None
    check_text(text, max_chars=max_chars)
    return text


def check_text(text: str, *, max_chars: int = MAX_CHARS) -> str:
    if not text.strip():
        raise SaidwhatError("empty")
    if len(text) > max_chars:
        raise too_large(len(text), max_chars)
    if "\x00" in text:  # as in a file: JSONL and the API can carry \u0000 too
        raise SaidwhatError("binary", reason="it contains NUL characters")
    sample = text[:65536]
    controls = sum(1 for ch in sample if ord(ch) in _CONTROL)
    if controls > 0.05 * len(sample):
        raise SaidwhatError("binary", reason=f"{controls} control characters in the first "
                                              f"{len(sample)}")
    return text


def replace_surrogates(text: str) -> str:
    """``text`` with each lone surrogate (JSON may escape one: ``"\\ud800"``) as U+FFFD.

    No UTF-8 output, database or parser can take a lone surrogate, so one would fail the whole
    batch when it is written; the replacement is one character for one, so offsets hold."""
    return _SURROGATE.sub("\ufffd", text)
