"""The one analysis pool (saidwhat.pool) that analyze, ingest and serve use: results in input
order and equal to this process' own, read failures passed through, and a worker killed as
the OOM killer would (SIGKILL) costs no document but the one that kills it again alone."""
from __future__ import annotations

import json
import threading
import time

from saidwhat.errors import SaidwhatError
from saidwhat.model import Document
from saidwhat.pipeline import Options
from saidwhat.pool import AnalysisPool, analyze_many
from saidwhat.read import ReadFailure

from conftest import POLNEAR, kill_process, need, pool_pids

OPTIONS = Options(techniques=False)


def polnear_docs(n: int) -> list[Document]:
    files = sorted(need(POLNEAR / "dev" / "text").glob("*.txt"))[:n]
    return [Document(id=f.name, text=f.read_text(encoding="utf-8"), source=str(f)) for f in files]


def as_json(analysis) -> str:
    return json.dumps(analysis.to_dict(), sort_keys=True)


def pids(analysis_pool: AnalysisPool) -> list[int]:
    return pool_pids(analysis_pool.executor)


def test_two_workers_give_what_one_process_gives_in_input_order():
    docs = polnear_docs(10)
    items: list = list(docs)
    items.insert(3, ReadFailure(id="bad", source="bad.bin",
                                error=SaidwhatError("binary", reason="NUL bytes")))
    alone = [as_json(a) for a in analyze_many(items, options=OPTIONS)]
    pooled = [as_json(a) for a in analyze_many(items, workers=2, options=OPTIONS)]
    assert pooled == alone
    assert json.loads(pooled[3])["errors"][0]["code"] == "binary"
    assert [json.loads(a)["id"] for a in pooled] == [getattr(i, "id") for i in items]


def test_a_killed_worker_costs_no_document():
    docs = polnear_docs(12)
    expected = [as_json(a) for a in analyze_many(docs, options=OPTIONS)]
    with AnalysisPool(2) as analysis_pool:
        # many small batches, few in flight
        results = analysis_pool.analyses(docs, lambda d: d, OPTIONS, window=2, batch_docs=2)
        got = [next(results)]
        first = analysis_pool.executor
        for pid in pids(analysis_pool):
            kill_process(pid)
        got += list(results)
        assert analysis_pool.executor is not first  # the broken pool was replaced
    assert [as_json(a) for _, a in got] == expected


def test_a_document_whose_workers_keep_dying_fails_with_worker_died_and_the_run_ends():
    docs = polnear_docs(3)
    with AnalysisPool(1) as analysis_pool:
        stop = threading.Event()

        def killer():  # every worker of every pool, for as long as the run goes on
            while not stop.is_set():
                for pid in pids(analysis_pool):
                    kill_process(pid)
                time.sleep(0.02)

        thread = threading.Thread(target=killer, daemon=True)
        thread.start()
        try:
            results = list(analysis_pool.analyses(docs, lambda d: d, OPTIONS))
        finally:
            stop.set()
            thread.join()
        assert [d.id for d, _ in results] == [d.id for d in docs]
        assert all(a.errors and a.errors[0].code == "worker_died" for _, a in results)
        assert "stopped abruptly" in results[0][1].errors[0].message
        # and the pool works again once nothing kills its workers
        (_, analysis), = analysis_pool.analyses(docs[:1], lambda d: d, OPTIONS)
        assert not analysis.errors and analysis.statements
