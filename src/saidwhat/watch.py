"""Watching feeds, sitemaps and home pages: poll them, ingest only what is new.

One poll of a source (see docs/watch.md):

1. GET the source through the guarded fetcher (``read.url.fetch``), conditionally (ETag and
   Last-Modified from the ``sources`` table) when it is a feed or sitemap; a 304 lists nothing.
   A home page is read through the feeds it links, a sitemap index through its sitemaps, each
   of them polled conditionally in turn.
2. Each listed item whose URL the store knows (a stored document, or a failure not worth
   retrying) is passed over unfetched; robots.txt (cached per host) may forbid the rest.
3. The others are fetched one at a time, at least ``delay`` seconds apart per host (or the
   host's Crawl-delay), and go through ``store.ingest.ingest``, which also skips a content
   already stored under another URL.
4. Only once every item is stored are the validators saved: a watch killed in the middle polls
   the whole listing again and fetches what is not yet stored, so nothing is lost or doubled.

A source whose own GET fails (an HTTP error status, a timeout, ...) is retried after
``every × 2^errors`` (at most a day); the other sources go on.
"""
from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass
from itertools import islice
from typing import Callable, Iterable, Iterator, Optional
from urllib.parse import urlsplit

from saidwhat.errors import SaidwhatError, error_part, printable
from saidwhat.pipeline import Options
from saidwhat.read.feeds import (KIND_NAMES, MAX_FEEDS, MAX_LISTINGS, MAX_SITEMAP_DEPTH,
                                 Listing, feed_links, is_home_page, parse_listing, unzipped)
from saidwhat.read.url import (DEFAULT_MAX_BYTES, DEFAULT_TIMEOUT, Response, check_status,
                               fetch, page_document)
from saidwhat.store.db import Store

DEFAULT_EVERY = 15 * 60.0
DEFAULT_DELAY = 1.0  # seconds between two requests to one host
MAX_BACKOFF = 24 * 3600.0
ROBOTS_TTL = 24 * 3600.0  # RFC 9309: a cached robots.txt should not be used longer than a day
ROBOTS_RETRY = 300.0  # a robots.txt that could not be read forbids the host this long
ROBOTS_MAX_BYTES = 500 * 1024  # RFC 9309's least size a crawler must read
LOOKUP_CHUNK = 200  # listed items looked up in the store at once
# Item failures tried again at the next poll; any other stays in the errors table and the item
# is passed over (a 404 is not fetched every fifteen minutes).
RETRIED_CODES = ("fetch_timeout", "fetch_failed", "url_unresolvable", "http_unavailable",
                 "analysis_failed", "worker_died", "store_failed")
# Kinds whose own content is all a poll reads: a 304 for them lists nothing new. A home page
# and a sitemap index are fetched in full, since the feeds and sitemaps they name are needed.
CONDITIONAL_KINDS = ("feed", "sitemap")


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)  # the store's naive UTC


def parse_interval(text: str) -> float:
    """Seconds in "90", "90s", "15m", "1h30m" (pytimeparse's forms); SaidwhatError if none."""
    from pytimeparse import parse

    try:
        seconds = float(text)
    except ValueError:
        seconds = parse(text.strip())
    if seconds is None or not seconds > 0 or seconds == float("inf"):
        raise SaidwhatError("bad_interval", value=text)
    return float(seconds)


def backoff(every: float, errors: int) -> float:
    """Seconds to wait after ``errors`` failed polls in a row: doubling, at most a day (or
    ``every``, when that is longer)."""
    return min(every * 2.0 ** min(errors, 32), max(every, MAX_BACKOFF))


