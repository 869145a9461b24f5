"""Feeds, sitemaps and home pages -> the articles they list, each fetched into a Document.

Two layers, so that a poller can use the first without the second:

* ``parse_listing(data, url)`` turns one feed (RSS, Atom, RDF) or sitemap or sitemap index,
  as bytes, into a ``Listing``: its items (url, title, published, outlet, modified) or, for
  an index, the sitemaps it names. It reaches no network. ``feed_links(html, url)`` gives the
  feeds a home page links.
* ``read_url`` and ``read_listing`` fetch, always through ``read.url.fetch`` (timeouts, size
  caps, no private address unless allowed), follow sitemap indexes (to a bounded depth and
  count) and the feeds a home page links, and fetch the items one at a time as they are
  asked for: a Document or a ReadFailure per item, so one bad item stops nothing.
"""
from __future__ import annotations

import io
import json
import re
from email.utils import parsedate_to_datetime
from dataclasses import dataclass, field
from typing import Iterator, Optional
from urllib.parse import urljoin, urlsplit

from saidwhat.errors import SaidwhatError
from saidwhat.read.listing import KIND_NAMES, FeedItem, is_json_feed, listing_kind
from saidwhat.read.text import MAX_CHARS
from saidwhat.read.url import (DEFAULT_MAX_BYTES, DEFAULT_TIMEOUT, check_status, decode_content,
                               fetch, fetch_url, host_outlet, is_url, page_document)

# Index -> index -> sitemap: sites nest no deeper, and a loop of indexes must end.
MAX_SITEMAP_DEPTH = 3
MAX_LISTINGS = 100  # feeds and sitemaps fetched for one input
MAX_FEEDS = 10  # feeds of one home page read
MAX_SITEMAP_URLS = 50_000  # the sitemap protocol's own limit per file

_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_SITEMAP_NS = ("", "http://www.sitemaps.org/schemas/sitemap/0.9",
               "http://www.google.com/schemas/sitemap/0.84")


@dataclass
class Listing:
    """What one feed or sitemap lists: ``kind`` "feed", "sitemap" or "sitemapindex"; the
    items of a feed or sitemap, the sitemaps of an index."""
    kind: str
    url: str
    title: Optional[str] = None
    items: list[FeedItem] = field(default_factory=list)
    sitemaps: list[str] = field(default_factory=list)


def parse_listing(data: bytes, url: str) -> Optional[Listing]:
    """The Listing of a feed, sitemap or sitemap index (None when ``data`` is none of them).
    ``url``: where it came from (relative links are resolved against it; a file path leaves
    them relative, and fetching one then fails with a clear error)."""
    kind = listing_kind(data)
    if kind is None:
        return None
    return parse_feed(data, url) if kind == "feed" else parse_sitemap(data, url, kind)


def parse_feed(data: bytes, url: str) -> Listing:
    if is_json_feed(data):
        return parse_json_feed(data, url)
    import feedparser

    # A stream, never bytes or str: feedparser fetches a str that looks like a URL itself
    # (outside the guard) and tries bytes as a file name first.
    parsed = feedparser.parse(io.BytesIO(data), response_headers={"content-location": url},
                              resolve_relative_uris=False, sanitize_html=False)
    title = _plain(parsed.feed.get("title"))
    outlet = title or host_outlet(url)
    # A feed read from a file resolves relative links against the site it names.
    home = str(parsed.feed.get("link") or "")
    base = url if is_url(url) or not is_url(home) else home
    items = []
    for entry in parsed.entries:
        link = entry.get("link") or ""
        if not link and str(entry.get("id", "")).startswith(("http://", "https://")):
            link = entry["id"]  # an Atom entry may name its page only by its id
        items.append(FeedItem(url=_link(base, link),
                              title=_plain(entry.get("title")), published=_entry_day(entry),
                              outlet=outlet))
    if not items and parsed.get("bozo"):
        raise SaidwhatError("bad_feed", url=url, kind="feed",
                            reason=parsed.get("bozo_exception") or "malformed XML")
    return Listing("feed", url, title=title, items=items)


