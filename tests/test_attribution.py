"""Statement extraction and speaker resolution on constructions written for the test."""
from __future__ import annotations


def by_content(analysis):
    return {s.content.text if s.content else None: s for s in analysis.statements}


def test_cue_after_and_before_quote_with_guillemets_and_straight_marks(analyze_text):
    text = ("Foreign Minister Anna Lindqvist spoke in Brussels on Tuesday.\n"
            "«We will not accept these terms,» Lindqvist said.\n"
            'She told reporters: "The negotiations are over for this year."\n')
    a = analyze_text(text)
    found = by_content(a)
    assert "«We will not accept these terms,»" in found
    assert '"The negotiations are over for this year."' in found
    for st in a.statements:
        assert st.kind == "direct" and st.speaker.name == "Anna Lindqvist"
    she = found['"The negotiations are over for this year."']
    assert she.speaker.mention.text == "She" and she.speaker.mention_kind == "pronoun"
    assert a.statements[0].speaker.role == "Minister" or a.statements[0].speaker.title


def test_quotes_typed_with_two_apostrophes_or_backticks(analyze_text):
    text = ("Senator Maria Okafor spoke in Lagos on Friday.\n\n"
            "''We will not accept these terms,'' said Ms. Okafor, who chairs the committee. "
            "''The negotiations are over.''\n\n"
            "``Nobody asked us,'' she told reporters.\n\n"
            "The senators' offices were closed.\n")
    a = analyze_text(text)
    assert len(a.statements) == 3  # an apostrophe of a plural possessive is no quote mark
    run, more, asked = a.statements
    assert run.content.text == "''We will not accept these terms,''"
    assert more.content.text == "''The negotiations are over.''" and more.continues == 0
    assert run.speaker.name == more.speaker.name == "Maria Okafor"
    assert "``Nobody asked us,''" in asked.content.text
    assert asked.speaker.mention.text == "she" and asked.speaker.name == "Maria Okafor"


def test_a_content_stays_in_its_cue_paragraph():
    # The parser hangs the closing mark of the paragraph before from "asked"; the content of
    # "told" must not reach back over the paragraph break.
    from saidwhat.attribute.extract import PieceReader
    from saidwhat.attribute.quotes import find_quotes
    from saidwhat.nlp import get_nlp

    text = ('"We will not accept these terms," said Ms. Okafor, who chairs the committee. '
            '"The negotiations are over."\n\n"Nobody asked us," she told reporters.\n')
    reader = PieceReader(get_nlp()(text), 0, text, find_quotes(text, 0))
    told = next(st for st in reader.rule_statements() if st.cue_lemma == "tell")
    assert text[told.content[0]:told.content[1]] == '"Nobody asked us,"'


def test_according_to_and_indirect_without_that(analyze_text):
    text = ("The factory will close in March, according to the regional governor.\n"
            "Union leader Marta Ruiz said the workers had not been consulted.\n")
    a = analyze_text(text)
    found = by_content(a)
    assert "The factory will close in March" in found
    assert found["The factory will close in March"].cue.text == "according to"
    st = found["the workers had not been consulted"]
    assert st.kind == "indirect" and st.speaker.name == "Marta Ruiz"


def test_denial_accusation_and_description_resolves_to_organisation(analyze_text):
    text = ("The Interior Ministry denied that police had used tear gas.\n"
            "The ministry accused protesters of attacking officers with stones.\n"
            "Opposition leader Karl Brenner insisted that the vote was rigged.\n")
    a = analyze_text(text)
    acts = {s.cue.text: s for s in a.statements}
    assert acts["denied"].act == "denial"
    assert acts["denied"].speaker.name == "Interior Ministry"
    assert acts["accused"].act == "accusation"
    assert acts["accused"].speaker.name == "Interior Ministry"
    assert acts["accused"].speaker.mention_kind == "description"
    assert acts["insisted"].stance == "distancing"
    assert acts["insisted"].act == "accusation"  # "rigged" ascribes wrongdoing


