"""Tests of the PolNeAR evaluation: brat loading, gold kinds, span matching, scoring, runner, CLI."""
from __future__ import annotations

import argparse
import json
import sys
import types
from pathlib import Path

import pytest

from saidwhat.evaluation import polnear as P
from saidwhat.model import Analysis, Span, Speaker, Statement

POLNEAR = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "polnear"


def seg(text: str, piece: str, after: int = 0) -> tuple[int, int]:
    """The offsets of ``piece`` in ``text`` (searching from ``after``)."""
    start = text.index(piece, after)
    return start, start + len(piece)


def brat(*segments: tuple[int, int]) -> str:
    return ";".join(f"{a} {b}" for a, b in segments)


def gold_doc(text: str, *attributions: P.GoldAttribution, doc_id: str = "doc") -> P.GoldDocument:
    return P.GoldDocument(id=doc_id, text=text, attributions=list(attributions))


def att(content=None, cue=None, source=None, kind="indirect", source_kind="name", id="E1") -> P.GoldAttribution:
    return P.GoldAttribution(id=id, content=(content,) if content else (), cue=(cue,) if cue else (),
                             source=(source,) if source else None, kind=kind, source_kind=source_kind)


def span(text: str, offsets) -> Span | None:
    return Span(text[offsets[0]:offsets[1]], *offsets) if offsets else None


def statement(text: str, content=None, cue=None, mention=None, kind="indirect",
              mention_kind="name") -> Statement:
    return Statement(speaker=Speaker(name="x", id="x", mention=span(text, mention), mention_kind=mention_kind),
                     cue=span(text, cue) or Span("", 0, 0), content=span(text, content), kind=kind)


def prf(result: dict, field: str, mode: str = "overlap50") -> tuple[float, float, float]:
    s = result["scores"][field][mode]
    return s["precision"], s["recall"], s["f1"]


# --------------------------------------------------------------------------------------------
# Loading
# --------------------------------------------------------------------------------------------

LOAD_TEXT = ('Trump said the race was rigged. "It is over," she said, "and we won." '
             'Officials warned of delays.')


def load_ann() -> str:
    t = LOAD_TEXT
    said = seg(t, "said")
    she_said = seg(t, "said", said[1])
    q1, q2 = seg(t, '"It is over,"'), seg(t, '"and we won."')
    return "\n".join([
        f"T1\tSource {brat(seg(t, 'Trump'))}\tTrump",
        f"T2\tCue {brat(said)}\tsaid",
        f"T3\tContent {brat(seg(t, 'the race was rigged'))}\tthe race was rigged",
        f"T4\tAttribution {brat(said)}\tsaid",
        "E1\tAttribution:T4 Content:T3 Cue:T2 Source:T1",
        # A discontinuous content around its cue, written out of order.
        f"T5\tContent {brat(q2, q1)}\t\"and we won.\" \"It is over,\"",
        f"T6\tSource {brat(seg(t, 'she'))}\tshe",
        f"T7\tCue {brat(she_said)}\tsaid",
        f"T8\tAttribution {brat(she_said)}\tsaid",
        "E2\tAttribution:T8 Cue:T7 Source:T6 Content:T5",
        # No source; the span text runs over a line break, as in a few PolNeAR files.
        f"T9\tContent {brat(seg(t, 'of delays'))}\tof",
        "delays",
        f"T10\tCue {brat(seg(t, 'warned'))}\twarned",
        f"T11\tAttribution-no-source {brat(seg(t, 'warned'))}\twarned",
        "E3\tAttribution-no-source:T11 Content:T9 Cue:T10",
        f"T12\tDiscard {brat(seg(t, 'Officials'))}\tOfficials",
        "",
    ])


def test_parse_ann_reads_spans_and_events_and_skips_continuation_lines():
    spans, events = P.parse_ann(load_ann())
    assert spans["T5"][0] == "Content" and len(spans["T5"][1]) == 2
    assert spans["T12"][0] == "Discard"
    assert [e[0] for e in events] == ["E1", "E2", "E3"]
    assert ("Source", "T1") in events[0][1]
    assert "delays" not in spans


def test_attributions_from_ann_builds_content_cue_source_and_kinds():
    t = LOAD_TEXT
    first, second, third = P.attributions_from_ann(load_ann(), t)
    assert first.content == (seg(t, "the race was rigged"),)
    assert first.cue == (seg(t, "said"),)
    assert first.source == (seg(t, "Trump"),)
    assert (first.kind, first.source_kind) == ("indirect", "name")
    # Discontinuous: both segments, sorted; the hull runs from the first quote to the last.
    assert second.content == (seg(t, '"It is over,"'), seg(t, '"and we won."'))
    assert P.hull(second.content) == (t.index('"It is over'), t.index("won.") + len('won."'))
    assert (second.kind, second.source_kind) == ("direct", "pronoun")
    # Missing source.
    assert third.source is None and third.source_kind == "none"
    assert third.cue == (seg(t, "warned"),)


