"""WARC/WARC.gz and URL readers, the non-public address guard, metadata files, and
read_inputs dispatching them."""
from __future__ import annotations

import gzip
import itertools
import time

import pytest

from conftest import QuietHandler, module_server
from saidwhat.errors import SaidwhatError
from saidwhat.model import Document
from saidwhat.read import ReadFailure, read_inputs
from saidwhat.read.url import check_public_url, fetch_url
from saidwhat.read.warc import parse_http_response, read_warc


def page(n: int, *, outlet: str = "Example Times") -> str:
    body = " ".join(f"Paragraph {n}.{i}: the minister said that bridge number {n * 10 + i} "
                    f"would reopen in May after repairs costing {i} million." for i in range(6))
    return (f"<!doctype html><html><head><title>Story {n}</title>"
            f'<meta property="og:site_name" content="{outlet}">'
            f'<meta property="article:published_time" content="2016-09-{10 + n % 20:02d}">'
            f"</head><body><article><h1>Story {n}</h1><p>{body}</p></article></body></html>")


def warc_record(uri: str, payload: bytes, *, status: str = "200 OK", rtype: str = "response",
                ctype: str = "text/html; charset=utf-8", extra: str = "") -> bytes:
    http = (f"HTTP/1.1 {status}\r\nContent-Type: {ctype}\r\n{extra}"
            f"Content-Length: {len(payload)}\r\n\r\n").encode() + payload
    block = http if rtype == "response" else payload
    head = (f"WARC/1.0\r\nWARC-Type: {rtype}\r\nWARC-Target-URI: {uri}\r\n"
            f"WARC-Date: 2016-10-01T00:00:00Z\r\nWARC-Record-ID: <urn:uuid:{abs(hash(uri))}>\r\n"
            f"Content-Type: application/http; msgtype={rtype}\r\n"
            f"Content-Length: {len(block)}\r\n\r\n").encode()
    return head + block + b"\r\n\r\n"


PAGES = itertools.count(1)  # every page new: see SERVED below


def make_warc(path, *, gz: bool = True) -> list[str]:
    first, second, third = next(PAGES), next(PAGES), next(PAGES)
    chunked = page(third).encode()
    chunked_body = b"%x\r\n%s\r\n0\r\n\r\n" % (len(chunked), chunked)
    records = [
        warc_record("https://www.example.com/1", page(first).encode()),
        warc_record("https://www.example.com/1", b"GET / HTTP/1.1\r\n\r\n", rtype="request"),
        warc_record("https://www.example.com/logo.png", b"\x89PNG....", ctype="image/png"),
        warc_record("https://www.example.com/gone", b"not here", status="404 Not Found"),
        warc_record("https://www.example.com/2", gzip.compress(page(second).encode()),
                    extra="Content-Encoding: gzip\r\n"),
        warc_record("https://www.example.com/3", chunked_body,
                    extra="Transfer-Encoding: chunked\r\n"),
    ]
    data = b"".join(gzip.compress(r) for r in records) if gz else b"".join(records)
    path.write_bytes(data)
    return ["https://www.example.com/1", "https://www.example.com/2",
            "https://www.example.com/3"]


@pytest.mark.parametrize("gz", [True, False])
def test_warc_reads_html_responses_only(tmp_path, gz):
    path = tmp_path / ("a.warc.gz" if gz else "a.warc")
    urls = make_warc(path, gz=gz)
    items = list(read_warc(path))
    assert all(isinstance(i, Document) for i in items), items
    assert [d.url for d in items] == urls
    assert [d.source for d in items] == urls
    assert all("bridge number" in d.text for d in items)
    assert items[0].outlet == "Example Times"
    assert items[0].published and items[0].published.startswith("2016-09-")
    assert items[0].title.startswith("Story ")


