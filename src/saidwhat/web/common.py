"""What the pages and the API share: the app's store, analyser and templates (held in
``app.state`` by ``create_app``, reached through the request), reading a request's article,
and storing an analysis."""
from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Optional
from urllib.parse import urlencode

from fastapi import Depends, Request
from fastapi import Path as PathParam
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape
from pydantic import Field
from starlette.concurrency import run_in_threadpool

from saidwhat import __version__
from saidwhat.errors import SaidwhatError
from saidwhat.model import ACTS, STANCES, STATEMENT_KINDS, Analysis, Document
from saidwhat.rhetoric.catalogue import CATALOGUE
from saidwhat.store.db import Store
from saidwhat.store.queries import MAX_INTEGER, iso_day
from saidwhat.store.rows import split_techniques
from saidwhat.web.analysis import Analyzer
from saidwhat.web.render import technique_class, technique_title

HERE = Path(__file__).resolve().parent
PAGE_SIZE = 50
# An id, limit or offset the store can compare: a larger one gets 400 (bad_option), not a
# database error (500).
StoreInt = Annotated[int, Field(ge=0, le=MAX_INTEGER)]
StoreId = Annotated[int, PathParam(ge=0, le=MAX_INTEGER)]

# HTTP status of each user-facing error code (anything else: 400).
STATUS = {
    "no_document": 404, "no_speaker": 404, "not_found": 404, "cross_origin": 403,
    "request_too_large": 413, "too_large": 413, "fetch_too_large": 413,
    "fetch_failed": 502, "fetch_timeout": 504, "http_status": 502, "http_unavailable": 502,
    "fetch_redirects": 502,
    "not_article": 502, "store_unreachable": 503, "store_missing": 503, "store_schema": 503,
    "store_failed": 500, "analysis_failed": 500, "worker_died": 503,
}


# -- the app's parts, from app.state ----------------------------------------------------------

def store_of(request: Request) -> Store:
    return request.app.state.store


def analyzer_of(request: Request) -> Analyzer:
    return request.app.state.analyzer


StoreDep = Annotated[Store, Depends(store_of)]
AnalyzerDep = Annotated[Analyzer, Depends(analyzer_of)]


# -- templates --------------------------------------------------------------------------------

def templates() -> Environment:
    env = Environment(loader=FileSystemLoader(str(HERE / "templates")),
                      autoescape=select_autoescape(["html"], default=True),
                      trim_blocks=True, lstrip_blocks=True)
    env.globals.update(version=__version__, technique_title=technique_title,
                       technique_class=technique_class, catalogue=CATALOGUE, acts=ACTS,
                       stances=STANCES, kinds=STATEMENT_KINDS, qs=qs)
    env.filters["number"] = lambda n: f"{n:,}" if isinstance(n, int) else n
    env.filters["rate"] = lambda x: "–" if x is None else f"{x:,.2f}"
    env.filters["percent"] = lambda x: "–" if x is None else f"{x:.0%}"
    # a statement's techniques (ids joined by "; ") as people read them
    env.filters["technique_titles"] = lambda value: "; ".join(
        technique_title(t) for t in split_techniques(value))
    env.tests["web_link"] = is_web_link
    return env


def page(template: str, request: Request, status: int = 200, **context) -> HTMLResponse:
    html = request.app.state.templates.get_template(template).render(
        request=request, path=request.url.path, **context)
    return HTMLResponse(html, status_code=status)


# The start of an http(s) URL, with nothing before it: browsers drop leading blanks and
# controls, so " javascript:…" is javascript too.
_WEB_LINK = re.compile(r"https?://", re.I)


def is_web_link(url) -> bool:
    """Whether a stored URL may be a link: only http(s). Ingested metadata can hold any
    string, and a ``javascript:`` or ``data:`` href would run or show whatever it holds."""
    return isinstance(url, str) and bool(_WEB_LINK.match(url))


def qs(base: str, **params) -> str:
    """``base?k=v`` from the non-empty params (values URL-encoded)."""
    clean = {k: v for k, v in params.items() if v not in (None, "", 0)}
    return base + ("?" + urlencode(clean) if clean else "")


# -- reading and storing ----------------------------------------------------------------------

async def read_document(request: Request, *, text: Optional[str] = None,
                        html: Optional[str] = None, url: Optional[str] = None,
                        upload: Optional[tuple[str, bytes]] = None,
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
        return await run_in_threadpool(fetch_url, url.strip(),
                                       allow_private=request.app.state.allow_private)
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
        iso_day(published.strip())  # a clear error for a bad date
        doc.published = published.strip()
    return doc


def store_analysis(request: Request, analysis: Analysis) -> Optional[int]:
    """Add to the store; the document's id (also when it was stored already)."""
    from saidwhat.store import content_hash
    from saidwhat.store import queries

    if analysis.errors:
        return None
    store = store_of(request)
    with request.app.state.write_lock:
        result = store.add(analysis)
    if result.document_id is not None:
        return int(result.document_id)
    return queries.document_id(store, result.content_hash or content_hash(analysis.text))
