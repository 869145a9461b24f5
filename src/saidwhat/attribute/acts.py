"""Speech act and stance of a statement, from its cue and the words of its content."""
from __future__ import annotations

from saidwhat.attribute.lexicon import SPEECH_VERBS, WRONGDOING_LEMMAS

_QUESTION_WORDS = {"whether", "why", "how", "what", "who", "when", "where", "if"}


def speech_act(cue_lemma: str, content_tokens, content_text: str) -> tuple[str, str]:
    """(act, stance). The cue verb decides when it carries an act of its own ("denied",
    "dismissed"); a neutral or distancing verb over content that ascribes violence, deceit or
    abuse to someone is an accusation; a question mark or a wh-clause makes a question."""
    act, stance = SPEECH_VERBS.get(cue_lemma, ("assertion", "neutral"))
    if cue_lemma == "quote":
        act, stance = "assertion", "neutral"
    if act in ("assertion", "report"):
        lemmas = {t.lemma_.lower() for t in content_tokens} | {t.lower_ for t in content_tokens}
        if content_text.rstrip("”\"’' ").endswith("?") or (
                content_tokens and content_tokens[0].lower_ in _QUESTION_WORDS
                and cue_lemma in ("ask", "wonder", "question")):
            act = "question"
        elif lemmas & WRONGDOING_LEMMAS or "human shield" in content_text.lower():
            act = "accusation"
    return act, stance
