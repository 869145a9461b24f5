"""Choosing the span decoding (threshold, hysteresis, gap, minimum length) and the mixing
weights of an exported model on a part of the validation split, with the shipped run time
(int8 ONNX), and scoring it there.

    python -m saidwhat.training.tune MODEL_DIR [--part tuning] [--data ../shared/data/ptc-train] [--write]
"""
from __future__ import annotations

import argparse
import dataclasses
import itertools
import json
from pathlib import Path

from saidwhat.evaluation import ptc_corpus as ptc
from saidwhat.evaluation.ptc_scorer import score_flc, score_si, score_tc
from saidwhat.rhetoric import core, lexical, word_crf
from saidwhat.rhetoric.tagger import Tagger

MIXES = (0.0, 0.25, 0.5, 0.75, 1.0)
LEXICAL_WEIGHTS = (0.0, 0.25, 0.5, 0.75, 1.0)
NOISE = 0.002   # SI F1 differences on the 74 validation articles that decide nothing
# (weight, base) of the word CRF's evidence; (0, 0) is the token head alone
SI_LEXICAL_MIXES = ((0.0, 0.0),) + tuple(itertools.product((0.3, 0.5, 0.7), (0.03, 0.06, 0.1)))
CORE_THRESHOLDS = (None, 0.7, 0.8, 0.9)   # nested spans (Tagger.tag); None: off
GRID = {
    "threshold": (0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4),
    "high_delta": (0.0, 0.1, 0.2, 0.3, 0.4),
    "gap": (0, 2, 4, 8, 12, 16),
    "min_chars": (1, 3),
}


def run(model_dir: Path, data: Path, threads: int = 1, part: str = "validation"):
    """Every setting scored on the articles of ``part`` (ptc_corpus.split_ids: "tuning" for
    choices that the confirmation part is to check)."""
    tagger = Tagger(model_dir, threads)
    arts = {a.id: a for a in ptc.load_corpus(data)}
    val = [arts[i] for i in ptc.split_ids(part)]
    cached = []
    tc_cache = []
    for a in val:
        enc, hiddens, prob = tagger.run_encoder(a.text)
        crf = (tagger.word_crf.piece_probs(a.text, enc.offsets)
               if tagger.word_crf is not None else None)
        cached.append((a, enc, prob, crf, hiddens))
        spans = [(s, e) for _, s, e in a.tc]
        if spans:
            probs = core.classify(enc, hiddens, spans, tagger.head_probs, len(tagger.techniques))
            lex = tagger.lexical.probs(a.text, spans) if tagger.lexical is not None else None
            tc_cache.append((a, enc, spans, probs, lex))
    gold_tc = {a.id: a.tc for a in val}
    mixes = MIXES if any(c[1].token_tech is not None for c in cached) else (0.0,)
    weights = LEXICAL_WEIGHTS if tagger.lexical is not None else (0.0,)
    tc_by_mix = {}
    for mix, weight in itertools.product(mixes, weights):
        tc_pred = {}
        for a, enc, spans, probs, lex in tc_cache:
            pm = core.mix_token_tech(enc, spans, probs, mix)
            if lex is not None:
                pm = lexical.combine(pm, lex, weight)
            tc_pred[a.id] = [(l, s, e) for l, (s, e) in
                             zip(core.assign_labels(spans, pm, tagger.techniques), spans)]
        tc_by_mix[(mix, weight)] = score_tc(tc_pred, gold_tc)
    gold_si = {a.id: a.si for a in val}
    results = []
    si_mixes = SI_LEXICAL_MIXES if tagger.word_crf is not None else ((0.0, 0.0),)
    for w, base in si_mixes:
        mixed = _with_word_crf(cached, w, base)
        for t, hd, gap, mc in itertools.product(*GRID.values()):
            high = t + hd
            pred = {a.id: [(s, e) for s, e, _ in core.decode_spans(enc, prob, t, high, gap, mc)]
                    for a, enc, _, prob in mixed}
            sc = score_si(pred, gold_si)
            decoding = {"threshold": t, "high": round(high, 2), "gap": gap, "min_chars": mc}
            if tagger.word_crf is not None:
                decoding.update(si_lexical_weight=w, si_lexical_base=base)
            results.append((decoding, sc))
    # among decodings within NOISE of the best, the smallest word-CRF correction comes first:
    # 74 articles cannot tell such settings apart, and the smaller correction changes the
    # token head's scores least on text unlike PTC's
    top = max(sc.f1 for _, sc in results)

    def rank(r):
        if r[1].f1 < top - NOISE:
            return (1, 0.0, 0.0, -r[1].f1)
        return (0, r[0].get("si_lexical_weight", 0.0), r[0].get("si_lexical_base", 0.0), -r[1].f1)

    results.sort(key=rank)
    best_mix = max(tc_by_mix, key=lambda m: tc_by_mix[m].f1)
    tc = tc_by_mix[best_mix]
    tc.mix, tc.lexical_weight = best_mix
    tc.by_mix = {f"tech_mix {m} lexical_weight {w}": round(v.f1, 4)
                 for (m, w), v in tc_by_mix.items()}
    # the token head alone with a plain threshold: the reference the decoding is judged by
    plain = next(r for r in results if r[0]["high"] == r[0]["threshold"] and r[0]["gap"] == 0
                 and r[0]["min_chars"] == 1 and not r[0].get("si_lexical_weight"))
    flc = choose_core_threshold(tagger, cached, results[0][0], tc)
    return results, plain, tc, flc, len(val)


