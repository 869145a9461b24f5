"""Speaker resolution: from the token that names a speaker to the person or organisation.

No pretrained coreference model can be loaded here, so this is a resolver over the parse and
the named entities of the whole article, written for attribution: it only has to resolve
statement subjects. Every parsed piece is registered first (``register``), so that a name or
an acronym is resolved with what the whole article says; statements then take their speakers
in text order (``resolve``), which is what recency and salience need.

1. People are clusters of person names sharing a surname (honorifics dropped: "Ms Brodin" is
   Brodin). The names come from the model's PERSON entities and from runs of proper nouns
   the model left untagged ("Anna-Lena Brodin", "Coach (Frank) Wexler"); a cluster is named by
   its fullest name. A bare given-name-first form ("Wang" after "Wang Lihua") joins the one
   cluster it begins. Title, role and organisation come from the person's own premodifiers
   ("Ruritanian Defence Ministry Spokesman Major General Ivan Petrenko") or apposition
   ("Ivan Petrenko, a spokesman for the ministry"); gender from the article's evidence
   (Mr./Ms., gendered role nouns, pronouns already resolved to the person).
2. Organisations keep their full form ("the U.S. Attorney's Office for the Northern District of
   Ohio"); an acronym joins the organisation whose initials it is ("FPS" -> "Forests and
   Parks Service", "VW" -> "Volkswagen").
3. Pronouns: "he"/"she" to the nearest compatible person mentioned before them in the same
   sentence, else the last speaker, else the most recent person; "they" to the last speaker
   when it is a group or an organisation, else the most recent group or organisation; "it" to
   an organisation.
4. Definite descriptions ("the general", "the mayor", "the company", "the report") to the
   person whose title, role or description holds the head noun, the organisation the noun
   fits, or the earlier description with the same head ("a recent report by …" … "the
   report"); unresolved ones are kept as the description, named by their noun phrase with
   its modifiers (not its relative clauses, appositions or dates), and can be referred back to.
"""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right, insort
from itertools import chain, islice
from dataclasses import dataclass, field
from typing import Optional

from spacy.tokens import Token

from saidwhat.attribute.lexicon import (COMPANY_WORDS, COMPILED_WORDS, DOCUMENT_WORDS,
                                        FEMALE_WORDS, HONORIFICS, ISSUED_WORDS, MALE_WORDS,
                                        ORG_WORDS, PERSON_DESCRIPTION_WORDS, PERSONAL_PRONOUNS,
                                        RELATIVE_PRONOUNS, ROLE_SYNONYMS, ROLES,
                                        SHORT_STATE_NAMES, TEAM_WORDS, TITLE_WORDS, TITLES)
from saidwhat.model import Span, Speaker
from saidwhat.names import fold, given_match, given_name_gender, parse_name

_TITLE_WORDS = sorted(TITLES, key=lambda t: -len(t.split()))
_ROLE_WORDS = sorted(ROLES, key=lambda t: -len(t.split()))
_NAME_ENTS = ("PERSON",)
_WEB_DOMAINS = (".com", ".org", ".net", ".io", ".co.uk")
_SALIENT_WINDOW = 3  # people last seen among whom a far pronoun takes the most named
_OTHER_ENTS = ("ORG", "GPE", "NORP", "LOC", "FAC", "EVENT", "PRODUCT", "WORK_OF_ART", "LAW",
               "DATE", "TIME")
_DEFINITE = {"the", "this", "that", "these", "those"}
# Modifiers of a description that say when or where something happened, not what it is.
_CIRCUMSTANCE_ENTS = {"DATE", "TIME"}
_GIVEN_NAME_RUN = 2  # at most this many untagged capitalised words before a surname are names
_NOT_NAME_POS = ("VERB", "AUX", "ADP", "DET", "PRON", "ADV", "SCONJ", "CCONJ", "PART")
_PRONOUN_GENDER = {"he": "male", "him": "male", "his": "male", "himself": "male",
                   "she": "female", "her": "female", "hers": "female", "herself": "female"}
_LEFT_SKIPPED = ("advmod", "cc", "preconj", "punct")
_RIGHT_KEPT = ("pobj", "agent", "amod", "compound", "nummod", "poss", "case", "pcomp", "quantmod")


def slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


@dataclass
class Entity:
    """A person, organisation or described group of one article, with what the text says."""
    kind: str  # PERSON | ORG | GROUP
    names: list[str] = field(default_factory=list)
    title: Optional[str] = None
    role: Optional[str] = None
    organization: Optional[str] = None
    gender: Optional[str] = None  # male | female, from the article's own evidence
    name_gender: Optional[str] = None  # what the given name suggests (census lists), weaker
    descriptors: set[str] = field(default_factory=set)  # lower-cased words that describe it
    head: Optional[tuple[str, bool]] = None  # a description's head noun: (lemma, plural)
    votes: dict[str, int] = field(default_factory=dict)  # gendered pronouns after its mentions
    members: list["Entity"] = field(default_factory=list)  # of a group named by its members

    def settle_gender(self) -> None:
        """Gender from the pronouns that follow the person's mentions, when they agree at
        least two to one (an honorific or a gendered noun has already decided otherwise)."""
        if self.gender is None and self.votes:
            male, female = self.votes.get("male", 0), self.votes.get("female", 0)
            # one pronoun against what the given name says is not enough to overrule it
            needed = {"male": 2, "female": 2}.get(self.name_gender or "", 1)
            if male >= 2 * female and male >= (needed if self.name_gender == "female" else 1):
                self.gender = "male"
            elif female >= 2 * male and female >= (needed if self.name_gender == "male" else 1):
                self.gender = "female"

    def fits_gender(self, gender: str) -> bool:
        """Whether a "he" or "she" (``gender``) can be this person: the article's evidence,
        else the given name's, does not say otherwise."""
        return (self.gender or self.name_gender) in (None, gender)

    @property
    def name(self) -> str:
        if self.kind == "GROUP":
            return self.names[0]
        return max(self.names, key=lambda n: (len(n.split()), len(n)))

    def speaker(self, mention: Optional[Span], mention_kind: str) -> Speaker:
        prefix = {"PERSON": "person", "ORG": "org"}.get(self.kind, "description")
        return Speaker(name=self.name, id=f"{prefix}:{slug(self.name)}", title=self.title,
                       role=self.role, organization=self.organization, type=self.kind,
                       mention=mention, mention_kind=mention_kind,
                       members=[m.name for m in self.members])


def _clean_name(text: str) -> str:
    text = re.sub(r"\s*[’']s$", "", text.strip())
    text = re.sub(r"\s+", " ", text).strip(" ,.:;")
    return text