def test_split_quote_is_two_statements_and_bare_quote_carries_speaker(analyze_text):
    text = ("“We expected more,” coach Daniel Ortiz said, “but the team fought hard.”\n"
            "Ortiz said the club would appeal against the red card.\n"
            "“The referee made a mistake and everyone saw it.”\n")
    a = analyze_text(text)
    first, second = a.statements[:2]
    assert first.content.text == "“We expected more,”"
    assert second.content.text == "“but the team fought hard.”" and second.continues == 0
    assert second.speaker.name == first.speaker.name == "Daniel Ortiz"
    bare = [s for s in a.statements if s.content and s.content.text.startswith("“The referee")]
    assert bare and bare[0].speaker.name == "Daniel Ortiz" and bare[0].speaker.mention is None


def test_a_quote_run_spans_a_long_attribution_and_the_clause_inside_it():
    from saidwhat.model import Document
    from saidwhat.pipeline import Options, analyze
    text = ("Senator Jane Doe spoke in Ohio on Monday.\n"
            "“We will win this state,” the senator said, adding that the polls were wrong. "
            "“They always underestimate us in November.”\n"
            "She also claimed that turnout would rise. “People are really angry now.”\n")
    # the rules alone (the content CRF may move boundaries; this is the rule's contract)
    a = analyze(Document(id="t", text=text, source="t"),
                Options(techniques=False, learned_contents=False))
    first, later = [s for s in a.statements if s.kind == "direct"][:2]
    assert first.content.text == "“We will win this state,”"
    assert later.content.text == "“They always underestimate us in November.”"
    assert a.statements[later.continues] is first
    adding = [s for s in a.statements if s.cue.text == "adding"]
    assert adding and adding[0].content.text == "the polls were wrong"
    # a bare quote after a plain indirect statement continues no run
    assert [s.continues for s in a.statements
            if s.content and s.content.text == "“People are really angry now.”"] == [None]


def test_a_lower_case_description_after_a_quote_resolves_to_the_person(analyze_text):
    # the small model tags "senator" here as a proper noun; it is the senator named before
    a = analyze_text("Senator Jane Doe spoke in Ohio on Monday.\n"
                     "“We will win this state,” the senator said.\n")
    st = a.statements[0]
    assert st.speaker.name == "Jane Doe" and st.speaker.mention.text == "the senator"
    assert st.speaker.title == "Senator"


def test_a_description_matches_an_abbreviated_title(analyze_text):
    a = analyze_text("Dr. Omar Haddad leads the clinic.\n"
                     "The doctor warned that supplies were running low.\n")
    st = a.statements[0]
    assert st.speaker.name == "Omar Haddad" and st.speaker.mention.text == "The doctor"


def test_a_question_keeps_its_question_mark(analyze_text):
    a = analyze_text("Maria Lopez spoke to reporters on Monday.\n"
                     "She also asked reporters: Why did nobody call us?\n")
    asked = [s for s in a.statements if s.cue.text == "asked"]
    assert asked and asked[0].content.text == "Why did nobody call us?"
    assert asked[0].act == "question"


def test_a_parenthetical_cue_reports_the_clause_around_it(analyze_text):
    a = analyze_text("The mayor, officials said, has become skeptical about the new bridge.\n\n"
                     "This budget, she believes, is different.\n")
    by_cue = {s.cue.text: s for s in a.statements}
    said = by_cue["said"]
    assert said.content.text == ("The mayor, officials said, has become skeptical about the "
                                 "new bridge")
    assert said.kind == "indirect" and said.speaker.mention.text == "officials"
    assert by_cue["believes"].content.text == "This budget, she believes, is different"


def test_people_sharing_a_surname_stay_apart(analyze_text):
    text = ("Senator Mary Walsh said that the bill would pass.\n"
            "Her rival, Thomas Walsh, said that it would fail.\n")
    a = analyze_text(text)
    names = [s.speaker.name for s in a.statements]
    assert names == ["Mary Walsh", "Thomas Walsh"]


