"""The store on a real SQLite file and a real PostgreSQL server: add, skip, every query filter,
errors, the speaker rule as stored, rebuild, and a writer killed with SIGKILL mid-way.

PostgreSQL tests need ``SAIDWHAT_TEST_PG_URL`` (a server URL whose user may create databases,
e.g. postgresql://postgres@127.0.0.1:55432/postgres); ``.ci/run`` starts such a server.
"""
from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import textwrap
import time
import uuid
from pathlib import Path

import pytest

from saidwhat.model import (Analysis, Block, DocumentError, Entity, Figure, Span, Speaker,
                            Statement, TechniqueSpan)

PG_URL = os.environ.get("SAIDWHAT_TEST_PG_URL")
BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.skipif(
    not PG_URL, reason="no PostgreSQL server configured: set SAIDWHAT_TEST_PG_URL "
                       "(.ci/run starts one)"))]


def make_pg_database() -> tuple[str, callable]:
    """A fresh database on the test server: (url, drop)."""
    import psycopg

    name = f"saidwhat_test_{uuid.uuid4().hex[:10]}"
    admin = PG_URL.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    base = admin.rsplit("/", 1)[0]
    url = f"{base}/{name}"

    def drop():
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return url, drop


@pytest.fixture(params=BACKENDS)
def db_url(request, tmp_path):
    """A new, empty store location on each backend."""
    if request.param == "sqlite":
        yield str(tmp_path / "test.db")
    else:
        url, drop = make_pg_database()
        yield url
        drop()


@pytest.fixture
def store(db_url):
    from saidwhat.store import open_store

    s = open_store(db_url)
    yield s
    s.close()


# -- synthetic analyses (no pipeline: fast) --------------------------------------------------

def statement(text, sentence, speaker, *, act="assertion", stance="neutral", kind="indirect",
              techniques=(), stype="PERSON", title=None, org=None, channel="speech"):
    start = text.index(sentence)
    content_start = start + len(speaker) + len(" said that ")
    content_end = start + len(sentence) - 1
    return Statement(
        speaker=Speaker(name=speaker, id=f"person:{speaker.lower()}", title=title,
                        organization=org, type=stype,
                        mention=Span(speaker, start, start + len(speaker))),
        cue=Span("said", start + len(speaker) + 1, start + len(speaker) + 5),
        content=Span(text[content_start:content_end], content_start, content_end),
        kind=kind, act=act, stance=stance, channel=channel, confidence=0.8,
        techniques=list(techniques))


def article(n, rows, *, outlet="example", published="2016-09-12", url=None):
    """An analysis whose text holds one sentence per row: (speaker, content, options)."""
    sentences = [f"{speaker} said that {content}." for speaker, content, _ in rows]
    text = f"Article {n}.\n" + "\n".join(sentences) + "\n"
    orgs = sorted({o["org"] for _, _, o in rows if o.get("org")})
    org_entities = []
    for org in orgs:  # the organisations are named in the text, tagged ORG
        org_entities.append(Entity(org, "ORG", len(text), len(text) + len(org)))
        text += org + "\n"
    statements, techniques, figures = [], [], []
    for (speaker, content, options), sentence in zip(rows, sentences):
        st = statement(text, sentence, speaker, **options)
        statements.append(st)
        for tech in st.techniques:
            techniques.append(TechniqueSpan(tech, st.content.start, st.content.end,
                                            st.content.text, 0.9))
        if any(ch.isdigit() for ch in content):
            number = "".join(ch for ch in content if ch.isdigit())
            at = text.index(number, st.content.start)
            figures.append(Figure(number, float(number), None, at, at + len(number),
                                  statement=len(statements) - 1))
    return Analysis(
        id=f"doc{n}", source=f"mem://doc{n}", text=text,
        blocks=[Block(0, len(text), "report", "body")], statements=statements,
        figures=figures, entities=[Entity(s.speaker.name, "PERSON", s.speaker.mention.start,
                                          s.speaker.mention.end) for s in statements]
        + org_entities,
        techniques=techniques,
        meta={k: v for k, v in (("outlet", outlet), ("published", published), ("url", url),
                                ("title", f"Title {n}")) if v})


