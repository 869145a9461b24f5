"""The corpus speaker rule (store/identity.py), both directions: who merges and who does not."""
from __future__ import annotations

import pytest

from saidwhat.store.identity import (Candidate, SpeakerIndex, given_match, org_key,
                                     orgs_agree, org_words, parse_name)


def person(name, org=None, title=None):
    return Candidate("PERSON", name, title=title, organization=org)


def resolve_all(*candidates):
    index = SpeakerIndex()
    out = []
    for doc, candidate in enumerate(candidates):
        identity, _ = index.resolve(candidate, document=doc)
        out.append(identity)
    return index, out


@pytest.mark.parametrize("name,given,surname,suffix", [
    ("Igor Konashenkov", ("igor",), "konashenkov", None),
    ("Major General Igor Konashenkov", ("igor",), "konashenkov", None),
    ("Konashenkov", (), "konashenkov", None),
    ("Maj. Gen. Igor Konashenkov", ("igor",), "konashenkov", None),
    ("Donald Trump Jr.", ("donald",), "trump", "jr"),
    ("Sen. Ted Cruz's", ("ted",), "cruz", None),
    ("Former President Bill Clinton", ("bill",), "clinton", None),
    ("José Ramírez", ("jose",), "ramirez", None),
    ("J.R.R. Tolkien", ("j", "r", "r"), "tolkien", None),
])
def test_parse_name(name, given, surname, suffix):
    parts = parse_name(name)
    assert (parts.given, parts.surname, parts.suffix) == (given, surname, suffix)


def test_konashenkov_three_ways_is_one_speaker():
    index, ids = resolve_all(person("Konashenkov"), person("Igor Konashenkov"),
                             person("Major General Igor Konashenkov", title="Major General"))
    assert ids[0] is ids[1] is ids[2]
    assert len(index) == 1
    speaker = ids[0]
    assert speaker.name == "Igor Konashenkov"  # the fullest form, titles dropped
    assert speaker.title == "Major General"
    assert set(speaker.aliases) == {"Konashenkov", "Igor Konashenkov",
                                    "Major General Igor Konashenkov"}
    assert speaker.n_statements == 3 and speaker.n_documents == 3


def test_full_name_first_then_bare_surname_and_initial():
    _, ids = resolve_all(person("Igor Konashenkov"), person("Konashenkov"),
                         person("I. Konashenkov"))
    assert ids[0] is ids[1] is ids[2]


def test_same_surname_different_first_names_are_different_people():
    index, ids = resolve_all(person("Igor Konashenkov"), person("Dmitry Konashenkov"))
    assert ids[0] is not ids[1]
    assert len(index) == 2


def test_bare_surname_learns_a_first_name_and_then_refuses_another():
    _, ids = resolve_all(person("Konashenkov"), person("Igor Konashenkov"),
                         person("Dmitry Konashenkov"))
    assert ids[0] is ids[1]
    assert ids[2] is not ids[0]
    assert ids[0].given == "igor"


def test_same_surname_different_organisations_are_different_people():
    index, ids = resolve_all(person("Smith", org="Acme Corporation"),
                             person("Smith", org="Globex"),
                             person("Smith", org="Acme"),
                             person("J. Smith", org="Globex"),
                             person("John Smith", org="Acme"))
    assert ids[0] is not ids[1]
    assert ids[2] is ids[0]  # "Acme" fits "Acme Corporation"
    assert ids[3] is ids[1]  # an initial and Globex: the Globex Smith
    assert ids[4] is ids[0]  # the Acme Smith learns his first name
    assert len(index) == 2


def test_equal_first_names_decide_over_organisations():
    # a public figure's organisation changes with the article (party, chamber, campaign)
    _, ids = resolve_all(person("Ted Cruz", org="Senate"), person("Ted Cruz", org="GOP"),
                         person("Cruz", org="Senate"))
    assert ids[0] is ids[1] is ids[2]


def test_leading_words_a_tagger_keeps_are_not_first_names():
    _, ids = resolve_all(person("Donald Trump"), person("Billionaire Donald Trump"),
                         person("Top Trump"), person("Rival Trump"))
    assert ids[0] is ids[1] is ids[2] is ids[3]


def test_one_word_organisation_that_is_a_known_surname_is_the_person():
    index = SpeakerIndex()
    donald, _ = index.resolve(person("Donald Trump"))
    as_org, created = index.resolve(Candidate("ORG", "Trump"))
    assert as_org is donald and not created
    reuters, created = index.resolve(Candidate("ORG", "Reuters"))
    assert created and reuters.type == "ORG"


def test_organisation_spelling_variants_agree():
    _, ids = resolve_all(person("Igor Konashenkov", org="Russian Defense Ministry"),
                         person("Konashenkov", org="Russia's Defence Ministry"),
                         person("Igor Konashenkov", org="Defense Ministry"),
                         person("Igor Konashenkov"))
    assert ids[0] is ids[1] is ids[2] is ids[3]


def test_suffix_keeps_father_and_son_apart():
    _, ids = resolve_all(person("Donald Trump"), person("Donald Trump Jr."),
                         person("Donald J. Trump"))
    assert ids[0] is not ids[1]
    assert ids[2] is ids[0]


