"""Regressions of issue 17 (hostile input, faults and load): a WARC.gz that hung, JSONL fields
of the wrong type, file names that are not UTF-8 and lone surrogates, cross-site writes and
foreign Host names, and integers or JSON numbers beyond what the store or JSON can hold.
Each failed before its fix: a hang, a traceback that ended the batch, a stored document, or
a 500."""
from __future__ import annotations

import gzip
import json
import os
import sqlite3
import subprocess
import sys

import pytest

from test_readers_more import warc_record

BIG = "99999999999999999999"  # over 2**63: the database driver raised on it (a 500)
MAYOR = "The mayor said that the bridge would reopen in May after the long repairs.\n"
SENATOR = "The senator said that taxes would fall next year, according to the plan.\n"


def cli(*args, stdin: bytes | None = None, timeout: float = 300):
    return subprocess.run([sys.executable, "-m", "saidwhat.cli", *map(str, args)],
                          input=stdin, capture_output=True, timeout=timeout)


def jsonl_lines(result) -> list[dict]:
    return [json.loads(line) for line in result.stdout.decode().splitlines()]


def db_rows(db, sql: str) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql).fetchall()


# -- 1. a WARC.gz whose first record inflates past 64 KiB ---------------------------------------

def big_page(paragraphs: int = 880) -> bytes:
    body = "".join(f"<p>Paragraph {i}: the minister said that road {i * 7} would reopen in "
                   f"{1990 + i % 30} after repairs.</p>" for i in range(paragraphs))
    return (f"<!doctype html><html><head><title>Long story</title></head><body><article>"
            f"<h1>Long story</h1>{body}</article></body></html>").encode()


def test_warc_gz_with_a_record_over_64_kib_then_another_is_read_whole(tmp_path):
    page = big_page()
    assert 70_000 < len(page) < 90_000  # the ~79 KB page of the report
    second = (b"<!doctype html><html><head><title>Short</title></head><body><article><p>"
              + MAYOR.encode() + b"</p></article></body></html>")
    path = tmp_path / "two.warc.gz"
    # Each record its own gzip member, as real WARC.gz files are written.
    path.write_bytes(gzip.compress(warc_record("https://www.example.com/long", page))
                     + gzip.compress(warc_record("https://www.example.com/short", second)))
    script = ("import json, sys\n"
              "from saidwhat.read.warc import gzip_problem, read_warc\n"
              "items = list(read_warc(sys.argv[1]))\n"
              "print(json.dumps({'problem': gzip_problem(sys.argv[1]), 'items': [\n"
              "    [type(i).__name__, getattr(i, 'url', None), len(getattr(i, 'text', ''))]\n"
              "    for i in items]}))\n")
    # In a subprocess with a timeout: the bug was an endless loop, which must fail, not hang.
    try:
        result = subprocess.run([sys.executable, "-c", script, str(path)], capture_output=True,
                                text=True, timeout=90)
    except subprocess.TimeoutExpired:
        pytest.fail("reading a two-record WARC.gz did not finish in 90 s")
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert out["problem"] is None
    assert [item[:2] for item in out["items"]] == [
        ["Document", "https://www.example.com/long"],
        ["Document", "https://www.example.com/short"]]
    assert out["items"][0][2] > 30_000  # the long page's text, not a stub


# -- 2. JSONL fields of the wrong type ----------------------------------------------------------

WRONG_TYPES = [  # (record, field, JSON type named in the message)
    ({"html": "<html><body><article><p>" + MAYOR + "</p></article></body></html>", "url": 7},
     "url", "integer"),
    ({"text": MAYOR, "url": ["a"]}, "url", "array"),
    ({"text": 12345}, "text", "integer"),
    ({"text": MAYOR, "outlet": {"o": 1}}, "outlet", "object"),
    ({"text": MAYOR, "title": 1.5}, "title", "number"),
    ({"text": MAYOR, "published": False}, "published", "boolean"),
    ({"text": MAYOR, "id": True}, "id", "boolean"),
]


@pytest.fixture(scope="module")
def wrong_types_jsonl(tmp_path_factory):
    path = tmp_path_factory.mktemp("jsonl") / "wrong.jsonl"
    records = [r for r, _, _ in WRONG_TYPES]
    records += [{"id": 42, "text": SENATOR, "outlet": "Daily A", "url": None}]  # a good one
    path.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    return path


