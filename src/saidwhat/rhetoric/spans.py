"""Technique spans a reader accepts (issue 14): what the tagger's decoded spans must be before
they are reported. Pure functions over the text the tagger reads, its candidate spans and their
technique probabilities; no parse (the tagger runs without spaCy's model).

A reported span

* lies on word boundaries: it neither starts nor ends inside a word, and leading and trailing
  spaces and punctuation are trimmed the way PTC's gold spans are (``trim``: of 6,128 gold
  spans none ends in ``.``, ``,``, ``;`` or ``:``, 270 end in a closing quotation mark, 104 in
  ``?``, ``!`` or ``...``; an opening quotation mark starts 86 spans holding its closing one,
  and 8 without);
* lies inside one paragraph (``clean.paragraphs``: a line of the text, hard wraps joined, as
  the report blocks are read): a longer span is cut at paragraph breaks and each part must
  stand on its own (0 of the gold spans cross a blank line; the text the tagger reads in
  ``analyze`` is a report piece, cut at paragraph ends, so offsets map back by the piece's
  start and no span crosses a piece);
* holds at least one content word (``content_words``): a word of letters or digits that is not
  on spaCy's English stop-word list. A span of function words and punctuation only ("In",
  "and", "in the") is dropped. This costs little: 76 of the 6,128 gold spans (1.2%; "our" as
  flag-waving, "never" as repetition) hold no content word;
* is labelled Repetition only where one of its content words recurs in the text
  (``recurs``; see ``without_unrepeated_repetition``).
"""
from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from functools import cached_property
from typing import Callable, Optional, Sequence

import numpy as np
from spacy.lang.en.stop_words import STOP_WORDS  # a word list: no model is loaded

from saidwhat.clean import paragraphs
from saidwhat.rhetoric import core

REPETITION = "Repetition"

# a word: letters and digits, with inner apostrophes ("don't", "Russia's")
WORD = re.compile(r"[^\W_]+(?:['’‘][^\W_]+)*")
# clitics that spaCy's stop-word list holds on their own ("n't", "'s"): "it's" is two stop words
_CLITIC = re.compile(r"(.+?)(n't|'s|'re|'ve|'ll|'d|'m)$")
_CLITIC_BASE = {"wo": "will", "ca": "can", "ai": "be"}  # "won't", "can't", "ain't"

# an opening mark stays at a span's start only when its closing one is in the span
_OPENERS = {"“": "”", '"': '"', "‘": "’", "'": "'", "(": ")", "[": "]"}
# a span may end in a closing quotation mark (a quotation's last words; PTC gold does so
# whether or not the opening mark is in the span), or in ? ! ... (a question, an exclamation)
_FINAL = set("”\"’'?!…")
_BRACKETS = {")": "(", "]": "["}


def _norm(word: str) -> str:
    return word.lower().replace("’", "'").replace("‘", "'")


def is_function_word(word: str) -> bool:
    """A word on spaCy's English stop-word list, or a stop word with a clitic ("it's",
    "don't")."""
    w = _norm(word)
    if w in STOP_WORDS:
        return True
    m = _CLITIC.match(w)
    return bool(m) and _CLITIC_BASE.get(m.group(1), m.group(1)) in STOP_WORDS


def content_words(text: str) -> list[str]:
    """The words of ``text`` that are not function words, lower-cased."""
    return [_norm(w) for w in WORD.findall(text) if not is_function_word(w)]


def on_words(text: str, start: int, end: int) -> tuple[int, int]:
    """The span moved onto word boundaries: the decoding widens spans over letters and digits,
    which leaves two cuts at apostrophes. An end before the "n't" of "don't" takes it in; a
    start on the clitic of a word ("s" of "Russia's") moves past it. A span ending before a
    possessive ("Russia" of "Russia's") is left as it is: PTC gold spans do end there."""
    if (end + 1 < len(text) and text[end - 1:end] in "nN" and text[end] in "'’"
            and text[end + 1] in "tT" and not text[end + 2:end + 3].isalnum()):
        end += 2
    if start >= 2 and text[start - 1] in "'’" and text[start - 2].isalnum():
        while start < end and text[start].isalnum():
            start += 1
    return start, end


def trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Leading and trailing spaces and punctuation off the span, as PTC's gold spans have
    them: a start may be a hashtag's ``#`` or an opening quotation mark or bracket whose
    closing one is in the span; an end may be a closing quotation mark, ``?``, ``!``, ``...``
    or a closing bracket whose opening one is in the span."""
    while start < end:
        c = text[start]
        if c.isalnum() or (c == "#" and text[start + 1:start + 2].isalnum()) \
                or (c in _OPENERS and _OPENERS[c] in text[start + 1:end]):
            break
        start += 1
    while end > start:
        c = text[end - 1]
        if c.isalnum() or c in _FINAL or (c in _BRACKETS and _BRACKETS[c] in text[start:end - 1]):
            break
        end -= 1
    return start, end


def _cut_at_paragraphs(paras: list[tuple[int, int]], start: int, end: int):
    """The parts of [start, end) inside each paragraph it overlaps."""
    i = max(bisect_right(paras, (start, float("inf"))) - 1, 0)
    while i < len(paras) and paras[i][0] < end:
        s, e = max(start, paras[i][0]), min(end, paras[i][1])
        if s < e:
            yield s, e
        i += 1


def token_peak(enc: core.Encoded, prob: np.ndarray) -> Callable[[int, int], float]:
    """(start, end) -> the highest P(piece inside a span) of the pieces over those characters."""
    def peak(start: int, end: int) -> float:
        r = core.token_range(enc, start, end)
        return float(prob[r[0]:r[1] + 1].max()) if r is not None else 0.0
    return peak


class TextWords:
    """What the rules read of the whole text, each computed once and only when a rule needs
    it: ``tag()`` applies the rules to its spans and again to their cores, over one text."""

    def __init__(self, text: str):
        self.text = text

    @cached_property
    def paragraphs(self) -> list[tuple[int, int]]:
        return paragraphs(self.text)

    @cached_property
    def counts(self) -> Counter:
        return word_counts(self.text)


def accepted(text: str, found: Sequence[tuple[int, int, float]],
             peak: Callable[[int, int], float], high: float,
             min_chars: int = 1, words: Optional[TextWords] = None
             ) -> list[tuple[int, int, float]]:
    """The decoded spans (start, end, score) as a reader accepts them: cut at paragraph breaks,
    on word boundaries, trimmed, each holding a content word and at least ``min_chars`` letters
    or digits. A part's score is ``peak`` over its own characters (the highest piece
    probability), and a part whose peak is under ``high`` is dropped, as the decoding drops a
    run without a piece at ``high``."""
    paras = (words or TextWords(text)).paragraphs
    out = []
    for s0, e0, _ in found:
        for s, e in _cut_at_paragraphs(paras, s0, e0):
            s, e = trim(text, *on_words(text, *trim(text, s, e)))
            span = text[s:e]
            if not content_words(span) or sum(c.isalnum() for c in span) < max(1, min_chars):
                continue
            p = peak(s, e)
            if p >= high:
                out.append((s, e, p))
    return out


def _stem(word: str) -> str:
    """A light stem, so that inflections count as the same word ("threat", "threats";
    "demonized", "demonizing"): a plural, past or gerund ending off."""
    for suffix in ("ing", "ed", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[:-len(suffix)]
    return word


def recurs(span_text: str, counts: Counter) -> bool:
    """Whether a content word of the span occurs at least twice in the text whose stemmed
    content-word ``counts`` are given: elsewhere, or twice in the span ("big, big problem")."""
    return any(counts[_stem(w)] >= 2 for w in content_words(span_text))


def word_counts(text: str) -> Counter:
    """How often each stemmed content word occurs in ``text`` (each distinct word judged once)."""
    counts: Counter = Counter()
    for word, n in Counter(WORD.findall(_norm(text))).items():
        if not is_function_word(word):
            counts[_stem(word)] += n
    return counts


def without_unrepeated_repetition(text: str, spans: Sequence[tuple[int, int]],
                                  probs: np.ndarray, techniques: Sequence[str],
                                  words: Optional[TextWords] = None) -> np.ndarray:
    """``probs`` [n_spans, n_techniques] with Repetition's probability set to 0 where none of
    the span's content words recurs in the text.

    PTC defines Repetition as repeating the same message over and over; a span whose words
    occur nowhere else is not repeated, whatever the classifier says (it marked "In" and
    "historical" so). Such a span takes its next most likely technique rather than being
    dropped: the span identification still found propaganda there, and the next technique is
    the classifier's own second choice (on the PTC validation split, FLC F1 0.4285 relabelling
    against 0.4288 dropping: 6 spans, no measurable difference). The probabilities are not renormalised, so a second
    technique is added only as before, when the model gives it at least the usual share.
    In PTC 577 of the 621 gold Repetition spans have a content word that recurs in the
    article; of the other 44, 18 hold no content word at all. "The text" is what the tagger
    reads: in ``analyze``, a report piece, a news article's whole report."""
    if REPETITION not in techniques or not len(spans):
        return probs
    k = list(techniques).index(REPETITION)
    # only a span with Repetition among its two likeliest techniques can be labelled so; the
    # text's words are counted only when there is one (counting is most of this rule's time)
    rows = [i for i in range(len(spans)) if (probs[i] > probs[i, k]).sum() < 2]
    if not rows:
        return probs
    counts = (words or TextWords(text)).counts
    out = probs.copy()
    for i in rows:
        s, e = spans[i]
        if not recurs(text[s:e], counts):
            out[i, k] = 0.0
    return out
