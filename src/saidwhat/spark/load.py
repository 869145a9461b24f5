"""``saidwhat load DIR --db URL``: a Spark output into the store, in bulk and idempotently.

The Parquet tables are read with pyarrow (no Spark needed), one month at a time, and written
in one transaction under the store's write lock: PostgreSQL through ``COPY … FROM STDIN``
(psycopg's copy), SQLite with batched ``executemany``. Documents whose content hash the
store holds already are skipped with all their rows, so a second load adds nothing. The ids
of the Spark output (hashes) become the store's next integers, documents in input order.

Speakers: into a store that holds no statements yet, the output's own speakers and aliases
are loaded as they are (the Spark job applied the store's rule in input order, as ingest
would). Into a store that has statements already, identities must be merged with what is
there, so the new statements come in without speakers and ``Store.rebuild_speakers`` resolves
every stored statement again, in the order stored.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Optional

from saidwhat.errors import SaidwhatError
from saidwhat.spark import schema as SS
from saidwhat.store import schema as S
from saidwhat.store.db import fill_words
from saidwhat.store.rows import TECHNIQUE_SEPARATOR

BATCH_ROWS = 5000


@dataclass
class LoadSummary:
    loaded: int = 0
    skipped: int = 0  # documents the store held already
    statements: int = 0
    speakers: int = 0  # in the store at the end
    errors: int = 0  # error rows of the output put into the errors table
    rebuilt: bool = False
    documents: int = 0  # in the store at the end
    seconds: float = 0.0

    def line(self) -> str:
        how = "rebuilt" if self.rebuilt else "loaded"
        return (f"loaded {self.loaded} documents, skipped {self.skipped} (already stored); "
                f"{self.statements} statements and {self.errors} errors added, speakers {how}; "
                f"the store holds {self.documents} documents and {self.speakers} speakers "
                f"({self.seconds:.1f} s)")


class Output:
    """The tables of one Spark output folder (a local path or a URI), read with pyarrow."""

    def __init__(self, path: str) -> None:
        from saidwhat.spark.inputs import _filesystem, is_uri

        self.path = path.rstrip("/")
        if is_uri(self.path):
            self.fs, self.root = _filesystem(self.path)
        else:
            from pyarrow import fs

            self.fs, self.root = fs.LocalFileSystem(), self.path
        for name in ("documents", "statements", "speakers"):
            if not self._exists(name):
                raise SaidwhatError("spark_output", path=path, table=name)

    def _exists(self, name: str) -> bool:
        from pyarrow import fs

        return self.fs.get_file_info(f"{self.root}/{name}").type == fs.FileType.Directory

    def dataset(self, name: str):
        import pyarrow.dataset as ds

        schema = SS.arrow_schema(name)
        if not self._exists(name):
            return ds.dataset([], schema=schema)
        import pyarrow as pa

        partitioning = ds.partitioning(pa.schema([(SS.MONTH, pa.string())]), flavor="hive") \
            if name in SS.DOCUMENT_TABLES else None
        return ds.dataset(f"{self.root}/{name}", schema=schema, format="parquet",
                          filesystem=self.fs, partitioning=partitioning)


def _quoted(names) -> str:
    return ", ".join(f'"{n}"' for n in names)


def _insert(conn, dialect: str, table: str, columns: list[str], rows: list[tuple]) -> None:
    if not rows:
        return
    if dialect == "postgresql":
        raw = conn.connection.driver_connection
        with raw.cursor() as cursor:
            with cursor.copy(f'COPY "{table}" ({_quoted(columns)}) FROM STDIN') as copy:
                for row in rows:
                    copy.write_row(row)
    else:
        marks = ", ".join("?" for _ in columns)
        conn.exec_driver_sql(f'INSERT INTO "{table}" ({_quoted(columns)}) VALUES ({marks})',
                             rows)


def _with_sentences(table):
    """Statements written by a Spark job older than the sentence columns (read as nulls, or
    absent) get their own words (mention, cue, content) as their sentence, as the store's
    migration gives stored ones."""
    import pyarrow as pa
    import pyarrow.compute as pc

    start, end = table.column("cue_start"), table.column("cue_end")
    for column in ("mention_start", "content_start"):
        start = pc.min_element_wise(start, table.column(column), skip_nulls=True)
    for column in ("mention_end", "content_end"):
        end = pc.max_element_wise(end, table.column(column), skip_nulls=True)
    for name, own in (("sentence_start", start), ("sentence_end", end)):
        if name in table.column_names:
            kept = table.column(name)
            table = table.set_column(table.column_names.index(name), name,
                                     pc.coalesce(kept, own.cast(kept.type)))
        else:
            table = table.append_column(name, own.cast(pa.int64()))
    return table


def _with_technique_separator(table):
    """Statements written by a Spark job older than schema 5 joined their techniques by ", ";
    they get the store's separator, as the store's migration gives stored ones."""
    import pyarrow.compute as pc

    at = table.column_names.index("techniques")
    return table.set_column(at, "techniques", pc.replace_substring(
        table.column(at), ", ", TECHNIQUE_SEPARATOR))


def _insert_table(conn, dialect: str, name: str, table) -> int:
    """Insert a pyarrow table (the store's columns of ``name``) in batches."""
    columns = SS.store_columns(name)
    if name == "statements":
        table = _with_sentences(_with_technique_separator(table))
    table = table.select(columns)
    for start in range(0, table.num_rows, BATCH_ROWS):
        part = table.slice(start, BATCH_ROWS)
        _insert(conn, dialect, name, columns,
                list(zip(*(part.column(c).to_pylist() for c in columns))))
    return table.num_rows


def _renumbered(table, column: str, old_ids, new_ids):
    """``table`` with ``column`` mapped from ``old_ids`` to ``new_ids`` (None stays None)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    where = pc.index_in(table[column], value_set=old_ids)
    mapped = pc.take(new_ids, where)
    return table.set_column(table.schema.get_field_index(column), column,
                            mapped.cast(pa.int64()))


def _fresh_ids(table, start: int):
    import pyarrow as pa

    ids = pa.array(range(start, start + table.num_rows), pa.int64())
    return table.set_column(table.schema.get_field_index("id"), "id", ids), ids


def load(path: str, store) -> LoadSummary:
    """Load the Spark output at ``path`` into ``store`` (see the module's docstring)."""
    import pyarrow as pa
    import pyarrow.compute as pc
    from sqlalchemy import func, select

    started = time.monotonic()
    out = Output(path)
    summary = LoadSummary()
    docs = out.dataset("documents").to_table(
        columns=["id", "content_hash", "source", SS.INPUT_ORDER, SS.MONTH])
    docs = docs.take(pc.sort_indices(docs, [(SS.INPUT_ORDER, "ascending")]))
    known = store.known_hashes()
    new, seen = [], set()
    for pid, digest, source, _, month in zip(*(docs.column(c).to_pylist()
                                               for c in docs.column_names)):
        if digest in known or digest in seen:
            summary.skipped += 1
            continue
        seen.add(digest)
        new.append((pid, source, month))
    dialect = store.dialect
    tables_with_ids = [t.name for t in SS.TABLES if "id" in t.c]
    try:
        with store._write() as conn, conn.begin():
            store._lock(conn)
            top = {name: conn.execute(select(func.max(S.metadata.tables[name].c.id))).scalar()
                   or 0 for name in tables_with_ids}
            direct = not conn.execute(select(func.count()).select_from(S.statements)).scalar() \
                and not top["speakers"] and not summary.skipped
            speaker_old = speaker_new = None
            if direct and new:
                speaker_old, speaker_new = _load_speakers(conn, dialect, out, top)
            doc_old = pa.array([pid for pid, _, _ in new], pa.int64())
            doc_new = pa.array(range(top["documents"] + 1, top["documents"] + 1 + len(new)),
                               pa.int64())
            months = sorted({month for _, _, month in new}, key=lambda m: (m is None, m or ""))
            for month in months:
                counts = _load_month(conn, dialect, out, month, doc_old, doc_new, top,
                                     speaker_old, speaker_new)
                summary.statements += counts
            summary.loaded = len(new)
            fill_words(conn)  # documents of a Spark job older than schema 5 have none
            summary.errors = _load_errors(conn, dialect, out, [s for _, s, _ in new])
            if new:
                store._bump_version(conn)
            if dialect == "postgresql":
                for name in tables_with_ids:
                    conn.exec_driver_sql(
                        f"SELECT setval(pg_get_serial_sequence('\"{name}\"', 'id'), "
                        f"GREATEST((SELECT MAX(id) FROM \"{name}\"), 1))")
    except SaidwhatError:
        raise
    except Exception as exc:
        raise SaidwhatError("load_failed", path=path,
                            reason=f"{type(exc).__name__}: {exc}") from None
    finally:
        store._index = None  # the speakers changed under it
        store._speakers_version = None
        store._error_sources = None
    if new and not direct and summary.statements:
        store.rebuild_speakers()
        summary.rebuilt = True
    counts = store.counts()
    summary.documents, summary.speakers = counts["documents"], counts["speakers"]
    summary.seconds = time.monotonic() - started
    return summary


def _load_speakers(conn, dialect: str, out: Output, top: dict):
    """The output's speakers and aliases, renumbered after the store's ids."""
    import pyarrow as pa
    import pyarrow.compute as pc

    speakers = out.dataset("speakers").to_table()
    speakers = speakers.take(pc.sort_indices(speakers, [("id", "ascending")]))
    old = speakers["id"].combine_chunks()
    speakers, new = _fresh_ids(speakers, top["speakers"] + 1)
    _insert_table(conn, dialect, "speakers", speakers)
    aliases = out.dataset("speaker_aliases").to_table()
    aliases = aliases.take(pc.sort_indices(aliases, [("id", "ascending")]))
    aliases = _renumbered(aliases, "speaker_id", old, new)
    aliases, _ = _fresh_ids(aliases, top["speaker_aliases"] + 1)
    _insert_table(conn, dialect, "speaker_aliases", aliases)
    top["speakers"] += speakers.num_rows
    top["speaker_aliases"] += aliases.num_rows
    return old, pa.array(new, pa.int64())


def _load_month(conn, dialect: str, out: Output, month, doc_old, doc_new, top: dict,
                speaker_old, speaker_new) -> int:
    """Every row of one month's new documents; returns the statements inserted."""
    import pyarrow.compute as pc
    import pyarrow.dataset as ds

    in_month = ds.field(SS.MONTH) == month if month is not None else \
        ds.field(SS.MONTH).is_null()

    def rows_of(name: str, key: str, ids):
        return out.dataset(name).to_table(filter=in_month & ds.field(key).isin(ids))

    documents = rows_of("documents", "id", doc_old)
    documents = _renumbered(documents, "id", doc_old, doc_new)
    documents = documents.take(pc.sort_indices(documents, [("id", "ascending")]))
    _insert_table(conn, dialect, "documents", documents)
    month_old = documents  # ids of this month's documents, old and new, for the children
    old_ids = pc.take(doc_old, pc.index_in(month_old["id"], value_set=doc_new))
    new_ids = month_old["id"].combine_chunks()

    for name in ("blocks", "entities", "techniques"):
        table = _renumbered(rows_of(name, "document_id", old_ids), "document_id", old_ids,
                            new_ids)
        table = table.take(pc.sort_indices(table, [("document_id", "ascending")]))
        table, _ = _fresh_ids(table, top[name] + 1)
        top[name] += _insert_table(conn, dialect, name, table)

    statements = _renumbered(rows_of("statements", "document_id", old_ids), "document_id",
                             old_ids, new_ids)
    statements = statements.take(pc.sort_indices(
        statements, [("document_id", "ascending"), ("position", "ascending")]))
    statement_old = statements["id"].combine_chunks()
    statements, statement_new = _fresh_ids(statements, top["statements"] + 1)
    if speaker_old is not None:
        statements = _renumbered(statements, "speaker_id", speaker_old, speaker_new)
    else:  # resolved again by rebuild_speakers
        import pyarrow as pa

        statements = statements.set_column(statements.schema.get_field_index("speaker_id"),
                                           "speaker_id", pa.nulls(statements.num_rows,
                                                                  pa.int64()))
    top["statements"] += _insert_table(conn, dialect, "statements", statements)

    links = out.dataset("statement_techniques").to_table(
        filter=in_month & ds.field("statement_id").isin(statement_old))
    _insert_table(conn, dialect, "statement_techniques",
                  _renumbered(links, "statement_id", statement_old, statement_new))
    figures = _renumbered(rows_of("figures", "document_id", old_ids), "document_id", old_ids,
                          new_ids)
    figures = _renumbered(figures, "statement_id", statement_old, statement_new)
    figures, _ = _fresh_ids(figures, top["figures"] + 1)
    top["figures"] += _insert_table(conn, dialect, "figures", figures)
    return statements.num_rows


def _load_errors(conn, dialect: str, out: Output, stored_sources: list[str]) -> int:
    """The output's errors, one row per source as the store keeps them; the error rows of
    sources stored now leave the table."""
    errors = out.dataset("errors").to_table()
    sources = errors["source"].to_pylist()
    gone = [(s,) for s in set(stored_sources) | set(sources)]
    for start in range(0, len(gone), BATCH_ROWS):
        conn.exec_driver_sql('DELETE FROM "errors" WHERE "source" = ' +
                             ("%s" if dialect == "postgresql" else "?"),
                             gone[start:start + BATCH_ROWS])
    table = errors.drop_columns(["id"])
    columns = [c for c in SS.store_columns("errors") if c != "id"]
    for start in range(0, table.num_rows, BATCH_ROWS):
        part = table.slice(start, BATCH_ROWS)
        _insert(conn, dialect, "errors", columns,
                list(zip(*(part.column(c).to_pylist() for c in columns))))
    return errors.num_rows


def summary_of(path: str, db: Optional[str]) -> LoadSummary:
    from saidwhat.store import open_store

    with open_store(db) as store:
        return load(path, store)
