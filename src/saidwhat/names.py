"""People's names: given names, surname and suffix, titles and honorifics dropped; short
forms of given names. Shared by the article's speaker resolution (attribute/speakers.py) and
the corpus identity rule (store/identity.py), so that both read a name the same way."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Optional

from saidwhat.attribute.lexicon import PERSON_DESCRIPTION_WORDS as _DESCRIPTIONS
from saidwhat.attribute.lexicon import TITLES as _LEXICON_TITLES

_EXTRA_TITLES = [
    "mr", "mrs", "ms", "miss", "dr", "prof", "sen", "rep", "gov", "gen", "lt", "col", "capt",
    "sgt", "adm", "maj", "cmdr", "rev", "hon", "the honorable", "honorable", "president-elect",
    "former", "then", "acting", "deputy", "secretary of state", "secretary", "minister",
    "foreign minister", "defense minister", "defence minister", "chancellor", "premier",
    "speaker", "house speaker", "senate majority leader", "majority leader", "minority leader",
    "attorney general", "lieutenant governor", "lt. gov", "congressman", "congresswoman",
    "sheikh", "imam", "rabbi", "father", "u.s", "us",
]
# Words that a named-entity tagger lets into the front of a name ("Billionaire Donald Trump",
# "Top Clinton aide", "Rival Sanders").
_LEADING_WORDS = {
    "top", "young", "old", "absent", "neither", "either", "team", "beneath", "derelict", "rip",
    "presumptive", "likely", "embattled", "defiant", "outgoing", "incoming", "fellow",
    "democratic", "gop", "republican", "democrat", "independent", "conservative", "liberal",
    "progressive", "billionaire", "businessman", "nominee", "candidate", "hopeful", "then",
    "mr", "mrs", "ms", "dear", "poor", "says", "said", "when", "while", "as", "and", "but",
}
TITLE_WORDS = sorted({re.sub(r"\.", "", t.lower()).strip() for t in _LEXICON_TITLES}
                     | set(_EXTRA_TITLES) | {d.lower() for d in _DESCRIPTIONS} | _LEADING_WORDS,
                     key=lambda t: -len(t.split()))
SUFFIXES = {"jr": "jr", "junior": "jr", "sr": "sr", "senior": "sr", "ii": "ii", "iii": "iii",
            "iv": "iv", "2nd": "ii", "3rd": "iii"}
SURNAME_PARTICLES = {"van", "von", "der", "den", "de", "del", "della", "di", "da", "du", "la", "le",
                     "bin", "ibn", "al", "el", "ter", "ten", "st", "mac", "dos", "das"}
_GIVEN_NAME_PARTICLES = {"al", "el", "st", "mac"}  # "Al Gore": a given name on its own
NICKNAMES = {
    "bill": "william", "will": "william", "billy": "william", "bob": "robert", "rob": "robert",
    "bobby": "robert", "mike": "michael", "jim": "james", "jimmy": "james", "joe": "joseph",
    "tom": "thomas", "dick": "richard", "rick": "richard", "chris": "christopher",
    "tony": "anthony", "dan": "daniel", "danny": "daniel", "ted": "edward", "ed": "edward",
    "liz": "elizabeth", "beth": "elizabeth", "kate": "katherine", "kathy": "katherine",
    "nick": "nicholas", "pete": "peter", "steve": "steven", "stephen": "steven",
    "sam": "samuel", "ben": "benjamin", "alex": "alexander", "andy": "andrew",
    "matt": "matthew", "dave": "david", "jeff": "jeffrey", "geoff": "jeffrey", "greg": "gregory",
    "jon": "jonathan", "larry": "lawrence", "chuck": "charles", "charlie": "charles",
    "hank": "henry", "harry": "henry", "jack": "john", "johnny": "john", "ron": "ronald",
    "pat": "patrick", "patty": "patricia", "newt": "newton", "mitt": "willard", "vlad": "vladimir", "sasha": "alexander",
}
def fold(text: str) -> str:
    """Lower case, no accents, typographic apostrophes made plain."""
    text = unicodedata.normalize("NFKD", text.replace("’", "'").replace("‘", "'"))
    return "".join(ch for ch in text if not unicodedata.combining(ch)).lower()


@dataclass(frozen=True)
class NameParts:
    given: tuple[str, ...]
    surname: str
    suffix: Optional[str] = None

    @property
    def first(self) -> Optional[str]:
        return self.given[0] if self.given else None


@lru_cache(maxsize=65536)
def parse_name(name: str) -> Optional[NameParts]:
    """Given names, surname and suffix of a person's name; None when nothing is left."""
    text = fold(name)
    text = re.sub(r"'s\b", "", text)
    text = re.sub(r"[^\w\s.'-]", " ", text)
    text = re.sub(r"\.(?=\S)", ". ", text)  # "J.R.R." -> "j. r. r."
    words = [w.strip(".'-") for w in text.split()]
    words = [w for w in words if w]
    changed = True
    while changed and len(words) > 1:  # leading titles, longest first, as often as they come
        changed = False
        for title in TITLE_WORDS:
            n = len(title.split())
            if len(words) > n and " ".join(words[:n]) == title:
                words = words[n:]
                changed = True
                break
    suffix = None
    while len(words) > 1 and words[-1] in SUFFIXES:
        suffix = SUFFIXES[words.pop()]
    if not words:
        return None
    surname = words.pop()
    # particles belong to the surname: "Van Der Berg", "de la Rosa", "bin Salman"
    while len(words) > 1 and words[-1] in SURNAME_PARTICLES:
        surname = f"{words.pop()} {surname}"
    if len(words) == 1 and words[0] in SURNAME_PARTICLES - _GIVEN_NAME_PARTICLES \
            and name.split()[0][:1].isupper():
        surname = f"{words.pop()} {surname}"  # "Van Der Berg" on its own
    return NameParts(tuple(words), surname, suffix)


def given_match(a: Optional[str], b: Optional[str]) -> Optional[int]:
    """How well two first given names agree: 2 equal (or short forms of one name), 1 one is
    missing or an initial of the other, None they differ."""
    if not a or not b:
        return 1
    if a == b or NICKNAMES.get(a, a) == NICKNAMES.get(b, b):
        return 2
    if (len(a) == 1 or len(b) == 1) and a[0] == b[0]:
        return 1
    return None


# A given name is taken to be a man's or a woman's when the US Census 1990 name lists (the
# `names` package's public-domain data) count it at least this many times more often for one.
_GENDER_RATIO = 4.0


@lru_cache(maxsize=1)
def _census_given_names() -> dict[str, tuple[float, float]]:
    """Folded given name -> (share among men, share among women), in per cent."""
    from importlib.resources import files

    shares: dict[str, list[float]] = {}
    for index, list_name in enumerate(("dist.male.first", "dist.female.first")):
        for line in files("names").joinpath(list_name).read_text(encoding="ascii").splitlines():
            fields = line.split()
            if len(fields) >= 2:
                shares.setdefault(fields[0].lower(), [0.0, 0.0])[index] = float(fields[1])
    return {name: (male, female) for name, (male, female) in shares.items()}


def given_name_gender(given: str) -> Optional[str]:
    """"male" or "female" for a given name the census lists mostly for one sex ("Mary",
    "James"), None for one it shares ("Jordan") or does not list. The article's own evidence
    (honorifics, pronouns) comes first; this is the prior used when it says nothing."""
    male, female = _census_given_names().get(fold(given).replace("-", ""), (0.0, 0.0))
    if male >= _GENDER_RATIO * female and male > 0:
        return "male"
    if female >= _GENDER_RATIO * male and female > 0:
        return "female"
    return None
