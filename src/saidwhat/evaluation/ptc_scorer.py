"""The SemEval-2020 Task 11 measures (Da San Martino et al., EMNLP 2019; SemEval 2020).

* Span identification (SI): precision and recall with partial-overlap credit. Spans are sets of
  character offsets; overlapping spans of one article are merged first (gold and predicted
  alike). With S the predicted and T the gold spans of the whole collection,
  ``P = 1/|S| * sum_{s,t in same article} |s & t| / |s|`` and ``R = 1/|T| * sum |s & t| / |t|``,
  ``F1 = 2PR / (P + R)``.
* Technique classification (TC): gold spans are given and only the technique is predicted;
  micro-averaged precision/recall/F1 over the (article, start, end, technique) lines, where a
  span that carries several techniques counts each of them once (multiset matching).
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field


def merge_spans(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Merge overlapping (not merely adjacent) spans; empty spans are dropped."""
    out: list[list[int]] = []
    for s, e in sorted((s, e) for s, e in spans if e > s):
        if out and s < out[-1][1]:
            out[-1][1] = max(out[-1][1], e)
        else:
            out.append([s, e])
    return [(s, e) for s, e in out]


@dataclass
class SIScore:
    precision: float
    recall: float
    f1: float
    n_pred: int
    n_gold: int


def score_si(pred: dict[str, list[tuple[int, int]]],
             gold: dict[str, list[tuple[int, int]]]) -> SIScore:
    p_sum = r_sum = 0.0
    n_pred = n_gold = 0
    for aid in set(pred) | set(gold):
        ps = merge_spans(pred.get(aid, []))
        gs = merge_spans(gold.get(aid, []))
        n_pred += len(ps)
        n_gold += len(gs)
        for s0, s1 in ps:
            for g0, g1 in gs:
                inter = min(s1, g1) - max(s0, g0)
                if inter > 0:
                    p_sum += inter / (s1 - s0)
                    r_sum += inter / (g1 - g0)
    p = p_sum / n_pred if n_pred else 0.0
    r = r_sum / n_gold if n_gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return SIScore(p, r, f, n_pred, n_gold)


def score_flc(pred: dict[str, list[tuple[str, int, int]]],
              gold: dict[str, list[tuple[str, int, int]]]) -> SIScore:
    """Span and technique together (SemEval-2019 FLC, Da San Martino et al. 2019): the SI
    measure's partial-overlap credit, where a predicted span only earns credit from gold spans
    of its own technique."""
    def by_technique(spans):
        out: dict[str, list[tuple[int, int]]] = {}
        for aid, items in spans.items():
            for t, s, e in items:
                out.setdefault(f"{aid}\t{t}", []).append((s, e))
        return out
    return score_si(by_technique(pred), by_technique(gold))


@dataclass
class TCScore:
    precision: float
    recall: float
    f1: float
    n_pred: int
    n_gold: int
    per_technique: dict[str, dict[str, float]] = field(default_factory=dict)


def score_tc(pred: dict[str, list[tuple[str, int, int]]],
             gold: dict[str, list[tuple[str, int, int]]]) -> TCScore:
    correct = Counter()
    n_pred_t = Counter()
    n_gold_t = Counter()
    for aid in set(pred) | set(gold):
        by_span_p: dict[tuple[int, int], Counter] = {}
        by_span_g: dict[tuple[int, int], Counter] = {}
        for t, s, e in pred.get(aid, []):
            by_span_p.setdefault((s, e), Counter())[t] += 1
            n_pred_t[t] += 1
        for t, s, e in gold.get(aid, []):
            by_span_g.setdefault((s, e), Counter())[t] += 1
            n_gold_t[t] += 1
        for span, pc in by_span_p.items():
            gc = by_span_g.get(span)
            if gc:
                correct.update(pc & gc)
    c = sum(correct.values())
    np_, ng = sum(n_pred_t.values()), sum(n_gold_t.values())
    p = c / np_ if np_ else 0.0
    r = c / ng if ng else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    per = {}
    for t in sorted(set(n_pred_t) | set(n_gold_t)):
        tp, tp_p, tp_g = correct[t], n_pred_t[t], n_gold_t[t]
        pp = tp / tp_p if tp_p else 0.0
        rr = tp / tp_g if tp_g else 0.0
        per[t] = {"precision": pp, "recall": rr, "f1": 2 * pp * rr / (pp + rr) if pp + rr else 0.0,
                  "support": tp_g}
    return TCScore(p, r, f, np_, ng, per)