def test_read_jsonl_names_the_wrong_field_and_type():
    from saidwhat.model import Document
    from saidwhat.read import ReadFailure, read_jsonl

    lines = [json.dumps(r) for r, _, _ in WRONG_TYPES] + [json.dumps({"id": 7, "text": MAYOR})]
    items = list(read_jsonl(lines, source="in.jsonl"))
    for item, (_, field, found) in zip(items, WRONG_TYPES):
        assert isinstance(item, ReadFailure), item
        assert item.error.code == "bad_field"
        assert f'"{field}"' in str(item.error) and f"JSON {found}" in str(item.error)
    assert isinstance(items[-1], Document) and items[-1].id == "7"  # an integer id is an id


def test_analyze_jsonl_with_wrong_types_goes_on(wrong_types_jsonl):
    result = cli("analyze", wrong_types_jsonl, "--format", "jsonl", "--no-techniques")
    err = result.stderr.decode()
    assert "Traceback" not in err
    lines = jsonl_lines(result)
    assert len(lines) == len(WRONG_TYPES) + 1
    for line, (_, field, found) in zip(lines, WRONG_TYPES):
        assert [e["code"] for e in line["errors"]] == ["bad_field"]
        assert f'"{field}"' in line["errors"][0]["message"]
        assert line["statements"] == []
    assert err.count("error [bad_field]") == len(WRONG_TYPES)
    good = lines[-1]
    assert not good["errors"] and good["id"] == "42" and good["meta"]["outlet"] == "Daily A"
    assert good["statements"][0]["speaker"]["name"].lower() == "the senator"
    assert result.returncode == 1


def test_ingest_jsonl_with_wrong_types_goes_on(wrong_types_jsonl, tmp_path):
    db = tmp_path / "wrong.db"
    result = cli("ingest", wrong_types_jsonl, "--db", db, "--workers", "1", "--no-techniques")
    err = result.stderr.decode()
    assert "Traceback" not in err, err
    assert f"stored 1, skipped 0 (already stored), failed {len(WRONG_TYPES)}" in err
    errors = db_rows(db, "SELECT source, code FROM errors ORDER BY source")
    assert errors == [(f"{wrong_types_jsonl}:{n}", "bad_field")
                      for n in range(1, len(WRONG_TYPES) + 1)]
    assert db_rows(db, "SELECT doc_key, outlet FROM documents") == [("42", "Daily A")]


# -- 3. file names that are not UTF-8, lone surrogates ------------------------------------------

@pytest.fixture
def bad_name_folder(tmp_path):
    folder = tmp_path / "names"
    folder.mkdir()
    try:
        fd = os.open(os.fsencode(folder) + b"/bad\xff.txt", os.O_WRONLY | os.O_CREAT, 0o644)
    except OSError as exc:  # a file system that refuses such names
        pytest.skip(f"cannot create a file name that is not UTF-8 here: {exc}")
    os.write(fd, MAYOR.encode())
    os.close(fd)
    (folder / "good.txt").write_text(SENATOR, encoding="utf-8")
    return folder


def test_analyze_folder_with_a_file_name_that_is_not_utf8(bad_name_folder):
    result = cli("analyze", bad_name_folder, "--format", "jsonl", "--no-techniques")
    assert "Traceback" not in result.stderr.decode(), result.stderr.decode()
    assert result.returncode == 0
    lines = jsonl_lines(result)
    assert [line["source"].rsplit("/", 1)[-1] for line in lines] == ["bad\\xff.txt",
                                                                     "good.txt"]
    assert all(line["statements"] and not line["errors"] for line in lines)


def test_ingest_folder_with_a_file_name_that_is_not_utf8(bad_name_folder, tmp_path):
    db = tmp_path / "names.db"
    result = cli("ingest", bad_name_folder, "--db", db, "--workers", "1", "--no-techniques")
    assert "Traceback" not in result.stderr.decode(), result.stderr.decode()
    assert result.returncode == 0 and "stored 2" in result.stderr.decode()
    sources = sorted(os.path.basename(s) for (s,) in db_rows(db, "SELECT source FROM documents"))
    assert sources == ["bad\\xff.txt", "good.txt"]