def corpus():
    return [
        article(1, [("Igor Konashenkov", "the convoy was never attacked",
                     dict(act="denial", title="Major General", org="Russian Defense Ministry")),
                    ("Officials", "the talks would resume on Friday",
                     dict(stype="GROUP", channel="thought")),
                    ("The Kremlin", "the report was a provocation",
                     dict(act="dismissal", stype="ORG", techniques=["Loaded_Language"]))],
                outlet="RT", published="2016-09-12"),
        article(2, [("Konashenkov", "militants had used 100 civilians as shields",
                     dict(act="accusation",
                          techniques=["Loaded_Language", "Name_Calling,Labeling"])),
                    ("Dmitry Konashenkov", "the harvest was good", {})],
                outlet="TASS", published="2016-09-20T10:00:00Z"),
        article(3, [("Major General Igor Konashenkov", "no hospitals were hit in Aleppo",
                     dict(act="denial", stance="distancing", kind="mixed")),
                    ("Smith", "the bridge would reopen in May", dict(org="Acme")),
                    ("Smith", "the budget was balanced", dict(org="Globex"))],
                outlet="RT", published="2016-10-03"),
        article(4, [("Kremlin", "sanctions would fail", dict(stype="ORG", act="prediction"))],
                outlet=None, published=None, url="https://www.example.org/news/4"),
    ]


def fill(store):
    return [store.add(a) for a in corpus()]


# -- tests -------------------------------------------------------------------------------------

def test_add_then_skip_the_same_content(store):
    results = fill(store)
    assert [r.status for r in results] == ["stored"] * 4
    counts = store.counts()
    assert counts["documents"] == 4 and counts["statements"] == 9
    assert counts["blocks"] == 4 and counts["entities"] == 12
    assert counts["techniques"] == 3 and counts["statement_techniques"] == 3
    assert counts["figures"] == 1
    again = fill(store)
    assert [r.status for r in again] == ["skipped"] * 4
    assert store.counts() == counts
    # whitespace differences do not make a new document
    copy = corpus()[0]
    copy.text = copy.text.replace("\n", "\n\n")
    assert store.add(copy).status == "skipped"
    assert store.counts()["duplicate_sources"] == 0  # its own source: nothing to remember
    # a content stored under another source: that source is remembered as known, one by one
    # and in a batch (where a copy may also repeat another document of the same batch)
    elsewhere = corpus()[1]
    elsewhere.source = "https://elsewhere.example/copy"
    assert store.add(elsewhere).status == "skipped"
    batch = [corpus()[2], corpus()[2]]
    batch[0].source, batch[1].source = "https://b.example/1", "https://b.example/2"
    assert [r.status for r in store.add_many(batch)] == ["skipped", "skipped"]
    assert store.known_sources([elsewhere.source, "https://b.example/1", "https://b.example/2",
                                "https://nowhere.example/x"]) == {
        elsewhere.source, "https://b.example/1", "https://b.example/2"}
    assert store.add(elsewhere).status == "skipped"  # remembered once
    assert store.counts()["duplicate_sources"] == 3


def test_reopen_keeps_everything(db_url):
    from saidwhat.store import open_store

    with open_store(db_url) as s:
        fill(s)
        counts = s.counts()
    with open_store(db_url, create=False) as s:
        assert s.counts() == counts
        assert [r.status for r in fill(s)] == ["skipped"] * 4


def test_speakers_across_documents(store):
    fill(store)
    people = store.speakers(limit=None)
    by_name = {row["name"]: row for _, row in people.iterrows()}
    igor = by_name["Igor Konashenkov"]
    assert igor["statements"] == 3 and igor["documents"] == 3
    assert igor["type"] == "PERSON" and igor["title"] == "Major General"
    assert set(igor["aliases"].split("; ")) == {"Igor Konashenkov", "Konashenkov",
                                                "Major General Igor Konashenkov"}
    assert igor["act_denial"] == 2 and igor["act_accusation"] == 1
    # one technique, though its id holds a comma
    assert igor["techniques"] == "Loaded_Language 1; Name_Calling,Labeling 1"
    assert by_name["Dmitry Konashenkov"]["statements"] == 1
    assert (people["name"] == "Smith").sum() == 2  # Acme's and Globex's are two people
    assert by_name["Kremlin"]["statements"] == 2 and by_name["Kremlin"]["type"] == "ORG"
    assert "Officials" not in by_name  # descriptions are no identity
    assert list(people["statements"]) == sorted(people["statements"], reverse=True)


