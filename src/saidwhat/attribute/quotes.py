"""Quotation spans in raw text: curly, straight and guillemet marks, and the two-apostrophe
marks of some newspaper archives (''…'', ``…''), paragraph-aware.

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
# Two-character marks: some archives (the New York Times among them) type a double quote as
# two apostrophes, both opening and closing, or open with two backticks (the PTB convention).
# A single apostrophe is never a mark: it is mostly a possessive or an elision.
DOUBLE_APOSTROPHE = "''"
DOUBLE_BACKTICK = "``"


@dataclass(frozen=True)
class Quote:
    start: int  # index of the opening mark
    end: int  # index just after the closing mark (or the paragraph end when unclosed)
    closed: bool
    width: int = 1  # characters in each mark: 2 for '' and ``

    @property
    def inner(self) -> tuple[int, int]:
        return self.start + self.width, self.end - self.width if self.closed else self.end


def _paragraphs(text: str, base: int = 0):
    start = 0
    while start < len(text):
        end = text.find("\n", start)
        if end == -1:
            end = len(text)
        if end > start:
            yield base + start, text[start:end]
        start = end + 1


def _straight_is_opening(para: str, i: int, open_now: bool, last: int | None = None) -> bool:
    """Whether the straight mark at ``i`` (its last character at ``last``) opens a quote."""
    last = i if last is None else last
    before = para[i - 1] if i > 0 else " "
    after = para[last + 1] if last + 1 < len(para) else " "
    if before.isspace() or before in "([{—–-:":
        return not after.isspace()
    if after.isspace() or after in ".,;:!?)]}" or last + 1 == len(para):
        return False
    return not open_now


def _marks(para: str):
    """(index, mark) of every quote mark in a paragraph, two-character marks read as one."""
    i = 0
    while i < len(para):
        pair = para[i:i + 2]
        if pair in (DOUBLE_APOSTROPHE, DOUBLE_BACKTICK):
            yield i, pair
            i += 2
            continue
        if para[i] in ALL_MARKS:
            yield i, para[i]
        i += 1


def find_quotes(text: str, base: int = 0) -> list[Quote]:
    """All quotations in ``text``; offsets are shifted by ``base``."""
    quotes: list[Quote] = []
    for para_start, para in _paragraphs(text, base):
        open_at: int | None = None
        closer: str | None = None
        for i, ch in _marks(para):
            # '' behaves as a straight mark (the same mark opens and closes), `` opens ''.
            straight = ch in (STRAIGHT, DOUBLE_APOSTROPHE)
            after = i + len(ch) - 1  # the mark's last character, for the look at what follows
            if open_at is None:
                if ch in OPENERS:
                    open_at, closer = i, OPENERS[ch]
                elif ch == DOUBLE_BACKTICK:
                    open_at, closer = i, DOUBLE_APOSTROPHE
                elif straight and _straight_is_opening(para, i, False, after):
                    open_at, closer = i, ch
                continue
            # A straight mark closes the quote it opened; a curly or guillemet quote also
            # closes on any closing mark (mixed typography).
            closes = ch == closer or (closer not in (STRAIGHT, DOUBLE_APOSTROPHE)
                                      and ch in CLOSERS)
            if closer == STRAIGHT and ch == "”" and not closes:
                # a straight opening mark closed by a curly one ("… authority?” said Kim),
                # when nothing but a space or punctuation follows it
                nxt = para[i + 1] if i + 1 < len(para) else " "
                closes = nxt.isspace() or nxt in ".,;:!?)]}—–-"
            if closes:
                quotes.append(Quote(para_start + open_at, para_start + i + len(ch), True,
                                    len(closer)))
                open_at = closer = None
            elif ch in OPENERS or straight or ch == DOUBLE_BACKTICK:
                # A second opening mark before any close: the first one was stray.
                open_at = i
                closer = OPENERS.get(ch) or (DOUBLE_APOSTROPHE if ch == DOUBLE_BACKTICK else ch)
        if open_at is not None and open_at == len(para) - len(para.lstrip()):
            quotes.append(Quote(para_start + open_at, para_start + len(para.rstrip()), False,
                                len(closer)))
    return quotes
