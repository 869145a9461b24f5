"""The web app through FastAPI's TestClient: every endpoint, the 413 limit, the private-address
guard, escaping, and the analyse response validated against the output contract's schema."""
from __future__ import annotations

import json
import os

import pytest

from conftest import SEED, SEED_GOLD, need

pytest.importorskip("fastapi")
pytest.importorskip("httpx")

from fastapi.testclient import TestClient  # noqa: E402

from saidwhat.web.app import create_app  # noqa: E402
from saidwhat.web.schemas import AnalysisModel  # noqa: E402

MAX_BODY = 64_000
XSS_TITLE = "<script>alert(1)</script>"
XSS_TEXT = ('Officials said that <script>alert(1)</script> was found in the page.\n'
            '“"><img src=x onerror=alert(1)>,” the spokesman said on Monday.\n')
SECOND = ("Konashenkov said on Tuesday that the convoy had not been hit from the air.\n"
          "“There were no Russian planes there,” Konashenkov told reporters.\n")


PG_URL = os.environ.get("SAIDWHAT_TEST_PG_URL")
BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.skipif(
    not PG_URL, reason="no PostgreSQL server configured: set SAIDWHAT_TEST_PG_URL "
                       "(.ci/run starts one)"))]


@pytest.fixture(scope="module", params=BACKENDS)
def client(request, tmp_path_factory):
    need(SEED)
    drop = None
    if request.param == "sqlite":
        db = str(tmp_path_factory.mktemp("web") / "web.db")
    else:
        from test_store import make_pg_database

        db, drop = make_pg_database()
    # TestClient sends "Host: testserver", which the app refuses unless it is allowed.
    app = create_app(db, workers=0, max_body=MAX_BODY, warm=False,
                     allowed_hosts=["testserver"])
    try:
        with TestClient(app) as c:
            yield _populate(c)
    finally:
        if drop:
            drop()


def _populate(c):
    """Three stored articles: the founding example, a second Konashenkov story, an XSS one."""
    seed = SEED.read_text(encoding="utf-8")
    r = c.post("/api/analyse", json={"text": seed, "store": True, "title": "Aleppo",
                                     "outlet": "The Moscow Times",
                                     "published": "2016-10-21", "techniques": False})
    assert r.status_code == 200, r.text
    c.seed_id = int(r.headers["X-Saidwhat-Document-Id"])
    r = c.post("/api/analyse", json={"text": SECOND, "store": True, "outlet": "example.org",
                                     "published": "2016-09-20", "techniques": False})
    assert r.status_code == 200, r.text
    c.second_id = int(r.headers["X-Saidwhat-Document-Id"])
    r = c.post("/api/analyse", json={"text": XSS_TEXT, "store": True, "title": XSS_TITLE,
                                     "outlet": '"><img src=x onerror=alert(1)>',
                                     "techniques": False})
    assert r.status_code == 200, r.text
    c.xss_id = int(r.headers["X-Saidwhat-Document-Id"])
    speakers = c.get("/api/speakers", params={"name": "Konashenkov"}).json()["rows"]
    c.speaker_id = speakers[0]["speaker_id"]
    return c


def check_contract(data: dict) -> AnalysisModel:
    """The output contract: the pydantic model (unknown fields forbidden) plus offsets."""
    model = AnalysisModel.model_validate(data)
    text = data["text"]
    for st in data["statements"]:
        for span in (st["cue"], st["content"], st["speaker"]["mention"]):
            if span:
                assert text[span["start"]:span["end"]] == span["text"]
    for item in data["figures"] + data["entities"] + data["techniques"]:
        assert text[item["start"]:item["end"]] == item["text"]
    if data["blocks"]:
        assert data["blocks"][0]["start"] == 0 and data["blocks"][-1]["end"] == len(text)
    return model


# -- analyse ----------------------------------------------------------------------------------

def test_analyse_text_matches_the_contract_and_the_gold(client):
    seed = SEED.read_text(encoding="utf-8")
    r = client.post("/api/analyse", json={"text": seed})
    assert r.status_code == 200
    data = r.json()
    check_contract(data)
    assert data["text"] == seed and data["schema_version"] == "1.2"
    gold = json.loads(SEED_GOLD.read_text(encoding="utf-8"))
    spans = {(s["content"]["start"], s["content"]["end"]): s["speaker"]["name"]
             for s in data["statements"] if s["content"]}
    for g in gold["statements"]:
        if g.get("optional"):
            continue
        start, end = g["content"]["span"]
        names = [n for (s0, e0), n in spans.items() if abs(s0 - start) <= 1 and abs(e0 - end) <= 1]
        assert names == ["Igor Konashenkov"], g["content"]["text"]
    assert [b["kind"] for b in data["blocks"]] == ["report", "boilerplate"]
    if not data["techniques"]:
        assert data["meta"].get("techniques", "").startswith("unavailable")


