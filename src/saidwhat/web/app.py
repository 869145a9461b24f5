"""The saidwhat web app: an analyse page, corpus pages over the store, and a REST API.

    from saidwhat.web.app import create_app
    app = create_app("saidwhat.db", workers=2)      # then: uvicorn.run(app, host="127.0.0.1")

``create_app`` builds the app: the store, the analyser and the templates in ``app.state``,
the middleware (body size, Host, Origin, security headers), the error answers, and the two
routers, ``web/pages.py`` (HTML) and ``web/api.py`` (JSON under ``/api``). Pages are
rendered on the server with Jinja2 (autoescape on: article text is always escaped), and the
only script is the small ``static/app.js`` that opens a statement's details on click; nothing
is fetched from another host.
"""
from __future__ import annotations

import ipaddress
import json
import math
import threading
from contextlib import asynccontextmanager
from typing import Optional, Sequence
from urllib.parse import urlsplit

from fastapi import APIRouter, FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.concurrency import run_in_threadpool
from starlette.middleware.trustedhost import TrustedHostMiddleware

from saidwhat import __version__
from saidwhat.errors import SaidwhatError
from saidwhat.web import api, pages
from saidwhat.web.analysis import LONG_CHARS, Analyzer
from saidwhat.web.common import HERE, STATUS, templates

DEFAULT_MAX_BODY = 2_000_000  # bytes of one request body (an article is rarely 200 kB)
# Names the server answers to when none are given: a request for another Host gets 400, so a
# page whose own name is made to resolve to this machine (DNS rebinding) cannot use it.
LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "::1")
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
    app.state.allow_private = allow_private
    app.state.write_lock = threading.Lock()  # requests store their analyses one at a time
    app.state.templates = env = templates()
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")

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

    for router in (pages.router, api.router):
        add_routes(app, router)
    return app


def add_routes(app: FastAPI, router: APIRouter) -> None:
    """The routes of ``router`` as routes of ``app``. Not ``app.include_router``: FastAPI
    0.163 keeps an included router as one entry resolved at request time, so ``app.routes``
    would no longer list the paths the app serves (tests walk it); a router's routes already
    hold their full paths (its prefix included), so they are added as they are."""
    app.router.routes.extend(router.routes)
