"""The store: analyses in SQLite (default, one file, WAL) or PostgreSQL, through SQLAlchemy Core.

    from saidwhat.store import open_store
    store = open_store("saidwhat.db")          # or "postgresql://user@host/db"
    result = store.add(analysis)               # one transaction: all of it or nothing
    store.statements(speaker="Konashenkov")    # pandas DataFrame

Every ``add`` is one transaction holding the store's write lock (SQLite ``BEGIN IMMEDIATE``,
PostgreSQL an advisory transaction lock), so a killed ingest leaves whole documents or none,
and two writers never interleave. A document whose content hash is stored already is skipped.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Optional

from sqlalchemy import (bindparam, create_engine, delete, event, func, insert, select, text,
                        update)
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError

from saidwhat import settings
from saidwhat.errors import SaidwhatError
from saidwhat.model import Analysis, Block
from saidwhat.store import rows
from saidwhat.store.rows import outlet_of, parse_day
from saidwhat.store import schema as S
from saidwhat.store.identity import (Candidate, Identity, SpeakerIndex,
                                     identity_organization, speaker_groups)

DEFAULT_DB = "saidwhat.db"
_LOOKUP_CHUNK = 500  # values in one IN (...): well under SQLite's and PostgreSQL's limits
_PG_LOCK_KEY = 0x5A1D_3A7  # the advisory lock every writer takes


def content_hash(text: str) -> str:
    """SHA-256 of the text with whitespace runs collapsed: the same article saved twice with
    different line breaks is one document."""
    return hashlib.sha256(" ".join(text.split()).encode("utf-8", "surrogatepass")).hexdigest()


def database_url(db: Optional[str] = None) -> str:
    """An SQLAlchemy URL from a path, ``sqlite:///…`` or ``postgresql://…`` (psycopg 3)."""
    db = db or settings.store_url() or DEFAULT_DB
    if re.match(r"^postgres(ql)?://", db):
        return re.sub(r"^postgres(ql)?://", "postgresql+psycopg://", db)
    if "://" in db:
        return db
    return f"sqlite:///{Path(db).expanduser().resolve()}"


def display_url(url: str) -> str:
    """The URL without a password, for messages."""
    url = re.sub(r"^postgresql\+psycopg://", "postgresql://", url)
    return re.sub(r"(://[^:/@]+):[^@]*@", r"\1:***@", url)


# Statements built once: SQLAlchemy then only binds parameters (the write path runs a dozen
# of these per document).
_HASH_LOOKUP = select(S.documents.c.source).where(S.documents.c.content_hash == bindparam("h"))
_VERSION = select(S.store_meta.c.value).where(S.store_meta.c.key == "speakers_version")
_SET_VERSION = update(S.store_meta).where(S.store_meta.c.key == "speakers_version")
_INSERT_DOCUMENT = insert(S.documents)
_INSERT_SPEAKER = insert(S.speakers)
_INSERT_STATEMENTS = insert(S.statements).returning(S.statements.c.id,
                                                    sort_by_parameter_order=True)
_UPDATE_SPEAKER = update(S.speakers).where(S.speakers.c.id == bindparam("b_id"))
_UPDATE_ALIAS = update(S.speaker_aliases).where(
    (S.speaker_aliases.c.speaker_id == bindparam("b_speaker"))
    & (S.speaker_aliases.c.alias == bindparam("b_alias")))
_SPEAKER_COLUMNS = ("name", "type", "key", "given", "surname", "suffix", "title", "role",
                    "organization", "organizations", "n_statements", "n_documents")


def format_counts(counts: dict[str, int]) -> Optional[str]:
    """{"GOP": 12, "Senate": 1} -> "GOP ×12; Senate ×1" (commonest first)."""
    items = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return "; ".join(f"{k} ×{n}" for k, n in items) or None


