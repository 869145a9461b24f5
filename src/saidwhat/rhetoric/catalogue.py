"""The 14 propaganda techniques of the Propaganda Techniques Corpus (SemEval-2020 Task 11).

Each technique has one identity: its ``name``, the corpus' label (the model's output
vocabulary, what the store and every machine output hold, e.g. "Exaggeration,Minimisation": a
combined label is one technique, never two); a ``title`` for people to read; and ``aliases``.
``resolve`` reads any of these as a user types them (see its docstring). Definitions follow Da
San Martino et al. (EMNLP 2019; SemEval 2020), shortened to one line; examples are short
made-up sentences in the spirit of the annotation guidelines, not text from the corpus.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from saidwhat.errors import SaidwhatError


@dataclass(frozen=True)
class Technique:
    name: str  # the id: the PTC label
    title: str  # the display name
    definition: str
    example: str
    # Other ways to write it, beyond the name, the title and each part of a combined name
    # (which are accepted by themselves): spellings, singulars, common synonyms.
    aliases: tuple[str, ...] = ()

    @property
    def id(self) -> str:
        """The technique's identity in the store and in machine outputs: the PTC label."""
        return self.name

    def to_dict(self) -> dict:
        """The technique as ``saidwhat techniques --json`` and ``/api/techniques`` give it."""
        return {"name": self.name, "title": self.title, "definition": self.definition,
                "example": self.example, "aliases": list(self.aliases)}


CATALOGUE: tuple[Technique, ...] = (
    Technique("Loaded_Language", "Loaded language",
              "Words or phrases with strong emotional implications, used to influence the audience.",
              "All the theatrical screams are nothing but a stunt.",
              ("loaded",)),
    Technique("Name_Calling,Labeling", "Name calling or labelling",
              "Labelling the object of the campaign as something the audience fears, hates or finds undesirable (or loves and praises).",
              "Their critics are Russophobic cranks.",
              ("Labelling", "Name calling or labeling")),
    Technique("Repetition", "Repetition",
              "Repeating the same message over and over so that the audience eventually accepts it.",
              "Build the wall. We will build the wall, and we will build it now.",
              ()),
    Technique("Exaggeration,Minimisation", "Exaggeration or minimisation",
              "Representing something as better or worse than it is, or making it seem less important than it is.",
              "It was the worst disaster in the history of mankind.",
              ("Minimization", "Exaggeration or minimization")),
    Technique("Doubt", "Doubt",
              "Questioning the credibility of someone or something.",
              "Is he really the man to lead this country, supposedly for the people?",
              ()),
    Technique("Appeal_to_fear-prejudice", "Appeal to fear or prejudice",
              "Seeking support for an idea by instilling anxiety or panic in the audience towards an alternative.",
              "If we let them in, our streets will never be safe again.",
              ("Appeal to fear", "Appeal to prejudice", "fear", "prejudice")),
    Technique("Flag-Waving", "Flag-waving",
              "Playing on strong national (or group) feeling to justify or promote an action or idea.",
              "Any true patriot would stand with our soldiers.",
              ("flagwaving",)),
    Technique("Causal_Oversimplification", "Causal oversimplification",
              "Assuming one cause or reason when there are many behind an issue.",
              "Crime went up because the mayor took office.",
              ("oversimplification",)),
    Technique("Slogans", "Slogans",
              "A brief and striking phrase, often acting as an emotional appeal or a label.",
              "Make our nation great again!",
              ("Slogan",)),
    Technique("Appeal_to_Authority", "Appeal to authority",
              "Stating that a claim is true because a valid or supposed authority says so, without other evidence.",
              "The world's leading experts agree that the policy is a success.",
              ("authority",)),
    Technique("Black-and-White_Fallacy", "Black-and-white fallacy",
              "Presenting two alternatives as the only possibilities when more exist; dictatorship ('there is only one way').",
              "You are either with us or with the terrorists.",
              ("black and white", "Black-and-white fallacy, dictatorship", "dictatorship",
               "false dilemma")),
    Technique("Thought-terminating_Cliches", "Thought-terminating cliché",
              "Short generic phrases that discourage critical thought and end the discussion.",
              "It is what it is.",
              ("Thought-terminating cliches", "thought terminating", "cliché", "clichés")),
    Technique("Whataboutism,Straw_Men,Red_Herring", "Whataboutism, straw man or red herring",
              "Discrediting a position by charging hypocrisy, misrepresenting it, or drawing attention to an irrelevant issue.",
              "They complain about our bombing, but what about their own wars?",
              ("straw man", "strawman", "strawmen")),
    Technique("Bandwagon,Reductio_ad_hitlerum", "Bandwagon or reductio ad Hitlerum",
              "Urging the audience to join because 'everyone else is', or rejecting an idea because a hated group holds it.",
              "Only the Nazis ever proposed such a law.",
              ("hitlerum", "reductio ad Hitlerum")),
)

TECHNIQUES: tuple[str, ...] = tuple(t.name for t in CATALOGUE)
BY_NAME = {t.name: t for t in CATALOGUE}


def get(name: str) -> Technique:
    return BY_NAME[name]


def key(text: str) -> str:
    """How a technique's name is compared: accents dropped ("cliché" is "cliche"), any case,
    every run of other characters than letters and digits (spaces, underscores, hyphens,
    commas, slashes) one separator, and the joining words "and" and "or" left out, so
    "Exaggeration, Minimisation", "exaggeration_minimisation" and "Exaggeration or
    minimisation" are one name."""
    plain = "".join(c for c in unicodedata.normalize("NFKD", text)
                    if not unicodedata.combining(c)).casefold()
    return " ".join(w for w in re.findall(r"[^\W_]+", plain) if w not in ("and", "or"))


def _names(t: Technique) -> list[str]:
    # each part of a combined label names the technique by itself: "Exaggeration",
    # "Minimisation", "Red_Herring" (the corpus joins a technique's parts with commas)
    return [t.name, t.title, *t.name.split(","), *t.aliases]


def _lookup() -> dict[str, Technique]:
    found: dict[str, Technique] = {}
    for t in CATALOGUE:
        for name in _names(t):
            k = key(name)
            if found.setdefault(k, t) is not t:  # a name of two techniques would be a guess
                raise ValueError(f"{name!r} names both {found[k].name} and {t.name}")
    return found


LOOKUP = _lookup()


def resolve(text: str) -> Technique:
    """The technique a user's ``text`` names: its id ("Exaggeration,Minimisation"), its
    display name ("Exaggeration or minimisation"), one part of a combined name
    ("Minimisation"), or an alias ("Minimization", "straw man", "cliché"); compared by ``key``.
    ``SaidwhatError("unknown_technique")``, listing the techniques, if it names none."""
    found = LOOKUP.get(key(str(text)))
    if found is None:
        raise SaidwhatError("unknown_technique", value=str(text),
                            names="; ".join(TECHNIQUES))
    return found


def resolve_all(values) -> list[str]:
    """The ids of the techniques ``values`` name (one value or several), each once, in order."""
    values = [values] if isinstance(values, str) else list(values or ())
    return list(dict.fromkeys(resolve(v).name for v in values if str(v).strip()))


def title_of(name: str) -> str:
    """The display name of a stored technique (an unknown name readable as it is)."""
    return BY_NAME[name].title if name in BY_NAME else name.replace("_", " ")
