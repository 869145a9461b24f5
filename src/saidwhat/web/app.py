"""The saidwhat web app: an analyse page, corpus pages over the store, and a REST API.

    from saidwhat.web.app import create_app
    app = create_app("saidwhat.db", workers=2)      # then: uvicorn.run(app, host="127.0.0.1")

Pages are rendered on the server with Jinja2 (autoescape on: article text is always escaped),
charts are inline SVG, and the only script is the small ``static/app.js`` that opens a
statement's details on click; nothing is fetched from another host. Every GET page is a
permanent URL of its filters. The API is under ``/api`` (OpenAPI at ``/openapi.json``, a
readable page at ``/api``); its analyse endpoints answer in the output contract of
``saidwhat analyze`` (docs/output.md).
"""
from __future__ import annotations

import ipaddress
import json
import math
import re
import threading
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Annotated, Any, Optional, Sequence
from urllib.parse import urlencode, urlsplit

from fastapi import FastAPI, File, Form, Query, Request, UploadFile
from fastapi import Path as PathParam
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, FileSystemLoader, select_autoescape
from pydantic import Field
from starlette.concurrency import run_in_threadpool
from starlette.middleware.trustedhost import TrustedHostMiddleware

from saidwhat import __version__
from saidwhat.errors import SaidwhatError
from saidwhat.model import ACTS, STANCES, STATEMENT_KINDS, Analysis, Document
from saidwhat.pipeline import Options
from saidwhat.rhetoric.catalogue import CATALOGUE
from saidwhat.store.schema import MAX_INTEGER
from saidwhat.web import charts, corpus
from saidwhat.web.analysis import LONG_CHARS, Analyzer
from saidwhat.web.render import render_analysis, technique_class, technique_title
from saidwhat.web.schemas import (AnalyseRequest, AnalysisModel, ErrorResponse, Page,
                                  SpeakerProfile, StoredDocument)

HERE = Path(__file__).resolve().parent
DEFAULT_MAX_BODY = 2_000_000  # bytes of one request body (an article is rarely 200 kB)
PAGE_SIZE = 50
# Names the server answers to when none are given: a request for another Host gets 400, so a
# page whose own name is made to resolve to this machine (DNS rebinding) cannot use it.
LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "::1")
# An id, limit or offset the store can compare: a larger one gets 400 (bad_option), not a
# database error (500).
StoreInt = Annotated[int, Field(ge=0, le=MAX_INTEGER)]
StoreId = Annotated[int, PathParam(ge=0, le=MAX_INTEGER)]
ACT_COLOURS = dict(zip(ACTS, ("#9aa5b1", "#1f77b4", "#2ca02c", "#d62728", "#ff7f0e", "#8c564b",
                              "#e377c2", "#9467bd", "#bcbd22", "#17becf", "#393b79", "#637939",
                              "#7f7f7f")))
STANCE_COLOURS = {"neutral": "#9aa5b1", "distancing": "#d62728", "endorsing": "#2ca02c"}

# HTTP status of each user-facing error code (anything else: 400).
STATUS = {
    "no_document": 404, "no_speaker": 404, "not_found": 404, "cross_origin": 403,
    "request_too_large": 413, "too_large": 413, "fetch_too_large": 413,
    "fetch_failed": 502, "fetch_timeout": 504, "http_status": 502, "fetch_redirects": 502,
    "not_article": 502, "store_unreachable": 503, "store_missing": 503, "store_schema": 503,
    "store_failed": 500, "analysis_failed": 500, "worker_died": 503,
}

CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
SECURITY_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    # same-origin, not no-referrer: under no-referrer a browser sends "Origin: null" with the
    # site's own form posts, and SameOrigin could not tell them from a foreign page's.
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"DENY"),
]


def _env() -> Environment:
    env = Environment(loader=FileSystemLoader(str(HERE / "templates")),
                      autoescape=select_autoescape(["html"], default=True),
                      trim_blocks=True, lstrip_blocks=True)
    env.globals.update(version=__version__, technique_title=technique_title,
                       technique_class=technique_class, catalogue=CATALOGUE, acts=ACTS,
                       stances=STANCES, kinds=STATEMENT_KINDS, qs=_qs)
    env.filters["number"] = lambda n: f"{n:,}" if isinstance(n, int) else n
    env.tests["web_link"] = is_web_link
    return env


# The start of an http(s) URL, with nothing before it: browsers drop leading blanks and
# controls, so " javascript:…" is javascript too.
_WEB_LINK = re.compile(r"https?://", re.I)


