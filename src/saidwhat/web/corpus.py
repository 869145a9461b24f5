"""What the web pages and the API read from the store, beyond the store's own queries.

Every query here is SQLAlchemy Core with bound parameters (no SQL is built from strings), and
works on SQLite and PostgreSQL alike. DataFrames from the store become JSON-ready records with
``records()``.
"""
from __future__ import annotations

import datetime as dt
import math
from typing import Any, Optional

from sqlalchemy import and_, exists, func, or_, select

from saidwhat.errors import SaidwhatError
from saidwhat.model import (Analysis, Block, Entity, Figure, Span, Speaker, Statement,
                            TechniqueSpan)
from saidwhat.store import schema as S
from saidwhat.store.queries import contains


def plain(value: Any) -> Any:
    """A DataFrame cell as a JSON value: dates as ISO strings, NaN/NA as None, numpy → Python."""
    if value is None:
        return None
    try:
        import pandas as pd

        if value is pd.NA or value is pd.NaT:
            return None
    except ImportError:  # pragma: no cover
        pass
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        try:
            value = value.item()
        except (ValueError, AttributeError):
            pass
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def records(df) -> list[dict[str, Any]]:
    columns = [str(c) for c in df.columns]
    return [{c: plain(v) for c, v in zip(columns, row)}
            for row in df.itertuples(index=False, name=None)]


# -- one stored document ----------------------------------------------------------------------

def document_row(store, document_id: int) -> Optional[dict]:
    with store.engine.connect() as conn:
        row = conn.execute(select(S.documents).where(S.documents.c.id == document_id)
                           ).mappings().first()
    return dict(row) if row else None


def load_analysis(store, document_id: int) -> tuple[Analysis, list[Optional[int]]]:
    """A stored document as an ``Analysis`` in the output contract, and the corpus speaker id
    of each statement (None for unnamed speakers). ``SaidwhatError("no_document")`` if none."""
    doc = document_row(store, document_id)
    if doc is None:
        raise SaidwhatError("no_document", id=document_id)
    st, sp = S.statements, S.speakers
    with store.engine.connect() as conn:
        blocks = conn.execute(select(S.blocks).where(S.blocks.c.document_id == document_id)
                              .order_by(S.blocks.c.start_char)).mappings().all()
        rows = conn.execute(select(st, sp.c.name.label("identity_name"))
                            .select_from(st.outerjoin(sp, sp.c.id == st.c.speaker_id))
                            .where(st.c.document_id == document_id)
                            .order_by(st.c.position)).mappings().all()
        techs = conn.execute(select(S.techniques).where(
            S.techniques.c.document_id == document_id).order_by(
            S.techniques.c.start_char, S.techniques.c.end_char)).mappings().all()
        figures = conn.execute(select(S.figures).where(
            S.figures.c.document_id == document_id).order_by(S.figures.c.start_char)
        ).mappings().all()
        entities = conn.execute(select(S.entities).where(
            S.entities.c.document_id == document_id).order_by(S.entities.c.start_char)
        ).mappings().all()
        statement_techniques: dict[int, list[str]] = {}
        ids = [r["id"] for r in rows]
        if ids:
            for sid, tech in conn.execute(select(S.statement_techniques.c.statement_id,
                                                 S.statement_techniques.c.technique)
                                          .where(S.statement_techniques.c.statement_id.in_(ids))):
                statement_techniques.setdefault(sid, []).append(tech)
    meta = {k: doc[k] for k in ("url", "outlet", "published", "title", "format") if doc.get(k)}
    if doc.get("techniques_note"):
        meta["techniques"] = doc["techniques_note"]
    analysis = Analysis(id=doc["doc_key"], source=doc["source"], text=doc["text"], meta=meta)
    analysis.blocks = [Block(b["start_char"], b["end_char"], b["kind"], b["label"])
                       for b in blocks]
    speaker_ids: list[Optional[int]] = []
    position_of: dict[int, int] = {}
    for i, r in enumerate(rows):
        position_of[r["id"]] = i
        mention = (Span(r["mention_text"], r["mention_start"], r["mention_end"])
                   if r["mention_text"] is not None and r["mention_start"] is not None else None)
        speaker = Speaker(name=r["speaker_name"] or "", id=_speaker_key(r),
                          title=r["speaker_title"], role=r["speaker_role"],
                          organization=r["speaker_organization"],
                          type=r["speaker_type"] or "UNKNOWN", mention=mention,
                          mention_kind=r["mention_kind"] or "none")
        content = (Span(r["content_text"], r["content_start"], r["content_end"])
                   if r["content_text"] is not None else None)
        analysis.statements.append(Statement(
            speaker=speaker, cue=Span(r["cue_text"], r["cue_start"], r["cue_end"]),
            content=content, kind=r["kind"], act=r["act"], channel=r["channel"], stance=r["stance"],
            confidence=r["confidence"],
            techniques=sorted(statement_techniques.get(r["id"], [])), continues=r["continues"],
            sentence=Span(doc["text"][r["sentence_start"]:r["sentence_end"]],
                          r["sentence_start"], r["sentence_end"])
            if r["sentence_start"] is not None else None))
        speaker_ids.append(r["speaker_id"])
    analysis.techniques = [TechniqueSpan(t["technique"], t["start_char"], t["end_char"],
                                         t["text"], t["score"]) for t in techs]
    analysis.figures = [Figure(f["text"], f["value"], f["unit"], f["start_char"], f["end_char"],
                               position_of.get(f["statement_id"])) for f in figures]
    analysis.entities = [Entity(e["text"], e["label"], e["start_char"], e["end_char"])
                         for e in entities]
    return analysis, speaker_ids


