"""What a feed or sitemap is known by (its root element) and what it lists (``FeedItem``):
the part of reading listings that fetching a page needs too (a listing is no article), apart
from the fetching in ``read.feeds``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

KIND_NAMES = {"feed": "feed", "sitemap": "sitemap", "sitemapindex": "sitemap index",
              "home": "home page"}
_ROOTS = {b"rss": "feed", b"feed": "feed", b"rdf": "feed", b"urlset": "sitemap",
          b"sitemapindex": "sitemapindex"}
_ROOT = re.compile(rb"<(?:[\w.-]+:)?(rss|feed|rdf|urlset|sitemapindex)[\s>/]", re.I)
_HEAD = 16384
# JSON Feed (jsonfeed.org): an object whose "version" is the spec's URL. Looked for in the
# whole text, since JSON keeps no order of keys; the pattern cannot backtrack far.
_JSON_FEED = re.compile(rb'"version"\s*:\s*"https?://jsonfeed\.org/version/')
_PROLOG = ((b"<?", b"?>"), (b"<!--", b"-->"))


@dataclass(frozen=True)
class FeedItem:
    """One article a feed or sitemap lists. ``url`` is "" for a feed entry with no link;
    ``published`` a YYYY-MM-DD day; ``modified`` a sitemap's lastmod as written."""
    url: str
    title: Optional[str] = None
    published: Optional[str] = None
    outlet: Optional[str] = None
    modified: Optional[str] = None


def is_json_feed(data: bytes) -> bool:
    """A JSON Feed (version 1 or 1.1): a JSON object naming the jsonfeed.org version."""
    start = data[:_HEAD].lstrip(b"\xef\xbb\xbf \t\r\n")
    return start[:1] == b"{" and _JSON_FEED.search(data) is not None


def listing_kind(data: bytes) -> Optional[str]:
    """"feed", "sitemap" or "sitemapindex" by the root element of ``data`` (past the XML
    declaration, comments, processing instructions and a doctype), "feed" for a JSON Feed,
    None for anything else. The content decides, not the name: feeds are served from .php
    pages, sitemaps from paths with no suffix, and an RSS file may be called anything."""
    head = data[:_HEAD]
    pos = 3 if head.startswith(b"\xef\xbb\xbf") else 0
    if head[pos:].lstrip()[:1] == b"{":
        return "feed" if is_json_feed(data) else None
    # A loop rather than one regular expression: each step moves forward, so no head of
    # unclosed comments can make it backtrack.
    while True:
        while pos < len(head) and head[pos] in b" \t\r\n":
            pos += 1
        for start, end in _PROLOG:
            if head.startswith(start, pos):
                close = head.find(end, pos + len(start))
                if close < 0:
                    return None
                pos = close + len(end)
                break
        else:
            if head[pos:pos + 9].lower() != b"<!doctype":
                break
            subset, close = head.find(b"[", pos), head.find(b">", pos)
            if 0 <= subset < close:  # an internal subset holds ">" of its own
                close = head.find(b"]", subset)
                close = head.find(b">", close) if close >= 0 else -1
            if close < 0:
                return None
            pos = close + 1
    match = _ROOT.match(head, pos)
    return _ROOTS[match.group(1).lower()] if match else None
