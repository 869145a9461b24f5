"""Is ingest as fast as analysis? articles/s of ``analyze_many(workers=N)`` and of ``ingest
--workers N`` into a fresh SQLite store, on the same PolNeAR train articles with the technique
tagger, in one process, alternating (analyze, ingest, analyze, ingest, ...) so that a busy
machine slows both alike; the best round of each, and their ratio (goal >= 0.9: the store
costs little beside the analysis, which both run through the same pool, ``saidwhat.pool``).

    .venv/bin/python benchmarks/ingest_speed.py [--articles 200] [--workers 2] [--rounds 2]
                                                [--no-techniques]
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

POLNEAR = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "polnear"


def documents(n: int):
    from saidwhat.read import read_file

    files = sorted((POLNEAR / "train" / "text").glob("*.txt"))[:n]
    if len(files) < n:
        sys.exit(f"only {len(files)} PolNeAR train articles under {POLNEAR}")
    return [read_file(path) for path in files]


def time_analyze(docs, workers: int, options) -> float:
    from saidwhat.pool import analyze_many

    started = time.perf_counter()
    failed = sum(bool(a.errors) for a in analyze_many(docs, workers=workers, options=options))
    if failed:
        sys.exit(f"{failed} documents failed to analyse")
    return time.perf_counter() - started


def time_ingest(docs, workers: int, options, folder: Path, k: int) -> float:
    from saidwhat.store import open_store
    from saidwhat.store.ingest import ingest

    with open_store(f"sqlite:///{folder / f'ingest-{k}.db'}") as store:
        started = time.perf_counter()
        summary = ingest(store, docs, workers=workers, options=options)
        seconds = time.perf_counter() - started
    if summary.stored != len(docs):
        sys.exit(f"ingest stored {summary.stored} of {len(docs)}: {summary.line()}")
    return seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=200)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--no-techniques", action="store_true")
    args = parser.parse_args()
    from saidwhat.pipeline import Options

    options = Options(techniques=not args.no_techniques)
    docs = documents(args.articles)
    chars = sum(len(d.text) for d in docs)
    print(f"{len(docs)} PolNeAR train articles ({chars:,} characters), workers {args.workers}, "
          f"techniques {'off' if args.no_techniques else 'on'}, {args.rounds} rounds")
    analyze_s, ingest_s = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for k in range(args.rounds):
            analyze_s.append(time_analyze(docs, args.workers, options))
            ingest_s.append(time_ingest(docs, args.workers, options, Path(tmp), k))
            print(f"round {k + 1}: analyze_many {len(docs) / analyze_s[-1]:.2f} articles/s, "
                  f"ingest {len(docs) / ingest_s[-1]:.2f} articles/s", flush=True)
    best_analyze, best_ingest = len(docs) / min(analyze_s), len(docs) / min(ingest_s)
    print(f"analyze_many(workers={args.workers}): {best_analyze:.2f} articles/s (best round)")
    print(f"ingest --workers {args.workers} into SQLite: {best_ingest:.2f} articles/s (best round)")
    print(f"ingest / analyze_many = {best_ingest / best_analyze:.2f} (goal >= 0.9)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