def test_content2_is_merged_into_the_content():
    t = '"No," he said. "Never."'
    no, never = seg(t, '"No,"'), seg(t, '"Never."')
    ann = "\n".join([
        f"T1\tContent {brat(no)}\tx",
        f"T2\tContent {brat(never)}\tx",
        f"T3\tCue {brat(seg(t, 'said'))}\tsaid",
        f"T4\tSource {brat(seg(t, 'he'))}\the",
        "E1\tAttribution:T3 Cue:T3 Source:T4 Content:T1 Content2:T2",
    ])
    (only,) = P.attributions_from_ann(ann, t)
    assert len(only.content) == 2 and only.kind == "direct"


def test_first_annotation_file_in_sorted_order_is_used(tmp_path):
    split = tmp_path / "dev"
    (split / "text").mkdir(parents=True)
    (split / "attributions").mkdir()
    t = "Trump said it. Clinton said no."
    (split / "text" / "a_doc_one.txt").write_text(t, encoding="utf-8")
    one = f"T1\tContent {brat(seg(t, 'it'))}\tit\nT2\tCue {brat(seg(t, 'said'))}\tsaid\nE1\tAttribution:T2 Content:T1 Cue:T2\n"
    two = one + f"T3\tContent {brat(seg(t, 'no'))}\tno\nE2\tAttribution:T2 Content:T3 Cue:T2\n"
    (split / "attributions" / "a_doc_one_ffff.ann").write_text(one, encoding="utf-8")
    (split / "attributions" / "a_doc_one_0abc.ann").write_text(two, encoding="utf-8")
    (doc,) = P.load_split(tmp_path, "dev")
    assert doc.id == "a_doc_one" and doc.annotation_file == "a_doc_one_0abc.ann"
    assert len(doc.attributions) == 2


# --------------------------------------------------------------------------------------------
# Gold kinds
# --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("content, kind", [
    ("“We will win,”", "direct"),
    ('"We will win." "And soon."', "direct"),
    ("that “we will win.”", "direct"),
    ("''We will win,''", "direct"),
    ("“We will win,” “It is over.”", "direct"),
    ("they would “win big” in November", "mixed"),
    ("the move reeks of ‘fear’", "mixed"),
    ("the race is rigged", "indirect"),
    ("Clinton’s team didn’t know", "indirect"),
    ("the voters’ mood was sour", "indirect"),
])
def test_quote_kind(content, kind):
    assert P.quote_kind(content) == kind


@pytest.mark.parametrize("source, kind", [
    (None, "none"),
    ("  ", "none"),
    ("he", "pronoun"),
    ("They", "pronoun"),
    ("who", "pronoun"),
    ("Trump", "name"),
    ("The New York Post", "name"),
    ("Sen. Ted Cruz (R-Tex.)", "name"),
    ("a source", "description"),
    ("officials", "description"),
    ("the campaign", "description"),
    ("The Republican nominee", "description"),
    ("Everyone I interviewed", "description"),
])
def test_source_kind(source, kind):
    assert P.source_kind(source) == kind


def test_source_kind_first_word_needs_more_capitalised_than_lower_case_uses():
    counts = P.word_case_counts(["Protesters gathered. The protesters left. Trump spoke. Trump left."])
    assert P.source_kind("Protesters", counts) == "description"
    assert P.source_kind("Trump", counts) == "name"
    assert P.source_kind("Protesters", None) == "name"  # without counts, capitals are trusted


# --------------------------------------------------------------------------------------------
# Matching
# --------------------------------------------------------------------------------------------

def test_trim_span_drops_quotes_punctuation_and_leading_that():
    t = 'He said that “we will win.” Then'
    start, end = seg(t, 'that “we will win.”')
    assert t[slice(*P.trim_span(t, start, end))] == "we will win"
    assert P.trim_span(t, *seg(t, "that ")) == seg(t, "that ")  # nothing left: unchanged


def test_overlap_is_relative_to_the_longer_span():
    assert P.overlap((0, 10), (5, 15)) == 0.5
    assert P.overlap((0, 10), (0, 4)) == 0.4
    assert P.overlap((0, 10), (10, 20)) == 0.0


# --------------------------------------------------------------------------------------------
# Scoring
# --------------------------------------------------------------------------------------------

