"""The models an analysis runs come in one object (saidwhat.models), loaded once per process;
``tagger.json`` is read into a frozen, typed config; the scorer is read-only."""
from __future__ import annotations

import dataclasses
import json
from dataclasses import replace

import pytest

from saidwhat.model import Document
from saidwhat.models import Models, load_models
from saidwhat.pipeline import Options, analyze, models_for

TEXT = "“We did nothing wrong,” the minister said on Monday."


def test_models_load_once_per_process_and_cannot_be_changed():
    first, again = models_for(Options()), models_for(Options())
    assert first is again
    without = models_for(Options(techniques=False))
    assert without.tagger is None and without.nlp is first.nlp  # the parts are shared
    with pytest.raises(dataclasses.FrozenInstanceError):
        first.tagger = None  # type: ignore[misc]
    assert first.scorer is not None
    with pytest.raises(TypeError):
        first.scorer.weights["said"] = 1.0  # type: ignore[index]
    assert 0.0 < first.scorer.threshold < 1.0


def test_analysis_without_a_tagger_says_why_in_meta_and_keeps_its_statements():
    models = replace(models_for(Options()), tagger=None,
                     tagger_unavailable="the technique model is missing (/nowhere)")
    analysis = analyze(Document(id="d", text=TEXT), Options(), models)
    assert analysis.statements and analysis.techniques == []
    assert analysis.techniques_note == "unavailable: the technique model is missing (/nowhere)"
    data = analysis.to_dict()
    assert data["meta"]["techniques"] == analysis.techniques_note
    assert "techniques_note" not in data
    full = analyze(Document(id="d", text=TEXT), Options())
    assert full.techniques_note is None and "techniques" not in full.to_dict()["meta"]
    assert [s.content.text for s in full.statements] == [s.content.text
                                                          for s in analysis.statements]


def test_a_missing_model_folder_leaves_the_tagger_out_with_its_reason(tmp_path, monkeypatch):
    from saidwhat.rhetoric import tagger

    monkeypatch.setattr(tagger, "MODEL_DIR", tmp_path)
    tagger._loaded.cache_clear()
    try:
        models = load_models.__wrapped__(techniques=True, tagger_threads=1)
    finally:
        tagger._loaded.cache_clear()
    assert isinstance(models, Models) and models.tagger is None
    assert "technique model is missing" in models.tagger_unavailable


def test_tagger_json_is_read_into_a_frozen_typed_config():
    from saidwhat.rhetoric.tagger import MODEL_DIR, TaggerConfig, TaggerUnavailable

    data = json.loads((MODEL_DIR / "tagger.json").read_text())
    config = TaggerConfig.from_json(data)
    assert config.techniques == tuple(data["techniques"])
    assert config.stride == data["stride"] and isinstance(config.gap, int)
    assert config.high == data["high"] and config.core_threshold == data["core_threshold"]
    assert config.lexical_weight == data["lexical_weight"]
    assert config.record["trained_on"] == data["trained_on"]  # the training record kept
    with pytest.raises(dataclasses.FrozenInstanceError):
        config.threshold = 0.1  # type: ignore[misc]
    minimal = TaggerConfig.from_json({"techniques": ["Doubt"], "encoder": "e.onnx",
                                      "head": "h.onnx", "tokenizer": "t.json"})
    assert (minimal.threshold, minimal.high, minimal.gap, minimal.lexical) == (0.5, None, 0, None)
    with pytest.raises(TaggerUnavailable, match="encoder"):
        TaggerConfig.from_json({"techniques": ["Doubt"], "head": "h", "tokenizer": "t"})