@dataclass
class PollResult:
    """What one poll of one source did."""
    url: str
    kind: Optional[str] = None
    fetched: int = 0  # items fetched (new to the store)
    stored: int = 0
    duplicates: int = 0  # fetched, but their content is stored under another URL
    known: int = 0  # in the store already: not fetched
    disallowed: int = 0  # robots.txt forbids them: not fetched
    failed: int = 0
    not_modified: int = 0  # listings that answered 304
    error: Optional[SaidwhatError] = None  # the source itself failed
    error_count: int = 0
    next_poll: Optional[dt.datetime] = None
    backing_off: bool = False  # not polled: waiting after errors
    interrupted: bool = False

    def line(self) -> str:
        when = self.next_poll.strftime("%Y-%m-%d %H:%M:%S UTC") if self.next_poll else "none"
        url = printable(self.url)
        if self.backing_off:
            return (f"watch: {url}: waiting after {self.error_count} failed poll(s); "
                    f"next poll {when}")
        if self.error is not None:
            return (f"watch: {url}: {error_part(self.error.code, str(self.error))} "
                    f"({self.error_count} in a row); next poll {when}")
        kind = KIND_NAMES.get(self.kind or "", self.kind or "source")
        unchanged = f", {self.not_modified} not modified" if self.not_modified else ""
        return (f"watch: {url} ({kind}{unchanged}): {self.stored} new stored, "
                f"{self.duplicates} duplicate(s), {self.known} known, {self.disallowed} "
                f"disallowed by robots.txt, {self.failed} failed; "
                + ("interrupted" if self.interrupted else f"next poll {when}"))


