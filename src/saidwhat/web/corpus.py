"""A corpus speaker's page and API answer: the store's rows counted into breakdowns and a
timeline (the store's queries give the rows; nothing here reads the database itself)."""
from __future__ import annotations

import datetime as dt
import math
from typing import Optional

from saidwhat.store import queries
from saidwhat.store.output import records
from saidwhat.store.rows import split_techniques


def counts(values) -> list[tuple[str, int]]:
    out: dict[str, int] = {}
    for v in values:
        if v is None or (isinstance(v, float) and math.isnan(v)) or v == "":
            continue
        out[str(v)] = out.get(str(v), 0) + 1
    return sorted(out.items(), key=lambda kv: (-kv[1], kv[0]))


def speaker_profile(store, speaker_id: int) -> Optional[dict]:
    """Identity, aliases, statements (newest first), and their breakdowns for a speaker page."""
    identity = queries.speaker(store, speaker_id)
    if identity is None:
        return None
    rows = records(store.statements(speaker_id=speaker_id))
    # each statement's technique ids: a combined one ("Exaggeration,Minimisation") is one
    techniques = [t for r in rows for t in split_techniques(r.get("techniques"))]
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
