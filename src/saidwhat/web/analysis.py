"""Running the analysis for the web server: in this process (one at a time) or in a pool of
worker processes (the pipeline is CPU-bound; processes use every core, threads would not)."""
from __future__ import annotations

import asyncio
import multiprocessing
import threading
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Optional

from starlette.concurrency import run_in_threadpool

from saidwhat.errors import SaidwhatError
from saidwhat.model import Analysis, Document
from saidwhat.pipeline import Options, analyze

_WARM_TEXT = "“Nothing happened,” the spokesman said on Monday."


def _warm() -> int:
    analyze(Document(id="warm", text=_WARM_TEXT, source="warm-up"), Options())
    return 0


class Analyzer:
    """``await analyzer.run(document, options)`` → Analysis.

    ``workers`` 0 analyses in the server process, one request at a time; N > 0 keeps N worker
    processes (spawned, so they share nothing with the server's threads). A worker that dies
    (the OOM killer's SIGKILL) breaks the whole pool: it is replaced by a fresh one and the
    requests it held are run once more there; one whose second run breaks it too gets the
    ``worker_died`` error (the article itself is the likely cause)."""

    def __init__(self, workers: int = 0) -> None:
        self.workers = max(0, int(workers))
        self._pool: Optional[ProcessPoolExecutor] = None
        self._lock = threading.Lock()
        self._pool_lock = threading.Lock()

    def _new_pool(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context("spawn"))

    def start(self, warm: bool = True) -> None:
        with self._pool_lock:
            if self.workers and self._pool is None:
                self._pool = self._new_pool()
            pool = self._pool
        if self.workers and warm:  # load the models in every worker before the first request
            for future in [pool.submit(_warm) for _ in range(self.workers)]:
                future.result()
        elif warm and not self.workers:
            _warm()

    def close(self) -> None:
        with self._pool_lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)

    def _current_pool(self) -> ProcessPoolExecutor:
        with self._pool_lock:
            if self._pool is None:
                self._pool = self._new_pool()
            return self._pool

    def _replace(self, broken: ProcessPoolExecutor) -> None:
        """A fresh pool in place of ``broken``, unless another request replaced it already."""
        with self._pool_lock:
            if self._pool is broken:
                self._pool = self._new_pool()
        broken.shutdown(wait=False, cancel_futures=True)

    def _local(self, document: Document, options: Options) -> Analysis:
        with self._lock:  # spaCy and the tagger are not meant for concurrent calls
            return analyze(document, options)

    async def run(self, document: Document, options: Options) -> Analysis:
        if not self.workers:
            return await run_in_threadpool(self._local, document, options)
        loop = asyncio.get_running_loop()
        for _ in range(2):
            pool = self._current_pool()
            try:
                return await loop.run_in_executor(pool, analyze, document, options)
            except BrokenProcessPool:
                self._replace(pool)
        raise SaidwhatError("worker_died")