def parse_counts(value: Optional[str]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for part in (value or "").split("; "):
        m = re.match(r"^(.*) ×(\d+)$", part)
        if m:
            counts[m[1]] = int(m[2])
        elif part:
            counts[part] = 1
    return counts


@dataclass
class AddResult:
    status: str  # stored | skipped | failed
    document_id: Optional[int] = None
    statements: int = 0
    new_speakers: int = 0
    content_hash: Optional[str] = None


class Store:
    """One store. Safe to use from one thread; open one per process."""

    def __init__(self, engine: Engine, url: str) -> None:
        self.engine = engine
        self.url = url
        self.dialect = engine.dialect.name  # "sqlite" | "postgresql"
        self._index: Optional[SpeakerIndex] = None
        self._speakers_version: Optional[int] = None
        self._error_sources: Optional[set[str]] = None  # sources with a row in errors

    # -- lifecycle ----------------------------------------------------------------------------
    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<Store {display_url(self.url)}>"

    def _write(self) -> Connection:
        return self.engine.connect().execution_options(saidwhat_write=True)

    def _lock(self, conn: Connection) -> None:
        if self.dialect == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_LOCK_KEY})

    # -- writing ------------------------------------------------------------------------------
    def has(self, content_hash_: str) -> bool:
        with self.engine.connect() as conn:
            return conn.execute(select(S.documents.c.id).where(
                S.documents.c.content_hash == content_hash_)).first() is not None

    def known_hashes(self) -> set[str]:
        with self.engine.connect() as conn:
            return set(conn.execute(select(S.documents.c.content_hash)).scalars())

    def known_sources(self, sources: Iterable[str], *,
                      retried_codes: Iterable[str] = ()) -> set[str]:
        """Which of ``sources`` (item URLs) the store holds: a stored document, a content
        stored under another source, or an error whose code is not one of ``retried_codes``
        (a failure worth trying again)."""
        wanted = list(dict.fromkeys(sources))
        retried = list(retried_codes)
        found: set[str] = set()
        with self.engine.connect() as conn:
            for start in range(0, len(wanted), _LOOKUP_CHUNK):
                chunk = wanted[start:start + _LOOKUP_CHUNK]
                found.update(conn.execute(select(S.documents.c.source).where(
                    S.documents.c.source.in_(chunk))).scalars())
                found.update(conn.execute(select(S.errors.c.source).where(
                    S.errors.c.source.in_(chunk) & S.errors.c.code.not_in(retried))).scalars())
                found.update(conn.execute(select(S.duplicate_sources.c.source).where(
                    S.duplicate_sources.c.source.in_(chunk))).scalars())
        return found

    def source_states(self) -> dict[str, dict[str, Any]]:
        """The row of every watched source (``sources`` table), by URL."""
        with self.engine.connect() as conn:
            return {row["url"]: dict(row) for row in conn.execute(select(S.sources)).mappings()}

    def save_source(self, url: str, **values: Any) -> None:
        """Create or update the row of a watched source."""
        with self._write() as conn, conn.begin():
            self._lock(conn)
            changed = conn.execute(update(S.sources).where(S.sources.c.url == url)
                                   .values(**values)).rowcount
            if not changed:
                conn.execute(insert(S.sources).values(url=url, **values))

    def add(self, analysis: Analysis, *, content_hash_: Optional[str] = None) -> AddResult:
        """Store one analysis in one transaction. An analysis with errors is recorded in the
        ``errors`` table instead (status "failed"); one already stored is skipped."""
        if analysis.errors or not analysis.text.strip():
            error = analysis.errors[0] if analysis.errors else None
            self.record_error(analysis.source, error.code if error else "empty",
                              error.message if error else "the document is empty",
                              doc_key=analysis.id)
            return AddResult("failed")
        digest = content_hash_ or content_hash(analysis.text)
        try:
            with self._write() as conn, conn.begin():
                self._lock(conn)
                stored = conn.execute(_HASH_LOOKUP, {"h": digest}).first()
                if stored:
                    self._note_duplicate(conn, analysis.source, stored[0], digest)
                    return AddResult("skipped", content_hash=digest)
                version = self._fresh_index(conn)
                result = self._insert(conn, analysis, digest)
                if result.statements:
                    conn.execute(_SET_VERSION, {"value": str(version + 1)})
                    self._speakers_version = version + 1
            return result
        except BaseException:
            self._index = None  # it may hold what was rolled back: reload on next use
            self._speakers_version = None
            self._error_sources = None
            raise

    def add_many(self, analyses: Iterable[Analysis]) -> list[AddResult]:
        """Store several analyses in one transaction (all of them or none): fewer commits and
        round trips than ``add`` one by one. Failed analyses go to the errors table."""
        results: list[Optional[AddResult]] = []
        todo: list[tuple[int, Analysis, str]] = []
        for analysis in analyses:
            if analysis.errors or not analysis.text.strip():
                results.append(self.add(analysis))  # records the error
            else:
                todo.append((len(results), analysis, content_hash(analysis.text)))
                results.append(None)
        if not todo:
            return results
        try:
            with self._write() as conn, conn.begin():
                self._lock(conn)
                version = self._fresh_index(conn)
                seen: dict[str, str] = {}   # content hash -> source, in this batch
                changed = False
                for i, analysis, digest in todo:
                    stored = seen.get(digest)
                    if stored is None:
                        row = conn.execute(_HASH_LOOKUP, {"h": digest}).first()
                        stored = row[0] if row else None
                    if stored is not None:
                        self._note_duplicate(conn, analysis.source, stored, digest)
                        results[i] = AddResult("skipped", content_hash=digest)
                        continue
                    seen[digest] = analysis.source
                    results[i] = self._insert(conn, analysis, digest)
                    changed = changed or bool(results[i].statements)
                if changed:
                    conn.execute(_SET_VERSION, {"value": str(version + 1)})
                    self._speakers_version = version + 1
        except BaseException:
            self._index = None
            self._speakers_version = None
            self._error_sources = None
            raise
        return results

    def record_error(self, source: str, code: str, message: str, *,
                     doc_key: Optional[str] = None) -> None:
        """Remember why ``source`` could not be stored (replacing its earlier error)."""
        with self._write() as conn, conn.begin():
            self._lock(conn)
            conn.execute(delete(S.errors).where(S.errors.c.source == source))
            conn.execute(insert(S.errors).values(
                source=source, doc_key=doc_key, code=code, message=message,
                occurred_at=dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)))
        if self._error_sources is not None:
            self._error_sources.add(source)

    def note_duplicates(self, pairs: Iterable[tuple[str, str]]) -> None:
        """Remember each (source, content hash) whose content is stored under another source
        (one whose hash is not stored is left out: its first copy failed)."""
        pairs = list(pairs)
        if not pairs:
            return
        with self._write() as conn, conn.begin():
            self._lock(conn)
            for source, digest in pairs:
                stored = conn.execute(_HASH_LOOKUP, {"h": digest}).first()
                if stored:
                    self._note_duplicate(conn, source, stored[0], digest)

    def _note_duplicate(self, conn: Connection, source: str, stored_source: str,
                        digest: str) -> None:
        """Remember that ``source``'s content is stored under ``stored_source`` (a watch then
        passes it over, as a stored one), and drop its error row."""
        self._clear_error(conn, source)
        if source == stored_source or conn.execute(
                select(S.duplicate_sources.c.source).where(
                    S.duplicate_sources.c.source == source)).first():
            return
        conn.execute(insert(S.duplicate_sources).values(
            source=source, content_hash=digest,
            seen_at=dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)))

    def _clear_error(self, conn: Connection, source: str) -> None:
        """Drop the error row of a source that is now stored (looked up once, then cached)."""
        if self._error_sources is None:
            self._error_sources = set(conn.execute(select(S.errors.c.source)).scalars())
        if source in self._error_sources:
            conn.execute(delete(S.errors).where(S.errors.c.source == source))
            self._error_sources.discard(source)

    def _insert(self, conn: Connection, analysis: Analysis, digest: str) -> AddResult:
        doc_id = conn.execute(_INSERT_DOCUMENT, rows.document_row(analysis, digest)
                              ).inserted_primary_key[0]
        for table, table_rows in ((S.blocks, rows.block_rows(analysis)),
                                  (S.entities, rows.entity_rows(analysis)),
                                  (S.techniques, rows.technique_rows(analysis))):
            if table_rows:
                conn.execute(insert(table), [dict(r, document_id=doc_id) for r in table_rows])

        speaker_ids, new_speakers = self._speakers(conn, analysis, doc_id)
        statement_rows = [dict(r, document_id=doc_id, speaker_id=speaker_ids.get(r["position"]))
                          for r in rows.statement_rows(analysis)]
        ids: dict[int, int] = {}
        if statement_rows:
            ids = dict(enumerate(conn.execute(_INSERT_STATEMENTS, statement_rows).scalars()))
            tech_rows = [dict(statement_id=ids[i], technique=t)
                         for i, t in rows.statement_technique_pairs(analysis)]
            if tech_rows:
                conn.execute(insert(S.statement_techniques), tech_rows)
        figure_rows = rows.figure_rows(analysis)
        if figure_rows:
            conn.execute(insert(S.figures), [
                dict(r, document_id=doc_id,
                     statement_id=ids.get(position) if position is not None else None)
                for position, r in figure_rows])
        self._clear_error(conn, analysis.source or "")
        return AddResult("stored", doc_id, len(statement_rows), new_speakers, digest)

    # -- speakers -----------------------------------------------------------------------------
    def _speakers(self, conn: Connection, analysis: Analysis,
                  doc_id: int) -> tuple[dict[int, int], int]:
        """Statement position -> speakers.id, resolving each article-level speaker once."""
        groups = speaker_groups(
            ((position, st.speaker.type, st.speaker.name, st.speaker.title, st.speaker.role,
              st.speaker.organization) for position, st in enumerate(analysis.statements)),
            [e.text for e in analysis.entities if e.label == "ORG"])
        return self._resolve_groups(conn, groups, doc_id)

    def _resolve_groups(self, conn: Connection, groups: dict[tuple, list[int]],
                        doc_id: int) -> tuple[dict[int, int], int]:
        result: dict[int, int] = {}
        touched: dict[int, tuple[Identity, set[str]]] = {}
        new = 0
        for (type_, name, title, role, org), positions in groups.items():
            candidate = Candidate(type_, name, title, role, org)
            identity, created = self._index.resolve(candidate, statements=len(positions),
                                                    document=(self.url, doc_id))
            if identity is None:
                continue
            if created:
                identity.id = conn.execute(_INSERT_SPEAKER,
                                           self._speaker_row(identity)).inserted_primary_key[0]
                new += 1
            touched.setdefault(id(identity), (identity, set()))[1].add(name.strip())
            for position in positions:
                result[position] = identity.id
        speaker_rows, alias_updates, alias_inserts = [], [], []
        for identity, aliases in touched.values():
            speaker_rows.append(dict(self._speaker_row(identity), b_id=identity.id))
            for alias in sorted(aliases):
                n = identity.aliases[alias]
                if alias in identity.stored_aliases:
                    alias_updates.append(dict(b_speaker=identity.id, b_alias=alias,
                                              n_statements=n))
                else:
                    alias_inserts.append(dict(speaker_id=identity.id, alias=alias,
                                              n_statements=n))
                    identity.stored_aliases.add(alias)
        if speaker_rows:
            conn.execute(_UPDATE_SPEAKER, speaker_rows)
        if alias_updates:
            conn.execute(_UPDATE_ALIAS, alias_updates)
        if alias_inserts:
            conn.execute(insert(S.speaker_aliases), alias_inserts)
        return result, new

    def rebuild_speakers(self) -> int:
        """Forget every speaker identity and resolve all stored statements again, document by
        document in the order they were stored (after the identity rule changed). One
        transaction; returns the number of identities."""
        st = S.statements
        try:
            with self._write() as conn, conn.begin():
                self._lock(conn)
                conn.execute(update(st).values(speaker_id=None))
                conn.execute(delete(S.speaker_aliases))
                conn.execute(delete(S.speakers))
                self._index = SpeakerIndex()
                rows = conn.execute(select(
                    st.c.id, st.c.document_id, st.c.speaker_type, st.c.speaker_name,
                    st.c.speaker_title, st.c.speaker_role, st.c.speaker_organization)
                    .order_by(st.c.document_id, st.c.position)).all()
                org_entities: dict[int, list[str]] = {}
                for doc_id, entity in conn.execute(select(
                        S.entities.c.document_id, S.entities.c.text).where(
                        S.entities.c.label == "ORG")):
                    org_entities.setdefault(doc_id, []).append(entity)
                assignments: list[dict] = []
                doc_groups: dict[tuple, list[int]] = {}
                current = None

                def flush():
                    if current is not None and doc_groups:
                        ids, _ = self._resolve_groups(conn, doc_groups, current)
                        assignments.extend({"sid": sid, "spk": spk} for sid, spk in ids.items())

                for sid, doc_id, type_, name, title, role, org in rows:
                    if doc_id != current:
                        flush()
                        doc_groups, current = {}, doc_id
                    org = identity_organization(org, org_entities.get(doc_id, ()))
                    doc_groups.setdefault((type_ or "UNKNOWN", name or "", title, role, org),
                                          []).append(sid)
                flush()
                if assignments:
                    conn.execute(update(st).where(st.c.id == bindparam("sid"))
                                 .values(speaker_id=bindparam("spk")), assignments)
                self._speakers_version = self._bump_version(conn)
                return len(self._index)
        except BaseException:
            self._index = None
            self._speakers_version = None
            raise

    @staticmethod
    def _speaker_row(identity: Identity) -> dict:
        return dict(name=identity.name, type=identity.type, key=identity.key,
                    given=identity.given, surname=identity.surname, suffix=identity.suffix,
                    title=identity.title, role=identity.role,
                    organization=identity.organization,
                    organizations=format_counts(identity.organizations),
                    n_statements=identity.n_statements, n_documents=identity.n_documents)

    @staticmethod
    def _version(conn: Connection) -> int:
        return int(conn.execute(_VERSION).scalar() or 0)

    def _bump_version(self, conn: Connection) -> int:
        version = self._version(conn) + 1
        conn.execute(_SET_VERSION, {"value": str(version)})
        return version

    def _fresh_index(self, conn: Connection) -> int:
        """Reload the speaker index when another writer (or a rollback) changed speakers;
        returns the speakers version the index is at."""
        version = self._version(conn)
        if self._index is None or version != self._speakers_version:
            self._index = self._load_index(conn)
            self._speakers_version = version
        return version

    @staticmethod
    def _load_index(conn: Connection) -> SpeakerIndex:
        identities: dict[int, Identity] = {}
        for row in conn.execute(select(S.speakers)).mappings():
            identities[row["id"]] = Identity(
                type=row["type"], name=row["name"], surname=row["surname"] or "",
                given=row["given"], suffix=row["suffix"], title=row["title"], role=row["role"],
                organization=row["organization"],
                organizations=parse_counts(row["organizations"]),
                n_statements=row["n_statements"], n_documents=row["n_documents"], id=row["id"])
        for speaker_id, alias, n in conn.execute(select(
                S.speaker_aliases.c.speaker_id, S.speaker_aliases.c.alias,
                S.speaker_aliases.c.n_statements)):
            identity = identities.get(speaker_id)
            if identity is not None:
                identity.aliases[alias] = n
                identity.stored_aliases.add(alias)
        return SpeakerIndex(sorted(identities.values(), key=lambda i: i.id))

    # -- reading ------------------------------------------------------------------------------
    def counts(self) -> dict[str, int]:
        """Rows per table."""
        with self.engine.connect() as conn:
            return {t.name: conn.execute(select(func.count()).select_from(t)).scalar()
                    for t in S.metadata.sorted_tables if t.name != "saidwhat_meta"}

    def sql(self, query: str, **params):
        """Any read-only SQL as a DataFrame (``:name`` parameters)."""
        from saidwhat.store.queries import frame

        with self.engine.connect() as conn:
            return frame(conn.execute(text(query), params))

    def statements(self, **filters):
        """Statements as a DataFrame; see ``saidwhat.store.queries.statements``."""
        from saidwhat.store import queries

        return queries.statements(self, **filters)

    def speakers(self, **options):
        from saidwhat.store import queries

        return queries.speakers(self, **options)

    def stats(self, **options):
        from saidwhat.store import queries

        return queries.stats(self, **options)

    def documents(self, **options):
        from saidwhat.store import queries

        return queries.documents(self, **options)

    def errors(self):
        from saidwhat.store import queries

        return queries.errors(self)

    def summary(self) -> dict[str, Any]:
        from saidwhat.store import queries

        return queries.summary(self)


