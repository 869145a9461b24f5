"""The technique tagger: catalogue, split, decoding, and (when the model ships) the real model on
real PTC articles read from ../shared at test time."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from saidwhat.evaluation import ptc_corpus as ptc
from saidwhat.rhetoric import core
from saidwhat.rhetoric.catalogue import CATALOGUE, TECHNIQUES

ROOT = Path(__file__).resolve().parents[1]
PTC = ROOT.parent / "shared" / "data" / "ptc-train"
EXAMPLE = ROOT.parent / "shared" / "examples" / "konashenkov-aleppo.txt"
os.environ.setdefault("SAIDWHAT_THREADS", "1")  # the machine is shared
needs_data = pytest.mark.skipif(not PTC.is_dir(), reason="../shared/data/ptc-train not present")


def _model_ok() -> bool:
    from saidwhat.rhetoric.tagger import model_available
    return model_available()


needs_model = pytest.mark.skipif(not _model_ok(), reason="technique model not shipped")


def test_catalogue_has_14_techniques_with_definitions():
    assert len(CATALOGUE) == 14 and len(set(TECHNIQUES)) == 14
    for t in CATALOGUE:
        assert t.definition and t.example and t.title


@needs_data
def test_catalogue_matches_corpus_labels():
    labels = {t for spans in ptc.read_tc_labels(PTC / "train-task-flc-tc.labels").values()
              for t, _, _ in spans}
    assert labels == set(TECHNIQUES)


@needs_data
def test_validation_split_is_committed_and_reproducible():
    ids = ptc.validation_ids()
    all_ids = sorted(ptc.read_articles(PTC / "train-articles"))
    assert len(all_ids) == 371 and len(ids) == 74
    assert set(ids) <= set(all_ids)
    assert ids == ptc.make_validation_ids(all_ids)


def test_techniques_command_prints_catalogue():
    out = subprocess.run([sys.executable, "-m", "saidwhat.cli", "techniques"],
                         capture_output=True, text=True, check=True).stdout
    for name in TECHNIQUES:
        assert name in out


def test_decode_spans_widens_to_words_and_merges():
    class Tok:  # offsets of "foo bar baz": three tokens
        pass
    text = "foo barbaz qux"
    enc = core.Encoded(text, np.array([[0, 3], [4, 7], [7, 10], [11, 14]]),
                       np.array([1, 2, 3, 4]), [(0, 4)])
    spans = core.decode_spans(enc, np.array([0.1, 0.9, 0.2, 0.8]), 0.5)
    # "bar" is widened to the whole word "barbaz"; "qux" stands alone
    assert [(s, e) for s, e, _ in spans] == [(4, 10), (11, 14)]
    assert spans[0][2] == pytest.approx(0.9)


def test_windows_cover_every_token():
    class FakeTok:
        def encode(self, text, add_special_tokens=False):
            class E:
                pass
            e = E()
            e.ids = list(range(1000, 1000 + 700))
            e.offsets = [(i, i + 1) for i in range(700)]
            return e
    enc = core.encode(FakeTok(), "x" * 700, max_len=256, stride=192)
    covered = set()
    for a, b in enc.windows:
        assert b - a <= 254
        covered.update(range(a, b))
    assert covered == set(range(700))
    ids, mask = core.window_batch(enc, [0, len(enc.windows) - 1])
    assert ids[0, 0] == core.CLS_ID and ids[0, 255] == core.SEP_ID
    assert mask[1].sum() == enc.windows[-1][1] - enc.windows[-1][0] + 2


def test_assign_labels_gives_repeated_span_its_second_technique():
    probs = np.array([[0.1, 0.6, 0.3], [0.1, 0.6, 0.3], [0.7, 0.2, 0.1]])
    labels = core.assign_labels([(0, 5), (0, 5), (6, 9)], probs, ["a", "b", "c"])
    assert labels == ["b", "c", "a"]


WANTED = {"Name_Calling,Labeling", "Loaded_Language", "Doubt"}


def _marked(text, spans, phrase):
    s = text.index(phrase)
    e = s + len(phrase)
    return [t for t in spans if t.start < e and t.end > s and t.technique in WANTED]


@needs_model
def test_founding_example_spans_are_valid_and_the_rhetoric_is_found():
    from saidwhat.rhetoric.tagger import tag_techniques
    text = EXAMPLE.read_text(encoding="utf-8")
    spans = tag_techniques(text)
    # what the shipped model holds at the default min_score (docs/model-card-techniques.md):
    # "theatrical screams" as loaded language; "Russophobic hot air" inside a span marked at
    # >= 0.8 whose first technique is minimisation ("are no more than ... hot air"), and marked
    # as loaded language too: as that span's second technique or as its core (a nested span)
    assert _marked(text, spans, "theatrical screams")
    s = text.index("Russophobic hot air")
    outer = [t for t in spans if t.start <= s and t.end >= s + 19 and t.score >= 0.8]
    assert outer and outer[0].technique == "Exaggeration,Minimisation"
    inner = _marked(text, spans, "Russophobic hot air")
    assert [t for t in inner if outer[0].start <= t.start and t.end <= outer[0].end]
    for t in spans:
        assert text[t.start:t.end] == t.text and 0.5 <= t.score <= 1.0
        assert t.technique in TECHNIQUES


# strict: the day a model marks "cinema" at the default, this fails and issue 3 can close
@needs_model
@pytest.mark.xfail(reason="issue 3 open: the shipped model scores 'cinema' 0.48, under the "
                          "default min_score 0.5; see docs/model-card-techniques.md",
                   strict=True)
def test_founding_example_marks_all_three_phrases():
    from saidwhat.rhetoric.tagger import tag_techniques
    text = EXAMPLE.read_text(encoding="utf-8")
    spans = tag_techniques(text)
    for phrase in ("theatrical screams", "Russophobic hot air", "cinema"):
        assert _marked(text, spans, phrase), phrase


@needs_model
def test_cinema_is_marked_from_the_min_score_the_model_card_gives():
    from saidwhat.rhetoric.tagger import tag_techniques
    text = EXAMPLE.read_text(encoding="utf-8")
    spans = tag_techniques(text, min_score=0.45)
    for phrase in ("theatrical screams", "Russophobic hot air", "cinema"):
        assert _marked(text, spans, phrase), phrase


@needs_model
def test_empty_and_tiny_texts():
    from saidwhat.rhetoric.tagger import classify_spans, tag_techniques
    assert tag_techniques("") == []
    assert classify_spans("", []) == []
    assert tag_techniques("   \n ") == []
    labels = classify_spans("What a disgrace!", [(7, 15), (0, 16)])
    assert len(labels) == 2 and all(l in TECHNIQUES for l in labels)


@needs_model
@needs_data
def test_eval_ptc_writes_predictions(tmp_path):
    ids = ptc.validation_ids()[:3]
    (tmp_path / "ids.txt").write_text("\n".join(ids))
    out = tmp_path / "pred"
    r = subprocess.run([sys.executable, "-m", "saidwhat.cli", "eval", "ptc",
                        "--articles", str(PTC / "train-articles"),
                        "--si-labels", str(PTC / "train-task-si.labels"),
                        "--tc-labels", str(PTC / "train-task-flc-tc.labels"),
                        "--ids", str(tmp_path / "ids.txt"), "--predictions-out", str(out)],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert "SI" in r.stdout and "TC" in r.stdout
    tc = [l.split("\t") for l in Path(f"{out}.tc").read_text().splitlines()]
    gold = ptc.read_tc_labels(PTC / "train-task-flc-tc.labels")
    assert len(tc) == sum(len(gold[i]) for i in ids)
    assert all(len(l) == 4 and l[0] in ids and l[1] in TECHNIQUES for l in tc)
    si = [l.split("\t") for l in Path(f"{out}.si").read_text().splitlines()]
    assert all(len(l) == 3 and int(l[1]) < int(l[2]) for l in si)


def test_lexical_analysers_on_hand_made_cases():
    from saidwhat.rhetoric import lexical
    # one-letter words are dropped, as by scikit-learn's default token pattern
    assert lexical.word_ngrams("Hot air, a HOT air!") == [
        "hot", "air", "hot", "air", "hot air", "air hot", "hot air"]
    grams = lexical.char_ngrams("No  hot")
    assert grams[:3] == [" n", "no", "o "] and " no " in grams and " no  " not in grams
    assert " hot " in grams and "hot" in grams and len(grams) == 3 + 2 + 1 + 4 + 3 + 2 + 1
    text = "Hot air. They said hot air. hot AIR again?"
    f = lexical.surface_features(text, [(0, 7), (28, 42)])
    assert f.shape == (2, 8)
    assert f[0, 1] == pytest.approx(np.log1p(3)) and f[0, 2] == 1.0   # recurs three times
    assert f[1, 3] == 1.0 and f[1, 2] == 0.0                           # '?', once


def test_lexical_combine_is_a_log_linear_mixture():
    from saidwhat.rhetoric import lexical
    head = np.array([[0.7, 0.2, 0.1], [0.1, 0.1, 0.8]])
    lex = np.array([[0.1, 0.8, 0.1], [0.2, 0.2, 0.6]])
    assert np.array_equal(lexical.combine(head, lex, 0.0), head)
    assert np.allclose(lexical.combine(head, lex, 1.0), lex, atol=1e-6)
    mixed = lexical.combine(head, lex, 0.5)
    assert np.allclose(mixed.sum(axis=1), 1.0)
    # geometric mean: sqrt(.7*.1) < sqrt(.2*.8), so the second technique wins the first span
    assert mixed[0].argmax() == 1 and mixed[1].argmax() == 2


@needs_data
@pytest.mark.train
def test_lexical_run_time_reproduces_scikit_learn(tmp_path):
    pytest.importorskip("sklearn")
    from saidwhat.rhetoric import lexical
    arts = [a for a in ptc.load_corpus(PTC) if a.tc][:25]
    items = [(a.text, (s, e), t) for a in arts for t, s, e in a.tc]
    words, chars, X, model = lexical.fit_model(items)
    lexical.fit(items, TECHNIQUES, tmp_path / "lex.npz")
    clf = lexical.LexicalClassifier(tmp_path / "lex.npz")
    # the hand-written analysers are what scikit-learn used
    text, (s, e), _ = items[0]
    assert words.build_analyzer()(text[s:e]) == lexical.word_ngrams(text[s:e])
    ours = np.vstack([clf.probs(text, [sp]) for text, sp, _ in items[:60]])
    theirs = model.predict_proba(X[:60])
    cols = [TECHNIQUES.index(c) for c in model.classes_]
    assert np.allclose(ours[:, cols], theirs, atol=1e-4)


@needs_model
def test_shipped_tagger_mixes_in_the_lexical_classifier():
    from saidwhat.rhetoric.tagger import load_tagger
    t = load_tagger()
    assert t.lexical is not None and 0 < t.config.lexical_weight < 1
    text = "They call it a triumph. It is a disaster, a total disaster, a disaster!"
    spans = [(0, 22), (32, 40)]
    lex = t.lexical.probs(text, spans)
    assert lex.shape == (2, len(TECHNIQUES)) and np.allclose(lex.sum(axis=1), 1.0)
    enc, hiddens, _ = t.run(text)
    mixed = t.technique_probs(text, enc, hiddens, spans)
    head = core.classify(enc, hiddens, spans, t.head_probs, len(TECHNIQUES))
    assert not np.allclose(mixed, head) and np.allclose(mixed.sum(axis=1), 1.0)


def test_word_crf_words_labels_and_mix():
    from saidwhat.rhetoric import word_crf
    text = "They “lie”, he said."
    ws = word_crf.words(text)
    assert [w for _, _, w in ws] == ["They", "“", "lie", "”", ",", "he", "said", "."]
    assert word_crf.labels(ws, [(6, 9)]) == ["O", "O", "P", "O", "O", "O", "O", "O"]
    f = word_crf.features(ws)
    assert f[2]["quoted"] == 1.0 and f[5]["quoted"] == 0.0 and f[2]["b-1"] == "“|lie"
    prob = np.array([0.2, 0.5, 0.99])
    assert np.array_equal(word_crf.mix(prob, np.array([0.9, 0.0, 0.9]), 0.0, 0.1), prob)
    # evidence relative to the base: above it raises, below it lowers, clipped to [0, 1]
    assert np.allclose(word_crf.mix(prob, np.array([0.9, 0.0, 0.9]), 0.5, 0.1),
                       [0.6, 0.45, 1.0])


@needs_data
def test_word_crf_fits_and_spreads_word_probabilities_onto_pieces(tmp_path):
    from saidwhat.rhetoric import word_crf
    arts = [a for a in ptc.load_corpus(PTC) if a.si][:20]
    info = word_crf.fit([(a.text, a.si) for a in arts], tmp_path / "w.crfsuite", iterations=30)
    assert info["articles"] == 20 and info["words"] > 1000
    crf = word_crf.WordCRF(tmp_path / "w.crfsuite")
    text = arts[0].text
    ws = word_crf.words(text)
    probs = crf.word_probs(ws)
    assert probs.shape == (len(ws),) and ((probs >= 0) & (probs <= 1)).all()
    # a training article: words inside its gold spans score higher on average
    inside = np.array(word_crf.labels(ws, arts[0].si)) == "P"
    assert probs[inside].mean() > probs[~inside].mean()
    # two pieces of one word get that word's probability; "" gives nothing
    k = next(i for i, (s, e, w) in enumerate(ws) if len(w) >= 6)
    s, e, _ = ws[k]
    pieces = crf.piece_probs(text, np.array([[s, s + 3], [s + 3, e]]))
    assert np.allclose(pieces, probs[k])
    assert crf.piece_probs("", np.zeros((0, 2), dtype=np.int64)).shape == (0,)


@needs_model
def test_shipped_tagger_adds_the_word_crf_evidence():
    from saidwhat.rhetoric.tagger import load_tagger
    t = load_tagger()
    assert t.word_crf is not None and t.config.si_lexical_weight > 0
    text = "They call it a triumph. It is a disaster, a total disaster, a disaster!"
    enc, _, mixed = t.run(text)
    _, _, head = t.run_encoder(text)
    assert mixed.shape == head.shape and not np.allclose(mixed, head)
    assert np.abs(mixed - head).max() <= t.config.si_lexical_weight + 1e-6


def test_train_lexical_only_needs_an_exported_model(tmp_path):
    r = subprocess.run([sys.executable, "-m", "saidwhat.cli", "train", "techniques",
                        "--lexical-only", "--out", str(tmp_path)], capture_output=True, text=True)
    assert r.returncode == 1 and "Traceback" not in r.stderr
    # without scikit-learn it names the extra to install; with it, the missing model
    assert "saidwhat[train]" in r.stderr or "holds no exported model" in r.stderr


def test_average_windows_weights_window_edges_less():
    text = "a b c d e f"
    offsets = np.array([[i * 2, i * 2 + 1] for i in range(6)])
    # two windows over six pieces, overlapping on pieces 2 and 3
    enc = core.Encoded(text, offsets, np.arange(6), [(0, 4), (2, 6)])
    first = np.array([0.0, 1.0, 1.0, 1.0, 1.0, 0.0])    # CLS, 4 pieces, SEP
    second = np.array([0.0, 0.0, 0.0, 0.0, 0.0, 0.0])
    avg = core.average_windows(enc, [first, second])
    assert np.allclose(avg[:2], 1.0) and np.allclose(avg[4:], 0.0)
    # piece 2 is the first window's third piece (weight 2) and the second's first (weight 1)
    assert avg[2] == pytest.approx(2 / 3) and avg[3] == pytest.approx(1 / 3)


def test_si_head_labels_and_mix():
    from saidwhat.rhetoric import si_head
    from saidwhat.training.si_head import piece_labels
    enc = core.Encoded("foo barbaz qux", np.array([[0, 3], [4, 7], [7, 10], [11, 14]]),
                       np.array([1, 2, 3, 4]), [(0, 4)])
    assert piece_labels(enc, [(5, 9)]).tolist() == [0.0, 1.0, 1.0, 0.0]
    prob, head = np.array([0.2, 0.8]), np.array([0.6, 0.0])
    assert np.array_equal(si_head.mix(prob, head, 0.0), prob)
    assert np.allclose(si_head.mix(prob, head, 0.5), [0.4, 0.4])


@pytest.mark.train
def test_si_head_fits_and_exports(tmp_path):
    pytest.importorskip("torch")
    pytest.importorskip("onnx")
    from saidwhat.rhetoric.si_head import SIHead
    from saidwhat.training import si_head
    rng = np.random.default_rng(0)
    # a piece is inside a span when its first feature is positive: learnable from the state
    examples = []
    for _ in range(40):
        states = rng.normal(size=(12, 8)).astype(np.float32)
        labels = (states[:, 0] > 0).astype(np.float32)
        labels[0] = labels[-1] = -1.0   # CLS and SEP
        examples.append((states, labels))
    model = si_head.fit(examples, epochs=15, seed=1)
    si_head.export(model, 8, tmp_path / "head.onnx")
    head = SIHead(tmp_path / "head.onnx")
    states, labels = examples[0]
    p = 1 / (1 + np.exp(-head.window_logits(states)))
    inside = labels == 1
    assert p.shape == (12,) and p[inside].mean() > p[labels == 0].mean() + 0.2


@needs_model
@pytest.mark.train
def test_a_tagger_with_a_recurrent_si_head_averages_it_in(tmp_path):
    pytest.importorskip("torch")
    pytest.importorskip("onnx")
    import json
    import torch
    from saidwhat.rhetoric import si_head
    from saidwhat.rhetoric.tagger import MODEL_DIR, Tagger
    from saidwhat.training.si_head import export, head_module
    for f in MODEL_DIR.iterdir():   # the shipped model, plus an (untrained) recurrent head
        (tmp_path / f.name).symlink_to(f)
    meta = json.loads((MODEL_DIR / "tagger.json").read_text())
    (tmp_path / "tagger.json").unlink()
    size = 384
    torch.manual_seed(0)
    export(head_module(torch, size).eval(), size, tmp_path / si_head.SI_HEAD_FILE)
    meta.update(si_head=si_head.SI_HEAD_FILE, si_head_weight=0.5)
    (tmp_path / "tagger.json").write_text(json.dumps(meta))
    t = Tagger(tmp_path, threads=1)
    assert t.si_head is not None
    text = "They call it a triumph. It is a disaster, a total disaster, a disaster!"
    enc, hiddens, mixed = t.run_encoder(text)
    _, linear = core.run_windows(enc, t.encode_windows, batch_size=1)
    recurrent = t.si_head.probs(enc, hiddens)
    assert recurrent.shape == linear.shape and not np.allclose(linear, recurrent)
    assert np.allclose(mixed, 0.5 * linear + 0.5 * recurrent)


def test_train_si_head_only_needs_an_exported_model(tmp_path):
    r = subprocess.run([sys.executable, "-m", "saidwhat.cli", "train", "techniques",
                        "--si-head-only", "--out", str(tmp_path)], capture_output=True, text=True)
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert "saidwhat[train]" in r.stderr or "holds no exported model" in r.stderr


@pytest.mark.train
def test_weight_average_tracks_the_weights_and_swaps_them_in_and_out():
    torch = pytest.importorskip("torch")
    from saidwhat.training.techniques import WeightAverage, averaged

    model = torch.nn.Linear(2, 1)
    with torch.no_grad():
        model.weight.fill_(1.0)
    average = WeightAverage(torch, model, decay=0.9)
    with torch.no_grad():
        model.weight.fill_(3.0)
    average.update(model)                 # 0.9 * 1 + 0.1 * 3
    with averaged(model, average):
        assert torch.allclose(model.weight, torch.full((1, 2), 1.2))
    assert torch.allclose(model.weight, torch.full((1, 2), 3.0))   # its own weights again
    with averaged(model, None):
        assert torch.allclose(model.weight, torch.full((1, 2), 3.0))


def test_sweep_chooses_by_mean_si_over_shared_seeds_within_the_tc_tolerance():
    from saidwhat.training.sweep import choose

    def row(variant, seed, si, tc):
        return {"variant": variant, "seed": seed, "si_f1": si, "tc_f1": tc}

    rows = [row("base", 1, 0.38, 0.62), row("base", 2, 0.37, 0.63),
            row("fast", 1, 0.40, 0.60), row("fast", 2, 0.40, 0.60),    # TC 0.025 lower
            row("slow", 1, 0.39, 0.62), row("slow", 2, 0.38, 0.62),
            row("slow", 3, 0.10, 0.10)]   # a seed that base has not finished does not count
    assert choose(rows) == "slow"
    rows += [row("fast", 1, 0.40, 0.62)]
    assert choose([r for r in rows if not (r["variant"] == "fast" and r["tc_f1"] == 0.60)]) == "fast"
    assert choose([]) is None


@pytest.mark.train
def test_sweep_writes_weights_in_chunks_that_load_back(tmp_path, monkeypatch):
    torch = pytest.importorskip("torch")
    from saidwhat.training import sweep

    monkeypatch.setattr(sweep, "CHUNK_BYTES", 1000)
    model = torch.nn.Linear(40, 20)
    names = sweep.save_state(model.state_dict(), tmp_path, "state")
    assert len(names) > 1 and all((tmp_path / n).stat().st_size <= 1000 for n in names)
    import io
    state = torch.load(io.BytesIO(b"".join((tmp_path / n).read_bytes() for n in names)))
    assert state["weight"].dtype == torch.float16
    assert torch.allclose(state["weight"].float(), model.weight, atol=1e-3)


@pytest.mark.train
def test_layer_decay_gives_lower_layers_smaller_learning_rates():
    torch = pytest.importorskip("torch")
    pytest.importorskip("transformers")
    from transformers import BertConfig, BertModel

    from saidwhat.training.techniques import TrainConfig, encoder_groups

    encoder = BertModel(BertConfig(vocab_size=50, hidden_size=8, num_hidden_layers=3,
                                   num_attention_heads=2, intermediate_size=16),
                        add_pooling_layer=False)
    flat = encoder_groups(encoder, TrainConfig(lr_encoder=1e-4))
    assert len(flat) == 1 and flat[0]["lr"] == 1e-4
    groups = encoder_groups(encoder, TrainConfig(lr_encoder=1e-4, layer_decay=0.5))
    assert [g["lr"] for g in groups] == pytest.approx([1e-4, 5e-5, 2.5e-5, 1.25e-5])
    assert sum(len(g["params"]) for g in groups) == len(list(encoder.parameters()))
    top = {id(p) for p in encoder.encoder.layer[2].parameters()}
    assert {id(p) for p in groups[0]["params"]} == top
    embeddings = {id(p) for p in encoder.embeddings.parameters()}
    assert {id(p) for p in groups[-1]["params"]} == embeddings
    assert torch.is_tensor(groups[0]["params"][0])


@pytest.mark.train
@needs_data
def test_training_exports_a_model_that_the_run_time_loads(tmp_path):
    pytest.importorskip("torch")
    pytest.importorskip("sklearn")
    from saidwhat.rhetoric.tagger import Tagger
    from saidwhat.training.techniques import TrainConfig, train

    meta = train(PTC, tmp_path, holdout=True, cfg=TrainConfig(epochs=1, threads=2), limit=4)
    assert meta["trained_on"] == 4 and meta["holdout"]
    assert 0.0 <= meta["validation"]["si"]["f1"] <= 1.0
    assert "loss_si" in (tmp_path / "train.log").read_text()
    tagger = Tagger(tmp_path, threads=1)
    text = "They are shameless liars who betray our great nation. Stop them now!"
    spans = tagger.tag(text, min_score=0.0)
    assert spans and all(0 <= t.start < t.end <= len(text) for t in spans)
    assert {t.technique for t in spans} <= set(tagger.techniques)
