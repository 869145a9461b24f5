"""Chaos (issue 17): ``saidwhat ingest`` killed with SIGKILL at random points, then run again to
completion, leaves every table as a clean run does (the same rows, ids and timestamps
aside), on SQLite and, with SAIDWHAT_TEST_PG_URL, on PostgreSQL; and the analysis worker
processes of ``ingest --workers 2`` and of the web server end when their parent is killed.

The kill points are seeded: SAIDWHAT_CHAOS_SEED (default 17) picks them, SAIDWHAT_CHAOS_KILLS
(default 5, e.g. 20 for a longer run) says how many. Each point is a number of documents to
wait for in the store (0: still starting) and a random delay after it, so kills land while
the models load, between analyses, inside a batch that is not committed yet, and during or
after the commits."""
from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from test_ingest import article, counts, run_cli
from test_store import BACKENDS, PG_URL, make_pg_database  # noqa: F401 (PG_URL for skips)

KILLS = int(os.environ.get("SAIDWHAT_CHAOS_KILLS", "5"))
SEED = int(os.environ.get("SAIDWHAT_CHAOS_SEED", "17"))
ARTICLES = 15


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    """15 small articles, an empty file and a binary one (rows in the errors table)."""
    folder = tmp_path_factory.mktemp("chaos")
    for n in range(ARTICLES):
        (folder / f"c{n:02d}.txt").write_text(article(n, 8), encoding="utf-8")
    (folder / "empty.txt").write_bytes(b"")
    (folder / "binary.txt").write_bytes(bytes(range(256)) * 8)
    return folder


def new_store(backend: str, tmp_path: Path, name: str):
    """(url, drop) of an empty store on ``backend``."""
    if backend == "sqlite":
        return str(tmp_path / f"{name}.db"), lambda: None
    return make_pg_database()


def table_rows(db: str) -> dict[str, list[tuple]]:
    """Every row of every table, sorted, in terms that two runs share: no surrogate ids (a
    reference to a row is that row's natural key: a document's content hash, a speaker's key
    and name, a statement's document and position) and no timestamps; of saidwhat_meta only
    the schema version (the speakers version counts commits, which kills change)."""
    from sqlalchemy import DateTime, select

    from saidwhat.store import open_store
    from saidwhat.store import schema as S

    out: dict[str, list[tuple]] = {}
    with open_store(db, create=False) as store, store.engine.connect() as conn:
        docs = dict(conn.execute(select(S.documents.c.id, S.documents.c.content_hash)).all())
        speakers = {r.id: (r.type, r.key, r.name) for r in conn.execute(
            select(S.speakers.c.id, S.speakers.c.type, S.speakers.c.key, S.speakers.c.name))}
        statements = {r.id: (docs[r.document_id], r.position) for r in conn.execute(
            select(S.statements.c.id, S.statements.c.document_id, S.statements.c.position))}
        natural = {"documents": docs, "speakers": speakers, "statements": statements}
        for table in S.metadata.sorted_tables:
            columns = [c for c in table.columns if not (c.primary_key and c.name == "id")
                       and not isinstance(c.type, DateTime)]
            rows = []
            for row in conn.execute(select(*columns)):
                values = []
                for column, value in zip(columns, row):
                    fk = next(iter(column.foreign_keys), None)
                    if fk is not None and value is not None:
                        value = natural[fk.column.table.name][value]
                    if isinstance(value, float):
                        value = round(value, 6)
                    values.append(value)
                rows.append(tuple(values))
            if table.name == "saidwhat_meta":
                rows = [r for r in rows if r[0] == "schema_version"]
            out[table.name] = sorted(rows, key=repr)
        if store.dialect == "sqlite":  # the full-text index agrees with its table
            conn.exec_driver_sql("INSERT INTO statements_fts(statements_fts) "
                                 "VALUES ('integrity-check')")
    return out


