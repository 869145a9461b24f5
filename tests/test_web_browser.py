"""`saidwhat serve` in a real headless Chromium (Debian's /usr/bin/chromium driven by
Playwright for Python; Playwright never downloads a browser here).

A real uvicorn server runs on 127.0.0.1 on a free port with a temporary SQLite store. The tests
submit the founding example on the analyse page and check what a reader sees: the ten required
statements highlighted with "Igor Konashenkov" beside them, the reader appeal greyed, technique
spans underlined (when the technique model is installed), the statement details on click, the
click through to the speaker page, and an article full of markup shown as text.

Set SAIDWHAT_SCREENSHOTS=DIR to save screenshots of the analyse and speaker pages there.
"""
from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from conftest import SEED, SEED_GOLD, need

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                  "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync"]
XSS_TITLE = "<script>alert(1)</script>"
XSS_TEXT = ('Officials said that <script>alert(1)</script> was found in the page.\n'
            '“"><img src=x onerror=alert(1)>,” the spokesman said on Monday.\n')
SECOND = ("Konashenkov said on Tuesday that the convoy had not been hit from the air.\n"
          "“There were no Russian planes there,” Konashenkov told reporters.\n")

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
if not CHROMIUM.exists():
    pytest.skip("Debian's chromium is not installed (/usr/bin/chromium); .ci/run installs it",
                allow_module_level=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def api(base: str, path: str, body: dict | None = None):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(base + path, data=data, method="POST" if data else "GET",
                                     headers={"content-type": "application/json"})
    with urllib.request.urlopen(request, timeout=60) as response:
        return response.status, dict(response.headers), json.loads(response.read())


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    need(SEED)
    tmp = tmp_path_factory.mktemp("serve")
    port = free_port()
    log = (tmp / "server.log").open("w")
    proc = subprocess.Popen([sys.executable, "-m", "saidwhat.cli", "serve", "--db",
                             str(tmp / "web.db"), "--port", str(port), "--workers", "0",
                             "--log-level", "warning"], stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                api(base, "/api/summary")
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    log.flush()
                    pytest.fail("the server did not start:\n" + (tmp / "server.log").read_text())
                time.sleep(0.3)
        # The corpus: the founding example (dated) and a second Konashenkov article.
        api(base, "/api/analyse", {"text": SEED.read_text(encoding="utf-8"), "store": True,
                                   "title": "Russia's Defense Ministry on Aleppo",
                                   "outlet": "The Moscow Times", "published": "2016-10-21"})
        api(base, "/api/analyse", {"text": SECOND, "store": True, "outlet": "example.org",
                                   "published": "2016-09-20", "title": "Convoy"})
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    profile = tmp_path_factory.mktemp("chromium-profile")  # a fresh, empty profile
    with sync_api.sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(profile), executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_FLAGS,
            viewport={"width": 1280, "height": 900})
        try:
            yield context
        finally:
            context.close()


class Watch:
    """A page with its dialogs and console errors recorded."""

    def __init__(self, page):
        self.page = page
        self.dialogs: list[str] = []
        self.errors: list[str] = []
        page.on("dialog", self._dialog)
        page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: self.errors.append(str(e)))

    def _dialog(self, dialog):
        self.dialogs.append(dialog.message)
        dialog.dismiss()


@pytest.fixture(scope="module")
def analysed(server, browser):
    """The analyse page after submitting the founding example."""
    watch = Watch(browser.new_page())
    page = watch.page
    page.goto(server + "/")
    page.fill("#text", SEED.read_text(encoding="utf-8"))
    page.check("input[name=techniques]")
    page.click("#analyse-button")
    page.wait_for_selector("article#article mark.st")
    shots = os.environ.get("SAIDWHAT_SCREENSHOTS")
    if shots:
        page.screenshot(path=str(Path(shots) / "screenshot-analyse.png"))
    yield watch
    page.close()


def _norm(text: str) -> str:
    return text.strip().strip("“”\"'.,").strip()


def test_required_statements_highlighted_with_the_speaker(analysed):
    page = analysed.page
    marks = page.eval_on_selector_all("article#article mark.st", """els => els.map(e => ({
        st: e.dataset.st, speaker: e.dataset.speaker, text: e.textContent,
        label: e.nextElementSibling ? e.nextElementSibling.textContent : null,
        labelClass: e.nextElementSibling ? e.nextElementSibling.className : null,
        background: getComputedStyle(e).backgroundColor}))""")
    gold = json.loads(SEED_GOLD.read_text(encoding="utf-8"))
    required = [g for g in gold["statements"] if not g.get("optional")]
    assert len(required) == 10
    for g in required:
        want = _norm(g["content"]["text"])
        found = [m for m in marks if _norm(m["text"]) == want]
        assert found, f"no highlighted statement {want!r}"
        mark = found[0]
        assert mark["speaker"] == "Igor Konashenkov"
        assert mark["labelClass"] == "who" and mark["label"] == "Igor Konashenkov"
        assert mark["background"] not in ("rgba(0, 0, 0, 0)", "transparent"), mark
    # The labels are visible on the page, beside the statements.
    assert page.locator("article#article .who", has_text="Igor Konashenkov").first.is_visible()
    assert analysed.errors == []


