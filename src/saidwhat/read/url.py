"""URLs -> Documents: fetched with a timeout and a size cap, never from a non-public address.

``check_public_url`` resolves the host and refuses the URL when *any* of its addresses is
private, loopback, link-local, multicast, reserved or unspecified (IPv4-mapped, -translated
and -compatible IPv6 addresses are judged by the IPv4 address inside, as are 6to4 and Teredo
ones; NAT64 prefixes, which reach any IPv4 address through a gateway, are never public).
``fetch_url`` then connects to one of the addresses it checked, not to whatever a second DNS
lookup returns, so a host cannot pass the check and then resolve to 127.0.0.1 (DNS
rebinding). Every redirect is checked the same way, and a timer holds the whole fetch to its
deadline. The web server reuses both functions for user-submitted URLs.
"""
from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
import threading
import time
import zlib
from dataclasses import dataclass, field
from typing import Optional
from urllib.parse import urljoin, urlsplit

from saidwhat.errors import SaidwhatError
from saidwhat.model import Document
from saidwhat.read.listing import KIND_NAMES, FeedItem, listing_kind

DEFAULT_TIMEOUT = 20.0  # seconds for the whole fetch, redirects included
DEFAULT_MAX_BYTES = 10_000_000  # an article page is rarely over 2 MB
MAX_REDIRECTS = 5
USER_AGENT = "saidwhat/0.1 (+https://pypi.org/project/saidwhat/)"
_CHUNK = 65536


# ::ffff:0:a.b.c.d (IPv4-translated, RFC 2765) and ::a.b.c.d (IPv4-compatible, deprecated):
# a host may route either to the IPv4 address, and Python calls both global.
_IPV4_TRANSLATED = ipaddress.ip_network("::ffff:0:0:0/96")
_IPV4_COMPATIBLE = ipaddress.ip_network("::/96")
_NAT64 = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48"))


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> Optional[ipaddress.IPv4Address]:
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip in _IPV4_TRANSLATED or (ip in _IPV4_COMPATIBLE and int(ip) > 1):  # not :: or ::1
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def _is_public(ip: ipaddress._BaseAddress) -> bool:
    if isinstance(ip, ipaddress.IPv6Address):
        inner = _embedded_ipv4(ip)
        if inner is not None:
            return _is_public(inner)
        if any(ip in net for net in _NAT64):
            return False
        for inner in (ip.sixtofour, ip.teredo[1] if ip.teredo else None):
            if inner is not None and not _is_public(inner):
                return False
    return (ip.is_global and not ip.is_multicast and not ip.is_unspecified
            and not ip.is_reserved)


def _split(url: str):
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise SaidwhatError("url_scheme", url=url)
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as exc:
        raise SaidwhatError("fetch_failed", url=url, reason=exc) from None
    return parts, parts.hostname, port


def _reason(exc: BaseException) -> str:
    return getattr(exc, "strerror", None) or str(exc) or type(exc).__name__


def resolve(host: str, port: int, url: str) -> list[str]:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError, OSError) as exc:
        raise SaidwhatError("url_unresolvable", url=url, reason=_reason(exc)) from None
    addresses = []
    for info in infos:
        address = info[4][0]
        if address not in addresses:
            addresses.append(address)
    if not addresses:
        raise SaidwhatError("url_unresolvable", url=url, reason="no address")
    return addresses


def check_public_url(url: str, *, allow_private: bool = False) -> list[str]:
    """The addresses ``url``'s host resolves to; ``SaidwhatError`` when the URL is not
    http(s), does not resolve, or (unless ``allow_private``) any address is not public."""
    _, host, port = _split(url)
    addresses = resolve(host, port, url)
    if not allow_private:
        for address in addresses:
            ip = ipaddress.ip_address(address.split("%", 1)[0])
            if not _is_public(ip):
                raise SaidwhatError("url_private", url=url, host=host, address=address)
    return addresses


@dataclass
class Response:
    url: str  # after redirects
    status: int
    content_type: str
    charset: Optional[str]
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)  # the last answer's; names lowercased


class _Deadline:
    """Shuts the fetch's sockets down when its time is up. Socket timeouts bound each wait
    for data, not the whole: a server sending a byte just before every timeout would hold a
    fetch for ever (headers and body alike), so a timer ends it from outside."""

    def __init__(self, seconds: float) -> None:
        self.expired = False
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True

    def __enter__(self) -> "_Deadline":
        self._timer.start()
        return self

    def __exit__(self, *exc) -> None:
        self._timer.cancel()

    def watch(self, sock: socket.socket) -> None:
        with self._lock:
            self._sockets.append(sock)
            if self.expired:
                _shut(sock)

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            for sock in self._sockets:
                _shut(sock)


