"""HTML -> Document through trafilatura (main text, title, date, site name)."""
from __future__ import annotations

import re

from saidwhat.errors import SaidwhatError
from saidwhat.model import Document

_HTML_START = re.compile(rb"^\s*(<!--.*?-->\s*)*<(!doctype\s+html|html|head|body)\b", re.I | re.S)


def looks_like_html(data: bytes | str, name: str = "") -> bool:
    if name.lower().endswith((".html", ".htm", ".xhtml")):
        return True
    head = data[:2048]
    if isinstance(head, str):
        head = head.encode("utf-8", "replace")
    return bool(_HTML_START.match(head))


def html_to_document(html: str, *, doc_id: str, source: str, url: str | None = None) -> Document:
    import trafilatura

    # favor_precision: on Zyte's benchmark it scores 0.964 F1 against 0.960 for the default
    # (ANCHORS.md) and keeps more promos out; those that leak through are left to clean.py.
    text = trafilatura.extract(html, url=url, favor_precision=True, include_comments=False,
                               include_tables=False, deduplicate=False)
    if not text or not text.strip():
        raise SaidwhatError("no_text_in_html")
    meta = trafilatura.extract_metadata(html, default_url=url)
    return Document(
        id=doc_id, text=text, source=source, url=url or (meta.url if meta else None),
        outlet=(meta.sitename if meta else None), published=(meta.date if meta else None),
        title=(meta.title if meta else None), format="html")
