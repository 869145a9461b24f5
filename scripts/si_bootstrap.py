"""How sure an SI F1 is: the SemEval-2020 SI F1 of a technique model on each part of the PTC
validation split, with a 95% interval from resampling its articles (docs/accuracy.md).

    python scripts/si_bootstrap.py MODEL_DIR [--parts tuning,confirmation,validation]
        [--data ../shared/data/ptc-train] [--resamples 1000]
"""
from __future__ import annotations

import argparse
import random
from pathlib import Path

from saidwhat.evaluation import ptc_corpus as ptc
from saidwhat.evaluation.ptc_scorer import score_si
from saidwhat.rhetoric.tagger import Tagger


def interval(pred: dict, gold: dict, resamples: int, seed: int = 1) -> tuple[float, float]:
    """The 2.5th and 97.5th percentiles of SI F1 over article resamples (with replacement;
    an article drawn twice counts twice)."""
    ids = sorted(gold)
    rng = random.Random(seed)
    scores = []
    for _ in range(resamples):
        draw = [rng.choice(ids) for _ in ids]
        scores.append(score_si({f"{a}#{n}": pred[a] for n, a in enumerate(draw)},
                               {f"{a}#{n}": gold[a] for n, a in enumerate(draw)}).f1)
    scores.sort()
    return scores[int(0.025 * resamples)], scores[int(0.975 * resamples) - 1]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("model_dir", type=Path)
    ap.add_argument("--parts", default="tuning,confirmation,validation")
    ap.add_argument("--data", type=Path, default=Path("../shared/data/ptc-train"))
    ap.add_argument("--resamples", type=int, default=1000)
    args = ap.parse_args()
    tagger = Tagger(args.model_dir, 1)
    articles = {a.id: a for a in ptc.load_corpus(args.data)}
    for part in args.parts.split(","):
        ids = ptc.split_ids(part)
        pred = {i: [(s, e) for s, e, _ in tagger.spans(articles[i].text)] for i in ids}
        gold = {i: articles[i].si for i in ids}
        low, high = interval(pred, gold, args.resamples)
        print(f"{part}: {len(ids)} articles, SI F1 {score_si(pred, gold).f1:.3f}, "
              f"95% interval over articles [{low:.3f}, {high:.3f}]")


if __name__ == "__main__":
    main()