def ingest_args(folder: Path, db: str, workers: int) -> list[str]:
    return [sys.executable, "-m", "saidwhat.cli", "ingest", str(folder), "--db", db,
            "--workers", str(workers), "--no-progress", "--quiet"]


def stored(db: str) -> int:
    try:
        return counts(db)["documents"]
    except Exception:  # the store is being created, or not yet there
        return 0


def kill_at(args: list[str], db: str, *, after: float = 0.0, wait_for: int = 0,
            timeout: float = 240) -> str:
    """Run ingest; wait until ``wait_for`` documents are stored, then ``after`` seconds more,
    and SIGKILL it (unless it finished first). Returns what happened."""
    started = time.monotonic()
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while wait_for and proc.poll() is None and stored(db) < wait_for:
            assert time.monotonic() < started + timeout, "ingest did not get on"
            time.sleep(0.02)
        time.sleep(after)
        if proc.poll() is not None:
            return f"finished first (status {proc.returncode})"
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=60)
        return f"killed at {time.monotonic() - started:.2f} s, {stored(db)} stored"
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


@pytest.mark.parametrize("backend", BACKENDS)
def test_sigkill_at_random_points_then_rerun_equals_a_clean_run(backend, corpus, tmp_path):
    """Rounds of: an empty store, ingest killed at up to three random points (a random time
    within a clean run's duration, or a random delay after the next commit), each kill on
    the store the last one left, then a run to completion, compared with the clean run."""
    rng = random.Random(SEED)
    clean_db, drop_clean = new_store(backend, tmp_path, "clean")
    drops = [drop_clean]
    try:
        t0 = time.monotonic()
        clean = run_cli(*ingest_args(corpus, clean_db, 1)[3:])
        duration = time.monotonic() - t0
        assert clean.returncode == 1, clean.stderr  # 1: the two bad files failed
        expected = table_rows(clean_db)
        assert len(expected["documents"]) == ARTICLES and len(expected["errors"]) == 2
        assert expected["statements"] and expected["speakers"]

        kills = 0
        while kills < KILLS:
            db, drop = new_store(backend, tmp_path, f"chaos{kills}")
            drops.append(drop)
            history = []
            for _ in range(min(3, KILLS - kills)):
                have = stored(db)
                if have >= ARTICLES:
                    break
                workers = rng.choice((1, 1, 2))
                args = ingest_args(corpus, db, workers)
                if rng.random() < 0.6:
                    what = kill_at(args, db, after=rng.uniform(0, duration))
                else:
                    what = kill_at(args, db, wait_for=have + 1, after=rng.uniform(0, 0.5))
                history.append(f"{workers} workers: {what}")
                kills += 1
            print(history)  # shown when the test fails
            rerun = run_cli(*ingest_args(corpus, db, 1)[3:])
            assert rerun.returncode == 1, (history, rerun.stderr)
            assert "failed 2" in rerun.stderr, (history, rerun.stderr)
            got = table_rows(db)
            for table in expected:
                assert got[table] == expected[table], (table, history)
    finally:
        for drop in drops:
            drop()


# -- workers end with their parent ----------------------------------------------------------------

def children(pid: int) -> list[int]:
    """The live child processes of ``pid`` (from /proc: Linux)."""
    out = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid and fields[0] != "Z":
                out.append(int(entry.name))
    return out


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def wait_gone(pids: list[int], seconds: float) -> list[int]:
    end = time.monotonic() + seconds
    while time.monotonic() < end and any(alive(p) for p in pids):
        time.sleep(0.05)
    left = [p for p in pids if alive(p)]
    for p in left:  # so that a failing test leaves nothing behind
        os.kill(p, signal.SIGKILL)
    return left


linux_only = pytest.mark.skipif(not Path("/proc/self/stat").exists(),
                                      reason="reads processes from /proc (Linux)")


