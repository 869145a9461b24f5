"""The PTC split of issue 14: training (297), tuning (37) and confirmation (37) articles, by
article, committed, disjoint, and drawn as ptc_corpus says."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from saidwhat.evaluation import ptc_corpus as ptc

PTC = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "ptc-train"


def test_tuning_and_confirmation_halve_the_validation_split_by_article():
    tuning, confirmation = ptc.split_ids("tuning"), ptc.split_ids("confirmation")
    validation = ptc.split_ids("validation")
    assert len(tuning) == len(confirmation) == 37
    assert not set(tuning) & set(confirmation)
    assert sorted(tuning + confirmation) == sorted(validation)
    # the committed files are what the seeded draw gives: nobody picked articles by hand
    assert ptc.make_tuning_split(validation) == (tuning, confirmation)


def test_a_file_of_ids_names_a_part(tmp_path):
    ids = tmp_path / "ids.txt"
    ids.write_text("111111123\n\n696735702\n")
    assert ptc.split_ids(str(ids)) == ["111111123", "696735702"]


@pytest.mark.train
@pytest.mark.skipif(not PTC.exists(), reason="the PTC release is not in ../shared")
def test_self_training_refits_the_lexical_classifier_on_gold_and_silver_spans(tmp_path):
    pytest.importorskip("sklearn")
    from saidwhat.rhetoric.tagger import MODEL_DIR, Tagger
    from saidwhat.training.self_training import fit

    # the files fit rewrites are copies, never links into the shipped model
    for f in MODEL_DIR.iterdir():
        if f.name in ("tagger.json", "tc_lexical.npz"):
            shutil.copy(f, tmp_path / f.name)
        else:
            (tmp_path / f.name).symlink_to(f)
    news = tmp_path / "news"
    news.mkdir()
    (news / "a.txt").write_text("This shameful, disgraceful betrayal of our great nation must "
                                "end. Traitors and liars run the country into the ground.")
    record = fit(tmp_path, PTC, [news], holdout=True, parts=("lexical",), threads=1)
    assert record["texts"] == 1 and record["gold_articles"] == 297
    assert record["lexical"]["spans"] > 4000 and record["word_crf"] is None
    tagger = Tagger(tmp_path, threads=1)
    assert tagger.lexical is not None and tagger.config.record["self_training"] == record
    assert tagger.classify("What a disgrace!", [(7, 15)])[0] in tagger.techniques


@pytest.mark.train
@pytest.mark.skipif(not PTC.exists(), reason="the PTC release is not in ../shared")
def test_self_training_of_the_encoder_exports_a_student_the_run_time_loads(tmp_path):
    pytest.importorskip("torch")
    pytest.importorskip("sklearn")
    from saidwhat.rhetoric.tagger import Tagger
    from saidwhat.training.self_training import train_encoder
    from saidwhat.training.techniques import TrainConfig, train

    teacher, student = tmp_path / "teacher", tmp_path / "student"
    train(PTC, teacher, holdout=True, cfg=TrainConfig(epochs=1, threads=2), limit=4)
    news = tmp_path / "news"
    news.mkdir()
    for n in range(3):
        (news / f"{n}.txt").write_text("This shameful, disgraceful betrayal of our great nation "
                                       f"must end, story {n} says. Traitors and liars run the "
                                       "country into the ground.")
    record = train_encoder(teacher, student, PTC, [news], holdout=True, limit=2, gold_limit=4)
    assert record["texts"] == 2 and record["gold_articles"] == 4 and record["windows"] >= 6
    assert (student / "tc_lexical.npz").read_bytes() == (teacher / "tc_lexical.npz").read_bytes()
    tagger = Tagger(student, threads=1)
    assert tagger.config.record["self_training_encoder"] == record
    text = "They are shameless liars who betray our great nation. Stop them now!"
    assert all(0 <= t.start < t.end <= len(text) for t in tagger.tag(text, min_score=0.0))
