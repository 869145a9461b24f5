"""Speed of the store: ingest documents/s and statements/s with the analysis included (the real
``ingest`` path) and excluded (``Store.add`` of ready analyses), and p50/p95 latency of five
typical queries on a store of >= 200k statements, synthesised by repeating real analyses
(PolNeAR articles) under new content hashes, outlets and dates. SQLite always; PostgreSQL too
when a server URL is given (``--pg`` or ``$SAIDWHAT_TEST_PG_URL``; a scratch database is
created on it and dropped afterwards).

    python benchmarks/store_speed.py [--real 40] [--statements 200000] [--workers 2]
                                     [--pg postgresql://postgres@127.0.0.1:5432/postgres]
"""
from __future__ import annotations

import argparse
import copy
import datetime as dt
import os
import random
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
POLNEAR = ROOT.parent / "shared" / "data" / "polnear"


def real_documents(n: int):
    """The first ``n`` PolNeAR dev articles with their outlet and date (or the seed)."""
    from saidwhat.read import read_file
    from saidwhat.store.ingest import apply_metadata, load_metadata

    folder = POLNEAR / "dev" / "text"
    if not folder.exists():
        sys.exit(f"{folder} is not available")
    meta = load_metadata(POLNEAR / "metadata.tsv")
    docs = []
    for path in sorted(folder.glob("*.txt"))[:n]:
        doc = read_file(path)
        apply_metadata(doc, meta)
        docs.append(doc)
    return docs


