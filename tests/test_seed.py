"""The founding example, end to end through the CLI, scored like seedcheck.py does."""
from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

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


OUTPUT_DOC = Path(__file__).resolve().parents[1] / "docs" / "output.md"
DOC_TYPES = {"str": str, "list": list, "object": dict}


def documented_contract() -> tuple[str, dict, dict, dict]:
    """What docs/output.md promises: the schema version in its title, each top-level field's
    type, the keys of each list's items (the ``{a, b}`` of the field's row) and the example
    statement."""
    doc = OUTPUT_DOC.read_text(encoding="utf-8")
    version = re.search(r"\(schema_version ([\d.]+)\)", doc.splitlines()[0]).group(1)
    fields, item_keys = {}, {}
    for name, kind, meaning in re.findall(r"^\| `(\w+)` \| (\w+) \| (.*) \|$", doc, re.M):
        fields[name] = DOC_TYPES[kind]
        keys = re.match(r"`\{([\w, ]+)\}`", meaning)
        if keys:
            item_keys[name] = {k.strip() for k in keys.group(1).split(",")}
    example = json.loads(re.search(r"## A statement\s+```json\n(.*?)```", doc, re.S).group(1))
    return version, fields, item_keys, example


def assert_like(value, example, path: str) -> None:
    """``value`` has the example's keys and, where the example's value is not null, its JSON
    types (an int stands for a number; null is allowed where the contract says so)."""
    if isinstance(example, dict):
        assert isinstance(value, dict) and set(value) == set(example), (path, value)
        for key, sample in example.items():
            if value[key] is not None and sample is not None:
                assert_like(value[key], sample, f"{path}.{key}")
    elif isinstance(example, (int, float)) and not isinstance(example, bool):
        assert isinstance(value, (int, float)) and not isinstance(value, bool), (path, value)
    else:
        assert isinstance(value, type(example)), (path, value)


def test_output_contract(seed_output):
    from saidwhat.model import SCHEMA_VERSION

    _, data = seed_output
    version, fields, item_keys, example = documented_contract()
    assert data["schema_version"] == SCHEMA_VERSION == version
    assert set(data) == set(fields)
    for name, kind in fields.items():
        assert isinstance(data[name], kind), name
    assert {"blocks", "figures", "entities", "techniques", "errors"} <= set(item_keys)
    for name, keys in item_keys.items():
        for item in data[name]:
            assert set(item) == keys, (name, item)
    assert data["statements"] and data["figures"] and data["entities"]
    for st in data["statements"]:
        assert_like(st, example, "statement")
    text = data["text"]
    for st in data["statements"]:
        for part in ("cue", "content"):
            if st[part]:
                assert text[st[part]["start"]:st[part]["end"]] == st[part]["text"]
        assert st["stance"] in ("neutral", "distancing", "endorsing")
    stances = {s["cue"]["text"]: s["stance"] for s in data["statements"]}
    assert stances["claimed"] == "distancing" and stances["said"] == "neutral"
