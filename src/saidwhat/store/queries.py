"""Queries over the store, returning pandas DataFrames (the CLI prints these same frames).

    store.statements(speaker="Konashenkov", act="denial", outlet="breitbart",
                     since="2016-09-01", until="2016-09-30", text="emails", limit=50)
    store.speakers(limit=20)                 # most quoted, with acts and techniques
    store.stats(by="outlet", of="acts")      # counts per outlet (or "week", "outlet-week")
    store.stats(of="techniques")             # spans, spans per 1,000 words, share of articles

Every filter takes one value or a list of values (any of them matches). Names match any
speaker whose name or alias contains the text, case-insensitively ("Konashenkov" finds
"Major General Igor Konashenkov"); ``speaker_id`` picks exact identities. A technique is
named as ``catalogue.resolve`` reads it ("Exaggeration", "exaggeration_minimisation",
"Exaggeration, Minimisation" are one technique) and matched by its id, the stored label.
"""
from __future__ import annotations

import datetime as dt
import re
from typing import Any, Iterable, Optional, Sequence, Union

import pandas as pd
from sqlalchemy import and_, column, exists, func, or_, select, table, text

from saidwhat.errors import SaidwhatError
from saidwhat.model import ACTS, CHANNELS, STANCES, STATEMENT_KINDS, Analysis
from saidwhat.rhetoric.catalogue import TECHNIQUES, resolve, resolve_all
from saidwhat.store import schema as S
from saidwhat.store.schema import MAX_INTEGER  # noqa: F401  the largest id, limit or offset
from saidwhat.store.output import plain
from saidwhat.store.rows import analysis_from_rows

Many = Union[None, str, int, Sequence[Any]]

STATEMENT_COLUMNS = ["statement_id", "published", "outlet", "speaker", "speaker_id",
                     "speaker_type", "kind", "act", "channel", "stance", "content", "cue", "techniques",
                     "confidence", "title", "url", "source", "document_id"]
# What checks a row against its article: offsets are Python str indices into the stored text
# (documents.text), so text[sentence_start:sentence_end] == sentence, and so on.
OFFSET_COLUMNS = ["sentence", "sentence_start", "sentence_end", "statement_start",
                  "statement_end", "content_start", "content_end", "cue_start", "cue_end",
                  "mention", "mention_start", "mention_end"]


def frame(result) -> pd.DataFrame:
    return pd.DataFrame(result.fetchall(), columns=list(result.keys()))


def _many(value: Many) -> list:
    if value is None:
        return []
    if isinstance(value, (str, int, dt.date)):
        return [value]
    return [v for v in value if v is not None and v != ""]


def _day(value, option: str) -> Optional[dt.date]:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    m = re.fullmatch(r"\s*(\d{4})-(\d{1,2})(?:-(\d{1,2}))?\s*", str(value))
    if m:
        try:
            day = dt.date(int(m[1]), int(m[2]), int(m[3] or 1))
            if m[3] is None and option == "until":  # "2016-09" as an end: the month's last day
                nxt = dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)
                day = nxt - dt.timedelta(days=1)
            return day
        except ValueError:
            pass
    raise SaidwhatError("bad_date", value=str(value))


def _check(values: list, allowed: Iterable[str], option: str) -> list[str]:
    allowed = list(allowed)
    out = []
    for v in values:
        v = str(v).lower()
        if v not in allowed:
            raise SaidwhatError("bad_option", option=option,
                                reason=f"{v!r} is not one of {', '.join(allowed)}")
        out.append(v)
    return out


