"""The one schema of the store (SQLAlchemy Core), for SQLite and PostgreSQL alike.

Offsets are ``start_char``/``end_char`` (Python ``str`` indices into ``documents.text``);
``start``/``end`` are avoided because ``end`` is an SQL keyword and would need quoting in
every hand-written query. Full-text search is the only part that differs by database:

* SQLite: an FTS5 table ``statements_fts`` over ``statements.content_text`` (external
  content, kept in step by triggers). Datasette finds it and adds a search box to
  ``statements``.
* PostgreSQL: a generated ``tsvector`` column ``statements.content_tsv`` with a GIN index.

The view ``quotes`` joins a statement with its speaker and document for browsing (Datasette,
psql, a spreadsheet export).
"""
from __future__ import annotations

from sqlalchemy import (Column, Date, DateTime, Float, ForeignKey, Index, Integer, MetaData,
                        String, Table, Text, UniqueConstraint)

SCHEMA_VERSION = "6"
# The largest integer a query can compare or LIMIT by (SQLite's INTEGER, PostgreSQL's bigint
# parameters): the driver raises on a larger one, so the CLI and the API refuse it first.
MAX_INTEGER = 2**63 - 1
# What each older version lacks, as statements run in order to bring it up to date.
MIGRATIONS = {
    "1": ["ALTER TABLE statements ADD COLUMN channel VARCHAR(12) NOT NULL DEFAULT 'speech'",
          "ALTER TABLE statements ADD COLUMN continues INTEGER"],
    # Statements stored before sentences were kept get their own words (mention, cue, content)
    # as their sentence: the parse that split the sentences is gone.
    "2": ["ALTER TABLE statements ADD COLUMN sentence_start INTEGER",
          "ALTER TABLE statements ADD COLUMN sentence_end INTEGER",
          "UPDATE statements SET sentence_start = cue_start, sentence_end = cue_end",
          # (a comparison with NULL is false: a statement without mention or content keeps
          # its cue's bound)
          "UPDATE statements SET sentence_start = mention_start "
          "WHERE mention_start < sentence_start",
          "UPDATE statements SET sentence_start = content_start "
          "WHERE content_start < sentence_start",
          "UPDATE statements SET sentence_end = mention_end WHERE mention_end > sentence_end",
          "UPDATE statements SET sentence_end = content_end WHERE content_end > sentence_end"],
    # The feeds and sitemaps 'saidwhat watch' polls, and the lookup of known item URLs. The
    # same DDL as ``sources`` and ``ix_documents_source`` below, in SQL both databases read.
    "3": ["CREATE TABLE IF NOT EXISTS sources (url TEXT NOT NULL PRIMARY KEY, kind VARCHAR(20), etag TEXT, "
          "last_modified TEXT, last_poll TIMESTAMP, last_success TIMESTAMP, "
          "error_count INTEGER NOT NULL DEFAULT 0, last_error TEXT, next_poll TIMESTAMP)",
          "CREATE INDEX IF NOT EXISTS ix_documents_source ON documents (source)"],
    # The words of each article's report text, the denominator of the technique rates: the
    # column here, its values computed from the stored text and blocks (db.fill_words, run
    # after these statements). A statement's techniques were joined by ", ", which the
    # combined labels' commas made ambiguous to read; the labels hold no ", ", so the
    # replacement is exact.
    "4": ["ALTER TABLE documents ADD COLUMN words INTEGER",
          "UPDATE statements SET techniques = REPLACE(techniques, ', ', '; ')"],
    # The sources whose content was found stored under another source (``duplicate_sources``
    # below), so that a watch passes them over instead of fetching them at every poll.
    "5": ["CREATE TABLE IF NOT EXISTS duplicate_sources (source TEXT NOT NULL PRIMARY KEY, "
          "content_hash VARCHAR(64) NOT NULL, seen_at TIMESTAMP NOT NULL)"],
}

metadata = MetaData()

