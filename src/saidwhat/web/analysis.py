"""Running the analysis for the web server: in this process (one at a time) or in a pool of
worker processes (the pipeline is CPU-bound; processes use every core, threads would not)."""
from __future__ import annotations

import asyncio
import multiprocessing
import threading
from concurrent.futures import ProcessPoolExecutor
from typing import Optional

from starlette.concurrency import run_in_threadpool

from saidwhat.model import Analysis, Document
from saidwhat.pipeline import Options, analyze

_WARM_TEXT = "“Nothing happened,” the spokesman said on Monday."


def _warm() -> int:
    analyze(Document(id="warm", text=_WARM_TEXT, source="warm-up"), Options())
    return 0


class Analyzer:
    """``await analyzer.run(document, options)`` → Analysis.

    ``workers`` 0 analyses in the server process, one request at a time; N > 0 keeps N worker
    processes (spawned, so they share nothing with the server's threads)."""

    def __init__(self, workers: int = 0) -> None:
        self.workers = max(0, int(workers))
        self._pool: Optional[ProcessPoolExecutor] = None
        self._lock = threading.Lock()

    def start(self, warm: bool = True) -> None:
        if self.workers and self._pool is None:
            self._pool = ProcessPoolExecutor(self.workers,
                                             mp_context=multiprocessing.get_context("spawn"))
            if warm:  # load the models in every worker before the first request
                for future in [self._pool.submit(_warm) for _ in range(self.workers)]:
                    future.result()
        elif warm and not self.workers:
            _warm()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def _local(self, document: Document, options: Options) -> Analysis:
        with self._lock:  # spaCy and the tagger are not meant for concurrent calls
            return analyze(document, options)

    async def run(self, document: Document, options: Options) -> Analysis:
        if self.workers:
            if self._pool is None:
                self.start(warm=False)
            loop = asyncio.get_running_loop()
            return await loop.run_in_executor(self._pool, analyze, document, options)
        return await run_in_threadpool(self._local, document, options)
