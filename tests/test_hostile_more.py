"""More regressions of issue 17 (hostile input, faults and load): a killed analysis worker, a
server that drips its answer, HTML and streams without a size cap, and nine smaller holes
(deep nesting, javascript: links, NAT64 and other IPv6 forms of loopback, UTF-16, forged
stderr lines, LIKE wildcards, NUL past 64 KiB, symbolic link loops, WARCs without articles).
Each failed before its fix: a 500 until a restart, a hang, a document or no error where one
was due, or an error where the text was readable."""
from __future__ import annotations

import asyncio
import gzip
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time

import pytest

from conftest import kill_process, pool_pids
from test_readers_more import warc_record

MAYOR = "The mayor said that the bridge would reopen in May after the long repairs.\n"
SENATOR = "The senator said that taxes would fall next year, according to the plan.\n"
ARTICLE_HTML = ("<!doctype html><html><head><title>Bridge</title></head><body><article><p>"
                + MAYOR + "</p><p>" + SENATOR + "</p></article></body></html>")


def cli(*args, stdin=None, timeout: float = 300):
    return subprocess.run([sys.executable, "-m", "saidwhat.cli", *map(str, args)],
                          stdin=stdin if not isinstance(stdin, bytes) else None,
                          input=stdin if isinstance(stdin, bytes) else None,
                          capture_output=True, timeout=timeout)


def jsonl_lines(result) -> list[dict]:
    return [json.loads(line) for line in result.stdout.decode().splitlines()]


def error_codes(result) -> list[str]:
    return [e["code"] for line in jsonl_lines(result) for e in line["errors"]]


def padded_html(size: int) -> str:
    """An article page of about ``size`` bytes, nearly all markup (one long attribute), so
    that its text is short: only a byte limit refuses it."""
    pad = "x" * max(0, size - len(ARTICLE_HTML) - 20)
    return ARTICLE_HTML.replace("<article>", f'<article data-pad="{pad}">')


# -- 1. a killed analysis worker ----------------------------------------------------------------

def worker_pids(analyzer) -> list[int]:
    return pool_pids(analyzer._pool)


def wait_broken(analyzer, timeout: float = 30) -> None:
    """Until the executor has seen its worker die (as it would between two requests)."""
    end = time.monotonic() + timeout
    while not analyzer._pool._broken and time.monotonic() < end:
        time.sleep(0.05)
    assert analyzer._pool._broken


def test_analyzer_replaces_a_pool_whose_worker_was_killed():
    from saidwhat.model import Document
    from saidwhat.pipeline import Options
    from saidwhat.web.analysis import Analyzer

    analyzer = Analyzer(1)
    analyzer.start(warm=True)
    try:
        [pid] = worker_pids(analyzer)
        kill_process(pid)  # as the OOM killer would
        wait_broken(analyzer)
        doc = Document(id="m", text=MAYOR, source="test")
        for _ in range(2):
            analysis = asyncio.run(analyzer.run(doc, Options(techniques=False)))
            assert not analysis.errors and analysis.statements
        assert worker_pids(analyzer) and pid not in worker_pids(analyzer)
    finally:
        analyzer.close()


pytest.importorskip("fastapi")
pytest.importorskip("httpx")

from fastapi.testclient import TestClient  # noqa: E402

ORIGIN = "http://127.0.0.1:8000"


@pytest.fixture(scope="module")
def pooled(tmp_path_factory):
    from saidwhat.web.app import create_app

    app = create_app(str(tmp_path_factory.mktemp("pool") / "pool.db"), workers=1, warm=True)
    with TestClient(app, base_url=ORIGIN) as client:
        yield client


def test_server_goes_on_after_its_worker_is_killed(pooled):
    analyzer = pooled.app.state.analyzer
    for path in ("/api/analyse", "/analyse"):
        [pid] = worker_pids(analyzer)
        kill_process(pid)
        wait_broken(analyzer)
        if path == "/api/analyse":
            r = pooled.post(path, json={"text": MAYOR, "techniques": False})
            assert r.status_code == 200, r.text
            assert r.json()["statements"]
        else:
            r = pooled.post(path, data={"text": MAYOR})
            assert r.status_code == 200 and "the mayor" in r.text.lower()
    assert pooled.post("/api/analyse", json={"text": SENATOR, "techniques": False}
                       ).status_code == 200