def fts5_query(query: str) -> str:
    """A user's search words as a safe FTS5 query: words and "quoted phrases" must all occur;
    OR between two terms means either; a leading - excludes a term (as in a web search)."""
    out = []
    for phrase, word in re.findall(r'"([^"]*)"|(\S+)', query):
        if word == "OR" and out and out[-1] not in ("OR",):
            out.append("OR")
            continue
        term = phrase if phrase else word
        negate = not phrase and term.startswith("-") and len(term) > 1
        term = term[1:] if negate else term
        tokens = re.findall(r"\w+", term)
        if not tokens:
            continue
        quoted = '"' + " ".join(tokens) + '"'
        out.append(("NOT " if negate else "") + quoted)
    while out and out[-1] == "OR":
        out.pop()
    # FTS5 has no unary NOT: "a NOT b" works, a leading NOT does not.
    while out and out[0].startswith("NOT "):
        out.append(out.pop(0))
        if all(t.startswith("NOT ") or t == "OR" for t in out):
            return ""
    return " ".join(out)


def _speaker_match(store, names: list[str]):
    """Statements whose speaker (identity name or alias, or the article's wording) contains
    any of ``names``."""
    conds = []
    for name in names:
        part = str(name)
        alias_ids = select(S.speaker_aliases.c.speaker_id).where(
            contains(S.speaker_aliases.c.alias, part))
        name_ids = select(S.speakers.c.id).where(contains(S.speakers.c.name, part))
        conds.append(or_(S.statements.c.speaker_id.in_(alias_ids),
                         S.statements.c.speaker_id.in_(name_ids),
                         contains(S.statements.c.speaker_name, part)))
    return or_(*conds)


def contains(column, part: str):
    """``column`` contains ``part``, case-insensitively, ``%`` and ``_`` taken literally (as
    LIKE wildcards, ``--speaker %`` matched every speaker)."""
    return func.lower(column).contains(part.lower(), autoescape=True)


def _filters(store, *, speaker: Many = None, speaker_id: Many = None, act: Many = None,
             stance: Many = None, kind: Many = None, technique: Many = None,
             outlet: Many = None, since=None, until=None, text_query: Optional[str] = None,
             document_id: Many = None, speaker_type: Many = None,
             channel: Many = None) -> list:
    st, doc = S.statements, S.documents
    where = []
    if _many(speaker):
        where.append(_speaker_match(store, [str(s) for s in _many(speaker)]))
    if _many(speaker_id):
        where.append(st.c.speaker_id.in_([int(i) for i in _many(speaker_id)]))
    if _many(speaker_type):
        where.append(st.c.speaker_type.in_([str(t).upper() for t in _many(speaker_type)]))
    if _many(act):
        where.append(st.c.act.in_(_check(_many(act), ACTS, "--act")))
    if _many(channel):
        where.append(st.c.channel.in_(_check(_many(channel), CHANNELS, "--channel")))
    if _many(stance):
        where.append(st.c.stance.in_(_check(_many(stance), STANCES, "--stance")))
    if _many(kind):
        where.append(st.c.kind.in_(_check(_many(kind), STATEMENT_KINDS, "--kind")))
    if _many(technique):
        where.append(exists().where(and_(
            S.statement_techniques.c.statement_id == st.c.id,
            S.statement_techniques.c.technique.in_(resolve_all(_many(technique))))))
    if _many(outlet):
        where.append(func.lower(doc.c.outlet).in_([str(o).lower() for o in _many(outlet)]))
    start, end = _day(since, "since"), _day(until, "until")
    if start:
        where.append(doc.c.published_day >= start)
    if end:
        where.append(doc.c.published_day <= end)
    if _many(document_id):
        where.append(st.c.document_id.in_([int(i) for i in _many(document_id)]))
    if text_query and text_query.strip():
        if store.dialect == "sqlite":
            q = fts5_query(text_query)
            if not q:
                raise SaidwhatError("bad_option", option="--text",
                                    reason="give at least one word to search for")
            fts = table("statements_fts", column("rowid"))
            where.append(st.c.id.in_(select(fts.c.rowid).where(
                text("statements_fts MATCH :fts_q").bindparams(fts_q=q))))
        else:
            where.append(text("statements.content_tsv @@ websearch_to_tsquery('english', "
                              ":fts_q)").bindparams(fts_q=text_query))
    return where