# -- opening ----------------------------------------------------------------------------------

def _sqlite_engine(url: str) -> Engine:
    engine = create_engine(url, connect_args={"timeout": 60})

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None  # SQLAlchemy emits BEGIN itself, below
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=60000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(conn):
        # Writers take the lock up front, so two never deadlock upgrading a read lock.
        immediate = conn.get_execution_options().get("saidwhat_write")
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


def open_store(db: Optional[str] = None, *, create: bool = True) -> Store:
    """Open (and, with ``create``, make) the store at a path or URL.

    ``db`` is a file path (SQLite), ``sqlite:///path``, or ``postgresql://user:pw@host/db``;
    None means ``$SAIDWHAT_DB`` or ``saidwhat.db``. Raises ``SaidwhatError`` when the store
    cannot be opened, or does not exist and ``create`` is False."""
    url = database_url(db)
    is_sqlite = url.startswith("sqlite")
    if is_sqlite and not create:
        path = url.split("///", 1)[-1]
        if path and path != ":memory:" and not Path(path).exists():
            raise SaidwhatError("store_missing", path=path)
    try:
        if is_sqlite:
            engine = _sqlite_engine(url)
        else:
            engine = create_engine(url, pool_pre_ping=True)
        store = Store(engine, url)
        _prepare(store, create=create)
    except SaidwhatError:
        raise
    except (SQLAlchemyError, OSError, ImportError) as exc:
        reason = getattr(exc, "orig", None) or exc
        raise SaidwhatError("store_unreachable", url=display_url(url),
                            reason=str(reason).strip().splitlines()[0] if str(reason).strip()
                            else type(exc).__name__) from None
    return store