def test_every_statement_filter(store):
    fill(store)
    q = store.statements
    assert len(q()) == 9
    assert set(q(speaker="Konashenkov")["speaker"]) == {"Igor Konashenkov",
                                                        "Dmitry Konashenkov"}
    igor_id = int(q(speaker="Major General Igor")["speaker_id"].iloc[0])
    assert len(q(speaker_id=igor_id)) == 3
    assert len(q(speaker="officials")) == 1  # the article's own wording
    assert len(q(speaker=["kremlin", "smith"])) == 4
    assert len(q(act="denial")) == 2
    assert len(q(act=["denial", "accusation"])) == 3
    assert len(q(stance="distancing")) == 1
    assert len(q(kind="mixed")) == 1
    assert list(q(channel="thought")["speaker"]) == ["Officials"]
    assert len(q(channel=["speech", "perception"])) == 8
    assert len(q(technique="loaded_language")) == 2
    assert len(q(technique=["name calling"])) == 1 == len(q(technique="Labelling"))
    assert len(q(outlet="rt")) == 6 and len(q(outlet=["RT", "TASS"])) == 8
    assert len(q(outlet="example.org")) == 1  # from the URL's host when no outlet is given
    assert len(q(since="2016-09-15")) == 5
    assert len(q(until="2016-09-19")) == 3
    assert len(q(since="2016-09-15", until="2016-09-30")) == 2
    assert len(q(since="2016-09", until="2016-09")) == 5
    assert len(q(text="aleppo")) == 1
    assert len(q(text="hospitals hit")) == 1  # stemming: "hit", every word must occur
    assert len(q(text='"bridge would reopen"')) == 1
    assert len(q(text="bridge OR harvest")) == 2
    assert len(q(text="konvoy-nonexistent")) == 0
    assert len(q(text='weird "quote ( * AND')) == 0  # no syntax error from user text
    combined = q(speaker="Konashenkov", act="denial", outlet="RT", since="2016-10-01")
    assert list(combined["content"]) == ["no hospitals were hit in Aleppo"]
    assert len(q(limit=2)) == 2
    assert list(q().columns)[:4] == ["statement_id", "published", "outlet", "speaker"]
    assert q()["published"].iloc[0] == dt.date(2016, 10, 3)  # newest first


def test_a_version_1_store_gains_the_channel_and_continues_columns(tmp_path):
    """A store made before statements had a channel is brought up to date when opened: its
    rows read as speech and continue nothing, new rows keep their channel, the quotes view
    shows it."""
    import sqlite3

    from saidwhat.store import open_store

    path = tmp_path / "old.db"
    with open_store(str(path)) as s:
        s.add(corpus()[0])
    con = sqlite3.connect(path)  # make it what version 1 wrote
    con.executescript("DROP VIEW quotes; ALTER TABLE statements DROP COLUMN channel;"
                      "ALTER TABLE statements DROP COLUMN continues;"
                      "ALTER TABLE statements DROP COLUMN sentence_start;"
                      "ALTER TABLE statements DROP COLUMN sentence_end;"
                      "ALTER TABLE documents DROP COLUMN words; DROP TABLE duplicate_sources;"
                      "UPDATE saidwhat_meta SET value = '1' WHERE key = 'schema_version';")
    con.commit()
    con.close()
    with open_store(str(path), create=False) as s:
        assert set(s.statements()["channel"]) == {"speech"}
        assert s.sql("SELECT count(*) AS n FROM statements WHERE continues IS NULL"
                     )["n"].iloc[0] == 3
        s.add(corpus()[1])
        assert len(s.statements()) == 5
    from saidwhat.store.schema import SCHEMA_VERSION

    con = sqlite3.connect(path)
    assert con.execute("SELECT value FROM saidwhat_meta WHERE key = 'schema_version'"
                       ).fetchone() == (SCHEMA_VERSION,)
    assert con.execute("SELECT count(*) FROM quotes WHERE channel = 'speech'").fetchone() == (5,)
    con.close()


def test_a_store_without_sentences_gets_each_statements_own_words(tmp_path):
    """A store of version 2 kept no sentences: opened, each statement's sentence is its
    mention, cue and content (all there is without the parse), and new rows keep theirs."""
    import sqlite3

    from saidwhat.store import open_store

    path = tmp_path / "v2.db"
    first, second = corpus()[0], corpus()[1]
    first.statements[0].speaker.mention = None  # a carried-over speaker: cue and content
    first.statements[1].content, first.statements[1].kind = None, "summary"
    second.statements[0].sentence = Span(second.text[5:9], 5, 9)  # as the pipeline keeps one
    with open_store(str(path)) as s:
        s.add(first)
    con = sqlite3.connect(path)  # make it what version 2 wrote
    con.executescript("DROP VIEW quotes; ALTER TABLE statements DROP COLUMN sentence_start;"
                      "ALTER TABLE statements DROP COLUMN sentence_end;"
                      "ALTER TABLE documents DROP COLUMN words; DROP TABLE duplicate_sources;"
                      "UPDATE saidwhat_meta SET value = '2' WHERE key = 'schema_version';")
    con.commit()
    con.close()
    with open_store(str(path), create=False) as s:
        s.add(second)
        rows = s.statements()
    for st, (_, row) in zip(first.statements + second.statements,
                              rows.sort_values("statement_id").iterrows()):
        start, end = (st.sentence.start, st.sentence.end) if st.sentence else st.bounds()
        text = first.text if row["document_id"] == 1 else second.text
        assert (row["sentence_start"], row["sentence_end"]) == (start, end)
        assert row["sentence"] == text[start:end]
    assert rows["sentence_start"].notna().all()


