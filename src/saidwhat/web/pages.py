"""The HTML pages: analyse an article, and browse the corpus store (articles, speakers,
techniques), and the API's readable page. Every GET page is a permanent URL of its filters;
pages are rendered on the server (web/templates, autoescape on), charts are inline SVG."""
from __future__ import annotations

from typing import Annotated, Any, Optional
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from starlette.concurrency import run_in_threadpool

from saidwhat.errors import SaidwhatError
from saidwhat.model import ACTS, Analysis
from saidwhat.pipeline import Options
from saidwhat.rhetoric.catalogue import CATALOGUE, resolve
from saidwhat.store import queries
from saidwhat.store.output import records
from saidwhat.web import charts, corpus
from saidwhat.web.common import (MAX_INTEGER, PAGE_SIZE, STATUS, AnalyzerDep, StoreDep,
                                 StoreId, page, qs, read_document, store_analysis,
                                 with_metadata)
from saidwhat.web.render import render_analysis, technique_title

router = APIRouter()

ACT_COLOURS = dict(zip(ACTS, ("#9aa5b1", "#1f77b4", "#2ca02c", "#d62728", "#ff7f0e", "#8c564b",
                              "#e377c2", "#9467bd", "#bcbd22", "#17becf", "#393b79", "#637939",
                              "#7f7f7f")))
STANCE_COLOURS = {"neutral": "#9aa5b1", "distancing": "#d62728", "endorsing": "#2ca02c"}


def speaker_link(name: str) -> Optional[str]:
    return "/speaker?" + urlencode({"name": name}) if name else None


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
async def analyse_page(request: Request):
    return page("analyse.html", request, form={"techniques": True})


@router.post("/analyse", response_class=HTMLResponse, include_in_schema=False)
async def analyse_form(request: Request, analyzer: AnalyzerDep):
    form = await request.form(max_files=1, max_fields=20,
                              max_part_size=request.app.state.max_body)
    text = str(form.get("text") or "").replace("\r\n", "\n")
    url = str(form.get("url") or "").strip()
    upload = form.get("file")
    file_part = None
    if upload is not None and not isinstance(upload, str) and upload.filename:
        file_part = (upload.filename, await upload.read())
    values = {"text": text, "url": url, "title": str(form.get("title") or ""),
              "techniques": bool(form.get("techniques")), "store": bool(form.get("store"))}
    try:
        doc = await read_document(request, text=text if text.strip() else None, url=url or None,
                                  upload=file_part, source="pasted text" if text.strip()
                                  else "upload")
        doc = with_metadata(doc, title=values["title"] or None)
    except SaidwhatError as exc:
        return page("analyse.html", request, status=STATUS.get(exc.code, 400), form=values,
                    error=str(exc))
    analysis = await analyzer.run(doc, Options(techniques=values["techniques"]))
    if values["store"] and not analysis.errors:
        document_id = await run_in_threadpool(store_analysis, request, analysis)
        if document_id is not None:
            return RedirectResponse(f"/articles/{document_id}", status_code=303)
    rendered = render_analysis(
        analysis, speaker_href=lambda i: speaker_link(analysis.statements[i].speaker.name))
    return page("analyse.html", request, form=values, analysis=analysis, view=rendered,
                speakers=_speakers_of(analysis))


@router.get("/articles", response_class=HTMLResponse, include_in_schema=False)
def articles_page(request: Request, db: StoreDep, outlet: str = "", since: str = "",
                  until: str = "", speaker: str = "", technique: str = "", q: str = "",
                  offset: Annotated[int, Query(le=MAX_INTEGER)] = 0):
    filters = dict(outlet=outlet, since=since, until=until, speaker=speaker,
                   technique=technique, q=q)
    error, rows, total = None, [], 0
    try:
        rows, total = queries.articles(db, outlet=outlet, since=since, until=until,
                                       speaker=speaker, technique=technique, text=q,
                                       limit=PAGE_SIZE, offset=offset)
        if technique.strip():  # the menu shows the technique however the link named it
            filters["technique"] = resolve(technique).name
    except SaidwhatError as exc:
        error = str(exc)
    return page("articles.html", request, status=400 if error else 200, rows=rows,
                total=total, filters=filters, offset=offset, page_size=PAGE_SIZE,
                error=error, outlets=queries.outlets(db),
                techniques=queries.technique_names(db))


@router.get("/articles/{document_id}", response_class=HTMLResponse, include_in_schema=False)
def article_page(request: Request, db: StoreDep, document_id: StoreId):
    analysis, speaker_ids = queries.analysis(db, document_id)
    rendered = render_analysis(
        analysis, speaker_href=lambda i: f"/speakers/{speaker_ids[i]}"
        if speaker_ids[i] is not None else None)
    return page("article.html", request, analysis=analysis, view=rendered,
                document_id=document_id, doc=queries.document(db, document_id),
                speakers=_speakers_of(analysis, speaker_ids))


@router.get("/speakers", response_class=HTMLResponse, include_in_schema=False)
def speakers_page(request: Request, db: StoreDep, name: str = "", type: str = "", outlet: str = "",
                  limit: int = 100):
    df = db.speakers(limit=max(1, min(limit, 1000)), name=name or None,
                        type=type or None, outlet=outlet or None)
    return page("speakers.html", request, rows=records(df),
                filters=dict(name=name, type=type, outlet=outlet),
                outlets=queries.outlets(db))