def test_lone_surrogate_in_jsonl_text_is_replaced_and_the_batch_goes_on():
    text = "The mayor said that the bridge \ud800 would reopen in May."
    stdin = (json.dumps({"id": "s", "text": text, "title": "T\udfff"}) + "\n"
             + json.dumps({"id": "t", "text": SENATOR}) + "\n").encode()
    assert b"\\ud800" in stdin  # escaped in the JSON, as a producer writes it
    result = cli("analyze", "-", "--format", "jsonl", "--no-techniques", stdin=stdin)
    assert "Traceback" not in result.stderr.decode(), result.stderr.decode()
    assert result.returncode == 0
    first, second = jsonl_lines(result)
    assert first["text"] == text.replace("\ud800", "\ufffd")  # same length: offsets hold
    assert first["meta"]["title"] == "T\ufffd" and first["statements"]
    assert second["id"] == "t" and second["statements"]


# -- 4 and 5. the web server --------------------------------------------------------------------

pytest.importorskip("fastapi")
pytest.importorskip("httpx")

from fastapi.testclient import TestClient  # noqa: E402

ORIGIN = "http://127.0.0.1:8000"


@pytest.fixture(scope="module")
def web(tmp_path_factory):
    from saidwhat.web.app import create_app

    app = create_app(str(tmp_path_factory.mktemp("web") / "web.db"), workers=0, warm=False)
    with TestClient(app, base_url=ORIGIN) as client:
        yield client


def documents(web) -> int:
    return web.get("/api/summary").json()["documents"]


def test_lone_surrogate_in_the_api_is_no_500(web):
    body = json.dumps({"text": MAYOR.replace("bridge", "bridge \ud800"), "title": "\udc80",
                       "techniques": False, "store": True})
    r = web.post("/api/analyse", content=body, headers={"content-type": "application/json"})
    assert r.status_code == 200, r.text
    assert "bridge \ufffd would" in r.json()["text"] and r.json()["meta"]["title"] == "\ufffd"
    stored = web.get(r.headers["location"]).json()["analysis"]
    assert stored["text"] == r.json()["text"]
    # A body of the wrong shape is still FastAPI's 422, even with a surrogate in it.
    r = web.post("/api/analyse", content='{"t\\ud800xt": "a"}',
                 headers={"content-type": "application/json"})
    assert r.status_code == 422 and "detail" in r.json()


@pytest.mark.parametrize("headers", [{"origin": "http://evil.example"},
                                     {"origin": "null"},
                                     {"referer": "http://evil.example/page"},
                                     {"origin": "http://127.0.0.1:8001"},
                                     {"origin": "https://127.0.0.1.evil.example:8000"}])
def test_cross_site_posts_are_refused(web, headers):
    before = documents(web)
    r = web.post("/analyse", data={"text": SENATOR, "store": "1"}, headers=headers,
                 follow_redirects=False)
    assert r.status_code == 403 and "text/html" in r.headers["content-type"]
    assert "another site" in r.text
    r = web.post("/api/analyse", json={"text": SENATOR, "store": True, "techniques": False},
                 headers=headers)
    assert r.status_code == 403 and r.json()["error"]["code"] == "cross_origin"
    r = web.post("/api/analyse/upload", files={"file": ("a.txt", SENATOR.encode())},
                 data={"store": "true"}, headers=headers)
    assert r.status_code == 403
    assert documents(web) == before  # nothing was stored


@pytest.mark.parametrize("headers", [{}, {"origin": ORIGIN}, {"referer": ORIGIN + "/"},
                                     {"origin": "HTTP://127.0.0.1:8000"}])