def test_a_version_4_store_gains_report_words_and_unambiguous_techniques(tmp_path):
    """A store of version 4 had no word counts and joined a statement's techniques by ", "
    (so "Exaggeration,Minimisation, Loaded_Language" read as three): opened, each document's
    report words are counted from its stored text and blocks, and the techniques rejoined."""
    import sqlite3

    from saidwhat.store import open_store

    path = tmp_path / "v4.db"
    first = corpus()[1]  # one statement with two techniques
    first.statements[0].techniques = ["Exaggeration,Minimisation", "Loaded_Language"]
    first.blocks = [Block(0, 10, "report", "body"), Block(10, 20, "boilerplate", "promo"),
                    Block(20, len(first.text), "report", "body")]
    with open_store(str(path)) as s:
        s.add(first)
    con = sqlite3.connect(path)  # make it what version 4 wrote
    con.executescript("DROP VIEW quotes; ALTER TABLE documents DROP COLUMN words;"
                      "DROP TABLE duplicate_sources;"
                      "UPDATE statements SET techniques = REPLACE(techniques, '; ', ', ');"
                      "UPDATE saidwhat_meta SET value = '4' WHERE key = 'schema_version';")
    con.commit()
    assert con.execute("SELECT techniques FROM statements WHERE techniques LIKE '%Exag%'"
                       ).fetchone() == ("Exaggeration,Minimisation, Loaded_Language",)
    con.close()
    # by hand: the words of text[0:10] and text[20:], the boilerplate between left out
    by_hand = len(first.text[:10].split()) + len(first.text[20:].split())
    with open_store(str(path), create=False) as s:
        assert s.sql("SELECT words FROM documents")["words"].tolist() == [by_hand]
        rows = s.statements(technique="Exaggeration")
        assert rows["techniques"].tolist() == ["Exaggeration,Minimisation; Loaded_Language"]
        s.add(corpus()[0])
        assert s.sql("SELECT words FROM documents ORDER BY id")["words"].notna().all()


def test_a_quote_run_keeps_its_continues_in_the_store(store):
    from saidwhat.store import queries

    analysis = corpus()[0]
    analysis.statements[1].continues = 0
    doc_id = store.add(analysis).document_id
    loaded, _ = queries.analysis(store, doc_id)
    assert [st.continues for st in loaded.statements] == [None, 0, None]


def test_bad_filters_are_clear_errors(store):
    from saidwhat.errors import SaidwhatError

    fill(store)
    with pytest.raises(SaidwhatError, match="not a date"):
        store.statements(since="last tuesday")
    with pytest.raises(SaidwhatError, match="not one of"):
        store.statements(act="shouting")


def test_stats_by_outlet_and_week(store):
    fill(store)
    acts = store.stats(by="outlet", of="acts")
    rt = acts[acts["outlet"] == "RT"].iloc[0]
    assert rt["statements"] == 6 and rt["denial"] == 2 and rt["dismissal"] == 1
    weekly = store.stats(by="week", of="acts")
    assert [str(w) for w in weekly["week"]] == ["2016-09-12", "2016-09-19", "2016-10-03"]
    assert list(weekly["statements"]) == [3, 2, 3]
    both = store.stats(by="outlet-week", of="techniques")
    assert both["spans"].sum() == 3
    assert set(both["technique"]) == {"Loaded_Language", "Name_Calling,Labeling"}
    stances = store.stats(of="stances", outlet="RT")
    assert stances["distancing"].sum() == 1


def test_failed_documents_go_to_errors_and_leave_when_fixed(store):
    bad = Analysis(id="x", source="mem://broken", text="",
                   errors=[DocumentError("empty", "the document is empty")])
    assert store.add(bad).status == "failed"
    assert store.add(bad).status == "failed"  # recorded once per source
    errors = store.errors()
    assert list(errors["source"]) == ["mem://broken"] and errors["code"][0] == "empty"
    fixed = corpus()[0]
    fixed.source = "mem://broken"
    assert store.add(fixed).status == "stored"
    assert store.errors().empty


