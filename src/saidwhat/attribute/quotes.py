"""Quotation spans in raw text: curly, straight and guillemet marks, paragraph-aware.

Written by hand because no parser pairs quote marks: spaCy tags each mark as punctuation but
does not tell which opening mark a closing one answers. Pairing stays inside a paragraph, so an
unbalanced or damaged mark can never swallow the rest of the article; a paragraph that opens a
quote and never closes it is the newswire convention for a quote that runs on into the next
paragraph, and is taken as a quote up to the paragraph end.
"""
from __future__ import annotations

from dataclasses import dataclass

OPENERS = {"“": "”", "«": "»", "„": "“", "‟": "”"}
CLOSERS = {"”", "»"}
STRAIGHT = '"'
ALL_MARKS = set(OPENERS) | CLOSERS | {STRAIGHT}


@dataclass(frozen=True)
class Quote:
    start: int  # index of the opening mark
    end: int  # index just after the closing mark (or the paragraph end when unclosed)
    closed: bool

    @property
    def inner(self) -> tuple[int, int]:
        return self.start + 1, self.end - 1 if self.closed else self.end


def _paragraphs(text: str, base: int = 0):
    start = 0
    while start < len(text):
        end = text.find("\n", start)
        if end == -1:
            end = len(text)
        if end > start:
            yield base + start, text[start:end]
        start = end + 1


def _straight_is_opening(para: str, i: int, open_now: bool) -> bool:
    before = para[i - 1] if i > 0 else " "
    after = para[i + 1] if i + 1 < len(para) else " "
    if before.isspace() or before in "([{—–-:":
        return not after.isspace()
    if after.isspace() or after in ".,;:!?)]}" or i + 1 == len(para):
        return False
    return not open_now


def find_quotes(text: str, base: int = 0) -> list[Quote]:
    """All quotations in ``text``; offsets are shifted by ``base``."""
    quotes: list[Quote] = []
    for para_start, para in _paragraphs(text, base):
        open_at: int | None = None
        closer: str | None = None
        for i, ch in enumerate(para):
            if ch not in ALL_MARKS:
                continue
            if open_at is None:
                if ch in OPENERS:
                    open_at, closer = i, OPENERS[ch]
                elif ch == STRAIGHT and _straight_is_opening(para, i, False):
                    open_at, closer = i, STRAIGHT
                continue
            closes = (ch == closer or (closer != STRAIGHT and ch in CLOSERS)
                      or (closer == STRAIGHT and ch == STRAIGHT
                          and not _straight_is_opening(para, i, True)))
            if closes:
                quotes.append(Quote(para_start + open_at, para_start + i + 1, True))
                open_at = closer = None
            elif ch in OPENERS or ch == STRAIGHT:
                # A second opening mark before any close: the first one was stray.
                open_at, closer = i, OPENERS.get(ch, STRAIGHT)
        if open_at is not None and open_at == len(para) - len(para.lstrip()):
            quotes.append(Quote(para_start + open_at, para_start + len(para.rstrip()), False))
    return quotes
