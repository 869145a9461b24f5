"""What looks like a statement and is not one, decided after the statements are found.

The rules and the learnt scorer find every clause a verb could report; a reader of "who said
what" wants only what someone said, thought or perceived. Three general cases are not:

* a refusal to speak ("declined to comment", "refused to say when …") reports a speech act
  with no content: it stays, as a ``summary``;
* a thought with no one thinking it ("which is expected to lay off …", "is viewed as"): an
  agentless passive names nobody;
* a content whose "speaker" is a word that names nobody ("this shows …", "nothing indicated
  …", "you want to …");
* a decision ("agreed to …", "voted to …");
* a learnt candidate of a verb whose candidates are mostly wrong even by PolNeAR's wide measure
  of attribution ("rolled out", "struggled to", "included"; the list and its numbers are in
  lexicon.py), or one with no source in its sentence (the scorer guessed an attribution that
  no one makes: "stocked …", "Wondering how …").
"""
from __future__ import annotations

import re
from typing import Optional

from saidwhat.attribute.lexicon import THOUGHT_VERBS, UNRELIABLE_CANDIDATE_VERBS

_REFUSALS = {"decline", "refuse"}
_NOT_SAYING = re.compile(
    r"^to (comment|say|elaborate|discuss|speak|answer|respond|confirm|deny|detail|disclose|"
    r"reveal|explain|talk|specify|identify|name|give|provide|offer)\b", re.I)
_NOBODY = {"this", "these", "those", "nothing", "something", "anything", "everything", "none",
           "you", "all"}


def refusal(cue_lemma: str, content_text: str) -> bool:
    """"declined to comment": a speech act reported without content (a summary)."""
    return cue_lemma in _REFUSALS and bool(_NOT_SAYING.match(content_text.strip()))


def names_nobody(cue_lemma: str, speaker_token, carried: bool, cue=None) -> bool:
    """A statement no one makes: an agentless thought ("is expected to", "which is believed
    to be": the passive's subject is what is thought, not who thinks it), or a "speaker"
    that is no one."""
    if carried:
        return False
    if cue_lemma in THOUGHT_VERBS and (speaker_token is None or (
            cue is not None and any(c.dep_ in ("auxpass", "nsubjpass") for c in cue.children)
            and not any(c.dep_ == "agent" for c in cue.children))):
        return True
    if speaker_token is None:
        return False
    return speaker_token.lower_ in _NOBODY and speaker_token.pos_ in ("PRON", "DET")


def unreliable(cue_lemma: str, learnt: bool, speaker_token=None, carried: bool = False,
               option: Optional[str] = None, confidence: float = 1.0) -> bool:
    """A candidate the learnt scorer kept for a verb it is mostly wrong about; one that no one
    in its sentence is said to make (the scorer guessed an attribution without a source:
    "stocked …", "Wondering how …"); or an infinitive it doubts ("planned to …", "aims to …":
    an intention or an action more often than something said — on speakers-dev none of eight
    such candidates under 0.5 was a statement, on PolNeAR dev half of 28)."""
    if not learnt:
        return False
    return (cue_lemma in UNRELIABLE_CANDIDATE_VERBS or (speaker_token is None and not carried)
            or (option == "xcomp" and confidence < _DOUBTED_INFINITIVE))


_DOUBTED_INFINITIVE = 0.5  # below this, a learnt infinitive content is dropped
_DECISION_VERBS = {"agree", "decide", "vote", "opt", "resolve", "elect", "choose"}


def decision(cue_lemma: str, content_text: str) -> bool:
    """"agreed to inject $6.5 billion", "voted to approve": a decision, not a statement ("agreed
    that …" still reports what was said)."""
    return cue_lemma in _DECISION_VERBS and content_text.lstrip().lower().startswith("to ")


def verdict(cue_lemma: str, content_text: Optional[str], speaker_token, carried: bool,
            cue=None, learnt: bool = False, option: Optional[str] = None,
            confidence: float = 1.0) -> str:
    """What becomes of a found statement: ``"drop"`` (no statement at all), ``"summary"`` (a
    speech act without content) or ``"keep"``. ``learnt``: a candidate of the learnt scorer,
    read as ``option`` ("dobj", "xcomp", …) with probability ``confidence``."""
    if names_nobody(cue_lemma, speaker_token, carried, cue) \
            or unreliable(cue_lemma, learnt, speaker_token, carried, option, confidence) \
            or (content_text and decision(cue_lemma, content_text)):
        return "drop"
    if content_text and refusal(cue_lemma, content_text):
        return "summary"
    return "keep"
