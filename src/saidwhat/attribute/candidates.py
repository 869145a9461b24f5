"""Candidate attributions beyond the cue lexicon, and their features for the learned scorer.

The rules in extract.py find speech (said, claimed, denied …). News attribution is wider:
positions ("backed Sanders"), intentions ("would vote for Trump"), findings ("polls show …"),
headlines ("Cruz: Trump would …"). For every verb that the rules left alone, each way its
arguments could hold content (clausal complement, infinitive, object, prepositional object,
adjacent quote) becomes a candidate; scorer.py decides, with weights learnt from PolNeAR train
(see ``saidwhat train attribution``), which ones are attributions.
"""
from __future__ import annotations

from bisect import bisect_left

from dataclasses import dataclass
from typing import Optional

from spacy.tokens import Token

from saidwhat.attribute.lexicon import BELIEF_VERBS, DOCUMENT_WORDS, ISSUED_WORDS, SPEECH_VERBS

_PREPS = {"about", "for", "to", "on", "against", "of", "with", "at", "over", "as"}
_PERSON_LIKE = {"PERSON", "ORG", "NORP", "GPE"}
_WRITTEN_WORDS = ISSUED_WORDS | DOCUMENT_WORDS  # what a source publishes


@dataclass
class Candidate:
    cue: Token
    option: str  # ccomp | xcomp | dobj | prep | quote | headline
    content: tuple[int, int]
    kind: str
    subject: Optional[Token]
    features: dict[str, float]
    # The speaker's words when they are not the subject's subtree (a headline's "Name:").
    mention: Optional[tuple[int, int]] = None


def _bucket(n: int) -> str:
    for limit in (2, 4, 8, 16, 32, 64):
        if n <= limit:
            return str(limit)
    return "more"


def subject_kind(subject: Optional[Token]) -> str:
    if subject is None:
        return "none"
    if subject.pos_ == "PRON":
        return "pron:" + subject.lower_
    if subject.ent_type_:
        return "ent:" + subject.ent_type_
    return subject.pos_.lower()


def features(reader, cue: Token, option: str, content: tuple[int, int], kind: str,
             subject: Optional[Token], extra: Optional[dict] = None,
             lemma: Optional[str] = None) -> dict[str, float]:
    lemma = lemma or cue.lemma_.lower()
    lexicon = "speech" if lemma in SPEECH_VERBS else "belief" if lemma in BELIEF_VERBS else "other"
    text = reader.text[content[0]:content[1]]
    words = text.split()
    subj = subject_kind(subject)
    has_neg = any(c.dep_ == "neg" for c in cue.children)
    aux = [c.lemma_.lower() for c in cue.children if c.dep_ in ("aux", "auxpass")]
    f = {
        "bias": 1.0,
        f"opt={option}": 1.0,
        f"lemma={lemma}": 1.0,
        f"lemma_opt={lemma}|{option}": 1.0,
        f"lex_opt={lexicon}|{option}": 1.0,
        f"dep={cue.dep_}": 1.0,
        f"tag={cue.tag_}": 1.0,
        f"subj={subj}": 1.0,
        f"subj_opt={subj.split(':')[0]}|{option}": 1.0,
        f"kind={kind}": 1.0,
        f"len={_bucket(len(words))}": 1.0,
        f"len_opt={_bucket(len(words))}|{option}": 1.0,
        f"first={words[0].lower() if words else ''}": 1.0,
        f"neg={has_neg}": 1.0,
        f"cue_in_quote={reader.inside_quote(cue)}": 1.0,
        f"sent_start={cue.is_sent_start or cue.i == cue.sent.start}": 1.0,
    }
    # What the content is: a clause (has a verb of its own), a bare noun phrase, a name.
    local = reader.tokens_in(content)
    if local is not None and len(local):
        root = local.root
        f[f"croot={root.pos_}"] = 1.0
        f[f"opt_croot={option}|{root.pos_}"] = 1.0
        f[f"cverb={any(t.pos_ in ('VERB', 'AUX') for t in local)}"] = 1.0
        f[f"cents={'+'.join(sorted(_labels_within(reader, local.start, local.end))[:2]) or 'none'}"] = 1.0
    for a in aux:
        f[f"aux={a}"] = 1.0
    for key, value in (extra or {}).items():
        f[key] = value
    return f


