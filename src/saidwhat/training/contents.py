"""Train the content and source taggers (saidwhat.attribute.contents) on PolNeAR train:
``saidwhat train contents``.

Every paragraph of every train article becomes one sequence: the features of attribute/contents.py
(parse + rule statements + scored candidates) and, per token, B/I/O of the gold contents (the
outermost where gold contents nest, since one label sequence cannot hold both) and of the gold
sources. Two CRFs are fitted on the same features, one per label set (one joint CRF over both
label sets cost 0.01 content F1 on held-out train articles). CRFsuite fits an L-BFGS CRF with
elastic-net penalties; the penalties are chosen on 20% of the train articles, then each model
is refitted on all of them. Dev is never read here.
"""
from __future__ import annotations

import random
import time
from pathlib import Path

from saidwhat import clean
from saidwhat.training.cache import cached
from saidwhat.attribute.contents import sequence_features, source_model_path
from saidwhat.attribute.scorer import load_scorer


def gold_labels(bounds, gold_hulls, source_hulls=()) -> list[str]:
    """B/I over gold contents (the longest first where they nest), then BS/IS over gold
    sources on the tokens left."""
    labels = ["O"] * len(bounds)
    for hulls, begin, inner in ((gold_hulls, "B", "I"), (source_hulls, "BS", "IS")):
        for start, end in sorted(hulls, key=lambda h: h[0] - h[1]):  # longest first
            inside = [k for k, (t_start, t_end) in enumerate(bounds)
                      if t_start >= start and t_end <= end]
            if not inside or any(labels[k] != "O" for k in inside):
                continue
            for k in inside:
                labels[k] = inner
            labels[inside[0]] = begin
    return labels


def sequences(gold_docs, log=print):
    """[(doc index, features, labels)] for every paragraph of every article."""
    from saidwhat.evaluation.polnear import hull
    from saidwhat.pieces import piece_readers

    scorer = load_scorer()
    rows = []
    started = time.time()
    for n, doc in enumerate(gold_docs):
        text = doc.text
        gold = [hull(g.content) for g in doc.attributions if g.content]
        sources = [hull(g.source) for g in doc.attributions if g.source]
        for reader in piece_readers(text, clean.find_blocks(text)):
            found, scored = reader.scored(scorer)
            start, end = reader.offset, reader.end_offset
            here = [g for g in gold if g[0] < end and g[1] > start]
            here_sources = [g for g in sources if g[0] < end and g[1] > start]
            for bounds, features in sequence_features(reader, found, scored):
                rows.append((n, features, gold_labels(bounds, here, here_sources)))
        if log and (n + 1) % 100 == 0:
            log(f"  {n + 1}/{len(gold_docs)} articles, {len(rows)} paragraphs, "
                f"{time.time() - started:.0f}s")
    return rows


_VIEWS = {"contents": {"B": "B", "I": "I"}, "sources": {"BS": "B", "IS": "I"}}


def view(labels: list[str], which: str) -> list[str]:
    """The B/I/O labels of one model: contents or sources."""
    keep = _VIEWS[which]
    return [keep.get(label, "O") for label in labels]


def fit(rows, path: Path, c1: float, c2: float, iterations: int = 150,
        which: str = "contents") -> None:
    import pycrfsuite

    trainer = pycrfsuite.Trainer(verbose=False)
    for _, features, labels in rows:
        trainer.append(features, view(labels, which))
    trainer.set_params({"c1": c1, "c2": c2, "max_iterations": iterations,
                        "feature.possible_transitions": True})
    trainer.train(str(path))


def span_f1(rows, path: Path, which: str = "contents") -> float:
    """Exact B/I run F1 on held-out rows (a quick proxy used to choose the penalties)."""
    import pycrfsuite

    tagger = pycrfsuite.Tagger()
    tagger.open(str(path))
    tp = pred = gold = 0
    for _, features, labels in rows:
        guess = tagger.tag(features)
        g, p = _runs(view(labels, which)), _runs(guess)
        tp += len(g & p)
        pred += len(p)
        gold += len(g)
    return 2 * tp / (pred + gold) if pred + gold else 0.0


def _runs(labels) -> set[tuple[int, int]]:
    runs, start = set(), None
    for k, label in enumerate(list(labels) + ["O"]):
        if label != "I" and start is not None:
            runs.add((start, k))
            start = None
        if label == "B" or (label == "I" and start is None):
            start = k
    return runs


def train(data_dir: Path, out: Path, log=print, seed: int = 13) -> dict:
    from saidwhat.evaluation.polnear import load_split

    def build():
        docs = load_split(Path(data_dir), "train")
        log(f"building sequences for {len(docs)} PolNeAR train articles")
        return sequences(docs, log=log)

    rows = cached("content-sequences", Path(data_dir) / "train", build)
    ids = sorted({n for n, _, _ in rows})
    random.Random(seed).shuffle(ids)
    held = set(ids[: len(ids) // 5])
    fit_rows = [r for r in rows if r[0] not in held]
    held_rows = [r for r in rows if r[0] in held]
    chosen = {}
    tmp = out.with_suffix(".tuning")
    for which, path in (("contents", out), ("sources", source_model_path(out))):
        results = {}
        for c1, c2 in ((1.0, 0.05), (2.0, 0.05), (4.0, 0.05)):
            fit(fit_rows, tmp, c1, c2, which=which)
            results[(c1, c2)] = span_f1(held_rows, tmp, which)
            log(f"  {which}: c1={c1} c2={c2}: held-out exact span F1 {results[(c1, c2)]:.3f}")
        c1, c2 = max(results, key=results.get)
        fit(rows, path, c1, c2, which=which)
        log(f"wrote {path} (c1={c1}, c2={c2}, {len(rows)} paragraphs)")
        chosen[which] = {"c1": c1, "c2": c2, "held_out_f1": results[(c1, c2)]}
    tmp.unlink(missing_ok=True)
    return chosen
