"""Running the analysis for the web server: in this process (one at a time) or in pools of
worker processes (the pipeline is CPU-bound; processes use every core, threads would not).

Two lanes, so that long texts are analysed without blocking short ones: a document of more
than ``long_chars`` characters (default 50,000: ten times a typical article, ten seconds and
more of analysis, a megabyte of text takes minutes and gigabytes) goes to a lane of its own,
``long_workers`` processes (default 1) at a lower CPU priority (nice +5) that start afresh for
each long document (its memory goes back to the system when it is done); the others go to the
``workers`` processes. Long documents wait for each other, never for short ones, and short
ones get the CPU first."""
from __future__ import annotations

import asyncio
import multiprocessing
import os
import threading
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Optional

from starlette.concurrency import run_in_threadpool

from saidwhat.errors import SaidwhatError
from saidwhat.model import Analysis, Document
from saidwhat.pipeline import Options, analyze
from saidwhat.workers import die_with_parent

# Characters over which a document goes to the long lane, and that lane's niceness.
LONG_CHARS = 50_000
LONG_NICE = 5

_WARM_TEXT = "“Nothing happened,” the spokesman said on Monday."


def _warm() -> int:
    analyze(Document(id="warm", text=_WARM_TEXT, source="warm-up"), Options())
    return 0


def _long_worker(parent: int) -> None:
    die_with_parent(parent)
    try:
        os.nice(LONG_NICE)  # short documents get the CPU first
    except (OSError, AttributeError):
        pass


class _Lane:
    """One pool of worker processes, replaced whole when a worker dies."""

    def __init__(self, workers: int, *, long: bool = False) -> None:
        self.workers = workers
        self.long = long
        self.pool: Optional[ProcessPoolExecutor] = None
        self.lock = threading.Lock()

    def _new(self) -> ProcessPoolExecutor:
        # The workers end when the server is gone, even killed with SIGKILL (a watchdog:
        # they are started from whichever thread submits first, see saidwhat.workers).
        spawn = multiprocessing.get_context("spawn")
        if self.long:  # a fresh process for each long document: its memory is freed after
            return ProcessPoolExecutor(self.workers, mp_context=spawn, initializer=_long_worker,
                                       initargs=(os.getpid(),), max_tasks_per_child=1)
        return ProcessPoolExecutor(self.workers, mp_context=spawn,
                                   initializer=die_with_parent, initargs=(os.getpid(),))

    def current(self) -> ProcessPoolExecutor:
        with self.lock:
            if self.pool is None:
                self.pool = self._new()
            return self.pool

    def replace(self, broken: ProcessPoolExecutor) -> None:
        """A fresh pool in place of ``broken``, unless another request replaced it already."""
        with self.lock:
            if self.pool is broken:
                self.pool = self._new()
        broken.shutdown(wait=False, cancel_futures=True)

    def close(self) -> None:
        with self.lock:
            pool, self.pool = self.pool, None
        if pool is None:
            return
        if self.long:  # a long analysis may have minutes to go: the server does not wait
            try:
                processes = list((pool._processes or {}).values())
            except RuntimeError:  # the dict changed while it was copied
                processes = []
            for process in processes:
                process.kill()
        pool.shutdown(wait=True, cancel_futures=True)


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
        self._short = _Lane(self.workers)
        self._long = _Lane(int(long_workers), long=True) \
            if self.workers and long_workers > 0 else None
        self._lock = threading.Lock()

    @property
    def _pool(self) -> Optional[ProcessPoolExecutor]:
        """The short lane's pool (None before it starts)."""
        return self._short.pool

    def start(self, warm: bool = True) -> None:
        """Start the short lane (and load the models in every worker, with ``warm``); the
        long lane starts with its first document."""
        if self.workers:
            pool = self._short.current()
            if warm:
                for future in [pool.submit(_warm) for _ in range(self.workers)]:
                    future.result()
        elif warm:
            _warm()

    def close(self) -> None:
        self._short.close()
        if self._long is not None:
            self._long.close()

    def _current_pool(self) -> ProcessPoolExecutor:
        return self._short.current()

    def lane(self, document: Document) -> Optional[_Lane]:
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