class Pacer:
    """At least ``delay`` seconds between the starts of two requests to one host.

    Written here: the rate-limit libraries on PyPI limit calls per interval through one
    bucket, not per host with a gap each host's robots.txt may lengthen."""

    def __init__(self, delay: float, *, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.delay = delay
        self.clock, self.sleep = clock, sleep
        self.last: dict[str, float] = {}

    def wait(self, url: str, at_least: float = 0.0) -> None:
        host = urlsplit(url).netloc.lower()
        gap = max(self.delay, at_least)
        if host in self.last:
            left = self.last[host] + gap - self.clock()
            if left > 0:
                self.sleep(left)
        self.last[host] = self.clock()


class Robots:
    """robots.txt per host (protego), fetched when first needed and kept a day.

    A missing robots.txt (4xx) allows everything; one that cannot be read (5xx, a timeout)
    forbids the host for a few minutes, as RFC 9309 asks."""

    def __init__(self, get: Callable[..., Response], *,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.get, self.clock = get, clock
        self.rules: dict[str, tuple[float, object]] = {}  # host -> (until, Protego | bool)

    @staticmethod
    def _root(url: str) -> str:
        parts = urlsplit(url)
        return f"{parts.scheme}://{parts.netloc}".lower()

    def _rules(self, url: str):
        root = self._root(url)
        cached = self.rules.get(root)
        if cached and cached[0] > self.clock():
            return cached[1]
        from protego import Protego

        try:
            response = self.get(root + "/robots.txt", max_bytes=ROBOTS_MAX_BYTES)
            if 200 <= response.status < 300:
                rules, ttl = Protego.parse(response.body.decode("utf-8", "replace")), ROBOTS_TTL
            elif 400 <= response.status < 500:
                rules, ttl = True, ROBOTS_TTL
            else:
                rules, ttl = False, ROBOTS_RETRY
        except SaidwhatError:
            rules, ttl = False, ROBOTS_RETRY
        self.rules[root] = (self.clock() + ttl, rules)
        return rules

    def allowed(self, url: str) -> bool:
        from saidwhat.read.url import USER_AGENT

        rules = self._rules(url)
        return rules if isinstance(rules, bool) else rules.can_fetch(url, USER_AGENT)

    def crawl_delay(self, url: str) -> float:
        """The host's Crawl-delay when its robots.txt is read already (0 otherwise)."""
        from saidwhat.read.url import USER_AGENT

        cached = self.rules.get(self._root(url))
        if not cached or isinstance(cached[1], bool):
            return 0.0
        return float(cached[1].crawl_delay(USER_AGENT) or 0.0)


@dataclass
class _Validated:
    """A listing fetched in full during a poll: its validators, saved once its items are."""
    url: str
    kind: str
    etag: Optional[str]
    last_modified: Optional[str]


class Watcher:
    """Polls sources into one store. ``report(source, code, message)``: each failed item;
    ``show(line)``: a line per poll."""

    def __init__(self, store: Store, *, every: float = DEFAULT_EVERY,
                 delay: float = DEFAULT_DELAY, allow_private: bool = False,
                 timeout: float = DEFAULT_TIMEOUT, max_bytes: int = DEFAULT_MAX_BYTES,
                 max_chars: Optional[int] = None, workers: int = 1,
                 options: Options = Options(),
                 report: Optional[Callable[[str, str, str], None]] = None,
                 show: Callable[[str], None] = lambda line: None) -> None:
        self.store = store
        self.every, self.workers, self.options = every, workers, options
        self.fetch_options = dict(allow_private=allow_private, timeout=timeout)
        self.max_bytes, self.max_chars = max_bytes, max_chars
        self.report, self.show = report, show
        self.pacer = Pacer(delay)
        self.robots = Robots(self.get)

    def get(self, url: str, *, headers: Optional[dict[str, str]] = None,
            max_bytes: Optional[int] = None) -> Response:
        """One paced, guarded GET."""
        self.pacer.wait(url, self.robots.crawl_delay(url))
        return fetch(url, headers=headers, max_bytes=max_bytes or self.max_bytes,
                     **self.fetch_options)

    # -- rounds ---------------------------------------------------------------------------------
    def round(self, urls: Iterable[str], *, once: bool = False) -> list[PollResult]:
        """Poll each source that is due (with ``once``, each that is not waiting after errors);
        stops at the first interrupted poll."""
        states = self.store.source_states()
        results = []
        for url in dict.fromkeys(urls):
            state = states.get(url) or {}
            due = state.get("next_poll")
            waiting = due is not None and due > utcnow() and (
                state.get("error_count") or not once)
            if waiting:
                if once:
                    result = PollResult(url, state.get("kind"), next_poll=due, backing_off=True,
                                        error_count=state.get("error_count") or 0)
                    results.append(result)
                    self.show(result.line())
                continue
            result = self.poll(url, state, states)
            results.append(result)
            self.show(result.line())
            if result.interrupted:
                break
        return results

    def forever(self, urls: list[str], *, sleep: Callable[[float], None] = time.sleep) -> None:
        """Rounds until interrupted (KeyboardInterrupt, which SIGTERM also raises)."""
        while True:
            if any(r.interrupted for r in self.round(urls)):
                return
            states = self.store.source_states()
            due = [states[u]["next_poll"] for u in urls if u in states and
                   states[u].get("next_poll")]
            wait = (min(due) - utcnow()).total_seconds() if len(due) == len(set(urls)) else 0
            sleep(max(wait, 1.0))

    # -- one source -----------------------------------------------------------------------------
    def poll(self, url: str, state: dict, states: dict[str, dict]) -> PollResult:
        from saidwhat.store.ingest import ingest

        started = utcnow()
        result = PollResult(url, state.get("kind"))
        validated: list[_Validated] = []
        try:
            listings = self._top(url, state, states, result, validated)
        except SaidwhatError as exc:
            errors = (state.get("error_count") or 0) + 1
            result.error, result.error_count = exc, errors
            wait = backoff(self.every, errors)
            asked = exc.details.get("retry_after")   # a 429 or 503's Retry-After
            if asked:
                wait = max(wait, min(float(asked), MAX_BACKOFF))
            result.next_poll = started + dt.timedelta(seconds=wait)
            self.store.save_source(url, kind=result.kind, last_poll=started, error_count=errors,
                                   last_error=f"[{exc.code}] {exc}", next_poll=result.next_poll)
            return result
        # items come one by one over the network: each is analysed and stored as it comes
        summary = ingest(self.store, self._items(listings, result), workers=self.workers,
                         options=self.options, report=self.report, batch_docs=1)
        result.stored, result.duplicates = summary.stored, summary.skipped
        result.failed = summary.failed
        if summary.interrupted:
            result.interrupted = True
            return result  # no validators saved: the next poll reads the listings again
        finished = utcnow()
        result.next_poll = finished + dt.timedelta(seconds=self.every)
        for listing in validated:
            values = dict(kind=listing.kind, last_poll=started, last_success=finished,
                          error_count=0, last_error=None)
            if listing.url == url:
                values["next_poll"] = result.next_poll
            if listing.kind in CONDITIONAL_KINDS:
                values.update(etag=listing.etag, last_modified=listing.last_modified)
            self.store.save_source(listing.url, **values)
        return result

    def _listing(self, url: str, kind: Optional[str], state: dict, result: PollResult,
                 validated: list[_Validated]) -> tuple[Optional[Listing], Optional[Response]]:
        """(the listing, None), (None, None) when it answered 304, or (None, the response)
        when it is no feed or sitemap (a page, perhaps a home page)."""
        headers = None
        if kind in CONDITIONAL_KINDS:
            headers = {"If-None-Match": state.get("etag"),
                       "If-Modified-Since": state.get("last_modified")}
        response = self.get(url, headers=headers)
        if response.status == 304 and headers:
            result.not_modified += 1
            validated.append(_Validated(url, kind, state.get("etag"),
                                        state.get("last_modified")))
            return None, None
        check_status(response, url)
        listing = parse_listing(unzipped(response.body, url, self.max_bytes), response.url)
        if listing is None:
            return None, response
        validated.append(_Validated(url, listing.kind, response.headers.get("etag"),
                                    response.headers.get("last-modified")))
        return listing, None

    def _top(self, url: str, state: dict, states: dict[str, dict], result: PollResult,
             validated: list[_Validated]) -> Iterator:
        """The source's own GET (its errors are the source's), then a lazy walk of the
        listings it leads to: Listings and, for a feed or sitemap that failed, ReadFailures."""
        listing, page = self._listing(url, state.get("kind"), state, result, validated)
        if listing is not None:
            result.kind = listing.kind
            return self._walk(listing, states, result, validated, 0, {url})
        if page is None:  # 304
            return iter(())
        feeds = []
        if is_home_page(url) and "html" in page.content_type:
            feeds = feed_links(page.body, page.url)[:MAX_FEEDS]
        if not feeds:
            raise SaidwhatError("watch_not_listing", url=url)
        result.kind = "home"
        validated.append(_Validated(url, "home", None, None))
        return self._children(feeds, "feed", states, result, validated, 0, {url})

    def _walk(self, listing: Listing, states, result, validated, depth: int,
              seen: set[str]) -> Iterator:
        if listing.kind != "sitemapindex":
            yield listing
            return
        if depth + 1 >= MAX_SITEMAP_DEPTH:
            from saidwhat.read import failure

            yield failure(listing.url, SaidwhatError("sitemap_limit", url=listing.url,
                                                     reason=f"{MAX_SITEMAP_DEPTH} levels"))
            return
        yield from self._children(listing.sitemaps, "sitemap", states, result, validated,
                                  depth + 1, seen)

    def _children(self, urls: list[str], kind: str, states, result, validated, depth: int,
                  seen: set[str]) -> Iterator:
        from saidwhat.read import failure

        for url in urls:
            if url in seen:
                continue
            if len(seen) >= MAX_LISTINGS:
                yield failure(url, SaidwhatError("sitemap_limit", url=url,
                                                 reason=f"{MAX_LISTINGS} feeds and sitemaps"))
                return
            seen.add(url)
            state = states.get(url) or {}
            try:
                listing, page = self._listing(url, state.get("kind") or kind, state, result,
                                              validated)
                if page is not None:
                    raise SaidwhatError("bad_feed", url=url, kind=KIND_NAMES[kind],
                                        reason="it is not RSS, Atom, RDF or a sitemap")
            except SaidwhatError as exc:
                yield failure(url, exc)
                continue
            if listing is not None:
                yield from self._walk(listing, states, result, validated, depth, seen)

    # -- the items ------------------------------------------------------------------------------
    def _items(self, listings: Iterator, result: PollResult) -> Iterator:
        """Documents and ReadFailures of the listed items that are new, fetched one at a time."""
        from saidwhat.read import ReadFailure, failure

        seen: set[str] = set()
        for listing in listings:
            if isinstance(listing, ReadFailure):
                yield listing
                continue
            numbered = iter(enumerate(listing.items, 1))
            while chunk := list(islice(numbered, LOOKUP_CHUNK)):
                names = [item.url or f"{listing.url}#{n}" for n, item in chunk]
                known = self.store.known_sources(names, retried_codes=RETRIED_CODES)
                for (number, item), name in zip(chunk, names):
                    if name in seen:
                        continue
                    seen.add(name)
                    if name in known:
                        result.known += 1
                    elif not item.url:
                        yield failure(name, SaidwhatError("feed_item_no_link", url=listing.url,
                                                          number=number))
                    elif not self.robots.allowed(item.url):
                        result.disallowed += 1
                    else:
                        result.fetched += 1
                        try:
                            yield page_document(self.get(item.url), item.url,
                                                max_chars=self.max_chars, listed=item)
                        except SaidwhatError as exc:
                            yield failure(item.url, exc)
