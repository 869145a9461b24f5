"""The rows of one analysis, table by table, as the store's columns name them, and back.

The store (``Store._insert``) and the Spark job (``saidwhat.spark``) build their rows here, so
a document gives the same values whether it is ingested or analysed on a cluster. Keys that
link rows (``id``, ``document_id``, ``statement_id``, ``speaker_id``) are left to the caller:
the store takes them from the database, the Spark job from the content hash.
``analysis_from_rows`` reads a stored document's rows back into its ``Analysis``.
"""
from __future__ import annotations

import datetime as dt
import re
from typing import Any, Optional
from urllib.parse import urlsplit

from saidwhat.model import (Analysis, Block, Entity, Figure, Span, Speaker, Statement,
                            TechniqueSpan)


# How the ``statements.techniques`` column joins a statement's techniques: never a comma, which
# the corpus' combined labels hold ("Exaggeration,Minimisation" is one technique).
TECHNIQUE_SEPARATOR = "; "
_WORD = re.compile(r"\w")


def join_techniques(names) -> Optional[str]:
    """A statement's techniques for the column: each once, sorted, as statement_techniques
    holds them."""
    return TECHNIQUE_SEPARATOR.join(sorted(set(names))) if names else None


def split_techniques(value: Optional[str]) -> list[str]:
    """The techniques of a ``statements.techniques`` value (``join_techniques``' inverse);
    none for an empty cell (None, or a DataFrame's NaN)."""
    return [t for t in value.split(TECHNIQUE_SEPARATOR) if t] if isinstance(value, str) else []


def report_words(text: str, blocks) -> int:
    """The words of an article's report blocks, the text the technique tagger reads: runs of
    non-space characters with a letter or digit in them ("U.S.", "well-known" and "don't" one
    word each, a lone dash none). Split rather than one regular expression: a pattern such as
    ``\\S*\\w\\S*`` backtracks quadratically over a long run of punctuation."""
    return sum(1 for b in blocks if b.kind == "report"
               for token in text[b.start:b.end].split() if _WORD.search(token))


def now() -> dt.datetime:
    """The store's timestamps: UTC, without a time zone."""
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


