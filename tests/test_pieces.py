"""A long text is parsed and tagged a piece at a time (pieces.report_pieces): the pieces
cover the report, end at paragraph ends (else at a space), and every offset a piece gives
back is an offset into the whole text."""
from __future__ import annotations

from dataclasses import replace

from saidwhat import clean, pipeline
from saidwhat.pieces import report_pieces
from saidwhat.model import Block, Document, TechniqueSpan
from saidwhat.nlp import MAX_PIECE_CHARS
from saidwhat.pipeline import Options, analyze

PARAGRAPH = ("The minister said that the new bridge over the river would open in May, "
             "and critics called the plan a reckless waste of public money.\n")


def test_pieces_cover_the_report_and_end_at_paragraph_ends():
    text = PARAGRAPH * (2 * MAX_PIECE_CHARS // len(PARAGRAPH) + 3)
    blocks = clean.find_blocks(text, from_html=False)
    pieces = report_pieces(text, blocks)
    assert len(pieces) >= 3
    assert all(e - s <= MAX_PIECE_CHARS for s, e in pieces)
    assert all(text[e - 1] == "\n" for s, e in pieces)
    report = [(b.start, b.end) for b in blocks if b.kind == "report"]
    assert sum(e - s for s, e in pieces) == sum(e - s for s, e in report)


def test_a_line_longer_than_a_piece_is_cut_at_a_space_not_inside_a_word():
    text = PARAGRAPH.strip() + " "
    text = text * (MAX_PIECE_CHARS // len(text) + 2)
    pieces = report_pieces(text, [Block(0, len(text), "report", "body")])
    assert len(pieces) == 2
    (s1, e1), (s2, e2) = pieces
    assert (s1, e2) == (0, len(text)) and e1 == s2
    assert text[e1 - 1] == " " and text[e1] != " "


def test_a_long_report_is_tagged_a_piece_at_a_time_with_offsets_into_the_whole_text():
    seen = []

    class EveryRecklessWaste:  # stands in for the technique model
        def tag(self, text, min_score=0.5):
            seen.append(len(text))
            spans, at = [], text.find("reckless waste")
            while at >= 0:
                spans.append(TechniqueSpan("Loaded_Language", at, at + 14, text[at:at + 14], 0.9))
                at = text.find("reckless waste", at + 1)
            return spans

    options = Options(learned_candidates=False, learned_contents=False)
    models = replace(pipeline.models_for(options), tagger=EveryRecklessWaste())
    copies = MAX_PIECE_CHARS // len(PARAGRAPH) + 40
    analysis = analyze(Document(id="long", text=PARAGRAPH * copies), options, models)
    assert len(seen) >= 2 and max(seen) <= MAX_PIECE_CHARS
    assert len(analysis.techniques) == copies
    assert all(analysis.text[t.start:t.end] == "reckless waste" for t in analysis.techniques)


def test_parses_come_without_the_tensor_no_stage_reads():
    (doc,) = pipeline.parse_pieces(["The mayor said the road would reopen."])
    assert doc.tensor.shape[0] == 0 and len(doc) > 5
    assert [t.dep_ for t in doc if t.lemma_ == "say"] == ["ROOT"]
