"""Train the candidate scorer (saidwhat.attribute.scorer) on PolNeAR train: ``saidwhat train attribution``.

Each candidate (candidates.py) of a train article is labelled positive when its content
matches a gold content at >= 50% overlap and its cue word lies in that attribution's cue.
A logistic regression (scikit-learn, from the ``train`` extra) is fitted on 80% of the train
articles; the acceptance threshold is the one with the best F1 on the other 20%; then the model
is refitted on all train articles and written as JSON. Dev is never read here.
"""
from __future__ import annotations

import json
import random
import time
from pathlib import Path

from saidwhat import clean
from saidwhat.training.cache import cached
from saidwhat.model import overlap


def candidate_rows(gold_docs, log=print):
    """(doc index, features, label) for every candidate of every article."""
    from saidwhat.evaluation.polnear import hull
    from saidwhat.pieces import piece_readers

    rows = []
    started = time.time()
    for n, doc in enumerate(gold_docs):
        text = doc.text
        gold = [(hull(g.content), hull(g.cue)) for g in doc.attributions if g.content and g.cue]
        for reader in piece_readers(text, clean.find_blocks(text)):
            taken = reader.rule_statements()
            for st in taken:
                features = reader.rule_features(st)
                if features is not None:
                    label = any(overlap(st.content, g_content) >= 0.5 for g_content, _ in gold)
                    rows.append((n, features, int(label)))
            for cand in reader.candidates(taken):
                cue = (reader.start(cand.cue), reader.end(cand.cue))
                label = any(overlap(cand.content, g_content) >= 0.5
                            and g_cue[0] <= cue[0] < g_cue[1] + 1 and cue[1] > g_cue[0]
                            for g_content, g_cue in gold)
                rows.append((n, cand.features, int(label)))
        if log and (n + 1) % 100 == 0:
            log(f"  {n + 1}/{len(gold_docs)} articles, {len(rows)} candidates, "
                f"{time.time() - started:.0f}s")
    return rows


def _int32(matrix):
    # DictVectorizer builds int64 indices; liblinear accepts only int32.
    matrix = matrix.tocsr()
    matrix.indices = matrix.indices.astype("int32")
    matrix.indptr = matrix.indptr.astype("int32")
    return matrix


def _fit(rows, c: float):
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    vec = DictVectorizer()
    x = _int32(vec.fit_transform([r[1] for r in rows]))
    y = [r[2] for r in rows]
    model = LogisticRegression(C=c, max_iter=2000, solver="liblinear")
    model.fit(x, y)
    return vec, model


def _is_rule(row) -> bool:
    return any(k.startswith("opt=rule_") for k in row[1])


def _best_threshold(vec, model, rows, steps=range(4, 19)) -> tuple[float, float]:
    if not rows:
        return 0.0, 0.0
    probs = model.predict_proba(_int32(vec.transform([r[1] for r in rows])))[:, 1]
    labels = [r[2] for r in rows]
    best = (0.5, 0.0)
    for t in [i / 20 for i in steps]:
        tp = sum(1 for p, y in zip(probs, labels) if p >= t and y)
        fp = sum(1 for p, y in zip(probs, labels) if p >= t and not y)
        fn = sum(1 for p, y in zip(probs, labels) if p < t and y)
        f1 = 2 * tp / max(2 * tp + fp + fn, 1)
        if f1 > best[1]:
            best = (t, f1)
    return best


def train(data_dir: Path, out: Path, *, seed: int = 13, log=print) -> dict:
    from saidwhat.evaluation.polnear import load_split

    docs = load_split(data_dir, "train")
    log(f"PolNeAR train: {len(docs)} articles")
    rows = cached("attribution-candidates", Path(data_dir) / "train",
                  lambda: candidate_rows(docs, log))
    positives = sum(r[2] for r in rows)
    log(f"{len(rows)} candidates, {positives} positive")
    order = list(range(len(docs)))
    random.Random(seed).shuffle(order)
    held = set(order[: len(docs) // 5])
    fit_rows = [r for r in rows if r[0] not in held]
    held_rows = [r for r in rows if r[0] in held]
    choice = None
    for c in (0.1, 0.3, 1.0):
        vec, model = _fit(fit_rows, c)
        threshold, f1 = _best_threshold(vec, model, [r for r in held_rows if not _is_rule(r)])
        # A rule statement is dropped only when the scorer is fairly sure it is wrong.
        rule_threshold, rule_f1 = _best_threshold(
            vec, model, [r for r in held_rows if _is_rule(r)], steps=range(0, 11))
        log(f"  C={c}: held-out candidate F1 {f1:.3f} at threshold {threshold}; "
            f"rule statements F1 {rule_f1:.3f} at threshold {rule_threshold}")
        if choice is None or f1 + rule_f1 > choice[2] + choice[4]:
            choice = (c, threshold, f1, rule_threshold, rule_f1)
    c, threshold, f1, rule_threshold, rule_f1 = choice
    vec, model = _fit(rows, c)
    # Weights under 0.01 change no decision measurably and would only bloat the package.
    weights = {name: round(float(w), 3) for name, w in zip(vec.get_feature_names_out(),
                                                            model.coef_[0]) if abs(w) >= 0.01}
    result = {"intercept": round(float(model.intercept_[0]), 5), "threshold": threshold,
              "rule_threshold": rule_threshold,
              "weights": weights,
              "trained_on": "PolNeAR v1.0.0 train (first annotation file per text)",
              "selection": {"C": c, "held_out_candidate_f1": round(f1, 4),
                            "held_out_rule_f1": round(rule_f1, 4),
                            "candidates": len(rows), "positives": positives}}
    out.write_text(json.dumps(result, indent=0, sort_keys=True), encoding="utf-8")
    log(f"wrote {out} ({len(weights)} weights, C={c}, threshold={threshold})")
    return result