def _shut(sock: socket.socket) -> None:
    # socket.socket's own shutdown, also for an SSL socket: it wakes a read blocked in
    # another thread (the read then fails or ends) without touching the TLS state.
    try:
        socket.socket.shutdown(sock, socket.SHUT_RDWR)
    except OSError:
        pass


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """Connects to a checked address while sending the URL's host name."""

    def __init__(self, host, port, address, timeout, deadline):
        super().__init__(host, port, timeout=timeout)
        self._address = address
        self._deadline = deadline

    def connect(self):
        self.sock = socket.create_connection((self._address, self.port), self.timeout)
        self._deadline.watch(self.sock)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, host, port, address, timeout, deadline):
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._address = address
        self._deadline = deadline

    def connect(self):
        sock = socket.create_connection((self._address, self.port), self.timeout)
        # The handshake after wrapping, so that the deadline can cut a slow one short too.
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host,
                                              do_handshake_on_connect=False)
        self._deadline.watch(self.sock)
        self.sock.do_handshake()


# What a caller may add to a request: the conditional GET's validators. The rest (host, user
# agent, encodings, connection) stay the fetcher's own, so no caller can weaken them.
EXTRA_HEADERS = ("If-None-Match", "If-Modified-Since")


def fetch(url: str, *, allow_private: bool = False, timeout: float = DEFAULT_TIMEOUT,
          max_bytes: int = DEFAULT_MAX_BYTES,
          headers: Optional[dict[str, str]] = None) -> Response:
    """GET ``url`` (following up to five redirects, each checked), the body capped at
    ``max_bytes`` and the whole exchange at ``timeout`` seconds. ``headers``: validators of a
    conditional GET (``EXTRA_HEADERS``); a 304 answer comes back as it is, with no body."""
    extra = {}
    for name, value in (headers or {}).items():
        if name not in EXTRA_HEADERS:
            raise ValueError(f"fetch sends only {', '.join(EXTRA_HEADERS)} of its caller's")
        if value:  # (http.client refuses a value with a line break in it)
            extra[name] = value
    with _Deadline(timeout) as deadline:
        return _fetch(url, allow_private, timeout, max_bytes, deadline, extra)


def _fetch(url: str, allow_private: bool, timeout: float, max_bytes: int,
           deadline: _Deadline, extra: dict[str, str]) -> Response:
    start = time.monotonic()
    current = url
    for _ in range(MAX_REDIRECTS + 1):
        parts, host, port = _split(current)
        addresses = check_public_url(current, allow_private=allow_private)
        left = timeout - (time.monotonic() - start)
        if left <= 0 or deadline.expired:
            raise SaidwhatError("fetch_timeout", url=url, timeout=timeout)
        cls = _PinnedHTTPSConnection if parts.scheme == "https" else _PinnedHTTPConnection
        conn = cls(host, port, addresses[0], timeout=left, deadline=deadline)
        path = parts.path or "/"
        if parts.query:
            path += "?" + parts.query
        try:
            conn.request("GET", path, headers={
                "User-Agent": USER_AGENT, "Accept": "text/html,text/plain;q=0.9,*/*;q=0.1",
                "Accept-Encoding": "gzip, deflate", "Connection": "close", **extra})
            response = conn.getresponse()
            if response.status in (301, 302, 303, 307, 308) and response.getheader("Location"):
                current = urljoin(current, response.getheader("Location"))
                conn.close()
                continue
            body = _read_capped(response, url, max_bytes, deadline, timeout)
            ctype = response.getheader("Content-Type") or ""
            status = response.status
            received = {name.lower(): value for name, value in response.getheaders()}
        except SaidwhatError:
            raise
        except (socket.timeout, TimeoutError):
            raise SaidwhatError("fetch_timeout", url=url, timeout=timeout) from None
        except (OSError, http.client.HTTPException, ssl.SSLError, ValueError) as exc:
            if deadline.expired:  # the shut socket: a broken read or a cut header
                raise SaidwhatError("fetch_timeout", url=url, timeout=timeout) from None
            raise SaidwhatError("fetch_failed", url=url, reason=_reason(exc)) from None
        finally:
            conn.close()
        if deadline.expired:  # a shut socket reads as the end of a body without a length
            raise SaidwhatError("fetch_timeout", url=url, timeout=timeout)
        body = decode_content(body, response.getheader("Content-Encoding"), url, max_bytes)
        media, _, params = ctype.partition(";")
        charset = None
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            if key.lower() == "charset" and value:
                charset = value.strip("\"' ").lower()
        return Response(current, status, media.strip().lower(), charset, body, received)
    raise SaidwhatError("fetch_redirects", url=url, limit=MAX_REDIRECTS)


def _read_capped(response, url, max_bytes, deadline, timeout) -> bytes:
    length = response.getheader("Content-Length")
    if length and length.isdigit() and int(length) > max_bytes:
        raise SaidwhatError("fetch_too_large", url=url, limit=max_bytes)
    chunks, size = [], 0
    while True:
        if deadline.expired:
            raise SaidwhatError("fetch_timeout", url=url, timeout=timeout)
        chunk = response.read(_CHUNK)
        if not chunk:
            break
        size += len(chunk)
        if size > max_bytes:
            raise SaidwhatError("fetch_too_large", url=url, limit=max_bytes)
        chunks.append(chunk)
    return b"".join(chunks)