def test_truncated_and_garbage_warcs_fail_after_the_good_records(tmp_path):
    good = tmp_path / "good.warc.gz"
    make_warc(good)
    data = good.read_bytes()
    cut = tmp_path / "cut.warc.gz"
    cut.write_bytes(data[:len(data) - 150])
    items = list(read_warc(cut))
    assert isinstance(items[-1], ReadFailure) and items[-1].error.code == "warc_damaged"
    assert items[-1].source == str(cut)
    assert [i.url for i in items[:-1]] == ["https://www.example.com/1",
                                          "https://www.example.com/2"]
    head = tmp_path / "head.warc.gz"
    head.write_bytes(data[:60])
    assert [i.error.code for i in read_warc(head)] == ["warc_damaged"]
    junk = tmp_path / "junk.warc.gz"
    junk.write_bytes(bytes(range(256)) * 20)
    assert [i.error.code for i in read_warc(junk)] == ["warc_damaged"]
    plain_cut = tmp_path / "cut.warc"
    make_warc(plain_cut, gz=False)
    plain_cut.write_bytes(plain_cut.read_bytes()[:-400])
    assert isinstance(list(read_warc(plain_cut))[-1], ReadFailure)


def test_parse_http_response():
    status, headers, body = parse_http_response(
        b"HTTP/1.1 301 Moved\r\nLocation: /x\r\nContent-Type: text/html\r\n\r\nbody")
    assert status == 301 and headers["location"] == "/x" and body == b"body"
    with pytest.raises(ValueError):
        parse_http_response(b"not http at all")


# -- the address guard ---------------------------------------------------------------------------

@pytest.mark.parametrize("url", [
    "http://127.0.0.1/", "http://localhost:8080/x", "http://10.1.2.3/", "http://192.168.0.1/",
    "http://172.16.5.4/", "http://169.254.169.254/latest/meta-data/", "http://[::1]/",
    "http://[fe80::1]/", "http://[::ffff:127.0.0.1]/", "http://0.0.0.0/", "http://100.64.0.1/",
    "http://224.0.0.1/", "http://[fd00::1]/", "http://[2002:7f00:1::]/",
])
def test_non_public_addresses_are_refused(url):
    with pytest.raises(SaidwhatError) as info:
        check_public_url(url)
    assert info.value.code == "url_private"
    assert "--allow-private" in str(info.value)


@pytest.mark.parametrize("url", ["ftp://example.com/", "file:///etc/passwd", "http:///nohost",
                                 "javascript:alert(1)"])
def test_only_http_urls(url):
    with pytest.raises(SaidwhatError) as info:
        check_public_url(url)
    assert info.value.code == "url_scheme"


def test_public_literal_addresses_pass_without_dns():
    assert check_public_url("http://93.184.216.34/a") == ["93.184.216.34"]
    assert check_public_url("https://[2606:4700:4700::1111]/") == ["2606:4700:4700::1111"]


def test_unresolvable_host():
    with pytest.raises(SaidwhatError) as info:
        check_public_url("http://no-such-host.invalid/")
    assert info.value.code == "url_unresolvable"


# -- fetching from a local server ------------------------------------------------------------------

# html_to_document asks trafilatura to deduplicate, which drops text it has seen before in
# this process: every response is a new page.
SERVED = itertools.count(1000)


class Handler(QuietHandler):
    def do_GET(self):
        if self.path == "/article":
            self._send(page(next(SERVED)).encode(), "text/html; charset=utf-8")
        elif self.path == "/gzip":
            self._send(gzip.compress(page(next(SERVED)).encode()), "text/html",
                       {"Content-Encoding": "gzip"})
        elif self.path == "/bomb":
            self._send(gzip.compress(b"a" * 5_000_000), "text/html",
                       {"Content-Encoding": "gzip"})
        elif self.path == "/big":
            self._send(b"x" * 3_000_000, "text/html")
        elif self.path == "/endless":  # no Content-Length: the cap must stop the read
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            try:
                for _ in range(1000):
                    self.wfile.write(b"y" * 65536)
            except OSError:
                pass
        elif self.path == "/slow":
            time.sleep(3)
            self._send(b"late", "text/plain")
        elif self.path == "/image":
            self._send(b"\x89PNG", "image/png")
        elif self.path == "/missing":
            self._send(b"no", "text/plain", status=404)
        elif self.path == "/redirect":
            self._send(b"", "text/plain", {"Location": "/article"}, status=302)
        elif self.path == "/loop":
            self._send(b"", "text/plain", {"Location": "/loop"}, status=302)
        else:
            self._send(b"?", "text/plain", status=404)

server = module_server(Handler)


def test_loopback_refused_unless_allowed(server):
    with pytest.raises(SaidwhatError) as info:
        fetch_url(server + "/article")
    assert info.value.code == "url_private"
    doc = fetch_url(server + "/article", allow_private=True)
    assert "the minister said that bridge number" in doc.text
    assert doc.outlet == "Example Times" and doc.title.startswith("Story 1")
    assert doc.published.startswith("2016-")
    assert doc.source == server + "/article"