def test_rebuild_speakers_reproduces_the_identities(store):
    fill(store)
    before = store.sql("SELECT name, type, n_statements, n_documents FROM speakers ORDER BY id")
    links = store.sql("SELECT speaker_id IS NULL AS unnamed FROM statements ORDER BY id")
    assert store.rebuild_speakers() == len(before)
    after = store.sql("SELECT name, type, n_statements, n_documents FROM speakers ORDER BY id")
    assert before.equals(after)
    assert links.equals(store.sql(
        "SELECT speaker_id IS NULL AS unnamed FROM statements ORDER BY id"))


def test_two_stores_on_one_database_share_identities(db_url):
    from saidwhat.store import open_store

    a, b = open_store(db_url), open_store(db_url)
    docs = corpus()
    a.add(docs[0])  # Igor Konashenkov, via a
    b.add(docs[1])  # "Konashenkov" via b must see a's identity
    a.add(docs[2])
    assert len(a.statements(speaker_id=int(
        a.statements(speaker="Igor")["speaker_id"].iloc[0]))) == 3
    a.close()
    b.close()


def test_sqlite_file_is_wal_and_datasette_friendly(tmp_path):
    import sqlite3

    from saidwhat.store import open_store

    path = tmp_path / "s.db"
    with open_store(str(path)) as s:
        fill(s)
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    # Datasette's full-text detection: an FTS table declared with content="statements"
    fts = conn.execute("SELECT name FROM sqlite_master WHERE rootpage = 0 AND sql LIKE "
                       "'%VIRTUAL TABLE%USING FTS%content=\"statements\"%'").fetchall()
    assert fts == [("statements_fts",)]
    assert conn.execute("SELECT count(*) FROM quotes").fetchone()[0] == 9
    assert conn.execute("SELECT count(*) FROM statements_fts WHERE statements_fts MATCH "
                        "'aleppo'").fetchone()[0] == 1
    foreign = {row[2] for row in conn.execute("PRAGMA foreign_key_list(statements)")}
    assert foreign == {"documents", "speakers"}
    conn.execute("INSERT INTO statements_fts(statements_fts) VALUES ('integrity-check')")


def test_missing_store_is_a_clear_error(tmp_path):
    from saidwhat.errors import SaidwhatError
    from saidwhat.store import open_store

    with pytest.raises(SaidwhatError, match="no store at"):
        open_store(str(tmp_path / "nothing.db"), create=False)
    with pytest.raises(SaidwhatError, match="cannot open the store"):
        open_store("postgresql://nobody:secret@127.0.0.1:1/none")
    try:
        open_store("postgresql://nobody:secret@127.0.0.1:1/none")
    except SaidwhatError as exc:
        assert "secret" not in str(exc)


WRITER = textwrap.dedent("""
    import sys
    sys.path.insert(0, {tests!r})
    from test_store import corpus
    from saidwhat.store import open_store
    store = open_store({url!r})
    base = corpus()
    for i in range({n}):
        a = base[i % len(base)]
        a.text = a.text + "#" * (i // len(base) + 1)  # a new document each round
        store.add(a)
        print(i, flush=True)
""")


@pytest.mark.parametrize("n", [400])
def test_sigkill_mid_write_leaves_whole_documents(db_url, tmp_path, n):
    """Kill a writer with SIGKILL while it adds documents, check that every stored document
    is complete, then finish the job and compare every table with a clean run."""
    from saidwhat.store import open_store

    script = WRITER.format(tests=str(Path(__file__).parent), url=db_url, n=n)
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE,
                            text=True)
    for line in proc.stdout:  # wait for some documents, then kill without warning
        if int(line) >= 40:
            break
    time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    with open_store(db_url) as s:
        killed = s.counts()
        assert 40 <= killed["documents"] < n
        per_doc = s.sql("SELECT d.n_statements, count(s.id) AS stored FROM documents d "
                        "LEFT JOIN statements s ON s.document_id = d.id GROUP BY d.id, "
                        "d.n_statements")
        assert (per_doc["n_statements"] == per_doc["stored"]).all()  # nothing half-written
    rerun = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert rerun.returncode == 0, rerun.stderr
    clean_url = str(tmp_path / "clean.db")
    if not db_url.endswith(".db"):
        clean_url, drop = make_pg_database()
    try:
        done = subprocess.run([sys.executable, "-c", script.replace(repr(db_url),
                                                                     repr(clean_url))],
                              capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        with open_store(db_url) as resumed, open_store(clean_url) as clean:
            assert resumed.counts() == clean.counts()
            query = "SELECT name, n_statements, n_documents FROM speakers ORDER BY name, id"
            assert resumed.sql(query).equals(clean.sql(query))
    finally:
        if not clean_url.endswith(".db"):
            drop()
