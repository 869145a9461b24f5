"""Speakers across the corpus: which article-level speakers are the same person or organisation.

This module is the whole rule; the store only persists what it decides.

Each article already resolves its own mentions ("Konashenkov", "he", "the general") to one
speaker with a name, title, role and organisation (attribute/speakers.py). Across articles:

People (type PERSON)
    A name is parsed into given names, surname and suffix after dropping titles and honorifics
    ("Major General Igor Konashenkov" -> given ``igor``, surname ``konashenkov``), words a
    tagger lets into a name ("Billionaire Donald Trump"), possessives, punctuation and
    accents. The organisation that counts is one the article tags as an organisation (not a
    place, a nationality or a news agency: the store filters it). A speaker joins an existing
    identity when

    1. the surnames are equal, and so are the suffixes (``Donald Trump Jr.`` is not
       ``Donald Trump``);
    2. the first given names agree: equal, or one is missing (a bare surname), or one is an
       initial of the other (``I. Konashenkov``), or one is a known short form of the other
       (``Bill``/``William``);
    3. when the first names are not both given in full (a bare surname, an initial), the
       organisations agree: one is missing, or the words of one contain the words of the
       other (``Defense Ministry`` / ``Russian Defense Ministry``) after normalising spelling
       (``defence``/``defense``) and party names (``GOP``/``Republican``). Equal first names
       decide on their own: across a corpus a public figure's organisation changes with the
       article (party, chamber, campaign, employer), and splitting on it split Hillary Clinton
       into fifteen identities over PolNeAR.

    When several identities qualify, an exact given-name match beats an initial or a missing
    given name, and then the most quoted identity wins (a bare "Trump" goes to the Trump the
    corpus quotes most); ties go to the oldest. When a bare surname identity is joined by a
    full name, it takes the full name (and with it that first name: a later "Dmitry
    Konashenkov" no longer fits it). Different first names, or conflicting organisations,
    always make a new identity.

Organisations (type ORG)
    The same after normalisation: case, accents, a leading "the", punctuation, spelling
    variants. ("The Kremlin" = "Kremlin"; "Russian Defense Ministry" is not "Defense
    Ministry": which country's would be a guess.) A one-word "organisation" that is the
    surname of a known person ("Trump said", which taggers often label ORG) is that person.

Everything else (GROUP descriptions such as "officials" or "a source", UNKNOWN speakers) is
no identity: those statements keep their own wording and no speaker id.

The rule is order-dependent only for bare surnames and organisations seen before a full name;
ingest feeds articles in input order, so the same inputs give the same identities.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Iterable, Optional

from saidwhat.names import TITLE_WORDS, NameParts, fold, given_match, parse_name

IDENTITY_TYPES = ("PERSON", "ORG")

_ORG_SYNONYMS = {
    "defence": "defense", "gop": "republican", "republicans": "republican",
    "democratic": "democrat", "democrats": "democrat", "dnc": "democrat", "rnc": "republican",
    "organisation": "organization", "centre": "center", "labour": "labor", "u.s": "us",
    "usa": "us", "american": "us", "america": "us", "russian": "russia", "russia's": "russia",
    "british": "uk", "britain": "uk", "syrian": "syria",
}
_ORG_STOP = {"the", "of", "for", "and", "a", "an", "s", "'s", "in", "on", "at", "to"}


@lru_cache(maxsize=65536)
def org_words(org: Optional[str]) -> frozenset[str]:
    if not org:
        return frozenset()
    words = re.findall(r"[\w.']+", fold(org))
    words = [_ORG_SYNONYMS.get(w.strip(".'"), w.strip(".'")) for w in words]
    return frozenset(w for w in words if w and w not in _ORG_STOP)


def orgs_agree(a: Iterable[frozenset[str]], b: frozenset[str]) -> bool:
    """True unless both sides name organisations and none of ``a`` fits ``b``."""
    a = [w for w in a if w]
    if not a or not b:
        return True
    return any(x <= b or b <= x for x in a)


@lru_cache(maxsize=65536)
def org_key(name: str) -> str:
    text = fold(name)
    text = re.sub(r"^the\s+", "", text.strip())
    text = re.sub(r"'s\b", "", text)
    words = [_ORG_SYNONYMS.get(w, w) if w in ("defence", "organisation", "centre", "labour")
             else w for w in re.findall(r"\w+", text)]
    return " ".join(words)


# News organisations are where a statement was made, not whom the speaker speaks for
# ("Clinton told Reuters"): they never tell two people apart.
MEDIA = {org_key(m) for m in (
    "Reuters", "Associated Press", "AP", "AFP", "Agence France-Presse", "CNN", "Fox News",
    "Fox", "MSNBC", "NBC", "NBC News", "ABC", "ABC News", "CBS", "CBS News", "NPR", "PBS",
    "BBC", "Bloomberg", "Politico", "Breitbart", "Breitbart News", "New York Times",
    "The Times", "Washington Post", "The Post", "USA Today", "Huffington Post", "HuffPost",
    "Wall Street Journal", "The Journal", "Western Journal", "TASS", "RIA Novosti",
    "Interfax", "RT", "Sputnik", "Al Jazeera", "Twitter", "Facebook", "Meet the Press",
    "Face the Nation", "Fox News Sunday", "This Week", "State of the Union", "Good Morning "
    "America", "Today")}


def identity_organization(organization: Optional[str],
                          organization_entities: Iterable[str]) -> Optional[str]:
    """The organisation that may tell people apart: only one the article itself tags as an
    organisation (named-entity label ORG), never a place or nationality (GPE, NORP: "Texas",
    "Republican", a dateline) or a news organisation."""
    if not organization:
        return None
    key = org_key(organization)
    if not key or key in MEDIA:
        return None
    keys = {org_key(e) for e in organization_entities}
    if key in keys or any(key in k.split(" and ") for k in keys):
        return organization
    return None


@dataclass
class Identity:
    """One person or organisation of the corpus (a row of the ``speakers`` table)."""
    type: str
    name: str
    surname: str  # PERSON: normalised surname; ORG: org_key
    given: Optional[str] = None
    suffix: Optional[str] = None
    title: Optional[str] = None
    role: Optional[str] = None
    organization: Optional[str] = None
    organizations: dict[str, int] = field(default_factory=dict)  # organisation -> statements
    n_statements: int = 0
    n_documents: int = 0
    id: Optional[int] = None
    aliases: dict[str, int] = field(default_factory=dict)  # name as written -> statements
    # bookkeeping for the store: aliases already saved, and the last document counted
    stored_aliases: set[str] = field(default_factory=set, repr=False, compare=False)
    last_document: object = field(default=None, repr=False, compare=False)

    @property
    def key(self) -> str:
        if self.type == "ORG":
            return f"org:{self.surname}"
        return ":".join(filter(None, ["person", self.surname, self.suffix, self.given]))

    def org_word_sets(self) -> list[frozenset[str]]:
        return [org_words(o) for o in self.organizations]


@dataclass
class Candidate:
    """An article-level speaker, as far as the corpus rule looks at it."""
    type: str
    name: str
    title: Optional[str] = None
    role: Optional[str] = None
    organization: Optional[str] = None

    @classmethod
    def of(cls, speaker) -> "Candidate":
        return cls(speaker.type, speaker.name, speaker.title, speaker.role, speaker.organization)


def eligible(candidate: Candidate) -> bool:
    return candidate.type in IDENTITY_TYPES and bool(candidate.name and candidate.name.strip())


def _person_score(identity: Identity, candidate: Candidate,
                  parts: Optional[NameParts]) -> Optional[int]:
    if identity.type != "PERSON" or parts is None:
        return None
    if identity.surname != parts.surname or identity.suffix != parts.suffix:
        return None
    score = given_match(identity.given, parts.first)
    if score is None:
        return None
    # Equal first names decide on their own: a public figure's organisation changes from one
    # article to the next (party, chamber, campaign, employer). Without them, organisations
    # that disagree keep two people apart.
    if score < 2 and not orgs_agree(identity.org_word_sets(),
                                    org_words(candidate.organization)):
        return None
    return score


class SpeakerIndex:
    """The identities known so far, indexed for matching. ``resolve`` finds or creates the
    identity of an article-level speaker and records what it learnt (name, title, aliases)."""

    def __init__(self, identities: Iterable[Identity] = ()) -> None:
        self.by_surname: dict[tuple[str, str], list[Identity]] = {}
        for identity in identities:
            self._index(identity)

    def _index(self, identity: Identity) -> None:
        self.by_surname.setdefault((identity.type, identity.surname), []).append(identity)

    def __len__(self) -> int:
        return sum(len(v) for v in self.by_surname.values())

    def __iter__(self):
        for group in self.by_surname.values():
            yield from group

    def match(self, candidate: Candidate) -> Optional[Identity]:
        """The existing identity ``candidate`` belongs to, or None."""
        if not eligible(candidate):
            return None
        if candidate.type == "ORG":
            person = self._person_named_as_org(candidate)
            if person is not None:
                return person
            group = self.by_surname.get(("ORG", org_key(candidate.name)), [])
            return group[0] if group else None
        parts = parse_name(candidate.name)
        if parts is None:
            return None
        best, best_rank = None, None
        for identity in self.by_surname.get(("PERSON", parts.surname), []):
            score = _person_score(identity, candidate, parts)
            if score is None:
                continue
            rank = (score, identity.n_statements, -(identity.id or 0))
            if best_rank is None or rank > best_rank:
                best, best_rank = identity, rank
        return best

    @staticmethod
    def keys_of(candidate: Candidate) -> set[tuple[str, str]]:
        """The index entries ((type, surname) pairs) that resolving ``candidate`` may read or
        add to. Candidates whose entries are disjoint never affect each other, so a corpus
        can be resolved in independent parts (the Spark job's speaker step)."""
        if not eligible(candidate):
            return set()
        if candidate.type == "ORG":
            keys = {("ORG", org_key(candidate.name))}
            parts = _org_as_person(candidate.name)
            if parts is not None:
                keys.add(("PERSON", parts.surname))
            return keys
        parts = parse_name(candidate.name)
        return {("PERSON", parts.surname)} if parts is not None else set()

    def _person_named_as_org(self, candidate: Candidate) -> Optional[Identity]:
        """A one-word "organisation" that is the surname of a known person ("Trump said",
        tagged ORG) is that person."""
        parts = _org_as_person(candidate.name)
        if parts is None or ("PERSON", parts.surname) not in self.by_surname:
            return None
        as_person = Candidate("PERSON", _one_word(candidate.name), candidate.title,
                              candidate.role, candidate.organization)
        person = self.match(as_person)
        return person if person is not None and person.given else None

    def resolve(self, candidate: Candidate, *, statements: int = 1,
                document: object = None) -> tuple[Optional[Identity], bool]:
        """(identity, created): the identity of ``candidate`` after counting ``statements``
        more for it (and one more document, unless ``document`` was the last one counted);
        (None, False) for speakers that get no identity."""
        if not eligible(candidate):
            return None, False
        identity = self.match(candidate)
        created = identity is None
        if created:
            identity = self._new(candidate)
            if identity is None:
                return None, False
            self._index(identity)
        self._learn(identity, candidate, statements)
        if document is None or identity.last_document != document:
            identity.n_documents += 1
            identity.last_document = document
        return identity, created

    def _new(self, candidate: Candidate) -> Optional[Identity]:
        name = candidate.name.strip()
        if candidate.type == "ORG":
            return Identity("ORG", re.sub(r"^[Tt]he\s+", "", name), org_key(name))
        parts = parse_name(name)
        if parts is None:
            return None
        return Identity("PERSON", _display_name(name), parts.surname, parts.first, parts.suffix)

    def _learn(self, identity: Identity, candidate: Candidate, statements: int) -> None:
        name = candidate.name.strip()
        identity.aliases[name] = identity.aliases.get(name, 0) + statements
        identity.n_statements += statements
        if identity.type == "PERSON":
            parts = parse_name(name)
            if parts and parts.first and (not identity.given or
                                          (len(identity.given) == 1 and len(parts.first) > 1)):
                identity.given = parts.first  # a bare surname or initial learns the first name
            display = _display_name(name)
            if _fuller(display, identity.name):
                identity.name = display
        for attr in ("title", "role"):
            value = getattr(candidate, attr)
            if value:
                setattr(identity, attr, value)
        if candidate.organization:
            orgs = identity.organizations
            orgs[candidate.organization] = orgs.get(candidate.organization, 0) + statements
            # shown: the organisation named with the most statements
            identity.organization = max(orgs, key=lambda o: (orgs[o], o == candidate.organization))


def _one_word(name: str) -> Optional[str]:
    """The one word of a one-word capitalised name ("The Kremlin" -> "Kremlin"), else None."""
    words = re.sub(r"^[Tt]he\s+", "", name.strip()).split()
    return words[0] if len(words) == 1 and words[0][:1].isupper() else None


def _org_as_person(name: str) -> Optional[NameParts]:
    """The name parts of a one-word "organisation" read as a surname, else None."""
    word = _one_word(name)
    return parse_name(word) if word is not None else None


def speaker_groups(speakers: Iterable[tuple], org_entities: Iterable[str]) -> dict[tuple, list]:
    """One article's speakers as the identity rule sees them: (type, name, title, role,
    organisation that tells people apart) -> the tags of its statements, in order.
    ``speakers`` holds (tag, type, name, title, role, organisation) per statement;
    ``org_entities`` the article's ORG entity texts."""
    org_entities = list(org_entities)
    groups: dict[tuple, list] = {}
    for tag, type_, name, title, role, organization in speakers:
        key = (type_, name or "", title, role,
               identity_organization(organization, org_entities))
        groups.setdefault(key, []).append(tag)
    return groups


@lru_cache(maxsize=65536)
def _display_name(name: str) -> str:
    """The name without leading titles, keeping the article's capitalisation."""
    words = re.sub(r"[’']s$", "", name.strip()).split()
    while len(words) > 1:
        for title in TITLE_WORDS:
            n = len(title.split())
            if len(words) > n and fold(" ".join(words[:n])).replace(".", "") == title:
                words = words[n:]
                break
        else:
            break
    return " ".join(words).strip(" ,")


def _fuller(new: str, old: str) -> bool:
    """Is ``new`` a fuller form of the name than ``old`` (more words; no initials)?"""
    def words(n: str) -> list[str]:
        return [w for w in n.split() if len(w.strip(".")) > 1]
    return (len(words(new)), len(new)) > (len(words(old)), len(old)) and len(new.split()) <= 5
