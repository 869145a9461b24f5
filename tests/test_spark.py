"""saidwhat on Apache Spark: a real local[2] session, the real pipeline, real stores.

One job (the founding example, 30 PolNeAR dev articles as JSONL, and a folder with an empty,
a binary and a truncated WARC.gz file) is shared by the assertions: its statements,
techniques and figures against ``pipeline.analyze`` run here; its error rows; a ``--resume``
rerun that adds nothing; ``saidwhat load`` into SQLite and PostgreSQL against ``saidwhat
ingest`` of the same inputs. A second, small job runs through the CLI on ``local[2,4]``
(tasks may be retried) with a Python worker that kills itself with SIGKILL, and must write
exactly the rows of a clean run.

Skipped, with the reason, without PySpark (the spark extra) or Java.
"""
from __future__ import annotations

import csv
import json
import math
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import POLNEAR, SEED, need

pytestmark = pytest.mark.spark

pytest.importorskip("pyspark", reason="PySpark is not installed: the spark extra "
                                      "(EXTRAS=spark sh scripts/setup.sh; .ci/run does it)")
if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
    pytest.skip("no Java: Spark needs Java 17 (apt-get install openjdk-17-jre-headless; "
                "scripts/setup.sh with EXTRAS=spark does it)", allow_module_level=True)

N_POLNEAR = 30
PG_URL = os.environ.get("SAIDWHAT_TEST_PG_URL")
TIMESTAMPS = {"ingested_at", "occurred_at"}


def polnear_jsonl(path: Path, n: int, *, skip: int = 0) -> Path:
    """``n`` PolNeAR dev articles as JSONL lines with their outlet, date and title."""
    meta = {row["filename"]: row for row in csv.DictReader(
        (POLNEAR / "metadata.tsv").open(encoding="utf-8"), delimiter="\t")}
    files = sorted((need(POLNEAR / "dev" / "text")).glob("*.txt"))[skip:skip + n]
    with path.open("w", encoding="utf-8") as handle:
        for file in files:
            row = meta.get(file.stem, {})
            handle.write(json.dumps({"text": file.read_text(encoding="utf-8"),
                                     "outlet": row.get("publisher"),
                                     "published": row.get("publication_date"),
                                     "title": row.get("title")}) + "\n")
    return path


def hostile(folder: Path) -> Path:
    from test_readers_more import make_warc

    folder.mkdir()
    (folder / "empty.txt").write_bytes(b"")
    (folder / "binary.txt").write_bytes(bytes(range(256)) * 64)
    make_warc(folder / "cut.warc.gz")
    data = (folder / "cut.warc.gz").read_bytes()
    (folder / "cut.warc.gz").write_bytes(data[:len(data) - 150])
    return folder


@pytest.fixture(scope="session")
def spark():
    from saidwhat.spark.job import session

    s = session("local[2]", {"spark.ui.enabled": "false", "spark.sql.shuffle.partitions": "4"})
    s.sparkContext.setLogLevel("ERROR")
    yield s
    s.stop()


@pytest.fixture(scope="session")
def corpus(tmp_path_factory):
    root = tmp_path_factory.mktemp("spark-corpus")
    feed = polnear_jsonl(root / "feed.jsonl", N_POLNEAR)
    return [str(need(SEED)), str(feed), str(hostile(root / "hostile"))]


def tables(out) -> dict:
    """Every table of a Spark output as a sorted list of rows (timestamps left out)."""
    from saidwhat.spark import schema as SS
    from saidwhat.spark.load import Output

    output = Output(str(out))
    result = {}
    for name in SS.TABLE:
        table = output.dataset(name).to_table()
        columns = [c for c in table.column_names if c not in TIMESTAMPS]
        result[name] = sorted(tuple(map(repr, row)) for row in
                              zip(*(table.column(c).to_pylist() for c in columns)))
    return result


@pytest.fixture(scope="session")
def job(spark, corpus, tmp_path_factory):
    from saidwhat.spark.job import JobOptions, run

    out = tmp_path_factory.mktemp("spark-out") / "out"
    summary = run(spark, JobOptions(inputs=corpus, out=str(out)))
    return out, summary


def plain(*values) -> tuple:
    """Values of a DataFrame row as Python gives them (pandas reads a missing string as NaN)."""
    return tuple(None if isinstance(v, float) and math.isnan(v) else v for v in values)


def _frame(out, name):
    from saidwhat.spark.load import Output

    return Output(str(out)).dataset(name).to_table().to_pandas(integer_object_nulls=True)


