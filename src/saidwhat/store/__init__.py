"""The corpus store: analyses of many articles in SQLite or PostgreSQL, queried as DataFrames.

    from saidwhat.store import open_store
    store = open_store()                       # ./saidwhat.db, or $SAIDWHAT_DB
    store.add(analysis)                        # AddResult(status="stored"|"skipped"|"failed")
    store.statements(speaker="Konashenkov")    # pandas DataFrames from here on
    store.speakers(limit=20)
    store.stats(by="outlet", of="acts")

See docs/store.md for the schema, the speaker rule and every query option.
"""
from saidwhat.store.db import (AddResult, Store, content_hash, database_url, open_store,
                               parse_day)

__all__ = ["AddResult", "Store", "content_hash", "database_url", "open_store", "parse_day"]