def decode_content(body: bytes, encoding: Optional[str], url: str, max_bytes: int) -> bytes:
    encoding = (encoding or "").strip().lower()
    if encoding in ("", "identity"):
        return body
    if encoding not in ("gzip", "x-gzip", "deflate"):
        raise SaidwhatError("fetch_failed", url=url, reason=f"unsupported encoding {encoding}")
    wbits = 47 if encoding != "deflate" else 15  # 47: gzip or zlib header, auto-detected
    try:
        inflater = zlib.decompressobj(wbits)
        data = inflater.decompress(body, max_bytes + 1)
    except zlib.error as exc:
        if encoding == "deflate":  # some servers send raw deflate
            try:
                data = zlib.decompressobj(-15).decompress(body, max_bytes + 1)
            except zlib.error:
                raise SaidwhatError("fetch_failed", url=url, reason=exc) from None
        else:
            raise SaidwhatError("fetch_failed", url=url, reason=exc) from None
    if len(data) > max_bytes:  # a compression bomb stops here
        raise SaidwhatError("fetch_too_large", url=url, limit=max_bytes)
    return data


def fetch_url(url: str, *, allow_private: bool = False, timeout: float = DEFAULT_TIMEOUT,
              max_bytes: int = DEFAULT_MAX_BYTES, max_chars: Optional[int] = None,
              listed: Optional[FeedItem] = None) -> Document:
    """Fetch one article page and read it into a Document (``SaidwhatError`` on any failure).

    Outlet and date come from the page (trafilatura, then htmldate for the date) and, for the
    outlet, from the host name when the page names no site. ``listed``: the feed or sitemap
    entry that named the page; its title, date and outlet fill what the page lacks."""
    response = fetch(url, allow_private=allow_private, timeout=timeout, max_bytes=max_bytes)
    return page_document(response, url, max_chars=max_chars, listed=listed)


# Answers that say "not now" rather than "not here": a watch fetches such an item again at
# its next poll (watch.RETRIED_CODES) and waits at least what Retry-After asks.
TEMPORARY_STATUSES = frozenset((408, 425, 429, 500, 502, 503, 504))


def check_status(response: Response, url: str) -> None:
    if 200 <= response.status < 300:
        return
    if response.status in TEMPORARY_STATUSES:
        wait = retry_after(response.headers.get("retry-after"))
        raise SaidwhatError("http_unavailable", url=url, status=response.status,
                            retry_after=wait,
                            asked="" if wait is None else f"; it asks to wait {wait:,.0f} s")
    raise SaidwhatError("http_status", url=url, status=response.status)


def retry_after(value: Optional[str], now: Optional[float] = None) -> Optional[float]:
    """Seconds a Retry-After header asks to wait (RFC 9110: a number of seconds or an HTTP
    date); None when there is none or it cannot be read."""
    if not value or not value.strip():
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    from email.utils import parsedate_to_datetime

    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


def page_document(response: Response, url: str, *, max_chars: Optional[int] = None,
                  listed: Optional[FeedItem] = None) -> Document:
    """The article of a fetched page (``url`` as asked for, before redirects)."""
    from saidwhat.read.items import ReadFailure, read_bytes
    from saidwhat.read.text import MAX_CHARS

    check_status(response, url)
    media = response.content_type
    if media and not (media.startswith("text/") or "html" in media or "xml" in media):
        raise SaidwhatError("not_article", url=url, content_type=media)
    kind = listing_kind(response.body)
    if kind is not None:  # its XML read as text would end up inside statements
        raise SaidwhatError("listing_not_article", url=url, kind=KIND_NAMES[kind])
    item = read_bytes(response.body, source=url, url=response.url,
                      name=".html" if "html" in media else "", max_chars=max_chars or MAX_CHARS)
    if isinstance(item, ReadFailure):
        raise item.error
    if listed is not None:
        if item.outlet and item.outlet == _url_sitename(item.url or url):
            item.outlet = None  # trafilatura's stand-in, not a name the page gives itself
        item.title = item.title or listed.title
        item.published = item.published or listed.published
        item.outlet = item.outlet or listed.outlet
    complete_metadata(item, html=response.body if item.format == "html" else None)
    return item


def complete_metadata(doc: Document, html: bytes | str | None = None) -> Document:
    """Fill a missing outlet from the URL's host and a missing date from the page (htmldate)."""
    if not doc.outlet and doc.url:
        doc.outlet = host_outlet(doc.url)
    if not doc.published and html:
        try:
            from htmldate import find_date

            doc.published = find_date(html, url=doc.url, original_date=True,
                                      extensive_search=False)
        except Exception:  # htmldate is best effort: no date is better than no document
            doc.published = None
    return doc


def _url_sitename(url: str) -> Optional[str]:
    """The site name trafilatura gives a page that names none: its URL's host and port
    (its own expression, so that the two agree)."""
    from trafilatura.metadata import META_URL

    match = META_URL.match(url)
    return match[1] if match else None


def host_outlet(url: str) -> Optional[str]:
    """The outlet a URL names when nothing else does: its host, without "www."."""
    host = urlsplit(url).hostname or ""
    return host[4:] if host.startswith("www.") else (host or None)


def is_url(text: str) -> bool:
    return text.startswith(("http://", "https://"))