def _titled(ent) -> bool:
    """A name the model took for an organisation or a place that a role or title word right
    before it shows to be a person's ("executive chair Pedro Alcantara", "spokesman Li Wei")."""
    if ent.label_ not in ("ORG", "GPE") or not 2 <= len(ent) <= 3 or ent.start == 0:
        return False
    before = ent.doc[ent.start - 1]
    return (before.lower_ in PERSON_DESCRIPTION_WORDS and before.lower_ not in ORG_WORDS
            and all(t.pos_ == "PROPN" and t.text[:1].isupper() for t in ent))


def person_name(ent) -> str:
    """A PERSON entity's name, without the words the small model lets into its start
    ("Hosting Cook at …", "… rang Taylor")."""
    tokens = list(ent)
    while len(tokens) > 1 and (tokens[0].is_lower or tokens[0].pos_ in _NOT_NAME_POS):
        tokens = tokens[1:]
    return _clean_name(_span_text(tokens))


def _strip_honorifics(name: str) -> tuple[str, Optional[str]]:
    """The name without leading honorifics, and the gender they give."""
    words = name.split()
    gender = None
    while len(words) > 1 and words[0].lower().rstrip(".") in HONORIFICS:
        gender = gender or HONORIFICS[words[0].lower().rstrip(".")]
        words = words[1:]
    return " ".join(words), gender


def _span_text(tokens) -> str:
    """Tokens as the text writes them (their own spacing), not joined by spaces."""
    tokens = sorted(tokens, key=lambda t: t.i)
    out = ""
    for a, b in zip(tokens, tokens[1:] + [None]):
        out += a.text + (a.whitespace_ if b is not None and b.i == a.i + 1 else
                         (" " if b is not None else ""))
    return _clean_name(out)


def _initials(name: str) -> str:
    return "".join(w[0] for w in re.findall(r"[A-Za-z][\w’'-]*", name) if w[0].isupper())


def acronym_of(acronym: str, name: str) -> bool:
    """Whether ``acronym`` ("FPS", "WHO", "VW") abbreviates the organisation ``name``: the
    initials of a run of its capitalised words, or, for a one-word name, letters of it in
    order starting with its first."""
    acronym = re.sub(r"[&.]", "", acronym)  # "PG&E", "U.N."
    if not (2 <= len(acronym) <= 6 and acronym.isupper() and acronym.isalpha()):
        return False
    words = [w for w in re.findall(r"[A-Za-z][\w’'-]*", name)]
    if len(words) == 1:
        word = words[0].upper()
        if word == acronym or word[0] != acronym[0]:
            return False
        rest = iter(word[1:])
        return all(ch in rest for ch in acronym[1:])
    return acronym in _initials(name) and len(_initials(name)) > 1


def _acronym_like(name: str) -> bool:
    """One word of two to six capital letters ("WHO", "PG&E"): an organisation's initials,
    whatever the model tagged it."""
    letters = re.sub(r"[&.]", "", name)
    return " " not in name and 2 <= len(letters) <= 6 and letters.isalpha() and letters.isupper()


def _capitalised_name(tokens) -> Optional[str]:
    """The longest run of capitalised words (joined by "of", "for", "and" or "the") among
    ``tokens`` that holds a proper noun and two capitalised words: a name the model did not
    tag, in an apposition that names a group ("members of a group Nurses for Clean Water")."""
    best: list = []
    run: list = []
    for t in list(tokens) + [None]:
        if t is not None and t.is_alpha and t.text[:1].isupper() and t.ent_type_ not in (
                "DATE", "TIME", "PERSON"):
            run.append(t)
            continue
        if t is not None and run and t.lower_ in ("of", "for", "and", "the"):
            run.append(t)
            continue
        while run and not run[-1].text[:1].isupper():
            run.pop()
        capitalised = [w for w in run if w.text[:1].isupper()]
        if len(capitalised) >= 2 and any(w.pos_ == "PROPN" for w in run) \
                and len(run) > len(best):
            best = run
        run = []
    return _span_text(best) if best else None


