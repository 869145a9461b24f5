"""Speed of the technique tagger alone, of full ``analyze`` and of a bare spaCy parse, on the
same PTC articles in one run (articles per second), in one process (the tagger on ``--threads``
onnxruntime threads) and in ``--workers`` processes with one thread each.

    python benchmarks/techniques_speed.py [--n 100] [--threads 2] [--workers 2]
                                          [--data ../shared/data/ptc-train] [--skip-analyze]
"""
from __future__ import annotations

import argparse
import multiprocessing
import os
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path


_threads = None  # the tagger threads of this process (set once by _init)


def _init(threads: int) -> None:
    global _threads
    from saidwhat.nlp import get_nlp
    from saidwhat.rhetoric import tagger
    _threads = threads
    tagger.load_tagger(threads)
    get_nlp()


def _tag(text: str) -> int:
    from saidwhat.rhetoric import tagger
    return len(tagger.load_tagger(_threads).tag(text))


def _parse(text: str) -> int:
    from saidwhat.nlp import get_nlp
    return len(get_nlp()(text))


def _analyze(item: tuple[int, str]) -> int:
    from saidwhat.model import Document
    from saidwhat.pipeline import Options, analyze, models_for
    return len(analyze(Document(id=str(item[0]), text=item[1]), Options(),
                       models_for(Options(), _threads)).techniques)


def _timed(fn, items, workers: int) -> tuple[float, int]:
    """Articles/s of ``fn`` over ``items`` (after a warm-up of each process), and the sum of
    its results; one process means this one, whose models ``main`` loaded once."""
    if workers <= 1:
        fn(items[0])
        t0 = time.perf_counter()
        total = sum(fn(x) for x in items)
        return len(items) / (time.perf_counter() - t0), total
    # spawn, not fork: this process already runs onnxruntime's thread pool, and a forked
    # child inherits its locks but not its threads
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"),
                             initializer=_init, initargs=(1,)) as pool:
        list(pool.map(fn, items[:workers]))  # load the models in every worker
        t0 = time.perf_counter()
        total = sum(pool.map(fn, items, chunksize=2))
        return len(items) / (time.perf_counter() - t0), total


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path,
                    default=Path(__file__).resolve().parents[2] / "shared/data/ptc-train")
    ap.add_argument("--n", type=int, default=100, help="number of articles (default 100)")
    ap.add_argument("--threads", type=int, default=2,
                    help="onnxruntime threads for the tagger in one process (default 2)")
    ap.add_argument("--workers", type=int, default=2,
                    help="worker processes, one thread each, for the second row (default 2)")
    ap.add_argument("--skip-analyze", action="store_true", help="time the tagger and parse only")
    args = ap.parse_args()
    os.environ.pop("SAIDWHAT_THREADS", None)

    from saidwhat.evaluation import ptc_corpus as ptc
    texts = list(ptc.read_articles(args.data / "train-articles").values())[:args.n]
    chars = sum(len(t) for t in texts)
    print(f"{len(texts)} PTC articles, {chars / len(texts):.0f} characters on average")

    _init(args.threads)  # this process's models, for the one-process rows
    for workers in (1, args.workers):
        label = (f"1 process, {args.threads} tagger threads" if workers == 1
                 else f"{workers} processes, 1 thread each")
        print(f"-- {label}")
        tag_rate, n_spans = _timed(_tag, texts, workers)
        print(f"tagger alone      {tag_rate:7.2f} articles/s   ({n_spans} technique spans)")
        parse_rate, _ = _timed(_parse, texts, workers)
        print(f"bare spaCy parse  {parse_rate:7.2f} articles/s   "
              f"(tagger/parse {tag_rate / parse_rate:.2f})")
        if not args.skip_analyze:
            rate, _ = _timed(_analyze, list(enumerate(texts)), workers)
            print(f"full analyze      {rate:7.2f} articles/s   (analyze/parse "
                  f"{rate / parse_rate:.2f})")


if __name__ == "__main__":
    main()