def is_web_link(url) -> bool:
    """Whether a stored URL may be a link: only http(s). Ingested metadata can hold any
    string, and a ``javascript:`` or ``data:`` href would run or show whatever it holds."""
    return isinstance(url, str) and bool(_WEB_LINK.match(url))


def _qs(base: str, **params) -> str:
    """``base?k=v`` from the non-empty params (values URL-encoded)."""
    clean = {k: v for k, v in params.items() if v not in (None, "", 0)}
    return base + ("?" + urlencode(clean) if clean else "")


class Limits:
    """ASGI middleware: refuse a request body over ``limit`` bytes with 413 (before the app
    parses it; chunked bodies are counted as they come), and add security headers."""

    def __init__(self, app, limit: int, render_error) -> None:
        self.app = app
        self.limit = limit
        self.render_error = render_error

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def send_with_headers(msg):
            if msg["type"] == "http.response.start":
                msg = dict(msg)
                msg["headers"] = list(msg.get("headers", [])) + SECURITY_HEADERS
            await send(msg)

        if scope["method"] in ("GET", "HEAD", "OPTIONS"):
            return await self.app(scope, receive, send_with_headers)
        length = dict(scope.get("headers") or []).get(b"content-length")
        if length is not None and length.strip().isdigit() and int(length) > self.limit:
            return await self._reject(scope, send_with_headers)
        body = bytearray()
        while True:
            msg = await receive()
            if msg["type"] == "http.disconnect":
                return
            body += msg.get("body", b"")
            if len(body) > self.limit:
                return await self._reject(scope, send_with_headers)
            if not msg.get("more_body", False):
                break
        replayed = False

        async def replay():
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": bytes(body), "more_body": False}
            return await receive()

        await self.app(scope, replay, send_with_headers)

    async def _reject(self, scope, send):
        error = SaidwhatError("request_too_large", limit=self.limit)
        response = self.render_error(scope.get("path", ""), error, 413)
        response.headers["connection"] = "close"
        await response(scope, _no_body, send)


async def _no_body():
    return {"type": "http.disconnect"}


SAFE_METHODS = ("GET", "HEAD", "OPTIONS", "TRACE")


class SameOrigin:
    """ASGI middleware: refuse (403) a state-changing request (POST, PUT, DELETE, …) whose
    Origin, or Referer when there is no Origin, names another host:port than the request's own
    Host. Browsers send Origin with every cross-site POST, so a page elsewhere cannot post to
    the analyse form or the API (storing documents) through a visitor's browser; clients such
    as curl send neither header and are let through (the server has no login anyway)."""

    def __init__(self, app, render_error) -> None:
        self.app = app
        self.render_error = render_error

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["method"] in SAFE_METHODS:
            return await self.app(scope, receive, send)
        headers = {k.decode("latin-1").lower(): v.decode("latin-1")
                   for k, v in scope.get("headers") or []}
        sender = headers.get("origin") or headers.get("referer")
        host = headers.get("host", "")
        if sender is not None and not same_host(sender, host):
            error = SaidwhatError("cross_origin", method=scope["method"], origin=sender[:200],
                                  host=host[:200])
            response = self.render_error(scope.get("path", ""), error, 403)
            return await response(scope, receive, send)
        await self.app(scope, receive, send)


def same_host(sender: str, host: str) -> bool:
    """Whether the Origin or Referer URL ``sender`` names the host:port of the Host header
    ``host`` (a port left out is the default of the sender's scheme, as browsers leave it
    out; "null", the Origin of sandboxed and privacy-sensitive pages, is never the same)."""
    try:
        origin = urlsplit(sender)
        own = urlsplit("//" + host)
        default = {"http": 80, "https": 443}.get(origin.scheme.lower())
        return (origin.scheme.lower() in ("http", "https") and bool(origin.hostname)
                and origin.hostname == own.hostname
                and (origin.port or default) == (own.port or default))
    except ValueError:  # a port that is no number or out of range
        return False


def host_patterns(hosts: Sequence[str]) -> list[str]:
    """Host names for TrustedHostMiddleware, which compares IPv6 literals in brackets."""
    out = []
    for host in hosts:
        host = host.strip().lower()
        try:
            if ipaddress.ip_address(host).version == 6:
                host = f"[{host}]"
        except ValueError:
            pass
        if host and host not in out:
            out.append(host)
    return out


