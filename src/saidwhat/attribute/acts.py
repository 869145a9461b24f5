"""Speech act and stance of a statement, from its cue and the words of its content."""
from __future__ import annotations

from typing import Optional

from spacy.tokens import Token

from saidwhat.attribute.lexicon import (DISMISSIVE_WORDS, NAMING_VERBS, PRAISE_WORDS,
                                        SPEECH_VERBS, WRONGDOING_LEMMAS)

_QUESTION_WORDS = {"whether", "why", "how", "what", "who", "when", "where", "if"}


def names_something(cue: Optional[Token]) -> bool:
    """Whether the cue verb names its object as something ("called the process a sham",
    "called the ban illegal", "described the report as biased") rather than asking for it
    ("called for an inquiry", "called on Congress to act")."""
    if cue is None:
        return False
    children = list(cue.children)
    if any(c.dep_ == "prep" and c.lower_ in ("for", "on", "upon") for c in children):
        return False
    if any(c.dep_ == "oprd" for c in children):
        return True
    if any(c.dep_ == "prep" and c.lower_ == "as" for c in children):
        return True
    if any(c.dep_ == "advcl" and any(m.lower_ == "as" for m in c.children) for c in children):
        return True
    if sum(c.dep_ == "dobj" for c in children) >= 2:
        return True
    dobj = next((c for c in children if c.dep_ == "dobj"), None)
    # "called the decision a joke" parsed with the name in apposition to the object
    return dobj is not None and any((t.lower_ == "as" and t.dep_ == "prep") or t.dep_ == "appos"
                                    for t in dobj.children)


def speech_act(cue_lemma: str, content_tokens, content_text: str,
               cue: Optional[Token] = None) -> tuple[str, str]:
    """(act, stance). The cue verb decides when it carries an act of its own ("denied",
    "dismissed"); calling something a name is a dismissal, an accusation or praise by what it
    is called ("called the process a sham"), never a demand; a neutral or distancing verb over
    content that ascribes violence, deceit or abuse to someone is an accusation; a question
    mark or a wh-clause makes a question."""
    act, stance = SPEECH_VERBS.get(cue_lemma, ("assertion", "neutral"))
    if cue_lemma == "quote":
        act, stance = "assertion", "neutral"
    lemmas = {t.lemma_.lower() for t in content_tokens} | {t.lower_ for t in content_tokens}
    if cue_lemma in NAMING_VERBS and names_something(cue):
        if lemmas & WRONGDOING_LEMMAS:
            return "accusation", stance
        if lemmas & PRAISE_WORDS:
            return "praise", stance
        if lemmas & DISMISSIVE_WORDS or cue_lemma in ("label", "brand", "dub"):
            return "dismissal", stance
        return ("attack" if act == "attack" else "assertion"), stance
    if act in ("assertion", "report"):
        if content_text.rstrip("”\"’' ").endswith("?") or (
                content_tokens and content_tokens[0].lower_ in _QUESTION_WORDS
                and cue_lemma in ("ask", "wonder", "question")):
            act = "question"
        elif lemmas & WRONGDOING_LEMMAS or "human shield" in content_text.lower():
            act = "accusation"
    return act, stance
