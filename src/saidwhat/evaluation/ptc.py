"""``saidwhat eval ptc``: the SemEval-2020 Task 11 evaluation of the technique tagger.

    saidwhat eval ptc --articles DIR --si-labels FILE --tc-labels FILE [--ids FILE]
                      [--model DIR] [--predictions-out FILE]

SI: the tagger's spans against the gold SI spans (partial-overlap P/R/F1 over merged spans).
TC: the gold TC spans are given and the tagger names their techniques (micro-F1).
FLC: span and technique together, ``tag()`` at the default min-score (what ``analyze`` reports)
against the gold TC spans (SemEval-2019 FLC: SI's partial-overlap credit within a technique).
``--predictions-out FILE`` writes ``FILE.si`` (``id<TAB>start<TAB>end``) and ``FILE.tc``
(``id<TAB>technique<TAB>start<TAB>end``).
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def add_ptc_parser(corpora) -> argparse.ArgumentParser:
    p = corpora.add_parser(
        "ptc", help="propaganda techniques (PTC, SemEval-2020 Task 11: SI and TC)",
        description="Score the technique tagger with the SemEval-2020 Task 11 measures.")
    p.add_argument("--articles", type=Path, required=True,
                   help="folder of article<ID>.txt files")
    p.add_argument("--si-labels", type=Path, help="SI gold labels (file or folder)")
    p.add_argument("--tc-labels", type=Path, help="TC gold labels (file or folder)")
    p.add_argument("--ids", type=Path, default=None,
                   help="score only the article ids listed in this file (e.g. the validation "
                        "split, src/saidwhat/rhetoric/ptc_validation_ids.txt)")
    p.add_argument("--model", type=Path, default=None, metavar="DIR",
                   help="an exported model folder (default: the shipped model)")
    p.add_argument("--predictions-out", type=Path, default=None, metavar="FILE",
                   help="write FILE.si and FILE.tc")
    p.add_argument("--json", action="store_true", help="print the scores as JSON")
    p.set_defaults(func=run_ptc)
    return p


def run_ptc(args) -> int:
    from saidwhat.evaluation import ptc_corpus as ptc
    from saidwhat.evaluation.ptc_scorer import score_flc, score_si, score_tc
    from saidwhat.rhetoric import core
    from saidwhat.rhetoric.tagger import Tagger, TaggerUnavailable, load_tagger

    if not args.articles.is_dir():
        print(f"saidwhat eval ptc: no folder {args.articles}", file=sys.stderr)
        return 2
    try:
        tagger = Tagger(args.model) if args.model else load_tagger()
    except TaggerUnavailable as e:
        print(f"saidwhat eval ptc: {e}", file=sys.stderr)
        return 1
    texts = ptc.read_articles(args.articles)
    if args.ids:
        keep = {l.strip() for l in args.ids.read_text().splitlines() if l.strip()}
        texts = {k: v for k, v in texts.items() if k in keep}
    gold_si = ptc.read_si_labels(args.si_labels) if args.si_labels else None
    gold_tc = ptc.read_tc_labels(args.tc_labels) if args.tc_labels else None
    if gold_si is not None:
        gold_si = {k: v for k, v in gold_si.items() if k in texts}
    if gold_tc is not None:
        gold_tc = {k: v for k, v in gold_tc.items() if k in texts}
    pred_si: dict = {}
    pred_tc: dict = {}
    pred_flc: dict = {}
    for aid, text in texts.items():
        # one encoder pass per article for the three measures (as spans, classify and tag
        # would each run it)
        enc, hiddens, prob = tagger.run(text)
        pred_si[aid] = [(s, e) for s, e, _ in tagger.decode(enc, prob)]
        if gold_tc is not None and gold_tc.get(aid):
            spans = [(s, e) for _, s, e in gold_tc[aid]]
            labels = core.assign_labels(spans, tagger.technique_probs(text, enc, hiddens, spans),
                                        tagger.techniques)
            pred_tc[aid] = [(t, s, e) for t, (s, e) in zip(labels, spans)]
        if gold_tc is not None:
            pred_flc[aid] = [(t.technique, t.start, t.end) for t in tagger.technique_spans(
                text, enc, hiddens, prob, 0.5, tagger.config.core_threshold)]
    result: dict = {"articles": len(texts)}
    if gold_si is not None:
        s = score_si(pred_si, gold_si)
        result["si"] = {"precision": s.precision, "recall": s.recall, "f1": s.f1,
                        "predicted_spans": s.n_pred, "gold_spans": s.n_gold}
    if gold_tc is not None:
        t = score_tc(pred_tc, gold_tc)
        result["tc"] = {"micro_f1": t.f1, "spans": t.n_gold, "per_technique": t.per_technique}
        f = score_flc(pred_flc, gold_tc)
        result["flc"] = {"precision": f.precision, "recall": f.recall, "f1": f.f1,
                         "predicted_spans": f.n_pred, "gold_spans": f.n_gold}
    if args.predictions_out:
        out = args.predictions_out
        out.parent.mkdir(parents=True, exist_ok=True)
        with open(f"{out}.si", "w", encoding="utf-8") as f:
            for aid in sorted(pred_si):
                for s, e in pred_si[aid]:
                    f.write(f"{aid}\t{s}\t{e}\n")
        with open(f"{out}.tc", "w", encoding="utf-8") as f:
            for aid in sorted(pred_tc):
                for t, s, e in pred_tc[aid]:
                    f.write(f"{aid}\t{t}\t{s}\t{e}\n")
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print(format_report(result))
    return 0


def format_report(result: dict) -> str:
    lines = [f"PTC (SemEval-2020 Task 11), {result['articles']} articles"]
    if "si" in result:
        s = result["si"]
        lines.append(f"SI  precision {s['precision']:.4f}  recall {s['recall']:.4f}  "
                     f"F1 {s['f1']:.4f}  ({s['predicted_spans']} predicted, "
                     f"{s['gold_spans']} gold spans)")
    if "tc" in result:
        t = result["tc"]
        lines.append(f"TC  micro-F1 {t['micro_f1']:.4f}  ({t['spans']} gold spans)")
        for name, v in sorted(t["per_technique"].items(), key=lambda kv: -kv[1]["support"]):
            lines.append(f"    {name:<38} F1 {v['f1']:.3f}  P {v['precision']:.3f}  "
                         f"R {v['recall']:.3f}  n={v['support']}")
    if "flc" in result:
        f = result["flc"]
        lines.append(f"FLC precision {f['precision']:.4f}  recall {f['recall']:.4f}  "
                     f"F1 {f['f1']:.4f}  ({f['predicted_spans']} predicted by tag(), "
                     f"{f['gold_spans']} gold spans)")
    return "\n".join(lines)
