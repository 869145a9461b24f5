"""Every model an analysis runs, in one object: the spaCy pipeline, the attribution scorer,
the content and source CRFs and the technique tagger.

``load_models`` loads each once per process (each loader below keeps what it loaded, so two
``Models`` with different choices share their parts); ``pipeline.analyze`` takes the object
or loads the default one. Nothing is loaded at import time.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Optional

from saidwhat.attribute.contents import load_tagger as load_content_taggers
from saidwhat.attribute.scorer import AttributionScorer, load_scorer
from saidwhat.nlp import get_nlp


@dataclass(frozen=True)
class Models:
    nlp: Any                                  # spacy.language.Language
    scorer: Optional[AttributionScorer]       # None: rule statements only
    content_taggers: Optional[tuple]          # (content CRF, source CRF or None); None: rules
    tagger: Any = None                        # rhetoric.tagger.Tagger; None: no techniques
    # why ``tagger`` is None when techniques were asked for (the model files are missing,
    # onnxruntime is not installed): each analysis says so instead of failing
    tagger_unavailable: Optional[str] = None


@lru_cache(maxsize=8)
def load_models(*, techniques: bool = True, learned_candidates: bool = True,
                learned_contents: bool = True, content_model: Optional[str] = None,
                tagger_threads: Optional[int] = None) -> Models:
    """The models for these choices. ``tagger_threads``: onnxruntime threads for the tagger
    (None: SAIDWHAT_THREADS, else every core)."""
    scorer = load_scorer() if learned_candidates else None
    # the CRFs read the scorer's candidates (stacking): without the scorer they have no input
    content_taggers = (load_content_taggers(content_model)
                       if learned_contents and scorer is not None else None)
    tagger, unavailable = None, None
    if techniques:
        tagger, unavailable = _technique_tagger(tagger_threads)
    return Models(nlp=get_nlp(), scorer=scorer, content_taggers=content_taggers,
                  tagger=tagger, tagger_unavailable=unavailable)


def _technique_tagger(threads: Optional[int]):
    try:
        from saidwhat.rhetoric import tagger
    except ImportError as exc:  # the run time without onnxruntime or tokenizers
        return None, str(exc)
    try:
        return tagger.load_tagger(threads), None
    except tagger.TaggerUnavailable as exc:
        return None, str(exc)
