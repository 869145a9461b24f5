"""The 14 propaganda techniques of the Propaganda Techniques Corpus (SemEval-2020 Task 11).

Names are the corpus' labels (the model's output vocabulary); definitions follow Da San Martino
et al. (EMNLP 2019; SemEval 2020), shortened to one line; examples are short made-up sentences
in the spirit of the annotation guidelines, not text from the corpus.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Technique:
    name: str
    title: str
    definition: str
    example: str


CATALOGUE: tuple[Technique, ...] = (
    Technique("Loaded_Language", "Loaded language",
              "Words or phrases with strong emotional implications, used to influence the audience.",
              "All the theatrical screams are nothing but a stunt."),
    Technique("Name_Calling,Labeling", "Name calling or labelling",
              "Labelling the object of the campaign as something the audience fears, hates or finds undesirable (or loves and praises).",
              "Their critics are Russophobic cranks."),
    Technique("Repetition", "Repetition",
              "Repeating the same message over and over so that the audience eventually accepts it.",
              "Build the wall. We will build the wall, and we will build it now."),
    Technique("Exaggeration,Minimisation", "Exaggeration or minimisation",
              "Representing something as better or worse than it is, or making it seem less important than it is.",
              "It was the worst disaster in the history of mankind."),
    Technique("Doubt", "Doubt",
              "Questioning the credibility of someone or something.",
              "Is he really the man to lead this country, supposedly for the people?"),
    Technique("Appeal_to_fear-prejudice", "Appeal to fear or prejudice",
              "Seeking support for an idea by instilling anxiety or panic in the audience towards an alternative.",
              "If we let them in, our streets will never be safe again."),
    Technique("Flag-Waving", "Flag-waving",
              "Playing on strong national (or group) feeling to justify or promote an action or idea.",
              "Any true patriot would stand with our soldiers."),
    Technique("Causal_Oversimplification", "Causal oversimplification",
              "Assuming one cause or reason when there are many behind an issue.",
              "Crime went up because the mayor took office."),
    Technique("Slogans", "Slogans",
              "A brief and striking phrase, often acting as an emotional appeal or a label.",
              "Make our nation great again!"),
    Technique("Appeal_to_Authority", "Appeal to authority",
              "Stating that a claim is true because a valid or supposed authority says so, without other evidence.",
              "The world's leading experts agree that the policy is a success."),
    Technique("Black-and-White_Fallacy", "Black-and-white fallacy",
              "Presenting two alternatives as the only possibilities when more exist; dictatorship ('there is only one way').",
              "You are either with us or with the terrorists."),
    Technique("Thought-terminating_Cliches", "Thought-terminating cliché",
              "Short generic phrases that discourage critical thought and end the discussion.",
              "It is what it is."),
    Technique("Whataboutism,Straw_Men,Red_Herring", "Whataboutism, straw man or red herring",
              "Discrediting a position by charging hypocrisy, misrepresenting it, or drawing attention to an irrelevant issue.",
              "They complain about our bombing, but what about their own wars?"),
    Technique("Bandwagon,Reductio_ad_hitlerum", "Bandwagon or reductio ad Hitlerum",
              "Urging the audience to join because 'everyone else is', or rejecting an idea because a hated group holds it.",
              "Only the Nazis ever proposed such a law."),
)

TECHNIQUES: tuple[str, ...] = tuple(t.name for t in CATALOGUE)
BY_NAME = {t.name: t for t in CATALOGUE}


def get(name: str) -> Technique:
    return BY_NAME[name]