def test_openapi_publishes_the_contract_schema(client):
    spec = client.get("/openapi.json").json()
    schemas = spec["components"]["schemas"]
    assert {"AnalysisModel", "StatementModel", "SpeakerModel"} <= set(schemas)
    ref = spec["paths"]["/api/analyse"]["post"]["responses"]["200"]["content"][
        "application/json"]["schema"]["$ref"]
    assert ref.endswith("/AnalysisModel")
    assert set(schemas["AnalysisModel"]["required"]) == set(AnalysisModel.model_fields)


def test_analyse_html_and_upload(client):
    html = ("<html><head><title>Minister denies</title></head><body><article><h1>Minister "
            "denies</h1><p>“We did nothing wrong,” the minister said on Monday, adding that "
            "the report was false.</p><p>The opposition said the minister had misled "
            "parliament for years and should resign before the end of the month.</p>"
            "</article></body></html>")
    r = client.post("/api/analyse", json={"html": html, "techniques": False})
    assert r.status_code == 200, r.text
    data = r.json()
    check_contract(data)
    assert data["meta"]["format"] == "html" and data["statements"]

    r = client.post("/api/analyse/upload", files={"file": ("story.txt", SECOND.encode(),
                                                           "text/plain")},
                    data={"techniques": "false"})
    assert r.status_code == 200, r.text
    data = check_contract(r.json())
    assert data.source == "story.txt" and data.statements
    assert "Konashenkov" in data.statements[0].speaker.name

    r = client.post("/api/analyse/upload", files={"file": ("x.bin", b"\x00\x01\x02" * 50,
                                                           "application/octet-stream")})
    assert r.status_code == 400 and r.json()["error"]["code"] == "binary"


def test_analyse_refuses_bad_requests(client):
    r = client.post("/api/analyse", json={})
    assert r.status_code == 400 and r.json()["error"]["code"] == "no_input"
    r = client.post("/api/analyse", json={"text": "a", "url": "https://example.org/"})
    assert r.status_code == 400 and r.json()["error"]["code"] == "several_inputs"
    r = client.post("/api/analyse", json={"text": "   \n"})
    assert r.status_code == 400 and r.json()["error"]["code"] == "empty"
    r = client.post("/api/analyse", json={"text": "Hello.", "published": "21/10/2016"})
    assert r.status_code == 400 and r.json()["error"]["code"] == "bad_date"
    r = client.post("/api/analyse", json={"txt": "typo"})
    assert r.status_code == 422


@pytest.mark.parametrize("url", ["http://127.0.0.1/", "http://10.0.0.1/admin",
                                 "http://[::1]:8000/", "http://169.254.169.254/latest/"])
def test_private_addresses_are_refused(client, url):
    r = client.post("/api/analyse", json={"url": url})
    assert r.status_code == 400
    error = r.json()["error"]
    assert error["code"] == "url_private" and "refusing to fetch" in error["message"]
    page = client.post("/analyse", data={"url": url})
    assert page.status_code == 400 and "refusing to fetch" in page.text


def test_non_http_url_is_refused(client):
    r = client.post("/api/analyse", json={"url": "file:///etc/passwd"})
    assert r.status_code == 400 and r.json()["error"]["code"] == "url_scheme"


