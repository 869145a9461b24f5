"""The channel of a statement: was it said (speech), thought or perceived?

Read off the cue lemma, and for the verbs that are perception when a document or a study is
their subject but speech when a person is ("the report revealed", "the minister revealed"),
off the speaker's head noun. General lexicons only (lexicon.py).
"""
from __future__ import annotations

from typing import Optional

from saidwhat.attribute.lexicon import (DOCUMENT_WORDS, PERCEPTION_VERBS,
                                        PERCEPTION_VERBS_OF_DOCUMENTS, THOUGHT_VERBS)


def channel_of(cue_lemma: str, speaker_head: Optional[str]) -> str:
    """``speech`` | ``thought`` | ``perception`` for a statement with cue ``cue_lemma``
    ("according to" and a bare quote are speech) whose speaker's head noun is
    ``speaker_head`` (lower-cased lemma, or None)."""
    if cue_lemma in THOUGHT_VERBS:
        return "thought"
    if cue_lemma in PERCEPTION_VERBS:
        return "perception"
    if cue_lemma in PERCEPTION_VERBS_OF_DOCUMENTS and speaker_head in DOCUMENT_WORDS:
        return "perception"
    return "speech"