def test_statements_techniques_and_figures_equal_analyze(job, corpus):
    from saidwhat.model import Document
    from saidwhat.pipeline import Options, analyze, models_for
    from saidwhat.read import read_inputs
    from saidwhat.store.db import content_hash

    out, summary = job
    documents = _frame(out, "documents").set_index("content_hash")
    statements = _frame(out, "statements")
    techniques = _frame(out, "techniques")
    figures = _frame(out, "figures")
    # one tagger thread, as in a Spark task: scores do not move with thread counts
    models = models_for(Options(), tagger_threads=1)
    seen = set()
    for item in read_inputs(corpus):
        if not isinstance(item, Document) or content_hash(item.text) in seen:
            continue
        seen.add(content_hash(item.text))
        analysis = analyze(item, Options(), models)
        doc = documents.loc[content_hash(item.text)]
        assert doc["text"] == analysis.text and doc["source"] == item.source
        mine = statements[statements.document_id == doc["id"]].sort_values("position")
        assert len(mine) == len(analysis.statements) == doc["n_statements"]
        for (_, row), st in zip(mine.iterrows(), analysis.statements):
            assert plain(row.speaker_name, row.speaker_type, row.mention_kind) == (
                st.speaker.name or None, st.speaker.type, st.speaker.mention_kind)
            assert plain(row.cue_text, row.cue_start, row.cue_end) == (
                st.cue.text, st.cue.start, st.cue.end)
            assert plain(row.content_text, row.content_start, row.content_end) == (
                (st.content.text, st.content.start, st.content.end) if st.content
                else (None, None, None))
            assert plain(row.continues) == (st.continues,)
            assert plain(row.kind, row.act, row.stance, row.channel) == (
                st.kind, st.act, st.stance, st.channel)
            assert row.confidence == pytest.approx(st.confidence)
            assert plain(row.techniques) == ("; ".join(st.techniques) or None,)
        spans = techniques[techniques.document_id == doc["id"]]
        assert sorted(zip(spans.technique, spans.start_char, spans.end_char)) == sorted(
            (t.technique, t.start, t.end) for t in analysis.techniques)
        assert sorted(spans.score.round(9)) == sorted(round(float(t.score), 9)
                                                      for t in analysis.techniques)
        numbers = figures[figures.document_id == doc["id"]]
        position = dict(zip(mine.id, mine.position))
        assert sorted(zip(numbers.text, numbers.value, numbers.start_char,
                          numbers.statement_id.map(position))) == sorted(
            (f.text, f.value, f.start, f.statement) for f in analysis.figures)
    assert len(seen) == summary.stored == N_POLNEAR + 1 + 2  # and the WARC's two good pages
    # the founding example: 11 statements of one speaker identity
    seed = documents[documents.source == str(SEED)].iloc[0]
    assert seed["month"] == "unknown" and seed["n_statements"] >= 10
    speakers = _frame(out, "speakers").set_index("id")
    ids = set(statements[statements.document_id == seed["id"]].speaker_id.dropna())
    assert "Igor Konashenkov" in {speakers.loc[int(i), "name"] for i in ids}
    months = {p.name for p in (out / "documents").iterdir() if p.is_dir()}
    assert "month=unknown" in months and any(m.startswith("month=2016-") for m in months)


def test_bad_inputs_are_error_rows_and_the_job_finishes(job):
    out, summary = job
    errors = _frame(out, "errors")
    by_name = {Path(s).name: c for s, c in zip(errors.source, errors.code)}
    assert by_name == {"empty.txt": "empty", "binary.txt": "binary",
                       "cut.warc.gz": "warc_damaged"}
    assert summary.failed == 3 and errors.id.notna().all()
    assert all(errors.message.str.len() > 10)


def test_resume_adds_nothing(spark, job, corpus):
    from saidwhat.spark.job import JobOptions, run

    out, _ = job
    before = tables(out)
    again = run(spark, JobOptions(inputs=corpus, out=str(out), resume=True))
    assert (again.stored, again.skipped, again.failed) == (0, N_POLNEAR + 3, 3)
    assert tables(out) == before


def _ingest(corpus, db):
    result = subprocess.run([sys.executable, "-m", "saidwhat.cli", "ingest", *corpus,
                             "--db", db, "--workers", "2", "--no-progress", "--quiet"],
                            capture_output=True, text=True, timeout=900)
    assert result.returncode == 1, result.stderr  # the hostile folder fails
    from saidwhat.store import open_store

    with open_store(db, create=False) as store:
        return store.counts(), store.sql(
            "SELECT key, name, n_statements, n_documents FROM speakers ORDER BY id")


