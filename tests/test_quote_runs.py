"""A quote run is one statement per quote (docs/output.md, ``continues``), and one attribution
again for the PolNeAR scorer."""
from __future__ import annotations

from saidwhat.evaluation.polnear import GoldAttribution, GoldDocument, merge_runs, score

SPLIT = ("Coach Daniel Ortiz spoke after the match on Sunday.\n"
         "“We expected more,” Ortiz said, “but the team fought hard.”\n")
BARE = ("Coach Daniel Ortiz spoke after the match on Sunday.\n"
        "“We expected a lot more from them,” Ortiz said. “The referee made a mistake there.”\n")


def quotes(analysis):
    return [s for s in analysis.statements if s.content and s.content.text.startswith("“")]


def test_a_quote_split_by_its_attribution_is_two_statements_with_one_cue(analyze_text):
    a = analyze_text(SPLIT)
    first, second = quotes(a)
    assert first.content.text == "“We expected more,”"
    assert second.content.text == "“but the team fought hard.”"
    assert first.continues is None and a.statements[second.continues] is first
    assert first.speaker.name == second.speaker.name == "Daniel Ortiz"
    assert second.cue == first.cue and second.cue.text == "said"
    assert second.speaker.mention == first.speaker.mention and first.speaker.mention.text == "Ortiz"
    assert first.kind == second.kind == "direct"


def test_a_bare_quote_continuing_a_quote_is_a_statement_with_its_speaker_carried(analyze_text):
    a = analyze_text(BARE)
    first, second = quotes(a)
    assert first.content.text == "“We expected a lot more from them,”"
    assert second.content.text == "“The referee made a mistake there.”"
    assert a.statements[second.continues] is first
    assert second.speaker.name == first.speaker.name == "Daniel Ortiz"
    assert first.speaker.mention.text == "Ortiz"
    assert second.speaker.mention is None and second.speaker.mention_kind == "none"
    assert second.cue == second.content  # a bare quote is its own cue


def test_statements_stay_in_text_order_around_a_run():
    from saidwhat.model import Document
    from saidwhat.pipeline import Options, analyze

    text = ("Senator Jane Doe spoke in Ohio on Monday.\n"
            "“We will win this state,” the senator said, adding that the polls were wrong. "
            "“They always underestimate us in November.”\n")
    # the rules alone: the CRF may move boundaries
    a = analyze(Document(id="t", text=text, source="t"),
                Options(techniques=False, learned_contents=False))
    assert [s.content.text for s in a.statements] == [
        "“We will win this state,”", "the polls were wrong",
        "“They always underestimate us in November.”"]
    assert [s.continues for s in a.statements] == [None, None, 0]


def test_the_polnear_scorer_merges_a_run_back_into_one_attribution(analyze_text):
    for text in (SPLIT, BARE):
        a = analyze_text(text)
        first, second = quotes(a)
        merged = merge_runs(a.statements, text)
        assert len(merged) == len(a.statements) - 1
        run = next(s for s in merged if s.cue == first.cue)
        assert (run.content.start, run.content.end) == (first.content.start, second.content.end)
        assert run.content.text == text[first.content.start:second.content.end]
        assert run.speaker == first.speaker and run.kind == "direct" and run.continues is None
        assert first.content.text != run.content.text  # the analysis itself is left alone

        # PolNeAR: one attribution whose content runs around its cue and source
        gold = GoldDocument("t", text, [GoldAttribution(
            "E1", ((first.content.start, first.content.end),
                   (second.content.start, second.content.end)),
            ((first.cue.start, first.cue.end),),
            ((first.speaker.mention.start, first.speaker.mention.end),), "direct", "name")])
        result = score([gold], {"t": a.statements})
        assert result["scores"]["content"]["exact"]["tp"] == 1
        assert result["scores"]["content"]["exact"]["pred"] == len(merged)
        assert result["scores"]["attribution"]["overlap50"]["tp"] == 1


def test_a_quote_signed_with_a_dash_and_a_name_is_said_by_that_name(analyze_text):
    text = ("Readers wrote to us after the debate.\n"
            "“He divided the country and he made us afraid.” ― Marta Quiroga\n"
            "“I have never been so ashamed of a campaign.”― Daniel Ferreira.\n")
    statements = quotes(analyze_text(text))
    assert [(s.speaker.name, s.content.text, s.kind) for s in statements] == [
        ("Marta Quiroga", "“He divided the country and he made us afraid.”", "direct"),
        ("Daniel Ferreira", "“I have never been so ashamed of a campaign.”", "direct")]