def test_nothing_taken_from_boilerplate(analyze_text):
    text = ("The mayor said that the budget was balanced.\n"
            "Support our journalism\n"
            "Dear readers, we need your help. Editors say that independent news costs money. "
            "Please donate today.\n")
    a = analyze_text(text)
    boundary = next(b.start for b in a.blocks if b.kind == "boilerplate")
    assert all((s.content or s.cue).end <= boundary for s in a.statements)
    assert len(a.statements) == 1


def test_relative_pronoun_and_unnamed_speakers_are_named_by_their_noun_phrase(analyze_text):
    text = ("Local officials, who said the fire was under control, asked residents to stay home.\n"
            "A source close to the campaign said that the plan was reckless.\n")
    a = analyze_text(text)
    names = {s.content.text: s.speaker for s in a.statements}
    assert names["the fire was under control"].name == "Local officials"
    assert names["the fire was under control"].mention.text == "who"
    # a description keeps the modifiers that say who it is (not its relative clauses)
    assert names["the plan was reckless"].name == "A source close to the campaign"
    assert names["the plan was reckless"].mention.text == "A source close to the campaign"


def test_a_closing_bracket_that_closes_inside_the_mention_stays(analyze_text):
    a = analyze_text("Rep. Hank Johnson (D-Ga.) said that the hearing was a waste of time.\n")
    st = a.statements[0]
    assert st.speaker.mention.text == "Rep. Hank Johnson (D-Ga.)"
    assert st.content.text == "the hearing was a waste of time"


def test_a_mention_stops_at_its_own_cue(analyze_text):
    # the participle that modifies the subject is the cue: it must not be part of the mention
    a = analyze_text("Republicans met in Ohio. There were the candidates debating whether the "
                     "problem exists.\n")
    st = next(s for s in a.statements if s.cue.text == "debating")
    assert st.speaker.mention.text == "the candidates"
    assert st.content.text == "whether the problem exists"


def test_a_straight_opening_mark_closed_by_a_curly_one_is_one_quote():
    from saidwhat.attribute.quotes import find_quotes

    text = '"And I asked, who decided?” said Kim, who testifies today. "He said, the board."'
    quotes = [text[q.start:q.end] for q in find_quotes(text)]
    assert quotes == ['"And I asked, who decided?”', '"He said, the board."']
    # a curly closing mark inside a word is no close
    inside = '"a”b and c," she said.'
    assert [inside[q.start:q.end] for q in find_quotes(inside)] == ['"a”b and c,"']


def test_an_outlet_passing_on_a_statement_is_not_its_speaker(analyze_text):
    text = ("As yet, there is no evidence linking the third case to the earlier two, the "
            "regional health commission said, according to a wire service.\n")
    st = next(s for s in analyze_text(text).statements if "no evidence" in s.content.text)
    assert st.content.text == ("As yet, there is no evidence linking the third case to the "
                               "earlier two")
    assert st.cue.text == "said"
    assert st.speaker.mention.text == "the regional health commission"


def test_according_to_in_an_aside_reports_what_precedes_it(analyze_text):
    text = ("Given that history -- and the fact that the mayor has made more than 300 false "
            "claims since taking office, according to the Tribune's fact checker -- there is "
            "every reason to doubt the story.\n")
    st = next(s for s in analyze_text(text).statements if s.cue.text == "according to")
    assert st.content.text == "the mayor has made more than 300 false claims since taking office"


def test_the_object_of_led_to_announce_is_the_speaker(analyze_text):
    text = ("Kestrel Air bought fewer jets this year. But its cutback on orders led the Swedish "
            "manufacturer to announce it would end production of the jet.\n")
    st = next(s for s in analyze_text(text).statements if "end production" in s.content.text)
    assert st.speaker.mention.text == "the Swedish manufacturer"