def _load(out, db):
    result = subprocess.run([sys.executable, "-m", "saidwhat.cli", "load", str(out),
                             "--db", db], capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    return result.stderr


@pytest.fixture(scope="session")
def ingested(corpus, tmp_path_factory):
    return _ingest(corpus, str(tmp_path_factory.mktemp("ingest") / "ingest.db"))


def _check_load(job, ingested, db):
    from saidwhat.store import open_store

    out, _ = job
    assert "speakers loaded" in _load(out, db)
    with open_store(db, create=False) as store:
        counts = store.counts()
        speakers = store.sql("SELECT key, name, n_statements, n_documents FROM speakers "
                             "ORDER BY id")
        found = store.statements(speaker="Konashenkov")
    assert counts == ingested[0]
    assert speakers.to_dict("records") == ingested[1].to_dict("records")
    assert len(found) >= 10
    assert "loaded 0 documents" in _load(out, db)  # a second load adds nothing
    with open_store(db, create=False) as store:
        assert store.counts() == counts


def test_load_into_sqlite_equals_ingest(job, ingested, tmp_path):
    db = str(tmp_path / "loaded.db")
    _check_load(job, ingested, db)
    query = subprocess.run([sys.executable, "-m", "saidwhat.cli", "query", "--db", db,
                            "--speaker", "Konashenkov", "--format", "jsonl"],
                           capture_output=True, text=True, timeout=120)
    assert query.returncode == 0 and len(query.stdout.splitlines()) >= 10


@pytest.mark.skipif(not PG_URL, reason="no PostgreSQL server configured: set "
                                       "SAIDWHAT_TEST_PG_URL (.ci/run starts one)")
def test_load_into_postgresql_equals_ingest(job, ingested):
    from test_store import make_pg_database

    url, drop = make_pg_database()
    try:
        _check_load(job, ingested, url)
    finally:
        drop()


def test_a_killed_python_worker_is_retried_and_rows_are_exact(spark, tmp_path):
    from saidwhat.spark.job import KILL_HOOK, JobOptions, run

    feed = polnear_jsonl(tmp_path / "small.jsonl", 6, skip=N_POLNEAR)
    marker = tmp_path / "killed"
    env = dict(os.environ, **{KILL_HOOK: str(marker)})
    killed = subprocess.run(
        [sys.executable, "-m", "saidwhat.cli", "spark", "analyze", str(feed), "--out",
         str(tmp_path / "killed-out"), "--master", "local[2,4]", "--no-techniques",
         "--partitions", "2", "--conf", "spark.ui.enabled=false"],
        capture_output=True, text=True, timeout=600, env=env)
    assert killed.returncode == 0, killed.stderr[-3000:]
    assert marker.exists()  # a worker did die
    assert "stored 6," in killed.stderr
    run(spark, JobOptions(inputs=[str(feed)], out=str(tmp_path / "clean-out"),
                          techniques=False, partitions=2))
    assert tables(tmp_path / "killed-out") == tables(tmp_path / "clean-out")


def test_load_of_an_output_without_sentence_columns_gives_each_statement_its_own_words(
        job, tmp_path):
    """A Spark output written before statements kept their sentence still loads."""
    import shutil

    import pyarrow.parquet as pq

    from saidwhat.store import open_store

    out = tmp_path / "old"
    shutil.copytree(job[0], out)
    parts = list((out / "statements").rglob("*.parquet"))
    assert parts
    for part in parts:
        table = pq.read_table(part)
        pq.write_table(table.drop_columns(["sentence_start", "sentence_end"]), part)
    db = str(tmp_path / "old.db")
    _load(out, db)
    with open_store(db, create=False) as store:
        rows = store.sql("SELECT sentence_start, sentence_end, cue_start, cue_end, "
                         "mention_start, mention_end, content_start, content_end "
                         "FROM statements").to_dict("records")
    assert len(rows) > 100
    for row in rows:
        starts = [row[k] for k in ("cue_start", "mention_start", "content_start")
                  if row[k] == row[k] and row[k] is not None]
        ends = [row[k] for k in ("cue_end", "mention_end", "content_end")
                if row[k] == row[k] and row[k] is not None]
        assert (row["sentence_start"], row["sentence_end"]) == (min(starts), max(ends))


def test_load_of_an_output_before_schema_5_counts_words_and_rejoins_techniques(job, tmp_path):
    """A Spark output written before documents had their report words, and when a
    statement's techniques were joined by ", ", loads with both as the job writes them now."""
    import shutil

    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    from saidwhat.store import open_store

    out = tmp_path / "old"
    shutil.copytree(job[0], out)
    for part in (out / "documents").rglob("*.parquet"):
        pq.write_table(pq.read_table(part).drop_columns(["words"]), part)
    for part in (out / "statements").rglob("*.parquet"):
        table = pq.read_table(part)
        at = table.column_names.index("techniques")
        pq.write_table(table.set_column(at, "techniques", pc.replace_substring(
            table.column(at), "; ", ", ")), part)
    db = str(tmp_path / "old.db")
    _load(out, db)
    documents, statements = _frame(job[0], "documents"), _frame(job[0], "statements")
    with open_store(db, create=False) as store:
        words = store.sql("SELECT content_hash, words FROM documents")
        techniques = store.sql("SELECT techniques FROM statements")["techniques"]
    assert dict(zip(words.content_hash, words.words)) == dict(zip(documents.content_hash,
                                                                  documents.words))
    assert words.words.sum() > 10_000
    joined = sorted(t for t in statements.techniques if isinstance(t, str))
    assert any("; " in t for t in joined)  # statements with two techniques, to rejoin
    assert sorted(t for t in techniques if isinstance(t, str)) == joined
