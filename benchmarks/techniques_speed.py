"""Speed of the technique tagger alone, of full ``analyze`` and of a bare spaCy parse, on the
same PTC articles in one run (articles per second).

    python benchmarks/techniques_speed.py [--n 100] [--threads 2] [--data ../shared/data/ptc-train]
"""
from __future__ import annotations

import argparse
import time
from pathlib import Path


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path,
                    default=Path(__file__).resolve().parents[2] / "shared/data/ptc-train")
    ap.add_argument("--n", type=int, default=100, help="number of articles (default 100)")
    ap.add_argument("--threads", type=int, default=2,
                    help="onnxruntime threads for the tagger (default 2, the machine's cores)")
    ap.add_argument("--skip-analyze", action="store_true", help="time the tagger alone")
    args = ap.parse_args()

    from saidwhat.rhetoric import ptc, tagger
    texts = list(ptc.read_articles(args.data / "train-articles").values())[:args.n]
    chars = sum(len(t) for t in texts)
    print(f"{len(texts)} PTC articles, {chars / len(texts):.0f} characters on average; "
          f"tagger threads: {args.threads}")

    tagger.configure(threads=args.threads)
    tg = tagger.load_tagger()
    tg.tag(texts[0])  # warm up
    t0 = time.perf_counter()
    n_spans = sum(len(tg.tag(t)) for t in texts)
    dt = time.perf_counter() - t0
    print(f"tagger alone      {len(texts) / dt:7.2f} articles/s   ({n_spans} technique spans)")

    from saidwhat.nlp import get_nlp
    nlp = get_nlp()
    nlp(texts[0])
    t0 = time.perf_counter()
    for t in texts:
        nlp(t)
    dt = time.perf_counter() - t0
    print(f"bare spaCy parse  {len(texts) / dt:7.2f} articles/s")

    if not args.skip_analyze:
        from saidwhat.model import Document
        from saidwhat.pipeline import analyze
        analyze(Document(id="warm", text=texts[0]))
        t0 = time.perf_counter()
        for i, t in enumerate(texts):
            a = analyze(Document(id=str(i), text=t))
        dt = time.perf_counter() - t0
        print(f"full analyze      {len(texts) / dt:7.2f} articles/s   (techniques: "
              f"{a.meta.get('techniques', 'on')})")


if __name__ == "__main__":
    main()
