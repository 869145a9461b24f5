"""The language of a document's report text: saidwhat reads English only, and says so.

py3langid (a naive Bayes over byte n-grams, 97 languages, offline) was chosen by measurement
over pycld2, lingua, langdetect and gcld3: docs/languages.md and
benchmarks/language_detectors.py. A document is refused only when it is clearly not English;
anything doubtful is analysed, because a false "not English" would drop a real article.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Optional

from saidwhat.errors import SaidwhatError

ENGLISH = "en"
# Fewer letters than this tell too little to refuse a text ("Le maire a dit non." is analysed).
MIN_LETTERS = 50
# A text is refused only when the detector gives English less than this probability
# (normalised over its 97 languages). The question is "English or not", so the doubt that
# counts is English's share, not the top language's: a Russian paragraph that might be
# Ukrainian or Bulgarian (top 0.87) is no less surely not English (English under 0.001).
MAX_ENGLISH_PROBABILITY = 0.1
# Only this much of the report text is read: the language of an article shows in its first
# pages, and a 5-million-character text costs no more than a long article (2.7 ms a 5,000).
SAMPLE_CHARS = 20_000
# A text the detector calls another language is still English when its English sentences
# hold at least this share of its letters: an English article quoting French at length.
ENGLISH_SHARE = 0.3
# Sentences with fewer letters are not counted in that share (too short to tell).
SENTENCE_LETTERS = 20

_LETTER = re.compile(r"[^\W\d_]")
# a sentence ends at . ! ? (a closing quote may follow) before white space, or at a line end
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"'”’»“]?\s+|\n+")


@lru_cache(maxsize=1)
def _identifier():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def _letters(text: str) -> int:
    return len(_LETTER.findall(text))


def detect(text: str) -> Optional[tuple[str, float]]:
    """``(ISO 639-1 code of the likeliest language, probability that it is English)`` of
    ``text``, or None when it has too few letters to tell."""
    sample = text[:SAMPLE_CHARS]
    if _letters(sample) < MIN_LETTERS:
        return None
    ranked = _identifier().rank(sample)
    return ranked[0][0], float(dict(ranked).get(ENGLISH, 0.0))


def english_share(text: str) -> float:
    """The share of letters in ``text``'s sentences (those long enough to tell) that the
    detector calls English; 0 when no sentence is long enough."""
    english = counted = 0
    for sentence in _SENTENCE_END.split(text[:SAMPLE_CHARS]):
        letters = _letters(sentence)
        if letters < SENTENCE_LETTERS:
            continue
        counted += letters
        if _identifier().classify(sentence)[0] == ENGLISH:
            english += letters
    return english / counted if counted else 0.0


def language_name(code: str) -> str:
    """The English name of a language code ("fr" -> "French"), from Babel's CLDR data."""
    from babel import Locale

    return Locale("en").languages.get(code, code)


def check_english(text: str) -> Optional[str]:
    """The language code found for ``text`` (None when too short to tell); raises the
    ``unsupported_language`` error when the text is confidently in another language."""
    found = detect(text)
    if found is None:
        return None
    code, english = found
    if code == ENGLISH or english >= MAX_ENGLISH_PROBABILITY:
        return code
    if english_share(text) >= ENGLISH_SHARE:
        return ENGLISH
    raise SaidwhatError("unsupported_language", language=language_name(code), iso=code)