store_meta = Table(
    "saidwhat_meta", metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

documents = Table(
    "documents", metadata,
    Column("id", Integer, primary_key=True),
    Column("content_hash", String(64), nullable=False, unique=True),
    Column("doc_key", String(200), nullable=False),  # Analysis.id: the reader's document id
    Column("source", Text, nullable=False),  # file path, "file.jsonl:3", URL
    Column("url", Text),
    Column("outlet", String(200)),
    Column("published", String(40)),  # as given (ISO date or date-time)
    Column("published_day", Date),  # the date part, for date ranges and weeks
    Column("title", Text),
    Column("format", String(20)),  # text | html
    Column("text", Text, nullable=False),
    # words of the report blocks (rows.report_words): spans per 1,000 words in the statistics
    Column("words", Integer),
    Column("n_statements", Integer, nullable=False, default=0),
    Column("techniques_note", Text),  # why techniques are empty, when the tagger was missing
    Column("ingested_at", DateTime, nullable=False),
    Index("ix_documents_outlet_day", "outlet", "published_day"),
    Index("ix_documents_day", "published_day"),
    Index("ix_documents_source", "source"),  # is this item URL stored? (saidwhat watch)
)

blocks = Table(
    "blocks", metadata,
    Column("id", Integer, primary_key=True),
    Column("document_id", Integer, ForeignKey("documents.id", ondelete="CASCADE"),
           nullable=False, index=True),
    Column("start_char", Integer, nullable=False),
    Column("end_char", Integer, nullable=False),
    Column("kind", String(20), nullable=False),  # report | boilerplate
    Column("label", String(40), nullable=False),
)

speakers = Table(
    "speakers", metadata,
    Column("id", Integer, primary_key=True),
    Column("name", Text, nullable=False),  # the fullest name seen, without titles
    Column("type", String(10), nullable=False),  # PERSON | ORG
    Column("key", Text, nullable=False),  # identity.Identity.key: "person:konashenkov:igor"
    Column("given", String(100)),  # normalised first given name, PERSON only
    Column("surname", String(100)),  # normalised surname (PERSON) or name (ORG)
    Column("suffix", String(10)),  # jr | sr | ii | iii | iv
    Column("title", Text),  # the latest title seen ("Major General")
    Column("role", Text),
    Column("organization", Text),  # the one named with the most statements
    Column("organizations", Text),  # every organisation seen: "GOP ×12; Senate ×1"
    Column("n_statements", Integer, nullable=False, default=0),
    Column("n_documents", Integer, nullable=False, default=0),
    Index("ix_speakers_surname", "type", "surname"),
    Index("ix_speakers_key", "key"),
)

speaker_aliases = Table(
    "speaker_aliases", metadata,
    Column("id", Integer, primary_key=True),
    Column("speaker_id", Integer, ForeignKey("speakers.id", ondelete="CASCADE"), nullable=False),
    Column("alias", Text, nullable=False),  # a name as one article gave it
    Column("n_statements", Integer, nullable=False, default=0),
    UniqueConstraint("speaker_id", "alias", name="uq_speaker_alias"),
    Index("ix_speaker_aliases_alias", "alias"),
)

statements = Table(
    "statements", metadata,
    Column("id", Integer, primary_key=True),
    Column("document_id", Integer, ForeignKey("documents.id", ondelete="CASCADE"),
           nullable=False),
    Column("position", Integer, nullable=False),  # index in Analysis.statements
    Column("speaker_id", Integer, ForeignKey("speakers.id")),  # None: unnamed speaker
    Column("speaker_name", Text),  # as this article names the speaker
    Column("speaker_type", String(10)),  # PERSON | ORG | GROUP | UNKNOWN
    Column("speaker_title", Text),
    Column("speaker_role", Text),
    Column("speaker_organization", Text),
    Column("mention_text", Text),
    Column("mention_kind", String(12)),  # name | pronoun | description | none
    Column("mention_start", Integer),
    Column("mention_end", Integer),
    Column("cue_text", Text, nullable=False),
    Column("cue_start", Integer, nullable=False),
    Column("cue_end", Integer, nullable=False),
    Column("content_text", Text),
    Column("content_start", Integer),
    Column("content_end", Integer),
    Column("kind", String(10), nullable=False),  # direct | indirect | mixed | summary
    Column("act", String(20), nullable=False),
    Column("channel", String(12), nullable=False, server_default="speech"),  # speech | thought | perception
    Column("stance", String(12), nullable=False),
    Column("confidence", Float, nullable=False),
    # a copy of statement_techniques for browsing, joined by "; " (rows.TECHNIQUE_SEPARATOR)
    Column("techniques", Text),
    Column("continues", Integer),  # position of the statement this one continues (a quote run)
    # the sentence(s) holding mention, cue and content, as the parser split them
    Column("sentence_start", Integer),
    Column("sentence_end", Integer),
    UniqueConstraint("document_id", "position", name="uq_statement_position"),
    # covering indexes for the per-speaker breakdowns and the per-outlet/week statistics
    Index("ix_statements_speaker_act_doc", "speaker_id", "act", "document_id"),
    Index("ix_statements_doc_act", "document_id", "act", "speaker_id"),
)

statement_techniques = Table(
    "statement_techniques", metadata,
    Column("statement_id", Integer, ForeignKey("statements.id", ondelete="CASCADE"),
           primary_key=True),
    Column("technique", String(60), primary_key=True),
    Index("ix_statement_techniques_technique", "technique"),
)

techniques = Table(  # technique spans of a document (inside or outside statements)
    "techniques", metadata,
    Column("id", Integer, primary_key=True),
    Column("document_id", Integer, ForeignKey("documents.id", ondelete="CASCADE"),
           nullable=False, index=True),
    Column("technique", String(60), nullable=False, index=True),
    Column("start_char", Integer, nullable=False),
    Column("end_char", Integer, nullable=False),
    Column("text", Text, nullable=False),
    Column("score", Float, nullable=False),
)

figures = Table(
    "figures", metadata,
    Column("id", Integer, primary_key=True),
    Column("document_id", Integer, ForeignKey("documents.id", ondelete="CASCADE"),
           nullable=False, index=True),
    Column("statement_id", Integer, ForeignKey("statements.id", ondelete="CASCADE"),
           index=True),
    Column("text", Text, nullable=False),
    Column("value", Float, nullable=False),
    Column("unit", String(40)),
    Column("start_char", Integer, nullable=False),
    Column("end_char", Integer, nullable=False),
)

entities = Table(
    "entities", metadata,
    Column("id", Integer, primary_key=True),
    Column("document_id", Integer, ForeignKey("documents.id", ondelete="CASCADE"),
           nullable=False, index=True),
    Column("text", Text, nullable=False),
    Column("label", String(12), nullable=False),
    Column("start_char", Integer, nullable=False),
    Column("end_char", Integer, nullable=False),
)

errors = Table(  # the current failure of each source that could not be stored
    "errors", metadata,
    Column("id", Integer, primary_key=True),
    Column("source", Text, nullable=False),
    Column("doc_key", String(200)),
    Column("code", String(40), nullable=False),
    Column("message", Text, nullable=False),
    Column("occurred_at", DateTime, nullable=False),
    Index("ix_errors_source", "source"),
)

duplicate_sources = Table(  # a source whose content is stored under another source
    "duplicate_sources", metadata,
    Column("source", Text, primary_key=True),
    Column("content_hash", String(64), nullable=False),  # that of the stored document
    Column("seen_at", DateTime, nullable=False),
)

sources = Table(  # what 'saidwhat watch' polls: one row per feed, sitemap or home page
    "sources", metadata,
    Column("url", Text, primary_key=True),
    Column("kind", String(20)),  # feed | sitemap | sitemapindex | home
    Column("etag", Text),  # validators of the last full answer, for the conditional GET
    Column("last_modified", Text),
    Column("last_poll", DateTime),
    Column("last_success", DateTime),
    Column("error_count", Integer, nullable=False, server_default="0"),  # errors in a row
    Column("last_error", Text),
    Column("next_poll", DateTime),  # not polled before this (back-off after errors)
)

# Statement → document and speaker, for browsing. Created after the tables.
QUOTES_VIEW = """
CREATE VIEW quotes AS
SELECT s.id AS statement_id, d.published_day AS published, d.outlet AS outlet,
       COALESCE(sp.name, s.speaker_name) AS speaker, s.speaker_id AS speaker_id,
       s.kind AS kind, s.act AS act, s.channel AS channel, s.stance AS stance, s.content_text AS content,
       s.cue_text AS cue, s.techniques AS techniques, d.title AS title, d.url AS url,
       d.source AS source, s.document_id AS document_id
FROM statements s
JOIN documents d ON d.id = s.document_id
LEFT JOIN speakers sp ON sp.id = s.speaker_id
"""

SQLITE_FTS = [
    # content="statements" is what Datasette looks for to offer full-text search on the table.
    """CREATE VIRTUAL TABLE IF NOT EXISTS statements_fts USING fts5(
           content_text, content="statements", content_rowid="id",
           tokenize="porter unicode61 remove_diacritics 2")""",
    """CREATE TRIGGER IF NOT EXISTS statements_fts_ai AFTER INSERT ON statements BEGIN
           INSERT INTO statements_fts(rowid, content_text) VALUES (new.id, new.content_text);
       END""",
    """CREATE TRIGGER IF NOT EXISTS statements_fts_ad AFTER DELETE ON statements BEGIN
           INSERT INTO statements_fts(statements_fts, rowid, content_text)
           VALUES ('delete', old.id, old.content_text);
       END""",
    """CREATE TRIGGER IF NOT EXISTS statements_fts_au AFTER UPDATE OF content_text
       ON statements BEGIN
           INSERT INTO statements_fts(statements_fts, rowid, content_text)
           VALUES ('delete', old.id, old.content_text);
           INSERT INTO statements_fts(rowid, content_text) VALUES (new.id, new.content_text);
       END""",
]

POSTGRES_FTS = [
    """ALTER TABLE statements ADD COLUMN IF NOT EXISTS content_tsv tsvector
       GENERATED ALWAYS AS (to_tsvector('english', coalesce(content_text, ''))) STORED""",
    "CREATE INDEX IF NOT EXISTS ix_statements_content_tsv ON statements USING gin (content_tsv)",
]

TABLES = [t.name for t in metadata.sorted_tables]
