"""Words per second of a bare spaCy parse and of full ``analyze``, on the same 200 PolNeAR
train articles, in one run, with 1 and 2 worker processes; prints their ratio (goal >= 0.75).

    .venv/bin/python benchmarks/analyze_speed.py [--articles 200] [--techniques] [--repeat 3]

The bare parse is ``nlp.pipe`` (batch 32) over the whole text of each article, the floor of
statement extraction's cost. ``analyze`` runs without the technique tagger unless
``--techniques`` is given (the tagger has its own benchmark, techniques_speed.py).
"""
from __future__ import annotations

import argparse
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

POLNEAR_TRAIN = Path(__file__).resolve().parents[1].parent / "shared/data/polnear/train/text"


def load(n: int) -> list[str]:
    files = sorted(POLNEAR_TRAIN.glob("*.txt"))[:n]
    return [f.read_text(encoding="utf-8") for f in files]


def _parse_chunk(texts: list[str]) -> int:
    from saidwhat.nlp import get_nlp

    nlp = get_nlp()
    return sum(len(doc) for doc in nlp.pipe(texts, batch_size=32))


def _analyze_chunk(args) -> int:
    texts, techniques = args
    from saidwhat.model import Document
    from saidwhat.pipeline import Options, analyze

    options = Options(techniques=techniques)
    return sum(len(analyze(Document(id=str(i), text=t), options).statements)
               for i, t in enumerate(texts))


def _warm(_=None) -> None:
    from saidwhat.nlp import get_nlp

    get_nlp()


def timed(func, texts: list[str], workers: int, *extra) -> float:
    chunks = [texts[i::workers] for i in range(workers)]
    with ProcessPoolExecutor(max_workers=workers, initializer=_warm) as pool:
        list(pool.map(_warm, range(workers)))  # models loaded before the clock starts
        start = time.perf_counter()
        list(pool.map(func, [(c, *extra) if extra else c for c in chunks]))
        return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=200)
    parser.add_argument("--techniques", action="store_true")
    parser.add_argument("--repeat", type=int, default=3,
                        help="runs of each measurement, alternating; the fastest counts (as "
                             "timeit does: slower runs measure the machine's other load)")
    args = parser.parse_args()
    texts = load(args.articles)
    words = sum(len(t.split()) for t in texts)
    print(f"{len(texts)} PolNeAR train articles, {words:,} words")
    print(f"{'workers':>7} {'parse w/s':>10} {'analyze w/s':>12} {'ratio':>6}")
    for workers in (1, 2):
        parse, full = float("inf"), float("inf")
        for _ in range(max(1, args.repeat)):
            parse = min(parse, timed(_parse_chunk, texts, workers))
            full = min(full, timed(_analyze_chunk, texts, workers, args.techniques))
        print(f"{workers:>7} {words / parse:>10,.0f} {words / full:>12,.0f} "
              f"{parse / full:>6.2f}")


if __name__ == "__main__":
    main()