def parse_json_feed(data: bytes, url: str) -> Listing:
    """A JSON Feed (https://www.jsonfeed.org/version/1.1/): its items' url (or an id that is
    one), title and date_published. Read with the standard json module: the format is plain
    JSON, which feedparser does not read."""
    try:
        feed = json.loads(data)
    except (ValueError, RecursionError) as exc:   # UnicodeDecodeError is a ValueError
        raise SaidwhatError("bad_feed", url=url, kind="feed", reason=exc) from None
    if not isinstance(feed, dict) or not isinstance(feed.get("items", []), list):
        raise SaidwhatError("bad_feed", url=url, kind="feed",
                            reason="a JSON Feed is an object with a list of items")
    title = _plain(feed.get("title")) if isinstance(feed.get("title"), str) else None
    outlet = title or host_outlet(url)
    home = feed.get("home_page_url")
    base = url if is_url(url) or not (isinstance(home, str) and is_url(home)) else home
    items = []
    for entry in feed.get("items", []):
        if not isinstance(entry, dict):
            continue
        link = entry.get("url")
        if not isinstance(link, str) or not link:
            ident = entry.get("id")
            link = ident if isinstance(ident, str) and ident.startswith(("http://", "https://")) else ""
        day = entry.get("date_published") or entry.get("date_modified")
        entry_title = entry.get("title")
        items.append(FeedItem(
            url=_link(base, link),
            title=_plain(entry_title) if isinstance(entry_title, str) else None,
            published=day[:10] if isinstance(day, str) and _DAY.match(day) else None,
            outlet=outlet))
    return Listing("feed", url, title=title, items=items)


def _entry_day(entry) -> Optional[str]:
    """The day a feed entry was published, as the feed wrote it: feedparser's parsed dates
    are in UTC, which moves an evening story in New York to the next day."""
    raw = str(entry.get("published") or entry.get("updated") or "").strip()
    if _DAY.match(raw):  # ISO 8601 / RFC 3339 (Atom, dc:date)
        return raw[:10]
    if raw:
        try:
            return parsedate_to_datetime(raw).date().isoformat()  # RFC 822 (RSS)
        except (TypeError, ValueError, IndexError):
            pass
    parsed = entry.get("published_parsed") or entry.get("updated_parsed")
    return f"{parsed.tm_year:04d}-{parsed.tm_mon:02d}-{parsed.tm_mday:02d}" if parsed else None


def parse_sitemap(data: bytes, url: str, kind: str = "sitemap") -> Listing:
    """A sitemap (its <url> entries, with the news extension's title and publication date)
    or a sitemap index (its <sitemap> locations).

    Read here with lxml rather than with trafilatura's sitemap helper, which tells a sitemap
    from a page by whether its URL ends in .xml and keeps neither lastmod nor the news title
    and date."""
    from lxml import etree

    listing = Listing(kind, url)
    outlet = host_outlet(url)
    wanted = {"sitemapindex": "sitemap", "sitemap": "url"}[kind]
    events = etree.iterparse(io.BytesIO(data), events=("end",), resolve_entities=False,
                             no_network=True, load_dtd=False, recover=True, huge_tree=False)
    try:
        for _, element in events:
            if not isinstance(element.tag, str) or _name(element)[1] != wanted:
                continue
            fields = _sitemap_fields(element)
            element.clear()  # a sitemap may list 50,000 pages: keep none of their elements
            loc = _link(url, fields.get("loc") or "")
            if not loc:
                continue
            if kind == "sitemapindex":
                listing.sitemaps.append(loc)
            else:
                published = fields.get("publication_date") or ""
                listing.items.append(FeedItem(
                    url=loc, title=_plain(fields.get("title")), outlet=outlet,
                    published=published[:10] if _DAY.match(published) else None,
                    modified=fields.get("lastmod")))
            if len(listing.items) + len(listing.sitemaps) >= MAX_SITEMAP_URLS:
                break
    except etree.LxmlError as exc:
        if not (listing.items or listing.sitemaps):
            raise SaidwhatError("bad_feed", url=url, kind=KIND_NAMES[kind], reason=exc) from None
    return listing


