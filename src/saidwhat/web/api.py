"""The REST API under ``/api`` (OpenAPI at ``/openapi.json``): analyse an article, query the
corpus store. Every answer is validated against its response model; the analyse endpoints
answer in the output contract of ``saidwhat analyze`` (docs/output.md)."""
from __future__ import annotations

from typing import Any, Optional

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.exceptions import ResponseValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ValidationError
from starlette.concurrency import run_in_threadpool

from saidwhat.errors import SaidwhatError
from saidwhat.model import Document
from saidwhat.pipeline import Options
from saidwhat.rhetoric.catalogue import CATALOGUE
from saidwhat.store import queries
from saidwhat.store.output import plain, records
from saidwhat.web import corpus
from saidwhat.web.common import (MAX_INTEGER, PAGE_SIZE, AnalyzerDep, StoreDep, StoreId,
                                 StoreInt, read_document, store_analysis, with_metadata)
from saidwhat.web.schemas import (AnalyseRequest, AnalysisModel, ErrorResponse, Page,
                                  SpeakerProfile, StoredDocument)

router = APIRouter(prefix="/api")

ERRORS_DOC = {400: {"model": ErrorResponse, "description": "bad input (the message says which)"},
              413: {"model": ErrorResponse, "description": "request body too large"}}


def validated(model: type[BaseModel], data: dict, headers: Optional[dict] = None) -> JSONResponse:
    """``data`` checked against ``model``, answered as the standard library's ``json`` writes
    it, as ``saidwhat analyze`` does: FastAPI's own serialiser (pydantic's) would write a
    whole number in a float field as 3.0 and 1e-05 as 0.00001, so the bytes would differ."""
    try:
        model.model_validate(data)
    except ValidationError as exc:
        raise ResponseValidationError(exc.errors(include_input=False)) from None
    return JSONResponse(data, headers=headers)


async def analyse_and_answer(request: Request, analyzer, doc: Document, techniques: bool,
                             keep: bool) -> JSONResponse:
    analysis = await analyzer.run(doc, Options(techniques=techniques))
    headers = {}
    if keep and not analysis.errors:
        document_id = await run_in_threadpool(store_analysis, request, analysis)
        if document_id is not None:
            headers = {"Location": f"/api/documents/{document_id}",
                       "X-Saidwhat-Document-Id": str(document_id)}
    return validated(AnalysisModel, analysis.to_dict(), headers)


@router.post("/analyse", tags=["analyse"], response_model=AnalysisModel,
             responses={**ERRORS_DOC, 502: {"model": ErrorResponse,
                                            "description": "the URL could not be fetched"}})
async def api_analyse(request: Request, analyzer: AnalyzerDep, body: AnalyseRequest):
    """Analyse one article given as `text`, `html` or `url` (exactly one). The answer is
    the output contract of `saidwhat analyze` (docs/output.md). URLs on private,
    loopback or link-local addresses are refused (400, `url_private`). With
    `"store": true` the analysis is also stored; `Location` then names the stored
    document."""
    doc = await read_document(request, text=body.text, html=body.html, url=body.url)
    doc = with_metadata(doc, body.title, body.outlet, body.published)
    return await analyse_and_answer(request, analyzer, doc, body.techniques, body.store)


@router.post("/analyse/upload", tags=["analyse"], response_model=AnalysisModel,
             responses=ERRORS_DOC)
async def api_analyse_upload(request: Request, analyzer: AnalyzerDep,
                             file: UploadFile = File(..., description="a .txt or .html "
                                                                      "article"),
                             techniques: bool = Form(True), store: bool = Form(False)):
    """Analyse one uploaded file (text or HTML, detected as `saidwhat analyze` does)."""
    data = await file.read()
    doc = await read_document(request, upload=(file.filename or "upload", data))
    return await analyse_and_answer(request, analyzer, doc, techniques, store)


@router.get("/documents", tags=["corpus"], response_model=Page, responses=ERRORS_DOC)
def api_documents(db: StoreDep, outlet: Optional[str] = None, since: Optional[str] = None,
                  until: Optional[str] = None, speaker: Optional[str] = None,
                  technique: Optional[str] = None,
                  text: Optional[str] = Query(None, description="title contains, or "
                                              "statement content matches (full text)"),
                  limit: int = Query(PAGE_SIZE, ge=1, le=1000),
                  offset: int = Query(0, ge=0, le=MAX_INTEGER)):
    """Stored articles, newest first, filtered by outlet, date (YYYY-MM-DD), speaker
    (name or alias contains), technique and text."""
    rows, total = queries.articles(db, outlet=outlet, since=since, until=until,
                                   speaker=speaker, technique=technique, text=text,
                                   limit=limit, offset=offset)
    return Page(rows=rows, count=len(rows), total=total, limit=limit, offset=offset)