@router.get("/speaker", include_in_schema=False)
def speaker_by_name(db: StoreDep, name: str = ""):
    found = queries.find_speaker(db, name)
    if found is not None:
        return RedirectResponse(f"/speakers/{found}", status_code=303)
    return RedirectResponse(qs("/speakers", name=name), status_code=303)


@router.get("/speakers/{speaker_id}", response_class=HTMLResponse, include_in_schema=False)
def speaker_page(request: Request, db: StoreDep, speaker_id: StoreId):
    profile = corpus.speaker_profile(db, speaker_id)
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
                             href_of=lambda o: qs("/articles", outlet=o,
                                                   speaker=profile["identity"]["name"])
                             if o != "(unknown)" else None))
    return page("speaker.html", request, p=profile, charts=figures,
                statements=profile["statements"][:200])


@router.get("/techniques", response_class=HTMLResponse, include_in_schema=False)
def techniques_page(request: Request, db: StoreDep, outlet: str = "", since: str = "",
                    until: str = ""):
    filters = dict(outlet=outlet or None, since=since or None, until=until or None)
    error = None
    try:
        tech_outlet = db.stats(by="outlet", of="techniques", **filters)
        # the same techniques each week, also one found only in undated articles
        tech_week = db.stats(by="week", of="techniques", **filters,
                             technique=list(dict.fromkeys(tech_outlet["technique"])))
        acts_outlet = db.stats(by="outlet", of="acts", **filters)
        acts_week = db.stats(by="week", of="acts", **filters)
    except SaidwhatError as exc:
        error = str(exc)
        tech_outlet = tech_week = acts_outlet = acts_week = None
    tech_colours = {n: charts.colour(i) for i, n in enumerate(t.name for t in CATALOGUE)}
    figs: dict[str, Any] = {}
    tables: dict[str, list] = {}
    spans, tseries = 0, []
    if error is None:
        tseries = list(dict.fromkeys(tech_outlet["technique"]))
        spans = int(tech_outlet["spans"].sum())
        # rates, not counts: the outlet with the longest articles would otherwise look the
        # most propagandistic
        tables = {"outlet": _rate_table(tech_outlet, "outlet", tseries),
                  "week": _rate_table(tech_week, "week", tseries)}
        figs.update(_outlet_and_week_charts(
            "tech", _rate_rows(tables["outlet"], tseries),
            _rate_rows(tables["week"], tseries), tseries, tech_colours,
            "technique spans per 1,000 words", empty="no technique spans in the store",
            empty_week="no dated technique spans",
            labels={n: technique_title(n) for n in tseries}))
        aseries = [a for a in ACTS if a in acts_outlet.columns]
        figs.update(_outlet_and_week_charts(
            "acts", _rows(acts_outlet, "outlet", aseries), _rows(acts_week, "week", aseries),
            aseries, ACT_COLOURS, "speech acts", empty="no statements in the store",
            empty_week="no dated statements"))
    return page("techniques.html", request, status=400 if error else 200, error=error,
                figs=figs, tables=tables, series=tseries, spans=spans,
                notes=queries.techniques_notes(db) if not spans else [],
                filters=dict(outlet=outlet, since=since, until=until),
                outlets=queries.outlets(db))


@router.get("/api", response_class=HTMLResponse, include_in_schema=False)
def api_page(request: Request):
    spec = request.app.openapi()
    return page("api.html", request, spec=spec, endpoints=_endpoints(spec))


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
    """The per-outlet bars, per-week columns and legend of one kind of value, from rows of
    (outlet or week, {series: value})."""
    return {
        f"{prefix}_outlet": charts.stacked_hbars(
            per_outlet, series, title=f"{what} per outlet", colours=colours, empty=empty,
            href_of=lambda o: qs("/articles", outlet=o) if o != "(unknown)" else None,
            names=labels),
        f"{prefix}_week": charts.columns(
            _fill_weeks(per_week), series, title=f"{what} per week", colours=colours,
            empty=empty_week, names=labels),
        f"{prefix}_legend": charts.legend(series, colours, labels),
    }


def _rows(df, key: str, series: list[str]) -> list[tuple[str, dict[str, float]]]:
    if df is None or df.empty:
        return []
    out = []
    for rec in records(df):
        out.append((str(rec[key]), {s: rec.get(s) or 0 for s in series}))
    return out


def _rate_table(df, key: str, series: list[str]) -> list[dict]:
    """The technique statistics (one row per group and technique) as one row per outlet or
    week: its articles, report words and spans, and a cell per technique of ``series``
    (spans, spans per 1,000 words, share of articles), in the statistics' order."""
    out: dict[str, dict] = {}
    for rec in records(df):
        label = str(rec[key])
        row = out.setdefault(label, dict(label=label, articles=rec["articles"],
                                         words=rec["words"], spans=0, cells={}))
        row["spans"] += rec["spans"]
        row["cells"][rec["technique"]] = rec
    for row in out.values():
        row["cells"] = [row["cells"][t] for t in series]
        rates = [c["spans_per_1000_words"] for c in row["cells"]]
        # every technique's spans over the same words: the rates add up
        row["rate"] = sum(rates) if None not in rates else None
    return list(out.values())


def _rate_rows(table: list[dict], series: list[str]) -> list[tuple[str, dict[str, float]]]:
    return [(row["label"], {t: c["spans_per_1000_words"] or 0
                            for t, c in zip(series, row["cells"])}) for row in table]


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