def _sitemap_fields(element) -> dict[str, str]:
    """loc and lastmod of a <url> or <sitemap>, and title and publication_date of its
    <news:news> (an image's or video's own loc and title are not the page's)."""
    fields: dict[str, str] = {}
    for child in element:
        if not isinstance(child.tag, str):
            continue
        namespace, local = _name(child)
        if namespace in (None, *_SITEMAP_NS) and local in ("loc", "lastmod"):
            fields.setdefault(local, (child.text or "").strip())
        elif local == "news":
            for part in child:
                if isinstance(part.tag, str) and _name(part)[1] in ("title", "publication_date"):
                    fields.setdefault(_name(part)[1], (part.text or "").strip())
    return fields


def _name(element) -> tuple[str | None, str]:
    """(namespace or None, local name) of an element's ``{namespace}local`` tag. Split by hand:
    lxml's QName validates the name and raises on what its recovering parser lets through
    from a broken sitemap (a tag cut to "news:")."""
    tag = element.tag
    if tag.startswith("{") and "}" in tag:
        namespace, local = tag[1:].split("}", 1)
        return namespace, local
    return None, tag


def feed_links(html: bytes | str, url: str) -> list[str]:
    """The feeds a page links (<link rel="alternate" type="application/rss+xml" ...>, or
    failing those, links that look like feeds), comment feeds left out: trafilatura's."""
    from trafilatura.feeds import FeedParameters, determine_feed

    if isinstance(html, bytes):
        from saidwhat.read.items import decode_html

        try:
            html = decode_html(html)
        except SaidwhatError:
            return []
    parts = urlsplit(url)
    base = f"{parts.scheme}://{parts.netloc}"
    return determine_feed(html, FeedParameters(base, parts.hostname or "", url))


def unzipped(body: bytes, url: str, max_bytes: int) -> bytes:
    """A listing's bytes: sitemap.xml.gz is served as application/gzip, with no
    Content-Encoding for the fetcher to undo."""
    if body[:2] == b"\x1f\x8b":
        return decode_content(body, "gzip", url, max_bytes)
    return body


def is_home_page(url: str) -> bool:
    """A site's root: read as its feeds when it links some (any other page that links its
    site's feed, as most articles do, is still the article)."""
    parts = urlsplit(url)
    return parts.path in ("", "/") and not parts.query


def _link(base: str, link: str) -> str:
    """A listed link, absolute where ``base`` allows ("" for none). Its NUL and lone
    surrogates are replaced: it names the item in errors and the store."""
    from saidwhat.read.items import plain_field

    link = plain_field(str(link)).strip()
    return urljoin(base, link) if link else ""


def _plain(value) -> Optional[str]:
    from saidwhat.read.items import plain_field

    return (plain_field(str(value)).strip() or None) if value else None