S_TEXT = 'Trump said that "the election is rigged." Clinton replied it was nonsense. Aides agreed.'


def s_gold():
    t = S_TEXT
    return gold_doc(
        t,
        att(content=seg(t, 'that "the election is rigged."'), cue=seg(t, "said"), source=seg(t, "Trump"),
            kind="mixed", source_kind="name", id="E1"),
        att(content=seg(t, "it was nonsense"), cue=seg(t, "replied"), source=seg(t, "Clinton"),
            kind="indirect", source_kind="name", id="E2"),
    )


def test_perfect_prediction_scores_one():
    t, doc = S_TEXT, s_gold()
    preds = [statement(t, a.content[0], a.cue[0], a.source[0], kind=a.kind) for a in doc.attributions]
    result = P.score([doc], {doc.id: preds})
    for field in P.FIELDS:
        for mode in P.MODES:
            assert prf(result, field, mode) == (1.0, 1.0, 1.0)
    assert prf(result, "attribution") == (1.0, 1.0, 1.0)
    assert result["agreement"]["kind"]["accuracy"] == 1.0


def test_disjoint_prediction_scores_zero():
    t, doc = S_TEXT, s_gold()
    pred = statement(t, content=seg(t, "Aides agreed"), cue=seg(t, "agreed"), mention=seg(t, "Aides"))
    result = P.score([doc], {doc.id: [pred]})
    for field in P.FIELDS:
        for mode in P.MODES:
            assert prf(result, field, mode) == (0.0, 0.0, 0.0)
    assert result["scores"]["content"]["overlap50"]["pred"] == 1
    assert result["scores"]["content"]["overlap50"]["gold"] == 2


def test_half_overlap_threshold():
    t = "0123456789abcdefghijklmnopqrstuvwxyz"
    doc = gold_doc(t, att(content=(0, 10), source=None, source_kind="none"))

    def content_tp(offsets):
        result = P.score([doc], {doc.id: [statement(t, content=offsets)]})
        return result["scores"]["content"]["overlap50"]["tp"]

    assert content_tp((5, 15)) == 1  # 5 shared of 10: exactly 50 %
    assert content_tp((5, 16)) == 0  # 5 shared of 11: just below
    assert content_tp((0, 5)) == 1  # inside, half of the gold
    assert content_tp((0, 4)) == 0
    assert content_tp((0, 20)) == 1  # gold is half of the prediction
    assert content_tp((0, 21)) == 0


def test_exact_versus_exact_trimmed():
    t, doc = S_TEXT, s_gold()
    # The gold content is 'that "the election is rigged."'; predict without "that " and quotes.
    pred = statement(t, content=seg(t, "the election is rigged"), cue=seg(t, "said"), mention=seg(t, "Trump"))
    result = P.score([doc], {doc.id: [pred]})
    assert result["scores"]["content"]["exact"]["tp"] == 0
    assert result["scores"]["content"]["exact-trimmed"]["tp"] == 1
    assert result["scores"]["content"]["overlap50"]["tp"] == 1
    assert result["scores"]["cue"]["exact"]["tp"] == 1


def test_matching_is_one_to_one():
    t = S_TEXT
    doc = gold_doc(t, att(content=seg(t, "it was nonsense"), cue=seg(t, "replied"), source=seg(t, "Clinton")))
    preds = [statement(t, content=seg(t, "it was nonsense"), mention=seg(t, "Clinton")),
             statement(t, content=seg(t, "it was nonsens"), mention=seg(t, "Clinton"))]
    result = P.score([doc], {doc.id: preds})
    content = result["scores"]["content"]["overlap50"]
    assert (content["tp"], content["pred"], content["gold"]) == (1, 2, 1)
    assert prf(result, "content") == (0.5, 1.0, pytest.approx(2 / 3))
    assert result["scores"]["source"]["exact"]["tp"] == 1  # two mentions, one gold source
    assert result["scores"]["attribution"]["overlap50"]["tp"] == 1


def test_best_overlap_is_matched_first():
    t = "0123456789abcdefghijklmnopqrstuvwxyz"
    doc = gold_doc(t, att(content=(0, 10), id="E1"), att(content=(6, 16), id="E2"))
    # (6, 16) overlaps both golds at >= 50 %, but is the exact match of the second.
    preds = [statement(t, content=(6, 16)), statement(t, content=(0, 9))]
    result = P.score([doc], {doc.id: preds})
    assert result["scores"]["content"]["overlap50"]["tp"] == 2


