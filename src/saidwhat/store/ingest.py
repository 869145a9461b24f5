"""Ingest: read, analyse in parallel, store; idempotent and resumable.

* A document whose content hash is in the store already is skipped before it is analysed
  (its source, when another, is remembered in ``duplicate_sources``, so that a watch does not
  fetch it again), so running the same command again after an interruption (Ctrl-C or ``kill -9``) analyses
  only what is missing. Analyses are committed in small batches (at most 64 documents or
  one second of work), each one transaction: stored whole or not at all.
* Analyses run in the analysis pool (``saidwhat.pool``: batches, a bounded window, so memory
  stays flat on any corpus) and come back in input order, so the same inputs give the same
  speaker identities.
* A document that cannot be read or analysed goes to the ``errors`` table with its source;
  the batch goes on. A worker process that dies is replaced; only a document that kills one
  again when analysed alone fails (``worker_died``), and the workers end when the ingest
  itself is killed, even with SIGKILL (``saidwhat.workers``).
"""
from __future__ import annotations

import csv
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator, Optional

from saidwhat.errors import SaidwhatError
from saidwhat.model import Analysis, Document
from saidwhat.pipeline import BATCH_DOCS, Options
from saidwhat.pool import ordered_analyses
from saidwhat.store.db import Store, content_hash


@dataclass
class IngestSummary:
    stored: int = 0
    skipped: int = 0
    failed: int = 0
    statements: int = 0
    new_speakers: int = 0
    speakers: int = 0  # in the store at the end
    documents: int = 0  # in the store at the end
    seconds: float = 0.0
    interrupted: bool = False
    failures: list[tuple[str, str, str]] = field(default_factory=list)  # source, code, message

    @property
    def seen(self) -> int:
        return self.stored + self.skipped + self.failed

    def line(self) -> str:
        rate = self.seen / self.seconds if self.seconds > 0 else 0.0
        return (f"stored {self.stored}, skipped {self.skipped} (already stored), "
                f"failed {self.failed}; {self.statements} statements and "
                f"{self.new_speakers} new speakers added; the store holds {self.documents} "
                f"documents and {self.speakers} speakers ({self.seconds:.1f} s, "
                f"{rate:.2f} articles/s)")


# -- metadata files -----------------------------------------------------------------------------

_KEY_COLUMNS = ("filename", "file", "name", "path", "id", "doc_id", "source", "url")
_FIELDS = {
    "outlet": ("outlet", "publisher", "site", "sitename", "source_name", "publication"),
    "published": ("published", "publication_date", "date", "pubdate", "published_at"),
    "title": ("title", "headline"),
    "url": ("url", "link"),
}


def load_metadata(path: str | Path) -> dict[str, dict[str, str]]:
    """Outlet, date, title and URL per document from a CSV or TSV file with a header.

    The key column is the first of filename, file, name, path, id, doc_id, source, url that
    the file has; a row matches a document by that value, by file name or by file stem. Value
    columns are recognised by name (outlet/publisher/site, published/publication_date/date,
    title/headline, url/link)."""
    path = Path(path)
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            sample = handle.read(65536)
            handle.seek(0)
            delimiter = "\t" if sample.count("\t") > sample.count(",") else ","
            reader = csv.DictReader(handle, delimiter=delimiter)
            fields = {(f or "").strip().lower(): f for f in reader.fieldnames or []}
            key_column = next((fields[k] for k in _KEY_COLUMNS if k in fields), None)
            if key_column is None:
                raise SaidwhatError("bad_metadata", path=str(path), reason=(
                    "no key column (one of " + ", ".join(_KEY_COLUMNS) + ")"))
            columns = {name: next((fields[c] for c in options if c in fields), None)
                       for name, options in _FIELDS.items()}
            table: dict[str, dict[str, str]] = {}
            for row in reader:
                key = (row.get(key_column) or "").strip()
                if not key:
                    continue
                values = {name: row[col].strip() for name, col in columns.items()
                          if col and row.get(col) and row[col].strip() not in ("", "None")}
                for k in {key, Path(key).name, Path(key).stem}:
                    table[k] = values
            return table
    except SaidwhatError:
        raise
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise SaidwhatError("bad_metadata", path=str(path), reason=exc) from None


def apply_metadata(doc: Document, metadata: dict[str, dict[str, str]]) -> None:
    if not metadata:
        return
    source = Path(doc.source) if doc.source else None
    for key in (doc.id, doc.url, doc.source, source.name if source else None,
                source.stem if source else None):
        if key and key in metadata:
            for name, value in metadata[key].items():
                setattr(doc, name, value)
            return


def _document_of(task: tuple) -> Optional[Document]:
    return task[1] if task[0] == "analyze" else None


# -- ingest -------------------------------------------------------------------------------------

