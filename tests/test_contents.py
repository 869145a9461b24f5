"""The content and source CRFs (attribute/contents.py) and their training labels."""
from __future__ import annotations

import pytest

from saidwhat.attribute import contents
from saidwhat.attribute.extract import PieceReader, RawStatement
from saidwhat.attribute.quotes import find_quotes
from saidwhat.training.contents import _runs, gold_labels, view
from saidwhat.nlp import get_nlp


def reader_for(text: str) -> PieceReader:
    return PieceReader(get_nlp()(text), 0, text, find_quotes(text, 0))


def test_paragraphs_split_at_line_breaks_and_leave_spaces_out():
    doc = reader_for("He said it rained.\n\nShe denied that.\nThe end").doc
    spaces = [t.is_space for t in doc]
    breaks = ["\n" in (t.text if t.is_space else t.whitespace_) for t in doc]
    words = [[doc[i].text for i in p] for p in contents.paragraphs(spaces, breaks)]
    assert words == [["He", "said", "it", "rained", "."], ["She", "denied", "that", "."],
                     ["The", "end"]]


def test_labelled_spans_read_runs_of_each_label_set():
    text = "Officials said the bridge was closed and police agreed"
    bounds = [(t.idx, t.idx + len(t)) for t in reader_for(text).doc]
    labels = ["BS", "O", "B", "I", "I", "I", "O", "BS", "O"]
    assert [text[s:e] for s, e in contents.labelled_spans(bounds, labels)] == [
        "the bridge was closed"]
    assert [text[s:e] for s, e in contents.labelled_spans(bounds, labels, "BS", "IS")] \
        == ["Officials", "police"]


def test_reporting_ancestor_names_the_verb_and_the_branch():
    reader = reader_for("The minister said that the talks had failed.")
    doc = reader.doc
    kinds = ["speech" if t.lemma_ == "say" else "" for t in doc]
    ancestors = contents._reporting_ancestors([t.head.i for t in doc], [t.dep_ for t in doc],
                                              kinds)
    talks = next(t.i for t in doc if t.text == "talks")
    assert ancestors[talks] == "speech:ccomp"
    said = next(t.i for t in doc if t.text == "said")
    assert ancestors[said] == ""  # the root hangs from nothing


def test_gold_labels_take_the_outer_content_then_sources():
    text = "Smith said Jones claimed the vote was rigged."
    bounds = [(t.idx, t.idx + len(t)) for t in reader_for(text).doc]
    outer = (text.index("Jones"), text.index("."))
    inner = (text.index("the vote"), text.index("."))
    source = (0, 5)
    labels = gold_labels(bounds, [inner, outer], [source])
    assert labels[:3] == ["BS", "O", "B"]
    assert set(labels[3:8]) == {"I"} and labels[-1] == "O"
    assert view(labels, "sources")[:3] == ["B", "O", "O"]
    assert _runs(view(labels, "contents")) == {(2, 8)}


def test_clip_keeps_a_following_quote_with_its_own_statement():
    own = (0, 10)
    other = RawStatement((30, 31), "", (20, 40), "direct")
    assert contents._clip((0, 40), own, [RawStatement((0, 1), "", own, "indirect"), other]) \
        == (0, 20)


def test_shipped_crfs_give_contents_their_boundaries(analyze_text):
    if contents.load_tagger() is None:
        pytest.skip("the content CRF is not shipped in this checkout")
    analysis = analyze_text(
        "The mayor said on Monday that the bridge would reopen in May, adding that repairs "
        "had cost $4 million.")
    by_cue = {s.cue.text: s for s in analysis.statements}
    assert by_cue["said"].content.text == "the bridge would reopen in May"
    assert by_cue["adding"].content.text == "repairs had cost $4 million"
    assert by_cue["said"].speaker.mention.text == "The mayor"


def test_a_belief_or_indirect_report_inside_a_report_is_part_of_its_content():
    outer = RawStatement((6, 10), "say", (11, 60), "indirect")
    belief = RawStatement((14, 20), "think", (21, 60), "indirect")
    told = RawStatement((20, 24), "tell", (25, 60), "indirect")
    quote = RawStatement((20, 24), "tell", (25, 60), "direct")
    outside = RawStatement((70, 74), "think", (75, 90), "indirect")
    statements = [outer, belief, told, quote, outside]
    assert contents._inside_report(belief, statements)
    assert contents._inside_report(told, statements)
    # a quote reported inside a report, and a belief outside any content, stay statements
    assert not contents._inside_report(quote, statements)
    assert not contents._inside_report(outside, statements)
    assert not contents._inside_report(outer, statements)


def test_analyze_keeps_only_the_outer_report(analyze_text):
    if contents.load_tagger() is None:
        pytest.skip("the content CRF is not shipped in this checkout")
    analysis = analyze_text("The governor told reporters that he did not think the party "
                            "will get there.")
    assert [s.cue.text for s in analysis.statements] == ["told"]
    assert analysis.statements[0].content.text == "he did not think the party will get there"
