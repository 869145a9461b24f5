"""Speech acts that hold on real news: a table of cue patterns, each analysed end to end with
the real spaCy model (sentences written for this test)."""
from __future__ import annotations

import pytest

CASES = [
    ("Trump called the impeachment process a sham.", "dismissal"),
    ("She called the ban illegal.", "accusation"),
    ("He called for an independent inquiry into the deaths.", "demand"),
    ("They called on Congress to act before the recess.", "demand"),
    ("The senator called him a hero.", "praise"),
    ("Critics labeled the plan a giveaway to the rich.", "dismissal"),
    ("He described the report as biased.", "dismissal"),
    ("She branded the deal a disaster.", "dismissal"),
    ("The coach called the referee's decision a joke.", "dismissal"),
    ("She called the accusations lies.", "accusation"),
    ("The lawyer called the verdict a travesty.", "dismissal"),
    ("He called the president a liar.", "accusation"),
    ("The senator called the agreement historic.", "praise"),
    ("They described the talks as constructive.", "praise"),
    ("He mocked the proposal as naive.", "dismissal"),
    ("The spokesman dismissed the footage as propaganda.", "dismissal"),
    ("The minister denied that troops had crossed the border.", "denial"),
    ("The company rejected the claims as false.", "denial"),
    ("The minister disputed the figures in the report.", "denial"),
    ("He refuted the allegations against his family.", "denial"),
    ("Police accused the driver of speeding through the town.", "accusation"),
    ("She blamed the government for the delays.", "accusation"),
    ("He claimed that the election was rigged.", "accusation"),
    ("The ministry said militants were using civilians as human shields.", "accusation"),
    ("The general said the convoy was attacked by terrorists.", "accusation"),
    ("The mayor said the budget was balanced.", "assertion"),
    ("He told reporters that the talks had failed.", "assertion"),
    ("He insisted that he was innocent.", "assertion"),
    ("Officials confirmed that two people died in the fire.", "assertion"),
    ("He joked that he was not a singer.", "assertion"),
    ("The agency estimated that 100 people were displaced.", "assertion"),
    ("She warned that prices would rise next year.", "warning"),
    ("She threatened to sue the newspaper.", "warning"),
    ("The president promised to cut taxes.", "promise"),
    ("He vowed to rebuild the city.", "promise"),
    ("The union urged its members to strike.", "demand"),
    ("Activists demanded that the plant close.", "demand"),
    ("She asked whether the plan was legal.", "question"),
    ("He admitted that he had made mistakes.", "admission"),
    ("The chief executive acknowledged that sales had fallen.", "admission"),
    ("Analysts predicted that interest rates would rise.", "prediction"),
    ("The senator criticized the plan as reckless.", "attack"),
    ("The governor praised the volunteers as heroes.", "praise"),
    ("“Is this the best we can do?” the senator asked.", "question"),
]


@pytest.mark.parametrize("sentence, act", CASES)
def test_speech_act(analyze_text, sentence, act):
    statements = analyze_text(sentence + "\n").statements
    assert statements, f"no statement in {sentence!r}"
    assert statements[0].act == act, (sentence, statements[0].cue.text, statements[0].content)


def test_enough_patterns():
    assert len(CASES) >= 40 and len({act for _, act in CASES}) >= 10