def ingest(store: Store, items: Iterable, *, workers: int = 1, options: Options = Options(),
           metadata: Optional[dict] = None, progress: bool = False,
           total: Optional[int] = None,
           report: Optional[Callable[[str, str, str], None]] = None,
           batch_size: int = 64, batch_seconds: float = 1.0,
           batch_docs: int = BATCH_DOCS) -> IngestSummary:
    """Store every item (Documents and ReadFailures from ``saidwhat.read``); returns counts.

    Analyses are committed in batches of up to ``batch_size`` documents, and at least every
    ``batch_seconds``: an interruption loses at most that much analysis, never half a batch.
    ``report(source, code, message)`` is called for each failed document. Documents are
    analysed ``batch_docs`` at a time (``saidwhat.pool``); 1 for items fetched one by one,
    so that each is stored as soon as it is analysed."""
    from saidwhat.read import ReadFailure

    summary = IngestSummary()
    started = time.monotonic()
    known = store.known_hashes()

    def tasks():
        for item in items:
            if isinstance(item, ReadFailure):
                yield ("failed", item)
                continue
            apply_metadata(item, metadata or {})
            digest = content_hash(item.text)
            if digest in known:
                yield ("skip", item, digest)
                continue
            known.add(digest)  # a second copy in the same run is a duplicate too
            yield ("analyze", item, digest)

    bar = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(total=total, unit="article", desc="ingest", dynamic_ncols=True,
                   smoothing=0.1, file=sys.stderr)

    def fail(source: str, code: str, message: str) -> None:
        summary.failed += 1
        summary.failures.append((source, code, message))
        if report:
            if bar is not None:
                bar.clear()
            report(source, code, message)
            if bar is not None:
                bar.refresh()

    pending: list[tuple[Document, str, Analysis]] = []
    duplicates: list[tuple[str, str]] = []  # (source, content hash) skipped, to remember
    last_flush = time.monotonic()

    def count(analysis: Analysis, result) -> None:
        if result.status == "stored":
            summary.stored += 1
            summary.statements += result.statements
            summary.new_speakers += result.new_speakers
        elif result.status == "skipped":
            summary.skipped += 1
        else:
            error = analysis.errors[0] if analysis.errors else None
            fail(analysis.source, error.code if error else "empty",
                 error.message if error else "the document is empty")

    def store_one(doc: Document, digest: str, analysis: Analysis) -> None:
        try:
            count(analysis, store.add(analysis, content_hash_=digest))
        except SaidwhatError as exc:
            store.record_error(doc.source, exc.code, str(exc), doc_key=doc.id)
            fail(doc.source, exc.code, str(exc))
        except Exception as exc:  # a database error on one document
            message = str(SaidwhatError("store_failed", reason=f"{type(exc).__name__}: {exc}"))
            store.record_error(doc.source, "store_failed", message, doc_key=doc.id)
            fail(doc.source, "store_failed", message)

    def flush() -> None:
        """One transaction for the analyses waiting; one by one if it fails."""
        nonlocal last_flush
        batch = pending[:]
        pending.clear()
        last_flush = time.monotonic()
        if batch:
            try:
                results = store.add_many([analysis for _, _, analysis in batch])
            except Exception:
                for doc, digest, analysis in batch:
                    store_one(doc, digest, analysis)
            else:
                for (_, _, analysis), result in zip(batch, results):
                    count(analysis, result)
        # after the batch: a copy of a document of this run is known once that is stored
        if duplicates:
            store.note_duplicates(duplicates)
            duplicates.clear()

    results = ordered_analyses(tasks(), _document_of, workers=workers, options=options,
                               batch_docs=batch_docs)
    try:
        for task, analysis in results:
            tag = task[0]
            if tag == "failed":
                item = task[1]
                store.record_error(item.source, item.error.code, str(item.error),
                                   doc_key=item.id)
                fail(item.source, item.error.code, str(item.error))
            elif tag == "skip":
                summary.skipped += 1
                duplicates.append((task[1].source, task[2]))
            else:
                _, doc, digest = task
                if analysis.errors:
                    store_one(doc, digest, analysis)  # recorded as an error at once
                else:
                    pending.append((doc, digest, analysis))
            if len(pending) >= batch_size or (
                    (pending or duplicates) and time.monotonic() - last_flush >= batch_seconds):
                flush()
            if bar is not None:
                bar.set_postfix(stored=summary.stored + len(pending), skipped=summary.skipped,
                                failed=summary.failed, refresh=False)
                bar.update(1)
        flush()
    except KeyboardInterrupt:
        summary.interrupted = True
        flush()  # what is analysed already is kept (a second Ctrl-C rolls it back whole)
    finally:
        results.close()
        if bar is not None:
            bar.close()
        summary.seconds = time.monotonic() - started
    counts = store.counts()
    summary.documents, summary.speakers = counts["documents"], counts["speakers"]
    return summary