def statements(store, *, speaker: Many = None, speaker_id: Many = None, act: Many = None,
               stance: Many = None, kind: Many = None, technique: Many = None,
               outlet: Many = None, since=None, until=None, text: Optional[str] = None,
               document_id: Many = None, speaker_type: Many = None,
               channel: Many = None,
               limit: Optional[int] = None, offset: int = 0) -> pd.DataFrame:
    """Statements matching every given filter, newest article first, then in text order.

    Columns: statement_id, published (date), outlet, speaker (the corpus identity's name, or
    the article's wording for unnamed speakers), speaker_id, speaker_type, kind, act, channel,
    stance, content, cue, techniques (their ids joined by "; ", ``rows.split_techniques``
    splits them), confidence, title, url, source, document_id,
    and ``OFFSET_COLUMNS``: the sentence(s) the statement lies in, and the offsets of that
    sentence, of the statement's own words (mention to content), its content, cue and mention.
    """
    st, doc, sp = S.statements, S.documents, S.speakers
    query = (select(st.c.id.label("statement_id"), doc.c.published_day.label("published"),
                    doc.c.outlet, func.coalesce(sp.c.name, st.c.speaker_name).label("speaker"),
                    st.c.speaker_id, st.c.speaker_type, st.c.kind, st.c.act, st.c.channel,
                    st.c.stance,
                    st.c.content_text.label("content"), st.c.cue_text.label("cue"),
                    st.c.techniques, st.c.confidence, doc.c.title, doc.c.url, doc.c.source,
                    st.c.document_id,
                    # SQL's substr counts characters from 1, as Python counts code points from 0
                    func.substr(doc.c.text, st.c.sentence_start + 1,
                                st.c.sentence_end - st.c.sentence_start).label("sentence"),
                    st.c.sentence_start, st.c.sentence_end, st.c.content_start,
                    st.c.content_end, st.c.cue_start, st.c.cue_end,
                    st.c.mention_text.label("mention"), st.c.mention_start, st.c.mention_end)
             .select_from(st.join(doc, doc.c.id == st.c.document_id)
                          .outerjoin(sp, sp.c.id == st.c.speaker_id))
             .where(*_filters(store, speaker=speaker, speaker_id=speaker_id, act=act,
                              stance=stance, kind=kind, technique=technique, outlet=outlet,
                              since=since, until=until, text_query=text,
                              document_id=document_id, speaker_type=speaker_type,
                              channel=channel))
             .order_by(doc.c.published_day.desc().nulls_last(), st.c.document_id,
                       st.c.position))
    if limit:
        query = query.limit(int(limit))
    if offset:
        query = query.offset(int(offset))
    with store.engine.connect() as conn:
        df = frame(conn.execute(query))
    df = df.reindex(columns=STATEMENT_COLUMNS + OFFSET_COLUMNS)
    offsets = [c for c in OFFSET_COLUMNS if c.endswith(("_start", "_end"))]
    # None for unnamed speakers, summaries without content, speakers carried over
    df = df.astype({c: "Int64" for c in ["speaker_id"] + offsets})
    df["statement_start"] = df[["mention_start", "cue_start", "content_start"]].min(axis=1)
    df["statement_end"] = df[["mention_end", "cue_end", "content_end"]].max(axis=1)
    return df


def _summary(counts: dict[str, int], top: int = 4) -> str:
    # "; " between items: a technique's id may hold a comma ("Exaggeration,Minimisation 3")
    items = sorted(((n, k) for k, n in counts.items() if n), key=lambda x: (-x[0], x[1]))
    return "; ".join(f"{k} {n}" for n, k in items[:top])