class _Reader:
    """One input's walk: the fetch options, the URLs read so far (an item listed twice, or a
    sitemap an index names twice, is read once) and the feeds and sitemaps fetched."""

    def __init__(self, *, allow_private: bool, max_chars: int, timeout: float,
                 max_bytes: int) -> None:
        self.fetch_options = dict(allow_private=allow_private, timeout=timeout,
                                  max_bytes=max_bytes)
        self.max_chars = max_chars
        self.seen: set[str] = set()
        self.listings = 0

    def fetch_listing(self, url: str, kind: str) -> Listing:
        self.listings += 1
        response = fetch(url, **self.fetch_options)
        check_status(response, url)
        listing = parse_listing(self.unzipped(response.body, url), response.url)
        if listing is None:
            raise SaidwhatError("bad_feed", url=url, kind=KIND_NAMES[kind],
                                reason="it is not RSS, Atom, RDF or a sitemap")
        return listing

    def unzipped(self, body: bytes, url: str) -> bytes:
        return unzipped(body, url, self.fetch_options["max_bytes"])

    def items(self, listing: Listing, depth: int = 0) -> Iterator:
        from saidwhat.read.items import failure

        if listing.kind == "sitemapindex":
            if not listing.sitemaps:
                yield failure(listing.url, SaidwhatError("no_items", url=listing.url,
                                                         kind=KIND_NAMES[listing.kind]))
            for sitemap in listing.sitemaps:
                if sitemap in self.seen:
                    continue
                if depth + 1 >= MAX_SITEMAP_DEPTH or self.listings >= MAX_LISTINGS:
                    reason = (f"{MAX_SITEMAP_DEPTH} levels" if depth + 1 >= MAX_SITEMAP_DEPTH
                              else f"{MAX_LISTINGS} feeds and sitemaps")
                    yield failure(listing.url, SaidwhatError("sitemap_limit", url=listing.url,
                                                             reason=reason))
                    return
                self.seen.add(sitemap)
                yield from self.listing_at(sitemap, "sitemap", depth + 1)
            return
        if not listing.items:
            yield failure(listing.url, SaidwhatError("no_items", url=listing.url,
                                                     kind=KIND_NAMES[listing.kind]))
        for number, item in enumerate(listing.items, 1):
            if not item.url:
                source = f"{listing.url}#{number}"
                yield failure(source, SaidwhatError("feed_item_no_link", url=listing.url,
                                                    number=number))
                continue
            if item.url in self.seen:
                continue
            self.seen.add(item.url)
            try:
                yield fetch_url(item.url, max_chars=self.max_chars, listed=item,
                                **self.fetch_options)
            except SaidwhatError as exc:
                yield failure(item.url, exc)

    def listing_at(self, url: str, kind: str, depth: int) -> Iterator:
        from saidwhat.read.items import failure

        try:
            listing = self.fetch_listing(url, kind)
        except SaidwhatError as exc:
            yield failure(url, exc)
            return
        yield from self.items(listing, depth)


def read_url(url: str, *, allow_private: bool = False, max_chars: int = MAX_CHARS,
             timeout: float = DEFAULT_TIMEOUT, max_bytes: int = DEFAULT_MAX_BYTES) -> Iterator:
    """The articles of one URL: the page itself, or, when it is a feed, sitemap or sitemap
    index, or a site's home page that links feeds, every article they list (fetched lazily)."""
    from saidwhat.read.items import failure

    reader = _Reader(allow_private=allow_private, max_chars=max_chars, timeout=timeout,
                     max_bytes=max_bytes)
    try:
        response = fetch(url, **reader.fetch_options)
        check_status(response, url)
        body = reader.unzipped(response.body, url)
        listing = parse_listing(body, response.url)
        feeds = []
        if listing is None and is_home_page(url) and "html" in response.content_type:
            feeds = feed_links(body, response.url)[:MAX_FEEDS]
        if listing is None and not feeds:
            yield page_document(response, url, max_chars=max_chars)
            return
    except SaidwhatError as exc:
        yield failure(url, exc)
        return
    reader.seen.add(url)
    if listing is not None:
        yield from reader.items(listing)
        return
    for feed in feeds:
        if feed not in reader.seen:
            reader.seen.add(feed)
            yield from reader.listing_at(feed, "feed", 0)


def read_listing(data: bytes, source: str, *, allow_private: bool = False,
                 max_chars: int = MAX_CHARS, timeout: float = DEFAULT_TIMEOUT,
                 max_bytes: int = DEFAULT_MAX_BYTES) -> Iterator:
    """The articles of a feed or sitemap already read (a file, stdin), each fetched lazily;
    ``source`` names it in errors and resolves relative links when it is a URL."""
    from saidwhat.read.items import failure

    reader = _Reader(allow_private=allow_private, max_chars=max_chars, timeout=timeout,
                     max_bytes=max_bytes)
    try:
        listing = parse_listing(data, source)
    except SaidwhatError as exc:
        yield failure(source, exc)
        return
    if listing is None:
        raise ValueError(f"{source} is not a feed or sitemap: check listing_kind first")
    yield from reader.items(listing)
