"""Figures stated inside statements: the number, what it counts, and its value."""
from __future__ import annotations

import re

from saidwhat.model import Figure

_SCALES = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12, "k": 1e3,
           "m": 1e6, "bn": 1e9}
_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
          "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "twenty": 20,
          "thirty": 30, "forty": 40, "fifty": 50, "hundred": 100, "dozen": 12, "dozens": 24}
_CURRENCY = {"$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY", "₽": "RUB"}
_NUMBER_ENTS = ("CARDINAL", "MONEY", "PERCENT", "QUANTITY")


def parse_value(words: list[str]) -> float | None:
    value = None
    for word in words:
        w = word.lower().replace(",", "").lstrip("$€£¥₽")
        if re.fullmatch(r"\d+(\.\d+)?", w):
            value = float(w) if value is None else value * float(w)
        elif w in _SCALES and value is not None:
            value *= _SCALES[w]
        elif w in _WORDS:
            value = _WORDS[w] if value is None else value * _WORDS[w]
    return value


def figures_in(doc, offset: int, start: int, end: int, statement: int | None,
               ents) -> list[Figure]:
    """Numbers in [start, end) of the text, with their unit: the noun they count ("100,000
    civilians"), the currency or "percent", and the participle or preposition that narrows
    them ("250,000 civilians remaining in Aleppo"), up to the first punctuation."""
    out: list[Figure] = []
    for ent in ents:  # the piece's Doc.ents, read once by the caller
        s, e = offset + ent.start_char, offset + ent.end_char
        if ent.label_ not in _NUMBER_ENTS or s < start or e > end:
            continue
        words = [t.text for t in ent]
        value = parse_value(words)
        if value is None:
            continue
        unit = None
        last = ent[-1]
        if ent.label_ == "MONEY":
            unit = next((code for sym, code in _CURRENCY.items() if sym in ent.text), "money")
        elif ent.label_ == "PERCENT":
            unit = "percent"
        head = last.head if last.dep_ in ("nummod", "quantmod", "compound") else None
        span_end = ent.end
        if head is not None and head.i >= ent.end and head.pos_ in ("NOUN", "PROPN"):
            unit = unit or head.lemma_.lower() if head.tag_ != "NNS" else unit or head.text.lower()
            span_end = head.i + 1
            for child in head.rights:
                if child.dep_ in ("acl", "prep") and child.i == span_end:
                    sub = list(child.subtree)
                    stop = next((t.i for t in sub if t.is_punct), sub[-1].i + 1)
                    span_end = stop
                    break
        tokens = doc[ent.start:span_end]
        fs, fe = offset + tokens.start_char, offset + tokens.end_char
        if fe > end:
            fe = end
        # (Span.text_with_ws, not Doc.text, which joins the whole piece on every access)
        out.append(Figure(text=tokens.text_with_ws[:fe - fs], value=value, unit=unit,
                          start=fs, end=fe, statement=statement))
    return out