def speakers(store, *, limit: Optional[int] = 20, name: Many = None, type: Many = None,
             outlet: Many = None, since=None, until=None, act: Many = None,
             technique: Many = None, min_statements: int = 1) -> pd.DataFrame:
    """The most quoted speakers (corpus identities), with a breakdown of their statements.

    Columns: speaker_id, name, type, title, organization, statements, documents, outlets,
    acts (the commonest, as "assertion 12; denial 3"), techniques (likewise), aliases, and one
    ``act_<act>`` count column per speech act. ``type`` is PERSON or ORG."""
    st, doc, sp = S.statements, S.documents, S.speakers
    where = _filters(store, outlet=outlet, since=since, until=until, act=act,
                     technique=technique)  # on statements and documents
    who = []  # on speakers
    if _many(name):
        conds = [contains(sp.c.name, str(n)) for n in _many(name)]
        conds += [sp.c.id.in_(select(S.speaker_aliases.c.speaker_id).where(
            contains(S.speaker_aliases.c.alias, str(n)))) for n in _many(name)]
        who.append(or_(*conds))
    if _many(type):
        who.append(sp.c.type.in_([str(t).upper() for t in _many(type)]))
    least = max(1, int(min_statements or 1))
    if not where:
        # No statement filter: rank by the counts the speakers table keeps (no full scan).
        query = (select(sp.c.id.label("speaker_id"), sp.c.name, sp.c.type, sp.c.title,
                        sp.c.organization, sp.c.n_statements.label("statements"),
                        sp.c.n_documents.label("documents"))
                 .where(*who, sp.c.n_statements >= least)
                 .order_by(sp.c.n_statements.desc(), sp.c.id))
    else:
        n_statements = func.count(st.c.id).label("statements")
        base = st.join(doc, doc.c.id == st.c.document_id).join(sp, sp.c.id == st.c.speaker_id)
        query = (select(sp.c.id.label("speaker_id"), sp.c.name, sp.c.type, sp.c.title,
                        sp.c.organization, n_statements,
                        func.count(func.distinct(st.c.document_id)).label("documents"))
                 .select_from(base).where(*where, *who)
                 .group_by(sp.c.id, sp.c.name, sp.c.type, sp.c.title, sp.c.organization)
                 .having(func.count(st.c.id) >= least)
                 .order_by(n_statements.desc(), sp.c.id))
    if limit:
        query = query.limit(int(limit))
    with store.engine.connect() as conn:
        top = frame(conn.execute(query))
        columns = list(top.columns) + ["outlets", "acts", "techniques", "aliases"]
        if top.empty:
            return top.reindex(columns=columns)
        ids = [int(i) for i in top["speaker_id"]]
        acts = conn.execute(select(st.c.speaker_id, st.c.act, func.count())
                            .select_from(st.join(doc, doc.c.id == st.c.document_id))
                            .where(st.c.speaker_id.in_(ids), *where)
                            .group_by(st.c.speaker_id, st.c.act)).all()
        techs = conn.execute(select(st.c.speaker_id, S.statement_techniques.c.technique,
                                    func.count())
                             .select_from(st.join(doc, doc.c.id == st.c.document_id)
                                          .join(S.statement_techniques,
                                                S.statement_techniques.c.statement_id
                                                == st.c.id))
                             .where(st.c.speaker_id.in_(ids), *where)
                             .group_by(st.c.speaker_id, S.statement_techniques.c.technique)
                             ).all()
        outlets = dict(conn.execute(
            select(st.c.speaker_id, func.count(func.distinct(doc.c.outlet)))
            .select_from(st.join(doc, doc.c.id == st.c.document_id))
            .where(st.c.speaker_id.in_(ids), *where).group_by(st.c.speaker_id)).all())
        aliases = conn.execute(select(S.speaker_aliases.c.speaker_id, S.speaker_aliases.c.alias,
                                      S.speaker_aliases.c.n_statements)
                               .where(S.speaker_aliases.c.speaker_id.in_(ids))).all()
    by_act: dict[int, dict[str, int]] = {i: {} for i in ids}
    for sid, act_name, n in acts:
        by_act[sid][act_name] = n
    by_tech: dict[int, dict[str, int]] = {i: {} for i in ids}
    for sid, tech, n in techs:
        by_tech[sid][tech] = n
    by_alias: dict[int, dict[str, int]] = {i: {} for i in ids}
    for sid, alias, n in aliases:
        by_alias[sid][alias] = n
    top["outlets"] = [outlets.get(i, 0) for i in ids]
    top["acts"] = [_summary(by_act[i]) for i in ids]
    top["techniques"] = [_summary(by_tech[i]) for i in ids]
    top["aliases"] = ["; ".join(a for _, a in sorted(((-n, a) for a, n in by_alias[i].items())))
                      for i in ids]
    for act_name in ACTS:
        if any(act_name in by_act[i] for i in ids):
            top[f"act_{act_name}"] = [by_act[i].get(act_name, 0) for i in ids]
    return top


