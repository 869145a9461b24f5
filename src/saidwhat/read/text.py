"""Bytes -> text, with the checks that turn hostile input into one clear error."""
from __future__ import annotations

import re

from saidwhat.errors import SaidwhatError

# Twenty megabytes of text is not an article; the cap keeps one bad file from stalling a batch.
MAX_CHARS = 5_000_000
_CONTROL = set(range(0, 32)) - {9, 10, 12, 13}
_SURROGATE = re.compile("[\ud800-\udfff]")


def decode_text(data: bytes, *, max_chars: int = MAX_CHARS) -> str:
    """Decode UTF-8 exactly (offsets index the decoded str), refusing binary or oversized input."""
    if not data.strip():
        raise SaidwhatError("empty")
    if b"\x00" in data[:65536]:
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
        raise SaidwhatError("too_large", size=len(text), limit=max_chars)
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
