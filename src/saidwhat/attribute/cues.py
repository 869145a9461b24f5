"""Cue words: which tokens introduce speech, read off the parse and the cue lexicon."""
from __future__ import annotations

from functools import lru_cache

from spacy.tokens import Token

from saidwhat.attribute.lexicon import BELIEF_VERBS, SPEECH_VERBS
from saidwhat.attribute.quotes import CLOSERS, STRAIGHT

_IRREGULAR = {"say": ["said"], "tell": ["told"], "write": ["wrote", "written"],
              "find": ["found"], "show": ["shown"], "think": ["thought"], "feel": ["felt"],
              "know": ["knew", "known"], "understand": ["understood"], "bet": ["bet"]}


def _forms(lemma: str) -> set[str]:
    stem = lemma[:-1] if lemma.endswith("e") else lemma
    past = lemma + "d" if lemma.endswith("e") else (
        lemma[:-1] + "ied" if lemma.endswith("y") and lemma[-2] not in "aeiou" else lemma + "ed")
    third = lemma + "es" if lemma.endswith(("s", "sh", "ch", "x")) else (
        lemma[:-1] + "ies" if lemma.endswith("y") and lemma[-2] not in "aeiou" else lemma + "s")
    return {lemma, past, third, stem + "ing", *_IRREGULAR.get(lemma, [])}


@lru_cache(maxsize=1)
def _form_to_lemma() -> dict[str, str]:
    table: dict[str, str] = {}
    for lemma in list(SPEECH_VERBS) + sorted(BELIEF_VERBS):
        for form in _forms(lemma):
            table.setdefault(form, lemma)
    return table


def repaired_lemma(token: Token) -> str | None:
    """A cue verb that lost its first letter where a closing quote mark was glued to it.

    Web text drops characters at such joins (‘“cinema,”aying that …’); the only evidence is the
    missing space after the quote mark, so the repair is tried there and nowhere else.
    """
    if token.i == 0 or not token.is_alpha or not token.is_lower:
        return None
    before = token.doc[token.i - 1]
    if before.whitespace_ or before.text not in (CLOSERS | {STRAIGHT}):
        return None
    for form, lemma in _form_to_lemma().items():
        if len(form) == len(token.text) + 1 and form[1:] == token.lower_:
            return lemma
    return None


def cue_lemma(token: Token) -> str | None:
    """The cue lemma of a verb token, or None when it does not report speech or thought."""
    if not (token.tag_.startswith("VB") or token.pos_ == "VERB"):
        return repaired_lemma(token) if token.tag_ not in ("IN", "DT", "CC") else None
    lemma = token.lemma_.lower()
    if lemma in SPEECH_VERBS or lemma in BELIEF_VERBS:
        if lemma == "point" and not any(c.dep_ == "prt" and c.lower_ == "out"
                                        for c in token.children):
            return None
        return lemma
    return repaired_lemma(token)


def cue_tokens(token: Token) -> list[Token]:
    """The words of the cue: the verb with its particle ("pointed out") or "according to"."""
    words = [token]
    words += [c for c in token.children if c.dep_ == "prt"]
    return sorted(words, key=lambda t: t.i)
