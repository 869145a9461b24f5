"""A document's report text in pieces, each parsed by spaCy and read for statements: what
analysis and the training of the attribution scorer and the content CRFs read alike.
"""
from __future__ import annotations

from typing import Iterable, Iterator

import numpy

from saidwhat.attribute.extract import PieceReader
from saidwhat.attribute.quotes import find_quotes
from saidwhat.nlp import MAX_PIECE_CHARS, get_nlp


def report_pieces(text: str, blocks, max_chars: int = MAX_PIECE_CHARS) -> list[tuple[int, int]]:
    """Report text cut at paragraph ends (else at a space) into pieces of at most
    ``max_chars``: what spaCy parses in one go, and what the technique tagger reads at once
    (a news article's report blocks are whole pieces)."""
    pieces = []
    for block in blocks:
        if block.kind != "report":
            continue
        start = block.start
        while start < block.end:
            end = min(block.end, start + max_chars)
            if end < block.end:
                cut = text.rfind("\n", start, end)
                if cut <= start:
                    cut = text.rfind(" ", start, end)
                end = cut + 1 if cut > start else end
            if text[start:end].strip():
                pieces.append((start, end))
            start = end
    return pieces


def piece_readers(text: str, blocks) -> Iterator[PieceReader]:
    """A statement reader over each parsed report piece of ``text`` (analysis and the
    training of the scorer and the CRFs read articles the same way)."""
    pieces = report_pieces(text, blocks)
    return readers(text, pieces, parse_pieces(text[s:e] for s, e in pieces))


def readers(text: str, pieces, parses) -> Iterator[PieceReader]:
    for (start, end), parsed in zip(pieces, parses):
        yield PieceReader(parsed, start, text, find_quotes(text[start:end], start))


# Pieces parsed in one spaCy batch, up to this many characters in all. A batch of news
# articles parses about 10% faster than the same articles one by one (100 PolNeAR train
# articles: 19-22 s against 22-24 s, identical parses), and the bound keeps a batch's memory
# near one long piece's: one batch holding every piece of a 1M-character text at once peaked
# at 3.3 GB, one piece at a time at 1.0 GB.
BATCH_CHARS = 60_000


def parse_pieces(texts: Iterable[str], nlp=None) -> Iterator:
    """spaCy's parse of each text, in order, batched up to ``BATCH_CHARS`` (``nlp``: the loaded
    pipeline, ``get_nlp()`` without one)."""
    nlp = nlp if nlp is not None else get_nlp()
    group: list[str] = []
    size = 0
    for text in texts:
        if group and size + len(text) > BATCH_CHARS:
            yield from _without_tensors(nlp.pipe(group, batch_size=len(group)))
            group, size = [], 0
        group.append(text)
        size += len(text)
    if group:
        yield from _without_tensors(nlp.pipe(group, batch_size=len(group)))


def _without_tensors(docs: Iterable) -> Iterator:
    """Each parse without its ``Doc.tensor`` (the tok2vec output the tagger and parser read,
    which no stage reads after them). Held parses of a 1M-character text took 587 MB with
    their tensors and 195 MB without, though the tensors' own bytes are 73 MB: they keep more
    of their batch's arrays alive."""
    for doc in docs:
        doc.tensor = numpy.zeros((0, doc.tensor.shape[1]), dtype=doc.tensor.dtype)
        yield doc