def test_end_to_end_needs_the_right_source():
    t, doc = S_TEXT, s_gold()
    preds = [statement(t, content=seg(t, '"the election is rigged."'), mention=seg(t, "Clinton")),  # wrong source
             statement(t, content=seg(t, "it was nonsense"), mention=seg(t, "Clinton"))]
    result = P.score([doc], {doc.id: preds})
    assert result["scores"]["content"]["overlap50"]["tp"] == 2
    e2e = result["scores"]["attribution"]["overlap50"]
    assert (e2e["tp"], e2e["pred"], e2e["gold"]) == (1, 2, 2)


def test_end_to_end_without_gold_source():
    t = "Aides agreed it was fine."
    doc = gold_doc(t, att(content=seg(t, "it was fine"), cue=seg(t, "agreed"), source=None, source_kind="none"))
    without = P.score([doc], {doc.id: [statement(t, content=seg(t, "it was fine"))]})
    with_mention = P.score([doc], {doc.id: [statement(t, content=seg(t, "it was fine"), mention=seg(t, "Aides"))]})
    assert without["scores"]["attribution"]["overlap50"]["tp"] == 1
    assert with_mention["scores"]["attribution"]["overlap50"]["tp"] == 0
    assert with_mention["scores"]["source"]["overlap50"]["pred"] == 1  # a false positive source


def test_statement_without_content_only_counts_for_cue_and_source():
    t, doc = S_TEXT, s_gold()
    result = P.score([doc], {doc.id: [statement(t, cue=seg(t, "said"), mention=seg(t, "Trump"))]})
    assert result["scores"]["content"]["overlap50"]["pred"] == 0
    assert result["scores"]["attribution"]["overlap50"]["pred"] == 0
    assert result["scores"]["cue"]["exact"]["tp"] == 1
    assert result["scores"]["source"]["exact"]["tp"] == 1


def test_recall_by_kind_and_source_kind():
    t = "0123456789abcdefghijklmnopqrstuvwxyz0123456789"
    doc = gold_doc(
        t,
        att(content=(0, 10), source=(30, 32), kind="direct", source_kind="name", id="E1"),
        att(content=(10, 20), source=(32, 34), kind="direct", source_kind="pronoun", id="E2"),
        att(content=(20, 30), kind="indirect", source_kind="none", id="E3"),
    )
    preds = [statement(t, content=(0, 10), mention=(30, 32)), statement(t, content=(20, 30), mention=(40, 42))]
    result = P.score([doc], {doc.id: preds})
    by_kind = result["recall_by_kind"]
    assert by_kind["direct"]["gold"] == 2 and by_kind["direct"]["recall_content"] == 0.5
    assert by_kind["indirect"]["gold"] == 1 and by_kind["indirect"]["recall_content"] == 1.0
    assert by_kind["mixed"]["gold"] == 0
    by_source = result["recall_by_source_kind"]
    assert by_source["name"]["recall_content"] == 1.0 and by_source["name"]["recall_attribution"] == 1.0
    assert by_source["pronoun"]["recall_content"] == 0.0
    assert by_source["none"]["recall_content"] == 1.0 and by_source["none"]["recall_attribution"] == 0.0
    assert by_source["description"]["gold"] == 0


# --------------------------------------------------------------------------------------------
# Runner and CLI on a small hand-made split
# --------------------------------------------------------------------------------------------

def make_split(root: Path) -> None:
    split = root / "dev"
    (split / "text").mkdir(parents=True)
    (split / "attributions").mkdir()
    t = S_TEXT
    (split / "text" / "doc_one.txt").write_text(t, encoding="utf-8")
    content = seg(t, 'that "the election is rigged."')
    ann = "\n".join([
        f"T1\tSource {brat(seg(t, 'Trump'))}\tTrump",
        f"T2\tCue {brat(seg(t, 'said'))}\tsaid",
        f"T3\tContent {brat(content)}\tx",
        "E1\tAttribution:T2 Content:T3 Cue:T2 Source:T1",
    ])
    (split / "attributions" / "doc_one_ab12.ann").write_text(ann, encoding="utf-8")
    (split / "text" / "doc_two.txt").write_text("Nothing here.", encoding="utf-8")


def s_analyze(doc_id: str, text: str) -> Analysis:
    statements = []
    if doc_id == "doc_one":
        statements = [statement(text, content=seg(text, '"the election is rigged."'), cue=seg(text, "said"),
                                mention=seg(text, "Trump"), kind="mixed")]
    return Analysis(id=doc_id, source="", text=text, statements=statements)