def _non_finite(value) -> bool:
    if isinstance(value, float):
        return not math.isfinite(value)
    if isinstance(value, dict):
        return any(_non_finite(v) for v in value.values())
    if isinstance(value, list):
        return any(_non_finite(v) for v in value)
    return False


def create_app(db: Optional[str] = None, *, workers: int = 0,
               max_body: int = DEFAULT_MAX_BODY, allow_private: bool = False,
               allowed_hosts: Optional[Sequence[str]] = None, warm: bool = True,
               long_chars: int = LONG_CHARS, long_workers: int = 1) -> FastAPI:
    """The app over the store at ``db`` (path or URL; None: $SAIDWHAT_DB or ./saidwhat.db).

    ``workers``: analysis processes (0: in the server process); ``long_chars`` and
    ``long_workers``: documents longer than that go to that many processes of their own, so
    that they never hold up short ones (web/analysis.py); ``max_body``: the largest
    request body in bytes (413 beyond); ``allow_private``: let the analyse page fetch URLs on
    private, loopback and link-local addresses (refused by default); ``allowed_hosts``: the
    Host names it answers to (400 for any other; default: localhost, 127.0.0.1 and ::1;
    "*" allows any)."""
    from saidwhat.store import open_store

    store = open_store(db)
    analyzer = Analyzer(workers, long_chars=long_chars, long_workers=long_workers)
    write_lock = threading.Lock()
    env = _env()

    @asynccontextmanager
    async def lifespan(_app):
        await run_in_threadpool(analyzer.start, warm)
        try:
            yield
        finally:
            analyzer.close()
            store.close()

    app = FastAPI(
        title="saidwhat", version=__version__, lifespan=lifespan,
        docs_url=None, redoc_url=None,  # their pages load scripts from a CDN: /api instead
        description="Who said what, how, and with which rhetoric, in news articles: analyse an "
                    "article, and query the corpus store. The analyse endpoints answer in the "
                    "output contract of `saidwhat analyze` (docs/output.md). Errors are "
                    "`{\"error\": {\"code\", \"message\"}}`; a request body over the server's "
                    f"limit ({max_body:,} bytes by default here) gets 413.")
    app.state.store = store
    app.state.analyzer = analyzer
    app.state.max_body = max_body
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")

    def page(template: str, request: Request, status: int = 200, **context) -> HTMLResponse:
        html = env.get_template(template).render(request=request, path=request.url.path,
                                                 **context)
        return HTMLResponse(html, status_code=status)

    def error_response(path: str, error: SaidwhatError, status: Optional[int] = None,
                       *, request: Optional[Request] = None) -> Response:
        status = status or STATUS.get(error.code, 400)
        if path.startswith("/api"):
            return JSONResponse({"error": {"code": error.code, "message": str(error)}},
                                status_code=status)
        html = env.get_template("error.html").render(
            request=request, path=path, status=status, code=error.code, message=str(error))
        return HTMLResponse(html, status_code=status)

    # The last added runs first: sizes and security headers on every answer, then the Host,
    # then the Origin of a state-changing request.
    app.add_middleware(SameOrigin, render_error=error_response)
    app.add_middleware(TrustedHostMiddleware, www_redirect=False,
                       allowed_hosts=host_patterns(allowed_hosts or LOOPBACK_HOSTS))
    app.add_middleware(Limits, limit=max_body, render_error=error_response)

    @app.exception_handler(SaidwhatError)
    async def _saidwhat_error(request: Request, exc: SaidwhatError):
        return error_response(request.url.path, exc, request=request)

    @app.exception_handler(RequestValidationError)
    async def _invalid_request(request: Request, exc: RequestValidationError):
        """400 for a body that is no JSON (NaN and 1e999 included: JSON numbers are finite)
        and for a bad URL parameter (as the CLI's bad options); FastAPI's 422 for a body of
        the wrong shape. FastAPI's own answer echoes the input and fails (500) on inf, NaN or a
        lone surrogate, so it is rebuilt here."""
        path = request.url.path
        errors = exc.errors()
        broken = next((e for e in errors if e.get("type") == "json_invalid"), None)
        if broken is not None:
            reason = (broken.get("ctx") or {}).get("error") or broken.get("msg")
            where = broken.get("loc", ())[1:2]
            if where and isinstance(where[0], int):
                reason = f"{reason} at character {where[0]}"
            return error_response(path, SaidwhatError("bad_json", reason=reason), 400,
                                  request=request)
        if _non_finite(exc.body):
            return error_response(path, SaidwhatError(
                "bad_json", reason="a number is NaN, Infinity or out of range"), 400,
                request=request)
        in_url = next((e for e in errors if e.get("loc", ("",))[0] in ("query", "path")), None)
        if in_url is not None:
            reason = str(in_url.get("msg", "invalid"))
            error = SaidwhatError("bad_option", option=str(in_url["loc"][1]),
                                  reason=reason[:1].lower() + reason[1:])
            return error_response(path, error, 400, request=request)
        # Without the input (it may be the whole article), and ASCII-escaped: a lone surrogate
        # in a field name is written as \ud800 instead of failing to encode.
        detail = jsonable_encoder([{k: v for k, v in e.items() if k != "input"}
                                   for e in errors])
        return Response(json.dumps({"detail": detail}), status_code=422,
                        media_type="application/json")

    # -- reading and analysing ----------------------------------------------------------------

    async def read_document(*, text: Optional[str] = None, html: Optional[str] = None,
                            url: Optional[str] = None, upload: Optional[tuple[str, bytes]] = None,
                            source: str = "api") -> Document:
        from saidwhat.read import ReadFailure, document_id, read_bytes
        from saidwhat.read.html import html_to_document
        from saidwhat.read.text import check_text
        from saidwhat.read.url import fetch_url

        given = [n for n, v in (("text", text), ("html", html), ("URL", url),
                                ("file", upload)) if v]
        if not given:
            raise SaidwhatError("no_input")
        if len(given) > 1:
            raise SaidwhatError("several_inputs", given=", ".join(given))
        if text:
            check_text(text)
            return Document(id=document_id(source, text), text=text, source=source)
        if html:
            return await run_in_threadpool(html_to_document, html,
                                           doc_id=document_id(source, html), source=source)
        if url:
            return await run_in_threadpool(fetch_url, url.strip(), allow_private=allow_private)
        name, data = upload
        item = await run_in_threadpool(read_bytes, data, source=name or "upload", name=name)
        if isinstance(item, ReadFailure):
            raise item.error
        return item

    def with_metadata(doc: Document, title=None, outlet=None, published=None) -> Document:
        # NUL in the text is refused (binary); in a title it would only fail the store
        # (PostgreSQL refuses it), so it is read as U+FFFD, as in JSONL.
        if title:
            doc.title = title.strip().replace("\x00", "\ufffd")
        if outlet:
            doc.outlet = outlet.strip().replace("\x00", "\ufffd")
        if published:
            corpus._day(published.strip(), "published")  # a clear error for a bad date
            doc.published = published.strip()
        return doc

    def store_analysis(analysis: Analysis) -> Optional[int]:
        """Add to the store; the document's id (also when it was stored already)."""
        from saidwhat.store import content_hash
        from saidwhat.store import schema as S
        from sqlalchemy import select

        if analysis.errors:
            return None
        with write_lock:
            result = store.add(analysis)
        if result.document_id is not None:
            return int(result.document_id)
        with store.engine.connect() as conn:
            found = conn.execute(select(S.documents.c.id).where(
                S.documents.c.content_hash == (result.content_hash
                                               or content_hash(analysis.text)))).scalar()
        return int(found) if found is not None else None

    # -- pages ----------------------------------------------------------------------------

    def speaker_link(name: str) -> Optional[str]:
        return "/speaker?" + urlencode({"name": name}) if name else None

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    async def analyse_page(request: Request):
        return page("analyse.html", request, form={"techniques": True})

    @app.post("/analyse", response_class=HTMLResponse, include_in_schema=False)
    async def analyse_form(request: Request):
        form = await request.form(max_files=1, max_fields=20, max_part_size=max_body)
        text = str(form.get("text") or "").replace("\r\n", "\n")
        url = str(form.get("url") or "").strip()
        upload = form.get("file")
        file_part = None
        if upload is not None and not isinstance(upload, str) and upload.filename:
            file_part = (upload.filename, await upload.read())
        values = {"text": text, "url": url, "title": str(form.get("title") or ""),
                  "techniques": bool(form.get("techniques")), "store": bool(form.get("store"))}
        try:
            doc = await read_document(text=text if text.strip() else None, url=url or None,
                                      upload=file_part, source="pasted text" if text.strip()
                                      else "upload")
            doc = with_metadata(doc, title=values["title"] or None)
        except SaidwhatError as exc:
            return page("analyse.html", request, status=STATUS.get(exc.code, 400), form=values,
                        error=str(exc))
        analysis = await analyzer.run(doc, Options(techniques=values["techniques"]))
        if values["store"] and not analysis.errors:
            document_id = await run_in_threadpool(store_analysis, analysis)
            if document_id is not None:
                return RedirectResponse(f"/articles/{document_id}", status_code=303)
        rendered = render_analysis(
            analysis, speaker_href=lambda i: speaker_link(analysis.statements[i].speaker.name))
        return page("analyse.html", request, form=values, analysis=analysis, view=rendered,
                    speakers=_speakers_of(analysis))

    @app.get("/articles", response_class=HTMLResponse, include_in_schema=False)
    def articles_page(request: Request, outlet: str = "", since: str = "", until: str = "",
                      speaker: str = "", technique: str = "", q: str = "",
                      offset: Annotated[int, Query(le=MAX_INTEGER)] = 0):
        filters = dict(outlet=outlet, since=since, until=until, speaker=speaker,
                       technique=technique, q=q)
        error, rows, total = None, [], 0
        try:
            rows, total = corpus.articles(store, outlet=outlet, since=since, until=until,
                                          speaker=speaker, technique=technique, text=q,
                                          limit=PAGE_SIZE, offset=offset)
        except SaidwhatError as exc:
            error = str(exc)
        return page("articles.html", request, status=400 if error else 200, rows=rows,
                    total=total, filters=filters, offset=offset, page_size=PAGE_SIZE,
                    error=error, outlets=corpus.outlets(store),
                    techniques=corpus.techniques_in_store(store))

    @app.get("/articles/{document_id}", response_class=HTMLResponse, include_in_schema=False)
    def article_page(request: Request, document_id: StoreId):
        analysis, speaker_ids = corpus.load_analysis(store, document_id)
        rendered = render_analysis(
            analysis, speaker_href=lambda i: f"/speakers/{speaker_ids[i]}"
            if speaker_ids[i] is not None else None)
        return page("article.html", request, analysis=analysis, view=rendered,
                    document_id=document_id, doc=corpus.document_row(store, document_id),
                    speakers=_speakers_of(analysis, speaker_ids))

    @app.get("/speakers", response_class=HTMLResponse, include_in_schema=False)
    def speakers_page(request: Request, name: str = "", type: str = "", outlet: str = "",
                      limit: int = 100):
        df = store.speakers(limit=max(1, min(limit, 1000)), name=name or None,
                            type=type or None, outlet=outlet or None)
        return page("speakers.html", request, rows=corpus.records(df),
                    filters=dict(name=name, type=type, outlet=outlet),
                    outlets=corpus.outlets(store))

    @app.get("/speaker", include_in_schema=False)
    def speaker_by_name(request: Request, name: str = ""):
        found = corpus.find_speaker(store, name)
        if found is not None:
            return RedirectResponse(f"/speakers/{found}", status_code=303)
        return RedirectResponse(_qs("/speakers", name=name), status_code=303)

    @app.get("/speakers/{speaker_id}", response_class=HTMLResponse, include_in_schema=False)
    def speaker_page(request: Request, speaker_id: StoreId):
        profile = corpus.speaker_profile(store, speaker_id)
        if profile is None:
            raise SaidwhatError("no_speaker", id=speaker_id)
        tech_colours = {name: charts.colour(i) for i, name in
                        enumerate(t.name for t in CATALOGUE)}
        act_colours = ACT_COLOURS
        bins = profile["timeline"]["bins"]
        present = [a for a in ACTS if any(a in counts for _, counts in bins)]
        figures = dict(
            timeline=charts.columns(bins, present, title="statements over time, by speech act",
                                    colours=act_colours, empty="no dated statements"),
            timeline_legend=charts.legend(present, act_colours) if bins else "",
            acts=charts.hbars(profile["acts"], title="speech acts",
                              colour_of=lambda a, i: act_colours.get(a, charts.colour(-1))),
            stances=charts.hbars(profile["stances"], title="stances",
                                 colour_of=lambda s, i: STANCE_COLOURS.get(s, charts.colour(-1))),
            techniques=charts.hbars(
                [(technique_title(t), n) for t, n in profile["techniques"]],
                title="techniques in statements",
                colour_of=lambda label, i: tech_colours.get(profile["techniques"][i][0],
                                                            charts.colour(-1)),
                empty="no technique in this speaker's statements"),
            outlets=charts.hbars(profile["outlets"], title="outlets",
                                 colour_of=lambda s, i: charts.colour(1),
                                 href_of=lambda o: _qs("/articles", outlet=o,
                                                       speaker=profile["identity"]["name"])
                                 if o != "(unknown)" else None))
        return page("speaker.html", request, p=profile, charts=figures,
                    statements=profile["statements"][:200])

    @app.get("/techniques", response_class=HTMLResponse, include_in_schema=False)
    def techniques_page(request: Request, outlet: str = "", since: str = "", until: str = ""):
        filters = dict(outlet=outlet or None, since=since or None, until=until or None)
        error = None
        try:
            tech_outlet = store.stats(by="outlet", of="techniques", **filters)
            tech_week = store.stats(by="week", of="techniques", **filters)
            acts_outlet = store.stats(by="outlet", of="acts", **filters)
            acts_week = store.stats(by="week", of="acts", **filters)
        except SaidwhatError as exc:
            error = str(exc)
            tech_outlet = tech_week = acts_outlet = acts_week = None
        tech_names = [t.name for t in CATALOGUE]
        tech_colours = {n: charts.colour(i) for i, n in enumerate(tech_names)}
        act_colours = ACT_COLOURS
        figs: dict[str, Any] = {}
        spans = 0
        if error is None:
            tseries = [c for c in tech_outlet.columns if c not in ("outlet", "spans")]
            spans = int(tech_outlet["spans"].sum()) if "spans" in tech_outlet else 0
            aseries = [a for a in ACTS if a in acts_outlet.columns]
            figs.update(_outlet_and_week_charts(
                "tech", tech_outlet, tech_week, tseries, tech_colours, "technique spans",
                empty="no technique spans in the store", empty_week="no dated technique spans",
                labels={n: technique_title(n) for n in tseries}))
            figs.update(_outlet_and_week_charts(
                "acts", acts_outlet, acts_week, aseries, act_colours, "speech acts",
                empty="no statements in the store", empty_week="no dated statements"))
        return page("techniques.html", request, status=400 if error else 200, error=error,
                    figs=figs, spans=spans, notes=corpus.techniques_notes(store) if not spans
                    else [], filters=dict(outlet=outlet, since=since, until=until),
                    outlets=corpus.outlets(store))

    @app.get("/api", response_class=HTMLResponse, include_in_schema=False)
    def api_page(request: Request):
        return page("api.html", request, spec=app.openapi(), endpoints=_endpoints(app.openapi()))

    # -- the REST API ---------------------------------------------------------------------

    errors_doc = {400: {"model": ErrorResponse, "description": "bad input (the message says "
                                                               "which)"},
                  413: {"model": ErrorResponse, "description": "request body too large"}}

    async def analyse_and_answer(doc: Document, techniques: bool, keep: bool) -> JSONResponse:
        analysis = await analyzer.run(doc, Options(techniques=techniques))
        headers = {}
        if keep and not analysis.errors:
            document_id = await run_in_threadpool(store_analysis, analysis)
            if document_id is not None:
                headers = {"Location": f"/api/documents/{document_id}",
                           "X-Saidwhat-Document-Id": str(document_id)}
        return JSONResponse(analysis.to_dict(), headers=headers)

    @app.post("/api/analyse", tags=["analyse"], response_model=AnalysisModel,
              responses={**errors_doc, 502: {"model": ErrorResponse,
                                             "description": "the URL could not be fetched"}})
    async def api_analyse(body: AnalyseRequest):
        """Analyse one article given as `text`, `html` or `url` (exactly one). The answer is
        the output contract of `saidwhat analyze` (docs/output.md). URLs on private,
        loopback or link-local addresses are refused (400, `url_private`). With
        `"store": true` the analysis is also stored; `Location` then names the stored
        document."""
        doc = await read_document(text=body.text, html=body.html, url=body.url)
        doc = with_metadata(doc, body.title, body.outlet, body.published)
        return await analyse_and_answer(doc, body.techniques, body.store)

    @app.post("/api/analyse/upload", tags=["analyse"], response_model=AnalysisModel,
              responses=errors_doc)
    async def api_analyse_upload(file: UploadFile = File(..., description="a .txt or .html "
                                                                          "article"),
                                 techniques: bool = Form(True), store: bool = Form(False)):
        """Analyse one uploaded file (text or HTML, detected as `saidwhat analyze` does)."""
        data = await file.read()
        doc = await read_document(upload=(file.filename or "upload", data))
        return await analyse_and_answer(doc, techniques, store)

    @app.get("/api/documents", tags=["corpus"], response_model=Page, responses=errors_doc)
    def api_documents(outlet: Optional[str] = None, since: Optional[str] = None,
                      until: Optional[str] = None, speaker: Optional[str] = None,
                      technique: Optional[str] = None,
                      text: Optional[str] = Query(None, description="title contains, or "
                                                  "statement content matches (full text)"),
                      limit: int = Query(PAGE_SIZE, ge=1, le=1000),
                      offset: int = Query(0, ge=0, le=MAX_INTEGER)):
        """Stored articles, newest first, filtered by outlet, date (YYYY-MM-DD), speaker
        (name or alias contains), technique and text."""
        rows, total = corpus.articles(store, outlet=outlet, since=since, until=until,
                                      speaker=speaker, technique=technique, text=text,
                                      limit=limit, offset=offset)
        return Page(rows=rows, count=len(rows), total=total, limit=limit, offset=offset)

    @app.get("/api/documents/{document_id}", tags=["corpus"], response_model=StoredDocument,
             responses={404: {"model": ErrorResponse}})
    def api_document(document_id: StoreId):
        """One stored article in the output contract, with the corpus speaker id of each
        statement."""
        analysis, speaker_ids = corpus.load_analysis(store, document_id)
        return JSONResponse({"document_id": document_id, "speaker_ids": speaker_ids,
                             "analysis": analysis.to_dict()})

    @app.get("/api/statements", tags=["corpus"], response_model=Page, responses=errors_doc)
    def api_statements(speaker: Optional[list[str]] = Query(None), speaker_id:
                       Optional[list[StoreInt]] = Query(None),
                       act: Optional[list[str]] = Query(None),
                       stance: Optional[list[str]] = Query(None),
                       channel: Optional[list[str]] = Query(None),
                       kind: Optional[list[str]] = Query(None),
                       technique: Optional[list[str]] = Query(None),
                       outlet: Optional[list[str]] = Query(None), since: Optional[str] = None,
                       until: Optional[str] = None, text: Optional[str] = None,
                       document_id: Optional[list[StoreInt]] = Query(None),
                       speaker_type: Optional[list[str]] = Query(None),
                       limit: int = Query(PAGE_SIZE, ge=1, le=10000),
                       offset: int = Query(0, ge=0, le=MAX_INTEGER)):
        """Statements matching every filter (a repeated filter matches any of its values),
        newest article first: `saidwhat query`."""
        df = store.statements(speaker=speaker, speaker_id=speaker_id, act=act, stance=stance,
                              kind=kind, technique=technique, outlet=outlet, since=since,
                              until=until, text=text, document_id=document_id,
                              speaker_type=speaker_type, channel=channel, limit=limit,
                              offset=offset)
        rows = corpus.records(df)
        return Page(rows=rows, count=len(rows), limit=limit, offset=offset)

    @app.get("/api/speakers", tags=["corpus"], response_model=Page, responses=errors_doc)
    def api_speakers(name: Optional[list[str]] = Query(None),
                     type: Optional[list[str]] = Query(None),
                     outlet: Optional[list[str]] = Query(None), since: Optional[str] = None,
                     until: Optional[str] = None, act: Optional[list[str]] = Query(None),
                     technique: Optional[list[str]] = Query(None),
                     min_statements: int = Query(1, ge=1, le=MAX_INTEGER),
                     limit: int = Query(20, ge=1, le=10000)):
        """The most quoted speakers with their acts, techniques and aliases:
        `saidwhat speakers`."""
        df = store.speakers(limit=limit, name=name, type=type, outlet=outlet, since=since,
                            until=until, act=act, technique=technique,
                            min_statements=min_statements)
        rows = corpus.records(df)
        return Page(rows=rows, count=len(rows), limit=limit)

    @app.get("/api/speakers/{speaker_id}", tags=["corpus"], response_model=SpeakerProfile,
             responses={404: {"model": ErrorResponse}})
    def api_speaker(speaker_id: StoreId):
        """One speaker: identity, aliases, breakdowns and every statement."""
        profile = corpus.speaker_profile(store, speaker_id)
        if profile is None:
            raise SaidwhatError("no_speaker", id=speaker_id)
        return JSONResponse(profile)

    @app.get("/api/stats", tags=["corpus"], response_model=Page, responses=errors_doc)
    def api_stats(by: str = Query("outlet", description="outlet, week or outlet-week"),
                  of: str = Query("acts", description="acts, techniques or stances"),
                  outlet: Optional[list[str]] = Query(None), since: Optional[str] = None,
                  until: Optional[str] = None, speaker: Optional[list[str]] = Query(None)):
        """Counts of speech acts, stances or technique spans per outlet and/or week:
        `saidwhat stats`."""
        df = store.stats(by=by, of=of, outlet=outlet, since=since, until=until,
                         speaker=speaker)
        rows = corpus.records(df)
        return Page(rows=rows, count=len(rows))

    @app.get("/api/summary", tags=["corpus"])
    def api_summary() -> dict[str, Any]:
        """What the store holds: documents, dates, outlets, statements, speakers, spans."""
        return {k: corpus.plain(v) for k, v in store.summary().items()}

    @app.get("/api/errors", tags=["corpus"], response_model=Page)
    def api_errors():
        """Sources that could not be stored, with the reason."""
        rows = corpus.records(store.errors())
        return Page(rows=rows, count=len(rows))

    @app.get("/api/techniques", tags=["reference"])
    def api_techniques() -> list[dict[str, str]]:
        """The 14 propaganda techniques (names as in the output contract) with definitions."""
        return [{"name": t.name, "title": t.title, "definition": t.definition,
                 "example": t.example} for t in CATALOGUE]

    return app