def _labels_within(reader, start: int, end: int) -> set[str]:
    """Labels of the entities wholly inside tokens ``start:end``, found by bisection: a scan
    of every entity of the piece for each candidate made long texts quadratic."""
    bounds = reader.ent_bounds
    i = bisect_left(reader.ent_starts, start)
    labels = set()
    while i < len(bounds) and bounds[i][0] < end:
        if bounds[i][1] <= end:
            labels.add(bounds[i][2])
        i += 1
    return labels


def candidates_for(reader, verb: Token) -> list[Candidate]:
    """Every reading of ``verb``'s arguments as the content of an attribution."""
    out: list[Candidate] = []
    subject = reader.subject_of(verb)
    children = list(verb.children)

    def add(option, tokens, extra=None):
        content, kind = reader.shape_content(list(tokens), verb)
        if content is None or content[1] - content[0] < 2:
            return
        out.append(Candidate(verb, option, content, kind, subject,
                             features(reader, verb, option, content, kind, subject, extra)))

    for child in children:
        if child.dep_ == "ccomp":
            add("ccomp", [t for t in child.subtree if not (
                t.dep_ == "mark" and t.head.i == child.i and t.lower_ == "that")])
        elif child.dep_ == "xcomp":
            add("xcomp", child.subtree)
        elif child.dep_ == "dobj":
            if child.lemma_.lower() in _WRITTEN_WORDS and any(
                    c.dep_ == "relcl" for c in child.children):
                continue  # "published a blog post that said …": the post's verb is the cue
            person = child.ent_type_ in _PERSON_LIKE or child.pos_ == "PRON"
            obj_features = {f"obj_person={person}": 1.0, f"obj_pos={child.pos_}": 1.0}
            add("dobj", child.subtree, obj_features)
            # "criticized voters for not supporting him", "hailed the vote as fantastic":
            # the object with the verb's complements that follow it.
            right = _right_arguments(verb, child)
            if right:
                add("dobj_right", list(child.subtree) + right, obj_features)
        elif child.dep_ == "prep" and child.lower_ in _PREPS:
            objs = [c for c in child.children if c.dep_ in ("pobj", "pcomp")]
            if objs:
                add("prep", objs[0].subtree, {f"prep={child.lower_}": 1.0,
                                              f"lemma_prep={verb.lemma_.lower()}|{child.lower_}": 1.0})
    content, kind = reader.adjacent_quote(verb, subject)
    if content is not None:
        out.append(Candidate(verb, "quote", content, kind, subject,
                             features(reader, verb, "quote", content, kind, subject)))
    return out


_RIGHT_ARG_DEPS = {"prep", "xcomp", "oprd", "ccomp", "advcl", "dative", "acomp"}


def _right_arguments(verb: Token, obj: Token) -> list[Token]:
    """Tokens of the verb's complements after its object, up to a comma or conjunction."""
    tokens: list[Token] = []
    for child in verb.rights:
        if child.i <= obj.i:
            continue
        if child.dep_ in ("punct", "cc", "conj") or child.dep_ not in _RIGHT_ARG_DEPS:
            break
        tokens.extend(child.subtree)
    return tokens


def headline_candidate(reader, sent) -> Optional[Candidate]:
    """"Cruz: Trump would put liberals on the court." A line that opens with a short name or
    noun phrase and a colon, the headline form of attribution."""
    colon = next((t for t in sent if t.text == ":"), None)
    if colon is None or colon.i - sent.start > 6 or colon.i == sent.start:
        return None
    head_words = sent.doc[sent.start:colon.i]
    line_start = reader.text.rfind("\n", 0, reader.start(head_words[0])) + 1
    if reader.text[line_start:reader.start(head_words[0])].strip():
        return None
    if not any(t.pos_ in ("PROPN", "NOUN") for t in head_words):
        return None
    source = head_words.root
    line_end = reader.text.find("\n", reader.end(colon))
    line_end = len(reader.text) if line_end == -1 else line_end
    start, end = reader.trim(reader.end(colon), min(line_end, reader.end_offset))
    if end - start < 8:
        return None
    content, kind = reader.fit_quotes(start, end)
    extra = {f"head_pos={source.pos_}": 1.0, f"head_ent={source.ent_type_ or 'none'}": 1.0,
             f"head_len={len(head_words)}": 1.0}
    return Candidate(colon, "headline", content, kind, source,
                     features(reader, colon, "headline", content, kind, source, extra),
                     mention=reader.trim(*reader.span_of(head_words)))