def _with_word_crf(cached, weight: float, base: float):
    """(article, encoded text, window states, P(piece inside a span)) per cached article, with
    the word CRF's evidence added at ``weight`` and ``base`` (as Tagger.run adds it)."""
    return [(a, enc, hiddens, prob if crf is None else word_crf.mix(prob, crf, weight, base))
            for a, enc, prob, crf, hiddens in cached]


def choose_core_threshold(tagger, cached, decoding: dict, tc, min_score: float = 0.5) -> dict:
    """FLC (span and technique) F1 of ``tag()`` at the default min_score for each nested-span
    threshold, with the chosen decoding and mixing weights."""
    tagger.config = dataclasses.replace(
        tagger.config, threshold=decoding["threshold"], high=decoding["high"],
        gap=decoding["gap"], min_chars=decoding["min_chars"],
        si_lexical_weight=decoding.get("si_lexical_weight", 0.0),
        si_lexical_base=decoding.get("si_lexical_base", 0.0),
        tech_mix=tc.mix, lexical_weight=tc.lexical_weight)
    gold = {a.id: a.tc for a, *_ in cached}
    mixed = _with_word_crf(cached, tagger.config.si_lexical_weight, tagger.config.si_lexical_base)
    scores = {}
    for threshold in CORE_THRESHOLDS:
        pred = {a.id: [(t.technique, t.start, t.end) for t in
                       tagger.technique_spans(a.text, enc, hiddens, prob, min_score, threshold)]
                for a, enc, hiddens, prob in mixed}
        scores[threshold] = score_flc(pred, gold)
    best = max(scores, key=lambda k: scores[k].f1)
    return {"core_threshold": best, "min_score": min_score,
            "by_core_threshold": {str(k): {"precision": round(v.precision, 4),
                                           "recall": round(v.recall, 4), "f1": round(v.f1, 4)}
                                  for k, v in scores.items()}}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("model_dir", type=Path)
    ap.add_argument("--data", type=Path, default=Path("../shared/data/ptc-train"))
    ap.add_argument("--write", action="store_true", help="store the best decoding in tagger.json")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--part", default="validation",
                    help="the articles to choose on: validation (74), tuning (37 of them; the "
                         "other 37, confirmation, are then left to report), or a file of ids")
    args = ap.parse_args()
    results, plain, tc, flc, n = run(args.model_dir, args.data, args.threads, args.part)
    best, sc = results[0]
    report = {
        "articles": n, "part": args.part,
        "si_best": {"decoding": best, "precision": sc.precision, "recall": sc.recall, "f1": sc.f1},
        "si_plain_threshold": {"decoding": plain[0], "precision": plain[1].precision,
                               "recall": plain[1].recall, "f1": plain[1].f1},
        "si_top10": [{"decoding": d, "f1": round(s.f1, 4), "p": round(s.precision, 4),
                      "r": round(s.recall, 4)} for d, s in results[:10]],
        "tc": {"micro_f1": tc.f1, "tech_mix": tc.mix, "lexical_weight": tc.lexical_weight,
               "by_mix": tc.by_mix,
               "per_technique": tc.per_technique},
        "flc": flc,
    }
    print(json.dumps(report, indent=1))
    (args.model_dir / f"{Path(args.part).stem}_int8.json").write_text(json.dumps(report, indent=1))
    if args.write:
        meta_path = args.model_dir / "tagger.json"
        meta = json.loads(meta_path.read_text())
        meta.update(best)
        meta["tech_mix"] = tc.mix
        if "lexical" in meta:
            meta["lexical_weight"] = tc.lexical_weight
        meta["core_threshold"] = flc["core_threshold"]
        meta["tuned_on"] = args.part
        meta["validation_int8"] = {"si_f1": sc.f1, "si_precision": sc.precision,
                                   "si_recall": sc.recall, "tc_micro_f1": tc.f1}
        meta_path.write_text(json.dumps(meta, indent=1))


if __name__ == "__main__":
    main()