def test_bare_surname_goes_to_the_most_quoted_namesake():
    index = SpeakerIndex()
    donald, _ = index.resolve(person("Donald Trump"), statements=40, document=1)
    ivanka, _ = index.resolve(person("Ivanka Trump"), statements=2, document=2)
    assert donald is not ivanka
    bare, created = index.resolve(person("Trump"), document=3)
    assert bare is donald and not created
    # ... but a first name decides when there is one
    again, _ = index.resolve(person("Ivanka Trump"), document=4)
    assert again is ivanka


def test_nicknames_match_and_different_initials_do_not():
    _, ids = resolve_all(person("William Clinton"), person("Bill Clinton"),
                         person("H. Clinton"), person("Hillary Clinton"))
    assert ids[0] is ids[1]
    assert ids[2] is not ids[0]
    assert ids[3] is ids[2]


def test_organisations_merge_on_normalised_name_only():
    index = SpeakerIndex()
    a, _ = index.resolve(Candidate("ORG", "The Kremlin"))
    b, _ = index.resolve(Candidate("ORG", "Kremlin"))
    c, _ = index.resolve(Candidate("ORG", "Russian Defence Ministry"))
    d, _ = index.resolve(Candidate("ORG", "Russian Defense Ministry"))
    e, _ = index.resolve(Candidate("ORG", "Defense Ministry"))
    assert a is b and c is d
    assert e is not c
    assert a.name == "Kremlin"


def test_organisations_and_people_merge_only_by_that_surname_rule():
    index = SpeakerIndex()
    org, _ = index.resolve(Candidate("ORG", "Trump Organization"))
    who, _ = index.resolve(person("Trump"))
    assert org is not who


@pytest.mark.parametrize("candidate", [Candidate("GROUP", "officials"),
                                       Candidate("UNKNOWN", ""), Candidate("PERSON", "  ")])
def test_descriptions_and_unknown_speakers_get_no_identity(candidate):
    index = SpeakerIndex()
    assert index.resolve(candidate) == (None, False)
    assert len(index) == 0


def test_helpers():
    assert given_match("igor", "igor") == 2
    assert given_match("bill", "william") == 2
    assert given_match(None, "igor") == 1
    assert given_match("i", "igor") == 1
    assert given_match("igor", "dmitry") is None
    assert given_match("i", "dmitry") is None
    assert orgs_agree([org_words("GOP")], org_words("Republican"))
    assert not orgs_agree([org_words("Acme")], org_words("Globex"))
    assert orgs_agree([], org_words("Globex"))
    assert org_key("The Defence Ministry") == org_key("defense ministry")


def test_an_interview_label_is_no_person_and_no_antecedent(analyze_text):
    a = analyze_text("Senator Maria Okafor sat down with our reporter on Friday.\n\n"
                     "Q: Will you run again next year?\n\n"
                     "Okafor: I have not decided. My family comes first.\n\n"
                     "Q: What do you make of the new budget?\n\n"
                     "She said the budget was a disgrace.\n")
    by_mention = {s.speaker.mention.text: s.speaker for s in a.statements}
    assert by_mention["Q"].type != "PERSON" and by_mention["Q"].mention_kind == "description"
    assert by_mention["Okafor"].name == "Maria Okafor"
    # "She" goes back past the interviewer's label to the senator
    assert by_mention["She"].name == "Maria Okafor"


FAMILIES = [
    ("Carly Fiorina spoke in Iowa on Monday. Fiorina said that taxes were too high.\n\n"
     "Her husband, Frank Fiorina, said that she would win the state.\n\n"
     "She told her audience that the economy was weak.\n", "Carly Fiorina", "Frank Fiorina"),
    ("Hillary Clinton campaigned in Ohio, where she met steel workers. Clinton said that wages "
     "must rise.\n\nFormer President Bill Clinton, who spoke before his wife, said that he "
     "expected a close race.\n\nShe said that she would fight for workers.\n", "Hillary Clinton",
     "Bill Clinton"),
    ("Jeb Bush spoke in Florida. Bush said that schools needed reform.\n\n"
     "His brother, George W. Bush, said that Jeb would be a fine president.\n\n"
     "Jeb Bush said that he was grateful.\n", "Jeb Bush", "George W. Bush"),
]


@pytest.mark.parametrize("text, first, other", FAMILIES)
def test_a_family_sharing_a_surname_stays_apart_in_the_article_and_the_store(
        analyze_text, tmp_path, text, first, other):
    """The candidate and her husband: the article resolves a bare surname and "she" to the
    person it means, and the store keeps the two people apart across articles."""
    from saidwhat.store import open_store

    analysis = analyze_text(text)
    names = [s.speaker.name for s in analysis.statements]
    assert set(names) == {first, other}
    assert names.count(other) == 1  # every other statement is the first person's
    with open_store(str(tmp_path / "families.db")) as store:
        store.add(analysis)
        speakers = store.speakers()
        assert sorted(speakers["name"]) == sorted([first, other])
        counts = dict(zip(speakers["name"], speakers["statements"]))
        assert counts[other] == 1 and counts[first] == len(names) - 1