@linux_only
def test_ingest_workers_end_when_ingest_is_killed(tmp_path):
    folder = tmp_path / "many"
    folder.mkdir()
    for n in range(40):  # long enough that the workers are busy when the parent dies
        (folder / f"m{n:02d}.txt").write_text(article(n, 30), encoding="utf-8")
    proc = subprocess.Popen(ingest_args(folder, str(tmp_path / "w.db"), 2),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        while len(children(proc.pid)) < 2 and proc.poll() is None:
            assert time.monotonic() < deadline, "no worker processes started"
            time.sleep(0.05)
        while stored(str(tmp_path / "w.db")) < 1 and proc.poll() is None:
            assert time.monotonic() < deadline, "nothing stored"
            time.sleep(0.05)
        workers = children(proc.pid)
        assert proc.poll() is None and len(workers) >= 2, "ingest ended before the kill"
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        assert wait_gone(workers, 5) == [], "worker processes outlived the killed ingest"
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


SERVER = """
import time
from saidwhat.web.analysis import Analyzer
analyzer = Analyzer(2)
analyzer.start(warm=False)
pool = analyzer._current_pool()
for future in [pool.submit(time.sleep, 0.5) for _ in range(4)]:  # both workers started
    future.result()
print(" ".join(map(str, sorted(pool._processes))), flush=True)
time.sleep(300)
"""


@linux_only
def test_server_workers_end_when_the_server_is_killed():
    proc = subprocess.Popen([sys.executable, "-c", SERVER], stdout=subprocess.PIPE, text=True)
    try:
        workers = [int(p) for p in proc.stdout.readline().split()]
        assert len(workers) == 2 and all(alive(p) for p in workers)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        assert wait_gone(workers, 5) == [], "analysis workers outlived the killed server"
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_table_rows_sees_a_changed_row(corpus, tmp_path):
    """The comparison itself: a statement changed is a difference, a timestamp is not."""
    from saidwhat.store import open_store

    db = str(tmp_path / "one.db")
    result = run_cli(*ingest_args(corpus / "c00.txt", db, 1)[3:])
    assert result.returncode == 0, result.stderr
    before = table_rows(db)
    with open_store(db) as store, store.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE statements SET confidence = confidence / 2 "
                             "WHERE position = 0")
        conn.exec_driver_sql("UPDATE documents SET ingested_at = '2000-01-01 00:00:00'")
    after = table_rows(db)
    assert before["statements"] != after["statements"]
    assert before["documents"] == after["documents"]


# -- load: long texts do not hold up short ones -------------------------------------------------

def test_a_short_text_is_not_held_up_by_a_long_one():
    """One worker for short documents, one for long ones: a short request sent while a long
    one is being analysed is answered before it (with one pool it waited for it), and the long
    one is answered too, by a fresh process at a lower priority."""
    import asyncio

    from saidwhat.model import Document
    from saidwhat.pipeline import Options
    from saidwhat.web.analysis import Analyzer

    long_text = "".join(article(n, 30) for n in range(25))  # ~60,000 characters: seconds
    short_text = article(99, 2)
    analyzer = Analyzer(1, long_chars=20_000, long_workers=1)
    analyzer.start(warm=True)
    options = Options(techniques=False)
    try:
        assert analyzer.lane(Document(id="l", text=long_text)) is analyzer._long
        assert analyzer.lane(Document(id="s", text=short_text)) is analyzer._short

        async def both():
            done = []

            async def one(name, text):
                analysis = await analyzer.run(Document(id=name, text=text, source=name),
                                              options)
                done.append((name, analysis))

            long_task = asyncio.create_task(one("long", long_text))
            await asyncio.sleep(4)  # the long lane's process is started and analysing
            await one("short", short_text)
            assert not long_task.done(), "the long analysis was too quick to show anything"
            await long_task
            return done

        done = asyncio.run(both())
        assert [name for name, _ in done] == ["short", "long"]
        assert all(not a.errors and a.statements for _, a in done), done
    finally:
        analyzer.close()