def fill_words(conn: Connection, chunk: int = 100) -> int:
    """Count the report words (``rows.report_words``) of the documents stored without them:
    those of a store made before schema 5, or loaded from an older Spark job's output.
    Returns how many were counted."""
    doc, bl = S.documents, S.blocks
    done = 0
    while True:
        ids = list(conn.execute(select(doc.c.id).where(doc.c.words.is_(None))
                                .order_by(doc.c.id).limit(chunk)).scalars())
        if not ids:
            return done
        texts = dict(conn.execute(select(doc.c.id, doc.c.text).where(doc.c.id.in_(ids))).all())
        blocks: dict[int, list[Block]] = {}
        for doc_id, start, end, kind in conn.execute(
                select(bl.c.document_id, bl.c.start_char, bl.c.end_char, bl.c.kind)
                .where(bl.c.document_id.in_(ids))):
            blocks.setdefault(doc_id, []).append(Block(start, end, kind, ""))
        conn.execute(update(doc).where(doc.c.id == bindparam("b_id"))
                     .values(words=bindparam("b_words")),
                     [{"b_id": i, "b_words": rows.report_words(texts[i], blocks.get(i, ()))}
                      for i in ids])
        done += len(ids)


def _prepare(store: Store, *, create: bool) -> None:
    engine = store.engine
    with store._write() as conn, conn.begin():
        store._lock(conn)
        exists = engine.dialect.has_table(conn, "saidwhat_meta")
        if exists:
            version = conn.execute(select(S.store_meta.c.value).where(
                S.store_meta.c.key == "schema_version")).scalar()
            if version in S.MIGRATIONS:  # an older store: bring it up to date in place
                while version in S.MIGRATIONS:
                    for ddl in S.MIGRATIONS[version]:
                        conn.exec_driver_sql(ddl)
                    version = str(int(version) + 1)
                fill_words(conn)
                conn.exec_driver_sql("DROP VIEW IF EXISTS quotes")  # it lists the columns
                conn.exec_driver_sql(S.QUOTES_VIEW)
                conn.execute(update(S.store_meta).where(S.store_meta.c.key == "schema_version")
                             .values(value=version))
            if version != S.SCHEMA_VERSION:
                raise SaidwhatError("store_schema", url=display_url(store.url), found=version,
                                    expected=S.SCHEMA_VERSION)
            return
        if not create:
            raise SaidwhatError("store_missing", path=display_url(store.url))
        S.metadata.create_all(conn)
        if store.dialect == "sqlite":
            for ddl in S.SQLITE_FTS:
                conn.exec_driver_sql(ddl)
            conn.exec_driver_sql(S.QUOTES_VIEW.replace("CREATE VIEW", "CREATE VIEW IF NOT EXISTS"))
        elif store.dialect == "postgresql":
            for ddl in S.POSTGRES_FTS:
                conn.exec_driver_sql(ddl)
            conn.exec_driver_sql(S.QUOTES_VIEW.replace("CREATE VIEW", "CREATE OR REPLACE VIEW"))
        conn.execute(insert(S.store_meta), [
            {"key": "schema_version", "value": S.SCHEMA_VERSION},
            {"key": "speakers_version", "value": "0"},
            {"key": "created_at", "value": dt.datetime.now(dt.timezone.utc).isoformat()}])