@router.get("/documents/{document_id}", tags=["corpus"], response_model=StoredDocument,
            responses={404: {"model": ErrorResponse}})
def api_document(db: StoreDep, document_id: StoreId):
    """One stored article in the output contract, with the corpus speaker id of each
    statement."""
    analysis, speaker_ids = queries.analysis(db, document_id)
    return validated(StoredDocument, {"document_id": document_id, "speaker_ids": speaker_ids,
                                      "analysis": analysis.to_dict()})


@router.get("/statements", tags=["corpus"], response_model=Page, responses=ERRORS_DOC)
def api_statements(db: StoreDep, speaker: Optional[list[str]] = Query(None), speaker_id:
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
    df = db.statements(speaker=speaker, speaker_id=speaker_id, act=act, stance=stance,
                       kind=kind, technique=technique, outlet=outlet, since=since,
                       until=until, text=text, document_id=document_id,
                       speaker_type=speaker_type, channel=channel, limit=limit,
                       offset=offset)
    rows = records(df)
    return Page(rows=rows, count=len(rows), limit=limit, offset=offset)


@router.get("/speakers", tags=["corpus"], response_model=Page, responses=ERRORS_DOC)
def api_speakers(db: StoreDep, name: Optional[list[str]] = Query(None),
                 type: Optional[list[str]] = Query(None),
                 outlet: Optional[list[str]] = Query(None), since: Optional[str] = None,
                 until: Optional[str] = None, act: Optional[list[str]] = Query(None),
                 technique: Optional[list[str]] = Query(None),
                 min_statements: int = Query(1, ge=1, le=MAX_INTEGER),
                 limit: int = Query(20, ge=1, le=10000)):
    """The most quoted speakers with their acts, techniques and aliases:
    `saidwhat speakers`."""
    df = db.speakers(limit=limit, name=name, type=type, outlet=outlet, since=since,
                     until=until, act=act, technique=technique,
                     min_statements=min_statements)
    rows = records(df)
    return Page(rows=rows, count=len(rows), limit=limit)


@router.get("/speakers/{speaker_id}", tags=["corpus"], response_model=SpeakerProfile,
            responses={404: {"model": ErrorResponse}})
def api_speaker(db: StoreDep, speaker_id: StoreId):
    """One speaker: identity, aliases, breakdowns and every statement."""
    profile = corpus.speaker_profile(db, speaker_id)
    if profile is None:
        raise SaidwhatError("no_speaker", id=speaker_id)
    return validated(SpeakerProfile, profile)


@router.get("/stats", tags=["corpus"], response_model=Page, responses=ERRORS_DOC)
def api_stats(db: StoreDep, by: str = Query("outlet", description="outlet, week or outlet-week"),
              of: str = Query("acts", description="acts, techniques or stances"),
              outlet: Optional[list[str]] = Query(None), since: Optional[str] = None,
              until: Optional[str] = None, speaker: Optional[list[str]] = Query(None),
              technique: Optional[list[str]] = Query(None)):
    """Counts of speech acts or stances per outlet and/or week; with `of=techniques`, one
    row per group and technique: spans, spans per 1,000 words of report text, share of
    articles with it: `saidwhat stats`."""
    df = db.stats(by=by, of=of, outlet=outlet, since=since, until=until, speaker=speaker,
                  technique=technique)
    rows = records(df)
    return Page(rows=rows, count=len(rows))


@router.get("/summary", tags=["corpus"])
def api_summary(db: StoreDep) -> dict[str, Any]:
    """What the store holds: documents, dates, outlets, statements, speakers, spans."""
    return {k: plain(v) for k, v in db.summary().items()}


@router.get("/errors", tags=["corpus"], response_model=Page)
def api_errors(db: StoreDep):
    """Sources that could not be stored, with the reason."""
    rows = records(db.errors())
    return Page(rows=rows, count=len(rows))


@router.get("/techniques", tags=["reference"])
def api_techniques() -> list[dict[str, Any]]:
    """The 14 propaganda techniques: `name` (the id, as in the output contract and the
    store), `title` (the display name), definition, example, and the aliases a technique
    filter accepts besides the name, the title and each part of a combined name."""
    return [t.to_dict() for t in CATALOGUE]
