"""The founding example, end to end through the CLI, scored like seedcheck.py does."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from conftest import SEED, SEED_GOLD, SHARED, need


@pytest.fixture(scope="module")
def seed_output(tmp_path_factory):
    need(SEED)
    out = tmp_path_factory.mktemp("seed") / "out.json"
    result = subprocess.run([sys.executable, "-m", "saidwhat.cli", "analyze", str(SEED),
                             "--format", "json"], capture_output=True, text=True, check=True)
    out.write_text(result.stdout, encoding="utf-8")
    return out, json.loads(result.stdout)


def test_seedcheck_passes(seed_output):
    out, _ = seed_output
    check = subprocess.run([sys.executable, str(SHARED / "tools" / "seedcheck.py"), str(out),
                            str(SEED_GOLD)], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout
    assert "10/10 statements with the right speaker" in check.stdout
    assert "boundary ok" in check.stdout


def test_every_gold_statement_matches_exactly(seed_output):
    _, data = seed_output
    gold = json.loads(SEED_GOLD.read_text(encoding="utf-8"))
    text = data["text"]
    assert text == SEED.read_text(encoding="utf-8")
    found = {(s["content"]["start"], s["content"]["end"]): s for s in data["statements"]
             if s["content"]}
    for g in gold["statements"]:
        if g.get("optional"):
            continue
        start, end = g["content"]["span"]
        # Gold spans sometimes include the opening/closing quote and sometimes not; allow the
        # difference of edge punctuation only.
        match = [s for (s0, e0), s in found.items() if abs(s0 - start) <= 1 and abs(e0 - end) <= 1]
        assert match, f"no statement for {g['content']['text']!r}"
        st = match[0]
        assert st["speaker"]["name"] == "Igor Konashenkov"
        assert st["kind"] == g["kind"], g["content"]["text"]
        assert st["act"] == g["act"], g["content"]["text"]
        if g["speaker_mention"]:
            m = st["speaker"]["mention"]
            assert g["speaker_mention"]["text"] in m["text"]
            assert text[m["start"]:m["end"]] == m["text"]


def test_speaker_title_role_organisation(seed_output):
    _, data = seed_output
    speakers = {s["speaker"]["name"]: s["speaker"] for s in data["statements"]}
    assert set(speakers) == {"Igor Konashenkov"}
    sp = speakers["Igor Konashenkov"]
    assert (sp["title"], sp["role"], sp["organization"]) == (
        "Major General", "Spokesman", "Russian Defense Ministry")


def test_boundary_and_no_statement_from_the_appeal(seed_output):
    _, data = seed_output
    boiler = [b for b in data["blocks"] if b["kind"] == "boilerplate"]
    assert [(b["start"], b["label"]) for b in boiler] == [(1377, "reader_appeal")]
    assert boiler[0]["end"] == len(data["text"])
    for st in data["statements"]:
        span = st["content"] or st["cue"]
        assert span["end"] <= 1377


def test_figures_with_value_and_unit(seed_output):
    _, data = seed_output
    figures = {(f["value"], f["unit"]): f for f in data["figures"]}
    assert (250000, "civilians") in figures and (100000, "civilians") in figures
    assert figures[(100000, "civilians")]["text"] == "100,000 civilians"
    assert figures[(250000, "civilians")]["text"].startswith("250,000 civilians")
    for f in data["figures"]:
        assert data["text"][f["start"]:f["end"]] == f["text"]
        st = data["statements"][f["statement"]]
        assert st["content"]["start"] <= f["start"] and f["end"] <= st["content"]["end"]


def test_output_contract(seed_output):
    _, data = seed_output
    assert data["schema_version"]
    for key in ("id", "source", "text", "blocks", "statements", "figures", "entities",
                "techniques", "errors"):
        assert key in data
    text = data["text"]
    for st in data["statements"]:
        for part in ("cue", "content"):
            if st[part]:
                assert text[st[part]["start"]:st[part]["end"]] == st[part]["text"]
        assert st["stance"] in ("neutral", "distancing", "endorsing")
    stances = {s["cue"]["text"]: s["stance"] for s in data["statements"]}
    assert stances["claimed"] == "distancing" and stances["said"] == "neutral"