def _speaker_key(row) -> str:
    name = (row["speaker_name"] or "").strip().lower()
    kind = (row["speaker_type"] or "unknown").lower()
    return f"{kind}:{'-'.join(name.split())}" if name else ""


# -- articles ---------------------------------------------------------------------------------

def _day(value: Optional[str], option: str) -> Optional[dt.date]:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise SaidwhatError("bad_date", value=str(value)) from None


def articles(store, *, outlet: Optional[str] = None, since: Optional[str] = None,
             until: Optional[str] = None, speaker: Optional[str] = None,
             technique: Optional[str] = None, text: Optional[str] = None,
             limit: int = 50, offset: int = 0) -> tuple[list[dict], int]:
    """Stored articles matching every filter, newest first, and how many match in all.

    ``speaker``: a statement by a speaker whose name or alias contains it; ``technique``: a
    technique span or a statement with it; ``text``: the title contains it, or a statement's
    content matches it (full-text search, as ``saidwhat query --text``)."""
    doc, st = S.documents, S.statements
    where = []
    if outlet:
        where.append(func.lower(doc.c.outlet) == outlet.strip().lower())
    start, end = _day(since, "since"), _day(until, "until")
    if start:
        where.append(doc.c.published_day >= start)
    if end:
        where.append(doc.c.published_day <= end)
    if speaker and speaker.strip():
        part = speaker.strip()
        alias_ids = select(S.speaker_aliases.c.speaker_id).where(
            contains(S.speaker_aliases.c.alias, part))
        name_ids = select(S.speakers.c.id).where(contains(S.speakers.c.name, part))
        where.append(exists().where(and_(
            st.c.document_id == doc.c.id,
            or_(st.c.speaker_id.in_(alias_ids), st.c.speaker_id.in_(name_ids),
                contains(st.c.speaker_name, part)))))
    if technique and technique.strip():
        name = technique.strip().lower()
        where.append(or_(
            exists().where(and_(S.techniques.c.document_id == doc.c.id,
                                func.lower(S.techniques.c.technique) == name)),
            exists().where(and_(st.c.document_id == doc.c.id,
                                S.statement_techniques.c.statement_id == st.c.id,
                                func.lower(S.statement_techniques.c.technique) == name))))
    if text and text.strip():
        matching = store.statements(text=text.strip())  # the store's own safe full-text query
        ids = sorted({int(i) for i in matching["document_id"]})
        title_match = contains(doc.c.title, text.strip())
        where.append(or_(doc.c.id.in_(ids), title_match) if ids else title_match)
    columns = (doc.c.id.label("document_id"), doc.c.published_day.label("published"),
               doc.c.outlet, doc.c.title, doc.c.url, doc.c.source, doc.c.n_statements,
               func.length(doc.c.text).label("characters"))
    query = (select(*columns).where(*where)
             .order_by(doc.c.published_day.desc().nulls_last(), doc.c.id.desc())
             .limit(max(1, int(limit))).offset(max(0, int(offset))))
    with store.engine.connect() as conn:
        rows = [{k: plain(v) for k, v in r.items()} for r in conn.execute(query).mappings()]
        total = conn.execute(select(func.count()).select_from(doc).where(*where)).scalar()
    return rows, int(total or 0)


def outlets(store) -> list[str]:
    with store.engine.connect() as conn:
        return [o for o in conn.execute(select(S.documents.c.outlet).where(
            S.documents.c.outlet.is_not(None)).distinct().order_by(S.documents.c.outlet)
        ).scalars()]