def test_evaluate_polnear_and_report(tmp_path):
    make_split(tmp_path)
    result = P.evaluate_polnear("dev", tmp_path, s_analyze)
    assert result["documents"] == 2 and result["gold"]["content"] == 1
    assert prf(result, "content") == (1.0, 1.0, 1.0)
    assert prf(result, "attribution") == (1.0, 1.0, 1.0)
    assert result["scores"]["content"]["exact"]["tp"] == 0
    assert result["scores"]["content"]["exact-trimmed"]["tp"] == 1
    json.dumps(result)  # the --json output
    report = P.format_report(result)
    for needle in ("PolNeAR dev: 2 documents", "exact-trimmed", "content", "source", "cue",
                   "attribution", "recall by gold kind", "recall by gold source kind", "pronoun"):
        assert needle in report
    assert P.evaluate_polnear("dev", tmp_path, s_analyze, limit=1)["documents"] == 1


def test_evaluate_polnear_records_failures(tmp_path):
    make_split(tmp_path)

    def broken(doc_id, text):
        if doc_id == "doc_two":
            raise RuntimeError("boom")
        return Analysis(id=doc_id, source="", text=text + " changed")

    result = P.evaluate_polnear("dev", tmp_path, broken)
    assert [f["document"] for f in result["failures"]] == ["doc_one", "doc_two"]
    assert "boom" in result["failures"][1]["error"]
    assert prf(result, "content") == (0.0, 0.0, 0.0)
    assert "2 documents with problems" in P.format_report(result)


def test_cli_eval_polnear(tmp_path, monkeypatch, capsys):
    from saidwhat.commands import eval as eval_command

    make_split(tmp_path)
    seen = []

    def analyze(document, options):
        assert options.techniques is False
        seen.append(document)
        return s_analyze(document.id, document.text)

    fake_pipeline = types.SimpleNamespace(analyze=analyze, Options=types.SimpleNamespace)
    monkeypatch.setitem(sys.modules, "saidwhat.pipeline", fake_pipeline)
    parser = argparse.ArgumentParser()
    eval_command.register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["eval", "polnear", "--data", str(tmp_path), "--json"])
    assert args.func(args) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["scores"]["content"]["overlap50"]["f1"] == 1.0
    assert seen[0].source.endswith("doc_one.txt") and seen[0].text == S_TEXT

    args = parser.parse_args(["eval", "polnear", "--data", str(tmp_path), "--limit", "1"])
    assert args.func(args) == 0
    assert "PolNeAR dev: 1 documents" in capsys.readouterr().out

    args = parser.parse_args(["eval", "polnear", "--data", str(tmp_path / "missing")])
    assert args.func(args) == 2


# --------------------------------------------------------------------------------------------
# The real dev split
# --------------------------------------------------------------------------------------------

def gold_as_analysis(docs: dict[str, P.GoldDocument]):
    """An ``analyze_text`` that answers each document with its own gold attributions."""
    def as_span(text, segments):
        h = P.hull(segments or ())
        return Span(text[h[0]:h[1]], *h) if h else None

    def analyze_text(doc_id: str, text: str) -> Analysis:
        statements = [
            Statement(speaker=Speaker(name="gold", id="gold", mention=as_span(text, a.source),
                                      mention_kind=a.source_kind),
                      cue=as_span(text, a.cue) or Span("", 0, 0), content=as_span(text, a.content),
                      kind=a.kind)
            for a in docs[doc_id].attributions]
        return Analysis(id=doc_id, source="", text=text, statements=statements)

    return analyze_text


def test_real_dev_split_gold_scores_one_against_itself():
    if not (POLNEAR / "dev" / "text").is_dir():
        pytest.skip(f"PolNeAR not found at {POLNEAR}")
    docs = P.load_split(POLNEAR, "dev")
    assert len(docs) == 84
    assert all(d.annotation_file for d in docs)
    contents = sum(1 for d in docs for a in d.attributions if a.content)
    assert contents > 1000
    kinds = {a.kind for d in docs for a in d.attributions}
    source_kinds = {a.source_kind for d in docs for a in d.attributions}
    assert kinds == set(P.KINDS) and source_kinds == set(P.SOURCE_KINDS)

    result = P.evaluate_polnear("dev", POLNEAR, gold_as_analysis({d.id: d for d in docs}))
    assert result["documents"] == 84 and not result["failures"]
    for field in P.FIELDS:
        for mode in P.MODES:
            assert prf(result, field, mode) == (1.0, 1.0, 1.0), (field, mode)
    assert prf(result, "attribution") == (1.0, 1.0, 1.0)
    for table in ("recall_by_kind", "recall_by_source_kind"):
        for row in result[table].values():
            assert row["recall_content"] == 1.0 and row["recall_attribution"] == 1.0
    assert result["agreement"]["kind"]["accuracy"] == 1.0
    assert result["agreement"]["source_kind"]["accuracy"] == 1.0