# The technique statistics' columns after the grouping keys (docs/store.md says what each is).
RATE_COLUMNS = ["technique", "spans", "spans_per_1000_words", "articles_with",
                "share_of_articles", "articles", "words"]


def stats(store, *, by: str = "outlet", of: str = "acts", outlet: Many = None, since=None,
          until=None, speaker: Many = None, technique: Many = None) -> pd.DataFrame:
    """Counts per outlet, per week (weeks start on Monday) or per outlet and week.

    ``of="acts"``: statements per speech act (plus ``statements``, their total);
    ``of="stances"``: statements per stance; ``technique`` keeps the statements with one of
    these techniques. ``of="techniques"``: one row per group and technique (``RATE_COLUMNS``,
    see ``_technique_rates``); ``technique`` keeps those techniques."""
    by_options = {"outlet": ["outlet"], "week": ["week"], "outlet-week": ["outlet", "week"],
                  "week-outlet": ["week", "outlet"]}
    if by not in by_options:
        raise SaidwhatError("bad_option", option="--by",
                            reason=f"{by!r} is not one of outlet, week, outlet-week")
    if of not in ("acts", "techniques", "stances"):
        raise SaidwhatError("bad_option", option="--of",
                            reason=f"{of!r} is not one of acts, techniques, stances")
    keys = by_options[by]
    if of == "techniques":
        if _many(speaker):
            raise SaidwhatError("bad_option", option="--speaker",
                                reason="technique statistics count article spans, not speakers")
        return _technique_rates(store, keys, _filters(store, outlet=outlet, since=since,
                                                      until=until), resolve_all(_many(technique)))
    st, doc = S.statements, S.documents
    column = st.c.act if of == "acts" else st.c.stance
    where = _filters(store, outlet=outlet, since=since, until=until, speaker=speaker,
                     technique=technique)
    query = (select(doc.c.outlet, doc.c.published_day, column.label("value"),
                    func.count().label("n"))
             .select_from(st.join(doc, doc.c.id == st.c.document_id)).where(*where)
             .group_by(doc.c.outlet, doc.c.published_day, column))
    with store.engine.connect() as conn:
        rows = _keyed(frame(conn.execute(query)), keys)
    if rows.empty:
        return pd.DataFrame(columns=keys + ["statements"])
    table = rows.pivot_table(index=keys, columns="value", values="n", aggfunc="sum",
                             fill_value=0)
    table.columns = [str(c) for c in table.columns]
    order = list(ACTS) if of == "acts" else list(STANCES)
    table = table.reindex(columns=[c for c in order if c in table.columns])
    table.insert(0, "statements", table.sum(axis=1))
    table = table.reset_index()
    if keys == ["outlet"]:
        table = table.sort_values(["statements", "outlet"], ascending=[False, True])
    table = table.reset_index(drop=True)
    table.columns.name = None
    return table.astype({c: "int64" for c in table.columns if c not in keys})