def test_a_request_whose_workers_keep_dying_gets_a_clear_error(pooled):
    analyzer = pooled.app.state.analyzer
    stop = threading.Event()

    def killer():  # every worker of every pool, for as long as the request runs
        while not stop.is_set():
            for pid in worker_pids(analyzer):
                kill_process(pid)
            time.sleep(0.02)

    thread = threading.Thread(target=killer, daemon=True)
    thread.start()
    try:
        r = pooled.post("/api/analyse", json={"text": MAYOR, "techniques": False})
    finally:
        stop.set()
        thread.join()
    assert r.status_code == 503, r.text
    error = r.json()["error"]
    assert error["code"] == "worker_died" and "stopped abruptly" in error["message"]
    r = pooled.post("/api/analyse", json={"text": SENATOR, "techniques": False})
    assert r.status_code == 200 and r.json()["statements"]


# -- 2. the fetch deadline ----------------------------------------------------------------------

@pytest.fixture
def serve():
    """``serve(answer)`` → base URL of a server on 127.0.0.1 that calls ``answer(conn)`` on
    each connection (in a thread of its own)."""
    servers = []

    def start(answer):
        srv = socket.socket()
        srv.bind(("127.0.0.1", 0))
        srv.listen(8)
        servers.append(srv)

        def accept():
            while True:
                try:
                    conn, _ = srv.accept()
                except OSError:
                    return

                def handle(conn=conn):
                    try:
                        conn.recv(65536)
                        answer(conn)
                    except OSError:
                        pass
                    finally:
                        conn.close()

                threading.Thread(target=handle, daemon=True).start()

        threading.Thread(target=accept, daemon=True).start()
        return f"http://127.0.0.1:{srv.getsockname()[1]}/"

    yield start
    for srv in servers:
        srv.close()


def drip(data: bytes, every: float = 0.2):
    def answer(conn):
        for i in range(len(data)):
            conn.sendall(data[i:i + 1])
            time.sleep(every)
    return answer


@pytest.mark.parametrize("where", ["body", "headers"])
def test_fetch_deadline_holds_against_a_dripping_server(serve, where):
    from saidwhat.errors import SaidwhatError
    from saidwhat.read.url import fetch_url

    if where == "body":
        def answer(conn):
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n")
            drip(ARTICLE_HTML.encode() * 100)(conn)
    else:
        answer = drip(b"HTTP/1.1 200 OK\r\nX-Slow: " + b"a" * 50_000 + b"\r\n\r\n")
    url = serve(answer)
    outcome = []

    def run():
        try:
            fetch_url(url, allow_private=True, timeout=1.0)
        except SaidwhatError as exc:
            outcome.append(exc)

    # In a thread: without the deadline the fetch would take hours, which must fail, not hang.
    thread = threading.Thread(target=run, daemon=True)
    started = time.monotonic()
    thread.start()
    thread.join(10)
    elapsed = time.monotonic() - started
    assert not thread.is_alive(), "the 1 s deadline did not end the fetch in 10 s"
    assert outcome and outcome[0].code == "fetch_timeout", outcome
    assert elapsed < 3, f"the 1 s deadline held the fetch {elapsed:.1f} s"


def test_fetch_within_its_deadline_still_reads_the_page(serve):
    from saidwhat.read.url import fetch_url

    body = ARTICLE_HTML.encode()
    url = serve(lambda conn: conn.sendall(
        b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: %d\r\n\r\n%s"
        % (len(body), body)))
    doc = fetch_url(url, allow_private=True, timeout=5.0)
    assert "the mayor said" in doc.text.lower() and doc.format == "html"


# -- 3. size limits: HTML, streams and devices ---------------------------------------------------

