"""saidwhat reads English only and says so: a French, German, Spanish, Russian or Ukrainian
article gets the per-document error ``unsupported_language`` naming its language (in the
analysis, on the CLI's stderr, in the store's errors table), before any parse; English ones,
short texts and English articles quoting another language are analysed.

The paragraphs of tests/data/languages/ were written for these tests (invented news, one a
line, 24 a language); every English one quotes someone with a cue."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from saidwhat import pipeline
from saidwhat.model import Document
from saidwhat.pipeline import Options, analyze, analyze_batch

from conftest import SEED, need

DATA = Path(__file__).parent / "data" / "languages"
NAMES = {"fr": "French", "de": "German", "es": "Spanish", "ru": "Russian", "uk": "Ukrainian"}
OPTIONS = Options(techniques=False)


def paragraphs(lang: str) -> list[str]:
    return [line for line in (DATA / f"{lang}.txt").read_text(encoding="utf-8").splitlines()
            if line.strip()]


def run_cli(*args, timeout=300):
    return subprocess.run([sys.executable, "-m", "saidwhat.cli", *map(str, args)],
                          capture_output=True, text=True, timeout=timeout)


def test_the_test_set_has_at_least_twenty_distinct_paragraphs_a_language():
    for lang in ["en", *NAMES]:
        found = paragraphs(lang)
        assert len(found) >= 20, lang
        assert len(set(found)) == len(found), lang


@pytest.mark.parametrize("lang", sorted(NAMES))
def test_every_paragraph_in_another_language_is_refused_naming_it(lang, monkeypatch):
    parsed: list[str] = []
    real = pipeline.parse_pieces

    def recording(texts):
        texts = list(texts)
        parsed.extend(texts)
        return real(texts)

    monkeypatch.setattr(pipeline, "parse_pieces", recording)
    texts = paragraphs(lang)
    results = analyze_batch([Document(id=str(i), text=t) for i, t in enumerate(texts)], OPTIONS)
    for text, analysis in zip(texts, results):
        assert [e.code for e in analysis.errors] == ["unsupported_language"], text
        assert analysis.errors[0].message == (f"the article is in {NAMES[lang]} ({lang}); "
                                              "saidwhat reads English only")
        assert not analysis.statements and analysis.text == text
    assert parsed == []  # refused before the parse: nothing went to spaCy


def test_every_english_paragraph_is_analysed_with_its_statements():
    texts = paragraphs("en")
    results = analyze_batch([Document(id=str(i), text=t) for i, t in enumerate(texts)], OPTIONS)
    for text, analysis in zip(texts, results):
        assert not analysis.errors, (text, analysis.errors)
        assert analysis.meta["language"] == "en"
        assert analysis.statements, text  # each paragraph quotes someone with a cue
    # and exactly what each gives alone: the check keeps analyze pure
    alone = analyze(Document(id="3", text=texts[3]), OPTIONS)
    assert json.dumps(alone.to_dict()) == json.dumps(results[3].to_dict())


@pytest.mark.parametrize("text", [
    "Le maire a dit non.",                       # too short to tell: analysed
    "Der Bürgermeister sagte, er sei zufrieden.",
    "«Нет», — сказал он.",
])
def test_a_very_short_text_is_analysed_not_refused(text):
    analysis = analyze(Document(id="s", text=text), OPTIONS)
    assert not analysis.errors
    assert "language" not in analysis.meta


def test_an_english_article_quoting_french_at_length_is_english():
    text = ("Minister Anne Roux answered in French. \"Nous ne signerons pas cet accord tant que "
            "nos pêcheurs ne seront pas protégés. Ce texte est injuste et nous le combattrons "
            "jusqu'au bout.\" The British side said talks would continue on Tuesday.")
    from saidwhat import language

    assert language.detect(text)[0] == "fr"  # the whole text alone looks French
    analysis = analyze(Document(id="q", text=text), OPTIONS)
    assert not analysis.errors and analysis.meta["language"] == "en"
    assert any(s.content and "talks would continue" in s.content.text
               for s in analysis.statements)


def test_a_french_article_quoting_english_is_french():
    text = ("Le ministre a répondu aux questions des journalistes pendant une heure. Il a cité "
            "le président américain : \"We will not back down.\" Selon lui, les négociations "
            "reprendront la semaine prochaine à Bruxelles.")
    analysis = analyze(Document(id="f", text=text), OPTIONS)
    assert [e.code for e in analysis.errors] == ["unsupported_language"]
    assert "French (fr)" in analysis.errors[0].message


def test_the_language_is_judged_on_the_report_not_the_boilerplate(monkeypatch):
    from saidwhat import language

    report = paragraphs("en")[0]
    promo = ("Abonnez-vous à notre newsletter pour recevoir chaque matin toute l'actualité "
             "de la région, les bons plans et les offres de nos partenaires.")
    # a French newsletter promo as long as the report would outweigh it read together
    assert language.detect(promo + "\n" + promo + "\n" + report)[0] == "fr"
    analysis = Document(id="b", text=f"{report}\n\n{promo}\n\n{promo}\n")
    from saidwhat.model import Block

    cut = len(report) + 2

    def blocks(text, from_html=False):  # the cleaner's verdict on this page, fixed
        return [Block(0, cut, "report", "body"), Block(cut, len(text), "boilerplate", "promo")]

    monkeypatch.setattr(pipeline.clean, "find_blocks", blocks)
    result = analyze(analysis, OPTIONS)
    assert not result.errors and result.meta["language"] == "en" and result.statements


def test_the_cli_prints_the_error_on_stderr_and_analyses_the_rest(tmp_path):
    (tmp_path / "a-fr.txt").write_text("\n\n".join(paragraphs("fr")[:3]), encoding="utf-8")
    (tmp_path / "b-en.txt").write_text("\n\n".join(paragraphs("en")[:3]), encoding="utf-8")
    result = run_cli("analyze", tmp_path, "--format", "jsonl", "--no-techniques")
    assert result.returncode == 1  # as for every per-document error
    assert "Traceback" not in result.stderr
    line = f"saidwhat: {tmp_path / 'a-fr.txt'}: error [unsupported_language]: the article is in " \
           "French (fr); saidwhat reads English only"
    assert line in result.stderr.splitlines()
    out = [json.loads(x) for x in result.stdout.splitlines()]
    by_source = {Path(o["source"]).name: o for o in out}
    assert by_source["a-fr.txt"]["errors"][0]["code"] == "unsupported_language"
    assert by_source["a-fr.txt"]["statements"] == []
    assert by_source["b-en.txt"]["errors"] == [] and by_source["b-en.txt"]["statements"]
    assert by_source["b-en.txt"]["meta"]["language"] == "en"


def test_ingest_stores_the_error_row_and_the_english_article(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    for lang in ("en", "de", "uk"):
        (folder / f"{lang}.txt").write_text("\n\n".join(paragraphs(lang)[4:7]), encoding="utf-8")
    db = str(tmp_path / "corpus.db")
    result = run_cli("ingest", folder, "--db", db, "--workers", "1", "--no-techniques")
    assert result.returncode == 1 and "stored 1" in result.stderr and "failed 2" in result.stderr
    from saidwhat.store import open_store

    with open_store(db, create=False) as store:
        errors = store.errors()
        docs = store.documents()
    rows = {Path(s).name: (c, m) for s, c, m in zip(errors["source"], errors["code"],
                                                    errors["message"])}
    assert rows == {
        "de.txt": ("unsupported_language",
                   "the article is in German (de); saidwhat reads English only"),
        "uk.txt": ("unsupported_language",
                   "the article is in Ukrainian (uk); saidwhat reads English only")}
    assert [Path(s).name for s in docs["source"]] == ["en.txt"]


def test_the_founding_example_is_english_and_unchanged(analyze_text):
    text = need(SEED).read_text(encoding="utf-8")
    analysis = analyze_text(text)
    assert not analysis.errors and analysis.meta["language"] == "en"
    assert len(analysis.statements) == 11
    assert {s.speaker.name for s in analysis.statements} == {"Igor Konashenkov"}
