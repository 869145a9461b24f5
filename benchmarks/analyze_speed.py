"""Words per second of a bare spaCy parse and of full ``analyze``, on the same 200 PolNeAR
train articles, in one run, with 1 and 2 worker processes; prints their ratio (goal >= 0.75).

    .venv/bin/python benchmarks/analyze_speed.py [--articles 200] [--techniques] [--repeat 3]

The bare parse is ``nlp.pipe`` (batch 32) over the whole text of each article, the floor of
statement extraction's cost; ``analyze`` runs as ``pool.analyze_many`` runs it in each
worker (documents parsed in batches of ``BATCH_CHARS``), without the technique tagger unless
``--techniques`` is given (the tagger has its own benchmark, techniques_speed.py).

The two are measured in pairs: each worker takes its share of the articles in chunks of
``--chunk`` and times the parse and the analysis of every chunk back to back (in alternating
order), keeping the faster of ``--repeat`` runs of each. On a shared machine the speed of a core
drifts by a fifth over a minute; a parse timed over the whole set and an analysis timed a minute
later measured that drift, not saidwhat (ratios from 0.65 to 0.80 for one build).
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


def _parse(texts: list[str]) -> None:
    from saidwhat.nlp import get_nlp

    for _ in get_nlp().pipe(texts, batch_size=32):
        pass


def _analyze(texts: list[str], techniques: bool) -> None:
    from saidwhat.model import Document
    from saidwhat.pipeline import Options
    from saidwhat.pool import analyze_many

    docs = [Document(id=str(i), text=t) for i, t in enumerate(texts)]
    for _ in analyze_many(docs, options=Options(techniques=techniques)):
        pass


def _paired(args) -> tuple[float, float]:
    """(parse seconds, analyze seconds) over this worker's articles, chunk by chunk."""
    texts, techniques, chunk, repeat = args
    _analyze(texts[:2], techniques)  # models loaded before any clock starts
    parse_total = analyze_total = 0.0
    for k, start in enumerate(range(0, len(texts), chunk)):
        part = texts[start:start + chunk]
        parse, full = float("inf"), float("inf")
        for r in range(max(1, repeat)):
            order = ("parse", "analyze") if (k + r) % 2 == 0 else ("analyze", "parse")
            for what in order:
                began = time.perf_counter()
                if what == "parse":
                    _parse(part)
                    parse = min(parse, time.perf_counter() - began)
                else:
                    _analyze(part, techniques)
                    full = min(full, time.perf_counter() - began)
        parse_total += parse
        analyze_total += full
    return parse_total, analyze_total


def _warm(_=None) -> None:
    from saidwhat.nlp import get_nlp

    get_nlp()


def measure(texts: list[str], workers: int, techniques: bool, chunk: int,
            repeat: int) -> tuple[float, float]:
    """Seconds of the parse and of the analysis: the slowest worker's of each."""
    shares = [texts[i::workers] for i in range(workers)]
    with ProcessPoolExecutor(max_workers=workers, initializer=_warm) as pool:
        times = list(pool.map(_paired, [(s, techniques, chunk, repeat) for s in shares]))
    return max(p for p, _ in times), max(a for _, a in times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=200)
    parser.add_argument("--techniques", action="store_true")
    parser.add_argument("--chunk", type=int, default=10, help="articles timed together")
    parser.add_argument("--repeat", type=int, default=3,
                        help="runs of each chunk's two measurements, alternating; the fastest "
                             "counts (as timeit does: slower runs measure the machine's other "
                             "load)")
    args = parser.parse_args()
    texts = load(args.articles)
    words = sum(len(t.split()) for t in texts)
    print(f"{len(texts)} PolNeAR train articles, {words:,} words")
    print(f"{'workers':>7} {'parse w/s':>10} {'analyze w/s':>12} {'ratio':>6}")
    for workers in (1, 2):
        parse, full = measure(texts, workers, args.techniques, args.chunk, args.repeat)
        print(f"{workers:>7} {words / parse:>10,.0f} {words / full:>12,.0f} "
              f"{parse / full:>6.2f}")


if __name__ == "__main__":
    main()