def percentile(values: list[float], q: float) -> float:
    values = sorted(values)
    k = (len(values) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


def synthesise(analyses, target_statements: int, seed: int = 7):
    """Copies of the real analyses with a new text tail (new content hash), outlet and date,
    until ``target_statements`` statements; offsets stay valid (the tail is appended)."""
    rng = random.Random(seed)
    outlets = sorted({a.meta.get("outlet") or "unknown" for a in analyses}) + [
        f"outlet-{i:02d}" for i in range(12)]
    start = dt.date(2016, 1, 4)
    total, k = 0, 0
    while total < target_statements:
        base = analyses[k % len(analyses)]
        a = copy.copy(base)
        a.id = f"{base.id}-copy{k}"
        a.source = f"synthetic://{k}"
        a.text = base.text + f"\n[copy {k}]"
        a.meta = dict(base.meta, outlet=rng.choice(outlets),
                      published=(start + dt.timedelta(days=rng.randrange(364))).isoformat())
        total += len(a.statements)
        k += 1
        yield a


QUERIES = {
    "statements by speaker (Trump, 100 rows)": lambda s, o: s.statements(speaker="Trump",
                                                                          limit=100),
    "denials in one outlet and month": lambda s, o: s.statements(
        act="denial", outlet=o, since="2016-09-01", until="2016-09-30"),
    "full text 'email' (100 rows)": lambda s, o: s.statements(text="email", limit=100),
    "most quoted speakers (top 20)": lambda s, o: s.speakers(limit=20),
    "acts per outlet and week": lambda s, o: s.stats(by="outlet-week", of="acts"),
}


def bench_backend(name: str, url: str, docs, analyses, args) -> dict:
    from saidwhat.pipeline import Options
    from saidwhat.store import open_store
    from saidwhat.store.ingest import ingest

    out = {}
    # 1. analysis included: the real ingest path on the real documents
    with open_store(url) as store:
        t0 = time.perf_counter()
        summary = ingest(store, docs, workers=args.workers, options=Options(techniques=False))
        elapsed = time.perf_counter() - t0
        out["incl_docs"] = summary.stored / elapsed
        out["incl_statements"] = summary.statements / elapsed
        # 2. analysis excluded: ready analyses, as ingest stores them (Store.add_many, 64 per
        # transaction), and the first 300 one transaction each (Store.add)
        synthetic = synthesise(analyses, args.statements)
        t0 = time.perf_counter()
        n_docs = n_st = 0
        for _ in range(300):
            result = store.add(next(synthetic))
            n_docs += 1
            n_st += result.statements
        elapsed = time.perf_counter() - t0
        out["single_docs"], out["single_statements"] = n_docs / elapsed, n_st / elapsed
        t0 = time.perf_counter()
        n_docs = n_st = 0
        batch = []
        for a in synthetic:
            batch.append(a)
            if len(batch) == 64:
                results = store.add_many(batch)
                n_docs += len(batch)
                n_st += sum(r.statements for r in results)
                batch = []
        results = store.add_many(batch)
        n_docs += len(batch)
        n_st += sum(r.statements for r in results)
        elapsed = time.perf_counter() - t0
        out["excl_docs"] = n_docs / elapsed
        out["excl_statements"] = n_st / elapsed
        counts = store.counts()
        out["statements"] = counts["statements"]
        out["documents"] = counts["documents"]
        out["speakers"] = counts["speakers"]
        # 3. queries
        outlet = docs[0].outlet or "breitbart"
        for label, query in QUERIES.items():
            query(store, outlet)  # warm
            times = []
            rows = 0
            for _ in range(args.repeat):
                t0 = time.perf_counter()
                rows = len(query(store, outlet))
                times.append((time.perf_counter() - t0) * 1000)
            out[label] = (percentile(times, 0.5), percentile(times, 0.95), rows)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--real", type=int, default=40, help="real articles analysed (default 40)")
    ap.add_argument("--statements", type=int, default=200_000,
                    help="statements in the synthesised store (default 200000)")
    ap.add_argument("--workers", type=int, default=2, help="analysis processes (default 2)")
    ap.add_argument("--repeat", type=int, default=20, help="runs of each query (default 20)")
    ap.add_argument("--pg", default=os.environ.get("SAIDWHAT_TEST_PG_URL"),
                    help="PostgreSQL server URL (a scratch database is made on it)")
    ap.add_argument("--sqlite", default=None, help="SQLite file (default: a temporary one)")
    ap.add_argument("--no-sqlite", action="store_true", help="PostgreSQL only")
    args = ap.parse_args()

    from saidwhat.pipeline import Options, analyze

    docs = real_documents(args.real)
    analyze(docs[0], Options(techniques=False))  # load the models outside the timing
    t0 = time.perf_counter()
    analyses = [analyze(d, Options(techniques=False)) for d in docs]
    analysis_s = time.perf_counter() - t0
    per_doc = sum(len(a.statements) for a in analyses) / len(analyses)
    print(f"{len(docs)} real PolNeAR articles, {per_doc:.1f} statements each; analysis alone "
          f"(1 process, models warm after the first): {len(docs) / analysis_s:.2f} articles/s")

    backends = []
    tmp = tempfile.TemporaryDirectory()
    if not args.no_sqlite:
        backends.append(("SQLite", args.sqlite or str(Path(tmp.name) / "bench.db"), None))
    if args.pg:
        import psycopg

        admin = args.pg.replace("postgresql+psycopg://", "postgresql://")
        dbname = f"saidwhat_bench_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{dbname}"')

        def drop(admin=admin, dbname=dbname):
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')

        backends.append(("PostgreSQL", admin.rsplit("/", 1)[0] + "/" + dbname, drop))
    else:
        print("(no PostgreSQL URL: --pg or $SAIDWHAT_TEST_PG_URL; SQLite only)")

    for name, url, drop in backends:
        try:
            r = bench_backend(name, url, docs, analyses, args)
        finally:
            if drop:
                drop()
        print(f"\n{name}: {r['documents']} documents, {r['statements']} statements, "
              f"{r['speakers']} speakers")
        print(f"  ingest, analysis included ({args.workers} workers): "
              f"{r['incl_docs']:8.2f} documents/s {r['incl_statements']:9.1f} statements/s")
        print(f"  ingest, analysis excluded (add_many, 64): "
              f"{r['excl_docs']:8.1f} documents/s {r['excl_statements']:9.0f} statements/s")
        print(f"  ingest, analysis excluded (add, 1 by 1):  "
              f"{r['single_docs']:8.1f} documents/s {r['single_statements']:9.0f} statements/s")
        print(f"  query latency over {args.repeat} runs:       p50 ms   p95 ms   rows")
        for label in QUERIES:
            p50, p95, rows = r[label]
            print(f"    {label:<40} {p50:8.1f} {p95:8.1f} {rows:6d}")
    tmp.cleanup()


if __name__ == "__main__":
    main()