def _speakers_of(analysis: Analysis, speaker_ids=None) -> list[dict]:
    """Each speaker of an article once, with its statements' count, in order of appearance."""
    out: dict[str, dict] = {}
    for i, st in enumerate(analysis.statements):
        sp = st.speaker
        key = sp.name or "(unknown speaker)"
        entry = out.setdefault(key, dict(name=key, type=sp.type, title=sp.title, role=sp.role,
                                         organization=sp.organization, statements=0, href=None))
        entry["statements"] += 1
        if entry["href"] is None:
            if speaker_ids is not None:
                entry["href"] = f"/speakers/{speaker_ids[i]}" if speaker_ids[i] else None
            elif sp.name:
                entry["href"] = "/speaker?" + urlencode({"name": sp.name})
    return list(out.values())



def _outlet_and_week_charts(prefix: str, per_outlet, per_week, series, colours, what: str, *,
                            empty: str, empty_week: str, labels=None) -> dict:
    """The per-outlet bars, per-week columns and legend of one kind of count."""
    return {
        f"{prefix}_outlet": charts.stacked_hbars(
            _rows(per_outlet, "outlet", series), series, title=f"{what} per outlet",
            colours=colours, empty=empty,
            href_of=lambda o: _qs("/articles", outlet=o) if o != "(unknown)" else None),
        f"{prefix}_week": charts.columns(
            _fill_weeks(_rows(per_week, "week", series)), series, title=f"{what} per week",
            colours=colours, empty=empty_week),
        f"{prefix}_legend": charts.legend(series, colours, labels),
    }

