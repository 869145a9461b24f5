"""The corpus store: analyses of many articles in SQLite or PostgreSQL, queried as DataFrames.

    from saidwhat.store import open_store
    store = open_store()                       # ./saidwhat.db, or $SAIDWHAT_DB
    store.add(analysis)                        # AddResult(status="stored"|"skipped"|"failed")
    store.statements(speaker="Konashenkov")    # pandas DataFrames from here on
    store.speakers(limit=20)
    store.stats(by="outlet", of="acts")

See docs/store.md for the schema, the speaker rule and every query option.
"""
from __future__ import annotations

__all__ = ["AddResult", "Store", "content_hash", "database_url", "open_store", "parse_day"]


def __getattr__(name):  # SQLAlchemy loads only when the store is used, not with every command
    if name in __all__:
        from saidwhat.store import db

        return getattr(db, name)
    raise AttributeError(name)