def test_oversized_bodies_get_413(client):
    big = "word " * (MAX_BODY // 4)
    r = client.post("/api/analyse", json={"text": big})
    assert r.status_code == 413
    error = r.json()["error"]
    assert error["code"] == "request_too_large" and f"{MAX_BODY:,}" in error["message"]

    def chunks():  # no Content-Length: counted as it arrives
        for _ in range(40):
            yield b"x" * 4096

    r = client.post("/api/analyse", content=chunks(), headers={"content-type":
                                                                "application/json"})
    assert r.status_code == 413
    r = client.post("/api/analyse/upload", files={"file": ("big.txt", big.encode())})
    assert r.status_code == 413
    page = client.post("/analyse", data={"text": big})
    assert page.status_code == 413 and "text/html" in page.headers["content-type"]
    assert "larger than this server" in page.text
    assert client.get("/api/summary").status_code == 200  # the server is fine afterwards


# -- the corpus -------------------------------------------------------------------------------

def test_documents(client):
    rows = client.get("/api/documents").json()["rows"]
    assert {r["document_id"] for r in rows} == {client.seed_id, client.second_id, client.xss_id}
    assert rows[0]["published"] == "2016-10-21"  # newest first
    r = client.get("/api/documents", params={"outlet": "the moscow times"}).json()
    assert [x["document_id"] for x in r["rows"]] == [client.seed_id] and r["total"] == 1
    r = client.get("/api/documents", params={"since": "2016-10-01"}).json()
    assert [x["document_id"] for x in r["rows"]] == [client.seed_id]
    r = client.get("/api/documents", params={"until": "2016-09-30"}).json()
    assert [x["document_id"] for x in r["rows"]] == [client.second_id]
    r = client.get("/api/documents", params={"speaker": "konashenkov"}).json()
    assert {x["document_id"] for x in r["rows"]} == {client.seed_id, client.second_id}
    r = client.get("/api/documents", params={"text": "human shields"}).json()
    assert [x["document_id"] for x in r["rows"]] == [client.seed_id]
    r = client.get("/api/documents", params={"technique": "Loaded_Language"}).json()
    assert r["rows"] == [] or all(x["document_id"] for x in r["rows"])
    r = client.get("/api/documents", params={"limit": 1, "offset": 1}).json()
    assert r["count"] == 1 and r["total"] == 3
    r = client.get("/api/documents", params={"since": "yesterday"})
    assert r.status_code == 400 and r.json()["error"]["code"] == "bad_date"


def test_document(client):
    r = client.get(f"/api/documents/{client.seed_id}")
    assert r.status_code == 200
    data = r.json()
    analysis = check_contract(data["analysis"])
    assert analysis.text == SEED.read_text(encoding="utf-8")
    assert len(data["speaker_ids"]) == len(analysis.statements)
    assert set(data["speaker_ids"]) == {client.speaker_id}
    assert analysis.meta["outlet"] == "The Moscow Times"
    r = client.get("/api/documents/99999")
    assert r.status_code == 404 and r.json()["error"]["code"] == "no_document"


def test_statements(client):
    rows = client.get("/api/statements", params={"speaker": "Konashenkov",
                                                 "limit": 100}).json()["rows"]
    assert len(rows) >= 12 and {r["speaker"] for r in rows} == {"Igor Konashenkov"}
    r = client.get("/api/statements", params=[("act", "denial"), ("act", "dismissal"),
                                              ("document_id", client.seed_id)]).json()
    assert {x["act"] for x in r["rows"]} == {"denial", "dismissal"}
    r = client.get("/api/statements", params={"text": "hospitals"}).json()
    assert r["count"] == 1 and "hospitals" in r["rows"][0]["content"]
    r = client.get("/api/statements", params={"outlet": "example.org"}).json()
    assert r["count"] >= 1 and all(x["outlet"] == "example.org" for x in r["rows"])
    r = client.get("/api/statements", params={"speaker_id": client.speaker_id, "limit": 2,
                                              "offset": 1}).json()
    assert r["count"] == 2 and r["offset"] == 1
    r = client.get("/api/statements", params={"act": "lying"})
    assert r.status_code == 400 and r.json()["error"]["code"] == "bad_option"
    speech = client.get("/api/statements", params={"channel": "speech", "limit": 1000}).json()
    every = client.get("/api/statements", params={"limit": 1000}).json()
    assert speech["count"] >= 12 and {x["channel"] for x in speech["rows"]} == {"speech"}
    assert speech["count"] <= every["count"]
    r = client.get("/api/statements", params={"channel": "gossip"})
    assert r.status_code == 400 and r.json()["error"]["code"] == "bad_option"


def test_speakers(client):
    r = client.get("/api/speakers").json()
    assert r["rows"][0]["name"] == "Igor Konashenkov"
    assert "Konashenkov" in r["rows"][0]["aliases"]
    r = client.get("/api/speakers", params={"type": "ORG"}).json()
    assert all(x["type"] == "ORG" for x in r["rows"])
    r = client.get(f"/api/speakers/{client.speaker_id}").json()
    assert r["identity"]["name"] == "Igor Konashenkov"
    assert r["identity"]["organization"] == "Russian Defense Ministry"
    assert {a["alias"] for a in r["identity"]["aliases"]} >= {"Igor Konashenkov", "Konashenkov"}
    assert dict(r["acts"])["accusation"] >= 5
    bins = r["timeline"]["bins"]
    assert r["timeline"]["unit"] == "week" and bins[0][0] == "2016-09-19"  # Monday
    assert bins[-1][0] == "2016-10-17" and len(bins) == 5  # empty weeks filled
    assert sum(sum(counts.values()) for _, counts in bins) == len(r["statements"])
    assert len(r["statements"]) >= 12
    assert client.get("/api/speakers/99999").status_code == 404


def test_stats_summary_errors_techniques(client):
    rows = client.get("/api/stats").json()["rows"]
    assert {r["outlet"] for r in rows} >= {"The Moscow Times", "example.org"}
    weekly = client.get("/api/stats", params={"by": "week", "of": "stances"}).json()["rows"]
    assert all("week" in r for r in weekly)
    assert client.get("/api/stats", params={"of": "techniques"}).status_code == 200
    r = client.get("/api/stats", params={"by": "day"})
    assert r.status_code == 400 and r.json()["error"]["code"] == "bad_option"
    summary = client.get("/api/summary").json()
    assert summary["documents"] == 3 and summary["statements"] >= 14
    assert client.get("/api/errors").json() == {"rows": [], "count": 0, "total": None,
                                                "limit": None, "offset": 0}
    techniques = client.get("/api/techniques").json()
    assert len(techniques) == 14 and techniques[0]["name"] == "Loaded_Language"


# -- pages ------------------------------------------------------------------------------------

def test_pages(client):
    home = client.get("/")
    assert home.status_code == 200 and 'action="/analyse"' in home.text
    for path in ("/articles", "/articles?outlet=example.org&since=2016-01-01&speaker=kona",
                 "/articles?technique=Loaded_Language&q=shields", f"/articles/{client.seed_id}",
                 "/speakers", "/speakers?name=Igor&type=PERSON", f"/speakers/{client.speaker_id}",
                 "/techniques", "/techniques?outlet=example.org&since=2016-01-01", "/api",
                 "/static/style.css", "/static/app.js", "/static/favicon.svg"):
        r = client.get(path)
        assert r.status_code == 200, path
        assert "https://" not in r.text.split("</head>")[0]  # nothing from another host
    article = client.get(f"/articles/{client.seed_id}").text
    assert article.count('<mark class="st st-') >= 10 and "Igor Konashenkov" in article
    assert 'class="block boilerplate"' in article
    speaker = client.get(f"/speakers/{client.speaker_id}").text
    assert "<svg" in speaker and "Also written as" in speaker
    techniques = client.get("/techniques").text
    assert "Speech acts per outlet" in techniques and "<svg" in techniques
    api = client.get("/api").text
    for path in ("/api/analyse", "/api/statements", "/api/speakers/{speaker_id}"):
        assert path in api
    assert client.get("/articles?since=someday").status_code == 400
    assert client.get("/articles/99999").status_code == 404
    assert client.get("/speakers/99999").status_code == 404
    assert client.get("/docs").status_code == 404  # Swagger UI would load from a CDN


def test_speaker_link_resolves_names(client):
    r = client.get("/speaker", params={"name": "Igor Konashenkov"}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == f"/speakers/{client.speaker_id}"
    r = client.get("/speaker", params={"name": "Nobody Known"}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/speakers?name=")


def test_analyse_form(client):
    seed = SEED.read_text(encoding="utf-8")
    r = client.post("/analyse", data={"text": seed.replace("\n", "\r\n"), "techniques": "1"})
    assert r.status_code == 200
    assert r.text.count('<mark class="st st-') == 11 and "Boilerplate: reader appeal" in r.text
    assert 'href="/speaker?name=Igor+Konashenkov"' in r.text
    r = client.post("/analyse", files={"file": ("story.txt", SECOND.encode(), "text/plain")})
    assert r.status_code == 200 and 'class="st ' in r.text
    r = client.post("/analyse", data={"text": ""})
    assert r.status_code == 400 and "give the article" in r.text
    r = client.post("/analyse", data={"text": SECOND, "store": "1"}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == f"/articles/{client.second_id}"


def test_article_text_and_metadata_are_escaped(client):
    for path in (f"/articles/{client.xss_id}", "/articles", "/speakers"):
        r = client.get(path)
        assert r.status_code == 200
        assert "<script>alert" not in r.text and "<img src=x" not in r.text, path
    # The API gives the text as it is, as JSON that no browser renders as a page.
    r = client.get(f"/api/documents/{client.xss_id}")
    assert r.headers["content-type"] == "application/json"
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.json()["analysis"]["meta"]["title"] == XSS_TITLE
    page = client.get(f"/articles/{client.xss_id}").text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&#34;&gt;&lt;img src=x onerror=alert(1)&gt;" in page
    r = client.post("/analyse", data={"text": XSS_TEXT, "title": XSS_TITLE})
    assert r.status_code == 200 and "<script>alert" not in r.text and "<img src" not in r.text
    r = client.post("/analyse", data={"url": "javascript:alert(1)"})
    assert r.status_code == 400 and "<script" not in r.text.split("</head>")[1]


def test_security_headers(client):
    r = client.get("/")
    csp = r.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "default-src 'none'" in csp
    assert r.headers["x-content-type-options"] == "nosniff"
    assert client.get("/api/summary").headers["x-frame-options"] == "DENY"


def test_every_endpoint_is_covered(client):
    """A new route must get a test here: these are every path the app serves."""
    covered = {"/", "/analyse", "/articles", "/articles/{document_id}", "/speakers",
               "/speaker", "/speakers/{speaker_id}", "/techniques", "/api", "/api/analyse",
               "/api/analyse/upload", "/api/documents", "/api/documents/{document_id}",
               "/api/statements", "/api/speakers", "/api/speakers/{speaker_id}", "/api/stats",
               "/api/summary", "/api/errors", "/api/techniques", "/openapi.json", "/static"}
    paths = {getattr(route, "path", None) for route in client.app.routes}
    assert paths - {None} == covered


def test_serve_binds_to_loopback_by_default():
    from saidwhat.cli import build_parser

    args = build_parser().parse_args(["serve"])
    assert args.host == "127.0.0.1" and args.port == 8000 and not args.allow_private


def test_render_nests_crossing_annotations_and_escapes():
    """The HTML nesting of the renderer (not the tagger): a technique span that crosses a
    statement's edge is split inside it, the statement stays one element, tags balance, and
    every piece of text is escaped. The spans here are hand-placed to exercise the nesting."""
    from html.parser import HTMLParser

    from saidwhat.model import (Analysis, Block, Figure, Span, Speaker, Statement,
                                TechniqueSpan)
    from saidwhat.web.render import render_analysis

    text = 'He said <b>"no" & "never"</b> today. <i>Boilerplate</i>'
    q0, q1 = text.index("<b>"), text.index("</b>") + 4
    end = text.index(" <i>") + 1
    analysis = Analysis(id="r", source="r", text=text, blocks=[
        Block(0, end, "report", "body"), Block(end, len(text), "boilerplate", "promo")])
    analysis.statements.append(Statement(
        speaker=Speaker(name="<Ann>", id="person:ann", mention=Span("He", 0, 2),
                        mention_kind="pronoun"),
        cue=Span("said", 3, 7), content=Span(text[q0:q1], q0, q1), kind="direct",
        techniques=["Loaded_Language"]))
    analysis.techniques.append(TechniqueSpan("Loaded_Language", q0 + 5, q1 + 6,
                                             text[q0 + 5:q1 + 6], 0.9))
    analysis.figures.append(Figure("no", 0.0, None, q0 + 4, q0 + 6, 0))
    view = render_analysis(analysis, speaker_href=lambda i: "/speaker?name=%3CAnn%3E")
    html = str(view.html)

    class Check(HTMLParser):
        def __init__(self):
            super().__init__()
            self.stack, self.tags, self.text = [], [], []

        def handle_starttag(self, tag, attrs):
            self.stack.append(tag)
            self.tags.append((tag, dict(attrs)))

        def handle_endtag(self, tag):
            assert self.stack and self.stack[-1] == tag, (tag, self.stack)
            self.stack.pop()

        def handle_data(self, data):
            self.text.append(data)

    check = Check()
    check.feed(html)
    assert check.stack == []
    tags = [t for t, _ in check.tags]
    assert "b" not in tags and "i" not in tags and "script" not in tags
    assert tags.count("mark") == 1  # the statement is one element
    assert tags.count("u") == 2  # the crossing technique span is split at the statement's end
    rendered = "".join(check.text)
    assert rendered.startswith(text[:q1] + "<Ann>" + text[q1:end])  # the speaker beside it
    assert rendered.endswith("<i>Boilerplate</i>")
    assert "&lt;b&gt;" in html and "&amp;" in html and "&lt;Ann&gt;" in html
    mention = [a for t, a in check.tags if t == "a" and "mention" in a.get("class", "")][0]
    assert mention["title"] == "He → <Ann>" and mention["href"] == "/speaker?name=%3CAnn%3E"
    assert [t["name"] for t in view.techniques] == ["Loaded_Language"]
    assert view.boilerplate_chars == len(text) - end
