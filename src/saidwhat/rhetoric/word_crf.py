"""A word-level CRF for span identification: the lexical second opinion on which words are
propaganda.

The encoder's token head is one model; this is a linear-chain CRF (python-crfsuite, already a
run-time dependency for the content tagger) over the article's words with lexical features
(the word, its suffix, case, its neighbours and bigrams, inside quote marks or not), trained on
the gold SI spans of the training articles only. Its marginal P(word inside a span) is spread
onto the encoder's word pieces and added to the token head's probability as evidence relative
to a base level, p = head + w · (crf - base), before the span decoding (``si_lexical_weight``
and ``si_lexical_base`` in ``tagger.json``, chosen on validation with
``python -m saidwhat.training.tune``; docs/techniques-model.md, "Session 9"). The additive
form matters: a plain average pulls down every word the CRF has never seen — new vocabulary
such as the founding example's "Russophobic hot air" — by the CRF's low default, while here a
word the CRF knows nothing about keeps roughly the encoder's probability.

Words are cut with one regular expression rather than spaCy: the tagger must not need a parse,
and the CRF only needs stable word boundaries that training and run time share.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Sequence

import numpy as np

WORD_RE = re.compile(r"\w+|[^\w\s]")
QUOTES = frozenset("\"“”«»")
INSIDE, OUTSIDE = "P", "O"


def words(text: str) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), m.group()) for m in WORD_RE.finditer(text)]


def features(ws: Sequence[tuple[int, int, str]]) -> list[dict[str, str | float]]:
    out = []
    inside_quotes = False
    lower = [w.lower() for _, _, w in ws]

    def at(j: int) -> str:
        return lower[j] if 0 <= j < len(ws) else "<>"

    for i, (_, _, w) in enumerate(ws):
        if w in QUOTES:
            inside_quotes = not inside_quotes
        lw = lower[i]
        out.append({
            "w": lw, "suf3": lw[-3:], "title": float(w[:1].isupper()),
            "upper": float(w.isupper() and len(w) > 1), "quoted": float(inside_quotes),
            "punct": float(not w[0].isalnum()),
            "w-2": at(i - 2), "w-1": at(i - 1), "w+1": at(i + 1), "w+2": at(i + 2),
            "b-1": f"{at(i - 1)}|{lw}", "b+1": f"{lw}|{at(i + 1)}",
        })
    return out


def labels(ws: Sequence[tuple[int, int, str]], spans: Sequence[tuple[int, int]]) -> list[str]:
    """P for a word that overlaps a gold span, else O."""
    return [INSIDE if any(a < e and s < b for a, b in spans) else OUTSIDE for s, e, _ in ws]


class WordCRF:
    def __init__(self, path: str | Path):
        import pycrfsuite
        self.tagger = pycrfsuite.Tagger()
        self.tagger.open(str(path))

    def word_probs(self, ws: Sequence[tuple[int, int, str]]) -> np.ndarray:
        if not ws:
            return np.zeros(0)
        self.tagger.set(features(ws))
        return np.array([self.tagger.marginal(INSIDE, i) for i in range(len(ws))])

    def piece_probs(self, text: str, offsets: np.ndarray) -> np.ndarray:
        """P(inside a span) for each word piece (``offsets`` [n, 2] character offsets): the
        probability of the word that holds the piece's first character."""
        if len(offsets) == 0:
            return np.zeros(0)
        ws = words(text)
        if not ws:
            return np.zeros(len(offsets))
        probs = self.word_probs(ws)
        ends = np.array([e for _, e, _ in ws])
        which = np.clip(np.searchsorted(ends, offsets[:, 0], side="right"), 0, len(ws) - 1)
        return probs[which]


def mix(prob: np.ndarray, crf_prob: np.ndarray, weight: float, base: float) -> np.ndarray:
    """The token head's P(inside a span) plus the CRF's evidence relative to ``base``."""
    if weight <= 0:
        return prob
    return np.clip(prob + weight * (crf_prob - base), 0.0, 1.0)


def fit(items: Sequence[tuple[str, Sequence[tuple[int, int]]]], out: str | Path,
        c1: float = 0.1, c2: float = 0.05, iterations: int = 150) -> dict:
    """Fit on (article text, gold SI spans) pairs and write the crfsuite model to ``out``."""
    import pycrfsuite
    trainer = pycrfsuite.Trainer(verbose=False)
    n_words = 0
    for text, spans in items:
        ws = words(text)
        if ws:
            trainer.append(features(ws), labels(ws, spans))
            n_words += len(ws)
    trainer.set_params({"c1": c1, "c2": c2, "max_iterations": iterations})
    trainer.train(str(out))
    return {"articles": len(items), "words": n_words, "c1": c1, "c2": c2}
