"""Speaker resolution: from the token that names a speaker to the person or organisation.

No pretrained coreference model can be loaded here, so this is a resolver over the parse and
the named entities, written for attribution: it only has to resolve statement subjects.

1. People are clusters of PERSON mentions sharing a surname; the cluster's name is its fullest
   mention; title, role and organisation come from the words around the first full mention
   ("Russian Defense Ministry Spokesman Major General Igor Konashenkov") or its apposition
   ("Igor Konashenkov, a spokesman for the ministry").
2. Names resolve to their cluster; pronouns (he, she, they, who) to the most salient compatible
   speaker before them; definite descriptions ("the general", "the spokesman", "the ministry")
   to the most recent person whose title or role holds that word, or organisation whose name does.
3. Anything else ("a source", "officials") is its own speaker, named by its words.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Optional

from spacy.tokens import Token

from saidwhat.attribute.lexicon import (ORG_WORDS, PERSON_DESCRIPTION_WORDS,
                                        PERSONAL_PRONOUNS, RELATIVE_PRONOUNS, ROLES, TITLE_WORDS,
                                        TITLES)
from saidwhat.model import Span, Speaker

_TITLE_WORDS = sorted(TITLES, key=lambda t: -len(t.split()))
_ROLE_WORDS = sorted(ROLES, key=lambda t: -len(t.split()))
_NAME_ENTS = ("PERSON",)


def slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


@dataclass
class Entity:
    """A person or organisation of one article, with what the text says about it."""
    kind: str  # PERSON | ORG | GROUP
    names: list[str] = field(default_factory=list)
    title: Optional[str] = None
    role: Optional[str] = None
    organization: Optional[str] = None
    last_seen: int = -1

    @property
    def name(self) -> str:
        return max(self.names, key=lambda n: (len(n.split()), len(n)))

    def speaker(self, mention: Optional[Span], mention_kind: str) -> Speaker:
        prefix = "person" if self.kind == "PERSON" else self.kind.lower()
        return Speaker(name=self.name, id=f"{prefix}:{slug(self.name)}", title=self.title,
                       role=self.role, organization=self.organization, type=self.kind,
                       mention=mention, mention_kind=mention_kind)


def _clean_name(text: str) -> str:
    text = re.sub(r"[’']s$", "", text.strip())
    return re.sub(r"\s+", " ", text).strip(" ,.")


class SpeakerResolver:
    """Walks an article in order; ``register`` every parsed piece first, then ``resolve``."""

    def __init__(self) -> None:
        self.people: dict[str, Entity] = {}  # surname -> person
        self.orgs: dict[str, Entity] = {}  # lower-cased name -> organisation
        self.mentions: list[tuple[int, Entity]] = []  # (offset, entity) of PERSON/ORG mentions
        self.last_speaker: Optional[Entity] = None

    # -- registration of named entities -------------------------------------------------------
    def register(self, doc, offset: int) -> None:
        ents = doc.ents  # walks the whole doc on every access: read it once
        for ent in ents:
            name = _clean_name(ent.text)
            if not name:
                continue
            if ent.label_ in _NAME_ENTS:
                person = self.person_for(name)
                if person.title is None and person.role is None:
                    self.describe(person, ent, ents)
                self.mentions.append((offset + ent.start_char, person))
            elif ent.label_ == "ORG":
                org = self.org_for(name)
                self.mentions.append((offset + ent.start_char, org))

    def person_for(self, name: str) -> Entity:
        words = name.split()
        surname = words[-1].lower()
        person = self.people.get(surname)
        if person is None:
            person = Entity("PERSON", [name])
            self.people[surname] = person
        else:
            known_first = {n.split()[0].lower() for n in person.names if len(n.split()) > 1}
            first = words[0].lower() if len(words) > 1 else None
            if first and known_first and first not in known_first and not first.endswith("."):
                # Another person with the same surname: keep them apart by full name.
                key = name.lower()
                person = self.people.setdefault(key, Entity("PERSON", [name]))
            if name not in person.names:
                person.names.append(name)
        return person

    def org_for(self, name: str) -> Entity:
        key = re.sub(r"^the\s+", "", name.lower())
        org = self.orgs.get(key)
        if org is None:
            org = Entity("ORG", [re.sub(r"^[Tt]he\s+", "", name)])
            self.orgs[key] = org
        return org

    def describe(self, person: Entity, ent, ents) -> None:
        """Title, role and organisation from the words before the name in its noun phrase,
        or from an apposition after it."""
        head = ent.root
        before = [t for t in head.subtree if t.i < ent.start and (
            t.dep_ in ("compound", "amod", "nmod", "poss", "case") or t.ent_type_)]
        words = " ".join(t.text for t in sorted(before, key=lambda t: t.i))
        orgs = [e for e in ents if e.label_ == "ORG" and e.end <= ent.start
                and e.text.split()[-1].lower() not in self.people
                and e.start >= (min((t.i for t in before), default=ent.start))]
        appos = [c for c in head.children if c.dep_ == "appos"]
        if appos and not words:
            words = " ".join(t.text for t in appos[0].subtree)
            orgs = [e for e in ent.doc.ents if e.label_ == "ORG"
                    and appos[0].left_edge.i <= e.start and e.end <= appos[0].right_edge.i + 1]
        org_text = orgs[0].text if orgs else None
        rest = words
        if org_text:
            person.organization = re.sub(r"^[Tt]he\s+", "", _clean_name(org_text))
            rest = rest.replace(org_text, " ")
        low = f" {rest.lower()} "
        for title in _TITLE_WORDS:
            m = re.search(rf"(?<=\s){re.escape(title)}(?=\s)", low)
            if m and person.title is None:
                person.title = rest[m.start() - 1:m.end() - 1].strip() or None
                low = low[:m.start()] + " " * (m.end() - m.start()) + low[m.end():]
        for role in _ROLE_WORDS:
            m = re.search(rf"(?<=\s){re.escape(role)}(?=\s)", low)
            if m and person.role is None:
                person.role = rest[m.start() - 1:m.end() - 1].strip() or None
                break

    # -- resolution -------------------------------------------------------------------------------
    def resolve(self, token: Optional[Token], mention: Optional[Span], offset: int,
                carried: bool = False) -> Speaker:
        if carried or token is None:
            if carried and self.last_speaker is not None:
                return self.last_speaker.speaker(None, "none")
            return Speaker(name="", id="", type="UNKNOWN", mention=mention, mention_kind="none")
        entity, kind = self.entity_for(token, offset)
        if entity is not None and kind == "name":
            self.mentions.append((offset + token.idx, entity))
        if entity is None:
            head = token
            if token.lower_ in RELATIVE_PRONOUNS and token.head.dep_ == "relcl":
                head = token.head.head  # "officials, who said …": the antecedent, not "who"
            # The head noun and its modifiers, without relative clauses or appositions.
            name = _clean_name(" ".join(t.text for t in head.subtree if t.i <= head.i)) \
                or _clean_name(mention.text if mention else token.text)
            return Speaker(name=name, id=f"description:{slug(name)}", type="GROUP",
                           mention=mention, mention_kind=kind)
        self.last_speaker = entity
        return entity.speaker(mention, kind)

    def entity_for(self, token: Token, offset: int) -> tuple[Optional[Entity], str]:
        lower = token.lower_
        position = offset + token.idx
        if lower in RELATIVE_PRONOUNS and token.head.dep_ == "relcl":
            return self.entity_for(token.head.head, offset)[0], "pronoun"
        if token.pos_ == "PRON" or lower in PERSONAL_PRONOUNS:
            return self.pronoun_antecedent(lower, position), "pronoun"
        # A single letter is an interview transcript's label ("Q: …", "A: …"), not a person:
        # it names the turn's speaker only as that label and is nobody's antecedent.
        if len(token.text) == 1 and token.is_upper:
            return None, "description"
        # A surname already known as a person's wins over the small model's entity label
        # ("Lindqvist said" tagged ORG after "Anna Lindqvist" was tagged PERSON).
        if token.pos_ == "PROPN" and token.lower_ in self.people:
            return self.people[token.lower_], "name"
        # A name: the entity that covers the subject token (or a word of its phrase).
        for t in [token] + [c for c in token.children if c.dep_ in ("compound", "appos")]:
            if t.ent_type_ in _NAME_ENTS:
                ent = next(e for e in token.doc.ents if e.start <= t.i < e.end)
                return self.person_for(_clean_name(ent.text)), "name"
            if t.ent_type_ == "ORG" or (t.ent_type_ in ("GPE", "NORP") and t.i == token.i):
                ent = next(e for e in token.doc.ents if e.start <= t.i < e.end)
                return self.org_for(_clean_name(ent.text)), "name"
        # the small model tags a lower-case noun after a quote as a proper noun ("…,” the
        # senator said): a name is capitalised, so that one is a description
        if token.pos_ == "PROPN" and not token.is_lower:
            name = _clean_name(" ".join(t.text for t in token.subtree
                                        if t.pos_ == "PROPN" and t.i <= token.i))
            if token.lower_ in ORG_WORDS:
                # "The Interior Ministry" with no entity from the model: still an organisation.
                return self.org_for(name or token.text), "name"
            return self.person_for(name or token.text), "name"
        return self.description_antecedent(token, position), "description"

    def pronoun_antecedent(self, pronoun: str, position: int) -> Optional[Entity]:
        gender = PERSONAL_PRONOUNS.get(pronoun)
        wanted = "PERSON" if gender in ("male", "female") else "ORG" if gender in (
            "plural", "neuter") else None
        if wanted is None:
            return None
        if self.last_speaker is not None and self.last_speaker.kind == wanted:
            return self.last_speaker
        for at, entity in sorted(self.mentions, key=lambda m: m[0], reverse=True):
            if at < position and entity.kind == wanted:
                return entity
        return None

    def description_antecedent(self, token: Token, position: int) -> Optional[Entity]:
        determiners = [c.lower_ for c in token.children if c.dep_ == "det"]
        if determiners and determiners[0] not in ("the", "this", "that"):
            return None  # "a source", "another official": a new, unnamed speaker
        if token.tag_ in ("NNS", "NNPS") and token.lower_ not in ORG_WORDS:
            return None
        word = token.lemma_.lower()
        if word in PERSON_DESCRIPTION_WORDS:
            candidates = [e for at, e in sorted(self.mentions, key=lambda m: m[0], reverse=True) if at < position
                          and e.kind == "PERSON"]
            if self.last_speaker is not None and self.last_speaker.kind == "PERSON":
                candidates.insert(0, self.last_speaker)
            for person in candidates:
                described = " ".join(filter(None, [person.title, person.role])).lower().split()
                if word in described or word in {TITLE_WORDS.get(w) for w in described}:
                    return person
            return None
        if word in ORG_WORDS:
            for at, entity in sorted(self.mentions, key=lambda m: m[0], reverse=True):
                if at < position and entity.kind == "ORG" and word in entity.name.lower():
                    return entity
        return None
