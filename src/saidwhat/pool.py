"""The one pool of analysis processes, used by ``saidwhat analyze``, ``ingest`` and ``serve``.

* **Spawned, not forked**: a caller that already ran the technique tagger holds onnxruntime's
  thread pool, whose locks a forked child would inherit without the threads (a hang); a
  script that uses a pool needs the usual ``if __name__ == "__main__":`` guard.
* **Each worker** ends with the process that started the pool, even one killed with SIGKILL
  (``saidwhat.workers``), gives the technique tagger its share of the cores (onnxruntime's
  default is every core in every process: N workers would run N x cores threads), may run at
  a lower CPU priority, and loads spaCy before its first task.
* **Ordered and bounded** (``analyses``): documents go to the workers in batches (as
  ``pipeline.analyze_batch`` parses them together: ``BATCH_CHARS``, ``BATCH_DOCS``), at most
  ``window`` batches in flight, so memory stays flat on any corpus; results come back in input
  order, so the same inputs give the same speaker identities in the store.
* **A worker that dies** (the OOM killer's SIGKILL) breaks its pool: a fresh pool replaces it,
  the documents of every batch it held run again there one at a time, and a document whose run
  alone breaks a pool again fails with ``worker_died``; the others go on.
* **One place** turns what could not be analysed into an ``Analysis`` with its error
  (``failed_analysis``).
"""
from __future__ import annotations

import multiprocessing
import os
import threading
from collections import deque
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Callable, Iterable, Iterator, Optional, TypeVar

from saidwhat import settings
from saidwhat.errors import SaidwhatError
from saidwhat.model import Analysis, Document, DocumentError
from saidwhat.pipeline import (BATCH_CHARS, BATCH_DOCS, Options, analyze, analyze_batch,
                               models_for)

T = TypeVar("T")

WARM_TEXT = "“Nothing happened,” the spokesman said on Monday."


def default_workers() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity")
               else os.cpu_count() or 1)


def failed_analysis(item, error: SaidwhatError) -> Analysis:
    """The analysis of a Document or a read failure that could not be analysed."""
    return Analysis(id=item.id, source=item.source, text=getattr(item, "text", "") or "",
                    errors=[DocumentError(error.code, str(error))])


def warm_up() -> int:
    """Load every model (spaCy, the scorer, the CRFs, the tagger) with one short analysis."""
    analyze(Document(id="warm", text=WARM_TEXT, source="warm-up"), Options())
    return 0


def _start_worker(parent: int, kernel: bool, nice: int) -> None:
    from saidwhat.nlp import get_nlp
    from saidwhat.workers import die_with_parent

    die_with_parent(parent, kernel=kernel)
    if nice:
        try:
            os.nice(nice)
        except (OSError, AttributeError):
            pass
    get_nlp()


def _analyze_in_worker(docs: list[Document], options: Options,
                       tagger_threads: Optional[int]) -> list[Analysis]:
    return analyze_batch(docs, options, models_for(options, tagger_threads))


