"""Running the analysis for the web server: in this process (one at a time) or in the
analysis pool's worker processes (``saidwhat.pool``; the pipeline is CPU-bound: processes use
every core, threads would not).

Two lanes, so that long texts are analysed without blocking short ones: a document of more
than ``long_chars`` characters (default 50,000: ten times a typical article, ten seconds and
more of analysis, a megabyte of text takes minutes and gigabytes) goes to a lane of its own,
``long_workers`` processes (default 1) at a lower CPU priority (nice +5) that start afresh for
each long document (its memory goes back to the system when it is done); the others go to the
``workers`` processes. Long documents wait for each other, never for short ones, and short
ones get the CPU first."""
from __future__ import annotations

import asyncio
import threading
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Optional

from starlette.concurrency import run_in_threadpool

from saidwhat.errors import SaidwhatError
from saidwhat.model import Analysis, Document
from saidwhat.pipeline import Options, analyze
from saidwhat.pool import AnalysisPool, warm_up

# Characters over which a document goes to the long lane, and that lane's niceness.
LONG_CHARS = 50_000
LONG_NICE = 5


class Analyzer:
    """``await analyzer.run(document, options)`` → Analysis.

    ``workers`` 0 analyses in the server process, one request at a time (long documents
    too); N > 0 keeps N worker processes (spawned, so they share nothing with the server's
    threads) for documents up to ``long_chars`` characters, and ``long_workers`` more for
    longer ones (see the module's docstring; 0: no lane of their own). A worker that dies
    (the OOM killer's SIGKILL) breaks its whole pool: it is replaced by a fresh one and the
    requests it held are run once more there; one whose second run breaks it too gets the
    ``worker_died`` error (the article itself is the likely cause)."""

    def __init__(self, workers: int = 0, *, long_chars: int = LONG_CHARS,
                 long_workers: int = 1) -> None:
        self.workers = max(0, int(workers))
        self.long_chars = max(0, int(long_chars))
        self._short = AnalysisPool(self.workers) if self.workers else None
        # a fresh process for each long document: its memory is freed after
        self._long = AnalysisPool(int(long_workers), nice=LONG_NICE, one_task_per_process=True) \
            if self.workers and long_workers > 0 else None
        self._lock = threading.Lock()

    @property
    def _pool(self) -> Optional[ProcessPoolExecutor]:
        """The short lane's processes (None before they start)."""
        return self._short.executor if self._short is not None else None

    def start(self, warm: bool = True) -> None:
        """Start the short lane (and load the models in every worker, with ``warm``); the
        long lane starts with its first document."""
        if self._short is not None:
            if warm:
                self._short.warm()
            else:
                self._short.current()
        elif warm:
            warm_up()

    def close(self) -> None:
        if self._short is not None:
            self._short.close()
        if self._long is not None:  # a long analysis may have minutes to go: no waiting
            self._long.close(kill=True)

    def _current_pool(self) -> ProcessPoolExecutor:
        return self._short.current()

    def lane(self, document: Document) -> Optional[AnalysisPool]:
        """The lane ``document`` goes to (None: this process)."""
        if not self.workers:
            return None
        if self._long is not None and len(document.text) > self.long_chars:
            return self._long
        return self._short

    def _local(self, document: Document, options: Options) -> Analysis:
        with self._lock:  # spaCy and the tagger are not meant for concurrent calls
            return analyze(document, options)

    async def run(self, document: Document, options: Options) -> Analysis:
        lane = self.lane(document)
        if lane is None:
            return await run_in_threadpool(self._local, document, options)
        loop = asyncio.get_running_loop()
        for _ in range(2):
            pool = lane.current()
            try:
                return await loop.run_in_executor(pool, analyze, document, options)
            except BrokenProcessPool:
                lane.replace(pool)
        raise SaidwhatError("worker_died")
