"""Documents analysed in one batch (pipeline.analyze_batch, which analyze_many uses) give
exactly what each gives alone, and one bad document in a batch fails alone."""
from __future__ import annotations

import json

import pytest

from saidwhat import pipeline, pool
from saidwhat.errors import SaidwhatError
from saidwhat.model import Document
from saidwhat.pipeline import Options, analyze, analyze_batch
from saidwhat.pool import analyze_many
from saidwhat.read import ReadFailure

from conftest import POLNEAR, need

OPTIONS = Options(techniques=False)


def as_json(analysis) -> str:
    return json.dumps(analysis.to_dict(), sort_keys=True)


def test_a_batch_gives_what_each_document_gives_alone():
    files = sorted(need(POLNEAR / "dev" / "text").glob("*.txt"))[:12]
    docs = [Document(id=f.name, text=f.read_text(encoding="utf-8")) for f in files]
    alone = [as_json(analyze(d, OPTIONS)) for d in docs]
    together = [as_json(a) for a in analyze_batch(docs, OPTIONS)]
    assert together == alone
    assert sum(len(json.loads(a)["statements"]) for a in alone) > 20


def test_analyze_many_cuts_batches_by_characters_and_keeps_the_order(monkeypatch):
    monkeypatch.setattr(pool, "BATCH_CHARS", 130)
    texts = [f"Officer {i} said that the road number {i} would reopen on Monday." for i in range(9)]
    batches = list(pool.batches([Document(id=str(i), text=t) for i, t in enumerate(texts)]))
    assert [len(b) for b in batches] == [2, 2, 2, 2, 1]
    failure = ReadFailure(id="bad", source="bad.bin", error=SaidwhatError("binary", reason="NUL bytes"))
    items = [Document(id=str(i), text=t) for i, t in enumerate(texts)]
    items.insert(4, failure)
    results = list(analyze_many(items, options=OPTIONS))
    assert [r.id for r in results] == [str(i) for i in range(4)] + ["bad"] + [
        str(i) for i in range(4, 9)]
    assert results[4].errors[0].code == "binary"
    assert all(r.statements[0].content.text.startswith("the road number") for r in results
               if r.id != "bad")


@pytest.mark.parametrize("bad_text, code", [("   \n ", "empty"), ("He said \ud800 no.", "bad_text")])
def test_one_bad_document_fails_alone_in_its_batch(bad_text, code):
    good = "The mayor said that the bridge would reopen in May."
    results = analyze_batch([Document(id="a", text=good), Document(id="b", text=bad_text),
                             Document(id="c", text=good)], OPTIONS)
    assert [r.errors[0].code if r.errors else None for r in results] == [None, code, None]
    assert results[0].statements[0].speaker.name == results[2].statements[0].speaker.name


def test_a_parser_failure_in_a_batch_falls_back_to_one_document_at_a_time(monkeypatch):
    real = pipeline.parse_pieces

    def fragile(texts, nlp=None):
        texts = list(texts)
        if any("\x00boom" in t for t in texts):
            raise RuntimeError("parser failed")
        return real(texts, nlp)

    monkeypatch.setattr(pipeline, "parse_pieces", fragile)
    good = "The mayor said that the bridge would reopen in May."
    results = analyze_batch([Document(id="a", text=good), Document(id="b", text="x\x00boom"),
                             Document(id="c", text=good)], OPTIONS)
    assert [r.errors[0].code if r.errors else None for r in results] == [
        None, "analysis_failed", None]
    assert "parser failed" in str(results[1].errors[0])
    assert results[2].statements and results[2].statements[0].content.text == \
        "the bridge would reopen in May"