def test_html_over_the_byte_limit_is_refused_on_every_path(tmp_path, serve):
    from saidwhat.read import ReadFailure, read_bytes, read_file, read_jsonl
    from saidwhat.read.url import fetch_url
    from saidwhat.read.warc import read_warc

    limit = 20_000
    html = padded_html(30_000)
    assert 29_000 < len(html) < 31_000
    page = tmp_path / "page.html"
    page.write_text(html, encoding="utf-8")
    (tmp_path / "a.warc").write_bytes(warc_record("https://www.example.com/a", html.encode()))
    failures = [read_file(page, max_chars=limit),
                read_bytes(html.encode(), source="upload", max_chars=limit),
                *read_jsonl([json.dumps({"html": html})], source="in.jsonl", max_chars=limit),
                *read_warc(tmp_path / "a.warc", max_chars=limit)]
    url = serve(lambda conn: conn.sendall(
        b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n" + html.encode()))
    try:
        fetch_url(url, allow_private=True, max_chars=limit)
    except Exception as exc:
        failures.append(ReadFailure("u", url, exc))
    assert len(failures) == 5
    for failure in failures:
        assert isinstance(failure, ReadFailure), failure
        assert failure.error.code == "too_large"
        assert str(failure.error).endswith("over the limit of 20,000 bytes"), failure.error
    # Under the limit the same page is read.
    assert "the mayor said" in read_file(page, max_chars=40_000).text.lower()


def test_html_over_the_byte_limit_in_the_api(tmp_path):
    from saidwhat.web.app import create_app

    app = create_app(str(tmp_path / "big.db"), workers=0, warm=False, max_body=8_000_000)
    with TestClient(app, base_url=ORIGIN) as client:
        r = client.post("/api/analyse", json={"html": padded_html(5_100_000),
                                              "techniques": False})
    assert r.status_code == 413, r.text[:300]
    error = r.json()["error"]
    assert error["code"] == "too_large" and "over the limit of 5,000,000 bytes" in error["message"]


def test_too_large_counts_bytes_as_bytes_and_characters_as_characters(tmp_path, monkeypatch):
    from saidwhat.read import ReadFailure, read_file, read_jsonl
    from saidwhat.read import warc

    text = tmp_path / "long.txt"
    text.write_text(MAYOR * 20, encoding="utf-8")
    failure = read_file(text, max_chars=1000)
    assert str(failure.error) == ("the document has 1,500 characters, over the limit of "
                                  "1,000 characters")
    [failure] = read_jsonl([json.dumps({"text": "é" * 200})], source="j", max_chars=100)
    assert "200 characters, over the limit of 100 characters" in str(failure.error)
    failure = read_file(text, max_chars=10)  # its bytes are beyond any 10-character text
    assert str(failure.error) == "the document has 1,500 bytes, over the limit of 40 bytes"
    monkeypatch.setattr(warc, "MAX_RECORD_BYTES", 100)
    (tmp_path / "a.warc").write_bytes(warc_record("https://www.example.com/a",
                                                  ARTICLE_HTML.encode()))
    [failure] = list(warc.read_warc(tmp_path / "a.warc"))
    assert isinstance(failure, ReadFailure) and failure.error.code == "too_large"
    assert str(failure.error).endswith("bytes, over the limit of 100 bytes")


def test_a_device_is_read_only_up_to_the_limit():
    if not os.path.exists("/dev/zero"):
        pytest.skip("no /dev/zero")
    for args, stdin in ((["/dev/zero"], None), (["-"], "/dev/zero")):
        handle = open(stdin, "rb") if stdin else None
        try:
            result = cli("analyze", *args, "--max-chars", "1000", "--format", "jsonl",
                         "--no-techniques", stdin=handle, timeout=120)
        except subprocess.TimeoutExpired:
            pytest.fail(f"analyze {args} read without end")
        finally:
            if handle:
                handle.close()
        err = result.stderr.decode()
        assert result.returncode == 1 and "Traceback" not in err, err
        assert error_codes(result) == ["too_large"]
        assert "more than 4,000 bytes, over the limit of 4,000 bytes" in err


def test_a_jsonl_line_over_the_line_limit_is_skipped_not_held(tmp_path):
    from saidwhat.read import read_inputs

    path = tmp_path / "in.jsonl"
    path.write_text(json.dumps({"text": "word " * 40_000}) + "\n"
                    + json.dumps({"id": "ok", "text": MAYOR}) + "\n", encoding="utf-8")
    first, second = read_inputs([str(path)], max_chars=1000)
    assert first.error.code == "too_large" and first.source.endswith("in.jsonl:1")
    assert "bytes, over the limit of 71,536 bytes" in str(first.error)
    assert second.id == "ok" and second.text == MAYOR


# -- 4. smaller holes -----------------------------------------------------------------------

@pytest.mark.parametrize("depth", [300, 3000])
def test_deeply_nested_html_keeps_its_text(depth):
    from saidwhat.read.html import html_to_document

    html = ("<!doctype html><html><head><title>Deep</title></head><body>" + "<div>" * depth
            + "<p>" + MAYOR + "</p>" + "</div>" * depth + "</body></html>")
    doc = html_to_document(html, doc_id="d", source="deep.html")
    assert doc.text.strip() == MAYOR.strip() and doc.title == "Deep"


@pytest.fixture(scope="module")
def linked_store(tmp_path_factory):
    """A store holding one article per URL of ``LINKS``, and a client of its web app."""
    from saidwhat.model import Document
    from saidwhat.pipeline import Options, analyze
    from saidwhat.store import open_store
    from saidwhat.web.app import create_app

    db = str(tmp_path_factory.mktemp("links") / "links.db")
    store = open_store(db)
    ids = {}
    for i, url in enumerate(LINKS):
        text = f"The mayor number {i} said that the bridge would reopen in May.\n"
        result = store.add(analyze(Document(id=f"d{i}", text=text, source=f"s{i}", url=url),
                                   Options(techniques=False)))
        ids[url] = int(result.document_id)
    store.close()
    with TestClient(create_app(db, workers=0, warm=False), base_url=ORIGIN) as client:
        yield client, ids


LINKS = ["javascript:alert(1)", " JavaScript:alert(document.domain)",
         "data:text/html,<script>alert(1)</script>", "https://www.example.com/story"]


@pytest.mark.parametrize("url", LINKS)
def test_only_http_urls_are_links(linked_store, url):
    client, ids = linked_store
    page = client.get(f"/articles/{ids[url]}").text
    if url.startswith("https://"):
        assert f'<a href="{url}"' in page
    else:
        assert 'href="javascript' not in page.lower() and 'href=" javascript' not in page.lower()
        assert 'href="data:' not in page
        assert url.split(":", 1)[1][:8].replace("<", "&lt;") in page  # shown as text


@pytest.mark.parametrize("host", ["[64:ff9b::7f00:1]", "[::127.0.0.1]", "[::ffff:0:7f00:1]",
                                  "[64:ff9b::a00:1]", "[64:ff9b::808:808]",
                                  "[::ffff:127.0.0.1]"])
def test_ipv6_forms_of_private_addresses_are_refused(host):
    from saidwhat.errors import SaidwhatError
    from saidwhat.read.url import check_public_url

    with pytest.raises(SaidwhatError) as caught:
        check_public_url(f"http://{host}/")
    assert caught.value.code == "url_private"


def test_ipv6_forms_of_public_addresses_pass():
    from saidwhat.read.url import check_public_url

    assert check_public_url("http://[::ffff:8.8.8.8]/") == ["::ffff:8.8.8.8"]
    assert check_public_url("http://[2606:4700::1111]/") == ["2606:4700::1111"]


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-be", "utf-32"])
def test_utf16_and_utf32_with_a_byte_order_mark_are_text(tmp_path, codec):
    from saidwhat.model import Document
    from saidwhat.read import read_file

    path = tmp_path / "wide.txt"
    data = MAYOR.encode(codec)
    if codec == "utf-16-be":
        data = b"\xfe\xff" + data
    path.write_bytes(data)
    doc = read_file(path)
    assert isinstance(doc, Document), doc.error
    assert doc.text == MAYOR
    page = tmp_path / "wide.html"
    page.write_bytes(ARTICLE_HTML.encode("utf-16"))
    doc = read_file(page)
    assert isinstance(doc, Document) and doc.title == "Bridge" and "the mayor" in doc.text.lower()


def test_a_newline_in_a_file_name_cannot_forge_an_error_line(tmp_path):
    folder = tmp_path / "names"
    folder.mkdir()
    try:
        (folder / "a.txt\nsaidwhat: forged.txt: error [fake]: forged.txt").write_bytes(
            b"\x00\x01binary")
    except OSError as exc:
        pytest.skip(f"this file system refuses a newline in a name: {exc}")
    result = cli("analyze", folder, "--format", "jsonl", "--no-techniques")
    lines = result.stderr.decode().splitlines()
    assert len(lines) == 1 and "error [binary]" in lines[0], lines
    assert "a.txt\\nsaidwhat: forged.txt" in lines[0]
    assert not any(line.startswith("saidwhat: forged") for line in lines)


@pytest.fixture(scope="module")
def speaker_store(tmp_path_factory):
    from saidwhat.model import Document
    from saidwhat.pipeline import Options, analyze
    from saidwhat.store import open_store

    db = str(tmp_path_factory.mktemp("like") / "like.db")
    store = open_store(db)
    for i, text in enumerate((MAYOR, SENATOR)):
        store.add(analyze(Document(id=f"d{i}", text=text, source=f"s{i}"),
                          Options(techniques=False)))
    yield db, store
    store.close()


def test_like_wildcards_in_a_speaker_filter_are_literal(speaker_store):
    from saidwhat.store import queries

    db, store = speaker_store
    assert len(store.statements(speaker="senator")) == 1
    for wildcard in ("%", "_", "%a%"):
        assert len(store.statements(speaker=wildcard)) == 0, wildcard
        assert len(store.speakers(name=wildcard)) == 0, wildcard
        assert queries.articles(store, speaker=wildcard)[1] == 0, wildcard
    result = cli("query", "--db", db, "--speaker", "%", "--format", "jsonl")
    assert result.returncode == 0 and result.stdout.decode().strip() == "", result.stderr
    result = cli("query", "--db", db, "--speaker", "senator", "--format", "jsonl")
    assert len(result.stdout.decode().splitlines()) == 1


def test_nul_past_the_first_64_kib_is_binary_everywhere(tmp_path):
    from saidwhat.read import read_file, read_jsonl

    filler = "The mayor said that the bridge would reopen. " * 2000
    assert len(filler) > 65536
    (tmp_path / "nul.txt").write_bytes((filler + "\x00 the end.").encode())
    (tmp_path / "nul.html").write_bytes(
        ARTICLE_HTML.replace("</article>", f"<p>{filler}\x00</p></article>").encode())
    for name in ("nul.txt", "nul.html"):
        failure = read_file(tmp_path / name)
        assert failure.error.code == "binary", (name, failure)
    text, html, title = read_jsonl([json.dumps({"text": MAYOR + "\x00"}),
                                    json.dumps({"html": ARTICLE_HTML.replace("May", "\x00")}),
                                    json.dumps({"text": MAYOR, "title": "T\x00"})],
                                   source="j")
    assert text.error.code == "binary" and html.error.code == "binary"
    assert title.title == "T\ufffd"  # a title with NUL is kept, its NUL replaced


def test_symbolic_link_loops_in_a_folder_are_reported(tmp_path):
    folder = tmp_path / "links"
    folder.mkdir()
    (folder / "good.txt").write_text(MAYOR, encoding="utf-8")
    (folder / "self.txt").symlink_to("self.txt")
    (folder / "a.txt").symlink_to("b.txt")
    (folder / "b.txt").symlink_to("a.txt")
    (folder / "gone.html").symlink_to("nowhere.html")
    (folder / "loop.warc").symlink_to("loop.warc")
    result = cli("analyze", folder, "--format", "jsonl", "--no-techniques")
    lines = jsonl_lines(result)
    by_name = {os.path.basename(line["source"]): [e["code"] for e in line["errors"]]
               for line in lines}
    assert by_name == {"a.txt": ["unreadable"], "b.txt": ["unreadable"],
                       "gone.html": ["unreadable"], "good.txt": [],
                       "loop.warc": ["unreadable"], "self.txt": ["unreadable"]}
    assert "Too many levels of symbolic links" in result.stderr.decode()
    assert result.returncode == 1
    direct = cli("analyze", folder / "self.txt", "--format", "jsonl")
    assert error_codes(direct) == ["unreadable"]


def test_a_warc_without_articles_is_an_error(tmp_path):
    path = tmp_path / "assets.warc.gz"
    path.write_bytes(gzip.compress(
        warc_record("https://www.example.com/logo.png", b"\x89PNG....", ctype="image/png")
        + warc_record("https://www.example.com/", b"GET / HTTP/1.1\r\n\r\n", rtype="request")
        + warc_record("https://www.example.com/gone", b"not here", status="404 Not Found")))
    result = cli("analyze", path, "--format", "jsonl", "--no-techniques")
    assert error_codes(result) == ["no_articles"]
    assert "has 3 records and none is an article" in result.stderr.decode()
    assert result.returncode == 1


def test_a_document_with_a_lone_surrogate_gets_a_clear_error_not_a_crash():
    from saidwhat.model import Document
    from saidwhat.pipeline import Options, analyze

    analysis = analyze(Document(id="s", text="He said it was fine.\ud800 Then he left.",
                                source="s"), Options(techniques=False))
    assert [e.code for e in analysis.errors] == ["bad_text"]
    assert "character 20" in analysis.errors[0].message