def parse_day(value: Any) -> Optional[dt.date]:
    """The date of an ISO date or date-time (or a few common spellings); None if none."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text_value = str(value).strip()
    m = re.match(r"^(\d{4})-(\d{1,2})-(\d{1,2})", text_value) or \
        re.match(r"^(\d{4})/(\d{1,2})/(\d{1,2})", text_value)
    if m:
        try:
            return dt.date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError:
            return None
    for fmt in ("%d %B %Y", "%B %d, %Y", "%b %d, %Y", "%d %b %Y", "%Y%m%d"):
        try:
            return dt.datetime.strptime(text_value, fmt).date()
        except ValueError:
            continue
    return None


def outlet_of(meta: dict) -> Optional[str]:
    if meta.get("outlet"):
        return str(meta["outlet"])[:200]
    url = meta.get("url")
    if url:
        host = urlsplit(str(url)).hostname or ""
        return (host[4:] if host.startswith("www.") else host) or None
    return None


def document_row(analysis: Analysis, digest: str) -> dict:
    meta = analysis.meta or {}
    published = meta.get("published")
    return dict(
        content_hash=digest, doc_key=str(analysis.id)[:200], source=analysis.source or "",
        url=meta.get("url"), outlet=outlet_of(meta),
        published=str(published)[:40] if published else None,
        published_day=parse_day(published), title=meta.get("title"),
        format=meta.get("format"), text=analysis.text,
        words=report_words(analysis.text, analysis.blocks),
        n_statements=len(analysis.statements),
        techniques_note=analysis.techniques_note,
        ingested_at=now())


def block_rows(analysis: Analysis) -> list[dict]:
    return [dict(start_char=b.start, end_char=b.end, kind=b.kind, label=b.label)
            for b in analysis.blocks]


def entity_rows(analysis: Analysis) -> list[dict]:
    return [dict(text=e.text, label=e.label, start_char=e.start, end_char=e.end)
            for e in analysis.entities]


def technique_rows(analysis: Analysis) -> list[dict]:
    return [dict(technique=t.technique, start_char=t.start, end_char=t.end, text=t.text,
                 score=float(t.score)) for t in analysis.techniques]


def statement_rows(analysis: Analysis) -> list[dict]:
    """One row per statement, ``position`` its index in ``analysis.statements``."""
    rows = []
    for position, st in enumerate(analysis.statements):
        sp, mention, content = st.speaker, st.speaker.mention, st.content
        # a statement made without a parse (by a program) has no sentence: its own words
        sentence = (st.sentence.start, st.sentence.end) if st.sentence else st.bounds()
        rows.append(dict(
            position=position,
            speaker_name=sp.name or None, speaker_type=sp.type, speaker_title=sp.title,
            speaker_role=sp.role, speaker_organization=sp.organization,
            mention_text=mention.text if mention else None, mention_kind=sp.mention_kind,
            mention_start=mention.start if mention else None,
            mention_end=mention.end if mention else None,
            cue_text=st.cue.text, cue_start=st.cue.start, cue_end=st.cue.end,
            content_text=content.text if content else None,
            content_start=content.start if content else None,
            content_end=content.end if content else None,
            kind=st.kind, act=st.act, channel=st.channel, stance=st.stance,
            confidence=float(st.confidence),
            techniques=join_techniques(st.techniques),
            continues=st.continues,
            sentence_start=sentence[0], sentence_end=sentence[1]))
    return rows


def statement_technique_pairs(analysis: Analysis) -> list[tuple[int, str]]:
    """(statement position, technique) for the ``statement_techniques`` table."""
    return [(i, t) for i, st in enumerate(analysis.statements) for t in sorted(set(st.techniques))]


def figure_rows(analysis: Analysis) -> list[tuple[Optional[int], dict]]:
    """(statement position or None, row) per figure."""
    return [(f.statement, dict(text=f.text, value=float(f.value), unit=f.unit,
                               start_char=f.start, end_char=f.end))
            for f in analysis.figures]


def error_row(source: str, code: str, message: str, doc_key: Optional[str]) -> dict:
    return dict(source=source, doc_key=doc_key, code=code, message=message, occurred_at=now())


# -- rows -> Analysis: a stored document read back --------------------------------------------

def analysis_from_rows(document: dict, blocks: list[dict], statements: list[dict],
                       techniques: list[dict], figures: list[dict], entities: list[dict],
                       statement_techniques: dict[int, list[str]]) -> Analysis:
    """The ``Analysis`` a document's rows hold, in the output contract: the inverse of the
    functions above. ``statements`` in position order, each with its row ``id`` (which
    ``figures`` and ``statement_techniques`` name); the speaker's id is rebuilt from its
    name and type as the pipeline builds it."""
    meta = {k: document[k] for k in ("url", "outlet", "published", "title", "format")
            if document.get(k)}
    text = document["text"]
    analysis = Analysis(id=document["doc_key"], source=document["source"], text=text, meta=meta,
                        techniques_note=document.get("techniques_note") or None)
    analysis.blocks = [Block(b["start_char"], b["end_char"], b["kind"], b["label"])
                       for b in blocks]
    position_of: dict[int, int] = {}
    for i, r in enumerate(statements):
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
            content=content, kind=r["kind"], act=r["act"], channel=r["channel"],
            stance=r["stance"], confidence=r["confidence"],
            techniques=sorted(statement_techniques.get(r["id"], [])), continues=r["continues"],
            sentence=Span(text[r["sentence_start"]:r["sentence_end"]],
                          r["sentence_start"], r["sentence_end"])
            if r["sentence_start"] is not None else None))
    analysis.techniques = [TechniqueSpan(t["technique"], t["start_char"], t["end_char"],
                                         t["text"], t["score"]) for t in techniques]
    analysis.figures = [Figure(f["text"], f["value"], f["unit"], f["start_char"], f["end_char"],
                               position_of.get(f["statement_id"])) for f in figures]
    analysis.entities = [Entity(e["text"], e["label"], e["start_char"], e["end_char"])
                         for e in entities]
    return analysis


def _speaker_key(row: dict) -> str:
    name = (row["speaker_name"] or "").strip().lower()
    kind = (row["speaker_type"] or "unknown").lower()
    return f"{kind}:{'-'.join(name.split())}" if name else ""