def test_reader_appeal_is_greyed_and_collapsible(analysed):
    page = analysed.page
    appeal = page.locator("details.boilerplate")
    assert appeal.count() == 1
    assert "A Message from The Moscow Times" in appeal.inner_text()
    assert appeal.locator("mark.st").count() == 0  # nothing attributed inside it
    grey = appeal.evaluate("e => getComputedStyle(e.querySelector('.text')).color")
    body = page.locator("div.block.report").evaluate("e => getComputedStyle(e).color")
    r, g, b = (int(x) for x in re.findall(r"\d+", grey)[:3])
    assert grey != body and max(r, g, b) - min(r, g, b) < 30 and 100 <= r <= 200, grey
    assert appeal.evaluate("e => e.open")
    appeal.locator("summary").click()
    assert not appeal.evaluate("e => e.open")
    assert not appeal.locator(".text").is_visible()
    appeal.locator("summary").click()
    assert appeal.locator(".text").is_visible()


def test_technique_span_underlined(analysed):
    from saidwhat.rhetoric.tagger import MODEL_DIR, model_available

    if not model_available():
        pytest.skip(f"the technique model is not installed ({MODEL_DIR}/tagger.json is "
                    "missing), so the pipeline tags no technique spans and the page says why; "
                    "no span is faked")
    page = analysed.page
    spans = page.locator("article#article u.tech")
    assert spans.count() >= 1
    line = spans.first.evaluate("e => getComputedStyle(e).textDecorationLine")
    assert "underline" in line
    assert page.locator("ul.legend.techniques li").count() >= 1


def test_techniques_note_when_the_model_is_missing(analysed):
    from saidwhat.rhetoric.tagger import model_available

    if model_available():
        pytest.skip("the technique model is installed")
    note = analysed.page.locator("#techniques-note")
    assert note.is_visible() and "technique model is missing" in note.inner_text()


def test_clicking_a_statement_shows_its_details(analysed):
    page = analysed.page
    page.locator("article#article mark.st", has_text="human shields").click()
    detail = page.locator("#detail-body")
    text = detail.inner_text()
    assert "accusation" in text and "said" in text and "100,000 civilians" in text
    assert "Igor Konashenkov" in text and "neutral" in text
    assert page.locator("mark.st.selected").count() == 1
    page.locator("article#article mark.st", has_text="Sharia courts").click()
    assert "Sharia courts" in detail.inner_text()


def test_click_through_to_the_speaker_page(analysed):
    page = analysed.page
    mention = page.locator("article#article a.mention.m-pronoun").first
    assert mention.get_attribute("title").endswith("→ Igor Konashenkov")
    page.locator("article#article a.who").first.click()
    page.wait_for_url(re.compile(r"/speakers/\d+$"))
    assert page.locator("h1").inner_text() == "Igor Konashenkov"
    aliases = page.locator("ul.aliases").inner_text()
    assert "Konashenkov" in aliases and "Igor Konashenkov" in aliases
    assert "Russian Defense Ministry" in page.locator("p.meta").inner_text()
    assert page.locator("svg.chart").count() >= 3  # over time, acts, stances, outlets
    assert page.locator("table.statements tbody tr").count() >= 12
    shots = os.environ.get("SAIDWHAT_SCREENSHOTS")
    if shots:
        page.screenshot(path=str(Path(shots) / "screenshot-speaker.png"))
    # and on to one of the articles
    page.locator("table.statements tbody tr a", has_text="human shields").click()
    page.wait_for_url(re.compile(r"/articles/\d+$"))
    assert page.locator("article#article mark.st").count() >= 10
    assert analysed.errors == []


def test_xss_article_shows_as_text(server, browser):
    watch = Watch(browser.new_page())
    page = watch.page
    try:
        page.goto(server + "/")
        page.fill("#text", XSS_TEXT)
        page.fill("input[name=title]", XSS_TITLE)
        page.check("input[name=store]")
        page.click("#analyse-button")
        page.wait_for_url(re.compile(r"/articles/\d+$"))  # stored: a permanent page
        page.wait_for_timeout(300)
        article = page.locator("article#article").inner_text()
        assert "<script>alert(1)</script>" in article
        assert '"><img src=x onerror=alert(1)>' in article
        assert page.locator("h1").inner_text() == XSS_TITLE
        assert page.locator("article#article img, article#article script").count() == 0
        assert page.locator("article#article").get_by_text(
            "<script>alert(1)</script>", exact=False).first.is_visible()
        page.goto(server + "/articles")
        assert page.locator("table.articles a", has_text=XSS_TITLE).is_visible()
        page.goto(server + "/")
        page.fill("#text", XSS_TEXT)
        page.click("#analyse-button")
        page.wait_for_selector("article#article")
        page.wait_for_timeout(300)
        assert '"><img src=x onerror=alert(1)>' in page.locator("article#article").inner_text()
        assert watch.dialogs == []
    finally:
        page.close()


def test_corpus_pages_and_filters(server, browser):
    watch = Watch(browser.new_page())
    page = watch.page
    try:
        page.goto(server + "/articles")
        assert page.locator("table.articles tbody tr").count() >= 2
        page.select_option("select[name=outlet]", "example.org")
        page.click("form.filters button")
        page.wait_for_url(re.compile(r"/articles\?outlet=example.org"))
        assert page.locator("table.articles tbody tr").count() == 1
        assert page.locator("table.articles a").inner_text() == "Convoy"
        page.goto(server + "/speakers")
        page.locator("table.speakers a", has_text="Igor Konashenkov").click()
        page.wait_for_url(re.compile(r"/speakers/\d+$"))
        page.goto(server + "/techniques")
        assert page.locator("svg.chart").count() >= 2
        assert page.locator("dl.catalogue dt").count() == 14
        page.goto(server + "/api")
        assert page.locator("table.api tbody tr").count() == 11
        assert watch.errors == []  # no script error and no Content-Security-Policy violation
    finally:
        page.close()