def _keyed(rows: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Rows counted per outlet and publication day, with the outlet named ("(unknown)") and
    the week (its Monday) beside the day; undated rows dropped when grouping by week. A count
    per day sums into its week and outlet exactly, distinct articles too: an article has one
    outlet and one day."""
    rows = rows.copy()
    rows["outlet"] = rows["outlet"].fillna("(unknown)")
    day = pd.to_datetime(rows["published_day"], errors="coerce")
    rows["week"] = (day - pd.to_timedelta(day.dt.day_of_week, unit="D")).dt.date
    rows["week"] = rows["week"].astype(object).where(day.notna(), None)
    return rows[rows["week"].notna()] if "week" in keys else rows


def _technique_rates(store, keys: list[str], where: list, names: list[str]) -> pd.DataFrame:
    """Technique spans per group (``keys``) and technique, beside what makes groups
    comparable: ``spans`` (count), ``spans_per_1000_words`` (spans per 1,000 words of the
    group's report text, empty without words), ``articles_with`` (articles holding one span
    of it or more), ``share_of_articles`` (``articles_with`` / ``articles``), ``articles`` and
    ``words`` (the group's articles and the words of their report text). Only articles the
    tagger read count: one stored while it was unavailable (``techniques_note``) would count
    as an article without techniques. Every group with such articles gets a row per technique
    (zero where it has none): the techniques ``names`` if given, else each one found."""
    t, doc = S.techniques, S.documents
    tagged = doc.c.techniques_note.is_(None)
    chosen = [t.c.technique.in_(names)] if names else []
    span_query = (select(doc.c.outlet, doc.c.published_day, t.c.technique,
                         func.count().label("spans"),
                         func.count(func.distinct(t.c.document_id)).label("articles_with"))
                  .select_from(t.join(doc, doc.c.id == t.c.document_id))
                  .where(*where, tagged, *chosen)
                  .group_by(doc.c.outlet, doc.c.published_day, t.c.technique))
    article_query = (select(doc.c.outlet, doc.c.published_day, func.count().label("articles"),
                            func.coalesce(func.sum(doc.c.words), 0).label("words"))
                     .where(*where, tagged).group_by(doc.c.outlet, doc.c.published_day))
    with store.engine.connect() as conn:
        spans = _keyed(frame(conn.execute(span_query)), keys)
        articles = _keyed(frame(conn.execute(article_query)), keys)
    found = set(spans["technique"])
    techniques = names or [n for n in TECHNIQUES if n in found] + sorted(found - set(TECHNIQUES))
    if articles.empty or not techniques:
        return pd.DataFrame(columns=keys + RATE_COLUMNS)
    groups = articles.groupby(keys, as_index=False)[["articles", "words"]].sum()
    counted = spans.groupby(keys + ["technique"], as_index=False)[["spans", "articles_with"]].sum()
    table = (groups.merge(pd.DataFrame({"technique": techniques}), how="cross")
             .merge(counted, on=keys + ["technique"], how="left"))
    table[["spans", "articles_with"]] = table[["spans", "articles_with"]].fillna(0)
    table = table.astype({c: "int64" for c in ("spans", "articles_with", "articles", "words")})
    table["spans_per_1000_words"] = (table["spans"] * 1000 / table["words"]).where(
        table["words"] > 0)
    table["share_of_articles"] = table["articles_with"] / table["articles"]
    table["rank"] = table["technique"].map({n: i for i, n in enumerate(techniques)})
    if keys == ["outlet"]:  # the outlets with the most spans first, as the other statistics
        table["total"] = table.groupby("outlet")["spans"].transform("sum")
        table = table.sort_values(["total", "outlet", "rank"], ascending=[False, True, True])
    else:
        table = table.sort_values(keys + ["rank"])
    return table.reset_index(drop=True)[keys + RATE_COLUMNS]


def documents(store, *, outlet: Many = None, since=None, until=None,
              limit: Optional[int] = None) -> pd.DataFrame:
    doc = S.documents
    query = (select(doc.c.id.label("document_id"), doc.c.published_day.label("published"),
                    doc.c.outlet, doc.c.title, doc.c.url, doc.c.source, doc.c.n_statements,
                    doc.c.content_hash)
             .where(*_filters(store, outlet=outlet, since=since, until=until))
             .order_by(doc.c.id))
    if limit:
        query = query.limit(int(limit))
    with store.engine.connect() as conn:
        return frame(conn.execute(query))


def errors(store) -> pd.DataFrame:
    e = S.errors
    with store.engine.connect() as conn:
        return frame(conn.execute(select(e.c.source, e.c.code, e.c.message, e.c.occurred_at)
                                  .order_by(e.c.id)))


def summary(store) -> dict[str, Any]:
    st, doc = S.statements, S.documents
    with store.engine.connect() as conn:
        row = conn.execute(select(func.count(), func.min(doc.c.published_day),
                                  func.max(doc.c.published_day),
                                  func.count(func.distinct(doc.c.outlet)))).one()
        return {
            "documents": row[0], "first_published": row[1], "last_published": row[2],
            "outlets": row[3],
            "statements": conn.execute(select(func.count()).select_from(st)).scalar(),
            "speakers": conn.execute(select(func.count()).select_from(S.speakers)).scalar(),
            "named_statements": conn.execute(select(func.count()).select_from(st).where(
                st.c.speaker_id.is_not(None))).scalar(),
            "technique_spans": conn.execute(select(func.count()).select_from(
                S.techniques)).scalar(),
            "errors": conn.execute(select(func.count()).select_from(S.errors)).scalar(),
        }


# -- what the web pages and the API read ------------------------------------------------------

def document(store, document_id: int) -> Optional[dict]:
    """A stored document's row (None if there is none)."""
    with store.engine.connect() as conn:
        row = conn.execute(select(S.documents).where(S.documents.c.id == document_id)
                           ).mappings().first()
    return dict(row) if row else None


def document_id(store, digest: str) -> Optional[int]:
    """The id of the document stored with the content hash ``digest``."""
    with store.engine.connect() as conn:
        found = conn.execute(select(S.documents.c.id).where(
            S.documents.c.content_hash == digest)).scalar()
    return int(found) if found is not None else None


def analysis(store, document_id: int) -> tuple[Analysis, list[Optional[int]]]:
    """A stored document as an ``Analysis`` in the output contract, and the corpus speaker id
    of each statement (None for unnamed speakers). ``SaidwhatError("no_document")`` if none."""
    doc = document(store, document_id)
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
    loaded = analysis_from_rows(doc, blocks, rows, techs, figures, entities,
                                statement_techniques)
    return loaded, [r["speaker_id"] for r in rows]


def iso_day(value: Optional[str]) -> Optional[dt.date]:
    """A YYYY-MM-DD date given on the web (``bad_date`` otherwise); None for none."""
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
    """Stored articles matching every filter, newest first, as JSON-ready rows, and how many
    match in all.

    ``speaker``: a statement by a speaker whose name or alias contains it; ``technique``: a
    technique span or a statement with it; ``text``: the title contains it, or a statement's
    content matches it (full-text search, as ``saidwhat query --text``)."""
    doc, st = S.documents, S.statements
    where = []
    if outlet:
        where.append(func.lower(doc.c.outlet) == outlet.strip().lower())
    start, end = iso_day(since), iso_day(until)
    if start:
        where.append(doc.c.published_day >= start)
    if end:
        where.append(doc.c.published_day <= end)
    if speaker and speaker.strip():
        where.append(exists().where(and_(st.c.document_id == doc.c.id,
                                         _speaker_match(store, [speaker.strip()]))))
    if technique and technique.strip():
        name = resolve(technique).name
        where.append(or_(
            exists().where(and_(S.techniques.c.document_id == doc.c.id,
                                S.techniques.c.technique == name)),
            exists().where(and_(st.c.document_id == doc.c.id,
                                S.statement_techniques.c.statement_id == st.c.id,
                                S.statement_techniques.c.technique == name))))
    if text and text.strip():
        matching = statements(store, text=text.strip())  # the safe full-text query
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
    """Every outlet of the stored documents, in alphabetical order."""
    with store.engine.connect() as conn:
        return [o for o in conn.execute(select(S.documents.c.outlet).where(
            S.documents.c.outlet.is_not(None)).distinct().order_by(S.documents.c.outlet)
        ).scalars()]


def technique_names(store) -> list[str]:
    """The techniques of the stored spans and statements, sorted."""
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


def speaker(store, speaker_id: int) -> Optional[dict]:
    """An identity's row as JSON values, with its aliases (most used first); None if none."""
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
