"""What looks like a statement and is not one (attribute/nonstatements.py), end to end."""
from __future__ import annotations

import pytest


def test_a_refusal_to_comment_is_a_summary_without_content(analyze_text):
    a = analyze_text("A spokeswoman for the company declined to comment on the report.\n")
    assert [(s.kind, s.content) for s in a.statements] == [("summary", None)]
    assert a.statements[0].speaker.name.startswith("A spokeswoman for the company")


def test_an_agentless_thought_is_no_statement(analyze_text):
    text = ("The company, which is expected to cut 4,000 jobs, reported a loss.\n"
            "The merger is widely believed to be dead.\n")
    assert [s for s in analyze_text(text).statements if s.channel == "thought"] == []


def test_a_speaker_that_names_nobody_is_no_statement(analyze_text):
    text = ("This shows that the policy has failed.\n"
            "Nothing indicated that he was at home.\n"
            "The minister said that the policy had worked.\n")
    names = [s.speaker.name for s in analyze_text(text).statements]
    assert names == ["The minister"]



@pytest.mark.parametrize("text, contents", [
    # a decision is no statement, an agreement that something is so is one
    ("SoftBank agreed to inject $6.5 billion into the company last month.\n"
     "The council voted to approve the budget on Tuesday.\n"
     "The ministers agreed that the talks had failed.\n", ["the talks had failed"]),
    # a quoted title is no statement
    ("The band played a long set on Friday night.\n\n"
     "“Takin’ It to the Streets,” the closing song, had the crowd on its feet.\n\n"
     "“We have never played a better show,” the singer said.\n",
     ["“We have never played a better show,”"]),
])
def test_decisions_and_titles_are_no_statements(analyze_text, text, contents):
    assert [s.content.text for s in analyze_text(text).statements if s.content] == contents


def test_a_learnt_candidate_that_no_one_makes_is_dropped_a_carried_or_rule_one_is_not():
    from saidwhat.attribute.nonstatements import verdict
    from saidwhat.nlp import get_nlp

    doc = get_nlp()("The studio stocked the service with classic films.")
    speaker = doc[1]  # "studio"
    assert verdict("stock", "the service", None, False, doc[2], learnt=True) == "drop"
    assert verdict("stock", "the service", speaker, False, doc[2], learnt=True) == "keep"
    assert verdict("say", "the service", None, True, doc[2], learnt=True) == "keep"  # carried
    assert verdict("say", "the service", None, False, doc[2], learnt=False) == "keep"


def test_a_trailing_participle_of_saying_is_its_own_statement(analyze_text):
    text = ("Senator Ann Price said she did not believe the ads had cost them the race, arguing "
            "that it was the party's divisions that hurt most.\n")
    contents = {s.cue.text: s.content.text for s in analyze_text(text).statements}
    assert contents["said"] == "she did not believe the ads had cost them the race"
    assert contents["arguing"] == "it was the party's divisions that hurt most"


def test_a_learnt_infinitive_the_scorer_doubts_is_dropped():
    from saidwhat.attribute.nonstatements import verdict
    from saidwhat.nlp import get_nlp

    doc = get_nlp()("The company plans to open a plant in Ohio.")
    speaker, cue = doc[1], doc[2]
    assert verdict("plan", "to open a plant", speaker, False, cue, learnt=True,
                   option="xcomp", confidence=0.4) == "drop"
    assert verdict("plan", "to open a plant", speaker, False, cue, learnt=True,
                   option="xcomp", confidence=0.7) == "keep"
    assert verdict("plan", "to open a plant", speaker, False, cue, learnt=True,
                   option="dobj", confidence=0.4) == "keep"
