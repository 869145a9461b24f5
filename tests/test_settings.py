"""saidwhat.settings: the one place environment variables are read; and the training cache
it names, kept under a key of the data and the code (no stale rows)."""
from __future__ import annotations

from pathlib import Path

import pytest

from saidwhat import settings
from saidwhat.training import cache

PACKAGE = Path(settings.__file__).parent


def test_no_module_but_settings_reads_a_saidwhat_variable():
    readers = [str(p.relative_to(PACKAGE)) for p in sorted(PACKAGE.rglob("*.py"))
               if p.name != "settings.py" and '"SAIDWHAT_' in p.read_text(encoding="utf-8")]
    assert not readers, readers


def test_thread_count_from_the_environment(monkeypatch):
    monkeypatch.delenv("SAIDWHAT_THREADS", raising=False)
    assert settings.tagger_threads() is None
    monkeypatch.setenv("SAIDWHAT_THREADS", "3")
    assert settings.tagger_threads() == 3
    monkeypatch.setenv("SAIDWHAT_THREADS", "many")
    with pytest.raises(ValueError, match="whole number"):
        settings.tagger_threads()


def test_the_training_cache_is_keyed_by_data_and_parameters(monkeypatch, tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    (data / "a.txt").write_text("one")
    builds = []

    def build():
        builds.append(1)
        return [len(builds)]

    monkeypatch.delenv("SAIDWHAT_TRAINING_CACHE", raising=False)
    assert cache.cached("rows", data, build) == [1] and cache.cached("rows", data, build) == [2]
    monkeypatch.setenv("SAIDWHAT_TRAINING_CACHE", str(tmp_path / "cache"))
    assert cache.cached("rows", data, build) == [3]
    assert cache.cached("rows", data, build) == [3]  # kept
    assert cache.cached("rows", data, build, "other parameter") == [4]
    (data / "a.txt").write_text("one changed")
    assert cache.cached("rows", data, build) == [5]  # the data changed: built again
    assert len(list((tmp_path / "cache").glob("rows-*.pickle"))) == 3