def test_own_and_headerless_posts_pass(web, headers):
    r = web.post("/api/analyse", json={"text": SENATOR, "techniques": False}, headers=headers)
    assert r.status_code == 200, r.text
    r = web.post("/analyse", data={"text": MAYOR, "store": "1"}, headers=headers,
                 follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/articles/")


def test_same_host_rule():
    from saidwhat.web.app import same_host

    assert same_host("http://localhost", "localhost")
    assert same_host("https://news.example", "news.example")  # behind a TLS proxy
    assert same_host("http://[::1]:8000", "[::1]:8000")
    assert not same_host("http://localhost:80", "localhost:8000")
    assert not same_host("http://a.example", "b.example")
    assert not same_host("http://localhost:99999", "localhost")
    assert not same_host("javascript:alert(1)", "localhost")


def test_foreign_host_names_get_400(web):
    for host in ("127.0.0.1:8000", "localhost:8000", "[::1]:8000", "localhost"):
        assert web.get("/api/summary", headers={"host": host}).status_code == 200, host
    for host in ("evil.example", "evil.example:8000", "127.0.0.1.evil.example"):
        assert web.get("/api/summary", headers={"host": host}).status_code == 400, host
        assert web.post("/api/analyse", json={"text": SENATOR},
                        headers={"host": host}).status_code == 400, host
    assert web.get("/").headers["referrer-policy"] == "same-origin"


def test_serve_allowed_hosts(tmp_path):
    from saidwhat.cli import build_parser
    from saidwhat.commands.serve import allowed_hosts
    from saidwhat.web.app import create_app

    args = build_parser().parse_args(["serve", "--host", "0.0.0.0", "--allowed-host",
                                      "news.lan", "--allowed-host", "10.0.0.5"])
    hosts = allowed_hosts(args.host, args.allowed_host)
    assert hosts == ["0.0.0.0", "localhost", "127.0.0.1", "::1", "news.lan", "10.0.0.5"]
    assert allowed_hosts("127.0.0.1", None) == ["127.0.0.1", "localhost", "::1"]
    with TestClient(create_app(str(tmp_path / "hosts.db"), workers=0, warm=False,
                               allowed_hosts=hosts),
                    base_url="http://news.lan:8000") as client:
        assert client.get("/api/summary").status_code == 200
        assert client.get("/api/summary", headers={"host": "10.0.0.5"}).status_code == 200
        assert client.get("/api/summary", headers={"host": "[::1]"}).status_code == 200
        assert client.get("/api/summary", headers={"host": "other.lan"}).status_code == 400


@pytest.mark.parametrize("path", [
    f"/api/documents/{BIG}", f"/api/documents?offset={BIG}", f"/api/statements?offset={BIG}",
    f"/api/statements?document_id={BIG}", f"/api/statements?speaker_id=1&speaker_id={BIG}",
    f"/api/speakers/{BIG}", f"/api/speakers?min_statements={BIG}",
    f"/articles/{BIG}", f"/articles?offset={BIG}", f"/speakers/{BIG}",
    f"/speakers?limit={BIG}"])
def test_huge_integers_get_400(web, path):
    r = web.get(path)
    assert r.status_code in (200, 400), (path, r.status_code)  # never a 500
    if path.startswith("/api"):
        assert r.status_code == 400 and r.json()["error"]["code"] == "bad_option"
        assert "less than or equal to 9223372036854775807" in r.json()["error"]["message"]
    elif "limit" not in path:  # /speakers caps its limit at 1000 and answers
        assert r.status_code == 400 and "less than or equal" in r.text


@pytest.mark.parametrize("body", [b'{"text": "Hello.", "techniques": 1e999}',
                                  b'{"text": NaN}', b'{"text": "Hello.", "title": -Infinity}',
                                  b'{"text": '])
def test_bad_json_bodies_get_400(web, body):
    r = web.post("/api/analyse", content=body, headers={"content-type": "application/json"})
    assert r.status_code == 400, r.text
    error = r.json()["error"]
    assert error["code"] == "bad_json" and error["message"].startswith("the request body is")
    # A body that is not UTF-8 is FastAPI's own 400.
    r = web.post("/api/analyse", content=b'{"text": "caf\xe9"}',
                 headers={"content-type": "application/json"})
    assert r.status_code == 400


def test_cli_huge_integers_are_a_clear_error(tmp_path):
    from saidwhat.store import open_store

    db = tmp_path / "empty.db"
    open_store(str(db)).close()
    for args in (["query", "--limit", BIG], ["query", "--speaker-id", BIG],
                 ["speakers", "--limit", BIG], ["speakers", "--min-statements", BIG],
                 ["query", "--limit", "ten"]):
        result = cli(*args, "--db", db)
        err = result.stderr.decode()
        assert result.returncode == 2 and "Traceback" not in err, (args, err)
        assert "is not a whole number from 0 to 9,223,372,036,854,775,807" in err, args
    assert cli("query", "--limit", "5", "--db", db).returncode == 0
