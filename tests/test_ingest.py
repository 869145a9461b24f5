"""`saidwhat ingest` end to end with the real pipeline, on SQLite and PostgreSQL: ingest,
re-ingest (no duplicates), kill -9 mid-ingest and rerun (counts equal a clean run), a hostile
folder, JSONL/WARC inputs, and the query commands' output formats. A handful of short
documents each: the analysis is the slow part."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from conftest import SEED, need
from test_store import BACKENDS, PG_URL, make_pg_database  # noqa: F401 (PG_URL for skips)

SPEAKERS = [("Igor Konashenkov", "Russia's Defense Ministry"), ("Maria Zakharova", "the Foreign "
            "Ministry"), ("John Kirby", "the State Department"), ("Staffan de Mistura", "the UN")]


def article(n: int, sentences: int = 24) -> str:
    lines = [f"Report number {n} from the conflict, day {n}."]
    for i in range(sentences):
        name, org = SPEAKERS[(n + i) % len(SPEAKERS)]
        if i % 3 == 0:
            lines.append(f"“Convoy {n}-{i} was never attacked by our aircraft,” {name} of "
                         f"{org} said on Monday.")
        elif i % 3 == 1:
            lines.append(f"{name.split()[-1]} denied that {100 + i} civilians had been hurt "
                         f"near checkpoint {n}-{i}.")
        else:
            lines.append(f"The spokesman said the talks on sector {n}-{i} would resume on "
                         f"Friday.")
    return "\n\n".join(lines) + "\n"


def run_cli(*args, timeout=300):
    return subprocess.run([sys.executable, "-m", "saidwhat.cli", *map(str, args)],
                          capture_output=True, text=True, timeout=timeout)


def counts(db) -> dict:
    from saidwhat.store import open_store

    with open_store(db, create=False) as s:
        return s.counts()


@pytest.fixture(params=BACKENDS)
def db(request, tmp_path):
    if request.param == "sqlite":
        yield str(tmp_path / "corpus.db")
    else:
        url, drop = make_pg_database()
        yield url
        drop()


@pytest.fixture(scope="module")
def small_folder(tmp_path_factory):
    folder = tmp_path_factory.mktemp("small")
    for n in range(3):
        (folder / f"a{n}.txt").write_text(article(n, 6), encoding="utf-8")
    (folder / "seed.txt").write_text(need(SEED).read_text(encoding="utf-8"), encoding="utf-8")
    return folder


def test_ingest_then_reingest_stores_nothing_twice(db, small_folder):
    first = run_cli("ingest", small_folder, "--db", db, "--workers", "2", "--no-techniques")
    assert first.returncode == 0, first.stderr
    assert "stored 4, skipped 0" in first.stderr and "failed 0" in first.stderr
    after_first = counts(db)
    assert after_first["documents"] == 4 and after_first["statements"] > 20
    again = run_cli("ingest", small_folder, small_folder / "a1.txt", "--db", db,
                    "--workers", "1")
    assert again.returncode == 0, again.stderr
    assert "stored 0, skipped 5" in again.stderr
    assert counts(db) == after_first

    # the founding example through the query command
    out = run_cli("query", "--db", db, "--speaker", "Konashenkov", "--format", "jsonl",
                  "--outlet", "nowhere")
    assert out.returncode == 0 and out.stdout == ""
    out = run_cli("query", "--db", db, "--speaker", "Igor Konashenkov", "--format", "jsonl")
    rows = [json.loads(line) for line in out.stdout.splitlines()]
    seed_rows = [r for r in rows if r["source"].endswith("seed.txt")]
    assert len(seed_rows) >= 8  # the founding example: 10 gold statements
    assert {r["speaker"] for r in rows} == {"Igor Konashenkov"}
    assert any("human shields" in (r["content"] or "") for r in seed_rows)
    speakers = run_cli("speakers", "--db", db, "--format", "csv", "--type", "PERSON")
    assert speakers.returncode == 0
    header, top = speakers.stdout.splitlines()[:2]
    assert "Konashenkov" in top  # the seed's speaker and the synthetic articles' are one


def test_kill_9_mid_ingest_then_rerun_equals_a_clean_run(db, tmp_path):
    folder = tmp_path / "kill"
    folder.mkdir()
    total = 40  # analyses come in batches of up to 16 documents (pool.BATCH_DOCS)
    for n in range(total):
        (folder / f"k{n:02d}.txt").write_text(article(n), encoding="utf-8")
    args = [sys.executable, "-m", "saidwhat.cli", "ingest", str(folder), "--db", db,
            "--workers", "1", "--no-techniques", "--no-progress"]
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 240
    stored = 0
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            stored = counts(db)["documents"]
        except Exception:  # the store is still being created
            stored = 0
        if stored >= 2:
            break
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL
    killed = counts(db)
    assert 2 <= killed["documents"] < total, killed
    rerun = run_cli(*args[3:])
    assert rerun.returncode == 0, rerun.stderr
    assert f"skipped {killed['documents']}" in rerun.stderr
    resumed = counts(db)

    clean_db = str(tmp_path / "clean.db")
    clean = run_cli("ingest", folder, "--db", clean_db, "--workers", "1", "--no-techniques")
    assert clean.returncode == 0, clean.stderr
    assert resumed == counts(clean_db)
    assert resumed["documents"] == total


@pytest.fixture(scope="module")
def hostile_folder(tmp_path_factory):
    from test_readers_more import make_warc

    folder = tmp_path_factory.mktemp("hostile")
    (folder / "empty.txt").write_bytes(b"")
    (folder / "binary.txt").write_bytes(bytes(range(256)) * 64)
    (folder / "latin1.txt").write_bytes("Der Bürgermeister sagte, er sei zufrieden. "
                                        .encode("latin-1") * 5)
    with open(folder / "huge.txt", "wb") as handle:  # 20 MB
        handle.write(b"The minister said that nothing happened at all. " * 430_000)
    make_warc(folder / "cut.warc.gz")
    data = (folder / "cut.warc.gz").read_bytes()
    (folder / "cut.warc.gz").write_bytes(data[:len(data) - 150])
    (folder / "good.txt").write_text(article(50, 3), encoding="utf-8")
    (folder / "good.html").write_text(
        "<html><head><title>Bridge</title></head><body><article><p>"
        + article(51, 3).replace("\n\n", "</p><p>") + "</p></article></body></html>",
        encoding="utf-8")
    return folder


def test_hostile_folder(hostile_folder, tmp_path):
    db = str(tmp_path / "hostile.db")
    assert (hostile_folder / "huge.txt").stat().st_size > 20_000_000
    result = run_cli("ingest", hostile_folder, "--db", db, "--workers", "1", "--no-techniques")
    assert result.returncode == 1  # some documents failed
    assert "Traceback" not in result.stderr
    from saidwhat.store import open_store

    with open_store(db, create=False) as s:
        errors = s.errors()
        docs = s.documents()
    by_file = {os.path.basename(src): code for src, code in zip(errors["source"],
                                                                 errors["code"])}
    assert by_file == {"empty.txt": "empty", "binary.txt": "binary", "latin1.txt": "encoding",
                       "huge.txt": "too_large", "cut.warc.gz": "warc_damaged"}
    stored = sorted(os.path.basename(s) for s in docs["source"])
    # the good files, and the two whole records before the cut in the WARC
    assert stored == sorted(["good.txt", "good.html", "1", "2"])
    assert "stored 4" in result.stderr and "failed 5" in result.stderr
    for name in by_file:
        assert name in result.stderr
    # a rerun retries only the failures and keeps one error row per source
    again = run_cli("ingest", hostile_folder, "--db", db, "--workers", "1", "--no-techniques")
    assert "stored 0, skipped 4" in again.stderr
    assert counts(db)["errors"] == 5


def test_jsonl_input_with_metadata_and_outputs(tmp_path):
    db = str(tmp_path / "j.db")
    lines = [
        {"id": "one", "text": article(60, 3), "outlet": "Daily A", "published": "2016-09-12",
         "title": "One", "url": "https://a.example/1"},
        {"id": "two", "text": article(61, 3), "url": "https://www.b.example/2"},
        {"id": "bad"},
    ]
    path = tmp_path / "in.jsonl"
    path.write_text("\n".join(json.dumps(x) for x in lines) + "\n", encoding="utf-8")
    meta = tmp_path / "meta.csv"
    meta.write_text("id,outlet,published\ntwo,Daily B,2016-09-21\n", encoding="utf-8")
    result = run_cli("ingest", path, "--db", db, "--workers", "1", "--no-techniques",
                     "--metadata", meta)
    assert result.returncode == 1 and "stored 2" in result.stderr and "failed 1" in result.stderr
    stats = run_cli("stats", "--db", db, "--by", "outlet", "--of", "acts", "--format", "csv")
    assert stats.returncode == 0
    assert {line.split(",")[0] for line in stats.stdout.splitlines()[1:]} == {"Daily A",
                                                                              "Daily B"}
    weekly = run_cli("stats", "--db", db, "--by", "week", "--format", "jsonl")
    assert [json.loads(x)["week"] for x in weekly.stdout.splitlines()] == ["2016-09-12",
                                                                            "2016-09-19"]
    parquet = tmp_path / "q.parquet"
    out = run_cli("query", "--db", db, "--act", "denial", "--format", "parquet", "-o", parquet)
    assert out.returncode == 0, out.stderr
    import pandas as pd

    frame = pd.read_parquet(parquet)
    assert len(frame) > 0 and set(frame["act"]) == {"denial"}
    csv_out = run_cli("query", "--db", db, "--since", "2016-09-20", "--format", "csv",
                      "--columns", "outlet,speaker,act")
    assert csv_out.stdout.splitlines()[0] == "outlet,speaker,act"
    assert {line.split(",")[0] for line in csv_out.stdout.splitlines()[1:]} == {"Daily B"}
    table = run_cli("query", "--db", db, "--text", "convoy", "--limit", "2")
    assert table.returncode == 0 and "2 statements" in table.stdout
    bad = run_cli("query", "--db", db, "--since", "yesterday")
    assert bad.returncode == 2 and "not a date" in bad.stderr
    missing = run_cli("query", "--db", str(tmp_path / "none.db"))
    assert missing.returncode == 2 and "no store at" in missing.stderr