def _rows(df, key: str, series: list[str]) -> list[tuple[str, dict[str, float]]]:
    if df is None or df.empty:
        return []
    out = []
    for rec in corpus.records(df):
        out.append((str(rec[key]), {s: rec.get(s) or 0 for s in series}))
    return out


def _fill_weeks(rows):
    """Weekly rows with the empty weeks between them added (so time reads evenly)."""
    import datetime as dt

    if len(rows) < 2:
        return rows
    have = {label: vals for label, vals in rows}
    days = sorted(dt.date.fromisoformat(label[:10]) for label in have)
    out, current = [], days[0]
    while current <= days[-1]:
        out.append((current.isoformat(), have.get(current.isoformat(), {})))
        current += dt.timedelta(days=7)
    return out


def _endpoints(spec: dict) -> list[dict]:
    """The OpenAPI paths as rows for the API page."""
    out = []
    for path, methods in spec.get("paths", {}).items():
        for method, op in methods.items():
            params = [dict(name=p["name"], where=p["in"], required=p.get("required", False),
                           type=_type_name(p.get("schema", {})),
                           description=p.get("description") or
                           p.get("schema", {}).get("description", ""))
                      for p in op.get("parameters", [])]
            body = None
            content = (op.get("requestBody") or {}).get("content", {})
            for media, spec_ in content.items():
                body = dict(media=media, schema=_type_name(spec_.get("schema", {})))
            out.append(dict(method=method.upper(), path=path, summary=op.get("summary", ""),
                            description=op.get("description", ""), params=params, body=body,
                            responses=sorted(op.get("responses", {})),
                            tag=(op.get("tags") or [""])[0]))
    return out


def _type_name(schema: dict) -> str:
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[-1]
    if "anyOf" in schema:
        return " | ".join(_type_name(s) for s in schema["anyOf"] if s.get("type") != "null")
    if schema.get("type") == "array":
        return f"list of {_type_name(schema.get('items', {}))}"
    return schema.get("type", "")