class AnalysisPool:
    """``workers`` spawned processes that run ``pipeline.analyze_batch``; replaced whole when a
    worker dies. ``nice`` lowers the workers' CPU priority; ``one_task_per_process`` starts a
    fresh process for each task (its memory goes back to the system after it)."""

    def __init__(self, workers: int, *, nice: int = 0, one_task_per_process: bool = False):
        self.workers = max(1, int(workers))
        self.nice = nice
        self.one_task_per_process = one_task_per_process
        # The encoder scales poorly past one thread (on 2 cores: 1 thread 5.4 articles/s,
        # 2 threads 6.3; two 1-thread processes about 2 x 5.4): each worker gets its share
        # of the cores. SAIDWHAT_THREADS wins (None: the tagger reads it).
        self.tagger_threads: Optional[int] = (
            max(1, default_workers() // self.workers) if settings.tagger_threads() is None
            else None)
        self._executor: Optional[ProcessPoolExecutor] = None
        self._lock = threading.Lock()

    def _new(self) -> ProcessPoolExecutor:
        from saidwhat.workers import started_by_main_thread

        # the kernel's parent-death signal follows the thread that starts a worker: only
        # safe when that is the main thread (saidwhat.workers)
        initargs = (os.getpid(), started_by_main_thread(), self.nice)
        return ProcessPoolExecutor(
            self.workers, mp_context=multiprocessing.get_context("spawn"),
            initializer=_start_worker, initargs=initargs,
            max_tasks_per_child=1 if self.one_task_per_process else None)

    @property
    def executor(self) -> Optional[ProcessPoolExecutor]:
        """The processes now (None before the first task)."""
        return self._executor

    def current(self) -> ProcessPoolExecutor:
        with self._lock:
            if self._executor is None:
                self._executor = self._new()
            return self._executor

    def replace(self, broken: ProcessPoolExecutor) -> None:
        """A fresh pool in place of ``broken``, unless another caller replaced it already."""
        with self._lock:
            if self._executor is broken:
                self._executor = self._new()
        broken.shutdown(wait=False, cancel_futures=True)

    def warm(self) -> None:
        """Every worker started, with every model loaded."""
        executor = self.current()
        for future in [executor.submit(warm_up) for _ in range(self.workers)]:
            future.result()

    def close(self, *, kill: bool = False) -> None:
        """Stop the workers; ``kill`` ends those still analysing at once."""
        with self._lock:
            executor, self._executor = self._executor, None
        if executor is None:
            return
        if kill:
            try:
                processes = list((executor._processes or {}).values())
            except RuntimeError:  # the dict changed while it was copied
                processes = []
            for process in processes:
                process.kill()
        executor.shutdown(wait=True, cancel_futures=True)

    def __enter__(self) -> "AnalysisPool":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def submit(self, docs: list[Document], options: Options) -> tuple[ProcessPoolExecutor, Future]:
        executor = self.current()
        return executor, executor.submit(_analyze_in_worker, docs, options, self.tagger_threads)

    def alone(self, doc: Document, options: Options) -> Analysis:
        """``doc`` analysed by itself; ``worker_died`` when that breaks a pool too."""
        executor, future = self.submit([doc], options)
        try:
            return future.result()[0]
        except BrokenProcessPool:
            self.replace(executor)
            return failed_analysis(doc, SaidwhatError("worker_died"))

    def analyses(self, tasks: Iterable[T], document_of: Callable[[T], Optional[Document]],
                 options: Options, *, window: Optional[int] = None,
                 batch_docs: int = BATCH_DOCS) -> Iterator[tuple[T, Optional[Analysis]]]:
        """(task, its document's Analysis) per task, in input order; a task whose
        ``document_of`` is None passes through with None. ``batch_docs`` 1 sends each
        document as soon as it comes (documents fetched one by one over the network)."""
        window = window or 2 * self.workers
        pending: deque = deque()  # (tasks, docs, executor, future or None)

        def take():
            batch, docs, executor, future = pending.popleft()
            if future is None:
                return batch, []
            try:
                return batch, future.result()
            except BrokenProcessPool:
                self.replace(executor)
                return batch, [self.alone(doc, options) for doc in docs]

        for batch in batches(tasks, document_of, batch_docs):
            docs = [d for d in map(document_of, batch) if d is not None]
            pending.append((batch, docs, *self.submit(docs, options)) if docs
                           else (batch, docs, None, None))
            while len(pending) >= window:
                yield from _matched(*take(), document_of)
        while pending:
            yield from _matched(*take(), document_of)


def _matched(batch, results, document_of):
    found = iter(results)
    for task in batch:
        yield task, (next(found) if document_of(task) is not None else None)


def batches(tasks: Iterable[T], document_of: Callable[[T], Optional[Document]] = lambda t: t,
            max_docs: Optional[int] = None) -> Iterator[list[T]]:
    """Consecutive tasks, their documents at most ``BATCH_CHARS`` of text (and ``max_docs``,
    default ``BATCH_DOCS``, tasks) a batch."""
    max_docs = max_docs or BATCH_DOCS
    batch: list = []
    size = 0
    for task in tasks:
        doc = document_of(task)
        length = len(doc.text or "") if doc is not None else 0
        if batch and (size + length > BATCH_CHARS or len(batch) >= max_docs):
            yield batch
            batch, size = [], 0
        batch.append(task)
        size += length
    if batch:
        yield batch


def ordered_analyses(tasks: Iterable[T], document_of: Callable[[T], Optional[Document]], *,
                     workers: int = 1, options: Options = Options(),
                     batch_docs: int = BATCH_DOCS) -> Iterator[tuple[T, Optional[Analysis]]]:
    """``AnalysisPool.analyses`` with ``workers`` processes, or in this process for 1."""
    if workers <= 1:
        for batch in batches(tasks, document_of, batch_docs):
            docs = [d for d in map(document_of, batch) if d is not None]
            yield from _matched(batch, analyze_batch(docs, options) if docs else [], document_of)
        return
    with AnalysisPool(workers) as pool:
        yield from pool.analyses(tasks, document_of, options, batch_docs=batch_docs)


def _document(item) -> Optional[Document]:
    return item if isinstance(item, Document) else None


def analyze_many(items: Iterable, *, workers: int = 1, options: Options = Options(),
                 progress: bool = False, total: Optional[int] = None) -> Iterator[Analysis]:
    """Analyses in input order; ``items`` are Documents or read failures (``saidwhat.read``)."""
    bar = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(total=total, unit="doc", desc="analyze", dynamic_ncols=True)
    try:
        for item, analysis in ordered_analyses(items, _document, workers=workers,
                                               options=options):
            if bar:
                bar.update(1)
            yield analysis if analysis is not None else failed_analysis(item, item.error)
    finally:
        if bar:
            bar.close()