class SpeakerResolver:
    """Walks an article in order; ``register`` every parsed piece first, then ``resolve``."""

    def __init__(self) -> None:
        self.people: dict[str, list[Entity]] = {}  # surname -> people with that surname
        self.orgs: dict[str, Entity] = {}  # lower-cased name -> organisation
        self.groups: list[tuple[int, Entity]] = []  # described sources, by position
        self.mentions: list[tuple[int, Entity]] = []  # (offset, entity) of every mention
        # the mentions by offset (offsets, mentions, each entity's offsets), built when first
        # searched and kept in step by ``add_mention``; None after ``mentions`` is rewritten
        self._index: Optional[tuple[list[int], list[tuple[int, Entity]], dict[int, list[int]]]] = None
        self.last_speaker: Optional[Entity] = None
        self.name_forms: dict[str, set[str]] = {}  # surname -> untagged "Given Surname" forms
        self._doc_ents: dict[int, tuple] = {}  # each registered piece's entities, read once
        self.coordinations: dict[tuple, Entity] = {}  # "A and B", by members
        self.teams: list[tuple[int, Entity]] = []  # "X and her colleagues", by position
        self.sentence_starts: list[int] = []  # offsets of every sentence, in text order
        self.roles: dict[int, str] = {}  # dependency of each person mention, by offset
        # (offset, the issuing verb's subject, its piece's offset) of "said in a statement"
        self.issued: list[tuple[int, Optional[Token], int]] = []
        self.places: set[str] = set()  # folded names the model tagged as places or peoples
        self._settled = False  # acronyms joined, genders decided: once, at the first resolve

    # -- registration of named entities -------------------------------------------------------
    def register(self, doc, offset: int) -> None:
        ents = doc.ents  # walks the whole doc on every access: read it once
        self._doc_ents[id(doc)] = ents
        people = [ent for ent in ents if ent.label_ in _NAME_ENTS or _titled(ent)]
        self.places |= {fold(ent.text) for ent in ents if ent.label_ in ("GPE", "NORP", "LOC")}
        for ent in ents:
            if ent.label_ in _NAME_ENTS or _titled(ent):
                name = self.without_place(person_name(ent))
                if not name or (len(name) == 1 and name.isupper()):
                    continue
                if _acronym_like(name):  # "WHO" tagged as a person: an organisation's letters
                    self.add_mention(offset + ent.start_char, self.org_for(name))
                    self.roles[offset + ent.start_char] = ent.root.dep_
                    continue
                person = self.person_for(name)
                if person is None:  # no letters to name anyone ("」" tagged as a person)
                    continue
                self.describe(person, ent, ents)
                self.add_mention(offset + ent.start_char, person)
                self.roles[offset + ent.start_char] = ent.root.dep_
                self.count_pronouns(person, ent, people)
                self.note_team(ent.root, person, offset + ent.start_char)
            elif ent.label_ == "ORG" and len(ent) == 1 and fold(ent.text) in self.people:
                # a known surname the model tagged as an organisation ("Okafor asked …")
                person = self.person_for(ent.text)
                self.add_mention(offset + ent.start_char, person)
                self.roles[offset + ent.start_char] = ent.root.dep_
                self.count_pronouns(person, ent, people + [ent])
            elif ent.label_ == "ORG":
                name = self.org_name(ent)
                if name:
                    self.add_mention(offset + ent.start_char, self.org_for(name))
                    self.roles[offset + ent.start_char] = ent.root.dep_
        self.sentence_starts.extend(offset + sent.start_char for sent in doc.sents)
        for token in doc:
            # "X said in a statement": who issued it, for a later "the statement said"
            if token.lemma_.lower() in ISSUED_WORDS and token.dep_ == "pobj" \
                    and token.head.lower_ == "in" and token.head.head.pos_ == "VERB":
                subject = next((c for c in token.head.head.children if c.dep_ == "nsubj"), None)
                self.issued.append((offset + token.idx, subject, offset))
        for token in doc:
            if token.pos_ != "PROPN" or token.dep_ == "compound":
                continue
            # a surname alone, or tagged on its own ("Coach (Frank) Wexler": two entities)
            alone = not token.ent_type_ or (token.ent_type_ == "PERSON" and token.ent_iob_ == "B"
                                            and (token.i + 1 == len(doc)
                                                 or doc[token.i + 1].ent_iob_ != "I"))
            if alone:
                full = self.untagged_name(token)
                if full:
                    self.name_forms.setdefault(fold(token.text), set()).add(full)
            if not token.ent_type_ and token.dep_ in ("nsubj", "nsubjpass") \
                    and any(len(n.split()) > 1 for p in self.people.get(fold(token.text), ())
                            for n in p.names):
                # the surname of a person named in full, left untagged as a subject ("Okafor
                # teed up …"): still a mention, so that the next sentence's "he" can find it
                person = self.person_for(token.text, position=offset + token.idx)
                self.add_mention(offset + token.idx, person)
                self.roles[offset + token.idx] = token.dep_
                self.note_team(token, person, offset + token.idx)

    def without_place(self, name: str) -> str:
        """A name without the place the model let into its start ("envoy to Norway Karl
        Brenner" tagged as one name), when a given name and a surname are left."""
        words = name.split()
        while len(words) > 2 and fold(words[0]) in self.places:
            words = words[1:]
        return " ".join(words)

    def ents_of(self, doc) -> tuple:
        ents = self._doc_ents.get(id(doc))
        if ents is None:
            ents = self._doc_ents[id(doc)] = doc.ents
        return ents

    @staticmethod
    def count_pronouns(person: Entity, ent, people) -> None:
        """Evidence of a person's gender: the gendered pronouns that follow a subject mention
        of them, up to the next person's mention or the end of the next sentence."""
        if ent.root.dep_ not in ("nsubj", "nsubjpass"):
            return  # a subject's pronouns are the ones that go on talking about it
        doc = ent.doc
        following = [e.start for e in people if e.start >= ent.end]
        stop = min(following, default=len(doc))
        if ent.sent.end < len(doc):
            stop = min(stop, doc[ent.sent.end].sent.end)
        for t in doc[ent.end:stop]:
            gender = _PRONOUN_GENDER.get(t.lower_)
            if gender and t.dep_ in ("nsubj", "nsubjpass", "poss"):
                # its own sentence counts double: the next one may be about someone else
                weight = 2 if t.i < ent.sent.end else 1
                person.votes[gender] = person.votes.get(gender, 0) + weight

    def untagged_name(self, token: Token) -> Optional[str]:
        """A person's name the model did not tag: given names written before a surname that
        is already a person's ("Anna-Lena Brodin" after "Ms Brodin" was tagged; "Coach
        (Frank) Wexler"), at most two capitalised words after any title or role."""
        words: list[str] = []
        i = token.i - 1
        doc = token.doc
        while i >= 0:
            t = doc[i]
            if t.text in ("(", ")", "-", "‐"):
                i -= 1
                continue
            if not (t.text[:1].isupper() and t.is_alpha and t.pos_ == "PROPN") \
                    or t.ent_type_ in _OTHER_ENTS:
                break
            if "\n" in t.whitespace_:
                break
            hyphened = i + 1 < len(doc) and doc[i + 1].text in ("-", "‐") and not t.whitespace_
            if hyphened and words:
                words[0] = f"{t.text}-{words[0]}"
            else:
                words.insert(0, t.text)
            i -= 1
        while words and (words[0].lower() in PERSON_DESCRIPTION_WORDS
                         or words[0].lower().rstrip(".") in HONORIFICS):
            words = words[1:]
        if not words:
            return None
        words = words[-1:] if len(words) > _GIVEN_NAME_RUN else words
        if any(w.lower() in PERSON_DESCRIPTION_WORDS or w.lower() in ORG_WORDS for w in words):
            return None
        return " ".join(words + [token.text])

    def person_for(self, name: str, create: bool = True,
                   position: Optional[int] = None) -> Optional[Entity]:
        """The person of this article that ``name`` names: same surname (suffix apart) and a
        first name that agrees (equal, a short form, an initial, or missing), the most
        recently seen first; a new person otherwise (unless ``create`` is false)."""
        name, gender = _strip_honorifics(name)
        parts = parse_name(name)
        if parts is None:
            return None
        surname, first = parts.surname, parts.first
        same = self.people.get(surname, [])
        if first is None and not same:
            # "Wang" after "Wang Lihua": a family name written first
            starts = [p for ps in self.people.values() for p in ps
                      if any((parse_name(n) or parts).first == surname for n in p.names)]
            if len(starts) == 1:
                same = starts
        person = None
        if first is None and len(same) > 1:
            # a bare surname shared by several people: the one the article has named most
            # so far (the candidate, not her husband), then the one named last
            same = sorted(same, key=lambda e: self.seen_before(e, position))
        for candidate in reversed(same):
            firsts = {q.first for q in map(parse_name, candidate.names) if q and q.first}
            if first is None or not firsts or any(given_match(first, f) for f in firsts):
                person = candidate
                break
        if person is None:
            if not create:
                return None
            person = Entity("PERSON", [name])
            self.people.setdefault(surname, []).append(person)
        elif name not in person.names:
            person.names.append(name)
        if gender and person.gender is None:
            person.gender = gender
        if self._settled:
            self.complete(person)
        return person

    def complete(self, person: Entity) -> None:
        """Add the given names the model did not tag ("Anna-Lena" before a tagged "Ms
        Brodin"): the untagged forms whose first name agrees with the person's, or, for a
        person known only by surname, the one such form there is."""
        parts = [q for q in map(parse_name, person.names) if q]
        if not parts:
            return
        firsts = {q.first for q in parts if q.first}
        forms = sorted(self.name_forms.get(parts[0].surname, ()))
        fitting = [f for f in forms if (q := parse_name(f)) and q.first and (
            any(given_match(q.first, k) for k in firsts) if firsts else True)]
        if not firsts and len({parse_name(f).first for f in fitting}) > 1:
            return  # two given names for one bare surname: which one is unknown
        for form in fitting:
            if form not in person.names:
                person.names.append(form)

    def org_name(self, ent) -> str:
        """An organisation's name in full: the entity with the capitalised words, possessives
        and "of"/"for" phrases the model left outside it ("the Oregon Governor's Office
        of Flood Control", "the U.S. Attorney's Office for the Northern District of
        Ohio")."""
        return self.name_span(ent.doc, ent.start, ent.end)

    def name_span(self, doc, start: int, end: int) -> str:
        """The name over tokens ``start:end`` of ``doc``, widened as ``org_name`` says."""
        while start > 0 and (doc[start - 1].pos_ == "PROPN" or doc[start - 1].tag_ == "POS") \
                and "\n" not in doc[start - 1].whitespace_ and doc[start - 1].ent_type_ != "PERSON":
            start -= 1
        while start < end and doc[start].tag_ == "POS":
            start += 1
        while end + 1 < len(doc) and doc[end].lower_ in ("of", "for") and (
                doc[end + 1].pos_ == "PROPN" or (doc[end + 1].lower_ == "the" and end + 2 < len(doc)
                                                 and doc[end + 2].pos_ == "PROPN")):
            j = end + 1 + (doc[end + 1].lower_ == "the")
            while j < len(doc) and (doc[j].pos_ == "PROPN" or (
                    doc[j].lower_ in ("of", "and") and j + 1 < len(doc)
                    and doc[j + 1].pos_ == "PROPN")):
                j += 1
            end = j
        # "Forests and Parks Service": the parts the model tagged apart, joined when the
        # article's own acronym of the whole ("FPS") is there to say it is one name
        if end + 1 < len(doc) and doc[end].lower_ == "and" and doc[end + 1].pos_ == "PROPN":
            j = end + 1
            while j < len(doc) and doc[j].pos_ == "PROPN":
                j += 1
            joined = _span_text(doc[start:j])
            if any(acronym_of(t.text, joined) and not acronym_of(t.text, _span_text(doc[start:end]))
                   for t in doc if t.is_upper and len(t.text) > 1):
                end = j
        name = _span_text(doc[start:end])
        return re.sub(r"^[Tt]he\s+", "", name)

    def fuller_org(self, word: str) -> Optional[Entity]:
        """The one organisation of the article whose longer name ends with ``word`` ("Alcantara"
        after "Pedro Alcantara", both tagged as organisations), or None."""
        if word.lower() in ORG_WORDS:
            return None
        fuller = {id(o): o for o in self.orgs.values()
                  if len(o.name.split()) > 1 and o.name.split()[-1] == word}
        return next(iter(fuller.values())) if len(fuller) == 1 else None

    def org_for(self, name: str) -> Entity:
        name = re.sub(r"^[Tt]he\s+", "", _clean_name(name))
        name = SHORT_STATE_NAMES.get(name.lower(), name)
        key = name.lower()
        org = self.orgs.get(key)
        if org is None and self._settled and _acronym_like(name):
            # an acronym first met after the article's acronyms were joined ("…, says WHO")
            org = self._abbreviated(name)
            if org is not None:
                org.names.append(name)
                self.orgs[key] = org
        if org is None:
            org = self.site_named(key)  # "Kelley" after "Kelley.com"
        if org is None:
            org = Entity("ORG", [name])
            self.orgs[key] = org
        return org

    def _abbreviated(self, acronym: str, other_than: Optional[Entity] = None) -> Optional[Entity]:
        """The organisation with the longest name that ``acronym`` abbreviates, or None."""
        fuller = [o for o in self.orgs.values()
                  if o is not other_than and acronym_of(acronym, o.names[0])]
        return max(fuller, key=lambda o: len(o.names[0])) if fuller else None

    def site_named(self, key: str) -> Optional[Entity]:
        """The organisation named ``key`` with a web domain ("kelley" -> "Kelley.com")."""
        return next((self.orgs[key + d] for d in _WEB_DOMAINS if key + d in self.orgs), None)

    def _merge(self, key: str, old: Entity, into: Entity) -> None:
        """``old`` (filed under ``key``) is ``into``: its names and its mentions join it."""
        for name in old.names:
            if name not in into.names:
                into.names.append(name)
        self.orgs[key] = into
        self._replace_mentions(old, into)

    def _replace_mentions(self, old: Entity, new: Entity) -> None:
        self.mentions = [(at, new if e is old else e) for at, e in self.mentions]
        self._index = None

    def _expand_acronyms(self) -> None:
        """Join each acronym to the organisation it abbreviates (the longest such name)."""
        for key, org in list(self.orgs.items()):
            short = org.names[0]
            if not short.isupper() or len(org.names) > 1:
                continue
            target = self._abbreviated(short, other_than=org)
            if target is not None:
                self._merge(key, org, target)

    def _join_web_names(self) -> None:
        """"Kelley" and "Kelley.com" in one article: one organisation, named in full."""
        for key, org in list(self.orgs.items()):
            site = self.site_named(key)
            if site is not None and site is not org:
                self._merge(key, org, site)

    def _people_tagged_as_orgs(self) -> None:
        """"Jane Rowan" tagged as an organisation where "Tom Rowan" is a person: a two- or
        three-word capitalised name ending in a person's surname is a person too, and so is
        one the model ran a place into ("envoy to Norway Karl Brenner")."""
        for key, org in list(self.orgs.items()):
            words = self.without_place(org.name).split()
            after_place = len(words) < len(org.name.split())
            if org.kind != "ORG" or not 2 <= len(words) <= 3 or (
                    fold(words[-1]) not in self.people and not after_place):
                continue
            if not all(w[:1].isupper() and w.replace("-", "").isalpha()
                       and w.lower() not in ORG_WORDS for w in words):
                continue
            person = self.person_for(" ".join(words))
            self._replace_mentions(org, person)
            self.orgs[key] = person

    def describe(self, person: Entity, ent, ents) -> None:
        """Title, role and organisation from the words before the name in its noun phrase,
        or from an apposition after it; every describing word is kept for descriptions."""
        head = ent.root
        before = [t for t in ent.doc[head.left_edge.i:ent.start] if (
            t.dep_ in ("compound", "amod", "nmod", "poss", "case") or t.ent_type_)
            and head.is_ancestor(t)]
        words = " ".join(t.text for t in sorted(before, key=lambda t: t.i))
        lo, hi = min((t.i for t in before), default=ent.start), ent.start
        appos = [c for c in head.children if c.dep_ == "appos"]
        from_appos = bool(appos) and not words
        if from_appos:
            words = " ".join(t.text for t in appos[0].subtree)
            lo, hi = appos[0].left_edge.i, appos[0].right_edge.i + 1
        if head.dep_ == "appos" and head.head.pos_ == "NOUN":
            # "Her husband, Tom Rowan": the noun the name stands beside describes it
            described = [t for t in head.head.subtree if t.i <= head.head.i]
            words = f"{words} {' '.join(t.text for t in described)}"
        person.descriptors |= {w.lower() for w in re.findall(r"[\w-]+", words)}
        for word in person.descriptors:
            gender = MALE_WORDS.get(word) or FEMALE_WORDS.get(word)
            if gender and person.gender is None:
                person.gender = gender
        if person.title is not None or person.role is not None or not words.strip():
            return
        orgs = [e for e in ents if e.label_ == "ORG" and lo <= e.start and e.end <= hi
                and (from_appos or e.text.split()[-1].lower() not in self.people)]
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
        if not self._settled:
            self._expand_acronyms()
            self._join_web_names()
            self._people_tagged_as_orgs()
            for people in self.people.values():
                for person in people:
                    self.complete(person)
                    parts = parse_name(person.name)
                    first = parts.first if parts is not None else None
                    person.name_gender = given_name_gender(first) if first else None
                    person.settle_gender()
            self._settled = True
        if carried or token is None:
            if carried and self.last_speaker is not None:
                return self.last_speaker.speaker(None, "none")
            return Speaker(name="", id="", type="UNKNOWN", mention=mention, mention_kind="none")
        entity, kind = self.entity_for(token, offset, mention)
        if entity is not None and entity.kind in ("PERSON", "ORG"):
            entity = self.coordinated(token, entity, offset)
        if entity is None:
            name = self.description_name(token, mention, offset)
            entity = Entity("GROUP", [name], head=(token.lemma_.lower(),
                                                    token.tag_ in ("NNS", "NNPS")))
            self.groups.append((offset + token.idx, entity))
        if kind == "pronoun" and entity.kind == "PERSON" and entity.gender is None:
            entity.gender = {"male": "male", "female": "female"}.get(
                PERSONAL_PRONOUNS.get(token.lower_))
        self.add_mention(offset + token.idx, entity)
        self.last_speaker = entity
        return entity.speaker(mention, kind)

    def coordinated(self, token: Token, entity: Entity, offset: int) -> Entity:
        """"Halvorsen and Pruitt testified": a group of the people (or organisations) named
        together, each resolved as a name; one group per set of members, so that "they" and
        a later "Halvorsen and Pruitt" find it again."""
        # a conjunct inside the organisation's own name is no second source ("Forests and
        # Parks Service", tagged or joined by its acronym)
        others = [c for c in token.conjuncts if c.pos_ == "PROPN" and c.i > token.i
                  and token.doc[token.i:c.i + 1].text not in entity.names]
        if not any(c.dep_ == "cc" and c.lower_ in ("and", "&") for c in token.children):
            return entity
        if not others and entity.kind == "PERSON":
            team = self.team_of(token, entity)
            if team is not None:
                return team
        if not others:
            return entity
        between = token.doc[token.i:others[-1].i].text_with_ws  # (Doc.text joins the whole doc)
        if "\n" in between or between.count(",") > len(others) - 1 or "—" in between:
            return entity  # a list, not a pair of sources named together
        members = [entity]
        for other in others:
            member, _ = self.entity_for(other, offset)
            if member is None or member.kind not in ("PERSON", "ORG") or member in members:
                return entity
            members.append(member)
        key = tuple(id(m) for m in members)
        group = self.coordinations.get(key)
        if group is None:
            names = [m.name for m in members]
            name = ", ".join(names[:-1]) + " and " + names[-1]
            group = Entity("GROUP", [name], head=(token.lemma_.lower(), True), members=members)
            self.coordinations[key] = group
        return group

    def note_team(self, token: Token, person: Entity, at: int) -> None:
        """"Okafor and her colleagues used …": the team, for a later "the researchers"."""
        team = self.team_of(token, person)
        if team is not None:
            self.teams.append((at, team))

    def team_of(self, token: Token, person: Entity) -> Optional[Entity]:
        """"Okafor and her team": the person with the people their own pronoun names, one
        group per person ("… and her colleagues" later is the same group, named as first
        written)."""
        theirs = [c for c in token.conjuncts if c.i > token.i and c.pos_ == "NOUN" and any(
            d.dep_ == "poss" and d.pos_ == "PRON" for d in c.children)]
        if len(theirs) != 1 or not any(c.dep_ == "cc" and c.lower_ in ("and", "&")
                                       for c in token.children):
            return None
        key = (id(person), "team")
        group = self.coordinations.get(key)
        if group is None:
            group = Entity("GROUP", [f"{person.name} and {_span_text(theirs[0].subtree)}"],
                           head=(theirs[0].lemma_.lower(), True), members=[person])
            self.coordinations[key] = group
        return group

    def description_name(self, token: Token, mention: Optional[Span], offset: int) -> str:
        """A described source's name: its noun phrase with the modifiers that say what it is
        ("a paper published in the journal Nature Geoscience", "authorities in Lima"),
        without relative clauses, appositions, what follows a comma, or a date."""
        head = token
        if token.lower_ in RELATIVE_PRONOUNS and token.head.dep_ == "relcl":
            head = token.head.head  # "officials, who said …": the antecedent, not "who"
            mention = None
        lo, hi = (mention.start, mention.end) if mention is not None else (None, None)
        kept = {head.i}
        doc = head.doc

        def walk(node: Token, depth: int) -> None:
            for child in node.children:
                if child.i < node.i:
                    if child.dep_ in _LEFT_SKIPPED and not (
                            child.text in "-‐" and not child.whitespace_):  # "Even the …"
                        continue
                elif child.dep_ == "acl":
                    if depth > 0 or child.tag_ != "VBN":  # "a paper published in …"
                        continue
                elif child.dep_ == "prep":
                    if self._circumstance(child, depth):
                        continue
                elif child.dep_ == "appos":
                    if doc[child.left_edge.i - 1].is_punct:  # "the journal Nature Geoscience"
                        continue
                elif child.dep_ in ("cc", "conj"):
                    # "businesses and residents": coordinated nouns, not clauses
                    if child.dep_ == "conj" and child.pos_ not in ("NOUN", "PROPN"):
                        continue
                    if child.dep_ == "cc" and not any(c.dep_ == "conj" and c.pos_ in (
                            "NOUN", "PROPN") for c in node.children):
                        continue
                elif child.dep_ not in _RIGHT_KEPT:
                    continue  # relative clauses, appositions, coordination, punctuation
                if lo is not None and not lo <= offset + child.idx < hi:
                    continue
                kept.add(child.i)
                walk(child, depth + (child.i > node.i))

        walk(head, 0)
        first = last = head.i
        while first - 1 in kept:
            first -= 1
        while last + 1 in kept and doc[last + 1].text != ",":
            last += 1
        name = _span_text(doc[first:last + 1])
        if not name:
            return _clean_name(mention.text if mention else token.text)
        # "Taylor's blood work": the possessor by the full name the article gives
        for t in doc[first:last + 1]:
            if t.dep_ == "poss" and t.pos_ == "PROPN" and not any(
                    c.dep_ == "compound" for c in t.children) and fold(t.text) in self.people:
                person = self.person_for(t.text, create=False, position=offset + t.idx)
                at = t.idx - doc[first].idx
                if person is not None and person.name.endswith(t.text) and \
                        name[at:at + len(t.text)] == t.text:
                    name = name[:at] + person.name + name[at + len(t.text):]
                break
        return name

    @staticmethod
    def _circumstance(prep: Token, depth: int) -> bool:
        """A prepositional phrase of time ("on Monday"), or of place below the head ("a
        centre in Bedford, Ohio")."""
        pobj = next((c for c in prep.children if c.dep_ == "pobj"), None)
        if pobj is None:
            return False
        if pobj.ent_type_ in _CIRCUMSTANCE_ENTS:
            return True
        return depth > 0 and pobj.ent_type_ in ("GPE", "LOC") and prep.lower_ == "in"

    def entity_for(self, token: Token, offset: int,
                   mention: Optional[Span] = None) -> tuple[Optional[Entity], str]:
        lower = token.lower_
        position = offset + token.idx
        if lower in RELATIVE_PRONOUNS and token.head.dep_ == "relcl":
            return self.entity_for(token.head.head, offset)[0], "pronoun"
        if token.pos_ == "PRON" or lower in PERSONAL_PRONOUNS:
            return self.pronoun_antecedent(token, position, offset), "pronoun"
        # A single letter is an interview transcript's label ("Q: …", "A: …"), not a person:
        # it names the turn's speaker only as that label and is nobody's antecedent.
        if len(token.text) == 1 and token.is_upper:
            return None, "description"
        # A surname already known as a person's wins over the small model's entity label
        # ("Lindqvist said" tagged ORG after "Anna Lindqvist" was tagged PERSON).
        if token.pos_ == "PROPN" and fold(token.text) in self.people and token.ent_type_ != "PERSON":
            return self.person_for(token.text, position=position), "name"
        # A name: the entity that covers the subject token (or a word of its phrase).
        # A common noun is described, not named, by the names before it ("one Twitter
        # user", "a rebel representative", "the Leakwatch founder").
        joined = ("compound", "appos") if token.pos_ != "NOUN" else ("appos",)
        words = [token] + [c for c in token.children if c.dep_ in joined]
        # a person before an organisation ("the then UK Trade Secretary, Priya Mehta")
        named = next((t for t in words if t.ent_type_ in _NAME_ENTS), None)
        if named is not None:
            ent = next(e for e in self.ents_of(token.doc) if e.start <= named.i < e.end)
            if len(ent.text) > 1:
                name = self.without_place(person_name(ent))
                if _acronym_like(name) or self.site_named(fold(name)):
                    return self.orgs.get(name.lower()) or self.org_for(name), "name"
                return self.person_for(name, position=position), "name"
        if token.pos_ == "NOUN":
            # "Another diplomat, former special envoy to Norway Karl Brenner,": the one person
            # its apposition names
            for appos in (c for c in token.children if c.dep_ == "appos"):
                lo = offset + appos.left_edge.idx
                hi = offset + appos.right_edge.idx + len(appos.right_edge)
                named_people = {id(e): e for at, e in self._nearest_first(lo, hi)
                                if e.kind == "PERSON"}
                if len(named_people) == 1:
                    return next(iter(named_people.values())), "description"
        # "A CT of his chest showed …": a proper noun with "a" is described, not named
        indefinite = any(c.dep_ == "det" and c.lower_ in ("a", "an") for c in token.children)
        for t in words:
            if t.ent_type_ in _NAME_ENTS or (indefinite and t.i == token.i):
                break
            if t.ent_type_ == "ORG" or (t.ent_type_ in ("GPE", "NORP") and t.i == token.i):
                ent = next(e for e in self.ents_of(token.doc) if e.start <= t.i < e.end)
                fuller = self.fuller_org(ent.text) if len(ent) == 1 else None
                if fuller is not None:
                    return fuller, "name"
                if ent.label_ == "ORG":
                    return self.orgs.get(self.org_name(ent).lower()) or self.org_for(
                        self.org_name(ent)), "name"
                return self.org_for(_clean_name(ent.text)), "name"
        # the small model tags a lower-case noun after a quote as a proper noun ("…,” the
        # senator said): a name is capitalised, so that one is a description
        if token.pos_ == "PROPN" and not token.is_lower and token.lower_ not in ORG_WORDS \
                and token.lower_ not in PERSON_DESCRIPTION_WORDS and not indefinite:
            name = _clean_name(" ".join(t.text for t in token.subtree
                                        if t.pos_ == "PROPN" and t.i <= token.i
                                        and "\n" not in token.doc[t.i:token.i].text_with_ws))
            if _acronym_like(name or token.text) or self.site_named(fold(name or token.text)):
                return self.org_for(name or token.text), "name"
            return self.person_for(name or token.text), "name"
        if token.pos_ == "PROPN" and token.lower_ in ORG_WORDS and not token.is_lower:
            # "The Interior Ministry" with no entity from the model: still an organisation.
            return self.org_for(self.name_span(token.doc, token.i, token.i + 1)
                                or token.text), "name"
        if token.dep_ == "appos" and token.head.i != token.i and token.head.pos_ == "PROPN" and (
                token.head.ent_type_ == "PERSON" or fold(token.head.text) in self.people):
            # "Lt. Col. Mark Halvorsen, a career Army officer, who …": the person described
            return self.entity_for(token.head, offset)[0], "description"
        if token.lemma_.lower() in ISSUED_WORDS or token.lower_ in COMPILED_WORDS:
            issuer = self.issuer_of(token, offset)
            if issuer is not None:
                return issuer, "description"
        if token.tag_ in ("NNS", "NNPS"):
            # "The nurses, members of a group called Nurses for Clean Water, NCW, …": the group
            for appos in (c for c in token.children if c.dep_ == "appos"):
                ent = next((e for e in self.ents_of(token.doc) if e.label_ == "ORG"
                            and appos.left_edge.i <= e.start and e.end <= appos.right_edge.i + 1),
                           None)
                # a name the model did not tag wins over the acronym it did ("NCW")
                name = _capitalised_name(list(appos.subtree))
                if name is not None and (ent is None or _acronym_like(ent.text)):
                    org = self.org_for(name)
                    if ent is not None and ent.text not in org.names:
                        org.names.append(ent.text)
                        self.orgs[ent.text.lower()] = org
                    return org, "description"
                if ent is not None:
                    return self.org_for(self.org_name(ent)), "description"
        return self.description_antecedent(token, position), "description"

    def issuer_of(self, token: Token, offset: int) -> Optional[Entity]:
        """Who issued a statement, a release or a post, or compiled data: its possessor or
        the organisation before it ("the office release"), its "from"/"by" phrase ("data
        from Tradeweb"), the subject of the verb that issued it ("The company published a
        blog post that said …"), or, for "the statement", whoever last spoke "in a
        statement"."""
        def named(t: Token, piece_offset: int = offset) -> Optional[Entity]:
            entity, _ = self.entity_for(t, piece_offset)
            if entity is None and t.pos_ == "NOUN":
                entity = next((g for at, g in reversed(self.groups)
                               if at <= piece_offset + t.idx and g.head == (t.lemma_.lower(), False)),
                              None)
            return entity

        for child in token.children:
            if child.dep_ == "compound" and child.i == token.i - 1 and child.lower_ in ORG_WORDS:
                # "the office release": the office of the article
                return next((org for org in self._recent(offset + token.idx, ("ORG",))
                             if re.search(rf"\b{re.escape(child.lower_)}\b", org.name.lower())),
                            None)
            if child.dep_ == "poss" or (child.dep_ == "compound" and child.i == token.i - 1
                                        and child.ent_type_ == "ORG"):
                return named(child)
            if child.dep_ in ("prep", "agent") and child.lower_ in ("from", "by", "of"):
                pobj = next((c for c in child.children if c.dep_ == "pobj"), None)
                if pobj is not None and (pobj.pos_ == "PROPN" or pobj.ent_type_):
                    return named(pobj)
        if token.lemma_.lower() not in ISSUED_WORDS:
            return None
        if token.dep_ == "dobj" and token.head.pos_ == "VERB":
            subject = next((c for c in token.head.children if c.dep_ == "nsubj"), None)
            if subject is not None:
                return named(subject)
        determiners = [c.lower_ for c in token.children if c.dep_ == "det"]
        if determiners and determiners[0] in _DEFINITE:
            position = offset + token.idx
            issued = [(at, subject, at_offset) for at, subject, at_offset in self.issued
                      if at < position]
            if issued:
                _, subject, at_offset = max(issued, key=lambda item: item[0])
                return named(subject, at_offset) if subject is not None else None
        return None

    def add_mention(self, at: int, entity: Entity) -> None:
        self.mentions.append((at, entity))
        if self._index is not None:
            offsets, ordered, of_entity = self._index
            i = bisect_right(offsets, at)  # after the mentions already at this offset
            offsets.insert(i, at)
            ordered.insert(i, (at, entity))
            insort(of_entity.setdefault(id(entity), []), at)

    def _indexed(self):
        if self._index is None:
            ordered = sorted(self.mentions, key=lambda m: m[0])  # stable: seen order kept
            of_entity: dict[int, list[int]] = {}
            for at, e in ordered:
                of_entity.setdefault(id(e), []).append(at)
            self._index = ([at for at, _ in ordered], ordered, of_entity)
        return self._index

    def seen_before(self, entity: Entity, position: Optional[int]) -> tuple[int, int]:
        """How often ``entity`` is mentioned before ``position`` (None: anywhere), and the
        offset of the last such mention (-1 if none)."""
        offsets = self._indexed()[2].get(id(entity), [])
        n = len(offsets) if position is None else bisect_left(offsets, position)
        return n, offsets[n - 1] if n else -1

    def _nearest_first(self, lo: int, hi: int) -> list[tuple[int, Entity]]:
        """The mentions at offsets ``lo <= at < hi``, the nearest to ``hi`` first (mentions at
        one offset in the order they were seen). Searched by bisection: long articles have
        thousands of mentions and every statement asks."""
        offsets, ordered, _ = self._indexed()
        i, k = bisect_left(offsets, lo), bisect_left(offsets, hi)
        out: list[tuple[int, Entity]] = []
        while k > i:
            g = k - 1
            while g > i and offsets[g - 1] == offsets[k - 1]:
                g -= 1
            out.extend(ordered[g:k])
            k = g
        return out

    def _sentence_and_previous(self, token: Token, offset: int) -> tuple[int, int]:
        """Text offsets where ``token``'s sentence and the sentence before it begin."""
        sentence_start = offset + token.sent.start_char
        i = bisect_right(self.sentence_starts, sentence_start - 1)
        return sentence_start, self.sentence_starts[i - 1] if i > 0 else sentence_start

    def _recent(self, position: int, kinds: tuple[str, ...]) -> list[Entity]:
        return list(self._recent_iter(position, kinds))

    def _recent_iter(self, position: int, kinds: tuple[str, ...]):
        """The distinct entities of ``kinds`` mentioned before ``position``, the last
        mentioned first, produced as they are found (callers mostly want the first few)."""
        offsets, ordered, _ = self._indexed()
        seen: set[int] = set()
        k = bisect_left(offsets, position)
        while k > 0:
            g = k - 1
            while g > 0 and offsets[g - 1] == offsets[k - 1]:
                g -= 1
            for _, entity in ordered[g:k]:
                if entity.kind in kinds and id(entity) not in seen:
                    seen.add(id(entity))
                    yield entity
            k = g

    def pronoun_antecedent(self, token: Token, position: int, offset: int) -> Optional[Entity]:
        pronoun = token.lower_
        gender = PERSONAL_PRONOUNS.get(pronoun)
        if gender in ("male", "female"):
            sentence_start, previous_start = self._sentence_and_previous(token, offset)
            # earlier in the same sentence: its subjects first, then other mentions, never
            # a possessor ("Hale's behaviour … an alibi he cited")
            before = [(at, e) for at, e in self._nearest_first(sentence_start, position)
                      if e.kind == "PERSON" and self.roles.get(at) != "poss"]
            same_sentence = [e for at, e in before if self.roles.get(at, "").startswith("nsubj")]
            same_sentence += [e for at, e in before if e not in same_sentence]
            # then the subject of the sentence before ("Okafor asked … She added")
            previous = [e for at, e in self._nearest_first(previous_start, sentence_start)
                        if e.kind == "PERSON" and self.roles.get(at, "").startswith("nsubj")]
            # in its own and the sentence before, the nearest person who can be it; farther
            # back, a person of that gender before one whose gender the article never shows
            near = next((p for p in same_sentence + previous if p.fits_gender(gender)),
                        None)
            if near is not None:
                return near
            ordered = ([self.last_speaker] if self.last_speaker is not None
                       and self.last_speaker.kind == "PERSON" else [])
            recent = self._recent_iter(position, ("PERSON",))
            # farther back, among the few people last seen, the one the article is about
            # (named most so far) before the one named last
            head = sorted(islice(recent, _SALIENT_WINDOW),
                          key=lambda p: -self.seen_before(p, position)[0])
            # the first of that gender; else the first whose gender is unknown (the given
            # name's prior rules a person out, but never makes one preferred)
            unknown = None
            for p in chain(ordered, head, recent):
                if p.gender == gender:
                    return p
                if unknown is None and p.gender is None and p.fits_gender(gender):
                    unknown = p
            return unknown
        if gender not in ("plural", "neuter"):
            return None

        def fits(entity: Entity) -> bool:
            # "they": an organisation or a group of people; "it": an organisation or a
            # document — never a described thing of the other number
            if entity.kind == "ORG":
                return True
            if entity.kind != "GROUP" or entity.head is None:
                return False
            return entity.head[1] if gender == "plural" else (
                not entity.head[1] and (entity.head[0] in DOCUMENT_WORDS
                                        or entity.head[0] in ORG_WORDS))  # "the US military"

        _, previous_start = self._sentence_and_previous(token, offset)
        # an organisation or group just named, in this sentence or the one before, first;
        # a subject before a modifier ("Kestrel had a fleet … In addition to its order of
        # Boeing jets, it announced …")
        nearest = [(at, e) for at, e in self._nearest_first(previous_start, position) if fits(e)]
        near = [e for at, e in nearest if self.roles.get(at, "").startswith("nsubj")]
        near += [e for at, e in nearest if e not in near]
        if self.last_speaker is not None and fits(self.last_speaker) and (
                not near or self.last_speaker in near):
            return self.last_speaker
        if near:
            return near[0]
        return next((e for e in self._recent_iter(position, ("GROUP", "ORG")) if fits(e)), None)

    def description_antecedent(self, token: Token, position: int) -> Optional[Entity]:
        determiners = [c.lower_ for c in token.children if c.dep_ in ("det", "poss")]
        word = token.lemma_.lower()
        plural = token.tag_ in ("NNS", "NNPS")
        definite = bool(determiners) and determiners[0] in _DEFINITE
        # an indefinite document is the one described before ("a study published in …" …
        # "according to a study"); other indefinites are new, unnamed speakers. A bare
        # plural is the group named so in this or the sentence before ("industry analysts
        # say …" / "Analysts expect …"), else a new one; its own modifiers make it another
        # group ("local officials" after "officials")
        bare_plural = plural and not any(c.dep_ != "punct" for c in token.lefts)
        if not definite and not bare_plural and not (
                determiners and determiners[0] in ("a", "an") and word in DOCUMENT_WORDS):
            return None
        # the same head as an earlier description: "a recent report by …" … "the report"
        role = ROLE_SYNONYMS.get(word, word)
        since = (self._sentence_and_previous(token, position - token.idx)[1]
                 if bare_plural and not definite else -1)
        for at, group in reversed(self.groups):
            if since <= at < position and group.head is not None and group.head[1] == plural \
                    and ROLE_SYNONYMS.get(group.head[0], group.head[0]) == role:
                return group
        if not definite:
            return None
        if plural and word in TEAM_WORDS:
            # "the researchers" after "Okafor and her colleagues used …"
            team = next((g for at, g in reversed(self.teams) if at < position), None)
            if team is not None:
                return team
        if not plural and word not in ORG_WORDS and word not in DOCUMENT_WORDS:
            # "the general", "the actor": the person whose title, role or description says so
            candidates = ([self.last_speaker] if self.last_speaker is not None
                          and self.last_speaker.kind == "PERSON" else [])
            candidates = chain(candidates, self._recent_iter(position, ("PERSON",)))
            for person in candidates:
                described = " ".join(filter(None, [person.title, person.role])).lower().split()
                described += sorted(person.descriptors)
                if word in described or word in {TITLE_WORDS.get(w) for w in described}:
                    return person
            if word in PERSON_DESCRIPTION_WORDS:
                # no one described so: the person the article is quoting, when the noun's
                # gender (if it has one) fits ("…,” said the actor)
                gender = MALE_WORDS.get(word) or FEMALE_WORDS.get(word)
                speaker = self.last_speaker
                if speaker is not None and speaker.kind == "PERSON" and (
                        gender is None or speaker.fits_gender(gender)):
                    return speaker
                return None
        if word in ORG_WORDS and word not in COMPANY_WORDS and any(
                c.ent_type_ in ("NORP", "GPE", "LOC") and c.i < token.i for c in token.children):
            return None  # "the Chilean government": named by its own words
        if word in ORG_WORDS or plural:
            orgs = self._recent(position, ("ORG",))
            # "the ministry" -> the Defense Ministry; "the physicians" -> Doctors for …
            words = {token.lower_, word, role, role + "s"}
            for org in orgs:
                if any(re.search(rf"\b{re.escape(w)}\b", org.name.lower()) for w in words):
                    return org
            # named only later ("The water commission is angry …" before "The
            # Nevada State Water Commission holds …"): the one organisation whose
            # name holds the description's own words, modifiers included
            phrase = " ".join(t.lower_ for t in token.lefts if t.dep_ == "compound")
            if phrase:
                phrase = rf"\b{re.escape(phrase)}\s+{re.escape(token.lower_)}\b"
                named = {id(o): o for o in self.orgs.values()
                         if o.kind == "ORG" and re.search(phrase, o.name.lower())}
                if len(named) == 1:
                    return next(iter(named.values()))
            if word in ORG_WORDS and not plural and word not in DOCUMENT_WORDS:
                # "the German automaker": a nationality describes the company the article
                # has just named, not necessarily the one it last quoted
                described = word in COMPANY_WORDS and any(
                    c.ent_type_ in ("NORP", "GPE") and c.i < token.i for c in token.children)
                if self.last_speaker is not None and self.last_speaker.kind == "ORG" \
                        and not (described and orgs):
                    return self.last_speaker
                return orgs[0] if orgs else None
        return None