def test_fetch_follows_redirects_and_inflates(server):
    doc = fetch_url(server + "/redirect", allow_private=True)
    assert doc.url == server + "/article" and "bridge number" in doc.text
    assert "bridge number" in fetch_url(server + "/gzip", allow_private=True).text


@pytest.mark.parametrize("path,code,kwargs", [
    ("/big", "fetch_too_large", {"max_bytes": 1_000_000}),
    ("/endless", "fetch_too_large", {"max_bytes": 1_000_000}),
    ("/bomb", "fetch_too_large", {"max_bytes": 1_000_000}),
    ("/slow", "fetch_timeout", {"timeout": 0.5}),
    ("/image", "not_article", {}),
    ("/missing", "http_status", {}),
    ("/loop", "fetch_redirects", {}),
])
def test_fetch_failures_are_clear(server, path, code, kwargs):
    started = time.monotonic()
    with pytest.raises(SaidwhatError) as info:
        fetch_url(server + path, allow_private=True, **kwargs)
    assert info.value.code == code, str(info.value)
    assert time.monotonic() - started < 2.5


def test_read_inputs_dispatches_urls_and_warcs(server, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    make_warc(folder / "crawl.warc.gz")
    (folder / "note.txt").write_text("The mayor said that the bridge would reopen.",
                                     encoding="utf-8")
    items = list(read_inputs([str(folder), server + "/article"]))
    docs = [i for i in items if isinstance(i, Document)]
    fails = [i for i in items if isinstance(i, ReadFailure)]
    assert len(docs) == 4 and len(fails) == 1
    assert fails[0].error.code == "url_private"
    items = list(read_inputs([server + "/article"], allow_private=True))
    assert isinstance(items[0], Document)


def test_metadata_file(tmp_path):
    from saidwhat.store.ingest import apply_metadata, load_metadata

    tsv = tmp_path / "meta.tsv"
    tsv.write_text("compartment\tfilename\tpublisher\tpublication_date\ttitle\n"
                   "dev\tbreitbart_2016-09-12_stealth\tbreitbart\t2016-09-12\tStealth\n",
                   encoding="utf-8")
    table = load_metadata(tsv)
    doc = Document(id="x", text="t", source="/data/dev/text/breitbart_2016-09-12_stealth.txt")
    apply_metadata(doc, table)
    assert (doc.outlet, doc.published, doc.title) == ("breitbart", "2016-09-12", "Stealth")
    csv_file = tmp_path / "meta.csv"
    csv_file.write_text("url,outlet,date\nhttps://a.example/1,A Daily,2016-01-02\n",
                        encoding="utf-8")
    doc = Document(id="y", text="t", source="https://a.example/1", url="https://a.example/1")
    apply_metadata(doc, load_metadata(csv_file))
    assert doc.outlet == "A Daily" and doc.published == "2016-01-02"
    bad = tmp_path / "bad.csv"
    bad.write_text("foo,bar\n1,2\n", encoding="utf-8")
    with pytest.raises(SaidwhatError, match="no key column"):
        load_metadata(bad)


def test_retry_after_and_temporary_statuses():
    from saidwhat.errors import SaidwhatError
    from saidwhat.read.url import Response, check_status, retry_after

    assert retry_after("120") == 120.0
    assert retry_after("Thu, 03 Dec 2026 20:00:00 GMT", now=1796328000.0 - 90) == 90.0
    assert retry_after("Thu, 03 Dec 2026 20:00:00 GMT", now=1796328000.0 + 5) == 0.0
    assert [retry_after(v) for v in (None, "", "soon", "-5", "1.5")] == [None] * 5
    for status, headers, code, says in ((429, {"retry-after": "30"}, "http_unavailable",
                                         "HTTP status 429, a refusal for now; it asks to wait 30 s"),
                                        (503, {}, "http_unavailable", "503, a refusal for now"),
                                        (404, {"retry-after": "30"}, "http_status", "status 404")):
        with pytest.raises(SaidwhatError) as info:
            check_status(Response("https://a.example/x", status, "text/html", None, b"",
                                  headers), "https://a.example/x")
        assert info.value.code == code and says in str(info.value)
    check_status(Response("https://a.example/x", 204, "text/html", None, b""), "x")