def techniques_in_store(store) -> list[str]:
    with store.engine.connect() as conn:
        names = set(conn.execute(select(S.techniques.c.technique).distinct()).scalars())
        names |= set(conn.execute(select(S.statement_techniques.c.technique).distinct()
                                  ).scalars())
    return sorted(names)


def techniques_notes(store) -> list[str]:
    """Why technique spans are missing (the notes stored with documents), commonest first."""
    with store.engine.connect() as conn:
        rows = conn.execute(select(S.documents.c.techniques_note, func.count())
                            .where(S.documents.c.techniques_note.is_not(None))
                            .group_by(S.documents.c.techniques_note)
                            .order_by(func.count().desc()).limit(3)).all()
    return [r[0] for r in rows]


# -- speakers ---------------------------------------------------------------------------------

def speaker_row(store, speaker_id: int) -> Optional[dict]:
    with store.engine.connect() as conn:
        row = conn.execute(select(S.speakers).where(S.speakers.c.id == speaker_id)
                           ).mappings().first()
        if row is None:
            return None
        aliases = conn.execute(select(S.speaker_aliases.c.alias, S.speaker_aliases.c.n_statements)
                               .where(S.speaker_aliases.c.speaker_id == speaker_id)
                               .order_by(S.speaker_aliases.c.n_statements.desc(),
                                         S.speaker_aliases.c.alias)).all()
    data = {k: plain(v) for k, v in dict(row).items()}
    data["aliases"] = [{"alias": a, "statements": int(n)} for a, n in aliases]
    return data


def find_speaker(store, name: str) -> Optional[int]:
    """The identity whose name or an alias equals ``name`` (any case), the most quoted first."""
    wanted = name.strip().lower()
    if not wanted:
        return None
    sp, al = S.speakers, S.speaker_aliases
    with store.engine.connect() as conn:
        found = conn.execute(select(sp.c.id).where(or_(
            func.lower(sp.c.name) == wanted,
            sp.c.id.in_(select(al.c.speaker_id).where(func.lower(al.c.alias) == wanted))))
            .order_by(sp.c.n_statements.desc(), sp.c.id).limit(1)).scalar()
    return int(found) if found is not None else None


def counts(values) -> list[tuple[str, int]]:
    out: dict[str, int] = {}
    for v in values:
        if v is None or (isinstance(v, float) and math.isnan(v)) or v == "":
            continue
        out[str(v)] = out.get(str(v), 0) + 1
    return sorted(out.items(), key=lambda kv: (-kv[1], kv[0]))


def speaker_profile(store, speaker_id: int) -> Optional[dict]:
    """Identity, aliases, statements (newest first), and their breakdowns for a speaker page."""
    identity = speaker_row(store, speaker_id)
    if identity is None:
        return None
    df = store.statements(speaker_id=speaker_id)
    rows = records(df)
    techniques: list[str] = []
    for r in rows:
        techniques.extend(t.strip() for t in (r.get("techniques") or "").split(",") if t.strip())
    dated = [(r["published"], r["act"]) for r in rows if r.get("published")]
    return dict(identity=identity, statements=rows,
                acts=counts(r["act"] for r in rows), stances=counts(r["stance"] for r in rows),
                kinds=counts(r["kind"] for r in rows), techniques=counts(techniques),
                outlets=counts(r["outlet"] or "(unknown)" for r in rows),
                timeline=timeline(dated), undated=len(rows) - len(dated))


def timeline(items: list[tuple[str, str]]) -> dict:
    """(day, act) pairs counted per week, or per month over spans longer than half a year,
    the empty weeks or months between filled: {"unit", "bins": [(start day, {act: n})]}."""
    if not items:
        return {"unit": "week", "bins": []}
    dated = sorted((dt.date.fromisoformat(d[:10]), act) for d, act in items)
    first, final = dated[0][0], dated[-1][0]
    monthly = (final - first).days > 183

    def key(d: dt.date) -> dt.date:
        return d.replace(day=1) if monthly else d - dt.timedelta(days=d.weekday())

    tally: dict[dt.date, dict[str, int]] = {}
    for d, act in dated:
        bucket = tally.setdefault(key(d), {})
        bucket[act] = bucket.get(act, 0) + 1
    bins = []
    current, last = key(first), key(final)
    while current <= last:
        bins.append((current.isoformat(), tally.get(current, {})))
        if monthly:
            current = dt.date(current.year + current.month // 12, current.month % 12 + 1, 1)
        else:
            current += dt.timedelta(days=7)
    return {"unit": "month" if monthly else "week", "bins": bins}
